//! Endpoints: timelines as JSON in, core's derived endpoints and cohort report as JSON out (the
//! package turns them into DataFrames), and the report's statistics on plain lists. Every rule
//! is core's (`amimestrocel_dkd::endpoints`, `docs/endpoints.md`).

use amimestrocel_dkd::demographics::Sex;
use amimestrocel_dkd::endpoints::stats::{self, KmInterval, QuantileMethod};
use amimestrocel_dkd::endpoints::{
    derive, summarise_cohort, write_adsl_csv, write_bds_csv, EndpointConfig, EndpointError, LabEndpoints, LabRow,
    LabSubject, LabTable, ParticipantEndpoints, ParticipantTimeline,
};
use amimestrocel_dkd::lab::{AnalyteKind, Unit};
use amimestrocel_dkd::schedule::ScheduleConfig;
use chrono::NaiveDate;
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1};
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
        // A participant given twice would be counted twice in the report: refused.
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (row, text) in timelines.iter().enumerate() {
            let timeline = ParticipantTimeline::from_json(text)
                .and_then(ParticipantTimeline::check)
                .map_err(|e| errors::endpoint(py, e, Some(row)))?;
            if let Some(first) = seen.insert(timeline.timeline().id.clone(), row) {
                return Err(errors::argument(
                    py,
                    &format!("participants[{row}].id"),
                    &format!("is listed twice (first at participants[{first}])"),
                ));
            }
            let derived = derive(&timeline, &plan, &config).map_err(|e| errors::endpoint(py, e, Some(row)))?;
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
    amimestrocel_dkd::date::date_of_day(days).map(Some).ok_or_else(|| {
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
            sex: Sex::parse(sex).map_err(|e| errors::demographics_at(py, e, &format!("SEX[{i}]"), i))?,
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
    // Each distinct text is read once; one refused is named at its first row.
    let first_row = |codes: &[i64], i: usize, column: &str, reason: String| {
        let k = codes.iter().position(|&c| usize::try_from(c) == Ok(i)).unwrap_or(0);
        errors::argument(py, &format!("{column}[{k}]"), &reason)
    };
    let analytes: Vec<AnalyteKind> = analytes
        .iter()
        .enumerate()
        .map(|(i, a)| AnalyteKind::from_slug(a).map_err(|e| first_row(analyte, i, "LBTESTCD", e.to_string())))
        .collect::<PyResult<_>>()?;
    let units: Vec<Unit> = units
        .iter()
        .enumerate()
        .map(|(i, u)| Unit::parse(u).map_err(|e| first_row(unit, i, "LBSTRESU", e.to_string())))
        .collect::<PyResult<_>>()?;
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

/// How many subjects a thread derives before writing their rows into the result: the piece's
/// memory is reused, so only the result's arrays grow with the cohort.
const PIECE: usize = 2048;

/// Why writing the lab table's result stopped.
enum FillError {
    /// A subject or a row refused by core.
    Endpoint(EndpointError),
    /// A date `datetime64[ns]` cannot hold.
    Beyond(NaiveDate),
    /// More rows than core said a share could give, or a poisoned lock: a defect.
    Internal,
}

impl From<EndpointError> for FillError {
    fn from(e: EndpointError) -> Self {
        FillError::Endpoint(e)
    }
}

/// The result's columns, as mutable slices of the numpy arrays that are returned: each share
/// of the subjects writes its pieces into its own part, so nothing is joined afterwards.
struct Out<'a> {
    participant: &'a mut [u32],
    param: &'a mut [u16],
    avisit: &'a mut [i16],
    adt_ns: &'a mut [i64],
    ady: &'a mut [i64],
    aval: &'a mut [f64],
    base: &'a mut [f64],
    chg: &'a mut [f64],
    pchg: &'a mut [f64],
    r2base: &'a mut [f64],
    ablfl: &'a mut [bool],
    anl01fl: &'a mut [bool],
    renal_has: &'a mut [bool],
    renal_event: &'a mut [bool],
    renal_date_ns: &'a mut [i64],
    renal_days: &'a mut [i64],
}

/// Calls `$m!` with the row columns of [`Out`], then the subject columns.
macro_rules! out_columns {
    ($m:ident) => {
        $m!(participant, param, avisit, adt_ns, ady, aval, base, chg, pchg, r2base, ablfl, anl01fl;
            renal_has, renal_event, renal_date_ns, renal_days)
    };
}

impl<'a> Out<'a> {
    /// The first `rows` analysis rows and `subjects` subjects, and the rest; none when there
    /// are fewer.
    fn split(self, rows: usize, subjects: usize) -> Option<(Out<'a>, Out<'a>)> {
        if rows > self.participant.len() || subjects > self.renal_has.len() {
            return None;
        }
        macro_rules! cut {
            ($($row:ident),* ; $($subject:ident),*) => {{
                $(let $row = self.$row.split_at_mut(rows);)*
                $(let $subject = self.$subject.split_at_mut(subjects);)*
                Some((Out { $($row: $row.0,)* $($subject: $subject.0,)* },
                      Out { $($row: $row.1,)* $($subject: $subject.1,)* }))
            }};
        }
        out_columns!(cut)
    }

    /// Moves the analysis rows `from` to start at row `to` (`to` ≤ `from.start`).
    fn move_rows(&mut self, from: std::ops::Range<usize>, to: usize) {
        macro_rules! shift {
            ($($row:ident),* ; $($subject:ident),*) => {{
                $(self.$row.copy_within(from.clone(), to);)*
            }};
        }
        out_columns!(shift)
    }

    /// Writes a piece in numpy's layout (none as NaN, -1 or NaT), its parameter codes
    /// translated by `map`; the first date `datetime64[ns]` cannot hold (after 2262-04-11, such
    /// as a censoring date computed from a late first infusion) is an error.
    fn fill(self, b: &LabEndpoints, map: &[u16]) -> Result<(), FillError> {
        const NANOS_PER_DAY: i64 = 86_400_000_000_000;
        let mut beyond: Option<NaiveDate> = None;
        // Days since 1970-01-01, in nanoseconds.
        let mut nanos = |d: &NaiveDate| {
            i64::from(amimestrocel_dkd::date::day_number(*d)).checked_mul(NANOS_PER_DAY).unwrap_or_else(|| {
                beyond.get_or_insert(*d);
                i64::MIN
            })
        };
        fn nan(out: &mut [f64], values: &[Option<f64>]) {
            for (o, v) in out.iter_mut().zip(values) {
                *o = v.unwrap_or(f64::NAN);
            }
        }
        for (o, d) in self.adt_ns.iter_mut().zip(&b.adt) {
            *o = nanos(d);
        }
        for (i, c) in b.renal_composite.iter().enumerate() {
            self.renal_has[i] = c.is_some();
            self.renal_event[i] = c.as_ref().is_some_and(|c| c.event);
            self.renal_date_ns[i] = c.as_ref().map_or(i64::MIN, |c| nanos(&c.date));
            self.renal_days[i] = c.as_ref().map_or(0, |c| c.days);
        }
        if let Some(date) = beyond {
            return Err(FillError::Beyond(date));
        }
        for (o, &i) in self.param.iter_mut().zip(&b.param) {
            *o = map.get(usize::from(i)).copied().unwrap_or(u16::MAX);
        }
        for (o, v) in self.avisit.iter_mut().zip(&b.avisit) {
            *o = v.and_then(|v| i16::try_from(v).ok()).unwrap_or(-1);
        }
        self.participant.copy_from_slice(&b.participant);
        self.ady.copy_from_slice(&b.ady);
        self.aval.copy_from_slice(&b.aval);
        nan(self.base, &b.base);
        nan(self.chg, &b.chg);
        nan(self.pchg, &b.pchg);
        nan(self.r2base, &b.r2base);
        self.ablfl.copy_from_slice(&b.ablfl);
        self.anl01fl.copy_from_slice(&b.anl01fl);
        Ok(())
    }
}

/// What a share of the subjects wrote, besides its rows.
#[derive(Default)]
struct Share {
    rows: usize,
    renal_component: Vec<Option<String>>,
    unusable: Vec<(u32, String, String)>,
}

/// The position of a parameter in the result's list, added when new.
fn code_of(parameters: &mut Vec<(String, String)>, p: &(String, String)) -> u16 {
    let at = parameters.iter().position(|q| q == p).unwrap_or_else(|| {
        parameters.push(p.clone());
        parameters.len() - 1
    });
    u16::try_from(at).unwrap_or(u16::MAX)
}

/// The lab endpoints of a cohort from columns (core's `LabTable`): a dict of numpy columns
/// (`participant`, `param`, `avisit` (-1 none), `adt_ns` (nanoseconds since 1970, as
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
        let table = LabTable::new(&subjects, &rows, &plan, &config).map_err(|e| errors::endpoint(py, e, None))?;
        let max_rows: usize = table.work().iter().map(|w| w.max_rows).sum();
        // The result's arrays, allocated once by numpy at the most rows the table can give
        // (zeroed, so pages never written are never touched, and given transparent huge pages
        // when large: far fewer page faults than fresh Rust memory, see docs/performance.md).
        let participant = PyArray1::<u32>::zeros(py, max_rows, false);
        let param = PyArray1::<u16>::zeros(py, max_rows, false);
        let avisit = PyArray1::<i16>::zeros(py, max_rows, false);
        let adt_ns = PyArray1::<i64>::zeros(py, max_rows, false);
        let ady = PyArray1::<i64>::zeros(py, max_rows, false);
        let aval = PyArray1::<f64>::zeros(py, max_rows, false);
        let base = PyArray1::<f64>::zeros(py, max_rows, false);
        let chg = PyArray1::<f64>::zeros(py, max_rows, false);
        let pchg = PyArray1::<f64>::zeros(py, max_rows, false);
        let r2base = PyArray1::<f64>::zeros(py, max_rows, false);
        let ablfl = PyArray1::<bool>::zeros(py, max_rows, false);
        let anl01fl = PyArray1::<bool>::zeros(py, max_rows, false);
        let renal_has = PyArray1::<bool>::zeros(py, subjects.len(), false);
        let renal_event = PyArray1::<bool>::zeros(py, subjects.len(), false);
        let renal_date_ns = PyArray1::<i64>::zeros(py, subjects.len(), false);
        let renal_days = PyArray1::<i64>::zeros(py, subjects.len(), false);
        let mut shares: Vec<Share> = table.work().iter().map(|_| Share::default()).collect();
        let parameters: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());
        let n_rows = {
            macro_rules! guards {
                ($($row:ident),* ; $($subject:ident),*) => {
                    $(let mut $row = $row.readwrite();)*
                    $(let mut $subject = $subject.readwrite();)*
                };
            }
            // Local names are written out: a macro may not name the caller's variables.
            guards!(participant, param, avisit, adt_ns, ady, aval, base, chg, pchg, r2base, ablfl, anl01fl;
                renal_has, renal_event, renal_date_ns, renal_days);
            macro_rules! out {
                ($($row:ident),* ; $($subject:ident),*) => {
                    Out {
                        $($row: $row.as_slice_mut().map_err(|_| errors::internal(py))?,)*
                        $($subject: $subject.as_slice_mut().map_err(|_| errors::internal(py))?,)*
                    }
                };
            }
            let mut rest =
                Some(out!(participant, param, avisit, adt_ns, ady, aval, base, chg, pchg, r2base, ablfl, anl01fl;
                renal_has, renal_event, renal_date_ns, renal_days));
            let mut sinks = Vec::with_capacity(shares.len());
            for (work, share) in table.work().iter().zip(shares.iter_mut()) {
                let (mine, others) = rest
                    .take()
                    .and_then(|all| all.split(work.max_rows, work.subjects.len()))
                    .ok_or_else(|| errors::internal(py))?;
                rest = Some(others);
                let parameters = &parameters;
                let mut free = Some(mine);
                sinks.push(move |piece: &mut LabEndpoints| -> Result<(), FillError> {
                    let (this, after) = free
                        .take()
                        .and_then(|out| out.split(piece.len(), piece.renal_composite.len()))
                        .ok_or(FillError::Internal)?;
                    free = Some(after);
                    // The piece's parameter codes in the result's one list.
                    let map: Vec<u16> = {
                        let mut all = parameters.lock().map_err(|_| FillError::Internal)?;
                        piece.parameters.iter().map(|p| code_of(&mut all, p)).collect()
                    };
                    this.fill(piece, &map)?;
                    share.rows += piece.len();
                    share
                        .renal_component
                        .extend(piece.renal_composite.iter().map(|c| c.as_ref().and_then(|c| c.component.clone())));
                    share.unusable.extend(piece.unusable.iter().map(|(p, u)| (*p, u.src.clone(), u.reason.clone())));
                    Ok(())
                });
            }
            match py.detach(|| table.derive_pieces(PIECE, sinks)) {
                Ok(()) => {}
                Err(FillError::Endpoint(e)) => return Err(errors::endpoint(py, e, None)),
                Err(FillError::Beyond(date)) => {
                    return Err(errors::argument(
                        py,
                        "result",
                        &format!("holds {date}, beyond the dates datetime64[ns] represents (1677-2262)"),
                    ))
                }
                Err(FillError::Internal) => return Err(errors::internal(py)),
            }
            // A share that gave fewer rows than it could (a value was unusable) leaves a gap:
            // the shares after it are moved up.
            let mut all = out!(participant, param, avisit, adt_ns, ady, aval, base, chg, pchg, r2base, ablfl, anl01fl;
                renal_has, renal_event, renal_date_ns, renal_days);
            let (mut written, mut start) = (0, 0);
            for (work, share) in table.work().iter().zip(&shares) {
                if start != written {
                    all.move_rows(start..start + share.rows, written);
                }
                written += share.rows;
                start += work.max_rows;
            }
            written
        };
        let cut = |a: Bound<'py, PyAny>| a.get_item(pyo3::types::PySlice::new(py, 0, n_rows as isize, 1));
        let parameters = parameters.into_inner().map_err(|_| errors::internal(py))?;
        let renal_component: Vec<Option<String>> =
            shares.iter_mut().flat_map(|s| std::mem::take(&mut s.renal_component)).collect();
        let unusable: Vec<(u32, String, String)> =
            shares.iter_mut().flat_map(|s| std::mem::take(&mut s.unusable)).collect();
        let d = PyDict::new(py);
        d.set_item("participant", cut(participant.into_any())?)?;
        d.set_item("param", cut(param.into_any())?)?;
        d.set_item("avisit", cut(avisit.into_any())?)?;
        d.set_item("adt_ns", cut(adt_ns.into_any())?)?;
        d.set_item("ady", cut(ady.into_any())?)?;
        d.set_item("aval", cut(aval.into_any())?)?;
        d.set_item("base", cut(base.into_any())?)?;
        d.set_item("chg", cut(chg.into_any())?)?;
        d.set_item("pchg", cut(pchg.into_any())?)?;
        d.set_item("r2base", cut(r2base.into_any())?)?;
        d.set_item("ablfl", cut(ablfl.into_any())?)?;
        d.set_item("anl01fl", cut(anl01fl.into_any())?)?;
        d.set_item("renal_has", renal_has)?;
        d.set_item("renal_event", renal_event)?;
        d.set_item("renal_date_ns", renal_date_ns)?;
        d.set_item("renal_days", renal_days)?;
        d.set_item("parameters", parameters)?;
        d.set_item("visits", table.visits())?;
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
