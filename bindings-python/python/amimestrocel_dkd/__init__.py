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

from typing import Any, List, NamedTuple, Optional

from . import _native
from ._native import (
    PROTOCOL_DEFAULT_EQUATION,
    CreatinineClearance,
    CystatinC,
    DiastolicBp,
    Egfr,
    FastingGlucose,
    GfrResult,
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
    UrineProtein24h,
    age_on,
    analytes,
    equations,
    estimate_gfr,
    lab_value,
    parse_unit,
)
from .errors import DemographicsError, DkdError, EgfrError, LabError, ScreeningError
from .screening import (
    CriterionResult,
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
    "CreatinineClearance",
    "CriterionResult",
    "CystatinC",
    "DemographicsError",
    "DiastolicBp",
    "DkdError",
    "Egfr",
    "EgfrArrays",
    "EgfrError",
    "FastingGlucose",
    "GfrResult",
    "Hba1c",
    "HdlCholesterol",
    "LabError",
    "LabValue",
    "LdlCholesterol",
    "Potassium",
    "ScreeningError",
    "ScreeningResult",
    "SerumCreatinine",
    "SystolicBp",
    "TotalCholesterol",
    "Triglycerides",
    "Uacr",
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


def _floats(np: Any, name: str, values: Any, n: Optional[int]) -> Any:
    array = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    if array.ndim != 1:
        raise TypeError(f"{name} must be one-dimensional, got {array.ndim} dimensions")
    return array


def _sex_codes(np: Any, sex: Any) -> Any:
    array = np.asarray(sex)
    if array.ndim != 1:
        raise TypeError(f"sex must be one-dimensional, got {array.ndim} dimensions")
    if array.dtype.kind == "b":
        raise TypeError("sex as booleans is ambiguous: pass 'F'/'M' strings or ISO/IEC 5218 codes (1 male, 2 female)")
    if array.dtype == np.uint8:
        return np.ascontiguousarray(array)
    if array.dtype.kind in "iu":
        # Out-of-range codes become 0 (not known) and so a row error, never a wrapped value.
        valid = (array >= 0) & (array <= 255)
        return np.ascontiguousarray(np.where(valid, array, 0).astype(np.uint8))
    if array.dtype.kind == "f":
        raise TypeError("sex as floats is ambiguous: pass 'F'/'M' strings or integer ISO/IEC 5218 codes")
    items = [None if v is None else str(v) for v in array.tolist()]
    return _native.sex_codes(items)


def egfr(
    equation: str = PROTOCOL_DEFAULT_EQUATION,
    *,
    age: Any,
    sex: Any,
    creatinine: Any = None,
    creatinine_unit: str = "mg/dL",
    cystatin_c: Any = None,
    cystatin_c_unit: str = "mg/L",
    weight_kg: Any = None,
    black: Any = None,
    strict: bool = False,
    threads: int = 0,
) -> EgfrArrays:
    """Vectorised eGFR over columns (numpy arrays, pandas Series or sequences).

    One fused pass per row, split over ``threads`` cores (0: all) with the GIL released. A bad
    row (NaN creatinine, age out of range, unknown sex, ...) gives NaN and a non-zero error code
    and does not stop the batch; with ``strict=True`` the first bad row raises
    :class:`EgfrError` naming its index (``err.row``) and kind.

    ``sex`` holds ``"F"``/``"M"``/``"female"``/``"male"`` strings or ISO/IEC 5218 integer codes
    (1 male, 2 female). ``age`` is in whole years.

    >>> import numpy as np
    >>> out = egfr("ckd_epi_2021_cr", age=[60, 60], sex=["F", "F"], creatinine=[1.0, np.nan])
    >>> round(float(out.values[0]), 1), out.error_kinds()
    (64.5, ['ok', 'creatinine_not_finite'])
    """
    import numpy as np

    ages = _floats(np, "age", age, None)
    n = len(ages)
    sexes = _sex_codes(np, sex)

    def column(name: str, values: Any) -> Any:
        return None if values is None else _floats(np, name, values, n)

    black_col = None if black is None else np.ascontiguousarray(np.asarray(black, dtype=np.bool_))
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise TypeError("threads must be a non-negative int (0: all cores)")
    values, codes = _native.egfr_columns(
        equation,
        ages,
        sexes,
        column("creatinine", creatinine),
        creatinine_unit,
        column("cystatin_c", cystatin_c),
        cystatin_c_unit,
        column("weight_kg", weight_kg),
        black_col,
        strict,
        threads,
    )
    return EgfrArrays(values, codes)
