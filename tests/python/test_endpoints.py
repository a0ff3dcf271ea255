"""Endpoints through the Python binding: the cohort statistics checked against third-party
implementations on the same data (lifelines for Kaplan-Meier, statsmodels for Wilson intervals,
scipy and numpy for t intervals and quantiles), the analysis datasets as DataFrames, and errors
that name the timeline and field."""

import json
import math
import random
from typing import Any, Dict, List, Tuple, cast

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa  # type: ignore[import-untyped]
import pytest
import scipy.stats  # type: ignore[import-untyped]
from lifelines import KaplanMeierFitter  # type: ignore[import-untyped]
from statsmodels.stats.proportion import proportion_confint  # type: ignore[import-untyped]

from amimestrocel_dkd import endpoints
from amimestrocel_dkd.errors import InvalidConfigError, InvalidInputError
from conftest import load


def _survival_data(seed: int, n: int) -> tuple[List[float], List[bool]]:
    rng = random.Random(seed)
    times = [float(rng.randint(1, 60)) for _ in range(n)]  # ties on purpose
    events = [rng.random() < 0.6 for _ in range(n)]
    return times, events


@pytest.mark.parametrize("seed", range(6))
def test_kaplan_meier_matches_lifelines(seed: int) -> None:
    times, events = _survival_data(seed, 40 + 7 * seed)
    ours = endpoints.kaplan_meier(times, events)
    kmf = KaplanMeierFitter().fit(times, events, alpha=0.05)
    theirs = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_survival_function_
    for _, row in ours.iterrows():
        assert row.survival == pytest.approx(theirs.loc[row.time], abs=1e-12)
        lower, upper = ci.loc[row.time].iloc[0], ci.loc[row.time].iloc[1]
        if not math.isnan(row.lower):
            assert row.lower == pytest.approx(lower, abs=1e-9)
            assert row.upper == pytest.approx(upper, abs=1e-9)
    median = kmf.median_survival_time_
    assert (ours.attrs["median"] is None) == math.isinf(median)
    if ours.attrs["median"] is not None:
        assert ours.attrs["median"] == median


def test_kaplan_meier_at_risk_counts_match_lifelines_event_table() -> None:
    times, events = _survival_data(42, 60)
    ours = endpoints.kaplan_meier(times, events)
    table = KaplanMeierFitter().fit(times, events).event_table
    for _, row in ours.iterrows():
        assert row.at_risk == table.loc[row.time, "at_risk"]
        assert row.events == table.loc[row.time, "observed"]
        assert row.censored == table.loc[row.time, "censored"]


@pytest.mark.parametrize("events,n", [(0, 10), (3, 20), (10, 10), (1, 120), (57, 120), (119, 120)])
def test_wilson_matches_statsmodels(events: int, n: int) -> None:
    p = endpoints.wilson(events, n)
    lower, upper = proportion_confint(events, n, alpha=0.05, method="wilson")
    assert p.lower == pytest.approx(lower, abs=1e-12)
    assert p.upper == pytest.approx(upper, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_summary_matches_numpy_and_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = list(rng.normal(50, 12, size=5 + 9 * seed))
    s = endpoints.summarise(values + [None])
    assert (s.n, s.missing) == (len(values), 1)
    assert s.mean == pytest.approx(np.mean(values), rel=1e-13)
    assert s.sd == pytest.approx(np.std(values, ddof=1), rel=1e-12)
    assert s.median == pytest.approx(np.median(values), rel=1e-13)
    assert s.q1 == pytest.approx(np.percentile(values, 25), rel=1e-13)
    assert s.q3 == pytest.approx(np.percentile(values, 75), rel=1e-13)
    lower, upper = scipy.stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=scipy.stats.sem(values))
    assert s.ci_lower == pytest.approx(lower, rel=1e-9)
    assert s.ci_upper == pytest.approx(upper, rel=1e-9)
    weibull = endpoints.summarise(values, quantile_method="type6")
    assert weibull.q1 == pytest.approx(np.percentile(values, 25, method="weibull"), rel=1e-13)


@pytest.mark.parametrize("p,df", [(0.975, 1), (0.975, 4), (0.95, 30), (0.025, 119), (0.999, 7)])
def test_t_quantile_matches_scipy(p: float, df: int) -> None:
    assert endpoints.t_quantile(p, df) == pytest.approx(scipy.stats.t.ppf(p, df), rel=1e-10)


def _timeline(id: str, labs: List[Dict[str, Any]], **extra: Any) -> Dict[str, Any]:
    t: Dict[str, Any] = {"schema_version": 1, "id": id, "sex": "female", "birth_date": "1960-06-15",
                         "first_infusion": "2025-03-03", "last_contact": "2027-03-10", "labs": labs}
    t.update(extra)
    return t


