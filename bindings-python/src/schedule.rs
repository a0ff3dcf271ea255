//! The visit schedule: JSON in (a participant's schedule, the plan, readings), core's JSON out
//! for one participant (the package turns it into its typed records) and columns out for a
//! cohort (the package makes them a DataFrame). Every rule is core's
//! (`amimestrocel_dkd::schedule`, `docs/schedule.md`).

use amimestrocel_dkd::date::parse_iso_date;
use amimestrocel_dkd::schedule::{
    check_participant_id, date_of_day, day_number, to_ics, Activity, Appointment, AssessmentSet, Calendar,
    CohortStatus, IcsOptions, ParticipantSchedule, ScheduleColumns, ScheduleConfig, ScheduleError, VisitState,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors;

/// The plan (bundled, or a site's JSON) under the readings given (a JSON object of changes).
pub(crate) fn plan(py: Python<'_>, plan_json: Option<&str>, readings_json: Option<&str>) -> PyResult<ScheduleConfig> {
    let plan = match plan_json {
        Some(text) => ScheduleConfig::from_json(text),
        None => ScheduleConfig::bundled(),
    }
    .map_err(|e| errors::schedule(py, e))?;
    match readings_json {
        Some(text) => plan.with_readings_json(text).map_err(|e| errors::schedule(py, e)),
        None => Ok(plan),
    }
}

fn date(py: Python<'_>, argument: &str, text: &str) -> PyResult<NaiveDate> {
    parse_iso_date(text).map_err(|e| errors::date(py, argument, e))
}

fn to_json<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|_| errors::internal(py))
}

/// The plan with its readings, as core's JSON.
#[pyfunction]
#[pyo3(signature = (plan_json=None, readings_json=None))]
fn schedule_plan_json(py: Python<'_>, plan_json: Option<&str>, readings_json: Option<&str>) -> PyResult<String> {
    crate::guard(py, || to_json(py, &plan(py, plan_json, readings_json)?))
}

/// A calendar from study day 1 (`planned`: a planned date), as core's JSON.
#[pyfunction]
#[pyo3(signature = (day_one, planned=false, plan_json=None, readings_json=None))]
fn schedule_calendar_json(
    py: Python<'_>,
    day_one: &str,
    planned: bool,
    plan_json: Option<&str>,
    readings_json: Option<&str>,
) -> PyResult<String> {
    crate::guard(py, || {
        let plan = plan(py, plan_json, readings_json)?;
        let calendar = Calendar::build(&plan, date(py, "first_infusion", day_one)?, planned)
            .map_err(|e| errors::schedule(py, e))?;
        to_json(py, &calendar)
    })
}

fn status_of(
    py: Python<'_>,
    participant_json: &str,
    on: NaiveDate,
    plan: &ScheduleConfig,
) -> PyResult<amimestrocel_dkd::schedule::ScheduleStatus> {
    let participant = ParticipantSchedule::from_json(participant_json).map_err(|e| errors::schedule(py, e))?;
    participant.status(plan, on).map_err(|e| errors::schedule(py, e))
}

/// A participant's schedule on a date, as core's JSON.
#[pyfunction]
#[pyo3(signature = (participant_json, on, plan_json=None, readings_json=None))]
fn schedule_status_json(
    py: Python<'_>,
    participant_json: &str,
    on: &str,
    plan_json: Option<&str>,
    readings_json: Option<&str>,
) -> PyResult<String> {
    crate::guard(py, || {
        let plan = plan(py, plan_json, readings_json)?;
        let on = date(py, "on", on)?;
        to_json(py, &status_of(py, participant_json, on, &plan)?)
    })
}

/// The visit columns of a cohort on a date: one row per participant and visit.
type StatusColumns = (
    Vec<String>,         // participant
    Vec<String>,         // visit
    Vec<String>,         // target
    Vec<String>,         // window_first
    Vec<String>,         // window_last
    Vec<&'static str>,   // state
    Vec<bool>,           // settled
    Vec<Option<String>>, // attended_on
    Vec<Option<String>>, // infusion_on
    Vec<String>,         // needs (comma-separated)
    Vec<u32>,            // deviations of the visit
    Vec<bool>,           // next visit
);

