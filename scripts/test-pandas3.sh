#!/usr/bin/env bash
# pandas 3 (issue 15): its default string dtype, categories and DataFrame.from_arrow against the
# library (tests/pandas3), in a venv of its own into which the wheel that scripts/test-python.sh
# built is installed. Prints pytest's summary.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/toolchains.sh
source "$root/scripts/toolchains.sh"
ensure_pandas3_venv
install_built_wheel_into "$PANDAS3_VENV" "$root"
echo "== pandas $("$PANDAS3_VENV/bin/python" -c 'import pandas; print(pandas.__version__)')"
cd "$root/tests/pandas3"
"$PANDAS3_VENV/bin/python" -m pytest -q -p no:cacheprovider .
