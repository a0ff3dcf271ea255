//! Screening: JSON in (a record as text), so that Python dicts, pandas rows and files all go
//! through the core crate's own reader and its field-path errors; results out as plain tuples
//! that the package turns into its typed records (or as core's JSON, for `to_dict`).

use amimestrocel_dkd::eligibility::{
    criteria, screen, screen_json_batch, CriterionId, Outcome, ProtocolConfig, Quantity, ScreeningError,
    ScreeningRecord, ScreeningResult, Status,
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

/// One piece of evidence: field, date, (value, unit) as entered, (value, unit) as compared.
type EvidenceTuple = (String, Option<String>, Option<(f64, String)>, Option<(f64, String)>);
/// One criterion: id, kind, outcome, whether it excludes (core's rule), reason, evidence.
type CriterionTuple = (&'static str, &'static str, &'static str, bool, String, Vec<EvidenceTuple>);
/// One screening: id, screening date, status, configuration version, criteria.
type ResultTuple = (String, String, &'static str, String, Vec<CriterionTuple>);

fn result_tuple(r: &ScreeningResult) -> ResultTuple {
    let quantity = |q: &Option<Quantity>| q.map(|q| (q.value, q.unit.to_string()));
    let criteria = r
        .criteria
        .iter()
        .map(|c| {
            let evidence = c
                .evidence
                .iter()
                .map(|e| {
                    (e.field.to_string(), e.date.map(|d| d.to_string()), quantity(&e.entered), quantity(&e.converted))
                })
                .collect();
            (c.id.slug(), c.kind.as_str(), c.outcome.as_str(), c.excludes(), c.reason.to_string(), evidence)
        })
        .collect();
    (r.id.clone(), r.screening_date.to_string(), r.status.as_str(), r.config_version.to_string(), criteria)
}

fn read_and_screen(py: Python<'_>, record_json: &str, config_json: Option<&str>) -> PyResult<ScreeningResult> {
    let config = config(py, config_json)?;
    let record = ScreeningRecord::from_json(record_json).map_err(|e| errors::screening(py, e.into()))?;
    screen(&record, &config).map_err(|e| errors::screening(py, e))
}

/// Screens one record given as JSON text; returns the result as plain tuples, which the package
/// turns into its typed records.
#[pyfunction]
#[pyo3(signature = (record_json, config_json=None))]
fn screen_record(py: Python<'_>, record_json: &str, config_json: Option<&str>) -> PyResult<ResultTuple> {
    crate::guard(py, || Ok(result_tuple(&read_and_screen(py, record_json, config_json)?)))
}

/// Screens one record given as JSON text; returns the result as core's JSON text.
#[pyfunction]
#[pyo3(signature = (record_json, config_json=None))]
fn screen_json(py: Python<'_>, record_json: &str, config_json: Option<&str>) -> PyResult<String> {
    crate::guard(py, || to_json(py, &read_and_screen(py, record_json, config_json)?))
}

/// The status slugs in the order of `screen_table`'s codes, then `refused`: core's order.
const REFUSED: i8 = Status::ALL.len() as i8;

/// The code of a status or an outcome: its place in core's `ALL`.
fn code<T: PartialEq>(all: &[T], value: &T) -> i8 {
    all.iter().position(|v| v == value).map_or(-1, |i| i as i8)
}

type Table<'py> = (Vec<Option<String>>, Bound<'py, PyArray1<i8>>, Vec<Option<String>>, Bound<'py, PyArray2<i8>>);

/// Screens many records (JSON texts) on every core, GIL released, and returns the table form:
/// ids, status codes (places in `STATUSES`, whose last is `refused`), the error of each refused
/// record (`kind at path`) and an n × criteria matrix of outcome codes (places in `OUTCOMES`,
/// -1 for a refused record), columns in `criteria()` order.
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
                        status.push(code(&Status::ALL, &res.status));
                        errors.push(None);
                        outcomes.extend(res.criteria.iter().map(|c| code(&Outcome::ALL, &c.outcome)));
                    }
                    Err(e) => {
                        let path = match &e {
                            ScreeningError::Record(r) => r.path().to_owned(),
                            ScreeningError::Config(c) => c.field.clone(),
                        };
                        // A refused record keeps its id where its text names one.
                        ids.push(ScreeningRecord::id_in_json(text));
                        status.push(REFUSED);
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

/// One criterion as listed: id, kind, protocol text, (name, value) of each parameter.
type CriterionInfoTuple = (&'static str, &'static str, String, Vec<(String, String)>);

/// Every criterion with its id, kind, protocol text and parameters under the configuration.
#[pyfunction]
#[pyo3(signature = (config_json=None))]
fn criteria_list(py: Python<'_>, config_json: Option<&str>) -> PyResult<Vec<CriterionInfoTuple>> {
    crate::guard(py, || {
        Ok(criteria(&config(py, config_json)?)
            .into_iter()
            .map(|c| {
                let parameters = c.parameters.into_iter().map(|p| (p.name, p.value)).collect();
                (c.id.slug(), c.kind.as_str(), c.protocol_text, parameters)
            })
            .collect())
    })
}

/// The default protocol configuration, as JSON.
#[pyfunction]
fn default_config_json(py: Python<'_>) -> PyResult<String> {
    crate::guard(py, || to_json(py, &ProtocolConfig::default()))
}

/// Checks a record without screening it; raises `InvalidInputError` naming the field.
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
    records: amimestrocel_dkd::tools::synthetic::Records,
}

#[pymethods]
impl SyntheticRecords {
    #[new]
    fn new(py: Python<'_>, seed: u64) -> PyResult<Self> {
        crate::guard(py, || Ok(SyntheticRecords { records: amimestrocel_dkd::tools::synthetic::records(seed) }))
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
    m.add("STATUSES", Status::ALL.iter().map(|s| s.as_str()).chain(["refused"]).collect::<Vec<_>>())?;
    m.add("OUTCOMES", Outcome::ALL.iter().map(|o| o.as_str()).collect::<Vec<_>>())?;
    m.add_function(wrap_pyfunction!(screen_record, m)?)?;
    m.add_function(wrap_pyfunction!(screen_json, m)?)?;
    m.add_function(wrap_pyfunction!(screen_table, m)?)?;
    m.add_function(wrap_pyfunction!(criteria_list, m)?)?;
    m.add_function(wrap_pyfunction!(default_config_json, m)?)?;
    m.add_function(wrap_pyfunction!(validate_record_json, m)?)?;
    m.add_class::<SyntheticRecords>()?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    Ok(())
}
