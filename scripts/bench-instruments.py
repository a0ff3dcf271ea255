"""Scoring a table of DQOL responses through Python: rows per second of
`amimestrocel_dkd.instruments.score_frame` (one call, one row per session, 46 item columns),
beside a pandas-only sum of the same columns (no missing-item rule, no checks: a floor, not an
equivalent). Every 7th cell is missing, so most rows have prorated subscales. Run with the
venv's python after `scripts/test-python.sh` has installed the wheel:
    ~/.cache/amimestrocel-dkd/venv/bin/python scripts/bench-instruments.py [ROWS]
"""

import pathlib
import sys

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from amimestrocel_dkd import instruments

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from benchtime import best  # noqa: E402


rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
dqol = instruments.dqol()
items = dqol.item_ids
values = (np.arange(rows)[:, None] + np.arange(len(items))[None, :]) % 5 + 1
frame = pd.DataFrame(values.astype(float), columns=items)
frame = frame.mask((np.arange(rows)[:, None] + np.arange(len(items))[None, :]) % 7 == 0)

t_lib = best(lambda: instruments.score_frame(frame, dqol))
t_pandas = best(lambda: frame.sum(axis=1, skipna=True))
print(f"score_frame: {rows} rows in {t_lib:.3f} s = {rows / t_lib / 1e3:.1f} k rows/s")
print(f"pandas row sum (floor): {rows / t_pandas / 1e3:.1f} k rows/s")
