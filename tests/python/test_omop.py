"""OMOP pre-screening from Python (issue 15): every table layout gives the same answers, the
answers equal a hand-written DuckDB path's, bad tables are refused by name, and the readings show
through (row errors, a birth known to the year, absences OMOP cannot read)."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pytest

import amimestrocel_dkd as dkd
from amimestrocel_dkd import omop
from amimestrocel_dkd.errors import InvalidConfigError

from omop_hand_path import records as hand_records, register, unknown_where_history_is_not_taken

CRITERIA = [c.id for c in dkd.criteria()]
AS_OF = "2025-10-28"  # the synthetic cohort's latest screening date: its extraction date


@pytest.fixture(scope="module")
def tables() -> Dict[str, Any]:
    return omop.synthetic_tables(seed=5, count=400)


def persons(out: omop.Prescreen) -> pd.DataFrame:
    frame = out.persons if isinstance(out.persons, pd.DataFrame) else out.persons.to_pandas()
    return frame.reset_index(drop=True)


def test_the_synthetic_extraction_date_is_the_cohorts_latest_screening() -> None:
    latest = max(r["screening_date"] for r in dkd.synthetic_cohort(seed=5, count=400))
    assert latest == AS_OF


def test_pandas_pyarrow_polars_and_duckdb_tables_give_the_same_prescreen(tables: Dict[str, Any]) -> None:
    import duckdb
    import polars as pl
    import pyarrow as pa  # type: ignore[import-untyped]

    frames = {name: t.to_pandas() for name, t in tables.items()}
    by_pandas = omop.prescreen(**frames, as_of=AS_OF)
    assert isinstance(by_pandas.persons, pd.DataFrame)
    arrow = {name: t.to_pyarrow() for name, t in tables.items()}
    by_arrow = omop.prescreen(**arrow, as_of=AS_OF)
    assert isinstance(by_arrow.persons, pa.Table)
    by_polars = omop.prescreen(**{name: t.to_polars() for name, t in tables.items()}, as_of=AS_OF)
    assert isinstance(by_polars.persons, pl.DataFrame)
    con = duckdb.connect()
    relations: Dict[str, Any] = {name: con.from_arrow(t) for name, t in arrow.items()}
    by_duckdb = omop.prescreen(**relations, as_of=AS_OF)
    expected = persons(by_pandas)
    for other in (by_arrow, by_polars, by_duckdb):
        got = persons(other)
        # Each library writes a missing date its own way (None, NaT): compared as text, all as NaT.
        missing = {"None": "NaT", "nan": "NaT", "<NA>": "NaT"}
        pd.testing.assert_frame_equal(got.astype(str).replace(missing), expected.astype(str).replace(missing))
    assert len(expected) == 400
    assert set(expected.status.astype(str)) >= {"pending", "ineligible"}


# The criteria reading a condition whose bundled set is empty (congenital heart disease and
# acute coronary syndrome are found; severe valvular disease, severe immunodeficiency and the
# allergies are not): there the pre-screen says unknown where the hand path says not met.
PARTIAL = {"exc_severe_cardiovascular", "exc_tuberculosis_hiv_immunodeficiency", "exc_allergy"}


def _agree_with_the_hand_path(got: pd.DataFrame, by_hand: pd.DataFrame) -> int:
    """Asserts the pre-screen's outcome equals the hand path's for every person and criterion
    (unknown for not met in :data:`PARTIAL`); the number of outcomes compared."""
    compared = 0
    for criterion in CRITERIA:
        hand = by_hand[criterion].astype(str).to_numpy()
        ours = got[criterion].astype(str).to_numpy()
        if criterion in PARTIAL:
            assert np.all((ours == hand) | ((ours == "unknown") & (hand == "not_met"))), criterion
        else:
            assert np.array_equal(ours, hand), (criterion, np.flatnonzero(ours != hand)[:5])
        compared += len(ours)
    return compared


def test_the_prescreen_equals_a_hand_written_duckdb_path(tables: Dict[str, Any]) -> None:
    """The oracle: records assembled in SQL, screened one by one, give the same outcome for
    every criterion, except that where a criterion reads conditions the bundled sets cannot find
    (an empty set) the pre-screen says unknown instead of the hand path's not met."""
    import duckdb

    con = duckdb.connect()
    register(con, {name: t.to_pyarrow() for name, t in tables.items()})
    sets = omop.concept_sets()
    by_hand = unknown_where_history_is_not_taken(dkd.screen_many(hand_records(con, AS_OF, sets)), con, AS_OF, sets)
    got = persons(omop.prescreen(**{n: t.to_pyarrow() for n, t in tables.items()}, as_of=AS_OF))
    assert {k for k, ids in sets["conditions"].items() if not ids} == {
        "severe_valvular_disease", "severe_immunodeficiency", "blood_product_allergy",
        "heterologous_protein_allergy"}
    assert _agree_with_the_hand_path(got, by_hand) == 400 * len(CRITERIA)
    assert (got.history_taken).sum() > 300


