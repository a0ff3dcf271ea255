//! Eligibility: every inclusion and exclusion criterion of NCT06969807, evaluated on one
//! [`ScreeningRecord`] at its screening date under a [`ProtocolConfig`].
//!
//! Each criterion answers [`Outcome::Met`], [`Outcome::NotMet`] or [`Outcome::Unknown`], with
//! the evidence it used and a one-sentence reason. For an exclusion criterion, *met* means the
//! exclusion applies. The overall [`Status`] is `ineligible` if any inclusion is not met or any
//! exclusion is met; otherwise `pending` if anything is unknown; otherwise `eligible`. Unknown
//! is never quietly "not met": data older than a criterion's look-back is not used, so it leaves
//! the criterion unknown.
//!
//! # Examples
//! ```
//! use amimestrocel_dkd::eligibility::{screen, ProtocolConfig, ScreeningRecord, Status};
//! let record = ScreeningRecord::from_json(r#"{
//!     "id": "SYN-1", "sex": "female", "date_of_birth": "1960-03-01", "screening_date": "2025-06-01",
//!     "labs": {"uacr": [{"date": "2025-05-20", "value": 450, "unit": "mg/g"}]}
//! }"#)?;
//! let result = screen(&record, &ProtocolConfig::default())?;
//! assert_eq!(result.status, Status::Ineligible); // UACR 450 mg/g is not > 1000 mg/g
//! let uacr = result.criterion("inc_uacr").unwrap();
//! assert_eq!(uacr.outcome.as_str(), "not_met");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod config;
mod criteria;
pub mod medications;
mod record;
mod result;

pub use crate::evaluation::{
    Arg, Bound, Detail, Evidence, EvidenceList, Field, Outcome, Quantity, QuantityUnit, Reason, Threshold,
};
pub use config::{
    ConfigError, CourseJoining, DayWindow, ExposureReading, ProtocolConfig, StaleBiopsy, DEFAULT_CONFIG_VERSION,
};
pub use criteria::{criteria, CriterionId, CriterionInfo, CriterionKind, Parameter};
pub use record::{
    BiopsyFinding, BloodPressure, CheckedLabs, CheckedReading, CheckedRecord, Condition, ConditionKind, KidneyBiopsy,
    LabEntry, Labs, Medication, RecordError, ScreeningRecord, SerologyResult, TrialParticipation, ViralLoad,
};
pub use result::{CriterionResult, ScreeningError, ScreeningResult, Status};

use std::borrow::Cow;

/// Screens one record: validates it, evaluates every criterion, and combines them.
///
/// # Errors
/// [`ScreeningError::Record`] for a record that fails [`ScreeningRecord::validate`];
/// [`ScreeningError::Config`] for an inconsistent configuration.
pub fn screen(record: &ScreeningRecord, config: &ProtocolConfig) -> Result<ScreeningResult, ScreeningError> {
    config.validate()?;
    Ok(screen_checked(&record.check()?, config))
}

/// Screens a checked record under a validated configuration.
pub(crate) fn screen_checked(checked: &CheckedRecord<'_>, config: &ProtocolConfig) -> ScreeningResult {
    let record = checked.record;
    let results = criteria::evaluate_all(checked, config);
    let status = Status::of(&results);
    ScreeningResult {
        id: record.id.clone(),
        screening_date: record.screening_date,
        status,
        criteria: results,
        config_version: if config.version == DEFAULT_CONFIG_VERSION {
            Cow::Borrowed(DEFAULT_CONFIG_VERSION)
        } else {
            Cow::Owned(config.version.clone())
        },
    }
}

/// Screens many records (on every core), returning one result or error per record, in order.
///
/// # Errors
/// Only [`ConfigError`]; each record's own error is in its slot.
pub fn screen_batch(
    records: &[ScreeningRecord],
    config: &ProtocolConfig,
) -> Result<Vec<Result<ScreeningResult, ScreeningError>>, ConfigError> {
    config.validate()?;
    Ok(parallel(records, |r| r.check().map(|checked| screen_checked(&checked, config)).map_err(ScreeningError::from)))
}

