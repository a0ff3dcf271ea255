//! Endpoints: timelines as JSON in, core's derived endpoints and cohort report as JSON out (the
//! package turns them into DataFrames), and the report's statistics on plain lists. Every rule
//! is core's (`amimestrocel_dkd::endpoints`, `docs/endpoints.md`).

use amimestrocel_dkd::demographics::Sex;
use amimestrocel_dkd::endpoints::stats::{self, KmInterval, QuantileMethod};
use amimestrocel_dkd::endpoints::{
    derive, derive_lab_batches, summarise_cohort, write_adsl_csv, write_bds_csv, EndpointConfig, LabEndpoints, LabRow,
    LabSubject, ParticipantEndpoints, ParticipantTimeline,
};
use amimestrocel_dkd::lab::{AnalyteKind, Unit};
use amimestrocel_dkd::schedule::ScheduleConfig;
use chrono::NaiveDate;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

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

/// Days since 1970-01-01 (numpy's `datetime64[D]` as integers) as a date; `i32::MIN` is none.
fn day(py: Python<'_>, days: i32, column: &str, row: usize) -> PyResult<Option<NaiveDate>> {
    if days == i32::MIN {
        return Ok(None);
    }
    // 1970-01-01 is day 719 163 of the common era.
    NaiveDate::from_num_days_from_ce_opt(days.saturating_add(719_163)).map(Some).ok_or_else(|| {
        errors::argument(py, &format!("{column}[{row}]"), "is a date beyond what the library represents")
    })
}

fn required_day(py: Python<'_>, days: i32, column: &str, row: usize) -> PyResult<NaiveDate> {
    day(py, days, column, row)?.ok_or_else(|| errors::argument(py, &format!("{column}[{row}]"), "is missing"))
}

/// The subjects' columns: USUBJID, SEX, BRTHDT, TRTSDT, LSTCNTDT, ESRD, renal replacement
/// start, death (dates as days since 1970, `i32::MIN` for none).
type SubjectColumns<'py> = (
    Vec<String>,
    Vec<String>,
    PyReadonlyArray1<'py, i32>,
    PyReadonlyArray1<'py, i32>,
    PyReadonlyArray1<'py, i32>,
    PyReadonlyArray1<'py, i32>,
    PyReadonlyArray1<'py, i32>,
    PyReadonlyArray1<'py, i32>,
);

/// The labs' columns: participant (a subject's position), date (days since 1970), analyte code
/// and the distinct analyte texts, value, unit code and the distinct unit texts.
type LabColumns<'py> = (
    PyReadonlyArray1<'py, i64>,
    PyReadonlyArray1<'py, i32>,
    PyReadonlyArray1<'py, i64>,
    Vec<String>,
    PyReadonlyArray1<'py, f64>,
    PyReadonlyArray1<'py, i64>,
    Vec<String>,
);

fn subjects(py: Python<'_>, columns: SubjectColumns<'_>) -> PyResult<Vec<LabSubject>> {
    let (ids, sexes, birth, first, last, esrd, rrt, death) = columns;
    let (birth, first, last) = (birth.as_slice()?, first.as_slice()?, last.as_slice()?);
    let (esrd, rrt, death) = (esrd.as_slice()?, rrt.as_slice()?, death.as_slice()?);
    let n = ids.len();
    if [sexes.len(), birth.len(), first.len(), last.len(), esrd.len(), rrt.len(), death.len()].iter().any(|&l| l != n) {
        return Err(errors::argument(py, "subjects", "columns of different lengths"));
    }
    let mut out = Vec::with_capacity(n);
    for (i, (id, sex)) in ids.into_iter().zip(&sexes).enumerate() {
        out.push(LabSubject {
            id,
            sex: Sex::parse(sex).map_err(|e| errors::demographics(py, e))?,
            birth_date: required_day(py, birth[i], "BRTHDT", i)?,
            first_infusion: day(py, first[i], "TRTSDT", i)?,
            last_contact: required_day(py, last[i], "LSTCNTDT", i)?,
            esrd: day(py, esrd[i], "ESRDDT", i)?,
            renal_replacement: day(py, rrt[i], "RRTSTDT", i)?,
            death: day(py, death[i], "DTHDT", i)?,
        });
    }
    Ok(out)
}

