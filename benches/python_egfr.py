"""Times the vectorised amimestrocel_dkd.egfr against an idiomatic numpy implementation of the
same equation (CKD-EPI 2021 creatinine) in the same run, and a scalar call against a
pure-Python function. Prints a Markdown table. Run: scripts/bench-python.sh [ROWS].

No test asserts on these numbers; they are recorded in docs/performance.md.
"""

from __future__ import annotations

import math
import sys
import time
from typing import Any, Callable, List

import numpy as np

import amimestrocel_dkd as dkd


def numpy_ckd_epi_2021(scr: Any, age: Any, female: Any) -> Any:
    """The idiomatic numpy version: CKD-EPI 2021 (Inker 2021) with np.minimum/np.maximum."""
    kappa = np.where(female, 0.7, 0.9)
    alpha = np.where(female, -0.241, -0.302)
    ratio = scr / kappa
    egfr = 142.0 * np.minimum(ratio, 1.0) ** alpha * np.maximum(ratio, 1.0) ** -1.200 * 0.9938**age
    return egfr * np.where(female, 1.012, 1.0)


def python_ckd_epi_2021(scr: float, age: float, female: bool) -> float:
    kappa, alpha = (0.7, -0.241) if female else (0.9, -0.302)
    r = scr / kappa
    return 142.0 * min(r, 1.0) ** alpha * max(r, 1.0) ** -1.200 * 0.9938**age * (1.012 if female else 1.0)


def best(f: Callable[[], Any], repeat: int) -> float:
    times: List[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    rng = np.random.default_rng(2025)
    scr = rng.uniform(0.4, 8.0, n)
    age = rng.integers(18, 95, n).astype(np.float64)
    sex = rng.integers(1, 3, n).astype(np.uint8)  # ISO/IEC 5218: 1 male, 2 female
    female = sex == 2

    ours = dkd.egfr("ckd_epi_2021_cr", age=age, sex=sex, creatinine=scr)
    ref = numpy_ckd_epi_2021(scr, age, female)
    assert (ours.error_codes == 0).all()
    max_rel = float(np.max(np.abs(ours.values - ref) / ref))

    t_np = best(lambda: numpy_ckd_epi_2021(scr, age, female), 3)
    t_1 = best(lambda: dkd.egfr("ckd_epi_2021_cr", age=age, sex=sex, creatinine=scr, threads=1), 3)
    t_all = best(lambda: dkd.egfr("ckd_epi_2021_cr", age=age, sex=sex, creatinine=scr), 3)

    # The columns data scientists hold, each converted inside the call (timed with it).
    letters = np.where(female, "F", "M")  # numpy <U1
    layouts: List[Any] = [
        ("sex: uint8 ISO/IEC 5218 codes", dict(sex=sex)),
        ("sex: int64 codes", dict(sex=sex.astype(np.int64))),
        ("sex: numpy 'F'/'M' strings (<U1)", dict(sex=letters)),
        ("female: bool column", dict(female=female)),
    ]
    try:
        import pandas as pd

        layouts.append(("sex: pandas object 'F'/'M' Series", dict(sex=pd.Series(letters.astype(object)))))
        layouts.append(("sex: pandas Categorical", dict(sex=pd.Series(letters).astype("category"))))
    except ImportError:
        pass
    for _, kw in layouts:
        check = dkd.egfr("ckd_epi_2021_cr", age=age, creatinine=scr, **kw)
        assert np.array_equal(check.values, ours.values), "a layout changed the result"
    timed = [(name, best(lambda kw=kw: dkd.egfr("ckd_epi_2021_cr", age=age, creatinine=scr, **kw), 3)) for name, kw in layouts]

    cr = dkd.SerumCreatinine(1.3, "mg/dL")
    k = 200_000

    def scalar_ours() -> None:
        for _ in range(k):
            dkd.estimate_gfr("ckd_epi_2021_cr", age=60, sex="F", creatinine=cr)

    def scalar_py() -> None:
        for _ in range(k):
            python_ckd_epi_2021(1.3, 60, True)

    def empty_loop() -> None:
        for _ in range(k):
            pass

    t_loop = best(empty_loop, 3)
    t_s = (best(scalar_ours, 3) - t_loop) / k
    t_p = (best(scalar_py, 3) - t_loop) / k

    print(f"rows: {n:,}; max relative difference vs numpy: {max_rel:.1e}; batch kernel: {dkd.batch_kernel()}")
    print("| what | time | vs numpy |")
    print("|---|---|---|")
    print(f"| numpy, idiomatic (one core) | {t_np * 1e3:.0f} ms | 1.0x |")
    print(f"| amimestrocel_dkd.egfr, threads=1 | {t_1 * 1e3:.0f} ms | {t_np / t_1:.1f}x |")
    print(f"| amimestrocel_dkd.egfr, all cores | {t_all * 1e3:.0f} ms | {t_np / t_all:.1f}x |")
    for name, t in timed:
        print(f"| egfr, all cores, {name} | {t * 1e3:.0f} ms | {t_np / t:.1f}x |")
    print(f"| estimate_gfr scalar call | {t_s * 1e9:.0f} ns | |")
    print(f"| pure-Python function, scalar | {t_p * 1e9:.0f} ns | |")
    assert math.isfinite(t_s)


if __name__ == "__main__":
    main()
