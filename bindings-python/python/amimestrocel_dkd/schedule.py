"""The visit schedule of NCT06969807: a participant's calendar, the status of every visit on a
date, the next visit and what it needs, deviations, and an iCalendar export.

Every rule is the Rust core's (``docs/schedule.md``); the readings where the protocol is silent
(which study day "week 8" is, what "month 12" is, windows, whether a delayed infusion shifts the
plan) are named parameters, changed with ``readings={"week_day": "week_after_day_one"}``.

A participant is a dict (or JSON text)::

    {"id": "S-001", "first_infusion": "2025-03-03",
     "observations": [{"date": "2025-03-03", "activity": "infusion"},
                      {"date": "2025-03-03", "activity": "dqol"}]}

``activity`` is ``"infusion"``, ``"attended"`` or an assessment's name (``ASSESSMENTS``); dates
are ISO strings or ``datetime.date``. Before dosing, give ``planned_first_infusion`` instead;
``screening_date`` is optional (nothing may be dated before it).

>>> from amimestrocel_dkd import schedule
>>> p = {"id": "S-001", "first_infusion": "2025-03-03",
...      "observations": [{"date": "2025-03-03", "activity": "attended"},
...                       {"date": "2025-03-03", "activity": "infusion"}]}
>>> s = schedule.visit_status(p, on="2025-03-15")
>>> s.next().visit, s.next().state, s.visit("baseline").state
('d14', 'in_window', 'done')
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Tuple, Union

from . import _native
from ._columns import whole
from ._extras import require
from .errors import InvalidInputError
from .screening import _json_text
from .types import AssessmentSlug, AssignmentRoleSlug, DeviationKindSlug, VisitStateSlug

__all__ = [
    "ASSESSMENTS",
    "VISIT_STATES",
    "Assignment",
    "Calendar",
    "Deviation",
    "ScheduleStatus",
    "ScheduledVisit",
    "VisitStatus",
    "calendar",
    "participants_from_tables",
    "plan",
    "to_ics",
    "visit_status",
    "visit_status_frame",
    "visit_status_table",
]

ASSESSMENTS: List[AssessmentSlug] = list(_native.ASSESSMENTS)  # type: ignore[arg-type]
"""Every assessment a plan may list, in the order of the registry's outcomes."""

VISIT_STATES: List[VisitStateSlug] = list(_native.VISIT_STATES)  # type: ignore[arg-type]
"""Every state of a visit, in the order of a visit's life."""

Participant = Union[Mapping[str, Any], str]
Day = Union[datetime.date, str]


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:  # a year before 1 or beyond 9999, which the core represents and Python does not
        raise InvalidInputError(
            "a date of the schedule is outside years 1 to 9999, the dates datetime.date represents",
            "date_out_of_range",
            {"path": ""},
        ) from None


def _date(value: Optional[str]) -> Optional[datetime.date]:
    return None if value is None else _day(value)


def _iso(value: Day, argument: str) -> str:
    if isinstance(value, datetime.datetime):
        raise TypeError(f"{argument} is a date, not a datetime")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise TypeError(f"{argument} is a datetime.date or an ISO string, not {type(value).__name__}")


def _text(participant: Participant) -> str:
    return _json_text(participant, "a participant's schedule")


def _json(value: Optional[Union[Mapping[str, Any], str]], argument: str) -> Optional[str]:
    return None if value is None else _json_text(value, argument)


class ScheduledVisit(NamedTuple):
    """A visit of a calendar: its ``target`` date, ``study_day`` and window (both ends
    included), whether it has an ``infusion`` and what ``assessments`` it plans."""

    visit: str
    label: str
    target: datetime.date
    study_day: int
    window_first: datetime.date
    window_last: datetime.date
    infusion: bool
    assessments: List[AssessmentSlug]


class Calendar(NamedTuple):
    """A participant's calendar from study day 1 (``planned``: a planned date)."""

    version: str
    day_one: datetime.date
    planned: bool
    visits: List[ScheduledVisit]

    def visit(self, id: str) -> ScheduledVisit:
        """The visit of an id; ``KeyError`` if the plan has none."""
        for v in self.visits:
            if v.visit == id:
                return v
        raise KeyError(id)


