//! The visit status of many participants at once, in columns: the shape data managers' tables
//! (Arrow, pandas, polars, Spark) hold, and the one that keeps a registry-sized cohort fast.
//!
//! The rules are the ones [`ParticipantSchedule::status`](super::ParticipantSchedule::status)
//! applies (`status.rs`, stated in `docs/schedule.md`), computed by the same code on day numbers
//! and visit indices; only the shape of the input and the output differs. Dates are
//! [`DayNumber`]s (days since 1970, Arrow's `date32`), a visit is its index in the plan, and no
//! string is made per participant.

use std::ops::Range;

use super::calendar::VisitTable;
use super::plan::{Activity, Assessment, ScheduleConfig};
use super::status::{DatedSchedule, Departure, Evaluation, Observed};
use super::{AssignmentRole, ScheduleError, VisitState};
use crate::date::DayNumber;

/// Many participants' schedules as columns, one row per participant, and their observations as
/// columns grouped by participant: participant `i`'s observations are rows
/// `observation_offsets[i]..observation_offsets[i + 1]` (Arrow's list offsets).
///
/// A column of dates that nobody has (`planned_first_infusion`, `screening_date`,
/// `left_study`) may be given empty. Any `i32` may be given: a date outside years 1 to 9999
/// (what every binding holds) is refused at its participant's row, as
/// [`ParticipantSchedule::status`](super::ParticipantSchedule::status) refuses it.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleColumns<'a> {
    /// Study day 1: the day of the first infusion, once given.
    pub first_infusion: &'a [Option<DayNumber>],
    /// The planned day of the first infusion, before dosing.
    pub planned_first_infusion: &'a [Option<DayNumber>],
    /// The screening date: nothing of the trial is dated before it.
    pub screening_date: &'a [Option<DayNumber>],
    /// The day the participant left the study.
    pub left_study: &'a [Option<DayNumber>],
    /// Where each participant's observations begin, and after the last participant where they
    /// end (one more entry than participants, non-decreasing).
    pub observation_offsets: &'a [usize],
    /// The date of each observation.
    pub observation_days: &'a [DayNumber],
    /// What each observation says was done.
    pub observation_activities: &'a [Activity],
}

impl ScheduleColumns<'_> {
    /// How many participants.
    pub fn len(&self) -> usize {
        self.first_infusion.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.first_infusion.is_empty()
    }

    /// Checks that the columns fit together: every participant column as long as
    /// `first_infusion` (or empty), the offsets one longer, non-decreasing and within the
    /// observation columns, which have the same length.
    fn check(&self) -> Result<(), ScheduleError> {
        let n = self.len();
        for (name, len) in [
            ("planned_first_infusion", self.planned_first_infusion.len()),
            ("screening_date", self.screening_date.len()),
            ("left_study", self.left_study.len()),
        ] {
            if len != 0 && len != n {
                return Err(ScheduleError::input(name, format!("has {len} rows, first_infusion {n}")));
            }
        }
        let rows = self.observation_days.len();
        if self.observation_activities.len() != rows {
            return Err(ScheduleError::input(
                "observation_activities",
                format!("has {} rows, observation_days {rows}", self.observation_activities.len()),
            ));
        }
        if self.observation_offsets.len() != n + 1 {
            return Err(ScheduleError::input(
                "observation_offsets",
                format!("has {} entries; {n} participants need {}", self.observation_offsets.len(), n + 1),
            ));
        }
        if self.observation_offsets.windows(2).any(|w| w[0] > w[1]) || self.observation_offsets[n] > rows {
            return Err(ScheduleError::input(
                "observation_offsets",
                format!("must not decrease, nor pass the {rows} observations"),
            ));
        }
        Ok(())
    }

    fn at(column: &[Option<DayNumber>], i: usize) -> Option<DayNumber> {
        column.get(i).copied().flatten()
    }
}

/// A set of assessments (the `done` and `needs` of a visit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AssessmentSet(u32);

impl AssessmentSet {
    /// The assessments among a set of [`Activity`] bits.
    fn of_activities(bits: u32) -> AssessmentSet {
        AssessmentSet(bits >> 2)
    }

    /// Whether it holds `assessment`.
    pub fn contains(self, assessment: Assessment) -> bool {
        self.0 & (1 << assessment as u32) != 0
    }

    /// Whether it is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Its assessments, in [`Assessment::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Assessment> {
        Assessment::ALL.into_iter().filter(move |a| self.contains(*a))
    }
}

/// A deviation of one participant, by visit index (the per-participant
/// [`Deviation`](super::Deviation) names the visit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviationRow {
    /// The participant's row.
    pub participant: usize,
    /// The visit's index in the plan.
    pub visit: usize,
    /// Its kind, one of [`Deviation::KINDS`](super::Deviation::KINDS).
    pub kind: &'static str,
    /// The infusion's date (`infusion_out_of_window`, `extra_infusion`).
    pub day: Option<DayNumber>,
    /// Days outside the window (`infusion_out_of_window`): negative before it opened.
    pub days_outside: Option<i64>,
    /// The assessment (`assessment_missing`).
    pub assessment: Option<Assessment>,
}

