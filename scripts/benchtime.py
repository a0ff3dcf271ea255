"""The timing the benchmark scripts share: the best of a few runs (the least disturbed by the
host's other work), in seconds."""

from __future__ import annotations

import time
from typing import Callable


def best(f: Callable[[], object], repeat: int = 3) -> float:
    """The shortest of ``repeat`` runs of ``f``, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)
