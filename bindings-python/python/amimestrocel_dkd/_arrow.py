"""Tables in, tables out (issue 15): a function given a table reads its columns by name and
gives back a table of the caller's kind.

- a pandas DataFrame is read column by column with the numpy rules (``docs/reliability.md``),
  and a DataFrame on the same index comes back;
- any other object with ``__arrow_c_stream__`` or ``__arrow_c_array__`` (pyarrow, polars,
  DuckDB, arro3, nanoarrow) is read through the Arrow C interface in the native module, without
  pyarrow; a pyarrow table comes back for pyarrow, a polars DataFrame for polars, and an
  :class:`ArrowTable` (itself Arrow data, with ``to_pandas``, ``to_pyarrow``, ``to_polars``)
  for the others.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from . import _native
from ._extras import require

__all__ = ["ArrowTable", "Column", "is_table", "kind_of", "table"]


def _module(value: Any) -> str:
    return type(value).__module__.split(".")[0]


# The one-shot streams (readers) an earlier call read to their end: a reader is read once, and
# its second reading would give no rows, silently.
_READ: "weakref.WeakSet[Any]" = weakref.WeakSet()


def polars_null_columns(data: Any) -> List[str]:
    """The paths of a polars frame's columns (at any depth) of dtype ``Null``: polars exports
    them in a form the Arrow C interface refuses (pola-rs/polars#22934), so they are named
    before the read rather than failing inside it."""
    # Looked up on the type: a LazyFrame's `schema` property resolves the plan (and warns).
    if _module(data) != "polars" or not (hasattr(type(data), "collect_schema") or hasattr(type(data), "schema")):
        return []
    pl = require("polars", "a polars frame")
    schema = data.collect_schema() if hasattr(type(data), "collect_schema") else data.schema
    found: List[str] = []

    def walk(dtype: Any, path: str) -> None:
        if dtype == pl.Null:
            found.append(path)
        elif isinstance(dtype, (pl.List, pl.Array)):
            walk(dtype.inner, f"{path}[]")
        elif isinstance(dtype, pl.Struct):
            for field in dtype.fields:
                walk(field.dtype, f"{path}.{field.name}")

    for name, dtype in schema.items():
        walk(dtype, name)
    return found


def only(data: Any, columns: Iterable[str]) -> Any:
    """A polars frame (eager or lazy) cut to ``columns`` (those it has), so that a column the
    call does not read cannot stop it (a dtype the Arrow C interface refuses, a ``Null``
    column); any other data as it is (the native reader finds its columns by name)."""
    if _module(data) != "polars" or not hasattr(type(data), "select"):
        return data
    names = data.collect_schema().names() if hasattr(type(data), "collect_schema") else list(data.columns)
    keep = [c for c in dict.fromkeys(columns) if c in names]
    return data.select(keep) if keep else data


def check_polars_nulls(data: Any) -> None:
    """A ``TypeError`` naming the columns of dtype ``Null`` of a polars frame, with the cast
    that reads them (see :func:`polars_null_columns`)."""
    nulls = polars_null_columns(data)
    if nulls:
        raise TypeError(f"polars column(s) {', '.join(nulls)} are of dtype Null (only None), which polars exports "
                        "in a form the Arrow C interface refuses (pola-rs/polars#22934): cast them to their type "
                        "first, e.g. df.with_columns(pl.col(name).cast(pl.Float64)); screening records as a polars "
                        "frame of their schema: pl.DataFrame(screening.records_to_arrow(records))")


def read_once(data: Any) -> Any:
    """``data``, about to be read by the native module. A reader (an object with
    ``read_next_batch``, such as ``pyarrow.RecordBatchReader`` or DuckDB's
    ``fetch_record_batch()``, or an iterator) that an earlier call read is refused with
    ``ValueError`` rather than read as a table of no rows; a table (pyarrow, polars, a DuckDB
    relation) can be read any number of times. A reader counts as read once its stream was
    taken (a call refused before that, for a bad argument, leaves it unread). A reader the caller
    drained itself cannot be told from an empty one."""
    check_polars_nulls(data)
    if not (hasattr(data, "read_next_batch") or hasattr(type(data), "__next__")):
        return data
    try:
        seen = data in _READ
    except TypeError:  # not weakly referenceable (arro3's reader): cannot be followed
        return data
    if seen:
        raise ValueError(f"this {type(data).__name__} was read to its end by an earlier call: a stream is read once; "
                         "pass the table itself, or a new reader")
    return _ReadOnce(data)


class _ReadOnce:
    """A reader that is marked as read when its stream is taken."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object:
        stream = self._reader.__arrow_c_stream__(requested_schema)
        try:
            _READ.add(self._reader)
        except TypeError:
            pass
        return stream


def is_lazy_polars(value: Any) -> bool:
    """Whether ``value`` is a polars LazyFrame (read through ``collect_batches()``)."""
    return _module(value) == "polars" and hasattr(value, "collect_batches") and not hasattr(value, "__arrow_c_stream__")


def is_table(value: Any) -> bool:
    """Whether ``value`` is a table: a pandas DataFrame, a polars LazyFrame, or Arrow data (the
    PyCapsule interface)."""
    if _module(value) == "pandas":
        return hasattr(value, "columns") and hasattr(value, "iloc")
    return is_lazy_polars(value) or hasattr(value, "__arrow_c_stream__") or hasattr(value, "__arrow_c_array__")


def kind_of(value: Any) -> str:
    """``pandas``, ``pyarrow``, ``polars`` or ``arrow`` (any other Arrow producer)."""
    module = _module(value)
    return module if module in ("pandas", "pyarrow", "polars") else "arrow"


class ArrowTable:
    """A result as Arrow data: ``__arrow_c_stream__`` (so ``pyarrow.table(t)``,
    ``polars.DataFrame(t)`` or DuckDB read it without a copy of the rules), ``columns``, and
    conversions. ``to_pandas`` needs only pandas, except for a nested column (the criteria of
    ``screen_many(..., evidence="nested")``), which pyarrow turns into lists of dicts."""

    def __init__(self, native: Any, columns: Dict[str, Any]) -> None:
        self._native = native
        self._columns = columns

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object:
        return self._native.__arrow_c_stream__(requested_schema)

    def __arrow_c_schema__(self) -> object:
        return self._native.__arrow_c_schema__()

    def __len__(self) -> int:
        return int(self._native.__len__())

    @property
    def column_names(self) -> List[str]:
        """The names of the columns, in order."""
        return list(self._columns)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def to_pandas(self, index: Any = None, copy: bool = True) -> Any:
        """A pandas DataFrame (numbers nullable ``Float64``: a bad row is ``pd.NA``; slugs as a
        category). With ``copy=False`` the columns are the result's own arrays, which may be
        read-only where the Arrow form shares them."""
        pd = require("pandas", "ArrowTable.to_pandas")
        frame = {name: f(pd) for name, f in self._columns.items()}
        return pd.DataFrame(frame, index=index, copy=copy)

    def to_pyarrow(self) -> Any:
        """A ``pyarrow.Table``."""
        return require("pyarrow", "ArrowTable.to_pyarrow").table(self)

    def to_polars(self) -> Any:
        """A ``polars.DataFrame``."""
        return require("polars", "ArrowTable.to_polars").DataFrame(self)

    def __repr__(self) -> str:
        return f"ArrowTable({len(self)} rows: {', '.join(self._columns)})"


#: The span over which :func:`zone_offsets` follows a zone's changes of offset (UTC seconds:
#: 1900-01-01 to 2100-01-01); before it, the zone's offset of 1900, after it that of 2100.
ZONE_SPAN = (-2_208_988_800, 4_102_444_800)


def zone_offsets(tz: str) -> Tuple[List[int], List[int]]:
    """The UTC offsets of the IANA time zone ``tz`` (``"Asia/Shanghai"``), as the native readers
    take them: the instants (UTC seconds) from which each offset (seconds) holds, found with the
    standard library's ``zoneinfo`` by looking at every day of :data:`ZONE_SPAN` and, where the
    offset changed, at the second it changed. Two changes within one day would be seen as one.
    An unknown zone is a ``ValueError``.

    >>> starts, offsets = zone_offsets("Asia/Shanghai")
    >>> offsets[-1] // 3600, len(starts) > 1
    (8, True)
    """
    if tz not in _ZONES:
        _ZONES[tz] = _follow_zone(tz)
    return _ZONES[tz]


#: The zones :func:`zone_offsets` has followed (a few at most in a session).
_ZONES: Dict[str, Tuple[List[int], List[int]]] = {}


def _follow_zone(tz: str) -> Tuple[List[int], List[int]]:
    """The work of :func:`zone_offsets`."""
    import datetime
    import zoneinfo

    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"tz={tz!r} is not a time zone of the IANA database (such as 'Asia/Shanghai')") from None

    def offset(t: int) -> int:
        delta = datetime.datetime.fromtimestamp(t, zone).utcoffset()
        return 0 if delta is None else int(delta.total_seconds())

    first, last = ZONE_SPAN
    starts, offsets = [first], [offset(first)]
    for day in range(first, last, 86_400):
        after = offset(day + 86_400)
        if after != offsets[-1]:
            low, high = day, day + 86_400  # the offset is offsets[-1] at low and `after` at high
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == offsets[-1] else (low, middle)
            starts.append(high)
            offsets.append(after)
    return starts, offsets


