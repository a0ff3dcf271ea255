"""Screening records as Arrow (issue 15): a table in the published schema (`arrow_schema()`)
screens to exactly what the same records give as dicts (through core's JSON reader), read batch
by batch in the native module; the result comes back as the caller's kind of table. Each test
names the rule it checks."""

from __future__ import annotations

import datetime

from typing import Any, Dict, List

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from amimestrocel_dkd import InvalidInputError
from amimestrocel_dkd.screening import _arrow_ready
from amimestrocel_dkd.screening import arrow_schema, records_to_arrow, screen_many, synthetic_cohort

def arrow_ready(record: Any) -> Any:
    """A JSON record as pyarrow builds it (dates as ``datetime.date``)."""
    return _arrow_ready(record, pa.struct(list(schema())))


def schema() -> Any:
    return pa.schema(arrow_schema())


def table_of(records: List[Dict[str, Any]]) -> Any:
    return records_to_arrow(records)


def same_screening(got: Any, expected: Any) -> None:
    """The same ids, statuses, errors and outcomes, row by row (pandas result vs any kind)."""
    if isinstance(got, pl.DataFrame):
        got = got.to_pandas()
    elif isinstance(got, pa.Table):
        got = got.to_pandas()
    assert list(got.columns) == list(expected.columns)
    for column in expected.columns:
        assert [None if pd.isna(v) else str(v) for v in got[column]] == \
               [None if pd.isna(v) else str(v) for v in expected[column]], column


RECORDS = list(synthetic_cohort(seed=15, count=1_500))


def test_the_published_schema_mirrors_the_json_record() -> None:
    names = arrow_schema().names()
    assert names[:4] == ["id", "sex", "date_of_birth", "screening_date"]
    s = schema()
    assert s.field("date_of_birth").type == pa.date32()
    uacr = s.field("labs").type.field("uacr").type
    assert pa.types.is_list(uacr) and [f.name for f in uacr.value_type] == ["date", "value", "unit"]
    # Every field a JSON record of the synthetic cohort uses is in the schema.
    used = {k for r in RECORDS for k in r}
    assert used <= set(names)


def test_a_table_of_records_screens_as_the_same_records_as_dicts() -> None:
    expected = screen_many(RECORDS)
    got = screen_many(table_of(RECORDS))
    assert isinstance(got, pa.Table)
    same_screening(got, expected)
    assert pa.types.is_dictionary(got.schema.field("status").type)
    assert set(expected.status) >= {"eligible", "ineligible", "pending"} or len(set(expected.status)) > 1


def test_polars_and_streams_of_small_batches_give_the_same_screening() -> None:
    table = table_of(RECORDS[:400])
    expected = screen_many(RECORDS[:400])
    frame = pl.DataFrame(table)
    same_screening(screen_many(frame), expected)
    same_screening(screen_many(frame.lazy()).collect(), expected)
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=37))
    same_screening(screen_many(reader), expected)


def test_a_null_where_the_record_needs_a_value_refuses_that_row_only_with_its_path() -> None:
    rows = [arrow_ready(r) for r in RECORDS[:4]]
    rows[1]["id"] = None
    rows[2]["labs"] = {**rows[2]["labs"], "uacr": [{"date": None, "value": 30.0, "unit": "mg/g"}]}
    rows[3]["sex"] = "unknown"
    got = screen_many(pa.Table.from_pylist(rows, schema=schema())).to_pandas()
    assert list(got.status.astype(str)) == [screen_many(RECORDS[:1]).status[0], "refused", "refused", "refused"]
    assert list(got.error[1:]) == ["malformed at id", "malformed at labs.uacr[0].date", "malformed at sex"]
    assert got.id[2] == RECORDS[2]["id"]
    with pytest.raises(InvalidInputError) as caught:
        screen_many(pa.Table.from_pylist(rows, schema=schema()), errors="raise")
    assert caught.value.details["row"] == 1