fn lab_rows(py: Python<'_>, columns: LabColumns<'_>) -> PyResult<Vec<LabRow>> {
    let (participant, date, analyte, analytes, value, unit, units) = columns;
    let (participant, date, analyte) = (participant.as_slice()?, date.as_slice()?, analyte.as_slice()?);
    let (value, unit) = (value.as_slice()?, unit.as_slice()?);
    let n = participant.len();
    if [date.len(), analyte.len(), value.len(), unit.len()].iter().any(|&l| l != n) {
        return Err(errors::argument(py, "labs", "columns of different lengths"));
    }
    // Each distinct text is read once.
    let analytes: Vec<AnalyteKind> =
        analytes.iter().map(|a| AnalyteKind::from_slug(a).map_err(|e| errors::lab(py, e))).collect::<PyResult<_>>()?;
    let units: Vec<Unit> =
        units.iter().map(|u| Unit::parse(u).map_err(|e| errors::lab(py, e))).collect::<PyResult<_>>()?;
    let mut rows = Vec::with_capacity(n);
    for k in 0..n {
        let pick = |code: i64, list: usize, column: &str| {
            usize::try_from(code)
                .ok()
                .filter(|&c| c < list)
                .ok_or_else(|| errors::argument(py, &format!("{column}[{k}]"), "is missing or not a known code"))
        };
        rows.push(LabRow {
            participant: u32::try_from(participant[k])
                .map_err(|_| errors::argument(py, &format!("USUBJID[{k}]"), "is not one of the subjects"))?,
            date: required_day(py, date[k], "ADT", k)?,
            analyte: analytes[pick(analyte[k], analytes.len(), "LBTESTCD")?],
            value: value[k],
            unit: units[pick(unit[k], units.len(), "LBSTRESU")?],
        });
    }
    Ok(rows)
}

/// One batch of lab endpoints in numpy's layout: a none as NaN, -1 or NaT, dates as
/// nanoseconds since 1970 (`datetime64[ns]`), parameters as positions in the call's one list.
struct BatchColumns {
    participant: Vec<u32>,
    param: Vec<u16>,
    avisit: Vec<i16>,
    adt_ns: Vec<i64>,
    ady: Vec<i64>,
    aval: Vec<f64>,
    base: Vec<f64>,
    chg: Vec<f64>,
    pchg: Vec<f64>,
    r2base: Vec<f64>,
    ablfl: Vec<bool>,
    anl01fl: Vec<bool>,
    renal_has: Vec<bool>,
    renal_event: Vec<bool>,
    renal_date_ns: Vec<i64>,
    renal_days: Vec<i64>,
    renal_component: Vec<Option<String>>,
    unusable: Vec<(u32, String, String)>,
}

impl BatchColumns {
    /// The batch in numpy's layout; the first date `datetime64[ns]` cannot hold (after
    /// 2262-04-11, such as a censoring date computed from a late first infusion) is an error.
    fn of(b: LabEndpoints, map: &[u16]) -> Result<BatchColumns, NaiveDate> {
        const NANOS_PER_DAY: i64 = 86_400_000_000_000;
        let mut beyond: Option<NaiveDate> = None;
        // Days since 1970-01-01 (day 719 163 of the common era), in nanoseconds.
        let mut nanos = |d: &NaiveDate| {
            i64::from(chrono::Datelike::num_days_from_ce(d) - 719_163).checked_mul(NANOS_PER_DAY).unwrap_or_else(|| {
                beyond.get_or_insert(*d);
                i64::MIN
            })
        };
        let nan = |v: Vec<Option<f64>>| v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect();
        let composite = &b.renal_composite;
        let adt_ns: Vec<i64> = b.adt.iter().map(&mut nanos).collect();
        let renal_date_ns: Vec<i64> =
            composite.iter().map(|c| c.as_ref().map_or(i64::MIN, |c| nanos(&c.date))).collect();
        if let Some(date) = beyond {
            return Err(date);
        }
        Ok(BatchColumns {
            param: b.param.iter().map(|&i| map.get(usize::from(i)).copied().unwrap_or(u16::MAX)).collect(),
            avisit: b.avisit.iter().map(|v| v.and_then(|v| i16::try_from(v).ok()).unwrap_or(-1)).collect(),
            adt_ns,
            renal_has: composite.iter().map(Option::is_some).collect(),
            renal_event: composite.iter().map(|c| c.as_ref().is_some_and(|c| c.event)).collect(),
            renal_date_ns,
            renal_days: composite.iter().map(|c| c.as_ref().map_or(0, |c| c.days)).collect(),
            renal_component: composite.iter().map(|c| c.as_ref().and_then(|c| c.component.clone())).collect(),
            unusable: b.unusable.iter().map(|(p, u)| (*p, u.src.clone(), u.reason.clone())).collect(),
            participant: b.participant,
            ady: b.ady,
            aval: b.aval,
            base: nan(b.base),
            chg: nan(b.chg),
            pchg: nan(b.pchg),
            r2base: nan(b.r2base),
            ablfl: b.ablfl,
            anl01fl: b.anl01fl,
        })
    }
}

