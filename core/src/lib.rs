//! # amimestrocel-dkd
//!
//! The protocol of NCT06969807 (umbilical-cord mesenchymal stromal cells, Amimestrocel, in
//! diabetic kidney disease) written once as code. Bindings for Python, Kotlin and Swift wrap
//! this crate and add no protocol logic.
//!
//! # Module map
//!
//! The domain, each module named for what it holds:
//!
//! | module | what |
//! |---|---|
//! | [`lab`] | unit-safe lab values: analytes, units, conversions through uom quantities and molar masses, plausibility bounds, typed values (`LabValue<A>`), units checked per analyte (`UnitFor<A>`), the UACR from a spot urine |
//! | [`demographics`] | sex and age in completed years |
//! | [`egfr`] | the GFR equations, each written as its paper prints it ([`egfr::equations`]) with the fast form derived from it ([`egfr::log_linear`]); one patient and column-wise batches |
//! | [`study_time`] | windows of calendar dates with named inclusive ends; day and month look-backs |
//! | [`series`] | dated series (lab entries, viral loads, serology) and how rules pick from them; series checked once into typed values |
//! | [`evaluation`] | the vocabulary of a rule's answer: outcome, evidence, quantity, reason, typed thresholds |
//! | [`schedule`] | the visit plan as versioned data, a participant's calendar, visit status on a date, the next visit, deviations, iCalendar export |
//! | [`instrument`] | the DQOL and the TCM syndrome score as versioned data, response sessions with an audit trail (save, resume), scores, the TCM efficacy index, FHIR export |
//! | [`endpoints`] | a participant's dated data (timeline JSON with a schema version) turned into analysis values (baseline, change from baseline by visit, eGFR recomputed and its slope), outcomes with dates (renal composite, MACE, death, adverse events, malignancies), cohort statistics (t and Wilson intervals, Kaplan–Meier with Greenwood) and ADaM-style CSV |
//! | [`eligibility`] | the screening record, its check into a [`eligibility::CheckedRecord`], the criteria (by theme: labs, history, medication), the configuration of every reading, the screening result |
//! | [`omop`] | OMOP CDM v5.4 pre-screening: concept sets as versioned configuration, each person's rows made a screening record, per-criterion outcomes, what is still to check, the attrition |
//!
//! Errors: one rich error per concern; [`remedy`] says of each what a caller must fix (the input
//! or the configuration), its kind and its field, for every binding to convert in one place.
//!
//! Readers of outside data: [`date`] (strict ISO dates), [`json`] (objects, field paths,
//! messages without values), [`jsonl`] (streaming JSON lines). Tools around the domain, not
//! part of it: [`tools`] (the synthetic cohort, the report's CSV and summary, the cohort CSV).
//!
//! Authorities are cited where they are encoded: each equation names its paper and DOI, each
//! conversion factor its molar mass and source. Readings of the protocol where it is silent
//! are in `docs/interpretation.md`.
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::prelude::*;
//! let inputs = EgfrInputs::new(Age::from_years(67)?, Sex::Male)
//!     .with_creatinine(SerumCreatinine::new(1.6, "mg/dL")?);
//! let estimate = estimate(PROTOCOL_DEFAULT_EQUATION, &inputs)?;
//! assert!(estimate.value() >= 20.0); // the protocol's eGFR inclusion threshold
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[macro_use]
extern crate uom;

pub mod date;
pub mod demographics;
pub mod egfr;
pub mod eligibility;
pub mod endpoints;
pub mod evaluation;
pub mod instrument;
pub mod json;
pub mod jsonl;
pub mod lab;
pub mod omop;
pub mod remedy;
pub mod schedule;
pub mod series;
pub mod study_time;
pub mod tools;

/// The names most callers need.
pub mod prelude {
    pub use crate::demographics::{Age, Sex};
    pub use crate::egfr::{estimate, EgfrEquation, EgfrError, EgfrInputs, GfrEstimate, PROTOCOL_DEFAULT_EQUATION};
    pub use crate::lab::{
        AnalyteKind, CystatinC, DiastolicBp, Egfr, FastingGlucose, Hba1c, HdlCholesterol, LabError, LabValue,
        LdlCholesterol, Measurement, Potassium, SerumCreatinine, SystolicBp, TotalCholesterol, Triglycerides, Uacr,
        Unit, UrineProtein24h,
    };
}

/// The README's Rust example, run as a doc test.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
