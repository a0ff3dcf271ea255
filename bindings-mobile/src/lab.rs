//! Lab values: the [`Analyte`] enum, the [`LabValue`] record and the functions that check,
//! convert and (de)serialise them. Every check and conversion is core's
//! (`amimestrocel_dkd::lab`); this module only converts between uniffi types and core's.

use amimestrocel_dkd::lab::{AnalyteKind, LabError as CoreLabError, Measurement, Unit};

use crate::error::{guard, LabError};

/// One analyte (or vital sign, or derived rate) of the protocol; mirrors core's `AnalyteKind`.
///
/// Its stable slug (`serum_creatinine`, `uacr`, …) is in `analytes()`; `parseAnalyte` reads it.
///
/// ```kotlin
/// val scr = labValue(Analyte.SERUM_CREATININE, 1.3, "mg/dL")
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Analyte {
    /// Serum creatinine (canonical µmol/L).
    SerumCreatinine,
    /// Serum cystatin C (canonical mg/L).
    CystatinC,
    /// 24-hour urine protein (canonical g/24h).
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
    /// eGFR normalised to 1.73 m² body-surface area (canonical mL/min/1.73m²).
    Egfr,
    /// Creatinine clearance, not normalised (canonical mL/min): Cockcroft–Gault's result.
    CreatinineClearance,
}

impl From<Analyte> for AnalyteKind {
    fn from(analyte: Analyte) -> Self {
        match analyte {
            Analyte::SerumCreatinine => AnalyteKind::SerumCreatinine,
            Analyte::CystatinC => AnalyteKind::CystatinC,
            Analyte::UrineProtein24h => AnalyteKind::UrineProtein24h,
            Analyte::Uacr => AnalyteKind::Uacr,
            Analyte::Hba1c => AnalyteKind::Hba1c,
            Analyte::FastingGlucose => AnalyteKind::FastingGlucose,
            Analyte::Triglycerides => AnalyteKind::Triglycerides,
            Analyte::LdlCholesterol => AnalyteKind::LdlCholesterol,
            Analyte::HdlCholesterol => AnalyteKind::HdlCholesterol,
            Analyte::TotalCholesterol => AnalyteKind::TotalCholesterol,
            Analyte::Potassium => AnalyteKind::Potassium,
            Analyte::SystolicBp => AnalyteKind::SystolicBp,
            Analyte::DiastolicBp => AnalyteKind::DiastolicBp,
            Analyte::Egfr => AnalyteKind::Egfr,
            Analyte::CreatinineClearance => AnalyteKind::CreatinineClearance,
        }
    }
}

impl From<AnalyteKind> for Analyte {
    fn from(kind: AnalyteKind) -> Self {
        match kind {
            AnalyteKind::SerumCreatinine => Analyte::SerumCreatinine,
            AnalyteKind::CystatinC => Analyte::CystatinC,
            AnalyteKind::UrineProtein24h => Analyte::UrineProtein24h,
            AnalyteKind::Uacr => Analyte::Uacr,
            AnalyteKind::Hba1c => Analyte::Hba1c,
            AnalyteKind::FastingGlucose => Analyte::FastingGlucose,
            AnalyteKind::Triglycerides => Analyte::Triglycerides,
            AnalyteKind::LdlCholesterol => Analyte::LdlCholesterol,
            AnalyteKind::HdlCholesterol => Analyte::HdlCholesterol,
            AnalyteKind::TotalCholesterol => Analyte::TotalCholesterol,
            AnalyteKind::Potassium => Analyte::Potassium,
            AnalyteKind::SystolicBp => Analyte::SystolicBp,
            AnalyteKind::DiastolicBp => Analyte::DiastolicBp,
            AnalyteKind::Egfr => Analyte::Egfr,
            AnalyteKind::CreatinineClearance => Analyte::CreatinineClearance,
        }
    }
}

/// A checked lab value: the number and unit as entered, and the value in the analyte's
/// canonical unit. Make one with `labValue` or `labValueFromJson`.
///
/// `unit` is the canonical spelling of the unit entered (`umol/L` becomes `µmol/L`). The record
/// is plain data: functions that take one re-check it from `analyte`, `value` and `unit`
/// (`canonical_value` and `canonical_unit` are ignored on the way in), so an edited copy is
/// checked again.
///
/// ```kotlin
/// val scr = labValue(Analyte.SERUM_CREATININE, 1.3, "mg/dL")
/// check(scr.canonicalUnit == "µmol/L" && abs(scr.canonicalValue - 114.92) < 0.01)
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LabValue {
    /// The analyte.
    pub analyte: Analyte,
    /// The number as entered.
    pub value: f64,
    /// The unit as entered, in its canonical spelling.
    pub unit: String,
    /// The value in `canonical_unit`.
    pub canonical_value: f64,
    /// The analyte's canonical unit.
    pub canonical_unit: String,
}

impl From<Measurement> for LabValue {
    fn from(m: Measurement) -> Self {
        LabValue {
            analyte: m.analyte().into(),
            value: m.value(),
            unit: m.unit().as_str().to_owned(),
            canonical_value: m.canonical(),
            canonical_unit: m.analyte().canonical_unit().as_str().to_owned(),
        }
    }
}

impl LabValue {
    /// Core's measurement, re-checked from `analyte`, `value` and `unit`.
    pub(crate) fn to_measurement(&self) -> Result<Measurement, CoreLabError> {
        Measurement::new(self.analyte.into(), self.value, &self.unit)
    }
}

