//! The analysis datasets as CSV (the main job writes them as Parquet too, from the same typed
//! rows): a long BDS-style dataset (one row per analysis value) and a
//! subject-level ADSL-style one (one row per participant). Columns are CDISC ADaM names,
//! described in `docs/endpoints.md`; flags are `Y` or empty, dates ISO 8601, numbers in the
//! shortest form that reads back to the same value. Text fields are quoted when they hold a
//! comma, a quote or a line break (RFC 4180).

use std::fmt::Display;
use std::io::{self, Write};

use chrono::NaiveDate;

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

/// One participant's ADSL row with typed values: what the CSV writer here and the Parquet
/// writer of the main job write, so the two datasets cannot disagree. Flags that are "not
/// known" for a participant (never dosed, no outcome followed) are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct AdslRecord<'a> {
    /// USUBJID.
    pub usubjid: &'a str,
    /// SEX: `F` or `M`.
    pub sex: &'a str,
    /// AGE, years at study day 1 (at last contact when never dosed).
    pub age: u32,
    /// SAFFL: dosed at least once.
    pub saffl: bool,
    /// TRTSDT: study day 1.
    pub trtsdt: Option<NaiveDate>,
    /// TRTEDT: the last infusion.
    pub trtedt: Option<NaiveDate>,
    /// NINF: infusions given.
    pub ninf: u32,
    /// EOSSTT.
    pub eosstt: &'a str,
    /// DTHFL.
    pub dthfl: bool,
    /// DTHDT.
    pub dthdt: Option<NaiveDate>,
    /// LSTCNTDT.
    pub lstcntdt: NaiveDate,
    /// RENALFL: the composite renal outcome happened within follow-up.
    pub renalfl: Option<bool>,
    /// RENALDY: days from day 1 to the event, else to censoring.
    pub renaldy: Option<i64>,
    /// MACEFL.
    pub macefl: Option<bool>,
    /// MACEDY.
    pub macedy: Option<i64>,
    /// TEAEFL: a treatment-emergent adverse event (dosed participants only).
    pub teaefl: Option<bool>,
    /// SAEFL: a treatment-emergent serious adverse event (dosed participants only).
    pub saefl: Option<bool>,
    /// MALIGFL: a new malignancy within its window.
    pub maligfl: Option<bool>,
    /// EGFRSLP: eGFR slope, mL/min/1.73 m² per year.
    pub egfrslp: Option<f64>,
}

impl<'a> AdslRecord<'a> {
    /// The ADSL row of a participant's derived endpoints.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::endpoints::{derive, AdslRecord, EndpointConfig, ParticipantTimeline};
    /// use amimestrocel_dkd::schedule::ScheduleConfig;
    /// let t = ParticipantTimeline::from_json(r#"{"schema_version": 1, "id": "P", "sex": "male",
    ///   "birth_date": "1958-01-01", "first_infusion": "2025-01-06", "last_contact": "2025-02-01"}"#)?.check()?;
    /// let p = derive(&t, &ScheduleConfig::bundled()?, &EndpointConfig::default())?;
    /// let row = AdslRecord::of(&p);
    /// assert_eq!((row.usubjid, row.sex, row.age, row.saffl, row.teaefl), ("P", "M", 67, true, Some(false)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(p: &'a ParticipantEndpoints) -> AdslRecord<'a> {
        let s = &p.subject;
        AdslRecord {
            usubjid: &p.usubjid,
            sex: &s.sex,
            age: p.age,
            saffl: p.dosed,
            trtsdt: p.day_one,
            trtedt: s.last_infusion,
            ninf: s.infusions,
            eosstt: &s.status,
            dthfl: s.death.is_some(),
            dthdt: s.death,
            lstcntdt: s.last_contact,
            renalfl: p.renal_composite.as_ref().map(|e| e.event),
            renaldy: p.renal_composite.as_ref().map(|e| e.days),
            macefl: p.mace.as_ref().map(|e| e.event),
            macedy: p.mace.as_ref().map(|e| e.days),
            teaefl: p.dosed.then_some(p.adverse_events.treatment_emergent > 0),
            saefl: p.dosed.then_some(p.adverse_events.serious > 0),
            maligfl: p.malignancy_within_window,
            egfrslp: p.egfr_slope.map(|s| s.per_year),
        }
    }
}

/// Writes one participant's ADSL row (no header).
///
/// # Errors
/// The writer's.
pub fn write_adsl_row<W: Write>(mut out: W, p: &ParticipantEndpoints) -> io::Result<()> {
    let r = AdslRecord::of(p);
    writeln!(
        out,
        "{STUDYID},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        text(r.usubjid),
        r.sex,
        r.age,
        flag(r.saffl),
        opt(r.trtsdt),
        opt(r.trtedt),
        r.ninf,
        r.eosstt,
        flag(r.dthfl),
        opt(r.dthdt),
        r.lstcntdt,
        yes_no(r.renalfl),
        opt(r.renaldy),
        yes_no(r.macefl),
        opt(r.macedy),
        yes_no(r.teaefl),
        yes_no(r.saefl),
        yes_no(r.maligfl),
        opt(r.egfrslp),
    )?;
    Ok(())
}
