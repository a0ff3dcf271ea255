//! Results as Arrow: a table of numpy columns (as the native functions return them) exported
//! through the Arrow PyCapsule interface, so that a pyarrow, polars or DuckDB caller gets its
//! own kind of table back without pandas. Numbers are not copied (the Arrow buffers hold the
//! numpy arrays alive); dates, flags and texts are converted once. Each column is described by
//! a kind, the same one the Python side uses to build the pandas form of the same result
//! (`_arrow.ColumnSpec`), so both forms read one description.
//!
//! `unsafe` here is only in `arrow::numpy_buffer` (an Arrow buffer over a numpy array's memory).

use std::sync::Arc;

use arrow_array::ffi::FFI_ArrowSchema;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::types::{Int32Type, UInt8Type};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int32Array, Int64Array, RecordBatch,
    RecordBatchIterator, StringArray, UInt8Array,
};
use arrow_buffer::{BooleanBuffer, NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema};
use numpy::PyReadonlyArray1;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::arrow::{arrow_error, numpy_buffer, SCHEMA, STREAM};

const NANOS_PER_DAY: i64 = 86_400_000_000_000;

fn slice<'a, T: numpy::Element>(a: &'a PyReadonlyArray1<'_, T>, name: &str) -> PyResult<&'a [T]> {
    a.as_slice().map_err(|e| PyTypeError::new_err(format!("column {name}: {e}")))
}

/// The validity of a column: from `valid` (a bool array, true where there is a value) if given.
fn validity(valid: Option<&Bound<'_, PyAny>>, name: &str, len: usize) -> PyResult<Option<NullBuffer>> {
    let Some(valid) = valid.filter(|v| !v.is_none()) else { return Ok(None) };
    let valid: PyReadonlyArray1<'_, bool> = valid.extract()?;
    let valid = slice(&valid, name)?;
    if valid.len() != len {
        return Err(PyValueError::new_err(format!("column {name}: the validity differs in length")));
    }
    Ok(Some(NullBuffer::new(BooleanBuffer::collect_bool(len, |i| valid[i]))).filter(|n| n.null_count() > 0))
}

/// One column from its description: `(name, kind, data, extra)`, where kind is
/// - `float`: float64, NaN kept as NaN; `float?`: float64, NaN is null (neither copied);
/// - `int`: int64, `extra` an optional bool array of validity (not copied);
/// - `bool`: bool, `extra` optional validity;
/// - `date`: int64 nanoseconds since 1970-01-01 (numpy's `datetime64[ns]`), NaT or invalid per
///   `extra` null, written as date32 days;
/// - `dict`: codes into `extra` (a list of texts): uint8 codes are the keys as they are (not
///   copied), int64 codes become int32 keys with a negative code null: a dictionary of utf8
///   (pandas Categorical, polars Categorical);
/// - `text`: a list of str or None;
/// - `arrow`: an array made by the native module (`ArrayArrow`, such as the nested criteria of
///   `screen_many(evidence="nested")`), taken as it is.
fn column(
    name: &str,
    kind: &str,
    data: &Bound<'_, PyAny>,
    extra: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Field, ArrayRef)> {
    let (data_type, array): (DataType, ArrayRef) = match kind {
        "float" | "float?" => {
            let values: PyReadonlyArray1<'_, f64> = data.extract()?;
            let owner = (*values).clone().into_any();
            let v = slice(&values, name)?;
            let nulls = (kind == "float?")
                .then(|| NullBuffer::new(BooleanBuffer::collect_bool(v.len(), |i| !v[i].is_nan())))
                .filter(|n| n.null_count() > 0);
            (DataType::Float64, Arc::new(Float64Array::new(ScalarBuffer::from(numpy_buffer(&owner, v)), nulls)))
        }
        "int" => {
            let values: PyReadonlyArray1<'_, i64> = data.extract()?;
            let owner = (*values).clone().into_any();
            let v = slice(&values, name)?;
            let nulls = validity(extra, name, v.len())?;
            (DataType::Int64, Arc::new(Int64Array::new(ScalarBuffer::from(numpy_buffer(&owner, v)), nulls)))
        }
        "bool" => {
            let values: PyReadonlyArray1<'_, bool> = data.extract()?;
            let v = slice(&values, name)?;
            let nulls = validity(extra, name, v.len())?;
            (DataType::Boolean, Arc::new(BooleanArray::new(BooleanBuffer::collect_bool(v.len(), |i| v[i]), nulls)))
        }
        "date" => {
            let values: PyReadonlyArray1<'_, i64> = data.extract()?;
            let v = slice(&values, name)?;
            let given = validity(extra, name, v.len())?;
            let days: Vec<i32> =
                v.iter().map(|ns| i32::try_from(ns.div_euclid(NANOS_PER_DAY)).unwrap_or(i32::MIN)).collect();
            let known = BooleanBuffer::collect_bool(v.len(), |i| {
                v[i] != i64::MIN && given.as_ref().is_none_or(|g| g.is_valid(i))
            });
            let nulls = Some(NullBuffer::new(known)).filter(|n| n.null_count() > 0);
            (DataType::Date32, Arc::new(Date32Array::new(ScalarBuffer::from(days), nulls)))
        }
        "dict" => {
            let texts: Vec<String> = extra.map(|e| e.extract()).transpose()?.unwrap_or_default();
            let dictionary = Arc::new(StringArray::from(texts)) as ArrayRef;
            let count = dictionary.len();
            if let Ok(codes) = data.extract::<PyReadonlyArray1<'_, u8>>() {
                // uint8 codes (the eGFR batch's) are keys as they are: no copy, no nulls.
                let owner = (*codes).clone().into_any();
                let c = slice(&codes, name)?;
                if let Some(code) = c.iter().find(|c| usize::from(**c) >= count) {
                    return Err(PyValueError::new_err(format!("column {name}: code {code} names no text")));
                }
                let keys = UInt8Array::new(ScalarBuffer::from(numpy_buffer(&owner, c)), None);
                let array = DictionaryArray::<UInt8Type>::try_new(keys, dictionary).map_err(arrow_error)?;
                (DataType::Dictionary(Box::new(DataType::UInt8), Box::new(DataType::Utf8)), Arc::new(array))
            } else {
                let codes: PyReadonlyArray1<'_, i64> = data.extract()?;
                let c = slice(&codes, name)?;
                if let Some(code) = c.iter().find(|c| usize::try_from(**c).is_ok_and(|c| c >= count)) {
                    return Err(PyValueError::new_err(format!("column {name}: code {code} names no text")));
                }
                // A negative code is null (pandas' -1); keys are the codes below the count.
                let nulls = Some(NullBuffer::new(BooleanBuffer::collect_bool(c.len(), |i| c[i] >= 0)))
                    .filter(|n| n.null_count() > 0);
                let keys: Vec<i32> = c.iter().map(|k| i32::try_from(*k).unwrap_or(0).max(0)).collect();
                let keys = Int32Array::new(ScalarBuffer::from(keys), nulls);
                let array = DictionaryArray::<Int32Type>::try_new(keys, dictionary).map_err(arrow_error)?;
                (DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)), Arc::new(array))
            }
        }
        "text" => {
            let texts: Vec<Option<String>> = data.extract()?;
            (DataType::Utf8, Arc::new(StringArray::from(texts)))
        }
        "arrow" => {
            let made = data.cast::<crate::criteria_arrow::ArrayArrow>()?;
            let array = made.get().array.clone();
            (array.data_type().clone(), array)
        }
        other => return Err(PyValueError::new_err(format!("column {name}: {other} is not a kind of column"))),
    };
    let nullable = array.null_count() > 0
        || kind.ends_with('?')
        || extra.is_some_and(|e| !e.is_none())
        || kind == "text"
        || kind == "date"
        || kind == "arrow";
    Ok((Field::new(name, data_type, nullable), array))
}

