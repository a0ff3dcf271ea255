//! OMOP pre-screening: the package reads each CDM table into columns (Arrow or pandas, by the
//! rules of `table_columns`), this module makes them core's rows and hands them to
//! `amimestrocel_dkd::omop::prescreen`, and gives back the result as columns. Every rule is
//! core's (`docs/interpretation.md`, "OMOP pre-screening").

use amimestrocel_dkd::date::parse_iso_date;
use amimestrocel_dkd::eligibility::{CriterionId, ProtocolConfig, Status};
use amimestrocel_dkd::evaluation::Outcome;
use amimestrocel_dkd::omop::{
    attrition, prescreen, Concept, ConceptAncestor, ConceptSets, ConditionOccurrence, DrugExposure, Measurement,
    ObservationPeriod, OmopTables, Person, PrescreenError, ProcedureOccurrence,
};
use chrono::NaiveDate;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrow_read::NO_INT;
use crate::errors;
use crate::schedule::{day_of, days_since_1970};

/// The columns of one table, in the order the package sends them, each with its name (None:
/// the column is absent).
type Columns<'py> = Vec<(String, Option<Bound<'py, PyAny>>)>;

/// Reads the columns of one table by position.
struct Read<'py> {
    py: Python<'py>,
    columns: Columns<'py>,
    table: &'static str,
}

impl<'py> Read<'py> {
    fn column(&self, at: usize) -> Option<&Bound<'py, PyAny>> {
        self.columns.get(at).and_then(|(_, c)| c.as_ref())
    }

    fn name(&self, at: usize) -> &str {
        self.columns.get(at).map_or("", |(name, _)| name.as_str())
    }

    fn rows(&self) -> PyResult<usize> {
        let Some(first) = self.column(0) else {
            return Err(PyTypeError::new_err(format!("{}: the first column is needed", self.table)));
        };
        let array: PyReadonlyArray1<'py, i64> = first.extract()?;
        array.len()
    }

    /// An int64 column ([`NO_INT`] for null) as options, all None when absent.
    fn ints(&self, at: usize, n: usize) -> PyResult<Vec<Option<i64>>> {
        let Some(c) = self.column(at) else { return Ok(vec![None; n]) };
        let array: PyReadonlyArray1<'py, i64> = c.extract()?;
        let values = array.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        self.same_length(values.len(), n)?;
        Ok(values.iter().map(|&v| (v != NO_INT).then_some(v)).collect())
    }

    /// A float64 column (NaN for null) as options.
    fn floats(&self, at: usize, n: usize) -> PyResult<Vec<Option<f64>>> {
        let Some(c) = self.column(at) else { return Ok(vec![None; n]) };
        let array: PyReadonlyArray1<'py, f64> = c.extract()?;
        let values = array.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        self.same_length(values.len(), n)?;
        Ok(values.iter().map(|&v| (!v.is_nan()).then_some(v)).collect())
    }

    /// A date column (int32 days since 1970, `i32::MIN` for null) as options; a day the library
    /// cannot hold as a date is an error naming the column and row, never read as null.
    fn dates(&self, at: usize, n: usize) -> PyResult<Vec<Option<NaiveDate>>> {
        let Some(c) = self.column(at) else { return Ok(vec![None; n]) };
        let array: PyReadonlyArray1<'py, i32> = c.extract()?;
        let values = array.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        self.same_length(values.len(), n)?;
        let not_a_date = |row: usize| {
            let argument = format!("{}.{}[{row}]", self.table, self.name(at));
            errors::argument(self.py, &argument, "is not a date the library can hold")
        };
        values
            .iter()
            .enumerate()
            .map(|(row, &d)| if d == i32::MIN { Ok(None) } else { day_of(d).map(Some).ok_or_else(|| not_a_date(row)) })
            .collect()
    }

    /// A text column given as (codes, texts), -1 for null; another code outside the texts is
    /// the package's defect, an internal error.
    fn texts(&self, at: usize, n: usize) -> PyResult<Vec<Option<String>>> {
        let Some(c) = self.column(at) else { return Ok(vec![None; n]) };
        let (codes, texts): (PyReadonlyArray1<'py, i64>, Vec<String>) = c.extract()?;
        let codes = codes.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        self.same_length(codes.len(), n)?;
        let text = |k: i64| usize::try_from(k).ok().and_then(|k| texts.get(k).cloned());
        codes
            .iter()
            .map(|&k| if k == -1 { Ok(None) } else { text(k).map(Some).ok_or_else(|| errors::internal(self.py)) })
            .collect()
    }

    fn same_length(&self, len: usize, n: usize) -> PyResult<()> {
        if len == n {
            Ok(())
        } else {
            Err(pyo3::exceptions::PyValueError::new_err(format!("{}: the columns differ in length", self.table)))
        }
    }
}

