//! The criteria of many screening results, with their reasons and evidence, as one nested Arrow
//! column (`screen_many(table, evidence="nested")`), made here rather than from JSON in Python:
//! `list<struct<id, kind, outcome, evidence: list<struct<field, date, entered: struct<value,
//! unit>, converted: struct<value, unit>>>, reason>>`, the shape of the `criteria` of core's
//! JSON result, one row per candidate, null for a refused one. Texts as core writes them in its
//! JSON (slugs, field paths, ISO dates, unit texts, the rendered reason), so the column reads as
//! `ScreeningResult.to_dict()["criteria"]` does.

use std::sync::Arc;

use amimestrocel_dkd::eligibility::{Quantity, ScreeningResult};
use arrow_array::builder::{ArrayBuilder, Float64Builder, StringBuilder};
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, ArrayRef, ListArray, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{DataType, Field, Fields};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

use crate::arrow::{arrow_error, ARRAY, SCHEMA};

/// One piece of evidence as text, as core's JSON writes it.
pub(crate) struct EvidenceRow {
    pub(crate) field: String,
    pub(crate) date: Option<String>,
    pub(crate) entered: Option<(f64, String)>,
    pub(crate) converted: Option<(f64, String)>,
}

/// One criterion as text, as core's JSON writes it.
pub(crate) struct CriterionRow {
    pub(crate) id: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) outcome: &'static str,
    pub(crate) excludes: bool,
    pub(crate) reason: String,
    pub(crate) evidence: Vec<EvidenceRow>,
}

/// One candidate's criteria rendered as the text Python receives, on the core that screened
/// it (the result, with its evidence and reasons, is then freed there). A rendering, not a
/// copy of core's types: the one place a result's criteria become text for Python, for the
/// nested column here and for `screen()`'s typed result (`eligibility::result_tuple`).
pub(crate) struct Criteria(pub(crate) Vec<CriterionRow>);

impl Criteria {
    /// The criteria of one result, rendered as core's JSON renders them.
    pub(crate) fn of(result: &ScreeningResult) -> Criteria {
        let quantity = |q: &Option<Quantity>| q.map(|q| (q.value, q.unit.to_string()));
        Criteria(
            result
                .criteria
                .iter()
                .map(|c| CriterionRow {
                    id: c.id.slug(),
                    kind: c.kind.as_str(),
                    outcome: c.outcome.as_str(),
                    excludes: c.excludes(),
                    reason: c.reason.to_string(),
                    evidence: c
                        .evidence
                        .iter()
                        .map(|e| EvidenceRow {
                            field: e.field.to_string(),
                            date: e.date.map(|d| d.to_string()),
                            entered: quantity(&e.entered),
                            converted: quantity(&e.converted),
                        })
                        .collect(),
                })
                .collect(),
        )
    }
}

/// Texts beyond what one Arrow `utf8` array holds (2 GiB): refused, not a panic.
#[derive(Debug)]
pub(crate) struct TooLarge;

/// A value and unit column pair of a quantity (null where there is none).
#[derive(Default)]
struct Quantities {
    value: Float64Builder,
    unit: StringBuilder,
}

impl Quantities {
    fn push(&mut self, q: &Option<(f64, String)>) {
        match q {
            Some((value, unit)) => {
                self.value.append_value(*value);
                self.unit.append_value(unit);
            }
            None => {
                self.value.append_null();
                self.unit.append_null();
            }
        }
    }

    fn finish(mut self) -> StructArray {
        let value: ArrayRef = Arc::new(self.value.finish());
        let unit: ArrayRef = Arc::new(self.unit.finish());
        let nulls = value.logical_nulls();
        StructArray::new(quantity_fields(), vec![value, unit], nulls)
    }
}

/// The nested column, filled one candidate at a time in the table's order.
#[derive(Default)]
pub(crate) struct CriteriaColumn {
    /// Where each candidate's criteria start, then where the last ends.
    candidates: Vec<i32>,
    candidate_valid: Vec<bool>,
    id: StringBuilder,
    kind: StringBuilder,
    outcome: StringBuilder,
    reason: StringBuilder,
    /// Where each criterion's evidence starts, then where the last ends.
    criteria: Vec<i32>,
    field: StringBuilder,
    date: StringBuilder,
    entered: Quantities,
    converted: Quantities,
    /// The bytes of text so far, checked against `i32::MAX` before each candidate.
    bytes: usize,
}

fn offset(n: usize) -> Result<i32, TooLarge> {
    i32::try_from(n).map_err(|_| TooLarge)
}

