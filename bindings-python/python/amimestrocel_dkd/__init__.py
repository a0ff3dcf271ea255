"""amimestrocel_dkd: the NCT06969807 protocol (Amimestrocel in diabetic kidney disease) as code.

Unit-safe lab values, one class per analyte::

    >>> from amimestrocel_dkd import SerumCreatinine, estimate_gfr
    >>> scr = SerumCreatinine(1.3, "mg/dL")
    >>> round(scr.to("µmol/L"), 2)
    114.92
    >>> result = estimate_gfr("ckd_epi_2021_cr", age=60, sex="female", creatinine=scr)
    >>> (result.equation, round(result.value, 1), result.unit)
    ('ckd_epi_2021_cr', 47.1, 'mL/min/1.73m²')

and a vectorised :func:`egfr` over numpy arrays or pandas Series.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, NamedTuple, Optional, overload

from .types import AnalyteSlug, EquationSlug

from . import _native
from ._native import (
    PROTOCOL_DEFAULT_EQUATION,
    CreatinineClearance,
    CystatinC,
    DiastolicBp,
    Egfr,
    FastingGlucose,
    GfrEstimate,
    Hba1c,
    HdlCholesterol,
    LabValue,
    LdlCholesterol,
    Potassium,
    SerumCreatinine,
    SystolicBp,
    TotalCholesterol,
    Triglycerides,
    Uacr,
    UrineAlbumin,
    UrineCreatinine,
    UrineProtein24h,
    age_on,
    estimate_gfr,
    lab_value,
    parse_unit,
)
from .errors import DkdError, InternalError, InvalidConfigError, InvalidInputError
from .screening import (
    CriterionInfo,
    CriterionResult,
    Evidence,
    Parameter,
    Quantity,
    ScreeningResult,
    criteria,
    default_config,
    screen,
    screen_many,
    synthetic_cohort,
)

__version__: str = _native.__version__

__all__ = [
    "PROTOCOL_DEFAULT_EQUATION",
    "AnalyteInfo",
    "CreatinineClearance",
    "CriterionInfo",
    "CriterionResult",
    "CystatinC",
    "DiastolicBp",
    "DkdError",
    "Egfr",
    "EgfrArrays",
    "EquationInfo",
    "Evidence",
    "FastingGlucose",
    "GfrEstimate",
    "Hba1c",
    "HdlCholesterol",
    "InternalError",
    "InvalidConfigError",
    "InvalidInputError",
    "LabValue",
    "LdlCholesterol",
    "Parameter",
    "Potassium",
    "Quantity",
    "ScreeningResult",
    "SerumCreatinine",
    "SystolicBp",
    "TotalCholesterol",
    "Triglycerides",
    "Uacr",
    "UrineAlbumin",
    "UrineCreatinine",
    "UrineProtein24h",
    "age_on",
    "analytes",
    "batch_kernel",
    "criteria",
    "default_config",
    "egfr",
    "egfr_error_kinds",
    "equations",
    "estimate_gfr",
    "lab_value",
    "parse_unit",
    "screen",
    "screen_many",
    "synthetic_cohort",
]


class AnalyteInfo(NamedTuple):
    """What the library knows of one analyte: slug, label, units (canonical first) and the
    plausibility bounds, in the canonical unit."""

    analyte: AnalyteSlug
    label: str
    canonical_unit: str
    units: List[str]
    min: float
    max: float


def analytes() -> List[AnalyteInfo]:
    """Every analyte, in core's order.

    >>> [a for a in analytes() if a.analyte == "potassium"][0].units
    ['mmol/L', 'mEq/L']
    """
    return [AnalyteInfo(*a) for a in _native.analytes()]


class EquationInfo(NamedTuple):
    """What the library knows of one GFR equation: slug, source (with its DOI), result unit,
    whether it is per 1.73 m², the ages it is used for and the inputs it reads besides age and
    sex (``creatinine``, ``cystatin_c``, ``weight_kg``)."""

    equation: EquationSlug
    source: str
    unit: str
    normalised: bool
    min_age: int
    max_age: int
    needs: List[str]


def equations() -> List[EquationInfo]:
    """Every equation, in core's order.

    >>> [e.needs for e in equations() if e.equation == "cockcroft_gault"]
    [['creatinine', 'weight_kg']]
    """
    return [EquationInfo(*e) for e in _native.equations()]


def batch_kernel() -> str:
    """Which compiled kernel :func:`egfr` runs on this CPU: ``"avx2"`` (AVX2 and FMA, four
    doubles per instruction) or ``"baseline"``. Both give the same bits.

    >>> batch_kernel() in {"avx2", "baseline"}
    True
    """
    return _native.batch_kernel()


def egfr_error_kinds() -> "dict[int, str]":
    """The row error codes of :func:`egfr` and their slugs (0 is ``"ok"``)."""
    return dict(_native.egfr_error_kinds())


class EgfrArrays(NamedTuple):
    """Result of :func:`egfr`: ``values`` (float64, NaN where a row is bad) and
    ``error_codes`` (uint8, 0 where the row is fine; see :func:`egfr_error_kinds`)."""

    values: Any
    error_codes: Any

    def error_kinds(self) -> List[str]:
        """The slug of each row's error code, ``"ok"`` for good rows."""
        kinds = egfr_error_kinds()
        return [kinds[int(c)] for c in self.error_codes]