def test_a_bad_date_refuses_its_row_only_in_every_text_layout_dictionaries_included() -> None:
    # A pandas categorical or a parquet dictionary of date texts is read as plain text is: a
    # text that is not a date refuses the rows that use it, not the whole table.
    table = table_of(RECORDS[:3])
    i = table.schema.get_field_index("screening_date")
    texts = [str(d) for d in table.column(i).to_pylist()]
    texts[1] = "2025-02-30"
    expected = None
    for column in (pa.array(texts), pa.array(texts).dictionary_encode(), pa.array(texts, pa.string_view()),
                   pa.array(texts, pa.large_string()).dictionary_encode()):
        got = screen_many(table.set_column(i, "screening_date", column)).to_pandas()
        statuses = list(got.status.astype(str))
        assert statuses[1] == "refused" and "refused" not in (statuses[0], statuses[2]), column.type
        assert got.error[1] == "malformed at screening_date", column.type
        expected = expected or statuses
        assert statuses == expected


def test_a_table_that_is_not_one_of_records_is_refused_naming_the_column() -> None:
    table = table_of(RECORDS[:3])
    with pytest.raises(KeyError, match="uacr_lab"):
        screen_many(table.append_column("uacr_lab", pa.array([1, 2, 3])))
    with pytest.raises(KeyError, match="screening_date"):
        screen_many(table.drop_columns(["screening_date"]))
    with pytest.raises(TypeError, match="informed_consent"):
        screen_many(table.set_column(table.schema.get_field_index("informed_consent"), "informed_consent",
                                     pa.array([1, 0, 1])))


def test_a_column_the_table_lacks_is_absent_from_every_record() -> None:
    # Without the labs at all, the lab criteria are unknown, not refused.
    records = [{k: v for k, v in r.items() if k != "labs"} for r in RECORDS[:50]]
    expected = screen_many(records)
    got = screen_many(pa.Table.from_pylist([arrow_ready(r) for r in records]).cast(
        pa.schema([schema().field(n) for n in pa.Table.from_pylist([arrow_ready(r) for r in records]).column_names])))
    same_screening(got, expected)
    assert (expected.inc_uacr == "unknown").all()
    assert np.all(got.column("status").to_numpy(zero_copy_only=False) != "refused")


def test_evidence_json_gives_each_candidates_full_result_as_screen_does() -> None:
    import json

    from amimestrocel_dkd import screen

    records = RECORDS[:20]
    for got in (screen_many(records, evidence="json"),
                screen_many(table_of(records), evidence="json").to_pandas()):
        assert list(got.columns)[-1] == "result"
        for record, text in zip(records, got.result):
            assert json.loads(text) == screen(record).to_dict()
    assert "result" not in screen_many(records).columns
    with pytest.raises(ValueError, match="evidence"):
        screen_many(records, evidence="xml")


def test_a_null_entry_or_a_text_that_is_no_date_refuses_that_row_only() -> None:
    rows = [arrow_ready(r) for r in RECORDS[:3]]
    rows[0]["labs"] = {**rows[0]["labs"], "hbsag": [None]}
    table = pa.Table.from_pylist(rows, schema=schema())
    got = screen_many(table).to_pandas()
    assert got.error[0] == "malformed at labs.hbsag[0]"
    # Dates as text: one that is no date refuses its row, with the path of the entry.
    texts = table.set_column(table.schema.get_field_index("date_of_birth"), "date_of_birth",
                             pa.array(["1960-01-02", "1960-02-30", "1961-03-04"]))
    got = screen_many(texts).to_pandas()
    assert list(got.error[1:2]) == ["malformed at date_of_birth"]
    assert got.status.astype(str)[2] != "refused"


def test_instants_are_read_in_the_zone_given_and_a_column_twice_is_refused() -> None:
    table = table_of(RECORDS[:5])
    at_noon = pa.array([datetime.datetime.combine(d, datetime.time(12), tzinfo=datetime.timezone.utc)
                        for d in table.column("screening_date").to_pylist()], pa.timestamp("s", tz="UTC"))
    instants = table.set_column(table.schema.get_field_index("screening_date"), "screening_date", at_noon)
    with pytest.raises(TypeError, match="tz="):
        screen_many(instants)
    same_screening(screen_many(instants, tz="Asia/Shanghai"), screen_many(RECORDS[:5]))
    with pytest.raises(ValueError, match="twice"):
        screen_many(table.append_column("id", pa.array(["x"] * 5)))


