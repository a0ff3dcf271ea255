//! Screening: JSON in (a record as text), so that Python dicts, pandas rows and files all go
//! through the core crate's own reader and its field-path errors; results out as plain tuples
//! that the package turns into its typed records (or as core's JSON, for `to_dict`).

use amimestrocel_dkd::eligibility::screen_built_batch_map;
use amimestrocel_dkd::eligibility::{
    criteria, screen, CriterionId, Outcome, ProtocolConfig, ScreeningError, ScreeningRecord, ScreeningResult, Status,
};
use arrow_array::RecordBatch;
use numpy::{PyArray1, PyArray2, PyArrayMethods};

use crate::criteria_arrow::{too_large, ArrayArrow, Criteria, CriteriaColumn, TooLarge};
use crate::record_arrow::{Batch as RecordBatchColumns, BatchError};
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
    let criteria = Criteria::of(r)
        .0
        .into_iter()
        .map(|c| {
            let evidence = c.evidence.into_iter().map(|e| (e.field, e.date, e.entered, e.converted)).collect();
            (c.id, c.kind, c.outcome, c.excludes, c.reason, evidence)
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

type Table<'py> = (
    Vec<Option<String>>,
    Bound<'py, PyArray1<i8>>,
    Vec<Option<String>>,
    Bound<'py, PyArray2<i8>>,
    Option<Bound<'py, PyAny>>,
);

/// What each row keeps of its result besides its status and outcomes (`screen_many`'s
/// `evidence`): nothing, core's JSON of the result, or its criteria for the nested column.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Details {
    None,
    Json,
    Nested,
}

impl Details {
    fn parse(text: Option<&str>) -> PyResult<Details> {
        match text {
            None => Ok(Details::None),
            Some("json") => Ok(Details::Json),
            Some("nested") => Ok(Details::Nested),
            Some(other) => Err(pyo3::exceptions::PyValueError::new_err(format!(
                "details must be None, 'json' or 'nested', not {other:?}"
            ))),
        }
    }
}

/// What one row keeps of its result, per [`Details`].
enum Detail {
    Json(String),
    Nested(Criteria),
}

/// The table form of many screenings, filled one result at a time.
struct Rows {
    ids: Vec<Option<String>>,
    status: Vec<i8>,
    errors: Vec<Option<String>>,
    outcomes: Vec<i8>,
    /// With `Details::Json`: each result as core's JSON (reasons and evidence), none for a
    /// refused one.
    json: Option<Vec<Option<String>>>,
    /// With `Details::Nested`: each result's criteria, null for a refused one.
    nested: Option<CriteriaColumn>,
}

/// One screening as a row of the table form, made on the core that screened it (so that the
/// full result, evidence and reasons, is freed there).
struct Row {
    id: Option<String>,
    status: i8,
    error: Option<String>,
    outcomes: Vec<i8>,
    detail: Option<Detail>,
}

impl Row {
    /// The row of one result; a refused record keeps `id_if_refused` (the id its input names, if
    /// any); with `details`, what it asks of the result.
    fn of(
        result: Result<ScreeningResult, ScreeningError>,
        id_if_refused: impl FnOnce() -> Option<String>,
        details: Details,
    ) -> Row {
        let detail = result.as_ref().ok().and_then(|r| match details {
            Details::None => None,
            // Plain data always serialises (a NaN would be written as null, not fail).
            Details::Json => Some(Detail::Json(serde_json::to_string(r).unwrap_or_default())),
            Details::Nested => Some(Detail::Nested(Criteria::of(r))),
        });
        match result {
            Ok(res) => Row {
                status: code(&Status::ALL, &res.status),
                outcomes: res.criteria.iter().map(|c| code(&Outcome::ALL, &c.outcome)).collect(),
                id: Some(res.id),
                error: None,
                detail,
            },
            Err(e) => {
                let path = match &e {
                    ScreeningError::Record(r) => r.field(),
                    ScreeningError::Config(c) => c.field.clone(),
                };
                Row {
                    id: id_if_refused(),
                    status: REFUSED,
                    error: Some(format!("{} at {path}", e.kind())),
                    outcomes: vec![-1; CriterionId::ALL.len()],
                    detail: None,
                }
            }
        }
    }
}

