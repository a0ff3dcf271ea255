"""Change from baseline and the renal composite for a registry-sized lab table (issue 14):
`amimestrocel_dkd.endpoints.lab_endpoints` against an idiomatic pandas implementation of the
same derivation, on the same frames, in the same run; checks that both give the same answer,
and writes down time (best of two runs) and peak memory (each implementation in a process of
its own: how far its run raises the resident memory, sampled every 2 ms, above what the process
held with the frames made).

The data: N participants (default 100 000) with 50 dated lab rows each (25 serum creatinine in
mg/dL, 25 24-hour urine protein in g/24h: two before day 1, then every 4 weeks with a few days
of jitter), first infusions spread over 2024-2025, no events but the labs. Run with the venv's
python after `scripts/test-python.sh` has installed the wheel:
    ~/.cache/amimestrocel-dkd/venv/bin/python scripts/bench-endpoints.py [N]

The pandas implementation follows docs/endpoints.md with the default configuration: eGFR by
CKD-EPI 2021 (creatinine) with the age in completed years on the sample date; baseline the last
value on or before day 1 within 28 days (the later entered of one date); a value after day 1
belongs to the visit planning its assessment whose window holds it (nearest target, the earlier
of two as near); a visit's analysis value is the nearest to its target (the earlier, then the
later entered); CHG, PCHG (base > 0); the composite is the first eGFR at or below half its
baseline, censored at the last contact or month 24.
"""

from __future__ import annotations

import gc
import resource
import subprocess
import threading
import sys
import time
from typing import Any, Callable, Tuple

import numpy as np
import pandas as pd

from amimestrocel_dkd import endpoints, schedule


def cohort(n: int, seed: int = 14) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """The subjects and their labs (entered in date order within each participant)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"P{i:06d}" for i in range(n)], dtype=object)
    day_one = np.datetime64("2024-01-01") + rng.integers(0, 700, n).astype("timedelta64[D]")
    age_days = (rng.integers(45, 78, n) * 365.25 + rng.integers(0, 364, n)).astype("timedelta64[D]")
    subjects = pd.DataFrame({
        "USUBJID": ids,
        "SEX": np.where(rng.random(n) < 0.62, "M", "F"),
        "BRTHDT": (day_one - age_days).astype("datetime64[ns]"),
        "TRTSDT": day_one.astype("datetime64[ns]"),
        "LSTCNTDT": (day_one + np.timedelta64(760, "D")).astype("datetime64[ns]"),
    })
    per = 25
    offsets = np.concatenate([[-20, -5], 28 * np.arange(1, per - 1)])  # days from day 1
    jitter = rng.integers(-4, 5, (n, per))
    jitter[:, :2] = 0
    days = offsets[None, :] + jitter
    dates = day_one[:, None] + days.astype("timedelta64[D]")
    creat0 = np.clip(rng.lognormal(np.log(1.9), 0.3, n), 0.6, 6.0)
    trend = 1.0 + rng.normal(0.0, 0.004, n)[:, None] ** 1 * np.arange(per)[None, :] * 10
    creat = np.round(np.clip(creat0[:, None] * trend * rng.lognormal(0, 0.06, (n, per)), 0.3, 15.0), 2)
    prot0 = np.clip(rng.lognormal(np.log(4.5), 0.35, n), 3.5, 20.0)
    prot = np.round(np.clip(prot0[:, None] * rng.lognormal(0, 0.15, (n, per)), 0.05, 40.0), 2)
    rows = n * per
    labs = pd.DataFrame({
        "USUBJID": np.repeat(ids, 2 * per),
        "ADT": np.stack([dates, dates], axis=2).reshape(-1).astype("datetime64[ns]"),
        "LBTESTCD": np.tile(np.array(["serum_creatinine", "urine_protein_24h"], dtype=object), rows),
        "LBSTRESN": np.stack([creat, prot], axis=2).reshape(-1),
        "LBSTRESU": np.tile(np.array(["mg/dL", "g/24h"], dtype=object), rows),
    })
    return subjects, labs


def ckd_epi_2021(scr_mg_dl: np.ndarray, age: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Inker et al., N Engl J Med 2021;385:1737-49, the 2021 race-free creatinine equation."""
    kappa = np.where(female, 0.7, 0.9)
    alpha = np.where(female, -0.241, -0.302)
    ratio = scr_mg_dl / kappa
    return (142.0 * np.minimum(ratio, 1.0) ** alpha * np.maximum(ratio, 1.0) ** -1.200 * 0.9938 ** age
            * np.where(female, 1.012, 1.0))


def completed_years(born: pd.Series, on: pd.Series) -> np.ndarray:
    years = on.dt.year - born.dt.year
    before_birthday = (on.dt.month < born.dt.month) | ((on.dt.month == born.dt.month) & (on.dt.day < born.dt.day))
    return (years - before_birthday.astype(int)).to_numpy()


VISITS = {"EGFR": ["w28", "m12", "m18", "m24"], "CREAT": ["w28", "m12", "m18", "m24"], "UPRO24": ["w28"]}


