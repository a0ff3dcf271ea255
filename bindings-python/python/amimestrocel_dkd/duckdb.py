"""DuckDB functions over the library's rules (issue 15): :func:`register` adds Arrow UDFs to a
connection, so SQL reads ``dkd_egfr(age, sex, creatinine)`` with the rules of
:func:`amimestrocel_dkd.egfr`, a batch of rows at a time (DuckDB hands the UDF pyarrow arrays:
the ``duckdb`` extra brings pyarrow).

>>> import duckdb
>>> from amimestrocel_dkd import duckdb as dkd_duckdb
>>> con = duckdb.connect()
>>> dkd_duckdb.register(con)
>>> con.sql("SELECT round(dkd_egfr(60, 'F', 1.0), 1) AS e, dkd_egfr_error(60, 'F', NULL) AS why").fetchall()
[(64.5, 'creatinine_missing')]
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ._extras import require

__all__ = ["register"]


def register(connection: Any, *, equation: Optional[str] = None, creatinine_unit: str = "mg/dL",
             sex_labels: Optional[Mapping[str, str]] = None, prefix: str = "dkd_") -> None:
    """Adds ``<prefix>egfr(age DOUBLE, sex VARCHAR, creatinine DOUBLE) -> DOUBLE`` (NULL on a
    bad row) and ``<prefix>egfr_error(...) -> VARCHAR`` (``ok`` or the row error's slug) to
    ``connection``, with the equation, creatinine unit and sex labels given here; and
    ``<prefix>egfr_with_unit(age, sex, creatinine, unit VARCHAR)`` and
    ``<prefix>egfr_error_with_unit(...)``, each row's creatinine in its own unit
    (``dkd_egfr_with_unit(AGE, SEX, LBSTRESN, LBSTRESU)``)."""
    pa = require("pyarrow", "amimestrocel_dkd.duckdb.register (DuckDB's Arrow UDFs use pyarrow)")
    from . import PROTOCOL_DEFAULT_EQUATION, _checked_sex_labels, equations, lab_value
    from . import egfr as _egfr

    # Checked here, not at the first query: a bad argument would otherwise surface inside SQL as
    # something else (an unknown unit read as the name of a column).
    known = [e.equation for e in equations()]
    if equation is not None and equation not in known:
        raise ValueError(f"equation {equation!r} is not one of {known}")
    if not isinstance(creatinine_unit, str):
        raise TypeError(f"creatinine_unit is a unit (a str), not {type(creatinine_unit).__name__}")
    lab_value("serum_creatinine", 1.0, creatinine_unit)  # InvalidInputError: not a unit of creatinine
    if sex_labels is not None:
        _checked_sex_labels(sex_labels)

    def run(age: Any, sex: Any, creatinine: Any) -> Any:
        table = pa.table({"age": age, "sex": sex, "creatinine": creatinine})
        return _egfr(table, equation=equation or PROTOCOL_DEFAULT_EQUATION, age="age", sex="sex",
                     creatinine="creatinine", creatinine_unit=creatinine_unit, sex_labels=sex_labels)

    def value(age: Any, sex: Any, creatinine: Any) -> Any:
        return run(age, sex, creatinine)["egfr"].combine_chunks()

    def error(age: Any, sex: Any, creatinine: Any) -> Any:
        return run(age, sex, creatinine)["egfr_error"].cast(pa.string()).combine_chunks()

    def run_units(age: Any, sex: Any, creatinine: Any, unit: Any) -> Any:
        table = pa.table({"age": age, "sex": sex, "creatinine": creatinine, "unit": unit})
        return _egfr(table, equation=equation or PROTOCOL_DEFAULT_EQUATION, age="age", sex="sex",
                     creatinine="creatinine", creatinine_unit="unit", sex_labels=sex_labels)

    def value_units(age: Any, sex: Any, creatinine: Any, unit: Any) -> Any:
        return run_units(age, sex, creatinine, unit)["egfr"].combine_chunks()

    def error_units(age: Any, sex: Any, creatinine: Any, unit: Any) -> Any:
        return run_units(age, sex, creatinine, unit)["egfr_error"].cast(pa.string()).combine_chunks()

    inputs = ["DOUBLE", "VARCHAR", "DOUBLE"]
    functions = ((f"{prefix}egfr", value, inputs, "DOUBLE"), (f"{prefix}egfr_error", error, inputs, "VARCHAR"),
                 (f"{prefix}egfr_with_unit", value_units, [*inputs, "VARCHAR"], "DOUBLE"),
                 (f"{prefix}egfr_error_with_unit", error_units, [*inputs, "VARCHAR"], "VARCHAR"))
    for name, function, parameters, result in functions:
        connection.create_function(name, function, parameters, result, type="arrow", null_handling="special")