def _lab(date: str, analyte: str, value: float, unit: str) -> Dict[str, Any]:
    return {"date": date, "analyte": analyte, "value": value, "unit": unit}


def test_bds_rows_carry_baseline_change_and_the_visit_flag() -> None:
    e = endpoints.derive([_timeline("A", [_lab("2025-02-25", "uacr", 400, "mg/g"),
                                          _lab("2025-09-10", "uacr", 300, "mg/g"),
                                          _lab("2025-09-12", "uacr", 320, "mg/g")])])
    bds = e.bds
    assert list(bds.columns[:6]) == ["STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVISIT", "ADT"]
    w28 = bds[(bds.PARAMCD == "UACR") & (bds.AVISIT == "w28")]
    assert len(w28) == 2
    chosen = w28[w28.ANL01FL == "Y"].iloc[0]
    # 2025-09-12 is nearer the week-28 target (2025-09-14) than 2025-09-10.
    assert (chosen.AVAL, chosen.CHG, chosen.R2BASE) == (320.0, -80.0, 0.8)
    assert str(chosen.ADT.date()) == "2025-09-12" and chosen.ADY == 194
    base = bds[bds.ABLFL == "Y"].iloc[0]
    assert (base.AVISIT, base.ADY, pd.isna(base.CHG)) == ("baseline", -6, True)


def test_the_datasets_are_the_csv_core_writes() -> None:
    e = endpoints.derive([_timeline("A", [_lab("2025-02-25", "hba1c", 58, "mmol/mol")])])
    bds_text, adsl_text = e.to_csv()
    assert bds_text.splitlines()[0].startswith("STUDYID,USUBJID,PARAMCD")
    assert len(e.bds) == len(bds_text.splitlines()) - 1
    adsl = e.adsl
    assert list(adsl.USUBJID) == ["A"] and adsl.SAFFL.iloc[0] == "Y" and adsl.EOSSTT.iloc[0] == "COMPLETED"


def test_report_counts_missing_and_not_due_and_gives_the_geometric_ratio() -> None:
    def uacr(id: str, values: List[float], last: str = "2027-03-10") -> Dict[str, Any]:
        dates = ["2025-02-25", "2025-09-14"]
        return _timeline(id, [_lab(d, "uacr", v, "mg/g") for d, v in zip(dates, values)], last_contact=last)

    e = endpoints.derive([uacr("A", [400, 200]), uacr("B", [100, 200]), uacr("C", [100]),
                          uacr("D", [100], last="2025-06-01")])
    report = e.report()
    row = report.visits[(report.visits.PARAMCD == "UACR") & (report.visits.AVISIT == "w28")].iloc[0]
    assert (row.aval_n, row.aval_missing, row.not_due) == (2, 1, 1)
    assert row.gmr == pytest.approx(1.0)
    m24 = report.landmarks[(report.landmarks.visit == "m24") & (report.landmarks.outcome == "death")].iloc[0]
    # D's follow-up ended before month 24 without a death: not known, not counted as alive.
    assert (m24.events, m24.n, m24.missing) == (0, 3, 1)
    assert set(report.time_to_event) == {"renal_composite", "mace", "death"}


def test_report_proportions_match_statsmodels_on_the_same_counts() -> None:
    timelines = []
    for i in range(12):
        extra: Dict[str, Any] = {}
        if i < 3:
            extra["cardiovascular_events"] = [{"date": "2025-06-01", "kind": "stroke"}]
        timelines.append(_timeline(f"P{i}", [], **extra))
    report = endpoints.derive(timelines).report()
    mace = report.landmarks[(report.landmarks.visit == "w28") & (report.landmarks.outcome == "mace")].iloc[0]
    lower, upper = proportion_confint(3, 12, method="wilson")
    assert (mace.events, mace.n) == (3, 12)
    assert (mace.lower, mace.upper) == (pytest.approx(lower, abs=1e-12), pytest.approx(upper, abs=1e-12))


def test_a_bad_timeline_names_its_row_and_field() -> None:
    good = _timeline("A", [])
    bad = _timeline("B", [_lab("2025-02-25", "hba1c", 8, "mg/dL")])
    with pytest.raises(InvalidInputError) as info:
        endpoints.derive([good, bad])
    assert info.value.kind == "invalid_lab"
    assert (info.value.details["row"], info.value.path) == (1, "labs[0]")
    with pytest.raises(InvalidInputError) as info:
        endpoints.derive(['{"schema_version": 1'])
    assert info.value.kind == "invalid_json"


def test_a_bad_reading_is_a_configuration_error() -> None:
    with pytest.raises(InvalidConfigError) as info:
        endpoints.derive([_timeline("A", [])], config={"decline_fraction": 2})
    assert info.value.path == "decline_fraction"


