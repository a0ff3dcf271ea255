"""OMOP pre-screening (issue 15): which persons of an OMOP CDM v5.4 database the record already
excludes from NCT06969807, and what a site must still check for the others.

:func:`prescreen` reads the CDM tables column by column (pandas DataFrames, or any Arrow data:
pyarrow, polars, DuckDB relations, arro3, nanoarrow), makes each person's rows a screening record
in the Rust core and screens it by the same criteria as :func:`amimestrocel_dkd.screen`. The
concept sets that say which concept is which lab or diagnosis are versioned configuration
(:func:`concept_sets`, bundled defaults verified against OHDSI sources); the readings (a birth
known to the year, an absence in the record, ``operator_concept_id``, ``range_high``) are in
``docs/interpretation.md``, "OMOP pre-screening".

>>> import pandas as pd
>>> person = pd.DataFrame({"person_id": [1, 2], "gender_concept_id": [8507, 8532],
...                        "year_of_birth": [1960, 2001], "month_of_birth": [3, 1], "day_of_birth": [1, 1]})
>>> measurement = pd.DataFrame({"person_id": [1], "measurement_concept_id": [3034485],
...     "measurement_date": ["2025-05-20"], "value_as_number": [1500.0], "unit_concept_id": [8723]})
>>> concept = pd.DataFrame({"concept_id": [8723], "concept_name": ["milligram per gram"],
...                         "vocabulary_id": ["UCUM"], "concept_code": ["mg/g"]})
>>> out = prescreen(person, measurement=measurement, concept=concept, as_of="2025-06-01")
>>> out.persons[["person_id", "inc_age", "inc_uacr", "not_excluded_by_record"]].to_dict("records")
[{'person_id': 1, 'inc_age': 'met', 'inc_uacr': 'met', 'not_excluded_by_record': True}, {'person_id': 2, 'inc_age': 'not_met', 'inc_uacr': 'unknown', 'not_excluded_by_record': False}]
>>> step = out.attrition.iloc[1]  # the first criterion, inc_age, excludes person 2
>>> step.criterion, int(step.excluded), int(step.remaining)
('inc_age', 1, 1)
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from . import _native

__all__ = ["Prescreen", "TABLE_COLUMNS", "concept_sets", "prescreen", "synthetic_tables"]

Day = Union[datetime.date, str]

#: The columns read from each CDM table, by their CDM v5.4 names, and how: ``int`` (an integer
#: column; identifiers are never rounded), ``float``, ``date`` (date32/date64/a timestamp/
#: ``YYYY-MM-DD`` text; an instant needs ``tz=``), ``label`` (text). A column marked ``?`` may be
#: absent from the table (read as all null); every other column must be there (``KeyError``).
#: A null in any column is the row's own error where the pre-screen needs a value.
TABLE_COLUMNS: Dict[str, List[Tuple[str, str]]] = {
    "person": [("person_id", "int"), ("gender_concept_id", "int"), ("year_of_birth", "int"),
               ("month_of_birth", "int?"), ("day_of_birth", "int?"), ("birth_datetime", "date?")],
    "observation_period": [("person_id", "int"), ("observation_period_start_date", "date"),
                           ("observation_period_end_date", "date")],
    "measurement": [("person_id", "int"), ("measurement_concept_id", "int"), ("measurement_date", "date"),
                    ("value_as_number", "float?"), ("unit_concept_id", "int?"), ("operator_concept_id", "int?"),
                    ("range_high", "float?"), ("value_as_concept_id", "int?")],
    "condition_occurrence": [("person_id", "int"), ("condition_concept_id", "int"), ("condition_start_date", "date"),
                             ("condition_end_date", "date?")],
    "drug_exposure": [("person_id", "int"), ("drug_concept_id", "int"), ("drug_exposure_start_date", "date"),
                      ("drug_exposure_end_date", "date?"), ("route_concept_id", "int?")],
    "procedure_occurrence": [("person_id", "int"), ("procedure_concept_id", "int"), ("procedure_date", "date")],
    "concept": [("concept_id", "int"), ("concept_name", "label?"), ("vocabulary_id", "label"),
                ("concept_code", "label")],
    "concept_ancestor": [("ancestor_concept_id", "int"), ("descendant_concept_id", "int")],
}

_NO_INT = -(2**63)
_NO_DAY = -(2**31)


class Prescreen(NamedTuple):
    """What :func:`prescreen` gives, each table in the kind of ``person`` (pandas, pyarrow,
    polars, or an :class:`~amimestrocel_dkd._arrow.ArrowTable`).

    ``persons``: one row per row of ``person`` that has a ``person_id``, in its order:
    ``person_id``, ``status`` (``eligible``/``ineligible``/``pending``, ``refused`` for a person
    the pre-screen could not read or listed twice: see ``row_errors``), one column per criterion (``met``,
    ``not_met``, ``unknown``; missing for a refused person), ``not_excluded_by_record``,
    ``still_to_check`` (the criteria a site must still check, comma-separated), ``birth_known_to``
    (``day``, ``month``, ``year``), ``history_taken``, ``kidney_biopsy`` (the latest biopsy
    procedure; its finding is not in OMOP).

    ``attrition``: ``criterion`` (``person`` first: persons read, refused ones excluded), then
    each criterion in protocol order with the persons it ``excluded`` (not excluded before),
    those ``remaining``, and how many of them it leaves ``unknown``.

    ``row_errors``: every row that could not be used: ``table``, ``row`` (0-based), ``person_id``,
    ``kind``, ``message``. ``rows_after_as_of``: rows dated after ``as_of`` per table, not read.
    ``rows_unmapped``: rows of ``measurement``, ``condition_occurrence`` and
    ``procedure_occurrence`` whose concept is 0 (the source code was not mapped), per table: no
    concept set holds them, so they are not read; many show a poorly mapped extraction."""

    persons: Any
    attrition: Any
    row_errors: Any
    rows_after_as_of: Dict[str, int]
    rows_unmapped: Dict[str, int]
    concept_sets_version: str
    config_version: str


def concept_sets() -> Dict[str, Any]:
    """The bundled concept sets (a JSON object): change a copy and pass it to :func:`prescreen`.

    >>> sets = concept_sets()
    >>> sets["version"], sets["measurements"]["creatinine"]
    ('omop-concept-sets-2026.12.2', [3016723])
    """
    loaded: Dict[str, Any] = json.loads(_native.omop_concept_sets_json())
    return loaded


def prescreen(
    person: Any,
    observation_period: Any = None,
    measurement: Any = None,
    condition_occurrence: Any = None,
    drug_exposure: Any = None,
    procedure_occurrence: Any = None,
    concept: Any = None,
    concept_ancestor: Any = None,
    *,
    as_of: Day,
    concept_sets: Optional[Union[Mapping[str, Any], str]] = None,
    config: Optional[Union[Mapping[str, Any], str]] = None,
    tz: Optional[str] = None,
) -> Prescreen:
    """Pre-screens the persons of OMOP CDM v5.4 tables on ``as_of``, by the criteria of
    NCT06969807. Each table is a pandas DataFrame or Arrow data with the CDM's column names
    (:data:`TABLE_COLUMNS`); a table not given leaves the criteria that read it unknown
    (without ``observation_period`` no history counts as taken; without ``concept`` no unit
    can be read and no drug named; without ``concept_ancestor`` a diagnosis coded below a set's
    concept is not found, so no absence of a diagnosis is a "not met": pass it, empty if the
    vocabulary has no descendants). A null ``condition_end_date`` or ``drug_exposure_end_date``
    is read both as still ongoing and as ended on its start day, and a criterion whose outcome
    differs between the two is unknown. The whole of each table given is read into memory, so pass
    the rows needed from a full vocabulary: ``concept`` rows of the units (UCUM), the drugs and
    the ATC classes; ``concept_ancestor`` rows whose ancestor is a concept of the sets or an
    ATC class.

    Rows dated after ``as_of`` are not read (they are counted in ``rows_after_as_of``). A row
    the pre-screen cannot use (a null unit, unit 0, a censored value, a person not in ``person``,
    a value whose unit does not fit its analyte) is listed in ``row_errors`` with its table and
    row; its person is still pre-screened without it. A named column that is absent is a
    ``KeyError``; a column of the wrong type a ``TypeError`` naming it; bad concept sets or
    configuration an :class:`~amimestrocel_dkd.errors.InvalidConfigError`.
    """
    from . import _arrow, endpoints
    from .schedule import _iso

    endpoints._zone(tz)  # an unknown zone is refused first
    given = {"observation_period": observation_period, "measurement": measurement,
             "condition_occurrence": condition_occurrence, "drug_exposure": drug_exposure,
             "procedure_occurrence": procedure_occurrence, "concept": concept, "concept_ancestor": concept_ancestor}
    read = {name: None if table is None else _read(table, TABLE_COLUMNS[name], tz) for name, table in given.items()}
    out = _native.omop_prescreen(
        _read(person, TABLE_COLUMNS["person"], tz), read["observation_period"], read["measurement"], read["condition_occurrence"],
        read["drug_exposure"], read["procedure_occurrence"], read["concept"], read["concept_ancestor"],
        _iso(as_of, "as_of"), _json(concept_sets, "concept_sets"), _json(config, "config"))
    return Prescreen(
        persons=_arrow.like(_persons_table(out), person, copy=False),
        attrition=_arrow.like(_attrition_table(out["attrition"]), person, copy=False),
        row_errors=_arrow.like(_row_errors_table(out["row_errors"]), person, copy=False),
        rows_after_as_of=dict(out["rows_after_as_of"]),
        rows_unmapped=dict(out["rows_unmapped"]),
        concept_sets_version=out["concept_sets_version"],
        config_version=out["config_version"],
    )


def synthetic_tables(seed: int, count: int, *, complete: bool = False) -> Dict[str, Any]:
    """OMOP tables of the seeded synthetic cohort (:func:`~amimestrocel_dkd.synthetic_cohort`), to
    try :func:`prescreen` on and to benchmark it: ``person``, ``observation_period``,
    ``measurement``, ``condition_occurrence``, ``drug_exposure``, ``concept`` (the unit and drug
    concepts used, with made-up ids from 5 000 000 000) and ``concept_ancestor`` (empty: every
    concept written is a set's own), each an
    :class:`~amimestrocel_dkd._arrow.ArrowTable` (``to_pandas()``, ``to_pyarrow()``,
    ``to_polars()``). Concept ids are the bundled sets' (an entry whose set is empty is not
    written), or with ``complete=True`` made-up ids for the sets the bundled ones leave empty
    (pass the same to :func:`prescreen` as ``concept_sets``: see ``complete_concept_sets`` in
    ``tests/python/test_omop.py``). Not real data.

    >>> tables = synthetic_tables(seed=1, count=10)
    >>> len(tables["person"]), sorted(tables)[:2]
    (10, ['concept', 'concept_ancestor'])
    """
    import numpy as np

    from . import _arrow
    from ._arrow import Column

    def column(name: str, values: Any) -> Column:
        if isinstance(values, list):
            return Column(name, "text", values)
        if values.dtype == np.int32:  # days since 1970
            given = values != _NO_DAY
            return Column(name, "date", np.where(given, values, 0).astype(np.int64) * 86_400_000_000_000, given)
        if values.dtype == np.float64:
            return Column(name, "float?", values)
        return Column(name, "int", values, values != _NO_INT)

    native = _native.omop_synthetic(seed, count, complete)
    return {name: _arrow.table([column(c, v) for c, v in columns.items()]) for name, columns in native.items()}


def _json(value: Optional[Union[Mapping[str, Any], str]], argument: str) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return json.dumps(value)
    raise TypeError(f"{argument} is a mapping or a JSON text, not {type(value).__name__}")


def _read(table: Any, specs: Sequence[Tuple[str, str]], tz: Optional[str]) -> List[Tuple[str, Any]]:
    """The columns of ``table`` by spec, in order, each with its name, as the native module
    reads them (None for an optional column the table lacks)."""
    from . import endpoints

    names = [name for name, _ in specs]
    if endpoints._is_arrow(table):
        _n, columns = _native.table_columns(endpoints._arrow_table(table, names), [(n, k, None) for n, k in specs],
                                            endpoints._zone(tz))
        return list(zip(names, columns))
    if not hasattr(table, "columns"):
        raise TypeError(f"a table is a pandas DataFrame or Arrow data, not {type(table).__name__}")
    absent = [name for name, kind in specs if not kind.endswith("?") and name not in table.columns]
    if absent:
        raise KeyError(f"no column {absent[0]!r} in the table (its columns: {list(table.columns)})")
    return [(name, _pandas_column(table[name], name, kind.rstrip("?"), tz) if name in table.columns else None)
            for name, kind in specs]


def _pandas_column(column: Any, name: str, kind: str, tz: Optional[str]) -> Any:
    """One pandas column by its kind, as the Arrow reader gives it."""
    import numpy as np

    from . import endpoints

    if kind == "date":
        return endpoints._days(column, name, optional=True, tz=tz)
    missing = column.isna().to_numpy()
    if kind == "label":
        if not missing.all():  # a column of nulls only has no type of its own in pandas
            endpoints._check_text_dtype(column, name)
        texts = column.astype(object).where(~column.isna(), "").to_numpy(dtype=object)
        codes, distinct = _native.text_codes(texts, name, None)
        codes[missing] = -1
        return codes, distinct
    numeric = getattr(column.dtype, "kind", "O") in "iuf" and column.dtype != bool
    if not numeric and not missing.all():
        raise TypeError(f"column {name} is {column.dtype}, not numbers: convert it first; text is never read "
                        "as a number")
    if kind == "float":
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    # Integers, never rounded: an integer column (numpy or pandas' nullable Int64) is read as
    # int64, a uint64 above int64's range is refused; pandas keeps an integer column with
    # missing values as float64, so whole floats are read where float64 holds them exactly
    # (up to 2**53), and a fraction or a larger float is refused.
    if getattr(column.dtype, "kind", "O") in "iu":
        if column.dtype.kind == "u" and (column.dropna() > np.iinfo(np.int64).max).any():
            raise TypeError(f"column {name} holds an identifier above int64's range")
        return column.to_numpy(dtype=np.int64, na_value=_NO_INT)
    values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    given = ~np.isnan(values)
    exact = ~given | ((values == np.floor(values)) & (np.abs(values) <= 2.0**53))
    if not exact.all():
        raise TypeError(f"column {name} holds a number that is not whole (or beyond 2**53) at row "
                        f"{int(np.flatnonzero(~exact)[0])}: identifiers and concept ids are integers")
    out = np.where(given, values, 0).astype(np.int64)
    out[~given] = _NO_INT
    return out


def _persons_table(out: Mapping[str, Any]) -> Any:
    import numpy as np

    from . import _arrow
    from ._arrow import Column
    from .errors import InvalidInputError

    refused = 255
    # Widened before the refused code becomes -1 (uint8 would wrap it back to 255).
    outcomes = [np.where(codes == refused, -1, codes.astype(np.int64)) for codes in out["outcomes"]]
    status = out["status"].astype(np.int64)
    status[status == refused] = len(_native.STATUSES) - 1  # the last status is `refused`
    biopsy_days = out["kidney_biopsy"]
    given = biopsy_days != _NO_DAY
    # Days that datetime64[ns] holds (1677-09-22 to 2262-04-11); a biopsy beyond is refused,
    # not wrapped.
    if np.any(given & ((biopsy_days < -106_751) | (biopsy_days > 106_750))):
        raise InvalidInputError("procedure_date: a kidney biopsy is dated beyond the dates datetime64[ns] holds "
                                "(1677-2262)", "invalid_argument", {"argument": "procedure_date"})
    biopsy = np.where(given, biopsy_days, 0).astype(np.int64) * 86_400_000_000_000
    return _arrow.table([
        Column("person_id", "int", out["person_id"]),
        Column("status", "dict", status, list(_native.STATUSES)),
        *[Column(slug, "dict", codes, list(_native.OUTCOMES)) for slug, codes in zip(_native.CRITERION_IDS, outcomes)],
        Column("not_excluded_by_record", "bool", out["not_excluded"]),
        Column("still_to_check", "text", out["still_to_check"]),
        Column("birth_known_to", "text", out["birth_known_to"]),
        Column("history_taken", "bool", out["history_taken"]),
        Column("kidney_biopsy", "date", biopsy, given),
    ])


def _attrition_table(steps: Sequence[Tuple[str, int, int, int]]) -> Any:
    import numpy as np

    from . import _arrow
    from ._arrow import Column

    names = ["person", *_native.CRITERION_IDS]
    return _arrow.table([
        Column("criterion", "dict", np.array([names.index(s[0]) for s in steps], dtype=np.int64), names),
        Column("excluded", "int", np.array([s[1] for s in steps], dtype=np.int64)),
        Column("remaining", "int", np.array([s[2] for s in steps], dtype=np.int64)),
        Column("unknown", "int", np.array([s[3] for s in steps], dtype=np.int64)),
    ])


def _row_errors_table(errors: Sequence[Tuple[str, int, Optional[int], str, str]]) -> Any:
    import numpy as np

    from . import _arrow
    from ._arrow import Column

    tables = list(TABLE_COLUMNS)
    ids = np.array([e[2] if e[2] is not None else 0 for e in errors], dtype=np.int64)
    return _arrow.table([
        Column("table", "dict", np.array([tables.index(e[0]) for e in errors], dtype=np.int64), tables),
        Column("row", "int", np.array([e[1] for e in errors], dtype=np.int64)),
        Column("person_id", "int", ids, np.array([e[2] is not None for e in errors], dtype=bool)),
        Column("kind", "text", [e[3] for e in errors]),
        Column("message", "text", [e[4] for e in errors]),
    ])
