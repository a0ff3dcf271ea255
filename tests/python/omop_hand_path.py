"""The hand path of OMOP pre-screening, as a data scientist would write it without
``omop.prescreen``: DuckDB assembles one screening record per person from the CDM tables (SQL
written here from the readings of ``docs/interpretation.md``, "OMOP pre-screening"), the records
come out through ``to_pylist()`` and go through ``screen_many``. It is the oracle of
``test_omop.py`` and the baseline of ``scripts/bench-omop.py``.

It covers what the synthetic tables hold: the lab series and viral loads of the concept sets,
blood pressures paired on their date (one of each side per date), conditions and type 2 diabetes
by the sets' concepts and their descendants in ``concept_ancestor`` (a concept below the roots of
two nested sets counts for the more specific one only: :func:`condition_kinds`), medications by
their concept's name, and the history taken when an observation period covers
``history_observed_days`` up to ``as_of``: a condition or drug found is kept either way, and where
the history is not taken a criterion that reads it and does not exclude is unknown
(:func:`unknown_where_history_is_not_taken`, after ``screen_many``). An end date left null is read
as ``null_end`` says (``"ongoing"`` or ``"ended_on_start"``); :func:`both_ways` screens both and
makes a criterion on which they differ unknown, the reading ``unrecorded_end = both_ways`` of
``docs/interpretation.md``. Births are full dates.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Set

LABS = ["urine_protein_24h", "uacr", "creatinine", "cystatin_c", "hba1c", "triglycerides", "ldl_cholesterol",
        "potassium"]
VIRAL = ["hbv_dna", "hcv_rna"]


def register(con: Any, tables: Mapping[str, Any]) -> None:
    """Registers pyarrow tables in ``con`` by name, ``measurement`` with a column ``row`` (its
    row number: SQL keeps no row order, and a tie of dates goes to the later row)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    for name, table in tables.items():
        if name == "measurement":
            table = table.append_column("row", pa.array(range(len(table)), pa.int64()))
        con.register(name, table)


# The criteria that read the medical or medication history (each an exclusion: met excludes).
HISTORY = ["exc_severe_cardiovascular", "exc_stroke", "exc_hyperkalaemia", "exc_tuberculosis_hiv_immunodeficiency",
           "exc_malignancy", "exc_allergy", "exc_active_infection", "exc_immunosuppressant"]


# Observation periods joined into spans where they overlap or follow on the next day (the
# classic gaps-and-islands query: a period opens a new span when it starts more than a day
# after every earlier period of the person has ended).
SPANS = """
    SELECT person_id, MIN(s) AS s, MAX(e) AS e FROM (
        SELECT person_id, s, e, SUM(opens) OVER (PARTITION BY person_id ORDER BY s, e) AS span
        FROM (
            SELECT person_id, s, e,
                   CASE WHEN s > MAX(e) OVER (PARTITION BY person_id ORDER BY s, e
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + INTERVAL 1 DAY
                        THEN 1 ELSE 0 END AS opens
            FROM (SELECT person_id, observation_period_start_date AS s, observation_period_end_date AS e
                  FROM observation_period)))
    GROUP BY person_id, span"""


def observed(con: Any, as_of: str, sets: Mapping[str, Any]) -> List[str]:
    """The ids (as text) of the persons whose history is taken: a span of observation periods
    covers ``history_observed_days`` up to ``as_of``."""
    rows = con.sql(f"""SELECT DISTINCT CAST(person_id AS VARCHAR) FROM ({SPANS})
        WHERE s <= DATE '{as_of}' - INTERVAL {int(sets['history_observed_days'])} DAY
          AND e >= DATE '{as_of}'""").fetchall()
    return [r[0] for r in rows]


def unknown_where_history_is_not_taken(frame: Any, con: Any, as_of: str, sets: Mapping[str, Any]) -> Any:
    """``screen_many``'s frame with the history criteria unknown where the history is not taken
    and they found nothing that excludes."""
    not_taken = ~frame["id"].isin(observed(con, as_of, sets))
    for criterion in HISTORY:
        column = frame[criterion].astype(str)
        frame[criterion] = column.where(~(not_taken & (column == "not_met")), "unknown")
    return frame


