//! Estimated glomerular filtration rate: the CKD-EPI family, EKFC, MDRD and Cockcroft–Gault.
//!
//! Each equation is an [`EgfrEquation`] variant whose name carries its version
//! (`CkdEpi2021Cr`, not "CKD-EPI"). [`estimate`] checks the inputs an equation needs and
//! returns a [`GfrEstimate`] that records which equation produced it. Cockcroft–Gault estimates
//! creatinine clearance in mL/min of this body, not GFR per 1.73 m²; its result is the distinct
//! [`GfrEstimate::CreatinineClearance`] variant and type.
//!
//! Which equation the protocol's "CKD-EPI formula" means is [`PROTOCOL_DEFAULT_EQUATION`],
//! argued in docs/interpretation.md.
//!
//! Limitations: adults only (18 years and over, see [`EgfrEquation::age_range`]); no
//! paediatric equations; the race coefficients of the 2009 and 2012 equations and of MDRD are
//! applied only when the caller sets `black`.
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::demographics::{Age, Sex};
//! use amimestrocel_dkd::egfr::{estimate, EgfrEquation, EgfrInputs};
//! use amimestrocel_dkd::lab::SerumCreatinine;
//!
//! let inputs = EgfrInputs::new(Age::from_years(60)?, Sex::Female)
//!     .with_creatinine(SerumCreatinine::new(88.4, "µmol/L")?);
//! let egfr = estimate(EgfrEquation::CkdEpi2021Cr, &inputs)?;
//! assert_eq!(egfr.equation(), EgfrEquation::CkdEpi2021Cr);
//! assert_eq!(egfr.value().round(), 64.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod batch;
pub mod elementary;
pub mod equations;
pub mod log_linear;

pub use batch::{
    egfr_batch, egfr_batch_with, mark_missing, mark_unit_errors, BatchColumns, BatchInput, CheckedBatch, LabColumn,
    OneUnitColumn, RowError, RowUnits,
};

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;
use uom::si::f64::Mass;
use uom::si::mass::kilogram;

use crate::demographics::{Age, DemographicsError, Sex};
use crate::lab::{AnalyteKind, CreatinineClearance, CystatinC, Egfr, LabError, SerumCreatinine, Unit};

/// The equation the protocol's "CKD-EPI formula" is read as, unless configured otherwise.
pub const PROTOCOL_DEFAULT_EQUATION: EgfrEquation = EgfrEquation::CkdEpi2021Cr;

/// Why an estimate could not be made. Messages carry no value of a person.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EgfrError {
    /// The slug names no equation.
    #[error("unknown equation `{name}` (expected one of {})", EgfrEquation::slugs())]
    UnknownEquation {
        /// The slug as given.
        name: String,
    },
    /// The equation needs an input that was not given.
    #[error("{equation} needs {input}")]
    MissingInput {
        /// The equation.
        equation: EgfrEquation,
        /// `creatinine`, `cystatin_c` or `weight`.
        input: &'static str,
    },
    /// Age outside the equation's range.
    #[error("age is outside the range {min}–{max} years of {equation}")]
    AgeOutOfRange {
        /// The equation.
        equation: EgfrEquation,
        /// Youngest age, inclusive.
        min: u32,
        /// Oldest age, inclusive.
        max: u32,
    },
    /// Body weight NaN, infinite, or outside the accepted range.
    #[error("weight is not within {min}–{max} kg")]
    WeightOutOfBounds {
        /// Smallest weight, inclusive, kg.
        min: f64,
        /// Largest weight, inclusive, kg.
        max: f64,
    },
    /// Columns of a batch differ in length.
    #[error("column `{column}` has {actual} rows, expected {expected}")]
    ColumnLength {
        /// The column's name.
        column: &'static str,
        /// Rows expected (those of the age column).
        expected: usize,
        /// Rows found.
        actual: usize,
    },
    /// A lab value was refused.
    #[error(transparent)]
    Lab(#[from] LabError),
    /// Age or sex was refused.
    #[error(transparent)]
    Demographics(#[from] DemographicsError),
}

impl EgfrError {
    /// The stable snake_case kind of this error.
    pub fn kind(&self) -> &'static str {
        match self {
            EgfrError::UnknownEquation { .. } => "unknown_equation",
            EgfrError::MissingInput { .. } => "missing_input",
            EgfrError::AgeOutOfRange { .. } => "age_out_of_range",
            EgfrError::WeightOutOfBounds { .. } => "weight_out_of_bounds",
            EgfrError::ColumnLength { .. } => "column_length",
            EgfrError::Lab(e) => e.kind(),
            EgfrError::Demographics(e) => e.kind(),
        }
    }

    /// The kinds of its own variants (wrapped lab and demographic errors keep their kinds:
    /// see [`LabError::KINDS`], [`DemographicsError::KINDS`]).
    pub const KINDS: &'static [&'static str] =
        &["unknown_equation", "missing_input", "age_out_of_range", "weight_out_of_bounds", "column_length"];
}

