//! The trial's endpoints: a participant's dated data ([`ParticipantTimeline`]) turned into
//! analysis values (baseline, change and percent change from baseline at each nominal visit,
//! the eGFR recomputed with the configured equation and its slope), outcomes with their
//! dates (the renal composite, MACE, deaths, adverse events within 28 weeks, malignancies within
//! 24 months), and the cohort statistics of the report ([`stats`]).
//!
//! Every reading where the protocol is silent is a field of [`EndpointConfig`], argued in
//! `docs/interpretation.md`, "Endpoints". Analysis values use the schedule's calendar
//! ([`crate::schedule`]) for visits and windows, the series rules of [`crate::series`] for
//! ties, and the lab module for units: a value enters once, checked, and is read typed.
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::endpoints::{derive, EndpointConfig, ParticipantTimeline};
//! use amimestrocel_dkd::schedule::ScheduleConfig;
//! let timeline = ParticipantTimeline::from_json(r#"{
//!   "schema_version": 1, "id": "P-001", "sex": "female", "birth_date": "1960-05-01",
//!   "first_infusion": "2025-03-03", "last_contact": "2025-09-30",
//!   "labs": [
//!     {"date": "2025-02-20", "analyte": "urine_protein_24h", "value": 2.0, "unit": "g/24h"},
//!     {"date": "2025-09-15", "analyte": "urine_protein_24h", "value": 1.5, "unit": "g/24h"}
//!   ]
//! }"#)?.check()?;
//! let plan = ScheduleConfig::bundled()?;
//! let endpoints = derive(&timeline, &plan, &EndpointConfig::default())?;
//! let week28 = endpoints.rows.iter().find(|r| r.paramcd == "UPRO24" && r.anl01fl && !r.ablfl).unwrap();
//! assert_eq!(week28.avisit.as_deref(), Some("w28"));
//! assert_eq!((week28.base, week28.chg, week28.pchg), (Some(2.0), Some(-0.5), Some(-25.0)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod adam;
mod cohort;
mod config;
mod derive;
mod lab_table;
mod outcomes;
pub mod stats;
mod timeline;

pub use adam::{
    write_adsl_csv, write_adsl_row, write_bds_csv, write_bds_rows, AdslRecord, ADSL_COLUMNS, BDS_COLUMNS, STUDYID,
};
pub use cohort::{
    summarise_cohort, CohortReport, CohortSummaries, GeometricRatio, LandmarkRow, ParameterVisitSummary, SafetyRow,
    TimeToEvent,
};
pub use config::{
    Confirmation, EgfrSource, EndpointConfig, FollowedTo, MissingRule, PrevalentRenalFailure, TreatmentEmergent,
    UacrSummary, UnknownCauseDeath, VisitValue,
};
pub use derive::{derive, AnalysisRow, ParticipantEndpoints, Slope, SubjectLevel, Unusable};
pub use lab_table::{derive_lab_batches, derive_lab_table, LabEndpoints, LabRow, LabSubject, LabTable, LabWork};
pub use outcomes::{AdverseEventSummary, EventTime, Landmark};
pub use timeline::{
    AdverseEvent, AeOutcome, CardiovascularEvent, CardiovascularEventKind, CheckedTimeline, Death, DeathCause,
    EmgResult, Eye, InfusionDate, LabObservation, LymphocyteSubset, Malignancy, NamedValue, OctaResult,
    ParticipantTimeline, QuestionnaireScore, RenalReplacement, RenalReplacementKind, VitalSigns, SCHEMA_VERSION,
};

use crate::egfr::EgfrError;
use crate::lab::LabError;
use crate::schedule::ScheduleError;

/// Why a timeline, a configuration or a statistic was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EndpointError {
    /// The text is not a timeline (or configuration) as documented.
    #[error("{path}: {reason}")]
    InvalidJson {
        /// The field path (`labs[2].date`, `.` for the document).
        path: String,
        /// What the reader says (no values).
        reason: String,
    },
    /// A timeline written for another schema version.
    #[error("schema_version {found} is not supported (this library reads {supported})")]
    UnsupportedSchemaVersion {
        /// The version given.
        found: u32,
        /// The version this library reads.
        supported: u32,
    },
    /// A lab value refused by the lab module.
    #[error("{path}: {source}")]
    InvalidLab {
        /// Where.
        path: String,
        /// Why.
        source: LabError,
    },
    /// Dates that cannot be (before birth, after the last contact, an end before its start, a
    /// second first infusion).
    #[error("{path}: {reason}")]
    InvalidDate {
        /// Where.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A value outside what its field allows (a proportion above 100 %, a grade outside 1–5, a
    /// score outside its instrument's range, a NaN).
    #[error("{path}: {reason}")]
    InvalidValue {
        /// Where.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A configuration reading refused.
    #[error("endpoint configuration field `{path}`: {reason}")]
    InvalidConfig {
        /// Where.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The participant's calendar could not be built.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
}

impl EndpointError {
    /// The stable snake_case kind.
    pub fn kind(&self) -> &'static str {
        match self {
            EndpointError::InvalidJson { .. } => "invalid_json",
            EndpointError::UnsupportedSchemaVersion { .. } => "unsupported_schema_version",
            EndpointError::InvalidLab { .. } => "invalid_lab",
            EndpointError::InvalidDate { .. } => "invalid_date",
            EndpointError::InvalidValue { .. } => "invalid_value",
            EndpointError::InvalidConfig { .. } => "invalid_config",
            EndpointError::Schedule(e) => e.kind(),
        }
    }

    /// Every kind, as [`EndpointError::kind`] gives them (the schedule's own kinds besides).
    pub const KINDS: &'static [&'static str] = &[
        "invalid_json",
        "unsupported_schema_version",
        "invalid_lab",
        "invalid_date",
        "invalid_value",
        "invalid_config",
    ];

    /// The field path, where there is one.
    pub fn path(&self) -> &str {
        match self {
            EndpointError::InvalidJson { path, .. }
            | EndpointError::InvalidLab { path, .. }
            | EndpointError::InvalidDate { path, .. }
            | EndpointError::InvalidValue { path, .. }
            | EndpointError::InvalidConfig { path, .. } => path,
            EndpointError::UnsupportedSchemaVersion { .. } => "schema_version",
            EndpointError::Schedule(e) => e.path(),
        }
    }

    pub(crate) fn value(path: impl Into<String>, reason: impl Into<String>) -> EndpointError {
        EndpointError::InvalidValue { path: path.into(), reason: reason.into() }
    }

    pub(crate) fn date(path: impl Into<String>, reason: impl Into<String>) -> EndpointError {
        EndpointError::InvalidDate { path: path.into(), reason: reason.into() }
    }

    /// The same error with its path under `prefix` (`subjects[3]` + `first_infusion`).
    pub(crate) fn under(self, prefix: &str) -> EndpointError {
        let join = |path: String| if path.is_empty() { prefix.to_owned() } else { format!("{prefix}.{path}") };
        match self {
            EndpointError::InvalidJson { path, reason } => EndpointError::InvalidJson { path: join(path), reason },
            EndpointError::InvalidLab { path, source } => EndpointError::InvalidLab { path: join(path), source },
            EndpointError::InvalidDate { path, reason } => EndpointError::InvalidDate { path: join(path), reason },
            EndpointError::InvalidValue { path, reason } => EndpointError::InvalidValue { path: join(path), reason },
            other => other,
        }
    }
}

/// An eGFR that could not be computed is reported, not dropped ([`Unusable`]); this turns the
/// equation's error into its text.
pub(crate) fn egfr_reason(e: &EgfrError) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests;
