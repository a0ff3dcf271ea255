"""How :func:`amimestrocel_dkd.egfr` reads the columns it is given: one rule per column type,
never a silent reading. Numbers stay numbers, text is never parsed as a number, a missing value
becomes a row error, a value of the wrong type is a ``TypeError`` naming the column (and the
row, where there is one). Sex text is read by the Rust core (``Sex::parse``); the functions here
only pick the fast path for each layout.
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

from . import _native

_MISSING_FLAG = 255  # a black flag that is neither 0 nor 1: not known


def _is_pandas(value: Any) -> bool:
    return type(value).__module__.split(".")[0] == "pandas"


def check_same_index(**columns: Any) -> None:
    """Several pandas Series must share one index: rows are matched by position, and Series
    with different indexes would pair one person's age with another's creatinine."""
    first: Optional[Tuple[str, Any]] = None
    for name, value in columns.items():
        index = getattr(value, "index", None) if _is_pandas(value) and hasattr(value, "iloc") else None
        if index is None:
            continue
        if first is None:
            first = (name, index)
        elif not index.equals(first[1]):
            raise ValueError(
                f"the pandas Series for {first[0]} and {name} have different indexes: rows are matched by "
                "position, so align them first (e.g. pass columns of one DataFrame) or pass .to_numpy()"
            )


def _array(np: Any, name: str, value: Any) -> Tuple[Any, Any]:
    """The values of a column as a one-dimensional numpy array, and its mask (or None)."""
    mask = None
    if isinstance(value, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(value)
        data = np.asarray(value.data)
    elif _is_pandas(value) and hasattr(value, "dtype") and not isinstance(value.dtype, np.dtype):
        dtype = value.dtype
        if getattr(dtype, "name", "") == "category":
            data = np.asarray(value)
        elif getattr(dtype, "kind", "O") in "iuf":
            # Nullable Int64/Float64: missing values become NaN.
            data = value.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            data = value.to_numpy(dtype=object)
    else:
        data = np.asarray(value)
    if data.ndim != 1:
        raise TypeError(f"{name} must be one-dimensional, got {data.ndim} dimensions")
    return data, mask


def floats(np: Any, name: str, value: Any) -> Any:
    """A number column as contiguous float64; a missing value is NaN (a row error)."""
    data, mask = _array(np, name, value)
    kind = data.dtype.kind
    if kind == "f" or kind in "iu":
        out = np.ascontiguousarray(data, dtype=np.float64)
    elif kind == "O":
        out = _native.floats_from_objects(np.ascontiguousarray(data), name)
    elif kind == "b":
        raise TypeError(f"{name} holds booleans, not numbers")
    elif kind in "US":
        raise TypeError(
            f"{name} holds text, not numbers: convert it first (e.g. pandas.to_numeric); text is never read as a number"
        )
    else:
        raise TypeError(f"{name} must hold numbers, not {data.dtype}")
    if mask is not None and mask.any():
        out = np.where(mask, np.nan, out)
    return out


def _sex_from_categorical(np: Any, value: Any) -> Any:
    categories = np.asarray(value.cat.categories, dtype=object)
    lookup = _native.sex_codes_objects(np.ascontiguousarray(categories), "sex categories")
    # Code -1 (a missing value) takes the last entry: 0, not known.
    lookup = np.concatenate([lookup, np.zeros(1, dtype=np.uint8)])
    return lookup[value.cat.codes.to_numpy()]


def sex_codes(np: Any, sex: Any, female: Any) -> Any:
    """ISO/IEC 5218 codes (uint8) from ``sex`` or from a boolean ``female`` column; 0 where
    the sex is missing or not one the equations know (a row error)."""
    if (sex is None) == (female is None):
        raise TypeError("egfr() needs exactly one of sex= (text or ISO/IEC 5218 codes) and female= (booleans)")
    if female is not None:
        data, mask = _array(np, "female", female)
        if data.dtype.kind == "b":
            codes = _native.sex_codes_female(np.ascontiguousarray(data))
        else:
            marks = flags(np, "female", female)
            codes = np.where(marks == 1, 2, np.where(marks == 0, 1, 0)).astype(np.uint8)
            mask = None
    else:
        if _is_pandas(sex) and getattr(getattr(sex, "dtype", None), "name", "") == "category":
            return _sex_from_categorical(np, sex)
        data, mask = _array(np, "sex", sex)
        kind = data.dtype.kind
        if kind == "U":
            cells = np.ascontiguousarray(data)
            codes = _native.sex_codes_ucs4(cells.view(np.uint32).reshape(-1), cells.dtype.itemsize // 4)
        elif kind == "S":
            cells = np.ascontiguousarray(data)
            codes = _native.sex_codes_bytes(cells.view(np.uint8).reshape(-1), cells.dtype.itemsize)
        elif kind == "O":
            codes = _native.sex_codes_objects(np.ascontiguousarray(data), "sex")
        elif data.dtype == np.uint8:
            codes = np.ascontiguousarray(data)  # codes as the batch reads them: 1, 2, else unknown
        elif kind in "iu":
            codes = _native.sex_codes_ints(np.ascontiguousarray(data, dtype=np.int64))
        elif kind == "f":
            codes = _native.sex_codes_floats(np.ascontiguousarray(data, dtype=np.float64))
        elif kind == "b":
            raise TypeError(
                "sex as booleans is ambiguous (which is True?): pass female=<booleans>, 'F'/'M' text or "
                "ISO/IEC 5218 codes (1 male, 2 female)"
            )
        else:
            raise TypeError(f"sex must hold text or ISO/IEC 5218 codes, not {data.dtype}")
    if mask is not None and mask.any():
        codes = np.where(mask, 0, codes).astype(np.uint8)
    return codes


def flags(np: Any, name: str, value: Any) -> Any:
    """Black-race (or other yes/no) flags as uint8: 0 no, 1 yes, 255 not known (missing)."""
    data, mask = _array(np, name, value)
    kind = data.dtype.kind
    if kind == "b":
        out = np.ascontiguousarray(data).view(np.uint8)
    elif kind in "iu":
        bad = (data != 0) & (data != 1)
        if bad.any():
            row = int(np.argmax(bad))
            raise TypeError(f"{name}[{row}] is not a flag: pass booleans (or 0/1), None for not known")
        out = np.ascontiguousarray(data, dtype=np.uint8)
    elif kind == "f":
        missing = np.isnan(data)
        bad = ~missing & (data != 0.0) & (data != 1.0)
        if bad.any():
            row = int(np.argmax(bad))
            raise TypeError(f"{name}[{row}] is not a flag: pass booleans (or 0/1), None for not known")
        out = np.where(missing, _MISSING_FLAG, data).astype(np.uint8)
    elif kind == "O":
        out = _native.flags_from_objects(np.ascontiguousarray(data), name)
    elif kind in "US":
        raise TypeError(f"{name} holds text ('no', 'False', ...): pass booleans, never text")
    else:
        raise TypeError(f"{name} must hold booleans, not {data.dtype}")
    if mask is not None and mask.any():
        out = np.where(mask, _MISSING_FLAG, out).astype(np.uint8)
    return out


# A day as text, as core's reader takes it (`date::parse_iso_date`): YYYY-MM-DD, whole.
ISO_DAY = r"\d{4}-\d{2}-\d{2}"


def whole(value: Any, name: str, low: int, high: int) -> int:
    """An argument that is a whole number from ``low`` to ``high`` (the range the native call
    represents): a ``TypeError`` for anything but an int (a bool or a float is not one), an
    ``InvalidInputError`` naming the argument outside the range (never Python's bare
    ``OverflowError``)."""
    import numbers

    from .errors import InvalidInputError

    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} is {type(value).__name__}, not a whole number")
    if not low <= int(value) <= high:
        raise InvalidInputError(f"{name}: must be a whole number from {low} to {high}", "invalid_argument",
                                {"argument": name})
    return int(value)