class VisitStatus(NamedTuple):
    """A visit on the status date: its ``state``, whether it is ``settled`` (past its window and
    the overdue period), when it was attended and infused, and its assessments ``done`` and
    still ``needs``."""

    visit: str
    label: str
    target: datetime.date
    window_first: datetime.date
    window_last: datetime.date
    state: VisitStateSlug
    settled: bool
    attended_on: Optional[datetime.date]
    infusion: bool
    infusion_on: Optional[datetime.date]
    done: List[AssessmentSlug]
    needs: List[AssessmentSlug]


class Assignment(NamedTuple):
    """Where one observation went (``observation``: its place in the participant's
    observations, from 0): the ``visits`` it counts for and its ``role``."""

    observation: int
    date: datetime.date
    activity: str
    visits: List[str]
    role: AssignmentRoleSlug


class Deviation(NamedTuple):
    """A departure from the plan at a settled ``visit``; ``assessment`` for
    ``assessment_missing``, ``date`` and ``days_outside`` for ``infusion_out_of_window``;
    ``extra_infusion`` (an infusion beyond the plan's: a repeat at ``visit``, or one no visit
    takes, ``visit`` then the nearest) with its ``date``, reported as soon as it is given."""

    kind: DeviationKindSlug
    visit: str
    assessment: Optional[AssessmentSlug] = None
    date: Optional[datetime.date] = None
    days_outside: Optional[int] = None


class ScheduleStatus(NamedTuple):
    """A participant's schedule on a date: the calendar it was computed on, every visit, where
    every observation went, the deviations and the next visit."""

    participant: str
    on: datetime.date
    calendar: Calendar
    visits: List[VisitStatus]
    assignments: List[Assignment]
    deviations: List[Deviation]
    next_visit: Optional[str]

    def visit(self, id: str) -> VisitStatus:
        """The status of a visit by id; ``KeyError`` if the plan has none."""
        for v in self.visits:
            if v.visit == id:
                return v
        raise KeyError(id)

    def next(self) -> Optional[VisitStatus]:
        """The next visit to attend (in window, overdue or upcoming), or ``None``."""
        return None if self.next_visit is None else self.visit(self.next_visit)


def _calendar(c: Dict[str, Any]) -> Calendar:
    visits = [
        ScheduledVisit(
            v["visit"],
            v["label"],
            _day(v["target"]),
            v["study_day"],
            _day(v["window_first"]),
            _day(v["window_last"]),
            v["infusion"],
            v["assessments"],
        )
        for v in c["visits"]
    ]
    anchor = c["anchor"]
    return Calendar(c["version"], _day(anchor["day_one"]), anchor["planned"], visits)


def _status(s: Dict[str, Any]) -> ScheduleStatus:
    visits = [
        VisitStatus(
            v["visit"],
            v["label"],
            _day(v["target"]),
            _day(v["window_first"]),
            _day(v["window_last"]),
            v["state"],
            v["settled"],
            _date(v["attended_on"]),
            v["infusion"],
            _date(v["infusion_on"]),
            v["done"],
            v["needs"],
        )
        for v in s["visits"]
    ]
    assignments = [
        Assignment(a["observation"], _day(a["date"]), a["activity"], a["visits"], a["role"])
        for a in s["assignments"]
    ]
    deviations = [
        Deviation(d["kind"], d["visit"], d.get("assessment"), _date(d.get("date")), d.get("days_outside"))
        for d in s["deviations"]
    ]
    return ScheduleStatus(
        s["participant"],
        _day(s["on"]),
        _calendar(s["calendar"]),
        visits,
        assignments,
        deviations,
        s["next_visit"],
    )


def plan(
    plan: Optional[Union[Mapping[str, Any], str]] = None, readings: Optional[Union[Mapping[str, Any], str]] = None
) -> Dict[str, Any]:
    """The schedule configuration (the bundled plan, or ``plan``) under ``readings``, as plain
    data: ``version``, ``readings`` and ``visits``. A bad plan or reading raises
    :class:`~amimestrocel_dkd.errors.InvalidConfigError` naming the field."""
    result: Dict[str, Any] = json.loads(_native.schedule_plan_json(_json(plan, "plan"), _json(readings, "readings")))
    return result


