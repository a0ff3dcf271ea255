//! A participant's visits on a date: observations assigned to nominal visits, the status of
//! every visit, the next one due, and the deviations (`docs/schedule.md` states each rule).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::calendar::{date_of, Anchor, Calendar, VisitDays, VisitTable, FIRST_DAY, LAST_DAY};
use super::plan::{Activity, Assessment, DelayedInfusion, FollowUpFrom, ScheduleConfig};
use super::ScheduleError;
use crate::date::{day_number, DayNumber};

/// Something dated that was done for a participant: an infusion, an assessment, or only that
/// the participant attended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// When.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// What.
    pub activity: Activity,
}

/// A participant's schedule as a site records it: study day 1 (done or planned) and what was
/// done when. JSON: `{"id": "S-001", "first_infusion": "2025-03-03", "observations": [{"date":
/// "2025-03-03", "activity": "infusion"}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantSchedule {
    /// The participant's identifier (kept out of error messages).
    pub id: String,
    /// The day of the first infusion, once given.
    #[serde(default, with = "crate::date::iso_opt")]
    pub first_infusion: Option<NaiveDate>,
    /// The planned day of the first infusion, before dosing.
    #[serde(default, with = "crate::date::iso_opt")]
    pub planned_first_infusion: Option<NaiveDate>,
    /// What was done, in any order (each an object, never an array of its fields).
    #[serde(default, deserialize_with = "crate::json::objects")]
    pub observations: Vec<Observation>,
    /// The screening date, if known: nothing of the trial is dated before it.
    #[serde(default, with = "crate::date::iso_opt")]
    pub screening_date: Option<NaiveDate>,
    /// The day the participant left the study (withdrawal, death, lost to follow-up), if they
    /// did: a visit not done whose target is after it is not expected (no longer due, never
    /// missed, no deviation).
    #[serde(default, with = "crate::date::iso_opt")]
    pub left_study: Option<NaiveDate>,
}

/// Where a visit stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// Its window has not opened.
    Upcoming,
    /// Its window is open and nothing is assigned to it yet: due.
    InWindow,
    /// Its window closed less than `overdue_days` ago and nothing is assigned: it can still be
    /// done, out of window.
    Overdue,
    /// Nothing assigned, and `overdue_days` have passed since its window closed.
    Missed,
    /// Done: an observation in its window.
    Done,
    /// Done, but only outside its window.
    DoneOutOfWindow,
    /// Not done, and its target is after the participant left the study: not expected.
    NotExpected,
}

impl VisitState {
    /// The snake_case name.
    pub fn slug(self) -> &'static str {
        match self {
            VisitState::Upcoming => "upcoming",
            VisitState::InWindow => "in_window",
            VisitState::Overdue => "overdue",
            VisitState::Missed => "missed",
            VisitState::Done => "done",
            VisitState::DoneOutOfWindow => "done_out_of_window",
            VisitState::NotExpected => "not_expected",
        }
    }

    /// Every state, in the order of a visit's life.
    pub const ALL: [VisitState; 7] = [
        VisitState::Upcoming,
        VisitState::InWindow,
        VisitState::Overdue,
        VisitState::Missed,
        VisitState::Done,
        VisitState::DoneOutOfWindow,
        VisitState::NotExpected,
    ];
}

/// How an observation was assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentRole {
    /// The visit's observation of that activity, in its window.
    InWindow,
    /// The visit's observation of that activity, outside its window.
    OutOfWindow,
    /// A further observation of an activity the visit already has.
    Repeat,
    /// No visit takes it (its nearest visit already has one in its window).
    Unscheduled,
}

/// Where one observation went. Every observation has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Its position in the participant's observations (from 0).
    pub observation: u32,
    /// Its date.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// Its activity.
    pub activity: Activity,
    /// The visits it counts for (several when they share a target); none when unscheduled.
    pub visits: Vec<String>,
    /// How.
    pub role: AssignmentRole,
}