def test_a_bad_flag_far_down_a_table_names_its_row_in_the_whole_table() -> None:
    import amimestrocel_dkd as dkd

    n = 150_000
    black = np.zeros(n, dtype=np.int64)
    black[100_000] = 7
    table = pa.table({"AGE": np.full(n, 60), "SEX": ["F"] * n, "CR": np.full(n, 1.0), "B": black})
    with pytest.raises(TypeError, match=r"B\[100000\]"):
        dkd.egfr(table, equation="ckd_epi_2009_cr", age="AGE", sex="SEX", creatinine="CR", black="B")


def as_arrow_reads(criteria: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Core's JSON criteria as an Arrow struct reads back: every field present, None where the
    JSON leaves one out (an evidence without a date or a quantity)."""
    return [{**c, "evidence": [{"field": e["field"], "date": e.get("date"), "entered": e.get("entered"),
                                "converted": e.get("converted")} for e in c["evidence"]]}
            for c in criteria]


def test_evidence_nested_gives_each_candidates_criteria_as_nested_data() -> None:
    from amimestrocel_dkd import screen

    records = RECORDS[:40]
    expected = [screen(r).to_dict()["criteria"] for r in records]
    # Dates and quantities absent from some evidence, so that nulls in the column are exercised.
    pieces = [e for criteria in expected for c in criteria for e in c["evidence"]]
    assert any("date" not in e for e in pieces) and any("entered" not in e for e in pieces)
    assert any("converted" in e for e in pieces)
    as_pandas = screen_many(records, evidence="nested")
    assert list(as_pandas.criteria) == expected
    as_arrow = screen_many(table_of(records), evidence="nested")
    assert isinstance(as_arrow, pa.Table)
    quantity = pa.struct([("value", pa.float64()), ("unit", pa.string())])
    evidence = pa.struct([("field", pa.string()), ("date", pa.string()), ("entered", quantity),
                          ("converted", quantity)])
    assert as_arrow.schema.field("criteria").type == pa.list_(pa.struct(
        [("id", pa.string()), ("kind", pa.string()), ("outcome", pa.string()), ("evidence", pa.list_(evidence)),
         ("reason", pa.string())]))
    assert as_arrow.column("criteria").to_pylist() == [as_arrow_reads(c) for c in expected]
    as_polars = screen_many(pl.DataFrame(table_of(records)), evidence="nested")
    assert as_polars["criteria"].to_list() == [as_arrow_reads(c) for c in expected]
    lazy = screen_many(pl.DataFrame(table_of(records)).lazy(), evidence="nested").collect()
    assert lazy["criteria"].to_list() == as_polars["criteria"].to_list()
    # A pandas frame of records gives plain data, as the dict path does.
    as_frame = screen_many(table_of(records).to_pandas(), evidence="nested")
    assert list(as_frame.criteria) == expected


def test_evidence_nested_is_null_for_a_refused_row_and_keeps_the_rows_in_place() -> None:
    rows = [arrow_ready(r) for r in RECORDS[:3]]
    rows[1]["sex"] = "unknown"
    got = screen_many(pa.Table.from_pylist(rows, schema=schema()), evidence="nested")
    nested = got.column("criteria").to_pylist()
    assert nested[1] is None
    assert [c["id"] for c in nested[0]] == list(got.column_names[3:3 + len(nested[0])])
    assert [c["outcome"] for c in nested[2]] == [got.column(c["id"])[2].as_py() for c in nested[2]]
    # An arro3-like caller (only the capsule interface) gets the result table; its pandas form
    # holds the same plain data.
    class Capsules:
        def __init__(self, table: Any) -> None:
            self.table = table

        def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
            return self.table.__arrow_c_stream__(requested_schema)

    result = screen_many(Capsules(pa.Table.from_pylist(rows, schema=schema())), evidence="nested")
    assert list(result.to_pandas().criteria) == nested


def test_records_to_arrow_refuses_a_field_the_record_does_not_have_naming_its_path() -> None:
    record = dict(RECORDS[0])
    with pytest.raises(KeyError, match="type2_diabettes is not a field"):
        records_to_arrow([{**record, "type2_diabettes": True}])
    with pytest.raises(KeyError, match=r"labs\.uacrr is not a field"):
        records_to_arrow([{**record, "labs": {**record.get("labs", {}), "uacrr": []}}])
    with pytest.raises(ValueError, match="date_of_birth: is not a date") as caught:
        records_to_arrow([{**record, "date_of_birth": "19690513"}])
    assert "19690513" not in str(caught.value)  # no date of a person in a message
    with pytest.raises(KeyError, match=r"blood_pressures\[0\]\.sistolic is not a field"):
        records_to_arrow([{**record, "blood_pressures": [{"date": "2025-01-01", "sistolic": 140, "diastolic": 80,
                                                          "unit": "mmHg"}]}])


def test_a_column_of_nulls_only_reads_as_values_not_given() -> None:
    # pandas and pyarrow type a column that holds only None as Arrow `null`.
    rows = [arrow_ready(r) for r in RECORDS[:6]]
    frame = pa.Table.from_pylist(rows, schema=schema()).to_pandas()
    from_frame = pa.Table.from_pandas(frame)
    assert any(pa.types.is_null(f.type) for f in _leaf_types(from_frame.schema))
    same_screening(screen_many(frame), screen_many(RECORDS[:6]))
    untyped = pa.table({"id": ["a", "b"], "sex": ["female", "male"], "date_of_birth": [None, None],
                        "screening_date": ["2025-01-01", "2025-01-01"], "type2_diabetes": [None, None]})
    got = screen_many(untyped)
    assert list(got.column("status").to_pylist()) == ["refused", "refused"]
    assert list(got.column("error").to_pylist()) == ["malformed at date_of_birth"] * 2
    # A list of `null`: an empty list stays empty (history taken, nothing found), a null list
    # is absent, and an entry in it is a null entry, which refuses its row.
    base = {"sex": "female", "date_of_birth": datetime.date(1960, 1, 1), "screening_date": datetime.date(2025, 1, 1)}
    lists = pa.table({"id": ["empty", "null entry", "absent"], **{k: [v] * 3 for k, v in base.items()},
                      "conditions": pa.array([[], [None], None], type=pa.list_(pa.null()))})
    got = screen_many(lists).to_pandas()
    assert list(got.error) == [None, "malformed at conditions[0]", None]
    assert got.exc_stroke[0] != got.exc_stroke[2]  # taken and empty vs not taken
    as_dicts = screen_many([{"id": "empty", "sex": "female", "date_of_birth": "1960-01-01",
                             "screening_date": "2025-01-01", "conditions": []}])
    assert got.exc_stroke[0] == as_dicts.exc_stroke[0]


def _leaf_types(schema: Any) -> List[Any]:
    """Every field at any depth of an Arrow schema."""
    out: List[Any] = []

    def walk(field: Any) -> None:
        out.append(field)
        t = field.type
        if pa.types.is_struct(t):
            for i in range(t.num_fields):
                walk(t.field(i))
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            walk(t.value_field)

    for f in schema:
        walk(f)
    return out


def test_an_empty_stream_is_still_checked_to_be_one_of_records() -> None:
    table = table_of(RECORDS[:3])
    empty = pa.RecordBatchReader.from_batches(table.schema, [])
    assert len(screen_many(empty)) == 0
    wrong = table.drop_columns(["screening_date"])
    with pytest.raises(KeyError, match="screening_date"):
        screen_many(pa.RecordBatchReader.from_batches(wrong.schema, []))


def test_a_timestamp_beyond_the_library_refuses_its_row_alone_or_is_named_by_row() -> None:
    table = table_of(RECORDS[:3])
    days = table.column("date_of_birth").cast(pa.int32()).to_numpy().astype(np.int64) * 86_400
    days[1] = 2**62  # seconds: about 1.5e11 years, beyond an int32 count of days
    far = table.set_column(table.schema.get_field_index("date_of_birth"), "date_of_birth",
                           pa.array(days, pa.timestamp("s")))
    got = screen_many(far).to_pandas()
    assert got.error[1] == "malformed at date_of_birth"
    assert got.status.astype(str)[0] != "refused" and got.status.astype(str)[2] != "refused"
    # Through the column reader of the other tables, such a day is an error naming its row.
    from amimestrocel_dkd import omop

    person = pa.table({"person_id": [1, 2], "gender_concept_id": [8507, 8507], "year_of_birth": [1960, 1960],
                       "birth_datetime": pa.array([0, 2**62], pa.timestamp("s"))})
    with pytest.raises(InvalidInputError, match="birth_datetime\\[1\\]"):
        omop.prescreen(person, as_of="2025-06-01")
