#!/usr/bin/env bash
# Installs, idempotently, every toolchain the test suite needs, into a cache outside the checkout
# so that a second run (or CI on the same machine) reuses it. Source this file, then call the
# ensure_* functions. Each prints one line saying what it found or installed.
#
# Cache layout (override the root with AMIMESTROCEL_CACHE):
#   $CACHE/venv       Python venv with maturin, pytest, numpy, pandas, mypy
#   $CACHE/venv-spark Python venv with pyspark 4.0 and pandas < 3 (Spark's own requirement)
#   $CACHE/kotlin     kotlin-compiler from npm
#   $CACHE/trixie     Debian trixie chroot with swiftlang (Bookworm has no Swift compiler)
set -euo pipefail

CACHE="${AMIMESTROCEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/amimestrocel-dkd}"
mkdir -p "$CACHE"
# The repository this file belongs to (the builds below run from it, whatever the caller's
# directory).
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KOTLIN_VERSION="2.4.20"
# scipy, statsmodels and lifelines are the third-party references the endpoint statistics are
# checked against (tests/python/test_endpoints.py).
PY_REQUIREMENTS=(maturin==1.16.0 pytest hypothesis numpy pandas mypy icalendar fhir.resources==6.1.0 "pydantic<2" scipy statsmodels lifelines pyarrow polars duckdb matplotlib)

log() { printf '[toolchains] %s\n' "$*" >&2; }

# The test command fetches the toolchains that are mostly downloads in the background
# (scripts/prefetch.sh) while the Rust suites build; a suite may ask for one while it is being
# installed. Each install therefore holds a lock of its own (flock on $CACHE/.lock-NAME): the
# suite waits for the install under way, then finds it done, instead of running a second one
# into the same place. A failure ends the script (set -e), which releases the lock.
with_lock() {
  local name="$1" fd
  shift
  exec {fd}>"$CACHE/.lock-$name"
  flock "$fd"
  "$@"
  flock -u "$fd"
  exec {fd}>&-
}

apt_updated=0
apt_install() {
  with_lock apt apt_install_unlocked "$@"
}

apt_install_unlocked() {
  local missing=()
  # Installed means "install ok installed": a removed package keeps a dpkg status (its config
  # files), which `dpkg -s` would take for installed.
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then apt-get update -qq >&2; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_venv() {
  VENV="$CACHE/venv"
  with_lock venv install_venv
  log "python venv ready: $("$VENV/bin/python" --version)"
  export VENV
}

install_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating Python venv at $VENV"
    python3 -m venv "$VENV"
  fi
  if ! "$VENV/bin/python" -c 'import maturin, pytest, hypothesis, numpy, pandas, mypy, icalendar, scipy, statsmodels, lifelines, pyarrow, polars, duckdb, matplotlib, fhir.resources as f; assert f.__fhir_version__ == "4.0.1"' 2>/dev/null \
      || ! "$VENV/bin/maturin" --version >/dev/null 2>&1; then
    log "pip install ${PY_REQUIREMENTS[*]}"
    "$VENV/bin/pip" install -q --disable-pip-version-check "${PY_REQUIREMENTS[@]}" >&2
  fi
}

# PySpark for tests/spark, in a venv of its own: Spark 4.0 reads pandas < 3 only, and it must not
# pin the main venv's pandas. Spark runs on the machine's Java 17.
SPARK_REQUIREMENTS=(pyspark==4.0.1 "pandas<3" pyarrow numpy pytest)
ensure_spark_venv() {
  SPARK_VENV="$(side_venv venv-spark \
    'import pyspark, pandas, pyarrow, numpy, pytest; assert pyspark.__version__ == "4.0.1" and int(pandas.__version__.split(".")[0]) < 3' \
    "${SPARK_REQUIREMENTS[@]}")"
  command -v java >/dev/null || { log "java not found: Spark needs Java 17"; return 1; }
  log "spark venv ready: pyspark $("$SPARK_VENV/bin/python" -c 'import pyspark; print(pyspark.__version__)')"
  export SPARK_VENV
}

# A venv of its own under the cache (for a suite whose requirements must not pin the main venv),
# created if absent; its requirements installed unless the check (Python code) passes. Prints
# its path.
side_venv() {
  with_lock "$1" install_side_venv "$@"
  echo "$CACHE/$1"
}