impl CriteriaColumn {
    /// Adds one candidate: its criteria, or null for a refused record.
    pub(crate) fn push(&mut self, criteria: Option<Criteria>) -> Result<(), TooLarge> {
        if self.candidates.is_empty() {
            self.candidates.push(0);
            self.criteria.push(0);
        }
        let Some(Criteria(rows)) = criteria else {
            self.candidate_valid.push(false);
            self.candidates.push(offset(self.id.len())?);
            return Ok(());
        };
        // Every text array grows by at most this candidate's bytes: refuse before any would
        // pass what an `i32` offset can address.
        let bytes: usize = rows
            .iter()
            .map(|c| {
                c.id.len()
                    + c.kind.len()
                    + c.outcome.len()
                    + c.reason.len()
                    + c.evidence
                        .iter()
                        .map(|e| {
                            e.field.len()
                                + e.date.as_ref().map_or(0, String::len)
                                + e.entered.as_ref().map_or(0, |q| q.1.len())
                                + e.converted.as_ref().map_or(0, |q| q.1.len())
                        })
                        .sum::<usize>()
            })
            .sum();
        self.bytes = self.bytes.checked_add(bytes).ok_or(TooLarge)?;
        offset(self.bytes)?;
        for c in rows {
            self.id.append_value(c.id);
            self.kind.append_value(c.kind);
            self.outcome.append_value(c.outcome);
            self.reason.append_value(&c.reason);
            for e in &c.evidence {
                self.field.append_value(&e.field);
                self.date.append_option(e.date.as_deref());
                self.entered.push(&e.entered);
                self.converted.push(&e.converted);
            }
            self.criteria.push(offset(self.field.len())?);
        }
        self.candidate_valid.push(true);
        self.candidates.push(offset(self.id.len())?);
        Ok(())
    }

    /// The column.
    pub(crate) fn finish(mut self) -> ArrayRef {
        if self.candidates.is_empty() {
            self.candidates.push(0);
            self.criteria.push(0);
        }
        let evidence = StructArray::new(
            evidence_fields(),
            vec![
                Arc::new(self.field.finish()),
                Arc::new(self.date.finish()),
                Arc::new(self.entered.finish()),
                Arc::new(self.converted.finish()),
            ],
            None,
        );
        let evidence = ListArray::new(
            item(DataType::Struct(evidence_fields())),
            OffsetBuffer::new(self.criteria.into()),
            Arc::new(evidence),
            None,
        );
        let criteria = StructArray::new(
            criterion_fields(),
            vec![
                Arc::new(self.id.finish()),
                Arc::new(self.kind.finish()),
                Arc::new(self.outcome.finish()),
                Arc::new(evidence),
                Arc::new(self.reason.finish()),
            ],
            None,
        );
        let nulls = NullBuffer::from(self.candidate_valid);
        Arc::new(ListArray::new(
            item(DataType::Struct(criterion_fields())),
            OffsetBuffer::new(self.candidates.into()),
            Arc::new(criteria),
            Some(nulls).filter(|n| n.null_count() > 0),
        ))
    }
}

/// A list's item field as pyarrow names it (`item`, nullable).
fn item(data_type: DataType) -> Arc<Field> {
    Arc::new(Field::new("item", data_type, true))
}

fn quantity_fields() -> Fields {
    Fields::from(vec![Field::new("value", DataType::Float64, true), Field::new("unit", DataType::Utf8, true)])
}

fn evidence_fields() -> Fields {
    Fields::from(vec![
        Field::new("field", DataType::Utf8, true),
        Field::new("date", DataType::Utf8, true),
        Field::new("entered", DataType::Struct(quantity_fields()), true),
        Field::new("converted", DataType::Struct(quantity_fields()), true),
    ])
}

fn criterion_fields() -> Fields {
    Fields::from(vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("kind", DataType::Utf8, true),
        Field::new("outcome", DataType::Utf8, true),
        Field::new("evidence", DataType::List(item(DataType::Struct(evidence_fields()))), true),
        Field::new("reason", DataType::Utf8, true),
    ])
}

/// One Arrow array made here (`__arrow_c_array__`), which a result table takes as a column of
/// kind `arrow` without a copy.
#[pyclass(module = "amimestrocel_dkd._native", frozen)]
pub struct ArrayArrow {
    pub(crate) array: ArrayRef,
}

#[pymethods]
impl ArrayArrow {
    /// The rows.
    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        crate::guard(py, || Ok(self.array.len()))
    }

    /// The Arrow PyCapsule interface: (schema, array) capsules of a new export each time.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema; // the type is fixed; a consumer casts if it wants another
        crate::guard(py, || {
            let field = Field::new("criteria", self.array.data_type().clone(), true);
            let schema = FFI_ArrowSchema::try_from(&field).map_err(arrow_error)?;
            let array = FFI_ArrowArray::new(&self.array.to_data());
            let schema = PyCapsule::new_with_value(py, schema, SCHEMA)?;
            let array = PyCapsule::new_with_value(py, array, ARRAY)?;
            PyTuple::new(py, [schema.into_any(), array.into_any()])
        })
    }
}

/// `TooLarge` as Python sees it.
pub(crate) fn too_large() -> PyErr {
    PyValueError::new_err(
        "the criteria with their evidence pass what one Arrow text array holds (2 GiB): screen the records in parts",
    )
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ArrayArrow>()?;
    Ok(())
}