/// A column's description: name, kind, data, and the kind's extra (validity or texts).
type ColumnSpec<'py> = (String, String, Bound<'py, PyAny>, Option<Bound<'py, PyAny>>);

/// A result table as Arrow (`__arrow_c_stream__`, `__arrow_c_schema__`), from column
/// descriptions `(name, kind, data, extra)` (see the module docs).
#[pyclass(module = "amimestrocel_dkd._native", frozen)]
pub struct TableArrow {
    batch: RecordBatch,
}

#[pymethods]
impl TableArrow {
    #[new]
    fn new(py: Python<'_>, columns: Vec<ColumnSpec<'_>>) -> PyResult<Self> {
        crate::guard(py, || {
            let mut fields = Vec::with_capacity(columns.len());
            let mut arrays = Vec::with_capacity(columns.len());
            for (name, kind, data, extra) in &columns {
                let (field, array) = column(name, kind, data, extra.as_ref())?;
                fields.push(field);
                arrays.push(array);
            }
            if let Some(len) = arrays.first().map(|a| a.len()) {
                if let Some((field, _)) = fields.iter().zip(&arrays).find(|(_, a)| a.len() != len) {
                    return Err(PyValueError::new_err(format!("column {} differs in length", field.name())));
                }
            }
            let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(arrow_error)?;
            Ok(TableArrow { batch })
        })
    }

    /// The rows.
    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        crate::guard(py, || Ok(self.batch.num_rows()))
    }

    /// The Arrow PyCapsule interface: a new stream of the table each time it is asked for.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema; // the schema is fixed; a consumer casts if it wants another
        crate::guard(py, || {
            let reader = RecordBatchIterator::new(vec![Ok(self.batch.clone())], self.batch.schema());
            let stream = FFI_ArrowArrayStream::new(Box::new(reader));
            PyCapsule::new_with_value(py, stream, STREAM)
        })
    }

    /// The schema, as the interface's `__arrow_c_schema__`.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        crate::guard(py, || {
            let schema = FFI_ArrowSchema::try_from(self.batch.schema().as_ref()).map_err(arrow_error)?;
            PyCapsule::new_with_value(py, schema, SCHEMA)
        })
    }
}

/// A published Arrow schema (`__arrow_c_schema__`): `pyarrow.schema(s)`, `polars.Schema(s)`
/// and any other Arrow library read it.
#[pyclass(module = "amimestrocel_dkd._native", frozen)]
pub struct SchemaArrow {
    schema: Schema,
}

impl SchemaArrow {
    pub fn new(schema: Schema) -> Self {
        SchemaArrow { schema }
    }
}

#[pymethods]
impl SchemaArrow {
    /// The schema, as the interface's `__arrow_c_schema__`.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        crate::guard(py, || {
            let schema = FFI_ArrowSchema::try_from(&self.schema).map_err(arrow_error)?;
            PyCapsule::new_with_value(py, schema, SCHEMA)
        })
    }

    /// The names of the top-level fields, in order.
    fn names(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        crate::guard(py, || Ok(self.schema.fields().iter().map(|f| f.name().clone()).collect()))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TableArrow>()?;
    m.add_class::<SchemaArrow>()?;
    Ok(())
}