impl Rows {
    fn new(details: Details) -> Rows {
        Rows {
            ids: Vec::new(),
            status: Vec::new(),
            errors: Vec::new(),
            outcomes: Vec::new(),
            json: (details == Details::Json).then(Vec::new),
            nested: (details == Details::Nested).then(CriteriaColumn::default),
        }
    }

    /// Adds one row.
    fn push(&mut self, row: Row) -> Result<(), TooLarge> {
        match (&mut self.json, &mut self.nested, row.detail) {
            (Some(json), _, Some(Detail::Json(text))) => json.push(Some(text)),
            (Some(json), _, _) => json.push(None),
            (_, Some(nested), Some(Detail::Nested(criteria))) => nested.push(Some(criteria))?,
            (_, Some(nested), _) => nested.push(None)?,
            _ => {}
        }
        self.ids.push(row.id);
        self.status.push(row.status);
        self.errors.push(row.error);
        self.outcomes.extend(row.outcomes);
        Ok(())
    }

    fn into_table(self, py: Python<'_>) -> PyResult<Table<'_>> {
        let n = self.ids.len();
        let matrix = PyArray1::from_vec(py, self.outcomes).reshape([n, CriterionId::ALL.len()])?;
        let details = match (self.json, self.nested) {
            (Some(json), _) => Some(json.into_pyobject(py)?.into_any()),
            (_, Some(nested)) => Some(Bound::new(py, ArrayArrow { array: nested.finish() })?.into_any()),
            _ => None,
        };
        Ok((self.ids, PyArray1::from_vec(py, self.status), self.errors, matrix, details))
    }
}

/// Screens many records (JSON texts) on every core, GIL released, and returns the table form:
/// ids, status codes (places in `STATUSES`, whose last is `refused`), the error of each refused
/// record (`kind at path`) and an n × criteria matrix of outcome codes (places in `OUTCOMES`,
/// -1 for a refused record), columns in `criteria()` order; with `details="json"`, each result
/// as core's JSON (reasons and evidence; none for a refused record), with `details="nested"`
/// the criteria as one nested Arrow column (`ArrayArrow`; null for a refused record).
#[pyfunction]
#[pyo3(signature = (records_json, config_json=None, details=None))]
fn screen_table<'py>(
    py: Python<'py>,
    records_json: Vec<String>,
    config_json: Option<&str>,
    details: Option<&str>,
) -> PyResult<Table<'py>> {
    crate::guard(py, || {
        let config = config(py, config_json)?;
        let details = Details::parse(details)?;
        let rows = py.detach(|| -> Result<Rows, TooLarge> {
            let build = |i: usize| ScreeningRecord::from_json(&records_json[i]);
            // A refused record keeps its id where its text names one.
            let keep = |i: usize, result| Row::of(result, || ScreeningRecord::id_in_json(&records_json[i]), details);
            let mut rows = Rows::new(details);
            match screen_built_batch_map(records_json.len(), build, &config, keep) {
                Ok(built) => built.into_iter().try_for_each(|row| rows.push(row))?,
                Err(e) => {
                    for text in &records_json {
                        let refused = Err(ScreeningError::Config(e.clone()));
                        rows.push(Row::of(refused, || ScreeningRecord::id_in_json(text), details))?;
                    }
                }
            }
            Ok(rows)
        });
        rows.map_err(|TooLarge| too_large())?.into_table(py)
    })
}

/// Why a batch of Arrow records stopped: a table that is not one of records, or a nested
/// column grown too large.
enum Stop {
    Batch(BatchError),
    TooLarge,
}