def test_statistics_refuse_bad_input_with_typed_errors() -> None:
    with pytest.raises(InvalidInputError):
        endpoints.kaplan_meier([1.0, -2.0], [True, False])
    with pytest.raises(InvalidInputError):
        endpoints.kaplan_meier([1.0], [True, False])
    with pytest.raises(InvalidInputError):
        endpoints.wilson(5, 3)
    with pytest.raises(InvalidInputError):
        endpoints.summarise([1.0], level=1.5)


VECTORS = load("endpoints/participants.json")


def _matches(got: Any, want: Any, what: str) -> None:
    if isinstance(want, bool) or want is None or isinstance(want, str):
        assert got == want, what
    elif isinstance(want, (int, float)):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), what
    elif isinstance(want, dict):
        for key, value in want.items():
            _matches(got.get(key), value, f"{what}.{key}")
    elif isinstance(want, list):
        assert len(got) == len(want), what
        for i, (g, w) in enumerate(zip(got, want)):
            _matches(g, w, f"{what}[{i}]")


@pytest.mark.parametrize("case", VECTORS["cases"], ids=lambda c: c["name"])
def test_participant_vector(case: Dict[str, Any]) -> None:
    got = endpoints.derive([case["timeline"]], config=case.get("config")).participants[0]
    for key, want in case["expect"].items():
        if key == "rows":
            for w in want:
                # A value counts once per visit that shares its target (d28 and w4): rows
                # are told apart by their visit too.
                key = (w["paramcd"], w["adt"], w["avisit"])
                found = [r for r in got["rows"] if (r["paramcd"], r["adt"], r["avisit"]) == key]
                assert len(found) == 1, key
                _matches(found[0], w, f"row {key}")
            if not want:
                assert got["rows"] == []
        elif key == "unusable":
            assert len(got["unusable"]) == want
        else:
            _matches(got[key], want, key)


@pytest.mark.parametrize("case", VECTORS["errors"], ids=lambda c: c["name"])
def test_refused_timeline_vector(case: Dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError) as info:
        endpoints.derive([case["timeline"]])
    assert (info.value.kind, info.value.path) == (case["kind"], case["path"])


def test_statistics_vectors() -> None:
    s = VECTORS["statistics"]
    for w in s["wilson"]:
        p = endpoints.wilson(w["events"], w["n"])
        assert p.lower == pytest.approx(w["lower"], abs=w["tolerance"])
        assert p.upper == pytest.approx(w["upper"], abs=w["tolerance"])
    for w in s["kaplan_meier"]:
        km = endpoints.kaplan_meier(w["times"], w["events"])
        for column in ("time", "at_risk", "survival", "se"):
            assert km[column].tolist() == pytest.approx(w[column], rel=1e-9)
        assert km.attrs["median"] == w["median"]
    for w in s["summary"]:
        got = endpoints.summarise(w["values"])._asdict()
        for key in ("n", "missing", "mean", "sd", "median", "q1", "q3", "min", "max"):
            assert got[key] == pytest.approx(w[key], rel=1e-9), key


def _lab_tables(timelines: List[Dict[str, Any]]) -> tuple[Any, Any]:
    """Timelines as the two tables `lab_endpoints` reads."""
    subjects = pd.DataFrame({
        "USUBJID": [t["id"] for t in timelines],
        "SEX": [t["sex"] for t in timelines],
        "BRTHDT": [t["birth_date"] for t in timelines],
        "TRTSDT": [t.get("first_infusion") for t in timelines],
        "LSTCNTDT": [t["last_contact"] for t in timelines],
        "ESRDDT": [t.get("esrd") for t in timelines],
        "RRTSTDT": [min((r["start"] for r in t.get("renal_replacement", [])), default=None) for t in timelines],
        "DTHDT": [(t.get("death") or {}).get("date") for t in timelines],
    })
    labs = pd.DataFrame([{"USUBJID": t["id"], "ADT": lab["date"], "LBTESTCD": lab["analyte"],
                          "LBSTRESN": float(lab["value"]), "LBSTRESU": lab["unit"]}
                         for t in timelines for lab in t.get("labs", [])])
    return labs, subjects


LAB_CASES = [c for c in VECTORS["cases"]
             if c["timeline"].get("labs") and c["timeline"].get("first_infusion")
             and (c.get("config") or {}).get("missing") != "last_observation_carried_forward"]


