//! Study time: calendar windows with named, inclusive ends, and the look-backs that make them,
//! counted back from a date (a screening date, a visit date). Eligibility, the schedule and the
//! endpoints count days and months the same way through here.
//!
//! - A [`Window`] is a span of calendar dates from [`Window::first`] to [`Window::last`], both
//!   included.
//! - A look-back of N days ends on its date and starts N days earlier ([`DayWindow::ElapsedDays`],
//!   N + 1 calendar dates) or N − 1 days earlier ([`DayWindow::CalendarDates`]);
//!   `docs/interpretation.md`, "Day windows".
//! - A look-back of N months starts on the same day N calendar months earlier, or the last day of
//!   that month when it is shorter (31 March − 1 month is 28 or 29 February).
//!
//! No arithmetic here overflows: a look-back that reaches past the earliest date chrono
//! represents starts there.
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::study_time::{DayWindow, Window};
//! use chrono::NaiveDate;
//! let screening = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
//! let w = Window::days_back(screening, 30, DayWindow::ElapsedDays);
//! assert_eq!(w.first.to_string(), "2025-05-02");
//! assert!(w.contains(screening) && !w.contains(NaiveDate::from_ymd_opt(2025, 5, 1).unwrap()));
//! assert_eq!(Window::months_back(NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(), 1).first.to_string(), "2025-02-28");
//! ```

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How a look-back of N days is counted (one rule for every day-based look-back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayWindow {
    /// "Within N days before" is at most N days elapsed: from the date N days before to the end
    /// date, both included (N + 1 calendar dates), as month look-backs count (the same day N
    /// months earlier, included).
    ElapsedDays,
    /// N calendar dates: the end date and the N − 1 dates before it.
    CalendarDates,
}

/// A span of calendar dates, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// The first date in the window.
    pub first: NaiveDate,
    /// The last date in the window.
    pub last: NaiveDate,
}

impl Window {
    /// The window of a look-back of `days` days ending on `last`, counted as `counting` says.
    pub fn days_back(last: NaiveDate, days: u32, counting: DayWindow) -> Window {
        Window { first: days_before(last, days, counting), last }
    }

    /// The window of a look-back of `months` calendar months ending on `last`.
    pub fn months_back(last: NaiveDate, months: u32) -> Window {
        Window { first: months_before(last, months), last }
    }

    /// The window of a look-back of `years` years (12 months each) ending on `last`.
    pub fn years_back(last: NaiveDate, years: u32) -> Window {
        Window::months_back(last, years.saturating_mul(12))
    }

    /// Whether `date` falls in the window.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// Whether a course from `start` to `end` (both included; `None`: still going at the end of
    /// the window) has at least one day in the window.
    pub fn reached_by(&self, start: NaiveDate, end: Option<NaiveDate>) -> bool {
        self.overlap_days(start, end) > 0
    }

    /// How many dates of a course from `start` to `end` (both included; `None`: still going at
    /// the end of the window) fall in the window.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::study_time::{DayWindow, Window};
    /// use chrono::NaiveDate;
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// let w = Window::days_back(d(6, 1), 30, DayWindow::ElapsedDays); // 2025-05-02 to 2025-06-01
    /// assert_eq!(w.overlap_days(d(4, 1), Some(d(5, 7))), 6);
    /// assert_eq!(w.overlap_days(d(5, 20), None), 13);
    /// assert_eq!(w.overlap_days(d(4, 1), Some(d(5, 1))), 0);
    /// ```
    pub fn overlap_days(&self, start: NaiveDate, end: Option<NaiveDate>) -> i64 {
        let end = end.unwrap_or(self.last).min(self.last);
        let start = start.max(self.first);
        if end < start {
            0
        } else {
            (end - start).num_days() + 1
        }
    }
}

