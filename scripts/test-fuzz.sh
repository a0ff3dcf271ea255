#!/usr/bin/env bash
# The fuzz smoke run: builds every cargo-fuzz target (fuzz/fuzz_targets/, one per reader of
# outside data) and runs each over its kept corpus (fuzz/corpus/TARGET/, every input once: the
# regression part) and then for a few seconds of new inputs. A crash fails the run and leaves
# its input in fuzz/artifacts/TARGET/. Long runs are by hand (docs/reliability.md):
#   FUZZ_SECONDS=1800 scripts/test-fuzz.sh [TARGET]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/toolchains.sh
SECONDS_EACH="${FUZZ_SECONDS:-4}"
build_fuzz_targets
mapfile -t TARGETS < <(cargo +nightly fuzz list --fuzz-dir fuzz)
[ $# -gt 0 ] && TARGETS=("$@")
# Two targets at a time (each libFuzzer process is one thread): their kept corpora are replayed
# first, whatever the seconds asked, and replaying takes most of the run.
JOBS="${FUZZ_JOBS:-2}"
HOST="$(rustc +nightly -vV | sed -n 's/^host: //p')"
results="$(mktemp -d)"
run_target() {
  local t="$1" scratch log_file runs
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  # A scratch copy of the corpus takes the new inputs, so the kept corpus changes only by hand
  # (after `cargo fuzz cmin`).
  scratch="$(mktemp -d)"
  log_file="$(mktemp)"
  # The binary `cargo fuzz build` made, run directly (`cargo fuzz run` would ask cargo again
  # for each target), with the artifact directory `cargo fuzz run` gives it.
  if "$FUZZ_TARGET_DIR/$HOST/release/$t" "$scratch" "fuzz/corpus/$t" \
      -artifact_prefix="fuzz/artifacts/$t/" -max_total_time="$SECONDS_EACH" -print_final_stats=1 >"$log_file" 2>&1; then
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log_file" | grep -oE '[0-9]+$' || echo "?")
    printf 'fuzz %-22s ok   %s executions, corpus %s inputs\n' "$t" "$runs" "$(ls "fuzz/corpus/$t" | wc -l)" >"$results/$t"
  else
    touch "$results/$t.failed"
    { printf 'fuzz %-22s FAILED\n' "$t"; grep -E 'panicked|ERROR|SUMMARY|artifact|No such file' "$log_file" | head -n 12 || true; } >"$results/$t"
  fi
  rm -rf "$scratch" "$log_file"
}
for t in "${TARGETS[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  run_target "$t" &
done
wait
passed=0
failed=0
for t in "${TARGETS[@]}"; do
  cat "$results/$t"
  if [ -e "$results/$t.failed" ]; then failed=$((failed + 1)); else passed=$((passed + 1)); fi
done
rm -rf "$results"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
