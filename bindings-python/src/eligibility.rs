//! Screening: JSON in (a record as text), JSON out (the result), so that Python dicts, pandas
//! rows and files all go through the core crate's own reader and its field-path errors.

use amimestrocel_dkd::eligibility::{
    criteria, screen, screen_json_batch, CriterionId, Outcome, ProtocolConfig, ScreeningError, ScreeningRecord,
    ScreeningResult, ScreeningSummary, Status,
};
use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::prelude::*;

use crate::errors;

fn config(py: Python<'_>, json: Option<&str>) -> PyResult<ProtocolConfig> {
    let Some(json) = json else { return Ok(ProtocolConfig::default()) };
    ProtocolConfig::from_json(json).map_err(|e| errors::config(py, &e.field, &e.reason))
}

fn to_json<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| errors::config(py, "output", &e.to_string()))
}

/// Screens one record given as JSON text; returns the result as JSON text.
#[pyfunction]
#[pyo3(signature = (record_json, config_json=None))]
fn screen_json(py: Python<'_>, record_json: &str, config_json: Option<&str>) -> PyResult<String> {
    crate::guard(py, || {
        let config = config(py, config_json)?;
        let record = ScreeningRecord::from_json(record_json).map_err(|e| errors::screening(py, e.into()))?;
        let result = screen(&record, &config).map_err(|e| errors::screening(py, e))?;
        to_json(py, &result)
    })
}

/// Screens many records (JSON texts) on every core, GIL released. Returns, per record, either
/// `(result_json, None)` or `(None, (kind, path, message))`: a bad record never loses the batch.
#[pyfunction]
#[pyo3(signature = (records_json, config_json=None))]
#[allow(clippy::type_complexity)]
fn screen_many_json(
    py: Python<'_>,
    records_json: Vec<String>,
    config_json: Option<&str>,
) -> PyResult<(Vec<(Option<String>, Option<(String, String, String)>)>, String)> {
    crate::guard(py, || {
        let config = config(py, config_json)?;
        let out = py.detach(|| {
            let results: Vec<Result<ScreeningResult, ScreeningError>> = match screen_json_batch(&records_json, &config)
            {
                Ok(rows) => rows,
                Err(e) => records_json.iter().map(|_| Err(ScreeningError::Config(e.clone()))).collect(),
            };
            let summary = ScreeningSummary::from_results(&results);
            let rows = results
                .iter()
                .map(|r| match r {
                    Ok(res) => (serde_json::to_string(res).ok(), None),
                    Err(e) => {
                        let path = match e {
                            ScreeningError::Record(r) => r.path().to_owned(),
                            ScreeningError::Config(c) => c.field.clone(),
                        };
                        (None, Some((e.kind().to_owned(), path, e.to_string())))
                    }
                })
                .collect::<Vec<_>>();
            (rows, serde_json::to_string(&summary).unwrap_or_default())
        });
        Ok(out)
    })
}

/// Outcome codes of `screen_table`: the order of `Outcome` variants; -1 for a refused record.
fn outcome_code(o: Outcome) -> i8 {
    match o {
        Outcome::Met => 0,
        Outcome::NotMet => 1,
        Outcome::Unknown => 2,
    }
}

fn status_code(s: Status) -> i8 {
    match s {
        Status::Eligible => 0,
        Status::Ineligible => 1,
        Status::Pending => 2,
    }
}

type Table<'py> = (Vec<Option<String>>, Bound<'py, PyArray1<i8>>, Vec<Option<String>>, Bound<'py, PyArray2<i8>>);

