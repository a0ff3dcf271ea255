//! Unit-safe lab values.
//!
//! A lab value is a number with the unit it was entered in, checked once where it enters:
//! the unit must fit the analyte, the number must be finite, non-negative and within the
//! analyte's plausibility [`Bounds`]. After that the value is a typed [`LabValue`]: a serum
//! creatinine cannot be passed where a cystatin C is expected, and its quantity is a uom
//! [`MolarConcentration`], so a pressure does not compile in
//! its place.
//!
//! Values serialise as `{"value": 1.3, "unit": "mg/dL"}`, with the number and unit as entered,
//! so a round trip is exact.
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::lab::{SerumCreatinine, Unit};
//! let scr = SerumCreatinine::new(1.3, "mg/dL")?;
//! assert!((scr.in_unit(Unit::MicromolePerLiter)? - 114.92).abs() < 0.01);
//! let json = serde_json::to_string(&scr).unwrap();
//! assert_eq!(json, r#"{"value":1.3,"unit":"mg/dL"}"#);
//! # Ok::<(), amimestrocel_dkd::lab::LabError>(())
//! ```

mod analyte;
pub mod chemistry;
mod uacr;
mod unit;
mod unit_text;

pub(crate) use analyte::ValueProblem;
pub use analyte::{units, AnalyteInfo, AnalyteKind, Bounds};
pub use unit::Unit;
pub use unit_text::UnitText;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;
use thiserror::Error;
use uom::si::f64::{MassConcentration, MassRate, MolarConcentration, Pressure, Ratio, VolumeRate};

/// Why a lab value was refused. Messages name the analyte and units, never the value.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LabError {
    /// The unit text names no unit this library knows.
    #[error("unknown unit `{unit}`{}", for_analyte(*.analyte))]
    UnknownUnit {
        /// The text as given.
        unit: String,
        /// The analyte the value was for, when known.
        analyte: Option<AnalyteKind>,
    },
    /// The unit is known but does not fit this analyte.
    #[error("unit `{unit}` does not fit {analyte} (accepted: {accepted})")]
    UnitNotForAnalyte {
        /// The analyte.
        analyte: AnalyteKind,
        /// The unit given.
        unit: Unit,
        /// The accepted units, comma-separated.
        accepted: String,
    },
    /// Text that is not a `{"value": …, "unit": "…"}` object.
    #[error("invalid lab value JSON: {reason}")]
    InvalidJson {
        /// What the JSON reader says (position and expectation, never the input).
        reason: String,
    },
    /// The analyte slug names no analyte.
    #[error("unknown analyte `{name}`")]
    UnknownAnalyte {
        /// The slug as given.
        name: String,
    },
    /// NaN or an infinity.
    #[error("{analyte} is not a finite number")]
    NotFinite {
        /// The analyte.
        analyte: AnalyteKind,
    },
    /// A negative value.
    #[error("{analyte} is negative")]
    Negative {
        /// The analyte.
        analyte: AnalyteKind,
    },
    /// A value of one analyte given where another is expected.
    #[error("a {found} value was given where {expected} is expected")]
    WrongAnalyte {
        /// The analyte expected.
        expected: AnalyteKind,
        /// The analyte given.
        found: AnalyteKind,
    },
    /// Outside the analyte's plausibility bounds.
    #[error("{analyte} is outside the plausible range {min}–{max} {unit}")]
    OutOfBounds {
        /// The analyte.
        analyte: AnalyteKind,
        /// Lower bound, inclusive, in `unit`.
        min: f64,
        /// Upper bound, inclusive, in `unit`.
        max: f64,
        /// The canonical unit the bounds are stated in.
        unit: Unit,
    },
}

/// ` for serum creatinine (accepted: µmol/L, mg/dL, …)`, or nothing without an analyte.
fn for_analyte(analyte: Option<AnalyteKind>) -> String {
    analyte.map_or_else(String::new, |a| format!(" for {a} (accepted: {})", accepted(a)))
}

/// The accepted units of an analyte, comma-separated, canonical first.
pub(crate) fn accepted(analyte: AnalyteKind) -> String {
    analyte.units().iter().map(|u| u.as_str()).collect::<Vec<_>>().join(", ")
}