def calendar(
    first_infusion: Day,
    *,
    planned: bool = False,
    plan: Optional[Union[Mapping[str, Any], str]] = None,
    readings: Optional[Union[Mapping[str, Any], str]] = None,
) -> Calendar:
    """The calendar from study day 1 (the first infusion; ``planned=True`` for a planned date),
    every target as planned.

    >>> calendar("2025-03-03").visit("w8").target
    datetime.date(2025, 4, 27)
    """
    text = _native.schedule_calendar_json(
        _iso(first_infusion, "first_infusion"), planned, _json(plan, "plan"), _json(readings, "readings")
    )
    return _calendar(json.loads(text))


def visit_status(
    participant: Participant,
    on: Day,
    *,
    plan: Optional[Union[Mapping[str, Any], str]] = None,
    readings: Optional[Union[Mapping[str, Any], str]] = None,
) -> ScheduleStatus:
    """A participant's schedule on ``on``: every visit's state, where each observation went,
    the deviations of settled visits and the next visit. A bad participant (an observation after
    ``on`` or before ``screening_date``, an infusion before ``first_infusion``, an unknown
    activity) raises :class:`~amimestrocel_dkd.errors.InvalidInputError` naming the field path."""
    text = _native.schedule_status_json(
        _text(participant), _iso(on, "on"), _json(plan, "plan"), _json(readings, "readings")
    )
    return _status(json.loads(text))


def participants_from_tables(
    participants: Any,
    observations: Any,
    *,
    id: str = "id",
    first_infusion: Optional[str] = "first_infusion",
    planned_first_infusion: Optional[str] = None,
    screening_date: Optional[str] = None,
    left_study: Optional[str] = None,
    participant: str = "participant",
    date: str = "date",
    activity: str = "activity",
) -> List[Dict[str, Any]]:
    """Participants' schedules from the two tables a data manager holds: one row per
    participant (``id``, ``first_infusion``, optionally ``planned_first_infusion`` and
    ``screening_date``, ``left_study`` (the day the participant left the study, if they did):
    the column names are arguments; a column named must be there, so
    ``first_infusion=None`` for a table of planned dates only) and one row per observation
    (``participant``, ``date``, ``activity``), as pandas DataFrames (or anything with
    ``to_dict("records")``). Missing dates (NaT, None) are absent fields. An observation whose
    participant is not in the first table, a participant listed twice, or an id that is missing
    or not text raises :class:`~amimestrocel_dkd.errors.InvalidInputError` naming its row:
    nothing is dropped. Dates with a time zone are a ``TypeError`` (their day depends on the
    zone: ``visit_status_table(..., tz=)`` reads them), as in :func:`visit_status_table`. Observations keep their table order within a participant.

    >>> import pandas as pd
    >>> people = pd.DataFrame({"id": ["S-1"], "first_infusion": [pd.Timestamp("2025-03-03")]})
    >>> obs = pd.DataFrame({"participant": ["S-1"], "date": ["2025-03-03"], "activity": ["infusion"]})
    >>> participants_from_tables(people, obs)[0]["observations"]
    [{'date': '2025-03-03', 'activity': 'infusion'}]
    """

    def day(value: Any, column: str) -> Optional[str]:
        if value is None or (isinstance(value, float) and value != value):
            return None
        if hasattr(value, "isoformat"):
            try:
                if value != value:  # NaT
                    return None
            except TypeError:
                pass
            if getattr(value, "tzinfo", None) is not None:
                # As visit_status_table: an instant's day depends on the zone, never guessed.
                raise TypeError(f"column {column} holds instants (with a time zone), whose day depends on the "
                                "zone: convert them to local dates first, or use visit_status_table(..., tz=)")
            return str(value.isoformat())[:10]
        return str(value)

    def text(value: Any, path: str) -> str:
        # As visit_status_table: an identifier is text; a missing one or a number is refused.
        if not isinstance(value, str):
            raise InvalidInputError(f"{path}: is missing or not text", "invalid_schedule", {"path": path})
        return value

    # Every column named must be there, as in visit_status_table: one named and absent would
    # drop its dates without a word.
    for table, names in ((participants, (id, first_infusion, planned_first_infusion, screening_date, left_study)),
                         (observations, (participant, date, activity))):
        columns = list(getattr(table, "columns", []))
        absent = [name for name in names if name is not None and hasattr(table, "columns") and name not in columns]
        if absent:
            raise KeyError(f"no column {absent[0]!r} in the table (its columns: {columns})")
    result: List[Dict[str, Any]] = []
    by_id: Dict[str, Dict[str, Any]] = {}
    for row in participants.to_dict("records"):
        p: Dict[str, Any] = {"id": text(row[id], f"participants[{len(result)}].{id}"), "observations": []}
        for field, column in (
            ("first_infusion", first_infusion),
            ("planned_first_infusion", planned_first_infusion),
            ("screening_date", screening_date),
            ("left_study", left_study),
        ):
            if column is not None and day(row.get(column), column) is not None:
                p[field] = day(row[column], column)
        if p["id"] in by_id:
            raise InvalidInputError(
                f"participants: the id of row {len(result)} is also an earlier row's",
                "invalid_schedule",
                {"path": f"participants[{len(result)}].{id}"},
            )
        by_id[p["id"]] = p
        result.append(p)
    for n, row in enumerate(observations.to_dict("records")):
        owner = by_id.get(text(row[participant], f"observations[{n}].{participant}"))
        if owner is None:
            raise InvalidInputError(
                f"observations: row {n} names a participant the participants table does not have",
                "invalid_schedule",
                {"path": f"observations[{n}].{participant}"},
            )
        owner["observations"].append({"date": day(row[date], date), "activity": row[activity]})
    return result


