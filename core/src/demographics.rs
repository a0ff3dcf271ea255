//! Sex and age, the demographic inputs of the GFR equations and of eligibility.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// Why a demographic input was refused. Messages carry no dates or ages of a person.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DemographicsError {
    /// The text names no sex this library reads. The message names what is accepted, not what
    /// was given (a person's field); the text is kept for a caller that shows it to its user.
    #[error("unknown sex (expected female/male, F/M, 女/男, or ISO/IEC 5218 code 1 or 2)")]
    UnknownSex {
        /// The text as given.
        text: String,
    },
    /// The date of birth is after the date the age is wanted on.
    #[error("date of birth is after the date of assessment")]
    BirthAfterDate,
    /// An age that is negative, fractional, non-finite or beyond the oldest recorded human.
    #[error("age is not a whole number of years between 0 and {max}")]
    InvalidAge {
        /// Largest accepted age in years.
        max: u32,
    },
}

impl DemographicsError {
    /// The stable snake_case kind of this error.
    pub fn kind(&self) -> &'static str {
        match self {
            DemographicsError::UnknownSex { .. } => "unknown_sex",
            DemographicsError::BirthAfterDate => "birth_after_date",
            DemographicsError::InvalidAge { .. } => "invalid_age",
        }
    }

    /// Every kind, as [`DemographicsError::kind`] gives them.
    pub const KINDS: &'static [&'static str] = &["unknown_sex", "birth_after_date", "invalid_age"];
}

/// Sex as the GFR equations use it (sex at birth, as recorded for the trial).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::demographics::Sex;
/// assert_eq!(Sex::parse("F").unwrap(), Sex::Female);
/// assert_eq!(Sex::parse("male").unwrap(), Sex::Male);
/// assert_eq!(Sex::from_iso5218(2).unwrap(), Sex::Female);
/// assert!(Sex::parse("x").is_err());
/// ```
///
/// In JSON it is written `"female"`/`"male"` and read by [`Sex::parse`], so a record takes the
/// same spellings as every other entry point (`"F"`, `"Female"`, `"男"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

impl<'de> Deserialize<'de> for Sex {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        // The message names what is accepted, not what was given.
        Sex::parse(&text)
            .map_err(|_| serde::de::Error::custom("unknown sex, expected female/male, F/M, 女/男 (any case)"))
    }
}

impl Sex {
    /// Parses `female`/`male`, `F`/`M` (any case, as CDISC SDTM `SEX` codes), `女`/`男`.
    ///
    /// # Errors
    /// [`DemographicsError::UnknownSex`] for anything else.
    pub fn parse(text: &str) -> Result<Sex, DemographicsError> {
        let t = text.trim();
        let is = |names: [&str; 3]| names.iter().any(|n| t.eq_ignore_ascii_case(n));
        if is(["f", "female", "女"]) {
            Ok(Sex::Female)
        } else if is(["m", "male", "男"]) {
            Ok(Sex::Male)
        } else {
            Err(DemographicsError::UnknownSex { text: text.to_owned() })
        }
    }

    /// Reads an ISO/IEC 5218 code: 1 male, 2 female. Codes 0 (not known) and 9 (not
    /// applicable) give no sex an equation can use, so they are errors.
    ///
    /// # Errors
    /// [`DemographicsError::UnknownSex`] for any other code.
    pub fn from_iso5218(code: i64) -> Result<Sex, DemographicsError> {
        Self::from_iso5218_opt(code).ok_or_else(|| DemographicsError::UnknownSex { text: code.to_string() })
    }

    /// [`Sex::from_iso5218`] without the error value, for column-wise use.
    #[inline]
    pub(crate) fn from_iso5218_opt(code: i64) -> Option<Sex> {
        match code {
            1 => Some(Sex::Male),
            2 => Some(Sex::Female),
            _ => None,
        }
    }

    /// The ISO/IEC 5218 code: 1 male, 2 female.
    pub fn iso5218(self) -> u8 {
        match self {
            Sex::Male => 1,
            Sex::Female => 2,
        }
    }

    /// `female` or `male`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Age in completed years.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::demographics::Age;
/// use chrono::NaiveDate;
/// let dob = NaiveDate::from_ymd_opt(1960, 3, 1).unwrap();
/// let on = NaiveDate::from_ymd_opt(2025, 2, 28).unwrap();
/// assert_eq!(Age::on(dob, on).unwrap().years(), 64); // the birthday has not come yet
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Age(u32);

impl Age {
    /// Oldest accepted age: above the oldest verified human lifespan (122 years).
    pub const MAX_YEARS: u32 = 125;

