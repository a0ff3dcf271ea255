//! Outcomes with their dates: the renal composite, MACE, death, new malignancies, adverse
//! events by window, and where each stands at the landmark visits.
//!
//! Time to an event counts days from study day 1 (`date − day 1`, so an event on day 1 is at
//! time 0). Follow-up is censored at the last contact or at the target of
//! [`EndpointConfig::follow_up_end`], whichever is first; an event after that is not counted.
//! A death from another cause censors the renal composite and MACE at its date (competing risks
//! are not modelled; `docs/interpretation.md`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::config::{Confirmation, PrevalentRenalFailure, TreatmentEmergent};
use super::derive::AnalysisRow;
use super::timeline::{months_after, CardiovascularEventKind, DeathCause, ParticipantTimeline};
use super::{EndpointConfig, EndpointError};
use crate::schedule::ScheduledVisit;

/// The time to an event, or to censoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTime {
    /// Whether the event happened within follow-up.
    pub event: bool,
    /// The date of the event, else of censoring.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// Days from study day 1 to `date`.
    pub days: i64,
    /// Which component came first (`egfr_decline`, `esrd`, `renal_replacement`,
    /// `cardiovascular_death`, `myocardial_infarction`, …), when an event.
    pub component: Option<String>,
}

/// The outcomes at one landmark visit: `Some(true)` the event happened by the visit's target,
/// `Some(false)` it did not and the participant was followed up to it (or died of another
/// cause before it), `None` not known (follow-up ended earlier without the event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Landmark {
    /// The visit id.
    pub visit: String,
    /// Its target date.
    #[serde(with = "crate::date::iso")]
    pub date: NaiveDate,
    /// The renal composite.
    pub renal_composite: Option<bool>,
    /// MACE.
    pub mace: Option<bool>,
    /// Death from any cause.
    pub death: Option<bool>,
}

/// A participant's adverse events by window.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AdverseEventSummary {
    /// Events starting before treatment (not treatment-emergent).
    pub before_treatment: u32,
    /// Treatment-emergent events within the collection window.
    pub treatment_emergent: u32,
    /// Of those, serious.
    pub serious: u32,
    /// Of those, related to the study product.
    pub related: u32,
    /// Of those, grade 3 or above.
    pub grade_3_or_above: u32,
    /// Events starting after the collection window (reported, not in the endpoint).
    pub after_window: u32,
    /// The distinct terms of the treatment-emergent events, sorted.
    pub terms: Vec<String>,
    /// The distinct terms of the serious ones, sorted.
    pub serious_terms: Vec<String>,
}

fn event_time(event: Option<(NaiveDate, &str)>, day_one: NaiveDate, censor: NaiveDate) -> EventTime {
    match event {
        Some((date, component)) if date <= censor => {
            EventTime { event: true, date, days: (date - day_one).num_days(), component: Some(component.to_owned()) }
        }
        _ => EventTime { event: false, date: censor, days: (censor - day_one).num_days(), component: None },
    }
}

fn earliest<'a>(candidates: impl IntoIterator<Item = (NaiveDate, &'a str)>) -> Option<(NaiveDate, &'a str)> {
    candidates.into_iter().min_by_key(|(d, _)| *d)
}

/// The end of follow-up for a participant: the last contact or the study's end, whichever first.
fn censor_date(t: &ParticipantTimeline, end: NaiveDate) -> NaiveDate {
    t.last_contact.min(end)
}

/// An eGFR analysis value, as the renal composite reads it (in date order).
#[derive(Debug, Clone, Copy)]
pub(crate) struct EgfrPoint {
    /// ADT.
    pub adt: NaiveDate,
    /// AVAL.
    pub aval: f64,
    /// BASE.
    pub base: Option<f64>,
    /// Observed, not carried forward.
    pub observed: bool,
    /// ABLFL.
    pub ablfl: bool,
}

impl From<&AnalysisRow> for EgfrPoint {
    fn from(r: &AnalysisRow) -> EgfrPoint {
        EgfrPoint { adt: r.adt, aval: r.aval, base: r.base, observed: r.dtype.is_none(), ablfl: r.ablfl }
    }
}