impl LabError {
    /// The same error, naming the analyte the unit was for (an [`LabError::UnknownUnit`]
    /// from [`Unit::parse`] does not know it).
    pub fn for_analyte(self, analyte: AnalyteKind) -> LabError {
        match self {
            LabError::UnknownUnit { unit, analyte: None } => LabError::UnknownUnit { unit, analyte: Some(analyte) },
            other => other,
        }
    }

    /// The stable snake_case kind of this error, the same in every language.
    pub fn kind(&self) -> &'static str {
        match self {
            LabError::UnknownUnit { .. } => "unknown_unit",
            LabError::UnitNotForAnalyte { .. } => "unit_not_for_analyte",
            LabError::UnknownAnalyte { .. } => "unknown_analyte",
            LabError::InvalidJson { .. } => "invalid_json",
            LabError::NotFinite { .. } => "not_finite",
            LabError::Negative { .. } => "negative",
            LabError::WrongAnalyte { .. } => "wrong_analyte",
            LabError::OutOfBounds { .. } => "out_of_bounds",
        }
    }

    /// Every kind, as [`LabError::kind`] gives them.
    pub const KINDS: &'static [&'static str] = &[
        "unknown_unit",
        "unit_not_for_analyte",
        "unknown_analyte",
        "invalid_json",
        "not_finite",
        "negative",
        "wrong_analyte",
        "out_of_bounds",
    ];
}

/// A checked value of some analyte, known only at run time: what bindings and records hold.
///
/// It keeps what was entered, the number and its unit (checked to fit the analyte), and
/// nothing derived: the value in the canonical unit and as a uom quantity are computed when
/// asked (ADR 0015: a value stored as uom's SI number would not give back the number entered
/// for 3–14 % of values, and a value on a threshold must compare as entered).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::lab::{AnalyteKind, Measurement, Unit};
/// let m = Measurement::new(AnalyteKind::Hba1c, 7.0, "%")?;
/// assert!((m.in_unit(Unit::MillimolePerMole)? - 52.99).abs() < 0.01);
/// # Ok::<(), amimestrocel_dkd::lab::LabError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    analyte: AnalyteKind,
    value: f64,
    unit: Unit,
}

impl Measurement {
    /// Checks `value` in the unit spelled `unit` for `analyte`.
    ///
    /// # Errors
    /// Any [`LabError`] but `UnknownAnalyte`.
    pub fn new(analyte: AnalyteKind, value: f64, unit: &str) -> Result<Self, LabError> {
        Self::with_unit(analyte, value, Unit::parse(unit).map_err(|e| e.for_analyte(analyte))?)
    }

    /// Checks `value` in the unit of an entered [`UnitText`] (as a record holds it), without
    /// parsing its text again.
    ///
    /// # Errors
    /// As [`Measurement::new`].
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::lab::{AnalyteKind, Measurement, Unit, UnitText};
    /// let m = Measurement::entered(AnalyteKind::SerumCreatinine, 97.0, &UnitText::from("umol/L"))?;
    /// assert_eq!(m.unit(), Unit::MicromolePerLiter);
    /// # Ok::<(), amimestrocel_dkd::lab::LabError>(())
    /// ```
    pub fn entered(analyte: AnalyteKind, value: f64, unit: &UnitText) -> Result<Self, LabError> {
        Self::with_unit(analyte, value, unit.parse().map_err(|e| e.for_analyte(analyte))?)
    }

    /// Checks `value` in `unit` for `analyte`.
    ///
    /// # Errors
    /// As [`Measurement::new`], less `UnknownUnit`.
    pub fn with_unit(analyte: AnalyteKind, value: f64, unit: Unit) -> Result<Self, LabError> {
        analyte.validate(value, unit)?;
        Ok(Measurement { analyte, value, unit })
    }

    /// The analyte.
    pub fn analyte(&self) -> AnalyteKind {
        self.analyte
    }
    /// The number as entered.
    pub fn value(&self) -> f64 {
        self.value
    }
    /// The unit as entered.
    pub fn unit(&self) -> Unit {
        self.unit
    }
    /// The value in the analyte's canonical unit, computed as [`AnalyteKind::validate`]
    /// computed it when the value was checked.
    pub fn canonical(&self) -> f64 {
        self.analyte.canonical_of(self.value, self.unit)
    }