/// A visit on the status date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitStatus {
    /// The visit's id.
    pub visit: String,
    /// Its label.
    pub label: String,
    /// Its target date.
    #[serde(with = "crate::date::iso")]
    pub target: NaiveDate,
    /// The first date of its window.
    #[serde(with = "crate::date::iso")]
    pub window_first: NaiveDate,
    /// The last date of its window.
    #[serde(with = "crate::date::iso")]
    pub window_last: NaiveDate,
    /// Where it stands.
    pub state: VisitState,
    /// Whether it is settled: the status date is past its window and the overdue period.
    pub settled: bool,
    /// When it was attended (the earliest assigned date in its window, else the earliest).
    #[serde(with = "crate::date::iso_opt")]
    pub attended_on: Option<NaiveDate>,
    /// Whether the study product is infused at it.
    pub infusion: bool,
    /// When its infusion was given.
    #[serde(with = "crate::date::iso_opt")]
    pub infusion_on: Option<NaiveDate>,
    /// Its planned assessments that have an observation.
    pub done: Vec<Assessment>,
    /// Its planned assessments still without one (what the visit needs).
    pub needs: Vec<Assessment>,
}

/// A departure from the plan, reported once the visit is settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Deviation {
    /// A visit without infusion, missed.
    MissedVisit {
        /// The visit.
        visit: String,
    },
    /// An infusion visit with no infusion (missed, or attended without it).
    MissedInfusion {
        /// The visit.
        visit: String,
    },
    /// An infusion given outside its window.
    InfusionOutOfWindow {
        /// The visit.
        visit: String,
        /// When it was given.
        #[serde(with = "crate::date::iso")]
        date: NaiveDate,
        /// Days outside the window: negative before it opened, positive after it closed.
        days_outside: i64,
    },
    /// A planned assessment with no observation at a done visit.
    AssessmentMissing {
        /// The visit.
        visit: String,
        /// The assessment.
        assessment: Assessment,
    },
    /// An infusion beyond the plan's: a second one at a visit (a `repeat`), or one that no visit
    /// takes (`unscheduled`). Reported as soon as it is recorded, not when a visit settles.
    ExtraInfusion {
        /// The visit it repeats, or for an unscheduled one the infusion visit whose window is
        /// nearest it (rule 3's visit, which already had its infusion in its window).
        visit: String,
        /// When it was given.
        #[serde(with = "crate::date::iso")]
        date: NaiveDate,
    },
}

impl Deviation {
    /// Every kind, in the order of the variants (the `kind` of the JSON form).
    pub const KINDS: [&'static str; 5] =
        ["missed_visit", "missed_infusion", "infusion_out_of_window", "assessment_missing", "extra_infusion"];

    /// Its kind, as in JSON.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::Deviation;
    /// let d = Deviation::MissedInfusion { visit: "d14".into() };
    /// assert_eq!((d.kind(), d.visit()), ("missed_infusion", "d14"));
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Deviation::MissedVisit { .. } => Self::KINDS[0],
            Deviation::MissedInfusion { .. } => Self::KINDS[1],
            Deviation::InfusionOutOfWindow { .. } => Self::KINDS[2],
            Deviation::AssessmentMissing { .. } => Self::KINDS[3],
            Deviation::ExtraInfusion { .. } => Self::KINDS[4],
        }
    }

    /// The visit it is about.
    pub fn visit(&self) -> &str {
        match self {
            Deviation::MissedVisit { visit }
            | Deviation::MissedInfusion { visit }
            | Deviation::InfusionOutOfWindow { visit, .. }
            | Deviation::AssessmentMissing { visit, .. }
            | Deviation::ExtraInfusion { visit, .. } => visit,
        }
    }
}

/// A participant's schedule on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleStatus {
    /// The participant's identifier.
    pub participant: String,
    /// The status date.
    #[serde(with = "crate::date::iso")]
    pub on: NaiveDate,
    /// The calendar the status is computed on (with shifts, when the readings make them).
    pub calendar: Calendar,
    /// Every visit, in the plan's order.
    pub visits: Vec<VisitStatus>,
    /// Every observation, in the order given.
    pub assignments: Vec<Assignment>,
    /// Deviations of the settled visits, in the plan's order.
    pub deviations: Vec<Deviation>,
    /// The next visit to attend (in window, overdue or upcoming), if any.
    pub next_visit: Option<String>,
}

impl ScheduleStatus {
    /// The status of the next visit to attend.
    pub fn next(&self) -> Option<&VisitStatus> {
        let id = self.next_visit.as_deref()?;
        self.visits.iter().find(|v| v.visit == id)
    }
}

impl ParticipantSchedule {
    /// Reads a participant's schedule from JSON.
    ///
    /// # Errors
    /// [`ScheduleError::Input`] naming the field path (malformed JSON, an unknown field or
    /// activity, a date not `YYYY-MM-DD`).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::ParticipantSchedule;
    /// let err = ParticipantSchedule::from_json(
    ///     r#"{"id": "S-1", "first_infusion": "2025-03-03", "observations": [{"date": "2025-03-03", "activity": "blood"}]}"#,
    /// ).unwrap_err();
    /// assert_eq!(err.path(), "observations[0].activity");
    /// ```
    pub fn from_json(text: &str) -> Result<ParticipantSchedule, ScheduleError> {
        // A record (no maps: a field given twice is serde's error already), read per participant.
        crate::json::read_tracked(text).map_err(|(path, reason)| ScheduleError::input(&path, reason))
    }

