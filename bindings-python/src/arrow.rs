//! Arrow in and out, through the Arrow PyCapsule interface (`__arrow_c_stream__`,
//! `__arrow_c_array__`): the columns of any producer (pyarrow, polars, DuckDB, pandas ≥ 2.2,
//! arro3, nanoarrow) are read without pyarrow, and results go back as an Arrow stream that any
//! of them reads. arrow-rs's `arrow-array`/`arrow-schema` with their `ffi` feature do the C Data
//! Interface (ADR 0014); this module only converts: a column to the layout the eGFR batch reads
//! (float64 numbers, ISO/IEC 5218 sex codes, 0/1/255 flags), and a result to Arrow arrays.
//! Sex text is read by core (`Sex::parse`), once per distinct text or dictionary value.
//!
//! `unsafe` here is the C Data Interface's hand-over: a capsule's pointer becomes an owned
//! stream or array (moved out, the capsule's copy marked released, as the interface asks).
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::sync::Arc;

use amimestrocel_dkd::demographics::Sex;
use arrow_array::cast::AsArray;
use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_buffer::ScalarBuffer;
use arrow_schema::{ArrowError, DataType, Schema, SchemaRef};
use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

use crate::arrow_read::{days, flags, floats_into, sex_codes_of, text_codes, text_codes_or_null, ColumnError, Zone};

pub(crate) const STREAM: &CStr = c"arrow_array_stream";
pub(crate) const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";

/// A column's error as Python sees it: a value of a row that cannot be read (a null text, a text
/// not known, a text that is not a date, a dictionary key outside its dictionary) is an
/// `InvalidInputError` naming `column[row]`; a column of the wrong type a `TypeError`.
pub(crate) fn read_error(py: Python<'_>, e: ColumnError) -> PyErr {
    match e {
        ColumnError::Missing { .. }
        | ColumnError::NotKnown { .. }
        | ColumnError::NotADate { .. }
        | ColumnError::BadKey { .. } => {
            let column = match &e {
                ColumnError::Missing { column, row }
                | ColumnError::NotKnown { column, row, .. }
                | ColumnError::NotADate { column, row }
                | ColumnError::BadKey { column, row } => format!("{column}[{row}]"),
                _ => String::new(),
            };
            let reason = e.to_string();
            let reason = reason.split_once(": ").map_or(reason.as_str(), |(_, r)| r).to_owned();
            crate::errors::argument(py, &column, &reason)
        }
        other => column_error(other),
    }
}

/// A column the rules do not read: a `TypeError` (a length mismatch a `ValueError`).
fn column_error(e: ColumnError) -> PyErr {
    match e {
        ColumnError::Length => PyValueError::new_err(e.to_string()),
        _ => PyTypeError::new_err(e.to_string()),
    }
}

pub(crate) fn arrow_error(e: ArrowError) -> PyErr {
    PyValueError::new_err(format!("the Arrow data could not be read: {e}"))
}

/// The record batches of `obj`: its `__arrow_c_stream__`, else its `__arrow_c_array__` (a
/// struct array, as a table's batch is exported). No schema is requested of the producer
/// (polars ignores a requested schema): every column is read as it comes.
fn batches(obj: &Bound<'_, PyAny>) -> PyResult<(SchemaRef, Vec<RecordBatch>)> {
    match stream(obj)? {
        Batches::Stream(reader) => {
            let schema = arrow_array::RecordBatchReader::schema(&reader);
            let batches = reader.collect::<Result<Vec<_>, _>>().map_err(arrow_error)?;
            Ok((schema, batches))
        }
        Batches::One(batch) => Ok((batch.schema(), vec![batch])),
    }
}

/// The record batches of a table, as they come: a stream read one batch at a time (memory
/// flat in the number of rows), or the one batch of an `__arrow_c_array__`.
pub(crate) enum Batches {
    /// Batches read from the producer as they are asked for.
    Stream(RecordBatchStreamReader),
    /// One batch.
    One(RecordBatch),
}

