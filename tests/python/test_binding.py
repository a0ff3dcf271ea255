"""The Python binding layer: classes, errors, serialisation, numpy/pandas batches."""

import datetime
import json
import math
from typing import Any, Dict

import numpy as np
import pytest

import amimestrocel_dkd as dkd


def test_each_analyte_is_its_own_class_and_a_lab_value() -> None:
    scr = dkd.SerumCreatinine(1.3, "mg/dL")
    assert isinstance(scr, dkd.LabValue)
    assert scr.analyte == "serum_creatinine" == dkd.SerumCreatinine.ANALYTE
    assert dkd.SerumCreatinine.units()[0] == "µmol/L"
    assert type(dkd.lab_value("uacr", 30, "mg/g")) is dkd.Uacr


def test_convert_returns_the_same_class_in_the_new_unit() -> None:
    scr = dkd.SerumCreatinine(1.0, "mg/dL").convert("umol/L")
    assert type(scr) is dkd.SerumCreatinine
    assert scr.unit == "µmol/L"
    assert abs(scr.value - 88.40) < 0.01


def test_lab_value_serialises_with_its_unit_and_round_trips_exactly() -> None:
    v = dkd.Hba1c(7.3, "%")
    assert v.to_dict() == {"value": 7.3, "unit": "%"}
    assert json.loads(v.to_json()) == {"value": 7.3, "unit": "%"}
    assert dkd.Hba1c.from_json(v.to_json()) == v
    assert dkd.Hba1c.from_dict(v.to_dict()) == v
    assert repr(v) == "Hba1c(7.3, '%')"


def test_from_dict_refuses_unknown_and_missing_fields() -> None:
    with pytest.raises(TypeError, match="unknown field `x`"):
        dkd.Hba1c.from_dict({"value": 7, "unit": "%", "x": 1})
    with pytest.raises(TypeError, match="missing field `unit`"):
        dkd.Hba1c.from_dict({"value": 7})
    with pytest.raises(TypeError, match="invalid JSON"):
        dkd.Hba1c.from_json("{not json")


def test_errors_form_a_hierarchy_under_value_error_with_structured_fields() -> None:
    with pytest.raises(ValueError) as info:
        dkd.SerumCreatinine(1.0, "mmHg")
    err = info.value
    assert isinstance(err, dkd.InvalidInputError) and isinstance(err, dkd.DkdError)
    assert err.kind == "unit_not_for_analyte"
    assert err.details["analyte"] == "serum_creatinine" and err.details["unit"] == "mmHg"
    assert err.path == "" and err.reason == str(err)
    assert err.details["accepted"] == ["µmol/L", "mg/dL", "mmol/L", "mg/L"]
    assert str(err) == "unit `mmHg` does not fit serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)"


