//! Calendar dates as they enter the library: ISO 8601 extended calendar dates, `YYYY-MM-DD`,
//! and nothing else.
//!
//! chrono's own reader is lenient (it takes `2025-1-1`, `+2025-01-01` and years of five or six
//! digits); a date that a person typed differently from the documented form is more likely a
//! slip than a meaning, so every reader of outside data in this crate goes through
//! [`parse_iso_date`]: exactly ten characters, four digits of year (0001–9999), two of month,
//! two of day, a real day of the calendar.
//!
//! Source: ISO 8601-1:2019, 5.2.2.1 (calendar date, complete representation, extended format).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serializer};
use thiserror::Error;

/// Why a date text was refused. The message never repeats the text (it may be a birth date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DateError {
    /// Not ten characters of the form `YYYY-MM-DD`.
    #[error("expected a date as YYYY-MM-DD")]
    NotIsoDate,
    /// The form is right but no such day exists (`2025-02-30`, month 13, year 0000).
    #[error("no such calendar date")]
    NoSuchDate,
}

impl DateError {
    /// The stable snake_case kind.
    pub fn kind(self) -> &'static str {
        match self {
            DateError::NotIsoDate => "not_iso_date",
            DateError::NoSuchDate => "no_such_date",
        }
    }
}

/// Reads a `YYYY-MM-DD` date, strictly.
///
/// # Errors
/// [`DateError::NotIsoDate`] for any other form (white space, a sign, one-digit months, a
/// time part); [`DateError::NoSuchDate`] for a day that does not exist.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::date::{parse_iso_date, DateError};
/// assert_eq!(parse_iso_date("2024-02-29")?.to_string(), "2024-02-29");
/// assert_eq!(parse_iso_date("2025-1-1"), Err(DateError::NotIsoDate));
/// assert_eq!(parse_iso_date(" 2025-01-01"), Err(DateError::NotIsoDate));
/// assert_eq!(parse_iso_date("+2025-01-01"), Err(DateError::NotIsoDate));
/// assert_eq!(parse_iso_date("2025-02-29"), Err(DateError::NoSuchDate));
/// # Ok::<(), DateError>(())
/// ```
pub fn parse_iso_date(text: &str) -> Result<NaiveDate, DateError> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return Err(DateError::NotIsoDate);
    }
    let number = |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let year = i32::try_from(number(0..4)).map_err(|_| DateError::NotIsoDate)?;
    if year == 0 {
        return Err(DateError::NoSuchDate);
    }
    NaiveDate::from_ymd_opt(year, number(5..7), number(8..10)).ok_or(DateError::NoSuchDate)
}

/// serde for a `NaiveDate` field read with [`parse_iso_date`] (`#[serde(with = "crate::date::iso")]`).
pub mod iso {
    use super::*;

    /// Writes the date as `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(date)
    }

    /// Reads a `YYYY-MM-DD` string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        parse_iso_date(&text).map_err(serde::de::Error::custom)
    }
}

/// serde for an `Option<NaiveDate>` field read with [`parse_iso_date`]; `null` is `None`.
/// Use with `#[serde(default, with = "crate::date::iso_opt")]`.
pub mod iso_opt {
    use super::*;

    /// Writes the date as `YYYY-MM-DD`, or `null`.
    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => serializer.collect_str(d),
            None => serializer.serialize_none(),
        }
    }

    /// Reads a `YYYY-MM-DD` string or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
        text.map(|t| parse_iso_date(&t).map_err(serde::de::Error::custom)).transpose()
    }
}

/// A date as a day number: days since 1970-01-01, as Arrow's `date32` and numpy's
/// `datetime64[D]` count them, so that columns of dates cross without conversion. The schedule's
/// calendar and status rules compute in day numbers (a distance between dates is a subtraction);
/// the public per-participant types hold `NaiveDate`s. The Python binding reads and writes its
/// date columns through these two functions. Every date chrono holds fits (years ±262 143
/// are ±96 million days).
pub type DayNumber = i32;

/// 1970-01-01 as chrono's days from the common era.
const EPOCH_CE: i32 = 719_163;

/// The day number of a date.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::date::{date_of_day, day_number};
/// use chrono::NaiveDate;
/// let day = NaiveDate::from_ymd_opt(1970, 1, 2).unwrap();
/// assert_eq!(day_number(day), 1);
/// assert_eq!(date_of_day(1), Some(day));
/// ```
pub fn day_number(date: NaiveDate) -> DayNumber {
    chrono::Datelike::num_days_from_ce(&date) - EPOCH_CE
}

/// The date of a day number; `None` beyond the dates chrono holds.
pub fn date_of_day(day: DayNumber) -> Option<NaiveDate> {
    day.checked_add(EPOCH_CE).and_then(NaiveDate::from_num_days_from_ce_opt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_the_documented_form_is_a_date() {
        for bad in [
            "2025-1-1",
            "2025-01-1",
            " 2025-01-01",
            "2025-01-01 ",
            "+2025-01-01",
            "-2025-01-01",
            "02025-01-01",
            "2025/01/01",
            "2025-01-01T00:00",
            "20250101",
            "",
            "２０２５-01-01",
        ] {
            assert_eq!(parse_iso_date(bad), Err(DateError::NotIsoDate), "{bad:?}");
        }
    }

    #[test]
    fn impossible_days_are_refused_as_such() {
        for bad in ["2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "0000-01-01"] {
            assert_eq!(parse_iso_date(bad), Err(DateError::NoSuchDate), "{bad:?}");
        }
    }

    #[test]
    fn the_message_does_not_repeat_the_text() {
        assert!(!DateError::NotIsoDate.to_string().contains("1962"));
        assert_eq!(DateError::NotIsoDate.to_string(), "expected a date as YYYY-MM-DD");
    }

    proptest! {
        /// Every date from year 1 to 9999 reads back from its own `Display`.
        #[test]
        fn display_round_trips(days in 0i64..3_652_058) {
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Duration::days(days);
            prop_assert_eq!(parse_iso_date(&d.to_string()), Ok(d));
        }

        /// Whatever the text, the reader answers (no panic), and what it accepts is ten bytes.
        #[test]
        fn any_text_is_answered(text in ".{0,14}") {
            if parse_iso_date(&text).is_ok() {
                prop_assert_eq!(text.len(), 10);
            }
        }
    }
}
