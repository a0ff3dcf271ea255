//! GFR estimates, sex and age: core's [`EgfrEquation`] and [`Sex`] as they are, the
//! [`EgfrInputs`] and [`GfrEstimate`] records and the functions over them. Equations, ranges and
//! checks are core's (`amimestrocel_dkd::egfr`, `amimestrocel_dkd::demographics`).

use amimestrocel_dkd::demographics::Age;
pub use amimestrocel_dkd::demographics::Sex;
use amimestrocel_dkd::egfr as core_egfr;
pub use amimestrocel_dkd::egfr::{EgfrEquation, EquationInfo};
use amimestrocel_dkd::lab::{CystatinC, SerumCreatinine};
use chrono::NaiveDate;
use uom::si::f64::Mass;
use uom::si::mass::kilogram;

use crate::error::{guard, DkdError};
use crate::lab::LabValue;

/// Sex as the equations use it (core's `Sex`).
#[uniffi::remote(Enum)]
pub enum Sex {
    Female,
    Male,
}

/// A GFR equation, its version in its name (core's `EgfrEquation`; sources in `equations()`).
#[uniffi::remote(Enum)]
pub enum EgfrEquation {
    CkdEpi2009Cr,
    CkdEpi2021Cr,
    CkdEpi2012Cys,
    CkdEpi2012CrCys,
    CkdEpi2021CrCys,
    Ekfc2021Cr,
    Ekfc2023Cys,
    Ekfc2023CrCys,
    Mdrd4Idms,
    CockcroftGault,
}

/// What an equation reads: core's `EgfrInputs`, which holds typed lab values and a uom mass
/// behind a builder; here plain data (why this record is a mirror), checked by `estimateGfr`.
///
/// ```kotlin
/// EgfrInputs(ageYears = 67, sex = Sex.MALE, creatinine = labValue(AnalyteKind.SERUM_CREATININE, 1.6, "mg/dL"))
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EgfrInputs {
    /// Age in completed years.
    pub age_years: i64,
    /// Sex.
    pub sex: Sex,
    /// Serum creatinine, for the equations that read it.
    #[uniffi(default)]
    pub creatinine: Option<LabValue>,
    /// Serum cystatin C, for the equations that read it.
    #[uniffi(default)]
    pub cystatin_c: Option<LabValue>,
    /// Body weight in kg, for Cockcroft–Gault.
    #[uniffi(default)]
    pub weight_kg: Option<f64>,
    /// Black race, for the 2009/2012 CKD-EPI and MDRD equations only (ignored by the others).
    #[uniffi(default)]
    pub black: bool,
}

impl EgfrInputs {
    fn to_core(&self) -> Result<core_egfr::EgfrInputs, DkdError> {
        let mut inputs = core_egfr::EgfrInputs::new(Age::from_i64(self.age_years)?, self.sex).with_black(self.black);
        if let Some(creatinine) = &self.creatinine {
            inputs = inputs.with_creatinine(SerumCreatinine::try_from_measurement(creatinine.to_core()?)?);
        }
        if let Some(cystatin_c) = &self.cystatin_c {
            inputs = inputs.with_cystatin_c(CystatinC::try_from_measurement(cystatin_c.to_core()?)?);
        }
        if let Some(weight_kg) = self.weight_kg {
            inputs = inputs.with_weight(Mass::new::<kilogram>(weight_kg));
        }
        Ok(inputs)
    }
}

/// A GFR estimate: core's `GfrEstimate` is an enum of two typed values (an eGFR per 1.73 m², or
/// Cockcroft–Gault's creatinine clearance); here the number, its unit and which it is.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct GfrEstimate {
    /// The equation that produced it.
    pub equation: EgfrEquation,
    /// The value, in `unit`.
    pub value: f64,
    /// `mL/min/1.73m²`, or `mL/min` for Cockcroft–Gault.
    pub unit: String,
    /// Whether it is per 1.73 m² body-surface area (false for Cockcroft–Gault).
    pub normalised: bool,
}

/// What `equations()` says of one equation: slug, source (with DOI), ages, inputs, result unit.
#[uniffi::remote(Record)]
pub struct EquationInfo {
    pub equation: EgfrEquation,
    pub slug: String,
    pub source: String,
    pub unit: String,
    pub normalised: bool,
    pub min_age: u32,
    pub max_age: u32,
    pub needs: Vec<String>,
}

/// Estimates GFR (or, for Cockcroft–Gault, creatinine clearance) by `equation`.
///
/// # Errors
/// `InvalidInput` of kind `missing_input`, `age_out_of_range`, `weight_out_of_bounds`,
/// `invalid_age`, `wrong_analyte` or a lab kind.
///
/// ```kotlin
/// val egfr = estimateGfr(protocolDefaultEquation(), EgfrInputs(ageYears = 67, sex = Sex.MALE, creatinine = scr))
/// ```
#[uniffi::export]
pub fn estimate_gfr(equation: EgfrEquation, inputs: EgfrInputs) -> Result<GfrEstimate, DkdError> {
    guard(|| {
        let estimate = core_egfr::estimate(equation, &inputs.to_core()?)?;
        Ok(GfrEstimate {
            equation: estimate.equation(),
            value: estimate.value(),
            unit: estimate.unit().as_str().to_owned(),
            normalised: estimate.equation().is_normalised(),
        })
    })
}

/// Every equation with its slug, source, age range and result unit, in core's order.
#[uniffi::export]
pub fn equations() -> Result<Vec<EquationInfo>, DkdError> {
    guard(|| Ok(EgfrEquation::ALL.into_iter().map(EgfrEquation::info).collect()))
}

/// The equation the protocol's "CKD-EPI formula" is read as (docs/interpretation.md).
#[uniffi::export]
pub fn protocol_default_equation() -> Result<EgfrEquation, DkdError> {
    guard(|| Ok(core_egfr::PROTOCOL_DEFAULT_EQUATION))
}

/// The equation of a slug such as `ckd_epi_2021_cr`.
///
/// # Errors
/// `InvalidInput` of kind `unknown_equation`.
#[uniffi::export]
pub fn parse_equation(slug: String) -> Result<EgfrEquation, DkdError> {
    guard(|| Ok(EgfrEquation::from_slug(&slug)?))
}

/// Sex from `F`/`M`/`female`/`male` (any case).
///
/// # Errors
/// `InvalidInput` of kind `unknown_sex`.
#[uniffi::export]
pub fn parse_sex(text: String) -> Result<Sex, DkdError> {
    guard(|| Ok(Sex::parse(&text)?))
}

/// Age in completed years on a date.
///
/// # Errors
/// `InvalidInput` of kind `birth_after_date` or `invalid_age`.
///
/// ```kotlin
/// check(ageOn(LocalDate.parse("1962-07-15"), LocalDate.parse("2025-06-01")) == 62u)
/// ```
#[uniffi::export]
pub fn age_on(birth_date: NaiveDate, on: NaiveDate) -> Result<u32, DkdError> {
    guard(|| Ok(Age::on(birth_date, on)?.years()))
}

/// Age in completed years from a number of years (fractions are truncated).
///
/// # Errors
/// `InvalidInput` of kind `invalid_age` for a negative, non-finite or too large number.
#[uniffi::export]
pub fn age_from_years(years: f64) -> Result<u32, DkdError> {
    guard(|| Ok(Age::from_f64(years)?.years()))
}
