"""The main job's analysis datasets, read back by a third party (issue 14).

Usage: python check_datasets.py OUT_DIR

Reads OUT_DIR/endpoints_{bds,adsl}.parquet with pyarrow and OUT_DIR/endpoints_{bds,adsl}.csv
with Python's csv module, and checks that the Parquet files are what docs/endpoints.md and
cli/src/parquet.rs promise: the same columns in the same order, the declared Arrow types and
nullability, and every cell equal to the CSV's (an empty CSV field is a null; dates are ISO
8601; numbers compare as the values they denote). Prints one line per failed check and
`N passed, N failed`.
"""

from __future__ import annotations

import csv
import datetime
import sys
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq

TEXT, DATE, INTEGER, REAL = pa.string(), pa.date32(), pa.int64(), pa.float64()

# Column → (Arrow type, may be null), as docs/endpoints.md describes the datasets.
BDS = {
    "STUDYID": (TEXT, False), "USUBJID": (TEXT, False), "PARAMCD": (TEXT, False),
    "PARAM": (TEXT, False), "AVISIT": (TEXT, True), "ADT": (DATE, False),
    "ADY": (INTEGER, False), "AVAL": (REAL, False), "BASE": (REAL, True), "CHG": (REAL, True),
    "PCHG": (REAL, True), "R2BASE": (REAL, True), "ABLFL": (TEXT, True),
    "ANL01FL": (TEXT, True), "DTYPE": (TEXT, True), "SRC": (TEXT, False),
}
ADSL = {
    "STUDYID": (TEXT, False), "USUBJID": (TEXT, False), "SEX": (TEXT, False),
    "AGE": (INTEGER, False), "SAFFL": (TEXT, True), "TRTSDT": (DATE, True),
    "TRTEDT": (DATE, True), "NINF": (INTEGER, False), "EOSSTT": (TEXT, False),
    "DTHFL": (TEXT, True), "DTHDT": (DATE, True), "LSTCNTDT": (DATE, False),
    "RENALFL": (TEXT, True), "RENALDY": (INTEGER, True), "MACEFL": (TEXT, True),
    "MACEDY": (INTEGER, True), "TEAEFL": (TEXT, True), "SAEFL": (TEXT, True),
    "MALIGFL": (TEXT, True), "EGFRSLP": (REAL, True),
}

passed = 0
failed = 0


def check(name: str, ok: bool) -> None:
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAILED: {name}")


def from_csv(kind: pa.DataType) -> Callable[[str], Any]:
    """How a CSV field reads as the value the Parquet cell should hold."""
    def read(field: str) -> Any:
        if field == "":
            return None
        if kind == DATE:
            return datetime.date.fromisoformat(field)
        if kind == INTEGER:
            return int(field)
        if kind == REAL:
            return float(field)
        return field
    return read


def compare(out: Path, name: str, columns: dict[str, tuple[pa.DataType, bool]]) -> None:
    table = pq.read_table(out / f"endpoints_{name}.parquet")
    with open(out / f"endpoints_{name}.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    check(f"{name}: the CSV header is the documented columns", header == list(columns))
    check(f"{name}: the Parquet columns are the documented columns", table.column_names == list(columns))
    for column, (kind, nullable) in columns.items():
        field = table.schema.field(column)
        check(f"{name}.{column}: type {field.type}, expected {kind}", field.type == kind)
        check(f"{name}.{column}: nullable {field.nullable}, expected {nullable}", field.nullable == nullable)
    check(f"{name}: {table.num_rows} Parquet rows, {len(body)} CSV rows", table.num_rows == len(body) > 0)
    values = table.to_pydict()
    mismatches = 0
    for j, column in enumerate(header):
        read = from_csv(columns[column][0])
        for i, row in enumerate(body):
            if read(row[j]) != values[column][i]:
                mismatches += 1
                if mismatches <= 5:
                    print(f"  {name} row {i + 1} {column}: CSV {row[j]!r}, Parquet {values[column][i]!r}")
    check(f"{name}: every cell of the Parquet file equals the CSV's ({mismatches} differ)", mismatches == 0)
    nulls = sum(table.column(c).null_count for c in columns)
    check(f"{name}: the nullable columns hold nulls, not empty strings ({nulls} nulls)", nulls > 0)


def main() -> int:
    out = Path(sys.argv[1])
    compare(out, "bds", BDS)
    compare(out, "adsl", ADSL)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
