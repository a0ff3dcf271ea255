//! # amimestrocel-dkd-mobile
//!
//! Kotlin and Swift bindings, through [uniffi](https://mozilla.github.io/uniffi-rs/) 0.32
//! proc-macros, for the `amimestrocel_dkd` core crate (the NCT06969807 protocol as code). This
//! crate is thin: it converts between uniffi records/enums and core's types and delegates. No
//! formula, unit table, bound or rule lives here; lists (analytes, units, bounds, equations,
//! sources) are read from core.
//!
//! What is exported (Rust `snake_case` names; Kotlin and Swift see them in `camelCase`):
//!
//! - lab values ([`lab`]): [`Analyte`], [`LabValue`], [`AnalyteInfo`]; [`lab_value`],
//!   [`lab_value_in_unit`], [`lab_value_to_json`], [`lab_value_from_json`], [`parse_unit`],
//!   [`parse_analyte`], [`analytes`];
//! - GFR ([`egfr`]): [`EgfrEquation`], [`Sex`], [`EgfrInput`], [`GfrEstimate`],
//!   [`EquationInfo`]; [`estimate_gfr`], [`equations`], [`protocol_default_equation`],
//!   [`parse_equation`], [`parse_sex`], [`age_on`], [`age_from_years`];
//! - eligibility ([`eligibility`]): the typed [`ScreeningRecord`] (with [`Labs`], [`LabEntry`],
//!   [`ViralLoad`], [`BloodPressure`], [`KidneyBiopsy`], [`Medication`], [`Condition`],
//!   [`TrialParticipation`]; dates as `YYYY-MM-DD` strings) and the typed [`ScreeningResult`]
//!   ([`CriterionResult`], [`Evidence`], [`Quantity`]; [`Status`], [`Outcome`], [`CriterionId`],
//!   [`CriterionKind`] with their slugs); [`screen`], [`screen_with_config`],
//!   [`screening_record_from_json`], [`screening_record_to_json`], [`criteria`],
//!   [`parse_criterion_id`], [`default_config_json`];
//! - errors ([`error`]): [`LabError`], [`EgfrError`] and [`ScreeningError`] (Kotlin
//!   `LabException` / `EgfrException` / `ScreeningException`), each variant with `kind` (core's
//!   stable slug) and `reason` (core's text), a screening error also with the field's `path`;
//!   [`error_kinds`] lists every kind.
//!
//! Kotlin package `health.amimestrocel.dkd`, Swift module `AmimestrocelDkd` (`uniffi.toml`).
//!
//! ```kotlin
//! import health.amimestrocel.dkd.*
//! val scr = labValue(Analyte.SERUM_CREATININE, 1.6, "mg/dL")
//! val egfr = estimateGfr(protocolDefaultEquation(), EgfrInput(ageYears = 67, sex = Sex.MALE, creatinine = scr))
//! check(egfr.value >= 20.0) // the protocol's eGFR inclusion threshold
//! ```
//! ```swift
//! import AmimestrocelDkd
//! let scr = try labValue(analyte: .serumCreatinine, value: 1.6, unit: "mg/dL")
//! let egfr = try estimateGfr(equation: try protocolDefaultEquation(), input: EgfrInput(ageYears: 67, sex: .male, creatinine: scr))
//! ```
//!
//! Screening, typed record in, typed result out:
//!
//! ```kotlin
//! val record = ScreeningRecord(
//!     id = "P-001", sex = Sex.FEMALE, dateOfBirth = "1962-07-15", screeningDate = "2025-06-01",
//!     labs = Labs(uacr = listOf(LabEntry(date = "2025-05-20", value = 113.12, unit = "mg/mmol"))),
//! )
//! val result = screen(record)
//! check(result.status == Status.INELIGIBLE) // 113.12 mg/mmol is exactly 1000 mg/g, not > 1000
//! ```
//! ```swift
//! let record = ScreeningRecord(id: "P-001", sex: .female, dateOfBirth: "1962-07-15", screeningDate: "2025-06-01",
//!                              labs: Labs(uacr: [LabEntry(date: "2025-05-20", value: 113.12, unit: "mg/mmol")]))
//! let result = try screen(record: record)
//! ```

pub mod egfr;
pub mod eligibility;
pub mod error;
pub mod lab;

pub use egfr::{
    age_from_years, age_on, equations, estimate_gfr, parse_equation, parse_sex, protocol_default_equation,
    EgfrEquation, EgfrInput, EquationInfo, GfrEstimate, Sex,
};
pub use eligibility::{
    criteria, default_config_json, parse_criterion_id, screen, screen_with_config, screening_record_from_json,
    screening_record_to_json, BiopsyFinding, BloodPressure, Condition, ConditionKind, CriterionId, CriterionInfo,
    CriterionKind, CriterionResult, Evidence, KidneyBiopsy, LabEntry, Labs, Medication, Outcome, Parameter, Quantity,
    ScreeningRecord, ScreeningResult, SerologyResult, Status, TrialParticipation, ViralLoad,
};
pub use error::{error_kinds, EgfrError, LabError, ScreeningError};
pub use lab::{
    analytes, lab_value, lab_value_from_json, lab_value_in_unit, lab_value_to_json, parse_analyte, parse_unit, Analyte,
    AnalyteInfo, LabValue,
};

uniffi::setup_scaffolding!();

#[cfg(test)]
mod tests;
