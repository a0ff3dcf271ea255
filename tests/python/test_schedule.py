"""The visit schedule through the Python binding: the shared vectors, the typed results, the
cohort DataFrame, errors, and the iCalendar export parsed by the `icalendar` package."""

import datetime
from typing import Any, Dict, List, Tuple

import icalendar
import pandas as pd  # type: ignore[import-untyped]
import pytest

import amimestrocel_dkd as dkd
from amimestrocel_dkd import schedule
from conftest import load

CALENDARS = load("schedule/calendar.json")["cases"]
STATUSES = load("schedule/status.json")["cases"]


def test_vector_files_are_not_empty() -> None:
    assert len(CALENDARS) >= 8 and len(STATUSES) >= 8


@pytest.mark.parametrize("case", CALENDARS, ids=lambda c: c["name"])
def test_calendar_vector(case: Dict[str, Any]) -> None:
    planned = "first_infusion" not in case
    day_one = case.get("first_infusion") or case["planned_first_infusion"]
    c = schedule.calendar(day_one, planned=planned, readings=case.get("readings"))
    assert c.planned == case["planned"]
    got = [
        {
            "visit": v.visit,
            "target": v.target.isoformat(),
            "study_day": v.study_day,
            "window_first": v.window_first.isoformat(),
            "window_last": v.window_last.isoformat(),
        }
        for v in c.visits
    ]
    assert got == case["visits"]


