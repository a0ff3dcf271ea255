//! Python bindings for amimestrocel-dkd (pyo3). Converts and delegates to the core crate; the
//! public, typed API is the `amimestrocel_dkd` package in `python/`, which re-exports this
//! private `_native` module. Errors are raised as the classes of `amimestrocel_dkd.errors`,
//! mapped once per core error type in `errors.rs`.
//! `unsafe` is denied everywhere but in `kernel.rs`, which dispatches the eGFR batch to AVX2 (ADR 0005),
//! and `arrow.rs`, which takes over Arrow data from a PyCapsule (ADR 0014).
#![deny(unsafe_code)]

mod arrow;
mod arrow_read;
mod arrow_write;
mod columns;
mod criteria_arrow;
mod egfr;
mod eligibility;
mod endpoints;
mod errors;
mod instrument;
mod kernel;
mod lab;
mod omop;
mod record_arrow;
mod schedule;

use pyo3::prelude::*;

/// Runs the body of an exported function, turning a panic (a bug; none is known) into
/// `amimestrocel_dkd.errors.InternalError`, a `DkdError`, so that no panic reaches Python as
/// pyo3's `PanicException` (a `BaseException` that `except Exception` does not catch). Every
/// function and method this module exports runs its body through here (a test checks the
/// sources, another a deliberate panic).
pub fn guard<T>(py: Python<'_>, body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(_) => Err(errors::internal(py)),
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    lab::register(m)?;
    egfr::register(m)?;
    eligibility::register(m)?;
    columns::register(m)?;
    arrow::register(m)?;
    arrow_write::register(m)?;
    criteria_arrow::register(m)?;
    schedule::register(m)?;
    instrument::register(m)?;
    endpoints::register(m)?;
    omop::register(m)?;
    Ok(())
}