def test_the_attrition_accounts_for_every_person(tables: Dict[str, Any]) -> None:
    out = omop.prescreen(**{n: t.to_pandas() for n, t in tables.items()}, as_of=AS_OF)
    a = out.attrition
    assert list(a.criterion.astype(str)) == ["person", *CRITERIA]
    assert int(a.excluded.sum()) + int(a.remaining.iloc[-1]) == 400
    assert int(a.remaining.iloc[-1]) == int(out.persons.not_excluded_by_record.sum())
    assert out.concept_sets_version == "omop-concept-sets-2026.12.2"


def _one_person(**person: Any) -> pd.DataFrame:
    base = {"person_id": [1], "gender_concept_id": [8507], "year_of_birth": [1960], "month_of_birth": [3],
            "day_of_birth": [1]}
    base.update({k: [v] for k, v in person.items()})
    return pd.DataFrame(base)


UNITS = pd.DataFrame({"concept_id": [8723, 8840], "concept_name": ["milligram per gram", "milligram per deciliter"],
                      "vocabulary_id": ["UCUM", "UCUM"], "concept_code": ["mg/g", "mg/dL"]})


def test_a_null_unit_and_unit_zero_are_row_errors_of_their_own_and_the_person_is_still_screened() -> None:
    measurement = pd.DataFrame({
        "person_id": [1, 1, 1], "measurement_concept_id": [3034485, 3034485, 3034485],
        "measurement_date": ["2025-05-20", "2025-05-21", "2025-05-22"], "value_as_number": [1500.0, 1500.0, 1500.0],
        "unit_concept_id": pd.array([None, 0, 8723], dtype="Int64"),
    })
    out = omop.prescreen(_one_person(), measurement=measurement, concept=UNITS, as_of="2025-06-01")
    errors = out.row_errors
    assert list(zip(errors.row, errors.kind)) == [(0, "missing"), (1, "unit_not_mapped")]
    assert "unit_concept_id" in errors.message[0]
    assert list(errors.table.astype(str)) == ["measurement", "measurement"]
    assert out.persons.inc_uacr[0] == "met"


def test_numeric_columns_as_duckdb_gives_them_read_as_their_decimal_value() -> None:
    """The CDM declares value_as_number and range_high NUMERIC: DuckDB gives decimal128."""
    import duckdb

    con = duckdb.connect()
    measurement = con.sql("""SELECT 1::BIGINT AS person_id, 3034485::BIGINT AS measurement_concept_id,
        DATE '2025-05-20' AS measurement_date, 1000.001::DECIMAL(18, 3) AS value_as_number,
        8723::BIGINT AS unit_concept_id""").arrow()
    assert str(measurement.schema.field("value_as_number").type) == "decimal128(18, 3)"
    out = omop.prescreen(_one_person(), measurement=measurement, concept=UNITS, as_of="2025-06-01")
    assert list(out.row_errors.kind) == []
    assert out.persons.inc_uacr[0] == "met"  # above 1000 mg/g
    below = con.sql("""SELECT 1::BIGINT AS person_id, 3034485::BIGINT AS measurement_concept_id,
        DATE '2025-05-20' AS measurement_date, 1000.00::DECIMAL(10, 2) AS value_as_number,
        8723::BIGINT AS unit_concept_id""").arrow()
    out = omop.prescreen(_one_person(), measurement=below, concept=UNITS, as_of="2025-06-01")
    assert out.persons.inc_uacr[0] == "not_met"  # 1000 exactly is not above 1000
    # At a large scale the integer over 10^scale is not exact in float64: still exactly 1000.
    wide = con.sql("""SELECT 1::BIGINT AS person_id, 3034485::BIGINT AS measurement_concept_id,
        DATE '2025-05-20' AS measurement_date, 1000::DECIMAL(38, 22) AS value_as_number,
        8723::BIGINT AS unit_concept_id""").arrow()
    out = omop.prescreen(_one_person(), measurement=wide, concept=UNITS, as_of="2025-06-01")
    assert out.persons.inc_uacr[0] == "not_met"