@pytest.mark.parametrize("case", STATUSES, ids=lambda c: c["name"])
def test_status_vector(case: Dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(dkd.InvalidInputError) as info:
            schedule.visit_status(case["participant"], case["on"], readings=case.get("readings"))
        assert (info.value.kind, info.value.path) == (case["error"]["kind"], case["error"]["path"])
        return
    s = schedule.visit_status(case["participant"], case["on"], readings=case.get("readings"))
    assert {v.visit: v.state for v in s.visits} == case["statuses"]
    assert s.next_visit == case["next_visit"]
    assert [{"observation": a.observation, "visits": a.visits, "role": a.role} for a in s.assignments] == case["assignments"]
    got = []
    for d in s.deviations:
        item: Dict[str, Any] = {"kind": d.kind, "visit": d.visit}
        if d.assessment is not None:
            item["assessment"] = d.assessment
        if d.days_outside is not None:
            item["days_outside"] = d.days_outside
        if d.kind == "extra_infusion":
            assert d.date is not None
            item["date"] = d.date.isoformat()
        got.append(item)
    assert got == case["deviations"]
    for visit, target in case.get("targets", {}).items():
        assert s.calendar.visit(visit).target.isoformat() == target


def test_literal_slugs_are_the_librarys_lists() -> None:
    from typing import get_args

    from amimestrocel_dkd.types import AssessmentSlug, VisitStateSlug

    assert list(get_args(AssessmentSlug)) == schedule.ASSESSMENTS
    assert list(get_args(VisitStateSlug)) == schedule.VISIT_STATES


def test_dates_may_be_date_objects_and_results_are_dates() -> None:
    day_one = datetime.date(2025, 3, 3)
    p = {"id": "S-1", "first_infusion": day_one, "observations": [{"date": day_one, "activity": "attended"}, {"date": day_one, "activity": "infusion"}]}
    s = schedule.visit_status(p, datetime.date(2025, 3, 15))
    nxt = s.next()
    assert nxt is not None and nxt.visit == "d14" and nxt.target == datetime.date(2025, 3, 16)
    assert nxt.infusion and "dqol" in nxt.needs


def test_the_cohort_frame_has_one_row_per_participant_and_visit() -> None:
    base = STATUSES[0]["participant"]
    assert "error" not in STATUSES[0]
    people = [dict(base, id=f"S-{i}") for i in range(50)]
    df = schedule.visit_status_frame(people, "2025-06-01")
    n_visits = len(schedule.plan()["visits"])
    assert len(df) == 50 * n_visits
    assert df["target"].dtype.kind == "M" and isinstance(df["state"].dtype, pd.CategoricalDtype)
    assert list(df["state"].cat.categories) == schedule.VISIT_STATES
    assert df.groupby("participant")["next"].sum().eq(1).all()
    one = schedule.visit_status(people[0], "2025-06-01")
    first = df[df["participant"] == "S-0"]
    assert list(first["state"]) == [v.state for v in one.visits]


def test_a_refused_participant_in_a_cohort_names_its_row_and_field() -> None:
    people = [{"id": "a", "first_infusion": "2025-03-03"}, {"id": "b", "first_infusion": "2025-3-3"}]
    with pytest.raises(dkd.InvalidInputError) as info:
        schedule.visit_status_frame(people, "2025-06-01")
    assert info.value.details["row"] == 1 and info.value.path == "first_infusion"
    assert "2025-3-3" not in str(info.value)


def test_bad_input_gets_typed_errors() -> None:
    with pytest.raises(dkd.InvalidInputError) as info:
        schedule.visit_status({"id": "S", "first_infusion": "2025-03-03", "observations": [{"date": "2025-03-03", "activity": "x"}]}, "2025-04-01")
    assert info.value.path == "observations[0].activity"
    with pytest.raises(dkd.InvalidInputError) as info:
        schedule.visit_status({"id": "S"}, "2025-04-01")
    assert info.value.path == "first_infusion"
    with pytest.raises(dkd.InvalidInputError) as info:
        schedule.visit_status({"id": "S", "first_infusion": "+262142-12-31"}, "2025-04-01")
    with pytest.raises(dkd.InvalidInputError):
        schedule.visit_status({"id": "S", "first_infusion": "2025-03-03"}, "2025-13-01")
    with pytest.raises(dkd.InvalidConfigError) as cinfo:
        schedule.calendar("2025-03-03", readings={"week_day": "fortnightly"})
    assert cinfo.value.path == "week_day"
    with pytest.raises(dkd.InvalidConfigError) as cinfo:
        schedule.calendar("2025-03-03", plan='{"version": "x"}')
    with pytest.raises(TypeError):
        schedule.visit_status_frame({"id": "S"}, "2025-04-01")
    with pytest.raises(TypeError):
        schedule.visit_status(42, "2025-04-01")  # type: ignore[arg-type]


def test_dates_beyond_pythons_are_a_typed_error_not_a_panic() -> None:
    # The core computes month 24 of 9999-12-01 (year 10001); datetime.date cannot hold it.
    with pytest.raises(dkd.InvalidInputError) as info:
        schedule.calendar("9999-12-01")
    assert info.value.kind == "date_out_of_range"
    assert schedule.calendar("9997-12-01").visit("m24").target == datetime.date(9999, 12, 1)


def test_ics_parses_with_the_icalendar_package() -> None:
    case = STATUSES[1]
    assert "error" not in case
    stamp = datetime.datetime(2025, 3, 1, 8, 0, tzinfo=datetime.timezone.utc)
    text = schedule.to_ics(
        case["participant"],
        case["on"],
        stamp=stamp,
        appointments={"d14": datetime.time(9, 30)},
        duration_minutes=90,
        reminder_days_before=1,
    )
    cal = icalendar.Calendar.from_ical(text)
    events = [e for e in cal.walk("VEVENT")]
    s = schedule.visit_status(case["participant"], case["on"])
    assert len(events) == len(s.visits)
    by_uid = {str(e["UID"]).split(".")[0]: e for e in events}
    for v in s.calendar.visits:
        start = by_uid[v.visit].decoded("DTSTART")
        if v.visit == "d14":
            assert isinstance(start, datetime.datetime)
            assert start.replace(tzinfo=None) == datetime.datetime.combine(v.target, datetime.time(9, 30))
            assert start.utcoffset() == datetime.timedelta(hours=8)
            end = by_uid[v.visit].decoded("DTEND")
            assert end - start == datetime.timedelta(minutes=90)
        else:
            assert start == v.target and not isinstance(start, datetime.datetime)
            assert by_uid[v.visit].decoded("DTEND") == v.target + datetime.timedelta(days=1)
        assert str(by_uid[v.visit]["SUMMARY"]) == v.label
        assert v.window_first.isoformat() in str(by_uid[v.visit]["DESCRIPTION"])
    assert all(len(e.walk("VALARM")) == 1 for e in events)
    assert cal.walk("VEVENT")[0].decoded("DTSTAMP") == stamp
    assert [t["TZID"] for t in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    # Lines are CRLF and at most 75 octets (RFC 5545 3.1).
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_ics_escapes_text_that_icalendar_reads_back() -> None:
    text = schedule.to_ics({"id": "S,1;x", "first_infusion": "2025-03-03"}, "2025-03-03", stamp=datetime.datetime(2025, 3, 1))
    cal = icalendar.Calendar.from_ical(text)
    uids = [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert uids[0] == "baseline.S,1;x@amimestrocel-dkd"
    with pytest.raises(dkd.InvalidInputError):
        schedule.to_ics({"id": "S", "first_infusion": "2025-03-03"}, "2025-03-03", stamp=datetime.datetime(2025, 3, 1), appointments={"w99": "09:00"})


def test_role_and_deviation_literals_are_what_the_vectors_see() -> None:
    from typing import get_args

    from amimestrocel_dkd.types import AssignmentRoleSlug, DeviationKindSlug

    roles = {a["role"] for c in STATUSES if "error" not in c for a in c["assignments"]}
    kinds = {d["kind"] for c in STATUSES if "error" not in c for d in c["deviations"]}
    assert set(get_args(AssignmentRoleSlug)) == roles
    assert set(get_args(DeviationKindSlug)) == kinds


def test_two_tables_give_the_same_statuses_as_the_dicts() -> None:
    people = [c["participant"] for c in STATUSES[:6] if "error" not in c]
    participants = pd.DataFrame(
        {
            "USUBJID": [p["id"] for p in people],
            "FIRSTDT": pd.to_datetime([p["first_infusion"] for p in people]),
        }
    )
    rows = [(p["id"], o["date"], o["activity"]) for p in people for o in p.get("observations", [])]
    observations = pd.DataFrame(rows, columns=["USUBJID", "OBSDT", "ACT"])
    observations["OBSDT"] = pd.to_datetime(observations["OBSDT"])
    built = schedule.participants_from_tables(
        participants, observations, id="USUBJID", first_infusion="FIRSTDT", participant="USUBJID", date="OBSDT", activity="ACT"
    )
    on = "2027-06-01"
    assert schedule.visit_status_frame(built, on).equals(schedule.visit_status_frame(people, on))
    stray = pd.concat([observations, pd.DataFrame([("nobody", pd.Timestamp("2025-03-03"), "dqol")], columns=observations.columns)])
    with pytest.raises(dkd.InvalidInputError, match="row") as info:
        schedule.participants_from_tables(
            participants, stray, id="USUBJID", first_infusion="FIRSTDT", participant="USUBJID", date="OBSDT", activity="ACT"
        )
    assert info.value.path == f"observations[{len(observations)}].USUBJID"


def _frame_rows(frame: Any) -> List[Tuple[Any, ...]]:
    """A status table's rows as plain values (dates as ISO text, none as None)."""
    def plain(v: Any) -> Any:
        if v is None or v is pd.NaT or (isinstance(v, float) and v != v) or v is pd.NA:
            return None
        if hasattr(v, "isoformat"):
            return v.isoformat()[:10]
        return v.item() if hasattr(v, "item") else v
    return [tuple(plain(v) for v in row) for row in frame.astype(object).itertuples(index=False)]


def test_the_cohort_table_read_column_by_column_gives_the_rows_of_the_frame() -> None:
    # Issue 15: the two tables read by the native module (pandas and pyarrow) give the rows
    # visit_status_frame gives from the same participants as dicts.
    import pyarrow as pa  # type: ignore[import-untyped]

    people = [c["participant"] for c in STATUSES if "error" not in c and "first_infusion" in c["participant"]
              and "screening_date" not in c["participant"] and "planned_first_infusion" not in c["participant"]]
    on = "2027-06-01"
    people = [p for p in people if all(o["date"] <= on for o in p.get("observations", []))]
    assert len(people) >= 4
    participants = pd.DataFrame({"USUBJID": [p["id"] for p in people],
                                 "FIRSTDT": [p["first_infusion"] for p in people]})
    rows = [(p["id"], o["date"], o["activity"]) for p in people for o in p.get("observations", [])]
    observations = pd.DataFrame(rows, columns=["USUBJID", "OBSDT", "ACT"])
    names = dict(id="USUBJID", first_infusion="FIRSTDT", participant="USUBJID", date="OBSDT", activity="ACT")
    expected = _frame_rows(schedule.visit_status_frame(people, on))
    from_pandas = schedule.visit_status_table(participants, observations, on, **names)
    assert _frame_rows(from_pandas) == expected
    arrow_people = pa.table({"USUBJID": participants.USUBJID,
                             "FIRSTDT": pa.array(pd.to_datetime(participants.FIRSTDT).dt.date, pa.date32())})
    from_arrow = schedule.visit_status_table(arrow_people, pa.Table.from_pandas(observations), on, **names)
    assert isinstance(from_arrow, pa.Table)
    assert _frame_rows(from_arrow.to_pandas()) == expected
    assert from_arrow.schema.field("target").type == pa.date32()


def test_the_cohort_table_refuses_what_it_cannot_place() -> None:
    participants = pd.DataFrame({"id": ["S-1", "S-2"], "first_infusion": ["2025-03-03", "2025-03-10"]})
    obs = pd.DataFrame({"participant": ["S-1", "S-9"], "date": ["2025-03-03", "2025-03-03"],
                        "activity": ["infusion", "infusion"]})
    with pytest.raises(dkd.InvalidInputError, match=r"participant\[1\]"):
        schedule.visit_status_table(participants, obs, "2025-04-01")
    bad = obs.assign(participant=["S-1", "S-2"], activity=["infusion", "blood_letting"])
    with pytest.raises(dkd.InvalidInputError, match=r"activity\[1\]"):
        schedule.visit_status_table(participants, bad, "2025-04-01")
    twice = pd.concat([participants, participants.iloc[:1]])
    with pytest.raises(dkd.InvalidInputError, match=r"id\[2\]: is a participant listed before"):
        schedule.visit_status_table(twice, obs.iloc[:1], "2025-04-01")
    # A refused participant names the column and row of the observations table.
    late = pd.DataFrame({"P": ["S-2", "S-1", "S-1"], "D": ["2025-03-10", "2025-03-03", "2025-05-01"],
                         "A": ["infusion", "infusion", "dqol"]})
    with pytest.raises(dkd.InvalidInputError) as info:
        schedule.visit_status_table(participants, late, "2025-04-01", participant="P", date="D", activity="A")
    assert (info.value.row, info.value.path) == (0, "D[2]")
    # Every named column must be there.
    with pytest.raises(KeyError, match="FIRST"):
        schedule.visit_status_table(participants, obs.iloc[:1], "2025-04-01", first_infusion="FIRST")
    with pytest.raises(KeyError, match="SCRDT"):
        schedule.visit_status_table(participants, obs.iloc[:1], "2025-04-01", screening_date="SCRDT")


def test_the_cohort_table_refuses_a_calendar_beyond_the_dates_pandas_holds() -> None:
    # A first infusion in 2262: its visits fall after the last day datetime64[ns] represents;
    # refused, not wrapped round to a date in 1677.
    participants = pd.DataFrame({"id": ["S-1"], "first_infusion": ["2262-01-01"]})
    obs = pd.DataFrame({"participant": ["S-1"], "date": ["2262-01-01"], "activity": ["infusion"]})
    with pytest.raises(dkd.InvalidInputError, match="1677-2262"):
        schedule.visit_status_table(participants, obs, "2262-01-02")


def test_a_participant_given_twice_is_refused_not_counted_twice() -> None:
    import pytest

    from amimestrocel_dkd import errors, schedule

    p = {"id": "S-1", "first_infusion": "2025-03-03", "observations": []}
    with pytest.raises(errors.InvalidInputError, match=r"participants\[1\]\.id: is listed twice"):
        schedule.visit_status_frame([p, p], "2025-04-01")
    assert len(schedule.visit_status_frame([p, {**p, "id": "S-2"}], "2025-04-01")) > 0


def test_a_calendar_beyond_what_pandas_dates_hold_is_an_input_error_naming_the_column() -> None:
    import pytest

    from amimestrocel_dkd import errors, schedule

    late = {"id": "S-1", "first_infusion": "2261-12-01", "observations": []}
    with pytest.raises(errors.InvalidInputError, match="target: a date beyond what datetime64"):
        schedule.visit_status_frame([late], "2262-01-01")


def test_months_from_a_late_last_infusion_carry_its_delay_once() -> None:
    # First infusion 31 January 2024; the last infusion (w24, day 168) given on day 170.
    def day(n: int) -> str:
        return (datetime.date(2024, 1, 31) + datetime.timedelta(days=n - 1)).isoformat()

    p = {"id": "S", "first_infusion": day(1),
         "observations": [{"date": day(d), "activity": "infusion"} for d in (1, 14, 28, 56, 84, 112, 140, 170)]}
    for readings in ({"follow_up_from": "last_infusion"},
                     {"follow_up_from": "last_infusion", "delayed_infusion": "shifts_later"}):
        status = schedule.visit_status(p, day(200), readings=readings)
        assert status.visit("m12").target == datetime.date(2025, 7, 18), readings


def test_table_ids_are_text_and_instants_need_their_zone() -> None:
    obs = pd.DataFrame({"participant": ["S-1"], "date": ["2025-03-03"], "activity": ["infusion"]})
    for bad in (None, 7):
        people = pd.DataFrame({"id": [bad], "first_infusion": ["2025-03-03"]}, dtype=object)
        with pytest.raises(dkd.InvalidInputError) as e:
            schedule.participants_from_tables(people, obs)
        assert e.value.path == "participants[0].id"
    people = pd.DataFrame({"id": ["S-1"], "first_infusion": [pd.Timestamp("2025-03-02T17:00Z")]})
    with pytest.raises(TypeError, match="time zone"):
        schedule.participants_from_tables(people, obs)


def test_a_numeric_id_column_of_the_cohort_tables_is_a_type_error_in_pandas_as_in_arrow() -> None:
    import polars as pl
    import pyarrow as pa

    people = pd.DataFrame({"id": [1, 2], "first_infusion": ["2025-03-03", "2025-04-01"]})
    obs = pd.DataFrame({"participant": [1], "date": ["2025-03-03"], "activity": ["attended"]})
    text_people = people.assign(id=["1", "2"])
    for bad_people, bad_obs, column in ((people, obs.assign(participant=["1"]), "id"), (text_people, obs, "participant")):
        for convert in (lambda t: t, pa.Table.from_pandas, pl.from_pandas):
            with pytest.raises(TypeError, match=f"column {column} is .*, not text"):
                schedule.visit_status_table(convert(bad_people), convert(bad_obs), on="2025-06-01")


def test_ics_whole_number_arguments_are_checked() -> None:
    p = {"id": "S", "first_infusion": "2025-03-03"}
    stamp = datetime.datetime(2025, 3, 1, 8, 0)
    for bad in (-5, 10**12):
        with pytest.raises(dkd.InvalidInputError) as e:
            schedule.to_ics(p, "2025-03-03", stamp=stamp, duration_minutes=bad)
        assert e.value.details["argument"] == "duration_minutes"
    with pytest.raises(dkd.InvalidInputError):
        schedule.to_ics(p, "2025-03-03", stamp=stamp, reminder_days_before=-1)
    with pytest.raises(TypeError):
        schedule.to_ics(p, "2025-03-03", stamp=stamp, duration_minutes=1.5)  # type: ignore[arg-type]


def test_a_blank_participant_id_is_refused() -> None:
    with pytest.raises(dkd.InvalidInputError) as e:
        schedule.visit_status({"id": " ", "first_infusion": "2025-03-03"}, "2025-03-10")
    assert e.value.path == "id"


def test_a_participant_who_left_the_study_has_the_later_visits_not_expected() -> None:
    import pandas as pd

    from amimestrocel_dkd import schedule as sch

    people = pd.DataFrame({"id": ["S-1"], "first_infusion": ["2025-03-03"], "left": ["2025-03-20"]})
    obs = pd.DataFrame({"participant": ["S-1", "S-1"], "date": ["2025-03-03", "2025-03-16"],
                        "activity": ["infusion", "infusion"]})
    participants = sch.participants_from_tables(people, obs, left_study="left")
    assert participants[0]["left_study"] == "2025-03-20"
    frame = sch.visit_status_frame(participants, "2025-08-01")
    states = dict(zip(frame["visit"].astype(str), frame["state"].astype(str)))
    assert states["d14"] == "done" and states["d28"] == "not_expected" and states["m24"] == "not_expected"
    assert "not_expected" in sch.VISIT_STATES


def test_the_cohort_table_reads_left_study_as_the_dicts_do() -> None:
    import pandas as pd
    import pyarrow as pa

    from amimestrocel_dkd import schedule as sch

    people = pd.DataFrame({"id": ["S-1", "S-2"], "first_infusion": ["2025-03-03", "2025-03-03"],
                           "left": ["2025-03-20", None]})
    obs = pd.DataFrame({"participant": ["S-1", "S-1", "S-2"], "date": ["2025-03-03", "2025-03-16", "2025-03-03"],
                        "activity": ["infusion", "infusion", "infusion"]})
    expected = sch.visit_status_frame(sch.participants_from_tables(people, obs, left_study="left"), "2025-08-01")
    def arrow(t: Any) -> Any:
        return pa.Table.from_pandas(t, preserve_index=False)

    for people_t, obs_t in ((people, obs), (arrow(people), arrow(obs))):
        got = sch.visit_status_table(people_t, obs_t, "2025-08-01", left_study="left")
        frame = got if isinstance(got, pd.DataFrame) else got.to_pandas()
        assert list(frame["state"].astype(str)) == list(expected["state"].astype(str))
    assert "not_expected" in list(expected["state"].astype(str))
    later = people.assign(left=["2025-09-01", None])
    with pytest.raises(dkd.InvalidInputError) as e:
        sch.visit_status_table(later, obs, "2025-08-01", left_study="left")
    assert e.value.path == "left[0]"


def test_the_cohort_table_lists_what_a_visit_needs_in_the_plans_order_as_the_frame_does() -> None:
    # A site plan listing a visit's assessments out of the registry's order (dqol before egfr):
    # the table's `needs` text follows the plan, as visit_status_frame's does.
    plan = schedule.plan()
    w4 = next(v for v in plan["visits"] if v["id"] == "w4")
    w4["assessments"] = list(reversed(w4["assessments"]))
    assert len(w4["assessments"]) >= 2
    p = {"id": "S-1", "first_infusion": "2025-03-03",
         "observations": [{"date": "2025-03-03", "activity": "infusion"}]}
    people = pd.DataFrame({"id": ["S-1"], "first_infusion": ["2025-03-03"]})
    obs = pd.DataFrame({"participant": ["S-1"], "date": ["2025-03-03"], "activity": ["infusion"]})
    expected = _frame_rows(schedule.visit_status_frame([p], "2025-04-01", plan=plan))
    got = _frame_rows(schedule.visit_status_table(people, obs, "2025-04-01", plan=plan))
    assert got == expected
    needs_w4 = [row for row in got if row[1] == "w4"][0][9]
    assert needs_w4 == ",".join(w4["assessments"])