@pytest.mark.parametrize("case", LAB_CASES, ids=lambda c: c["name"])
def test_the_lab_table_gives_the_lab_rows_and_composite_of_derive(case: Dict[str, Any]) -> None:
    timeline = case["timeline"]
    labs, subjects = _lab_tables([timeline])
    ours = endpoints.lab_endpoints(labs, subjects, config=case.get("config"))
    derived = endpoints.derive([timeline], config=case.get("config"))
    bds = derived.bds[derived.bds.SRC.str.startswith("labs[")]
    bds = bds.sort_values(["PARAMCD", "ADT"], kind="stable").reset_index(drop=True)
    got = ours.bds.astype({"PARAMCD": str, "AVISIT": object}).reset_index(drop=True)
    assert len(got) == len(bds) > 0
    assert list(got.PARAMCD) == list(bds.PARAMCD)
    assert list(got.AVISIT.fillna("")) == list(bds.AVISIT.fillna(""))
    assert list(got.ADT) == list(bds.ADT)
    for column in ("AVAL", "BASE", "CHG", "PCHG", "R2BASE"):
        assert np.allclose(got[column].to_numpy(float), bds[column].to_numpy(float), equal_nan=True), column
    assert list(got.ABLFL) == list(bds.ABLFL == "Y")
    assert list(got.ANL01FL) == list(bds.ANL01FL == "Y")
    composite = derived.participants[0]["renal_composite"]
    row = ours.adsl.iloc[0]
    if composite is None:
        assert pd.isna(row.RENALFL)
    else:
        assert (bool(row.RENALFL), int(row.RENALDY)) == (composite["event"], composite["days"])


def test_the_lab_table_reads_columns_by_the_names_given_and_keeps_subject_order() -> None:
    labs, subjects = _lab_tables([_timeline(name, [_lab("2025-02-25", "hba1c", 7.1, "%"),
                                                   _lab("2025-09-14", "hba1c", 6.5, "%")])
                                  for name in ("B", "A")])
    labs = labs.rename(columns={"ADT": "LBDTC", "LBSTRESN": "VALUE"})
    e = endpoints.lab_endpoints(labs, subjects, lab_columns={"ADT": "LBDTC", "LBSTRESN": "VALUE"})
    assert list(e.bds.USUBJID.astype(str)) == ["B", "B", "A", "A"]
    w28 = e.bds[e.bds.AVISIT == "w28"].iloc[0]
    assert (w28.PARAMCD, round(float(w28.CHG), 9), bool(w28.ANL01FL)) == ("HBA1C", -0.6, True)
    assert list(e.adsl.USUBJID) == ["B", "A"] and e.unusable.empty


def test_an_error_in_a_renamed_column_names_the_column_the_caller_gave() -> None:
    # With lab_columns={"ADT": "LBDTC"}, a bad date is at LBDTC[0]: the table has no ADT column.
    import polars as pl
    import pyarrow as pa

    labs, subjects = _lab_tables([_timeline("A", [_lab("2025-02-25", "hba1c", 7.1, "%")])])
    renamed = labs.rename(columns={"ADT": "LBDTC", "USUBJID": "SUBJID"})
    columns = {"ADT": "LBDTC", "USUBJID": "SUBJID"}
    for convert in (lambda t: t, pa.Table.from_pandas, pl.from_pandas):
        with pytest.raises(InvalidInputError, match=r"LBDTC\[0\]"):
            endpoints.lab_endpoints(convert(renamed.assign(LBDTC=[None])), convert(subjects), lab_columns=columns)
        with pytest.raises(TypeError, match="column SUBJID is"):
            endpoints.lab_endpoints(convert(renamed.assign(SUBJID=[1])), convert(subjects), lab_columns=columns)
        no_birth = subjects.rename(columns={"BRTHDT": "BIRTHDT"}).assign(BIRTHDT=[None])
        with pytest.raises(InvalidInputError, match=r"BIRTHDT\[0\]"):
            endpoints.lab_endpoints(convert(labs), convert(no_birth), subject_columns={"BRTHDT": "BIRTHDT"})


def test_a_participants_rows_do_not_depend_on_the_others_in_the_table() -> None:
    # The first participants give fewer rows than they could (two creatinine values on one
    # date give one eGFR), so the rows of the later share of the table are moved up: each
    # participant's rows must still be those it has alone, and no row is left over.
    def creatinine(date: str, value: float) -> Dict[str, Any]:
        return _lab(date, "serum_creatinine", value, "mg/dL")

    timelines = [_timeline(f"P{i}", [creatinine("2025-02-25", 1.2), creatinine("2025-02-25", 1.3),
                                     creatinine("2025-09-14", 1.1 + i / 100)])
                 for i in range(40)]
    labs, subjects = _lab_tables(timelines)
    together = endpoints.lab_endpoints(labs, subjects)
    assert len(together.bds) == 40 * 5  # 3 CREAT rows and 2 EGFR rows each
    for i in (0, 19, 20, 39):
        alone_labs, alone_subjects = _lab_tables([timelines[i]])
        alone = endpoints.lab_endpoints(alone_labs, alone_subjects).bds
        mine = together.bds[together.bds.USUBJID == f"P{i}"]
        assert len(mine) == len(alone) == 5
        for column in ("PARAMCD", "AVISIT", "ADT", "AVAL", "BASE", "CHG", "ANL01FL"):
            assert list(mine[column].astype(str)) == list(alone[column].astype(str)), (i, column)


