//! The cohort's summaries: each parameter at each visit (value, change, percent change; the
//! geometric mean ratio for UACR), outcome proportions at the landmark visits with Wilson
//! intervals, Kaplan–Meier estimates of time to the renal composite, MACE and death, adverse
//! events, malignancies and the eGFR slope.
//!
//! The analysis set is every dosed participant. A participant whose visit window closed by
//! their last contact without a value is **missing** at that visit, counted in the summary and
//! not imputed (unless the configuration carries values forward); one whose visit has not
//! come is **not due** and is left out of it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::derive::ParticipantEndpoints;
use super::stats::{kaplan_meier, summarise, t_quantile, wilson, KaplanMeier, Proportion, Summary};
use super::{EndpointConfig, EndpointError};
use crate::schedule::ScheduleConfig;

/// A parameter at a visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterVisitSummary {
    /// PARAMCD.
    pub paramcd: String,
    /// PARAM.
    pub param: String,
    /// The visit id (`baseline` for the baseline values).
    pub avisit: String,
    /// Dosed participants for whom the visit had not come by their last contact.
    pub not_due: usize,
    /// The analysis values.
    pub aval: Summary,
    /// Change from baseline (none at baseline).
    pub chg: Option<Summary>,
    /// Percent change from baseline (none at baseline).
    pub pchg: Option<Summary>,
    /// The geometric mean of the ratio to baseline with its interval (UACR, when configured).
    pub geometric_ratio: Option<GeometricRatio>,
}

/// A geometric mean ratio to baseline: `exp(mean(log R2BASE))`, its interval the exponentiated
/// t interval of the mean log.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeometricRatio {
    /// Ratios summarised.
    pub n: usize,
    /// The geometric mean ratio.
    pub ratio: f64,
    /// Its interval (none for fewer than 2 ratios).
    pub ci: Option<(f64, f64)>,
}

/// An outcome's proportion at a landmark visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandmarkRow {
    /// The visit id.
    pub visit: String,
    /// `renal_composite`, `mace` or `death`.
    pub outcome: String,
    /// Participants with the event by the visit of those whose answer is known; `missing`
    /// counts those followed up less long without the event.
    pub proportion: Proportion,
}

/// Time to an outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeToEvent {
    /// `renal_composite`, `mace` or `death`.
    pub outcome: String,
    /// The Kaplan–Meier estimate, in days from study day 1.
    pub km: KaplanMeier,
}

/// Participants with an adverse event (or a malignancy), as a proportion of the dosed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SafetyRow {
    /// `any_teae`, `serious`, `related`, `grade_3_or_above`, `malignancy`, or `term:<term>`.
    pub what: String,
    /// The proportion with its Wilson interval.
    pub proportion: Proportion,
}

/// The cohort's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortReport {
    /// Participants given.
    pub participants: usize,
    /// Of those, dosed (the analysis set).
    pub dosed: usize,
    /// Each parameter at each visit.
    pub visits: Vec<ParameterVisitSummary>,
    /// Outcome proportions at the landmark visits.
    pub landmarks: Vec<LandmarkRow>,
    /// Time to the renal composite, MACE and death.
    pub time_to_event: Vec<TimeToEvent>,
    /// Adverse events and malignancies.
    pub safety: Vec<SafetyRow>,
    /// The eGFR slope (mL/min/1.73 m² per year), one per participant with enough values.
    pub egfr_slope: Summary,
    /// Values that could not be used, in all.
    pub unusable: usize,
}

