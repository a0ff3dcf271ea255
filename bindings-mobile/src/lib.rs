//! # amimestrocel-dkd-mobile
//!
//! Kotlin and Swift bindings, through [uniffi](https://mozilla.github.io/uniffi-rs/) 0.32
//! proc-macros, for the `amimestrocel_dkd` core crate (the NCT06969807 protocol as code).
//!
//! Core's types cross as they are (ADR 0008): each enum and record of the screening record and
//! result, each analyte, equation and sex, is core's own type declared to uniffi with
//! `#[uniffi::remote(...)]`, its fields or variants listed once and checked against core's by
//! the compiler; no conversion code exists for them. A few core values cross as one string each
//! (`uniffi::custom_type!` below): dates, unit text, reasons, evidence field paths and units. A
//! record of this crate's own exists only where the shape must change, and its doc line says
//! why: [`LabValue`](lab::LabValue) (core's `Measurement` keeps its fields private), [`EgfrInputs`](egfr::EgfrInputs) and [`GfrEstimate`](egfr::GfrEstimate) (core
//! holds typed values and a uom mass).
//!
//! Dates are `chrono::NaiveDate`: Kotlin sees `java.time.LocalDate`, Swift `CalendarDate`
//! (`uniffi.toml`; the Swift type is `swift/CalendarDate.swift`, shipped with the generated file).
//! Neither can hold a date that does not exist: a bad date is refused where the app makes it
//! (`LocalDate.parse`, `CalendarDate(_:)` through [`parse_date`]), never when a record crosses.
//!
//! Errors: one public [`DkdError`] with a variant per action the caller can take (fix the input,
//! fix the configuration, report a bug), each with core's stable `kind` slug ([`error`]).
//!
//! Kotlin package `health.amimestrocel.dkd`, Swift module `AmimestrocelDkd` (`uniffi.toml`).
//!
//! ```kotlin
//! import health.amimestrocel.dkd.*
//! val scr = labValue(AnalyteKind.SERUM_CREATININE, 1.6, "mg/dL")
//! val egfr = estimateGfr(protocolDefaultEquation(), EgfrInputs(ageYears = 67, sex = Sex.MALE, creatinine = scr))
//! check(egfr.value >= 20.0) // the protocol's eGFR inclusion threshold
//! ```
//! ```swift
//! import AmimestrocelDkd
//! let scr = try labValue(analyte: .serumCreatinine, value: 1.6, unit: "mg/dL")
//! let egfr = try estimateGfr(equation: try protocolDefaultEquation(), inputs: EgfrInputs(ageYears: 67, sex: .male, creatinine: scr))
//! ```

pub mod egfr;
pub mod eligibility;
pub mod endpoints;
pub mod error;
pub mod instrument;
pub mod lab;
pub mod schedule;

use amimestrocel_dkd::eligibility::{Evidence, EvidenceList};
use amimestrocel_dkd::evaluation::{Field, QuantityUnit, Reason};
use amimestrocel_dkd::lab::UnitText;
use chrono::NaiveDate;
use std::borrow::Cow;
use uniffi::deps::anyhow;

pub use error::DkdError;

uniffi::setup_scaffolding!();

/// A value made by the library that the foreign side cannot hand back (reasons, field paths):
/// no function takes one, so this is never raised; if a future one did, the caller would get a
/// typed error rather than a panic.
fn not_read(what: &str) -> anyhow::Error {
    anyhow::Error::new(DkdError::InvalidInput {
        kind: "malformed".to_owned(),
        reason: format!("{what} is written by the library and cannot be read back"),
        path: String::new(),
    })
}

// A date: `YYYY-MM-DD`, read strictly as core reads dates in JSON.
uniffi::custom_type!(NaiveDate, String, {
    remote,
    try_lift: |text| amimestrocel_dkd::date::parse_iso_date(&text).map_err(|_| anyhow::Error::new(DkdError::invalid_date(""))),
    lower: |date| date.format("%Y-%m-%d").to_string(),
});

/// Reads a `YYYY-MM-DD` date as core reads dates: ten characters, a day that exists. Swift's
/// `CalendarDate(_:)` is made through it, so that a Swift date is refused where it is made, with
/// core's rule; Kotlin has `LocalDate.parse`.
///
/// # Errors
/// `InvalidInput` of kind `invalid_date`.
///
/// ```swift
/// let day = try CalendarDate("2024-02-29")
/// ```
#[uniffi::export]
pub fn parse_date(text: String) -> Result<NaiveDate, DkdError> {
    error::guard(|| amimestrocel_dkd::date::parse_iso_date(&text).map_err(|_| DkdError::invalid_date("")))
}

// A unit as entered (`mg/dL`); checked by the function that reads its value.
uniffi::custom_type!(UnitText, String, {
    remote,
    try_lift: |text| Ok(UnitText::from(text)),
    lower: |unit| String::from(unit),
});

// Why a criterion came out as it did, as one sentence.
uniffi::custom_type!(Reason, String, {
    remote,
    try_lift: |_text| Err(not_read("a reason")),
    lower: |reason| reason.to_string(),
});

// The field path of a piece of evidence (`labs.uacr[2]`).
uniffi::custom_type!(Field, String, {
    remote,
    try_lift: |_text| Err(not_read("an evidence field")),
    lower: |field| field.to_string(),
});

// The unit of an evidence quantity (`mg/g`, `years`).
uniffi::custom_type!(QuantityUnit, String, {
    remote,
    try_lift: |_text| Err(not_read("an evidence unit")),
    lower: |unit| unit.to_string(),
});

// The evidence of a criterion, a list (core keeps the first two inline).
uniffi::custom_type!(EvidenceList, Vec<Evidence>, {
    remote,
    try_lift: |items| Ok(items.into_iter().collect()),
    lower: |list| list.into_vec(),
});

/// The configuration version of a result, as core holds it (borrowed for the default one).
pub type ConfigVersion = Cow<'static, str>;

// The configuration version of a result, a string.
uniffi::custom_type!(ConfigVersion, String, {
    remote,
    try_lift: |text| Ok(Cow::Owned(text)),
    lower: |version| version.into_owned(),
});

#[cfg(test)]
mod tests;