def test_percent_change_from_a_zero_baseline_is_missing_not_nan_or_inf() -> None:
    # Issue 14: a percent change (and ratio) from a baseline of 0 is "not defined": pd.NA in a
    # nullable Float64 column, in both the timeline and the lab-table derivations.
    timeline = _timeline("A", [_lab("2025-02-25", "urine_protein_24h", 0.0, "g/24h"),
                               _lab("2025-09-14", "urine_protein_24h", 1.5, "g/24h")])
    labs, subjects = _lab_tables([timeline])
    for bds in (endpoints.derive([timeline]).bds, endpoints.lab_endpoints(labs, subjects).bds):
        later = bds.iloc[-1]
        assert float(later.BASE) == 0.0 and float(later.CHG) == 1.5
        assert later.PCHG is pd.NA and later.R2BASE is pd.NA
        for column in ("BASE", "CHG", "PCHG", "R2BASE"):
            assert str(bds[column].dtype) == "Float64", column
            assert not np.isinf(bds[column].to_numpy(float, na_value=0.0)).any()


def test_a_bad_lab_row_or_subject_is_refused_with_its_place() -> None:
    labs, subjects = _lab_tables([_timeline("A", [_lab("2025-02-25", "uacr", 400, "mg/g"),
                                                  _lab("2025-09-14", "uacr", 200, "mg/g")])])
    cases = [
        (labs.assign(USUBJID=["A", "Z"]), subjects, "USUBJID[1]"),
        (labs.assign(LBSTRESU=["mg/g", "furlongs"]), subjects, None),
        (labs.assign(LBTESTCD=["uacr", "blood"]), subjects, None),
        (labs.assign(LBSTRESN=[400.0, float("nan")]), subjects, "labs[1]"),
        (labs.assign(ADT=["2025-02-25", "1900-01-01"]), subjects, "labs[1].date"),
        (labs.assign(ADT=["2025-02-25", "not a date"]), subjects, "ADT[1]"),
        (labs, subjects.assign(DTHDT=["2030-01-01"]), "subjects[0].death.date"),
        (labs, pd.concat([subjects, subjects]), "USUBJID"),
    ]
    for bad_labs, bad_subjects, where in cases:
        with pytest.raises(InvalidInputError) as info:
            endpoints.lab_endpoints(bad_labs, bad_subjects)
        if where is not None:
            assert where in (info.value.path or str(info.value)), (where, str(info.value))
    with pytest.raises(InvalidConfigError):
        endpoints.lab_endpoints(labs, subjects, config={"missing": "last_observation_carried_forward"})


def test_a_result_date_beyond_what_pandas_holds_is_an_error_not_a_wrapped_number() -> None:
    # datetime64[s] columns hold dates after 2262-04-11, the last date of datetime64[ns], in
    # which the results come back.
    labs, subjects = _lab_tables([_timeline("A", [_lab("2300-02-25", "hba1c", 7.1, "%")],
                                            first_infusion="2300-03-03", last_contact="2301-03-10")])
    for column in ("BRTHDT", "TRTSDT", "LSTCNTDT"):
        subjects[column] = np.array([np.datetime64(subjects[column].iloc[0].replace("1960", "2240"), "s")])
    labs["ADT"] = np.array([np.datetime64("2300-02-25", "s")])
    with pytest.raises(InvalidInputError) as info:
        endpoints.lab_endpoints(labs, subjects)
    assert "datetime64[ns]" in str(info.value)


