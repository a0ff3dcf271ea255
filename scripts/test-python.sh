#!/usr/bin/env bash
# Builds the wheel with maturin, installs it into the cached venv, runs pytest (vectors, binding
# tests, the package's doctests and README's Python example), mypy --strict over the tests and
# stubtest over the stubs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/toolchains.sh
ensure_venv
install_wheel "$ROOT"
cd tests/python
echo "== pytest"
"$VENV/bin/python" -m pytest -p no:cacheprovider -q . --doctest-modules --pyargs amimestrocel_dkd
echo "== mypy --strict (tests and package)"
"$VENV/bin/python" -m mypy --strict --cache-dir=/dev/null .
"$VENV/bin/python" -m mypy --strict --cache-dir=/dev/null -p amimestrocel_dkd
echo "== stubtest"
"$VENV/bin/python" -m mypy.stubtest amimestrocel_dkd --allowlist "$ROOT/bindings-python/stubtest-allowlist.txt"
echo "stubtest: no issues"
