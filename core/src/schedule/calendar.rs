//! A participant's calendar: the target date and window of every planned visit, from the date
//! of the first infusion (study day 1) or a planned one.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use super::plan::{
    Activity, Assessment, DelayedInfusion, FollowUpFrom, MonthDay, Nominal, PlannedVisit, ScheduleConfig, WeekDay,
};
use super::ScheduleError;
use crate::date::{date_of_day, day_number, DayNumber};
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
        let mut days = Vec::new();
        VisitTable::new(plan)
            .calendar_days(day_number(day_one), &[], &mut days)
            .map_err(|i| ScheduleError::DateOutOfRange { visit: plan.visits[i].id.clone() })?;
        Ok(Calendar::from_days(plan, Anchor { day_one, planned }, &days))
    }

    /// The public calendar of dates computed as day numbers (each checked to lie in years 1 to
    /// 9999 by [`VisitTable::calendar_days`]).
    pub(crate) fn from_days(plan: &ScheduleConfig, anchor: Anchor, days: &[VisitDays]) -> Calendar {
        let day_one = day_number(anchor.day_one);
        let visits = plan
            .visits
            .iter()
            .zip(days)
            .map(|(visit, d)| ScheduledVisit {
                visit: visit.id.clone(),
                label: visit.label.clone(),
                nominal: visit.nominal,
                target: date_of(d.target),
                study_day: i64::from(d.target) - i64::from(day_one) + 1,
                window_first: date_of(d.first),
                window_last: date_of(d.last),
                infusion: visit.infusion,
                assessments: visit.assessments.clone(),
            })
            .collect();
        Calendar { version: plan.version.clone(), anchor, visits }
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

/// The date of a day number known to be one (a calendar's, checked by
/// [`VisitTable::calendar_days`] to lie in years 1 to 9999, or an observation's, which came
/// from a date).
pub(crate) fn date_of(day: DayNumber) -> NaiveDate {
    date_of_day(day).unwrap_or(NaiveDate::MIN)
}

/// 0001-01-01 and 9999-12-31 as day numbers: the dates `YYYY-MM-DD` writes, and so the dates
/// every binding (ISO 8601 text, Python's `datetime.date`) can hold.
pub(crate) const FIRST_DAY: DayNumber = -719_162;
pub(crate) const LAST_DAY: DayNumber = 2_932_896;

/// A visit's target and window (both ends included) as day numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VisitDays {
    pub(crate) target: DayNumber,
    pub(crate) first: DayNumber,
    pub(crate) last: DayNumber,
}

impl VisitDays {
    /// Whether the window holds the day.
    pub(crate) fn holds(&self, day: DayNumber) -> bool {
        self.first <= day && day <= self.last
    }

    /// Days from the window to the day (0 inside it).
    pub(crate) fn distance_to_window(&self, day: DayNumber) -> i64 {
        (i64::from(self.first) - i64::from(day)).max(i64::from(day) - i64::from(self.last)).max(0)
    }
}

/// The plan as numbers, made once for any number of calendars: each visit's study day (day and
/// week visits), window widths and planned activities, and the visits that plan each activity.
pub(crate) struct VisitTable<'p> {
    pub(crate) plan: &'p ScheduleConfig,
    /// The study day of each visit counted in days or weeks; `None` for months.
    study_day: Vec<Option<i64>>,
    /// Days before and after the target of each visit's window.
    width: Vec<(i64, i64)>,
    /// The activities each visit plans, as a set of [`Activity`] bits.
    pub(crate) activities: Vec<u32>,
    /// The visits that plan each activity, activity after activity (by bit number), each in
    /// the plan's order ([`VisitTable::planning`]).
    planning: Vec<usize>,
    /// Where each activity's visits begin in `planning`, and where the last ones end.
    planning_start: [usize; 33],
    /// The slot of each visit and activity bit number (`visit * 32 + bit number`): one slot per
    /// activity the visit plans, numbered from 0 ([`VisitTable::slot`]).
    slot_of: Vec<usize>,
    /// How many slots there are.
    slots: usize,
}

