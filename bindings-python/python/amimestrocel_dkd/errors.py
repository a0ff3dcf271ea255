"""Exceptions raised by amimestrocel_dkd.

Two layers, as in every binding (``docs/adr/0003-error-shape.md``): the Rust core keeps a rich
error per concern; what reaches Python is one class per action the caller can take:

- :class:`InvalidInputError`: fix the data given (a lab value or unit, a date, a field of a
  screening record, JSON text, an eGFR input, a bad row of a strict batch);
- :class:`InvalidConfigError`: fix the protocol configuration;
- :class:`InternalError`: a bug in the library; please report it.

All derive from :class:`DkdError`, itself a :class:`ValueError`, so ``except ValueError`` still
catches bad input. Each carries the stable ``kind`` slug (the same in Rust, Kotlin and Swift;
``unknown_unit``, ``date_after_screening``, ...), the ``path`` of the field concerned (``""``
when the input is not a field of a record) and a ``details`` dict with the structured fields of
its kind (``analyte``, ``unit``, ``row``, ...). Messages never contain a patient's values.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

__all__ = ["DkdError", "InvalidInputError", "InvalidConfigError", "InternalError"]


class DkdError(ValueError):
    """Base class of every error of this library."""

    kind: str
    details: Dict[str, Any]

    def __init__(self, message: str, kind: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.details = dict(details or {})

    @property
    def reason(self) -> str:
        """The text for people (core's message), as ``reason`` in Kotlin and Swift."""
        return self.message

    @property
    def path(self) -> str:
        """The field of the record or configuration (``labs.uacr[1].date``, ``uacr``); ``""``
        when the input is not a field of one."""
        value = self.details.get("path")
        return "" if value is None else str(value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, kind={self.kind!r})"


class InvalidInputError(DkdError):
    """The data given must be fixed: a lab value or unit (unknown, not fitting the analyte, NaN,
    negative, implausible), a date, a field of a screening record (``path`` names it), JSON text,
    an input of an eGFR equation, or (``row`` in ``details``) a bad row of a strict batch."""

    @property
    def row(self) -> Optional[int]:
        """The first bad row of a strict batch, else None."""
        value = self.details.get("row")
        return None if value is None else int(value)


class InvalidConfigError(DkdError):
    """The protocol configuration must be fixed; ``path`` names the field (``uacr``,
    ``uacr.bound``, ``.`` for the text itself)."""


class InternalError(DkdError):
    """A bug inside the library (a Rust panic caught at the boundary), never bad input: please
    report it. Raised instead of letting pyo3's ``PanicException`` escape."""
