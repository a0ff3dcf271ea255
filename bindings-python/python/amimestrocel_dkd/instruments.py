"""Patient- and staff-reported instruments: the Diabetes Quality of Life Measure (DQOL) and the
TCM syndrome score for diabetic kidney disease.

Every rule is the Rust core's (``docs/instruments.md``): the definitions are versioned data,
the scores are section sums with a missing-item rule (``min_answered_fraction``) and a 0–100
transform, and sessions keep an audit trail of every change. For the statistician,
:func:`score_frame` scores a DataFrame of responses (one row per session, one column per item)
in one call:

>>> import pandas as pd
>>> from amimestrocel_dkd import instruments
>>> tcm = instruments.tcm_dkd()
>>> df = pd.DataFrame({"dry_mouth_throat": [2, 6], "fatigue": [4, 6], "hunger": [0, 3],
...                    "short_breath": [1, 3], "five_centre_heat": [2, 3], "fixed_pain": [3, 3],
...                    "limb_numbness": [0, 3]})
>>> instruments.score_frame(df, tcm)["total"].tolist()
[12.0, 27.0]

A cell is a whole number on the item's scale, ``None``/NaN for no answer, or the text
``"not_applicable"`` or ``"skipped"``. Times passed to a :class:`Session` are timezone-aware
``datetime`` objects or RFC 3339 strings; the library never reads a clock.
"""

from __future__ import annotations

import datetime
import json
import os
from typing import Any, Dict, List, Literal, Mapping, NamedTuple, Optional, Union

from . import _native
from ._extras import require
from .errors import InvalidInputError

__all__ = [
    "ERROR_KINDS",
    "Answer",
    "AuditEntry",
    "Efficacy",
    "EfficacyThresholds",
    "Instrument",
    "ItemView",
    "OptionView",
    "Progress",
    "ScoreRules",
    "Scores",
    "SectionProgress",
    "SectionScore",
    "SectionView",
    "Session",
    "SessionStore",
    "StoredSession",
    "InstrumentView",
    "dqol",
    "efficacy",
    "score_frame",
    "tcm_dkd",
]

ERROR_KINDS: List[str] = list(_native.INSTRUMENT_ERROR_KINDS)
"""Every ``kind`` an instrument error may carry."""

Answer = Union[int, Literal["not_applicable", "skipped"]]
"""An answer: a value of the item's scale, ``"not_applicable"`` or ``"skipped"``."""

TransformSlug = Literal["raw_only", "higher_is_better", "same_as_raw"]
Time = Union[datetime.datetime, str]


class ScoreRules(NamedTuple):
    """The scoring readings (``docs/interpretation.md``)."""

    min_answered_fraction: float
    transform: TransformSlug


class SectionScore(NamedTuple):
    section: str
    raw: Optional[float]
    transformed: Optional[float]
    prorated: bool
    answered: int
    not_applicable: int
    items: int
    min: float
    max: float


class Scores(NamedTuple):
    sections: List[SectionScore]
    total: Optional[float]
    total_transformed: Optional[float]
    total_min: float
    total_max: float

    def section(self, id: str) -> SectionScore:
        """A section's score by id (``KeyError`` if the instrument has no such scored section)."""
        for s in self.sections:
            if s.section == id:
                return s
        raise KeyError(id)


class SectionProgress(NamedTuple):
    section: str
    answered: int
    skipped: int
    total: int


class Progress(NamedTuple):
    answered: int
    skipped: int
    total: int
    required_remaining: int
    next_item: Optional[str]
    sections: List[SectionProgress]
    completed: bool


class AuditEntry(NamedTuple):
    at: datetime.datetime
    item: str
    old: Optional[Answer]
    new: Optional[Answer]


class OptionView(NamedTuple):
    value: int
    label: str


class ItemView(NamedTuple):
    id: str
    section: str
    text: str
    options: List[OptionView]
    not_applicable: Optional[str]
    optional: bool
    scored: bool


