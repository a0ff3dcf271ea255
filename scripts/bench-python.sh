#!/usr/bin/env bash
# Builds and installs the wheel (as the tests do), then runs benches/python_egfr.py [ROWS], or
# with --screening, benches/python_screening.py [COUNT].
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/toolchains.sh
ensure_venv
install_wheel "$ROOT"
if [ "${1:-}" = "--screening" ]; then
  shift
  "$VENV/bin/python" benches/python_screening.py "$@"
else
  "$VENV/bin/python" benches/python_egfr.py "$@"
fi
