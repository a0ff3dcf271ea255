"""Screening for NCT06969807: every inclusion and exclusion criterion, with evidence.

A record is a dict (or JSON text) in the schema of ``docs/screening-record.md``; dates may be
``datetime.date`` objects or ISO strings. Records go through the Rust core's reader, so a bad
record raises :class:`~amimestrocel_dkd.errors.InvalidInputError` naming the field path.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Protocol, Tuple, Union

from . import _native
from ._columns import ISO_DAY
from ._extras import require
from .types import CriterionIdSlug, CriterionKindSlug, OutcomeSlug, StatusSlug

__all__ = [
    "CriterionInfo",
    "CriterionResult",
    "Evidence",
    "Parameter",
    "Quantity",
    "ScreeningResult",
    "arrow_schema",
    "criteria",
    "records_to_arrow",
    "default_config",
    "screen",
    "screen_many",
    "synthetic_cohort",
]

Record = Union[Mapping[str, Any], str]


class ArrowStream(Protocol):
    """A table that exports itself through the Arrow PyCapsule interface (pyarrow, polars,
    DuckDB, ...)."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...


class LazyTable(Protocol):
    """A table computed when asked for, batch by batch (a polars LazyFrame)."""

    def collect_batches(self) -> Any: ...


def _default(value: Any) -> Any:
    # (pandas' NaT is a datetime without a zone whose utcoffset() raises: it is written as
    # "NaT", which the record reader refuses at its field.)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # An instant: which day it is depends on the zone, which is never guessed (as the
        # table readers, which take tz=).
        raise TypeError("a datetime with a time zone is an instant, whose day depends on the zone: "
                        "give its day as a date (value.astimezone(zone).date())")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _json_text(value: Union[Mapping[str, Any], str], what: str) -> str:
    """JSON text given as it is, or a dict written as JSON (dates as ISO strings)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return json.dumps(dict(value), default=_default, ensure_ascii=False)
    raise TypeError(f"{what} is a dict or JSON text, not {type(value).__name__}")


def _text(record: Record) -> str:
    return _json_text(record, "a screening record")


def _config(config: Optional[Mapping[str, Any]]) -> Optional[str]:
    return None if config is None else json.dumps(dict(config), default=_default)


class Quantity(NamedTuple):
    """A number with its unit (``mg/g``, ``years``), as entered or as compared."""

    value: float
    unit: str


class Evidence(NamedTuple):
    """One piece of evidence a criterion used: the ``field`` of the record (``labs.uacr[2]``),
    its ``date``, the value as ``entered`` and as compared (``converted``, in the threshold's
    unit, or computed, such as an eGFR)."""

    field: str
    date: Optional[datetime.date]
    entered: Optional[Quantity]
    converted: Optional[Quantity]


class CriterionResult(NamedTuple):
    """One criterion: its ``id``, ``kind``, ``outcome``, whether it ``excludes`` the candidate
    (an inclusion not met or an exclusion met: core's rule), its ``reason`` in one sentence and
    the ``evidence`` used."""

    id: CriterionIdSlug
    kind: CriterionKindSlug
    outcome: OutcomeSlug
    excludes: bool
    reason: str
    evidence: List[Evidence]


def _quantity(q: Optional[Tuple[float, str]]) -> Optional[Quantity]:
    return None if q is None else Quantity(q[0], q[1])


def _criterion(c: Tuple[Any, ...]) -> CriterionResult:
    id, kind, outcome, excludes, reason, evidence = c
    items = [
        Evidence(field, None if date is None else datetime.date.fromisoformat(date), _quantity(e), _quantity(v))
        for field, date, e, v in evidence
    ]
    return CriterionResult(id, kind, outcome, excludes, reason, items)


class ScreeningResult(NamedTuple):
    """The screening of one candidate: ``status`` and one :class:`CriterionResult` per
    criterion, inclusions first, in protocol order, under the configuration ``config_version``."""

    id: str
    screening_date: datetime.date
    status: StatusSlug
    config_version: str
    criteria: List[CriterionResult]

    def criterion(self, id: CriterionIdSlug) -> CriterionResult:
        """The result of one criterion by id; ``KeyError`` if there is none."""
        for c in self.criteria:
            if c.id == id:
                return c
        raise KeyError(id)

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain data, in the JSON form every language writes
        (``docs/screening-record.md``)."""

        def quantity(q: Optional[Quantity]) -> Optional[Dict[str, Any]]:
            return None if q is None else {"value": q.value, "unit": q.unit}

        def evidence(e: Evidence) -> Dict[str, Any]:
            item: Dict[str, Any] = {"field": e.field}
            for key, value in (
                ("date", None if e.date is None else e.date.isoformat()),
                ("entered", quantity(e.entered)),
                ("converted", quantity(e.converted)),
            ):
                if value is not None:
                    item[key] = value
            return item

        return {
            "id": self.id,
            "screening_date": self.screening_date.isoformat(),
            "status": self.status,
            "criteria": [
                {"id": c.id, "kind": c.kind, "outcome": c.outcome, "evidence": [evidence(e) for e in c.evidence], "reason": c.reason}
                for c in self.criteria
            ],
            "config_version": self.config_version,
        }

    def _repr_html_(self) -> str:
        """The result as an HTML table, for Jupyter: the status, then each criterion's kind,
        outcome (marked where it excludes the candidate, as core says) and reason."""
        from html import escape

        rows = "".join(
            f"<tr><td><code>{escape(c.id)}</code></td><td>{escape(c.kind)}</td>"
            f"<td>{'<b>' + escape(c.outcome) + '</b> (excludes)' if c.excludes else escape(c.outcome)}</td>"
            f"<td>{escape(c.reason)}</td></tr>"
            for c in self.criteria
        )
        return (f"<div><p>Screening of <code>{escape(self.id)}</code> on {self.screening_date.isoformat()}: "
                f"<b>{escape(self.status)}</b> (configuration {escape(self.config_version)})</p>"
                "<table><thead><tr><th>criterion</th><th>kind</th><th>outcome</th><th>reason</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")


def screen(record: Record, config: Optional[Mapping[str, Any]] = None) -> ScreeningResult:
    """Screens one record (dict or JSON text) under ``config`` (default: the protocol's).

    >>> r = screen({"id": "X-1", "sex": "F", "date_of_birth": "1960-01-01", "screening_date": "2025-06-01"})
    >>> r.status, r.criterion("inc_age").outcome, r.criterion("inc_uacr").outcome
    ('pending', 'met', 'unknown')
    """
    id, date, status, version, criteria = _native.screen_record(_text(record), _config(config))
    return ScreeningResult(id, datetime.date.fromisoformat(date), status, version, [_criterion(c) for c in criteria])


def screen_many(
    records: Union[Iterable[Record], ArrowStream, LazyTable],
    config: Optional[Mapping[str, Any]] = None,
    *,
    errors: str = "column",
    evidence: Optional[str] = None,
    tz: Optional[str] = None,
) -> Any:
    """Screens many records on every core and returns a pandas DataFrame: one row per candidate
    (in input order), columns ``id``, ``status`` (categorical: eligible, ineligible, pending,
    refused), ``error`` and one categorical column per criterion id holding its outcome (met,
    not_met, unknown). A refused record keeps its row, with status ``refused``, the error (kind
    at path) in ``error`` and no outcomes; with ``errors="raise"`` the first refused record
    raises instead. With ``evidence="json"`` a column ``result`` holds each candidate's full
    result (reasons and evidence of every criterion) as core's JSON, the form
    ``ScreeningResult.to_dict()`` gives (None for a refused record); with ``evidence="nested"``
    a column ``criteria`` holds the same criteria as nested data (pandas: lists of dicts; Arrow:
    ``list<struct<id, kind, outcome, evidence: list<struct<field, date, entered, converted>>,
    reason>>``); by default there is neither (each costs a text per candidate).

    ``records`` may also be a table of records in the Arrow schema of :func:`arrow_schema`
    (pyarrow, polars, DuckDB, any ``__arrow_c_stream__``): it is read batch by batch in the
    native module, without JSON, and the result comes back as the caller's kind of table
    (``status`` and each criterion a dictionary column). A column the record does not have is a
    ``KeyError`` (a misspelt column is not dropped silently), as is one of ``id``, ``sex``,
    ``date_of_birth``, ``screening_date`` missing; a column of the wrong type a ``TypeError``; a
    null where the record needs a value, or a text that is not a date, refuses that row, with its
    path (``labs.uacr[1].date``). Dates that are instants (timestamps with a time zone) are read
    as their day in ``tz`` (an IANA zone such as ``"Asia/Shanghai"``), and refused without it.
    """
    from . import _arrow

    if isinstance(records, (str, bytes, Mapping)):
        raise TypeError(
            "screen_many takes an iterable of records (dicts or JSON texts) or a table of them; "
            "for one record use screen()"
        )
    if errors not in ("column", "raise"):
        raise ValueError(f"errors must be 'column' or 'raise', not {errors!r}")
    if evidence not in (None, "json", "nested"):
        raise ValueError(f"evidence must be None, 'json' or 'nested', not {evidence!r}")
    if _arrow.is_table(records):
        return _screen_table(records, config, errors, evidence, tz)
    pd = require("pandas", "screen_many (it returns a pandas DataFrame)")

    if not isinstance(records, Iterable):
        raise TypeError(f"screen_many takes records or a table of them, not {type(records).__name__}")
    texts = [_text(r) for r in records]
    # The nested form of a pandas result is plain data (lists of dicts), made from core's JSON.
    ids, status, refused, outcomes, details = _native.screen_table(texts, _config(config),
                                                                   None if evidence is None else "json")
    _raise_first(refused, errors)
    columns: Dict[str, Any] = {
        "id": ids,
        "status": pd.Categorical.from_codes(status, categories=_native.STATUSES),
        "error": refused,
    }
    for j, c in enumerate(criteria(config)):
        columns[c.id] = pd.Categorical.from_codes(outcomes[:, j], categories=_native.OUTCOMES)
    if details is not None and evidence == "json":
        columns["result"] = details
    if details is not None and evidence == "nested":
        columns["criteria"] = _nested(details)
    return pd.DataFrame(columns)


def _nested(details: List[Optional[str]]) -> List[Optional[List[Dict[str, Any]]]]:
    """Each result's criteria, with their reasons and evidence, as plain data (None where the
    record was refused): the ``criteria`` of ``ScreeningResult.to_dict()``."""
    return [None if d is None else json.loads(d)["criteria"] for d in details]


def _raise_first(refused: List[Optional[str]], errors: str) -> None:
    """With ``errors="raise"``, the first refused record as its error."""
    from .errors import InvalidConfigError, InvalidInputError

    if errors == "raise":
        for k, err in enumerate(refused):
            if err is not None:
                kind, _, path = err.partition(" at ")
                error = InvalidConfigError if kind == "invalid_config" else InvalidInputError
                raise error(f"record {k}: {err}", kind, {"path": path, "row": k})


def _screen_table(table: Any, config: Optional[Mapping[str, Any]], errors: str, evidence: Optional[str],
                  tz: Optional[str]) -> Any:
    """:func:`screen_many` over Arrow data of :func:`arrow_schema`, in the caller's kind."""
    from . import _arrow
    from ._arrow import Column

    caller = table
    if _arrow.is_lazy_polars(table):
        _arrow.check_polars_nulls(table)
        table = table.collect_batches()
    zone = None if tz is None else _arrow.zone_offsets(tz)
    kind = _arrow.kind_of(caller)
    if kind == "pandas" and not (type(table.index).__name__ == "RangeIndex" and table.index.name is None):
        # pandas exports any other index as a column (`__index_level_0__`, or its name), which
        # is no field of a record: the index is not read.
        table = table.reset_index(drop=True)
    # A pandas caller's nested criteria are plain data (lists of dicts) made from core's JSON;
    # any other caller's, one nested Arrow column made by the native module.
    details = "json" if evidence == "nested" and kind == "pandas" else evidence
    ids, status, refused, outcomes, results = _native.screen_arrow(_arrow.read_once(table), _config(config), details,
                                                                   zone)
    _raise_first(refused, errors)
    columns = [Column("id", "text", ids), Column("status", "dict", status, list(_native.STATUSES)),
               Column("error", "text", refused)]
    columns += [Column(c.id, "dict", outcomes[:, j].copy(), list(_native.OUTCOMES))
                for j, c in enumerate(criteria(config))]
    if results is not None and evidence == "json":
        columns.append(Column("result", "text", results))
    if results is not None and evidence == "nested" and kind != "pandas":
        columns.append(Column("criteria", "arrow", results))
    out = _arrow.like(_arrow.table(columns), caller)
    if results is not None and evidence == "nested" and kind == "pandas":
        return out.assign(criteria=_nested(results))
    return out


def _arrow_ready(value: Any, data_type: Any, path: str = "") -> Any:
    """A record's JSON value as pyarrow builds it under ``data_type`` (the published schema, as
    ``pyarrow.struct(pyarrow.schema(arrow_schema()))`` at the top): dates as ``datetime.date``.
    A field the schema does not have is a ``KeyError`` naming its path, as the native reader
    names a column it does not know: pyarrow would drop it silently."""
    import pyarrow as pa  # type: ignore[import-untyped]

    if pa.types.is_struct(data_type) and isinstance(value, Mapping):
        fields = {data_type.field(i).name: data_type.field(i).type for i in range(data_type.num_fields)}
        for k in value:
            if k not in fields:
                at = f"{path}.{k}" if path else str(k)
                raise KeyError(f"{at} is not a field of a screening record (its fields there: {', '.join(fields)})")
        return {k: _arrow_ready(v, fields[k], f"{path}.{k}" if path else k) for k, v in value.items()}
    if pa.types.is_list(data_type) and isinstance(value, list):
        return [_arrow_ready(v, data_type.value_type, f"{path}[{i}]") for i, v in enumerate(value)]
    if pa.types.is_date32(data_type) and isinstance(value, str):
        # YYYY-MM-DD only, as the JSON reader (Python's fromisoformat also takes "19690513").
        if not re.fullmatch(ISO_DAY, value):
            raise ValueError(f"{path}: is not a date (YYYY-MM-DD)")
        return datetime.date.fromisoformat(value)
    return value


def records_to_arrow(records: Iterable[Record]) -> Any:
    """Records (dicts or JSON texts, as :func:`screen` takes them) as a ``pyarrow.Table`` of
    :func:`arrow_schema`, which :func:`screen_many` reads column by column. A date that is not
    ``YYYY-MM-DD`` is a ``ValueError``; a field the schema does not have is refused by pyarrow
    (needs pyarrow: the ``arrow`` extra).

    >>> table = records_to_arrow([{"id": "A", "sex": "F", "date_of_birth": "1960-01-02",
    ...                            "screening_date": "2025-03-01"}])
    >>> table.num_rows, str(table.schema.field("date_of_birth").type)
    (1, 'date32[day]')
    """
    pa = require("pyarrow", "records_to_arrow")
    schema = pa.schema(arrow_schema())
    record = pa.struct(list(schema))
    rows = [_arrow_ready(json.loads(r) if isinstance(r, str) else r, record) for r in records]
    return pa.Table.from_pylist(rows, schema=schema)


def arrow_schema() -> Any:
    """The Arrow schema of a screening record (``__arrow_c_schema__``): the JSON record's fields
    (``docs/screening-record.md``), names and nesting, dates as ``date32``, lists as
    ``list<struct<...>>`` (``labs.uacr: list<struct<date, value, unit>>``), an answer not yet
    known as null. :func:`screen_many` reads tables of it; ``pyarrow.schema(arrow_schema())``
    makes a pyarrow schema of it, to build such a table from records
    (``pyarrow.Table.from_pylist(records, schema=...)``, dates as ``datetime.date``).

    >>> arrow_schema().names()[:4]
    ['id', 'sex', 'date_of_birth', 'screening_date']
    """
    return _native.screening_arrow_schema()


class Parameter(NamedTuple):
    """A configuration parameter a criterion reads, with its value as text (``> 1000 mg/g``)."""

    name: str
    value: str


class CriterionInfo(NamedTuple):
    """A criterion as listed: ``id``, ``kind``, the protocol's words and the parameters it reads."""

    id: CriterionIdSlug
    kind: CriterionKindSlug
    protocol_text: str
    parameters: List[Parameter]


def criteria(config: Optional[Mapping[str, Any]] = None) -> List[CriterionInfo]:
    """Every criterion, inclusions first, with its parameters under ``config`` (default: the
    protocol's).

    >>> [p.value for p in criteria()[4].parameters][:2]
    ['> 1000 mg/g', '90']
    """
    return [
        CriterionInfo(id, kind, text, [Parameter(n, v) for n, v in parameters])
        for id, kind, text, parameters in _native.criteria_list(_config(config))
    ]


def default_config() -> Dict[str, Any]:
    """The protocol configuration's defaults, versioned; edit and pass as ``config``."""
    data: Dict[str, Any] = json.loads(_native.default_config_json())
    return data


_U64_MAX = 2**64 - 1


def _whole(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value <= _U64_MAX:
        raise ValueError(f"{name} must be between 0 and 2**64 - 1")
    return value


def synthetic_cohort(seed: int, count: int) -> Iterator[Dict[str, Any]]:
    """Synthetic (not real) screening records from the seeded generator of the Rust core, one
    at a time: a generator that holds at most a small batch, so any ``count`` (up to
    ``2**64 - 1``) runs in constant memory. The same seed gives the same records in every
    language.

    >>> first = next(synthetic_cohort(seed=1, count=10**12))
    >>> first["id"]
    'SYN-00001'
    """
    return _synthetic(_whole("seed", seed), _whole("count", count))


def _synthetic(seed: int, count: int) -> Iterator[Dict[str, Any]]:
    records = _native.SyntheticRecords(seed)
    remaining = count
    while remaining > 0:
        batch = records.take(min(remaining, 1024))
        for text in batch:
            yield json.loads(text)
        remaining -= len(batch)