    /// The value expressed in `unit`.
    ///
    /// # Errors
    /// [`LabError::UnitNotForAnalyte`] if `unit` does not fit the analyte.
    pub fn in_unit(&self, unit: Unit) -> Result<f64, LabError> {
        // The unit it was made in fits its analyte (checked when made): the number as entered.
        if unit == self.unit {
            return Ok(self.value);
        }
        self.analyte.convert(self.value, self.unit, unit)
    }

    /// The same value, re-expressed (and stored) in `unit`.
    ///
    /// # Errors
    /// As [`Measurement::in_unit`].
    pub fn converted(&self, unit: Unit) -> Result<Measurement, LabError> {
        let value = self.in_unit(unit)?;
        Ok(Measurement { analyte: self.analyte, value, unit })
    }
}

/// A unit that fits analyte `A`, checked once: converting a value of `A` into it cannot fail
/// ([`LabValue::in_unit_for`]).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::lab::{Creatinine, SerumCreatinine, Unit, UnitFor};
/// const MG_DL: UnitFor<Creatinine> = UnitFor::must(Unit::MilligramPerDeciliter);
/// let scr = SerumCreatinine::new(97.0, "µmol/L")?;
/// assert!((scr.in_unit_for(MG_DL) - 1.097).abs() < 1e-3);
/// assert!(UnitFor::<Creatinine>::new(Unit::MillimeterOfMercury).is_err());
/// # Ok::<(), amimestrocel_dkd::lab::LabError>(())
/// ```
pub struct UnitFor<A: Analyte> {
    unit: Unit,
    _analyte: PhantomData<A>,
}

impl<A: Analyte> UnitFor<A> {
    /// `unit`, if it fits `A`.
    ///
    /// # Errors
    /// [`LabError::UnitNotForAnalyte`].
    pub fn new(unit: Unit) -> Result<Self, LabError> {
        A::KIND.check_unit(unit)?;
        Ok(UnitFor { unit, _analyte: PhantomData })
    }

    /// `unit`, for a constant: a unit that does not fit `A` is a compile error where this is
    /// evaluated as a constant (`const X: UnitFor<A> = UnitFor::must(…)`), which is the only
    /// way this crate calls it.
    pub const fn must(unit: Unit) -> Self {
        assert!(A::KIND.fits(unit), "the unit does not fit the analyte");
        UnitFor { unit, _analyte: PhantomData }
    }

    /// The unit.
    pub const fn unit(self) -> Unit {
        self.unit
    }
}

impl<A: Analyte> Clone for UnitFor<A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A: Analyte> Copy for UnitFor<A> {}
impl<A: Analyte> PartialEq for UnitFor<A> {
    fn eq(&self, other: &Self) -> bool {
        self.unit == other.unit
    }
}
impl<A: Analyte> fmt::Debug for UnitFor<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnitFor<{}>({})", A::KIND.slug(), self.unit)
    }
}
impl<A: Analyte> fmt::Display for UnitFor<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.unit, f)
    }
}

/// Marker types, one per analyte, that make [`LabValue`] typed.
pub trait Analyte: Copy + fmt::Debug + PartialEq + 'static {
    /// The runtime description of this analyte.
    const KIND: AnalyteKind;
    /// The uom quantity this analyte is measured as.
    type Quantity;
    /// The quantity from the value in the canonical unit.
    fn quantity(canonical: f64) -> Self::Quantity;
    /// The value in the canonical unit from a quantity.
    fn canonical(quantity: Self::Quantity) -> f64;
}

/// A checked value of analyte `A`.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::lab::{Potassium, LabError};
/// let k = Potassium::new(4.2, "mEq/L")?;
/// assert_eq!(k.canonical(), 4.2);
/// assert!(matches!(Potassium::new(f64::NAN, "mmol/L"), Err(LabError::NotFinite { .. })));
/// # Ok::<(), LabError>(())
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct LabValue<A: Analyte> {
    inner: Measurement,
    _analyte: PhantomData<A>,
}

impl<A: Analyte> fmt::Debug for LabValue<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LabValue")
            .field("analyte", &A::KIND)
            .field("value", &self.inner.value)
            .field("unit", &self.inner.unit)
            .finish()
    }
}