/// Reads and screens many records given as JSON texts (on every core), one result or error
/// per text, in order: a malformed text is a [`ScreeningError::Record`] in its slot.
///
/// # Errors
/// Only [`ConfigError`].
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::{screen_json_batch, ProtocolConfig};
/// let out = screen_json_batch(&["{\"id\": 1}"], &ProtocolConfig::default())?;
/// assert_eq!(out[0].as_ref().unwrap_err().kind(), "malformed");
/// # Ok::<(), amimestrocel_dkd::eligibility::ConfigError>(())
/// ```
pub fn screen_json_batch<T: AsRef<str> + Sync>(
    texts: &[T],
    config: &ProtocolConfig,
) -> Result<Vec<Result<ScreeningResult, ScreeningError>>, ConfigError> {
    screen_built_batch(texts.len(), |i| ScreeningRecord::from_json(texts[i].as_ref()), config)
}

/// Builds and screens `count` records on every core, one result or error per slot, in order:
/// `build(i)` gives the `i`-th record, or why it is refused (a reader of a JSON text, or of a
/// row of a table). A record is built and screened on the same core, one after the other, and
/// is dropped once screened.
///
/// # Errors
/// Only [`ConfigError`].
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::{screen_built_batch, ProtocolConfig, ScreeningRecord};
/// let texts = ["{\"id\": 1}"];
/// let out = screen_built_batch(1, |i| ScreeningRecord::from_json(texts[i]), &ProtocolConfig::default())?;
/// assert_eq!(out[0].as_ref().unwrap_err().kind(), "malformed");
/// # Ok::<(), amimestrocel_dkd::eligibility::ConfigError>(())
/// ```
pub fn screen_built_batch<F>(
    count: usize,
    build: F,
    config: &ProtocolConfig,
) -> Result<Vec<Result<ScreeningResult, ScreeningError>>, ConfigError>
where
    F: Fn(usize) -> Result<ScreeningRecord, RecordError> + Sync,
{
    screen_built_batch_map(count, build, config, |_, result| result)
}

/// [`screen_built_batch`], each result handed to `keep(i, result)` on the core that screened
/// it, and what `keep` returns kept instead: a caller that needs only part of each result (a
/// table's status and outcome codes) keeps that part, and the rest is freed on the core that
/// made it.
///
/// # Errors
/// Only [`ConfigError`].
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::{screen_built_batch_map, ProtocolConfig, ScreeningRecord};
/// let texts = ["{\"id\": 1}"];
/// let kinds = screen_built_batch_map(1, |i| ScreeningRecord::from_json(texts[i]), &ProtocolConfig::default(),
///     |_, r| r.map(|res| res.status).map_err(|e| e.kind()))?;
/// assert_eq!(kinds, [Err("malformed")]);
/// # Ok::<(), amimestrocel_dkd::eligibility::ConfigError>(())
/// ```
pub fn screen_built_batch_map<F, K, R>(
    count: usize,
    build: F,
    config: &ProtocolConfig,
    keep: K,
) -> Result<Vec<R>, ConfigError>
where
    F: Fn(usize) -> Result<ScreeningRecord, RecordError> + Sync,
    K: Fn(usize, Result<ScreeningResult, ScreeningError>) -> R + Sync,
    R: Send,
{
    config.validate()?;
    let slots: Vec<usize> = (0..count).collect();
    Ok(parallel(&slots, |&i| {
        let screened =
            build(i).map_err(ScreeningError::from).and_then(|record| Ok(screen_checked(&record.check()?, config)));
        keep(i, screened)
    }))
}

/// Maps `f` over `items` on every core, in order.
pub(crate) fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(items.len() / 256).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    let parts: Vec<Vec<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>())).collect();
        // A panic in a worker is a bug: re-raise it rather than lose its records.
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    parts.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests;
