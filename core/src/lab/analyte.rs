//! The analytes of the protocol: which units each accepts, how they convert, and the
//! plausibility bounds outside which a value is refused.

use serde::{Deserialize, Serialize};
use std::fmt;

use uom::si::f64::{MassConcentration, MassRate, MolarConcentration, Pressure, Ratio, VolumeRate};
use uom::si::mass_concentration::{gram_per_liter, milligram_per_deciliter, milligram_per_liter};
use uom::si::mass_rate::gram_per_day;
use uom::si::molar_concentration::{micromole_per_liter, millimole_per_liter};
use uom::si::molar_mass::gram_per_mole;
use uom::si::pressure::{kilopascal, millimeter_of_mercury};
use uom::si::ratio::part_per_thousand;
use uom::si::volume_rate::milliliter_per_second;

use super::chemistry::{self, molar_mass};
use super::{LabError, Unit};

/// Units for clearances that uom does not define.
pub mod units {
    unit! {
        system: uom::si;
        quantity: uom::si::volume_rate;
        /// mL/min
        @milliliter_per_minute: 1.0_E-6 / 6.0_E1; "mL/min", "milliliter per minute", "milliliters per minute";
    }
}
use units::milliliter_per_minute;

/// Hard plausibility bounds, inclusive, in the analyte's canonical unit.
///
/// These are not reference ranges: they are limits wider than any value reported in humans
/// (including case reports of extreme values), chosen by this project so that a value outside
/// them is a data-entry or unit error. Each set is argued in docs/interpretation.md,
/// "Plausibility bounds".
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bounds {
    /// Smallest accepted value, inclusive.
    pub min: f64,
    /// Largest accepted value, inclusive.
    pub max: f64,
}

/// What the library knows of one analyte, as every binding lists it: slug, label, units and
/// plausibility bounds ([`AnalyteKind::info`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalyteInfo {
    /// The analyte.
    pub analyte: AnalyteKind,
    /// Its stable slug.
    pub slug: String,
    /// A human-readable name, as used in error messages.
    pub label: String,
    /// The unit values are held in and bounds are stated in.
    pub canonical_unit: String,
    /// Every accepted unit, canonical first, in canonical spelling.
    pub units: Vec<String>,
    /// Smallest plausible value, inclusive, in `canonical_unit`.
    pub min: f64,
    /// Largest plausible value, inclusive, in `canonical_unit`.
    pub max: f64,
}

/// What is wrong with a value, without the analyte: the column-wise form of [`LabError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueProblem {
    NotFinite,
    Negative,
    OutOfBounds,
}

/// One analyte (or vital sign, or derived rate) of the protocol.
///
/// The stable slug ([`AnalyteKind::slug`]) names it in JSON, errors and every binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalyteKind {
    /// Serum creatinine (canonical µmol/L).
    SerumCreatinine,
    /// Serum cystatin C (canonical mg/L).
    CystatinC,
    /// 24-hour urine protein (canonical g/24h).
    #[serde(rename = "urine_protein_24h")]
    UrineProtein24h,
    /// Urine albumin-to-creatinine ratio (canonical mg/g).
    Uacr,
    /// Glycated haemoglobin (canonical mmol/mol IFCC).
    Hba1c,
    /// Fasting plasma glucose (canonical mmol/L).
    FastingGlucose,
    /// Serum triglycerides (canonical mmol/L).
    Triglycerides,
    /// LDL cholesterol (canonical mmol/L).
    LdlCholesterol,
    /// HDL cholesterol (canonical mmol/L).
    HdlCholesterol,
    /// Total cholesterol (canonical mmol/L).
    TotalCholesterol,
    /// Serum potassium (canonical mmol/L).
    Potassium,
    /// Systolic blood pressure (canonical mmHg).
    SystolicBp,
    /// Diastolic blood pressure (canonical mmHg).
    DiastolicBp,
    /// Estimated GFR normalised to 1.73 m² body-surface area (canonical mL/min/1.73m²).
    Egfr,
    /// Creatinine clearance, not normalised (canonical mL/min); Cockcroft–Gault's result.
    CreatinineClearance,
    /// Albumin in a spot urine sample (canonical mg/L); with urine creatinine, gives the UACR.
    UrineAlbumin,
    /// Creatinine in a spot urine sample (canonical mmol/L); with urine albumin, gives the UACR.
    UrineCreatinine,
}

