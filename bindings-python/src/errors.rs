//! The one place where core errors become Python exceptions.
//!
//! Core's rich errors become the small public classes of `amimestrocel_dkd.errors`, one per
//! action the caller can take (two layers, as on mobile): `InvalidInputError` (fix the data),
//! `InvalidConfigError` (fix the configuration), `InternalError` (report a bug), all subclasses
//! of `DkdError`, itself a `ValueError`; each built with the message (core's Display, which
//! carries no patient value), the stable `kind` slug and a dict of structured details (`path`,
//! `analyte`, `row`, …).

use amimestrocel_dkd::demographics::DemographicsError;
use amimestrocel_dkd::egfr::EgfrError;
use amimestrocel_dkd::eligibility::{RecordError, ScreeningError};
use amimestrocel_dkd::endpoints::EndpointError;
use amimestrocel_dkd::instrument::InstrumentError;
use amimestrocel_dkd::lab::LabError;
use amimestrocel_dkd::remedy::{Remedy, ReportedError};
use amimestrocel_dkd::schedule::ScheduleError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The public class of a core error: what core says the caller must fix
/// ([`amimestrocel_dkd::remedy`]).
fn class_of(e: &impl ReportedError) -> &'static str {
    match e.remedy() {
        Remedy::FixInput => "InvalidInputError",
        Remedy::FixConfiguration => "InvalidConfigError",
    }
}

/// Builds `amimestrocel_dkd.errors.<class>(message, kind, details)` as a `PyErr`.
fn raise(py: Python<'_>, class: &str, message: String, kind: &str, details: Bound<'_, PyDict>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = py.import("amimestrocel_dkd.errors")?.getattr(class)?;
        Ok(PyErr::from_value(cls.call1((message, kind, details))?))
    };
    build().unwrap_or_else(|e| e)
}

fn lab_details<'py>(py: Python<'py>, e: &LabError) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match e {
        LabError::UnknownUnit { unit, analyte } => {
            d.set_item("unit", unit)?;
            d.set_item("analyte", analyte.map(|a| a.slug()))?;
        }
        LabError::UnitNotForAnalyte { analyte, unit, accepted } => {
            d.set_item("analyte", analyte.slug())?;
            d.set_item("unit", unit.as_str())?;
            d.set_item("accepted", accepted.split(", ").collect::<Vec<_>>())?;
        }
        LabError::UnknownAnalyte { name } => d.set_item("analyte", name)?,
        LabError::InvalidJson { reason } => d.set_item("reason", reason)?,
        LabError::WrongAnalyte { expected, found } => {
            d.set_item("analyte", expected.slug())?;
            d.set_item("found", found.slug())?;
        }
        LabError::NotFinite { analyte } | LabError::Negative { analyte } => d.set_item("analyte", analyte.slug())?,
        LabError::OutOfBounds { analyte, min, max, unit } => {
            d.set_item("analyte", analyte.slug())?;
            d.set_item("min", min)?;
            d.set_item("max", max)?;
            d.set_item("unit", unit.as_str())?;
        }
    }
    Ok(d)
}

/// A core [`LabError`] as `InvalidInputError`.
pub fn lab(py: Python<'_>, e: LabError) -> PyErr {
    match lab_details(py, &e) {
        Ok(d) => raise(py, "InvalidInputError", e.to_string(), e.kind(), d),
        Err(err) => err,
    }
}

/// A core [`DemographicsError`] as `InvalidInputError`.
pub fn demographics(py: Python<'_>, e: DemographicsError) -> PyErr {
    let d = PyDict::new(py);
    let filled = match &e {
        DemographicsError::UnknownSex { text } => d.set_item("sex", text),
        DemographicsError::InvalidAge { max } => d.set_item("max", max),
        DemographicsError::BirthAfterDate => Ok(()),
    };
    match filled {
        Ok(()) => raise(py, "InvalidInputError", e.to_string(), e.kind(), d),
        Err(err) => err,
    }
}

/// A core [`DemographicsError`] of one row of a table, with `path` (`SEX[3]`) and `row`.
pub fn demographics_at(py: Python<'_>, e: DemographicsError, path: &str, row: usize) -> PyErr {
    let d = PyDict::new(py);
    let filled = (|| {
        if let DemographicsError::UnknownSex { text } = &e {
            d.set_item("sex", text)?;
        }
        d.set_item("path", path)?;
        d.set_item("row", row)
    })();
    match filled {
        Ok(()) => raise(py, "InvalidInputError", format!("{path}: {e}"), e.kind(), d),
        Err(err) => err,
    }
}

