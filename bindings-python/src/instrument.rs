//! Instruments (DQOL, TCM syndrome score): a loaded definition and a response session as native
//! objects, core's JSON out (the package turns it into typed records), and the scores of a
//! table of responses column-wise. Every rule is core's (`amimestrocel_dkd::instrument`,
//! `docs/instruments.md`).

use std::collections::BTreeMap;

use amimestrocel_dkd::instrument::{self as core, fhir, Answer, Cell, EfficacyThresholds, ScoreRules};
use chrono::{DateTime, FixedOffset};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::errors;

fn to_json<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|_| errors::internal(py))
}

fn time(py: Python<'_>, text: &str) -> PyResult<DateTime<FixedOffset>> {
    text.parse::<DateTime<FixedOffset>>()
        .map_err(|_| errors::argument(py, "at", "not an RFC 3339 date and time with an offset from UTC"))
}

fn rules(py: Python<'_>, instrument: &core::Instrument, json: Option<&str>) -> PyResult<ScoreRules> {
    match json {
        None => Ok(instrument.default_rules()),
        Some(text) => {
            let rules: ScoreRules = serde_json::from_str(text)
                .map_err(|e| errors::argument(py, "rules", &amimestrocel_dkd::json::describe(&e)))?;
            rules.check().map_err(|e| errors::instrument(py, e, None))?;
            Ok(rules)
        }
    }
}

/// A loaded instrument definition.
#[pyclass(name = "NativeInstrument", module = "amimestrocel_dkd", frozen)]
pub struct NativeInstrument {
    inner: core::Instrument,
}

#[pymethods]
impl NativeInstrument {
    /// A bundled instrument (`dqol`, `tcm-dkd`), or one read from JSON.
    #[new]
    #[pyo3(signature = (id=None, definition_json=None))]
    fn new(py: Python<'_>, id: Option<&str>, definition_json: Option<&str>) -> PyResult<Self> {
        crate::guard(py, || {
            let inner = match (id, definition_json) {
                (_, Some(text)) => core::Instrument::from_json(text),
                (Some(id), None) => core::Instrument::bundled(id),
                (None, None) => return Err(errors::argument(py, "id", "give an id or a definition")),
            }
            .map_err(|e| errors::instrument(py, e, None))?;
            Ok(NativeInstrument { inner })
        })
    }

    /// The same instrument with a site's translation file.
    fn with_translation(&self, py: Python<'_>, text: &str) -> PyResult<Self> {
        crate::guard(py, || {
            let inner = self.inner.with_translation(text).map_err(|e| errors::instrument(py, e, None))?;
            Ok(NativeInstrument { inner })
        })
    }

