//! Endpoints: timelines as JSON in, core's derived endpoints and cohort report as JSON out (the
//! package turns them into DataFrames), and the report's statistics on plain lists. Every rule
//! is core's (`amimestrocel_dkd::endpoints`, `docs/endpoints.md`).

use amimestrocel_dkd::endpoints::stats::{self, KmInterval, QuantileMethod};
use amimestrocel_dkd::endpoints::{
    derive, summarise_cohort, write_adsl_csv, write_bds_csv, EndpointConfig, ParticipantEndpoints, ParticipantTimeline,
};
use amimestrocel_dkd::schedule::ScheduleConfig;
use pyo3::prelude::*;

use crate::errors;

fn config(py: Python<'_>, config_json: Option<&str>) -> PyResult<EndpointConfig> {
    match config_json {
        Some(text) => EndpointConfig::from_json(text).map_err(|e| errors::endpoint(py, e, None)),
        None => Ok(EndpointConfig::default()),
    }
}

/// The readings and the plan of a call.
fn setup(
    py: Python<'_>,
    config_json: Option<&str>,
    plan_json: Option<&str>,
    readings_json: Option<&str>,
) -> PyResult<(EndpointConfig, ScheduleConfig)> {
    Ok((config(py, config_json)?, crate::schedule::plan(py, plan_json, readings_json)?))
}

fn to_json<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|_| errors::internal(py))
}

fn participants(py: Python<'_>, text: &str) -> PyResult<Vec<ParticipantEndpoints>> {
    // Only this module writes this JSON; a failure to read it back is a bug.
    serde_json::from_str(text).map_err(|_| errors::internal(py))
}

/// Every timeline derived, as core's JSON (a list in the order given). A refused timeline
/// raises with its `row` (from 0) and field `path`.
#[pyfunction]
#[pyo3(signature = (timelines, config_json=None, plan_json=None, readings_json=None))]
fn endpoints_derive_json(
    py: Python<'_>,
    timelines: Vec<String>,
    config_json: Option<&str>,
    plan_json: Option<&str>,
    readings_json: Option<&str>,
) -> PyResult<String> {
    crate::guard(py, || {
        let (config, plan) = setup(py, config_json, plan_json, readings_json)?;
        let mut out = Vec::with_capacity(timelines.len());
        for (row, text) in timelines.iter().enumerate() {
            let derived = ParticipantTimeline::from_json(text)
                .and_then(ParticipantTimeline::check)
                .and_then(|t| derive(&t, &plan, &config))
                .map_err(|e| errors::endpoint(py, e, Some(row)))?;
            out.push(derived);
        }
        to_json(py, &out)
    })
}

/// The cohort report of derived participants (the JSON of `endpoints_derive_json`).
#[pyfunction]
#[pyo3(signature = (participants_json, config_json=None, plan_json=None, readings_json=None))]
fn endpoints_report_json(
    py: Python<'_>,
    participants_json: &str,
    config_json: Option<&str>,
    plan_json: Option<&str>,
    readings_json: Option<&str>,
) -> PyResult<String> {
    crate::guard(py, || {
        let (config, plan) = setup(py, config_json, plan_json, readings_json)?;
        let report = summarise_cohort(&participants(py, participants_json)?, &plan, &config)
            .map_err(|e| errors::endpoint(py, e, None))?;
        to_json(py, &report)
    })
}

/// The BDS and ADSL datasets of derived participants, as core's CSV texts.
#[pyfunction]
fn endpoints_csv(py: Python<'_>, participants_json: &str) -> PyResult<(String, String)> {
    crate::guard(py, || {
        let list = participants(py, participants_json)?;
        let (mut bds, mut adsl) = (Vec::new(), Vec::new());
        write_bds_csv(&mut bds, &list).map_err(|_| errors::internal(py))?;
        write_adsl_csv(&mut adsl, &list).map_err(|_| errors::internal(py))?;
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).map_err(|_| errors::internal(py));
        Ok((text(bds)?, text(adsl)?))
    })
}

fn method(py: Python<'_>, name: &str) -> PyResult<QuantileMethod> {
    match name {
        "type7" => Ok(QuantileMethod::Type7),
        "type6" => Ok(QuantileMethod::Type6),
        _ => Err(errors::argument(py, "quantile_method", "is type7 or type6")),
    }
}

/// n, missing, mean, SD, median, quartiles, range and the t interval of the mean, as JSON.
#[pyfunction]
#[pyo3(signature = (values, level=0.95, quantile_method="type7"))]
fn stats_summarise_json(
    py: Python<'_>,
    values: Vec<Option<f64>>,
    level: f64,
    quantile_method: &str,
) -> PyResult<String> {
    crate::guard(py, || {
        let summary = stats::summarise(&values, level, method(py, quantile_method)?)
            .map_err(|e| errors::endpoint(py, e, None))?;
        to_json(py, &summary)
    })
}

/// `events` of `n` with Wilson's interval: (estimate, lower, upper), none when `n` is 0.
#[pyfunction]
#[pyo3(signature = (events, n, level=0.95))]
fn stats_wilson(
    py: Python<'_>,
    events: usize,
    n: usize,
    level: f64,
) -> PyResult<(Option<f64>, Option<f64>, Option<f64>)> {
    crate::guard(py, || {
        let p = stats::wilson(events, n, 0, level).map_err(|e| errors::endpoint(py, e, None))?;
        Ok((p.estimate, p.ci.map(|c| c.0), p.ci.map(|c| c.1)))
    })
}

/// The Kaplan–Meier estimate, as JSON.
#[pyfunction]
#[pyo3(signature = (times, events, level=0.95, interval="log_log"))]
fn stats_kaplan_meier_json(
    py: Python<'_>,
    times: Vec<f64>,
    events: Vec<bool>,
    level: f64,
    interval: &str,
) -> PyResult<String> {
    crate::guard(py, || {
        let interval = match interval {
            "log_log" => KmInterval::LogLog,
            "linear" => KmInterval::Linear,
            _ => return Err(errors::argument(py, "interval", "is log_log or linear")),
        };
        let km = stats::kaplan_meier(&times, &events, level, interval).map_err(|e| errors::endpoint(py, e, None))?;
        to_json(py, &km)
    })
}

/// The `p` quantile of Student's t with `df` degrees of freedom.
#[pyfunction]
fn stats_t_quantile(py: Python<'_>, p: f64, df: f64) -> PyResult<f64> {
    crate::guard(py, || stats::t_quantile(p, df).map_err(|e| errors::endpoint(py, e, None)))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(endpoints_derive_json, m)?)?;
    m.add_function(wrap_pyfunction!(endpoints_report_json, m)?)?;
    m.add_function(wrap_pyfunction!(endpoints_csv, m)?)?;
    m.add_function(wrap_pyfunction!(stats_summarise_json, m)?)?;
    m.add_function(wrap_pyfunction!(stats_wilson, m)?)?;
    m.add_function(wrap_pyfunction!(stats_kaplan_meier_json, m)?)?;
    m.add_function(wrap_pyfunction!(stats_t_quantile, m)?)?;
    Ok(())
}