def test_the_lab_table_from_arrow_gives_the_rows_of_the_lab_table_from_pandas() -> None:
    # Issue 15: the same tables as pyarrow (dates as date32, texts as dictionaries) and as
    # polars (utf8_view texts, a lazy frame), read without pyarrow, give the same analysis rows.
    import polars as pl

    timelines = [_timeline(name, [_lab("2025-02-25", "hba1c", 7.1, "%"), _lab("2025-09-14", "hba1c", 6.5, "%"),
                                  _lab("2025-02-28", "serum_creatinine", 1.2, "mg/dL"),
                                  _lab("2025-09-10", "serum_creatinine", 1.4, "mg/dL")],
                           **({"death": {"date": "2026-01-05", "cause": "other"}, "last_contact": "2026-01-05"}
                              if name == "B" else {}))
                 for name in ("B", "A")]
    labs, subjects = _lab_tables(timelines)
    expected = endpoints.lab_endpoints(labs, subjects)
    as_dates = {c: pd.to_datetime(subjects[c]).dt.date for c in ("BRTHDT", "TRTSDT", "LSTCNTDT", "DTHDT")}
    arrow_subjects = pa.table({"USUBJID": subjects.USUBJID, "SEX": pa.array(subjects.SEX).dictionary_encode(),
                               **{c: pa.array(v, pa.date32()) for c, v in as_dates.items()}})
    arrow_labs = pa.table({"USUBJID": pa.array(labs.USUBJID).dictionary_encode(),
                           "ADT": pa.array(pd.to_datetime(labs.ADT).dt.date, pa.date32()),
                           "LBTESTCD": labs.LBTESTCD, "LBSTRESN": labs.LBSTRESN,
                           "LBSTRESU": pa.array(labs.LBSTRESU, pa.large_string())})
    polars_labs = pl.DataFrame({"USUBJID": list(labs.USUBJID), "ADT": list(labs.ADT),
                                "LBTESTCD": list(labs.LBTESTCD), "LBSTRESN": list(labs.LBSTRESN),
                                "LBSTRESU": list(labs.LBSTRESU)}).lazy()
    # The result comes back as the labs' kind: a pyarrow Table for pyarrow (texts as
    # dictionaries, dates as date32, an undefined value null), a LazyFrame for a LazyFrame.
    from_arrow = endpoints.lab_endpoints(arrow_labs, arrow_subjects)
    from_polars = endpoints.lab_endpoints(polars_labs, arrow_subjects)
    assert isinstance(from_arrow.bds, pa.Table) and isinstance(from_polars.bds, pl.LazyFrame)
    assert pa.types.is_dictionary(from_arrow.bds.schema.field("USUBJID").type)
    assert from_arrow.bds.schema.field("ADT").type == pa.date32()
    assert from_arrow.adsl.schema.field("RENALDY").type == pa.int64()
    for got in (from_arrow, from_polars):
        for name in ("bds", "adsl", "unusable"):
            assert _rows(getattr(got, name)) == _rows(getattr(expected, name)), name
    assert list(expected.adsl.USUBJID) == ["B", "A"] and len(expected.bds) == 12
    # Nothing is lost on the way: a pandas result read back from Arrow has every row and value.
    assert len(from_arrow.bds) == 12 and from_arrow.bds.column("BASE").null_count == expected.bds.BASE.isna().sum()


def _rows(table: Any) -> List[Tuple[Any, ...]]:
    """The rows of a pandas, pyarrow or polars (lazy) table as plain Python values: dates as
    dates, a missing value None."""
    import datetime

    import polars as pl

    if isinstance(table, pl.LazyFrame):
        table = table.collect()
    if isinstance(table, pd.DataFrame):
        records = table.astype(object).to_dict("records")
    elif isinstance(table, pl.DataFrame):
        records = table.to_dicts()
    else:
        records = table.to_pylist()

    def plain(v: Any) -> Any:
        if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
            return None
        if isinstance(v, pd.Timestamp):
            return v.date()
        if isinstance(v, datetime.datetime):
            return v.date()
        return v.item() if hasattr(v, "item") else v

    return [tuple(plain(v) for v in r.values()) for r in records]


def test_a_bad_arrow_lab_table_is_refused_with_its_place() -> None:
    import pyarrow as pa

    labs, subjects = _lab_tables([_timeline("A", [_lab("2025-02-25", "uacr", 400, "mg/g")])])
    arrow_subjects = pa.table({c: subjects[c].astype(str) for c in ("USUBJID", "SEX", "BRTHDT", "TRTSDT", "LSTCNTDT")})
    arrow_labs = pa.table({c: labs[c] for c in labs.columns})
    cases = [
        (arrow_labs.set_column(0, "USUBJID", pa.array(["Z"])), "USUBJID[0]", InvalidInputError),
        (arrow_labs.set_column(0, "USUBJID", pa.array([None], pa.string())), "USUBJID[0]", InvalidInputError),
        (arrow_labs.set_column(1, "ADT", pa.array(["not a date"])), "ADT[0]", InvalidInputError),
        (arrow_labs.set_column(1, "ADT", pa.array([None], pa.string())), "ADT[0]", InvalidInputError),
        (arrow_labs.set_column(1, "ADT", pa.array([1], pa.int32())), "ADT is Int32", TypeError),
        (arrow_labs.set_column(1, "ADT", pa.array([0], pa.timestamp("s", tz="Asia/Shanghai"))), "ADT is", TypeError),
        (arrow_labs.drop_columns(["LBSTRESU"]), "LBSTRESU", KeyError),
    ]
    for bad, where, error in cases:
        with pytest.raises(error) as info:
            endpoints.lab_endpoints(bad, arrow_subjects)
        assert where in str(info.value), (where, str(info.value))
    with pytest.raises(InvalidInputError, match="given twice"):
        endpoints.lab_endpoints(arrow_labs, pa.concat_tables([arrow_subjects, arrow_subjects]))