impl<'p> VisitTable<'p> {
    pub(crate) fn new(plan: &'p ScheduleConfig) -> VisitTable<'p> {
        let readings = &plan.readings;
        let study_day = plan
            .visits
            .iter()
            .map(|v| match v.nominal {
                Nominal::Day(n) => Some(i64::from(n)),
                Nominal::Week(n) => Some(week_study_day(n, readings.week_day)),
                Nominal::Month(_) => None,
            })
            .collect();
        let width = plan
            .visits
            .iter()
            .map(|v| {
                let w = readings.windows.of(v.window);
                (i64::from(w.before), i64::from(w.after))
            })
            .collect();
        let activities: Vec<u32> = plan.visits.iter().map(PlannedVisit::activity_bits).collect();
        let mut planning = Vec::new();
        let mut planning_start = [0; 33];
        for bit in 0..32 {
            planning.extend((0..activities.len()).filter(|&i| activities[i] & (1 << bit) != 0));
            planning_start[bit + 1] = planning.len();
        }
        let mut slot_of = vec![usize::MAX; activities.len() * 32];
        let mut slots = 0;
        for (visit, bits) in activities.iter().enumerate() {
            for bit in (0..32).filter(|bit| bits & (1 << bit) != 0) {
                slot_of[visit * 32 + bit] = slots;
                slots += 1;
            }
        }
        VisitTable { plan, study_day, width, activities, planning, planning_start, slot_of, slots }
    }

    /// The visits that plan `activity`, in the plan's order.
    pub(crate) fn planning(&self, activity: Activity) -> &[usize] {
        let bit = activity.bit().trailing_zeros() as usize;
        &self.planning[self.planning_start[bit]..self.planning_start[bit + 1]]
    }

    /// A number of its own for each visit and activity it plans (`activity`, which the visit
    /// plans), from 0 to [`VisitTable::slots`]: where a list per visit and activity keeps its
    /// entry.
    pub(crate) fn slot(&self, visit: usize, activity: Activity) -> usize {
        self.slot_of[visit * 32 + activity.bit().trailing_zeros() as usize]
    }

    /// How many slots there are.
    pub(crate) fn slots(&self) -> usize {
        self.slots
    }

    /// The target and window of every visit from study day 1, given the infusion done at each
    /// visit (`done[i]` for `plan.visits[i]`; empty when none is known), which moves targets
    /// under `delayed_infusion = shifts_later` and anchors months under `follow_up_from =
    /// last_infusion`. Written into `out`, in the plan's order.
    ///
    /// # Errors
    /// The index of the first visit (in the plan's order) whose target or window falls outside
    /// years 1 to 9999.
    pub(crate) fn calendar_days(
        &self,
        day_one: DayNumber,
        done: &[Option<DayNumber>],
        out: &mut Vec<VisitDays>,
    ) -> Result<(), usize> {
        let readings = &self.plan.readings;
        let visits = &self.plan.visits;
        let day_one = i64::from(day_one);
        let done_at = |i: usize| done.get(i).copied().flatten().map(i64::from);
        // Planned (unshifted) targets of the visits counted in days and weeks.
        let unshifted = |i: usize| self.study_day[i].map(|day| day_one + day - 1);
        // The shift each visit inherits from the latest done infusion before it.
        let shifting = readings.delayed_infusion == DelayedInfusion::ShiftsLater && !done.is_empty();
        let mut shifts: SmallVec<[i64; 32]> = SmallVec::new();
        let mut shift = 0_i64;
        for (i, visit) in visits.iter().enumerate() {
            shifts.push(shift);
            if shifting && visit.infusion {
                if let (Some(given), Some(target)) = (done_at(i), unshifted(i)) {
                    shift = given - target;
                }
            }
        }
        // "Month M" from an anchor, by the reading.
        let month = |anchor: i64, m: u32, i: usize| -> Result<i64, usize> {
            let date = i32::try_from(anchor).ok().and_then(date_of_day).ok_or(i)?;
            month_target(date, m, readings.month_day).map(|d| i64::from(day_number(d))).ok_or(i)
        };
        let month_anchor = match readings.follow_up_from {
            FollowUpFrom::FirstInfusion => day_one,
            FollowUpFrom::LastInfusion => match visits.iter().rposition(|v| v.infusion) {
                Some(last) => match (done_at(last), unshifted(last)) {
                    (Some(given), _) => given,
                    (None, Some(target)) => target + shifts[last],
                    (None, None) => month(day_one, last_month(&visits[last]), last)?,
                },
                None => day_one,
            },
        };
        out.clear();
        for (i, visit) in visits.iter().enumerate() {
            let target = match (visit.nominal, unshifted(i)) {
                (_, Some(target)) => target + shifts[i],
                // Months counted from the last infusion already carry every delay (its done
                // date, or its shifted target): they are not shifted again.
                (Nominal::Month(m), None) if readings.follow_up_from == FollowUpFrom::LastInfusion => {
                    month(month_anchor, m, i)?
                }
                (Nominal::Month(m), None) => month(month_anchor, m, i)? + shifts[i],
                _ => return Err(i),
            };
            let (before, after) = self.width[i];
            // A date beyond year 9999 is one no binding can hold or hand back (ISO 8601 text,
            // Python's `datetime.date`, the `YYYY-MM-DD` reader): refused here, in every language.
            let day = |d: i64| i32::try_from(d).ok().filter(|d| (FIRST_DAY..=LAST_DAY).contains(d)).ok_or(i);
            out.push(VisitDays { target: day(target)?, first: day(target - before)?, last: day(target + after)? });
        }
        Ok(())
    }
}

fn last_month(visit: &PlannedVisit) -> u32 {
    match visit.nominal {
        Nominal::Month(m) => m,
        _ => 0,
    }
}