def test_an_unrecorded_drug_end_and_an_omitted_concept_ancestor_leave_what_they_decide_unknown() -> None:
    observed = pd.DataFrame({"person_id": [1], "observation_period_start_date": ["2015-01-01"],
                             "observation_period_end_date": ["2025-06-01"]})
    drugs = pd.DataFrame({"person_id": [1], "drug_concept_id": [42], "drug_exposure_start_date": ["2019-01-01"],
                          "drug_exposure_end_date": pd.array([None], dtype="datetime64[ns]")})
    concept = pd.DataFrame({"concept_id": [42], "concept_name": ["tacrolimus 1 MG Oral Capsule"],
                            "vocabulary_id": ["RxNorm"], "concept_code": ["42"]})
    no_conditions = pd.DataFrame({"person_id": pd.array([], dtype="Int64"),
                                  "condition_concept_id": pd.array([], dtype="Int64"),
                                  "condition_start_date": pd.array([], dtype="datetime64[ns]")})
    ancestors = pd.DataFrame({"ancestor_concept_id": pd.array([], dtype="Int64"),
                              "descendant_concept_id": pd.array([], dtype="Int64")})
    args = dict(observation_period=observed, drug_exposure=drugs, concept=concept,
                condition_occurrence=no_conditions, as_of="2025-06-01")
    given = omop.prescreen(_one_person(), concept_ancestor=ancestors, **args).persons
    assert given.exc_immunosuppressant[0] == "unknown"  # ongoing since 2019, or one day in 2019
    assert given.exc_malignancy[0] == "not_met"
    omitted = omop.prescreen(_one_person(), **args).persons
    assert omitted.exc_malignancy[0] == "unknown"


def test_a_refused_person_keeps_a_row_with_status_refused_and_no_outcomes() -> None:
    """One unusable person row (no usable sex) refuses that person only: the others are
    pre-screened, pandas and pyarrow alike."""
    import pyarrow as pa

    person = pd.DataFrame({"person_id": [1, 2, 3], "gender_concept_id": [8507, 8532, 0],
                           "year_of_birth": [1960, 1970, 1965]})
    for table in (person, pa.Table.from_pandas(person)):
        out = omop.prescreen(table, as_of="2025-06-01")
        persons = out.persons if isinstance(out.persons, pd.DataFrame) else out.persons.to_pandas()
        assert list(persons.status.astype(str)) == ["pending", "pending", "refused"]
        assert persons.inc_age.isna().tolist() == [False, False, True]
        errors = out.row_errors if isinstance(out.row_errors, pd.DataFrame) else out.row_errors.to_pandas()
        assert list(zip(errors.table.astype(str), errors.row)) == [("person", 2)]


def test_a_year_of_birth_alone_leaves_the_age_unknown_where_the_year_spans_45() -> None:
    person = pd.DataFrame({"person_id": [1, 2], "gender_concept_id": [8532, 8532], "year_of_birth": [1980, 1970]})
    out = omop.prescreen(person, as_of="2025-06-01")
    assert list(out.persons.inc_age.astype(str)) == ["unknown", "met"]
    assert list(out.persons.birth_known_to) == ["year", "year"]


