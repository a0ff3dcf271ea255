"""Spark (issue 15): the library's rules on a cluster, a batch of Arrow rows at a time.

Two shapes, each with its DDL schema:

- :func:`egfr_batches` makes the function for ``DataFrame.mapInArrow``: every batch comes back
  with ``egfr`` and ``egfr_error`` appended (:data:`EGFR_DDL`), by the rules of
  :func:`amimestrocel_dkd.egfr`; :func:`egfr` does the whole call on a Spark DataFrame.
- :func:`lab_endpoints_of_person` is the function for ``groupBy("USUBJID").applyInArrow``: one
  participant's lab rows, which carry that participant's subject columns, give that
  participant's BDS rows (:data:`BDS_DDL`), by the rules of
  :func:`amimestrocel_dkd.endpoints.lab_endpoints`; :func:`lab_endpoints` joins, groups and
  applies on Spark DataFrames.

Both hand Spark ``pyarrow.RecordBatch`` / ``pyarrow.Table`` objects (Spark 4 takes only those)
with plain string columns (dictionaries are cast). Nothing here holds a rule: each function
converts and calls the in-process one. The ``spark`` extra brings pyspark and pyarrow; the
functions themselves need only pyarrow on the workers.

>>> import pyarrow as pa
>>> from amimestrocel_dkd import spark as dkd_spark
>>> run = dkd_spark.egfr_batches(age="AGE", sex="SEX", creatinine="CREAT")
>>> batch = pa.record_batch({"AGE": [60, 60], "SEX": ["F", "F"], "CREAT": [1.0, None]})
>>> out = next(run(iter([batch])))
>>> [round(v, 1) if v else v for v in out.column("egfr").to_pylist()], out.column("egfr_error").to_pylist()
([64.5, None], ['ok', 'creatinine_missing'])
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, Optional

from ._extras import require

__all__ = ["BDS_DDL", "EGFR_DDL", "UNUSABLE_DDL", "egfr", "egfr_batches", "lab_endpoints", "lab_endpoints_of_person"]

EGFR_DDL = "egfr double, egfr_error string"
"""The columns :func:`egfr_batches` appends, as Spark DDL."""

UNUSABLE_DDL = "USUBJID string, SRC string, REASON string"
"""The values :func:`lab_endpoints_of_person` could not use, with the reason (``table="unusable"``),
as Spark DDL."""

BDS_DDL = ("USUBJID string, PARAMCD string, PARAM string, AVISIT string, ADT date, ADY bigint, "
           "AVAL double, BASE double, CHG double, PCHG double, R2BASE double, ABLFL boolean, "
           "ANL01FL boolean")
"""The rows :func:`lab_endpoints_of_person` returns (the BDS of
:func:`amimestrocel_dkd.endpoints.lab_endpoints`), as Spark DDL."""

_SUBJECT_OPTIONAL = ("ESRDDT", "RRTSTDT", "DTHDT")


def _plain(pa: Any, table: Any) -> Any:
    """``table`` with its dictionary columns as plain strings (Spark reads no dictionaries)."""
    for i, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    return table


def egfr_batches(*, age: str, sex: str, creatinine: Optional[str] = None, creatinine_unit: str = "mg/dL",
                 cystatin_c: Optional[str] = None, cystatin_c_unit: str = "mg/L",
                 weight_kg: Optional[str] = None, black: Optional[str] = None,
                 equation: Optional[str] = None,
                 sex_labels: Optional[Mapping[str, str]] = None) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The function for ``df.mapInArrow(f, schema)``: each ``pyarrow.RecordBatch`` comes back
    with its columns and ``egfr`` (double, null on a bad row) and ``egfr_error`` (``ok`` or the
    row error's slug) appended; the arguments name the columns as in
    :func:`amimestrocel_dkd.egfr` (``creatinine_unit`` a unit or a column of units). The schema
    to give Spark is the input's with :data:`EGFR_DDL` appended (:func:`egfr` does it)."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        pa = require("pyarrow", "amimestrocel_dkd.spark (Spark's Arrow functions use pyarrow)")
        from . import PROTOCOL_DEFAULT_EQUATION
        from . import egfr as _egfr

        for batch in batches:
            out = _egfr(batch, equation=equation or PROTOCOL_DEFAULT_EQUATION, age=age, sex=sex,
                        creatinine=creatinine, creatinine_unit=creatinine_unit, cystatin_c=cystatin_c,
                        cystatin_c_unit=cystatin_c_unit, weight_kg=weight_kg, black=black,
                        sex_labels=sex_labels)
            values = out.column("egfr").combine_chunks()
            errors = out.column("egfr_error").cast(pa.string()).combine_chunks()
            yield pa.RecordBatch.from_arrays([*batch.columns, values, errors],
                                             names=[*batch.schema.names, "egfr", "egfr_error"])

    return run


def egfr(df: Any, *, age: str, sex: str, creatinine: Optional[str] = None, creatinine_unit: str = "mg/dL",
         cystatin_c: Optional[str] = None, cystatin_c_unit: str = "mg/L", weight_kg: Optional[str] = None,
         black: Optional[str] = None, equation: Optional[str] = None,
         sex_labels: Optional[Mapping[str, str]] = None) -> Any:
    """``df`` (a Spark DataFrame) with ``egfr`` and ``egfr_error`` appended, through
    ``mapInArrow`` and :func:`egfr_batches`."""
    require("pyspark", "amimestrocel_dkd.spark.egfr")
    run = egfr_batches(age=age, sex=sex, creatinine=creatinine, creatinine_unit=creatinine_unit,
                       cystatin_c=cystatin_c, cystatin_c_unit=cystatin_c_unit, weight_kg=weight_kg, black=black,
                       equation=equation, sex_labels=sex_labels)
    schema = ", ".join([f"`{f.name}` {f.dataType.simpleString()}" for f in df.schema.fields] + [EGFR_DDL])
    return df.mapInArrow(run, schema)


def lab_endpoints_of_person(config: Optional[Mapping[str, Any]] = None,
                            plan: Optional[Mapping[str, Any]] = None,
                            readings: Optional[Mapping[str, Any]] = None,
                            tz: Optional[str] = None, table: str = "bds") -> Callable[[Any], Any]:
    """The function for ``labs.groupBy("USUBJID").applyInArrow(f, BDS_DDL)``: a
    ``pyarrow.Table`` of one participant's lab rows (the columns of
    :data:`~amimestrocel_dkd.endpoints.LAB_COLUMNS`), each carrying the participant's subject
    columns (:data:`~amimestrocel_dkd.endpoints.SUBJECT_COLUMNS`, the same on every row), gives
    that participant's BDS rows as a ``pyarrow.Table`` of :data:`BDS_DDL` (with ``table="unusable"``:
    the values that could not be used, with the reason, of :data:`UNUSABLE_DDL`; the BDS leaves
    them out, so ask for both). Spark timestamps are
    instants: ``tz`` (``"Asia/Shanghai"``) says in which zone to take their day. A refused row raises
    as :func:`~amimestrocel_dkd.endpoints.lab_endpoints` does, and Spark fails the job with it."""

    if table not in ("bds", "unusable"):
        raise ValueError(f"table must be 'bds' or 'unusable', not {table!r}")

    def run(rows: Any) -> Any:
        pa = require("pyarrow", "amimestrocel_dkd.spark (Spark's Arrow functions use pyarrow)")
        from . import endpoints

        names = set(rows.schema.names)
        subject = [c for c in endpoints.SUBJECT_COLUMNS if c in names]
        subjects = rows.select(subject).slice(0, 1)
        # The subject columns are the participant's: the same on every row, or which row's
        # are meant cannot be told (a join gone wrong, two people under one USUBJID).
        every = rows.select(subject)
        for name in subject:
            column = every.column(name)
            if column.num_chunks and len(column.unique()) > 1:
                from .errors import InvalidInputError

                raise InvalidInputError(f"{name}: differs between the rows of one participant (the subject "
                                        "columns are the same on every row)", "invalid_argument",
                                        {"argument": name})
        labs = rows.select([c for c in endpoints.LAB_COLUMNS if c in names])
        result = endpoints.lab_endpoints(labs, subjects, config=config, plan=plan, readings=readings, tz=tz)
        return _plain(pa, result.bds if table == "bds" else result.unusable)

    return run


def lab_endpoints(labs: Any, subjects: Any, *, config: Optional[Mapping[str, Any]] = None,
                  plan: Optional[Mapping[str, Any]] = None,
                  readings: Optional[Mapping[str, Any]] = None, tz: Optional[str] = None,
                  table: str = "bds") -> Any:
    """The BDS lab endpoints of a cohort held in Spark: ``labs`` joined with ``subjects`` on
    ``USUBJID``, grouped by participant, each group derived by :func:`lab_endpoints_of_person`
    (``applyInArrow``). A Spark DataFrame of :data:`BDS_DDL`, or with ``table="unusable"`` of
    :data:`UNUSABLE_DDL` (the values the BDS leaves out, with the reason). A lab row whose
    participant is not among the subjects is refused, as in-process."""
    require("pyspark", "amimestrocel_dkd.spark.lab_endpoints")
    missing = labs.join(subjects, on="USUBJID", how="left_anti").limit(1).collect()
    if missing:
        from .errors import InvalidInputError

        raise InvalidInputError("USUBJID: a lab row's participant is not one of the subjects",
                                "invalid_argument", {"argument": "USUBJID"})
    joined = labs.join(subjects, on="USUBJID", how="inner")
    schema = BDS_DDL if table == "bds" else UNUSABLE_DDL
    return joined.groupBy("USUBJID").applyInArrow(lab_endpoints_of_person(config, plan, readings, tz, table), schema)
