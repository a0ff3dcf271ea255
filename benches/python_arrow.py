"""eGFR from Arrow columns (issue 15): `amimestrocel_dkd.egfr(table, age=..., sex=...,
creatinine=...)` on a pyarrow table whose sex column is each layout the libraries produce
(utf8 from pyarrow/DuckDB/Spark, large_utf8 from pandas 3, utf8_view from polars, dictionaries
from pandas Categorical and polars Categorical/Enum, integer codes), against the idiomatic numpy
implementation of the same equation (benches/python_egfr.py) on numpy arrays already in memory,
in the same run; both cores. Checks that every layout gives the numpy path's values. Prints a
Markdown table. Run after the wheel is installed (scripts/test-python.sh or bench-python.sh):
    ~/.cache/amimestrocel-dkd/venv/bin/python benches/python_arrow.py [ROWS]
No test asserts on these numbers; they are recorded in docs/performance.md.
"""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa

import amimestrocel_dkd as dkd
from python_egfr import best, numpy_ckd_epi_2021


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    rng = np.random.default_rng(2025)
    scr = rng.uniform(0.4, 8.0, n)
    age = rng.integers(18, 95, n)
    codes = rng.integers(1, 3, n).astype(np.uint8)  # ISO/IEC 5218: 1 male, 2 female
    female = codes == 2
    letters = np.where(female, "F", "M")
    text = pa.array(letters)
    layouts = [
        ("utf8 (pyarrow, DuckDB, Spark)", text),
        ("large_utf8 (pandas 3)", text.cast(pa.large_string())),
        ("utf8_view (polars)", text.cast(pa.string_view())),
        ("dictionary<int8, utf8> (pandas Categorical)", pa.DictionaryArray.from_arrays(
            pa.array((codes - 1).astype(np.int8)), ["M", "F"])),
        ("dictionary<uint32, utf8_view> (polars Categorical)", pa.DictionaryArray.from_arrays(
            pa.array((codes - 1).astype(np.uint32)), pa.array(["M", "F"], pa.string_view()))),
        ("int64 ISO/IEC 5218 codes", pa.array(codes.astype(np.int64))),
    ]
    reference = dkd.egfr("ckd_epi_2021_cr", age=age.astype(np.float64), sex=codes, creatinine=scr).values
    t_np = best(lambda: numpy_ckd_epi_2021(scr, age, female), 3)
    t_np_text = best(lambda: numpy_ckd_epi_2021(scr, age, letters == "F"), 3)
    print(f"{n:,} rows, both cores; best of 3\n")
    print("| sex column | `egfr(table, ...)` | vs numpy (female given) | vs numpy (from 'F'/'M' text) |")
    print("|---|---|---|---|")
    for name, sex in layouts:
        table = pa.table({"AGE": age, "SEX": sex, "CR": scr})
        out = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")
        assert np.array_equal(out["egfr"].to_numpy(), reference), name
        t = best(lambda: dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR"), 3)
        print(f"| {name} | {t * 1e3:.0f} ms | {t_np / t:.1f}× | {t_np_text / t:.1f}× |")
    print(f"\nnumpy, idiomatic (female given): {t_np * 1e3:.0f} ms; "
          f"with `female = sex == 'F'` from a <U1 array: {t_np_text * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