    /// Study day 1: the first infusion if given, else the planned one.
    ///
    /// # Errors
    /// [`ScheduleError::Input`] at `first_infusion` when neither date is given.
    pub fn anchor(&self) -> Result<Anchor, ScheduleError> {
        match (self.first_infusion, self.planned_first_infusion) {
            (Some(day_one), _) => Ok(Anchor { day_one, planned: false }),
            (None, Some(day_one)) => Ok(Anchor { day_one, planned: true }),
            (None, None) => Err(no_day_one()),
        }
    }

    /// Checks the dates against each other and the status date, naming the first bad field:
    /// an observation after the status date (what has not happened yet cannot be recorded), a
    /// date before the screening date, an infusion before the first infusion or a second one on
    /// its day (two first infusions).
    ///
    /// # Errors
    /// [`ScheduleError::Input`] at the field.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::ParticipantSchedule;
    /// use chrono::NaiveDate;
    /// let p = ParticipantSchedule::from_json(r#"{"id": "S-1", "first_infusion": "2025-03-03",
    ///     "observations": [{"date": "2025-03-03", "activity": "infusion"},
    ///                      {"date": "2025-03-01", "activity": "infusion"}]}"#)?;
    /// let err = p.check_dates(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()).unwrap_err();
    /// assert_eq!(err.path(), "observations[1].date");
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn check_dates(&self, on: NaiveDate) -> Result<(), ScheduleError> {
        let (days, activities) = self.observation_columns();
        self.dated(Observed { days: &days, activities: &activities }).check(day_number(on))
    }

    /// Its observations as columns: day numbers and activities.
    fn observation_columns(&self) -> (Vec<DayNumber>, Vec<Activity>) {
        self.observations.iter().map(|o| (day_number(o.date), o.activity)).unzip()
    }