def test_a_null_uint64_id_is_a_missing_id_whatever_its_slot_holds() -> None:
    # Arrow leaves the value under a null unspecified (polars' when/then can leave any number):
    # a null person_id is that row's error, not a type error of the column.
    import pyarrow as pa

    values = pa.py_buffer(np.array([2**64 - 1, 7], np.uint64).tobytes())
    person_id = pa.Array.from_buffers(pa.uint64(), 2, [pa.py_buffer(bytes([0b10])), values], null_count=1)
    out = omop.prescreen(pa.table({"person_id": person_id, "gender_concept_id": [8507, 8532],
                                   "year_of_birth": [1960, 1961]}), as_of="2025-06-01")
    errors = out.row_errors if isinstance(out.row_errors, pd.DataFrame) else out.row_errors.to_pandas()
    assert list(zip(errors.table.astype(str), errors.row)) == [("person", 0)]
    # A valid uint64 above int64's range is still refused, not wrapped.
    with pytest.raises(TypeError, match="person_id"):
        omop.prescreen(pa.table({"person_id": pa.array([2**64 - 1], pa.uint64()), "gender_concept_id": [8507],
                                 "year_of_birth": [1960]}), as_of="2025-06-01")


def test_a_missing_column_a_wrong_type_and_bad_concept_sets_are_refused_by_name() -> None:
    with pytest.raises(KeyError, match="gender_concept_id"):
        omop.prescreen(pd.DataFrame({"person_id": [1], "year_of_birth": [1960]}), as_of="2025-06-01")
    with pytest.raises(TypeError, match="person_id"):
        omop.prescreen(_one_person(person_id="P1"), as_of="2025-06-01")
    with pytest.raises(TypeError, match="not whole"):
        omop.prescreen(_one_person(gender_concept_id=8507.5), as_of="2025-06-01")
    import pyarrow as pa
    with pytest.raises(TypeError, match="person_id"):
        omop.prescreen(pa.table({"person_id": [1.0], "gender_concept_id": [8507], "year_of_birth": [1960]}),
                       as_of="2025-06-01")
    # A text column holding numbers (RxNorm codes are digits): the same TypeError from pandas as
    # from Arrow, naming the column, not a row error at row 0.
    concept = {"concept_id": [1], "concept_name": ["x"], "vocabulary_id": ["RxNorm"], "concept_code": [197361]}
    for table in (pd.DataFrame(concept), pa.table(concept)):
        with pytest.raises(TypeError, match="(?i)column concept_code is int64, not text"):
            omop.prescreen(_one_person(), concept=table, as_of="2025-06-01")
    sets = omop.concept_sets()
    sets["measurements"]["uacr"] = [3016723]  # creatinine's concept
    with pytest.raises(InvalidConfigError) as e:
        omop.prescreen(_one_person(), as_of="2025-06-01", concept_sets=sets)
    assert e.value.kind == "two_measurement_sets"
    with pytest.raises(InvalidConfigError) as e:
        omop.prescreen(_one_person(), as_of="2025-06-01", concept_sets=json.dumps({"version": "x"}))
    assert e.value.kind == "malformed"


def test_an_omitted_table_leaves_its_criteria_unknown_and_a_person_absent_from_a_table_is_not_an_error() -> None:
    out = omop.prescreen(_one_person(), as_of="2025-06-01")
    row = out.persons.iloc[0]
    assert row.exc_malignancy == "unknown" and row.inc_uacr == "unknown"
    assert not row.history_taken
    assert len(out.row_errors) == 0
    assert "inc_uacr" in row.still_to_check.split(",")


def test_a_person_row_of_another_person_is_a_row_error_not_a_key_error() -> None:
    condition = pd.DataFrame({"person_id": [99], "condition_concept_id": [201826],
                              "condition_start_date": ["2020-01-01"]})
    out = omop.prescreen(_one_person(), condition_occurrence=condition, as_of="2025-06-01")
    assert list(out.row_errors.kind) == ["person_unknown"]
    assert int(out.row_errors.person_id[0]) == 99


def test_instants_need_a_zone() -> None:
    import pyarrow as pa
    person = pa.table({"person_id": [1], "gender_concept_id": [8507], "year_of_birth": [1960],
                       "birth_datetime": pa.array([0], pa.timestamp("s", tz="UTC"))})
    with pytest.raises(TypeError, match="tz="):
        omop.prescreen(person, as_of="2025-06-01")
    out = omop.prescreen(person, as_of="2025-06-01", tz="Asia/Shanghai")
    assert out.persons.to_pandas().birth_known_to[0] == "day"