/// The visit status of many participants (JSON texts) on one date, GIL released. A refused
/// participant raises `InvalidInputError` with `row` (its place) and the field `path`.
#[pyfunction]
#[pyo3(signature = (participants_json, on, plan_json=None, readings_json=None))]
fn schedule_status_table(
    py: Python<'_>,
    participants_json: Vec<String>,
    on: &str,
    plan_json: Option<&str>,
    readings_json: Option<&str>,
) -> PyResult<StatusColumns> {
    crate::guard(py, || {
        let plan = plan(py, plan_json, readings_json)?;
        let on = date(py, "on", on)?;
        // A participant given twice would be two sets of rows for one person: refused.
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut twice: Option<(usize, usize)> = None;
        let built: Result<StatusColumns, (usize, ScheduleError)> = py.detach(|| {
            let mut c = StatusColumns::default();
            for (row, text) in participants_json.iter().enumerate() {
                let status =
                    ParticipantSchedule::from_json(text).and_then(|p| p.status(&plan, on)).map_err(|e| (row, e))?;
                if let Some(&first) = seen.get(&status.participant) {
                    twice = Some((row, first));
                    return Ok(c);
                }
                seen.insert(status.participant.clone(), row);
                for v in &status.visits {
                    c.0.push(status.participant.clone());
                    c.1.push(v.visit.clone());
                    c.2.push(v.target.to_string());
                    c.3.push(v.window_first.to_string());
                    c.4.push(v.window_last.to_string());
                    c.5.push(v.state.slug());
                    c.6.push(v.settled);
                    c.7.push(v.attended_on.map(|d| d.to_string()));
                    c.8.push(v.infusion_on.map(|d| d.to_string()));
                    c.9.push(v.needs.iter().map(|a| a.slug()).collect::<Vec<_>>().join(","));
                    let deviations = status.deviations.iter().filter(|d| d.visit() == v.visit).count();
                    c.10.push(u32::try_from(deviations).unwrap_or(u32::MAX));
                    c.11.push(status.next_visit.as_deref() == Some(v.visit.as_str()));
                }
            }
            Ok(c)
        });
        let built = built.map_err(|(row, e)| errors::schedule_row(py, row, e))?;
        match twice {
            Some((row, first)) => Err(errors::argument(
                py,
                &format!("participants[{row}].id"),
                &format!("is listed twice (first at participants[{first}])"),
            )),
            None => Ok(built),
        }
    })
}