def visit_status_frame(
    participants: Iterable[Participant],
    on: Day,
    *,
    plan: Optional[Union[Mapping[str, Any], str]] = None,
    readings: Optional[Union[Mapping[str, Any], str]] = None,
) -> Any:
    """The visit status of a cohort on one date as a pandas DataFrame, one row per participant
    and visit: ``participant``, ``visit``, ``target``, ``window_first``, ``window_last``
    (datetime64), ``state`` (categorical in ``VISIT_STATES`` order), ``settled``,
    ``attended_on``, ``infusion_on``, ``needs`` (comma-separated), ``deviations`` (count) and
    ``next`` (the participant's next visit). Computed in the core, GIL released. A refused
    participant raises :class:`~amimestrocel_dkd.errors.InvalidInputError` with ``row``.
    From two tables (participants, observations): ``visit_status_frame(participants_from_tables(
    people, obs), on)``.

    Needs pandas (``pip install amimestrocel-dkd[pandas]``)."""
    pd = require("pandas", "visit_status_frame")
    if isinstance(participants, (str, Mapping)):
        raise TypeError("participants is an iterable of participants (dicts or JSON texts), not one participant")
    texts = [_text(p) for p in participants]
    columns = _native.schedule_status_table(texts, _iso(on, "on"), _json(plan, "plan"), _json(readings, "readings"))
    names = (
        "participant",
        "visit",
        "target",
        "window_first",
        "window_last",
        "state",
        "settled",
        "attended_on",
        "infusion_on",
        "needs",
        "deviations",
        "next",
    )
    data: Dict[str, Any] = dict(zip(names, columns))
    for name in ("target", "window_first", "window_last", "attended_on", "infusion_on"):
        try:
            data[name] = pd.to_datetime(pd.Series(data[name], dtype="object"), format="%Y-%m-%d")
        except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError) as e:
            # datetime64[ns] holds 1677-09-22 to 2262-04-11; the table form refuses as well.
            first_line = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise InvalidInputError(f"{name}: a date beyond what datetime64[ns] holds (1677-2262): {first_line}",
                                    "invalid_argument", {"argument": name}) from None
    data["state"] = pd.Categorical(data["state"], categories=VISIT_STATES)
    return pd.DataFrame(data)