/// The status of many participants on one date, in columns.
///
/// The visit columns have one row per participant and visit, participant after participant,
/// each participant's visits in the plan's order (`visits_per_participant` of them); the
/// assignment columns one row per observation, in the input's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortStatus {
    /// The visits of the plan: rows per participant.
    pub visits_per_participant: usize,
    /// A visit's target date.
    pub target: Vec<DayNumber>,
    /// The first date of its window.
    pub window_first: Vec<DayNumber>,
    /// The last date of its window.
    pub window_last: Vec<DayNumber>,
    /// Where it stands.
    pub state: Vec<VisitState>,
    /// Whether it is settled.
    pub settled: Vec<bool>,
    /// When it was attended.
    pub attended_on: Vec<Option<DayNumber>>,
    /// When its infusion was given.
    pub infusion_on: Vec<Option<DayNumber>>,
    /// Its planned assessments that have an observation.
    pub done: Vec<AssessmentSet>,
    /// Its planned assessments still without one.
    pub needs: Vec<AssessmentSet>,
    /// Each participant's next visit to attend (its index in the plan).
    pub next_visit: Vec<Option<usize>>,
    /// How each observation was assigned.
    pub role: Vec<AssignmentRole>,
    /// Where each observation's visits begin in `assigned_visits`, and after the last where
    /// they end (Arrow's list offsets).
    pub assigned_offsets: Vec<usize>,
    /// The visits (indices in the plan) each observation counts for.
    pub assigned_visits: Vec<usize>,
    /// The deviations, participant after participant, each participant's as
    /// [`ParticipantSchedule::status`](super::ParticipantSchedule::status) orders them.
    pub deviations: Vec<DeviationRow>,
}

impl CohortStatus {
    /// The status of every participant on `on`.
    ///
    /// # Errors
    /// The first participant refused (by row) with why, as
    /// [`ParticipantSchedule::status`](super::ParticipantSchedule::status) would refuse them
    /// (no study day 1, dates that do not hold together, a visit beyond year 9999); or, at row
    /// 0, columns that do not fit together.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::{day_number, Activity, CohortStatus, ScheduleColumns, ScheduleConfig, VisitState};
    /// use chrono::NaiveDate;
    /// let plan = ScheduleConfig::bundled()?;
    /// let day = |y, m, d| day_number(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    /// let columns = ScheduleColumns {
    ///     first_infusion: &[Some(day(2025, 3, 3)), Some(day(2025, 4, 1))],
    ///     planned_first_infusion: &[],
    ///     screening_date: &[],
    ///     left_study: &[],
    ///     observation_offsets: &[0, 1, 1],
    ///     observation_days: &[day(2025, 3, 3)],
    ///     observation_activities: &[Activity::Infusion],
    /// };
    /// let status = CohortStatus::of(&plan, &columns, day(2025, 3, 15)).map_err(|(_, e)| e)?;
    /// let d1 = plan.visits.iter().position(|v| v.id == "d1").unwrap();
    /// assert_eq!(status.state[d1], VisitState::Done); // the first participant's day 1
    /// assert_eq!(status.state[status.visits_per_participant + d1], VisitState::Upcoming);
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn of(
        plan: &ScheduleConfig,
        columns: &ScheduleColumns<'_>,
        on: DayNumber,
    ) -> Result<CohortStatus, (usize, ScheduleError)> {
        CohortStatus::of_rows(plan, columns, on, 0..columns.len())
    }

