//! A participant's own endpoints for the phone: the eGFR and proteinuria trend, change from
//! baseline at each visit, the eGFR slope and the outcomes. The timeline arrives as the JSON a
//! site exports (`docs/endpoints.md`); every rule is core's (`amimestrocel_dkd::endpoints`).
//!
//! Core's records are declared to uniffi as they are (`#[uniffi::remote(Record)]`).
//!
//! ```kotlin
//! val endpoints = endpointsDerive(timelineJson, null)
//! val egfr = endpointsTrend(endpoints, "EGFR")
//! check(egfr.first().ablfl)
//! ```

use amimestrocel_dkd::endpoints::{
    derive, AdverseEventSummary, AnalysisRow, EndpointConfig, EventTime, Landmark, ParticipantEndpoints,
    ParticipantTimeline, Slope, SubjectLevel, Unusable,
};
use amimestrocel_dkd::schedule::ScheduleConfig;
use chrono::NaiveDate;

use crate::error::{guard, DkdError};

/// One analysis value (ADaM BDS names): the value, its baseline and change, its visit.
#[uniffi::remote(Record)]
pub struct AnalysisRow {
    pub usubjid: String,
    pub paramcd: String,
    pub param: String,
    pub avisit: Option<String>,
    pub adt: NaiveDate,
    pub ady: i64,
    pub aval: f64,
    pub base: Option<f64>,
    pub chg: Option<f64>,
    pub pchg: Option<f64>,
    pub r2base: Option<f64>,
    pub ablfl: bool,
    pub anl01fl: bool,
    pub dtype: Option<String>,
    pub src: String,
}

/// A value that could not be used, with the reason.
#[uniffi::remote(Record)]
pub struct Unusable {
    pub src: String,
    pub reason: String,
}

/// The eGFR slope (per year) and its fit.
#[uniffi::remote(Record)]
pub struct Slope {
    pub per_year: f64,
    pub intercept: f64,
    pub points: u32,
}

/// The time to an event or to censoring, in days from study day 1.
#[uniffi::remote(Record)]
pub struct EventTime {
    pub event: bool,
    pub date: NaiveDate,
    pub days: i64,
    pub component: Option<String>,
}

/// The outcomes at a landmark visit (`null`: not known).
#[uniffi::remote(Record)]
pub struct Landmark {
    pub visit: String,
    pub date: NaiveDate,
    pub renal_composite: Option<bool>,
    pub mace: Option<bool>,
    pub death: Option<bool>,
}

/// Adverse events by window.
#[uniffi::remote(Record)]
pub struct AdverseEventSummary {
    pub before_treatment: u32,
    pub treatment_emergent: u32,
    pub serious: u32,
    pub related: u32,
    pub grade_3_or_above: u32,
    pub after_window: u32,
    pub terms: Vec<String>,
    pub serious_terms: Vec<String>,
}

/// Subject-level values.
#[uniffi::remote(Record)]
pub struct SubjectLevel {
    pub sex: String,
    pub last_infusion: Option<NaiveDate>,
    pub infusions: u32,
    pub status: String,
    pub death: Option<NaiveDate>,
    pub last_contact: NaiveDate,
}

/// Everything derived for one participant.
#[uniffi::remote(Record)]
pub struct ParticipantEndpoints {
    pub usubjid: String,
    pub dosed: bool,
    pub day_one: Option<NaiveDate>,
    pub age: u32,
    pub rows: Vec<AnalysisRow>,
    pub egfr_slope: Option<Slope>,
    pub renal_composite: Option<EventTime>,
    pub unconfirmed_decline: Option<NaiveDate>,
    pub mace: Option<EventTime>,
    pub death: Option<EventTime>,
    pub malignancy: Option<EventTime>,
    pub landmarks: Vec<Landmark>,
    pub adverse_events: AdverseEventSummary,
    pub malignancy_within_window: Option<bool>,
    pub visits_closed: Vec<String>,
    pub subject: SubjectLevel,
    pub unusable: Vec<Unusable>,
}

/// Derives a participant's endpoints from the timeline JSON a site exports; `config_json`
/// changes readings (`{"egfr_source": "lab_reported"}`), `null` keeps the protocol's.
#[uniffi::export]
pub fn endpoints_derive(timeline_json: String, config_json: Option<String>) -> Result<ParticipantEndpoints, DkdError> {
    guard(|| {
        let config = match config_json {
            Some(text) => EndpointConfig::from_json(&text)?,
            None => EndpointConfig::default(),
        };
        let timeline = ParticipantTimeline::from_json(&timeline_json)?.check()?;
        Ok(derive(&timeline, &ScheduleConfig::bundled()?, &config)?)
    })
}

/// A parameter's trend (`"EGFR"`, `"UPRO24"`, …): the baseline and each visit's value, in date
/// order, for a chart on the phone.
#[uniffi::export]
pub fn endpoints_trend(endpoints: ParticipantEndpoints, paramcd: String) -> Result<Vec<AnalysisRow>, DkdError> {
    guard(|| Ok(endpoints.trend(&paramcd).into_iter().cloned().collect()))
}
