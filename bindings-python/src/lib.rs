//! Python bindings for amimestrocel-dkd (pyo3). Converts and delegates to the core crate; the
//! public, typed API is the `amimestrocel_dkd` package in `python/`, which re-exports this
//! private `_native` module. Errors are raised as the classes of `amimestrocel_dkd.errors`,
//! mapped once per core error type in `errors.rs`.
//! `unsafe` is denied everywhere but in `kernel.rs`, which dispatches the eGFR batch to AVX2 (ADR 0005).
#![deny(unsafe_code)]

mod egfr;
mod eligibility;
mod errors;
mod kernel;
mod lab;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    lab::register(m)?;
    egfr::register(m)?;
    eligibility::register(m)?;
    Ok(())
}
