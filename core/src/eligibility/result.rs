//! What screening gives: the [`ScreeningResult`] of a candidate (its [`Status`] and one
//! [`CriterionResult`] per criterion) and the [`ScreeningError`] of a record or configuration
//! that was refused.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use thiserror::Error;

use super::{ConfigError, CriterionId, CriterionKind, RecordError};
use crate::evaluation::{EvidenceList, Outcome, Reason};

/// The overall screening status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every inclusion met, no exclusion met or unknown.
    Eligible,
    /// Some inclusion not met or some exclusion met.
    Ineligible,
    /// Nothing excludes, but something needed is unknown.
    Pending,
}

impl Status {
    /// Every status, in declaration order (the order of the bindings' category codes).
    pub const ALL: [Status; 3] = [Status::Eligible, Status::Ineligible, Status::Pending];

    /// The status of a candidate's criteria: ineligible if any excludes, else pending if any is
    /// unknown, else eligible.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::Status;
    /// assert_eq!(Status::of(&[]), Status::Eligible);
    /// ```
    pub fn of(criteria: &[CriterionResult]) -> Status {
        if criteria.iter().any(CriterionResult::excludes) {
            Status::Ineligible
        } else if criteria.iter().any(|c| c.outcome == Outcome::Unknown) {
            Status::Pending
        } else {
            Status::Eligible
        }
    }

    /// `eligible`, `ineligible` or `pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Eligible => "eligible",
            Status::Ineligible => "ineligible",
            Status::Pending => "pending",
        }
    }
}

/// The evaluation of one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionResult {
    /// The stable id (`inc_age`, `exc_immunosuppressant`).
    pub id: CriterionId,
    /// Inclusion or exclusion.
    pub kind: CriterionKind,
    /// Met, not met or unknown.
    pub outcome: Outcome,
    /// What was used.
    pub evidence: EvidenceList,
    /// Why, in one sentence (rendered when displayed or serialised).
    pub reason: Reason,
}

impl CriterionResult {
    /// Whether this result keeps the candidate out (inclusion not met, exclusion met).
    pub fn excludes(&self) -> bool {
        self.kind.excluded_by(self.outcome)
    }
}

/// The screening of one candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreeningResult {
    /// The candidate's pseudonymous id.
    pub id: String,
    /// The screening date.
    pub screening_date: NaiveDate,
    /// The overall status.
    pub status: Status,
    /// One result per criterion, inclusions first, in protocol order.
    pub criteria: Vec<CriterionResult>,
    /// The configuration version the screening used (borrowed, not copied, when it is
    /// [`DEFAULT_CONFIG_VERSION`](super::DEFAULT_CONFIG_VERSION)).
    pub config_version: Cow<'static, str>,
}

impl ScreeningResult {
    /// The result of the criterion with this id.
    pub fn criterion(&self, id: &str) -> Option<&CriterionResult> {
        self.criteria.iter().find(|c| c.id.slug() == id)
    }
}

/// Why a record could not be screened.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScreeningError {
    /// The record is malformed or holds a refused value.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The configuration is inconsistent.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl ScreeningError {
    /// The stable snake_case kind.
    pub fn kind(&self) -> &'static str {
        match self {
            ScreeningError::Record(e) => e.kind(),
            ScreeningError::Config(_) => "invalid_config",
        }
    }
}
