#!/usr/bin/env bash
# The one test command (README, .ci/run). Installs what it needs (into a cache outside the
# checkout, reused when present), then runs every suite: formatting and lints, Rust (unit,
# property and vector tests, doc tests), Python (pytest against the built wheel, mypy --strict,
# stubtest), Spark (PySpark local[2] in a venv of its own), pandas 3 (a venv of its own), Kotlin (JUnit on the JVM), Swift
# (XCTest in a Debian trixie chroot), the main job's
# trial report in headless Chromium and a fuzz
# smoke run (every cargo-fuzz target over its kept corpus, then a few seconds each).
# Each suite prints its runner's summary; the last line counts the suites.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CACHE="${AMIMESTROCEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/amimestrocel-dkd}"
mkdir -p "$CACHE"
# One target directory for every run on this machine: a second run, or CI after a session,
# reuses compiled dependencies. A fresh machine builds them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/target}"
export CARGO_TERM_COLOR=never
# Debug builds (the Rust tests, the mobile library) with line tables only, not full debug
# information: backtraces keep their files and lines, and a cold `cargo test --no-run` took
# 158 s against 176 s (ADR 0017). A debugger session builds with the default.
export CARGO_PROFILE_DEV_DEBUG=line-tables-only

# The downloads overlap the Rust builds: the toolchains that are mostly downloads are fetched
# in the background from the start (each suite waits for what it needs, scripts/prefetch.sh).
bash scripts/prefetch.sh >"$CACHE/prefetch.log" 2>&1 &
prefetch=$!
trap 'kill "$prefetch" 2>/dev/null' INT TERM

passed=0
failed=0
failures=()
suite() {
  local name="$1"
  shift
  local start=$SECONDS
  printf '\n===== %s =====\n' "$name"
  if "$@"; then
    passed=$((passed + 1))
    printf -- '----- %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf -- '----- %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
  fi
}

suite "rustfmt" cargo fmt --all -- --check
suite "clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
suite "rust tests" cargo test --quiet
suite "python" bash scripts/test-python.sh
suite "spark" bash scripts/test-spark.sh
suite "pandas 3" bash scripts/test-pandas3.sh
suite "kotlin" bash scripts/test-kotlin.sh
suite "swift" bash scripts/test-swift.sh
suite "trial report in a browser" bash scripts/test-report.sh
suite "fuzz smoke" bash scripts/test-fuzz.sh

wait "$prefetch" 2>/dev/null
echo
echo "background fetch of toolchains:"
sed 's/^/  /' "$CACHE/prefetch.log"
if [ ${#failures[@]} -gt 0 ]; then
  echo "failed suites: ${failures[*]}"
fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