def visit_status_table(
    participants: Any,
    observations: Any,
    on: Day,
    *,
    id: str = "id",
    first_infusion: str = "first_infusion",
    planned_first_infusion: Optional[str] = None,
    screening_date: Optional[str] = None,
    left_study: Optional[str] = None,
    participant: str = "participant",
    date: str = "date",
    activity: str = "activity",
    plan: Optional[Union[Mapping[str, Any], str]] = None,
    readings: Optional[Union[Mapping[str, Any], str]] = None,
    tz: Optional[str] = None,
) -> Any:
    """The visit status of a cohort on one date from its two tables, read column by column (no
    JSON, no dicts): ``participants`` (one row each: ``id``, ``first_infusion``, optionally
    ``planned_first_infusion``, ``screening_date`` and ``left_study``, the day the participant
    left the study; the column names are arguments) and
    ``observations`` (``participant``, ``date``, ``activity``), each a pandas DataFrame or Arrow
    data (pyarrow, polars, DuckDB; dates as date32, date64, timestamps, ``YYYY-MM-DD`` text;
    instants read in ``tz`` as in :func:`~amimestrocel_dkd.endpoints.lab_endpoints`). One row
    per participant and visit, in the kind of ``participants``: ``participant``, ``visit``,
    ``target``, ``window_first``, ``window_last``, ``state`` (``VISIT_STATES``), ``settled``,
    ``attended_on``, ``infusion_on`` (missing where none), ``needs`` (comma-separated),
    ``deviations`` (count), ``next``: the rows of :func:`visit_status_frame`, tested equal.

    Nothing is dropped: every named column must be there (``KeyError``); an observation of no
    listed participant, an activity the plan does not know, or a participant listed twice raises
    :class:`~amimestrocel_dkd.errors.InvalidInputError` naming its column and row; a refused
    participant (an observation after ``on`` ...) raises with ``row`` (the participant's) and
    ``path`` naming the column and row of the tables (``OBSDT[17]``).

    >>> import pandas as pd
    >>> people = pd.DataFrame({"id": ["S-1"], "first_infusion": ["2025-03-03"]})
    >>> obs = pd.DataFrame({"participant": ["S-1"], "date": ["2025-03-03"], "activity": ["infusion"]})
    >>> t = visit_status_table(people, obs, "2025-03-16")
    >>> list(t.state.astype(str)[:3]), list(t.visit.astype(str)[:3])
    (['overdue', 'done', 'in_window'], ['baseline', 'd1', 'd14'])
    """
    import numpy as np

    from . import _arrow, endpoints
    from ._arrow import Column
    from .errors import InvalidInputError

    endpoints._zone(tz)  # an unknown zone is refused first
    no_day = np.iinfo(np.int32).min

    def read(table: Any, specs: List[Any]) -> Tuple[int, List[Any]]:
        """Columns by spec (name, kind, known texts): every named column must be there (a
        ``KeyError`` otherwise); a date may be null (none), a spec without a name is absent."""
        named = [spec for spec in specs if spec[0] is not None]
        if endpoints._is_arrow(table):
            n, columns = _native.table_columns(endpoints._arrow_table(table, [spec[0] for spec in named]),
                                               [(name, "date" if kind == "date?" else kind, known)
                                                for name, kind, known in named], endpoints._zone(tz))
        else:
            absent = [name for name, _, _ in named if name not in table.columns]
            if absent:
                raise KeyError(f"no column {absent[0]!r} in the table (its columns: {list(table.columns)})")
            n = len(table)
            columns = [endpoints._codes(table[name], name, known) if kind == "text"
                       else endpoints._days(table[name], name, optional=kind == "date?", tz=tz)
                       for name, kind, known in named]
        read_by_name = dict(zip([name for name, _, _ in named], columns))
        return n, [read_by_name[name] if name is not None else np.full(n, no_day, dtype=np.int32)
                   for name, _, _ in specs]

    people_specs = [(id, "text", None), (first_infusion, "date?", None),
                    (planned_first_infusion, "date?", None), (screening_date, "date?", None),
                    (left_study, "date?", None)]
    n, (id_codes_texts, first, planned, screened, left) = read(participants, people_specs)
    id_codes, ids = id_codes_texts
    if len(ids) != n:
        seen = np.zeros(len(ids), dtype=bool)
        for row, code in enumerate(id_codes):
            if seen[code]:
                raise InvalidInputError(f"{id}[{row}]: is a participant listed before", "invalid_argument",
                                        {"argument": f"{id}[{row}]"})
            seen[code] = True
    _m, (owner_texts, days, activity_texts) = read(
        observations, [(participant, "text", list(ids)), (date, "date", None), (activity, "text", None)])
    owner, _ = owner_texts
    codes, activities = activity_texts
    out = _native.schedule_status_columns(
        list(ids), np.asarray(first, np.int32), np.asarray(planned, np.int32), np.asarray(screened, np.int32),
        np.asarray(owner, np.int64), np.asarray(days, np.int32), np.asarray(codes, np.int64), list(activities),
        _iso(on, "on"), _json(plan, "plan"), _json(readings, "readings"),
        [first_infusion, planned_first_infusion or "planned_first_infusion", screening_date or "screening_date",
         participant, date, activity],
        None if left_study is None else np.asarray(left, np.int32), left_study)

    # Days that datetime64[ns] holds (1677-09-22 to 2262-04-11), as lab_endpoints refuses the rest.
    first_day, last_day = -106_751, 106_750

    def dates(days: Any) -> Any:
        given = days != no_day
        if np.any(given & ((days < first_day) | (days > last_day))):
            raise InvalidInputError("result: holds a date beyond the dates datetime64[ns] represents (1677-2262)",
                                    "invalid_argument", {"argument": "result"})
        ns = days.astype(np.int64) * 86_400_000_000_000
        ns[~given] = np.iinfo(np.int64).min  # NaT: none
        return ns

    table = _arrow.table([
        Column("participant", "dict", out["participant"], list(ids)),
        Column("visit", "dict", out["visit"], out["visits"]),
        Column("target", "date", dates(out["target"])),
        Column("window_first", "date", dates(out["window_first"])),
        Column("window_last", "date", dates(out["window_last"])),
        Column("state", "dict", out["state"], out["states"]),
        Column("settled", "bool", out["settled"]),
        Column("attended_on", "date", dates(out["attended_on"])),
        Column("infusion_on", "date", dates(out["infusion_on"])),
        Column("needs", "text", out["needs"]),
        Column("deviations", "int", out["deviations"].astype(np.int64)),
        Column("next", "bool", out["next"]),
    ])
    return _arrow.like(table, participants, copy=False)