    /// The definition's default scoring readings, as JSON.
    fn default_rules_json(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || to_json(py, &self.inner.default_rules()))
    }

    /// The checked definition as JSON.
    fn definition_json(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || to_json(py, &self.inner))
    }

    /// The instrument in one language, as JSON.
    fn view_json(&self, py: Python<'_>, language: &str) -> PyResult<String> {
        crate::guard(py, || to_json(py, &self.inner.view(language).map_err(|e| errors::instrument(py, e, None))?))
    }

    /// A translation template in `language`, as JSON.
    fn translation_template_json(&self, py: Python<'_>, language: &str) -> PyResult<String> {
        crate::guard(py, || to_json(py, &self.inner.translation_template(language)))
    }

    /// The FHIR R4 Questionnaire, as JSON.
    fn fhir_questionnaire_json(&self, py: Python<'_>, language: &str) -> PyResult<String> {
        crate::guard(py, || {
            to_json(py, &fhir::questionnaire(&self.inner, language).map_err(|e| errors::instrument(py, e, None))?)
        })
    }

    /// The scores of one set of answers, by item (`{"sat01": 2, "svw01": "not_applicable"}`).
    #[pyo3(signature = (answers, rules_json=None))]
    fn score_json<'py>(
        &self,
        py: Python<'py>,
        answers: BTreeMap<String, Bound<'py, PyAny>>,
        rules_json: Option<&str>,
    ) -> PyResult<String> {
        crate::guard(py, || {
            // Each value read as a cell of `score_columns` reads it (core's `answer_of_cell`): an
            // int or an integral float, None for no answer, "not_applicable" or "skipped"; a
            // boolean or another value is the item's `invalid_answer`.
            let mut read = BTreeMap::new();
            for (item, value) in &answers {
                let answer =
                    self.inner.answer_of_cell(item, cell(value)?).map_err(|e| errors::instrument(py, e, None))?;
                if let Some(answer) = answer {
                    read.insert(item.clone(), answer);
                }
            }
            let answers: BTreeMap<String, Answer> = read;
            let rules = rules(py, &self.inner, rules_json)?;
            to_json(py, &core::score(&self.inner, &answers, &rules).map_err(|e| errors::instrument(py, e, None))?)
        })
    }

    /// Scores a table of responses, one row per session: `items` names the item of each
    /// column, `columns` holds the cells (an int or an integral float, None or NaN for no
    /// answer, "not_applicable" or "skipped"). Returns `{column: list}` of the scores.
    #[pyo3(signature = (items, columns, rules_json=None))]
    fn score_columns<'py>(
        &self,
        py: Python<'py>,
        items: Vec<String>,
        columns: Vec<Vec<Bound<'py, PyAny>>>,
        rules_json: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        crate::guard(py, || {
            let rules = rules(py, &self.inner, rules_json)?;
            if items.len() != columns.len() {
                return Err(errors::argument(py, "columns", "one column per item"));
            }
            for item in &items {
                self.inner.item(item).map_err(|e| errors::instrument(py, e, None))?;
            }
            let names: Vec<&str> = items.iter().map(String::as_str).collect();
            self.inner.check_columns(&names).map_err(|e| errors::instrument(py, e, None))?;
            let rows = columns.first().map_or(0, Vec::len);
            if columns.iter().any(|c| c.len() != rows) {
                return Err(errors::argument(py, "columns", "columns of different lengths"));
            }
            // Every output column, also for a table of no rows.
            let mut out: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
            let mut prorated: BTreeMap<String, Vec<bool>> = BTreeMap::new();
            for section in self.inner.sections.iter().filter(|s| s.items.iter().any(|i| i.scored)) {
                out.insert(format!("{}_raw", section.id), Vec::with_capacity(rows));
                out.insert(format!("{}_transformed", section.id), Vec::with_capacity(rows));
                prorated.insert(format!("{}_prorated", section.id), Vec::with_capacity(rows));
            }
            out.insert("total".to_owned(), Vec::with_capacity(rows));
            out.insert("total_transformed".to_owned(), Vec::with_capacity(rows));
            for row in 0..rows {
                let mut answers = BTreeMap::new();
                for (item, column) in items.iter().zip(&columns) {
                    let answer = self
                        .inner
                        .answer_of_cell(item, cell(&column[row])?)
                        .map_err(|e| errors::instrument(py, e, Some(row)))?;
                    if let Some(answer) = answer {
                        answers.insert(item.clone(), answer);
                    }
                }
                let scores =
                    core::score(&self.inner, &answers, &rules).map_err(|e| errors::instrument(py, e, Some(row)))?;
                for s in &scores.sections {
                    out.entry(format!("{}_raw", s.section)).or_default().push(s.raw);
                    out.entry(format!("{}_transformed", s.section)).or_default().push(s.transformed);
                    prorated.entry(format!("{}_prorated", s.section)).or_default().push(s.prorated);
                }
                out.entry("total".to_owned()).or_default().push(scores.total);
                out.entry("total_transformed".to_owned()).or_default().push(scores.total_transformed);
            }
            let d = PyDict::new(py);
            for (k, v) in out {
                d.set_item(k, v)?;
            }
            for (k, v) in prorated {
                d.set_item(k, v)?;
            }
            Ok(d)
        })
    }

    /// The id.
    #[getter]
    fn id(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || Ok(self.inner.id().to_owned()))
    }

    /// The version.
    #[getter]
    fn version(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || Ok(self.inner.version().to_owned()))
    }

    /// The item ids, in order.
    fn item_ids(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        crate::guard(py, || Ok(self.inner.items().map(|(_, i)| i.id.clone()).collect()))
    }
}