    /// An age of `years` completed years.
    ///
    /// # Errors
    /// [`DemographicsError::InvalidAge`] above [`Age::MAX_YEARS`].
    pub fn from_years(years: u32) -> Result<Age, DemographicsError> {
        if years > Self::MAX_YEARS {
            return Err(DemographicsError::InvalidAge { max: Self::MAX_YEARS });
        }
        Ok(Age(years))
    }

    /// An age given as a signed integer (as bindings receive it).
    ///
    /// # Errors
    /// [`DemographicsError::InvalidAge`] for a negative age or one above [`Age::MAX_YEARS`].
    pub fn from_i64(years: i64) -> Result<Age, DemographicsError> {
        u32::try_from(years)
            .map_err(|_| DemographicsError::InvalidAge { max: Self::MAX_YEARS })
            .and_then(Age::from_years)
    }

    /// An age given as a float (as data frames hold it); it must be a whole number.
    ///
    /// # Errors
    /// [`DemographicsError::InvalidAge`] for NaN, infinities, negatives, fractions, or above
    /// [`Age::MAX_YEARS`].
    pub fn from_f64(years: f64) -> Result<Age, DemographicsError> {
        Self::from_f64_opt(years).ok_or(DemographicsError::InvalidAge { max: Self::MAX_YEARS })
    }

    /// [`Age::from_f64`] without the error value, for column-wise use.
    #[inline]
    pub(crate) fn from_f64_opt(years: f64) -> Option<Age> {
        // NaN fails both comparisons; within the range the cast truncates, and a fraction
        // shows as a difference (a cast, not `fract`, which is a libm call on baseline x86-64).
        if !(0.0..=f64::from(Self::MAX_YEARS)).contains(&years) || f64::from(years as u32) != years {
            return None;
        }
        Some(Age(years as u32))
    }

    /// Completed years from `birth` to `on` (a birthday on 29 February counts as reached on
    /// 1 March in common years).
    ///
    /// # Errors
    /// [`DemographicsError::BirthAfterDate`] if `birth` is after `on`;
    /// [`DemographicsError::InvalidAge`] beyond [`Age::MAX_YEARS`].
    pub fn on(birth: NaiveDate, on: NaiveDate) -> Result<Age, DemographicsError> {
        if birth > on {
            return Err(DemographicsError::BirthAfterDate);
        }
        let mut years = on.year() - birth.year();
        if (on.month(), on.day()) < (birth.month(), birth.day()) {
            years -= 1;
        }
        u32::try_from(years)
            .map_err(|_| DemographicsError::InvalidAge { max: Self::MAX_YEARS })
            .and_then(Age::from_years)
    }

    /// Completed years.
    pub fn years(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Age {
    type Error = DemographicsError;
    fn try_from(years: u32) -> Result<Self, Self::Error> {
        Age::from_years(years)
    }
}

impl From<Age> for u32 {
    fn from(age: Age) -> u32 {
        age.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn age_counts_completed_years_only() {
        assert_eq!(Age::on(d(1960, 3, 1), d(2025, 3, 1)).unwrap().years(), 65);
        assert_eq!(Age::on(d(1960, 3, 1), d(2025, 2, 28)).unwrap().years(), 64);
    }

    #[test]
    fn leap_day_birthday_is_reached_on_first_of_march_in_common_years() {
        assert_eq!(Age::on(d(1960, 2, 29), d(2025, 2, 28)).unwrap().years(), 64);
        assert_eq!(Age::on(d(1960, 2, 29), d(2025, 3, 1)).unwrap().years(), 65);
    }

    #[test]
    fn birth_after_assessment_is_an_error() {
        assert_eq!(Age::on(d(2025, 1, 2), d(2025, 1, 1)), Err(DemographicsError::BirthAfterDate));
    }

    #[test]
    fn fractional_negative_and_nan_ages_are_refused() {
        for bad in [f64::NAN, -1.0, 60.5, f64::INFINITY, 126.0] {
            assert!(Age::from_f64(bad).is_err(), "{bad}");
        }
        assert_eq!(Age::from_f64(60.0).unwrap().years(), 60);
    }

    #[test]
    fn sex_reads_words_letters_chinese_and_iso5218() {
        assert_eq!(Sex::parse(" Female ").unwrap(), Sex::Female);
        assert_eq!(Sex::parse("男").unwrap(), Sex::Male);
        assert_eq!(Sex::from_iso5218(1).unwrap(), Sex::Male);
        assert_eq!(Sex::from_iso5218(0).unwrap_err().kind(), "unknown_sex");
    }
}
