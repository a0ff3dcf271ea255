"""Property tests (hypothesis) over every exported function: whatever the input (NaN, ±inf,
extreme dates, huge counts, malformed JSON, text of any kind), each call returns its result or
raises one of the library's typed errors (a ``DkdError``) or a ``TypeError`` for a value of the
wrong type; never anything else, and never a panic."""

from __future__ import annotations

import json
from typing import Any, Dict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import amimestrocel_dkd as dkd

SETTINGS = settings(max_examples=150, deadline=None)
ANALYTES = [a.analyte for a in dkd.analytes()]
EQUATIONS = [e.equation for e in dkd.equations()]
UNITS = sorted({u for a in dkd.analytes() for u in a.units})
EXPECTED = (dkd.DkdError, TypeError)

floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324])
texts = st.text(max_size=30) | st.sampled_from(UNITS + ["", " ", "mg/dl ", "µmol/L", "μmol/L", "%(NGSP)"])
dates = st.text(max_size=14) | st.sampled_from(
    ["2025-06-01", "-262143-01-01", "+262142-12-31", "9999-12-31", "0001-01-01", "2024-02-29", "2025-02-29"]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | floats.filter(lambda x: x == x) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


@SETTINGS
@given(st.sampled_from(ANALYTES), floats, texts)
def test_lab_value_answers_any_number_and_unit(analyte: str, value: float, unit: str) -> None:
    try:
        lab = dkd.lab_value(analyte, value, unit)
    except EXPECTED:
        return
    assert lab.value == value and lab.unit in UNITS


@SETTINGS
@given(texts)
def test_parse_unit_answers_any_text(text: str) -> None:
    try:
        assert dkd.parse_unit(text) in UNITS
    except dkd.InvalidInputError:
        pass


@SETTINGS
@given(st.sampled_from(EQUATIONS + ["", "ckd-epi"]), floats, texts, floats, floats, floats)
def test_estimate_gfr_answers_any_input(eq: str, age: float, sex: str, scr: float, cys: float, weight: float) -> None:
    try:
        creatinine = dkd.SerumCreatinine(scr, "mg/dL")
        cystatin = dkd.CystatinC(cys, "mg/L")
        result = dkd.estimate_gfr(eq, age=age, sex=sex, creatinine=creatinine, cystatin_c=cystatin, weight_kg=weight)
    except EXPECTED:
        return
    assert result.value > 0


@SETTINGS
@given(dates, dates)
def test_age_on_answers_any_dates(birth: str, on: str) -> None:
    try:
        assert 0 <= dkd.age_on(birth, on) <= 125
    except EXPECTED:
        pass


@SETTINGS
@given(st.lists(st.tuples(floats, st.sampled_from(["F", "M", "x", None, 1, 2, 0, float("nan")]), floats, floats), max_size=40),
       st.sampled_from(EQUATIONS), st.integers(min_value=0, max_value=4))
def test_egfr_batch_answers_any_rows(rows: Any, eq: str, threads: int) -> None:
    age = [r[0] for r in rows]
    sex = np.array([r[1] for r in rows], dtype=object)
    scr = [r[2] for r in rows]
    weight = [r[3] for r in rows]
    try:
        out = dkd.egfr(eq, age=age, sex=sex, creatinine=scr, cystatin_c=scr, weight_kg=weight, threads=threads)
    except EXPECTED:
        return
    assert len(out.values) == len(rows)
    for v, k in zip(out.values, out.error_kinds()):
        assert (k == "ok") == (v == v)


@SETTINGS
@given(json_values)
def test_screen_answers_any_json(value: Any) -> None:
    try:
        dkd.screen(json.dumps(value))
    except dkd.InvalidInputError:
        pass


@SETTINGS
@given(st.text(max_size=200))
def test_screen_answers_any_text(text: str) -> None:
    try:
        dkd.screen(text)
    except dkd.InvalidInputError:
        pass


record_fields: Dict[str, Any] = {
    "id": texts,
    "sex": texts,
    "date_of_birth": dates,
    "screening_date": dates,
    "labs": st.dictionaries(
        st.sampled_from(["uacr", "creatinine", "hba1c", "hbv_dna"]),
        st.lists(st.fixed_dictionaries({"date": dates, "value": floats, "unit": texts}), max_size=3),
    ),
    "medications": st.none() | st.lists(st.fixed_dictionaries({"name": texts, "start": dates}), max_size=2),
}


@SETTINGS
@given(st.fixed_dictionaries({}, optional=record_fields))
def test_screen_answers_any_record_shaped_dict(record: Dict[str, Any]) -> None:
    # json.dumps writes NaN and Infinity, which are not JSON: the reader refuses them.
    try:
        result = dkd.screen(record)
    except dkd.InvalidInputError:
        return
    assert result.status in {"eligible", "ineligible", "pending"}


@SETTINGS
@given(st.dictionaries(st.sampled_from(list(dkd.default_config())), json_values, max_size=3))
def test_any_configuration_is_read_or_refused(edits: Dict[str, Any]) -> None:
    config = dict(dkd.default_config(), **edits)
    base = {"id": "P", "sex": "F", "date_of_birth": "1960-01-01", "screening_date": "2025-06-01"}
    try:
        dkd.screen(base, config)
    except dkd.InvalidConfigError as e:
        assert e.kind == "invalid_config"


@SETTINGS
@given(st.integers(min_value=-(2**70), max_value=2**70), st.integers(min_value=-(2**70), max_value=2**70))
def test_synthetic_cohort_answers_any_seed_and_count(seed: int, count: int) -> None:
    try:
        gen = dkd.synthetic_cohort(seed, count)
    except (ValueError, TypeError):
        assert not (0 <= seed < 2**64 and 0 <= count < 2**64)
        return
    first = next(gen, None)
    assert (first is None) == (count == 0)


# The visit schedule: any participant, date, plan or readings gives a result or a typed error.
activities = st.sampled_from(["infusion", "attended", "dqol", "egfr", "uacr", "octa"]) | texts
participants = st.fixed_dictionaries(
    {"id": texts, "first_infusion": dates},
    optional={
        "planned_first_infusion": dates,
        "screening_date": dates,
        "observations": st.lists(st.fixed_dictionaries({"date": dates, "activity": activities}), max_size=6),
    },
)


@SETTINGS
@given(participants | json_values, dates)
def test_visit_status_answers_any_participant_and_date(participant: Any, on: str) -> None:
    from amimestrocel_dkd import schedule

    try:
        s = schedule.visit_status(participant if isinstance(participant, dict) else json.dumps(participant), on)
    except EXPECTED:
        return
    assert len(s.assignments) == len(participant.get("observations", [])) if isinstance(participant, dict) else True


@SETTINGS
@given(json_values, dates)
def test_calendar_answers_any_readings(readings: Any, day_one: str) -> None:
    from amimestrocel_dkd import schedule

    try:
        c = schedule.calendar(day_one, readings=json.dumps(readings))
    except EXPECTED:
        return
    assert all(v.window_first <= v.target <= v.window_last for v in c.visits)


@SETTINGS
@given(participants, dates, st.lists(st.tuples(texts, texts), max_size=3))
def test_to_ics_answers_any_participant_and_appointments(participant: Dict[str, Any], on: str, times: Any) -> None:
    import datetime

    from amimestrocel_dkd import schedule

    try:
        text = schedule.to_ics(participant, on, stamp=datetime.datetime(2025, 1, 1), appointments=dict(times))
    except EXPECTED:
        return
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
