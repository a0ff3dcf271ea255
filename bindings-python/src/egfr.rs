//! eGFR: the scalar estimate and the column-wise batch over numpy arrays.

use amimestrocel_dkd::demographics::{Age, Sex};
use amimestrocel_dkd::egfr::{
    egfr_batch_with, estimate, mark_missing, mark_unit_errors, BatchColumns, BatchInput, EgfrEquation, EgfrInputs,
    GfrEstimate, LabColumn, RowError, RowUnits,
};
use amimestrocel_dkd::lab::{CystatinC, Measurement, SerumCreatinine, Unit};
use chrono::NaiveDate;
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use uom::si::f64::Mass;
use uom::si::mass::kilogram;

use crate::errors;
use crate::kernel::Kernel;
use crate::lab::LabValue;

/// The result of an estimate: which equation, the value and its unit.
#[pyclass(name = "GfrEstimate", module = "amimestrocel_dkd", frozen)]
pub struct PyGfrEstimate {
    #[pyo3(get)]
    equation: &'static str,
    #[pyo3(get)]
    value: f64,
    #[pyo3(get)]
    unit: &'static str,
    #[pyo3(get)]
    normalised: bool,
}

#[pymethods]
impl PyGfrEstimate {
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        crate::guard(py, || {
            let d = PyDict::new(py);
            d.set_item("equation", self.equation)?;
            d.set_item("value", self.value)?;
            d.set_item("unit", self.unit)?;
            d.set_item("normalised", self.normalised)?;
            Ok(d)
        })
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || {
            Ok(format!("GfrEstimate(equation={:?}, value={:?}, unit={:?})", self.equation, self.value, self.unit))
        })
    }
}

impl From<GfrEstimate> for PyGfrEstimate {
    fn from(e: GfrEstimate) -> Self {
        PyGfrEstimate {
            equation: e.equation().slug(),
            value: e.value(),
            unit: e.unit().as_str(),
            normalised: e.equation().is_normalised(),
        }
    }
}

fn equation(py: Python<'_>, slug: &str) -> PyResult<EgfrEquation> {
    EgfrEquation::from_slug(slug).map_err(|e| errors::egfr(py, e, None))
}

fn sex(py: Python<'_>, text: &str) -> PyResult<Sex> {
    Sex::parse(text).map_err(|e| errors::demographics(py, e))
}

fn typed<T>(
    py: Python<'_>,
    value: Option<PyRef<'_, LabValue>>,
    f: fn(Measurement) -> Result<T, amimestrocel_dkd::lab::LabError>,
) -> PyResult<Option<T>> {
    value.map(|v| f(v.inner).map_err(|e| errors::lab(py, e))).transpose()
}

/// Estimates GFR by `equation` for one person.
#[pyfunction]
#[pyo3(signature = (equation, *, age, sex, creatinine=None, cystatin_c=None, weight_kg=None, black=false))]
#[allow(clippy::too_many_arguments)]
fn estimate_gfr(
    py: Python<'_>,
    equation: &str,
    age: &Bound<'_, PyAny>,
    sex: &str,
    creatinine: Option<PyRef<'_, LabValue>>,
    cystatin_c: Option<PyRef<'_, LabValue>>,
    weight_kg: Option<f64>,
    black: bool,
) -> PyResult<PyGfrEstimate> {
    crate::guard(py, || {
        let eq = self::equation(py, equation)?;
        // A boolean is no age (True would be read as 1 year), as the batch refuses it.
        if age.is_instance_of::<pyo3::types::PyBool>() {
            return Err(PyTypeError::new_err("age is a number of years, not a bool"));
        }
        let age = Age::from_f64(age.extract::<f64>()?).map_err(|e| errors::demographics(py, e))?;
        let mut inputs = EgfrInputs::new(age, self::sex(py, sex)?).with_black(black);
        inputs.creatinine = typed(py, creatinine, SerumCreatinine::try_from_measurement)?;
        inputs.cystatin_c = typed(py, cystatin_c, CystatinC::try_from_measurement)?;
        inputs.weight = weight_kg.map(Mass::new::<kilogram>);
        estimate(eq, &inputs).map(PyGfrEstimate::from).map_err(|e| errors::egfr(py, e, None))
    })
}

