//! The two public error types of the mobile bindings and their conversion from core.
//!
//! Core has a rich error per concern (`lab::LabError`, `egfr::EgfrError`,
//! `demographics::DemographicsError`). Here each becomes a small, flat-field enum that uniffi can
//! carry: Kotlin sees a `sealed class LabException` / `EgfrException`, Swift an
//! `enum LabError: Error` / `EgfrError: Error`. Every variant carries
//!
//! - `kind`: core's stable snake_case slug (`unknown_unit`, `missing_input`, …), the same in
//!   every language, to switch on;
//! - `reason`: core's `Display` text, for people (no value of a person appears in it);
//!
//! and the variant's own fields as strings and numbers. Each core type is converted in exactly
//! one `From` impl below, with one `match`; `src/tests.rs` pins every message.
//!
//! (The field is called `reason`, not `message`: a field `message` would clash with Kotlin's
//! `Throwable.message`.)

use amimestrocel_dkd::demographics::DemographicsError as CoreDemographicsError;
use amimestrocel_dkd::egfr::EgfrError as CoreEgfrError;
use amimestrocel_dkd::lab::LabError as CoreLabError;

/// Kind of [`LabError::InvalidJson`]: the text is not a lab value in JSON.
pub const INVALID_JSON: &str = "invalid_json";
/// Kind of [`EgfrError::InvalidDate`]: a date argument is not `YYYY-MM-DD`.
pub const INVALID_DATE: &str = "invalid_date";

// ------------------------------------------------------------------------
// error definitions
// ------------------------------------------------------------------------

/// Why a lab value was refused.
///
/// `kind` is the stable slug to switch on, `reason` the text for people.
///
/// ```kotlin
/// try { labValue(Analyte.SERUM_CREATININE, 1.0, "mg/furlong") }
/// catch (e: LabException.UnknownUnit) { check(e.kind == "unknown_unit" && e.unit == "mg/furlong") }
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum LabError {
    /// The unit text names no unit this library knows.
    ///
    /// ```kotlin
    /// parseUnit("mg/furlong") // throws LabException.UnknownUnit(unit = "mg/furlong")
    /// ```
    #[error("{reason}")]
    UnknownUnit {
        /// `unknown_unit`.
        kind: String,
        /// E.g. "unknown unit `mg/furlong`".
        reason: String,
        /// The text as given.
        unit: String,
    },
    /// The unit is known but does not fit the analyte.
    ///
    /// ```kotlin
    /// labValue(Analyte.POTASSIUM, 4.0, "mg/dL") // throws LabException.UnitNotForAnalyte
    /// ```
    #[error("{reason}")]
    UnitNotForAnalyte {
        /// `unit_not_for_analyte`.
        kind: String,
        /// E.g. "unit `mg/dL` does not fit potassium (accepted: mmol/L, mEq/L)".
        reason: String,
        /// The analyte's slug, e.g. `potassium`.
        analyte: String,
        /// The unit given, in its canonical spelling.
        unit: String,
        /// The accepted units, comma-separated, canonical first.
        accepted: String,
    },
    /// The slug names no analyte.
    ///
    /// ```kotlin
    /// parseAnalyte("serum_unobtainium") // throws LabException.UnknownAnalyte(name = "serum_unobtainium")
    /// ```
    #[error("{reason}")]
    UnknownAnalyte {
        /// `unknown_analyte`.
        kind: String,
        /// E.g. "unknown analyte `serum_unobtainium`".
        reason: String,
        /// The slug as given.
        name: String,
    },
    /// NaN or an infinity.
    ///
    /// ```kotlin
    /// labValue(Analyte.SERUM_CREATININE, Double.NaN, "mg/dL") // throws LabException.NotFinite
    /// ```
    #[error("{reason}")]
    NotFinite {
        /// `not_finite`.
        kind: String,
        /// E.g. "serum creatinine is not a finite number".
        reason: String,
        /// The analyte's slug.
        analyte: String,
    },
    /// A negative value.
    ///
    /// ```kotlin
    /// labValue(Analyte.UACR, -1.0, "mg/g") // throws LabException.Negative
    /// ```
    #[error("{reason}")]
    Negative {
        /// `negative`.
        kind: String,
        /// E.g. "urine albumin-to-creatinine ratio is negative".
        reason: String,
        /// The analyte's slug.
        analyte: String,
    },
    /// Outside the analyte's plausibility bounds (stated in its canonical unit).
    ///
    /// ```kotlin
    /// labValue(Analyte.POTASSIUM, 20.0, "mmol/L") // throws LabException.OutOfBounds(min = 1.0, max = 15.0)
    /// ```
    #[error("{reason}")]
    OutOfBounds {
        /// `out_of_bounds`.
        kind: String,
        /// E.g. "potassium is outside the plausible range 1–15 mmol/L".
        reason: String,
        /// The analyte's slug.
        analyte: String,
        /// Lower bound, inclusive, in `unit`.
        min: f64,
        /// Upper bound, inclusive, in `unit`.
        max: f64,
        /// The analyte's canonical unit, in which the bounds are stated.
        unit: String,
    },
    /// The text is not a lab value in JSON (`{"value": <number>, "unit": <text>}`).
    ///
    /// ```kotlin
    /// labValueFromJson(Analyte.SERUM_CREATININE, "{") // throws LabException.InvalidJson
    /// ```
    #[error("{reason}")]
    InvalidJson {
        /// `invalid_json`.
        kind: String,
        /// Where the JSON went wrong (line and column); never the text itself.
        reason: String,
    },
}

