//! The public error of the mobile bindings, and its one conversion from core's errors.
//!
//! Two layers (application-services' `support/error`): core keeps a rich error per concern
//! (`lab::LabError`, `egfr::EgfrError`, `demographics::DemographicsError`,
//! `eligibility::ScreeningError` with its `RecordError` and `ConfigError`); what crosses into
//! Kotlin and Swift is [`DkdError`], one variant per action the caller can take:
//!
//! - [`DkdError::InvalidInput`]: fix the data given (a lab value, unit, date, record field,
//!   JSON text, eGFR input);
//! - [`DkdError::InvalidConfig`]: fix the protocol configuration;
//! - [`DkdError::Internal`]: a bug in the library; report it.
//!
//! Every variant carries `kind`, core's stable snake_case slug to switch on (the same in every
//! language; [`error_kinds`] lists them all), and `reason`, core's text for people, with no value
//! of a person in it; the input variants also carry `path`, the field concerned
//! (`labs.uacr[1].date`), or "" when the input is not a field of a record. Kotlin sees
//! `sealed class DkdException`, Swift `enum DkdError: Error`.
//!
//! (The field is called `reason`, not `message`: a field `message` would clash with Kotlin's
//! `Throwable.message`.)

use amimestrocel_dkd::demographics::DemographicsError as CoreDemographicsError;
use amimestrocel_dkd::egfr::EgfrError as CoreEgfrError;
use amimestrocel_dkd::eligibility::{ConfigError, RecordError, ScreeningError};
use amimestrocel_dkd::instrument::InstrumentError;
use amimestrocel_dkd::lab::LabError as CoreLabError;
use amimestrocel_dkd::remedy::{Remedy, ReportedError};

/// Kind of a date that is not an ISO-8601 calendar date (`YYYY-MM-DD`) where it enters the
/// bindings (core itself reads dates only as typed values or from JSON).
pub const INVALID_DATE: &str = "invalid_date";
/// Kind of a time that is not RFC 3339 where it enters the bindings.
pub const INVALID_TIME: &str = "invalid_time";
/// Kind of [`DkdError::Internal`].
pub const INTERNAL_ERROR: &str = "internal_error";
/// The text of [`DkdError::Internal`]: fixed, since a panic's own text could carry a value.
const INTERNAL_REASON: &str =
    "internal error in amimestrocel-dkd (a bug): please report it with the call that raised it";

/// Why a call failed, by what the caller can do about it.
///
/// ```kotlin
/// try { labValue(AnalyteKind.SERUM_CREATININE, 1.0, "mg/furlong") }
/// catch (e: DkdException.InvalidInput) { check(e.kind == "unknown_unit") }
/// ```
/// ```swift
/// do { _ = try labValue(analyte: .serumCreatinine, value: 1.0, unit: "mg/furlong") }
/// catch DkdError.InvalidInput(let kind, _, _) { assert(kind == "unknown_unit") }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum DkdError {
    /// The data given must be fixed: a lab value or unit, a date, a field of a screening record,
    /// JSON text, an input of an eGFR equation.
    #[error("{reason}")]
    InvalidInput {
        /// Core's slug: `unknown_unit`, `out_of_bounds`, `missing_input`, `date_after_screening`, …
        kind: String,
        /// E.g. "labs.uacr[0]: unit `mmHg` does not fit urine albumin-to-creatinine ratio (…)".
        reason: String,
        /// The field of the record (`labs.uacr[0]`), or "" for an input that is not one.
        path: String,
    },
    /// The protocol configuration must be fixed.
    #[error("{reason}")]
    InvalidConfig {
        /// `invalid_config`.
        kind: String,
        /// E.g. "configuration field `uacr`: unit `mmHg` does not fit urine albumin-to-creatinine ratio …".
        reason: String,
        /// The configuration field (`uacr`, `uacr.bound`, `.` for the text itself).
        path: String,
    },
    /// A bug inside the library (a Rust panic caught at the boundary), never bad input: please
    /// report it. Raised instead of letting a panic cross into Kotlin or Swift.
    #[error("{reason}")]
    Internal {
        /// `internal_error`.
        kind: String,
        /// A fixed text.
        reason: String,
    },
}

