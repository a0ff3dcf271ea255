"""A unit per row (issue 15): ``egfr(table, creatinine="LBSTRESN", creatinine_unit="LBSTRESU")``
reads each row's value in its own unit, from pandas, pyarrow (plain and dictionary text) and
polars; a row's bad unit is that row's error. Values are checked against the same rows given
in one unit, which the shared vectors check against the published equation."""

from __future__ import annotations

from typing import Any, List

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

import amimestrocel_dkd as dkd

AGES = [60, 45, 70, 52, 66]
SEXES = ["F", "M", "F", "M", "F"]
VALUES = [1.1, 97.0, 0.09, 1.3, 150.0]
UNITS = ["mg/dL", "umol/L", "mmol/L", "mg/dL", "µmol/L"]


def one_unit_each() -> List[float]:
    """Each row alone, with its unit given once for the call."""
    return [float(dkd.egfr(age=[a], sex=[s], creatinine=[v], creatinine_unit=u).values[0])
            for a, s, v, u in zip(AGES, SEXES, VALUES, UNITS)]


def frame() -> Any:
    return pd.DataFrame({"AGE": AGES, "SEX": SEXES, "LBSTRESN": VALUES, "LBSTRESU": UNITS})


def egfr_of(table: Any) -> Any:
    return dkd.egfr(table, age="AGE", sex="SEX", creatinine="LBSTRESN", creatinine_unit="LBSTRESU")


def test_each_row_of_a_pandas_frame_is_read_in_its_own_unit() -> None:
    out = egfr_of(frame())
    assert list(out.egfr_error) == ["ok"] * 5
    assert out.egfr.to_numpy(dtype=float).tolist() == one_unit_each()


def test_a_pandas_categorical_unit_column_reads_as_its_texts() -> None:
    df = frame().assign(LBSTRESU=lambda d: d["LBSTRESU"].astype("category"))
    assert egfr_of(df).egfr.to_numpy(dtype=float).tolist() == one_unit_each()


@pytest.mark.parametrize("layout", ["utf8", "large_utf8", "dictionary"])
def test_each_row_of_an_arrow_table_is_read_in_its_own_unit(layout: str) -> None:
    units: Any = {
        "utf8": pa.array(UNITS, pa.utf8()),
        "large_utf8": pa.array(UNITS, pa.large_utf8()),
        "dictionary": pa.array(UNITS).dictionary_encode(),
    }[layout]
    table = pa.table({"AGE": AGES, "SEX": SEXES, "LBSTRESN": VALUES, "LBSTRESU": units})
    out = egfr_of(table)
    assert isinstance(out, pa.Table)
    assert out.column("egfr").to_pylist() == one_unit_each()


def test_each_row_of_a_polars_frame_is_read_in_its_own_unit() -> None:
    df = pl.DataFrame({"AGE": AGES, "SEX": SEXES, "LBSTRESN": VALUES,
                       "LBSTRESU": pl.Series(UNITS, dtype=pl.Categorical)})
    out = egfr_of(df)
    assert isinstance(out, pl.DataFrame)
    assert out["egfr"].to_list() == one_unit_each()


def test_a_rows_bad_unit_is_its_own_error_and_a_missing_value_comes_first() -> None:
    units = ["mg/furlong", "mmHg", None, "mg/dL", None]
    values = [1.0, 1.0, 1.0, None, None]
    expected = ["creatinine_unit_unknown", "creatinine_unit_not_for_analyte", "creatinine_unit_missing",
                "creatinine_missing", "creatinine_missing"]
    df = pd.DataFrame({"AGE": AGES, "SEX": SEXES, "LBSTRESN": values, "LBSTRESU": units})
    out = egfr_of(df)
    assert list(out.egfr_error) == expected
    assert out.egfr.isna().all()
    table = pa.table({"AGE": AGES, "SEX": SEXES, "LBSTRESN": pa.array(values, pa.float64()),
                      "LBSTRESU": pa.array(units).dictionary_encode()})
    assert egfr_of(table).column("egfr_error").to_pylist() == expected


def test_cystatin_c_rows_have_their_own_unit_too() -> None:
    df = pd.DataFrame({"AGE": [60, 60], "SEX": ["F", "F"], "CYS": [1.0, 1.0], "CYSU": ["mg/L", "mg/dL"]})
    out = dkd.egfr(df, equation="ckd_epi_2012_cys", age="AGE", sex="SEX", cystatin_c="CYS",
                   cystatin_c_unit="CYSU")
    one = dkd.egfr("ckd_epi_2012_cys", age=[60], sex=["F"], cystatin_c=[1.0], cystatin_c_unit="mg/L")
    assert float(out.egfr[0]) == float(one.values[0])
    assert list(out.egfr_error) == ["ok", "cystatin_c_unit_not_for_analyte"]