/// Why a GFR estimate, an age or a sex could not be had.
///
/// `kind` is the stable slug to switch on, `reason` the text for people.
///
/// ```kotlin
/// try { estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(ageYears = 50, sex = Sex.MALE)) }
/// catch (e: EgfrException.MissingInput) { check(e.input == "creatinine") }
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum EgfrError {
    /// The slug names no equation.
    ///
    /// ```kotlin
    /// parseEquation("ckd_epi") // throws EgfrException.UnknownEquation(name = "ckd_epi")
    /// ```
    #[error("{reason}")]
    UnknownEquation {
        /// `unknown_equation`.
        kind: String,
        /// E.g. "unknown equation `ckd_epi`".
        reason: String,
        /// The slug as given.
        name: String,
    },
    /// The equation needs an input that was not given.
    ///
    /// ```kotlin
    /// estimateGfr(EgfrEquation.COCKCROFT_GAULT, EgfrInput(50, Sex.MALE, creatinine = scr)) // input = "weight"
    /// ```
    #[error("{reason}")]
    MissingInput {
        /// `missing_input`.
        kind: String,
        /// E.g. "cockcroft_gault needs weight".
        reason: String,
        /// The equation's slug.
        equation: String,
        /// `creatinine`, `cystatin_c` or `weight`.
        input: String,
    },
    /// Age outside the equation's range.
    ///
    /// ```kotlin
    /// estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(17, Sex.FEMALE, creatinine = scr)) // min = 18
    /// ```
    #[error("{reason}")]
    AgeOutOfRange {
        /// `age_out_of_range`.
        kind: String,
        /// E.g. "age is outside the range 18–125 years of ckd_epi_2021_cr".
        reason: String,
        /// The equation's slug.
        equation: String,
        /// Youngest age, inclusive, years.
        min: u32,
        /// Oldest age, inclusive, years.
        max: u32,
    },
    /// Body weight NaN, infinite, or outside the accepted range.
    ///
    /// ```kotlin
    /// estimateGfr(EgfrEquation.COCKCROFT_GAULT, EgfrInput(50, Sex.MALE, scr, weightKg = 5.0)) // min = 20.0
    /// ```
    #[error("{reason}")]
    WeightOutOfBounds {
        /// `weight_out_of_bounds`.
        kind: String,
        /// E.g. "weight is not within 20–400 kg".
        reason: String,
        /// Smallest weight, inclusive, kg.
        min: f64,
        /// Largest weight, inclusive, kg.
        max: f64,
    },
    /// Columns of a batch differ in length. Core's batch API raises it; no function of these
    /// bindings does today, but the variant keeps the conversion total.
    ///
    /// ```kotlin
    /// is EgfrException.ColumnLength -> e.column // e.g. "creatinine"
    /// ```
    #[error("{reason}")]
    ColumnLength {
        /// `column_length`.
        kind: String,
        /// E.g. "column `creatinine` has 2 rows, expected 3".
        reason: String,
        /// The column's name.
        column: String,
        /// Rows expected.
        expected: u64,
        /// Rows found.
        actual: u64,
    },
    /// A lab value inside the estimate was refused (or the result itself is outside eGFR's
    /// plausibility bounds); `kind` is the lab error's slug (`negative`, `out_of_bounds`, …).
    ///
    /// ```kotlin
    /// estimateGfr(eq, input.copy(creatinine = scr.copy(value = -1.0))) // Lab(kind = "negative")
    /// ```
    #[error("{reason}")]
    Lab {
        /// The lab error's slug, e.g. `unit_not_for_analyte`.
        kind: String,
        /// The lab error's text.
        reason: String,
    },
    /// An age that is negative, fractional, non-finite or beyond the oldest accepted.
    ///
    /// ```kotlin
    /// ageFromYears(50.5) // throws EgfrException.InvalidAge(max = 125)
    /// ```
    #[error("{reason}")]
    InvalidAge {
        /// `invalid_age`.
        kind: String,
        /// E.g. "age is not a whole number of years between 0 and 125".
        reason: String,
        /// Largest accepted age, years.
        max: u32,
    },
    /// The text names no sex this library reads.
    ///
    /// ```kotlin
    /// parseSex("x") // throws EgfrException.UnknownSex(text = "x")
    /// ```
    #[error("{reason}")]
    UnknownSex {
        /// `unknown_sex`.
        kind: String,
        /// The accepted spellings.
        reason: String,
        /// The text as given.
        text: String,
    },
    /// The date of birth is after the date the age is wanted on.
    ///
    /// ```kotlin
    /// ageOn("2025-01-02", "2025-01-01") // throws EgfrException.BirthAfterDate
    /// ```
    #[error("{reason}")]
    BirthAfterDate {
        /// `birth_after_date`.
        kind: String,
        /// "date of birth is after the date of assessment".
        reason: String,
    },
    /// A date argument is not an ISO-8601 calendar date `YYYY-MM-DD`. The text itself is not
    /// repeated (a date of birth is personal data); `argument` names the parameter.
    ///
    /// ```kotlin
    /// ageOn("01/03/1960", "2025-03-01") // throws EgfrException.InvalidDate(argument = "birth_date")
    /// ```
    #[error("{reason}")]
    InvalidDate {
        /// `invalid_date`.
        kind: String,
        /// E.g. "`birth_date` is not an ISO-8601 date (YYYY-MM-DD)".
        reason: String,
        /// `birth_date` or `on`.
        argument: String,
    },
}