/// The batches of `obj`, as [`batches`] takes them, without reading them yet.
pub(crate) fn stream(obj: &Bound<'_, PyAny>) -> PyResult<Batches> {
    if obj.hasattr("__arrow_c_stream__")? {
        let capsule = obj.call_method0("__arrow_c_stream__")?.cast_into::<PyCapsule>()?;
        let ptr = capsule.pointer_checked(Some(STREAM))?.as_ptr().cast::<FFI_ArrowArrayStream>();
        // SAFETY: a capsule named `arrow_array_stream` holds an ArrowArrayStream; `from_raw`
        // moves it out and leaves the capsule's copy released, so it is consumed once.
        let stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr) };
        return Ok(Batches::Stream(RecordBatchStreamReader::try_new(stream).map_err(arrow_error)?));
    }
    if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?.cast_into::<PyTuple>()?;
        let schema_capsule = pair.get_item(0)?.cast_into::<PyCapsule>()?;
        let array_capsule = pair.get_item(1)?.cast_into::<PyCapsule>()?;
        let schema_ptr = schema_capsule.pointer_checked(Some(SCHEMA))?.as_ptr().cast::<FFI_ArrowSchema>();
        let array_ptr = array_capsule.pointer_checked(Some(ARRAY))?.as_ptr().cast::<FFI_ArrowArray>();
        // SAFETY: the capsules are named as the interface names them; the schema is borrowed
        // (the capsule keeps it and releases it), the array moved out (its copy released).
        let (schema, array) = unsafe { (&*schema_ptr, FFI_ArrowArray::from_raw(array_ptr)) };
        // SAFETY: the array was produced for this schema.
        let data = unsafe { from_ffi(array, schema) }.map_err(arrow_error)?;
        let array = arrow_array::make_array(data);
        let Some(columns) = array.as_struct_opt() else {
            return Err(PyTypeError::new_err(format!(
                "the Arrow array given is a {}, not a table (a struct array of columns)",
                array.data_type()
            )));
        };
        return Ok(Batches::One(RecordBatch::from(columns.clone())));
    }
    Err(PyTypeError::new_err("not Arrow data: the object has neither __arrow_c_stream__ nor __arrow_c_array__"))
}

/// The chunks of the column `name`, or a `KeyError` naming it and the columns there are.
fn column(schema: &Schema, batches: &[RecordBatch], name: &str) -> PyResult<Vec<ArrayRef>> {
    let Ok(i) = schema.index_of(name) else {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        return Err(PyKeyError::new_err(format!("no column {name:?} in the table (its columns: {names:?})")));
    };
    Ok(batches.iter().map(|b| Arc::clone(b.column(i))).collect())
}

/// Numpy arrays by role.
type Columns<'py> = Vec<(String, Bound<'py, PyAny>)>;

