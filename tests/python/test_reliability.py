"""Reliability of the Python surface: what hostile input found, kept as regressions, and the
rules that keep it found (no panic crosses into Python; one documented reading per column
type; nothing dropped silently)."""

from __future__ import annotations

import json
import math
import pathlib
import re
from typing import Any, Dict, List, cast

import numpy as np
import pytest

import amimestrocel_dkd as dkd
from amimestrocel_dkd import _native

ROOT = pathlib.Path(__file__).resolve().parents[2]
BASE: Dict[str, Any] = json.loads((ROOT / "tests/vectors/eligibility/base_record.json").read_text())


# ---- no panic crosses the FFI ----


def test_a_panic_inside_the_binding_is_an_internal_error_not_a_panic_exception() -> None:
    with pytest.raises(dkd.InternalError) as e:
        _native._panic_for_test()
    assert isinstance(e.value, dkd.DkdError) and isinstance(e.value, Exception)
    assert e.value.kind == "internal_error"


def test_every_exported_function_of_the_binding_runs_inside_the_guard() -> None:
    """Each #[pyfunction], and each method of a #[pymethods] block, starts its body with
    `crate::guard(` (within its first two lines): the sources are the list of what is
    exported, so a new function without the guard fails here."""
    unguarded: List[str] = []
    checked = 0
    for path in sorted((ROOT / "bindings-python/src").glob("*.rs")):
        lines = path.read_text().splitlines()
        depth_of_methods = None
        for i, line in enumerate(lines):
            stripped = line.strip()
            indent = len(line) - len(line.lstrip())
            if stripped == "#[pymethods]":
                depth_of_methods = indent
            elif depth_of_methods is not None and stripped == "}" and indent == depth_of_methods:
                depth_of_methods = None
            header = re.match(r"\s*(pub )?fn (\w+)", line)
            if not header:
                continue
            k = i - 1
            attributes = []
            while k >= 0 and (lines[k].strip().startswith("#[") or lines[k].strip().startswith("///")):
                attributes.append(lines[k].strip())
                k -= 1
            exported = "#[pyfunction]" in attributes or (
                depth_of_methods is not None and indent == depth_of_methods + 4
            )
            if not exported:
                continue
            checked += 1
            j = i
            while not lines[j].rstrip().endswith("{"):
                j += 1
            if not any("crate::guard(" in lines[j + d] for d in (1, 2)):
                unguarded.append(f"{path.name}:{i + 1} {header.group(2)}")
    assert checked > 40, "the scan found the exported functions"
    assert unguarded == []


def test_extreme_dates_are_refused_on_their_own_row_not_a_panic() -> None:
    record = {"id": "P", "sex": "F", "date_of_birth": "-262143-01-01", "screening_date": "-262143-01-10"}
    with pytest.raises(dkd.InvalidInputError) as e:
        dkd.screen(record)
    assert (e.value.kind, e.value.path) == ("malformed", "date_of_birth")
    good = [dict(BASE, id=f"G-{k}") for k in range(1000)]
    df = dkd.screen_many(good[:500] + [record] + good[500:])
    assert len(df) == 1001
    assert df.loc[500, "status"] == "refused" and df.loc[500, "id"] == "P"
    assert (df["status"] != "refused").sum() == 1000


@pytest.mark.parametrize("field", ["egfr_lookback_days", "uacr_lookback_days", "stroke_lookback_months"])
def test_a_configuration_with_a_huge_look_back_is_a_typed_error(field: str) -> None:
    config = dict(dkd.default_config(), **{field: 100_000_000})
    with pytest.raises(dkd.InvalidConfigError) as e:
        dkd.screen(BASE, config)
    assert (e.value.kind, e.value.path) == ("invalid_config", field)
    with pytest.raises(dkd.InvalidConfigError):
        dkd.screen_many([BASE], config)


# ---- nothing dropped silently ----


def test_two_records_in_one_text_or_trailing_text_are_refused() -> None:
    a = json.dumps(BASE)
    for text in [a + a, a + " garbage", a + "\r" + a]:
        with pytest.raises(dkd.InvalidInputError) as e:
            dkd.screen(text)
        assert (e.value.kind, e.value.path) == ("malformed", ".")


def test_an_array_where_an_object_is_documented_is_refused() -> None:
    with pytest.raises(dkd.InvalidInputError) as e:
        dkd.screen('["P", "F", "1960-01-01", "2025-06-01"]')
    assert (e.value.kind, e.value.path) == ("malformed", ".")
    record = dict(BASE, labs={"uacr": [["2025-05-20", 1200.0, "mg/g"]]})
    with pytest.raises(dkd.InvalidInputError) as e:
        dkd.screen(record)
    assert (e.value.kind, e.value.path) == ("malformed", "labs.uacr[0]")