/// The visit status of a cohort given as columns (read from two tables by the package), on
/// one date: participants (`ids`, days since 1970 of the first infusion, the planned one and the
/// screening date, `i32::MIN` where none) and observations (each one's participant as a
/// position in `ids`, its day, and its activity as a position in `activities`). Each
/// participant's schedule is built from the columns (no JSON) and its status computed on every
/// core, GIL released. Returns, one row per participant and visit: the participant's position,
/// the visit's position in the plan (with the plan's visit ids), its target and window days, its
/// state's position in `VisitState::ALL`, settled, the days attended and infused (`i32::MIN`:
/// none), what it still needs (comma-separated), its deviations, and whether it is the next.
/// An activity no visit knows raises `InvalidInputError` naming `activity[row]`; a refused
/// participant `InvalidInputError` with `row` and the field's `path`, as `schedule_status_table`.
#[pyfunction]
#[pyo3(signature = (ids, first_infusion, planned_first_infusion, screening_date, participant, day, activity, activities, on, plan_json=None, readings_json=None, names=None, left_study=None, left_study_name=None))]
#[allow(clippy::too_many_arguments)]
fn schedule_status_columns<'py>(
    py: Python<'py>,
    ids: Vec<String>,
    first_infusion: PyReadonlyArray1<'py, i32>,
    planned_first_infusion: PyReadonlyArray1<'py, i32>,
    screening_date: PyReadonlyArray1<'py, i32>,
    participant: PyReadonlyArray1<'py, i64>,
    day: PyReadonlyArray1<'py, i32>,
    activity: PyReadonlyArray1<'py, i64>,
    activities: Vec<String>,
    on: &str,
    plan_json: Option<&str>,
    readings_json: Option<&str>,
    names: Option<ColumnNames>,
    left_study: Option<PyReadonlyArray1<'py, i32>>,
    left_study_name: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    crate::guard(py, || {
        let plan = plan(py, plan_json, readings_json)?;
        let on = date(py, "on", on)?;
        // The caller's column names, for the places errors name.
        let [first_col, planned_col, screening_col, participant_col, date_col, activity_col] =
            names.unwrap_or_else(|| {
                ["first_infusion", "planned_first_infusion", "screening_date", "participant", "date", "activity"]
                    .map(str::to_owned)
            });
        let (first, planned, screening) = (
            days_slice("first_infusion", &first_infusion)?,
            days_slice("planned_first_infusion", &planned_first_infusion)?,
            days_slice("screening_date", &screening_date)?,
        );
        let owner = participant.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let days = days_slice("day", &day)?;
        let what = activity.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let n = ids.len();
        let left = match &left_study {
            Some(days) => Some(days_slice("left_study", days)?),
            None => None,
        };
        let left_col = left_study_name.unwrap_or_else(|| "left_study".to_owned());
        if [first.len(), planned.len(), screening.len()].iter().any(|l| *l != n)
            || left.is_some_and(|l| l.len() != n)
            || owner.len() != days.len()
            || what.len() != days.len()
        {
            return Err(PyValueError::new_err("the columns of a table differ in length"));
        }
        // Each activity text once, by core's names.
        let kinds = activities.iter().map(|a| Activity::from_slug(a)).collect::<Vec<_>>();
        // The observations grouped by participant, each group in the table's order (Arrow's
        // list offsets), with each one's row in the observations table, to name it.
        let mut offsets = vec![0_usize; n + 1];
        for (row, ((&p, &d), &a)) in owner.iter().zip(days).zip(what).enumerate() {
            if usize::try_from(a).ok().and_then(|a| kinds.get(a).copied().flatten()).is_none() {
                return Err(errors::argument(py, &format!("{activity_col}[{row}]"), "names no activity of the plan"));
            }
            if d == NO_DAY {
                return Err(errors::argument(py, &format!("{date_col}[{row}]"), "is missing"));
            }
            let Some(p) = usize::try_from(p).ok().filter(|p| *p < n) else {
                return Err(errors::argument(
                    py,
                    &format!("{participant_col}[{row}]"),
                    "is not one of the participants",
                ));
            };
            offsets[p + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut sources = vec![0_usize; days.len()];
        let mut obs_days = vec![0_i32; days.len()];
        let mut obs_activities = vec![Activity::Attended; days.len()];
        for (row, ((&p, &d), &a)) in owner.iter().zip(days).zip(what).enumerate() {
            // Each checked above.
            let kind =
                usize::try_from(a).ok().and_then(|a| kinds.get(a).copied().flatten()).unwrap_or(Activity::Attended);
            let slot = &mut next[usize::try_from(p).unwrap_or_default()];
            (sources[*slot], obs_days[*slot], obs_activities[*slot]) = (row, d, kind);
            *slot += 1;
        }
        let column = |days: &[i32]| days.iter().map(|&d| (d != NO_DAY).then_some(d)).collect::<Vec<_>>();
        let (first, planned, screening) = (column(first), column(planned), column(screening));
        let left = left.map(column).unwrap_or_default();
        let columns = ScheduleColumns {
            first_infusion: &first,
            planned_first_infusion: &planned,
            screening_date: &screening,
            left_study: &left,
            observation_offsets: &offsets,
            observation_days: &obs_days,
            observation_activities: &obs_activities,
        };
        let on = days_since_1970(on);
        let built = py.detach(|| status_columns(&columns, &plan, on));
        // A blank id is refused as core refuses it, at its row, unless a participant before it is.
        let blank = ids.iter().enumerate().find_map(|(row, id)| check_participant_id(id).err().map(|e| (row, e)));
        let built = match (blank, built) {
            (Some((row, e)), Ok(_)) => Err((row, e)),
            (Some((row, e)), Err((other, _))) if row <= other => Err((row, e)),
            (_, built) => built,
        };
        let c = built.map_err(|(row, e)| {
            // Core names the field of the participant (`observations[3].date`); the caller's
            // tables name the column and row (`OBSDT[17]`).
            let path = e.path();
            let located = if let Some(rest) = path.strip_prefix("observations[") {
                let (k, field) = rest.split_once("].").unwrap_or((rest.trim_end_matches(']'), ""));
                let source = k.parse::<usize>().ok().and_then(|k| sources.get(offsets.get(row)? + k).copied());
                let column = if field == "activity" { &activity_col } else { &date_col };
                source.map(|s| format!("{column}[{s}]"))
            } else {
                match path {
                    "first_infusion" => Some(format!("{first_col}[{row}]")),
                    "planned_first_infusion" => Some(format!("{planned_col}[{row}]")),
                    "screening_date" => Some(format!("{screening_col}[{row}]")),
                    "left_study" => Some(format!("{left_col}[{row}]")),
                    _ => None,
                }
            };
            match located {
                Some(at) => errors::schedule_table(py, row, e, &at),
                None => errors::schedule_row(py, row, e),
            }
        })?;
        let d = PyDict::new(py);
        d.set_item("participant", PyArray1::from_vec(py, c.participant))?;
        d.set_item("visit", PyArray1::from_vec(py, c.visit))?;
        d.set_item("visits", plan.visits.iter().map(|v| v.id.clone()).collect::<Vec<_>>())?;
        d.set_item("target", PyArray1::from_vec(py, c.target))?;
        d.set_item("window_first", PyArray1::from_vec(py, c.window_first))?;
        d.set_item("window_last", PyArray1::from_vec(py, c.window_last))?;
        d.set_item("state", PyArray1::from_vec(py, c.state))?;
        d.set_item("states", VisitState::ALL.iter().map(|s| s.slug()).collect::<Vec<_>>())?;
        d.set_item("settled", PyArray1::from_vec(py, c.settled))?;
        d.set_item("attended_on", PyArray1::from_vec(py, c.attended_on))?;
        d.set_item("infusion_on", PyArray1::from_vec(py, c.infusion_on))?;
        d.set_item("needs", c.needs)?;
        d.set_item("deviations", PyArray1::from_vec(py, c.deviations))?;
        d.set_item("next", PyArray1::from_vec(py, c.next))?;
        Ok(d)
    })
}

fn days_slice<'a>(name: &str, a: &'a PyReadonlyArray1<'_, i32>) -> PyResult<&'a [i32]> {
    a.as_slice().map_err(|e| PyTypeError::new_err(format!("{name}: {e}")))
}

/// The caller's column names: first infusion, planned first infusion, screening date (of the
/// participants table), participant, date, activity (of the observations table).
type ColumnNames = [String; 6];

/// A day since 1970, `i32::MIN` for none (core's day numbers).
pub(crate) fn day_of(day: i32) -> Option<NaiveDate> {
    (day != NO_DAY).then(|| date_of_day(day)).flatten()
}

/// Days since 1970 of a date (core's day number).
pub(crate) fn days_since_1970(date: NaiveDate) -> i32 {
    day_number(date)
}

/// The columns of `schedule_status_columns`, one row per participant and visit.
#[derive(Default)]
struct Columns {
    participant: Vec<u32>,
    visit: Vec<u16>,
    target: Vec<i32>,
    window_first: Vec<i32>,
    window_last: Vec<i32>,
    state: Vec<u8>,
    settled: Vec<bool>,
    attended_on: Vec<i32>,
    infusion_on: Vec<i32>,
    needs: Vec<String>,
    deviations: Vec<u32>,
    next: Vec<bool>,
}

/// Every participant's status on `on`, in order, on every core (core's
/// [`CohortStatus::of_rows`] on a share of the rows each); the first refused participant (by
/// position) with its error.
fn status_columns(
    columns: &ScheduleColumns<'_>,
    plan: &ScheduleConfig,
    on: i32,
) -> Result<Columns, (usize, ScheduleError)> {
    let n = columns.len();
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).clamp(1, n.max(1));
    let per = n.div_ceil(threads).max(1);
    let parts: Vec<Result<CohortStatus, (usize, ScheduleError)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| scope.spawn(move || CohortStatus::of_rows(plan, columns, on, start..(start + per).min(n))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let mut all = CohortStatus::of_rows(plan, columns, on, 0..0)?;
    for part in parts {
        all.append(part?);
    }
    Ok(Columns::of(all, plan))
}

impl Columns {
    /// The Python columns of core's: positions for states and visits, `i32::MIN` for no day,
    /// the needs as text (in the plan's order of the visit's assessments), the deviations
    /// counted per visit.
    fn of(status: CohortStatus, plan: &ScheduleConfig) -> Columns {
        let visits = status.visits_per_participant.max(1);
        let rows = status.state.len();
        let mut deviations = vec![0_u32; rows];
        for d in &status.deviations {
            if let Some(count) = deviations.get_mut(d.participant * visits + d.visit) {
                *count += 1;
            }
        }
        let mut texts: std::collections::HashMap<(usize, AssessmentSet), String> = std::collections::HashMap::new();
        let mut needs = Vec::with_capacity(rows);
        for (row, set) in status.needs.iter().enumerate() {
            let visit = row % visits;
            let text = texts.entry((visit, *set)).or_insert_with(|| {
                let planned = plan.visits.get(visit).map_or(&[][..], |v| &v.assessments[..]);
                planned.iter().filter(|a| set.contains(**a)).map(|a| a.slug()).collect::<Vec<_>>().join(",")
            });
            needs.push(text.clone());
        }
        Columns {
            participant: (0..rows).map(|r| u32::try_from(r / visits).unwrap_or(u32::MAX)).collect(),
            visit: (0..rows).map(|r| u16::try_from(r % visits).unwrap_or(u16::MAX)).collect(),
            state: status
                .state
                .iter()
                .map(|s| VisitState::ALL.iter().position(|x| x == s).map_or(u8::MAX, |p| p as u8))
                .collect(),
            attended_on: status.attended_on.iter().map(|d| d.unwrap_or(NO_DAY)).collect(),
            infusion_on: status.infusion_on.iter().map(|d| d.unwrap_or(NO_DAY)).collect(),
            next: (0..rows).map(|r| status.next_visit[r / visits] == Some(r % visits)).collect(),
            target: status.target,
            window_first: status.window_first,
            window_last: status.window_last,
            settled: status.settled,
            needs,
            deviations,
        }
    }
}

/// A day column's "none".
const NO_DAY: i32 = i32::MIN;

/// A participant's calendar as iCalendar text.
#[pyfunction]
#[pyo3(signature = (participant_json, on, participant, stamp, appointments, duration_minutes, reminder_days_before, plan_json=None, readings_json=None))]
#[allow(clippy::too_many_arguments)]
fn schedule_ics(
    py: Python<'_>,
    participant_json: &str,
    on: &str,
    participant: String,
    stamp: &str,
    appointments: Vec<(String, String)>,
    duration_minutes: u32,
    reminder_days_before: Option<u32>,
    plan_json: Option<&str>,
    readings_json: Option<&str>,
) -> PyResult<String> {
    crate::guard(py, || {
        let plan = plan(py, plan_json, readings_json)?;
        let on = date(py, "on", on)?;
        let calendar = status_of(py, participant_json, on, &plan)?.calendar;
        let stamp = NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H:%M:%S")
            .map_err(|_| errors::argument(py, "stamp", "is not a UTC date-time YYYY-MM-DDTHH:MM:SS"))?;
        let appointments = appointments
            .into_iter()
            .map(|(visit, time)| {
                let time = NaiveTime::parse_from_str(&time, "%H:%M:%S")
                    .or_else(|_| NaiveTime::parse_from_str(&time, "%H:%M"))
                    .map_err(|_| errors::argument(py, "appointments", "has a time that is not HH:MM[:SS]"))?;
                Ok(Appointment { visit, time })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let options = IcsOptions { participant, stamp, appointments, duration_minutes, reminder_days_before };
        to_ics(&calendar, &options).map_err(|e| errors::schedule(py, e))
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    use amimestrocel_dkd::schedule::{Assessment, VisitState};
    m.add("ASSESSMENTS", Assessment::ALL.iter().map(|a| a.slug()).collect::<Vec<_>>())?;
    m.add("VISIT_STATES", VisitState::ALL.iter().map(|s| s.slug()).collect::<Vec<_>>())?;
    m.add_function(wrap_pyfunction!(schedule_plan_json, m)?)?;
    m.add_function(wrap_pyfunction!(schedule_calendar_json, m)?)?;
    m.add_function(wrap_pyfunction!(schedule_status_json, m)?)?;
    m.add_function(wrap_pyfunction!(schedule_status_table, m)?)?;
    m.add_function(wrap_pyfunction!(schedule_status_columns, m)?)?;
    m.add_function(wrap_pyfunction!(schedule_ics, m)?)?;
    Ok(())
}