    /// Its dates as day numbers, with its observations as columns.
    fn dated<'a>(&self, observed: Observed<'a>) -> DatedSchedule<'a> {
        DatedSchedule {
            first_infusion: self.first_infusion.map(day_number),
            planned_first_infusion: self.planned_first_infusion.map(day_number),
            screening_date: self.screening_date.map(day_number),
            left_study: self.left_study.map(day_number),
            observed,
        }
    }

    /// The participant's calendar on a date: the visits with their targets and windows, with
    /// the shifts the readings make from what was done by then.
    ///
    /// # Errors
    /// As [`ParticipantSchedule::status`].
    pub fn calendar(&self, plan: &ScheduleConfig, on: NaiveDate) -> Result<Calendar, ScheduleError> {
        Ok(self.status(plan, on)?.calendar)
    }

    /// Every visit's status on `on`, the assignment of every observation, the deviations of
    /// the settled visits and the next visit.
    ///
    /// # Errors
    /// [`ScheduleError::Input`] for a blank id, without a study day 1 or when the dates do not hold together
    /// ([`ParticipantSchedule::check_dates`]: nothing is dropped, a bad date is refused);
    /// [`ScheduleError::DateOutOfRange`] when a visit's date is beyond what the library
    /// represents.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::{ParticipantSchedule, ScheduleConfig, VisitState};
    /// use chrono::NaiveDate;
    /// let plan = ScheduleConfig::bundled()?;
    /// let p = ParticipantSchedule::from_json(r#"{"id": "S-1", "first_infusion": "2025-03-03",
    ///     "observations": [{"date": "2025-03-03", "activity": "infusion"},
    ///                      {"date": "2025-03-16", "activity": "infusion"}]}"#)?;
    /// let status = p.status(&plan, NaiveDate::from_ymd_opt(2025, 3, 29).unwrap())?;
    /// assert_eq!(status.next_visit.as_deref(), Some("d28"));
    /// assert_eq!(status.next().unwrap().state, VisitState::InWindow);
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn status(&self, plan: &ScheduleConfig, on: NaiveDate) -> Result<ScheduleStatus, ScheduleError> {
        check_participant_id(&self.id)?;
        let anchor = self.anchor()?;
        let (days, activities) = self.observation_columns();
        let observed = Observed { days: &days, activities: &activities };
        let dated = self.dated(observed);
        dated.check(day_number(on))?;
        let table = VisitTable::new(plan);
        let mut found = Evaluation::default();
        found
            .evaluate(&table, day_number(anchor.day_one), observed, day_number(on), dated.left_study)
            .map_err(|i| ScheduleError::DateOutOfRange { visit: plan.visits[i].id.clone() })?;
        let calendar = Calendar::from_days(plan, anchor, &found.calendar);
        let visits: Vec<VisitStatus> = calendar
            .visits
            .iter()
            .zip(&found.visits)
            .map(|(v, o)| VisitStatus {
                visit: v.visit.clone(),
                label: v.label.clone(),
                target: v.target,
                window_first: v.window_first,
                window_last: v.window_last,
                state: o.state,
                settled: o.settled,
                attended_on: o.attended_on.map(date_of),
                infusion: v.infusion,
                infusion_on: o.infusion_on.map(date_of),
                done: v.assessments.iter().copied().filter(|a| o.done & Activity::Assessment(*a).bit() != 0).collect(),
                needs: v.assessments.iter().copied().filter(|a| o.done & Activity::Assessment(*a).bit() == 0).collect(),
            })
            .collect();
        let name = |i: usize| calendar.visits[i].visit.clone();
        let assignments: Vec<Assignment> = found
            .placed
            .iter()
            .zip(&self.observations)
            .enumerate()
            .map(|(k, (p, o))| Assignment {
                observation: u32::try_from(k).unwrap_or(u32::MAX),
                date: o.date,
                activity: o.activity,
                visits: p.visits.iter().map(|&i| name(i)).collect(),
                role: p.role,
            })
            .collect();
        let deviations = found
            .deviations(&table, observed)
            .map(|d| match d {
                Departure::MissedVisit(i) => Deviation::MissedVisit { visit: name(i) },
                Departure::MissedInfusion(i) => Deviation::MissedInfusion { visit: name(i) },
                Departure::InfusionOutOfWindow { visit, day, days_outside } => {
                    Deviation::InfusionOutOfWindow { visit: name(visit), date: date_of(day), days_outside }
                }
                Departure::AssessmentMissing(i, assessment) => {
                    Deviation::AssessmentMissing { visit: name(i), assessment }
                }
                Departure::ExtraInfusion { visit, day } => {
                    Deviation::ExtraInfusion { visit: name(visit), date: date_of(day) }
                }
            })
            .collect();
        let next_visit = found.next_visit.map(name);
        Ok(ScheduleStatus { participant: self.id.clone(), on, calendar, visits, assignments, deviations, next_visit })
    }
}

/// Refuses a blank participant id, as every reader of a participant does (endpoints,
/// screening); for callers that hold ids beside [`ScheduleColumns`](super::ScheduleColumns).
///
/// # Errors
/// [`ScheduleError::Input`] at `id`.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::schedule::check_participant_id;
/// assert!(check_participant_id("S-001").is_ok());
/// assert_eq!(check_participant_id(" ").unwrap_err().path(), "id");
/// ```
pub fn check_participant_id(id: &str) -> Result<(), ScheduleError> {
    if id.trim().is_empty() {
        return Err(ScheduleError::input("id", "must not be empty".to_owned()));
    }
    Ok(())
}

/// A participant without study day 1.
fn no_day_one() -> ScheduleError {
    ScheduleError::input("first_infusion", "needs the date of the first infusion or planned_first_infusion".to_owned())
}

/// Why a date outside years 1 to 9999 is refused.
const OUT_OF_YEARS: &str = "is outside years 1 to 9999, the dates the library represents";

/// A participant's dates as day numbers, as the checks and the rules read them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DatedSchedule<'a> {
    pub(crate) first_infusion: Option<DayNumber>,
    pub(crate) planned_first_infusion: Option<DayNumber>,
    pub(crate) screening_date: Option<DayNumber>,
    pub(crate) left_study: Option<DayNumber>,
    pub(crate) observed: Observed<'a>,
}