/// The renal composite: the first of a ≥ 50 % eGFR decline from baseline (confirmed if the
/// configuration asks), ESRD (recorded, or an eGFR below the configured level), or the start
/// of renal replacement therapy. Also returns the date of a decline that was not confirmed.
/// None without a baseline eGFR and without ESRD or renal replacement (nothing to measure a
/// decline from).
///
/// ESRD or renal replacement dated before day 1 is read as
/// [`EndpointConfig::prevalent_renal_failure`] says: refused (the default), or the composite is
/// not evaluable (None). Never quietly left out.
///
/// # Errors
/// [`EndpointError::InvalidDate`] at `esrd` or `renal_replacement[i].start` for such a date,
/// under the default reading.
pub(crate) fn renal_composite(
    t: &ParticipantTimeline,
    egfr: &[EgfrPoint],
    day_one: NaiveDate,
    end: NaiveDate,
    config: &EndpointConfig,
) -> Result<(Option<EventTime>, Option<NaiveDate>), EndpointError> {
    let before_day_one = t.esrd.filter(|d| *d < day_one).map(|_| "esrd".to_owned()).or_else(|| {
        let i = t.renal_replacement.iter().position(|r| r.start < day_one)?;
        Some(format!("renal_replacement[{i}].start"))
    });
    match (before_day_one, config.prevalent_renal_failure) {
        (None, _) => Ok(renal_composite_at_risk(t, egfr, day_one, end, config)),
        (Some(_), PrevalentRenalFailure::NotEvaluable) => Ok((None, None)),
        (Some(path), PrevalentRenalFailure::Refuse) => Err(EndpointError::InvalidDate {
            path,
            reason: format!(
                "renal failure dated before study day 1 ({day_one}): the renal composite has no time at \
                 risk; correct the date, or read it with `prevalent_renal_failure = not_evaluable`"
            ),
        }),
    }
}

/// The renal composite of a participant without renal failure before day 1.
fn renal_composite_at_risk(
    t: &ParticipantTimeline,
    egfr: &[EgfrPoint],
    day_one: NaiveDate,
    end: NaiveDate,
    config: &EndpointConfig,
) -> (Option<EventTime>, Option<NaiveDate>) {
    let post: Vec<&EgfrPoint> = egfr.iter().filter(|r| r.adt > day_one && r.observed).collect();
    let threshold = 1.0 - config.decline_fraction;
    let declined = |r: &EgfrPoint| r.base.is_some_and(|b| r.aval <= b * threshold);
    let mut decline = None;
    let mut unconfirmed = None;
    for (i, r) in post.iter().enumerate() {
        if !declined(r) {
            continue;
        }
        match config.confirmation {
            Confirmation::None => {
                decline = Some(r.adt);
                break;
            }
            Confirmation::After { days } => {
                let confirmed = post[i + 1..]
                    .iter()
                    .find(|later| (later.adt - r.adt).num_days() >= i64::from(days))
                    .is_some_and(|later| declined(later));
                if confirmed {
                    decline = Some(r.adt);
                    break;
                }
                unconfirmed.get_or_insert(r.adt);
            }
        }
    }
    let low_egfr = config.esrd_egfr_below.and_then(|level| post.iter().find(|r| r.aval < level).map(|r| r.adt));
    // Neither is before day 1 here (`renal_composite` read those first).
    let rrt = t.renal_replacement.iter().map(|r| r.start).min();
    let esrd = t.esrd;
    let has_baseline = egfr.iter().any(|r| r.ablfl);
    if !has_baseline && esrd.is_none() && rrt.is_none() && low_egfr.is_none() {
        return (None, unconfirmed);
    }
    let first = earliest(
        [
            decline.map(|d| (d, "egfr_decline")),
            esrd.map(|d| (d, "esrd")),
            low_egfr.map(|d| (d, "esrd")),
            rrt.map(|d| (d, "renal_replacement")),
        ]
        .into_iter()
        .flatten(),
    );
    // Death is not a component: any death censors.
    let censor = death_censor(t, censor_date(t, end), |_| false);
    (Some(event_time(first, day_one, censor)), unconfirmed)
}

/// Censoring moves to the date of a death that is not itself the event.
fn death_censor(t: &ParticipantTimeline, censor: NaiveDate, is_event: impl Fn(DeathCause) -> bool) -> NaiveDate {
    match &t.death {
        Some(d) if !is_event(d.cause) => censor.min(d.date),
        _ => censor,
    }
}