/// A date from a `YYYY-MM-DD` string or an object with integer `year`, `month` and `day`
/// (`datetime.date`, `datetime.datetime`, `pandas.Timestamp`). The message names the argument,
/// never its value (it may be a birth date).
pub fn date(value: &Bound<'_, PyAny>, name: &str) -> PyResult<NaiveDate> {
    if let Ok(text) = value.cast::<pyo3::types::PyString>() {
        return amimestrocel_dkd::date::parse_iso_date(text.to_str()?).map_err(|e| errors::date(value.py(), name, e));
    }
    let part = |attr: &str| -> Option<i64> {
        let v = value.getattr(attr).ok()?;
        if v.is_instance_of::<pyo3::types::PyBool>() {
            return None;
        }
        v.extract::<i64>().ok()
    };
    match (part("year"), part("month"), part("day")) {
        (Some(y), Some(m), Some(d)) => i32::try_from(y)
            .ok()
            .zip(u32::try_from(m).ok())
            .zip(u32::try_from(d).ok())
            .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d))
            .ok_or_else(|| errors::date(value.py(), name, amimestrocel_dkd::date::DateError::NoSuchDate)),
        _ => Err(PyTypeError::new_err(format!(
            "{name} must be a datetime.date or a YYYY-MM-DD string, not {}",
            value.get_type().name().map_or_else(|_| "this type".to_owned(), |n| n.to_string())
        ))),
    }
}

/// Completed years from `date_of_birth` to `on` (dates or ISO strings).
#[pyfunction]
fn age_on(py: Python<'_>, date_of_birth: &Bound<'_, PyAny>, on: &Bound<'_, PyAny>) -> PyResult<u32> {
    crate::guard(py, || {
        Age::on(date(date_of_birth, "date_of_birth")?, date(on, "on")?)
            .map(Age::years)
            .map_err(|e| errors::demographics(py, e))
    })
}

fn slice<'a, T: numpy::Element>(a: &'a PyReadonlyArray1<'_, T>) -> PyResult<&'a [T]> {
    a.as_slice().map_err(|e| PyTypeError::new_err(e.to_string()))
}

pub(crate) type Arrays<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<u8>>);