install_side_venv() {
  local venv="$CACHE/$1" check="$2"
  shift 2
  if [ ! -x "$venv/bin/python" ]; then
    log "creating Python venv at $venv"
    python3 -m venv "$venv"
  fi
  if ! "$venv/bin/python" -c "$check" 2>/dev/null; then
    log "pip install $*"
    "$venv/bin/pip" install -q --disable-pip-version-check "$@" >&2
  fi
}

# Installs the wheel that scripts/test-python.sh built (building it if there is none) into the
# side venv $1.
install_built_wheel_into() {
  local venv="$1" root="$2" target="${CARGO_TARGET_DIR:-$2/target}"
  if ! ls "$target"/wheels/*.whl >/dev/null 2>&1; then
    ensure_venv
    install_wheel "$root"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$target"/wheels/*.whl
}

# pandas 3 for tests/pandas3, in a venv of its own: the main venv keeps pandas 2 (the oldest the
# package supports with Arrow), and Spark's venv needs pandas < 3.
PANDAS3_REQUIREMENTS=("pandas>=3,<4" pyarrow numpy pytest)
ensure_pandas3_venv() {
  PANDAS3_VENV="$(side_venv venv-pandas3 \
    'import pandas, pyarrow, numpy, pytest; assert int(pandas.__version__.split(".")[0]) == 3' \
    "${PANDAS3_REQUIREMENTS[@]}")"
  log "pandas 3 venv ready: pandas $("$PANDAS3_VENV/bin/python" -c 'import pandas; print(pandas.__version__)')"
  export PANDAS3_VENV
}

ensure_kotlin() {
  KOTLIN_HOME="$CACHE/kotlin/node_modules/kotlin-compiler"
  with_lock kotlin install_kotlin
  apt_install libjna-java junit5
  JAVA_LIBS=$(dirname "$(dpkg -L libjna-java | grep '/jna.jar$' | head -n1)")
  log "kotlin ready: $KOTLIN_HOME, java libs in $JAVA_LIBS"
  export KOTLIN_HOME JAVA_LIBS
}

install_kotlin() {
  if [ ! -x "$KOTLIN_HOME/bin/kotlinc" ]; then
    log "npm install kotlin-compiler@$KOTLIN_VERSION"
    npm install --silent --no-audit --no-fund --prefix "$CACHE/kotlin" "kotlin-compiler@$KOTLIN_VERSION" >&2
  fi
}

ensure_swift() {
  TRIXIE="$CACHE/trixie"
  with_lock trixie install_swift
  log "swift ready: $(chroot_run swift --version 2>/dev/null | head -n1)"
  export TRIXIE
}

install_swift() {
  if [ ! -x "$TRIXIE/usr/bin/swift" ]; then
    apt_install debootstrap
    if [ ! -x "$TRIXIE/usr/bin/apt-get" ]; then
      log "debootstrap trixie into $TRIXIE"
      rm -rf "$TRIXIE"
      debootstrap --variant=minbase trixie "$TRIXIE" http://deb.debian.org/debian >&2
    fi
    log "installing swiftlang in the trixie chroot"
    chroot_run bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends swiftlang libc6-dev libstdc++-14-dev' >&2
  fi
}

# Runs a command inside the trixie chroot with /proc mounted for its duration only.
chroot_run() {
  local mounted=0
  if ! mountpoint -q "$TRIXIE/proc"; then mount -t proc proc "$TRIXIE/proc"; mounted=1; fi
  local rc=0
  chroot "$TRIXIE" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root "$@" || rc=$?
  if [ $mounted -eq 1 ]; then umount "$TRIXIE/proc" || umount -l "$TRIXIE/proc" || true; fi
  return $rc
}

# Gson (Debian's libgoogle-gson-java) for the Kotlin tests, which read the shared JSON vectors.
ensure_gson() {
  apt_install libgoogle-gson-java
  GSON_JAR=$(dpkg -L libgoogle-gson-java | grep '/gson\.jar$' | head -n1)
  log "gson ready: $GSON_JAR"
  export GSON_JAR
}

# Builds the Python wheel with maturin (release) and installs it into the cached venv.
install_wheel() {
  local root="$1" target="${CARGO_TARGET_DIR:-$1/target}"
  rm -rf "$target/wheels"
  log "maturin build --release (bindings-python)"
  "$VENV/bin/maturin" build --release -q -m "$root/bindings-python/Cargo.toml" --out "$target/wheels" >/dev/null 2>&1 \
    || "$VENV/bin/maturin" build --release -m "$root/bindings-python/Cargo.toml" --out "$target/wheels"
  "$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$target"/wheels/*.whl
}

# cargo-fuzz (libFuzzer) on the nightly toolchain, for the fuzz smoke run. The machine image has
# a nightly toolchain; cargo-fuzz is installed once into the cache (about 2 minutes cold).
CARGO_FUZZ_VERSION="0.13.2"
ensure_cargo_fuzz() {
  if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    log "rustup toolchain install nightly (minimal)"
    rustup toolchain install nightly --profile minimal >&2
  fi
  CARGO_FUZZ="$CACHE/cargo-fuzz/bin/cargo-fuzz"
  with_lock cargo-fuzz install_cargo_fuzz
  export PATH="$CACHE/cargo-fuzz/bin:$PATH"
  log "cargo-fuzz ready: $("$CARGO_FUZZ" --version)"
}

# uniffi's bindgen, which writes the Kotlin and Swift sources from the mobile library
# (scripts/uniffi.sh). It is a crate of its own, `bindings-mobile/uniffi-bindgen` (its own
# workspace and Cargo.lock, uniffi with the `cli` feature and nothing else), built into a target
# directory of its own: it does not compile core or the mobile crate, and uniffi's `cli` feature
# does not change the features of the test build. A cold build took 160 s here where the mobile
# crate's former `uniffi-bindgen` binary (which linked the library) took 488-554 s beside the
# suites (ADR 0017). A debug build without debug information: it runs for a second per language.
# Its uniffi must be the mobile crate's, exactly (the library's metadata is read in that
# version's format): checked here from the two lock files. The test command builds it in the
# background at the lowest priority (scripts/prefetch.sh). Prints the binary's path.
BINDGEN_DIR="$REPO_ROOT/bindings-mobile/uniffi-bindgen"
ensure_uniffi_bindgen() {
  local ours theirs
  ours="$(lock_version uniffi "$REPO_ROOT/Cargo.lock")"
  theirs="$(lock_version uniffi "$BINDGEN_DIR/Cargo.lock")"
  if [ -z "$ours" ] || [ "$ours" != "$theirs" ]; then
    log "uniffi ${ours:-?} in Cargo.lock but ${theirs:-?} in bindings-mobile/uniffi-bindgen/Cargo.lock: pin the same version in both"
    return 1
  fi
  # Called inside $(...), where errexit does not hold: a failed build must return its failure,
  # not print the path of an older binary.
  (CARGO_TARGET_DIR="$CACHE/bindgen-target" CARGO_PROFILE_DEV_DEBUG=0 \
    cargo build --quiet --locked --manifest-path "$BINDGEN_DIR/Cargo.toml" >&2) || return 1
  echo "$CACHE/bindgen-target/debug/uniffi-bindgen"
}

# The version of package <name> in lock file <file> (empty if absent).
lock_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$2"
}

# Builds every fuzz target as the smoke run uses it (scripts/test-fuzz.sh): release with debug
# assertions and AddressSanitizer, into a target directory of its own (the sanitizer build shares
# nothing with the normal one). 16 codegen units rather than cargo-fuzz's default of 1: a cold
# build here took 306 s against 367 s (ADR 0017); cargo-fuzz documents the cost as somewhat
# slower fuzzing, which a smoke run of seconds does not feel. The test command starts this in
# the background at the lowest priority (scripts/prefetch.sh), so that it takes the core the
# test runners leave idle; the smoke run then finds it done, or waits on cargo's lock of the
# target directory.
FUZZ_TARGET_DIR="$CACHE/fuzz-target"
build_fuzz_targets() {
  ensure_cargo_fuzz
  CARGO_TARGET_DIR="$FUZZ_TARGET_DIR" cargo +nightly fuzz build --fuzz-dir "$REPO_ROOT/fuzz" -O --codegen-units 16 >&2
}

install_cargo_fuzz() {
  if ! "$CARGO_FUZZ" --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    log "cargo install cargo-fuzz@$CARGO_FUZZ_VERSION"
    # Its own target directory: the test command's is locked by the suite running beside it.
    # Without optimisation: it only starts cargo (36 s to build here, against 60 s in release).
    CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      CARGO_TARGET_DIR="$CACHE/cargo-fuzz-build" cargo install -q --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION" --root "$CACHE/cargo-fuzz" >&2
  fi
}