def pandas_derivation(subjects: pd.DataFrame, labs: pd.DataFrame) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """The same derivation, the way an analyst writes it in pandas: vectorised columns, groupby."""
    s = subjects.set_index("USUBJID")
    df = labs.reset_index(drop=True)
    df["ORDER"] = np.arange(len(df))
    # The calendar of the visits these parameters need, per participant.
    day_one = s["TRTSDT"]
    cal = pd.DataFrame(index=s.index)
    cal["w28"] = day_one + pd.Timedelta(days=195)
    for m in (12, 18, 24):
        cal[f"m{m}"] = day_one + pd.DateOffset(months=m)
    width = {"w28": 7, "m12": 14, "m18": 14, "m24": 14}
    # Parameters: creatinine in µmol/L, eGFR recomputed per creatinine date, urine protein.
    creat = df[df.LBTESTCD == "serum_creatinine"].copy()
    creat = creat.drop_duplicates(["USUBJID", "ADT"], keep="last")
    subj = s.loc[creat["USUBJID"]]
    age = completed_years(subj["BRTHDT"].reset_index(drop=True), creat["ADT"].reset_index(drop=True))
    egfr = creat.assign(PARAMCD="EGFR",
                        AVAL=ckd_epi_2021(creat["LBSTRESN"].to_numpy(), age, (subj["SEX"] == "F").to_numpy()))
    # mg/dL to µmol/L: 1 mg/dL = 10 mg/L, over the molar mass of creatinine, 113.12 g/mol, is
    # 10/113.12 mmol/L = 88.40 µmol/L (core/src/lab/chemistry.rs).
    creat_param = df[df.LBTESTCD == "serum_creatinine"].assign(PARAMCD="CREAT", AVAL=lambda d: d.LBSTRESN * 10_000 / 113.12)
    prot = df[df.LBTESTCD == "urine_protein_24h"].assign(PARAMCD="UPRO24", AVAL=lambda d: d.LBSTRESN)
    bds = pd.concat([creat_param, egfr, prot], ignore_index=True)[["USUBJID", "PARAMCD", "ADT", "AVAL", "ORDER"]]
    bds = bds.join(s[["TRTSDT"]], on="USUBJID")
    # Baseline: the last value on or before day 1 within 28 days; of one date, the later entered.
    pre = bds[(bds.ADT <= bds.TRTSDT) & (bds.ADT >= bds.TRTSDT - pd.Timedelta(days=28))]
    base_rows = pre.sort_values(["ADT", "ORDER"]).groupby(["USUBJID", "PARAMCD"]).tail(1)
    bds["ABLFL"] = False
    bds.loc[base_rows.index, "ABLFL"] = True
    bds = bds.join(base_rows.set_index(["USUBJID", "PARAMCD"])["AVAL"].rename("BASE"), on=["USUBJID", "PARAMCD"])
    after = bds.ADT > bds.TRTSDT
    bds["CHG"] = (bds.AVAL - bds.BASE).where(after)
    bds["PCHG"] = (100 * bds.CHG / bds.BASE).where(after & (bds.BASE > 0))
    # Visits: among those planning the parameter whose window holds the date, the nearest target.
    targets = cal.loc[bds["USUBJID"]].reset_index(drop=True)
    best_visit = pd.Series(pd.NA, index=bds.index, dtype="object")
    best_dist = pd.Series(np.inf, index=bds.index)
    for visit in ["w28", "m12", "m18", "m24"]:
        plans = bds.PARAMCD.isin([p for p, vs in VISITS.items() if visit in vs]).to_numpy()
        delta = (bds.ADT.to_numpy() - targets[visit].to_numpy()) / np.timedelta64(1, "D")
        holds = plans & after.to_numpy() & (np.abs(delta) <= width[visit]) & ~bds.ABLFL.to_numpy()
        better = holds & (np.abs(delta) < best_dist.to_numpy())  # visits come in target order: a tie keeps the earlier
        best_visit[better] = visit
        best_dist[better] = np.abs(delta[better])
        bds[f"_d_{visit}"] = delta
    bds["AVISIT"] = best_visit.where(~bds.ABLFL, "baseline")
    # The analysis value of a visit: nearest its target, then the earlier, then the later entered.
    dist = np.full(len(bds), np.nan)
    signed = np.full(len(bds), np.nan)
    for visit in ["w28", "m12", "m18", "m24"]:
        mine = (bds.AVISIT == visit).to_numpy()
        dist[mine] = np.abs(bds[f"_d_{visit}"].to_numpy()[mine])
        signed[mine] = bds[f"_d_{visit}"].to_numpy()[mine]
    bds["_dist"], bds["_signed"], bds["_neg_order"] = dist, signed, -bds.ORDER
    visited = bds[bds.AVISIT.notna() & ~bds.ABLFL]
    chosen = visited.sort_values(["_dist", "_signed", "_neg_order"]).groupby(["USUBJID", "PARAMCD", "AVISIT"]).head(1)
    bds["ANL01FL"] = bds.ABLFL
    bds.loc[chosen.index, "ANL01FL"] = True
    bds = bds.drop(columns=[c for c in bds.columns if c.startswith("_")])
    # The renal composite: the first eGFR after day 1 at or below half the baseline.
    e = bds[(bds.PARAMCD == "EGFR") & after & (bds.AVAL <= 0.5 * bds.BASE)]
    first = e.sort_values("ADT").groupby("USUBJID")["ADT"].first()
    has_base = bds[(bds.PARAMCD == "EGFR") & bds.ABLFL]["USUBJID"].unique()
    adsl = s.loc[has_base, ["TRTSDT", "LSTCNTDT"]].copy()
    adsl["CNSRDT"] = np.minimum(adsl["LSTCNTDT"], cal.loc[has_base, "m24"])
    adsl["EVNTDT"] = first.reindex(adsl.index)
    adsl["RENALFL"] = adsl.EVNTDT.notna() & (adsl.EVNTDT <= adsl.CNSRDT)
    adsl["RENALDT"] = adsl.EVNTDT.where(adsl.RENALFL, adsl.CNSRDT)
    adsl["RENALDY"] = (adsl.RENALDT - adsl.TRTSDT).dt.days
    return bds, adsl.reset_index()[["USUBJID", "RENALFL", "RENALDT", "RENALDY"]]


