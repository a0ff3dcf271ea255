//! Column conversion for the eGFR batch: the columns data scientists hold (numpy text and
//! object arrays, integer codes, booleans) turned into the batch's typed columns in one pass,
//! without a Python object per row where the layout allows it. Sex text is read by core's
//! `Sex::parse`; these functions only decode buffers and remember the few distinct values a
//! column holds, so that each is parsed once.
//!
//! Missing values (None, NaN, `pandas.NA`, an empty string) become code 0, which the batch
//! reports as a row error; a value of a type that has no reading (a bool where a sex is
//! expected, a str where a number is) is a `TypeError` naming the column and the row.

use amimestrocel_dkd::demographics::Sex;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

/// The ISO/IEC 5218 code of a sex text; 0 (not known) for text that names none or is empty.
fn code_of(text: &str) -> u8 {
    Sex::parse(text).map_or(0, Sex::iso5218)
}

/// The distinct values seen so far in a column and their codes, up to [`MEMO`] of them:
/// columns hold two or three distinct values, so nearly every row is found here and is never
/// parsed; a value beyond the first [`MEMO`] is parsed each time it comes.
const MEMO: usize = 16;

/// The code of `key` from `seen`, or `parse()` remembered under it.
#[inline]
fn memo<K: ?Sized + PartialEq + ToOwned>(seen: &mut Vec<(K::Owned, u8)>, key: &K, parse: impl FnOnce() -> u8) -> u8
where
    K::Owned: std::borrow::Borrow<K>,
{
    use std::borrow::Borrow;
    if let Some((_, code)) = seen.iter().find(|(k, _)| k.borrow() == key) {
        return *code;
    }
    let code = parse();
    if seen.len() < MEMO {
        seen.push((key.to_owned(), code));
    }
    code
}

/// Decodes one fixed-width numpy text cell (`<U`: UCS-4 code points, `S`: bytes, both padded
/// with NULs) and gives its code.
fn code_of_cell(cell: &[u32]) -> u8 {
    let mut text = String::with_capacity(cell.len());
    for &c in cell {
        if c == 0 {
            break;
        }
        match char::from_u32(c) {
            Some(ch) => text.push(ch),
            None => return 0,
        }
    }
    code_of(&text)
}

/// Sex codes of a numpy `<U{width}` array, given as its code points (n × width, row-major).
#[pyfunction]
pub fn sex_codes_ucs4<'py>(
    py: Python<'py>,
    cells: PyReadonlyArray1<'py, u32>,
    width: usize,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    crate::guard(py, || {
        let cells = cells.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let codes = py.detach(|| decode_cells(cells, width, |c| c));
        Ok(PyArray1::from_vec(py, codes))
    })
}

/// Sex codes of a numpy `S{width}` array, given as its bytes (n × width, row-major); the bytes
/// are read as Latin-1, which covers every ASCII spelling (`F`, `male`).
#[pyfunction]
pub fn sex_codes_bytes<'py>(
    py: Python<'py>,
    cells: PyReadonlyArray1<'py, u8>,
    width: usize,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    crate::guard(py, || {
        let cells = cells.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let codes = py.detach(|| decode_cells(cells, width, u32::from));
        Ok(PyArray1::from_vec(py, codes))
    })
}

fn decode_cells<T: Copy + PartialEq>(cells: &[T], width: usize, widen: impl Fn(T) -> u32) -> Vec<u8> {
    if width == 0 {
        return Vec::new();
    }
    if width == 1 {
        // One character per cell (`<U1`, `S1`, the usual F/M column): a small table of the
        // characters seen, searched inline.
        let (mut keys, mut codes, mut n) = ([0u32; MEMO], [0u8; MEMO], 0usize);
        return cells
            .iter()
            .map(|&c| {
                let c = widen(c);
                if let Some(k) = keys[..n].iter().position(|&key| key == c) {
                    return codes[k];
                }
                let code = code_of_cell(&[c]);
                if n < MEMO {
                    (keys[n], codes[n], n) = (c, code, n + 1);
                }
                code
            })
            .collect();
    }
    let mut seen: Vec<(Vec<T>, u8)> = Vec::new();
    let mut code_of_new =
        |cell: &[T]| memo(&mut seen, cell, || code_of_cell(&cell.iter().map(|&c| widen(c)).collect::<Vec<_>>()));
    // The cell just before is the same as this one in most rows of a sorted or two-valued
    // column: compared first, without a search.
    let mut last: Option<(&[T], u8)> = None;
    cells
        .chunks_exact(width)
        .map(|cell| match last {
            Some((prev, code)) if prev == cell => code,
            _ => {
                let code = code_of_new(cell);
                last = Some((cell, code));
                code
            }
        })
        .collect()
}

/// What one object of an object column is.
enum Cell<'a> {
    Missing,
    Text(&'a Bound<'a, PyAny>),
    Code(i64),
}