def test_a_numeric_id_or_code_column_is_a_type_error_in_pandas_as_in_arrow() -> None:
    # USUBJID, LBTESTCD and LBSTRESU are text: a column of numbers is refused by its name before
    # any row is read, from a pandas frame as from Arrow (1 is not guessed to be "1").
    import polars as pl
    import pyarrow as pa

    labs, subjects = _lab_tables([_timeline("1", [_lab("2025-02-25", "uacr", 400, "mg/g")])])
    numeric_labs = labs.assign(USUBJID=[1])
    numeric_subjects = subjects.assign(USUBJID=[1])
    cases = [
        (numeric_labs, subjects, "USUBJID"),
        (labs.assign(LBTESTCD=[3.0]), subjects, "LBTESTCD"),
        (labs.assign(LBSTRESU=[True]), subjects, "LBSTRESU"),
        (labs, numeric_subjects, "USUBJID"),
    ]
    for bad_labs, bad_subjects, column in cases:
        for convert in (lambda t: t, pa.Table.from_pandas, pl.from_pandas):
            with pytest.raises(TypeError, match=f"column {column} is .*, not text"):
                endpoints.lab_endpoints(convert(bad_labs), convert(bad_subjects))


def test_a_dictionary_key_outside_its_dictionary_is_refused_not_read_as_another_text() -> None:
    # Found by the fuzz target arrow_columns: arrow-rs's normalized_keys() panicked on an empty
    # dictionary and read a key past the end as the last text. The C Data Interface does not
    # check keys, so a producer's bad key must be refused with its row.
    import pyarrow as pa

    labs, subjects = _lab_tables([_timeline("A", [_lab("2025-02-25", "uacr", 400, "mg/g")])])
    arrow_subjects = pa.table({c: subjects[c].astype(str) for c in ("USUBJID", "SEX", "BRTHDT", "TRTSDT", "LSTCNTDT")})
    bad_key = pa.DictionaryArray.from_arrays(pa.array([3], pa.int8()), pa.array(["uacr"]), safe=False)
    empty = pa.DictionaryArray.from_arrays(pa.array([None], pa.int8()), pa.array([], pa.string()), safe=False)
    arrow_labs = pa.table({c: labs[c] for c in labs.columns})
    with pytest.raises(InvalidInputError, match=r"LBTESTCD\[0\]: is a dictionary key outside its dictionary"):
        endpoints.lab_endpoints(arrow_labs.set_column(2, "LBTESTCD", bad_key), arrow_subjects)
    with pytest.raises(InvalidInputError, match=r"LBTESTCD\[0\]: is missing"):
        endpoints.lab_endpoints(arrow_labs.set_column(2, "LBTESTCD", empty), arrow_subjects)


def test_statistics_read_numbers_and_event_flags_only_never_text_or_truthiness() -> None:
    import numpy as np

    from amimestrocel_dkd.endpoints import kaplan_meier, summarise

    # The type is named, not the value (no value of a person in a message).
    with pytest.raises(TypeError, match=r"events\[0\] is str, not an event"):
        kaplan_meier([30, 60], cast(Any, ["True", "False"]))
    with pytest.raises(TypeError, match=r"events\[1\] is int, not an event"):
        kaplan_meier([30, 60], cast(Any, [1, 2]))
    with pytest.raises(TypeError, match=r"values\[0\] is str, not a number"):
        summarise(cast(Any, ["1", "2"]))
    # bools, numpy bools and 0/1 are flags; numpy numbers are numbers; None and NaN are missing.
    a = kaplan_meier([30, 60, 90], cast(Any, [True, np.bool_(False), 1]))
    b = kaplan_meier(np.array([30.0, 60.0, 90.0]), np.array([1, 0, 1]))
    assert a.equals(b)
    s = summarise(cast(Any, [np.float64(1.0), 2, None, float("nan")]))
    assert (s.n, s.missing) == (2, 2)
    import decimal

    assert summarise(cast(Any, [decimal.Decimal("1.5"), 2.5])).mean == 2.0
    assert kaplan_meier([30, 60, 90], cast(Any, [1.0, 0.0, 1])).equals(a)


def test_a_participant_given_twice_is_refused_not_counted_twice() -> None:
    from amimestrocel_dkd import errors

    a = _timeline("A", [_lab("2025-02-25", "uacr", 400, "mg/g")])
    with pytest.raises(errors.InvalidInputError, match=r"participants\[1\]\.id: is listed twice"):
        endpoints.derive([a, a])
    assert endpoints.derive([a, _timeline("B", [])]).report().participants == 2


