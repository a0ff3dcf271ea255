//! The public error types of the mobile bindings and their conversion from core.
//!
//! Core has a rich error per concern (`lab::LabError`, `egfr::EgfrError`,
//! `demographics::DemographicsError`, `eligibility::ScreeningError` with its `RecordError` and
//! `ConfigError`). Here each becomes a small, flat-field enum that uniffi can carry: Kotlin sees a
//! `sealed class LabException` / `EgfrException` / `ScreeningException`, Swift an
//! `enum LabError: Error` / `EgfrError: Error` / `ScreeningError: Error`. Every variant carries
//!
//! - `kind`: core's stable snake_case slug (`unknown_unit`, `missing_input`, …), the same in
//!   every language, to switch on;
//! - `reason`: core's `Display` text, for people (no value of a person appears in it);
//!
//! and the variant's own fields as strings and numbers (a screening error always has `path`, the
//! field it is about). Each core type is converted in exactly one `From` impl below, with one
//! `match`; `src/tests.rs` pins every message.
//!
//! (The field is called `reason`, not `message`: a field `message` would clash with Kotlin's
//! `Throwable.message`.)

use amimestrocel_dkd::demographics::DemographicsError as CoreDemographicsError;
use amimestrocel_dkd::egfr::EgfrError as CoreEgfrError;
use amimestrocel_dkd::eligibility::{
    ConfigError as CoreConfigError, RecordError as CoreRecordError, ScreeningError as CoreScreeningError,
};
use amimestrocel_dkd::lab::LabError as CoreLabError;