impl DkdError {
    fn input(kind: &str, reason: String, path: &str) -> Self {
        DkdError::InvalidInput { kind: kind.to_owned(), reason, path: path.to_owned() }
    }

    /// A date that is not `YYYY-MM-DD`: raised by `parseDate` (Swift's `CalendarDate`), and
    /// where a date is lifted as text (which neither language's date type can make).
    pub(crate) fn invalid_date(path: &str) -> Self {
        let at = if path.is_empty() { String::new() } else { format!("{path}: ") };
        DkdError::input(INVALID_DATE, format!("{at}a date is not an ISO-8601 calendar date (YYYY-MM-DD)"), path)
    }

    /// A time that is not RFC 3339 (`2025-04-01T10:00:00+08:00`), raised where it is lifted.
    pub(crate) fn invalid_time() -> Self {
        DkdError::input(INVALID_TIME, "a time is not an RFC 3339 date and time with an offset".to_owned(), "")
    }

    pub(crate) fn internal() -> Self {
        DkdError::Internal { kind: INTERNAL_ERROR.to_owned(), reason: INTERNAL_REASON.to_owned() }
    }
}

// ------------------------------------------------------------------------
// the conversion from core: one, for every core error, by what core says must be fixed
// ------------------------------------------------------------------------

impl<E: ReportedError> From<E> for DkdError {
    fn from(err: E) -> Self {
        let (kind, reason, path) = (err.kind().to_owned(), err.to_string(), err.path().to_owned());
        match err.remedy() {
            Remedy::FixInput => DkdError::InvalidInput { kind, reason, path },
            Remedy::FixConfiguration => DkdError::InvalidConfig { kind, reason, path },
        }
    }
}

// ------------------------------------------------------------------------
// panics
// ------------------------------------------------------------------------

/// Runs `body`, turning a panic into [`DkdError::Internal`] (uniffi would otherwise raise its
/// own internal exception, or abort on a panic in a function that does not throw). Every
/// exported function runs its body through here and returns a `Result` (a test checks the
/// sources, another a deliberate panic).
pub fn guard<T>(body: impl FnOnce() -> Result<T, DkdError>) -> Result<T, DkdError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or_else(|_| Err(DkdError::internal()))
}

/// A deliberate panic inside the guard: the test entry point that proves a panic becomes
/// `DkdError.Internal` in Kotlin and Swift. Not used by the library.
#[uniffi::export]
pub fn internal_panic_for_test() -> Result<(), DkdError> {
    guard(|| std::panic::panic_any("deliberate panic of the no-panic test"))
}

/// Every error kind any function can raise, sorted: core's catalogues, `invalid_date` and
/// `internal_error`.
///
/// ```kotlin
/// check("unknown_unit" in errorKinds() && "date_after_screening" in errorKinds())
/// ```
#[uniffi::export]
pub fn error_kinds() -> Result<Vec<String>, DkdError> {
    guard(|| {
        let config = ScreeningError::Config(ConfigError { field: String::new(), reason: String::new() });
        let mut kinds: Vec<String> = [
            CoreLabError::KINDS,
            CoreEgfrError::KINDS,
            CoreDemographicsError::KINDS,
            RecordError::KINDS,
            InstrumentError::KINDS,
            amimestrocel_dkd::schedule::ScheduleError::KINDS,
            amimestrocel_dkd::endpoints::EndpointError::KINDS,
        ]
        .concat()
        .into_iter()
        .chain([config.kind(), INVALID_DATE, INVALID_TIME, INTERNAL_ERROR])
        .map(str::to_owned)
        .collect();
        kinds.sort();
        kinds.dedup();
        Ok(kinds)
    })
}
