//! Lab values: core's [`AnalyteKind`] as it is, a [`LabValue`] record and the functions that
//! check, convert and (de)serialise one. Every check and conversion is core's
//! (`amimestrocel_dkd::lab`).

use amimestrocel_dkd::lab::{self as core_lab, Unit};
pub use amimestrocel_dkd::lab::{AnalyteInfo, AnalyteKind};

use crate::error::{guard, DkdError};

/// One analyte (or vital sign, or derived rate) of the protocol: core's `AnalyteKind`.
///
/// Its stable slug (`serum_creatinine`, `uacr`, …) is in `analytes()`; `parseAnalyte` reads it.
#[uniffi::remote(Enum)]
pub enum AnalyteKind {
    SerumCreatinine,
    CystatinC,
    UrineProtein24h,
    Uacr,
    Hba1c,
    FastingGlucose,
    Triglycerides,
    LdlCholesterol,
    HdlCholesterol,
    TotalCholesterol,
    Potassium,
    SystolicBp,
    DiastolicBp,
    Egfr,
    CreatinineClearance,
    UrineAlbumin,
    UrineCreatinine,
}

/// A checked value of some analyte: core's `Measurement` (whose fields are private, to keep it
/// checked) as plain data, which is why this record is a mirror. Named `LabValue` as in Python
/// (and because Swift's Foundation has a `Measurement` of its own). Make one with `labValue` or
/// `labValueFromJson`; functions that take one check it again from `analyte`, `value` and
/// `unit` (an edited copy is checked again; `canonicalValue` and `canonicalUnit` are ignored on
/// the way in).
///
/// ```kotlin
/// val scr = labValue(AnalyteKind.SERUM_CREATININE, 1.3, "mg/dL")
/// check(scr.canonicalUnit == "µmol/L" && abs(scr.canonicalValue - 114.92) < 0.01)
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LabValue {
    /// The analyte.
    pub analyte: AnalyteKind,
    /// The number as entered.
    pub value: f64,
    /// The unit as entered, in its canonical spelling (`umol/L` becomes `µmol/L`).
    pub unit: String,
    /// The value in `canonical_unit`.
    pub canonical_value: f64,
    /// The analyte's canonical unit.
    pub canonical_unit: String,
}

impl From<core_lab::Measurement> for LabValue {
    fn from(m: core_lab::Measurement) -> Self {
        LabValue {
            analyte: m.analyte(),
            value: m.value(),
            unit: m.unit().as_str().to_owned(),
            canonical_value: m.canonical(),
            canonical_unit: m.analyte().canonical_unit().as_str().to_owned(),
        }
    }
}

impl LabValue {
    /// Core's measurement, checked again from `analyte`, `value` and `unit`.
    pub(crate) fn to_core(&self) -> Result<core_lab::Measurement, core_lab::LabError> {
        core_lab::Measurement::new(self.analyte, self.value, &self.unit)
    }
}

/// What `analytes()` says of one analyte: slug, label, units and plausibility bounds.
#[uniffi::remote(Record)]
pub struct AnalyteInfo {
    pub analyte: AnalyteKind,
    pub slug: String,
    pub label: String,
    pub canonical_unit: String,
    pub units: Vec<String>,
    pub min: f64,
    pub max: f64,
}

/// Checks `value` in `unit` for `analyte`: the unit must fit the analyte, the number must be
/// finite, non-negative and within the analyte's plausibility bounds.
///
/// # Errors
/// `InvalidInput` of kind `unknown_unit`, `unit_not_for_analyte`, `not_finite`, `negative` or
/// `out_of_bounds`.
///
/// ```kotlin
/// val scr = labValue(AnalyteKind.SERUM_CREATININE, 1.3, "mg/dL")
/// ```
#[uniffi::export]
pub fn lab_value(analyte: AnalyteKind, value: f64, unit: String) -> Result<LabValue, DkdError> {
    guard(|| Ok(core_lab::Measurement::new(analyte, value, &unit)?.into()))
}

/// The value of `lab` expressed in `unit` (mass ↔ molar through the analyte's molar mass); `lab` is
/// checked again first.
///
/// # Errors
/// `InvalidInput` of kind `unknown_unit` or `unit_not_for_analyte` for `unit`; any lab kind
/// for an edited `lab`.
///
/// ```kotlin
/// labValueInUnit(labValue(AnalyteKind.SERUM_CREATININE, 1.0, "mg/dL"), "µmol/L") // 88.40
/// ```
#[uniffi::export]
pub fn lab_value_in_unit(lab: LabValue, unit: String) -> Result<f64, DkdError> {
    guard(|| Ok(lab.to_core()?.in_unit(Unit::parse(&unit)?)?))
}

/// `lab` as core serialises it, `{"value":1.3,"unit":"mg/dL"}` (number and unit as entered), which
/// `labValueFromJson` reads back to the same record; `lab` is checked again first.
///
/// # Errors
/// Any lab kind for an edited `lab`.
#[uniffi::export]
pub fn lab_value_to_json(lab: LabValue) -> Result<String, DkdError> {
    guard(|| {
        let checked = lab.to_core()?;
        // A checked measurement is a finite number and a unit: serde_json does not fail on it,
        // and if it did the error would still cross typed.
        serde_json::to_string(&checked).map_err(|e| core_lab::LabError::InvalidJson { reason: e.to_string() }.into())
    })
}

/// Reads `{"value": 1.3, "unit": "mg/dL"}` as a value of `analyte` (core's
/// `Measurement::from_json`), checked as by `labValue`.
///
/// # Errors
/// `InvalidInput` of kind `invalid_json` for text that is not such an object, then as
/// `labValue`.
///
/// ```kotlin
/// labValueFromJson(AnalyteKind.SERUM_CREATININE, """{"value":1.3,"unit":"mg/dL"}""").value // 1.3
/// ```
#[uniffi::export]
pub fn lab_value_from_json(analyte: AnalyteKind, json: String) -> Result<LabValue, DkdError> {
    guard(|| Ok(core_lab::Measurement::from_json(analyte, &json)?.into()))
}

/// The canonical spelling of a unit as labs or UCUM write it (case, white space and the micro
/// sign do not matter).
///
/// # Errors
/// `InvalidInput` of kind `unknown_unit`.
///
/// ```kotlin
/// check(parseUnit("umol/l") == "µmol/L" && parseUnit("mm[Hg]") == "mmHg")
/// ```
#[uniffi::export]
pub fn parse_unit(text: String) -> Result<String, DkdError> {
    guard(|| Ok(Unit::parse(&text)?.as_str().to_owned()))
}

/// The analyte of a slug such as `serum_creatinine` or `uacr`.
///
/// # Errors
/// `InvalidInput` of kind `unknown_analyte`.
#[uniffi::export]
pub fn parse_analyte(slug: String) -> Result<AnalyteKind, DkdError> {
    guard(|| Ok(AnalyteKind::from_slug(&slug)?))
}

/// Every analyte with its slug, label, units and plausibility bounds, in core's order.
///
/// ```kotlin
/// for (a in analytes()) println("${a.slug}: ${a.units.joinToString()} (${a.min}–${a.max} ${a.canonicalUnit})")
/// ```
#[uniffi::export]
pub fn analytes() -> Result<Vec<AnalyteInfo>, DkdError> {
    guard(|| Ok(AnalyteKind::ALL.into_iter().map(AnalyteKind::info).collect()))
}
