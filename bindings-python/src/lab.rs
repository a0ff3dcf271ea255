//! Lab values: one Python class per analyte, all subclasses of `LabValue`.

use amimestrocel_dkd::lab::{AnalyteKind, Measurement, Unit};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};

use crate::errors;

/// A checked lab value: a number with the unit it was entered in.
#[pyclass(subclass, module = "amimestrocel_dkd")]
#[derive(Clone)]
pub struct LabValue {
    pub inner: Measurement,
}

impl LabValue {
    pub fn build(py: Python<'_>, analyte: AnalyteKind, value: &Bound<'_, PyAny>, unit: &str) -> PyResult<LabValue> {
        let value = number(value)?;
        Measurement::new(analyte, value, unit).map(|inner| LabValue { inner }).map_err(|e| errors::lab(py, e))
    }
}

/// A lab value's number: an int or a float (or a numpy number), never a bool or a str, which
/// Python would otherwise read as 1.0 or refuse with a bare message.
pub fn number(value: &Bound<'_, PyAny>) -> PyResult<f64> {
    let type_name = value.get_type().name().map_or_else(|_| String::new(), |n| n.to_string());
    if value.is_instance_of::<pyo3::types::PyBool>() || type_name == "bool_" || type_name == "bool" {
        return Err(PyTypeError::new_err("a lab value is a number, not a bool"));
    }
    if value.is_instance_of::<pyo3::types::PyString>() || value.is_instance_of::<pyo3::types::PyBytes>() {
        return Err(PyTypeError::new_err("a lab value is a number, not text: convert it first"));
    }
    value.extract::<f64>().map_err(|_| PyTypeError::new_err(format!("a lab value is a number, not {type_name}")))
}

fn parse(py: Python<'_>, unit: &str) -> PyResult<Unit> {
    Unit::parse(unit).map_err(|e| errors::lab(py, e))
}

#[pymethods]
impl LabValue {
    /// The number as entered.
    #[getter]
    fn value(&self, py: Python<'_>) -> PyResult<f64> {
        crate::guard(py, || Ok(self.inner.value()))
    }
    /// The unit as entered, in its canonical spelling.
    #[getter]
    fn unit(&self, py: Python<'_>) -> PyResult<&'static str> {
        crate::guard(py, || Ok(self.inner.unit().as_str()))
    }
    /// The analyte's slug.
    #[getter]
    fn analyte(&self, py: Python<'_>) -> PyResult<&'static str> {
        crate::guard(py, || Ok(self.inner.analyte().slug()))
    }
    /// The value in the analyte's canonical unit.
    #[getter]
    fn canonical_value(&self, py: Python<'_>) -> PyResult<f64> {
        crate::guard(py, || Ok(self.inner.canonical()))
    }
    /// The analyte's canonical unit.
    #[getter]
    fn canonical_unit(&self, py: Python<'_>) -> PyResult<&'static str> {
        crate::guard(py, || Ok(self.inner.analyte().canonical_unit().as_str()))
    }
    /// The value expressed in `unit`.
    fn to(&self, py: Python<'_>, unit: &str) -> PyResult<f64> {
        crate::guard(py, || self.inner.in_unit(parse(py, unit)?).map_err(|e| errors::lab(py, e)))
    }
    /// The same value as a new object of the same class, expressed in `unit`.
    fn convert<'py>(slf: &Bound<'py, Self>, unit: &str) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        crate::guard(py, || {
            let value = slf.borrow().to(py, unit)?;
            let target = parse(py, unit)?;
            slf.get_type().call1((value, target.as_str()))
        })
    }
    /// `{"value": ..., "unit": ...}` as entered.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        crate::guard(py, || {
            let d = PyDict::new(py);
            d.set_item("value", self.inner.value())?;
            d.set_item("unit", self.inner.unit().as_str())?;
            Ok(d)
        })
    }
    /// JSON `{"value":...,"unit":"..."}`, as the Rust crate writes it.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        crate::guard(py, || serde_json::to_string(&self.inner).map_err(|e| PyTypeError::new_err(e.to_string())))
    }
    /// Builds the class from a `{"value", "unit"}` dict; unknown or missing keys are errors.
    #[classmethod]
    fn from_dict<'py>(cls: &Bound<'py, PyType>, data: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        crate::guard(cls.py(), || {
            for key in data.keys() {
                let key: String = key.extract()?;
                if key != "value" && key != "unit" {
                    return Err(PyTypeError::new_err(format!("unknown field `{key}` (expected `value` and `unit`)")));
                }
            }
            let value = data.get_item("value")?.ok_or_else(|| PyTypeError::new_err("missing field `value`"))?;
            let unit = data.get_item("unit")?.ok_or_else(|| PyTypeError::new_err("missing field `unit`"))?;
            cls.call1((value, unit))
        })
    }
    /// Builds the class from JSON text as written by `to_json`.
    #[classmethod]
    fn from_json<'py>(cls: &Bound<'py, PyType>, text: &str) -> PyResult<Bound<'py, PyAny>> {
        crate::guard(cls.py(), || {
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Wire {
                value: f64,
                unit: String,
            }
            // One object, nothing after it; the reason never repeats the input
            // (amimestrocel_dkd::json).
            let de = &mut serde_json::Deserializer::from_str(text);
            let wire: Wire =
                amimestrocel_dkd::json::object(&mut *de).and_then(|w| de.end().map(|()| w)).map_err(|e| {
                    PyTypeError::new_err(format!("invalid JSON: {}", amimestrocel_dkd::json::describe_at(&e)))
                })?;
            cls.call1((wire.value, wire.unit))
        })
    }
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        crate::guard(slf.py(), || {
            let name = slf.get_type().name()?;
            let this = slf.borrow();
            let unit = this.inner.unit().as_str().into_pyobject(slf.py())?.repr()?;
            Ok(format!("{}({:?}, {})", name, this.inner.value(), unit))
        })
    }
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        crate::guard(py, || {
            Ok(match other.cast::<LabValue>() {
                Ok(o) => o.borrow().inner == self.inner,
                Err(_) => false,
            })
        })
    }
    /// Equal values hash equal: `0.0` and `-0.0` compare equal, so they hash the same.
    fn __hash__(&self, py: Python<'_>) -> PyResult<u64> {
        use std::hash::{Hash, Hasher};
        crate::guard(py, || {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            self.inner.analyte().hash(&mut h);
            let v = self.inner.value();
            (if v == 0.0 { 0.0f64 } else { v }).to_bits().hash(&mut h);
            self.inner.unit().hash(&mut h);
            Ok(h.finish())
        })
    }
}

