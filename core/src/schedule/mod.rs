//! The visit schedule: the plan of NCT06969807 as versioned data (infusions on day 1, 14, 28
//! and weeks 8–24; assessments at baseline, weeks 4, 12 and 28 and months 12, 18 and 24), a
//! participant's calendar from study day 1, the status of every visit on a date, what the next
//! visit needs, the deviations, and an iCalendar export.
//!
//! The rules are stated in `docs/schedule.md`; the readings where the protocol is silent (which
//! study day "week 8" is, what "month 12" is, windows, whether a delay shifts the plan) are
//! named parameters ([`ScheduleReadings`]) argued in `docs/interpretation.md`.
//!
//! - [`plan`] holds [`ScheduleConfig`], the plan and its readings;
//! - [`calendar`] holds [`Calendar`], target dates and windows;
//! - [`status`] takes a [`ParticipantSchedule`] and gives its [`ScheduleStatus`];
//! - [`cohort`] gives the status of many participants in columns ([`CohortStatus`]), by the
//!   same rules;
//! - [`ics`] writes iCalendar ([`to_ics`]).
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::schedule::{ParticipantSchedule, ScheduleConfig, VisitState};
//! use chrono::NaiveDate;
//! let plan = ScheduleConfig::bundled()?;
//! let p = ParticipantSchedule::from_json(r#"{"id": "S-1", "first_infusion": "2025-03-03",
//!     "observations": [{"date": "2025-03-03", "activity": "attended"},
//!                      {"date": "2025-03-03", "activity": "infusion"}]}"#)?;
//! let status = p.status(&plan, NaiveDate::from_ymd_opt(2025, 3, 15).unwrap())?;
//! let next = status.next().unwrap();
//! assert_eq!((next.visit.as_str(), next.state), ("d14", VisitState::InWindow));
//! // Nothing recorded at baseline or day 1 would leave them overdue, then missed: the
//! // first-infusion date places the calendar; what was done is recorded as observations.
//! # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
//! ```

pub mod calendar;
pub mod cohort;
pub mod ics;
pub mod plan;
pub mod status;

/// Day numbers live with the other date readings; kept here too, where the schedule's columns
/// first used them.
pub use crate::date::{date_of_day, day_number, DayNumber};
pub use calendar::{month_target, week_study_day, Anchor, Calendar, ScheduledVisit};
pub use cohort::{AssessmentSet, CohortStatus, DeviationRow, ScheduleColumns};
pub use ics::{to_ics, Appointment, IcsOptions, MAX_DURATION_MINUTES, SITE_TIME_ZONE};
pub use plan::{
    Activity, Assessment, DelayedInfusion, FollowUpFrom, MonthDay, Nominal, PlannedVisit, ScheduleConfig,
    ScheduleReadings, WeekDay, WindowClass, WindowWidth, Windows, BUNDLED_PLAN,
};
pub use status::{
    check_participant_id, Assignment, AssignmentRole, Deviation, Observation, ParticipantSchedule, ScheduleStatus,
    VisitState, VisitStatus,
};

/// Why a schedule could not be read or computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The schedule configuration was refused.
    #[error("schedule configuration field `{path}`: {reason}")]
    Config {
        /// The field path (`visits[2].nominal`, `.` for the document).
        path: String,
        /// What is wrong (no values).
        reason: String,
    },
    /// A participant's schedule was refused.
    #[error("{path}: {reason}")]
    Input {
        /// The field path (`observations[3].date`).
        path: String,
        /// What is wrong (no values).
        reason: String,
    },
    /// A visit's date or window falls outside years 1 to 9999, the dates every binding holds.
    #[error("the date of visit `{visit}` is outside years 1 to 9999, the dates the library represents")]
    DateOutOfRange {
        /// The visit.
        visit: String,
    },
}

impl ScheduleError {
    pub(crate) fn config(path: &str, reason: impl Into<String>) -> ScheduleError {
        ScheduleError::Config { path: path.to_owned(), reason: reason.into() }
    }

    pub(crate) fn input(path: &str, reason: String) -> ScheduleError {
        ScheduleError::Input { path: path.to_owned(), reason }
    }

    /// The stable snake_case kind.
    pub fn kind(&self) -> &'static str {
        match self {
            ScheduleError::Config { .. } => "invalid_config",
            ScheduleError::Input { .. } => "invalid_schedule",
            ScheduleError::DateOutOfRange { .. } => "date_out_of_range",
        }
    }

    /// Every kind, as [`ScheduleError::kind`] gives them.
    pub const KINDS: &'static [&'static str] = &["invalid_config", "invalid_schedule", "date_out_of_range"];

    /// The field path (empty for a date out of range).
    pub fn path(&self) -> &str {
        match self {
            ScheduleError::Config { path, .. } | ScheduleError::Input { path, .. } => path,
            ScheduleError::DateOutOfRange { .. } => "",
        }
    }
}

#[cfg(test)]
mod tests;
