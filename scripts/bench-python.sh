#!/usr/bin/env bash
# Builds and installs the wheel (as the tests do), then runs benches/python_egfr.py [ROWS], or
# with --screening, benches/python_screening.py [COUNT].
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/toolchains.sh
ensure_venv
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
rm -rf "$TARGET/wheels"
"$VENV/bin/maturin" build --release -q -m bindings-python/Cargo.toml --out "$TARGET/wheels" >/dev/null 2>&1
"$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$TARGET"/wheels/*.whl
if [ "${1:-}" = "--screening" ]; then
  shift
  "$VENV/bin/python" benches/python_screening.py "$@"
else
  "$VENV/bin/python" benches/python_egfr.py "$@"
fi
