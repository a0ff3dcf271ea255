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
//! use amimestrocel_dkd::lab::{AlbuminCreatinineRatio, Unit};
//! let t = Threshold::<AlbuminCreatinineRatio>::new(Bound::Above, 1000.0, Unit::MilligramPerGram)?;
//! let outcome = if t.passes_value(1200.0) { Outcome::Met } else { Outcome::NotMet };
//! assert_eq!((outcome.as_str(), t.to_string()), ("met", "> 1000 mg/g".to_owned()));
//! # Ok::<(), amimestrocel_dkd::lab::LabError>(())
//! ```

pub mod text;

pub use text::{Arg, Detail, Field, Reason};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::lab::{Analyte, LabError, LabValue, Unit, UnitFor};

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
    /// Every outcome, in declaration order (the order of the bindings' category codes).
    pub const ALL: [Outcome; 3] = [Outcome::Met, Outcome::NotMet, Outcome::Unknown];

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

/// A threshold on analyte `A`: a bound, a number and a unit that fits `A`, so that comparing a
/// value of `A` with it cannot fail ([`Threshold::compare`]).
///
/// Reads and writes `{"bound": "above", "value": 1000, "unit": "mg/g"}`; reading refuses a
/// unit that does not fit `A`, and a number that is not finite or is negative.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::evaluation::{Bound, Threshold};
/// use amimestrocel_dkd::lab::{AlbuminCreatinineRatio, Unit, Uacr};
/// let t = Threshold::<AlbuminCreatinineRatio>::new(Bound::Above, 1000.0, Unit::MilligramPerGram)?;
/// let on_it = Uacr::new(113.12, "mg/mmol")?; // = 1000 mg/g
/// let (in_mg_g, passes) = t.compare(&on_it);
/// assert!((in_mg_g - 1000.0).abs() < 0.01 && !passes);
/// assert_eq!(t.to_string(), "> 1000 mg/g");
/// # Ok::<(), amimestrocel_dkd::lab::LabError>(())
/// ```
pub struct Threshold<A: Analyte> {
    bound: Bound,
    value: f64,
    unit: UnitFor<A>,
}

impl<A: Analyte> Threshold<A> {
    /// A threshold of `value` in `unit`.
    ///
    /// # Errors
    /// [`LabError::UnitNotForAnalyte`], [`LabError::NotFinite`] or [`LabError::Negative`].
    pub fn new(bound: Bound, value: f64, unit: Unit) -> Result<Self, LabError> {
        let unit = UnitFor::new(unit)?;
        if !value.is_finite() {
            return Err(LabError::NotFinite { analyte: A::KIND });
        }
        if value < 0.0 {
            return Err(LabError::Negative { analyte: A::KIND });
        }
        Ok(Threshold { bound, value, unit })
    }

    /// A threshold for a constant (the protocol's defaults): evaluated as a constant, a unit
    /// that does not fit or a number that is not finite and non-negative does not compile.
    pub const fn must(bound: Bound, value: f64, unit: Unit) -> Self {
        assert!(value.is_finite() && value >= 0.0, "a threshold is a finite, non-negative number");
        Threshold { bound, value, unit: UnitFor::must(unit) }
    }

    /// Which side passes.
    pub fn bound(&self) -> Bound {
        self.bound
    }
    /// The number, in [`Threshold::unit`].
    pub fn value(&self) -> f64 {
        self.value
    }
    /// The unit of the number.
    pub fn unit(&self) -> Unit {
        self.unit.unit()
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

    /// A value of `A` in the threshold's unit, and whether it passes.
    pub fn compare(&self, v: &LabValue<A>) -> (f64, bool) {
        let x = v.in_unit_for(self.unit);
        (x, self.passes_value(x))
    }
}

impl<A: Analyte> Clone for Threshold<A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A: Analyte> Copy for Threshold<A> {}
impl<A: Analyte> PartialEq for Threshold<A> {
    fn eq(&self, other: &Self) -> bool {
        (self.bound, self.value, self.unit) == (other.bound, other.value, other.unit)
    }
}
impl<A: Analyte> fmt::Debug for Threshold<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Threshold<{}>({self})", A::KIND.slug())
    }
}

/// `≥ 3.5 g/24h`: how a threshold reads in reasons, listings and errors.
pub(crate) fn write_threshold(f: &mut fmt::Formatter<'_>, bound: Bound, value: f64, unit: Unit) -> fmt::Result {
    let op = match bound {
        Bound::AtLeast => "≥",
        Bound::Above => ">",
        Bound::AtMost => "≤",
        Bound::Below => "<",
    };
    write!(f, "{op} {value} {unit}")
}

impl<A: Analyte> fmt::Display for Threshold<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_threshold(f, self.bound, self.value, self.unit())
    }
}

/// The form a threshold is read from and written as.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ThresholdWire {
    pub(crate) bound: Bound,
    pub(crate) value: f64,
    pub(crate) unit: Unit,
}

impl fmt::Display for ThresholdWire {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_threshold(f, self.bound, self.value, self.unit)
    }
}

impl<A: Analyte> Serialize for Threshold<A> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ThresholdWire { bound: self.bound, value: self.value, unit: self.unit() }.serialize(serializer)
    }
}

impl<'de, A: Analyte> Deserialize<'de> for Threshold<A> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let w = ThresholdWire::deserialize(deserializer)?;
        Threshold::new(w.bound, w.value, w.unit).map_err(serde::de::Error::custom)
    }
}
