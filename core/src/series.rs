//! Dated series: values that carry their date (lab values as entered, viral loads, serology
//! results, readings) and the ways rules pick from them: the latest in a window, or all in a
//! window, latest first. Eligibility, the schedule and the endpoints read series through here.
//!
//! A series is checked once where it enters ([`check_lab_series`]): each entry becomes a
//! [`CheckedEntry`], its typed [`LabValue`] beside its date and its place in the list, and
//! rules read those, never the text again.
//!
//! Ties: of two entries with the same date, the later one in the list counts as more recent
//! (a correction is entered after what it corrects).
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::series::{check_lab_series, latest_in, LabEntry};
//! use amimestrocel_dkd::study_time::{DayWindow, Window};
//! use amimestrocel_dkd::lab::AlbuminCreatinineRatio;
//! use chrono::NaiveDate;
//! let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
//! let entries = vec![
//!     LabEntry { date: d(5, 1), value: 1200.0, unit: "mg/g".into() },
//!     LabEntry { date: d(5, 20), value: 113.12, unit: "mg/mmol".into() },
//! ];
//! let checked = check_lab_series::<AlbuminCreatinineRatio>(&entries).unwrap();
//! let (latest, _) = latest_in(&checked, Window::days_back(d(6, 1), 30, DayWindow::ElapsedDays)).unwrap();
//! assert_eq!((latest.index, latest.value.value()), (1, 113.12));
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::lab::{Analyte, LabError, LabValue, UnitText};
use crate::study_time::Window;

/// Anything that carries the date it was taken on.
pub trait Dated {
    /// The date.
    fn date(&self) -> NaiveDate;
}

/// A dated lab value as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabEntry {
    /// Date of the sample.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// The number as entered.
    pub value: f64,
    /// The unit as entered (kept as written; [`UnitText::unit`] names it).
    pub unit: UnitText,
}

/// A viral load (HBV DNA, HCV RNA) with the upper limit of normal of the lab that measured it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViralLoad {
    /// Date of the sample.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// The copy number (IU/mL or copies/mL, as the lab reports; compared with the lab's own ULN).
    pub value: f64,
    /// The lab's upper limit of normal, in the same unit.
    pub upper_limit_of_normal: f64,
}

/// A qualitative serology result (HBsAg, anti-HCV antibodies): positive or negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerologyResult {
    /// Date of the sample.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// Reactive (positive) or not.
    pub positive: bool,
}

impl Dated for LabEntry {
    fn date(&self) -> NaiveDate {
        self.date
    }
}
impl Dated for ViralLoad {
    fn date(&self) -> NaiveDate {
        self.date
    }
}
impl Dated for SerologyResult {
    fn date(&self) -> NaiveDate {
        self.date
    }
}

/// A lab entry of analyte `A`, checked: its place in the series, its date and its typed value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckedEntry<A: Analyte> {
    /// Its index in the series as entered (for the field path of evidence).
    pub index: usize,
    /// Date of the sample.
    pub date: NaiveDate,
    /// The value, checked for `A`, in the unit it was entered in.
    pub value: LabValue<A>,
}

impl<A: Analyte> Dated for CheckedEntry<A> {
    fn date(&self) -> NaiveDate {
        self.date
    }
}

/// The checked entries of one series of `A` (most series hold one or two entries, kept inline).
pub type CheckedSeries<A> = SmallVec<[CheckedEntry<A>; 2]>;

/// Checks every entry of a series for analyte `A` (unit fits, finite, not negative,
/// plausible).
///
/// # Errors
/// The index of the first refused entry and why.
pub fn check_lab_series<A: Analyte>(entries: &[LabEntry]) -> Result<CheckedSeries<A>, (usize, LabError)> {
    let mut checked = CheckedSeries::with_capacity(entries.len());
    for (index, e) in entries.iter().enumerate() {
        let value = LabValue::entered(e.value, &e.unit).map_err(|err| (index, err))?;
        checked.push(CheckedEntry { index, date: e.date, value });
    }
    Ok(checked)
}

/// The latest entry dated in `window`, with its position in `series` (the later in the list
/// wins a tie of dates).
pub fn latest_in<T: Dated>(series: &[T], window: Window) -> Option<(&T, usize)> {
    // `max_by_key` keeps the last of equal keys: the later entry in the list wins a tie.
    series
        .iter()
        .enumerate()
        .filter(|(_, e)| window.contains(e.date()))
        .max_by_key(|(_, e)| e.date())
        .map(|(i, e)| (e, i))
}

/// Every entry dated in `window`, latest first (the later in the list first among equal dates).
pub fn all_in<T: Dated>(series: &[T], window: Window) -> SmallVec<[&T; 4]> {
    let mut v: SmallVec<[(usize, &T); 4]> =
        series.iter().enumerate().filter(|(_, e)| window.contains(e.date())).collect();
    v.sort_by(|a, b| b.1.date().cmp(&a.1.date()).then(b.0.cmp(&a.0)));
    v.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study_time::DayWindow;
    use proptest::prelude::*;

    fn entry(day: i64, value: f64) -> LabEntry {
        let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(day);
        LabEntry { date, value, unit: "mg/g".into() }
    }

    #[test]
    fn a_refused_entry_is_named_by_its_index() {
        let entries = vec![entry(1, 10.0), LabEntry { unit: "mmHg".into(), ..entry(2, 5.0) }];
        let (i, e) = check_lab_series::<crate::lab::AlbuminCreatinineRatio>(&entries).unwrap_err();
        assert_eq!((i, e.kind()), (1, "unit_not_for_analyte"));
    }

    #[test]
    fn of_two_entries_of_one_date_the_later_in_the_list_is_the_latest() {
        let entries = vec![entry(5, 1.0), entry(5, 2.0), entry(3, 3.0)];
        let w = Window::days_back(NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(), 60, DayWindow::ElapsedDays);
        assert_eq!(latest_in(&entries, w).map(|(e, i)| (e.value, i)), Some((2.0, 1)));
        let values: Vec<f64> = all_in(&entries, w).iter().map(|e| e.value).collect();
        assert_eq!(values, vec![2.0, 1.0, 3.0]);
    }

    proptest! {
        /// The latest in a window is the first of all in it, latest first, and the input order
        /// of entries with distinct dates changes neither.
        #[test]
        fn latest_is_the_first_of_all(days in prop::collection::vec(0i64..100, 0..12), back in 0u32..80) {
            let entries: Vec<LabEntry> = days.iter().enumerate().map(|(k, d)| entry(*d, k as f64)).collect();
            let w = Window::days_back(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(), back, DayWindow::ElapsedDays);
            let latest = latest_in(&entries, w).map(|(e, _)| e.value);
            let first = all_in(&entries, w).first().map(|e| e.value);
            prop_assert_eq!(latest, first);
        }
    }
}