@overload
def egfr(
    data: Optional[str] = None,
    *,
    equation: Optional[str] = None,
    age: Any,
    sex: Any = None,
    female: Any = None,
    creatinine: Any = None,
    creatinine_unit: str = "mg/dL",
    cystatin_c: Any = None,
    cystatin_c_unit: str = "mg/L",
    weight_kg: Any = None,
    black: Any = None,
    sex_labels: Optional[Mapping[str, str]] = None,
    strict: bool = False,
    threads: int = 0,
) -> EgfrArrays: ...


@overload
def egfr(
    data: Any,
    *,
    equation: Optional[str] = None,
    age: Any,
    sex: Any = None,
    female: Any = None,
    creatinine: Any = None,
    creatinine_unit: str = "mg/dL",
    cystatin_c: Any = None,
    cystatin_c_unit: str = "mg/L",
    weight_kg: Any = None,
    black: Any = None,
    sex_labels: Optional[Mapping[str, str]] = None,
    strict: bool = False,
    threads: int = 0,
) -> Any: ...


def egfr(
    data: Any = None,
    *,
    equation: Optional[str] = None,
    age: Any,
    sex: Any = None,
    female: Any = None,
    creatinine: Any = None,
    creatinine_unit: str = "mg/dL",
    cystatin_c: Any = None,
    cystatin_c_unit: str = "mg/L",
    weight_kg: Any = None,
    black: Any = None,
    sex_labels: Optional[Mapping[str, str]] = None,
    strict: bool = False,
    threads: int = 0,
) -> Any:
    """Vectorised eGFR over columns (numpy arrays, pandas Series, masked arrays or sequences),
    or over the columns of a table.

    ``egfr(equation, age=..., sex=..., creatinine=...)`` takes the columns themselves and
    returns :class:`EgfrArrays`. ``egfr(table, age="AGE", sex="SEX", creatinine="LBSTRESN")``
    takes a table and the names of its columns: a pandas DataFrame (read with the rules below;
    a DataFrame on its index comes back), or any Arrow data (``__arrow_c_stream__`` or
    ``__arrow_c_array__``: pyarrow, polars, DuckDB, ...; read without pyarrow, numbers of any
    integer or float type, sex as utf8, large_utf8, utf8_view, a dictionary of any of them or
    integer codes, chunked or not; a pyarrow table comes back for pyarrow, a polars DataFrame
    for polars, an :class:`~amimestrocel_dkd._arrow.ArrowTable` for the others). The table that
    comes back has ``egfr`` (missing on a bad row) and ``egfr_error`` (the row's error slug,
    ``ok`` on a good row). A column that is not there is a ``KeyError``, a column of the wrong
    type a ``TypeError``, both before the batch runs. In a table a null is the row error
    ``<input>_missing`` (``creatinine_missing``; in pandas, NaN, None and ``pd.NA`` are all
    missing), a NaN that is not null (polars, pyarrow) ``<input>_not_finite``.
    ``sex_labels`` declares the texts (or integer codes) of a sex column that core does not
    know, e.g. ``{"1": "male", "2": "female"}`` or ``{"H": "male"}``; ``equation`` is then a
    keyword.

    One fused pass per row, split over ``threads`` cores (0: all) with the GIL released. A bad
    row (a missing or NaN creatinine, an age out of range, an unknown sex, ...) gives NaN and a
    non-zero error code and does not stop the batch; with ``strict=True`` the first bad row
    raises :class:`InvalidInputError` naming its index (``err.row``) and kind.

    How each column is read (one rule per column type; the whole table is in
    ``docs/reliability.md``):

    - ``age`` (whole years), ``creatinine``, ``cystatin_c``, ``weight_kg``: numbers (int or
      float). A missing value (None, NaN, ``pandas.NA``, a masked entry) is a row error.
      Booleans and text are a ``TypeError``: text is never read as a number.
    - ``sex``: ``"F"``/``"M"``/``"female"``/``"male"``/``"女"``/``"男"`` text (any case), ISO/IEC
      5218 integer codes (1 male, 2 female; float 1.0/2.0 too), or a pandas ``Categorical`` of
      either. A missing value, or text or a code that names no sex, is a row error. Booleans
      are a ``TypeError`` (which is True?): pass them as ``female=`` instead.
    - ``female``: booleans, True female, False male (instead of ``sex``).
    - ``black``: booleans or 0/1; a missing value is a row error for the equations that use the
      race coefficient (and ignored by the others); anything else (``"no"``, 2) is a
      ``TypeError``.
    - ``creatinine_unit``, ``cystatin_c_unit``: the unit of every row (``"mg/dL"``, ``"µmol/L"``,
      any spelling :func:`parse_unit` reads), or, with a table, the name of its column of units
      (``creatinine_unit="LBSTRESU"``: a text column, or a dictionary/categorical of texts), each
      row then in its own unit. A text that is a unit is read as the unit, never as a column's
      name. A row's unit that is missing, not a unit, or not one of the analyte's is that row's
      error (``creatinine_unit_missing``, ``creatinine_unit_unknown``,
      ``creatinine_unit_not_for_analyte``); a row without a value is ``creatinine_missing``
      whatever its unit.
    - Several pandas Series must share one index (rows are matched by position, so differing
      indexes would silently pair different people): otherwise ``ValueError``.

    >>> import numpy as np
    >>> out = egfr("ckd_epi_2021_cr", age=[60, 60], sex=["F", "F"], creatinine=[1.0, np.nan])
    >>> round(float(out.values[0]), 1), out.error_kinds()
    (64.5, ['ok', 'creatinine_not_finite'])
    >>> egfr(age=[60], female=[True], creatinine=[1.0]).error_kinds()
    ['ok']
    >>> import pandas as pd
    >>> labs = pd.DataFrame({"AGE": [60, 70], "SEX": ["F", "X"], "LBSTRESN": [1.0, 1.1]})
    >>> out = egfr(labs, age="AGE", sex="SEX", creatinine="LBSTRESN")
    >>> round(float(out.egfr[0]), 1), list(out.egfr_error)
    (64.5, ['ok', 'unknown_sex'])
    >>> lb = pd.DataFrame({"AGE": [60, 60, 60], "SEX": ["F", "F", "F"], "LBSTRESN": [1.0, 88.4, 1.0],
    ...                    "LBSTRESU": ["mg/dL", "umol/L", "mmHg"]})
    >>> out = egfr(lb, age="AGE", sex="SEX", creatinine="LBSTRESN", creatinine_unit="LBSTRESU")
    >>> [round(float(v), 1) for v in out.egfr[:2]], list(out.egfr_error)
    ([64.5, 64.5], ['ok', 'ok', 'creatinine_unit_not_for_analyte'])
    """
    from . import _arrow

    if data is not None and not isinstance(data, str) and _arrow.is_table(data):
        return _egfr_table(data, equation=equation or PROTOCOL_DEFAULT_EQUATION, age=age, sex=sex, female=female,
                           creatinine=creatinine, creatinine_unit=creatinine_unit, cystatin_c=cystatin_c,
                           cystatin_c_unit=cystatin_c_unit, weight_kg=weight_kg, black=black,
                           sex_labels=sex_labels, strict=strict, threads=threads)
    if data is not None and not isinstance(data, str):
        raise TypeError(
            "egfr's first argument is an equation slug or a table (a pandas DataFrame or Arrow data), "
            f"not {type(data).__name__}"
        )
    if data is not None and equation is not None and data != equation:
        raise TypeError(f"egfr got two equations: {data!r} and equation={equation!r}")
    if sex_labels is not None:
        raise TypeError("sex_labels is for a sex column of a table; for arrays, pass codes or texts core reads")
    for role, unit in (("creatinine_unit", creatinine_unit), ("cystatin_c_unit", cystatin_c_unit)):
        if not isinstance(unit, str):
            raise TypeError(f"{role} of arrays is one unit (a str); for a unit per row, pass a table and name "
                            "its column of units")
    return _egfr_arrays(data or equation or PROTOCOL_DEFAULT_EQUATION, age=age, sex=sex, female=female,
                        creatinine=creatinine, creatinine_unit=creatinine_unit, cystatin_c=cystatin_c,
                        cystatin_c_unit=cystatin_c_unit, weight_kg=weight_kg, black=black, strict=strict,
                        threads=threads)