class SectionView(NamedTuple):
    id: str
    title: str
    items: List[ItemView]


class InstrumentView(NamedTuple):
    id: str
    version: str
    language: str
    title: str
    wording: Literal["placeholder", "published", "licensed"]
    wording_note: str
    respondent: Literal["participant", "staff"]
    sections: List[SectionView]


class EfficacyThresholds(NamedTuple):
    """Percent thresholds of the efficacy categories, each inclusive."""

    clinical_recovery: float = 95.0
    markedly_effective: float = 70.0
    effective: float = 30.0


class Efficacy(NamedTuple):
    index_percent: float
    category: Literal["clinical_recovery", "markedly_effective", "effective", "ineffective"]


def _scores(text: str) -> Scores:
    d = json.loads(text)
    return Scores(
        sections=[SectionScore(**s) for s in d["sections"]],
        total=d["total"],
        total_transformed=d["total_transformed"],
        total_min=d["total_min"],
        total_max=d["total_max"],
    )


def _rules(rules: Union[ScoreRules, Mapping[str, Any], None]) -> Optional[str]:
    if rules is None:
        return None
    if isinstance(rules, ScoreRules):
        return json.dumps(rules._asdict())
    return json.dumps(dict(rules))


def _parse_time(text: str) -> datetime.datetime:
    """An RFC 3339 time as core writes it. Python 3.10's ``fromisoformat`` reads neither ``Z`` nor
    more than 6 fractional digits, so both are normalised first (nanoseconds are cut to
    microseconds, ``datetime``'s resolution)."""
    text = text[:-1] + "+00:00" if text.endswith("Z") else text
    if "." in text:
        head, rest = text.split(".", 1)
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = head + "." + rest[: min(digits, 6)] + rest[digits:]
    return datetime.datetime.fromisoformat(text)