def test_strict_raises_at_the_first_row_with_a_bad_unit() -> None:
    df = frame().assign(LBSTRESN=[1.0] * 5, LBSTRESU=["mg/dL", "mg/dL", "furlongs", "mg/dL", "mg/dL"])
    with pytest.raises(dkd.InvalidInputError) as caught:
        dkd.egfr(df, age="AGE", sex="SEX", creatinine="LBSTRESN", creatinine_unit="LBSTRESU", strict=True)
    assert caught.value.row == 2
    assert caught.value.kind == "creatinine_unit_unknown"


def test_a_unit_text_is_the_unit_of_every_row_and_anything_else_must_be_a_column() -> None:
    df = frame().assign(LBSTRESN=[1.0] * 5)
    every_row = dkd.egfr(df, age="AGE", sex="SEX", creatinine="LBSTRESN", creatinine_unit="mg/dL")
    assert list(every_row.egfr_error) == ["ok"] * 5
    with pytest.raises(KeyError, match="UNITS"):
        dkd.egfr(df, age="AGE", sex="SEX", creatinine="LBSTRESN", creatinine_unit="UNITS")
    with pytest.raises(KeyError, match="UNITS"):
        dkd.egfr(pa.Table.from_pandas(df), age="AGE", sex="SEX", creatinine="LBSTRESN", creatinine_unit="UNITS")


def test_a_unit_column_that_is_not_text_is_a_type_error_naming_it() -> None:
    df = frame().assign(LBSTRESU=[1, 2, 1, 2, 1])
    with pytest.raises(TypeError, match="LBSTRESU"):
        egfr_of(df)
    with pytest.raises(TypeError, match="LBSTRESU"):
        egfr_of(pa.Table.from_pandas(df))


def test_arrays_take_one_unit_and_say_how_to_give_one_per_row() -> None:
    with pytest.raises(TypeError, match="column of units"):
        dkd.egfr(age=[60], sex=["F"], creatinine=[1.0], creatinine_unit=np.array(["mg/dL"]))  # type: ignore[call-overload]


def test_the_polars_expressions_and_duckdb_functions_take_a_unit_per_row() -> None:
    import duckdb

    from amimestrocel_dkd import duckdb as dkd_duckdb
    from amimestrocel_dkd import polars as dkd_pl

    df = pl.DataFrame({"AGE": AGES, "SEX": SEXES, "LBSTRESN": VALUES, "LBSTRESU": UNITS})
    out = df.with_columns(dkd_pl.egfr("AGE", "SEX", "LBSTRESN", creatinine_unit="LBSTRESU").alias("egfr"),
                          dkd_pl.egfr_error("AGE", "SEX", "LBSTRESN", creatinine_unit=pl.col("LBSTRESU")).alias("why"))
    assert out["egfr"].to_list() == one_unit_each()
    assert out["why"].to_list() == ["ok"] * 5
    con = duckdb.connect()
    dkd_duckdb.register(con)
    con.register("labs", frame())
    rows = con.sql("SELECT dkd_egfr_with_unit(AGE, SEX, LBSTRESN, LBSTRESU) AS e, "
                   "dkd_egfr_error_with_unit(AGE, SEX, LBSTRESN, 'mmHg') AS why FROM labs").fetchall()
    assert [r[0] for r in rows] == one_unit_each()
    assert {r[1] for r in rows} == {"creatinine_unit_not_for_analyte"}


def test_the_shared_vectors_of_a_unit_per_row() -> None:
    import json
    from pathlib import Path

    vectors = json.loads((Path(__file__).resolve().parents[1] / "vectors" / "egfr_units_per_row.json").read_text())
    cases = vectors["cases"]
    df = pd.DataFrame({"AGE": [c["age"] for c in cases], "SEX": [c["sex"] for c in cases],
                       "CR": [c["creatinine"] for c in cases], "U": [c["unit"] for c in cases]})
    for table in (df, pa.Table.from_pandas(df, preserve_index=False)):
        out = dkd.egfr(table, equation=vectors["equation"], age="AGE", sex="SEX", creatinine="CR", creatinine_unit="U")
        frame = out if isinstance(out, pd.DataFrame) else out.to_pandas()
        for c, value, why in zip(cases, frame["egfr"], frame["egfr_error"]):
            if "error" in c:
                assert str(why) == c["error"], c["name"]
            else:
                assert str(why) == "ok" and abs(float(value) - c["expected"]) <= c["tolerance"], c["name"]


def test_a_misspelt_unit_for_a_lab_not_read_is_refused_on_every_table_kind() -> None:
    # "mg/LL" is no unit, so it reads as a column name; no cystatin_c= column uses it: refused,
    # not ignored (the pandas and the Arrow path alike).
    df = pd.DataFrame({"AGE": [60], "SEX": ["F"], "LBSTRESN": [1.0]})
    for table in (df, pa.Table.from_pandas(df)):
        with pytest.raises(TypeError, match=r"cystatin_c_unit='mg/LL' is not a unit core reads"):
            dkd.egfr(table, age="AGE", sex="SEX", creatinine="LBSTRESN", cystatin_c_unit="mg/LL")