/// A core [`EgfrError`] as `InvalidInputError` (with the details of the lab or demographics
/// error it wraps). `row` is set for the first bad row of a strict batch.
pub fn egfr(py: Python<'_>, e: EgfrError, row: Option<usize>) -> PyErr {
    let d = PyDict::new(py);
    let filled = (|| -> PyResult<()> {
        match &e {
            EgfrError::UnknownEquation { name } => d.set_item("equation", name)?,
            EgfrError::MissingInput { equation, input } => {
                d.set_item("equation", equation.slug())?;
                d.set_item("input", input)?;
            }
            EgfrError::AgeOutOfRange { equation, min, max } => {
                d.set_item("equation", equation.slug())?;
                d.set_item("min", min)?;
                d.set_item("max", max)?;
            }
            EgfrError::WeightOutOfBounds { min, max } => {
                d.set_item("min", min)?;
                d.set_item("max", max)?;
            }
            EgfrError::ColumnLength { column, expected, actual } => {
                d.set_item("column", column)?;
                d.set_item("expected", expected)?;
                d.set_item("actual", actual)?;
            }
            EgfrError::Lab(inner) => return Err(lab(py, inner.clone())),
            EgfrError::Demographics(inner) => return Err(demographics(py, inner.clone())),
        }
        d.set_item("row", row)?;
        Ok(())
    })();
    match filled {
        Ok(()) => raise(py, "InvalidInputError", e.to_string(), e.kind(), d),
        Err(err) => err,
    }
}

/// A bad row of a strict batch, as `InvalidInputError` with `row` and `kind`.
pub fn row(py: Python<'_>, row: usize, kind: &str) -> PyErr {
    let d = PyDict::new(py);
    let message = format!("row {row}: {}", kind.replace('_', " "));
    match d.set_item("row", row) {
        Ok(()) => raise(py, "InvalidInputError", message, kind, d),
        Err(err) => err,
    }
}

/// A core [`ScreeningError`] as `InvalidInputError` (a record) or `InvalidConfigError`, with `path`.
pub fn screening(py: Python<'_>, e: ScreeningError) -> PyErr {
    let d = PyDict::new(py);
    let filled = (|| -> PyResult<()> {
        match &e {
            ScreeningError::Record(r) => {
                d.set_item("path", r.path())?;
                if let RecordError::Lab { source, .. } = r {
                    if let Ok(lab) = lab_details(py, source) {
                        for (k, v) in lab.iter() {
                            d.set_item(k, v)?;
                        }
                    }
                }
            }
            ScreeningError::Config(c) => d.set_item("path", &c.field)?,
        }
        Ok(())
    })();
    let class = class_of(&e);
    match filled {
        Ok(()) => raise(py, class, e.to_string(), e.kind(), d),
        Err(err) => err,
    }
}

/// A configuration problem as `InvalidConfigError` of kind `invalid_config`.
pub fn config(py: Python<'_>, field: &str, reason: &str) -> PyErr {
    let d = PyDict::new(py);
    match d.set_item("path", field) {
        Ok(()) => {
            raise(py, "InvalidConfigError", format!("configuration field `{field}`: {reason}"), "invalid_config", d)
        }
        Err(err) => err,
    }
}

/// A core [`amimestrocel_dkd::omop::PrescreenError`]: the configuration or the concept sets,
/// as `InvalidConfigError` with `path` naming the field where one is known.
pub fn omop(py: Python<'_>, e: amimestrocel_dkd::omop::PrescreenError) -> PyErr {
    use amimestrocel_dkd::omop::{ConceptSetError, PrescreenError};
    let path = match &e {
        PrescreenError::Config(c) => c.field.clone(),
        PrescreenError::ConceptSets(ConceptSetError::Malformed { path, .. }) if path != "." => {
            format!("concept_sets.{path}")
        }
        PrescreenError::ConceptSets(_) => "concept_sets".to_owned(),
    };
    let d = PyDict::new(py);
    match d.set_item("path", path) {
        Ok(()) => raise(py, class_of(&e), e.to_string(), e.kind(), d),
        Err(err) => err,
    }
}

