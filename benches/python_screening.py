"""Times the Python batch screening (amimestrocel_dkd.screen_many -> DataFrame) and the
one-record call, on synthetic records from the core's generator. Prints a Markdown table.
Run: scripts/bench-python.sh --screening [COUNT].
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import amimestrocel_dkd as dkd


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

    df = dkd.screen_many(texts)
    df2 = dkd.screen_many(records)
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
    print(f"| screen(one JSON text) -> ScreeningResult | {t_one * 1e6:.1f} µs | {1 / t_one:,.0f} |")


if __name__ == "__main__":
    main()
