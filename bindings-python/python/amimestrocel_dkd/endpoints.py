"""The endpoints of NCT06969807 for the statistician: participants' timelines in, ADaM-style
analysis datasets (BDS and ADSL) as pandas DataFrames out, and the cohort report (summaries
with t intervals, proportions with Wilson intervals, Kaplan-Meier with Greenwood).

Every rule is the Rust core's (``docs/endpoints.md``); the readings where the protocol is silent
(baseline look-back, the eGFR equation, the confirmation of a decline, the adverse-event
window, missing data) are named parameters, changed with ``config={"confirmation": {"rule":
"after", "days": 28}}``.

A timeline is a dict (or JSON text) as ``docs/endpoints.md`` describes::

    {"schema_version": 1, "id": "P-001", "sex": "female", "birth_date": "1960-05-01",
     "first_infusion": "2025-03-03", "last_contact": "2025-09-30",
     "labs": [{"date": "2025-02-20", "analyte": "urine_protein_24h", "value": 2.0, "unit": "g/24h"}]}

>>> from amimestrocel_dkd import endpoints
>>> t = {"schema_version": 1, "id": "P-001", "sex": "female", "birth_date": "1960-05-01",
...      "first_infusion": "2025-03-03", "last_contact": "2025-09-30",
...      "labs": [{"date": "2025-02-20", "analyte": "urine_protein_24h", "value": 2.0, "unit": "g/24h"},
...               {"date": "2025-09-15", "analyte": "urine_protein_24h", "value": 1.5, "unit": "g/24h"}]}
>>> e = endpoints.derive([t])
>>> row = e.bds[(e.bds.PARAMCD == "UPRO24") & (e.bds.AVISIT == "w28")].iloc[0]
>>> float(row.CHG), float(row.PCHG)
(-0.5, -25.0)
"""

from __future__ import annotations

import io
import json
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native
from ._columns import ISO_DAY, whole
from ._extras import require
from .errors import InvalidInputError
from .screening import _json_text

DataFrame = Any
"""A ``pandas.DataFrame`` (pandas is imported when one is made; it has no type stubs here)."""

__all__ = [
    "CohortReport",
    "Endpoints",
    "Proportion",
    "Summary",
    "LabEndpoints",
    "derive",
    "kaplan_meier",
    "lab_endpoints",
    "summarise",
    "t_quantile",
    "wilson",
]

Timeline = Union[Mapping[str, Any], str]

_NUMERIC_BDS = ["ADY", "AVAL", "BASE", "CHG", "PCHG", "R2BASE"]
_NUMERIC_ADSL = ["AGE", "NINF", "RENALDY", "MACEDY", "EGFRSLP"]
_DATES_BDS = ["ADT"]
_DATES_ADSL = ["TRTSDT", "TRTEDT", "DTHDT", "LSTCNTDT"]


def _pandas() -> Any:
    return require("pandas", "amimestrocel_dkd.endpoints (it makes pandas DataFrames)")


def _frame(text: str, numeric: Sequence[str], dates: Sequence[str]) -> DataFrame:
    """A DataFrame of core's CSV: text columns as written (flags ``Y`` or ``""``), numbers as
    nullable ``Float64`` (``ADY``, ``AGE``, ``NINF``, day counts as nullable ``Int64``), dates as
    ``datetime64``; an empty cell of a number is ``pd.NA`` (a value that is not defined, such
    as the percent change from a baseline of 0, is missing, never NaN or inf), of a date NaT."""
    pd = _pandas()
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for column in numeric:
        values = pd.to_numeric(frame[column].replace("", None), errors="raise")
        integer = column in ("ADY", "AGE", "NINF", "RENALDY", "MACEDY")
        frame[column] = values.astype("Int64" if integer else "Float64")
    for column in dates:
        frame[column] = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%d")
    return frame


class Summary(NamedTuple):
    """A descriptive summary: ``n`` present, ``missing`` (counted, not imputed), mean, SD
    (divisor n - 1), median, quartiles, range and the t interval of the mean (``ci_lower``,
    ``ci_upper``); ``None`` where too few values."""

    n: int
    missing: int
    mean: Optional[float]
    sd: Optional[float]
    median: Optional[float]
    q1: Optional[float]
    q3: Optional[float]
    min: Optional[float]
    max: Optional[float]
    ci_lower: Optional[float]
    ci_upper: Optional[float]


def _summary(d: Dict[str, Any]) -> Summary:
    ci = d.get("ci")
    return Summary(
        d["n"], d["missing"], d["mean"], d["sd"], d["median"], d["q1"], d["q3"], d["min"], d["max"],
        None if ci is None else ci[0], None if ci is None else ci[1],
    )


class Proportion(NamedTuple):
    """``events`` of ``n`` known (``missing`` not known) with Wilson's interval."""

    events: int
    n: int
    missing: int
    estimate: Optional[float]
    lower: Optional[float]
    upper: Optional[float]


