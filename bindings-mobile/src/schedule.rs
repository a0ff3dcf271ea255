//! The visit schedule for the phone: a participant's calendar, the status of every visit, the
//! next visit and what to bring, deviations, and the calendar as iCalendar for the phone's
//! calendar app with reminders. Every rule is core's (`amimestrocel_dkd::schedule`,
//! `docs/schedule.md`).
//!
//! Core's records and enums are declared to uniffi as they are (`#[uniffi::remote(...)]`). An
//! [`Activity`] crosses as its JSON name (`"infusion"`, `"attended"`, `"dqol"`): one name per
//! activity in every language, and a name the library does not know is refused as
//! `DkdError.InvalidInput` of kind `malformed`. Times are `java.time.LocalTime` /
//! `LocalDateTime` in Kotlin (`uniffi.toml`) and ISO-8601 strings in Swift.
//!
//! ```kotlin
//! val plan = scheduleBundledPlanJson()
//! val participant = ParticipantSchedule("S-001", LocalDate.parse("2025-03-03"), null,
//!     listOf(Observation(LocalDate.parse("2025-03-03"), "infusion")))
//! val status = scheduleStatus(participant, LocalDate.parse("2025-03-15"), null)
//! check(status.nextVisit == "d14")
//! ```

use amimestrocel_dkd::schedule::{
    self as core_schedule, Anchor, Appointment, Assessment, Assignment, AssignmentRole, Calendar, Deviation,
    IcsOptions, Nominal, Observation, ParticipantSchedule, ScheduleConfig, ScheduleStatus, ScheduledVisit, VisitState,
    VisitStatus,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use uniffi::deps::anyhow;

use crate::error::{guard, DkdError};

// ------------------------------------------------------------------------
// core's types
// ------------------------------------------------------------------------

/// An assessment planned at a visit.
#[uniffi::remote(Enum)]
pub enum Assessment {
    UrineProtein24h,
    Egfr,
    InflammationBiomarkers,
    LymphocyteSubsets,
    Octa,
    Emg,
    FastingGlucose,
    Hba1c,
    Uacr,
    TcmScale,
    Dqol,
    MaceMortality,
    RenalComposite,
    AdverseEvents,
    SecondaryMalignancy,
}

/// The nominal time of a visit as the protocol writes it.
#[uniffi::remote(Enum)]
pub enum Nominal {
    Day(u32),
    Week(u32),
    Month(u32),
}

/// Study day 1 of a calendar and whether it is a planned date.
#[uniffi::remote(Record)]
pub struct Anchor {
    pub day_one: NaiveDate,
    pub planned: bool,
}

/// A visit of a calendar with its target date and window (both ends included).
#[uniffi::remote(Record)]
pub struct ScheduledVisit {
    pub visit: String,
    pub label: String,
    pub nominal: Nominal,
    pub target: NaiveDate,
    pub study_day: i64,
    pub window_first: NaiveDate,
    pub window_last: NaiveDate,
    pub infusion: bool,
    pub assessments: Vec<Assessment>,
}

/// A participant's calendar.
#[uniffi::remote(Record)]
pub struct Calendar {
    pub version: String,
    pub anchor: Anchor,
    pub visits: Vec<ScheduledVisit>,
}

/// Something dated that was done: `activity` is `infusion`, `attended` or an assessment's name.
#[uniffi::remote(Record)]
pub struct Observation {
    pub date: NaiveDate,
    pub activity: Activity,
}

/// A participant's schedule: study day 1 (done or planned), what was done when, the screening
/// date if known (nothing is dated before it), and the day the participant left the study, if
/// they did (visits after it are not expected).
#[uniffi::remote(Record)]
pub struct ParticipantSchedule {
    pub id: String,
    pub first_infusion: Option<NaiveDate>,
    pub planned_first_infusion: Option<NaiveDate>,
    #[uniffi(default)]
    pub observations: Vec<Observation>,
    #[uniffi(default)]
    pub screening_date: Option<NaiveDate>,
    #[uniffi(default)]
    pub left_study: Option<NaiveDate>,
}

/// Where a visit stands on a date.
#[uniffi::remote(Enum)]
pub enum VisitState {
    Upcoming,
    InWindow,
    Overdue,
    Missed,
    Done,
    DoneOutOfWindow,
    NotExpected,
}

/// How an observation was assigned.
#[uniffi::remote(Enum)]
pub enum AssignmentRole {
    InWindow,
    OutOfWindow,
    Repeat,
    Unscheduled,
}

/// Where one observation went.
#[uniffi::remote(Record)]
pub struct Assignment {
    pub observation: u32,
    pub date: NaiveDate,
    pub activity: Activity,
    pub visits: Vec<String>,
    pub role: AssignmentRole,
}

/// A visit on the status date: its state, and what it still needs.
#[uniffi::remote(Record)]
pub struct VisitStatus {
    pub visit: String,
    pub label: String,
    pub target: NaiveDate,
    pub window_first: NaiveDate,
    pub window_last: NaiveDate,
    pub state: VisitState,
    pub settled: bool,
    pub attended_on: Option<NaiveDate>,
    pub infusion: bool,
    pub infusion_on: Option<NaiveDate>,
    pub done: Vec<Assessment>,
    pub needs: Vec<Assessment>,
}

/// A departure from the plan at a settled visit, or an infusion beyond the plan's.
#[uniffi::remote(Enum)]
pub enum Deviation {
    MissedVisit { visit: String },
    MissedInfusion { visit: String },
    InfusionOutOfWindow { visit: String, date: NaiveDate, days_outside: i64 },
    AssessmentMissing { visit: String, assessment: Assessment },
    ExtraInfusion { visit: String, date: NaiveDate },
}

/// A participant's schedule on a date.
#[uniffi::remote(Record)]
pub struct ScheduleStatus {
    pub participant: String,
    pub on: NaiveDate,
    pub calendar: Calendar,
    pub visits: Vec<VisitStatus>,
    pub assignments: Vec<Assignment>,
    pub deviations: Vec<Deviation>,
    pub next_visit: Option<String>,
}

/// A booked local time (Asia/Shanghai) at a visit.
#[uniffi::remote(Record)]
pub struct Appointment {
    pub visit: String,
    pub time: NaiveTime,
}

/// What an iCalendar export needs besides the calendar: the participant's reference in event
/// UIDs, the UTC time stamp (passed in: no clock is read), booked times (one per visit), the
/// length of a timed visit (1 to 1440 minutes when a time is booked) and an optional reminder N
/// days before.
#[uniffi::remote(Record)]
pub struct IcsOptions {
    pub participant: String,
    pub stamp: NaiveDateTime,
    #[uniffi(default)]
    pub appointments: Vec<Appointment>,
    pub duration_minutes: u32,
    pub reminder_days_before: Option<u32>,
}

use amimestrocel_dkd::schedule::Activity;

/// A value the foreign side gave that is not of its documented form (no value repeated).
fn refused(kind: &str, reason: &str) -> anyhow::Error {
    anyhow::Error::new(DkdError::InvalidInput { kind: kind.to_owned(), reason: reason.to_owned(), path: String::new() })
}

// An activity crosses as its JSON name.
uniffi::custom_type!(Activity, String, {
    remote,
    try_lift: |text| Activity::from_slug(&text)
        .ok_or_else(|| refused("malformed", "unknown activity (expected infusion, attended or an assessment's name)")),
    lower: |activity| activity.slug().to_owned(),
});

// A local time: `HH:MM[:SS[.fraction]]` (Kotlin's `LocalTime.toString()` writes a fraction when
// there is one; the calendar keeps whole seconds).
uniffi::custom_type!(NaiveTime, String, {
    remote,
    try_lift: |text| NaiveTime::parse_from_str(&text, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M"))
        .map_err(|_| refused("invalid_time", "a time is not HH:MM[:SS[.fraction]]")),
    lower: |time| time.format("%H:%M:%S").to_string(),
});

// A date and time without zone, in UTC (the calendar's stamp): `YYYY-MM-DDTHH:MM[:SS[.fraction]]`,
// with or without a final `Z` (Kotlin's `LocalDateTime.toString()` writes a fraction when there
// is one, Swift's ISO-8601 formatter a `Z`).
uniffi::custom_type!(NaiveDateTime, String, {
    remote,
    try_lift: |text| {
        let text = text.strip_suffix('Z').unwrap_or(&text);
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
            .map_err(|_| refused("invalid_time", "a date-time is not YYYY-MM-DDTHH:MM[:SS[.fraction]][Z]"))
    },
    lower: |time| time.format("%Y-%m-%dT%H:%M:%S").to_string(),
});

// ------------------------------------------------------------------------
// functions
// ------------------------------------------------------------------------

fn plan(readings_json: Option<String>) -> Result<ScheduleConfig, DkdError> {
    let plan = ScheduleConfig::bundled()?;
    Ok(match readings_json {
        Some(text) => plan.with_readings_json(&text)?,
        None => plan,
    })
}

/// The bundled plan with its readings, as core's JSON (`docs/schedule.md`).
#[uniffi::export]
pub fn schedule_bundled_plan_json() -> Result<String, DkdError> {
    guard(|| serde_json::to_string(&ScheduleConfig::bundled()?).map_err(|_| DkdError::internal()))
}

/// The calendar from study day 1 (`planned`: a planned date, before dosing); `readings_json`
/// changes readings (`{"week_day": "week_after_day_one"}`), `null` keeps the protocol's.
#[uniffi::export]
pub fn schedule_calendar(
    day_one: NaiveDate,
    planned: bool,
    readings_json: Option<String>,
) -> Result<Calendar, DkdError> {
    guard(|| Ok(Calendar::build(&plan(readings_json)?, day_one, planned)?))
}

/// A participant's schedule on a date (no observation may be dated after it): every visit's
/// state, the assignments, the deviations and the next visit (`status.nextVisit`; what it needs is that visit's `needs`).
#[uniffi::export]
pub fn schedule_status(
    participant: ParticipantSchedule,
    on: NaiveDate,
    readings_json: Option<String>,
) -> Result<ScheduleStatus, DkdError> {
    guard(|| Ok(participant.status(&plan(readings_json)?, on)?))
}

/// The status of the next visit to attend, or `null` when none is left.
#[uniffi::export]
pub fn schedule_next_visit(
    participant: ParticipantSchedule,
    on: NaiveDate,
    readings_json: Option<String>,
) -> Result<Option<VisitStatus>, DkdError> {
    guard(|| Ok(participant.status(&plan(readings_json)?, on)?.next().cloned()))
}

/// The calendar as iCalendar (RFC 5545) text for the phone's calendar app.
#[uniffi::export]
pub fn schedule_ics(calendar: Calendar, options: IcsOptions) -> Result<String, DkdError> {
    guard(|| Ok(core_schedule::to_ics(&calendar, &options)?))
}

/// The snake_case name of an assessment (`urine_protein_24h`), as in JSON and Python.
#[uniffi::export]
pub fn assessment_slug(assessment: Assessment) -> Result<String, DkdError> {
    guard(|| Ok(assessment.slug().to_owned()))
}

/// The snake_case name of a visit state (`in_window`).
#[uniffi::export]
pub fn visit_state_slug(state: VisitState) -> Result<String, DkdError> {
    guard(|| Ok(state.slug().to_owned()))
}

/// The participant's schedule read from core's JSON (`docs/schedule.md`), as sites export it.
#[uniffi::export]
pub fn participant_schedule_from_json(json: String) -> Result<ParticipantSchedule, DkdError> {
    guard(|| Ok(ParticipantSchedule::from_json(&json)?))
}