impl<A: Analyte> LabValue<A> {
    /// Checks `value` in the unit spelled `unit`.
    ///
    /// # Errors
    /// [`LabError::UnknownUnit`], [`LabError::UnitNotForAnalyte`], [`LabError::NotFinite`],
    /// [`LabError::Negative`] or [`LabError::OutOfBounds`].
    pub fn new(value: f64, unit: &str) -> Result<Self, LabError> {
        Measurement::new(A::KIND, value, unit).map(Self::wrap)
    }

    /// Checks `value` in `unit`.
    ///
    /// # Errors
    /// As [`LabValue::new`], less `UnknownUnit`.
    pub fn with_unit(value: f64, unit: Unit) -> Result<Self, LabError> {
        Measurement::with_unit(A::KIND, value, unit).map(Self::wrap)
    }

    /// Checks `value` in the unit of an entered [`UnitText`] (as a record holds it).
    ///
    /// # Errors
    /// As [`LabValue::new`].
    pub fn entered(value: f64, unit: &UnitText) -> Result<Self, LabError> {
        Measurement::entered(A::KIND, value, unit).map(Self::wrap)
    }

    /// From a uom quantity of the right kind; stored in the canonical unit.
    ///
    /// # Errors
    /// [`LabError::NotFinite`], [`LabError::Negative`] or [`LabError::OutOfBounds`].
    pub fn from_quantity(quantity: A::Quantity) -> Result<Self, LabError> {
        Self::with_unit(A::canonical(quantity), A::KIND.canonical_unit())
    }

    /// Types a runtime measurement.
    ///
    /// # Errors
    /// [`LabError::WrongAnalyte`] if it is a measurement of another analyte.
    pub fn try_from_measurement(m: Measurement) -> Result<Self, LabError> {
        if m.analyte == A::KIND {
            Ok(Self::wrap(m))
        } else {
            Err(LabError::WrongAnalyte { expected: A::KIND, found: m.analyte })
        }
    }

    fn wrap(inner: Measurement) -> Self {
        LabValue { inner, _analyte: PhantomData }
    }

    /// The number as entered.
    pub fn value(&self) -> f64 {
        self.inner.value
    }
    /// The unit as entered.
    pub fn unit(&self) -> Unit {
        self.inner.unit
    }
    /// The value in the canonical unit ([`AnalyteKind::canonical_unit`]).
    pub fn canonical(&self) -> f64 {
        self.inner.canonical()
    }
    /// The value as a uom quantity.
    pub fn quantity(&self) -> A::Quantity {
        A::quantity(self.inner.canonical())
    }
    /// The untyped measurement.
    pub fn measurement(&self) -> Measurement {
        self.inner
    }

    /// The value expressed in `unit`.
    ///
    /// # Errors
    /// [`LabError::UnitNotForAnalyte`] if `unit` does not fit this analyte.
    pub fn in_unit(&self, unit: Unit) -> Result<f64, LabError> {
        self.inner.in_unit(unit)
    }

    /// The value expressed in a unit known to fit (no error possible).
    pub fn in_unit_for(&self, unit: UnitFor<A>) -> f64 {
        A::KIND.convert_fitting(self.inner.value, self.inner.unit, unit.unit)
    }

    /// The same value, re-expressed in `unit`.
    ///
    /// # Errors
    /// As [`LabValue::in_unit`].
    pub fn converted(&self, unit: Unit) -> Result<Self, LabError> {
        self.inner.converted(unit).map(Self::wrap)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    value: f64,
    unit: String,
}

impl<A: Analyte> Serialize for LabValue<A> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.inner.wire().serialize(serializer)
    }
}

impl<'de, A: Analyte> Deserialize<'de> for LabValue<A> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        LabValue::new(wire.value, &wire.unit).map_err(serde::de::Error::custom)
    }
}

impl Measurement {
    fn wire(&self) -> Wire {
        Wire { value: self.value, unit: self.unit.as_str().to_owned() }
    }
}

impl Measurement {
    /// Reads `{"value": …, "unit": "…"}` (the form [`Measurement`] and [`LabValue`] serialise
    /// to) as a value of `analyte`.
    ///
    /// # Errors
    /// [`LabError::InvalidJson`] for text that is not that object; otherwise as
    /// [`Measurement::new`].
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::lab::{AnalyteKind, Measurement};
    /// let m = Measurement::from_json(AnalyteKind::Uacr, r#"{"value": 30, "unit": "mg/g"}"#)?;
    /// assert_eq!(m.value(), 30.0);
    /// # Ok::<(), amimestrocel_dkd::lab::LabError>(())
    /// ```
    pub fn from_json(analyte: AnalyteKind, text: &str) -> Result<Measurement, LabError> {
        let wire: Wire =
            serde_json::from_str(text).map_err(|e| LabError::InvalidJson { reason: crate::json::describe_at(&e) })?;
        Measurement::new(analyte, wire.value, &wire.unit)
    }
}