/// The eGFR inputs read from an Arrow table: `columns` maps each role (`age`, `sex`,
/// `creatinine`, `cystatin_c`, `weight_kg`, `black`) to a column name; `sex_labels` declares
/// texts for sex (label, `female` or `male`). Returns the row count, the arrays the batch
/// reads by role (float64; uint8 sex codes; uint8 flags; for `creatinine_unit` and
/// `cystatin_c_unit`, a unit per row as int64 codes, -1 for a null, and the distinct texts), and by role the rows that are null
/// (for the inputs that have any; a null black flag is already "not known"). A column missing is a
/// `KeyError` (before any column is read), a column of the wrong type a `TypeError` (before the
/// batch runs).
#[pyfunction]
#[pyo3(signature = (table, columns, sex_labels=Vec::new()))]
pub fn egfr_inputs_arrow<'py>(
    py: Python<'py>,
    table: &Bound<'py, PyAny>,
    columns: Vec<(String, String)>,
    sex_labels: Vec<(String, String)>,
) -> PyResult<(usize, Columns<'py>, Columns<'py>)> {
    crate::guard(py, || {
        let labels = sex_labels
            .into_iter()
            .map(|(label, sex)| match Sex::parse(&sex) {
                Ok(s) => Ok((label, s)),
                Err(_) => Err(PyValueError::new_err(format!("sex_labels[{label:?}] is {sex:?}, not female or male"))),
            })
            .collect::<PyResult<Vec<_>>>()?;
        let (schema, batches) = batches(table)?;
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        // Every column is found before any is read; each type is checked as its column is read,
        // all before the batch runs.
        let chunks = columns
            .iter()
            .map(|(role, name)| column(&schema, &batches, name).map(|c| (role.as_str(), name.as_str(), c)))
            .collect::<PyResult<Vec<_>>>()?;
        let mut out = Vec::with_capacity(chunks.len());
        let mut missing = Vec::new();
        for (role, name, chunks) in chunks {
            // A unit per row: codes into the distinct texts (-1 for a null), which core parses.
            if role.ends_with("_unit") {
                let (codes, texts) = text_codes_or_null(name, &chunks).map_err(column_error)?;
                out.push((role.to_owned(), (PyArray1::from_vec(py, codes), texts).into_pyobject(py)?.into_any()));
                continue;
            }
            // The rows that are null, so that the batch's codes can say "missing" for them.
            if chunks.iter().any(|c| c.logical_null_count() > 0) && role != "black" {
                let mut nulls = Vec::with_capacity(rows);
                for chunk in &chunks {
                    match chunk.logical_nulls() {
                        Some(n) => nulls.extend(n.iter().map(|valid| !valid)),
                        None => nulls.extend(std::iter::repeat_n(false, chunk.len())),
                    }
                }
                missing.push((role.to_owned(), PyArray1::from_vec(py, nulls).into_any()));
            }
            let array = match role {
                "sex" => {
                    let mut codes = Vec::with_capacity(rows);
                    sex_codes_of(name, &chunks, &labels, &mut codes).map_err(column_error)?;
                    PyArray1::from_vec(py, codes).into_any()
                }
                "black" => PyArray1::from_vec(py, flags(name, &chunks).map_err(column_error)?).into_any(),
                _ if chunks.len() == 1
                    && chunks[0].data_type() == &DataType::Float64
                    && chunks[0].null_count() == 0 =>
                {
                    // One chunk of float64 without nulls: read where Arrow keeps it, not copied
                    // (a read-only numpy array that holds the Arrow buffer alive).
                    let values = chunks[0].as_primitive::<Float64Type>().values().clone();
                    let holder = Bound::new(py, ArrowFloats { values })?;
                    let view = {
                        let this = holder.borrow();
                        let slice: &[f64] = &this.values;
                        // SAFETY: the view is of the holder's buffer, which is immutable and lives
                        // as long as the holder, itself kept alive by the array (its base).
                        unsafe {
                            PyArray1::borrow_from_array(
                                &numpy::ndarray::ArrayView1::from(slice),
                                holder.clone().into_any(),
                            )
                        }
                    };
                    view.getattr("flags")?.setattr("writeable", false)?;
                    view.into_any()
                }
                _ => {
                    // Allocated by numpy (huge pages for large arrays: fewer page faults).
                    let array = PyArray1::<f64>::zeros(py, rows, false);
                    {
                        let mut rw = array.readwrite();
                        let out = rw.as_slice_mut().map_err(|e| PyTypeError::new_err(e.to_string()))?;
                        floats_into(name, &chunks, out).map_err(column_error)?;
                    }
                    array.into_any()
                }
            };
            out.push((role.to_owned(), array));
        }
        Ok((rows, out, missing))
    })
}

