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
    /// Of the dosed, women.
    pub women: usize,
    /// The age of the dosed, years on day 1.
    pub age: Summary,
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
    let mut summaries = CohortSummaries::new(plan, config)?;
    for p in participants {
        summaries.add(p);
    }
    summaries.finish()
}

/// Participants with and without an outcome, and those whose answer is not known.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    events: usize,
    known: usize,
    not_known: usize,
}

impl Tally {
    fn add(&mut self, answer: Option<bool>) {
        match answer {
            Some(event) => {
                self.known += 1;
                self.events += usize::from(event);
            }
            None => self.not_known += 1,
        }
    }

    fn proportion(self, level: f64) -> Result<Proportion, EndpointError> {
        wilson(self.events, self.known, self.not_known, level)
    }
}

/// The values of one parameter at one visit, from the dosed participants with an analysis
/// value there, in the order they were added.
#[derive(Debug, Clone)]
struct ParameterVisitValues {
    param: String,
    aval: Vec<Option<f64>>,
    chg: Vec<Option<f64>>,
    pchg: Vec<Option<f64>>,
    /// ln(R2BASE) of the positive ratios, for the geometric mean ratio.
    logs: Vec<f64>,
    /// Of those participants, how many had the visit's window closed.
    closed: usize,
}

/// The cohort summaries, fed one participant at a time: what [`summarise_cohort`] computes,
/// for a cohort that streams through (the main job reads timelines one line at a time). It
/// keeps only the numbers the summaries are computed from (each summarised value, each event
/// time, counts), not the participants: exact medians, quantiles and Kaplan–Meier need every
/// value, so memory grows by those numbers (8–16 bytes each), not by the participants' data.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::endpoints::{derive, summarise_cohort, CohortSummaries, EndpointConfig};
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// use amimestrocel_dkd::tools::{follow_up::bundled_as_of, timelines::timelines};
/// let plan = ScheduleConfig::bundled()?;
/// let config = EndpointConfig::default();
/// let mut summaries = CohortSummaries::new(&plan, &config)?;
/// let mut all = Vec::new();
/// for t in timelines(1, 12, bundled_as_of(), &plan)? {
///     let p = derive(&t.check()?, &plan, &config)?;
///     summaries.add(&p);
///     all.push(p);
/// }
/// assert_eq!(summaries.finish()?, summarise_cohort(&all, &plan, &config)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CohortSummaries<'a> {
    plan: &'a ScheduleConfig,
    config: &'a EndpointConfig,
    participants: usize,
    dosed: usize,
    unusable: usize,
    women: usize,
    ages: Vec<Option<f64>>,
    /// (PARAMCD, the visit's place in the plan, AVISIT) → its values.
    visits: BTreeMap<(String, usize, String), ParameterVisitValues>,
    /// Visit id → dosed participants whose window of it had closed by their last contact.
    closed: BTreeMap<String, usize>,
    /// Per landmark visit of the configuration: the renal composite, MACE and death.
    landmarks: Vec<[Tally; 3]>,
    /// The renal composite, MACE and death: (days, event) of each participant followed.
    times: [(Vec<f64>, Vec<bool>); 3],
    /// Any treatment-emergent, serious, related, grade ≥ 3 adverse event.
    adverse: [usize; 4],
    malignancy: Tally,
    terms: BTreeMap<String, usize>,
    slopes: Vec<Option<f64>>,
}

/// The outcomes of the landmark and time-to-event summaries, in their order.
const OUTCOMES: [&str; 3] = ["renal_composite", "mace", "death"];