def test_screen_many_refuses_one_dict_and_unknown_error_modes() -> None:
    with pytest.raises(TypeError, match="for one record use screen"):
        dkd.screen_many(BASE)
    with pytest.raises(ValueError, match="errors must be"):
        dkd.screen_many([BASE], errors="bogus")


def test_a_refused_row_keeps_its_readable_id() -> None:
    bad = dict(BASE, id="KEEP-ME", labs={"uacr": [{"date": "2025-05-20", "value": 1, "unit": "furlongs"}]})
    df = dkd.screen_many([BASE, bad])
    assert list(df["id"]) == [BASE["id"], "KEEP-ME"]
    assert df.loc[1, "error"] == "unknown_unit at labs.uacr[0]"


def test_records_take_the_sex_spellings_every_other_entry_point_takes() -> None:
    assert dkd.screen(dict(BASE, sex="Female")).status == dkd.screen(BASE).status


def test_dates_in_records_are_yyyy_mm_dd_only() -> None:
    for bad in ["2025-1-1", " 2025-06-01", "+2025-06-01"]:
        with pytest.raises(dkd.InvalidInputError) as e:
            dkd.screen(dict(BASE, screening_date=bad))
        assert e.value.path == "screening_date"


def test_an_impossible_age_is_refused_not_pending() -> None:
    with pytest.raises(dkd.InvalidInputError) as e:
        dkd.screen(dict(BASE, date_of_birth="1800-01-01"))
    assert (e.value.kind, e.value.path) == ("invalid_value", "date_of_birth")


# ---- the synthetic generator is lazy ----


def test_a_huge_count_yields_lazily_and_a_bad_one_is_a_clear_error() -> None:
    gen = dkd.synthetic_cohort(1, 10**12)
    assert next(gen)["id"] == "SYN-00001" and next(gen)["id"] == "SYN-00002"
    assert next(dkd.synthetic_cohort(1, 2**63))["id"] == "SYN-00001"
    assert len(list(dkd.synthetic_cohort(1, 3))) == 3
    assert list(dkd.synthetic_cohort(1, 0)) == []
    for bad in [-1, 2**64]:
        with pytest.raises(ValueError):
            dkd.synthetic_cohort(1, bad)
    with pytest.raises(TypeError):
        dkd.synthetic_cohort(1, True)
    with pytest.raises(TypeError):
        dkd.synthetic_cohort(1, 2.0)  # type: ignore[arg-type]


# ---- lab values ----


def test_a_bool_or_text_is_not_a_lab_value() -> None:
    for bad in [True, np.bool_(True), "7", b"7"]:
        with pytest.raises(TypeError):
            dkd.Uacr(bad, "mg/g")  # type: ignore[arg-type]
    assert dkd.Uacr(np.float64(7.0), "mg/g").value == 7.0 and dkd.Uacr(np.int64(7), "mg/g").value == 7.0


def test_equal_lab_values_hash_equal() -> None:
    assert dkd.Uacr(0.0, "mg/g") == dkd.Uacr(-0.0, "mg/g")
    assert hash(dkd.Uacr(0.0, "mg/g")) == hash(dkd.Uacr(-0.0, "mg/g"))
    assert len({dkd.Uacr(0.0, "mg/g"), dkd.Uacr(-0.0, "mg/g")}) == 1


def test_the_unknown_equation_error_lists_the_valid_names() -> None:
    with pytest.raises(dkd.InvalidInputError) as e:
        dkd.estimate_gfr("ckd-epi", age=60, sex="F", creatinine=dkd.SerumCreatinine(1, "mg/dL"))
    assert "ckd_epi_2021_cr" in str(e.value) and "cockcroft_gault" in str(e.value)


# ---- egfr(): one documented rule per column type ----


def kinds(**kw: Any) -> List[str]:
    result: dkd.EgfrArrays = dkd.egfr("ckd_epi_2009_cr", **kw)
    return result.error_kinds()


def test_black_is_booleans_or_0_1_never_text_and_missing_is_a_row_error() -> None:
    base: Dict[str, Any] = dict(age=[60, 60], sex=["F", "F"], creatinine=[1.0, 1.0])
    assert kinds(**base, black=[True, False]) == ["ok", "ok"]
    assert kinds(**base, black=[1, 0]) == ["ok", "ok"]
    assert kinds(**base, black=[True, None]) == ["ok", "black_not_known"]
    assert kinds(**base, black=np.array([1.0, np.nan])) == ["ok", "black_not_known"]
    for bad in [["no", "yes"], ["False", "True"], [2, 0], np.array([0.5, 1.0])]:
        with pytest.raises(TypeError):
            dkd.egfr("ckd_epi_2009_cr", **base, black=bad)
    # An equation without the race coefficient ignores a missing flag.
    out = dkd.egfr("ckd_epi_2021_cr", **base, black=[True, None])
    assert out.error_kinds() == ["ok", "ok"]
    black = dkd.egfr("ckd_epi_2009_cr", **base, black=[True, False]).values
    assert black[0] > black[1], "the Black coefficient raises the 2009 estimate"