/// A GFR equation, named with its version. In JSON (a configuration) it is its [`slug`],
/// the same text as in every binding; the spelling of earlier versions (`ckd_epi2021_cr`) is
/// still read.
///
/// [`slug`]: EgfrEquation::slug
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EgfrEquation {
    /// CKD-EPI 2009, creatinine (Levey 2009).
    #[serde(rename = "ckd_epi_2009_cr", alias = "ckd_epi2009_cr")]
    CkdEpi2009Cr,
    /// CKD-EPI 2021, creatinine, race-free (Inker 2021).
    #[serde(rename = "ckd_epi_2021_cr", alias = "ckd_epi2021_cr")]
    CkdEpi2021Cr,
    /// CKD-EPI 2012, cystatin C (Inker 2012).
    #[serde(rename = "ckd_epi_2012_cys", alias = "ckd_epi2012_cys")]
    CkdEpi2012Cys,
    /// CKD-EPI 2012, creatinine and cystatin C (Inker 2012).
    #[serde(rename = "ckd_epi_2012_cr_cys", alias = "ckd_epi2012_cr_cys")]
    CkdEpi2012CrCys,
    /// CKD-EPI 2021, creatinine and cystatin C, race-free (Inker 2021).
    #[serde(rename = "ckd_epi_2021_cr_cys", alias = "ckd_epi2021_cr_cys")]
    CkdEpi2021CrCys,
    /// European Kidney Function Consortium, creatinine (Pottel 2021).
    #[serde(rename = "ekfc_2021_cr", alias = "ekfc2021_cr")]
    Ekfc2021Cr,
    /// European Kidney Function Consortium, cystatin C, without sex or race (Pottel 2023).
    #[serde(rename = "ekfc_2023_cys")]
    Ekfc2023Cys,
    /// European Kidney Function Consortium, creatinine and cystatin C: the arithmetic mean of
    /// the EKFC creatinine and cystatin C estimates (Pottel 2023).
    #[serde(rename = "ekfc_2023_cr_cys")]
    Ekfc2023CrCys,
    /// MDRD 4-variable, IDMS-traceable (Levey 2006).
    #[serde(rename = "mdrd4_idms")]
    Mdrd4Idms,
    /// Cockcroft–Gault creatinine clearance (1976), mL/min, not normalised.
    #[serde(rename = "cockcroft_gault")]
    CockcroftGault,
}

/// Smallest accepted body weight for Cockcroft–Gault, kg.
pub const WEIGHT_MIN_KG: f64 = 20.0;
/// Largest accepted body weight for Cockcroft–Gault, kg.
pub const WEIGHT_MAX_KG: f64 = 400.0;

impl EgfrEquation {
    /// Every equation, in declaration order.
    pub const ALL: [EgfrEquation; 10] = [
        EgfrEquation::CkdEpi2009Cr,
        EgfrEquation::CkdEpi2021Cr,
        EgfrEquation::CkdEpi2012Cys,
        EgfrEquation::CkdEpi2012CrCys,
        EgfrEquation::CkdEpi2021CrCys,
        EgfrEquation::Ekfc2021Cr,
        EgfrEquation::Ekfc2023Cys,
        EgfrEquation::Ekfc2023CrCys,
        EgfrEquation::Mdrd4Idms,
        EgfrEquation::CockcroftGault,
    ];