impl LabError {
    /// The binding's own error for JSON that is not a lab value. Only the error's category and
    /// position are kept: serde_json's text can quote the input, which may hold a value.
    pub(crate) fn invalid_json(err: &serde_json::Error) -> Self {
        let what = match err.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "wrong fields or types",
            serde_json::error::Category::Eof => "unexpected end",
        };
        LabError::InvalidJson {
            kind: INVALID_JSON.to_owned(),
            reason: format!(
                "not a lab value in JSON ({what} at line {}, column {}); expected \
                 {{\"value\": <number>, \"unit\": <text>}}",
                err.line(),
                err.column()
            ),
        }
    }
}

impl EgfrError {
    /// The binding's own error for a date argument that does not parse.
    pub(crate) fn invalid_date(argument: &str) -> Self {
        EgfrError::InvalidDate {
            kind: INVALID_DATE.to_owned(),
            reason: format!("`{argument}` is not an ISO-8601 date (YYYY-MM-DD)"),
            argument: argument.to_owned(),
        }
    }
}

// ------------------------------------------------------------------------
// conversions from core: one impl, one match, per core type
// ------------------------------------------------------------------------

impl From<CoreLabError> for LabError {
    fn from(err: CoreLabError) -> Self {
        let kind = err.kind().to_owned();
        let reason = err.to_string();
        match err {
            CoreLabError::UnknownUnit { unit } => LabError::UnknownUnit { kind, reason, unit },
            CoreLabError::UnitNotForAnalyte { analyte, unit, accepted } => LabError::UnitNotForAnalyte {
                kind,
                reason,
                analyte: analyte.slug().to_owned(),
                unit: unit.as_str().to_owned(),
                accepted,
            },
            CoreLabError::UnknownAnalyte { name } => LabError::UnknownAnalyte { kind, reason, name },
            CoreLabError::NotFinite { analyte } => {
                LabError::NotFinite { kind, reason, analyte: analyte.slug().to_owned() }
            }
            CoreLabError::Negative { analyte } => {
                LabError::Negative { kind, reason, analyte: analyte.slug().to_owned() }
            }
            CoreLabError::OutOfBounds { analyte, min, max, unit } => LabError::OutOfBounds {
                kind,
                reason,
                analyte: analyte.slug().to_owned(),
                min,
                max,
                unit: unit.as_str().to_owned(),
            },
        }
    }
}

