"""Table inputs a review found mishandled (issue 15's bad-input rules): each test names the rule
it checks. A struct array with null rows, a column given twice, dates as a dictionary, a polars
column the call does not read, a pandas index, a named column that is absent, a row's unknown
sex, DuckDB's arguments, a participant's subject columns in Spark, digits of other scripts."""

from __future__ import annotations

import datetime

import pandas as pd  # type: ignore[import-untyped]
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pytest

import amimestrocel_dkd as dkd
from amimestrocel_dkd import endpoints, schedule
from amimestrocel_dkd import spark as dkd_spark
from amimestrocel_dkd.screening import records_to_arrow, screen_many, synthetic_cohort

SUBJECTS = pd.DataFrame({"USUBJID": ["P-1"], "SEX": ["F"], "BRTHDT": ["1960-05-01"], "TRTSDT": ["2025-03-03"],
                         "LSTCNTDT": ["2026-03-01"]})
LABS = pd.DataFrame({"USUBJID": ["P-1", "P-1"], "ADT": ["2025-02-20", "2025-09-15"],
                     "LBTESTCD": ["urine_protein_24h"] * 2, "LBSTRESN": [2.0, 1.5], "LBSTRESU": ["g/24h"] * 2})


def test_a_struct_array_with_null_rows_is_refused_not_a_panic() -> None:
    rows = pa.array([{"AGE": 60, "SEX": "F", "CR": 1.0}, None])
    with pytest.raises(ValueError, match="1 null rows"):
        dkd.egfr(rows, age="AGE", sex="SEX", creatinine="CR")
    whole = pa.array([{"AGE": 60, "SEX": "F", "CR": 1.0}])
    assert len(dkd.egfr(whole, age="AGE", sex="SEX", creatinine="CR")) == 1


def test_a_column_given_twice_is_refused_not_read_first_come() -> None:
    labs = pa.Table.from_pandas(LABS, preserve_index=False)
    twice = pa.Table.from_arrays([*labs.columns, pa.array([999.0, 999.0])], names=[*labs.column_names, "LBSTRESN"])
    with pytest.raises(ValueError, match='"LBSTRESN" is in the table twice'):
        endpoints.lab_endpoints(twice, pa.Table.from_pandas(SUBJECTS, preserve_index=False))
    table = pa.table({"AGE": [60], "SEX": ["F"], "CR": [1.0]})
    table = pa.Table.from_arrays([*table.columns, pa.array([2.0])], names=["AGE", "SEX", "CR", "CR"])
    with pytest.raises(ValueError, match="twice"):
        dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")


def test_dates_as_a_dictionary_read_as_the_same_dates() -> None:
    subjects = pa.Table.from_pandas(SUBJECTS, preserve_index=False)
    plain = endpoints.lab_endpoints(pa.Table.from_pandas(LABS, preserve_index=False), subjects).bds
    categorical = pa.Table.from_pandas(LABS.astype({"ADT": "category"}), preserve_index=False)
    assert pa.types.is_dictionary(categorical.schema.field("ADT").type)
    got = endpoints.lab_endpoints(categorical, subjects).bds
    assert got.column("ADT").to_pylist() == plain.column("ADT").to_pylist()
    assert got.column("CHG").to_pylist() == plain.column("CHG").to_pylist()
    # A dictionary value that is not a date is the error of the first row using it.
    bad = pa.Table.from_pandas(LABS.assign(ADT=["2025-02-20", "2025-02-30"]).astype({"ADT": "category"}),
                               preserve_index=False)
    with pytest.raises(dkd.InvalidInputError, match=r"ADT\[1\]"):
        endpoints.lab_endpoints(bad, subjects)