    /// The stable slug, as in JSON and every binding.
    pub fn slug(self) -> &'static str {
        match self {
            EgfrEquation::CkdEpi2009Cr => "ckd_epi_2009_cr",
            EgfrEquation::CkdEpi2021Cr => "ckd_epi_2021_cr",
            EgfrEquation::CkdEpi2012Cys => "ckd_epi_2012_cys",
            EgfrEquation::CkdEpi2012CrCys => "ckd_epi_2012_cr_cys",
            EgfrEquation::CkdEpi2021CrCys => "ckd_epi_2021_cr_cys",
            EgfrEquation::Ekfc2021Cr => "ekfc_2021_cr",
            EgfrEquation::Ekfc2023Cys => "ekfc_2023_cys",
            EgfrEquation::Ekfc2023CrCys => "ekfc_2023_cr_cys",
            EgfrEquation::Mdrd4Idms => "mdrd4_idms",
            EgfrEquation::CockcroftGault => "cockcroft_gault",
        }
    }

    /// Every slug, comma-separated, in [`EgfrEquation::ALL`] order (for messages).
    pub fn slugs() -> String {
        Self::ALL.map(EgfrEquation::slug).join(", ")
    }

    /// Parses a slug.
    ///
    /// # Errors
    /// [`EgfrError::UnknownEquation`].
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::egfr::EgfrEquation;
    /// assert_eq!(EgfrEquation::from_slug("ckd_epi_2021_cr").unwrap(), EgfrEquation::CkdEpi2021Cr);
    /// // The older spellings a configuration may hold are read here as in JSON.
    /// assert_eq!(EgfrEquation::from_slug("ckd_epi2021_cr").unwrap(), EgfrEquation::CkdEpi2021Cr);
    /// ```
    pub fn from_slug(slug: &str) -> Result<EgfrEquation, EgfrError> {
        // The serde reader itself, so that a slug and a configuration file read the same names.
        use serde::de::IntoDeserializer;
        let read: Result<EgfrEquation, serde::de::value::Error> = EgfrEquation::deserialize(slug.into_deserializer());
        read.map_err(|_| EgfrError::UnknownEquation { name: slug.to_owned() })
    }

    /// The publication the equation comes from, with its DOI.
    pub fn source(self) -> &'static str {
        match self {
            EgfrEquation::CkdEpi2009Cr => {
                "Levey AS et al. Ann Intern Med 2009;150:604-612. doi:10.7326/0003-4819-150-9-200905050-00006"
            }
            EgfrEquation::CkdEpi2021Cr | EgfrEquation::CkdEpi2021CrCys => {
                "Inker LA et al. N Engl J Med 2021;385:1737-1749. doi:10.1056/NEJMoa2102953"
            }
            EgfrEquation::CkdEpi2012Cys | EgfrEquation::CkdEpi2012CrCys => {
                "Inker LA et al. N Engl J Med 2012;367:20-29. doi:10.1056/NEJMoa1114248"
            }
            EgfrEquation::Ekfc2021Cr => "Pottel H et al. Ann Intern Med 2021;174:183-191. doi:10.7326/M20-4366",
            EgfrEquation::Ekfc2023Cys | EgfrEquation::Ekfc2023CrCys => {
                "Pottel H et al. N Engl J Med 2023;388:333-343. doi:10.1056/NEJMoa2203769"
            }
            EgfrEquation::Mdrd4Idms => {
                "Levey AS et al. Ann Intern Med 2006;145:247-254. doi:10.7326/0003-4819-145-4-200608150-00004"
            }
            EgfrEquation::CockcroftGault => "Cockcroft DW, Gault MH. Nephron 1976;16:31-41. doi:10.1159/000180580",
        }
    }

    /// Ages, in whole years, inclusive, for which the equation is used: adults, as in the
    /// development cohorts of each paper; the upper limit is [`Age::MAX_YEARS`] except for
    /// Cockcroft–Gault, whose `(140 − age)` term turns non-positive at 140 and which is bounded
    /// at 120 here.
    pub fn age_range(self) -> (u32, u32) {
        match self {
            EgfrEquation::CockcroftGault => (18, 120),
            _ => (18, Age::MAX_YEARS),
        }
    }

    /// Whether the equation needs serum creatinine.
    pub fn needs_creatinine(self) -> bool {
        !matches!(self, EgfrEquation::CkdEpi2012Cys | EgfrEquation::Ekfc2023Cys)
    }

    /// Whether the equation needs cystatin C.
    pub fn needs_cystatin_c(self) -> bool {
        matches!(
            self,
            EgfrEquation::CkdEpi2012Cys
                | EgfrEquation::CkdEpi2012CrCys
                | EgfrEquation::CkdEpi2021CrCys
                | EgfrEquation::Ekfc2023Cys
                | EgfrEquation::Ekfc2023CrCys
        )
    }

    /// Whether the equation has a Black-race coefficient (CKD-EPI 2009 creatinine, CKD-EPI
    /// 2012 creatinine–cystatin C, MDRD), applied when [`EgfrInputs::black`] is set.
    pub fn uses_race(self) -> bool {
        matches!(self, EgfrEquation::CkdEpi2009Cr | EgfrEquation::CkdEpi2012CrCys | EgfrEquation::Mdrd4Idms)
    }

    /// Whether the equation needs body weight.
    pub fn needs_weight(self) -> bool {
        matches!(self, EgfrEquation::CockcroftGault)
    }

    /// Whether the result is normalised to 1.73 m² (all but Cockcroft–Gault).
    pub fn is_normalised(self) -> bool {
        !matches!(self, EgfrEquation::CockcroftGault)
    }

    /// The unit of the result.
    pub fn result_unit(self) -> Unit {
        if self.is_normalised() {
            Unit::MilliliterPerMinutePer173SquareMeter
        } else {
            Unit::MilliliterPerMinute
        }
    }

    /// Slug, source, ages, inputs and result unit, as data.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::egfr::EgfrEquation;
    /// let info = EgfrEquation::CkdEpi2021CrCys.info();
    /// assert_eq!(info.needs, vec!["creatinine", "cystatin_c"]);
    /// ```
    pub fn info(self) -> EquationInfo {
        let needs = [
            (self.needs_creatinine(), "creatinine"),
            (self.needs_cystatin_c(), "cystatin_c"),
            (self.needs_weight(), "weight_kg"),
        ];
        EquationInfo {
            equation: self,
            slug: self.slug().to_owned(),
            source: self.source().to_owned(),
            unit: self.result_unit().as_str().to_owned(),
            normalised: self.is_normalised(),
            min_age: self.age_range().0,
            max_age: self.age_range().1,
            needs: needs.into_iter().filter(|(needed, _)| *needed).map(|(_, name)| name.to_owned()).collect(),
        }
    }
}