/// Screens many records (JSON texts) on every core, GIL released, and returns the table form:
/// ids, status codes (0 eligible, 1 ineligible, 2 pending, 3 refused), the error of each refused
/// record (`kind at path`) and an n × criteria matrix of outcome codes (0 met, 1 not met,
/// 2 unknown, -1 refused), columns in `criteria()` order.
#[pyfunction]
#[pyo3(signature = (records_json, config_json=None))]
fn screen_table<'py>(py: Python<'py>, records_json: Vec<String>, config_json: Option<&str>) -> PyResult<Table<'py>> {
    crate::guard(py, || {
        let config = config(py, config_json)?;
        let width = CriterionId::ALL.len();
        let (ids, status, errors, outcomes) = py.detach(|| {
            let results = screen_json_batch(&records_json, &config);
            let (mut ids, mut status, mut errors) = (Vec::new(), Vec::new(), Vec::new());
            let mut outcomes = Vec::with_capacity(records_json.len() * width);
            let rows: Vec<Result<ScreeningResult, ScreeningError>> = match results {
                Ok(rows) => rows,
                Err(e) => records_json.iter().map(|_| Err(ScreeningError::Config(e.clone()))).collect(),
            };
            for (r, text) in rows.into_iter().zip(&records_json) {
                match r {
                    Ok(res) => {
                        ids.push(Some(res.id));
                        status.push(status_code(res.status));
                        errors.push(None);
                        outcomes.extend(res.criteria.iter().map(|c| outcome_code(c.outcome)));
                    }
                    Err(e) => {
                        let path = match &e {
                            ScreeningError::Record(r) => r.path().to_owned(),
                            ScreeningError::Config(c) => c.field.clone(),
                        };
                        // A refused record keeps its id where its text names one.
                        ids.push(ScreeningRecord::id_in_json(text));
                        status.push(3);
                        errors.push(Some(format!("{} at {path}", e.kind())));
                        outcomes.extend(std::iter::repeat_n(-1, width));
                    }
                }
            }
            (ids, status, errors, outcomes)
        });
        let n = ids.len();
        let matrix = PyArray1::from_vec(py, outcomes).reshape([n, width])?;
        Ok((ids, PyArray1::from_vec(py, status), errors, matrix))
    })
}

/// Every criterion with its id, kind, protocol text and parameters, as JSON.
#[pyfunction]
#[pyo3(signature = (config_json=None))]
fn criteria_json(py: Python<'_>, config_json: Option<&str>) -> PyResult<String> {
    crate::guard(py, || to_json(py, &criteria(&config(py, config_json)?)))
}

/// The default protocol configuration, as JSON.
#[pyfunction]
fn default_config_json(py: Python<'_>) -> PyResult<String> {
    crate::guard(py, || to_json(py, &ProtocolConfig::default()))
}

/// Checks a record without screening it; raises `ScreeningError` naming the field.
#[pyfunction]
fn validate_record_json(py: Python<'_>, record_json: &str) -> PyResult<()> {
    crate::guard(py, || {
        let record = ScreeningRecord::from_json(record_json).map_err(|e| errors::screening(py, e.into()))?;
        record.validate().map_err(|e| errors::screening(py, e.into()))
    })
}

/// The synthetic records of a seed, one batch at a time (JSON texts): the generator of
/// `amimestrocel_dkd.synthetic_cohort`, which never holds more than a batch.
#[pyclass(module = "amimestrocel_dkd")]
pub struct SyntheticRecords {
    records: amimestrocel_dkd::synthetic::Records,
}

#[pymethods]
impl SyntheticRecords {
    #[new]
    fn new(py: Python<'_>, seed: u64) -> PyResult<Self> {
        crate::guard(py, || Ok(SyntheticRecords { records: amimestrocel_dkd::synthetic::records(seed) }))
    }

    /// The next `count` records as JSON texts.
    fn take(&mut self, py: Python<'_>, count: usize) -> PyResult<Vec<String>> {
        crate::guard(py, || self.records.by_ref().take(count.min(1 << 16)).map(|r| to_json(py, &r)).collect())
    }
}

/// A deliberate panic inside the guard: the test entry point that proves a panic becomes
/// `amimestrocel_dkd.errors.InternalError`, never `pyo3_runtime.PanicException`. Not used by
/// the package.
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    crate::guard(py, || std::panic::panic_any("deliberate panic of the no-panic test"))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(screen_json, m)?)?;
    m.add_function(wrap_pyfunction!(screen_many_json, m)?)?;
    m.add_function(wrap_pyfunction!(screen_table, m)?)?;
    m.add_function(wrap_pyfunction!(criteria_json, m)?)?;
    m.add_function(wrap_pyfunction!(default_config_json, m)?)?;
    m.add_function(wrap_pyfunction!(validate_record_json, m)?)?;
    m.add_class::<SyntheticRecords>()?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    Ok(())
}