def test_a_sql_version_of_the_uacr_hba1c_and_lipid_criteria_agrees_with_the_prescreen(
        tables: Dict[str, Any]) -> None:
    """The oracle for three lab criteria, written in DuckDB SQL from the protocol's thresholds and
    the published conversions (UACR mg/mmol × 1000 / 113.12, creatinine's molar mass; HbA1c
    NGSP % = 0.09148 × IFCC mmol/mol + 2.152; triglycerides 88.57 and LDL 38.67 mg/dL per
    mmol/L, NCEP ATP III), on the latest value of the 90 days up to ``as_of`` (a tie of dates
    goes to the later row). The pre-screen's own table is read back into DuckDB and compared
    there, person by person."""
    import duckdb

    con = duckdb.connect()
    register(con, {name: t.to_pyarrow() for name, t in tables.items()})
    ours = omop.prescreen(**{n: t.to_pyarrow() for n, t in tables.items()}, as_of=AS_OF).persons
    con.register("ours", ours)
    mismatches = con.sql(f"""
        WITH m AS (
            SELECT x.person_id, x.measurement_concept_id AS c, x.measurement_date AS d, x.value_as_number AS v,
                   u.concept_code AS unit, x.row
            FROM measurement x
            JOIN concept u ON u.concept_id = x.unit_concept_id AND u.vocabulary_id = 'UCUM'
            WHERE x.measurement_date BETWEEN DATE '{AS_OF}' - INTERVAL 90 DAY AND DATE '{AS_OF}'),
        converted AS (
            SELECT person_id, d, row,
                   CASE WHEN c = 3034485 THEN 'uacr' WHEN c = 3004410 THEN 'hba1c'
                        WHEN c = 3022192 THEN 'tg' WHEN c IN (3028437, 3028288) THEN 'ldl' END AS analyte,
                   CASE WHEN c = 3034485 AND unit = 'mg/g' THEN v
                        WHEN c = 3034485 AND unit = 'mg/mmol' THEN v * 1000 / 113.12
                        WHEN c = 3004410 AND unit = '%' THEN v
                        WHEN c = 3004410 AND unit = 'mmol/mol' THEN 0.09148 * v + 2.152
                        WHEN c = 3022192 AND unit = 'mmol/L' THEN v
                        WHEN c = 3022192 AND unit = 'mg/dL' THEN v / 88.57
                        WHEN c IN (3028437, 3028288) AND unit = 'mmol/L' THEN v
                        WHEN c IN (3028437, 3028288) AND unit = 'mg/dL' THEN v / 38.67 END AS x
            FROM m WHERE c IN (3034485, 3004410, 3022192, 3028437, 3028288)),
        latest AS (
            SELECT person_id, analyte, arg_max(x, day * 100000000 + row) AS x
            FROM (SELECT *, date_diff('day', DATE '1970-01-01', d) AS day FROM converted)
            GROUP BY person_id, analyte),
        sql AS (
            SELECT p.person_id,
                   CASE WHEN u.x IS NULL THEN 'unknown' WHEN u.x > 1000 THEN 'met' ELSE 'not_met' END AS inc_uacr,
                   CASE WHEN h.x IS NULL THEN 'unknown' WHEN h.x < 9 THEN 'met' ELSE 'not_met' END AS inc_hba1c,
                   CASE WHEN t.x >= 6.2 OR l.x >= 4.1 THEN 'met'
                        WHEN t.x IS NOT NULL AND l.x IS NOT NULL THEN 'not_met' ELSE 'unknown' END
                       AS exc_hyperlipidaemia
            FROM person p
            LEFT JOIN latest u ON u.person_id = p.person_id AND u.analyte = 'uacr'
            LEFT JOIN latest h ON h.person_id = p.person_id AND h.analyte = 'hba1c'
            LEFT JOIN latest t ON t.person_id = p.person_id AND t.analyte = 'tg'
            LEFT JOIN latest l ON l.person_id = p.person_id AND l.analyte = 'ldl')
        SELECT count(*) FILTER (WHERE CAST(o.inc_uacr AS VARCHAR) <> s.inc_uacr) AS uacr,
               count(*) FILTER (WHERE CAST(o.inc_hba1c AS VARCHAR) <> s.inc_hba1c) AS hba1c,
               count(*) FILTER (WHERE CAST(o.exc_hyperlipidaemia AS VARCHAR) <> s.exc_hyperlipidaemia) AS lipids,
               count(*) AS persons,
               count(*) FILTER (WHERE s.inc_uacr = 'met') AS uacr_met,
               count(*) FILTER (WHERE s.inc_uacr = 'not_met') AS uacr_not_met,
               count(*) FILTER (WHERE s.exc_hyperlipidaemia = 'met') AS lipids_met
        FROM ours o JOIN sql s ON s.person_id = o.person_id""").fetchall()
    uacr, hba1c, lipids, n, uacr_met, uacr_not_met, lipids_met = mismatches[0]
    assert (uacr, hba1c, lipids, n) == (0, 0, 0, 400)
    assert uacr_met > 50 and uacr_not_met > 0 and lipids_met > 0, mismatches