/// Kind of [`EgfrError::InvalidDate`] and [`ScreeningError::InvalidDate`]: a date is not
/// `YYYY-MM-DD`. The bindings' own kind: core reads dates as typed values or from JSON.
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
    /// A bug inside the library (a Rust panic caught at the boundary), never bad input:
    /// please report it. Raised instead of letting a panic cross into Kotlin or Swift.
    #[error("{reason}")]
    Internal {
        /// `internal_error`.
        kind: String,
        /// A fixed text (a panic's own text could carry a value of the input).
        reason: String,
    },
    /// The unit text names no unit this library knows.
    ///
    /// ```kotlin
    /// parseUnit("mg/furlong") // throws LabException.UnknownUnit(unit = "mg/furlong")
    /// ```
    #[error("{reason}")]
    UnknownUnit {
        /// `unknown_unit`.
        kind: String,
        /// E.g. "unknown unit `mg/furlong` for serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)".
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
        /// What the JSON reader says, with line and column, e.g. "invalid lab value JSON:
        /// missing field `unit` at line 1 column 13".
        reason: String,
    },
    /// A value of one analyte was given where another is expected (a cystatin C value as the
    /// creatinine of an `EgfrInput`). Functions that take a `LabValue` of a fixed analyte report
    /// it inside their own error (`EgfrError.Lab` with this kind); the variant keeps the
    /// conversion total.
    ///
    /// ```kotlin
    /// is LabException.WrongAnalyte -> e.expected // "serum_creatinine"
    /// ```
    #[error("{reason}")]
    WrongAnalyte {
        /// `wrong_analyte`.
        kind: String,
        /// E.g. "a cystatin C value was given where serum creatinine is expected".
        reason: String,
        /// The slug of the analyte expected.
        expected: String,
        /// The slug of the analyte given.
        found: String,
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
    /// A bug inside the library (a Rust panic caught at the boundary), never bad input:
    /// please report it. Raised instead of letting a panic cross into Kotlin or Swift.
    #[error("{reason}")]
    Internal {
        /// `internal_error`.
        kind: String,
        /// A fixed text (a panic's own text could carry a value of the input).
        reason: String,
    },
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

/// Why a screening record (or a configuration) was refused. Every variant has `kind` (the stable
/// slug to switch on), `reason` (the text for people) and `path`, the field it is about, written
/// as in the record's JSON: `labs.uacr[0].date`, `medications[1].end`, `.` for the whole text.
///
/// Messages carry field names and units, never a value of the record (no id, no date, no lab
/// value).
///
/// ```kotlin
/// try { screen(record) }
/// catch (e: ScreeningException.DateAfterScreening) { check(e.path == "labs.uacr[0].date") }
/// ```
/// ```swift
/// do { _ = try screen(record: record) }
/// catch let ScreeningError.DateAfterScreening(kind, _, path) { print(kind, path) }
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum ScreeningError {
    /// A bug inside the library (a Rust panic caught at the boundary), never bad input:
    /// please report it. Raised instead of letting a panic cross into Kotlin or Swift.
    #[error("{reason}")]
    Internal {
        /// `internal_error`.
        kind: String,
        /// A fixed text (a panic's own text could carry a value of the input).
        reason: String,
    },
    /// Text that is not a screening record: not JSON, a field of the wrong type, an unknown or a
    /// missing field, a value without its unit.
    ///
    /// ```kotlin
    /// screeningRecordFromJson("""{"id": "X", "sex": "female", "colour": 1}""") // Malformed(path = "colour")
    /// ```
    #[error("{reason}")]
    Malformed {
        /// `malformed`.
        kind: String,
        /// E.g. "colour: unknown field `colour`, expected one of `id`, `sex`, …".
        reason: String,
        /// The field (`.` for the document itself).
        path: String,
    },
    /// A lab value (or blood pressure) of the record was refused; `kind` is the lab error's slug
    /// (`unknown_unit`, `unit_not_for_analyte`, `not_finite`, `negative`, `out_of_bounds`).
    ///
    /// ```kotlin
    /// // labs.creatinine[0] in "mg/furlong": Lab(kind = "unknown_unit", path = "labs.creatinine[0]")
    /// ```
    #[error("{reason}")]
    Lab {
        /// The lab error's slug, e.g. `unit_not_for_analyte`.
        kind: String,
        /// E.g. ``labs.hba1c[0]: unit `mg/dL` does not fit HbA1c (accepted: mmol/mol, %)``.
        reason: String,
        /// The entry, e.g. `labs.hba1c[0]` or `blood_pressures[2].systolic`.
        path: String,
    },
    /// A date after the screening date.
    ///
    /// ```kotlin
    /// // a UACR dated after screeningDate: DateAfterScreening(path = "labs.uacr[0].date")
    /// ```
    #[error("{reason}")]
    DateAfterScreening {
        /// `date_after_screening`.
        kind: String,
        /// E.g. `labs.uacr[0].date: date is after the screening date`.
        reason: String,
        /// The date's field.
        path: String,
    },
    /// An end before its start, or a date of birth after the screening date.
    ///
    /// ```kotlin
    /// // a medication that ends before it starts: DatesOutOfOrder(path = "medications[0].end", start = "start")
    /// ```
    #[error("{reason}")]
    DatesOutOfOrder {
        /// `dates_out_of_order`.
        kind: String,
        /// E.g. ``medications[0].end: date is before `start` of the same entry``.
        reason: String,
        /// The later date's field (`screening_date` when the birth date is after it).
        path: String,
        /// The name of the earlier field of the same entry (`start`, `onset`, `date_of_birth`).
        start: String,
    },
    /// A number outside what its field allows (an NYHA class of 5, a negative viral load).
    ///
    /// ```kotlin
    /// // Condition(HEART_FAILURE, nyhaClass = 5u): InvalidValue(path = "conditions[0].nyha_class")
    /// ```
    #[error("{reason}")]
    InvalidValue {
        /// `invalid_value`.
        kind: String,
        /// E.g. `conditions[0].nyha_class: NYHA class is 1, 2, 3 or 4`.
        reason: String,
        /// The field.
        path: String,
    },
    /// A date of a typed record is not an ISO-8601 calendar date `YYYY-MM-DD` (JSON text with a
    /// bad date is `Malformed`, as core reads it). The text itself is not repeated.
    ///
    /// ```kotlin
    /// screen(record.copy(screeningDate = "01/06/2025")) // InvalidDate(path = "screening_date")
    /// ```
    #[error("{reason}")]
    InvalidDate {
        /// `invalid_date`.
        kind: String,
        /// E.g. "screening_date: not an ISO-8601 date (YYYY-MM-DD)".
        reason: String,
        /// The field, e.g. `labs.uacr[0].date`.
        path: String,
    },
    /// The protocol configuration is not valid JSON of a configuration, or is inconsistent (a
    /// threshold in a unit that does not fit its analyte, a minimum above its maximum).
    ///
    /// ```kotlin
    /// screenWithConfig(record, """{"uacr": {"bound": "above", "value": 1000, "unit": "mmHg"}}""") // path = "uacr"
    /// ```
    #[error("{reason}")]
    InvalidConfig {
        /// `invalid_config`.
        kind: String,
        /// E.g. "configuration field `uacr`: unit `mmHg` does not fit urine albumin-to-creatinine ratio …".
        reason: String,
        /// The configuration field (`.` for the document itself).
        path: String,
    },
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
            CoreLabError::UnknownUnit { unit, .. } => LabError::UnknownUnit { kind, reason, unit },
            CoreLabError::UnitNotForAnalyte { analyte, unit, accepted } => LabError::UnitNotForAnalyte {
                kind,
                reason,
                analyte: analyte.slug().to_owned(),
                unit: unit.as_str().to_owned(),
                accepted,
            },
            CoreLabError::InvalidJson { .. } => LabError::InvalidJson { kind, reason },
            CoreLabError::UnknownAnalyte { name } => LabError::UnknownAnalyte { kind, reason, name },
            CoreLabError::NotFinite { analyte } => {
                LabError::NotFinite { kind, reason, analyte: analyte.slug().to_owned() }
            }
            CoreLabError::Negative { analyte } => {
                LabError::Negative { kind, reason, analyte: analyte.slug().to_owned() }
            }
            CoreLabError::WrongAnalyte { expected, found } => LabError::WrongAnalyte {
                kind,
                reason,
                expected: expected.slug().to_owned(),
                found: found.slug().to_owned(),
            },
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

impl From<CoreScreeningError> for ScreeningError {
    fn from(err: CoreScreeningError) -> Self {
        let kind = err.kind().to_owned();
        let reason = err.to_string();
        match err {
            CoreScreeningError::Record(record) => {
                let path = record.path().to_owned();
                match record {
                    CoreRecordError::Malformed { .. } => ScreeningError::Malformed { kind, reason, path },
                    CoreRecordError::Lab { .. } => ScreeningError::Lab { kind, reason, path },
                    CoreRecordError::AfterScreening { .. } => ScreeningError::DateAfterScreening { kind, reason, path },
                    CoreRecordError::OutOfOrder { start, .. } => {
                        ScreeningError::DatesOutOfOrder { kind, reason, path, start }
                    }
                    CoreRecordError::Invalid { .. } => ScreeningError::InvalidValue { kind, reason, path },
                }
            }
            CoreScreeningError::Config(CoreConfigError { field, .. }) => {
                ScreeningError::InvalidConfig { kind, reason, path: field.clone() }
            }
        }
    }
}

impl From<CoreRecordError> for ScreeningError {
    fn from(err: CoreRecordError) -> Self {
        CoreScreeningError::Record(err).into()
    }
}

impl ScreeningError {
    /// The binding's own error for a date of a typed record that does not parse.
    pub(crate) fn invalid_date(path: String) -> Self {
        ScreeningError::InvalidDate {
            kind: INVALID_DATE.to_owned(),
            reason: format!("{path}: not an ISO-8601 date (YYYY-MM-DD)"),
            path,
        }
    }
}

/// Core's kind of a configuration error (`invalid_config`; core lists no `KINDS` for it).
fn invalid_config_kind() -> &'static str {
    CoreScreeningError::Config(CoreConfigError { field: String::new(), reason: String::new() }).kind()
}

// ------------------------------------------------------------------------
// panics
// ------------------------------------------------------------------------

/// The kind of every error's `Internal` variant.
pub const INTERNAL_ERROR: &str = "internal_error";
const INTERNAL_REASON: &str =
    "internal error in amimestrocel-dkd (a bug): please report it with the call that raised it";

/// An error type with an `Internal` variant, for [`guard`].
pub trait Internal {
    /// The `Internal` variant.
    fn internal() -> Self;
}

impl Internal for LabError {
    fn internal() -> Self {
        LabError::Internal { kind: INTERNAL_ERROR.to_owned(), reason: INTERNAL_REASON.to_owned() }
    }
}

impl Internal for EgfrError {
    fn internal() -> Self {
        EgfrError::Internal { kind: INTERNAL_ERROR.to_owned(), reason: INTERNAL_REASON.to_owned() }
    }
}

impl Internal for ScreeningError {
    fn internal() -> Self {
        ScreeningError::Internal { kind: INTERNAL_ERROR.to_owned(), reason: INTERNAL_REASON.to_owned() }
    }
}

/// Runs the body of an exported function, turning a panic (a bug; none is known) into the
/// function's own error type, `Internal` variant: Kotlin gets a typed exception, Swift a thrown
/// error, instead of uniffi's unchecked `InternalException` or a crash of the app (Swift aborts
/// on a panic in a function that does not throw). Every exported function runs its body
/// through here and returns a `Result` (a test checks the sources, another a deliberate panic).
pub fn guard<T, E: Internal>(body: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|_| Err(E::internal()))
}