def test_a_polars_column_the_call_does_not_read_does_not_stop_it() -> None:
    frame = pl.DataFrame({"AGE": [60], "SEX": ["F"], "CR": [1.0], "NOTE": [None]})
    got = dkd.egfr(frame, age="AGE", sex="SEX", creatinine="CR")
    assert got["egfr"].to_list()[0] == pytest.approx(64.495, abs=1e-3)
    lazy = dkd.egfr(frame.lazy(), age="AGE", sex="SEX", creatinine="CR").collect()
    assert lazy["egfr"].to_list() == got["egfr"].to_list()
    with_note = pl.from_pandas(LABS).with_columns(pl.lit(None).alias("NOTE"))
    assert len(endpoints.lab_endpoints(with_note, pl.from_pandas(SUBJECTS)).bds) == 2


def test_a_pandas_index_is_not_a_field_of_the_screening_records() -> None:
    records = list(synthetic_cohort(7, 6))
    frame = records_to_arrow(records).to_pandas()
    expected = screen_many(records)
    for indexed in (frame.iloc[[3, 0, 5]], frame.set_index(pd.Index(range(10, 16), name="row"))):
        got = screen_many(indexed)
        ids = list(indexed["id"])
        assert list(got["id"]) == ids
        assert list(got["status"].astype(str)) == [expected.set_index("id").loc[i, "status"] for i in ids]


def test_a_named_column_that_is_absent_is_a_key_error_not_dropped_dates() -> None:
    people = pd.DataFrame({"id": ["S-1"], "first_infusion": ["2025-03-03"]})
    obs = pd.DataFrame({"participant": ["S-1"], "date": ["2025-03-03"], "activity": ["infusion"]})
    with pytest.raises(KeyError, match="SCRDTX"):
        schedule.participants_from_tables(people, obs, screening_date="SCRDTX")
    with pytest.raises(KeyError, match="FI"):
        schedule.participants_from_tables(people, obs, first_infusion="FI")
    assert schedule.participants_from_tables(people, obs)[0]["first_infusion"] == "2025-03-03"


def test_an_unknown_sex_names_its_column_and_row() -> None:
    two = pd.concat([SUBJECTS, SUBJECTS.assign(USUBJID="P-2", SEX="X")], ignore_index=True)
    for subjects in (two, pa.Table.from_pandas(two, preserve_index=False)):
        with pytest.raises(dkd.InvalidInputError) as e:
            endpoints.lab_endpoints(LABS, subjects)
        assert (e.value.kind, e.value.path, e.value.row) == ("unknown_sex", "SEX[1]", 1)


def test_duckdb_register_checks_its_arguments_when_called() -> None:
    duckdb = pytest.importorskip("duckdb")
    from amimestrocel_dkd import duckdb as dkd_duckdb

    with pytest.raises(dkd.InvalidInputError, match="unknown unit"):
        dkd_duckdb.register(duckdb.connect(), creatinine_unit="bogus")
    with pytest.raises(ValueError, match="equation 'nope'"):
        dkd_duckdb.register(duckdb.connect(), equation="nope")
    with pytest.raises(ValueError, match="sex_labels"):
        dkd_duckdb.register(duckdb.connect(), sex_labels={"H": "x"})


def test_a_participants_subject_columns_must_agree_on_every_row_in_spark() -> None:
    rows = LABS.merge(SUBJECTS, on="USUBJID")
    run = dkd_spark.lab_endpoints_of_person()
    assert run(pa.Table.from_pandas(rows, preserve_index=False)).num_rows == 2
    rows.loc[1, "BRTHDT"] = "1961-01-01"
    with pytest.raises(dkd.InvalidInputError, match="BRTHDT: differs"):
        run(pa.Table.from_pandas(rows, preserve_index=False))


def test_digits_of_other_scripts_are_no_date() -> None:
    from amimestrocel_dkd.endpoints import _days

    for text in ("２０２５-02-20", "٢٠٢٥-02-20", "2025-02-20T１０:00"):
        with pytest.raises(dkd.InvalidInputError, match=r"ADT\[1\]: is not a date"):
            _days(["2025-02-20", text], "ADT", optional=False)
    assert _days([datetime.date(2025, 2, 20)], "ADT", optional=False)[0] == 20139