def test_identifiers_are_never_rounded_and_a_day_beyond_the_library_is_refused_by_name() -> None:
    big = 2**53 + 1  # float64 cannot hold it: read from a nullable Int64 column as it is
    person = pd.DataFrame({"person_id": pd.array([big, None], dtype="Int64"), "gender_concept_id": [8507, 8507],
                           "year_of_birth": [1960, 1960]})
    out = omop.prescreen(person, as_of="2025-06-01")
    assert int(out.persons.person_id[0]) == big
    assert list(out.row_errors.kind) == ["missing"]  # the row without a person_id
    with pytest.raises(TypeError, match="beyond 2\\*\\*53"):
        omop.prescreen(_one_person(person_id=float(2**60)), as_of="2025-06-01")
    import pyarrow as pa
    far = pa.table({"person_id": [1], "gender_concept_id": [8507], "year_of_birth": [1960],
                    "birth_datetime": pa.array([2**31 - 1], pa.date32())})
    with pytest.raises(dkd.InvalidInputError, match="person.birth_datetime\\[0\\]"):
        omop.prescreen(far, as_of="2025-06-01")
    # The values the reader keeps for null, where they are values, are refused, not read as null.
    sentinel_day = far.set_column(3, "birth_datetime", pa.array([-(2**31)], pa.date32()))
    with pytest.raises(dkd.InvalidInputError, match="birth_datetime\\[0\\]: is not a date"):
        omop.prescreen(sentinel_day, as_of="2025-06-01")
    sentinel_id = pa.table({"person_id": pa.array([1, -(2**63)], pa.int64()), "gender_concept_id": [8507, 8507],
                            "year_of_birth": [1960, 1960]})
    with pytest.raises(dkd.InvalidInputError, match="person_id\\[1\\]: is -9223372036854775808"):
        omop.prescreen(sentinel_id, as_of="2025-06-01")


