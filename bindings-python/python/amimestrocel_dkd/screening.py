"""Screening for NCT06969807: every inclusion and exclusion criterion, with evidence.

A record is a dict (or JSON text) in the schema of ``docs/screening-record.md``; dates may be
``datetime.date`` objects or ISO strings. Records go through the Rust core's reader, so a bad
record raises :class:`~amimestrocel_dkd.errors.ScreeningError` naming the field path.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Union

from . import _native

__all__ = [
    "CriterionResult",
    "ScreeningResult",
    "criteria",
    "default_config",
    "screen",
    "screen_many",
    "synthetic_cohort",
]

Record = Union[Mapping[str, Any], str]


def _default(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _text(record: Record) -> str:
    if isinstance(record, str):
        return record
    if isinstance(record, Mapping):
        return json.dumps(dict(record), default=_default, ensure_ascii=False)
    raise TypeError(f"a screening record is a dict or JSON text, not {type(record).__name__}")


def _config(config: Optional[Mapping[str, Any]]) -> Optional[str]:
    return None if config is None else json.dumps(dict(config), default=_default)


class CriterionResult(NamedTuple):
    """One criterion: stable ``id``, ``kind`` (inclusion/exclusion), ``outcome``
    (met/not_met/unknown), the ``evidence`` used and a one-sentence ``reason``."""

    id: str
    kind: str
    outcome: str
    evidence: List[Dict[str, Any]]
    reason: str

    @property
    def excludes(self) -> bool:
        """Whether this result keeps the candidate out."""
        return (self.kind, self.outcome) in (("inclusion", "not_met"), ("exclusion", "met"))


class ScreeningResult:
    """The screening of one candidate: ``status`` (eligible/ineligible/pending) and one
    :class:`CriterionResult` per criterion."""

    __slots__ = ("_data",)

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data

    @property
    def id(self) -> str:
        return str(self._data["id"])

    @property
    def status(self) -> str:
        return str(self._data["status"])

    @property
    def screening_date(self) -> datetime.date:
        return datetime.date.fromisoformat(self._data["screening_date"])

    @property
    def config_version(self) -> str:
        return str(self._data["config_version"])

    @property
    def criteria(self) -> List[CriterionResult]:
        return [
            CriterionResult(c["id"], c["kind"], c["outcome"], list(c["evidence"]), c["reason"])
            for c in self._data["criteria"]
        ]

    def criterion(self, id: str) -> CriterionResult:
        """The result of one criterion by id; ``KeyError`` if there is none."""
        for c in self.criteria:
            if c.id == id:
                return c
        raise KeyError(id)

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain data (the same JSON every language produces)."""
        data: Dict[str, Any] = json.loads(json.dumps(self._data))
        return data

    def __repr__(self) -> str:
        return f"ScreeningResult(id={self.id!r}, status={self.status!r})"


def screen(record: Record, config: Optional[Mapping[str, Any]] = None) -> ScreeningResult:
    """Screens one record (dict or JSON text) under ``config`` (default: the protocol's).

    >>> r = screen({"id": "X-1", "sex": "F", "date_of_birth": "1960-01-01", "screening_date": "2025-06-01"})
    >>> r.status, r.criterion("inc_age").outcome, r.criterion("inc_uacr").outcome
    ('pending', 'met', 'unknown')
    """
    return ScreeningResult(json.loads(_native.screen_json(_text(record), _config(config))))


def screen_many(
    records: Iterable[Record], config: Optional[Mapping[str, Any]] = None, *, errors: str = "column"
) -> Any:
    """Screens many records on every core and returns a pandas DataFrame: one row per candidate
    (in input order), columns ``id``, ``status`` (categorical: eligible, ineligible, pending,
    refused), ``error`` and one categorical column per criterion id holding its outcome (met,
    not_met, unknown). A refused record keeps its row, with status ``refused``, the error (kind
    at path) in ``error`` and no outcomes; with ``errors="raise"`` the first refused record
    raises instead. The full results (evidence, reasons) come from :func:`screen`.
    """
    if isinstance(records, (str, bytes, Mapping)):
        raise TypeError(
            "screen_many takes an iterable of records (dicts or JSON texts); for one record use screen()"
        )
    if errors not in ("column", "raise"):
        raise ValueError(f"errors must be 'column' or 'raise', not {errors!r}")
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError as e:
        raise ImportError(
            "screen_many returns a pandas DataFrame: install pandas, e.g. pip install 'amimestrocel-dkd[pandas]'"
        ) from e

    from .errors import ScreeningError

    texts = [_text(r) for r in records]
    ids, status, refused, outcomes = _native.screen_table(texts, _config(config))
    if errors == "raise":
        for k, err in enumerate(refused):
            if err is not None:
                kind, _, path = err.partition(" at ")
                raise ScreeningError(f"record {k}: {err}", kind, {"path": path, "row": k})
    columns: Dict[str, Any] = {
        "id": ids,
        "status": pd.Categorical.from_codes(status, categories=_STATUSES),
        "error": refused,
    }
    for j, c in enumerate(criteria(config)):
        columns[c["id"]] = pd.Categorical.from_codes(outcomes[:, j], categories=_OUTCOMES)
    return pd.DataFrame(columns)


_STATUSES = ["eligible", "ineligible", "pending", "refused"]
_OUTCOMES = ["met", "not_met", "unknown"]


def criteria(config: Optional[Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
    """Every criterion: ``id``, ``kind``, ``protocol_text`` and ``parameters`` (name, value)."""
    data: List[Dict[str, Any]] = json.loads(_native.criteria_json(_config(config)))
    return data


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