def test_a_date_beside_a_datetime_with_a_zone_is_read_row_by_row() -> None:
    from amimestrocel_dkd.endpoints import _days

    utc = datetime.timezone.utc
    mixed = pd.Series([datetime.date(2025, 3, 1), datetime.datetime(2025, 3, 1, 20, tzinfo=utc)])
    days = _days(mixed, "ADT", optional=False, tz="Asia/Shanghai")
    epoch = datetime.date(1970, 1, 1)
    assert [str(epoch + datetime.timedelta(days=int(d))) for d in days] == ["2025-03-01", "2025-03-02"]
    with pytest.raises(TypeError, match="holds instants"):
        _days(mixed, "ADT", optional=False)


def test_a_table_of_planned_first_infusions_only_names_no_first_infusion_column() -> None:
    people = pd.DataFrame({"id": ["S-1"], "planned": ["2025-03-10"]})
    obs = pd.DataFrame({"participant": ["S-1"], "date": ["2025-03-01"], "activity": ["attended"]})
    got = schedule.participants_from_tables(people, obs, first_infusion=None, planned_first_infusion="planned")
    assert got[0]["planned_first_infusion"] == "2025-03-10" and "first_infusion" not in got[0]


def test_half_precision_numbers_are_numbers() -> None:
    import numpy as np

    table = pa.table({"AGE": pa.array(np.array([60.0], dtype=np.float16)), "SEX": ["F"], "CR": [1.0]})
    got = dkd.egfr(table, age="AGE", sex="SEX", creatinine="CR")
    assert got.column("egfr").to_pylist()[0] == pytest.approx(64.495, abs=1e-3)
    labs = pa.Table.from_pandas(LABS, preserve_index=False)
    half = labs.set_column(3, "LBSTRESN", pa.array(np.array([2.0, 1.5], dtype=np.float16)))
    subjects = pa.Table.from_pandas(SUBJECTS, preserve_index=False)
    assert endpoints.lab_endpoints(half, subjects).bds.column("AVAL").to_pylist() == [2.0, 1.5]


def test_a_boolean_age_and_a_thread_count_beyond_any_machine_are_refused() -> None:
    scr = dkd.SerumCreatinine(1.0, "mg/dL")
    with pytest.raises(TypeError, match="age is a number of years, not a bool"):
        dkd.estimate_gfr("ckd_epi_2021_cr", age=True, sex="female", creatinine=scr)
    with pytest.raises(ValueError, match="threads must be at most"):
        dkd.egfr(age=[60.0], female=[True], creatinine=[1.0], threads=2**70)
    with pytest.raises(ValueError, match="threads must be at most"):
        dkd.egfr(pa.table({"AGE": [60], "SEX": ["F"], "CR": [1.0]}), age="AGE", sex="SEX", creatinine="CR",
                 threads=2**70)


def test_a_column_stream_is_no_table_and_an_unread_column_twice_is_no_error() -> None:
    with pytest.raises(TypeError, match="not a table"):
        dkd.egfr(pa.chunked_array([[60.0]]), age="AGE", sex="SEX", creatinine="CR")
    from amimestrocel_dkd import instruments as ins

    tcm = ins.tcm_dkd()
    row = {i: 0 for i in tcm.item_ids}
    frame = pd.DataFrame([row])
    frame.insert(0, "note", ["a"])
    frame.insert(1, "note", ["b"], allow_duplicates=True)
    assert len(ins.score_frame(frame, tcm)) == 1
    twice = pd.DataFrame([row])
    twice.insert(0, "fatigue", [1], allow_duplicates=True)
    with pytest.raises(dkd.InvalidInputError, match="'fatigue' is given twice"):
        ins.score_frame(twice, tcm)