/// MACE: cardiovascular death, myocardial infarction, stroke or hospitalisation for heart
/// failure, whichever first on or after day 1; a death of unknown cause as
/// [`EndpointConfig::unknown_cause_death`] reads it.
pub(crate) fn mace(t: &ParticipantTimeline, day_one: NaiveDate, end: NaiveDate, config: &EndpointConfig) -> EventTime {
    let cardiovascular = |cause: DeathCause| {
        cause == DeathCause::Cardiovascular
            || (cause == DeathCause::Unknown
                && config.unknown_cause_death == super::config::UnknownCauseDeath::Cardiovascular)
    };
    let cv_death = t.death.as_ref().filter(|d| cardiovascular(d.cause)).map(|d| (d.date, "cardiovascular_death"));
    let events = t.cardiovascular_events.iter().filter(|e| e.date >= day_one).map(|e| {
        let name = match e.kind {
            CardiovascularEventKind::MyocardialInfarction => "myocardial_infarction",
            CardiovascularEventKind::Stroke => "stroke",
            CardiovascularEventKind::HeartFailureHospitalisation => "heart_failure_hospitalisation",
        };
        (e.date, name)
    });
    let first = earliest(cv_death.into_iter().chain(events));
    let censor = death_censor(t, censor_date(t, end), cardiovascular);
    event_time(first, day_one, censor)
}

/// Death from any cause.
pub(crate) fn death(t: &ParticipantTimeline, day_one: NaiveDate, end: NaiveDate) -> EventTime {
    event_time(t.death.as_ref().map(|d| (d.date, "death")), day_one, censor_date(t, end))
}

/// A new malignancy on or after day 1 and within the configured months.
pub(crate) fn malignancy(t: &ParticipantTimeline, day_one: NaiveDate, config: &EndpointConfig) -> EventTime {
    let end = months_after(day_one, config.malignancy_window_months);
    let first = earliest(t.malignancies.iter().filter(|m| m.date >= day_one).map(|m| (m.date, "malignancy")));
    let censor = death_censor(t, censor_date(t, end), |_| false);
    event_time(first, day_one, censor)
}

/// Whether a new malignancy was diagnosed within the window: none when the participant was
/// followed up less long without one (and did not die).
pub(crate) fn malignancy_within_window(
    t: &ParticipantTimeline,
    day_one: NaiveDate,
    config: &EndpointConfig,
) -> Option<bool> {
    let end = months_after(day_one, config.malignancy_window_months);
    if malignancy(t, day_one, config).event {
        Some(true)
    } else if t.last_contact >= end || t.death.is_some() {
        Some(false)
    } else {
        None
    }
}

/// Where each outcome stands at each landmark visit.
pub(crate) fn landmarks(
    t: &ParticipantTimeline,
    visits: &[&ScheduledVisit],
    renal: Option<&EventTime>,
    day_one: NaiveDate,
    end: NaiveDate,
    config: &EndpointConfig,
) -> Vec<Landmark> {
    let mace = mace(t, day_one, end, config);
    let death = death(t, day_one, end);
    let dead_by = |date: NaiveDate| t.death.as_ref().is_some_and(|d| d.date <= date);
    // Had the event by the visit's target; else known not to once followed to the visit
    // (`followed_to`) or dead before it of another cause; else not known.
    let at = |e: &EventTime, v: &ScheduledVisit| -> Option<bool> {
        if e.event && e.date <= v.target {
            Some(true)
        } else if t.last_contact >= config.followed_to.from(v) || dead_by(v.target) {
            Some(false)
        } else {
            None
        }
    };
    visits
        .iter()
        .map(|v| Landmark {
            visit: v.visit.clone(),
            date: v.target,
            renal_composite: renal.and_then(|r| at(r, v)),
            mace: at(&mace, v),
            death: at(&death, v),
        })
        .collect()
}

/// Adverse events by window: before treatment, treatment-emergent within
/// [`EndpointConfig::ae_window_days`] of day 1, or after the window.
pub(crate) fn adverse_events(
    t: &ParticipantTimeline,
    day_one: NaiveDate,
    config: &EndpointConfig,
) -> AdverseEventSummary {
    // A window from the configuration may reach past the last representable date: it then has no end.
    let window_end =
        day_one.checked_add_days(chrono::Days::new(u64::from(config.ae_window_days))).unwrap_or(NaiveDate::MAX);
    let mut s = AdverseEventSummary::default();
    for ae in &t.adverse_events {
        let emergent = match config.treatment_emergent {
            TreatmentEmergent::OnOrAfterFirstInfusion => ae.start >= day_one,
            TreatmentEmergent::AfterFirstInfusion => ae.start > day_one,
        };
        if !emergent {
            s.before_treatment += 1;
        } else if ae.start > window_end {
            s.after_window += 1;
        } else {
            s.treatment_emergent += 1;
            s.serious += u32::from(ae.serious);
            s.related += u32::from(ae.related);
            s.grade_3_or_above += u32::from(ae.grade >= 3);
            s.terms.push(ae.term.clone());
            if ae.serious {
                s.serious_terms.push(ae.term.clone());
            }
        }
    }
    for list in [&mut s.terms, &mut s.serious_terms] {
        list.sort();
        list.dedup();
    }
    s
}