fn table<'py, T>(
    py: Python<'py>,
    columns: Option<Columns<'py>>,
    name: &'static str,
    rows: impl Fn(&Read<'py>, usize) -> PyResult<Vec<T>>,
) -> PyResult<Option<Vec<T>>> {
    let Some(columns) = columns else { return Ok(None) };
    let read = Read { py, columns, table: name };
    let n = read.rows()?;
    rows(&read, n).map(Some)
}

/// Zips columns of one table into rows.
macro_rules! rows {
    ($n:expr, $row:ident { $($field:ident: $column:expr),* $(,)? }) => {{
        $(let mut $field = $column.into_iter();)*
        (0..$n).map(|_| $row { $($field: $field.next().flatten()),* }).collect::<Vec<_>>()
    }};
}

/// The tables as core's rows.
#[allow(clippy::too_many_arguments)]
fn tables<'py>(
    py: Python<'py>,
    person: Columns<'py>,
    observation_period: Option<Columns<'py>>,
    measurement: Option<Columns<'py>>,
    condition_occurrence: Option<Columns<'py>>,
    drug_exposure: Option<Columns<'py>>,
    procedure_occurrence: Option<Columns<'py>>,
    concept: Option<Columns<'py>>,
    concept_ancestor: Option<Columns<'py>>,
) -> PyResult<OmopTables> {
    let person = table(py, Some(person), "person", |r, n| {
        Ok(rows!(
            n,
            Person {
                person_id: r.ints(0, n)?,
                gender_concept_id: r.ints(1, n)?,
                year_of_birth: r.ints(2, n)?,
                month_of_birth: r.ints(3, n)?,
                day_of_birth: r.ints(4, n)?,
                birth_date: r.dates(5, n)?,
            }
        ))
    })?
    .unwrap_or_default();
    Ok(OmopTables {
        person,
        observation_period: table(py, observation_period, "observation_period", |r, n| {
            Ok(rows!(n, ObservationPeriod { person_id: r.ints(0, n)?, start: r.dates(1, n)?, end: r.dates(2, n)? }))
        })?,
        measurement: table(py, measurement, "measurement", |r, n| {
            Ok(rows!(
                n,
                Measurement {
                    person_id: r.ints(0, n)?,
                    concept_id: r.ints(1, n)?,
                    date: r.dates(2, n)?,
                    value: r.floats(3, n)?,
                    unit_concept_id: r.ints(4, n)?,
                    operator_concept_id: r.ints(5, n)?,
                    range_high: r.floats(6, n)?,
                    value_as_concept_id: r.ints(7, n)?,
                }
            ))
        })?,
        condition_occurrence: table(py, condition_occurrence, "condition_occurrence", |r, n| {
            Ok(rows!(
                n,
                ConditionOccurrence {
                    person_id: r.ints(0, n)?,
                    concept_id: r.ints(1, n)?,
                    start: r.dates(2, n)?,
                    end: r.dates(3, n)?,
                }
            ))
        })?,
        drug_exposure: table(py, drug_exposure, "drug_exposure", |r, n| {
            Ok(rows!(
                n,
                DrugExposure {
                    person_id: r.ints(0, n)?,
                    concept_id: r.ints(1, n)?,
                    start: r.dates(2, n)?,
                    end: r.dates(3, n)?,
                    route_concept_id: r.ints(4, n)?,
                }
            ))
        })?,
        procedure_occurrence: table(py, procedure_occurrence, "procedure_occurrence", |r, n| {
            Ok(rows!(
                n,
                ProcedureOccurrence { person_id: r.ints(0, n)?, concept_id: r.ints(1, n)?, date: r.dates(2, n)? }
            ))
        })?,
        concept: table(py, concept, "concept", |r, n| {
            Ok(rows!(
                n,
                Concept {
                    concept_id: r.ints(0, n)?,
                    concept_name: r.texts(1, n)?,
                    vocabulary_id: r.texts(2, n)?,
                    concept_code: r.texts(3, n)?,
                }
            ))
        })?,
        concept_ancestor: table(py, concept_ancestor, "concept_ancestor", |r, n| {
            Ok(rows!(n, ConceptAncestor { ancestor: r.ints(0, n)?, descendant: r.ints(1, n)? }))
        })?,
    })
}

