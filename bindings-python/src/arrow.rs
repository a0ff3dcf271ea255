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
use amimestrocel_dkd::egfr::{
    mark_missing, mark_unit_errors, BatchColumns, BatchInput, EgfrEquation, LabColumn, RowError, RowUnits,
};
use amimestrocel_dkd::lab::Unit;
use arrow_array::cast::AsArray;
use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, Schema, SchemaRef};
use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

pub(crate) use crate::arrow_read::checked;
use crate::arrow_read::{
    check_texts, days, flags, floats_into, ints, sex_codes_of, text_codes, text_codes_or_null, ColumnError, Zone,
};
use crate::kernel::Kernel;

pub(crate) const STREAM: &CStr = c"arrow_array_stream";
pub(crate) const SCHEMA: &CStr = c"arrow_schema";
pub(crate) const ARRAY: &CStr = c"arrow_array";

/// A column's error as Python sees it: a value of a row that cannot be read (a null text, a text
/// not known, a text that is not a date, a dictionary key outside its dictionary) is an
/// `InvalidInputError` naming `column[row]`; a column of the wrong type a `TypeError`.
pub(crate) fn read_error(py: Python<'_>, e: ColumnError) -> PyErr {
    match e {
        ColumnError::Missing { .. }
        | ColumnError::NotKnown { .. }
        | ColumnError::NotADate { .. }
        | ColumnError::ReservedInt { .. }
        | ColumnError::BadKey { .. } => {
            let column = match &e {
                ColumnError::Missing { column, row }
                | ColumnError::NotKnown { column, row, .. }
                | ColumnError::NotADate { column, row }
                | ColumnError::ReservedInt { column, row }
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
        ColumnError::Length | ColumnError::NotValid { .. } => PyValueError::new_err(e.to_string()),
        _ => PyTypeError::new_err(e.to_string()),
    }
}

pub(crate) fn arrow_error(e: ArrowError) -> PyErr {
    PyValueError::new_err(format!("the Arrow data could not be read: {e}"))
}

/// The record batches of `obj`: its `__arrow_c_stream__`, else its `__arrow_c_array__` (a
/// struct array, as a table's batch is exported). No schema is requested of the producer
/// (polars ignores a requested schema): every column is read as it comes.
fn batches(obj: &Bound<'_, PyAny>, texts: bool) -> PyResult<(SchemaRef, Vec<RecordBatch>)> {
    match stream(obj)? {
        Batches::Stream(reader) => {
            let schema = arrow_array::RecordBatchReader::schema(&reader);
            let batches = reader
                .map(|b| b.and_then(|b| checked(b, texts)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(arrow_error)?;
            Ok((schema, batches))
        }
        Batches::One(batch) => Ok((batch.schema(), vec![checked(batch, texts).map_err(arrow_error)?])),
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
        // A stream of one column (a pyarrow ChunkedArray, a polars Series) is no table.
        let reader = RecordBatchStreamReader::try_new(stream).map_err(|e| {
            PyTypeError::new_err(format!(
                "the Arrow data given is not a table (a stream of record batches of named columns): {e}; \
                 a column is passed as a table of one column, e.g. pyarrow.table({{\"AGE\": column}})"
            ))
        })?;
        return Ok(Batches::Stream(reader));
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
        // A struct array's null rows have no columns to read (and arrow-rs would panic making
        // a batch of them): refused, as a table is what is asked for.
        if columns.null_count() > 0 {
            return Err(PyValueError::new_err(format!(
                "the Arrow struct array given has {} null rows: a table's rows are never null (give a table, \
                 or drop the null rows)",
                columns.null_count()
            )));
        }
        return Ok(Batches::One(RecordBatch::from(columns.clone())));
    }
    Err(PyTypeError::new_err("not Arrow data: the object has neither __arrow_c_stream__ nor __arrow_c_array__"))
}

/// The chunks of the column `name`, or a `KeyError` naming it and the columns there are; a
/// `ValueError` when the table has two columns of that name (which one is meant cannot be told).
fn column(schema: &Schema, batches: &[RecordBatch], name: &str) -> PyResult<Vec<ArrayRef>> {
    let mut named = schema.fields().iter().enumerate().filter(|(_, f)| f.name() == name).map(|(i, _)| i);
    let Some(i) = named.next() else {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        return Err(PyKeyError::new_err(format!("no column {name:?} in the table (its columns: {names:?})")));
    };
    if named.next().is_some() {
        return Err(PyValueError::new_err(format!("column {name:?} is in the table twice")));
    }
    if batches.is_empty() {
        // A table of no batches still has its columns' types: one empty array of each, so that a
        // column of the wrong type is refused as it is in a table with rows.
        return Ok(vec![arrow_array::new_empty_array(schema.field(i).data_type())]);
    }
    Ok(batches.iter().map(|b| Arc::clone(b.column(i))).collect())
}

/// Columns of an Arrow table for a table-shaped function (the lab table of the endpoints): per
/// spec (column name, kind, known texts), `text` gives (int64 codes, the distinct texts: with
/// known texts, positions in them), `date` int32 days since 1970 (`i32::MIN` where null),
/// `float` float64 (NaN where null), `int` int64 (any integer type; `i64::MIN` where null),
/// `label` text codes with -1 where null; a kind ending in `?` (`date?`) is a column the table may
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
        let (schema, batches) = batches(table, true)?;
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
                    let read = days(name, &chunks, i32::MIN, None, zone.as_ref()).map_err(read_error)?;
                    PyArray1::from_vec(py, read).into_any()
                }
                "int" => PyArray1::from_vec(py, ints(name, &chunks).map_err(read_error)?).into_any(),
                "label" => {
                    let (codes, texts) = text_codes_or_null(name, &chunks).map_err(read_error)?;
                    (PyArray1::from_vec(py, codes), texts).into_pyobject(py)?.into_any()
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

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(table_columns, m)?)?;
    m.add_function(wrap_pyfunction!(egfr_arrow, m)?)?;
    Ok(())
}

/// The rows `start..end` of a column given as chunks: the slices of the chunks that hold them
/// (zero-copy), in order.
fn rows_of(chunks: &[ArrayRef], start: usize, end: usize) -> Vec<ArrayRef> {
    if start == end {
        // No rows, but the column's type: the readers check it on an empty piece.
        return chunks.first().map(|c| vec![c.slice(0, 0)]).unwrap_or_default();
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for chunk in chunks {
        let (from, to) = (offset, offset + chunk.len());
        offset = to;
        let (a, b) = (start.max(from), end.min(to));
        if a < b {
            out.push(chunk.slice(a - from, b - a));
        }
    }
    out
}

/// Rows read and computed at a time by each thread of [`egfr_arrow`]: its buffers hold this
/// many rows of each input, so memory beyond the result stays flat in the number of rows.
const PIECE_ROWS: usize = 65_536;

/// The rows `start..end` of a float64 column where Arrow keeps them, when they lie in one
/// chunk without nulls: read there, not copied.
fn floats_in_place(chunks: &[ArrayRef], start: usize, end: usize) -> Option<&[f64]> {
    let mut offset = 0;
    for chunk in chunks {
        let (from, to) = (offset, offset + chunk.len());
        offset = to;
        if start >= from && end <= to {
            let floats = chunk.as_primitive_opt::<Float64Type>()?;
            let part = floats.slice(start - from, end - start);
            if part.null_count() > 0 {
                return None;
            }
            return floats.values().get(start - from..end - from);
        }
    }
    None
}

/// Whether the rows of `chunks` are null, one flag per row.
fn null_rows(chunks: &[ArrayRef], rows: usize) -> Option<Vec<bool>> {
    if !chunks.iter().any(|c| c.logical_null_count() > 0) {
        return None;
    }
    let mut nulls = Vec::with_capacity(rows);
    for chunk in chunks {
        match chunk.logical_nulls() {
            Some(n) => nulls.extend(n.iter().map(|valid| !valid)),
            None => nulls.extend(std::iter::repeat_n(false, chunk.len())),
        }
    }
    Some(nulls)
}

/// The inputs of [`egfr_arrow`] by role, each a column's chunks.
struct EgfrInputs {
    age: Vec<ArrayRef>,
    sex: Vec<ArrayRef>,
    names: Vec<(String, String)>,
    creatinine: Option<Vec<ArrayRef>>,
    creatinine_units: Option<Vec<ArrayRef>>,
    cystatin_c: Option<Vec<ArrayRef>>,
    cystatin_c_units: Option<Vec<ArrayRef>>,
    weight: Option<Vec<ArrayRef>>,
    black: Option<Vec<ArrayRef>>,
}

impl EgfrInputs {
    fn name<'a>(&'a self, role: &'a str) -> &'a str {
        self.names.iter().find(|(r, _)| r == role).map_or(role, |(_, n)| n.as_str())
    }
}

/// One thread's buffers, reused piece after piece.
#[derive(Default)]
struct Piece {
    age: Vec<f64>,
    sex: Vec<u8>,
    creatinine: Vec<f64>,
    cystatin_c: Vec<f64>,
    weight: Vec<f64>,
}

/// eGFR of the rows `start..start + out.len()`, a piece at a time: each input read into the
/// piece's buffers (nulls remembered, units per row brought to one), the batch's kernel run,
/// then its codes named for the nulls and units.
#[allow(clippy::too_many_arguments)]
fn egfr_rows(
    inputs: &EgfrInputs,
    labels: &[(String, Sex)],
    equation: EgfrEquation,
    units: (Unit, Unit),
    kernel: Kernel,
    start: usize,
    out: &mut [f64],
    codes: &mut [u8],
) -> Result<(), RowsError> {
    let mut piece = Piece::default();
    // At least one piece, empty for an empty table: each column's type is checked all the same.
    let pieces = out.len().div_ceil(PIECE_ROWS).max(1);
    for k in 0..pieces {
        let rows = k * PIECE_ROWS..((k + 1) * PIECE_ROWS).min(out.len());
        let (a, b) = (start + rows.start, start + rows.end);
        let (out, codes) = (&mut out[rows.clone()], &mut codes[rows]);
        let n = b - a;
        let read = |chunks: &[ArrayRef], role: &str, buf: &mut Vec<f64>| -> Result<(), ColumnError> {
            buf.clear();
            buf.resize(n, 0.0);
            floats_into(inputs.name(role), &rows_of(chunks, a, b), buf)
        };
        // float64 without nulls is read where Arrow keeps it; other numbers into the buffer.
        let age = match floats_in_place(&inputs.age, a, b) {
            Some(values) => values,
            None => {
                read(&inputs.age, "age", &mut piece.age)?;
                &piece.age[..]
            }
        };
        piece.sex.clear();
        let sex_rows = rows_of(&inputs.sex, a, b);
        check_texts(inputs.name("sex"), &sex_rows)?;
        sex_codes_of(inputs.name("sex"), &sex_rows, labels, &mut piece.sex)?;
        let mut marks: Vec<(BatchInput, Vec<bool>)> = Vec::new();
        let mut unit_marks: Vec<(LabColumn, Vec<u8>)> = Vec::new();
        if let Some(nulls) = null_rows(&rows_of(&inputs.age, a, b), n) {
            marks.push((BatchInput::Age, nulls));
        }
        if let Some(nulls) = null_rows(&sex_rows, n) {
            marks.push((BatchInput::Sex, nulls));
        }
        let creatinine = lab_piece(
            inputs,
            &inputs.creatinine,
            &inputs.creatinine_units,
            ("creatinine", LabColumn::Creatinine, BatchInput::Creatinine),
            a..b,
            &mut piece.creatinine,
            &mut marks,
            &mut unit_marks,
        )?;
        let cystatin_c = lab_piece(
            inputs,
            &inputs.cystatin_c,
            &inputs.cystatin_c_units,
            ("cystatin_c", LabColumn::CystatinC, BatchInput::CystatinC),
            a..b,
            &mut piece.cystatin_c,
            &mut marks,
            &mut unit_marks,
        )?;
        if let Some(chunks) = &inputs.weight {
            read(chunks, "weight_kg", &mut piece.weight)?;
            if let Some(nulls) = null_rows(&rows_of(chunks, a, b), n) {
                marks.push((BatchInput::Weight, nulls));
            }
        }
        let black = match &inputs.black {
            Some(chunks) => Some(flags(inputs.name("black"), &rows_of(chunks, a, b)).map_err(|e| e.offset_rows(a))?),
            None => None,
        };
        let mut cols = BatchColumns::new(age, &piece.sex);
        cols.creatinine = creatinine;
        cols.cystatin_c = cystatin_c;
        // A column given in units per row is in its canonical unit by now.
        cols.creatinine_unit = if inputs.creatinine_units.is_some() { Unit::MicromolePerLiter } else { units.0 };
        cols.cystatin_c_unit = if inputs.cystatin_c_units.is_some() { Unit::MilligramPerLiter } else { units.1 };
        cols.weight_kg = inputs.weight.as_ref().map(|_| piece.weight.as_slice());
        cols.black = black.as_deref();
        kernel.fill(&cols.checked(equation)?, 0, out, codes)?;
        for (column, errors) in &unit_marks {
            mark_unit_errors(codes, errors, *column)?;
        }
        for (input, nulls) in &marks {
            mark_missing(codes, nulls, *input)?;
        }
    }
    Ok(())
}

/// The rows `rows` of a lab column (creatinine or cystatin C), if the table has it: where
/// Arrow keeps them (float64 without nulls, in one unit), else read into `buf`, with its nulls
/// added to `marks`; a unit per row brings `buf` to the canonical unit and adds the unit errors
/// to `unit_marks`.
#[allow(clippy::too_many_arguments)]
fn lab_piece<'p>(
    inputs: &EgfrInputs,
    chunks: &'p Option<Vec<ArrayRef>>,
    unit_chunks: &Option<Vec<ArrayRef>>,
    (role, column, input): (&str, LabColumn, BatchInput),
    rows: std::ops::Range<usize>,
    buf: &'p mut Vec<f64>,
    marks: &mut Vec<(BatchInput, Vec<bool>)>,
    unit_marks: &mut Vec<(LabColumn, Vec<u8>)>,
) -> Result<Option<&'p [f64]>, RowsError> {
    let Some(chunks) = chunks else { return Ok(None) };
    let (a, b) = (rows.start, rows.end);
    if unit_chunks.is_none() {
        if let Some(values) = floats_in_place(chunks, a, b) {
            return Ok(Some(values));
        }
    }
    buf.clear();
    buf.resize(b - a, 0.0);
    let piece = rows_of(chunks, a, b);
    floats_into(inputs.name(role), &piece, buf)?;
    if let Some(nulls) = null_rows(&piece, b - a) {
        marks.push((input, nulls));
    }
    if let Some(unit_chunks) = unit_chunks {
        let unit_name = inputs.name(&format!("{role}_unit")).to_owned();
        let unit_rows = rows_of(unit_chunks, a, b);
        check_texts(&unit_name, &unit_rows)?;
        let (unit_codes, texts) = text_codes_or_null(&unit_name, &unit_rows).map_err(|e| e.offset_rows(a))?;
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let one = RowUnits { codes: &unit_codes, texts: &texts }.to_canonical(column, buf)?;
        *buf = one.values;
        unit_marks.push((column, one.unit_errors));
    }
    Ok(Some(&buf[..]))
}

/// Why [`egfr_rows`] stopped: a column it cannot read, or the batch's own error.
#[derive(Debug, thiserror::Error)]
enum RowsError {
    #[error(transparent)]
    Column(#[from] ColumnError),
    #[error(transparent)]
    Egfr(#[from] amimestrocel_dkd::egfr::EgfrError),
}

/// eGFR over the columns of an Arrow table, in one native call: `columns` maps each role (`age`,
/// `sex`, `creatinine`, `creatinine_unit` (a column of units), `cystatin_c`, `cystatin_c_unit`,
/// `weight_kg`, `black`) to a column name. Each thread reads its rows a piece at a time into
/// buffers of its own and runs the batch's kernel on them (conversion on every core; memory
/// beyond the result flat in the number of rows), then names nulls (`*_missing`) and bad units
/// in the codes. Returns the values and codes (as `egfr_columns` does). A column missing is a
/// `KeyError` before any row is read; a column of the wrong type a `TypeError` (found by the
/// first piece that reads it; no result is returned); a bad value that names its row names the
/// row of the whole table.
#[pyfunction]
#[pyo3(signature = (table, columns, sex_labels, equation, creatinine_unit, cystatin_c_unit, strict, threads))]
#[allow(clippy::too_many_arguments)]
pub fn egfr_arrow<'py>(
    py: Python<'py>,
    table: &Bound<'py, PyAny>,
    columns: Vec<(String, String)>,
    sex_labels: Vec<(String, String)>,
    equation: &str,
    creatinine_unit: &str,
    cystatin_c_unit: &str,
    strict: bool,
    threads: usize,
) -> PyResult<crate::egfr::Arrays<'py>> {
    crate::guard(py, || {
        let equation = EgfrEquation::from_slug(equation).map_err(|e| crate::errors::egfr(py, e, None))?;
        let units = (
            Unit::parse(creatinine_unit).map_err(|e| crate::errors::lab(py, e))?,
            Unit::parse(cystatin_c_unit).map_err(|e| crate::errors::lab(py, e))?,
        );
        let labels = sex_labels
            .into_iter()
            .map(|(label, sex)| match Sex::parse(&sex) {
                Ok(s) => Ok((label, s)),
                Err(_) => Err(PyValueError::new_err(format!("sex_labels[{label:?}] is {sex:?}, not female or male"))),
            })
            .collect::<PyResult<Vec<_>>>()?;
        // Texts are checked a piece at a time where they are read, on every core.
        let (schema, batches) = batches(table, false)?;
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        // Every column is found before any is read.
        let mut found = std::collections::HashMap::new();
        for (role, name) in &columns {
            found.insert(role.as_str(), column(&schema, &batches, name)?);
        }
        let mut take = |role: &str| found.remove(role);
        let inputs = EgfrInputs {
            age: take("age").ok_or_else(|| PyTypeError::new_err("egfr needs an age column"))?,
            sex: take("sex").ok_or_else(|| PyTypeError::new_err("egfr needs a sex column"))?,
            creatinine: take("creatinine"),
            creatinine_units: take("creatinine_unit"),
            cystatin_c: take("cystatin_c"),
            cystatin_c_units: take("cystatin_c_unit"),
            weight: take("weight_kg"),
            black: take("black"),
            names: columns.clone(),
        };
        let kernel = Kernel::detect();
        let values = PyArray1::<f64>::zeros(py, rows, false);
        let codes = PyArray1::<u8>::zeros(py, rows, false);
        {
            let mut values_rw = values.readwrite();
            let mut codes_rw = codes.readwrite();
            let out = values_rw.as_slice_mut().map_err(|e| PyTypeError::new_err(e.to_string()))?;
            let codes_out = codes_rw.as_slice_mut().map_err(|e| PyTypeError::new_err(e.to_string()))?;
            // As many threads as asked (0: every core), never more than the machine has.
            let cores = std::thread::available_parallelism().map_or(1, |t| t.get());
            let threads = if threads == 0 { cores } else { threads.min(cores) };
            let per = rows.div_ceil(threads.max(1)).max(1);
            let done: Result<(), RowsError> = py.detach(|| {
                if rows == 0 {
                    // No rows: the columns' types are checked all the same (one empty piece).
                    return egfr_rows(&inputs, &labels, equation, units, kernel, 0, out, codes_out);
                }
                std::thread::scope(|scope| {
                    let handles: Vec<_> = out
                        .chunks_mut(per)
                        .zip(codes_out.chunks_mut(per))
                        .enumerate()
                        .map(|(t, (out, codes))| {
                            let (inputs, labels) = (&inputs, &labels);
                            scope.spawn(move || egfr_rows(inputs, labels, equation, units, kernel, t * per, out, codes))
                        })
                        .collect();
                    let mut first = Ok(());
                    for handle in handles {
                        let result = handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
                        if first.is_ok() {
                            first = result;
                        }
                    }
                    first
                })
            });
            match done {
                Ok(()) => {}
                Err(RowsError::Column(e)) => return Err(read_error(py, e)),
                Err(RowsError::Egfr(e)) => return Err(crate::errors::egfr(py, e, None)),
            }
            if strict {
                if let Some((i, code)) = codes_out.iter().enumerate().find(|(_, c)| **c != 0) {
                    let kind = RowError::from_code(*code).map_or("unknown", RowError::slug);
                    return Err(crate::errors::row(py, i, kind));
                }
            }
        }
        Ok((values, codes))
    })
}