class Column(NamedTuple):
    """One column of a result, described once for both its Arrow and its pandas form.

    ``kind`` is ``float`` (float64, NaN kept), ``float?`` (NaN is missing: Arrow null, pandas
    ``Float64`` with ``pd.NA``), ``int`` / ``bool`` (``extra``: an optional bool array, true where
    there is a value), ``date`` (int64 nanoseconds, NaT or invalid per ``extra`` missing: Arrow
    date32, pandas ``datetime64[ns]``), ``dict`` (integer codes into the texts ``extra``, a
    negative code missing: Arrow dictionary, pandas Categorical), ``text`` (a list of str or
    None) or ``arrow`` (an array the native module made, such as nested criteria: Arrow as it is,
    pandas lists of dicts through pyarrow)."""

    name: str
    kind: str
    data: Any
    extra: Any = None


def _pandas_column(pd: Any, column: Column) -> Any:
    import numpy as np

    kind, data, extra = column.kind, column.data, column.extra
    if kind == "float":
        return data
    if kind == "float?":
        return pd.arrays.FloatingArray(data, np.isnan(data))
    if kind == "int":
        return data if extra is None else pd.arrays.IntegerArray(data, ~extra)
    if kind == "bool":
        return data if extra is None else pd.arrays.BooleanArray(data, ~extra)
    if kind == "date":
        dates = data.view("datetime64[ns]")
        return dates if extra is None else np.where(extra, dates, np.datetime64("NaT", "ns"))
    if kind == "dict":
        return pd.Categorical.from_codes(np.asarray(data, dtype=np.int64), categories=extra)
    if kind == "arrow":
        # Nested data as Python objects (lists of dicts), read by pyarrow.
        values = require("pyarrow", "ArrowTable.to_pandas of a nested column").array(data).to_pylist()
        out = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):
            out[i] = v
        return out
    return list(data)


def table(columns: Sequence[Column]) -> ArrowTable:
    """A result table from its columns: Arrow through the native module (numbers not copied),
    pandas from the same description."""
    import numpy as np

    def native_data(c: Column) -> Any:
        # Codes reach Arrow as they are when uint8, else as int64.
        if c.kind == "dict" and c.data.dtype != np.uint8:
            return np.asarray(c.data, dtype=np.int64)
        return c.data

    native = _native.TableArrow([(c.name, c.kind, native_data(c), c.extra) for c in columns])
    builders: Dict[str, Callable[[Any], Any]] = {
        c.name: (lambda pd, c=c: _pandas_column(pd, c)) for c in columns  # type: ignore[misc]
    }
    return ArrowTable(native, builders)


def like(result: ArrowTable, caller: Any, index: Any = None, copy: bool = True) -> Any:
    """``result`` as the caller's kind of table (for pandas, ``copy`` as in
    :meth:`ArrowTable.to_pandas`)."""
    kind = kind_of(caller)
    if kind == "pandas":
        return result.to_pandas(index=index, copy=copy)
    if kind == "pyarrow":
        return result.to_pyarrow()
    if kind == "polars":
        return result.to_polars().lazy() if is_lazy_polars(caller) else result.to_polars()
    return result
