//! OMOP pre-screening: which persons of an OMOP CDM v5.4 database the record already excludes,
//! and what is still to check for the others, by the same criteria as [`crate::eligibility`].
//!
//! The tables ([`OmopTables`]: `person`, `observation_period`, `measurement`,
//! `condition_occurrence`, `drug_exposure`, `procedure_occurrence`, `concept`,
//! `concept_ancestor`) are read through concept sets ([`ConceptSets`], versioned
//! configuration with verified defaults, descendants through `concept_ancestor`). Each person's
//! rows become a [`crate::eligibility::ScreeningRecord`] on the pre-screening date and are
//! screened; [`prescreen`] says per person which criteria are met, not met or unknown, whether
//! the record excludes the person, and which criteria a site must still check; [`attrition`]
//! counts the persons each criterion excludes, in protocol order. A row that cannot be read
//! (a null unit, a censored value, a person not in `person`) is a [`RowError`], never dropped
//! unseen.
//!
//! Readings (what a missing day of birth, an absence in the record, an operator or
//! `range_high` mean) are argued in `docs/interpretation.md`, "OMOP pre-screening".
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::eligibility::ProtocolConfig;
//! use amimestrocel_dkd::omop::{prescreen, ConceptSets, Measurement, OmopTables, Person, Concept};
//! use chrono::NaiveDate;
//! let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
//! let tables = OmopTables {
//!     person: vec![Person { person_id: Some(1), gender_concept_id: Some(8507), year_of_birth: Some(1960),
//!                           month_of_birth: Some(3), day_of_birth: Some(1), ..Person::default() }],
//!     // UACR 450 mg/g, in the unit concept 8723 whose UCUM code is mg/g.
//!     measurement: Some(vec![Measurement { person_id: Some(1), concept_id: Some(3034485), date: day("2025-05-20"),
//!                                          value: Some(450.0), unit_concept_id: Some(8723), ..Measurement::default() }]),
//!     concept: Some(vec![Concept { concept_id: Some(8723), vocabulary_id: Some("UCUM".into()),
//!                                  concept_code: Some("mg/g".into()), concept_name: Some("milligram per gram".into()) }]),
//!     ..OmopTables::default()
//! };
//! let out = prescreen(&tables, &ConceptSets::default(), &ProtocolConfig::default(), day("2025-06-01").unwrap())?;
//! let p = out.persons[0].screened.as_ref().unwrap();
//! assert!(!p.not_excluded_by_record); // UACR 450 mg/g is not > 1000 mg/g
//! # Ok::<(), amimestrocel_dkd::omop::PrescreenError>(())
//! ```

mod concept_sets;
mod prescreen;
mod tables;

pub use concept_sets::{
    ConceptIndex, ConceptSetError, ConceptSets, Diagnosis, Series, UnrecordedEnd, DEFAULT_CONCEPT_SETS_VERSION,
};
pub use prescreen::{
    attrition, prescreen, prescreen_map, AttritionStep, Birth, PersonPrescreen, Prescreen, PrescreenError, Prescreened,
};
pub use tables::{
    Concept, ConceptAncestor, ConditionOccurrence, DrugExposure, Measurement, ObservationPeriod, OmopTables, Person,
    ProcedureOccurrence, RowError, RowProblem, Table,
};

#[cfg(test)]
mod tests;