def test_lab_endpoints_name_the_row_of_an_unknown_analyte_or_unit_and_refuse_numeric_sex() -> None:
    from amimestrocel_dkd import errors

    subjects = pd.DataFrame({"USUBJID": ["A"], "SEX": ["F"], "BRTHDT": ["1960-01-01"], "TRTSDT": ["2025-01-01"],
                             "LSTCNTDT": ["2025-06-01"]})
    labs = pd.DataFrame({"USUBJID": ["A", "A"], "LBTESTCD": ["uacr", "UPRO"], "LBSTRESN": [400.0, 1.0],
                         "LBSTRESU": ["mg/g", "g/24h"], "ADT": ["2025-02-25", "2025-02-26"]})
    for table in (labs, pa.Table.from_pandas(labs)):
        with pytest.raises(errors.InvalidInputError, match=r"LBTESTCD\[1\]: unknown analyte"):
            endpoints.lab_endpoints(table, subjects)
    bad_unit = labs.assign(LBTESTCD=["uacr", "uacr"], LBSTRESU=["mg/g", "mg/furlong"])
    with pytest.raises(errors.InvalidInputError, match=r"LBSTRESU\[1\]"):
        endpoints.lab_endpoints(bad_unit, subjects)
    with pytest.raises(TypeError, match="not sex text"):
        endpoints.lab_endpoints(labs.iloc[:1], subjects.assign(SEX=[2]))


def test_lab_endpoints_reads_results_only_as_numbers_and_names_a_missing_sex() -> None:
    subjects = pd.DataFrame({"USUBJID": ["P-1"], "SEX": ["F"], "BRTHDT": ["1960-05-01"],
                             "TRTSDT": ["2025-03-03"], "LSTCNTDT": ["2025-12-01"]})
    labs = pd.DataFrame({"USUBJID": ["P-1"], "ADT": ["2025-02-20"], "LBTESTCD": ["serum_creatinine"],
                         "LBSTRESN": [1.2], "LBSTRESU": ["mg/dL"]})
    for bad in ([True], ["1.6"], ["abc"]):
        with pytest.raises(TypeError, match="LBSTRESN"):
            endpoints.lab_endpoints(labs.assign(LBSTRESN=pd.Series(bad, dtype=object)), subjects)
    as_objects = endpoints.lab_endpoints(labs.assign(LBSTRESN=pd.Series([1.2], dtype=object)), subjects)
    assert float(as_objects.bds.AVAL.iloc[0]) == float(endpoints.lab_endpoints(labs, subjects).bds.AVAL.iloc[0])
    with pytest.raises(InvalidInputError) as e:
        endpoints.lab_endpoints(labs, subjects.assign(SEX=[None]))
    assert e.value.details["argument"] == "SEX[0]"


def test_derive_takes_a_list_of_timelines_and_names_a_bad_reading_as_configuration() -> None:
    t = _timeline("A", [])
    with pytest.raises(TypeError, match="list of timelines"):
        endpoints.derive(t)
    with pytest.raises(TypeError, match="list of timelines"):
        endpoints.derive(json.dumps(t))
    with pytest.raises(InvalidConfigError) as c:
        endpoints.derive([t], config={"foo": 1})
    assert c.value.path == "foo"
    twice = dict(t, infusions=[{"date": t["first_infusion"]}, {"date": t["first_infusion"]}])
    with pytest.raises(InvalidInputError) as e:
        endpoints.derive([twice])
    assert e.value.path == "infusions[1].date"


def test_statistics_of_extreme_and_central_values() -> None:
    assert endpoints.t_quantile(0.5, 5) == 0.0
    assert endpoints.t_quantile(0.5000001, 5) == pytest.approx(2.634305522753727e-07, rel=1e-12)
    with pytest.raises(InvalidInputError) as e:
        endpoints.t_quantile(1.0, 5)
    assert e.value.path == "p"
    s = endpoints.summarise([1e308] * 3)
    assert (s.mean, s.sd) == (1e308, 0.0)
    with pytest.raises(InvalidInputError):
        endpoints.wilson(-1, 3)
    with pytest.raises(TypeError):
        endpoints.wilson(True, 3)


def test_a_renaming_of_a_column_the_table_does_not_have_is_refused() -> None:
    subjects = pd.DataFrame({"USUBJID": ["P-1"], "SEX": ["F"], "BRTHDT": ["1960-05-01"],
                             "TRTSDT": ["2025-03-03"], "LSTCNTDT": ["2025-12-01"]})
    labs = pd.DataFrame({"USUBJID": ["P-1"], "ADT": ["2025-02-20"], "LBTESTCD": ["serum_creatinine"],
                         "LBSTRESN": [1.2], "LBSTRESU": ["mg/dL"]})
    with pytest.raises(KeyError, match="LBDTC"):
        endpoints.lab_endpoints(labs, subjects, lab_columns={"LBDTC": "ADT"})
    with pytest.raises(KeyError, match="subject_columns"):
        endpoints.lab_endpoints(labs, subjects, subject_columns={"SEXX": "SEX"})


def test_kaplan_meier_intervals_at_survival_1_and_0_are_the_point() -> None:
    km = endpoints.kaplan_meier([1.0, 2.0, 2.0], [False, True, True])
    assert (km.lower.iloc[0], km.upper.iloc[0]) == (1.0, 1.0)
    assert (km.lower.iloc[-1], km.upper.iloc[-1]) == (0.0, 0.0)