def _proportion(d: Dict[str, Any]) -> Proportion:
    ci = d.get("ci")
    return Proportion(d["events"], d["n"], d["missing"], d["estimate"],
                      None if ci is None else ci[0], None if ci is None else ci[1])


def summarise(values: Iterable[Optional[float]], level: float = 0.95, quantile_method: str = "type7") -> Summary:
    """Summarises ``values`` (``None`` or NaN is missing): n, mean, SD, median, IQR, range and the
    t interval of the mean at ``level``. Quantiles: ``"type7"`` (numpy's default) or ``"type6"``
    (numpy ``method="weibull"``).

    >>> s = summarise([1.0, 2.0, None, 4.0])
    >>> (s.n, s.missing, s.median)
    (3, 1, 2.0)
    """
    cleaned: List[Optional[float]] = []
    for i, v in enumerate(values):
        if v is None or type(v).__name__ == "NAType":  # None, pandas.NA
            cleaned.append(None)
        else:
            x = _number(v, "values", i)
            cleaned.append(None if x != x else x)  # NaN is missing
    return _summary(json.loads(_native.stats_summarise_json(cleaned, level, quantile_method)))


def _number(value: Any, what: str, i: int) -> float:
    """A number as float; text (``"1"``) and booleans are a ``TypeError``: text is never read as
    a number."""
    import decimal
    import numbers

    if isinstance(value, bool) or not isinstance(value, (numbers.Real, decimal.Decimal)):
        raise TypeError(f"{what}[{i}] is {type(value).__name__}, not a number (text is never read as one)")
    return float(value)


def _event(value: Any, i: int) -> bool:
    """An event flag: a bool, or the integers 0 and 1; anything else (``"False"``, 2, a missing
    value) is a ``TypeError``, not read by its truthiness."""
    import numbers

    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Real) and float(value) in (0.0, 1.0):  # 0/1, also as floats
        return bool(float(value))
    raise TypeError(f"events[{i}] is {type(value).__name__}, not an event: an event is True/False (or 1/0)")


