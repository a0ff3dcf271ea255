"""pandas 3 as an oracle (issue 15), in a venv of its own (`scripts/test-pandas3.sh`): its
default string dtype (`str`, Arrow `large_string` underneath), categories, nullable numbers and
`DataFrame.from_arrow`, each read and written by the library as pandas 2 and pyarrow are, with
the same numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import amimestrocel_dkd as dkd
from amimestrocel_dkd import omop

N = 2_000


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    sex = rng.choice(["male", "female", "M", "F", "unknown"], N)
    return pd.DataFrame({
        "AGE": rng.integers(18, 95, N).astype(float),
        "SEX": sex,  # pandas 3: the default string dtype
        "CREAT": np.round(rng.uniform(0.3, 6.0, N), 2),
    })


def test_pandas_3_keeps_text_as_its_string_dtype_backed_by_large_strings() -> None:
    df = frame()
    assert int(pd.__version__.split(".")[0]) >= 3
    assert str(df.SEX.dtype) == "str"
    assert pa.table(df).schema.field("SEX").type in (pa.large_string(), pa.string_view())


@pytest.mark.parametrize("layout", ["str", "category", "object"])
def test_egfr_of_a_pandas_3_frame_equals_the_numpy_path(layout: str) -> None:
    df = frame()
    if layout == "category":
        df["SEX"] = df.SEX.astype("category")
    elif layout == "object":
        df["SEX"] = df.SEX.astype(object)
    got = dkd.egfr(df, age="AGE", sex="SEX", creatinine="CREAT", creatinine_unit="mg/dL")
    want = dkd.egfr(age=df.AGE.to_numpy(), sex=df.SEX.to_numpy(dtype=object), creatinine=df.CREAT.to_numpy())
    assert isinstance(got, pd.DataFrame)
    values = got.egfr.to_numpy(dtype=float, na_value=np.nan)
    assert np.array_equal(values, want.values, equal_nan=True)
    assert (got.egfr_error.astype(str) != "ok").sum() == int((want.error_codes != 0).sum()) > 0


def test_an_arrow_table_made_from_a_pandas_3_frame_gives_the_same_egfr_and_comes_back_by_from_arrow() -> None:
    df = frame()
    table = pa.table(df)  # large_string text
    got = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CREAT", creatinine_unit="mg/dL")
    back = pd.DataFrame.from_arrow(got)
    want = dkd.egfr(df, age="AGE", sex="SEX", creatinine="CREAT", creatinine_unit="mg/dL")
    assert np.array_equal(back.egfr.to_numpy(dtype=float, na_value=np.nan),
                          want.egfr.to_numpy(dtype=float, na_value=np.nan), equal_nan=True)
    assert list(back.egfr_error.astype(str)) == list(want.egfr_error.astype(str))


def test_omop_prescreen_of_pandas_3_frames_equals_the_pyarrow_tables() -> None:
    tables = omop.synthetic_tables(seed=2, count=300)
    frames = {name: t.to_pandas() for name, t in tables.items()}
    assert str(frames["concept"].vocabulary_id.dtype) == "str"  # pandas 3's string dtype, read as large_utf8
    by_pandas = omop.prescreen(**frames, as_of="2025-10-28").persons
    by_arrow = pd.DataFrame.from_arrow(omop.prescreen(**{n: t.to_pyarrow() for n, t in tables.items()},
                                                      as_of="2025-10-28").persons)
    for column in by_pandas.columns:
        if column == "kidney_biopsy":
            continue
        assert list(by_pandas[column].astype(str)) == list(by_arrow[column].astype(str)), column


def test_a_result_table_reaches_pandas_3_through_from_arrow_and_to_pandas_alike() -> None:
    tables = omop.synthetic_tables(seed=2, count=50)
    person = tables["person"]
    via_capsule = pd.DataFrame.from_arrow(person)
    via_method = person.to_pandas()
    assert list(via_capsule.person_id) == list(via_method.person_id)
    assert len(via_capsule) == 50
