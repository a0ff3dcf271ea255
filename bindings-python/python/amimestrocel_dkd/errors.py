"""Exceptions raised by amimestrocel_dkd.

All derive from :class:`DkdError`, itself a :class:`ValueError`, so ``except ValueError`` still
catches bad input. Each carries a stable ``kind`` slug (the same in Rust, Kotlin and Swift) and a
``details`` dict with the structured fields of that kind. Messages never contain a patient's
values.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

__all__ = ["DkdError", "LabError", "DemographicsError", "EgfrError", "ScreeningError", "InternalError"]


class DkdError(ValueError):
    """Base class of every error of this library."""

    kind: str
    details: Dict[str, Any]

    def __init__(self, message: str, kind: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.details = dict(details or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, kind={self.kind!r})"


class LabError(DkdError):
    """A lab value or unit was refused (unknown unit, unit not fitting the analyte, NaN,
    negative or implausible value)."""

    @property
    def analyte(self) -> Optional[str]:
        """The analyte's slug, where the error concerns one."""
        value = self.details.get("analyte")
        return None if value is None else str(value)

    @property
    def unit(self) -> Optional[str]:
        """The unit concerned, where there is one."""
        value = self.details.get("unit")
        return None if value is None else str(value)


class DemographicsError(DkdError):
    """Age, date of birth or sex was refused."""


class EgfrError(DkdError):
    """An eGFR could not be estimated (unknown equation, missing input, age out of range, ...),
    or, with ``strict=True``, a row of a batch was bad."""

    @property
    def row(self) -> Optional[int]:
        """The first bad row of a strict batch, else None."""
        value = self.details.get("row")
        return None if value is None else int(value)


class ScreeningError(DkdError):
    """A screening record (or configuration) was refused: malformed JSON, an unknown field, a
    value without a unit, a unit that does not fit, a date after the screening date or out of
    order. ``path`` names the field, e.g. ``labs.uacr[1].date``."""

    @property
    def path(self) -> Optional[str]:
        """The field path."""
        value = self.details.get("path")
        return None if value is None else str(value)


class InternalError(DkdError):
    """A bug inside the library (a Rust panic caught at the boundary), never bad input: please
    report it. Raised instead of letting pyo3's ``PanicException`` escape."""
