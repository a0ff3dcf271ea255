//! GFR estimates, sex and age: the [`EgfrEquation`] and [`Sex`] enums, the [`EgfrInput`] and
//! [`GfrEstimate`] records and the functions over them. Equations, ranges and checks are core's
//! (`amimestrocel_dkd::egfr`, `amimestrocel_dkd::demographics`); this module only converts.

use amimestrocel_dkd::date::parse_iso_date;
use amimestrocel_dkd::demographics::{self as core_demographics, Age};
use amimestrocel_dkd::egfr::{self as core_egfr, EgfrError as CoreEgfrError, EgfrInputs};
use amimestrocel_dkd::lab::{CystatinC, SerumCreatinine};
use uom::si::f64::Mass;
use uom::si::mass::kilogram;

use crate::error::{guard, EgfrError};
use crate::lab::LabValue;

/// Sex as the GFR equations use it (sex at birth, as recorded for the trial); mirrors core's
/// `demographics::Sex`. `parseSex` reads the usual spellings.
///
/// ```kotlin
/// EgfrInput(ageYears = 60, sex = Sex.FEMALE, creatinine = scr)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

impl From<Sex> for core_demographics::Sex {
    fn from(sex: Sex) -> Self {
        match sex {
            Sex::Female => core_demographics::Sex::Female,
            Sex::Male => core_demographics::Sex::Male,
        }
    }
}

impl From<core_demographics::Sex> for Sex {
    fn from(sex: core_demographics::Sex) -> Self {
        match sex {
            core_demographics::Sex::Female => Sex::Female,
            core_demographics::Sex::Male => Sex::Male,
        }
    }
}

/// A GFR equation, named with its version; mirrors core's `egfr::EgfrEquation`. Each one's
/// slug, source (with DOI), age range and result unit are in `equations()`.
///
/// ```kotlin
/// estimateGfr(EgfrEquation.CKD_EPI2021_CR, input)   // Swift: try estimateGfr(equation: .ckdEpi2021Cr, input: input)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum EgfrEquation {
    /// CKD-EPI 2009, creatinine (Levey 2009).
    CkdEpi2009Cr,
    /// CKD-EPI 2021, creatinine, race-free (Inker 2021). The protocol's default.
    CkdEpi2021Cr,
    /// CKD-EPI 2012, cystatin C (Inker 2012).
    CkdEpi2012Cys,
    /// CKD-EPI 2012, creatinine and cystatin C (Inker 2012).
    CkdEpi2012CrCys,
    /// CKD-EPI 2021, creatinine and cystatin C, race-free (Inker 2021).
    CkdEpi2021CrCys,
    /// European Kidney Function Consortium, creatinine (Pottel 2021).
    Ekfc2021Cr,
    /// European Kidney Function Consortium, cystatin C (Pottel 2023).
    Ekfc2023Cys,
    /// European Kidney Function Consortium, creatinine and cystatin C (mean, Pottel 2023).
    Ekfc2023CrCys,
    /// MDRD 4-variable, IDMS-traceable (Levey 2006).
    Mdrd4Idms,
    /// Cockcroft–Gault creatinine clearance (1976), mL/min, not normalised.
    CockcroftGault,
}

impl From<EgfrEquation> for core_egfr::EgfrEquation {
    fn from(equation: EgfrEquation) -> Self {
        match equation {
            EgfrEquation::CkdEpi2009Cr => core_egfr::EgfrEquation::CkdEpi2009Cr,
            EgfrEquation::CkdEpi2021Cr => core_egfr::EgfrEquation::CkdEpi2021Cr,
            EgfrEquation::CkdEpi2012Cys => core_egfr::EgfrEquation::CkdEpi2012Cys,
            EgfrEquation::CkdEpi2012CrCys => core_egfr::EgfrEquation::CkdEpi2012CrCys,
            EgfrEquation::CkdEpi2021CrCys => core_egfr::EgfrEquation::CkdEpi2021CrCys,
            EgfrEquation::Ekfc2021Cr => core_egfr::EgfrEquation::Ekfc2021Cr,
            EgfrEquation::Ekfc2023Cys => core_egfr::EgfrEquation::Ekfc2023Cys,
            EgfrEquation::Ekfc2023CrCys => core_egfr::EgfrEquation::Ekfc2023CrCys,
            EgfrEquation::Mdrd4Idms => core_egfr::EgfrEquation::Mdrd4Idms,
            EgfrEquation::CockcroftGault => core_egfr::EgfrEquation::CockcroftGault,
        }
    }
}