/// What the library knows of one equation, as every binding lists it
/// ([`EgfrEquation::info`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EquationInfo {
    /// The equation.
    pub equation: EgfrEquation,
    /// Its stable slug (`ckd_epi_2021_cr`).
    pub slug: String,
    /// The paper, with its DOI.
    pub source: String,
    /// The unit of its result.
    pub unit: String,
    /// Whether it gives eGFR per 1.73 m² (all but Cockcroft–Gault).
    pub normalised: bool,
    /// Youngest age, inclusive.
    pub min_age: u32,
    /// Oldest age, inclusive.
    pub max_age: u32,
    /// The inputs it reads besides age and sex: `creatinine`, `cystatin_c`, `weight_kg`.
    pub needs: Vec<String>,
}

impl fmt::Display for EgfrEquation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// The inputs of a GFR estimate. Equations use what they need and ignore the rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EgfrInputs {
    /// Age in completed years.
    pub age: Age,
    /// Sex.
    pub sex: Sex,
    /// Serum creatinine (IDMS-traceable).
    pub creatinine: Option<SerumCreatinine>,
    /// Serum cystatin C (standardised to ERM-DA471/IFCC).
    pub cystatin_c: Option<CystatinC>,
    /// Body weight, for Cockcroft–Gault.
    pub weight: Option<Mass>,
    /// Apply the Black-race coefficient of CKD-EPI 2009, CKD-EPI 2012 Cr–Cys and MDRD. The
    /// 2021 equations, EKFC, CKD-EPI 2012 Cys and Cockcroft–Gault have none and ignore it.
    pub black: bool,
}