def to_ics(
    participant: Participant,
    on: Day,
    *,
    stamp: datetime.datetime,
    reference: Optional[str] = None,
    appointments: Optional[Mapping[str, Union[datetime.time, str]]] = None,
    duration_minutes: int = 60,
    reminder_days_before: Optional[int] = None,
    plan: Optional[Union[Mapping[str, Any], str]] = None,
    readings: Optional[Union[Mapping[str, Any], str]] = None,
) -> str:
    """The participant's calendar on ``on`` as iCalendar (RFC 5545) text: one event per visit,
    all-day unless ``appointments`` gives a local time (Asia/Shanghai) for it, with an optional
    reminder. ``stamp`` (UTC, naive or aware) is the file's ``DTSTAMP``; ``reference`` names the
    participant in event UIDs (default: the participant's id). ``duration_minutes`` is the length
    of a timed visit, 1 to 1440 when ``appointments`` are given (an event ends after it starts)."""
    if not isinstance(stamp, datetime.datetime):
        raise TypeError("stamp is a datetime.datetime (UTC)")
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    text = _text(participant)
    if reference is None:
        reference = str(json.loads(text).get("id", "")) if text.lstrip().startswith("{") else ""
    times: List[Tuple[str, str]] = []
    for visit, time in (appointments or {}).items():
        times.append((visit, time.isoformat(timespec="seconds") if isinstance(time, datetime.time) else str(time)))
    return _native.schedule_ics(
        text,
        _iso(on, "on"),
        reference,
        stamp.isoformat(timespec="seconds"),
        times,
        whole(duration_minutes, "duration_minutes", 0, 2**32 - 1),
        None if reminder_days_before is None else whole(reminder_days_before, "reminder_days_before", 0, 2**32 - 1),
        _json(plan, "plan"),
        _json(readings, "readings"),
    )