/// A deliberate panic inside the guard: the test entry point that proves a panic becomes
/// `ScreeningError.Internal` in Kotlin and Swift. Not used by the library.
#[uniffi::export]
pub fn internal_panic_for_test() -> Result<(), ScreeningError> {
    guard(|| std::panic::panic_any("deliberate panic of the no-panic test"))
}

// ------------------------------------------------------------------------
// catalogue
// ------------------------------------------------------------------------

/// Every error `kind` these bindings can raise, sorted: core's catalogues (`KINDS`) of lab, eGFR,
/// demographic and screening-record errors, `invalid_config`, and the bindings' own
/// `invalid_date`. A lab error inside an estimate or a record (`EgfrError.Lab`,
/// `ScreeningError.Lab`) carries one of the lab kinds.
///
/// ```kotlin
/// check("unknown_unit" in errorKinds() && "date_after_screening" in errorKinds())
/// ```
#[uniffi::export]
pub fn error_kinds() -> Result<Vec<String>, ScreeningError> {
    guard(|| {
        let mut kinds: Vec<String> =
            [CoreLabError::KINDS, CoreEgfrError::KINDS, CoreDemographicsError::KINDS, CoreRecordError::KINDS]
                .concat()
                .into_iter()
                .chain([invalid_config_kind(), INVALID_DATE, INTERNAL_ERROR])
                .map(str::to_owned)
                .collect();
        kinds.sort();
        kinds.dedup();
        Ok(kinds)
    })
}
