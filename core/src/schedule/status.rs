//! A participant's visits on a date: observations assigned to nominal visits, the status of
//! every visit, the next one due, and the deviations (`docs/schedule.md` states each rule).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::calendar::{Anchor, Calendar, ScheduledVisit};
use super::plan::{read_json, Activity, Assessment, DelayedInfusion, FollowUpFrom, ScheduleConfig};
use super::ScheduleError;

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
    /// What was done, in any order.
    #[serde(default)]
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
        read_json(text, ScheduleError::input)
    }

    /// Study day 1: the first infusion if given, else the planned one.
    ///
    /// # Errors
    /// [`ScheduleError::Input`] at `first_infusion` when neither date is given.
    pub fn anchor(&self) -> Result<Anchor, ScheduleError> {
        match (self.first_infusion, self.planned_first_infusion) {
            (Some(day_one), _) => Ok(Anchor { day_one, planned: false }),
            (None, Some(day_one)) => Ok(Anchor { day_one, planned: true }),
            (None, None) => Err(ScheduleError::input(
                "first_infusion",
                "needs the date of the first infusion or planned_first_infusion".to_owned(),
            )),
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
        let mut infused_on_day_one = false;
        for (i, o) in self.observations.iter().enumerate() {
            if o.date > on {
                return Err(ScheduleError::input(
                    &at(i),
                    "is after the status date: it has not happened yet".to_owned(),
                ));
            }
            if self.screening_date.is_some_and(|s| o.date < s) {
                return Err(ScheduleError::input(&at(i), "is before the screening date".to_owned()));
            }
            if o.activity == Activity::Infusion {
                if let Some(first) = self.first_infusion {
                    if o.date < first {
                        return Err(ScheduleError::input(
                            &at(i),
                            "is an infusion before first_infusion: the first infusion is the earliest".to_owned(),
                        ));
                    }
                    if o.date == first {
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
        if self.id.trim().is_empty() {
            // Every other reader of a participant refuses a blank id (endpoints, screening).
            return Err(ScheduleError::input("id", "must not be empty".to_owned()));
        }
        let anchor = self.anchor()?;
        self.check_dates(on)?;
        let observed = &self.observations;
        let mut calendar = Calendar::with_infusions(plan, anchor, &vec![None; plan.visits.len()])?;
        let mut placed = assign(plan, &calendar, observed);
        let readings = &plan.readings;
        if readings.delayed_infusion == DelayedInfusion::ShiftsLater
            || readings.follow_up_from == FollowUpFrom::LastInfusion
        {
            // Which infusion was done at which visit, against the unshifted plan; then
            // everything again against the calendar those infusions make.
            let done = infusion_dates(calendar.visits.len(), observed, &placed);
            calendar = Calendar::with_infusions(plan, anchor, &done)?;
            placed = assign(plan, &calendar, observed);
        }
        // The observations each visit counts, by index.
        let mut counted_by: Vec<Vec<usize>> = vec![Vec::new(); calendar.visits.len()];
        for (k, p) in placed.iter().enumerate() {
            for &v in &p.visits {
                counted_by[v].push(k);
            }
        }
        let visits: Vec<VisitStatus> = calendar
            .visits
            .iter()
            .zip(&counted_by)
            .map(|(v, mine)| visit_status(v, mine, observed, &placed, on, readings.overdue_days, self.left_study))
            .collect();
        let assignments: Vec<Assignment> = placed
            .iter()
            .zip(observed)
            .enumerate()
            .map(|(k, (p, o))| Assignment {
                observation: u32::try_from(k).unwrap_or(u32::MAX),
                date: o.date,
                activity: o.activity,
                visits: p.visits.iter().map(|&i| calendar.visits[i].visit.clone()).collect(),
                role: p.role,
            })
            .collect();
        let mut deviations = deviations(&visits);
        deviations.extend(extra_infusions(observed, &placed, &calendar));
        let mut pending: Vec<&VisitStatus> = visits
            .iter()
            .filter(|v| matches!(v.state, VisitState::InWindow | VisitState::Overdue | VisitState::Upcoming))
            .collect();
        pending.sort_by_key(|v| v.target); // stable: the plan's order breaks ties
        let next_visit = pending.first().map(|v| v.visit.clone());
        Ok(ScheduleStatus { participant: self.id.clone(), on, calendar, visits, assignments, deviations, next_visit })
    }
}

/// Where an observation went, by visit index (the public [`Assignment`] names the visits).
struct Placed {
    visits: SmallVec<[usize; 2]>,
    role: AssignmentRole,
    /// The visit rule 1 or rule 3 sent it to first (kept for an unscheduled one, which no
    /// visit takes).
    nearest: Option<usize>,
}

/// Assigns observations to visits (`docs/schedule.md`, "Assigning observations to visits"):
/// one result per observation, in order.
fn assign(plan: &ScheduleConfig, calendar: &Calendar, observed: &[Observation]) -> Vec<Placed> {
    let visits = &calendar.visits;
    let day_one = calendar.anchor.day_one;
    // The visits that plan each activity, by the activity's bit number, in the plan's order.
    let mut planning: [SmallVec<[usize; 16]>; 32] = Default::default();
    for (i, planned) in plan.visits.iter().map(|v| v.activity_bits()).enumerate() {
        for (bit, visits) in planning.iter_mut().enumerate() {
            if planned & (1 << bit) != 0 {
                visits.push(i);
            }
        }
    }
    let planning_of = |o: &Observation| planning[o.activity.bit().trailing_zeros() as usize].iter().copied();
    // Rules 1 and 3: the visits each observation goes to, and whether it is in their window.
    let tentative: Vec<(SmallVec<[usize; 2]>, bool)> = observed
        .iter()
        .map(|o| {
            let date = o.date;
            let holding = || planning_of(o).filter(|&i| visits[i].window().contains(date));
            // Rule 1: among windows holding the date, the nearest target (a tie: the earlier
            // one), and every visit sharing that target.
            let nearest = holding().map(|i| ((date - visits[i].target).num_days().abs(), visits[i].target)).min();
            if let Some((_, target)) = nearest {
                return (holding().filter(|&i| visits[i].target == target).collect(), true);
            }
            // Rule 3: outside every window, the visit whose window is nearest; but an
            // observation after day 1 is no pre-dose visit's (a value after dosing is not a
            // baseline): it is unscheduled then.
            let nearest = planning_of(o).min_by_key(|&i| (distance_to_window(&visits[i], date), visits[i].target, i));
            // A pre-dose visit: one without an infusion whose window closes by day 1 (baseline).
            let pre_dose = |i: usize| !visits[i].infusion && visits[i].window_last <= day_one && date > day_one;
            (nearest.filter(|&i| !pre_dose(i)).into_iter().collect(), false)
        })
        .collect();
    // Rule 2: per visit and activity, the nearest to the target is the visit's; the others
    // repeat it. An out-of-window one is unscheduled when the visit has one in its window.
    // Each claim (visit, activity, observation), grouped by visit and activity in one sort.
    let mut claims: Vec<(usize, u32, usize)> = tentative
        .iter()
        .enumerate()
        .flat_map(|(k, (to, _))| to.iter().map(move |&v| (v, observed[k].activity.bit(), k)))
        .collect();
    claims.sort_unstable();
    let mut placed: Vec<Placed> = tentative
        .iter()
        .map(|(to, _)| Placed {
            visits: SmallVec::new(),
            role: AssignmentRole::Unscheduled,
            nearest: to.first().copied(),
        })
        .collect();
    for group in claims.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let visit_index = group[0].0;
        let visit = &visits[visit_index];
        let members = || group.iter().map(|&(_, _, k)| k);
        let has_in_window = members().any(|k| tentative[k].1);
        let eligible = || members().filter(|&k| tentative[k].1 == has_in_window);
        let winner = eligible().min_by_key(|&k| {
            let date = observed[k].date;
            ((date - visit.target).num_days().abs(), date, k)
        });
        for k in eligible() {
            placed[k].visits.push(visit_index);
            let mine = match (Some(k) == winner, has_in_window) {
                (true, true) => AssignmentRole::InWindow,
                (true, false) => AssignmentRole::OutOfWindow,
                (false, _) => AssignmentRole::Repeat,
            };
            // An observation shared by visits of one target wins in all or none of them.
            if placed[k].role == AssignmentRole::Unscheduled || mine != AssignmentRole::Repeat {
                placed[k].role = mine;
            }
        }
    }
    for p in placed.iter_mut().filter(|p| p.role == AssignmentRole::Unscheduled) {
        p.visits.clear();
    }
    placed
}

/// Infusions beyond the plan's (`Deviation::ExtraInfusion`), by date (two infusions on one
/// day are refused, so the order does not depend on the input's): a repeat at its visit, an
/// unscheduled one at the visit nearest it.
fn extra_infusions(observed: &[Observation], placed: &[Placed], calendar: &Calendar) -> Vec<Deviation> {
    let mut extra: Vec<(NaiveDate, usize)> = observed
        .iter()
        .zip(placed)
        .filter(|(o, p)| {
            o.activity == Activity::Infusion && matches!(p.role, AssignmentRole::Repeat | AssignmentRole::Unscheduled)
        })
        .filter_map(|(o, p)| Some((o.date, p.visits.first().copied().or(p.nearest)?)))
        .collect();
    extra.sort_unstable();
    extra
        .into_iter()
        .map(|(date, v)| Deviation::ExtraInfusion { visit: calendar.visits[v].visit.clone(), date })
        .collect()
}

fn distance_to_window(visit: &ScheduledVisit, date: NaiveDate) -> i64 {
    if date < visit.window_first {
        (visit.window_first - date).num_days()
    } else {
        (date - visit.window_last).num_days().max(0)
    }
}

/// Whether a placed observation is the visit's own infusion (in window or not).
fn is_own_infusion(o: &Observation, p: &Placed) -> bool {
    o.activity == Activity::Infusion && matches!(p.role, AssignmentRole::InWindow | AssignmentRole::OutOfWindow)
}

/// The infusion date of each visit (the visit's own infusion, in window or not).
fn infusion_dates(visits: usize, observed: &[Observation], placed: &[Placed]) -> Vec<Option<NaiveDate>> {
    let mut dates = vec![None; visits];
    for (o, p) in observed.iter().zip(placed) {
        if is_own_infusion(o, p) {
            for &v in &p.visits {
                dates[v] = dates[v].or(Some(o.date));
            }
        }
    }
    dates
}

fn visit_status(
    visit: &ScheduledVisit,
    mine: &[usize],
    observed: &[Observation],
    placed: &[Placed],
    on: NaiveDate,
    overdue_days: u32,
    left_study: Option<NaiveDate>,
) -> VisitStatus {
    let window = visit.window();
    let dates = || mine.iter().map(|&k| observed[k].date);
    let in_window_dates = dates().filter(|d| window.contains(*d)).min();
    let attended_on = in_window_dates.or_else(|| dates().min());
    let overdue_until = visit.window_last.checked_add_days(Days::new(u64::from(overdue_days)));
    let settled = overdue_until.is_some_and(|last| on > last);
    let state = if in_window_dates.is_some() {
        VisitState::Done
    } else if attended_on.is_some() {
        VisitState::DoneOutOfWindow
    } else if left_study.is_some_and(|left| visit.target > left) {
        VisitState::NotExpected
    } else if on < visit.window_first {
        VisitState::Upcoming
    } else if on <= visit.window_last {
        VisitState::InWindow
    } else if settled {
        VisitState::Missed
    } else {
        VisitState::Overdue
    };
    let infusion_on = mine.iter().find(|&&k| is_own_infusion(&observed[k], &placed[k])).map(|&k| observed[k].date);
    let (done, needs) = visit
        .assessments
        .iter()
        .partition(|assessment| mine.iter().any(|&k| observed[k].activity == Activity::Assessment(**assessment)));
    VisitStatus {
        visit: visit.visit.clone(),
        label: visit.label.clone(),
        target: visit.target,
        window_first: visit.window_first,
        window_last: visit.window_last,
        state,
        settled,
        attended_on,
        infusion: visit.infusion,
        infusion_on,
        done,
        needs,
    }
}

fn deviations(visits: &[VisitStatus]) -> Vec<Deviation> {
    let mut found = Vec::new();
    // A visit the participant left the study before is no departure from the plan.
    for v in visits.iter().filter(|v| v.settled && v.state != VisitState::NotExpected) {
        let visit = v.visit.clone();
        if v.state == VisitState::Missed {
            found.push(if v.infusion { Deviation::MissedInfusion { visit } } else { Deviation::MissedVisit { visit } });
            continue;
        }
        if v.infusion {
            match v.infusion_on {
                None => found.push(Deviation::MissedInfusion { visit: visit.clone() }),
                Some(date) if date < v.window_first => found.push(Deviation::InfusionOutOfWindow {
                    visit: visit.clone(),
                    date,
                    days_outside: (date - v.window_first).num_days(),
                }),
                Some(date) if date > v.window_last => found.push(Deviation::InfusionOutOfWindow {
                    visit: visit.clone(),
                    date,
                    days_outside: (date - v.window_last).num_days(),
                }),
                Some(_) => {}
            }
        }
        found.extend(
            v.needs.iter().map(|&assessment| Deviation::AssessmentMissing { visit: visit.clone(), assessment }),
        );
    }
    found
}