/// The bundled concept sets, as JSON.
#[pyfunction]
fn omop_concept_sets_json(py: Python<'_>) -> PyResult<String> {
    crate::guard(py, || serde_json::to_string(&ConceptSets::default()).map_err(|_| errors::internal(py)))
}

/// Pre-screens the tables (each a list of columns in the package's order, or None when not
/// given) on `as_of`; returns a dict of columns: the persons' (`person_id`, `row`, `status`
/// codes into `STATUSES`, one outcome-code array per criterion in `CRITERION_IDS` order, 255
/// for a refused person, `not_excluded`, `still_to_check`, `birth_known_to`, `history_taken`,
/// `kidney_biopsy` days), the attrition's, the row errors' and the rows after `as_of`.
#[pyfunction]
#[pyo3(signature = (person, observation_period, measurement, condition_occurrence, drug_exposure,
                    procedure_occurrence, concept, concept_ancestor, as_of, concept_sets=None, config=None))]
#[allow(clippy::too_many_arguments)]
fn omop_prescreen<'py>(
    py: Python<'py>,
    person: Columns<'py>,
    observation_period: Option<Columns<'py>>,
    measurement: Option<Columns<'py>>,
    condition_occurrence: Option<Columns<'py>>,
    drug_exposure: Option<Columns<'py>>,
    procedure_occurrence: Option<Columns<'py>>,
    concept: Option<Columns<'py>>,
    concept_ancestor: Option<Columns<'py>>,
    as_of: &str,
    concept_sets: Option<&str>,
    config: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    crate::guard(py, || {
        let as_of = parse_iso_date(as_of).map_err(|e| errors::date(py, "as_of", e))?;
        let sets = match concept_sets {
            None => ConceptSets::default(),
            Some(text) => ConceptSets::from_json(text).map_err(|e| errors::omop(py, PrescreenError::from(e)))?,
        };
        let config = match config {
            None => ProtocolConfig::default(),
            Some(text) => ProtocolConfig::from_json(text).map_err(|e| errors::config(py, &e.field, &e.reason))?,
        };
        let tables = tables(
            py,
            person,
            observation_period,
            measurement,
            condition_occurrence,
            drug_exposure,
            procedure_occurrence,
            concept,
            concept_ancestor,
        )?;
        let out = py.detach(|| prescreen(&tables, &sets, &config, as_of)).map_err(|e| errors::omop(py, e))?;
        result(py, &out)
    })
}

