//! The analysis datasets as CSV: a long BDS-style dataset (one row per analysis value) and a
//! subject-level ADSL-style one (one row per participant). Columns are CDISC ADaM names,
//! described in `docs/endpoints.md`; flags are `Y` or empty, dates ISO 8601, numbers in the
//! shortest form that reads back to the same value. Text fields are quoted when they hold a
//! comma, a quote or a line break (RFC 4180).

use std::fmt::Display;
use std::io::{self, Write};

use super::derive::ParticipantEndpoints;

/// The study identifier written in STUDYID.
pub const STUDYID: &str = "NCT06969807";

/// The columns of the BDS dataset, in order.
pub const BDS_COLUMNS: [&str; 16] = [
    "STUDYID", "USUBJID", "PARAMCD", "PARAM", "AVISIT", "ADT", "ADY", "AVAL", "BASE", "CHG", "PCHG", "R2BASE", "ABLFL",
    "ANL01FL", "DTYPE", "SRC",
];

/// The columns of the ADSL dataset, in order.
pub const ADSL_COLUMNS: [&str; 20] = [
    "STUDYID", "USUBJID", "SEX", "AGE", "SAFFL", "TRTSDT", "TRTEDT", "NINF", "EOSSTT", "DTHFL", "DTHDT", "LSTCNTDT",
    "RENALFL", "RENALDY", "MACEFL", "MACEDY", "TEAEFL", "SAEFL", "MALIGFL", "EGFRSLP",
];

fn text(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn opt<T: Display>(v: Option<T>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

/// `Y`, `N`, or empty when not known.
fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "Y",
        Some(false) => "N",
        None => "",
    }
}

fn flag(b: bool) -> &'static str {
    if b {
        "Y"
    } else {
        ""
    }
}

/// Writes the BDS dataset of `participants` (header first).
///
/// # Errors
/// The writer's.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::endpoints::{derive, write_bds_csv, EndpointConfig, ParticipantTimeline};
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// let t = ParticipantTimeline::from_json(r#"{"schema_version": 1, "id": "P", "sex": "male",
///   "birth_date": "1958-01-01", "first_infusion": "2025-01-06", "last_contact": "2025-02-01",
///   "labs": [{"date": "2025-01-02", "analyte": "hba1c", "value": 58, "unit": "mmol/mol"}]}"#)?.check()?;
/// let p = derive(&t, &ScheduleConfig::bundled()?, &EndpointConfig::default())?;
/// let mut out = Vec::new();
/// write_bds_csv(&mut out, &[p])?;
/// let text = String::from_utf8(out)?;
/// assert!(text.lines().nth(1).unwrap().starts_with("NCT06969807,P,HBA1C,HbA1c (%),baseline,2025-01-02,-4,"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_bds_csv<W: Write>(mut out: W, participants: &[ParticipantEndpoints]) -> io::Result<()> {
    writeln!(out, "{}", BDS_COLUMNS.join(","))?;
    for p in participants {
        write_bds_rows(&mut out, p)?;
    }
    Ok(())
}

/// Writes one participant's BDS rows (no header), for writing a cohort one participant at a
/// time.
///
/// # Errors
/// The writer's.
pub fn write_bds_rows<W: Write>(mut out: W, p: &ParticipantEndpoints) -> io::Result<()> {
    for r in &p.rows {
        writeln!(
            out,
            "{STUDYID},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            text(&r.usubjid),
            text(&r.paramcd),
            text(&r.param),
            text(r.avisit.as_deref().unwrap_or("")),
            r.adt,
            r.ady,
            r.aval,
            opt(r.base),
            opt(r.chg),
            opt(r.pchg),
            opt(r.r2base),
            flag(r.ablfl),
            flag(r.anl01fl),
            text(r.dtype.as_deref().unwrap_or("")),
            text(&r.src),
        )?;
    }
    Ok(())
}

/// Writes the ADSL dataset of `participants` (header first).
///
/// # Errors
/// The writer's.
pub fn write_adsl_csv<W: Write>(mut out: W, participants: &[ParticipantEndpoints]) -> io::Result<()> {
    writeln!(out, "{}", ADSL_COLUMNS.join(","))?;
    for p in participants {
        write_adsl_row(&mut out, p)?;
    }
    Ok(())
}

/// Writes one participant's ADSL row (no header).
///
/// # Errors
/// The writer's.
pub fn write_adsl_row<W: Write>(mut out: W, p: &ParticipantEndpoints) -> io::Result<()> {
    let s = &p.subject;
    let event = |e: &Option<super::EventTime>| (yes_no(e.as_ref().map(|e| e.event)), opt(e.as_ref().map(|e| e.days)));
    let (renal_flag, renal_days) = event(&p.renal_composite);
    let (mace_flag, mace_days) = event(&p.mace);
    writeln!(
        out,
        "{STUDYID},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        text(&p.usubjid),
        s.sex,
        p.age,
        flag(p.dosed),
        opt(p.day_one),
        opt(s.last_infusion),
        s.infusions,
        s.status,
        flag(s.death.is_some()),
        opt(s.death),
        s.last_contact,
        renal_flag,
        renal_days,
        mace_flag,
        mace_days,
        yes_no(p.dosed.then_some(p.adverse_events.treatment_emergent > 0)),
        yes_no(p.dosed.then_some(p.adverse_events.serious > 0)),
        yes_no(p.malignancy_within_window),
        opt(p.egfr_slope.map(|s| s.per_year)),
    )?;
    Ok(())
}