/// A panic caught at the boundary, as `amimestrocel_dkd.errors.InternalError`. The message
/// is fixed: a panic's own text could carry a value of the input.
pub fn internal(py: Python<'_>) -> PyErr {
    raise(
        py,
        "InternalError",
        "internal error in amimestrocel_dkd (a bug): please report it with the call that raised it".to_owned(),
        "internal_error",
        PyDict::new(py),
    )
}

/// A date argument that was refused (`YYYY-MM-DD` only), as `InvalidInputError` naming the
/// argument, never its value.
pub fn date(py: Python<'_>, argument: &str, e: amimestrocel_dkd::date::DateError) -> PyErr {
    let d = PyDict::new(py);
    match d.set_item("argument", argument) {
        Ok(()) => raise(py, class_of(&e), format!("{argument}: {e}"), e.kind(), d),
        Err(err) => err,
    }
}

/// A core [`ScheduleError`]: a plan or readings as `InvalidConfigError`, a participant's
/// schedule or a date beyond range as `InvalidInputError`, each with `path`.
pub fn schedule(py: Python<'_>, e: ScheduleError) -> PyErr {
    schedule_at(py, None, e)
}

/// A refused participant of a cohort call, with `row` besides `path`.
pub fn schedule_row(py: Python<'_>, row: usize, e: ScheduleError) -> PyErr {
    schedule_at(py, Some(row), e)
}

fn schedule_at(py: Python<'_>, row: Option<usize>, e: ScheduleError) -> PyErr {
    let class = class_of(&e);
    let message = match row {
        Some(row) => format!("participant {row}: {e}"),
        None => e.to_string(),
    };
    located(py, class, message, e.kind(), e.path(), row)
}

/// A schedule error of a participant read from tables, located in the caller's tables: `path`
/// names the column and row (`OBSDT[17]`), `row` is the participant's row.
pub fn schedule_table(py: Python<'_>, row: usize, e: ScheduleError, path: &str) -> PyErr {
    let class = class_of(&e);
    let text = e.to_string();
    let reason = text.strip_prefix(e.path()).and_then(|r| r.strip_prefix(": ")).unwrap_or(&text);
    located(py, class, format!("participant {row}: {path}: {reason}"), e.kind(), path, Some(row))
}

/// An error with the field (`path`) it is about and, in a table, its `row`.
fn located(py: Python<'_>, class: &str, message: String, kind: &str, path: &str, row: Option<usize>) -> PyErr {
    let d = PyDict::new(py);
    let filled = (|| -> PyResult<()> {
        d.set_item("path", path)?;
        if let Some(row) = row {
            d.set_item("row", row)?;
        }
        Ok(())
    })();
    match filled {
        Ok(()) => raise(py, class, message, kind, d),
        Err(err) => err,
    }
}

/// An argument of a binding function that was refused, as `InvalidInputError` of kind
/// `invalid_argument` naming the argument, never its value.
pub fn argument(py: Python<'_>, argument: &str, reason: &str) -> PyErr {
    let d = PyDict::new(py);
    match d.set_item("argument", argument) {
        Ok(()) => raise(py, "InvalidInputError", format!("{argument}: {reason}"), "invalid_argument", d),
        Err(err) => err,
    }
}

/// A core [`InstrumentError`]: a definition, translation or scoring readings as
/// `InvalidConfigError`, anything entered (an answer, a saved session, a file) as
/// `InvalidInputError`; each with `path` (the item id or field) and, for a table, `row`.
pub fn instrument(py: Python<'_>, e: InstrumentError, row: Option<usize>) -> PyErr {
    let class = class_of(&e);
    let message = match row {
        Some(row) => format!("row {row}: {e}"),
        None => e.to_string(),
    };
    located(py, class, message, e.kind(), e.path(), row)
}

/// A core [`EndpointError`]: a configuration as `InvalidConfigError`, a timeline or a
/// statistic's input as `InvalidInputError` (a schedule error as [`schedule`] maps it); each with
/// `path` and, for a cohort call, the `row` of the timeline.
pub fn endpoint(py: Python<'_>, e: EndpointError, row: Option<usize>) -> PyErr {
    if let EndpointError::Schedule(inner) = e {
        return schedule_at(py, row, inner);
    }
    let class = class_of(&e);
    let message = match row {
        Some(row) => format!("timeline {row}: {e}"),
        None => e.to_string(),
    };
    located(py, class, message, e.kind(), e.path(), row)
}