use AnalyteKind as K;
use Unit as U;

impl AnalyteKind {
    /// Every analyte, in declaration order.
    pub const ALL: [AnalyteKind; 17] = [
        K::SerumCreatinine,
        K::CystatinC,
        K::UrineProtein24h,
        K::Uacr,
        K::Hba1c,
        K::FastingGlucose,
        K::Triglycerides,
        K::LdlCholesterol,
        K::HdlCholesterol,
        K::TotalCholesterol,
        K::Potassium,
        K::SystolicBp,
        K::DiastolicBp,
        K::Egfr,
        K::CreatinineClearance,
        K::UrineAlbumin,
        K::UrineCreatinine,
    ];

    /// The stable snake_case slug, as in JSON and every binding.
    pub fn slug(self) -> &'static str {
        match self {
            K::SerumCreatinine => "serum_creatinine",
            K::CystatinC => "cystatin_c",
            K::UrineProtein24h => "urine_protein_24h",
            K::Uacr => "uacr",
            K::Hba1c => "hba1c",
            K::FastingGlucose => "fasting_glucose",
            K::Triglycerides => "triglycerides",
            K::LdlCholesterol => "ldl_cholesterol",
            K::HdlCholesterol => "hdl_cholesterol",
            K::TotalCholesterol => "total_cholesterol",
            K::Potassium => "potassium",
            K::SystolicBp => "systolic_bp",
            K::DiastolicBp => "diastolic_bp",
            K::Egfr => "egfr",
            K::CreatinineClearance => "creatinine_clearance",
            K::UrineAlbumin => "urine_albumin",
            K::UrineCreatinine => "urine_creatinine",
        }
    }

    /// Parses a slug.
    ///
    /// # Errors
    /// [`LabError::UnknownAnalyte`] for a slug that names no analyte.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::lab::AnalyteKind;
    /// assert_eq!(AnalyteKind::from_slug("uacr").unwrap(), AnalyteKind::Uacr);
    /// ```
    pub fn from_slug(slug: &str) -> Result<AnalyteKind, LabError> {
        Self::ALL
            .into_iter()
            .find(|k| k.slug() == slug)
            .ok_or_else(|| LabError::UnknownAnalyte { name: slug.to_owned() })
    }

    /// A human-readable name, used in error messages.
    pub fn label(self) -> &'static str {
        match self {
            K::SerumCreatinine => "serum creatinine",
            K::CystatinC => "cystatin C",
            K::UrineProtein24h => "24-hour urine protein",
            K::Uacr => "urine albumin-to-creatinine ratio",
            K::Hba1c => "HbA1c",
            K::FastingGlucose => "fasting glucose",
            K::Triglycerides => "triglycerides",
            K::LdlCholesterol => "LDL cholesterol",
            K::HdlCholesterol => "HDL cholesterol",
            K::TotalCholesterol => "total cholesterol",
            K::Potassium => "potassium",
            K::SystolicBp => "systolic blood pressure",
            K::DiastolicBp => "diastolic blood pressure",
            K::Egfr => "eGFR",
            K::CreatinineClearance => "creatinine clearance",
            K::UrineAlbumin => "urine albumin",
            K::UrineCreatinine => "urine creatinine",
        }
    }

    /// Slug, label, units and bounds, as data.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::lab::AnalyteKind;
    /// let k = AnalyteKind::Potassium.info();
    /// assert_eq!((k.units, k.min, k.max), (vec!["mmol/L".to_owned(), "mEq/L".to_owned()], 1.0, 15.0));
    /// ```
    pub fn info(self) -> AnalyteInfo {
        AnalyteInfo {
            analyte: self,
            slug: self.slug().to_owned(),
            label: self.label().to_owned(),
            canonical_unit: self.canonical_unit().as_str().to_owned(),
            units: self.units().iter().map(|u| u.as_str().to_owned()).collect(),
            min: self.bounds().min,
            max: self.bounds().max,
        }
    }

    /// The unit values are held in, and bounds are stated in.
    pub fn canonical_unit(self) -> Unit {
        self.units()[0]
    }

    /// The units this analyte accepts; the first is canonical.
    pub const fn units(self) -> &'static [Unit] {
        match self {
            K::SerumCreatinine => {
                &[U::MicromolePerLiter, U::MilligramPerDeciliter, U::MillimolePerLiter, U::MilligramPerLiter]
            }
            K::CystatinC => &[U::MilligramPerLiter],
            K::UrineProtein24h => &[U::GramPer24Hours, U::MilligramPer24Hours],
            K::Uacr => &[U::MilligramPerGram, U::MilligramPerMillimole],
            K::Hba1c => &[U::MillimolePerMole, U::Percent],
            K::FastingGlucose | K::Triglycerides | K::LdlCholesterol | K::HdlCholesterol | K::TotalCholesterol => {
                &[U::MillimolePerLiter, U::MilligramPerDeciliter]
            }
            K::Potassium => &[U::MillimolePerLiter, U::MilliequivalentPerLiter],
            K::SystolicBp | K::DiastolicBp => &[U::MillimeterOfMercury, U::Kilopascal],
            K::Egfr => &[U::MilliliterPerMinutePer173SquareMeter, U::MilliliterPerSecondPer173SquareMeter],
            K::CreatinineClearance => &[U::MilliliterPerMinute],
            K::UrineAlbumin => &[U::MilligramPerLiter, U::MilligramPerDeciliter, U::GramPerLiter],
            K::UrineCreatinine => &[U::MillimolePerLiter, U::MicromolePerLiter, U::MilligramPerDeciliter],
        }
    }

    /// Plausibility bounds in the canonical unit (see [`Bounds`]).
    #[inline]
    pub fn bounds(self) -> Bounds {
        let (min, max) = match self {
            // 0.06–45 mg/dL
            K::SerumCreatinine => (5.0, 4000.0),
            K::CystatinC => (0.1, 20.0),
            K::UrineProtein24h => (0.0, 100.0),
            K::Uacr => (0.0, 100_000.0),
            // 3 %–20 % NGSP
            K::Hba1c => (9.3, 195.1),
            K::FastingGlucose => (0.5, 200.0),
            K::Triglycerides => (0.0, 200.0),
            K::LdlCholesterol | K::HdlCholesterol | K::TotalCholesterol => (0.0, 100.0),
            K::Potassium => (1.0, 15.0),
            K::SystolicBp => (40.0, 320.0),
            K::DiastolicBp => (10.0, 220.0),
            K::Egfr => (0.0, 300.0),
            K::CreatinineClearance => (0.0, 500.0),
            // Up to 30 g/L: beyond the heaviest nephrotic albuminuria reported.
            K::UrineAlbumin => (0.0, 30_000.0),
            // 0.1–100 mmol/L (11 mg/L to 11 g/L): wider than the most dilute and the most
            // concentrated urine; never zero, since it divides the UACR.
            K::UrineCreatinine => (0.1, 100.0),
        };
        Bounds { min, max }
    }

    /// The molar mass behind this analyte's mass ↔ molar conversion, if it has one.
    fn grams_per_mole(self) -> Option<f64> {
        match self {
            K::SerumCreatinine | K::UrineCreatinine => Some(chemistry::CREATININE_G_PER_MOL),
            K::FastingGlucose => Some(chemistry::GLUCOSE_G_PER_MOL),
            K::Triglycerides => Some(chemistry::TRIGLYCERIDE_G_PER_MOL),
            K::LdlCholesterol | K::HdlCholesterol | K::TotalCholesterol => Some(chemistry::CHOLESTEROL_G_PER_MOL),
            _ => None,
        }
    }

    /// Whether `unit` is one of [`Self::units`] (usable in constants).
    pub const fn fits(self, unit: Unit) -> bool {
        let units = self.units();
        let mut i = 0;
        while i < units.len() {
            if units[i] as u8 == unit as u8 {
                return true;
            }
            i += 1;
        }
        false
    }

    pub(crate) fn check_unit(self, unit: Unit) -> Result<(), LabError> {
        if self.fits(unit) {
            Ok(())
        } else {
            Err(LabError::UnitNotForAnalyte { analyte: self, unit, accepted: super::accepted(self) })
        }
    }

    /// Converts a value between two units of this analyte, through uom quantities and, for
    /// mass ↔ molar, the analyte's molar mass. No bounds are checked here.
    ///
    /// # Errors
    /// [`LabError::UnitNotForAnalyte`] if either unit does not fit this analyte.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::lab::{AnalyteKind, Unit};
    /// let umol = AnalyteKind::SerumCreatinine
    ///     .convert(1.0, Unit::MilligramPerDeciliter, Unit::MicromolePerLiter)
    ///     .unwrap();
    /// assert!((umol - 88.40).abs() < 0.01);
    /// ```
    pub fn convert(self, value: f64, from: Unit, to: Unit) -> Result<f64, LabError> {
        self.check_unit(from)?;
        self.check_unit(to)?;
        Ok(self.convert_fitting(value, from, to))
    }

    /// [`Self::convert`] between two units known to fit this analyte (a [`super::UnitFor`]
    /// and the unit of a checked value).
    pub(crate) fn convert_fitting(self, value: f64, from: Unit, to: Unit) -> f64 {
        if from == to {
            return value;
        }
        self.si_to_unit(self.unit_to_si(value, from), to)
    }

    /// The value in SI base units of the analyte's quantity (mol/m³, kg/m³, kg/s, Pa, m³/s, or a
    /// plain ratio). The unit has been checked to fit.
    fn unit_to_si(self, value: f64, unit: Unit) -> f64 {
        match unit {
            U::MicromolePerLiter => MolarConcentration::new::<micromole_per_liter>(value).value,
            U::MillimolePerLiter | U::MilliequivalentPerLiter => {
                MolarConcentration::new::<millimole_per_liter>(value).value
            }
            U::MilligramPerDeciliter | U::MilligramPerLiter | U::GramPerLiter => {
                let mass = match unit {
                    U::MilligramPerDeciliter => MassConcentration::new::<milligram_per_deciliter>(value),
                    U::MilligramPerLiter => MassConcentration::new::<milligram_per_liter>(value),
                    _ => MassConcentration::new::<gram_per_liter>(value),
                };
                match self.grams_per_mole() {
                    Some(g) => chemistry::to_molar(mass, molar_mass(g)).value,
                    None => mass.value,
                }
            }
            U::GramPer24Hours => MassRate::new::<gram_per_day>(value).value,
            U::MilligramPer24Hours => MassRate::new::<gram_per_day>(value / 1000.0).value,
            U::MilligramPerGram => Ratio::new::<part_per_thousand>(value).value,
            // mg albumin per mmol creatinine = g/mol; divided by creatinine's molar mass gives
            // the mass ratio albumin/creatinine.
            U::MilligramPerMillimole => {
                (uom::si::f64::MolarMass::new::<gram_per_mole>(value) / molar_mass(chemistry::CREATININE_G_PER_MOL))
                    .value
            }
            U::MillimolePerMole => Ratio::new::<part_per_thousand>(value).value,
            U::Percent => chemistry::hba1c_ngsp_percent_to_ifcc(value).value,
            U::MillimeterOfMercury => Pressure::new::<millimeter_of_mercury>(value).value,
            U::Kilopascal => Pressure::new::<kilopascal>(value).value,
            U::MilliliterPerMinutePer173SquareMeter | U::MilliliterPerMinute => {
                VolumeRate::new::<milliliter_per_minute>(value).value
            }
            U::MilliliterPerSecondPer173SquareMeter => VolumeRate::new::<milliliter_per_second>(value).value,
        }
    }

    /// The inverse of [`Self::unit_to_si`].
    fn si_to_unit(self, si: f64, unit: Unit) -> f64 {
        let molar = || MolarConcentration { dimension: Default::default(), units: Default::default(), value: si };
        let mass = || match self.grams_per_mole() {
            Some(g) => chemistry::to_mass(molar(), molar_mass(g)),
            None => MassConcentration { dimension: Default::default(), units: Default::default(), value: si },
        };
        let ratio = Ratio { dimension: Default::default(), units: Default::default(), value: si };
        let rate = VolumeRate { dimension: Default::default(), units: Default::default(), value: si };
        let pressure = Pressure { dimension: Default::default(), units: Default::default(), value: si };
        match unit {
            U::MicromolePerLiter => molar().get::<micromole_per_liter>(),
            U::MillimolePerLiter | U::MilliequivalentPerLiter => molar().get::<millimole_per_liter>(),
            U::MilligramPerDeciliter => mass().get::<milligram_per_deciliter>(),
            U::MilligramPerLiter => mass().get::<milligram_per_liter>(),
            U::GramPerLiter => mass().get::<gram_per_liter>(),
            U::GramPer24Hours => {
                MassRate { dimension: Default::default(), units: Default::default(), value: si }.get::<gram_per_day>()
            }
            U::MilligramPer24Hours => {
                MassRate { dimension: Default::default(), units: Default::default(), value: si }.get::<gram_per_day>()
                    * 1000.0
            }
            U::MilligramPerGram | U::MillimolePerMole => ratio.get::<part_per_thousand>(),
            U::MilligramPerMillimole => (ratio * molar_mass(chemistry::CREATININE_G_PER_MOL)).get::<gram_per_mole>(),
            U::Percent => chemistry::hba1c_ifcc_to_ngsp_percent(ratio),
            U::MillimeterOfMercury => pressure.get::<millimeter_of_mercury>(),
            U::Kilopascal => pressure.get::<kilopascal>(),
            U::MilliliterPerMinutePer173SquareMeter | U::MilliliterPerMinute => rate.get::<milliliter_per_minute>(),
            U::MilliliterPerSecondPer173SquareMeter => rate.get::<milliliter_per_second>(),
        }
    }

    /// The number in the canonical unit of a value in `unit`, a unit known to fit this analyte
    /// (the unit of a checked [`super::Measurement`]): the factor of [`Self::linear_factor`] for
    /// a proportional unit, else (HbA1c %) the conversion through uom. [`Self::validate`]
    /// computes the canonical value the same way, so both give the same number.
    pub(crate) fn canonical_of(self, value: f64, unit: Unit) -> f64 {
        match self.table_factor(unit) {
            Some(factor) => value * factor,
            None => self.convert_fitting(value, unit, self.canonical_unit()),
        }
    }

    /// Checks a value entered in `unit` and returns it in the canonical unit.
    ///
    /// # Errors
    /// [`LabError::UnitNotForAnalyte`], [`LabError::NotFinite`], [`LabError::Negative`] or
    /// [`LabError::OutOfBounds`].
    pub fn validate(self, value: f64, unit: Unit) -> Result<f64, LabError> {
        // Fast path: a proportional unit of this analyte, with its factor from the table (the
        // same number `linear_factor` computes, so the same canonical value).
        if let Some(factor) = self.table_factor(unit) {
            if !value.is_finite() {
                return Err(LabError::NotFinite { analyte: self });
            }
            return self.check_entered(value, value * factor);
        }
        self.check_unit(unit)?;
        if !value.is_finite() {
            return Err(LabError::NotFinite { analyte: self });
        }
        // Proportional units go through one factor, exactly as the batch does, so that a value
        // gives the same canonical number on both paths.
        let canonical = match self.linear_factor(unit)? {
            Some(factor) => value * factor,
            None => self.convert(value, unit, self.canonical_unit())?,
        };
        self.check_entered(value, canonical)
    }

    /// The checks of [`Self::validate`] after the unit: not negative as entered, and the
    /// canonical value within bounds. Shared with the batch, which converts a whole column
    /// with one factor ([`Self::linear_factor`]).
    pub(crate) fn check_entered(self, entered: f64, canonical: f64) -> Result<f64, LabError> {
        self.check_value(entered, canonical).map_err(|problem| match problem {
            ValueProblem::NotFinite => LabError::NotFinite { analyte: self },
            ValueProblem::Negative => LabError::Negative { analyte: self },
            ValueProblem::OutOfBounds => {
                let Bounds { min, max } = self.bounds();
                LabError::OutOfBounds { analyte: self, min, max, unit: self.canonical_unit() }
            }
        })
    }

    /// [`Self::check_entered`] with a small error, for column-wise use.
    #[inline]
    pub(crate) fn check_value(self, entered: f64, canonical: f64) -> Result<f64, ValueProblem> {
        if entered.is_nan() || entered.is_infinite() {
            return Err(ValueProblem::NotFinite);
        }
        if entered < 0.0 {
            return Err(ValueProblem::Negative);
        }
        let (lo, hi) = self.accepted_range();
        if canonical < lo || canonical > hi {
            return Err(ValueProblem::OutOfBounds);
        }
        Ok(canonical)
    }

    /// The bounds widened by a tolerance of a few ulps, which keeps a bound that was entered
    /// in another unit (and so converted twice) on the side the user meant.
    #[inline]
    pub(crate) fn accepted_range(self) -> (f64, f64) {
        let Bounds { min, max } = self.bounds();
        let tol = 1e-9 * max.abs().max(1.0);
        (min - tol, max + tol)
    }

    /// The factor from `unit` to the canonical unit when the conversion is proportional (every
    /// conversion but HbA1c % ↔ mmol/mol, which is affine).
    ///
    /// # Errors
    /// [`LabError::UnitNotForAnalyte`] if `unit` does not fit.
    pub(crate) fn linear_factor(self, unit: Unit) -> Result<Option<f64>, LabError> {
        match self.table_factor(unit) {
            Some(factor) => Ok(Some(factor)),
            None => self.compute_linear_factor(unit),
        }
    }

    /// The factor of [`Self::linear_factor`] from a table computed once for every analyte and
    /// unit; `None` if the unit does not fit or is not proportional.
    #[inline]
    pub(crate) fn table_factor(self, unit: Unit) -> Option<f64> {
        static TABLE: std::sync::OnceLock<[[f64; Unit::ALL.len()]; AnalyteKind::ALL.len()]> =
            std::sync::OnceLock::new();
        let table = TABLE.get_or_init(|| {
            let mut table = [[f64::NAN; Unit::ALL.len()]; AnalyteKind::ALL.len()];
            for (row, kind) in table.iter_mut().zip(AnalyteKind::ALL) {
                for (cell, unit) in row.iter_mut().zip(Unit::ALL) {
                    if let Ok(Some(factor)) = kind.compute_linear_factor(unit) {
                        *cell = factor;
                    }
                }
            }
            table
        });
        // `ALL` lists the variants in declaration order (tested), so these index their rows.
        let factor = *table.get(self as usize)?.get(unit as usize)?;
        (!factor.is_nan()).then_some(factor)
    }

    /// [`Self::linear_factor`], computed through the unit conversions.
    pub(crate) fn compute_linear_factor(self, unit: Unit) -> Result<Option<f64>, LabError> {
        self.check_unit(unit)?;
        if self == AnalyteKind::Hba1c && unit != self.canonical_unit() {
            return Ok(None);
        }
        self.convert(1.0, unit, self.canonical_unit()).map(Some)
    }
}

impl fmt::Display for AnalyteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