/// The batch: contiguous float64 columns, uint8 ISO 5218 sex, uint8 black flags (0, 1; any
/// other value not known), GIL released.
#[pyfunction]
#[pyo3(signature = (equation, age, sex, creatinine, creatinine_unit, cystatin_c, cystatin_c_unit, weight_kg, black, strict, threads, kernel = "auto"))]
#[allow(clippy::too_many_arguments)]
fn egfr_columns<'py>(
    py: Python<'py>,
    equation: &str,
    age: PyReadonlyArray1<'py, f64>,
    sex: PyReadonlyArray1<'py, u8>,
    creatinine: Option<PyReadonlyArray1<'py, f64>>,
    creatinine_unit: &str,
    cystatin_c: Option<PyReadonlyArray1<'py, f64>>,
    cystatin_c_unit: &str,
    weight_kg: Option<PyReadonlyArray1<'py, f64>>,
    black: Option<PyReadonlyArray1<'py, u8>>,
    strict: bool,
    threads: usize,
    kernel: &str,
) -> PyResult<Arrays<'py>> {
    crate::guard(py, || {
        let eq = self::equation(py, equation)?;
        let kernel = match kernel {
            "auto" => Kernel::detect(),
            "baseline" => Kernel::Baseline,
            other => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "kernel must be 'auto' or 'baseline', not {other:?}"
                )))
            }
        };
        let age_s = slice(&age)?;
        let sex_s = slice(&sex)?;
        let mut cols = BatchColumns::new(age_s, sex_s);
        cols.creatinine = creatinine.as_ref().map(slice).transpose()?;
        cols.creatinine_unit = Unit::parse(creatinine_unit).map_err(|e| errors::lab(py, e))?;
        cols.cystatin_c = cystatin_c.as_ref().map(slice).transpose()?;
        cols.cystatin_c_unit = Unit::parse(cystatin_c_unit).map_err(|e| errors::lab(py, e))?;
        cols.weight_kg = weight_kg.as_ref().map(slice).transpose()?;
        cols.black = black.as_ref().map(slice).transpose()?;
        let n = age_s.len();
        // The outputs are allocated by numpy (zeroed, so never uninitialised), which asks the
        // kernel for transparent huge pages on large arrays: far fewer page faults than a fresh Rust
        // `Vec` of the same size. `numpy.empty` was measured no faster.
        let values = PyArray1::<f64>::zeros(py, n, false);
        let codes = PyArray1::<u8>::zeros(py, n, false);
        {
            let mut values_rw = values.readwrite();
            let mut codes_rw = codes.readwrite();
            let out = values_rw.as_slice_mut().map_err(|e| PyTypeError::new_err(e.to_string()))?;
            let codes_out = codes_rw.as_slice_mut().map_err(|e| PyTypeError::new_err(e.to_string()))?;
            py.detach(|| egfr_batch_with(eq, &cols, out, codes_out, threads, |b, s, o, c| kernel.fill(b, s, o, c)))
                .map_err(|e| errors::egfr(py, e, None))?;
            if strict {
                if let Some((i, code)) = codes_out.iter().enumerate().find(|(_, c)| **c != 0) {
                    let kind = RowError::from_code(*code).map_or("unknown", RowError::slug);
                    return Err(errors::row(py, i, kind));
                }
            }
        }
        Ok((values, codes))
    })
}

/// Names the nulls of the batch's inputs in its codes (core's `mark_missing`): `missing` holds,
/// per input (`age`, `sex`, `creatinine`, `cystatin_c`, `weight_kg`), which rows were null in
/// the caller's table. With `strict`, the first bad row then raises, as the batch does.
#[pyfunction]
#[pyo3(signature = (codes, missing, strict=false))]
fn egfr_mark_missing(
    py: Python<'_>,
    mut codes: numpy::PyReadwriteArray1<'_, u8>,
    missing: Vec<(String, PyReadonlyArray1<'_, bool>)>,
    strict: bool,
) -> PyResult<()> {
    crate::guard(py, || {
        let codes = codes.as_slice_mut().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        for (input, rows) in &missing {
            let column = match input.as_str() {
                "age" => BatchInput::Age,
                "sex" => BatchInput::Sex,
                "creatinine" => BatchInput::Creatinine,
                "cystatin_c" => BatchInput::CystatinC,
                "weight_kg" => BatchInput::Weight,
                other => return Err(PyValueError::new_err(format!("{other} is not an input that can be missing"))),
            };
            mark_missing(codes, slice(rows)?, column).map_err(|e| errors::egfr(py, e, None))?;
        }
        if strict {
            if let Some((i, code)) = codes.iter().enumerate().find(|(_, c)| **c != 0) {
                return Err(errors::row(py, i, RowError::from_code(*code).map_or("unknown", RowError::slug)));
            }
        }
        Ok(())
    })
}

fn lab_column(name: &str) -> PyResult<LabColumn> {
    match name {
        "creatinine" => Ok(LabColumn::Creatinine),
        "cystatin_c" => Ok(LabColumn::CystatinC),
        other => Err(PyValueError::new_err(format!("{other} is not a lab column with units (creatinine, cystatin_c)"))),
    }
}

/// Values in one unit, that unit's spelling, and per row the code of its unit error.
type CanonicalColumn<'py> = (Bound<'py, PyArray1<f64>>, &'static str, Bound<'py, PyArray1<u8>>);