def _egfr_arrays(equation: str, *, age: Any, sex: Any, female: Any, creatinine: Any, creatinine_unit: str,
                 cystatin_c: Any, cystatin_c_unit: str, weight_kg: Any, black: Any, strict: bool,
                 threads: int) -> EgfrArrays:
    import numpy as np

    from . import _columns

    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise TypeError("threads must be a non-negative int (0: all cores)")
    if threads > _MAX_THREADS:
        raise ValueError(f"threads must be at most {_MAX_THREADS} (0: all cores)")
    _columns.check_same_index(
        age=age, sex=sex, female=female, creatinine=creatinine, cystatin_c=cystatin_c, weight_kg=weight_kg, black=black
    )
    ages = _columns.floats(np, "age", age)
    sexes = _columns.sex_codes(np, sex, female)

    def column(name: str, values: Any) -> Any:
        return None if values is None else _columns.floats(np, name, values)

    values, codes = _native.egfr_columns(
        equation,
        ages,
        sexes,
        column("creatinine", creatinine),
        creatinine_unit,
        column("cystatin_c", cystatin_c),
        cystatin_c_unit,
        column("weight_kg", weight_kg),
        None if black is None else _columns.flags(np, "black", black),
        strict,
        threads,
    )
    return EgfrArrays(values, codes)