@pytest.mark.parametrize(
    "make, cls, kind, message",
    [
        (lambda: dkd.Potassium(math.nan, "mmol/L"), dkd.InvalidInputError, "not_finite", "potassium is not a finite number"),
        (lambda: dkd.Uacr(-1, "mg/g"), dkd.InvalidInputError, "negative", "urine albumin-to-creatinine ratio is negative"),
        (lambda: dkd.parse_unit("furlong"), dkd.InvalidInputError, "unknown_unit", "unknown unit `furlong`"),
        (
            lambda: dkd.estimate_gfr("ckd_epi", age=50, sex="M"),
            dkd.InvalidInputError,
            "unknown_equation",
            "unknown equation `ckd_epi` (expected one of ckd_epi_2009_cr, ckd_epi_2021_cr, ckd_epi_2012_cys, ckd_epi_2012_cr_cys, ckd_epi_2021_cr_cys, ekfc_2021_cr, ekfc_2023_cys, ekfc_2023_cr_cys, mdrd4_idms, cockcroft_gault)",
        ),
        (
            lambda: dkd.estimate_gfr("ckd_epi_2012_cys", age=50, sex="M"),
            dkd.InvalidInputError,
            "missing_input",
            "ckd_epi_2012_cys needs cystatin_c",
        ),
        (
            lambda: dkd.estimate_gfr("ckd_epi_2021_cr", age=50, sex="X"),
            dkd.InvalidInputError,
            "unknown_sex",
            "unknown sex (expected female/male, F/M, 女/男, or ISO/IEC 5218 code 1 or 2)",
        ),
        (
            lambda: dkd.estimate_gfr("ckd_epi_2021_cr", age=-3, sex="F"),
            dkd.InvalidInputError,
            "invalid_age",
            "age is not a whole number of years between 0 and 125",
        ),
        (
            lambda: dkd.age_on("2020-01-02", "2020-01-01"),
            dkd.InvalidInputError,
            "birth_after_date",
            "date of birth is after the date of assessment",
        ),
    ],
)
def test_every_error_kind_and_message_is_pinned(make, cls, kind, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(cls) as info:
        make()
    assert info.value.kind == kind
    assert str(info.value) == message


def test_cystatin_passed_as_creatinine_is_refused() -> None:
    with pytest.raises(dkd.InvalidInputError):
        dkd.estimate_gfr("ckd_epi_2021_cr", age=50, sex="M", creatinine=dkd.CystatinC(1.0, "mg/L"))


def test_age_on_takes_dates_and_iso_strings() -> None:
    assert dkd.age_on(datetime.date(1960, 3, 1), datetime.date(2025, 2, 28)) == 64
    assert dkd.age_on("1960-03-01", "2025-03-01") == 65
    with pytest.raises(dkd.InvalidInputError) as e:
        dkd.age_on("01/03/1960", "2025-03-01")
    assert e.value.kind == "not_iso_date" and str(e.value) == "date_of_birth: expected a date as YYYY-MM-DD"
    with pytest.raises(dkd.InvalidInputError) as e:
        dkd.age_on("1962-07-15x", "2025-03-01")
    assert "1962" not in str(e.value), "the message repeats the birth date"
    for bad in ["1960-3-1", " 1960-03-01", "+1960-03-01"]:
        with pytest.raises(dkd.InvalidInputError):
            dkd.age_on(bad, "2025-03-01")
    with pytest.raises(TypeError) as t:
        dkd.age_on(None, "2025-03-01")  # type: ignore[arg-type]
    assert str(t.value) == "date_of_birth must be a datetime.date or a YYYY-MM-DD string, not NoneType"


def test_cockcroft_gault_says_it_is_not_normalised() -> None:
    r = dkd.estimate_gfr("cockcroft_gault", age=60, sex="M", creatinine=dkd.SerumCreatinine(1, "mg/dL"), weight_kg=70)
    assert r.unit == "mL/min" and r.normalised is False
    assert r.to_dict()["equation"] == "cockcroft_gault"


def test_batch_keeps_good_rows_when_one_is_bad() -> None:
    out = dkd.egfr(
        "ckd_epi_2021_cr",
        age=np.array([60, 60, 17, 60, 60.5]),
        sex=np.array(["F", "female", "M", "x", "M"], dtype=object),
        creatinine=np.array([1.0, np.nan, 1.0, 1.0, 1.0]),
    )
    assert out.values.dtype == np.float64 and out.error_codes.dtype == np.uint8
    assert round(float(out.values[0]), 1) == 64.5
    assert np.isnan(out.values[1:]).all()
    assert out.error_kinds() == ["ok", "creatinine_not_finite", "age_out_of_range", "unknown_sex", "invalid_age"]


def test_batch_strict_raises_naming_the_first_bad_row() -> None:
    with pytest.raises(dkd.InvalidInputError) as info:
        dkd.egfr("ckd_epi_2021_cr", age=[60, 60, 60], sex=[2, 2, 2], creatinine=[1.0, 1.1, -1.0], strict=True)
    assert info.value.row == 2
    assert info.value.kind == "creatinine_negative"


def test_batch_accepts_iso5218_codes_and_refuses_booleans() -> None:
    out = dkd.egfr(age=[60, 60, 60], sex=np.array([2, 1, 300]), creatinine=[1.0, 1.0, 1.0])
    assert out.error_kinds() == ["ok", "ok", "unknown_sex"]
    with pytest.raises(TypeError, match="ambiguous"):
        dkd.egfr(age=[60], sex=np.array([True]), creatinine=[1.0])


def test_batch_refuses_columns_of_different_length_and_units_that_do_not_fit() -> None:
    with pytest.raises(dkd.InvalidInputError) as info:
        dkd.egfr(age=[60, 61], sex=["F", "F"], creatinine=[1.0])
    assert info.value.kind == "column_length" and info.value.details["column"] == "creatinine"
    with pytest.raises(dkd.InvalidInputError) as lab:
        dkd.egfr(age=[60], sex=["F"], creatinine=[1.0], creatinine_unit="mmHg")
    assert lab.value.kind == "unit_not_for_analyte"


def test_batch_over_pandas_series_and_umol_units() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"age": [60, 45], "sex": ["F", "M"], "scr": [88.4, 106.1]})
    out = dkd.egfr(age=df["age"], sex=df["sex"], creatinine=df["scr"], creatinine_unit="µmol/L")
    assert out.error_kinds() == ["ok", "ok"]
    scalar = dkd.estimate_gfr("ckd_epi_2021_cr", age=45, sex="M", creatinine=dkd.SerumCreatinine(106.1, "umol/L"))
    assert out.values[1] == scalar.value