macro_rules! analyte_class {
    ($($name:ident => $kind:ident),* $(,)?) => {
        $(
            #[doc = concat!("A checked ", stringify!($name), " value.")]
            #[pyclass(extends = LabValue, module = "amimestrocel_dkd")]
            pub struct $name;

            #[pymethods]
            impl $name {
                #[new]
                fn new(py: Python<'_>, value: &Bound<'_, PyAny>, unit: &str) -> PyResult<PyClassInitializer<Self>> {
                    crate::guard(py, || {
                        Ok(PyClassInitializer::from(LabValue::build(py, AnalyteKind::$kind, value, unit)?).add_subclass($name))
                    })
                }
                /// The analyte's slug.
                #[classattr]
                #[allow(non_snake_case)]
                fn ANALYTE(py: Python<'_>) -> PyResult<&'static str> {
                    crate::guard(py, || Ok(AnalyteKind::$kind.slug()))
                }
                /// The units this analyte accepts, canonical first.
                #[staticmethod]
                fn units(py: Python<'_>) -> PyResult<Vec<&'static str>> {
                    crate::guard(py, || Ok(AnalyteKind::$kind.units().iter().map(|u| u.as_str()).collect()))
                }
            }
        )*
        fn register_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
            m.add_class::<LabValue>()?;
            $( m.add_class::<$name>()?; )*
            Ok(())
        }

        /// The Python class of an analyte.
        fn class_name(kind: AnalyteKind) -> &'static str {
            match kind { $(AnalyteKind::$kind => stringify!($name),)* }
        }
    };
}

analyte_class! {
    SerumCreatinine => SerumCreatinine,
    CystatinC => CystatinC,
    UrineProtein24h => UrineProtein24h,
    Uacr => Uacr,
    Hba1c => Hba1c,
    FastingGlucose => FastingGlucose,
    Triglycerides => Triglycerides,
    LdlCholesterol => LdlCholesterol,
    HdlCholesterol => HdlCholesterol,
    TotalCholesterol => TotalCholesterol,
    Potassium => Potassium,
    SystolicBp => SystolicBp,
    DiastolicBp => DiastolicBp,
    Egfr => Egfr,
    CreatinineClearance => CreatinineClearance,
    UrineAlbumin => UrineAlbumin,
    UrineCreatinine => UrineCreatinine,
}

/// The canonical spelling of a unit.
#[pyfunction]
fn parse_unit(py: Python<'_>, text: &str) -> PyResult<&'static str> {
    crate::guard(py, || parse(py, text).map(Unit::as_str))
}

/// One analyte as listed: slug, label, canonical unit, accepted units, bounds.
type AnalyteTuple = (String, String, String, Vec<String>, f64, f64);

/// Every analyte: slug, label, canonical unit, accepted units and plausibility bounds (core's
/// listing).
#[pyfunction]
fn analytes(py: Python<'_>) -> PyResult<Vec<AnalyteTuple>> {
    crate::guard(py, || {
        Ok(AnalyteKind::ALL
            .into_iter()
            .map(|k| {
                let i = k.info();
                (i.slug, i.label, i.canonical_unit, i.units, i.min, i.max)
            })
            .collect())
    })
}

/// A lab value of the analyte named by its slug, as the class of that analyte.
#[pyfunction]
#[pyo3(pass_module)]
fn lab_value<'py>(
    m: &Bound<'py, PyModule>,
    analyte: &str,
    value: &Bound<'py, PyAny>,
    unit: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let py = m.py();
    crate::guard(py, || {
        let kind = AnalyteKind::from_slug(analyte).map_err(|e| errors::lab(py, e))?;
        let class_name = class_name(kind);
        m.getattr(class_name)?.call1((value, unit))
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register_classes(m)?;
    m.add_function(wrap_pyfunction!(parse_unit, m)?)?;
    m.add_function(wrap_pyfunction!(analytes, m)?)?;
    m.add_function(wrap_pyfunction!(lab_value, m)?)?;
    Ok(())
}
