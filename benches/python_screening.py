"""Times the Python batch screening (amimestrocel_dkd.screen_many) from JSON texts, from dicts
and from a pyarrow table of the published record schema (issue 15; checked to give the same
screening as the texts), and the one-record call, on synthetic records from the core's
generator. Prints a Markdown table. Run: scripts/bench-python.sh --screening [COUNT].
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import amimestrocel_dkd as dkd
from amimestrocel_dkd.screening import records_to_arrow

def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    records = list(dkd.synthetic_cohort(2025, n))
    texts = [json.dumps(r) for r in records]
    dkd.screen_many(texts[:1000])  # warm-up: threads, allocator

    def best(f: Any) -> float:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            f()
            times.append(time.perf_counter() - t0)
        return min(times)

    table = records_to_arrow(records)
    df = dkd.screen_many(texts)
    df2 = dkd.screen_many(records)
    from_arrow = dkd.screen_many(table).to_pandas()
    assert [str(v) for v in from_arrow.status] == [str(v) for v in df.status]
    assert all((from_arrow[c].astype(str) == df[c].astype(str)).all() for c in df.columns if c not in ("error", "id"))
    t_arrow = best(lambda: dkd.screen_many(table))
    t_batch = best(lambda: dkd.screen_many(texts))
    t_dicts = best(lambda: dkd.screen_many(records))
    k = min(n, 20_000)
    t0 = time.perf_counter()
    for t in texts[:k]:
        dkd.screen(t)
    t_one = (time.perf_counter() - t0) / k
    assert len(df) == len(df2) == n
    print(f"records: {n:,}; eligible {int((df['status'] == 'eligible').sum()):,}")
    print("| what | time | records/s |")
    print("|---|---|---|")
    print(f"| screen_many(JSON texts) -> DataFrame | {t_batch:.2f} s | {n / t_batch:,.0f} |")
    print(f"| screen_many(dicts) -> DataFrame | {t_dicts:.2f} s | {n / t_dicts:,.0f} |")
    print(f"| screen_many(pyarrow table) -> pyarrow table | {t_arrow:.2f} s | {n / t_arrow:,.0f} "
          f"({t_dicts / t_arrow:.1f}x dicts, {t_batch / t_arrow:.1f}x JSON texts) |")
    print(f"| screen(one JSON text) -> ScreeningResult | {t_one * 1e6:.1f} µs | {1 / t_one:,.0f} |")
    # Reasons and evidence asked for, on at most 20 000 records.
    m = min(n, 20_000)
    small = records_to_arrow(records[:m])
    import polars as pl

    small_polars = pl.from_arrow(small)
    for what, f in [
        ("pyarrow table, evidence='json'", lambda: dkd.screen_many(small, evidence="json")),
        ("pyarrow table, evidence='nested'", lambda: dkd.screen_many(small, evidence="nested")),
        ("polars frame, evidence='nested'", lambda: dkd.screen_many(small_polars, evidence="nested")),
        ("dicts, evidence='nested' (pandas: lists of dicts)", lambda: dkd.screen_many(records[:m], evidence="nested")),
    ]:
        t = best(f)
        print(f"| screen_many({what}), {m:,} records | {t:.2f} s | {m / t:,.0f} |")


if __name__ == "__main__":
    main()