/// The lab endpoints of a cohort from columns (core's `derive_lab_batches`): a dict of numpy
/// columns, each a list of arrays (one per batch, to be joined) (`participant`, `param`, `avisit` (-1 none), `adt_ns` (nanoseconds since 1970, as
/// `datetime64[ns]` holds them), `ady`, `aval`, `base`, `chg`, `pchg`, `r2base` (NaN none),
/// `ablfl`, `anl01fl`), `parameters` (code, label), `visits`, per subject `renal_has`,
/// `renal_event`, `renal_date_ns` (NaT none), `renal_days`, `renal_component`, and `unusable`
/// (participant, src, reason).
#[pyfunction]
#[pyo3(signature = (subject_columns, lab_columns, config_json=None, plan_json=None, readings_json=None))]
fn endpoints_lab_table<'py>(
    py: Python<'py>,
    subject_columns: SubjectColumns<'py>,
    lab_columns: LabColumns<'py>,
    config_json: Option<&str>,
    plan_json: Option<&str>,
    readings_json: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    crate::guard(py, || {
        let (config, plan) = setup(py, config_json, plan_json, readings_json)?;
        let subjects = subjects(py, subject_columns)?;
        let rows = lab_rows(py, lab_columns)?;
        let batches = py
            .detach(|| derive_lab_batches(&subjects, &rows, &plan, &config))
            .map_err(|e| errors::endpoint(py, e, None))?;
        // One list of parameter codes for every batch.
        let mut parameters: Vec<(String, String)> = Vec::new();
        let maps: Vec<Vec<u16>> = batches
            .iter()
            .map(|b| {
                b.parameters
                    .iter()
                    .map(|p| match parameters.iter().position(|q| q == p) {
                        Some(i) => i as u16,
                        None => {
                            parameters.push(p.clone());
                            (parameters.len() - 1) as u16
                        }
                    })
                    .collect()
            })
            .collect();
        let visits = batches.first().map(|b| b.visits.clone()).unwrap_or_default();
        // Each batch turned into numpy's layout on a thread of its own; Python joins them.
        let converted: Vec<Option<Result<BatchColumns, NaiveDate>>> = py.detach(|| {
            std::thread::scope(|scope| {
                let handles: Vec<_> = batches
                    .into_iter()
                    .zip(maps)
                    .map(|(b, map)| scope.spawn(move || BatchColumns::of(b, &map)))
                    .collect();
                // A batch whose thread stopped is not dropped: it is an internal error below.
                handles.into_iter().map(|h| h.join().ok()).collect()
            })
        });
        let mut columns = Vec::with_capacity(converted.len());
        for batch in converted {
            match batch {
                Some(Ok(c)) => columns.push(c),
                Some(Err(date)) => {
                    return Err(errors::argument(
                        py,
                        "result",
                        &format!("holds {date}, beyond the dates datetime64[ns] represents (1677-2262)"),
                    ))
                }
                None => return Err(errors::internal(py)),
            }
        }
        // The columns move into numpy without a copy, a list of arrays per column.
        let mut lists: Vec<(&str, Vec<Bound<'py, PyAny>>)> = [
            "participant",
            "param",
            "avisit",
            "adt_ns",
            "ady",
            "aval",
            "base",
            "chg",
            "pchg",
            "r2base",
            "ablfl",
            "anl01fl",
            "renal_has",
            "renal_event",
            "renal_date_ns",
            "renal_days",
        ]
        .into_iter()
        .map(|name| (name, Vec::new()))
        .collect();
        let mut renal_component: Vec<Option<String>> = Vec::new();
        let mut unusable: Vec<(u32, String, String)> = Vec::new();
        for c in columns {
            let arrays = [
                PyArray1::from_vec(py, c.participant).into_any(),
                PyArray1::from_vec(py, c.param).into_any(),
                PyArray1::from_vec(py, c.avisit).into_any(),
                PyArray1::from_vec(py, c.adt_ns).into_any(),
                PyArray1::from_vec(py, c.ady).into_any(),
                PyArray1::from_vec(py, c.aval).into_any(),
                PyArray1::from_vec(py, c.base).into_any(),
                PyArray1::from_vec(py, c.chg).into_any(),
                PyArray1::from_vec(py, c.pchg).into_any(),
                PyArray1::from_vec(py, c.r2base).into_any(),
                PyArray1::from_vec(py, c.ablfl).into_any(),
                PyArray1::from_vec(py, c.anl01fl).into_any(),
                PyArray1::from_vec(py, c.renal_has).into_any(),
                PyArray1::from_vec(py, c.renal_event).into_any(),
                PyArray1::from_vec(py, c.renal_date_ns).into_any(),
                PyArray1::from_vec(py, c.renal_days).into_any(),
            ];
            for ((_, list), array) in lists.iter_mut().zip(arrays) {
                list.push(array);
            }
            renal_component.extend(c.renal_component);
            unusable.extend(c.unusable);
        }
        let d = PyDict::new(py);
        for (name, list) in lists {
            d.set_item(name, list)?;
        }
        d.set_item("parameters", parameters)?;
        d.set_item("visits", visits)?;
        d.set_item("renal_component", renal_component)?;
        d.set_item("unusable", unusable)?;
        Ok(d)
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
    m.add_function(wrap_pyfunction!(endpoints_lab_table, m)?)?;
    m.add_function(wrap_pyfunction!(stats_summarise_json, m)?)?;
    m.add_function(wrap_pyfunction!(stats_wilson, m)?)?;
    m.add_function(wrap_pyfunction!(stats_kaplan_meier_json, m)?)?;
    m.add_function(wrap_pyfunction!(stats_t_quantile, m)?)?;
    Ok(())
}
