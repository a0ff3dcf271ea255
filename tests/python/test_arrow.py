"""Tables in, tables out (issue 15): egfr over the columns of a pandas DataFrame or of any Arrow
producer, read through the Arrow C interface, giving back the caller's kind of table. Each test
names the rule it checks; the values are checked against the numpy path, itself checked against
the published equation."""

from __future__ import annotations

import sys
from typing import Any, List

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

import amimestrocel_dkd as dkd
from amimestrocel_dkd._arrow import ArrowTable

AGES = [60, 45, 81, 70, 33, 52]
SEXES = ["F", "M", "female", "male", "M", "F"]
CREATININE = [1.0, 1.3, 0.8, 2.1, 0.9, 1.7]


def reference() -> Any:
    """The numpy path on the same rows."""
    return dkd.egfr("ckd_epi_2021_cr", age=AGES, sex=SEXES, creatinine=CREATININE)


class StreamOnly:
    """An Arrow producer that is not pyarrow: only the PyCapsule stream method."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self._table.__arrow_c_stream__(requested_schema)


class ArrayOnly:
    """An Arrow producer of one batch through ``__arrow_c_array__`` only."""

    def __init__(self, batch: pa.RecordBatch) -> None:
        self._batch = batch

    def __arrow_c_array__(self, requested_schema: object = None) -> object:
        return self._batch.__arrow_c_array__(requested_schema)


def sex_layouts() -> List[Any]:
    text = pa.array(SEXES)
    return [
        pytest.param(text, id="utf8"),
        pytest.param(pa.array(SEXES, pa.large_string()), id="large_utf8"),
        pytest.param(pa.array(SEXES, pa.string_view()), id="utf8_view"),
        pytest.param(text.dictionary_encode(), id="dictionary_int32"),
        pytest.param(pa.DictionaryArray.from_arrays(pa.array([0, 1, 0, 1, 1, 0], pa.int8()), ["F", "M"]),
                     id="dictionary_int8"),
        pytest.param(pa.DictionaryArray.from_arrays(pa.array([0, 1, 0, 1, 1, 0], pa.uint8()),
                                                    pa.array(["F", "M"], pa.large_string())),
                     id="dictionary_uint8_large_utf8"),
        pytest.param(pa.DictionaryArray.from_arrays(pa.array([1, 0, 1, 0, 0, 1], pa.uint32()), ["M", "F"]),
                     id="dictionary_uint32"),
        pytest.param(pa.array([2, 1, 2, 1, 1, 2], pa.int64()), id="iso_5218_codes"),
    ]


@pytest.mark.parametrize("sex", sex_layouts())
def test_every_sex_layout_of_an_arrow_table_gives_the_numpy_results(sex: Any) -> None:
    table = pa.table({"AGE": pa.array(AGES, pa.int32()), "SEX": sex, "LBSTRESN": CREATININE})
    out = dkd.egfr(table, age="AGE", sex="SEX", creatinine="LBSTRESN")
    assert isinstance(out, pa.Table) and out.column_names == ["egfr", "egfr_error"]
    np.testing.assert_array_equal(out["egfr"].to_numpy(), reference().values)
    assert out["egfr_error"].to_pylist() == ["ok"] * len(AGES)


def test_chunked_and_sliced_columns_are_read_in_order() -> None:
    whole = pa.table({"AGE": AGES, "SEX": SEXES, "CR": CREATININE})
    chunked = pa.concat_tables([whole.slice(0, 2), whole.slice(2, 3), whole.slice(5)])
    assert chunked["AGE"].num_chunks == 3
    out = dkd.egfr(chunked, age="AGE", sex="SEX", creatinine="CR")
    np.testing.assert_array_equal(out["egfr"].to_numpy(), reference().values)
    sliced = dkd.egfr(whole.slice(2, 3), age="AGE", sex="SEX", creatinine="CR")
    np.testing.assert_array_equal(sliced["egfr"].to_numpy(), reference().values[2:5])


def test_the_callers_kind_of_table_comes_back() -> None:
    frame = pd.DataFrame({"AGE": AGES, "SEX": SEXES, "CR": CREATININE}, index=list("abcdef"))
    by_pandas = dkd.egfr(frame, age="AGE", sex="SEX", creatinine="CR")
    assert isinstance(by_pandas, pd.DataFrame) and list(by_pandas.index) == list("abcdef")
    np.testing.assert_array_equal(by_pandas["egfr"].to_numpy(float), reference().values)
    polars_frame = pl.DataFrame({"AGE": AGES, "SEX": SEXES, "CR": CREATININE})
    by_polars = dkd.egfr(polars_frame, age="AGE", sex="SEX", creatinine="CR")
    assert isinstance(by_polars, pl.DataFrame)
    np.testing.assert_array_equal(by_polars["egfr"].to_numpy(), reference().values)
    lazy = dkd.egfr(polars_frame.lazy(), age="AGE", sex="SEX", creatinine="CR")
    assert isinstance(lazy, pl.LazyFrame)
    np.testing.assert_array_equal(lazy.collect()["egfr"].to_numpy(), reference().values)
    other = dkd.egfr(StreamOnly(pa.table(polars_frame)), age="AGE", sex="SEX", creatinine="CR")
    assert isinstance(other, ArrowTable) and len(other) == len(AGES)
    np.testing.assert_array_equal(other.to_pyarrow()["egfr"].to_numpy(), reference().values)
    np.testing.assert_array_equal(other.to_polars()["egfr"].to_numpy(), reference().values)
    # An ArrowTable is itself Arrow data: another library reads it through the same interface.
    assert pa.table(other).column_names == ["egfr", "egfr_error"]


def test_a_table_given_as_one_arrow_array_is_read() -> None:
    batch = pa.record_batch({"AGE": AGES, "SEX": SEXES, "CR": CREATININE})
    out = dkd.egfr(ArrayOnly(batch), age="AGE", sex="SEX", creatinine="CR")
    np.testing.assert_array_equal(out.to_pandas()["egfr"].to_numpy(float), reference().values)


def test_a_result_needs_no_pyarrow_to_become_a_dataframe(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = StreamOnly(pa.table({"AGE": AGES, "SEX": SEXES, "CR": CREATININE}))
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if pyarrow were not installed
    out = dkd.egfr(stream, age="AGE", sex="SEX", creatinine="CR")
    frame = out.to_pandas()
    np.testing.assert_array_equal(frame["egfr"].to_numpy(float), reference().values)
    assert list(frame["egfr_error"]) == ["ok"] * len(AGES)
    with pytest.raises(ModuleNotFoundError, match=r"amimestrocel-dkd\[arrow\]"):
        out.to_pyarrow()


def test_a_null_is_missing_and_a_nan_not_finite_both_row_errors_and_bad_rows_are_null() -> None:
    table = pa.table({"AGE": pa.array([60, None, 60, 60, 60], pa.int64()),
                      "SEX": pa.array(["F", "F", None, "F", "F"]),
                      "CR": pa.array([1.0, 1.0, 1.0, None, float("nan")], pa.float64())})
    out = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")
    assert out["egfr_error"].to_pylist() == [
        "ok", "age_missing", "sex_missing", "creatinine_missing", "creatinine_not_finite"
    ]
    assert out["egfr"].null_count == 4 and out["egfr"][0].as_py() == pytest.approx(64.495, abs=1e-3)
    # polars keeps NaN apart from null; pandas holds a missing number as NaN, None or pd.NA.
    polars_frame = pl.DataFrame({"AGE": [60, 60], "SEX": ["F", "F"], "CR": [float("nan"), None]})
    assert dkd.egfr(polars_frame, age="AGE", sex="SEX", creatinine="CR")["egfr_error"].to_list() == [
        "creatinine_not_finite", "creatinine_missing"
    ]
    pandas_frame = pd.DataFrame({"AGE": [60, 60, 60], "SEX": ["F", None, "F"], "CR": [np.nan, 1.0, pd.NA]})
    assert list(dkd.egfr(pandas_frame, age="AGE", sex="SEX", creatinine="CR")["egfr_error"]) == [
        "creatinine_missing", "sex_missing", "creatinine_missing"
    ]
    with pytest.raises(dkd.InvalidInputError) as info:
        dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR", strict=True)
    assert (info.value.kind, info.value.row) == ("age_missing", 1)


def test_declared_sex_labels_read_texts_and_codes_core_does_not_know() -> None:
    table = pa.table({"AGE": [60, 60], "SEX": ["H", "D"], "CODE": pa.array([7, 9], pa.int16()), "CR": [1.0, 1.0]})
    labels = {"H": "male", "D": "female", "7": "male", "9": "female"}
    by_text = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR", sex_labels=labels)
    by_code = dkd.egfr(table, age="AGE", sex="CODE", creatinine="CR", sex_labels=labels)
    expected = dkd.egfr("ckd_epi_2021_cr", age=[60, 60], sex=["M", "F"], creatinine=[1.0, 1.0]).values
    np.testing.assert_array_equal(by_text["egfr"].to_numpy(), expected)
    np.testing.assert_array_equal(by_code["egfr"].to_numpy(), expected)
    unknown = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")
    assert unknown["egfr_error"].to_pylist() == ["unknown_sex", "unknown_sex"]
    with pytest.raises(ValueError, match="not female or male"):
        dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR", sex_labels={"H": "man"})


def test_a_missing_column_or_a_wrong_type_is_refused_before_any_work() -> None:
    table = pa.table({"AGE": ["60"], "SEX": [True], "CR": [1.0]})
    with pytest.raises(KeyError, match="LBSTRESN"):
        dkd.egfr(table, age="AGE", sex="SEX", creatinine="LBSTRESN")
    with pytest.raises(TypeError, match="column AGE is Utf8, not numbers"):
        dkd.egfr(table.set_column(1, "SEX", pa.array(["F"])), age="AGE", sex="SEX", creatinine="CR")
    with pytest.raises(TypeError, match="booleans"):
        dkd.egfr(table.set_column(0, "AGE", pa.array([60])), age="AGE", sex="SEX", creatinine="CR")
    with pytest.raises(KeyError, match="'LBSTRESN'"):
        dkd.egfr(pd.DataFrame({"AGE": [60], "SEX": ["F"]}), age="AGE", sex="SEX", creatinine="LBSTRESN")
    with pytest.raises(TypeError, match="names a column"):
        dkd.egfr(table, age=[60], sex="SEX", creatinine="CR")
    with pytest.raises(TypeError, match="equation slug or a table"):
        dkd.egfr(42, age=[60], sex=["F"], creatinine=[1.0])


def test_an_empty_table_is_refused_for_a_wrong_type_as_a_table_with_rows() -> None:
    # An empty partition (Spark's mapInArrow gives them) must fail as the others do, not pass.
    empty = pa.table({"AGE": pa.array([], pa.string()), "SEX": pa.array([], pa.string()),
                      "CR": pa.array([], pa.float64())})
    with pytest.raises(TypeError, match="column AGE is Utf8, not numbers"):
        dkd.egfr(empty, age="AGE", sex="SEX", creatinine="CR")
    no_batches = pa.Table.from_batches([], schema=empty.schema)
    with pytest.raises(TypeError, match="column AGE is Utf8, not numbers"):
        dkd.egfr(no_batches, age="AGE", sex="SEX", creatinine="CR")
    right = empty.set_column(0, "AGE", pa.array([], pa.int64()))
    assert dkd.egfr(right, age="AGE", sex="SEX", creatinine="CR").num_rows == 0


def test_the_arrays_form_is_unchanged() -> None:
    by_position = dkd.egfr("ckd_epi_2021_cr", age=AGES, sex=SEXES, creatinine=CREATININE)
    by_keyword = dkd.egfr(equation="ckd_epi_2021_cr", age=AGES, sex=SEXES, creatinine=CREATININE)
    np.testing.assert_array_equal(by_position.values, by_keyword.values)
    with pytest.raises(TypeError, match="two equations"):
        dkd.egfr("ckd_epi_2021_cr", equation="mdrd_175", age=AGES, sex=SEXES, creatinine=CREATININE)


def test_memory_shared_with_arrow_outlives_the_objects_it_came_from() -> None:
    # The result's values are where numpy keeps them, shared with its Arrow form, read-only;
    # they outlive the table they were computed from.
    import gc

    table = pa.table({"AGE": AGES, "SEX": SEXES, "CR": pa.array(CREATININE, pa.float64())})
    out = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")
    del table
    gc.collect()
    _ = [np.ones(1000) for _ in range(1000)]  # reuse freed memory, if any was freed too early
    np.testing.assert_array_equal(out["egfr"].to_numpy(), reference().values)


def test_rows_across_pieces_and_chunks_give_the_numpy_path_row_by_row() -> None:
    # Each thread reads its rows a piece at a time (65 536 rows), across chunk boundaries; the
    # rows must come back where they were, with their own errors.
    rng = np.random.default_rng(7)
    n = 150_001
    ages = rng.integers(10, 100, n)
    sexes = rng.choice(["F", "M", "X"], n)
    creat = rng.uniform(0.2, 6.0, n)
    creat[rng.random(n) < 0.01] = np.nan
    chunks = [slice(0, 70_000), slice(70_000, 70_001), slice(70_001, n)]
    table = pa.Table.from_batches([
        pa.record_batch({"AGE": ages[c], "SEX": sexes[c], "CR": creat[c]}) for c in chunks
    ])
    for threads in (1, 2, 3):
        out = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR", threads=threads)
        expected = dkd.egfr("ckd_epi_2021_cr", age=ages, sex=sexes, creatinine=creat)
        np.testing.assert_array_equal(out["egfr"].to_numpy(zero_copy_only=False),
                                      np.where(expected.error_codes == 0, expected.values, np.nan))
        assert out["egfr_error"].to_pylist() == expected.error_kinds()


def test_polars_expressions_give_the_numpy_results_eagerly_and_lazily() -> None:
    from amimestrocel_dkd import polars as dkd_pl

    frame = pl.DataFrame({"AGE": AGES, "SEX": SEXES, "CR_UMOL": [c * 88.4 for c in CREATININE]})
    # Expressions as well as names: creatinine converted by the caller, the unit said.
    expr = dkd_pl.egfr("AGE", pl.col("SEX"), pl.col("CR_UMOL"), creatinine_unit="µmol/L")
    eager = frame.with_columns(expr.alias("egfr"))
    lazy = frame.lazy().with_columns(expr.alias("egfr")).collect()
    expected = dkd.egfr("ckd_epi_2021_cr", age=AGES, sex=SEXES, creatinine=[c * 88.4 for c in CREATININE],
                        creatinine_unit="µmol/L").values
    np.testing.assert_array_equal(eager["egfr"].to_numpy(), expected)
    np.testing.assert_array_equal(lazy["egfr"].to_numpy(), expected)
    errors = pl.DataFrame({"AGE": [60, 60], "SEX": ["F", None], "CR": [None, 1.0]}).select(
        dkd_pl.egfr_error("AGE", "SEX", "CR").alias("why"))
    assert errors["why"].to_list() == ["creatinine_missing", "sex_missing"]
    # Unnamed, the expressions are `egfr` and `egfr_error`: they add columns, never overwrite
    # the first input's.
    added = frame.with_columns(dkd_pl.egfr("AGE", "SEX", "CR_UMOL", creatinine_unit="µmol/L"),
                               dkd_pl.egfr_error("AGE", "SEX", "CR_UMOL", creatinine_unit="µmol/L"))
    assert added.columns == ["AGE", "SEX", "CR_UMOL", "egfr", "egfr_error"]
    assert added["AGE"].to_list() == AGES


def test_duckdb_functions_give_the_numpy_results_in_sql() -> None:
    import duckdb

    from amimestrocel_dkd import duckdb as dkd_duckdb

    con = duckdb.connect()
    dkd_duckdb.register(con)
    dkd_duckdb.register(con, prefix="labs_", sex_labels={"H": "male"})
    labs = pa.table({"AGE": AGES, "SEX": SEXES, "CR": CREATININE})
    con.register("labs", labs)
    values = [row[0] for row in con.sql("SELECT dkd_egfr(AGE, SEX, CR) FROM labs").fetchall()]
    np.testing.assert_array_equal(np.array(values), reference().values)
    rows = con.sql("SELECT dkd_egfr(60, 'F', NULL), dkd_egfr_error(60, 'F', NULL), dkd_egfr_error(60, 'H', 1.0), "
                   "labs_egfr_error(60, 'H', 1.0)").fetchall()
    assert rows == [(None, "creatinine_missing", "unknown_sex", "ok")]


def test_editing_the_pandas_form_of_a_result_does_not_change_its_arrow_form() -> None:
    out = dkd.egfr(StreamOnly(pa.table({"AGE": AGES, "SEX": SEXES, "CR": CREATININE})),
                   age="AGE", sex="SEX", creatinine="CR")
    frame = out.to_pandas()
    frame.loc[0, "egfr"] = 0.0
    frame.loc[1, "egfr_error"] = "unknown_sex"
    assert frame["egfr"][0] == 0.0
    np.testing.assert_array_equal(pa.table(out)["egfr"].to_numpy(), reference().values)
    assert pa.table(out)["egfr_error"].to_pylist() == ["ok"] * len(AGES)


def test_a_stream_read_to_its_end_by_an_earlier_call_is_refused_not_read_as_empty() -> None:
    from amimestrocel_dkd import omop, screen_many
    from amimestrocel_dkd.screening import records_to_arrow

    table = pa.table({"AGE": AGES, "SEX": SEXES, "CR": CREATININE})
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    assert len(dkd.egfr(reader, age="AGE", sex="SEX", creatinine="CR")) == len(AGES)
    with pytest.raises(ValueError, match="read to its end by an earlier call"):
        dkd.egfr(reader, age="AGE", sex="SEX", creatinine="CR")
    # A table is read again as often as asked.
    assert len(dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")) == len(AGES)
    assert len(dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")) == len(AGES)
    records = records_to_arrow(list(dkd.synthetic_cohort(1, 4)))
    reader = pa.RecordBatchReader.from_batches(records.schema, records.to_batches())
    assert len(screen_many(reader)) == 4
    with pytest.raises(ValueError, match="read to its end"):
        screen_many(reader)
    person = pa.table({"person_id": [1], "gender_concept_id": [8507], "year_of_birth": [1960]})
    reader = pa.RecordBatchReader.from_batches(person.schema, person.to_batches())
    assert len(omop.prescreen(reader, as_of="2025-06-01").persons) == 1
    with pytest.raises(ValueError, match="read to its end"):
        omop.prescreen(reader, as_of="2025-06-01")
    # A call refused before it took the stream (a bad argument) leaves the reader unread.
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    with pytest.raises(ValueError, match="not female or male"):
        dkd.egfr(reader, age="AGE", sex="SEX", creatinine="CR", sex_labels={"H": "homme"})
    assert len(dkd.egfr(reader, age="AGE", sex="SEX", creatinine="CR")) == len(AGES)


def test_declared_sex_labels_read_integer_codes_stored_as_floats_and_refuse_a_label_not_a_sex() -> None:
    # pandas stores integer codes with a missing value as float64 (or Int64): 1.0 is the code 1.
    for codes in ([1, 2, None], pd.array([1, 2, None], dtype="Int64")):
        frame = pd.DataFrame({"AGE": [60, 60, 60], "SEX": codes, "CR": [1.0, 1.0, 1.0]})
        got = dkd.egfr(frame, age="AGE", sex="SEX", creatinine="CR", sex_labels={"1": "female", "2": "male"})
        arrow = dkd.egfr(pa.Table.from_pandas(frame).cast(pa.schema([("AGE", pa.int64()), ("SEX", pa.int64()),
                                                                          ("CR", pa.float64())])),
                         age="AGE", sex="SEX", creatinine="CR", sex_labels={"1": "female", "2": "male"})
        assert got.egfr[:2].tolist() == arrow.column("egfr").to_pylist()[:2]
        assert got.egfr[0] < got.egfr[1]  # female, then male: at one creatinine a woman's eGFR is lower (κ 0.7)
        assert list(got.egfr_error.astype(str)) == ["ok", "ok", "sex_missing"]
    frame = pd.DataFrame({"AGE": [60], "SEX": ["H"], "CR": [1.0]})
    for table in (frame, pa.Table.from_pandas(frame)):
        with pytest.raises(ValueError, match="not female or male"):
            dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR", sex_labels={"H": "homme"})
    # Booleans are not the codes 1 and 0: refused as sex, with labels or without, as in Arrow.
    flags = pd.DataFrame({"AGE": [60, 60], "SEX": [True, False], "CR": [1.0, 1.0]})
    for table in (flags, pa.Table.from_pandas(flags)):
        with pytest.raises(TypeError, match="boolean|ambiguous"):
            dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR", sex_labels={"1": "male", "0": "female"})


def test_text_that_is_not_utf8_is_refused_naming_its_column_never_a_panic() -> None:
    """pyarrow's unsafe cast makes utf8 of any bytes (here GBK): the Arrow data is checked on
    arrival, so no text is read that is not UTF-8."""
    from amimestrocel_dkd import omop, screen_many
    from amimestrocel_dkd.screening import records_to_arrow

    gbk = pa.array(["张".encode("gbk")], pa.binary()).cast(pa.string(), safe=False)
    table = pa.table({"AGE": [60], "SEX": gbk, "CR": [1.0]})
    with pytest.raises(ValueError, match="column SEX: .*utf-?8"):
        dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")
    records = records_to_arrow(list(dkd.synthetic_cohort(1, 1)))
    with pytest.raises(ValueError, match="column id: .*utf-?8"):
        screen_many(records.set_column(records.schema.get_field_index("id"), "id", gbk))
    person = pa.table({"person_id": [1], "gender_concept_id": [8507], "year_of_birth": [1960]})
    concept = pa.table({"concept_id": [8723], "concept_name": gbk, "vocabulary_id": ["UCUM"],
                        "concept_code": ["mg/g"]})
    with pytest.raises(ValueError, match="column concept_name: .*utf-?8"):
        omop.prescreen(person, concept=concept, as_of="2025-06-01")


def test_a_polars_column_of_dtype_null_is_named_before_the_read() -> None:
    """polars exports a Null column in a form the Arrow C interface refuses (pola-rs/polars#22934):
    the columns are named, with the cast that reads them, eager or lazy."""
    frame = pl.DataFrame({"AGE": [None, None], "SEX": ["F", "M"], "CR": [1.0, 1.0]})
    for data in (frame, frame.lazy()):
        with pytest.raises(TypeError, match="polars column.s. AGE are of dtype Null"):
            dkd.egfr(data, age="AGE", sex="SEX", creatinine="CR")
    cast = frame.with_columns(pl.col("AGE").cast(pl.Float64))
    assert dkd.egfr(cast, age="AGE", sex="SEX", creatinine="CR")["egfr_error"].to_list() == ["age_missing"] * 2
    records = list(dkd.synthetic_cohort(9, 20))
    with pytest.raises(TypeError, match=r"medications\[\]\.end"):
        dkd.screen_many(pl.DataFrame(records))
    from amimestrocel_dkd.screening import records_to_arrow

    assert len(dkd.screen_many(pl.DataFrame(records_to_arrow(records)))) == 20