/// Summarises the derived endpoints of a cohort.
///
/// # Errors
/// [`EndpointError::InvalidConfig`] for a configuration out of range; errors of the
/// statistics only for values they refuse (none that derivation produces).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::endpoints::{derive, summarise_cohort, EndpointConfig, ParticipantTimeline};
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// let plan = ScheduleConfig::bundled()?;
/// let config = EndpointConfig::default();
/// let t = ParticipantTimeline::from_json(r#"{"schema_version": 1, "id": "P", "sex": "male",
///   "birth_date": "1958-01-01", "first_infusion": "2025-01-06", "last_contact": "2027-01-20"}"#)?.check()?;
/// let report = summarise_cohort(&[derive(&t, &plan, &config)?], &plan, &config)?;
/// assert_eq!(report.dosed, 1);
/// let death = report.landmarks.iter().find(|l| l.outcome == "death" && l.visit == "m24").unwrap();
/// assert_eq!((death.proportion.events, death.proportion.n), (0, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn summarise_cohort(
    participants: &[ParticipantEndpoints],
    plan: &ScheduleConfig,
    config: &EndpointConfig,
) -> Result<CohortReport, EndpointError> {
    config.check()?;
    let dosed: Vec<&ParticipantEndpoints> = participants.iter().filter(|p| p.dosed).collect();
    let visit_order = |id: &str| plan.visits.iter().position(|v| v.id == id).unwrap_or(usize::MAX);

    // (paramcd, visit) → label, from every analysis row of the cohort.
    let mut pairs: BTreeMap<(String, usize, String), String> = BTreeMap::new();
    for p in &dosed {
        for r in p.rows.iter().filter(|r| r.anl01fl) {
            if let Some(v) = &r.avisit {
                pairs.entry((r.paramcd.clone(), visit_order(v), v.clone())).or_insert_with(|| r.param.clone());
            }
        }
    }
    let mut visits = Vec::with_capacity(pairs.len());
    for ((paramcd, _, avisit), param) in pairs {
        visits.push(parameter_visit(&dosed, paramcd, param, avisit, config)?);
    }

    let mut landmarks = Vec::new();
    for visit in &config.landmarks {
        for outcome in ["renal_composite", "mace", "death"] {
            let answers: Vec<Option<bool>> = dosed
                .iter()
                .map(|p| {
                    p.landmarks.iter().find(|l| &l.visit == visit).and_then(|l| match outcome {
                        "renal_composite" => l.renal_composite,
                        "mace" => l.mace,
                        _ => l.death,
                    })
                })
                .collect();
            landmarks.push(LandmarkRow {
                visit: visit.clone(),
                outcome: outcome.to_owned(),
                proportion: proportion(&answers, config)?,
            });
        }
    }

    let mut time_to_event = Vec::new();
    for outcome in ["renal_composite", "mace", "death"] {
        let times: Vec<_> = dosed
            .iter()
            .filter_map(|p| match outcome {
                "renal_composite" => p.renal_composite.as_ref(),
                "mace" => p.mace.as_ref(),
                _ => p.death.as_ref(),
            })
            .collect();
        let days: Vec<f64> = times.iter().map(|e| e.days as f64).collect();
        let events: Vec<bool> = times.iter().map(|e| e.event).collect();
        time_to_event.push(TimeToEvent {
            outcome: outcome.to_owned(),
            km: kaplan_meier(&days, &events, config.level, config.km_interval)?,
        });
    }

    let mut safety = Vec::new();
    let share =
        |f: &dyn Fn(&ParticipantEndpoints) -> bool| -> Vec<Option<bool>> { dosed.iter().map(|p| Some(f(p))).collect() };
    for (what, answers) in [
        ("any_teae", share(&|p| p.adverse_events.treatment_emergent > 0)),
        ("serious", share(&|p| p.adverse_events.serious > 0)),
        ("related", share(&|p| p.adverse_events.related > 0)),
        ("grade_3_or_above", share(&|p| p.adverse_events.grade_3_or_above > 0)),
        ("malignancy", dosed.iter().map(|p| p.malignancy_within_window).collect()),
    ] {
        safety.push(SafetyRow { what: what.to_owned(), proportion: proportion(&answers, config)? });
    }
    let mut terms: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &dosed {
        for term in &p.adverse_events.terms {
            *terms.entry(term).or_default() += 1;
        }
    }
    for (term, count) in terms {
        safety
            .push(SafetyRow { what: format!("term:{term}"), proportion: wilson(count, dosed.len(), 0, config.level)? });
    }

    let slopes: Vec<Option<f64>> = dosed.iter().map(|p| p.egfr_slope.map(|s| s.per_year)).collect();
    Ok(CohortReport {
        participants: participants.len(),
        dosed: dosed.len(),
        visits,
        landmarks,
        time_to_event,
        safety,
        egfr_slope: summarise(&slopes, config.level, config.quantile_method)?,
        unusable: participants.iter().map(|p| p.unusable.len()).sum(),
    })
}

fn proportion(answers: &[Option<bool>], config: &EndpointConfig) -> Result<Proportion, EndpointError> {
    let known: Vec<bool> = answers.iter().flatten().copied().collect();
    let events = known.iter().filter(|b| **b).count();
    wilson(events, known.len(), answers.len() - known.len(), config.level)
}

fn parameter_visit(
    dosed: &[&ParticipantEndpoints],
    paramcd: String,
    param: String,
    avisit: String,
    config: &EndpointConfig,
) -> Result<ParameterVisitSummary, EndpointError> {
    let (mut aval, mut chg, mut pchg, mut logs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut not_due = 0;
    for p in dosed {
        let row =
            p.rows.iter().find(|r| r.anl01fl && r.paramcd == paramcd && r.avisit.as_deref() == Some(avisit.as_str()));
        match row {
            Some(r) => {
                aval.push(Some(r.aval));
                chg.push(r.chg);
                pchg.push(r.pchg);
                if let Some(ratio) = r.r2base.filter(|x| *x > 0.0) {
                    logs.push(ratio.ln());
                }
            }
            None if avisit == "baseline" || p.visits_closed.contains(&avisit) => {
                aval.push(None);
                chg.push(None);
                pchg.push(None);
            }
            None => not_due += 1,
        }
    }
    let baseline = avisit == "baseline";
    let geometric_ratio =
        if !baseline && paramcd == "UACR" && config.uacr_summary == super::config::UacrSummary::GeometricRatio {
            geometric(&logs, config.level)?
        } else {
            None
        };
    Ok(ParameterVisitSummary {
        aval: summarise(&aval, config.level, config.quantile_method)?,
        chg: if baseline { None } else { Some(summarise(&chg, config.level, config.quantile_method)?) },
        pchg: if baseline { None } else { Some(summarise(&pchg, config.level, config.quantile_method)?) },
        geometric_ratio,
        paramcd,
        param,
        avisit,
        not_due,
    })
}

fn geometric(logs: &[f64], level: f64) -> Result<Option<GeometricRatio>, EndpointError> {
    let n = logs.len();
    if n == 0 {
        return Ok(None);
    }
    let mean = logs.iter().sum::<f64>() / n as f64;
    let ci = if n >= 2 {
        let sd = (logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        let half = t_quantile(0.5 + level / 2.0, (n - 1) as f64)? * sd / (n as f64).sqrt();
        Some(((mean - half).exp(), (mean + half).exp()))
    } else {
        None
    };
    Ok(Some(GeometricRatio { n, ratio: mean.exp(), ci }))
}