# More threads than any machine has cores: a larger count is a slip (and does not fit the native
# call's integer).
_MAX_THREADS = 1 << 16


def _is_unit(role: str, unit: Any) -> bool:
    """Whether ``unit`` is a unit's text (``"mg/dL"``) rather than the name of a column of units."""
    if not isinstance(unit, str):
        raise TypeError(f"{role} is a unit or the name of a column of units (a str), not {type(unit).__name__}")
    try:
        parse_unit(unit)
    except InvalidInputError:
        return False
    return True


def _pandas_unit_codes(column: Any, name: str) -> Any:
    """The codes (-1 for a missing unit) and distinct texts of a pandas column of units."""
    import numpy as np

    from ._extras import require

    pd = require("pandas", "egfr over a pandas DataFrame")
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = list(uniques)
    odd = next((t for t in texts if not isinstance(t, str)), None)
    if odd is not None:
        raise TypeError(f"column {name!r} holds units as text, not {type(odd).__name__}")
    return np.asarray(codes, dtype=np.int64), texts


def _egfr_table(table: Any, *, equation: str, age: Any, sex: Any, female: Any, creatinine: Any,
                creatinine_unit: str, cystatin_c: Any, cystatin_c_unit: str, weight_kg: Any, black: Any,
                sex_labels: Optional[Mapping[str, str]], strict: bool, threads: int) -> Any:
    """:func:`egfr` over the columns of a table, named by the arguments."""
    import numpy as np

    from . import _arrow, _columns

    names = {"age": age, "sex": sex, "female": female, "creatinine": creatinine, "cystatin_c": cystatin_c,
             "weight_kg": weight_kg, "black": black}
    for role, name in names.items():
        if name is not None and not isinstance(name, str):
            raise TypeError(f"with a table, {role} names a column (a str), not {type(name).__name__}")
    # A unit text is the unit of every row; any other text names the table's column of units.
    unit_columns = {lab: unit for lab, unit in (("creatinine", creatinine_unit), ("cystatin_c", cystatin_c_unit))
                    if not _is_unit(f"{lab}_unit", unit)}
    for lab, unit_column in unit_columns.items():
        if names[lab] is None:
            # Neither a unit nor of use as a column: a misspelt unit, or a lab column left out.
            raise TypeError(f"{lab}_unit={unit_column!r} is not a unit core reads, and {lab}= names no column "
                            f"whose units it could hold; give a unit (such as "
                            f"{'mg/dL' if lab == 'creatinine' else 'mg/L'!r}) or {lab}=")
    index = None
    caller = table
    if _arrow.is_lazy_polars(table):
        table = _arrow.only(table, [n for n in (*names.values(), *unit_columns.values()) if n is not None])
        _arrow.check_polars_nulls(table)
        table = table.collect_batches()  # a stream of DataFrames, read batch by batch
    if _arrow.kind_of(table) == "pandas":
        absent = [n for n in [*names.values(), *unit_columns.values()] if n is not None and n not in table.columns]
        if absent:
            raise KeyError(f"no column {absent[0]!r} in the DataFrame (its columns: {list(table.columns)}), "
                           "and it is not a unit either")
        if sex_labels is not None and sex is not None:
            declared = _checked_sex_labels(sex_labels)
            table = table.assign(**{sex: table[sex].map(lambda v: declared.get(_label_key(v), v))})
        inputs = {role: None if n is None else table[n] for role, n in names.items()}
        units = {"creatinine": creatinine_unit, "cystatin_c": cystatin_c_unit}
        unit_errors = {}
        for lab, unit_column in unit_columns.items():
            if inputs[lab] is None:
                continue
            codes, texts = _pandas_unit_codes(table[unit_column], unit_column)
            values = _columns.floats(np, lab, inputs[lab])
            inputs[lab], units[lab], unit_errors[lab] = _native.egfr_units_to_canonical(lab, values, codes, texts)
        arrays = _egfr_arrays(equation, **inputs, creatinine_unit=units["creatinine"],
                              cystatin_c_unit=units["cystatin_c"], strict=False, threads=threads)
        index = table.index
        # pandas marks a missing value with NaN, None, pd.NA or NaT alike: each is "missing".
        missing = {role: table[n].isna().to_numpy(dtype=bool) for role, n in names.items()
                   if n is not None and role not in ("female", "black")}
    else:
        if female is not None:
            raise TypeError("with Arrow data, give sex= (text, codes or declared labels), not female=")
        if sex is None:
            raise TypeError("egfr() needs sex= naming the table's sex column")
        wanted = {k: v for k, v in names.items() if k not in ("female",) and v is not None}
        wanted.update({f"{lab}_unit": column for lab, column in unit_columns.items() if names[lab] is not None})
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
            raise TypeError("threads must be a non-negative int (0: all cores)")
        if threads > _MAX_THREADS:
            raise ValueError(f"threads must be at most {_MAX_THREADS} (0: all cores)")
        labels = [(str(k), str(v)) for k, v in (sex_labels or {}).items()]
        # One native call: each thread reads its rows a piece at a time and runs the batch on
        # them; nulls (`*_missing`) and bad units are named, and strict raises, in there.
        # A lab read with a unit per row has none for all rows (its role `*_unit` names the column).
        one_unit = {lab: "mg/dL" if lab == "creatinine" else "mg/L" for lab in unit_columns}
        values, codes = _native.egfr_arrow(_arrow.read_once(_arrow.only(table, wanted.values())), list(wanted.items()),
                                           labels, equation,
                                           one_unit.get("creatinine", creatinine_unit),
                                           one_unit.get("cystatin_c", cystatin_c_unit), strict, threads)
        return _egfr_result(values, codes, caller, index=None)
    # A row's bad unit is named (`creatinine_unit_unknown`) where the batch saw the NaN put in
    # its place; a null is "missing" (`creatinine_missing`), a NaN that is not null "not
    # finite"; with strict, the first bad row raises once all are named.
    for lab, errors in unit_errors.items():
        _native.egfr_mark_unit_errors(arrays.error_codes, lab, errors)
    _native.egfr_mark_missing(arrays.error_codes, [(role, rows) for role, rows in missing.items() if rows.any()],
                              strict)
    return _egfr_result(arrays.values, arrays.error_codes, caller, index=index)