impl DatedSchedule<'_> {
    /// Study day 1: the first infusion if given, else the planned one.
    ///
    /// # Errors
    /// [`ScheduleError::Input`] at `first_infusion` when neither is given.
    pub(crate) fn day_one(&self) -> Result<DayNumber, ScheduleError> {
        self.first_infusion.or(self.planned_first_infusion).ok_or_else(no_day_one)
    }

    /// Checks the dates against each other and the status date, naming the first bad field
    /// ([`ParticipantSchedule::check_dates`] states the rules).
    pub(crate) fn check(&self, on: DayNumber) -> Result<(), ScheduleError> {
        let at = |i: usize| format!("observations[{i}].date");
        if let Some(screening) = self.screening_date {
            for (field, date) in
                [("first_infusion", self.first_infusion), ("planned_first_infusion", self.planned_first_infusion)]
            {
                if date.is_some_and(|d| d < screening) {
                    return Err(ScheduleError::input(field, "is before the screening date".to_owned()));
                }
            }
        }
        if let Some(left) = self.left_study {
            if left > on {
                return Err(ScheduleError::input(
                    "left_study",
                    "is after the status date: it has not happened yet".to_owned(),
                ));
            }
            if self.screening_date.is_some_and(|s| left < s) {
                return Err(ScheduleError::input("left_study", "is before the screening date".to_owned()));
            }
        }
        for (field, day) in [("screening_date", self.screening_date), ("left_study", self.left_study)] {
            if day.is_some_and(|d| !(FIRST_DAY..=LAST_DAY).contains(&d)) {
                return Err(ScheduleError::input(field, OUT_OF_YEARS.to_owned()));
            }
        }
        let mut infused_on_day_one = false;
        for (i, (&date, &activity)) in self.observed.days.iter().zip(self.observed.activities).enumerate() {
            // What every binding can hold (and so hand back as a visit's attended date).
            if !(FIRST_DAY..=LAST_DAY).contains(&date) {
                return Err(ScheduleError::input(&at(i), OUT_OF_YEARS.to_owned()));
            }
            if date > on {
                return Err(ScheduleError::input(
                    &at(i),
                    "is after the status date: it has not happened yet".to_owned(),
                ));
            }
            if self.screening_date.is_some_and(|s| date < s) {
                return Err(ScheduleError::input(&at(i), "is before the screening date".to_owned()));
            }
            if activity == Activity::Infusion {
                if let Some(first) = self.first_infusion {
                    if date < first {
                        return Err(ScheduleError::input(
                            &at(i),
                            "is an infusion before first_infusion: the first infusion is the earliest".to_owned(),
                        ));
                    }
                    if date == first {
                        if infused_on_day_one {
                            return Err(ScheduleError::input(
                                &at(i),
                                "is a second infusion on the day of the first infusion".to_owned(),
                            ));
                        }
                        infused_on_day_one = true;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A participant's observations as columns: day numbers and activities, in the order given.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Observed<'a> {
    pub(crate) days: &'a [DayNumber],
    pub(crate) activities: &'a [Activity],
}

/// Where an observation went, by visit index (the public [`Assignment`] names the visits).
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    /// The visits it counts for (several when they share a target); none when unscheduled.
    pub(crate) visits: SmallVec<[usize; 2]>,
    pub(crate) role: AssignmentRole,
    /// The visit rule 1 or rule 3 sent it to first (kept for an unscheduled one, which no
    /// visit takes).
    pub(crate) nearest: Option<usize>,
    /// Whether rule 1 or rule 3 sent it there in that visit's window.
    in_window: bool,
}

/// A visit on the status date, in day numbers (the public [`VisitStatus`] holds dates and names).
#[derive(Debug, Clone, Copy)]
pub(crate) struct VisitOutcome {
    pub(crate) state: VisitState,
    pub(crate) settled: bool,
    pub(crate) attended_on: Option<DayNumber>,
    pub(crate) infusion_on: Option<DayNumber>,
    /// The activities that have an observation counted by the visit, as [`Activity`] bits.
    pub(crate) done: u32,
    /// Attended after the day the participant left the study (a safety contact).
    pub(crate) attended_after_leaving: bool,
}

/// A deviation by visit index and day number (the public [`Deviation`] names the visit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Departure {
    MissedVisit(usize),
    MissedInfusion(usize),
    InfusionOutOfWindow { visit: usize, day: DayNumber, days_outside: i64 },
    AssessmentMissing(usize, Assessment),
    ExtraInfusion { visit: usize, day: DayNumber },
}

impl Departure {
    /// The visit it is about.
    pub(crate) fn visit(self) -> usize {
        match self {
            Departure::MissedVisit(visit)
            | Departure::MissedInfusion(visit)
            | Departure::InfusionOutOfWindow { visit, .. }
            | Departure::AssessmentMissing(visit, _)
            | Departure::ExtraInfusion { visit, .. } => visit,
        }
    }

    /// Its kind, as [`Deviation::kind`] names it.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Departure::MissedVisit(_) => Deviation::KINDS[0],
            Departure::MissedInfusion(_) => Deviation::KINDS[1],
            Departure::InfusionOutOfWindow { .. } => Deviation::KINDS[2],
            Departure::AssessmentMissing(..) => Deviation::KINDS[3],
            Departure::ExtraInfusion { .. } => Deviation::KINDS[4],
        }
    }
}

/// The best claim of a visit on an observation of one activity (rule 2): the one nearest the
/// target, then the earlier date, then the earlier observation; one among those sent in the
/// visit's window and one among the others.
#[derive(Debug, Clone, Copy, Default)]
struct Claims {
    in_window: Option<(i64, DayNumber, usize)>,
    out_of_window: Option<(i64, DayNumber, usize)>,
}

/// A participant's visits computed on a date, reusable from one participant to the next (its
/// lists keep their room): the calendar, the assignment of each observation, each visit's
/// status and the next visit.
#[derive(Debug, Default)]
pub(crate) struct Evaluation {
    pub(crate) calendar: Vec<VisitDays>,
    pub(crate) placed: Vec<Placed>,
    pub(crate) visits: Vec<VisitOutcome>,
    pub(crate) next_visit: Option<usize>,
    /// Rule 2's claims, one per visit and activity it plans ([`VisitTable::slot`]).
    claims: Vec<Claims>,
    /// The infusion done at each visit (for the readings that shift the plan).
    infused: Vec<Option<DayNumber>>,
    /// What each visit counts.
    counted: Vec<Counted>,
}

/// What a visit counts: its earliest date in its window and overall, its own infusion (the
/// first given), the activities done.
#[derive(Debug, Clone, Copy, Default)]
struct Counted {
    in_window: Option<DayNumber>,
    earliest: Option<DayNumber>,
    infusion: Option<DayNumber>,
    done: u32,
}

impl Evaluation {
    /// Evaluates one participant: the calendar from study day 1 (`day_one`), the assignment of
    /// every observation, and every visit's status on `on` (the dates having been checked
    /// against each other: [`ParticipantSchedule::check_dates`]).
    ///
    /// # Errors
    /// The index of a visit whose date falls outside years 1 to 9999.
    pub(crate) fn evaluate(
        &mut self,
        table: &VisitTable<'_>,
        day_one: DayNumber,
        observed: Observed<'_>,
        on: DayNumber,
        left_study: Option<DayNumber>,
    ) -> Result<(), usize> {
        let readings = &table.plan.readings;
        table.calendar_days(day_one, &[], &mut self.calendar)?;
        self.assign(table, day_one, observed);
        if readings.delayed_infusion == DelayedInfusion::ShiftsLater
            || readings.follow_up_from == FollowUpFrom::LastInfusion
        {
            // Which infusion was done at which visit, against the unshifted plan; then
            // everything again against the calendar those infusions make.
            self.infused.clear();
            self.infused.resize(self.calendar.len(), None);
            for (k, p) in self.placed.iter().enumerate() {
                if is_own_infusion(observed.activities[k], p) {
                    for &v in &p.visits {
                        self.infused[v] = self.infused[v].or(Some(observed.days[k]));
                    }
                }
            }
            let infused = std::mem::take(&mut self.infused);
            let shifted = table.calendar_days(day_one, &infused, &mut self.calendar);
            self.infused = infused;
            shifted?;
            self.assign(table, day_one, observed);
        }
        self.visit_states(observed, on, readings.overdue_days, left_study);
        Ok(())
    }

    /// Assigns observations to visits (`docs/schedule.md`, "Assigning observations to
    /// visits"): one result per observation, in order, in `self.placed`.
    fn assign(&mut self, table: &VisitTable<'_>, day_one: DayNumber, observed: Observed<'_>) {
        let visits = &self.calendar;
        // Rules 1 and 3: the visits each observation goes to, and whether it is in their window.
        self.placed.clear();
        for (&date, activity) in observed.days.iter().zip(observed.activities) {
            let planning = table.planning(*activity);
            // Rule 1: among windows holding the date, the nearest target (a tie: the earlier
            // one), and every visit sharing that target.
            let mut nearest: Option<(i64, DayNumber)> = None;
            let mut to: SmallVec<[usize; 2]> = SmallVec::new();
            for &i in planning.iter().filter(|&&i| visits[i].holds(date)) {
                let key = Some((days(date, visits[i].target).abs(), visits[i].target));
                if nearest.is_none() || key < nearest {
                    (nearest, to) = (key, SmallVec::new());
                }
                if key == nearest {
                    to.push(i); // the nearest target, or another visit sharing it
                }
            }
            let placed = if nearest.is_some() {
                Placed { nearest: to.first().copied(), visits: to, role: AssignmentRole::Unscheduled, in_window: true }
            } else {
                // Rule 3: outside every window, the visit whose window is nearest; but an
                // observation after day 1 is no pre-dose visit's (a value after dosing is not a
                // baseline): it is unscheduled then.
                let nearest =
                    planning.iter().copied().min_by_key(|&i| (visits[i].distance_to_window(date), visits[i].target, i));
                // A pre-dose visit: one without an infusion whose window closes by day 1 (baseline).
                let pre_dose = |i: usize| !table.plan.visits[i].infusion && visits[i].last <= day_one && date > day_one;
                let to: SmallVec<[usize; 2]> = nearest.filter(|&i| !pre_dose(i)).into_iter().collect();
                Placed { nearest: to.first().copied(), visits: to, role: AssignmentRole::Unscheduled, in_window: false }
            };
            self.placed.push(placed);
        }
        // Rule 2: per visit and activity, the nearest to the target is the visit's; the others
        // repeat it. An out-of-window one is unscheduled when the visit has one in its window.
        // Each visit's best claim on each activity, in one pass; then each observation's role.
        let slot = |visit: usize, activity: Activity| table.slot(visit, activity);
        self.claims.clear();
        self.claims.resize(table.slots(), Claims::default());
        for (k, p) in self.placed.iter().enumerate() {
            let date = observed.days[k];
            for &v in &p.visits {
                let claim = Some((days(date, visits[v].target).abs(), date, k));
                let best = &mut self.claims[slot(v, observed.activities[k])];
                let best = if p.in_window { &mut best.in_window } else { &mut best.out_of_window };
                if best.is_none_or(|b| claim < Some(b)) {
                    *best = claim;
                }
            }
        }
        for (k, p) in self.placed.iter_mut().enumerate() {
            let tentative = std::mem::take(&mut p.visits);
            for &v in &tentative {
                let claims = self.claims[slot(v, observed.activities[k])];
                let has_in_window = claims.in_window.is_some();
                if p.in_window != has_in_window {
                    continue; // out of window, and the visit has one in its window
                }
                let winner = if has_in_window { claims.in_window } else { claims.out_of_window };
                p.visits.push(v);
                let mine = match (winner.is_some_and(|(_, _, w)| w == k), has_in_window) {
                    (true, true) => AssignmentRole::InWindow,
                    (true, false) => AssignmentRole::OutOfWindow,
                    (false, _) => AssignmentRole::Repeat,
                };
                // An observation shared by visits of one target wins in all or none of them.
                if p.role == AssignmentRole::Unscheduled || mine != AssignmentRole::Repeat {
                    p.role = mine;
                }
            }
            if p.role == AssignmentRole::Unscheduled {
                p.visits.clear();
            }
        }
    }

    /// Every visit's state on `on` from the observations it counts (`docs/schedule.md`,
    /// "Visit status on a date"), and the next visit to attend.
    fn visit_states(
        &mut self,
        observed: Observed<'_>,
        on: DayNumber,
        overdue_days: u32,
        left_study: Option<DayNumber>,
    ) {
        // What each visit counts: its earliest date in its window and overall, its own
        // infusion (the first given), the activities done.
        let counted = &mut self.counted;
        counted.clear();
        counted.resize(self.calendar.len(), Counted::default());
        for (k, p) in self.placed.iter().enumerate() {
            let (date, activity) = (observed.days[k], observed.activities[k]);
            for &v in &p.visits {
                let c = &mut counted[v];
                if self.calendar[v].holds(date) {
                    c.in_window = Some(c.in_window.map_or(date, |d| d.min(date)));
                }
                c.earliest = Some(c.earliest.map_or(date, |d| d.min(date)));
                if is_own_infusion(activity, p) && c.infusion.is_none() {
                    c.infusion = Some(date);
                }
                c.done |= activity.bit();
            }
        }
        self.visits.clear();
        for (visit, c) in self.calendar.iter().zip(&self.counted) {
            let settled = i64::from(on) > i64::from(visit.last) + i64::from(overdue_days);

            let state = if c.in_window.is_some() {
                VisitState::Done
            } else if c.earliest.is_some() {
                VisitState::DoneOutOfWindow
            } else if left_study.is_some_and(|left| visit.target > left) {
                VisitState::NotExpected
            } else if on < visit.first {
                VisitState::Upcoming
            } else if on <= visit.last {
                VisitState::InWindow
            } else if settled {
                VisitState::Missed
            } else {
                VisitState::Overdue
            };
            // Attended: the earliest assigned date in its window, else the earliest.
            let attended_on = c.in_window.or(c.earliest);
            self.visits.push(VisitOutcome {
                state,
                settled,
                attended_on,
                infusion_on: c.infusion,
                done: c.done,
                attended_after_leaving: left_study.zip(attended_on).is_some_and(|(left, on)| on > left),
            });
        }
        // The next visit to attend: in window, overdue or upcoming, the earliest target (the
        // plan's order breaks ties).
        self.next_visit = self
            .visits
            .iter()
            .enumerate()
            .filter(|(_, v)| matches!(v.state, VisitState::InWindow | VisitState::Overdue | VisitState::Upcoming))
            .min_by_key(|&(i, _)| (self.calendar[i].target, i))
            .map(|(i, _)| i);
    }

    /// The deviations (`docs/schedule.md`, "Deviations"): those of the settled visits in the
    /// plan's order, then the extra infusions by date.
    pub(crate) fn deviations<'a>(
        &'a self,
        table: &'a VisitTable<'_>,
        observed: Observed<'a>,
    ) -> impl Iterator<Item = Departure> + 'a {
        let settled = self.visits.iter().enumerate().filter(|(_, v)| v.settled && v.state != VisitState::NotExpected);
        settled.flat_map(move |(i, v)| self.departures_of(table, i, v)).chain(self.extra_infusions(observed))
    }

    fn departures_of(&self, table: &VisitTable<'_>, i: usize, v: &VisitOutcome) -> SmallVec<[Departure; 4]> {
        let mut found = SmallVec::new();
        let infusion = table.plan.visits[i].infusion;
        // A visit the participant left the study before is no departure from the plan (not
        // expected: filtered out by the caller).
        if v.state == VisitState::Missed {
            found.push(if infusion { Departure::MissedInfusion(i) } else { Departure::MissedVisit(i) });
            return found;
        }
        // A visit attended after the participant left the study (a safety contact) follows no
        // plan: nothing of it is missing. An infusion given there out of its window is still
        // reported. (One attended before leaving, early in its window, is judged as planned.)
        let planned = !v.attended_after_leaving;
        if infusion {
            let window = self.calendar[i];
            match v.infusion_on {
                None if planned => found.push(Departure::MissedInfusion(i)),
                None => {}
                Some(day) if day < window.first => {
                    found.push(Departure::InfusionOutOfWindow { visit: i, day, days_outside: days(day, window.first) })
                }
                Some(day) if day > window.last => {
                    found.push(Departure::InfusionOutOfWindow { visit: i, day, days_outside: days(day, window.last) })
                }
                Some(_) => {}
            }
        }
        if planned {
            found.extend(
                table.plan.visits[i]
                    .assessments
                    .iter()
                    .filter(|a| v.done & Activity::Assessment(**a).bit() == 0)
                    .map(|&a| Departure::AssessmentMissing(i, a)),
            );
        }
        found
    }

    /// Infusions beyond the plan's, by date (two infusions on one day are refused, so the order
    /// does not depend on the input's): a repeat at its visit, an unscheduled one at the visit
    /// nearest it.
    fn extra_infusions(&self, observed: Observed<'_>) -> impl Iterator<Item = Departure> {
        let mut extra: SmallVec<[(DayNumber, usize); 2]> = SmallVec::new();
        for (k, p) in self.placed.iter().enumerate() {
            let beyond = matches!(p.role, AssignmentRole::Repeat | AssignmentRole::Unscheduled);
            if observed.activities[k] == Activity::Infusion && beyond {
                if let Some(visit) = p.visits.first().copied().or(p.nearest) {
                    extra.push((observed.days[k], visit));
                }
            }
        }
        extra.sort_unstable();
        extra.into_iter().map(|(day, visit)| Departure::ExtraInfusion { visit, day })
    }
}

/// Days from `b` to `a`.
fn days(a: DayNumber, b: DayNumber) -> i64 {
    i64::from(a) - i64::from(b)
}

/// Whether a placed observation is the visit's own infusion (in window or not).
fn is_own_infusion(activity: Activity, p: &Placed) -> bool {
    activity == Activity::Infusion && matches!(p.role, AssignmentRole::InWindow | AssignmentRole::OutOfWindow)
}