def test_numbers_are_never_read_from_text_or_booleans() -> None:
    for bad in [["60", "70"], np.array(["60", "70"]), [True, False]]:
        with pytest.raises(TypeError):
            dkd.egfr(age=bad, sex=["F", "M"], creatinine=[1.0, 1.0])
    with pytest.raises(TypeError):
        dkd.egfr(age=[60, "70"], sex=["F", "M"], creatinine=[1.0, 1.0])


def test_missing_values_are_row_errors() -> None:
    pd = pytest.importorskip("pandas")
    assert kinds(age=[60, None], sex=["F", "F"], creatinine=[1.0, 1.0]) == ["ok", "invalid_age"]
    assert kinds(age=[60, 60], sex=["F", None], creatinine=[1.0, 1.0]) == ["ok", "unknown_sex"]
    assert kinds(age=[60, 60], sex=["F", pd.NA], creatinine=[1.0, 1.0]) == ["ok", "unknown_sex"]
    assert kinds(age=[60, 60], sex=["F", "F"], creatinine=[1.0, pd.NA]) == ["ok", "creatinine_not_finite"]
    nullable = pd.Series([60, None], dtype="Int64")
    assert kinds(age=nullable, sex=["F", "F"], creatinine=[1.0, 1.0]) == ["ok", "invalid_age"]
    text = pd.Series(["F", None], dtype="string")
    assert kinds(age=[60, 60], sex=text, creatinine=[1.0, 1.0]) == ["ok", "unknown_sex"]


def test_masked_entries_are_missing() -> None:
    age = np.ma.masked_array([60.0, 60.0], mask=[False, True])
    scr = np.ma.masked_array([1.0, 1.0], mask=[True, False])
    sex = np.ma.masked_array(["F", "M"], mask=[False, True])
    assert kinds(age=age, sex=["F", "F"], creatinine=[1.0, 1.0]) == ["ok", "invalid_age"]
    assert kinds(age=[60, 60], sex=["F", "F"], creatinine=scr) == ["creatinine_not_finite", "ok"]
    assert kinds(age=[60, 60], sex=sex, creatinine=[1.0, 1.0]) == ["ok", "unknown_sex"]


def test_series_with_different_indexes_are_refused_not_paired_by_position() -> None:
    pd = pytest.importorskip("pandas")
    age = pd.Series([60, 70], index=[10, 11])
    scr = pd.Series([1.0, 2.0], index=[11, 10])
    with pytest.raises(ValueError, match="different indexes"):
        dkd.egfr(age=age, sex=["F", "M"], creatinine=scr)
    df = pd.DataFrame({"age": [60, 70], "sex": ["F", "M"], "scr": [1.0, 2.0]}, index=[5, 9])
    out = dkd.egfr(age=df["age"], sex=df["sex"], creatinine=df["scr"])
    assert out.error_kinds() == ["ok", "ok"]


def test_every_sex_layout_gives_the_same_codes() -> None:
    pd = pytest.importorskip("pandas")
    age = [60, 61, 62, 63, 64]
    scr = [1.0] * 5
    want = kinds(age=age, sex=np.array([2, 1, 2, 0, 1], dtype=np.uint8), creatinine=scr)
    assert want == ["ok", "ok", "ok", "unknown_sex", "ok"]
    layouts: List[Any] = [
        ["F", "M", "female", "x", "男"],
        np.array(["F", "M", "Female", "", "MALE"]),
        np.array([b"F", b"M", b"f", b"?", b"m"]),
        np.array(["F", "M", "F", None, "M"], dtype=object),
        np.array([2, 1, 2, 9, 1], dtype=np.int64),
        np.array([2, 1, 2, -1, 1], dtype=np.int8),
        np.array([2.0, 1.0, 2.0, np.nan, 1.0]),
        pd.Series(["F", "M", "F", None, "M"], dtype="category"),
        pd.Series([2, 1, 2, 0, 1]).astype("category"),
        pd.Series(["F", "M", "F", "?", "M"]),
    ]
    for sex in layouts:
        assert kinds(age=age, sex=sex, creatinine=scr) == want, repr(sex)
    female = [True, False, True, None, False]
    assert kinds(age=age, female=female, creatinine=scr) == want
    assert kinds(age=age[:3] + [64], female=np.array([True, False, True, False]), creatinine=scr[:4]) == ["ok"] * 4