/// Classifies an object of a sex column: a str, an int ISO/IEC 5218 code, a missing value
/// (None, a float NaN, `pandas.NA`), or a `TypeError`.
fn sex_cell<'a>(obj: &'a Bound<'a, PyAny>, row: usize, column: &str) -> PyResult<Cell<'a>> {
    if obj.is_none() {
        return Ok(Cell::Missing);
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(Cell::Text(obj));
    }
    if obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{column}[{row}] is a bool: pass 'F'/'M' text, ISO/IEC 5218 codes (1 male, 2 female) or a boolean female= column"
        )));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(Cell::Code(obj.extract::<i64>().unwrap_or(0)));
    }
    if obj.is_instance_of::<PyFloat>() {
        let x: f64 = obj.extract()?;
        return Ok(if x.is_nan() { Cell::Missing } else { Cell::Code(float_code(x)) });
    }
    if is_missing_marker(obj) {
        return Ok(Cell::Missing);
    }
    Err(PyTypeError::new_err(format!(
        "{column}[{row}] is a {}: pass 'F'/'M' text or ISO/IEC 5218 codes (1 male, 2 female)",
        obj.get_type().name().map_or_else(|_| "value".to_owned(), |n| n.to_string())
    )))
}

/// A float code: 1.0 and 2.0 are codes, NaN is missing, anything else is not a sex (0).
fn float_code(x: f64) -> i64 {
    if x == 1.0 || x == 2.0 {
        x as i64
    } else {
        0
    }
}

/// `pandas.NA` and `pandas.NaT`, recognised by their type's name so that pandas need not be
/// imported.
fn is_missing_marker(obj: &Bound<'_, PyAny>) -> bool {
    obj.get_type().name().is_ok_and(|n| n == "NAType" || n == "NaTType")
}

/// ISO/IEC 5218 code as the batch reads it: 1 and 2 stay, anything else is 0 (not known).
fn iso_code(code: i64) -> u8 {
    // Core's reading of an ISO/IEC 5218 code; 0 (the batch's "no sex") where it names none.
    Sex::from_iso5218(code).map_or(0, Sex::iso5218)
}

/// Sex codes of a numpy object array (what pandas holds for text columns): each object a str,
/// an int code or a missing value. Objects that are the same object as an earlier row (pandas
/// and Python share equal short strings) are not read again.
#[pyfunction]
pub fn sex_codes_objects<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, Py<PyAny>>,
    column: &str,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    crate::guard(py, || {
        let values = values.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let mut codes = Vec::with_capacity(values.len());
        // Objects already seen (by identity: str objects are immutable, and the array keeps
        // each alive), then texts already seen.
        let mut objects: Vec<(usize, u8)> = Vec::new();
        let mut texts: Vec<(String, u8)> = Vec::new();
        for (row, obj) in values.iter().enumerate() {
            let obj = obj.bind(py);
            let ptr = obj.as_ptr() as usize;
            if let Some((_, code)) = objects.iter().find(|(p, _)| *p == ptr) {
                codes.push(*code);
                continue;
            }
            let code = match sex_cell(obj, row, column)? {
                Cell::Missing => 0,
                Cell::Code(c) => iso_code(c),
                Cell::Text(t) => {
                    let text = t.cast::<PyString>()?.to_str()?;
                    let code = memo(&mut texts, text, || code_of(text));
                    if objects.len() < MEMO {
                        objects.push((ptr, code));
                    }
                    code
                }
            };
            codes.push(code);
        }
        Ok(PyArray1::from_vec(py, codes))
    })
}

/// Sex codes of an integer column (any width, as int64): ISO/IEC 5218, anything but 1 and 2 is
/// 0 (not known).
#[pyfunction]
pub fn sex_codes_ints<'py>(py: Python<'py>, values: PyReadonlyArray1<'py, i64>) -> PyResult<Bound<'py, PyArray1<u8>>> {
    crate::guard(py, || {
        let values = values.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let codes: Vec<u8> = py.detach(|| values.iter().map(|&c| iso_code(c)).collect());
        Ok(PyArray1::from_vec(py, codes))
    })
}

/// Sex codes of a float column (what pandas makes of integer codes with a missing value):
/// 1.0 male, 2.0 female, NaN missing, anything else not known.
#[pyfunction]
pub fn sex_codes_floats<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    crate::guard(py, || {
        let values = values.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let codes: Vec<u8> = py.detach(|| values.iter().map(|&x| iso_code(float_code(x))).collect());
        Ok(PyArray1::from_vec(py, codes))
    })
}

/// Sex codes of a boolean `female` column: True female (2), False male (1).
#[pyfunction]
pub fn sex_codes_female<'py>(
    py: Python<'py>,
    female: PyReadonlyArray1<'py, bool>,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    crate::guard(py, || {
        let female = female.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let codes: Vec<u8> = py.detach(|| female.iter().map(|&f| if f { 2 } else { 1 }).collect());
        Ok(PyArray1::from_vec(py, codes))
    })
}