/// The first day of a look-back of `days` days ending on `last` (included), as `counting`
/// counts days; the earliest date chrono represents if the look-back reaches past it.
pub fn days_before(last: NaiveDate, days: u32, counting: DayWindow) -> NaiveDate {
    let back = match counting {
        DayWindow::ElapsedDays => days,
        DayWindow::CalendarDates => days.saturating_sub(1),
    };
    last.checked_sub_days(chrono::Days::new(u64::from(back))).unwrap_or(NaiveDate::MIN)
}

/// The same day `months` calendar months earlier (the month's last day when it is shorter);
/// `NaiveDate::MIN` if that is out of range.
///
/// What chrono's `checked_sub_months` computes (a property test compares them), by plain
/// year-and-month arithmetic.
pub fn months_before(date: NaiveDate, months: u32) -> NaiveDate {
    let total = i64::from(date.year()) * 12 + i64::from(date.month0()) - i64::from(months);
    let (Ok(year), Ok(month0)) = (i32::try_from(total.div_euclid(12)), u32::try_from(total.rem_euclid(12))) else {
        return NaiveDate::MIN;
    };
    // The same day, or the month's last day when the month is shorter.
    let mut day = date.day();
    loop {
        if let Some(found) = NaiveDate::from_ymd_opt(year, month0 + 1, day) {
            return found;
        }
        if day <= 28 {
            return NaiveDate::MIN;
        }
        day -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_day_look_back_counts_elapsed_days_or_calendar_dates() {
        assert_eq!(days_before(d(2025, 6, 1), 90, DayWindow::ElapsedDays), d(2025, 3, 3));
        assert_eq!(days_before(d(2025, 6, 1), 90, DayWindow::CalendarDates), d(2025, 3, 4));
        assert_eq!(days_before(d(2025, 6, 1), 0, DayWindow::CalendarDates), d(2025, 6, 1));
        assert_eq!(days_before(NaiveDate::MIN, 5, DayWindow::ElapsedDays), NaiveDate::MIN);
    }

    #[test]
    fn a_month_look_back_clamps_to_the_shorter_month() {
        assert_eq!(months_before(d(2025, 3, 31), 1), d(2025, 2, 28));
        assert_eq!(months_before(d(2024, 3, 31), 1), d(2024, 2, 29));
        assert_eq!(months_before(d(2025, 6, 1), 6), d(2024, 12, 1));
        assert_eq!(months_before(d(2025, 6, 1), u32::MAX), NaiveDate::MIN);
    }

    proptest! {
        /// Month look-backs agree with chrono's calendar subtraction.
        #[test]
        fn months_before_is_chronos_subtraction(days in 0i64..40_000, months in 0u32..2400) {
            let date = d(1950, 1, 1) + chrono::Duration::days(days);
            let expected = date.checked_sub_months(chrono::Months::new(months)).unwrap_or(NaiveDate::MIN);
            prop_assert_eq!(months_before(date, months), expected);
        }

        /// A window holds exactly the dates between its ends; the overlap of a course is never
        /// more than the window's length nor the course's.
        #[test]
        fn overlap_is_bounded(start in 0i64..400, len in 0i64..400, back in 0u32..200) {
            let last = d(2025, 6, 1);
            let w = Window::days_back(last, back, DayWindow::ElapsedDays);
            let s = d(2024, 6, 1) + chrono::Duration::days(start);
            let e = s + chrono::Duration::days(len);
            let n = w.overlap_days(s, Some(e));
            prop_assert!(n >= 0 && n <= i64::from(back) + 1 && n <= len + 1);
            prop_assert_eq!(n > 0, w.reached_by(s, Some(e)));
        }

        /// Shifting every date by the same days shifts the window and nothing else.
        #[test]
        fn windows_move_with_their_end(shift in -5000i64..5000, back in 0u32..400) {
            let last = d(2025, 6, 1);
            let moved = last + chrono::Duration::days(shift);
            let a = Window::days_back(last, back, DayWindow::ElapsedDays);
            let b = Window::days_back(moved, back, DayWindow::ElapsedDays);
            prop_assert_eq!((b.first - a.first).num_days(), shift);
        }
    }
}