/// One Python value of a response table as core's [`Cell`]; core reads it as an answer.
fn cell<'py>(value: &'py Bound<'py, PyAny>) -> PyResult<Cell<'py>> {
    if value.is_none() {
        return Ok(Cell::Empty);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Cell::Text(s.to_str()?));
    }
    if let Ok(b) = value.cast::<pyo3::types::PyBool>() {
        return Ok(Cell::Bool(b.is_true()));
    }
    if !value.is_exact_instance_of::<pyo3::types::PyInt>() && !value.is_exact_instance_of::<pyo3::types::PyFloat>() {
        // A numpy boolean is a boolean (it would convert to 0 or 1), and pandas' NA is no answer
        // (as `score_frame` reads it).
        let kind = value.getattr("dtype").and_then(|d| d.getattr("kind")).and_then(|k| k.extract::<String>());
        if kind.is_ok_and(|k| k == "b") {
            return Ok(Cell::Bool(value.is_truthy()?));
        }
        if value.get_type().name().is_ok_and(|n| n == "NAType") {
            return Ok(Cell::Empty);
        }
    }
    if let Ok(v) = value.extract::<i64>() {
        return Ok(Cell::Integer(v));
    }
    match value.extract::<f64>() {
        Ok(f) => Ok(Cell::Float(f)),
        // Any other object (a list, a date): not an answer; core says so.
        Err(_) => Ok(Cell::Text("")),
    }
}

/// A response session.
#[pyclass(name = "NativeSession", module = "amimestrocel_dkd")]
pub struct NativeSession {
    instrument: core::Instrument,
    inner: core::Session,
}

impl NativeSession {
    /// The one change behind answer, not_applicable, skip and clear (each guards its call).
    fn set(&mut self, py: Python<'_>, item: &str, answer: Option<Answer>, at: &str) -> PyResult<()> {
        let at = time(py, at)?;
        self.inner.set(&self.instrument, item, answer, at).map_err(|e| errors::instrument(py, e, None))
    }
}

#[pymethods]
impl NativeSession {
    /// Starts a session.
    #[staticmethod]
    fn start(
        py: Python<'_>,
        instrument: &NativeInstrument,
        participant: &str,
        visit: &str,
        language: &str,
        at: &str,
    ) -> PyResult<Self> {
        crate::guard(py, || {
            let at = time(py, at)?;
            let inner = core::Session::start(&instrument.inner, participant, visit, language, at)
                .map_err(|e| errors::instrument(py, e, None))?;
            Ok(NativeSession { instrument: instrument.inner.clone(), inner })
        })
    }

    /// Resumes a saved session.
    #[staticmethod]
    fn resume(py: Python<'_>, instrument: &NativeInstrument, saved: &str) -> PyResult<Self> {
        crate::guard(py, || {
            let inner = core::Session::resume(&instrument.inner, saved).map_err(|e| errors::instrument(py, e, None))?;
            Ok(NativeSession { instrument: instrument.inner.clone(), inner })
        })
    }

    /// Loads from a store file (the previous good save if the latest is damaged); returns the
    /// session and why the latest could not be read, if it could not.
    #[staticmethod]
    fn load(py: Python<'_>, instrument: &NativeInstrument, path: &str) -> PyResult<(Self, Option<String>)> {
        crate::guard(py, || {
            let stored =
                core::SessionStore::new(path).load(&instrument.inner).map_err(|e| errors::instrument(py, e, None))?;
            let why = stored.recovered_from.map(|e| e.to_string());
            Ok((NativeSession { instrument: instrument.inner.clone(), inner: stored.session }, why))
        })
    }

    fn answer(&mut self, py: Python<'_>, item: &str, value: &Bound<'_, PyAny>, at: &str) -> PyResult<()> {
        crate::guard(py, || {
            // core's order: a completed session says so whatever the answer.
            self.inner.check_open(item).map_err(|e| errors::instrument(py, e, None))?;
            let answer = match cell(value)? {
                // A value answer only: words go through not_applicable() and skip().
                c @ (Cell::Integer(_) | Cell::Float(_) | Cell::Bool(_)) => self.instrument.answer_of_cell(item, c),
                _ => Err(core::InstrumentError::InvalidAnswer {
                    item: item.to_owned(),
                    reason: "not a number (use not_applicable(), skip() or clear())".to_owned(),
                }),
            }
            .map_err(|e| errors::instrument(py, e, None))?;
            match answer {
                Some(answer) => self.set(py, item, Some(answer), at),
                None => Err(errors::instrument(
                    py,
                    core::InstrumentError::InvalidAnswer {
                        item: item.to_owned(),
                        reason: "NaN is not an answer".to_owned(),
                    },
                    None,
                )),
            }
        })
    }

