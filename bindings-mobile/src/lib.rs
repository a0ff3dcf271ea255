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
//! - errors ([`error`]): [`LabError`] and [`EgfrError`] (Kotlin `LabException` /
//!   `EgfrException`), each variant with `kind` (core's stable slug) and `reason` (core's text);
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
//! let egfr = try estimateGfr(equation: protocolDefaultEquation(), input: EgfrInput(ageYears: 67, sex: .male, creatinine: scr))
//! ```

pub mod egfr;
pub mod error;
pub mod lab;

pub use egfr::{
    age_from_years, age_on, equations, estimate_gfr, parse_equation, parse_sex, protocol_default_equation,
    EgfrEquation, EgfrInput, EquationInfo, GfrEstimate, Sex,
};
pub use error::{error_kinds, EgfrError, LabError};
pub use lab::{
    analytes, lab_value, lab_value_from_json, lab_value_in_unit, lab_value_to_json, parse_analyte, parse_unit, Analyte,
    AnalyteInfo, LabValue,
};

uniffi::setup_scaffolding!();

#[cfg(test)]
mod tests;