impl From<core_egfr::EgfrEquation> for EgfrEquation {
    fn from(equation: core_egfr::EgfrEquation) -> Self {
        match equation {
            core_egfr::EgfrEquation::CkdEpi2009Cr => EgfrEquation::CkdEpi2009Cr,
            core_egfr::EgfrEquation::CkdEpi2021Cr => EgfrEquation::CkdEpi2021Cr,
            core_egfr::EgfrEquation::CkdEpi2012Cys => EgfrEquation::CkdEpi2012Cys,
            core_egfr::EgfrEquation::CkdEpi2012CrCys => EgfrEquation::CkdEpi2012CrCys,
            core_egfr::EgfrEquation::CkdEpi2021CrCys => EgfrEquation::CkdEpi2021CrCys,
            core_egfr::EgfrEquation::Ekfc2021Cr => EgfrEquation::Ekfc2021Cr,
            core_egfr::EgfrEquation::Ekfc2023Cys => EgfrEquation::Ekfc2023Cys,
            core_egfr::EgfrEquation::Ekfc2023CrCys => EgfrEquation::Ekfc2023CrCys,
            core_egfr::EgfrEquation::Mdrd4Idms => EgfrEquation::Mdrd4Idms,
            core_egfr::EgfrEquation::CockcroftGault => EgfrEquation::CockcroftGault,
        }
    }
}

/// The inputs of a GFR estimate. Equations use what they need and ignore the rest; a missing
/// input that the equation needs is an `EgfrError.MissingInput`.
///
/// `age_years` is signed so that a negative age reaches this library's `InvalidAge` rather
/// than failing in the binding's integer conversion. Lab values are re-checked.
///
/// ```kotlin
/// val input = EgfrInput(ageYears = 67, sex = Sex.MALE, creatinine = labValue(Analyte.SERUM_CREATININE, 1.6, "mg/dL"))
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EgfrInput {
    /// Age in completed years (0–125).
    pub age_years: i64,
    /// Sex.
    pub sex: Sex,
    /// Serum creatinine (IDMS-traceable), a value of analyte `SerumCreatinine`.
    #[uniffi(default)]
    pub creatinine: Option<LabValue>,
    /// Serum cystatin C (standardised), a value of analyte `CystatinC`.
    #[uniffi(default)]
    pub cystatin_c: Option<LabValue>,
    /// Body weight in kg, for Cockcroft–Gault.
    #[uniffi(default)]
    pub weight_kg: Option<f64>,
    /// Apply the Black-race coefficient of CKD-EPI 2009, CKD-EPI 2012 Cr–Cys and MDRD (the
    /// other equations have none and ignore it).
    #[uniffi(default)]
    pub black: bool,
}

impl EgfrInput {
    /// Core's inputs, every part checked by core.
    fn to_core(&self) -> Result<EgfrInputs, CoreEgfrError> {
        // Core's check decides: negative and too-large ages are `InvalidAge`.
        let age = Age::from_i64(self.age_years)?;
        let mut inputs = EgfrInputs::new(age, self.sex.into()).with_black(self.black);
        if let Some(creatinine) = &self.creatinine {
            inputs = inputs.with_creatinine(SerumCreatinine::try_from_measurement(creatinine.to_measurement()?)?);
        }
        if let Some(cystatin_c) = &self.cystatin_c {
            inputs = inputs.with_cystatin_c(CystatinC::try_from_measurement(cystatin_c.to_measurement()?)?);
        }
        if let Some(weight_kg) = self.weight_kg {
            inputs = inputs.with_weight(Mass::new::<kilogram>(weight_kg));
        }
        Ok(inputs)
    }
}

/// The result of an estimate, recording the equation that produced it.
///
/// `unit` is `mL/min/1.73m²` with `normalised` true, except for Cockcroft–Gault: a creatinine
/// clearance of this body in `mL/min`, `normalised` false.
///
/// ```kotlin
/// val scr = labValue(Analyte.SERUM_CREATININE, 1.6, "mg/dL")
/// val e = estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(ageYears = 67, sex = Sex.MALE, creatinine = scr))
/// println("${e.value} ${e.unit}")  // 46.93… mL/min/1.73m²
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct GfrEstimate {
    /// The equation that produced the estimate.
    pub equation: EgfrEquation,
    /// The estimate, in `unit`.
    pub value: f64,
    /// `mL/min/1.73m²`, or `mL/min` for Cockcroft–Gault.
    pub unit: String,
    /// Whether the value is normalised to 1.73 m² body-surface area.
    pub normalised: bool,
}

impl From<core_egfr::GfrEstimate> for GfrEstimate {
    fn from(estimate: core_egfr::GfrEstimate) -> Self {
        GfrEstimate {
            equation: estimate.equation().into(),
            value: estimate.value(),
            unit: estimate.unit().as_str().to_owned(),
            normalised: estimate.equation().is_normalised(),
        }
    }
}

