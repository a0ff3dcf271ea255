//! A seeded synthetic follow-up: participants' schedules (first infusion, screening date, what
//! was done at each visit) as a site would record them up to a date, with the usual
//! imperfections (a visit missed, an infusion withheld, an assessment not done, a visit a few
//! days out of window, a withdrawal). It feeds the main job's schedule report and the tests;
//! nothing real is behind it.

use chrono::{Days, NaiveDate};

use super::synthetic::Rng;
use crate::schedule::{Activity, Calendar, Observation, ParticipantSchedule, ScheduleConfig, ScheduleError};

/// The seed of the bundled follow-up.
pub const BUNDLED_SEED: u64 = 6_969_807;
/// Its size: the trial's target recruitment.
pub const BUNDLED_COUNT: usize = 120;

/// The date the bundled follow-up is recorded up to (its status date).
pub fn bundled_as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or(NaiveDate::MIN)
}

/// `count` participants of seed `seed`, recorded up to `as_of` under `plan`: first infusions
/// spread over 18 months from 2025-01-06; at each visit whose date has come, the participant
/// attends with probability 0.93 (on a day of the window, or 1–5 days after it one time in
/// 25), is infused when the visit plans it with probability 0.96 (always on day 1), and has each
/// planned assessment with probability 0.94; one participant in 12 withdraws after a random
/// visit.
///
/// # Errors
/// [`ScheduleError::DateOutOfRange`] only for an `as_of` near the end of the calendar.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// use amimestrocel_dkd::tools::follow_up::{bundled_as_of, participants};
/// let plan = ScheduleConfig::bundled()?;
/// let cohort = participants(1, 10, bundled_as_of(), &plan)?;
/// assert_eq!(cohort.len(), 10);
/// assert!(cohort.iter().all(|p| p.status(&plan, bundled_as_of()).is_ok()));
/// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
/// ```
pub fn participants(
    seed: u64,
    count: usize,
    as_of: NaiveDate,
    plan: &ScheduleConfig,
) -> Result<Vec<ParticipantSchedule>, ScheduleError> {
    schedules(seed, as_of, plan).take(count).collect()
}

/// The participants of [`participants`], one at a time and without end (`take` the count): the
/// same participants in the same order, in memory flat in their number.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// use amimestrocel_dkd::tools::follow_up::{bundled_as_of, participants, schedules};
/// let plan = ScheduleConfig::bundled()?;
/// let first = schedules(1, bundled_as_of(), &plan).next().unwrap()?;
/// assert_eq!(first, participants(1, 1, bundled_as_of(), &plan)?[0]);
/// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
/// ```
pub fn schedules(
    seed: u64,
    as_of: NaiveDate,
    plan: &ScheduleConfig,
) -> impl Iterator<Item = Result<ParticipantSchedule, ScheduleError>> + '_ {
    let mut rng = Rng::new(seed);
    let start = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or(NaiveDate::MIN);
    (0_usize..).map(move |index| {
        let day_one = start.checked_add_days(Days::new(rng.int(0, 540).unsigned_abs())).unwrap_or(start);
        let calendar = Calendar::build(plan, day_one, false)?;
        let withdraws_after = if rng.chance(1.0 / 12.0) { Some(rng.int(2, 12) as usize) } else { None };
        let mut observations = Vec::new();
        for (i, visit) in calendar.visits.iter().enumerate() {
            if withdraws_after.is_some_and(|last| i > last) {
                break;
            }
            let first_infusion = visit.infusion && visit.target == day_one;
            // Baseline and day 1 are always done: they define the enrolment.
            if !(first_infusion || visit.visit == "baseline" || rng.chance(0.93)) {
                continue;
            }
            let date = if first_infusion {
                day_one
            } else if rng.chance(0.04) && visit.window_last < as_of {
                // A few days late: never past `as_of` (skipped below) nor the calendar's end.
                visit.window_last.checked_add_days(Days::new(rng.int(1, 5).unsigned_abs())).unwrap_or(as_of)
            } else {
                let span = (visit.window_last - visit.window_first).num_days();
                // Within the window, so never past its last date.
                visit
                    .window_first
                    .checked_add_days(Days::new(rng.int(0, span).unsigned_abs()))
                    .unwrap_or(visit.window_last)
            };
            if date > as_of {
                continue;
            }
            observations.push(Observation { date, activity: Activity::Attended });
            if visit.infusion && (first_infusion || rng.chance(0.96)) {
                observations.push(Observation { date, activity: Activity::Infusion });
            }
            for &a in &visit.assessments {
                if rng.chance(0.94) {
                    observations.push(Observation { date, activity: Activity::Assessment(a) });
                }
            }
        }
        observations.sort_by_key(|o| o.date);
        let screening = day_one.checked_sub_days(Days::new(rng.int(30, 60).unsigned_abs())).unwrap_or(day_one);
        Ok(ParticipantSchedule {
            id: format!("SYN-{:05}", index + 1),
            first_infusion: Some(day_one),
            planned_first_infusion: None,
            observations,
            screening_date: Some(screening),
            // Who leaves is drawn with the timelines (`timelines`), from these schedules.
            left_study: None,
        })
    })
}
