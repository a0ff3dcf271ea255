//! The visit schedule: JSON in (a participant's schedule, the plan, readings), core's JSON out
//! for one participant (the package turns it into its typed records) and columns out for a
//! cohort (the package makes them a DataFrame). Every rule is core's
//! (`amimestrocel_dkd::schedule`, `docs/schedule.md`).

use amimestrocel_dkd::date::parse_iso_date;
use amimestrocel_dkd::schedule::{
    to_ics, Appointment, Calendar, IcsOptions, ParticipantSchedule, ScheduleConfig, ScheduleError,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use pyo3::prelude::*;

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
        let built: Result<StatusColumns, (usize, ScheduleError)> = py.detach(|| {
            let mut c = StatusColumns::default();
            for (row, text) in participants_json.iter().enumerate() {
                let status =
                    ParticipantSchedule::from_json(text).and_then(|p| p.status(&plan, on)).map_err(|e| (row, e))?;
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
        built.map_err(|(row, e)| errors::schedule_row(py, row, e))
    })
}

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
    m.add_function(wrap_pyfunction!(schedule_ics, m)?)?;
    Ok(())
}