def _with_null_ends_and_descendants(tables: Dict[str, Any]) -> Dict[str, Any]:
    """The synthetic tables as a real extraction writes them: every other course or condition
    still going has a null end (the synthetic ones end the day after the extraction), and every
    other condition row is recorded as a made-up child concept of its set's root, listed in
    ``concept_ancestor`` (with the self rows OMOP writes); a lacunar infarction is placed below
    cerebral infarction, as SNOMED places it."""
    import datetime

    import pyarrow as pa

    out = {name: t.to_pyarrow() for name, t in tables.items()}
    after = datetime.date.fromisoformat(AS_OF)

    def null_every_other_open_end(table: Any, column: str) -> Any:
        ends = table.column(column).to_pylist()
        open_rows = [i for i, e in enumerate(ends) if e is not None and e > after]
        for i in open_rows[::2]:
            ends[i] = None
        return table.set_column(table.schema.get_field_index(column), column, pa.array(ends, pa.date32()))

    out["drug_exposure"] = null_every_other_open_end(out["drug_exposure"], "drug_exposure_end_date")
    conditions = null_every_other_open_end(out["condition_occurrence"], "condition_end_date")
    concepts = conditions.column("condition_concept_id").to_pylist()
    children: Dict[int, int] = {}
    for i, root in enumerate(concepts):
        if i % 2:
            concepts[i] = children.setdefault(root, 6_000_000_000 + len(children))
    out["condition_occurrence"] = conditions.set_column(
        conditions.schema.get_field_index("condition_concept_id"), "condition_concept_id", pa.array(concepts, pa.int64()))
    lacunar, cerebral_infarction = 4046360, 443454
    pairs = [(root, child) for root, child in children.items()]
    pairs += [(c, c) for c in set(children) | set(children.values())]
    pairs += [(cerebral_infarction, lacunar)] + [(cerebral_infarction, child) for root, child in children.items()
                                                 if root == lacunar]
    out["concept_ancestor"] = pa.table({"ancestor_concept_id": pa.array([a for a, _ in pairs], pa.int64()),
                                        "descendant_concept_id": pa.array([d for _, d in pairs], pa.int64())})
    assert len(children) >= 5 and out["drug_exposure"].column("drug_exposure_end_date").null_count > 10
    return out


def test_the_prescreen_equals_the_hand_path_with_null_ends_and_descendant_concepts(tables: Dict[str, Any]) -> None:
    """The oracle again, on tables with null end dates and conditions recorded below their sets'
    roots: the hand path reads each null end both ways in SQL and lets a criterion stand only
    where the two agree, and finds conditions through ``concept_ancestor`` (the more specific of
    two nested sets)."""
    import duckdb

    from omop_hand_path import both_ways

    given = _with_null_ends_and_descendants(tables)
    con = duckdb.connect()
    register(con, given)
    sets = omop.concept_sets()
    by_hand = both_ways(con, AS_OF, sets, dkd.screen_many)
    got = persons(omop.prescreen(**given, as_of=AS_OF))
    assert _agree_with_the_hand_path(got, by_hand) == 400 * len(CRITERIA)
    # The changed tables changed answers: unknowns from the null ends; and a condition recorded
    # below its set's root is still found (no met became not met).
    before = persons(omop.prescreen(**{n: t.to_pyarrow() for n, t in tables.items()}, as_of=AS_OF))
    assert (got.exc_immunosuppressant.astype(str) == "unknown").sum() > (
        before.exc_immunosuppressant.astype(str) == "unknown").sum()
    found = [c for c in HISTORY_CONDITIONS if (before[c].astype(str) == "met").any()]
    assert len(found) >= 2, found
    for criterion_id in found:
        was_met = before[criterion_id].astype(str) == "met"
        assert not (got[criterion_id].astype(str)[was_met] == "not_met").any(), criterion_id


HISTORY_CONDITIONS = ["exc_severe_cardiovascular", "exc_stroke", "exc_hyperkalaemia",
                      "exc_tuberculosis_hiv_immunodeficiency", "exc_malignancy", "exc_active_infection"]


def test_rows_of_concept_0_are_counted_as_unmapped_not_passed_over() -> None:
    import pandas as pd

    from amimestrocel_dkd import omop

    person = pd.DataFrame({"person_id": [1], "gender_concept_id": [8507], "year_of_birth": [1960]})
    measurement = pd.DataFrame({"person_id": [1, 1], "measurement_concept_id": [0, 3034485],
                                "measurement_date": ["2025-05-01", "2025-05-02"], "value_as_number": [1.0, 1500.0],
                                "unit_concept_id": [8723, 8723]})
    conditions = pd.DataFrame({"person_id": [1], "condition_concept_id": [0], "condition_start_date": ["2020-01-01"]})
    units = pd.DataFrame({"concept_id": [8723], "concept_name": ["mg/g"], "vocabulary_id": ["UCUM"],
                          "concept_code": ["mg/g"]})
    out = omop.prescreen(person, measurement=measurement, condition_occurrence=conditions, concept=units,
                         as_of="2025-06-01")
    assert out.rows_unmapped == {"measurement": 1, "condition_occurrence": 1}
    assert len(out.row_errors) == 0