impl EgfrInputs {
    /// Inputs with age and sex only; add lab values with the `with_` methods.
    pub fn new(age: Age, sex: Sex) -> Self {
        EgfrInputs { age, sex, creatinine: None, cystatin_c: None, weight: None, black: false }
    }
    /// Adds serum creatinine.
    pub fn with_creatinine(mut self, creatinine: SerumCreatinine) -> Self {
        self.creatinine = Some(creatinine);
        self
    }
    /// Adds cystatin C.
    pub fn with_cystatin_c(mut self, cystatin_c: CystatinC) -> Self {
        self.cystatin_c = Some(cystatin_c);
        self
    }
    /// Adds body weight.
    pub fn with_weight(mut self, weight: Mass) -> Self {
        self.weight = Some(weight);
        self
    }
    /// Sets the Black-race coefficient flag.
    pub fn with_black(mut self, black: bool) -> Self {
        self.black = black;
        self
    }
}

/// The result of an estimate, recording the equation that produced it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GfrEstimate {
    /// GFR per 1.73 m² body-surface area.
    Egfr {
        /// The equation.
        equation: EgfrEquation,
        /// The estimate.
        egfr: Egfr,
    },
    /// Cockcroft–Gault creatinine clearance of this body, mL/min, not normalised.
    CreatinineClearance {
        /// The clearance.
        clearance: CreatinineClearance,
    },
}

impl GfrEstimate {
    /// The equation that produced this estimate.
    pub fn equation(&self) -> EgfrEquation {
        match self {
            GfrEstimate::Egfr { equation, .. } => *equation,
            GfrEstimate::CreatinineClearance { .. } => EgfrEquation::CockcroftGault,
        }
    }
    /// The number, in [`GfrEstimate::unit`].
    pub fn value(&self) -> f64 {
        match self {
            GfrEstimate::Egfr { egfr, .. } => egfr.canonical(),
            GfrEstimate::CreatinineClearance { clearance } => clearance.canonical(),
        }
    }
    /// mL/min/1.73m² or, for Cockcroft–Gault, mL/min.
    pub fn unit(&self) -> Unit {
        self.equation().result_unit()
    }
    /// The normalised eGFR, or `None` for a Cockcroft–Gault clearance.
    pub fn egfr(&self) -> Option<Egfr> {
        match self {
            GfrEstimate::Egfr { egfr, .. } => Some(*egfr),
            GfrEstimate::CreatinineClearance { .. } => None,
        }
    }
}

/// The numbers an equation runs on, in its published units; what [`evaluate`] checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Row {
    pub age: f64,
    pub female: bool,
    pub black: bool,
    pub scr_mg_dl: Option<f64>,
    pub scys_mg_l: Option<f64>,
    pub weight_kg: Option<f64>,
}

/// A checked row, ready to compute: a log-linear form, or (Cockcroft–Gault) the value itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Prepared {
    Form(log_linear::LogLinear),
    Direct(f64),
}

/// Why [`prepare`] refused a row: the small, copyable form of the [`EgfrError`]s it can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrepareError {
    AgeOutOfRange,
    MissingInput(&'static str),
    WeightOutOfBounds,
}

impl PrepareError {
    fn into_egfr(self, equation: EgfrEquation) -> EgfrError {
        match self {
            PrepareError::AgeOutOfRange => {
                let (min, max) = equation.age_range();
                EgfrError::AgeOutOfRange { equation, min, max }
            }
            PrepareError::MissingInput(input) => EgfrError::MissingInput { equation, input },
            PrepareError::WeightOutOfBounds => EgfrError::WeightOutOfBounds { min: WEIGHT_MIN_KG, max: WEIGHT_MAX_KG },
        }
    }
}