def condition_kinds(sets: Mapping[str, Any], ancestors: List[Any]) -> List[Any]:
    """(concept id, kind) for every concept a condition set holds: its roots and their
    descendants through ``ancestors`` (pairs ancestor, descendant). A concept under the roots of
    two sets, one set's root below the other's, counts for the lower set only (a lacunar
    infarction is not also a cerebral infarction); under two sets not nested, for both."""
    below: Dict[int, Set[int]] = {}
    for ancestor, descendant in ancestors:
        below.setdefault(ancestor, set()).add(descendant)
    roots = {k: set(ids) for k, ids in sets["conditions"].items()}
    members: Dict[int, Set[str]] = {}
    for kind, ids in roots.items():
        for root in ids:
            for concept in {root} | below.get(root, set()):
                members.setdefault(concept, set()).add(kind)

    def under(lower: str, upper: str) -> bool:
        return any(r != u and r in below.get(u, set()) for r in roots[lower] for u in roots[upper])

    out = []
    for concept, kinds in sorted(members.items()):
        for kind in sorted(kinds):
            if not any(other != kind and under(other, kind) for other in kinds):
                out.append((concept, kind))
    return out


def records(con: Any, as_of: str, sets: Mapping[str, Any], null_end: str = "ongoing") -> List[Dict[str, Any]]:
    """The screening records of the persons of the tables registered in ``con`` by
    :func:`register` (``person``, ``observation_period``, ``measurement``,
    ``condition_occurrence``, ``drug_exposure``, ``concept``, ``concept_ancestor``), on
    ``as_of``, as dicts; a null end read as ``null_end`` (``"ongoing"`` or
    ``"ended_on_start"``)."""
    assert null_end in ("ongoing", "ended_on_start")
    lab_map = [(i, s) for s, ids in sets["measurements"].items() for i in ids]
    ancestors = con.sql("SELECT ancestor_concept_id, descendant_concept_id FROM concept_ancestor").fetchall()
    cond_map = condition_kinds(sets, ancestors)
    t2_ids = {i for i, k in condition_kinds({"conditions": {"t2": sets["type2_diabetes"]}}, ancestors)}
    con.execute("CREATE OR REPLACE TEMP TABLE lab_map (concept_id BIGINT, series VARCHAR)")
    con.executemany("INSERT INTO lab_map VALUES (?, ?)", lab_map)
    con.execute("CREATE OR REPLACE TEMP TABLE cond_map (concept_id BIGINT, kind VARCHAR)")
    if cond_map:
        con.executemany("INSERT INTO cond_map VALUES (?, ?)", cond_map)
    t2 = ", ".join(str(i) for i in sorted(t2_ids)) or "NULL"
    day = f"DATE '{as_of}'"

    def end(column: str, start: str) -> str:
        return column if null_end == "ongoing" else f"coalesce({column}, {start})"

    iso = "'%Y-%m-%d'"
    lab_lists = ",\n".join(
        f"list({{'date': strftime(d, {iso}), 'value': v, 'unit': unit}} ORDER BY d, row) "
        f"FILTER (WHERE series = '{s}') AS {s}" for s in LABS)
    viral_lists = ",\n".join(
        f"list({{'date': strftime(d, {iso}), 'value': v, 'upper_limit_of_normal': uln}} ORDER BY d, row) "
        f"FILTER (WHERE series = '{s}') AS {s}" for s in VIRAL)
    sql = f"""
    WITH
    observed AS (
        SELECT DISTINCT person_id FROM ({SPANS})
        WHERE s <= {day} - INTERVAL {int(sets['history_observed_days'])} DAY
          AND e >= {day}),
    m AS (
        SELECT x.person_id, l.series, x.measurement_date AS d, x.value_as_number AS v, u.concept_code AS unit,
               x.range_high AS uln, x.row
        FROM measurement x
        JOIN lab_map l ON x.measurement_concept_id = l.concept_id
        LEFT JOIN concept u ON u.concept_id = x.unit_concept_id AND u.vocabulary_id = 'UCUM'
        WHERE x.measurement_date <= {day}),
    labs AS (SELECT person_id, {lab_lists}, {viral_lists} FROM m GROUP BY person_id),
    bp AS (
        SELECT s.person_id,
               list({{'date': strftime(s.d, {iso}), 'systolic': s.v, 'diastolic': t.v, 'unit': s.unit}} ORDER BY s.d)
                   AS blood_pressures
        FROM m s JOIN m t ON s.person_id = t.person_id AND s.d = t.d AND t.series = 'diastolic'
        WHERE s.series = 'systolic' GROUP BY s.person_id),
    cond AS (
        SELECT c.person_id,
               list({{'condition': k.kind, 'onset': strftime(c.condition_start_date, {iso}),
                      'resolved': CASE WHEN {end('c.condition_end_date', 'c.condition_start_date')} <= {day}
                                       THEN strftime({end('c.condition_end_date', 'c.condition_start_date')}, {iso})
                                  END}}) AS conditions
        FROM condition_occurrence c JOIN cond_map k ON c.condition_concept_id = k.concept_id
        WHERE c.condition_start_date <= {day} GROUP BY c.person_id),
    t2 AS (
        SELECT DISTINCT person_id FROM condition_occurrence
        WHERE condition_concept_id IN ({t2}) AND condition_start_date <= {day}),
    meds AS (
        SELECT x.person_id,
               list({{'name': coalesce(k.concept_name, 'concept ' || x.drug_concept_id),
                      'start': strftime(x.drug_exposure_start_date, {iso}),
                      'end': CASE WHEN {end('x.drug_exposure_end_date', 'x.drug_exposure_start_date')} <= {day}
                                  THEN strftime({end('x.drug_exposure_end_date', 'x.drug_exposure_start_date')}, {iso})
                             END}}) AS medications
        FROM drug_exposure x LEFT JOIN concept k ON k.concept_id = x.drug_concept_id
        WHERE x.drug_exposure_start_date <= {day} GROUP BY x.person_id)
    SELECT CAST(p.person_id AS VARCHAR) AS id,
           CASE p.gender_concept_id WHEN 8507 THEN 'male' WHEN 8532 THEN 'female' END AS sex,
           strftime(make_date(CAST(p.year_of_birth AS INTEGER), CAST(p.month_of_birth AS INTEGER),
                              CAST(p.day_of_birth AS INTEGER)), {iso}) AS date_of_birth,
           '{as_of}' AS screening_date,
           CASE WHEN t2.person_id IS NOT NULL THEN true
                WHEN observed.person_id IS NOT NULL AND {len(sets['type2_diabetes'])} > 0 THEN false END
               AS type2_diabetes,
           {", ".join(f"labs.{s}" for s in LABS + VIRAL)},
           bp.blood_pressures,
           CASE WHEN observed.person_id IS NOT NULL THEN coalesce(meds.medications, []) ELSE meds.medications END
               AS medications,
           CASE WHEN observed.person_id IS NOT NULL THEN coalesce(cond.conditions, []) ELSE cond.conditions END
               AS conditions
    FROM person p
    LEFT JOIN observed ON observed.person_id = p.person_id
    LEFT JOIN labs ON labs.person_id = p.person_id
    LEFT JOIN bp ON bp.person_id = p.person_id
    LEFT JOIN cond ON cond.person_id = p.person_id
    LEFT JOIN t2 ON t2.person_id = p.person_id
    LEFT JOIN meds ON meds.person_id = p.person_id
    ORDER BY p.person_id
    """
    rows: List[Dict[str, Any]] = con.sql(sql).to_arrow_table().to_pylist()
    out = []
    for row in rows:
        labs = {s: row.pop(s) or [] for s in LABS + VIRAL}
        row["labs"] = labs
        row["blood_pressures"] = row["blood_pressures"] or []
        out.append({k: v for k, v in row.items() if v is not None})
    return out


def both_ways(con: Any, as_of: str, sets: Mapping[str, Any], screen_many: Any) -> Any:
    """``screen_many``'s frame of the records read both ways, each criterion unknown where the two
    readings of a null end disagree, then the history rule
    (:func:`unknown_where_history_is_not_taken`)."""
    ongoing = screen_many(records(con, as_of, sets, "ongoing"))
    ended = screen_many(records(con, as_of, sets, "ended_on_start"))
    assert list(ongoing["id"]) == list(ended["id"])
    for criterion in [c for c in ongoing.columns if c.startswith(("inc_", "exc_"))]:
        a, b = ongoing[criterion].astype(str), ended[criterion].astype(str)
        ongoing[criterion] = a.where(a == b, "unknown")
    return unknown_where_history_is_not_taken(ongoing, con, as_of, sets)