def test_sex_must_come_once_and_not_as_booleans() -> None:
    with pytest.raises(TypeError, match="ambiguous"):
        dkd.egfr(age=[60], sex=[True], creatinine=[1.0])
    with pytest.raises(TypeError, match="exactly one"):
        dkd.egfr(age=[60], sex=["F"], female=[True], creatinine=[1.0])
    with pytest.raises(TypeError, match="exactly one"):
        dkd.egfr(age=[60], creatinine=[1.0])
    with pytest.raises(TypeError):
        dkd.egfr(age=[60], sex=np.array([datetime64()]), creatinine=[1.0])


def datetime64() -> Any:
    return np.datetime64("2025-01-01")


def test_empty_columns_give_an_empty_result() -> None:
    out = dkd.egfr(age=[], sex=[], creatinine=[])
    assert len(out.values) == 0 and out.error_kinds() == []


def test_a_strict_batch_names_the_first_bad_row() -> None:
    with pytest.raises(dkd.InvalidInputError) as e:
        dkd.egfr(age=[60, 60], sex=["F", "F"], creatinine=[1.0, math.nan], strict=True)
    assert (e.value.row, e.value.kind) == (1, "creatinine_not_finite")


# ---- privacy ----


def test_no_error_message_of_the_vectors_repeats_an_id_a_date_or_a_value() -> None:
    cases = json.loads((ROOT / "tests/vectors/eligibility/cases.json").read_text())["cases"]

    def secrets(value: Any, key: str = "") -> List[str]:
        if isinstance(value, dict):
            return [s for k, v in value.items() if k != "unit" for s in secrets(v, k)]
        if isinstance(value, list):
            return [s for v in value for s in secrets(v, key)]
        if isinstance(value, str) and len(value) >= 4 and not re.fullmatch(r"[a-z_]+", value):
            return [value]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and len(repr(value).lstrip("-")) >= 4:
            return [repr(value)]
        return []

    checked = 0
    for case in cases:
        if "error" not in case:
            continue
        with pytest.raises(dkd.InvalidInputError) as e:
            dkd.screen(case.get("json") or case["record"])
        record = case.get("record")
        if record is None:
            try:
                record = json.loads(case["json"])
            except ValueError:
                record = {}  # text that is not JSON holds no field values to find
        for secret in secrets(record):
            assert secret not in str(e.value), (case["name"], secret)
        checked += 1
    assert checked >= 10


def test_errors_raised_in_python_do_not_repeat_the_value_that_was_refused() -> None:
    # The package's own checks (before core) follow the same privacy rule as core's messages.
    from amimestrocel_dkd import endpoints, screening

    record = {"id": "P-1", "sex": "F", "date_of_birth": "15/07/1962", "screening_date": "2025-06-01"}
    with pytest.raises(ValueError) as bad_date:
        screening.records_to_arrow([record])
    assert "15/07/1962" not in str(bad_date.value) and "date_of_birth" in str(bad_date.value)
    with pytest.raises(TypeError) as text_number:
        endpoints.summarise(cast(Any, [1.0, "12.5"]))
    assert "12.5" not in str(text_number.value) and "values[1]" in str(text_number.value)
    with pytest.raises(TypeError) as bad_event:
        endpoints.kaplan_meier([10.0, 20.0], cast(Any, [True, "False"]))
    assert "False" not in str(bad_event.value).replace("True/False", "") and "events[1]" in str(bad_event.value)


def test_a_datetime_with_a_zone_in_a_record_is_refused_not_cut_to_a_day() -> None:
    # 20:00 UTC on 1 June is 2 June in Beijing: the day of an instant depends on the zone.
    import datetime as dt

    record = {"id": "X", "sex": "F", "date_of_birth": "1960-01-01",
              "screening_date": dt.datetime(2025, 6, 1, 20, 0, tzinfo=dt.timezone.utc)}
    with pytest.raises(TypeError, match="time zone"):
        dkd.screen(record)
    # A date, or a datetime without a zone (its wall day), is read as before.
    record["screening_date"] = dt.datetime(2025, 6, 1, 20, 0)
    assert dkd.screen(record).screening_date == dt.date(2025, 6, 1)


def test_a_missing_pandas_datetime_in_a_record_is_refused_at_its_field() -> None:
    # pandas' NaT is a datetime without a zone (its utcoffset() raises): written as "NaT", the
    # record is refused at its field, the other records screened.
    import pandas as pd  # type: ignore[import-untyped]

    good = {"id": "A", "sex": "F", "date_of_birth": "1960-01-01", "screening_date": "2025-06-01"}
    missing = {**good, "id": "B", "screening_date": pd.NaT}
    with pytest.raises(dkd.InvalidInputError) as e:
        dkd.screen(missing)
    assert e.value.path == "screening_date"
    statuses = list(dkd.screen_many([good, missing], errors="column").status.astype(str))
    assert statuses[0] != "refused" and statuses[1] == "refused"