/// The result as columns.
fn result<'py>(
    py: Python<'py>,
    out: &amimestrocel_dkd::omop::Prescreen<amimestrocel_dkd::omop::Prescreened>,
) -> PyResult<Bound<'py, PyDict>> {
    const REFUSED: u8 = 255;
    let n = out.persons.len();
    let code_of = |o: Outcome| Outcome::ALL.iter().position(|x| *x == o).map_or(REFUSED, |i| i as u8);
    let status_of = |s: Status| Status::ALL.iter().position(|x| *x == s).map_or(REFUSED, |i| i as u8);
    let mut outcomes = vec![Vec::with_capacity(n); CriterionId::ALL.len()];
    let (mut status, mut not_excluded, mut history, mut biopsy) =
        (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut still, mut birth) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for p in &out.persons {
        match &p.screened {
            Some(s) => {
                for (column, o) in outcomes.iter_mut().zip(&s.outcomes) {
                    column.push(code_of(*o));
                }
                status.push(status_of(s.status));
                not_excluded.push(s.not_excluded_by_record);
                history.push(s.history_taken);
                biopsy.push(s.kidney_biopsy.map_or(i32::MIN, days_since_1970));
                still.push(Some(s.still_to_check.iter().map(|c| c.slug()).collect::<Vec<_>>().join(",")));
                birth.push(Some(s.birth.known_to()));
            }
            None => {
                for column in &mut outcomes {
                    column.push(REFUSED);
                }
                status.push(REFUSED);
                not_excluded.push(false);
                history.push(false);
                biopsy.push(i32::MIN);
                still.push(None);
                birth.push(None);
            }
        }
    }
    let d = PyDict::new(py);
    d.set_item("person_id", PyArray1::from_iter(py, out.persons.iter().map(|p| p.person_id)))?;
    d.set_item("row", PyArray1::from_iter(py, out.persons.iter().map(|p| p.row as i64)))?;
    d.set_item("status", PyArray1::from_vec(py, status))?;
    d.set_item("outcomes", outcomes.into_iter().map(|c| PyArray1::from_vec(py, c)).collect::<Vec<_>>())?;
    d.set_item("not_excluded", PyArray1::from_vec(py, not_excluded))?;
    d.set_item("still_to_check", still)?;
    d.set_item("birth_known_to", birth)?;
    d.set_item("history_taken", PyArray1::from_vec(py, history))?;
    d.set_item("kidney_biopsy", PyArray1::from_vec(py, biopsy))?;
    let steps = attrition(&out.persons);
    d.set_item(
        "attrition",
        steps
            .iter()
            .map(|s| (s.criterion.map_or("person", CriterionId::slug), s.excluded, s.remaining, s.unknown))
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "row_errors",
        out.row_errors
            .iter()
            .map(|e| (e.table.as_str(), e.row, e.person_id, e.problem.kind(), e.problem.to_string()))
            .collect::<Vec<_>>(),
    )?;
    d.set_item("rows_after_as_of", out.rows_after_as_of.iter().map(|(t, n)| (t.as_str(), *n)).collect::<Vec<_>>())?;
    d.set_item("rows_unmapped", out.rows_unmapped.iter().map(|(t, n)| (t.as_str(), *n)).collect::<Vec<_>>())?;
    d.set_item("concept_sets_version", &out.concept_sets_version)?;
    d.set_item("config_version", &out.config_version)?;
    Ok(d)
}

