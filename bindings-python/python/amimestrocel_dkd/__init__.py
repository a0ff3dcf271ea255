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

from typing import Any, List, NamedTuple

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


def egfr(
    equation: str = PROTOCOL_DEFAULT_EQUATION,
    *,
    age: Any,
    sex: Any = None,
    female: Any = None,
    creatinine: Any = None,
    creatinine_unit: str = "mg/dL",
    cystatin_c: Any = None,
    cystatin_c_unit: str = "mg/L",
    weight_kg: Any = None,
    black: Any = None,
    strict: bool = False,
    threads: int = 0,
) -> EgfrArrays:
    """Vectorised eGFR over columns (numpy arrays, pandas Series, masked arrays or sequences).

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
    - Several pandas Series must share one index (rows are matched by position, so differing
      indexes would silently pair different people): otherwise ``ValueError``.

    >>> import numpy as np
    >>> out = egfr("ckd_epi_2021_cr", age=[60, 60], sex=["F", "F"], creatinine=[1.0, np.nan])
    >>> round(float(out.values[0]), 1), out.error_kinds()
    (64.5, ['ok', 'creatinine_not_finite'])
    >>> egfr(age=[60], female=[True], creatinine=[1.0]).error_kinds()
    ['ok']
    """
    import numpy as np

    from . import _columns

    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise TypeError("threads must be a non-negative int (0: all cores)")
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