impl<'a> CohortSummaries<'a> {
    /// Empty summaries.
    ///
    /// # Errors
    /// [`EndpointError`] when the configuration is refused ([`EndpointConfig::check`]).
    pub fn new(plan: &'a ScheduleConfig, config: &'a EndpointConfig) -> Result<CohortSummaries<'a>, EndpointError> {
        config.check()?;
        Ok(CohortSummaries {
            plan,
            config,
            participants: 0,
            dosed: 0,
            unusable: 0,
            women: 0,
            ages: Vec::new(),
            visits: BTreeMap::new(),
            closed: BTreeMap::new(),
            landmarks: vec![[Tally::default(); 3]; config.landmarks.len()],
            times: Default::default(),
            adverse: [0; 4],
            malignancy: Tally::default(),
            terms: BTreeMap::new(),
            slopes: Vec::new(),
        })
    }

    /// Adds one participant. Only dosed participants (the analysis set) enter the summaries;
    /// every participant counts in the totals and their unusable values are counted.
    pub fn add(&mut self, p: &ParticipantEndpoints) {
        self.participants += 1;
        self.unusable += p.unusable.len();
        if !p.dosed {
            return;
        }
        self.dosed += 1;
        self.women += usize::from(p.subject.sex == "F");
        self.ages.push(Some(f64::from(p.age)));
        let mut closed: Vec<&str> = p.visits_closed.iter().map(String::as_str).collect();
        closed.sort_unstable();
        closed.dedup();
        for visit in &closed {
            *self.closed.entry((*visit).to_owned()).or_default() += 1;
        }
        // A participant's analysis value of a parameter at a visit: the first flagged row.
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for r in p.rows.iter().filter(|r| r.anl01fl) {
            let Some(avisit) = r.avisit.as_deref() else { continue };
            if seen.contains(&(r.paramcd.as_str(), avisit)) {
                continue;
            }
            seen.push((r.paramcd.as_str(), avisit));
            let order = self.plan.visits.iter().position(|v| v.id == avisit).unwrap_or(usize::MAX);
            let values = self.visits.entry((r.paramcd.clone(), order, avisit.to_owned())).or_insert_with(|| {
                ParameterVisitValues {
                    param: r.param.clone(),
                    aval: Vec::new(),
                    chg: Vec::new(),
                    pchg: Vec::new(),
                    logs: Vec::new(),
                    closed: 0,
                }
            });
            values.aval.push(Some(r.aval));
            values.chg.push(r.chg);
            values.pchg.push(r.pchg);
            if let Some(ratio) = r.r2base.filter(|x| *x > 0.0) {
                values.logs.push(ratio.ln());
            }
            values.closed += usize::from(closed.binary_search(&avisit).is_ok());
        }
        for (visit, tallies) in self.config.landmarks.iter().zip(&mut self.landmarks) {
            let landmark = p.landmarks.iter().find(|l| &l.visit == visit);
            tallies[0].add(landmark.and_then(|l| l.renal_composite));
            tallies[1].add(landmark.and_then(|l| l.mace));
            tallies[2].add(landmark.and_then(|l| l.death));
        }
        for (event, (days, events)) in [&p.renal_composite, &p.mace, &p.death].into_iter().zip(&mut self.times) {
            if let Some(e) = event {
                days.push(e.days as f64);
                events.push(e.event);
            }
        }
        let ae = &p.adverse_events;
        for (count, any) in
            self.adverse.iter_mut().zip([ae.treatment_emergent, ae.serious, ae.related, ae.grade_3_or_above])
        {
            *count += usize::from(any > 0);
        }
        self.malignancy.add(p.malignancy_within_window);
        for term in &ae.terms {
            *self.terms.entry(term.clone()).or_default() += 1;
        }
        self.slopes.push(p.egfr_slope.map(|s| s.per_year));
    }

    /// The report.
    ///
    /// # Errors
    /// [`EndpointError`] from the statistics (a value that is not finite).
    pub fn finish(self) -> Result<CohortReport, EndpointError> {
        let config = self.config;
        let (level, method) = (config.level, config.quantile_method);
        let mut visits = Vec::with_capacity(self.visits.len());
        for ((paramcd, _, avisit), mut values) in self.visits {
            let baseline = avisit == "baseline";
            // Without an analysis value: missing once the visit's window has closed (baseline
            // always), else not due (left out).
            let without = self.dosed - values.aval.len();
            let missing = if baseline {
                without
            } else {
                self.closed.get(&avisit).copied().unwrap_or(0).saturating_sub(values.closed).min(without)
            };
            for column in [&mut values.aval, &mut values.chg, &mut values.pchg] {
                column.extend(std::iter::repeat_n(None, missing));
            }
            let geometric_ratio = if !baseline
                && paramcd == "UACR"
                && config.uacr_summary == super::config::UacrSummary::GeometricRatio
            {
                geometric(&values.logs, level)?
            } else {
                None
            };
            visits.push(ParameterVisitSummary {
                aval: summarise(&values.aval, level, method)?,
                chg: if baseline { None } else { Some(summarise(&values.chg, level, method)?) },
                pchg: if baseline { None } else { Some(summarise(&values.pchg, level, method)?) },
                geometric_ratio,
                paramcd,
                param: values.param,
                avisit,
                not_due: without - missing,
            });
        }
        let mut landmarks = Vec::with_capacity(3 * config.landmarks.len());
        for (visit, tallies) in config.landmarks.iter().zip(&self.landmarks) {
            for (outcome, tally) in OUTCOMES.iter().zip(tallies) {
                landmarks.push(LandmarkRow {
                    visit: visit.clone(),
                    outcome: (*outcome).to_owned(),
                    proportion: tally.proportion(level)?,
                });
            }
        }
        let mut time_to_event = Vec::with_capacity(3);
        for (outcome, (days, events)) in OUTCOMES.iter().zip(&self.times) {
            time_to_event.push(TimeToEvent {
                outcome: (*outcome).to_owned(),
                km: kaplan_meier(days, events, level, config.km_interval)?,
            });
        }
        let mut safety = Vec::new();
        for (what, count) in ["any_teae", "serious", "related", "grade_3_or_above"].iter().zip(self.adverse) {
            safety.push(SafetyRow { what: (*what).to_owned(), proportion: wilson(count, self.dosed, 0, level)? });
        }
        safety.push(SafetyRow { what: "malignancy".to_owned(), proportion: self.malignancy.proportion(level)? });
        for (term, count) in self.terms {
            safety.push(SafetyRow { what: format!("term:{term}"), proportion: wilson(count, self.dosed, 0, level)? });
        }
        Ok(CohortReport {
            participants: self.participants,
            dosed: self.dosed,
            women: self.women,
            age: summarise(&self.ages, level, method)?,
            visits,
            landmarks,
            time_to_event,
            safety,
            egfr_slope: summarise(&self.slopes, level, method)?,
            unusable: self.unusable,
        })
    }
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
