"""Scoring a table of DQOL responses through Python: rows per second of
`amimestrocel_dkd.instruments.score_frame` (one call, one row per session, 46 item columns),
beside a pandas-only sum of the same columns (no missing-item rule, no checks: a floor, not an
equivalent). Every 7th cell is missing, so most rows have prorated subscales. Run with the
venv's python after `scripts/test-python.sh` has installed the wheel:
    ~/.cache/amimestrocel-dkd/venv/bin/python scripts/bench-instruments.py [ROWS]
"""

import sys
import time
from typing import Callable

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from amimestrocel_dkd import instruments


def best(f: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


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