/// Numbers of a numpy object array (a list with None, a pandas object column): int and float
/// objects are their value; None, NaN and `pandas.NA` are NaN (missing); anything else (a str,
/// a bool) is a `TypeError` naming the column and row, never read as a number.
#[pyfunction]
pub fn floats_from_objects<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, Py<PyAny>>,
    column: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    crate::guard(py, || {
        let values = values.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let mut out = Vec::with_capacity(values.len());
        for (row, obj) in values.iter().enumerate() {
            let obj = obj.bind(py);
            let x = if obj.is_none() || is_missing_marker(obj) {
                f64::NAN
            } else if obj.is_instance_of::<PyBool>()
                || !(obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>())
            {
                let kind = obj.get_type().name().map_or_else(|_| "value".to_owned(), |n| n.to_string());
                return Err(PyTypeError::new_err(format!("{column}[{row}] is a {kind}, not a number")));
            } else {
                obj.extract::<f64>()?
            };
            out.push(x);
        }
        Ok(PyArray1::from_vec(py, out))
    })
}

/// Black-race flags of a numpy object array: True/1 is 1, False/0 is 0, None/NaN/`pandas.NA`
/// is 255 (not known: a row error for the equations that read the flag); anything else
/// (`"no"`, 2) is a `TypeError`.
#[pyfunction]
pub fn flags_from_objects<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, Py<PyAny>>,
    column: &str,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    crate::guard(py, || {
        let values = values.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let mut out = Vec::with_capacity(values.len());
        for (row, obj) in values.iter().enumerate() {
            let obj = obj.bind(py);
            let flag = if obj.is_none() || is_missing_marker(obj) {
                255
            } else if obj.is_instance_of::<PyBool>() {
                u8::from(obj.extract::<bool>()?)
            } else if obj.is_instance_of::<PyFloat>() && obj.extract::<f64>()?.is_nan() {
                255
            } else {
                match obj
                    .extract::<f64>()
                    .ok()
                    .filter(|_| obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>())
                {
                    Some(0.0) => 0,
                    Some(1.0) => 1,
                    _ => {
                        return Err(PyTypeError::new_err(format!(
                            "{column}[{row}] is not a flag: pass booleans (or 0/1), None for not known"
                        )))
                    }
                }
            };
            out.push(flag);
        }
        Ok(PyArray1::from_vec(py, out))
    })
}

/// Codes of a text column held as a numpy object array (a pandas text column): each row's
/// position in `known` when given (a row whose text is not there is an error naming it), else
/// in the distinct texts in the order first seen, which are returned. A row that is the same
/// object as one of the last few rows (pandas repeats the same str objects down a column) is
/// not read again.
/// A missing or non-text value is an error naming the column and the row.
#[pyfunction]
#[pyo3(signature = (values, column, known=None))]
pub fn text_codes<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, Py<PyAny>>,
    column: &str,
    known: Option<Vec<String>>,
) -> PyResult<(Bound<'py, PyArray1<i64>>, Vec<String>)> {
    crate::guard(py, || {
        let values = values.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        let fixed = known.is_some();
        let mut texts: Vec<String> = known.unwrap_or_default();
        let mut index: std::collections::HashMap<String, i64> =
            texts.iter().enumerate().map(|(i, t)| (t.clone(), i as i64)).collect();
        let mut codes = Vec::with_capacity(values.len());
        // The last few objects met (a column of few texts repeats the same str objects).
        let mut recent: Vec<(usize, i64)> = Vec::with_capacity(MEMO);
        for (row, obj) in values.iter().enumerate() {
            let obj = obj.bind(py);
            let ptr = obj.as_ptr() as usize;
            if let Some(&(_, code)) = recent.iter().find(|(p, _)| *p == ptr) {
                codes.push(code);
                continue;
            }
            let Ok(text) = obj.cast::<PyString>() else {
                return Err(crate::errors::argument(py, &format!("{column}[{row}]"), "is missing or not text"));
            };
            let text = text.to_str()?;
            let code = match index.get(text) {
                Some(&code) => code,
                None if fixed => {
                    return Err(crate::errors::argument(py, &format!("{column}[{row}]"), "is not one of the subjects"))
                }
                None => {
                    let code = texts.len() as i64;
                    texts.push(text.to_owned());
                    index.insert(text.to_owned(), code);
                    code
                }
            };
            if recent.len() == MEMO {
                recent.remove(0);
            }
            recent.push((ptr, code));
            codes.push(code);
        }
        Ok((PyArray1::from_vec(py, codes), texts))
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(text_codes, m)?)?;
    m.add_function(wrap_pyfunction!(sex_codes_ucs4, m)?)?;
    m.add_function(wrap_pyfunction!(sex_codes_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(sex_codes_objects, m)?)?;
    m.add_function(wrap_pyfunction!(sex_codes_ints, m)?)?;
    m.add_function(wrap_pyfunction!(sex_codes_floats, m)?)?;
    m.add_function(wrap_pyfunction!(sex_codes_female, m)?)?;
    m.add_function(wrap_pyfunction!(floats_from_objects, m)?)?;
    m.add_function(wrap_pyfunction!(flags_from_objects, m)?)?;
    Ok(())
}
