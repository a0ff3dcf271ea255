//! The vocabulary of evaluating a rule on dated data, shared by eligibility, the schedule and
//! the endpoints: an [`Outcome`] (met, not met, not known), the [`Evidence`] it used (a field
//! of the record, its date, the value as entered and as compared), the [`Reason`] in one
//! sentence, and a typed [`Threshold`] with its bound named (`≥`, `>`, `≤`, `<`).
//!
//! Reasons and field paths are kept as data (a template and its arguments) and rendered only
//! when read, so that evaluating allocates almost nothing ([`text`]).
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::evaluation::{Bound, Outcome, Threshold};
//! use amimestrocel_dkd::lab::Unit;
//! let t = Threshold::new(Bound::Above, 1000.0, Unit::MilligramPerGram);
//! let outcome = if t.passes_value(1200.0) { Outcome::Met } else { Outcome::NotMet };
//! assert_eq!((outcome.as_str(), t.to_string()), ("met", "> 1000 mg/g".to_owned()));
//! ```

pub mod text;

pub use text::{Arg, Detail, Field, Reason};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::lab::{AnalyteKind, LabError, Measurement, Unit};

/// What a criterion says of a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The criterion holds (for an exclusion: the candidate is excluded by it).
    Met,
    /// The criterion does not hold.
    NotMet,
    /// Not enough (recent) data to tell.
    Unknown,
}

impl Outcome {
    /// `met`, `not_met` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::NotMet => "not_met",
            Outcome::Unknown => "unknown",
        }
    }
}

/// A number with its unit, as entered or as converted for comparison. 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantity {
    /// The number.
    pub value: f64,
    /// The unit (a lab unit, or a word such as `years`).
    pub unit: QuantityUnit,
}

/// The unit of a [`Quantity`]: a lab unit, or what a count or ratio of the evidence is in.
/// Displayed and serialised as its text (`mg/g`, `years`).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::evaluation::{Quantity, QuantityUnit};
/// use amimestrocel_dkd::lab::Unit;
/// let q = Quantity { value: 1200.0, unit: Unit::MilligramPerGram.into() };
/// assert_eq!(serde_json::to_string(&q)?, r#"{"value":1200.0,"unit":"mg/g"}"#);
/// assert_eq!(QuantityUnit::Years.to_string(), "years");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuantityUnit {
    /// A lab unit (canonical spelling).
    Lab(Unit),
    /// `years` (an age).
    Years,
    /// `days in look-back` (an exposure).
    DaysInLookBack,
    /// `days of treatment` (the length of a course).
    DaysOfTreatment,
    /// `lab units` (a viral load, in the unit of the lab that measured it).
    LabUnits,
    /// `× upper limit of normal`.
    TimesUpperLimitOfNormal,
}

impl QuantityUnit {
    /// The text.
    pub fn as_str(self) -> &'static str {
        match self {
            QuantityUnit::Lab(u) => u.as_str(),
            QuantityUnit::Years => "years",
            QuantityUnit::DaysInLookBack => "days in look-back",
            QuantityUnit::DaysOfTreatment => "days of treatment",
            QuantityUnit::LabUnits => "lab units",
            QuantityUnit::TimesUpperLimitOfNormal => "× upper limit of normal",
        }
    }
}

impl From<Unit> for QuantityUnit {
    fn from(u: Unit) -> Self {
        QuantityUnit::Lab(u)
    }
}

impl std::fmt::Display for QuantityUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for QuantityUnit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl PartialEq<&str> for QuantityUnit {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The evidence list of a criterion: most criteria use one or two items, kept inline.
pub type EvidenceList = smallvec::SmallVec<[Evidence; 2]>;

/// One piece of evidence a criterion used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evidence {
    /// The field path in the record (`labs.uacr[2]`, `conditions[0]`).
    pub field: Field,
    /// Its date, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The value as entered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entered: Option<Quantity>,
    /// The value converted to the unit of the threshold (or computed, such as an eGFR).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted: Option<Quantity>,
}

/// Which side of a threshold passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// value ≥ threshold
    AtLeast,
    /// value > threshold
    Above,
    /// value ≤ threshold
    AtMost,
    /// value < threshold
    Below,
}

/// A typed threshold: a bound, a number and its unit.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::evaluation::{Bound, Threshold};
/// use amimestrocel_dkd::lab::{AnalyteKind, Measurement, Unit};
/// let t = Threshold::new(Bound::Above, 1000.0, Unit::MilligramPerGram);
/// let on_it = Measurement::new(AnalyteKind::Uacr, 113.12, "mg/mmol").unwrap(); // = 1000 mg/g
/// assert!(!t.passes(&on_it).unwrap());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Which side passes.
    pub bound: Bound,
    /// The number.
    pub value: f64,
    /// Its unit.
    pub unit: Unit,
}

impl Threshold {
    /// A threshold.
    pub const fn new(bound: Bound, value: f64, unit: Unit) -> Self {
        Threshold { bound, value, unit }
    }

    /// Whether `x`, in the threshold's unit, passes. Values within a relative 1e-9 of the
    /// threshold count as on it, so that a value entered in another unit that converts to the
    /// threshold is treated as equal to it rather than an ulp to either side.
    pub fn passes_value(&self, x: f64) -> bool {
        let on = (x - self.value).abs() <= 1e-9 * self.value.abs().max(1.0);
        match self.bound {
            Bound::AtLeast => on || x > self.value,
            Bound::Above => !on && x > self.value,
            Bound::AtMost => on || x < self.value,
            Bound::Below => !on && x < self.value,
        }
    }

    /// Whether a measurement passes, compared in the threshold's unit.
    ///
    /// # Errors
    /// [`LabError::UnitNotForAnalyte`] if the threshold's unit does not fit the measurement.
    pub fn passes(&self, m: &Measurement) -> Result<bool, LabError> {
        Ok(self.passes_value(m.in_unit(self.unit)?))
    }

    /// Checks that the unit fits `analyte`.
    pub(crate) fn fits(&self, analyte: AnalyteKind) -> bool {
        analyte.units().contains(&self.unit)
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.bound {
            Bound::AtLeast => "≥",
            Bound::Above => ">",
            Bound::AtMost => "≤",
            Bound::Below => "<",
        };
        write!(f, "{op} {} {}", self.value, self.unit)
    }
}
