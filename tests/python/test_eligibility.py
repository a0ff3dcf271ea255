"""Screening through Python: the shared eligibility vectors, and the binding layer."""

import datetime
import json
from typing import Any, Dict

import pytest

import amimestrocel_dkd as dkd
from conftest import load

CASES = load("eligibility/cases.json")["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_eligibility_vector(case: Dict[str, Any]) -> None:
    record = case["json"] if "json" in case else case["record"]
    if "error" in case:
        with pytest.raises(dkd.InvalidInputError) as info:
            dkd.screen(record)
        assert (info.value.kind, info.value.path) == (case["error"]["kind"], case["error"]["path"])
        return
    result = dkd.screen(record)
    assert result.status == case["status"]
    for cid, outcome in case["criteria"].items():
        assert result.criterion(cid).outcome == outcome, result.criterion(cid).reason


def test_vectors_are_not_empty() -> None:
    assert len(CASES) >= 80


def test_result_has_status_criteria_and_plain_dict() -> None:
    base = load("eligibility/base_record.json")
    r = dkd.screen(base)
    assert r.status == "eligible" and r.id == "VEC-BASE"
    assert len(r.criteria) == len(dkd.criteria()) == 23
    d = r.to_dict()
    assert d["status"] == "eligible" and d["criteria"][0]["id"] == "inc_age"
    assert json.loads(json.dumps(d)) == d
    uacr = r.criterion("inc_uacr")
    assert uacr.kind == "inclusion" and not uacr.excludes
    assert uacr.evidence[0].field == "labs.uacr[0]"


def test_record_accepts_dates_and_json_text() -> None:
    base = load("eligibility/base_record.json")
    base["screening_date"] = datetime.date(2025, 6, 1)
    assert dkd.screen(base).status == "eligible"
    assert dkd.screen(json.dumps(load("eligibility/base_record.json"))).status == "eligible"
    with pytest.raises(TypeError):
        dkd.screen(42)  # type: ignore[arg-type]


def test_bad_record_error_is_a_value_error_naming_the_path() -> None:
    base = load("eligibility/base_record.json")
    base["labs"]["uacr"][0]["date"] = "2025-07-01"
    with pytest.raises(ValueError) as info:
        dkd.screen(base)
    err = info.value
    assert isinstance(err, dkd.InvalidInputError)
    assert err.kind == "date_after_screening" and err.path == "labs.uacr[0].date"
    assert str(err) == "labs.uacr[0].date: date is after the screening date"


def test_configuration_is_a_dict_of_named_parameters() -> None:
    config = dkd.default_config()
    assert config["uacr"] == {"bound": "above", "value": 1000.0, "unit": "mg/g"}
    config["urine_protein_min_measurements"] = 3
    assert dkd.screen(load("eligibility/base_record.json"), config).criterion("inc_urine_protein").outcome == "unknown"
    config["uacr"]["unit"] = "mmHg"
    with pytest.raises(dkd.InvalidConfigError) as info:
        dkd.screen(load("eligibility/base_record.json"), config)
    assert info.value.kind == "invalid_config"


def test_criteria_list_ids_text_and_parameters() -> None:
    items = {c.id: c for c in dkd.criteria()}
    assert items["inc_hba1c"].protocol_text == "Glycated hemoglobin (HbA1c) < 9%."
    assert dkd.Parameter("hba1c", "< 9 %") in items["inc_hba1c"].parameters


def test_screen_many_returns_a_dataframe_and_keeps_refused_rows() -> None:
    pd = pytest.importorskip("pandas")
    records = list(dkd.synthetic_cohort(11, 40))
    records.insert(5, {"id": "BAD", "sex": "F"})
    df = dkd.screen_many(records)
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 41
    assert list(df.columns[:3]) == ["id", "status", "error"] and "exc_stroke" in df.columns
    assert df.loc[5, "status"] == "refused" and df.loc[5, "error"].startswith("malformed at")
    assert set(df["status"]) <= {"eligible", "ineligible", "pending", "refused"}
    one = dkd.screen(records[0])
    assert df.loc[0, "status"] == one.status and df.loc[0, "inc_uacr"] == one.criterion("inc_uacr").outcome
    with pytest.raises(dkd.InvalidInputError):
        dkd.screen_many(records, errors="raise")


def test_a_refused_record_names_the_missing_field_as_the_arrow_path_does() -> None:
    from amimestrocel_dkd import screen_many, synthetic_cohort
    from amimestrocel_dkd.screening import records_to_arrow

    record = dict(next(iter(synthetic_cohort(1, 1))))
    no_sex = {k: v for k, v in record.items() if k != "sex"}
    no_start = {**record, "medications": [{"name": "metformin"}]}
    got = screen_many([no_sex, no_start, "{not json"])
    assert list(got.error) == ["malformed at sex", "malformed at medications[0].start", "malformed at ."]
    # The Arrow path says the same of a null sex.
    table = records_to_arrow([record])
    import pyarrow as pa  # type: ignore[import-untyped]

    nulled = table.set_column(table.schema.get_field_index("sex"), "sex", pa.array([None], pa.string()))
    assert screen_many(nulled).column("error").to_pylist() == ["malformed at sex"]