impl Serialize for Measurement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.wire().serialize(serializer)
    }
}

macro_rules! analyte {
    ($(#[$doc:meta])* $marker:ident, $alias:ident, $kind:ident, $q:ty, $unit:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $marker;
        impl Analyte for $marker {
            const KIND: AnalyteKind = AnalyteKind::$kind;
            type Quantity = $q;
            fn quantity(canonical: f64) -> $q {
                <$q>::new::<$unit>(canonical)
            }
            fn canonical(quantity: $q) -> f64 {
                quantity.get::<$unit>()
            }
        }
        $(#[$doc])*
        pub type $alias = LabValue<$marker>;
    };
}

use units::milliliter_per_minute;
use uom::si::mass_concentration::milligram_per_liter;
use uom::si::mass_rate::gram_per_day;
use uom::si::molar_concentration::{micromole_per_liter, millimole_per_liter};
use uom::si::pressure::millimeter_of_mercury;
use uom::si::ratio::part_per_thousand;

analyte!(/// Serum creatinine, a molar concentration.
    Creatinine, SerumCreatinine, SerumCreatinine, MolarConcentration, micromole_per_liter);
analyte!(/// Serum cystatin C, a mass concentration.
    CystatinCMarker, CystatinC, CystatinC, MassConcentration, milligram_per_liter);
analyte!(/// Protein excreted in 24 hours, a mass rate.
    UrineProtein, UrineProtein24h, UrineProtein24h, MassRate, gram_per_day);
analyte!(/// Urine albumin-to-creatinine ratio, a dimensionless mass ratio.
    AlbuminCreatinineRatio, Uacr, Uacr, Ratio, part_per_thousand);
analyte!(/// HbA1c in IFCC units, a dimensionless molar ratio.
    GlycatedHaemoglobin, Hba1c, Hba1c, Ratio, part_per_thousand);
analyte!(/// Fasting plasma glucose, a molar concentration.
    Glucose, FastingGlucose, FastingGlucose, MolarConcentration, millimole_per_liter);
analyte!(/// Serum triglycerides, a molar concentration.
    Triglyceride, Triglycerides, Triglycerides, MolarConcentration, millimole_per_liter);
analyte!(/// LDL cholesterol, a molar concentration.
    LdlC, LdlCholesterol, LdlCholesterol, MolarConcentration, millimole_per_liter);
analyte!(/// HDL cholesterol, a molar concentration.
    HdlC, HdlCholesterol, HdlCholesterol, MolarConcentration, millimole_per_liter);
analyte!(/// Total cholesterol, a molar concentration.
    TotalC, TotalCholesterol, TotalCholesterol, MolarConcentration, millimole_per_liter);
analyte!(/// Serum potassium, a molar concentration.
    PotassiumIon, Potassium, Potassium, MolarConcentration, millimole_per_liter);
analyte!(/// Systolic blood pressure.
    Systolic, SystolicBp, SystolicBp, Pressure, millimeter_of_mercury);
analyte!(/// Diastolic blood pressure.
    Diastolic, DiastolicBp, DiastolicBp, Pressure, millimeter_of_mercury);
analyte!(/// GFR per 1.73 m² body-surface area: the volume rate is that of a standard-sized adult.
    EgfrPer173, Egfr, Egfr, VolumeRate, milliliter_per_minute);
analyte!(/// Creatinine clearance of this body, not normalised to body-surface area.
    Clearance, CreatinineClearance, CreatinineClearance, VolumeRate, milliliter_per_minute);
analyte!(/// Albumin in a spot urine sample, a mass concentration.
    Albumin, UrineAlbumin, UrineAlbumin, MassConcentration, milligram_per_liter);
analyte!(/// Creatinine in a spot urine sample, a molar concentration.
    UrineCreatinineMarker, UrineCreatinine, UrineCreatinine, MolarConcentration, millimole_per_liter);

#[cfg(test)]
mod tests;
