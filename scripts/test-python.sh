#!/usr/bin/env bash
# Builds the wheel with maturin, installs it into the cached venv, runs pytest (vectors, binding
# tests, the package's doctests and README's Python example), mypy --strict over the tests and
# stubtest over the stubs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/toolchains.sh
ensure_venv
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
rm -rf "$TARGET/wheels"
"$VENV/bin/maturin" build --release -q -m bindings-python/Cargo.toml --out "$TARGET/wheels" 2>&1 | grep -v "^[^a-zA-Z]" >&2 || true
ls "$TARGET"/wheels/*.whl >/dev/null
"$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$TARGET"/wheels/*.whl
cd tests/python
echo "== pytest"
"$VENV/bin/python" -m pytest -p no:cacheprovider -q . --doctest-modules --pyargs amimestrocel_dkd
echo "== mypy --strict (tests and package)"
"$VENV/bin/python" -m mypy --strict --cache-dir=/dev/null .
"$VENV/bin/python" -m mypy --strict --cache-dir=/dev/null -p amimestrocel_dkd
echo "== stubtest"
"$VENV/bin/python" -m mypy.stubtest amimestrocel_dkd
echo "stubtest: no issues"
