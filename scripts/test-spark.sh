#!/usr/bin/env bash
# Spark (issue 15): PySpark local[2] on the machine's Java 17 runs the library's mapInArrow and
# applyInArrow functions (tests/spark), in a venv of its own (pyspark 4.0, pandas < 3) into which
# the wheel that scripts/test-python.sh built is installed. Prints pytest's summary and the timings.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/toolchains.sh
source "$root/scripts/toolchains.sh"
ensure_spark_venv
install_built_wheel_into "$SPARK_VENV" "$root"
echo "== Spark $("$SPARK_VENV/bin/python" -c 'import pyspark; print(pyspark.__version__)') on $(java -version 2>&1 | head -n1)"
export SPARK_LOCAL_IP=127.0.0.1 # one machine: no lookup of its own address
log_file="$(mktemp)"
status=0
(cd "$root/tests/spark" && "$SPARK_VENV/bin/python" -m pytest -q -p no:cacheprovider -s .) >"$log_file" 2>&1 || status=$?
# Spark's own log lines and progress bars are left out; pytest's lines, failures and timings stay.
grep -v -E ' WARN |^(WARNING:|Using Spark|Setting default log level|To adjust logging)|Stage [0-9]+:|^\s*$' "$log_file" || true
rm -f "$log_file"
exit "$status"