/// Columns of an Arrow table for a table-shaped function (the lab table of the endpoints): per
/// spec (column name, kind, known texts), `text` gives (int64 codes, the distinct texts: with
/// known texts, positions in them), `date` int32 days since 1970 (`i32::MIN` where null),
/// `float` float64 (NaN where null); a kind ending in `?` (`date?`) is a column the table may
/// lack, None then. A timestamp with a time zone is read as its day in `zone` (its UTC offsets,
/// as `(starts, offsets)` in seconds, from the caller's `tz=`), and refused without one. Every
/// column is found before any is read (a missing one is a `KeyError`); a wrong type is a
/// `TypeError`, a null text or a text not known an `InvalidInputError` naming the row.
#[pyfunction]
#[pyo3(signature = (table, specs, zone=None))]
pub fn table_columns<'py>(
    py: Python<'py>,
    table: &Bound<'py, PyAny>,
    specs: Vec<(String, String, Option<Vec<String>>)>,
    zone: Option<(Vec<i64>, Vec<i64>)>,
) -> PyResult<(usize, Vec<Bound<'py, PyAny>>)> {
    crate::guard(py, || {
        let zone = match zone {
            None => None,
            Some((starts, offsets)) => Some(
                Zone::new(starts, offsets)
                    .ok_or_else(|| PyValueError::new_err("a zone's starts must ascend, one offset each"))?,
            ),
        };
        let (schema, batches) = batches(table)?;
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        // A kind ending in `?` is a column the table may lack (None then).
        let columns = specs
            .iter()
            .map(|(name, kind, _)| match schema.index_of(name) {
                Err(_) if kind.ends_with('?') => Ok(None),
                _ => column(&schema, &batches, name).map(Some),
            })
            .collect::<PyResult<Vec<_>>>()?;
        let read_error = |e: ColumnError| read_error(py, e);
        let mut out = Vec::with_capacity(specs.len());
        for ((name, kind, known), chunks) in specs.iter().zip(columns) {
            let Some(chunks) = chunks else {
                out.push(py.None().into_bound(py));
                continue;
            };
            let value = match kind.trim_end_matches('?') {
                "text" => {
                    let (codes, texts) = text_codes(name, &chunks, known.as_deref()).map_err(read_error)?;
                    (PyArray1::from_vec(py, codes), texts).into_pyobject(py)?.into_any()
                }
                "date" => {
                    let read = days(name, &chunks, i32::MIN, zone.as_ref()).map_err(read_error)?;
                    PyArray1::from_vec(py, read).into_any()
                }
                "float" => {
                    let array = PyArray1::<f64>::zeros(py, rows, false);
                    {
                        let mut rw = array.readwrite();
                        let slice = rw.as_slice_mut().map_err(|e| PyTypeError::new_err(e.to_string()))?;
                        floats_into(name, &chunks, slice).map_err(column_error)?;
                    }
                    array.into_any()
                }
                other => return Err(PyValueError::new_err(format!("{other} is not a kind of column"))),
            };
            out.push(value);
        }
        Ok((rows, out))
    })
}

/// An Arrow buffer over the memory of a contiguous numpy array, which it keeps alive (a
/// reference to the array is its owner, released when the last Arrow array using it is).
pub(crate) fn numpy_buffer<T: numpy::Element>(array: &Bound<'_, PyAny>, data: &[T]) -> arrow_buffer::Buffer {
    let owner = Arc::new(std::panic::AssertUnwindSafe(array.clone().unbind()));
    let len = std::mem::size_of_val(data);
    let ptr = std::ptr::NonNull::from(data).cast::<u8>();
    // SAFETY: `data` is the array's own contiguous memory, `len` bytes; `owner` holds a
    // reference to the array, so the memory lives as long as the buffer.
    unsafe { arrow_buffer::Buffer::from_custom_allocation(ptr, len, owner) }
}

/// The owner of an Arrow float64 buffer that a numpy array reads without a copy.
#[pyclass(module = "amimestrocel_dkd._native", frozen)]
pub struct ArrowFloats {
    values: ScalarBuffer<f64>,
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(egfr_inputs_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(table_columns, m)?)?;
    Ok(())
}