/// What `analytes()` says of one analyte: its slug, label, units and plausibility bounds.
///
/// ```kotlin
/// val k = analytes().first { it.analyte == Analyte.POTASSIUM }
/// check(k.units == listOf("mmol/L", "mEq/L") && k.min == 1.0 && k.max == 15.0)
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AnalyteInfo {
    /// The analyte.
    pub analyte: Analyte,
    /// Its stable snake_case slug, as in JSON and every binding.
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

/// Checks `value` in `unit` for `analyte`: the unit must fit the analyte, the number must be
/// finite, non-negative and within the analyte's plausibility bounds.
///
/// # Errors
/// `UnknownUnit`, `UnitNotForAnalyte`, `NotFinite`, `Negative` or `OutOfBounds`.
///
/// ```kotlin
/// val scr = labValue(Analyte.SERUM_CREATININE, 1.3, "mg/dL")   // Swift: try labValue(analyte: .serumCreatinine, value: 1.3, unit: "mg/dL")
/// assertFailsWith<LabException.OutOfBounds> { labValue(Analyte.POTASSIUM, 20.0, "mmol/L") }
/// ```
#[uniffi::export]
pub fn lab_value(analyte: Analyte, value: f64, unit: String) -> Result<LabValue, LabError> {
    guard(|| Ok(Measurement::new(analyte.into(), value, &unit)?.into()))
}

/// The value of `lab` expressed in `unit` (mass ↔ molar through the analyte's molar mass).
/// `lab` is re-checked first.
///
/// # Errors
/// `UnknownUnit` or `UnitNotForAnalyte` for `unit`; any lab error for an edited `lab`.
///
/// ```kotlin
/// labValueInUnit(labValue(Analyte.SERUM_CREATININE, 1.0, "mg/dL"), "µmol/L") // 88.40
/// ```
#[uniffi::export]
pub fn lab_value_in_unit(lab: LabValue, unit: String) -> Result<f64, LabError> {
    guard(|| {
        let target = Unit::parse(&unit)?;
        Ok(lab.to_measurement()?.in_unit(target)?)
    })
}

/// `lab` as core serialises it: `{"value":1.3,"unit":"mg/dL"}`, the number and unit as
/// entered, so that `labValueFromJson` gives the same record back. `lab` is re-checked.
///
/// # Errors
/// Any lab error for an edited `lab`.
///
/// ```kotlin
/// labValueToJson(labValue(Analyte.SERUM_CREATININE, 1.3, "mg/dL")) // {"value":1.3,"unit":"mg/dL"}
/// ```
#[uniffi::export]
pub fn lab_value_to_json(lab: LabValue) -> Result<String, LabError> {
    guard(|| {
        let measurement = lab.to_measurement()?;
        // A checked measurement is a finite number and a unit: serde_json cannot fail on it, but
        // an error would still cross as a typed one, not as a panic.
        serde_json::to_string(&measurement).map_err(|e| CoreLabError::InvalidJson { reason: e.to_string() }.into())
    })
}

/// Reads `{"value": 1.3, "unit": "mg/dL"}` as a value of `analyte`, checked as by `labValue`.
///
/// Core's reader (`Measurement::from_json`) does the work.
///
/// # Errors
/// `InvalidJson` for text that is not such an object (no other fields allowed); then any
/// error of `labValue`.
///
/// ```kotlin
/// labValueFromJson(Analyte.SERUM_CREATININE, """{"value":1.3,"unit":"mg/dL"}""").value // 1.3
/// ```
#[uniffi::export]
pub fn lab_value_from_json(analyte: Analyte, json: String) -> Result<LabValue, LabError> {
    guard(|| Ok(Measurement::from_json(analyte.into(), &json)?.into()))
}

/// The canonical spelling of a unit as labs or UCUM write it (case, white space and the micro
/// sign do not matter).
///
/// # Errors
/// `UnknownUnit`.
///
/// ```kotlin
/// check(parseUnit("umol/l") == "µmol/L" && parseUnit("mm[Hg]") == "mmHg")
/// ```
#[uniffi::export]
pub fn parse_unit(text: String) -> Result<String, LabError> {
    guard(|| Ok(Unit::parse(&text)?.as_str().to_owned()))
}

/// The analyte of a slug such as `serum_creatinine` or `uacr`.
///
/// # Errors
/// `UnknownAnalyte`.
///
/// ```kotlin
/// check(parseAnalyte("uacr") == Analyte.UACR)
/// ```
#[uniffi::export]
pub fn parse_analyte(slug: String) -> Result<Analyte, LabError> {
    guard(|| Ok(AnalyteKind::from_slug(&slug)?.into()))
}

/// Every analyte with its slug, label, units and plausibility bounds, in core's order.
///
/// ```kotlin
/// for (a in analytes()) println("${a.slug}: ${a.units.joinToString()} (${a.min}–${a.max} ${a.canonicalUnit})")
/// ```
#[uniffi::export]
pub fn analytes() -> Result<Vec<AnalyteInfo>, LabError> {
    guard(|| {
        Ok({
            AnalyteKind::ALL
                .into_iter()
                .map(|kind| {
                    let bounds = kind.bounds();
                    AnalyteInfo {
                        analyte: kind.into(),
                        slug: kind.slug().to_owned(),
                        label: kind.label().to_owned(),
                        canonical_unit: kind.canonical_unit().as_str().to_owned(),
                        units: kind.units().iter().map(|u| u.as_str().to_owned()).collect(),
                        min: bounds.min,
                        max: bounds.max,
                    }
                })
                .collect()
        })
    })
}