def wilson(events: int, n: int, level: float = 0.95) -> Proportion:
    """``events`` of ``n`` with Wilson's score interval (no continuity correction).

    >>> p = wilson(3, 20)
    >>> round(p.lower, 4), round(p.upper, 4)
    (0.0524, 0.3604)
    """
    events = whole(events, "events", 0, 2**63 - 1)
    n = whole(n, "n", 0, 2**63 - 1)
    estimate, lower, upper = _native.stats_wilson(events, n, level)
    return Proportion(events, n, 0, estimate, lower, upper)


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom."""
    return _native.stats_t_quantile(p, df)


def kaplan_meier(times: Iterable[float], events: Iterable[bool], level: float = 0.95,
                 interval: str = "log_log") -> DataFrame:
    """The Kaplan-Meier estimate as a DataFrame, one row per distinct time: ``time``,
    ``at_risk``, ``events``, ``censored``, ``survival``, ``se`` (Greenwood) and the interval
    ``lower``/``upper`` (``"log_log"``, as lifelines, or ``"linear"``); ``attrs["median"]`` is
    the median time (``None`` if the estimate stays above 0.5). Times are numbers and events
    True/False (or 1/0); text, or an event of 2, is a ``TypeError``.
    """
    km = json.loads(_native.stats_kaplan_meier_json([_number(t, "times", i) for i, t in enumerate(times)],
                                                    [_event(e, i) for i, e in enumerate(events)], level, interval))
    return _km_frame(km)


def _km_frame(km: Dict[str, Any]) -> DataFrame:
    pd = _pandas()
    rows = [
        {
            "time": s["time"], "at_risk": s["at_risk"], "events": s["events"], "censored": s["censored"],
            "survival": s["survival"], "se": s["se"],
            "lower": None if s["ci"] is None else s["ci"][0],
            "upper": None if s["ci"] is None else s["ci"][1],
        }
        for s in km["steps"]
    ]
    frame = pd.DataFrame(rows, columns=["time", "at_risk", "events", "censored", "survival", "se", "lower", "upper"])
    frame["lower"] = frame["lower"].astype(float)
    frame["upper"] = frame["upper"].astype(float)
    frame.attrs["median"] = km["median"]
    frame.attrs["n"] = km["n"]
    return frame


class CohortReport(NamedTuple):
    """The cohort's report: ``visits`` (a DataFrame, one row per parameter and visit with the
    summaries of AVAL, CHG and PCHG and, for UACR, the geometric mean ratio), ``landmarks`` (the
    renal composite, MACE and death at week 28 and months 12-24 with Wilson intervals),
    ``time_to_event`` (Kaplan-Meier DataFrames by outcome), ``safety`` (participants with
    adverse events and malignancies), ``egfr_slope`` and the count of values not usable."""

    participants: int
    dosed: int
    visits: DataFrame
    landmarks: DataFrame
    time_to_event: Dict[str, DataFrame]
    safety: DataFrame
    egfr_slope: Summary
    unusable: int


class Endpoints:
    """Derived endpoints of a cohort: ``participants`` (core's JSON per participant), ``bds`` and
    ``adsl`` DataFrames (the columns of ``docs/endpoints.md``), :meth:`report` and
    :meth:`to_csv`."""

    def __init__(self, participants_json: str, config: Optional[str], plan: Optional[str],
                 readings: Optional[str]) -> None:
        self._json = participants_json
        self._config, self._plan, self._readings = config, plan, readings
        self.participants: List[Dict[str, Any]] = json.loads(participants_json)
        self._csv: Optional[Tuple[str, str]] = None

    def _texts(self) -> Tuple[str, str]:
        if self._csv is None:
            self._csv = _native.endpoints_csv(self._json)
        return self._csv

    @property
    def bds(self) -> DataFrame:
        """The long analysis dataset: one row per value (STUDYID, USUBJID, PARAMCD, PARAM,
        AVISIT, ADT, ADY, AVAL, BASE, CHG, PCHG, R2BASE, ABLFL, ANL01FL, DTYPE, SRC)."""
        return _frame(self._texts()[0], _NUMERIC_BDS, _DATES_BDS)

    @property
    def adsl(self) -> DataFrame:
        """The subject-level dataset: one row per participant."""
        return _frame(self._texts()[1], _NUMERIC_ADSL, _DATES_ADSL)

    def to_csv(self) -> Tuple[str, str]:
        """The BDS and ADSL datasets as CSV texts, exactly as the main job writes them."""
        return self._texts()

    def report(self) -> CohortReport:
        """The cohort report."""
        pd = _pandas()
        r = json.loads(_native.endpoints_report_json(self._json, self._config, self._plan, self._readings))
        visit_rows = []
        for v in r["visits"]:
            row: Dict[str, Any] = {"PARAMCD": v["paramcd"], "PARAM": v["param"], "AVISIT": v["avisit"],
                                   "not_due": v["not_due"]}
            for part in ("aval", "chg", "pchg"):
                s = v[part]
                for field, value in (_summary(s)._asdict() if s is not None else {}).items():
                    row[f"{part}_{field}"] = value
            g = v.get("geometric_ratio")
            row["gmr"] = None if g is None else g["ratio"]
            row["gmr_lower"] = None if g is None or g["ci"] is None else g["ci"][0]
            row["gmr_upper"] = None if g is None or g["ci"] is None else g["ci"][1]
            visit_rows.append(row)
        landmarks = pd.DataFrame(
            [{"visit": lm["visit"], "outcome": lm["outcome"], **_proportion(lm["proportion"])._asdict()}
             for lm in r["landmarks"]]
        )
        safety = pd.DataFrame([{"what": s["what"], **_proportion(s["proportion"])._asdict()} for s in r["safety"]])
        time_to_event = {t["outcome"]: _km_frame(t["km"]) for t in r["time_to_event"]}
        return CohortReport(r["participants"], r["dosed"], pd.DataFrame(visit_rows), landmarks, time_to_event,
                            safety, _summary(r["egfr_slope"]), r["unusable"])


class LabEndpoints(NamedTuple):
    """The lab endpoints of a cohort (:func:`lab_endpoints`): ``bds`` (one row per analysis
    value: USUBJID, PARAMCD, PARAM, AVISIT, ADT, ADY, AVAL, BASE, CHG, PCHG, R2BASE, ABLFL,
    ANL01FL), ``adsl`` (one row per subject: USUBJID, RENALFL, RENALDT, RENALDY, RENALCMP; the
    flag is missing when there is nothing to measure the composite from) and ``unusable``
    (USUBJID, SRC, REASON: values that could not be used, with the reason)."""

    bds: DataFrame
    adsl: DataFrame
    unusable: DataFrame


LAB_COLUMNS = {"USUBJID": "USUBJID", "ADT": "ADT", "LBTESTCD": "LBTESTCD", "LBSTRESN": "LBSTRESN",
               "LBSTRESU": "LBSTRESU"}
"""The lab table's columns :func:`lab_endpoints` reads, by default: the participant, the date,
the analyte (a slug of :data:`amimestrocel_dkd.types.AnalyteSlug`), the number and its unit."""

SUBJECT_COLUMNS = {"USUBJID": "USUBJID", "SEX": "SEX", "BRTHDT": "BRTHDT", "TRTSDT": "TRTSDT",
                   "LSTCNTDT": "LSTCNTDT", "ESRDDT": "ESRDDT", "RRTSTDT": "RRTSTDT", "DTHDT": "DTHDT"}
"""The subject table's columns :func:`lab_endpoints` reads, by default; ESRDDT (ESRD),
RRTSTDT (the first start of renal replacement therapy) and DTHDT (death) may be absent. An ESRDDT
or RRTSTDT before TRTSDT is refused (``subjects[i].esrd``, ``subjects[i].renal_replacement``)
unless the configuration reads it as ``prevalent_renal_failure = not_evaluable``."""

_NO_DATE = np.iinfo(np.int32).min


def _local(values: Any, name: str, tz: Optional[str]) -> Any:
    """Instants (pandas datetimes with a time zone) as the wall time in ``tz``, without zone; a
    ``TypeError`` without ``tz``: which day an instant is depends on the zone."""
    if tz is None:
        raise TypeError(f"column {name} holds instants ({values.dtype}), whose day depends on a time zone: "
                        "give tz= (an IANA zone such as 'Asia/Shanghai') to read each as its day there")
    return values.dt.tz_convert(tz).dt.tz_localize(None)


def _days(column: Any, name: str, optional: bool, tz: Optional[str] = None) -> Any:
    """A date column as days since 1970 (int32); a missing date is ``_NO_DATE``; instants are
    read as their day in ``tz`` (refused without it). Text is read only as ISO 8601 (a text that
    is not is the row's "is not a date"); a column of numbers is a ``TypeError``."""
    pd = _pandas()
    column = pd.Series(column) if not isinstance(column, pd.Series) else column
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        column = _local(column, name, tz)
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)  # its categories' values, row by row
    if pd.api.types.is_datetime64_any_dtype(column):
        # Already dates (datetime64 of any unit): whole days since 1970, NaT as missing.
        # In its own unit (datetime64[s] holds dates beyond 2262, which [ns] would wrap).
        raw = column.to_numpy()
        missing = np.isnat(raw)
        if not optional and missing.any():
            row = int(np.flatnonzero(missing)[0])
            raise InvalidInputError(f"{name}[{row}]: is missing", "invalid_argument", {"argument": f"{name}[{row}]"})
        days = raw.astype("datetime64[D]").view(np.int64).copy()
        days[missing] = _NO_DATE
        return days.astype(np.int32)
    if column.isna().all():
        # No date at all (an empty CSV column reads as float NaN): every row missing.
        if not optional and len(column):
            raise InvalidInputError(f"{name}[0]: is missing", "invalid_argument", {"argument": f"{name}[0]"})
        return np.full(len(column), _NO_DATE, dtype=np.int32)
    # Numbers are not dates: 20250303 would be read as nanoseconds after 1970 and a day count
    # has no agreed epoch, so neither is guessed.
    if pd.api.types.infer_dtype(column, skipna=True) in (
            "integer", "floating", "mixed-integer", "mixed-integer-float", "decimal", "boolean", "complex"):
        raise TypeError(f"column {name} holds numbers, not dates: pass dates, datetimes or ISO 8601 text "
                        "(YYYY-MM-DD); neither 20250303 nor a count of days is read as a date")
    # Text (and date or datetime objects): read row by row as _object_days says.
    days = _object_days(column.to_numpy(dtype=object), name, tz)
    missing = days == _NO_DATE
    if not optional and missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise InvalidInputError(f"{name}[{row}]: is missing", "invalid_argument", {"argument": f"{name}[{row}]"})
    return days.astype(np.int32)


# A text date and time: the day, a time, and an offset if any (ISO 8601).
_ISO_TIME = (rf"^({ISO_DAY})[T ]((?:[01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:[.,]\d+)?)?)"
             r"(Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$")


def _not_a_date(name: str, row: int) -> InvalidInputError:
    return InvalidInputError(f"{name}[{row}]: is not a date (YYYY-MM-DD, with a time if any)",
                             "invalid_argument", {"argument": f"{name}[{row}]"})


def _iso_days(texts: Any, rows: Any, name: str) -> Any:
    """Days since 1970 of ``texts`` (numpy unicode, each ``YYYY-MM-DD``), strictly: a text not
    of that form, or a day that does not exist, is its row's error (``rows`` gives each text's
    row). Any year 0001-9999, beyond pandas' nanoseconds."""
    texts = np.asarray(texts, dtype="U10")
    # The form, checked on the characters at once: digits, with '-' at 4 and 7, year not 0000.
    chars = texts.view(np.uint32).reshape(len(texts), 10) if len(texts) else np.zeros((0, 10), np.uint32)
    digits = (chars >= ord("0")) & (chars <= ord("9"))
    dashes = chars[:, [4, 7]] == ord("-")
    form = digits[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1) & dashes.all(axis=1)
    form &= (chars[:, :4] != ord("0")).any(axis=1)
    if not form.all():
        raise _not_a_date(name, int(rows[np.flatnonzero(~form)[0]]))
    try:
        return texts.astype("datetime64[D]").view(np.int64)
    except ValueError:  # a month or day that does not exist: find its row
        for k, text in enumerate(texts):
            try:
                np.datetime64(str(text), "D")
            except ValueError:
                raise _not_a_date(name, int(rows[k])) from None
        raise


def _whole_days(texts: Any, rows: Any, name: str) -> Any:
    """Days since 1970 of ten-character ``texts`` (an object array): pandas' fast reader of
    ``%Y-%m-%d`` first (of ten characters it reads only ``YYYY-MM-DD``: a one-digit month or
    day would make the text shorter), the rest (years beyond pandas' 1677-2262, or not a day)
    through :func:`_iso_days`, strictly."""
    pd = _pandas()
    read = pd.to_datetime(pd.Series(texts, dtype=object), errors="coerce", format="%Y-%m-%d")
    failed = read.isna().to_numpy()
    days = read.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").view(np.int64).copy()
    if failed.any():
        days[failed] = _iso_days(np.asarray(texts[failed], dtype="U10"), rows[failed], name)
    return days


def _object_days(values: Any, name: str, tz: Optional[str]) -> Any:
    """Days since 1970 (int64; ``_NO_DATE`` where missing) of a column of ISO 8601 texts, dates
    or datetimes, any mix, each read on its own: a whole day ``YYYY-MM-DD`` (years 0001-9999); a
    wall time (a text or datetime without an offset) as its own day; an instant (a text with an
    offset, a datetime with a zone) as its day in ``tz`` (a ``TypeError`` without it). A mix of
    instants and wall times is read row by row, never with one row's offset lent to another.
    "02/03/2025" (2 March or 3 February?), "1960-05", "19600501" and numbers are refused, not
    guessed."""
    import datetime as dt

    pd = _pandas()
    n = len(values)
    days = np.full(n, _NO_DATE, dtype=np.int64)
    present = np.flatnonzero(~pd.isna(pd.Series(values, dtype=object)).to_numpy(dtype=bool))
    if not len(present):
        return days
    vals = values[present]
    kind = pd.api.types.infer_dtype(vals, skipna=False)
    if kind == "date" and all(type(v) is dt.date for v in vals):  # plain dates: numpy reads them exactly
        days[present] = np.array(list(vals), dtype="datetime64[D]").view(np.int64)
        return days
    if kind == "string":  # texts only (the usual column): no look at each row's type
        is_text = np.ones(len(vals), dtype=bool)
        lengths = np.fromiter(map(len, vals), dtype=np.int64, count=len(vals))
        ascii_ = np.fromiter(map(str.isascii, vals), dtype=bool, count=len(vals))
    else:
        is_text = np.fromiter((isinstance(v, str) for v in vals), dtype=bool, count=len(vals))
        lengths = np.fromiter((len(v) if t else 0 for v, t in zip(vals, is_text)), dtype=np.int64, count=len(vals))
        ascii_ = np.fromiter((not t or v.isascii() for v, t in zip(vals, is_text)), dtype=bool, count=len(vals))
    if not ascii_.all():
        # Digits of other scripts (full-width ２０２５) are no ISO 8601 date, as the core reads it.
        raise _not_a_date(name, int(present[np.flatnonzero(~ascii_)[0]]))
    whole_day = is_text & (lengths == 10)
    if whole_day.any():
        days[present[whole_day]] = _whole_days(vals[whole_day], present[whole_day], name)
    timed = is_text & ~whole_day
    if timed.any():
        parts = pd.Series(vals[timed], dtype=object).str.extract(_ISO_TIME)
        rows = present[timed]
        bad = parts[0].isna().to_numpy()
        if bad.any():
            raise _not_a_date(name, int(rows[np.flatnonzero(bad)[0]]))
        wall = parts[2].isna().to_numpy()
        if wall.any():  # no offset: a wall time, its own day
            days[rows[wall]] = _whole_days(parts[0].to_numpy(dtype=object)[wall], rows[wall], name)
        if (~wall).any():  # an offset: an instant, its day in tz
            instants = pd.Series(vals[timed][~wall], dtype=object)
            try:
                read = pd.to_datetime(instants, utc=True, format="ISO8601")
            except (ValueError, OverflowError):
                read = pd.to_datetime(instants, utc=True, format="ISO8601", errors="coerce")
            if read.isna().any():
                raise _not_a_date(name, int(rows[~wall][np.flatnonzero(read.isna().to_numpy())[0]]))
            local = _local(read, name, tz)
            days[rows[~wall]] = local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").view(np.int64)
    # Date and datetime objects among texts (or a column of datetimes): each on its own.
    for k in np.flatnonzero(~is_text):
        v, row = vals[k], int(present[k])
        if isinstance(v, np.datetime64):
            v = pd.Timestamp(v)
        if isinstance(v, dt.datetime):  # pandas' Timestamp is one
            if v.tzinfo is not None:
                if tz is None:
                    raise TypeError(f"column {name} holds instants (a datetime with a zone at row {row}), whose day "
                                    "depends on a time zone: give tz= (an IANA zone such as 'Asia/Shanghai')")
                from zoneinfo import ZoneInfo

                v = v.astimezone(ZoneInfo(tz))
            v = v.date()
        if not isinstance(v, dt.date):
            raise _not_a_date(name, row)
        days[row] = v.toordinal() - _EPOCH_ORDINAL
    return days


_EPOCH_ORDINAL = 719163  # datetime.date(1970, 1, 1).toordinal()


def _codes(column: Any, name: str, known: Optional[List[str]] = None) -> Tuple[Any, List[str]]:
    """The codes of a text column and its distinct texts (each distinct text is then read once
    by the core); with ``known``, the position of each row's text in it. A missing value, or a
    text not in ``known``, is refused. A column of numbers, booleans or dates is a ``TypeError``
    naming it, before any row is read, as the Arrow reader refuses it: an id or a code is text,
    and ``1`` is not guessed to be ``"1"``."""
    _check_text_dtype(column, name)
    values = column.to_numpy(dtype=object) if hasattr(column, "to_numpy") else np.asarray(column, dtype=object)
    return _native.text_codes(values, name, known)


def _check_text_dtype(column: Any, name: str) -> None:
    """A ``TypeError`` for a column whose dtype holds no text (numbers, booleans, dates)."""
    kind = getattr(getattr(column, "dtype", None), "kind", "O")
    if kind in "biufcmM":
        raise TypeError(f"column {name} is {column.dtype}, not text")


def _zone(tz: Optional[str]) -> Optional[Tuple[List[int], List[int]]]:
    """The UTC offsets of ``tz`` as the native reader takes them, or None."""
    from ._arrow import zone_offsets

    return None if tz is None else zone_offsets(tz)


def _is_arrow(table: Any) -> bool:
    """Arrow data (not a pandas DataFrame): read through the Arrow C interface."""
    from . import _arrow

    return _arrow.is_table(table) and _arrow.kind_of(table) != "pandas"


def _arrow_table(table: Any, columns: Iterable[str]) -> Any:
    """``table`` for the native reader: a polars frame cut to ``columns`` (the ones the call
    reads), a LazyFrame collected as batches, a reader marked as read."""
    from . import _arrow

    table = _arrow.only(table, columns)
    if _arrow.is_lazy_polars(table):
        _arrow.check_polars_nulls(table)
        return table.collect_batches()
    return _arrow.read_once(table)


def _required(days: Any, name: str) -> Any:
    """A date column that may not be missing."""
    missing = days == _NO_DATE
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise InvalidInputError(f"{name}[{row}]: is missing", "invalid_argument", {"argument": f"{name}[{row}]"})
    return days


def _subject_columns(subjects: Any, sc: Mapping[str, str], tz: Optional[str]) -> Tuple[List[str], Any]:
    """The subjects' ids and the columns the native call reads, from pandas or Arrow."""
    optional_names = ("ESRDDT", "RRTSTDT", "DTHDT")
    if _is_arrow(subjects):
        wanted = [("USUBJID", "text"), ("SEX", "text"), ("BRTHDT", "date"), ("TRTSDT", "date"), ("LSTCNTDT", "date")]
        wanted += [(name, "date?") for name in optional_names]  # None when the table has no such column
        specs: List[Tuple[str, str, Optional[List[str]]]] = [(sc[name], kind, None) for name, kind in wanted]
        n, read = _native.table_columns(_arrow_table(subjects, [s[0] for s in specs]), specs, _zone(tz))
        got = {name: column for (name, _), column in zip(wanted, read) if column is not None}
        codes, ids = got["USUBJID"]
        if len(ids) != n:
            raise InvalidInputError(f"subjects: a {sc['USUBJID']} is given twice", "invalid_argument",
                                    {"argument": sc["USUBJID"]})
        sex_codes, sexes = got["SEX"]
        optional = [got.get(name, np.full(n, _NO_DATE, dtype=np.int32)) for name in optional_names]
        return list(ids), (list(ids), [sexes[c] for c in sex_codes], _required(got["BRTHDT"], sc["BRTHDT"]),
                           got["TRTSDT"], _required(got["LSTCNTDT"], sc["LSTCNTDT"]), *optional)
    pd = _pandas()
    _check_text_dtype(subjects[sc["USUBJID"]], sc["USUBJID"])
    index = pd.Index([str(x) for x in subjects[sc["USUBJID"]]])
    if not index.is_unique:
        raise InvalidInputError(f"subjects: a {sc['USUBJID']} is given twice", "invalid_argument",
                                {"argument": sc["USUBJID"]})
    n = len(subjects)

    def optional_dates(name: str) -> Any:
        column = sc[name]
        if column in subjects.columns:
            return _days(subjects[column], column, optional=True, tz=tz)
        return np.full(n, _NO_DATE, dtype=np.int32)

    sex = subjects[sc["SEX"]]
    if pd.api.types.is_numeric_dtype(sex) or pd.api.types.is_bool_dtype(sex):
        # As the Arrow path: SDTM's SEX is text, and a number is not guessed to be a code.
        raise TypeError(f"column {sc['SEX']} is {sex.dtype}, not sex text (F/M, female/male)")
    for name, column in ((sc["USUBJID"], subjects[sc["USUBJID"]]), (sc["SEX"], sex)):
        missing = column.isna().to_numpy(dtype=bool)
        if missing.any():
            row = int(np.flatnonzero(missing)[0])
            raise InvalidInputError(f"{name}[{row}]: is missing", "invalid_argument", {"argument": f"{name}[{row}]"})
    return list(index), (
        list(index), [str(x) for x in sex],
        _days(subjects[sc["BRTHDT"]], sc["BRTHDT"], optional=False, tz=tz),
        _days(subjects[sc["TRTSDT"]], sc["TRTSDT"], optional=True, tz=tz),
        _days(subjects[sc["LSTCNTDT"]], sc["LSTCNTDT"], optional=False, tz=tz),
        *[optional_dates(name) for name in optional_names],
    )


def _lab_columns(labs: Any, lc: Mapping[str, str], ids: List[str], tz: Optional[str]) -> Any:
    """The lab rows as the native call reads them, from pandas or Arrow."""
    if _is_arrow(labs):
        specs = [
            (lc["USUBJID"], "text", ids), (lc["ADT"], "date", None), (lc["LBTESTCD"], "text", None),
            (lc["LBSTRESN"], "float", None), (lc["LBSTRESU"], "text", None),
        ]
        _n, read = _native.table_columns(_arrow_table(labs, [s[0] for s in specs]), specs, _zone(tz))
        (participant, _), adt, (analyte, analytes), value, (unit, units) = read
        return (participant, _required(adt, lc["ADT"]), analyte, analytes, value, unit, units)
    participant, _ = _codes(labs[lc["USUBJID"]], lc["USUBJID"], ids)
    analyte, analytes = _codes(labs[lc["LBTESTCD"]], lc["LBTESTCD"])
    unit, units = _codes(labs[lc["LBSTRESU"]], lc["LBSTRESU"])
    return (participant, _days(labs[lc["ADT"]], lc["ADT"], optional=False, tz=tz), analyte, analytes,
            _numbers(labs[lc["LBSTRESN"]], lc["LBSTRESN"]), unit, units)


def _numbers(column: Any, name: str) -> Any:
    """A pandas column of results as float64 (a missing value is NaN, which the core reports as
    the row's missing value): numbers only. Booleans and text are a ``TypeError`` naming the
    column and the first such row: text is never read as a number, and True is not 1.0."""
    pd = _pandas()
    if pd.api.types.is_bool_dtype(column):
        raise TypeError(f"column {name} is {column.dtype}, not numbers")
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    values = column.to_numpy(dtype=object)
    for row, v in enumerate(values):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            continue
        _number(v, name, row)
    return np.array([np.nan if v is None or v is pd.NA else float(v) for v in values], dtype=np.float64)


def lab_endpoints(labs: DataFrame, subjects: DataFrame, config: Optional[Mapping[str, Any]] = None,
                  plan: Optional[Union[Mapping[str, Any], str]] = None,
                  readings: Optional[Union[Mapping[str, Any], str]] = None,
                  lab_columns: Optional[Mapping[str, str]] = None,
                  subject_columns: Optional[Mapping[str, str]] = None, tz: Optional[str] = None) -> LabEndpoints:
    """The lab endpoints of a whole cohort from two DataFrames, in one call: every lab
    parameter's analysis values (eGFR recomputed from creatinine with the configured equation,
    UACR from albumin and creatinine, baseline, visit, analysis flag, change, percent change,
    ratio) and the renal composite, by the same rules as :func:`derive` (core's
    ``derive_lab_table``), without a timeline per participant. ``labs`` has one row per result
    (columns :data:`LAB_COLUMNS`, renamed with ``lab_columns={"ADT": "LBDTC", ...}``),
    ``subjects`` one row per participant (:data:`SUBJECT_COLUMNS`). Either may be a pandas
    DataFrame or Arrow data (pyarrow, polars, DuckDB; dates as date32, date64, timestamps without
    a time zone or YYYY-MM-DD text; texts as utf8, large_utf8, utf8_view or dictionaries), read
    without pyarrow. The three tables come back as the kind ``labs`` is: pandas DataFrames for
    pandas, pyarrow Tables for pyarrow, polars DataFrames (LazyFrames) for polars, and
    :class:`~amimestrocel_dkd._arrow.ArrowTable` for other Arrow producers (DuckDB); in Arrow,
    texts are dictionaries, dates date32, and a value not defined is null. Rows come back by
    participant (in the subjects' order), parameter and date.

    A row whose participant is not a subject, whose analyte, unit or value is refused, or dated
    outside the participant's life raises :class:`~amimestrocel_dkd.errors.InvalidInputError`
    with the ``path`` (``labs[12].date``); carrying values forward is refused here
    (:class:`~amimestrocel_dkd.errors.InvalidConfigError`). A date column of instants (a
    timestamp with a time zone: Spark's timestamps, pandas' ``datetime64[ns, UTC]``, in pandas
    texts with an offset) is read as each instant's day in ``tz`` (an IANA zone; the trial's sites are in
    ``"Asia/Shanghai"``) and is a ``TypeError`` naming the column without it.

    >>> import pandas as pd
    >>> from amimestrocel_dkd import endpoints
    >>> subjects = pd.DataFrame({"USUBJID": ["P-1"], "SEX": ["F"], "BRTHDT": ["1960-05-01"],
    ...                          "TRTSDT": ["2025-03-03"], "LSTCNTDT": ["2025-12-01"]})
    >>> labs = pd.DataFrame({"USUBJID": ["P-1", "P-1"], "ADT": ["2025-02-20", "2025-09-15"],
    ...                      "LBTESTCD": ["urine_protein_24h"] * 2, "LBSTRESN": [2.0, 1.5],
    ...                      "LBSTRESU": ["g/24h"] * 2})
    >>> e = endpoints.lab_endpoints(labs, subjects)
    >>> row = e.bds.iloc[1]
    >>> row.PARAMCD, row.AVISIT, float(row.CHG), float(row.PCHG), bool(row.ANL01FL)
    ('UPRO24', 'w28', -0.5, -25.0, True)
    """
    from . import _arrow
    from ._arrow import Column

    caller = labs
    if _arrow.kind_of(labs) == "pandas":
        _pandas()  # a pandas caller gets DataFrames; say so early if pandas is missing
    for given, known, argument in ((lab_columns, LAB_COLUMNS, "lab_columns"),
                                   (subject_columns, SUBJECT_COLUMNS, "subject_columns")):
        unknown = sorted(set(given or {}) - set(known))
        if unknown:
            # A misspelt renaming would otherwise be ignored and the default column read.
            raise KeyError(f"{argument}: {unknown[0]!r} is not one of {sorted(known)}")
    lc = {**LAB_COLUMNS, **(lab_columns or {})}
    sc = {**SUBJECT_COLUMNS, **(subject_columns or {})}
    _zone(tz)  # an unknown zone is refused before any column is read, whether one needs it or not
    ids, subject_cols = _subject_columns(subjects, sc, tz)
    lab_cols = _lab_columns(labs, lc, ids, tz)
    out = _native.endpoints_lab_table(
        subject_cols, lab_cols,
        None if config is None else json.dumps(dict(config)),
        None if plan is None else _json_text(plan, "the schedule plan"),
        None if readings is None else _json_text(readings, "the schedule readings"),
    )
    codes = [c for c, _ in out["parameters"]]
    labels = [label for _, label in out["parameters"]]
    param = out["param"]
    # One description per table, for its Arrow and its pandas form (numbers are not copied).
    # A value not defined (no baseline, before day 1, the percent change from a baseline of 0)
    # is missing (Arrow null, pandas pd.NA), not NaN.
    bds = _arrow.table([
        Column("USUBJID", "dict", out["participant"], list(ids)),
        Column("PARAMCD", "dict", param, codes),
        Column("PARAM", "dict", param, labels),
        Column("AVISIT", "dict", out["avisit"], out["visits"]),
        Column("ADT", "date", out["adt_ns"]),
        Column("ADY", "int", out["ady"]),
        Column("AVAL", "float", out["aval"]),
        Column("BASE", "float?", out["base"]),
        Column("CHG", "float?", out["chg"]),
        Column("PCHG", "float?", out["pchg"]),
        Column("R2BASE", "float?", out["r2base"]),
        Column("ABLFL", "bool", out["ablfl"]),
        Column("ANL01FL", "bool", out["anl01fl"]),
    ])
    has = out["renal_has"]
    adsl = _arrow.table([
        Column("USUBJID", "text", list(ids)),
        Column("RENALFL", "bool", np.where(has, out["renal_event"], False), has),
        Column("RENALDT", "date", out["renal_date_ns"], has),
        Column("RENALDY", "int", out["renal_days"], has),
        Column("RENALCMP", "text", out["renal_component"]),
    ])
    unusable = _arrow.table([
        Column("USUBJID", "text", [ids[p] for p, _, _ in out["unusable"]]),
        Column("SRC", "text", [src for _, src, _ in out["unusable"]]),
        Column("REASON", "text", [reason for _, _, reason in out["unusable"]]),
    ])
    # pandas takes the arrays as they are (they are this call's own, and writable).
    return LabEndpoints(*(_arrow.like(t, caller, copy=False) for t in (bds, adsl, unusable)))


def derive(timelines: Iterable[Timeline], config: Optional[Mapping[str, Any]] = None,
           plan: Optional[Union[Mapping[str, Any], str]] = None,
           readings: Optional[Union[Mapping[str, Any], str]] = None) -> Endpoints:
    """Derives every participant's endpoints in one call. A refused timeline raises
    :class:`~amimestrocel_dkd.errors.InvalidInputError` with its ``row`` (from 0) and ``path``;
    a refused reading :class:`~amimestrocel_dkd.errors.InvalidConfigError`."""
    if isinstance(timelines, (str, bytes, Mapping)):
        raise TypeError("timelines is a list of timelines (dicts or JSON texts), not one: pass [timeline]")
    texts = [_json_text(t, "a participant's timeline") for t in timelines]
    config_text = None if config is None else _json_text(config, "config")
    plan_text = None if plan is None else _json_text(plan, "plan")
    readings_text = None if readings is None else _json_text(readings, "readings")
    return Endpoints(_native.endpoints_derive_json(texts, config_text, plan_text, readings_text),
                     config_text, plan_text, readings_text)