impl From<CoreDemographicsError> for EgfrError {
    fn from(err: CoreDemographicsError) -> Self {
        let kind = err.kind().to_owned();
        let reason = err.to_string();
        match err {
            CoreDemographicsError::UnknownSex { text } => EgfrError::UnknownSex { kind, reason, text },
            CoreDemographicsError::BirthAfterDate => EgfrError::BirthAfterDate { kind, reason },
            CoreDemographicsError::InvalidAge { max } => EgfrError::InvalidAge { kind, reason, max },
        }
    }
}

impl From<CoreEgfrError> for EgfrError {
    fn from(err: CoreEgfrError) -> Self {
        let kind = err.kind().to_owned();
        let reason = err.to_string();
        match err {
            CoreEgfrError::UnknownEquation { name } => EgfrError::UnknownEquation { kind, reason, name },
            CoreEgfrError::MissingInput { equation, input } => {
                EgfrError::MissingInput { kind, reason, equation: equation.slug().to_owned(), input: input.to_owned() }
            }
            CoreEgfrError::AgeOutOfRange { equation, min, max } => {
                EgfrError::AgeOutOfRange { kind, reason, equation: equation.slug().to_owned(), min, max }
            }
            CoreEgfrError::WeightOutOfBounds { min, max } => EgfrError::WeightOutOfBounds { kind, reason, min, max },
            CoreEgfrError::ColumnLength { column, expected, actual } => EgfrError::ColumnLength {
                kind,
                reason,
                column: column.to_owned(),
                expected: expected as u64,
                actual: actual as u64,
            },
            CoreEgfrError::Lab(_) => EgfrError::Lab { kind, reason },
            CoreEgfrError::Demographics(inner) => inner.into(),
        }
    }
}

// ------------------------------------------------------------------------
// catalogue
// ------------------------------------------------------------------------

/// One core error of every variant, in declaration order. [`error_kinds`] reads the slugs from
/// these (so they stay core's), and the tests check that the list covers every variant.
pub(crate) fn core_exemplars() -> (Vec<CoreLabError>, Vec<CoreEgfrError>) {
    use amimestrocel_dkd::egfr::EgfrEquation as Eq;
    use amimestrocel_dkd::lab::{AnalyteKind as A, Unit as U};
    let lab = vec![
        CoreLabError::UnknownUnit { unit: String::new() },
        CoreLabError::UnitNotForAnalyte {
            analyte: A::SerumCreatinine,
            unit: U::MillimeterOfMercury,
            accepted: String::new(),
        },
        CoreLabError::UnknownAnalyte { name: String::new() },
        CoreLabError::NotFinite { analyte: A::SerumCreatinine },
        CoreLabError::Negative { analyte: A::SerumCreatinine },
        CoreLabError::OutOfBounds { analyte: A::SerumCreatinine, min: 0.0, max: 0.0, unit: U::MicromolePerLiter },
    ];
    let egfr = vec![
        CoreEgfrError::UnknownEquation { name: String::new() },
        CoreEgfrError::MissingInput { equation: Eq::CkdEpi2021Cr, input: "creatinine" },
        CoreEgfrError::AgeOutOfRange { equation: Eq::CkdEpi2021Cr, min: 0, max: 0 },
        CoreEgfrError::WeightOutOfBounds { min: 0.0, max: 0.0 },
        CoreEgfrError::ColumnLength { column: "age", expected: 0, actual: 0 },
        CoreEgfrError::Lab(CoreLabError::Negative { analyte: A::SerumCreatinine }),
        CoreEgfrError::Demographics(CoreDemographicsError::UnknownSex { text: String::new() }),
        CoreEgfrError::Demographics(CoreDemographicsError::BirthAfterDate),
        CoreEgfrError::Demographics(CoreDemographicsError::InvalidAge { max: 0 }),
    ];
    (lab, egfr)
}

/// Every error `kind` these bindings can raise, sorted: core's slugs of lab, eGFR and
/// demographic errors, plus `invalid_json` and `invalid_date`. A lab error inside an estimate
/// (`EgfrError.Lab`) carries one of the lab kinds.
///
/// ```kotlin
/// check("unknown_unit" in errorKinds() && "missing_input" in errorKinds())
/// ```
#[uniffi::export]
pub fn error_kinds() -> Vec<String> {
    let (lab, egfr) = core_exemplars();
    let mut kinds: Vec<String> = lab
        .iter()
        .map(|e| e.kind())
        .chain(egfr.iter().map(|e| e.kind()))
        .chain([INVALID_JSON, INVALID_DATE])
        .map(str::to_owned)
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}