def _time(at: Time) -> str:
    if isinstance(at, datetime.datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise InvalidInputError(
                "at: a naive datetime has no offset from UTC; give a timezone-aware one",
                "invalid_argument",
                {"argument": "at", "path": ""},
            )
        return at.isoformat()
    return at


class Instrument:
    """A loaded instrument definition (bundled, a site's own, or with a site's translation)."""

    def __init__(self, native: _native.NativeInstrument) -> None:
        self._native = native

    @classmethod
    def bundled(cls, id: str) -> "Instrument":
        """``"dqol"`` or ``"tcm-dkd"``."""
        return cls(_native.NativeInstrument(id=id))

    @classmethod
    def from_json(cls, text: str) -> "Instrument":
        """A definition from its JSON text (checked; ``InvalidConfigError`` with the field)."""
        return cls(_native.NativeInstrument(definition_json=text))

    def with_translation(self, text: str) -> "Instrument":
        """The same instrument with a site's licensed text for one language (JSON text)."""
        return Instrument(self._native.with_translation(text))

    @property
    def id(self) -> str:
        return self._native.id

    @property
    def version(self) -> str:
        return self._native.version

    @property
    def item_ids(self) -> List[str]:
        return self._native.item_ids()

    def definition(self) -> Dict[str, Any]:
        """The checked definition as a dict (core's JSON)."""
        result: Dict[str, Any] = json.loads(self._native.definition_json())
        return result

    @property
    def languages(self) -> List[str]:
        return list(self.definition()["languages"])

    @property
    def default_rules(self) -> ScoreRules:
        d = json.loads(self._native.default_rules_json())
        return ScoreRules(d["min_answered_fraction"], d["transform"])

    def view(self, language: str) -> InstrumentView:
        """The instrument in one language, as an app shows it."""
        d = json.loads(self._native.view_json(language))
        sections = [
            SectionView(
                s["id"],
                s["title"],
                [
                    ItemView(
                        i["id"],
                        i["section"],
                        i["text"],
                        [OptionView(o["value"], o["label"]) for o in i["options"]],
                        i["not_applicable"],
                        i["optional"],
                        i["scored"],
                    )
                    for i in s["items"]
                ],
            )
            for s in d["sections"]
        ]
        return InstrumentView(
            d["id"], d["version"], d["language"], d["title"], d["wording"], d["wording_note"], d["respondent"], sections
        )

    def translation_template(self, language: str) -> Dict[str, Any]:
        """A translation file with every text in ``language`` filled from the definition."""
        result: Dict[str, Any] = json.loads(self._native.translation_template_json(language))
        return result

    def fhir_questionnaire(self, language: str) -> Dict[str, Any]:
        """The definition as a FHIR R4 ``Questionnaire`` resource."""
        result: Dict[str, Any] = json.loads(self._native.fhir_questionnaire_json(language))
        return result

    def score(
        self, answers: Mapping[str, Union[Answer, float, None]], rules: Union[ScoreRules, Mapping[str, Any], None] = None
    ) -> Scores:
        """The scores of one set of answers, by item id; each value read as a cell of
        :func:`score_frame` is (an int or a whole float, None for no answer, ``"not_applicable"``
        or ``"skipped"``; a boolean or anything else is ``InvalidInputError`` of kind
        ``invalid_answer`` naming the item)."""
        return _scores(self._native.score_json(dict(answers), _rules(rules)))

    def __repr__(self) -> str:
        return f"Instrument({self.id!r}, version={self.version!r})"


def dqol() -> Instrument:
    """The bundled DQOL (46 items; placeholder wording, see ``docs/instruments.md``)."""
    return Instrument.bundled("dqol")


def tcm_dkd() -> Instrument:
    """The bundled TCM syndrome score for diabetic kidney disease."""
    return Instrument.bundled("tcm-dkd")


class Session:
    """A response session: answer, change, clear or skip items, then complete."""

    def __init__(self, native: _native.NativeSession) -> None:
        self._native = native

    @classmethod
    def start(cls, instrument: Instrument, participant: str, visit: str, language: str, at: Time) -> "Session":
        return cls(_native.NativeSession.start(instrument._native, participant, visit, language, _time(at)))

    @classmethod
    def resume(cls, instrument: Instrument, saved: str) -> "Session":
        """Resumes a session saved by :meth:`to_json`, exactly as it was."""
        return cls(_native.NativeSession.resume(instrument._native, saved))

    def answer(self, item: str, value: int, at: Time) -> None:
        """Answers (or changes the answer to) ``item`` with a value of its scale. A boolean, text
        or a fraction is ``InvalidInputError`` of kind ``invalid_answer``."""
        self._native.answer(item, value, _time(at))

    def not_applicable(self, item: str, at: Time) -> None:
        self._native.not_applicable(item, _time(at))

    def skip(self, item: str, at: Time) -> None:
        self._native.skip(item, _time(at))

    def clear(self, item: str, at: Time) -> None:
        self._native.clear(item, _time(at))

    def progress(self) -> Progress:
        d = json.loads(self._native.progress_json())
        d["sections"] = [SectionProgress(**s) for s in d["sections"]]
        return Progress(**d)

    def scores(self, rules: Union[ScoreRules, Mapping[str, Any], None] = None) -> Scores:
        return _scores(self._native.scores_json(_rules(rules)))

    def complete(self, at: Time, rules: Union[ScoreRules, Mapping[str, Any], None] = None) -> Scores:
        return _scores(self._native.complete_json(_time(at), _rules(rules)))

    def audit(self) -> List[AuditEntry]:
        return [AuditEntry(_parse_time(e["at"]), e["item"], e["old"], e["new"]) for e in json.loads(self._native.audit_json())]

    def answers(self) -> Dict[str, Answer]:
        result: Dict[str, Answer] = json.loads(self._native.answers_json())
        return result

    @property
    def status(self) -> Literal["in_progress", "completed"]:
        status = self._native.status()
        return "completed" if status == "completed" else "in_progress"

    def to_json(self) -> str:
        """The session saved as JSON (with a checksum)."""
        return self._native.to_json()

    def fhir_response(self) -> Dict[str, Any]:
        """The session as a FHIR R4 ``QuestionnaireResponse`` resource."""
        result: Dict[str, Any] = json.loads(self._native.fhir_response_json())
        return result

    def flat(self, rules: Union[ScoreRules, Mapping[str, Any], None] = None) -> Dict[str, Any]:
        """The session as one flat record for the data pipeline."""
        result: Dict[str, Any] = json.loads(self._native.flat_json(_rules(rules)))
        return result


class StoredSession(NamedTuple):
    """A session loaded from a :class:`SessionStore`, and why the file could not be read when
    the previous good save was loaded instead (else None)."""

    session: Session
    recovered_from: Optional[str]


class SessionStore:
    """A session kept in a file (``docs/instruments.md``): each save replaces the file without
    ever removing it and keeps the good save before it; a load falls back to that one when the
    file is damaged."""

    def __init__(self, path: Union[str, "os.PathLike[str]"]) -> None:
        self.path = os.fspath(path)

    def save(self, session: Session) -> None:
        session._native.save(self.path)

    def load(self, instrument: Instrument) -> StoredSession:
        native, why = _native.NativeSession.load(instrument._native, self.path)
        return StoredSession(Session(native), why)


def efficacy(pre: float, post: float, thresholds: Optional[EfficacyThresholds] = None) -> Efficacy:
    """The TCM efficacy index ``(pre − post) / pre × 100 %`` and its category."""
    text = None if thresholds is None else json.dumps(thresholds._asdict())
    d = json.loads(_native.instrument_efficacy_json(pre, post, text))
    return Efficacy(d["index_percent"], d["category"])


def score_frame(
    frame: Any, instrument: Union[Instrument, str] = "dqol", rules: Union[ScoreRules, Mapping[str, Any], None] = None
) -> Any:
    """Scores a pandas DataFrame of responses, one row per session and one column per item (named
    by item id), in one call. Every scored item must have a column (unscored ones, the TCM
    tongue and pulse, may); other columns (participant, visit) are not read. Returns a DataFrame on the same index with, per scored
    section, ``<section>_raw``, ``<section>_transformed`` and ``<section>_prorated``, then
    ``total`` and ``total_transformed``. A cell that is not an answer raises
    ``InvalidInputError`` with ``row`` and the item as ``path``."""
    pd = require("pandas", "score_frame")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"score_frame expects a pandas DataFrame, not {type(frame).__name__} "
                        "(pyarrow and polars: .to_pandas() first)")
    inst = instrument if isinstance(instrument, Instrument) else Instrument.bundled(instrument)
    # An item's column given twice: which answer is meant cannot be told. Other columns (notes,
    # ids) are not read, twice or not.
    item_ids = set(inst.item_ids)
    duplicated = [c for c in frame.columns[frame.columns.duplicated()] if c in item_ids]
    if duplicated:
        name = str(duplicated[0])
        raise InvalidInputError(f"column {name!r} is given twice", "invalid_argument", {"argument": name})
    items = [i for i in inst.item_ids if i in frame.columns]
    # pandas' missing markers (NaN, None, pd.NA, NaT) all become None: no answer.
    columns = [frame[i].astype(object).where(frame[i].notna(), None).tolist() for i in items]
    out = inst._native.score_columns(items, columns, _rules(rules))  # checks every scored item has a column
    order: List[str] = []
    for section in inst.definition()["sections"]:
        key = section["id"]
        if f"{key}_raw" in out:
            order += [f"{key}_raw", f"{key}_transformed", f"{key}_prorated"]
    order += ["total", "total_transformed"]
    result = pd.DataFrame({k: out[k] for k in order}, index=frame.index)
    for k in order:
        if not k.endswith("_prorated"):
            result[k] = result[k].astype(float)
    return result
