#!/usr/bin/env bash
# The main job's trial report, looked at in a real browser: runs the main job into a scratch
# directory, has headless Chromium (Debian's package) parse trial_report.html (--dump-dom) and
# take a screenshot of it, and checks what the browser made of it: the title and every section
# are in the parsed page, the tables are there, the screenshot is a PNG of the requested width
# with content (a blank or error page compresses to a few kB). Prints `N passed, N failed`.
# Then pyarrow reads the Parquet analysis datasets the main job wrote and compares them with
# the CSV ones (tests/report/check_datasets.py, its own summary line).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/toolchains.sh
apt_install chromium
if ! command -v chromium >/dev/null; then
  echo "chromium is not on PATH after installing Debian's package"
  echo "0 passed, 1 failed"
  exit 1
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
# The debug build: `cargo test` has built it already in the test command.
cargo build --quiet -p amimestrocel-dkd-cli
(cd "$scratch" && "${CARGO_TARGET_DIR:-$ROOT/target}/debug/dkd-report" >main-job.txt)
html="$scratch/out/trial_report.html"
browser() { timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "$@" 2>/dev/null; }
if ! browser --dump-dom "file://$html" >"$scratch/dom.html"; then
  echo "chromium could not open the report"
  echo "0 passed, 1 failed"
  exit 1
fi
browser --window-size=1280,2400 --screenshot="$scratch/report.png" "file://$html" >/dev/null
[ -n "${REPORT_SCREENSHOT:-}" ] && cp "$scratch/report.png" "$REPORT_SCREENSHOT"

passed=0
failed=0
check() {
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $name"
  fi
}
has() { grep -qF -- "$1" "$scratch/dom.html"; }
check "the main job wrote both report files" test -s "$scratch/out/trial_report.md" -a -s "$html"
check "the browser parsed the title" has "<title>NCT06969807 (Amimestrocel in diabetic kidney disease): synthetic trial report</title>"
for section in "<h2>Screening</h2>" "<h2>Visit schedule</h2>" "<h2>Endpoints</h2>" "<h3>Baseline characteristics</h3>" \
    "<h3>Primary endpoints at week 28</h3>" "<h3>Outcomes at landmark visits</h3>" "<h3>Time to event</h3>" "<h3>Safety</h3>"; do
  check "section $section" has "$section"
done
tables=$(grep -o "<table>" "$scratch/dom.html" | wc -l)
check "six tables in the parsed page (found $tables)" test "$tables" -eq 6
check "the primary endpoints are in a table" has '<td class="t">UPRO24</td>'
check "the screenshot is a PNG" test "$(head -c 8 "$scratch/report.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a"
width=$(od -An -tu1 -j16 -N4 "$scratch/report.png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
check "the screenshot is 1280 pixels wide (found $width)" test "$width" -eq 1280
size=$(stat -c %s "$scratch/report.png")
check "the screenshot has content ($size bytes)" test "$size" -gt 100000
echo "$passed passed, $failed failed"
# The analysis datasets as Parquet, read back by pyarrow and compared cell by cell with the CSV.
echo "== the analysis datasets read back by pyarrow (tests/report/check_datasets.py)"
ensure_venv
if ! "$VENV/bin/python" tests/report/check_datasets.py "$scratch/out"; then
  failed=$((failed + 1))
fi
[ "$failed" -eq 0 ]