/// Checks that `row` has what `equation` needs within its ranges, and prepares the
/// computation. Shared by [`estimate`] and the batch, so both give the same answer and error.
#[inline]
pub(crate) fn prepare(equation: EgfrEquation, row: &Row) -> Result<Prepared, PrepareError> {
    let (min, max) = equation.age_range();
    if row.age < f64::from(min) || row.age > f64::from(max) {
        return Err(PrepareError::AgeOutOfRange);
    }
    let need = |value: Option<f64>, needed: bool, input: &'static str| -> Result<f64, PrepareError> {
        match value {
            Some(v) => Ok(v),
            None if needed => Err(PrepareError::MissingInput(input)),
            None => Ok(f64::NAN),
        }
    };
    let scr = need(row.scr_mg_dl, equation.needs_creatinine(), "creatinine")?;
    let scys = need(row.scys_mg_l, equation.needs_cystatin_c(), "cystatin_c")?;
    let weight = need(row.weight_kg, equation.needs_weight(), "weight")?;
    if equation.needs_weight() && !(WEIGHT_MIN_KG..=WEIGHT_MAX_KG).contains(&weight) {
        return Err(PrepareError::WeightOutOfBounds);
    }
    Ok(match form(equation, row, scr, scys) {
        Some(form) => Prepared::Form(form),
        None if equation == EgfrEquation::Ekfc2023CrCys => {
            Prepared::Direct(equations::ekfc_cr_cys(scr, scys, row.age, row.female))
        }
        None => Prepared::Direct(equations::cockcroft_gault(scr, row.age, row.female, weight)),
    })
}

/// The kind of result an equation gives.
pub(crate) fn result_kind(equation: EgfrEquation) -> AnalyteKind {
    if equation.is_normalised() {
        AnalyteKind::Egfr
    } else {
        AnalyteKind::CreatinineClearance
    }
}

/// Checks a computed value against the plausibility bounds of the result.
#[inline]
pub(crate) fn finish(equation: EgfrEquation, value: f64) -> Result<f64, crate::lab::ValueProblem> {
    result_kind(equation).check_value(value, value)
}

/// [`prepare`], compute, [`finish`]: one row.
pub(crate) fn evaluate(equation: EgfrEquation, row: &Row) -> Result<f64, EgfrError> {
    let value = match prepare(equation, row).map_err(|e| e.into_egfr(equation))? {
        Prepared::Form(form) => form.eval(),
        Prepared::Direct(value) => value,
    };
    Ok(result_kind(equation).check_entered(value, value)?)
}

/// Binds `$f` to the log-linear form builder of equation `$eq` — a closure of (age, female,
/// black, creatinine mg/dL, cystatin C mg/L) — and evaluates `$body`; `$none` for
/// Cockcroft–Gault, which is not a product of powers. The one mapping from equation to formula,
/// shared by the scalar path and the batch (which gets one specialised loop per equation).
macro_rules! with_form {
    ($eq:expr, $f:ident => $body:expr, $none:expr) => {
        match $eq {
            EgfrEquation::CkdEpi2009Cr => {
                let $f = |age: f64, female: bool, black: bool, scr: f64, _: f64| {
                    equations::CKD_EPI_2009_CR.log_linear(scr, f64::NAN, age, female, black)
                };
                $body
            }
            EgfrEquation::CkdEpi2021Cr => {
                let $f = |age: f64, female: bool, _: bool, scr: f64, _: f64| {
                    equations::CKD_EPI_2021_CR.log_linear(scr, f64::NAN, age, female, false)
                };
                $body
            }
            EgfrEquation::CkdEpi2012Cys => {
                let $f = |age: f64, female: bool, _: bool, _: f64, scys: f64| {
                    equations::CKD_EPI_2012_CYS.log_linear(f64::NAN, scys, age, female, false)
                };
                $body
            }
            EgfrEquation::CkdEpi2012CrCys => {
                let $f = |age: f64, female: bool, black: bool, scr: f64, scys: f64| {
                    equations::CKD_EPI_2012_CR_CYS.log_linear(scr, scys, age, female, black)
                };
                $body
            }
            EgfrEquation::CkdEpi2021CrCys => {
                let $f = |age: f64, female: bool, _: bool, scr: f64, scys: f64| {
                    equations::CKD_EPI_2021_CR_CYS.log_linear(scr, scys, age, female, false)
                };
                $body
            }
            EgfrEquation::Ekfc2021Cr => {
                let $f = |age: f64, female: bool, _: bool, scr: f64, _: f64| {
                    equations::EKFC_2021_CR.log_linear(scr, age, female)
                };
                $body
            }
            EgfrEquation::Ekfc2023Cys => {
                let $f = |age: f64, _: bool, _: bool, _: f64, scys: f64| {
                    equations::EKFC_2023_CYS.log_linear(scys, age, false)
                };
                $body
            }
            EgfrEquation::Mdrd4Idms => {
                let $f = |age: f64, female: bool, black: bool, scr: f64, _: f64| {
                    equations::MDRD4_IDMS.log_linear(scr, age, female, black)
                };
                $body
            }
            // Not products of powers: computed row by row.
            EgfrEquation::CockcroftGault | EgfrEquation::Ekfc2023CrCys => $none,
        }
    };
}
pub(crate) use with_form;