/// Screens records given as Arrow data of the published schema (`screening_arrow_schema`),
/// instants (timestamps with a zone) read as their day in `zone` (from the caller's `tz=`):
/// batch by batch as the producer gives them, each batch's records built from its columns and
/// screened on every core with the GIL released, then dropped (memory flat in the number of
/// records without `details`). Returns the table form of `screen_table`; a row refused (a null
/// where the record needs a value, a text naming no sex, any error of core's checks) keeps its
/// place with its error (`kind at path`). A table that is not one of records (a column missing,
/// unknown, or of the wrong type) raises `KeyError` / `TypeError` naming the column.
#[pyfunction]
#[pyo3(signature = (table, config_json=None, details=None, zone=None))]
fn screen_arrow<'py>(
    py: Python<'py>,
    table: &Bound<'py, PyAny>,
    config_json: Option<&str>,
    details: Option<&str>,
    zone: Option<(Vec<i64>, Vec<i64>)>,
) -> PyResult<Table<'py>> {
    crate::guard(py, || {
        let config = config(py, config_json)?;
        let details = Details::parse(details)?;
        let zone = match zone {
            None => None,
            Some((starts, offsets)) => Some(
                crate::arrow_read::Zone::new(starts, offsets)
                    .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("a zone's starts must ascend"))?,
            ),
        };
        let mut rows = Rows::new(details);
        let mut screen_one = |batch: RecordBatch| -> PyResult<()> {
            let read = py.detach(|| -> Result<(), Stop> {
                let columns = RecordBatchColumns::read(&batch, zone.as_ref()).map_err(Stop::Batch)?;
                // Each row's record built from the columns and screened on the same core, and
                // made a row of the table there; a refused row keeps its place, with the id its
                // row gives, if any.
                let build = |row: usize| columns.record(row);
                let keep = |row: usize, result| Row::of(result, || columns.id(row), details);
                match screen_built_batch_map(columns.rows(), build, &config, keep) {
                    Ok(built) => {
                        built.into_iter().try_for_each(|row| rows.push(row)).map_err(|TooLarge| Stop::TooLarge)?
                    }
                    Err(e) => {
                        for row in 0..columns.rows() {
                            let refused = Err(ScreeningError::Config(e.clone()));
                            rows.push(Row::of(refused, || columns.id(row), details))
                                .map_err(|TooLarge| Stop::TooLarge)?;
                        }
                    }
                }
                Ok(())
            });
            read.map_err(|e| match e {
                Stop::Batch(e) => batch_error(py, e),
                Stop::TooLarge => too_large(),
            })
        };
        match crate::arrow::stream(table)? {
            crate::arrow::Batches::One(batch) => {
                screen_one(crate::arrow::checked(batch, true).map_err(crate::arrow::arrow_error)?)?
            }
            crate::arrow::Batches::Stream(reader) => {
                let schema = arrow_array::RecordBatchReader::schema(&reader);
                let mut any = false;
                for batch in reader {
                    screen_one(batch.and_then(|b| crate::arrow::checked(b, true)).map_err(crate::arrow::arrow_error)?)?;
                    any = true;
                }
                // A stream of no batches is still checked to be one of records (its columns).
                if !any {
                    screen_one(RecordBatch::new_empty(schema))?;
                }
            }
        }
        rows.into_table(py)
    })
}

/// A table that is not one of screening records, as Python sees it.
fn batch_error(py: Python<'_>, e: BatchError) -> PyErr {
    match e {
        BatchError::Missing(_) | BatchError::Unknown { .. } => pyo3::exceptions::PyKeyError::new_err(e.to_string()),
        BatchError::Twice(_) => pyo3::exceptions::PyValueError::new_err(e.to_string()),
        BatchError::Column(c) => crate::arrow::read_error(py, c),
        BatchError::Layout { .. } => pyo3::exceptions::PyTypeError::new_err(e.to_string()),
    }
}

/// The published Arrow schema of a screening record (`__arrow_c_schema__`).
#[pyfunction]
fn screening_arrow_schema(py: Python<'_>) -> PyResult<crate::arrow_write::SchemaArrow> {
    crate::guard(py, || Ok(crate::arrow_write::SchemaArrow::new(crate::record_arrow::record_schema())))
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
    m.add_function(wrap_pyfunction!(screen_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(screening_arrow_schema, m)?)?;
    m.add_function(wrap_pyfunction!(criteria_list, m)?)?;
    m.add_function(wrap_pyfunction!(default_config_json, m)?)?;
    m.add_function(wrap_pyfunction!(validate_record_json, m)?)?;
    m.add_class::<SyntheticRecords>()?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    Ok(())
}