/// Synthetic OMOP tables of the seeded synthetic cohort (core's `tools::omop_synthetic`):
/// per table, its columns by CDM name (int64 with `NO_INT` for null, int32 days with `i32::MIN`
/// for null, float64 with NaN, lists of text). `complete`: concept sets with an id for every
/// set (made-up ids where the bundled sets have none), else the bundled sets.
#[pyfunction]
#[pyo3(signature = (seed, count, complete=false))]
fn omop_synthetic<'py>(py: Python<'py>, seed: u64, count: usize, complete: bool) -> PyResult<Bound<'py, PyDict>> {
    use amimestrocel_dkd::tools::omop_synthetic::{complete_concept_sets, representable, to_omop};
    crate::guard(py, || {
        let sets = if complete { complete_concept_sets() } else { ConceptSets::default() };
        let records: Vec<_> =
            amimestrocel_dkd::tools::synthetic::records(seed).take(count).map(representable).collect();
        let t = py.detach(|| to_omop(&records, &sets));
        let ints = |v: Vec<Option<i64>>| PyArray1::from_vec(py, v.into_iter().map(|x| x.unwrap_or(NO_INT)).collect());
        let days = |v: Vec<Option<NaiveDate>>| {
            PyArray1::from_vec(py, v.into_iter().map(|d| d.map_or(i32::MIN, days_since_1970)).collect())
        };
        let floats =
            |v: Vec<Option<f64>>| PyArray1::from_vec(py, v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect());
        let out = PyDict::new(py);
        let add = |name: &str, columns: Vec<(&str, Bound<'py, PyAny>)>| -> PyResult<()> {
            let d = PyDict::new(py);
            for (column, values) in columns {
                d.set_item(column, values)?;
            }
            out.set_item(name, d)
        };
        let person = &t.person;
        add(
            "person",
            vec![
                ("person_id", ints(person.iter().map(|p| p.person_id).collect()).into_any()),
                ("gender_concept_id", ints(person.iter().map(|p| p.gender_concept_id).collect()).into_any()),
                ("year_of_birth", ints(person.iter().map(|p| p.year_of_birth).collect()).into_any()),
                ("month_of_birth", ints(person.iter().map(|p| p.month_of_birth).collect()).into_any()),
                ("day_of_birth", ints(person.iter().map(|p| p.day_of_birth).collect()).into_any()),
            ],
        )?;
        let op = t.observation_period.unwrap_or_default();
        add(
            "observation_period",
            vec![
                ("person_id", ints(op.iter().map(|p| p.person_id).collect()).into_any()),
                ("observation_period_start_date", days(op.iter().map(|p| p.start).collect()).into_any()),
                ("observation_period_end_date", days(op.iter().map(|p| p.end).collect()).into_any()),
            ],
        )?;
        let m = t.measurement.unwrap_or_default();
        add(
            "measurement",
            vec![
                ("person_id", ints(m.iter().map(|r| r.person_id).collect()).into_any()),
                ("measurement_concept_id", ints(m.iter().map(|r| r.concept_id).collect()).into_any()),
                ("measurement_date", days(m.iter().map(|r| r.date).collect()).into_any()),
                ("value_as_number", floats(m.iter().map(|r| r.value).collect()).into_any()),
                ("unit_concept_id", ints(m.iter().map(|r| r.unit_concept_id).collect()).into_any()),
                ("operator_concept_id", ints(m.iter().map(|r| r.operator_concept_id).collect()).into_any()),
                ("range_high", floats(m.iter().map(|r| r.range_high).collect()).into_any()),
                ("value_as_concept_id", ints(m.iter().map(|r| r.value_as_concept_id).collect()).into_any()),
            ],
        )?;
        let c = t.condition_occurrence.unwrap_or_default();
        add(
            "condition_occurrence",
            vec![
                ("person_id", ints(c.iter().map(|r| r.person_id).collect()).into_any()),
                ("condition_concept_id", ints(c.iter().map(|r| r.concept_id).collect()).into_any()),
                ("condition_start_date", days(c.iter().map(|r| r.start).collect()).into_any()),
                ("condition_end_date", days(c.iter().map(|r| r.end).collect()).into_any()),
            ],
        )?;
        let d = t.drug_exposure.unwrap_or_default();
        add(
            "drug_exposure",
            vec![
                ("person_id", ints(d.iter().map(|r| r.person_id).collect()).into_any()),
                ("drug_concept_id", ints(d.iter().map(|r| r.concept_id).collect()).into_any()),
                ("drug_exposure_start_date", days(d.iter().map(|r| r.start).collect()).into_any()),
                ("drug_exposure_end_date", days(d.iter().map(|r| r.end).collect()).into_any()),
                ("route_concept_id", ints(d.iter().map(|r| r.route_concept_id).collect()).into_any()),
            ],
        )?;
        let k = t.concept.unwrap_or_default();
        let texts = |f: fn(&Concept) -> &Option<String>| k.iter().map(|r| f(r).clone()).collect::<Vec<_>>();
        add(
            "concept",
            vec![
                ("concept_id", ints(k.iter().map(|r| r.concept_id).collect()).into_any()),
                ("concept_name", texts(|r| &r.concept_name).into_pyobject(py)?.into_any()),
                ("vocabulary_id", texts(|r| &r.vocabulary_id).into_pyobject(py)?.into_any()),
                ("concept_code", texts(|r| &r.concept_code).into_pyobject(py)?.into_any()),
            ],
        )?;
        let a = t.concept_ancestor.unwrap_or_default();
        add(
            "concept_ancestor",
            vec![
                ("ancestor_concept_id", ints(a.iter().map(|r| r.ancestor).collect()).into_any()),
                ("descendant_concept_id", ints(a.iter().map(|r| r.descendant).collect()).into_any()),
            ],
        )?;
        Ok(out)
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(omop_synthetic, m)?)?;
    m.add_function(wrap_pyfunction!(omop_prescreen, m)?)?;
    m.add_function(wrap_pyfunction!(omop_concept_sets_json, m)?)?;
    m.add("CRITERION_IDS", CriterionId::ALL.iter().map(|c| c.slug()).collect::<Vec<_>>())?;
    Ok(())
}