/// The log-linear form of `equation` for a checked row; `None` for Cockcroft–Gault.
#[inline]
pub(crate) fn form(equation: EgfrEquation, row: &Row, scr: f64, scys: f64) -> Option<log_linear::LogLinear> {
    with_form!(equation, f => Some(f(row.age, row.female, row.black, scr, scys)), None)
}

/// mg/dL of creatinine in one µmol/L: the molar mass over 10 000 (see [`crate::lab::chemistry`]).
pub(crate) const MG_DL_PER_UMOL: f64 = crate::lab::chemistry::CREATININE_G_PER_MOL / 10_000.0;

/// Estimates GFR (or, for Cockcroft–Gault, creatinine clearance) by `equation`.
///
/// # Errors
/// [`EgfrError::MissingInput`] if the equation needs a value that `inputs` lacks;
/// [`EgfrError::AgeOutOfRange`] outside [`EgfrEquation::age_range`];
/// [`EgfrError::WeightOutOfBounds`] for Cockcroft–Gault with a weight outside
/// [`WEIGHT_MIN_KG`]–[`WEIGHT_MAX_KG`]; [`EgfrError::Lab`] if the result itself is outside
/// the plausibility bounds of the result (for the lowest creatinines: `docs/interpretation.md`,
/// "Plausibility bounds of lab values").
///
/// # Examples
/// ```
/// use amimestrocel_dkd::demographics::{Age, Sex};
/// use amimestrocel_dkd::egfr::{estimate, EgfrEquation, EgfrError, EgfrInputs};
/// let inputs = EgfrInputs::new(Age::from_years(50)?, Sex::Male);
/// assert!(matches!(
///     estimate(EgfrEquation::CkdEpi2021Cr, &inputs),
///     Err(EgfrError::MissingInput { input: "creatinine", .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn estimate(equation: EgfrEquation, inputs: &EgfrInputs) -> Result<GfrEstimate, EgfrError> {
    let row = Row {
        age: f64::from(inputs.age.years()),
        female: inputs.sex == Sex::Female,
        black: inputs.black,
        scr_mg_dl: inputs.creatinine.map(|c| c.canonical() * MG_DL_PER_UMOL),
        scys_mg_l: inputs.cystatin_c.map(|c| c.canonical()),
        weight_kg: match inputs.weight {
            Some(w) if w.get::<kilogram>().is_finite() => Some(w.get::<kilogram>()),
            Some(_) => return Err(EgfrError::WeightOutOfBounds { min: WEIGHT_MIN_KG, max: WEIGHT_MAX_KG }),
            None => None,
        },
    };
    let value = evaluate(equation, &row)?;
    Ok(if equation.is_normalised() {
        GfrEstimate::Egfr { equation, egfr: Egfr::with_unit(value, AnalyteKind::Egfr.canonical_unit())? }
    } else {
        GfrEstimate::CreatinineClearance {
            clearance: CreatinineClearance::with_unit(value, AnalyteKind::CreatinineClearance.canonical_unit())?,
        }
    })
}

#[cfg(test)]
mod tests;
