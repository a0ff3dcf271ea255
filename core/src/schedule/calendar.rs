//! A participant's calendar: the target date and window of every planned visit, from the date
//! of the first infusion (study day 1) or a planned one.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::plan::{Assessment, FollowUpFrom, MonthDay, Nominal, PlannedVisit, ScheduleConfig, WeekDay};
use super::ScheduleError;
use crate::study_time::Window;

/// Where a calendar counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Anchor {
    /// Study day 1.
    #[serde(with = "crate::date::iso")]
    pub day_one: NaiveDate,
    /// Whether `day_one` is a planned date (before dosing) rather than the day of the first
    /// infusion.
    pub planned: bool,
}

/// A visit of a participant's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledVisit {
    /// The visit's id in the plan.
    pub visit: String,
    /// Its label.
    pub label: String,
    /// Its nominal time.
    pub nominal: Nominal,
    /// The target date.
    #[serde(with = "crate::date::iso")]
    pub target: NaiveDate,
    /// The study day of the target (day 1: the first infusion; the day before it is day 0).
    pub study_day: i64,
    /// The first date of its window.
    #[serde(with = "crate::date::iso")]
    pub window_first: NaiveDate,
    /// The last date of its window.
    #[serde(with = "crate::date::iso")]
    pub window_last: NaiveDate,
    /// Whether the study product is infused at it.
    pub infusion: bool,
    /// What is assessed at it.
    pub assessments: Vec<Assessment>,
}

impl ScheduledVisit {
    /// The window, both ends included.
    pub fn window(&self) -> Window {
        Window { first: self.window_first, last: self.window_last }
    }
}

/// A participant's calendar: every visit of the plan with its dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// The schedule configuration's version.
    pub version: String,
    /// Study day 1.
    pub anchor: Anchor,
    /// The visits, in the plan's order.
    pub visits: Vec<ScheduledVisit>,
}

impl Calendar {
    /// The calendar of the plan from study day 1 with every target as planned (no infusion
    /// done yet, so nothing shifts and months count from the planned last infusion when
    /// `follow_up_from = last_infusion`).
    ///
    /// # Errors
    /// [`ScheduleError::DateOutOfRange`] if a date of a visit or its window falls outside years
    /// 1 to 9999 (what `YYYY-MM-DD` writes, and so what every binding can hold).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::{Calendar, ScheduleConfig};
    /// use chrono::NaiveDate;
    /// let plan = ScheduleConfig::bundled()?;
    /// let calendar = Calendar::build(&plan, NaiveDate::from_ymd_opt(2025, 3, 3).unwrap(), false)?;
    /// let w8 = calendar.visit("w8").unwrap();
    /// assert_eq!((w8.study_day, w8.target.to_string()), (56, "2025-04-27".to_owned()));
    /// assert_eq!(calendar.visit("m12").unwrap().target.to_string(), "2026-03-03");
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn build(plan: &ScheduleConfig, day_one: NaiveDate, planned: bool) -> Result<Calendar, ScheduleError> {
        Calendar::with_infusions(plan, Anchor { day_one, planned }, &vec![None; plan.visits.len()])
    }

    /// The calendar given the infusion done at each visit (`done[i]` for `plan.visits[i]`),
    /// which moves targets under `delayed_infusion = shifts_later` and anchors months under
    /// `follow_up_from = last_infusion`.
    pub(crate) fn with_infusions(
        plan: &ScheduleConfig,
        anchor: Anchor,
        done: &[Option<NaiveDate>],
    ) -> Result<Calendar, ScheduleError> {
        let readings = &plan.readings;
        let shifting = readings.delayed_infusion == super::plan::DelayedInfusion::ShiftsLater;
        // Planned (unshifted) targets of the visits counted in days and weeks.
        let unshifted: Vec<Option<NaiveDate>> = plan
            .visits
            .iter()
            .map(|v| match v.nominal {
                Nominal::Month(_) => Ok(None),
                _ => day_or_week_target(anchor.day_one, v, readings.week_day).map(Some),
            })
            .collect::<Result<_, _>>()?;
        // The shift each visit inherits from the latest done infusion before it.
        let mut shifts = vec![0_i64; plan.visits.len()];
        let mut shift = 0_i64;
        for (i, visit) in plan.visits.iter().enumerate() {
            shifts[i] = shift;
            if shifting && visit.infusion {
                if let (Some(given), Some(target)) = (done.get(i).copied().flatten(), unshifted[i]) {
                    shift = (given - target).num_days();
                }
            }
        }
        // The anchor of month visits.
        let month_anchor = match readings.follow_up_from {
            FollowUpFrom::FirstInfusion => anchor.day_one,
            FollowUpFrom::LastInfusion => match plan.visits.iter().rposition(|v| v.infusion) {
                Some(last) => match (done.get(last).copied().flatten(), unshifted[last]) {
                    (Some(given), _) => given,
                    (None, Some(target)) => shifted(target, shifts[last], &plan.visits[last])?,
                    (None, None) => month_target(anchor.day_one, last_month(&plan.visits[last]), readings.month_day)
                        .ok_or_else(|| out_of_range(&plan.visits[last]))?,
                },
                None => anchor.day_one,
            },
        };
        let mut visits = Vec::with_capacity(plan.visits.len());
        for (i, visit) in plan.visits.iter().enumerate() {
            let planned = match (visit.nominal, unshifted[i]) {
                (_, Some(target)) => target,
                (Nominal::Month(m), None) => {
                    month_target(month_anchor, m, readings.month_day).ok_or_else(|| out_of_range(visit))?
                }
                _ => return Err(out_of_range(visit)),
            };
            // Months counted from the last infusion already carry every delay (its done date,
            // or its shifted target): they are not shifted again.
            let months_from_last =
                matches!(visit.nominal, Nominal::Month(_)) && readings.follow_up_from == FollowUpFrom::LastInfusion;
            let target = if months_from_last { planned } else { shifted(planned, shifts[i], visit)? };
            let width = readings.windows.of(visit.window);
            let window_first =
                target.checked_sub_days(Days::new(u64::from(width.before))).ok_or_else(|| out_of_range(visit))?;
            let window_last =
                target.checked_add_days(Days::new(u64::from(width.after))).ok_or_else(|| out_of_range(visit))?;
            // A date beyond year 9999 is one no binding can hold or hand back (ISO 8601 text,
            // Python's `datetime.date`, the `YYYY-MM-DD` reader): refused here, in every language.
            if chrono::Datelike::year(&window_last) > LAST_YEAR || chrono::Datelike::year(&window_first) < 1 {
                return Err(out_of_range(visit));
            }
            visits.push(ScheduledVisit {
                visit: visit.id.clone(),
                label: visit.label.clone(),
                nominal: visit.nominal,
                target,
                study_day: (target - anchor.day_one).num_days() + 1,
                window_first,
                window_last,
                infusion: visit.infusion,
                assessments: visit.assessments.clone(),
            });
        }
        Ok(Calendar { version: plan.version.clone(), anchor, visits })
    }