/// A lab column with a unit per row, in its canonical unit (core's `RowUnits::to_canonical`):
/// `codes` index `texts` (-1 or any code outside them: no unit). Returns the values (NaN where
/// the row's unit is bad), the canonical unit's spelling, and per row 0 or the code of its unit
/// error, for `egfr_mark_unit_errors`.
#[pyfunction]
fn egfr_units_to_canonical<'py>(
    py: Python<'py>,
    column: &str,
    values: PyReadonlyArray1<'py, f64>,
    codes: PyReadonlyArray1<'py, i64>,
    texts: Vec<String>,
) -> PyResult<CanonicalColumn<'py>> {
    crate::guard(py, || {
        let column = lab_column(column)?;
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let units = RowUnits { codes: slice(&codes)?, texts: &texts };
        let one = units.to_canonical(column, slice(&values)?).map_err(|e| errors::egfr(py, e, None))?;
        Ok((PyArray1::from_vec(py, one.values), one.unit.as_str(), PyArray1::from_vec(py, one.unit_errors)))
    })
}

/// Names the unit errors of `egfr_units_to_canonical` in the batch's codes (core's
/// `mark_unit_errors`).
#[pyfunction]
fn egfr_mark_unit_errors(
    py: Python<'_>,
    mut codes: numpy::PyReadwriteArray1<'_, u8>,
    column: &str,
    unit_errors: PyReadonlyArray1<'_, u8>,
) -> PyResult<()> {
    crate::guard(py, || {
        let codes = codes.as_slice_mut().map_err(|e| PyTypeError::new_err(e.to_string()))?;
        mark_unit_errors(codes, slice(&unit_errors)?, lab_column(column)?).map_err(|e| errors::egfr(py, e, None))
    })
}

/// The compiled kernel the batch uses on this CPU: `avx2` or `baseline`.
#[pyfunction]
fn batch_kernel(py: Python<'_>) -> PyResult<&'static str> {
    crate::guard(py, || Ok(Kernel::detect().as_str()))
}

/// Row error codes of the batch and their slugs; 0 is `ok`.
#[pyfunction]
fn egfr_error_kinds(py: Python<'_>) -> PyResult<Vec<(u8, &'static str)>> {
    crate::guard(py, || {
        Ok(std::iter::once((0, "ok")).chain(RowError::ALL.iter().map(|e| (e.code(), e.slug()))).collect())
    })
}

/// One equation as listed: slug, source, result unit, normalised, ages, inputs.
type EquationTuple = (String, String, String, bool, u32, u32, Vec<String>);

/// Every equation with its slug, source, result unit, age range and inputs (core's listing).
#[pyfunction]
fn equations(py: Python<'_>) -> PyResult<Vec<EquationTuple>> {
    crate::guard(py, || {
        Ok(EgfrEquation::ALL
            .into_iter()
            .map(|e| {
                let i = e.info();
                (i.slug, i.source, i.unit, i.normalised, i.min_age, i.max_age, i.needs)
            })
            .collect())
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyGfrEstimate>()?;
    m.add_function(wrap_pyfunction!(estimate_gfr, m)?)?;
    m.add_function(wrap_pyfunction!(age_on, m)?)?;
    m.add_function(wrap_pyfunction!(egfr_columns, m)?)?;
    m.add_function(wrap_pyfunction!(egfr_mark_missing, m)?)?;
    m.add_function(wrap_pyfunction!(egfr_units_to_canonical, m)?)?;
    m.add_function(wrap_pyfunction!(egfr_mark_unit_errors, m)?)?;
    m.add_function(wrap_pyfunction!(egfr_error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(batch_kernel, m)?)?;
    m.add_function(wrap_pyfunction!(equations, m)?)?;
    m.add("PROTOCOL_DEFAULT_EQUATION", amimestrocel_dkd::egfr::PROTOCOL_DEFAULT_EQUATION.slug())?;
    Ok(())
}