def timed(f: Callable[[], Any]) -> Tuple[float, Any]:
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def rss_mb() -> float:
    """The process's resident memory now (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6


def child(which: str, n: int) -> None:
    """Runs one implementation on freshly generated frames and prints the most its run raised
    the process's resident memory above what it was before (MB), sampled every 2 ms."""
    subjects, labs = cohort(n)
    gc.collect()
    before = rss_mb()
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    if which == "pandas":
        out: Any = pandas_derivation(subjects, labs)
    else:
        out = endpoints.lab_endpoints(labs, subjects)
    peak[0] = max(peak[0], rss_mb())
    done.set()
    sampler.join()
    del out
    print(f"{peak[0] - before:,.0f}")


def peak_of(which: str, n: int) -> str:
    """The peak memory of one implementation, measured in a process of its own."""
    out = subprocess.run([sys.executable, __file__, "--peak", which, str(n)], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def compare(ours: Any, theirs: Tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """Both derivations give the same rows, flags, visits, changes and composite."""
    bds, adsl = theirs
    key = ["USUBJID", "PARAMCD", "ADT", "AVAL"]
    a = ours.bds.astype({"USUBJID": str, "PARAMCD": str, "AVISIT": object}).sort_values(key).reset_index(drop=True)
    b = bds.astype({"USUBJID": str, "PARAMCD": str}).sort_values(key).reset_index(drop=True)
    assert len(a) == len(b), (len(a), len(b))
    assert (a.USUBJID.to_numpy() == b.USUBJID.to_numpy()).all()
    assert (a.PARAMCD.to_numpy() == b.PARAMCD.to_numpy()).all()
    for c in ("AVAL", "BASE", "CHG", "PCHG"):
        assert np.allclose(a[c].to_numpy(float, na_value=np.nan), b[c].to_numpy(float, na_value=np.nan), rtol=1e-9, atol=1e-9, equal_nan=True), c
    assert (a.AVISIT.fillna("").to_numpy() == b.AVISIT.fillna("").to_numpy()).all()
    assert (a.ABLFL.to_numpy() == b.ABLFL.to_numpy()).all()
    assert (a.ANL01FL.to_numpy() == b.ANL01FL.to_numpy()).all()
    o = ours.adsl.set_index("USUBJID").loc[adsl.USUBJID]
    assert (o.RENALFL.to_numpy() == adsl.RENALFL.to_numpy()).all()
    assert (o.RENALDY.to_numpy() == adsl.RENALDY.to_numpy()).all()


def main() -> None:
    if sys.argv[1:2] == ["--peak"]:
        child(sys.argv[2], int(sys.argv[3]))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    subjects, labs = cohort(n)
    print(f"{n} participants, {len(labs):,} lab rows; best of 2 runs each")
    t_pd, theirs = min((timed(lambda: pandas_derivation(subjects, labs)) for _ in range(2)), key=lambda r: r[0])
    t_us, ours = min((timed(lambda: endpoints.lab_endpoints(labs, subjects)) for _ in range(2)), key=lambda r: r[0])
    compare(ours, theirs)
    print(f"pandas (groupby, vectorised): {t_pd:7.2f} s, peak memory above the frames {peak_of('pandas', n)} MB (its own process)")
    print(f"lab_endpoints:                {t_us:7.2f} s, peak memory above the frames {peak_of('ours', n)} MB (its own process)")
    print(f"speed-up: {t_pd / t_us:.1f}x; same rows, visits, flags, changes and composite "
          f"({len(ours.bds):,} rows, {int(ours.adsl.RENALFL.sum())} renal events)")


if __name__ == "__main__":
    main()