def _checked_sex_labels(sex_labels: Mapping[str, str]) -> Dict[str, str]:
    """The declared labels, each read by core as female or male, as the Arrow path reads them;
    a label declared as anything else is a ``ValueError``, not a silent unknown sex."""
    import numpy as np

    labels = {str(k): str(v) for k, v in sex_labels.items()}
    codes = _native.sex_codes_objects(np.array(list(labels.values()), dtype=object), "sex_labels")
    for (label, target), code in zip(labels.items(), codes):
        if code not in (1, 2):  # ISO/IEC 5218: 1 male, 2 female
            raise ValueError(f"sex_labels[{label!r}] is {target!r}, not female or male")
    return labels


def _label_key(value: Any) -> str:
    """The text a sex label is declared by for a cell: a whole number as its integer text (1.0
    and 1 are both ``"1"``, as pandas stores integer codes with a missing value as floats)."""
    import numbers

    import numpy as np

    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))  # True is not the code 1: booleans are refused as sex, as in Arrow
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return str(int(float(value)))
    return str(value)


def _egfr_result(values: Any, codes: Any, caller: Any, index: Any) -> Any:
    """The result table of :func:`egfr` over a table, in the caller's kind."""
    from . import _arrow

    kinds = egfr_error_kinds()
    slugs = [kinds[k] for k in range(len(kinds))]
    # The Arrow result reads these arrays where they are (no copy): read-only from here, so that
    # the pandas form of the result cannot change the Arrow form under it.
    values.setflags(write=False)
    codes.setflags(write=False)
    result = _arrow.table([_arrow.Column("egfr", "float?", values),
                           _arrow.Column("egfr_error", "dict", codes, slugs)])
    return _arrow.like(result, caller, index=index)