    /// The status of the participants of `rows` (to split a cohort between threads; rows are
    /// numbered as in `columns`, and the parts joined with [`CohortStatus::append`]).
    ///
    /// # Errors
    /// As [`CohortStatus::of`]; rows beyond the columns are refused at the first of them.
    pub fn of_rows(
        plan: &ScheduleConfig,
        columns: &ScheduleColumns<'_>,
        on: DayNumber,
        rows: Range<usize>,
    ) -> Result<CohortStatus, (usize, ScheduleError)> {
        columns.check().map_err(|e| (0, e))?;
        if rows.start > rows.end {
            let reason = format!("rows {}..{} run backwards", rows.start, rows.end);
            return Err((rows.start, ScheduleError::input("first_infusion", reason)));
        }
        if rows.end > columns.len() {
            let first_beyond = rows.start.max(columns.len());
            let reason = format!("row {first_beyond} is beyond the {} participants", columns.len());
            return Err((first_beyond, ScheduleError::input("first_infusion", reason)));
        }
        let table = VisitTable::new(plan);
        let mut out = CohortStatus::with_capacity(plan.visits.len(), rows.len(), {
            let offsets = columns.observation_offsets;
            offsets[rows.end] - offsets[rows.start]
        });
        let mut found = Evaluation::default();
        out.assigned_offsets.push(0);
        for row in rows {
            let span = columns.observation_offsets[row]..columns.observation_offsets[row + 1];
            let observed = Observed {
                days: &columns.observation_days[span.clone()],
                activities: &columns.observation_activities[span],
            };
            let dated = DatedSchedule {
                first_infusion: ScheduleColumns::at(columns.first_infusion, row),
                planned_first_infusion: ScheduleColumns::at(columns.planned_first_infusion, row),
                screening_date: ScheduleColumns::at(columns.screening_date, row),
                left_study: ScheduleColumns::at(columns.left_study, row),
                observed,
            };
            let day_one = dated.day_one().map_err(|e| (row, e))?;
            dated.check(on).map_err(|e| (row, e))?;
            found
                .evaluate(&table, day_one, observed, on, dated.left_study)
                .map_err(|i| (row, ScheduleError::DateOutOfRange { visit: plan.visits[i].id.clone() }))?;
            out.push(row, &table, &found, observed);
        }
        Ok(out)
    }

    fn with_capacity(visits: usize, participants: usize, observations: usize) -> CohortStatus {
        let rows = visits * participants;
        CohortStatus {
            visits_per_participant: visits,
            target: Vec::with_capacity(rows),
            window_first: Vec::with_capacity(rows),
            window_last: Vec::with_capacity(rows),
            state: Vec::with_capacity(rows),
            settled: Vec::with_capacity(rows),
            attended_on: Vec::with_capacity(rows),
            infusion_on: Vec::with_capacity(rows),
            done: Vec::with_capacity(rows),
            needs: Vec::with_capacity(rows),
            next_visit: Vec::with_capacity(participants),
            role: Vec::with_capacity(observations),
            assigned_offsets: Vec::with_capacity(observations + 1),
            assigned_visits: Vec::with_capacity(observations),
            deviations: Vec::new(),
        }
    }

    fn push(&mut self, row: usize, table: &VisitTable<'_>, found: &Evaluation, observed: Observed<'_>) {
        for ((days, visit), planned) in found.calendar.iter().zip(&found.visits).zip(&table.activities) {
            self.target.push(days.target);
            self.window_first.push(days.first);
            self.window_last.push(days.last);
            self.state.push(visit.state);
            self.settled.push(visit.settled);
            self.attended_on.push(visit.attended_on);
            self.infusion_on.push(visit.infusion_on);
            self.done.push(AssessmentSet::of_activities(visit.done & planned));
            self.needs.push(AssessmentSet::of_activities(!visit.done & planned));
        }
        self.next_visit.push(found.next_visit);
        for placed in &found.placed {
            self.role.push(placed.role);
            self.assigned_visits.extend_from_slice(&placed.visits);
            self.assigned_offsets.push(self.assigned_visits.len());
        }
        self.deviations.extend(found.deviations(table, observed).map(|d| {
            let row = DeviationRow {
                participant: row,
                visit: d.visit(),
                kind: d.kind(),
                day: None,
                days_outside: None,
                assessment: None,
            };
            match d {
                Departure::InfusionOutOfWindow { day, days_outside, .. } => {
                    DeviationRow { day: Some(day), days_outside: Some(days_outside), ..row }
                }
                Departure::AssessmentMissing(_, assessment) => DeviationRow { assessment: Some(assessment), ..row },
                Departure::ExtraInfusion { day, .. } => DeviationRow { day: Some(day), ..row },
                Departure::MissedVisit(_) | Departure::MissedInfusion(_) => row,
            }
        }));
    }

    /// Appends the status of the rows that follow (from [`CohortStatus::of_rows`], under the
    /// same plan).
    pub fn append(&mut self, mut next: CohortStatus) {
        if self.assigned_offsets.is_empty() {
            *self = next;
            return;
        }
        let base = self.assigned_visits.len();
        self.target.append(&mut next.target);
        self.window_first.append(&mut next.window_first);
        self.window_last.append(&mut next.window_last);
        self.state.append(&mut next.state);
        self.settled.append(&mut next.settled);
        self.attended_on.append(&mut next.attended_on);
        self.infusion_on.append(&mut next.infusion_on);
        self.done.append(&mut next.done);
        self.needs.append(&mut next.needs);
        self.next_visit.append(&mut next.next_visit);
        self.role.append(&mut next.role);
        self.assigned_offsets.extend(next.assigned_offsets.iter().skip(1).map(|o| o + base));
        self.assigned_visits.append(&mut next.assigned_visits);
        self.deviations.append(&mut next.deviations);
    }
}