    /// The visit of an id; `None` for an id the plan does not have.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::schedule::{Calendar, ScheduleConfig};
    /// use chrono::NaiveDate;
    /// let c = Calendar::build(&ScheduleConfig::bundled()?, NaiveDate::from_ymd_opt(2025, 3, 3).unwrap(), false)?;
    /// assert_eq!(c.visit("w28").map(|v| v.study_day), Some(196));
    /// assert!(c.visit("w99").is_none());
    /// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
    /// ```
    pub fn visit(&self, id: &str) -> Option<&ScheduledVisit> {
        self.visits.iter().find(|v| v.visit == id)
    }
}

/// The study day of "week N".
///
/// # Examples
/// ```
/// use amimestrocel_dkd::schedule::{week_study_day, WeekDay};
/// assert_eq!(week_study_day(4, WeekDay::SevenTimesWeeks), 28); // the protocol's day 28
/// assert_eq!(week_study_day(4, WeekDay::WeekAfterDayOne), 29);
/// ```
pub fn week_study_day(week: u32, reading: WeekDay) -> i64 {
    let days = 7 * i64::from(week);
    match reading {
        WeekDay::SevenTimesWeeks => days,
        WeekDay::WeekAfterDayOne => days + 1,
    }
}

/// The date of "month M" counted from `anchor`, or `None` beyond chrono's dates.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::schedule::{month_target, MonthDay};
/// use chrono::NaiveDate;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(month_target(d(2024, 8, 31), 18, MonthDay::CalendarMonths), Some(d(2026, 2, 28)));
/// assert_eq!(month_target(d(2025, 3, 3), 12, MonthDay::AverageDays), Some(d(2026, 3, 3))); // 365 days
/// ```
pub fn month_target(anchor: NaiveDate, months: u32, reading: MonthDay) -> Option<NaiveDate> {
    match reading {
        // chrono clamps to the last day of a shorter month.
        MonthDay::CalendarMonths => anchor.checked_add_months(Months::new(months)),
        MonthDay::AverageDays => {
            // A month as a twelfth of the Julian year (365.25 / 12 = 30.4375 days), the average
            // month of the Gregorian calendar to 0.01 %, as analysis plans commonly define it.
            // round(30.4375 × M) = round(487 × M / 16), in integers: (487 M + 8) / 16.
            let days = (487 * u64::from(months) + 8) / 16;
            anchor.checked_add_days(Days::new(days))
        }
    }
}

fn day_or_week_target(day_one: NaiveDate, visit: &PlannedVisit, week_day: WeekDay) -> Result<NaiveDate, ScheduleError> {
    let study_day = match visit.nominal {
        Nominal::Day(n) => i64::from(n),
        Nominal::Week(n) => week_study_day(n, week_day),
        Nominal::Month(_) => return Err(out_of_range(visit)),
    };
    shifted(day_one, study_day - 1, visit)
}

fn last_month(visit: &PlannedVisit) -> u32 {
    match visit.nominal {
        Nominal::Month(m) => m,
        _ => 0,
    }
}

fn shifted(date: NaiveDate, days: i64, visit: &PlannedVisit) -> Result<NaiveDate, ScheduleError> {
    let moved = if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved.ok_or_else(|| out_of_range(visit))
}

/// The last year a calendar date may fall in: four digits, as `YYYY-MM-DD` writes it.
const LAST_YEAR: i32 = 9999;

fn out_of_range(visit: &PlannedVisit) -> ScheduleError {
    ScheduleError::DateOutOfRange { visit: visit.id.clone() }
}