    fn not_applicable(&mut self, py: Python<'_>, item: &str, at: &str) -> PyResult<()> {
        crate::guard(py, || self.set(py, item, Some(Answer::NotApplicable), at))
    }

    fn skip(&mut self, py: Python<'_>, item: &str, at: &str) -> PyResult<()> {
        crate::guard(py, || self.set(py, item, Some(Answer::Skipped), at))
    }

    fn clear(&mut self, py: Python<'_>, item: &str, at: &str) -> PyResult<()> {
        crate::guard(py, || self.set(py, item, None, at))
    }

    #[pyo3(signature = (at, rules_json=None))]
    fn complete_json(&mut self, py: Python<'_>, at: &str, rules_json: Option<&str>) -> PyResult<String> {
        crate::guard(py, || {
            let at = time(py, at)?;
            let rules = rules(py, &self.instrument, rules_json)?;
            let scores =
                self.inner.complete(&self.instrument, at, &rules).map_err(|e| errors::instrument(py, e, None))?;
            to_json(py, &scores)
        })
    }

    #[pyo3(signature = (rules_json=None))]
    fn scores_json(&self, py: Python<'_>, rules_json: Option<&str>) -> PyResult<String> {
        crate::guard(py, || {
            let rules = rules(py, &self.instrument, rules_json)?;
            to_json(py, &self.inner.scores(&self.instrument, &rules).map_err(|e| errors::instrument(py, e, None))?)
        })
    }

    fn progress_json(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || to_json(py, &self.inner.progress(&self.instrument)))
    }

    fn audit_json(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || to_json(py, &self.inner.audit()))
    }

    fn answers_json(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || to_json(py, self.inner.answers()))
    }

    fn status(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || to_json(py, &self.inner.status()).map(|s| s.trim_matches('"').to_owned()))
    }

    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || Ok(self.inner.to_json()))
    }

    fn save(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        crate::guard(py, || {
            core::SessionStore::new(path).save(&self.inner).map_err(|e| errors::instrument(py, e, None))
        })
    }

    fn fhir_response_json(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || {
            let r = fhir::questionnaire_response(&self.instrument, &self.inner)
                .map_err(|e| errors::instrument(py, e, None))?;
            to_json(py, &r)
        })
    }

    #[pyo3(signature = (rules_json=None))]
    fn flat_json(&self, py: Python<'_>, rules_json: Option<&str>) -> PyResult<String> {
        crate::guard(py, || {
            let rules = rules(py, &self.instrument, rules_json)?;
            to_json(py, &self.inner.flat(&self.instrument, &rules).map_err(|e| errors::instrument(py, e, None))?)
        })
    }
}

/// The TCM efficacy index and its category, as JSON.
#[pyfunction]
#[pyo3(signature = (pre, post, thresholds_json=None))]
fn instrument_efficacy_json(py: Python<'_>, pre: f64, post: f64, thresholds_json: Option<&str>) -> PyResult<String> {
    crate::guard(py, || {
        let thresholds: EfficacyThresholds = match thresholds_json {
            Some(t) => serde_json::from_str(t)
                .map_err(|e| errors::argument(py, "thresholds", &amimestrocel_dkd::json::describe(&e)))?,
            None => EfficacyThresholds::default(),
        };
        to_json(py, &core::efficacy(pre, post, &thresholds).map_err(|e| errors::instrument(py, e, None))?)
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeInstrument>()?;
    m.add_class::<NativeSession>()?;
    m.add_function(wrap_pyfunction!(instrument_efficacy_json, m)?)?;
    m.add("INSTRUMENT_ERROR_KINDS", core::InstrumentError::KINDS.to_vec())?;
    Ok(())
}
