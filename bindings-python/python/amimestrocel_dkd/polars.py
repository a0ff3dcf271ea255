"""polars expressions over the library's rules (issue 15), through ``Expr.map_batches``: each
batch of rows goes to :func:`amimestrocel_dkd.egfr` as a polars DataFrame (read through the
Arrow C interface) and comes back as a ``pl.Series``. Not a compiled polars plugin: plugins
break across polars releases, this works with any polars that has ``map_batches``.

>>> import polars as pl
>>> from amimestrocel_dkd import polars as dkd_pl
>>> labs = pl.DataFrame({"AGE": [60, 70], "SEX": ["F", "M"], "CR": [1.0, None]})
>>> out = labs.with_columns(dkd_pl.egfr("AGE", "SEX", "CR").alias("egfr"),
...                         dkd_pl.egfr_error("AGE", "SEX", "CR").alias("egfr_error"))
>>> [round(v, 1) if v else v for v in out["egfr"]], out["egfr_error"].to_list()
([64.5, None], ['ok', 'creatinine_missing'])
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from ._extras import require

__all__ = ["egfr", "egfr_error"]

Column = Union[str, Any]  # a column name or a polars expression


def _batch(column: str, age: Column, sex: Column, creatinine: Column, equation: Optional[str],
           creatinine_unit: Column, sex_labels: Optional[Mapping[str, str]]) -> Any:
    pl = require("polars", "amimestrocel_dkd.polars")
    from . import PROTOCOL_DEFAULT_EQUATION, _is_unit
    from . import egfr as _egfr

    def expr(c: Column) -> Any:
        return pl.col(c) if isinstance(c, str) else c

    # A unit text is the unit of every row; a column name or an expression gives a unit per row.
    per_row = not (isinstance(creatinine_unit, str) and _is_unit("creatinine_unit", creatinine_unit))
    fields = {"age": expr(age), "sex": expr(sex), "creatinine": expr(creatinine)}
    if per_row:
        fields["creatinine_unit"] = expr(creatinine_unit)

    def run(rows: Any) -> Any:
        frame = rows.struct.unnest()
        out = _egfr(frame, equation=equation or PROTOCOL_DEFAULT_EQUATION, age="age", sex="sex",
                    creatinine="creatinine", creatinine_unit="creatinine_unit" if per_row else creatinine_unit,
                    sex_labels=sex_labels)
        return out[column] if column == "egfr" else out[column].cast(pl.String)

    dtype = pl.Float64 if column == "egfr" else pl.String
    # Named for what it is: a struct expression takes its first field's name (`age`), and
    # `with_columns` would overwrite that column with the result.
    return pl.struct(**fields).map_batches(run, return_dtype=dtype).alias(column)


def egfr(age: Column, sex: Column, creatinine: Column, *, equation: Optional[str] = None,
         creatinine_unit: Column = "mg/dL", sex_labels: Optional[Mapping[str, str]] = None) -> Any:
    """eGFR (Float64, null on a bad row; the expression is named ``egfr``) from three columns or expressions, by the rules of
    :func:`amimestrocel_dkd.egfr` (the protocol's equation unless ``equation`` is given).
    ``creatinine_unit`` is a unit (``"µmol/L"``) or a column or expression of units, one per
    row (``"LBSTRESU"``)."""
    return _batch("egfr", age, sex, creatinine, equation, creatinine_unit, sex_labels)


def egfr_error(age: Column, sex: Column, creatinine: Column, *, equation: Optional[str] = None,
               creatinine_unit: Column = "mg/dL", sex_labels: Optional[Mapping[str, str]] = None) -> Any:
    """Why a row has no eGFR (String: ``ok``, ``creatinine_missing``, ...; see
    :func:`amimestrocel_dkd.egfr_error_kinds`)."""
    return _batch("egfr_error", age, sex, creatinine, equation, creatinine_unit, sex_labels)