/// What `equations()` says of one equation.
///
/// ```kotlin
/// val e = equations().first { it.equation == EgfrEquation.COCKCROFT_GAULT }
/// check(!e.normalised && e.unit == "mL/min" && e.maxAge == 120u)
/// ```
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EquationInfo {
    /// The equation.
    pub equation: EgfrEquation,
    /// Its stable slug, e.g. `ckd_epi_2021_cr`.
    pub slug: String,
    /// The publication it comes from, with its DOI.
    pub source: String,
    /// Whether its result is normalised to 1.73 m².
    pub normalised: bool,
    /// Youngest age, inclusive, years.
    pub min_age: u32,
    /// Oldest age, inclusive, years.
    pub max_age: u32,
    /// The unit of its result.
    pub unit: String,
}

/// Estimates GFR (or, for Cockcroft–Gault, creatinine clearance) by `equation`.
///
/// # Errors
/// `InvalidAge`; `Lab` for a refused lab value (or a result outside eGFR's plausibility
/// bounds); `MissingInput`, `AgeOutOfRange` or `WeightOutOfBounds`.
///
/// ```kotlin
/// val scr = labValue(Analyte.SERUM_CREATININE, 88.4, "µmol/L")
/// estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(ageYears = 60, sex = Sex.FEMALE, creatinine = scr)).value // ≈ 64
/// ```
#[uniffi::export]
pub fn estimate_gfr(equation: EgfrEquation, input: EgfrInput) -> Result<GfrEstimate, EgfrError> {
    guard(|| {
        let inputs = input.to_core()?;
        Ok(core_egfr::estimate(equation.into(), &inputs)?.into())
    })
}

/// Every equation with its slug, source, age range and result unit, in core's order.
///
/// ```kotlin
/// for (e in equations()) println("${e.slug}: ${e.source}")
/// ```
#[uniffi::export]
pub fn equations() -> Result<Vec<EquationInfo>, EgfrError> {
    guard(|| {
        Ok({
            core_egfr::EgfrEquation::ALL
                .into_iter()
                .map(|equation| {
                    let (min_age, max_age) = equation.age_range();
                    EquationInfo {
                        equation: equation.into(),
                        slug: equation.slug().to_owned(),
                        source: equation.source().to_owned(),
                        normalised: equation.is_normalised(),
                        min_age,
                        max_age,
                        unit: equation.result_unit().as_str().to_owned(),
                    }
                })
                .collect()
        })
    })
}

/// The equation the protocol's "CKD-EPI formula" is read as (docs/interpretation.md).
///
/// ```kotlin
/// check(protocolDefaultEquation() == EgfrEquation.CKD_EPI2021_CR)
/// ```
#[uniffi::export]
pub fn protocol_default_equation() -> Result<EgfrEquation, EgfrError> {
    guard(|| Ok(core_egfr::PROTOCOL_DEFAULT_EQUATION.into()))
}

/// The equation of a slug such as `ckd_epi_2021_cr`.
///
/// # Errors
/// `UnknownEquation`.
///
/// ```kotlin
/// check(parseEquation("mdrd4_idms") == EgfrEquation.MDRD4_IDMS)
/// ```
#[uniffi::export]
pub fn parse_equation(slug: String) -> Result<EgfrEquation, EgfrError> {
    guard(|| Ok(core_egfr::EgfrEquation::from_slug(&slug)?.into()))
}

/// Reads `female`/`male`, `F`/`M` (any case, as CDISC SDTM `SEX`), `女`/`男`.
///
/// # Errors
/// `UnknownSex`.
///
/// ```kotlin
/// check(parseSex(" F ") == Sex.FEMALE)
/// ```
#[uniffi::export]
pub fn parse_sex(text: String) -> Result<Sex, EgfrError> {
    guard(|| Ok(core_demographics::Sex::parse(&text)?.into()))
}

/// Completed years from `birth_date` to `on`, both ISO-8601 calendar dates (`YYYY-MM-DD`). A
/// birthday on 29 February counts as reached on 1 March in common years.
///
/// # Errors
/// `InvalidDate` for a date that does not parse; `BirthAfterDate`; `InvalidAge` beyond 125.
///
/// ```kotlin
/// check(ageOn("1960-03-01", "2025-02-28") == 64u)
/// ```
#[uniffi::export]
pub fn age_on(birth_date: String, on: String) -> Result<u32, EgfrError> {
    guard(|| {
        let birth = parse_iso_date(&birth_date).map_err(|_| EgfrError::invalid_date("birth_date"))?;
        let on = parse_iso_date(&on).map_err(|_| EgfrError::invalid_date("on"))?;
        Ok(Age::on(birth, on)?.years())
    })
}

/// An age held as a floating-point number (as JSON and data frames hold it), checked to be a
/// whole number of years between 0 and 125.
///
/// # Errors
/// `InvalidAge` for NaN, infinities, negatives, fractions or above 125.
///
/// ```kotlin
/// check(ageFromYears(60.0) == 60u); assertFailsWith<EgfrException.InvalidAge> { ageFromYears(50.5) }
/// ```
#[uniffi::export]
pub fn age_from_years(years: f64) -> Result<u32, EgfrError> {
    guard(|| Ok(Age::from_f64(years)?.years()))
}