def test_batch_threads_give_identical_results() -> None:
    rng = np.random.default_rng(7)
    n = 100_000
    args: Dict[str, Any] = dict(
        age=rng.integers(18, 90, n).astype(float), sex=rng.integers(1, 3, n), creatinine=rng.uniform(0.4, 6, n)
    )
    one = dkd.egfr(threads=1, **args)
    two = dkd.egfr(threads=2, **args)
    assert np.array_equal(one.values, two.values) and np.array_equal(one.error_codes, two.error_codes)


def test_batch_kernel_for_this_cpu_gives_the_bits_of_the_baseline_kernel() -> None:
    # The batch runs a kernel compiled for the widest instruction set the CPU has (AVX2 where
    # present); it must give exactly what the baseline kernel gives, bad rows included, for
    # every equation. On a CPU without AVX2 both calls run the baseline kernel.
    from amimestrocel_dkd import _native

    assert _native.batch_kernel() == dkd.batch_kernel() and dkd.batch_kernel() in {"avx2", "baseline"}
    rng = np.random.default_rng(11)
    n = 40_000  # at least 2 x 16 384 rows, so that threads=2 does split
    age = rng.integers(10, 100, n).astype(float)
    age[::97] = np.nan
    sex = rng.integers(0, 4, n).astype(np.uint8)
    scr = rng.uniform(-0.5, 25.0, n)
    scr[::89] = np.nan
    scys = rng.uniform(0.1, 12.0, n)
    weight = rng.uniform(20.0, 200.0, n)
    black = rng.integers(0, 2, n).astype(np.uint8)
    for eq in [e.equation for e in dkd.equations()]:
        runs = [
            _native.egfr_columns(
                eq, age, sex, scr, "mg/dL", scys, "mg/L", weight, black, False, threads, kernel
            )
            for kernel in ["auto", "baseline"]
            for threads in [1, 2]
        ]
        for values, codes in runs[1:]:
            assert np.array_equal(values, runs[0][0], equal_nan=True), eq
            assert np.array_equal(codes, runs[0][1]), eq
        assert (runs[0][1] == 0).sum() > n // 10, eq  # enough good rows to compare
    with pytest.raises(ValueError, match="kernel"):
        _native.egfr_columns(
            "ckd_epi_2021_cr", age, sex, scr, "mg/dL", None, "mg/L", None, None, False, 1, "avx9"
        )


def test_catalogues_list_every_equation_analyte_and_row_error() -> None:
    assert {e.equation for e in dkd.equations()} >= {"ckd_epi_2021_cr", "ekfc_2021_cr", "cockcroft_gault"}
    assert all("doi:10." in e.source for e in dkd.equations())
    assert len(dkd.analytes()) == 17
    assert dkd.egfr_error_kinds()[0] == "ok" and dkd.egfr_error_kinds()[4] == "creatinine_not_finite"
    assert dkd.PROTOCOL_DEFAULT_EQUATION == "ckd_epi_2021_cr"
