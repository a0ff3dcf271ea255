//! Seeded synthetic participant timelines for the main job's endpoint report and the tests:
//! the bundled follow-up's participants ([`super::follow_up`]) given what was measured at each
//! assessment they attended. Nothing real is behind it; the numbers are chosen to look like a
//! DKD cohort, not to predict anything:
//!
//! - serum creatinine at baseline lognormal around 1.9 mg/dL (σ 0.3), then drifting by a
//!   participant's own rate (normal, mean +4 %/year, SD 12 %/year) with 6 % visit-to-visit noise;
//! - 24-hour urine protein lognormal around 4.5 g (σ 0.35, the inclusion needs ≥ 3.5 g), UACR
//!   around 1,900 mg/g (σ 0.45), each changing by the participant's rate (mean −15 %/year, SD
//!   25 %/year) with 15 % noise;
//! - HbA1c around 7.4 % (SD 0.7), fasting glucose around 8 mmol/L (SD 1.4), with small drifts;
//! - the DQOL total around the middle of its range (SD 12 %);
//! - adverse events: each participant has 0–3 (mean about 1), starting within 300 days of day 1,
//!   serious one time in 10, related one time in 4, grade 1–3 (grade 3 one time in 8);
//! - one participant in 40 has a cardiovascular event, one in 60 dies (half of them of
//!   cardiovascular causes), one in 50 reaches ESRD;
//! - follow-up ends on the bundled follow-up's date, or at a death.

use chrono::{Days, NaiveDate};

use super::follow_up;
use super::synthetic::Rng;
use crate::demographics::Sex;
use crate::endpoints::{
    AdverseEvent, AeOutcome, CardiovascularEvent, CardiovascularEventKind, Death, DeathCause, InfusionDate,
    LabObservation, ParticipantTimeline, QuestionnaireScore, SCHEMA_VERSION,
};
use crate::instrument::{score, Instrument, ScoreRules};
use crate::lab::AnalyteKind;
use crate::schedule::{Activity, Assessment, ScheduleConfig, ScheduleError};

/// A uniform integer in `lo..=hi`, or `hi` when the range is empty (a short follow-up).
fn between(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        hi
    } else {
        rng.int(lo, hi)
    }
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// The timelines of `count` participants of seed `seed`, recorded up to `as_of` under `plan`
/// (the same participants, visits and dates as [`follow_up::participants`] with that seed).
///
/// # Errors
/// As [`follow_up::participants`].
///
/// # Examples
/// ```
/// use amimestrocel_dkd::endpoints::{derive, EndpointConfig};
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// use amimestrocel_dkd::tools::{follow_up::bundled_as_of, timelines::timelines};
/// let plan = ScheduleConfig::bundled()?;
/// let cohort = timelines(1, 5, bundled_as_of(), &plan)?;
/// for t in cohort {
///     derive(&t.check()?, &plan, &EndpointConfig::default())?;
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn timelines(
    seed: u64,
    count: usize,
    as_of: NaiveDate,
    plan: &ScheduleConfig,
) -> Result<Vec<ParticipantTimeline>, ScheduleError> {
    let schedules = follow_up::participants(seed, count, as_of, plan)?;
    // Another stream than the schedule's, so that the measurements do not change the visits.
    let mut rng = Rng::new(seed ^ 0x9E37_79B9_7F4A_7C15);
    let dqol_range = Instrument::dqol()
        .ok()
        .and_then(|i| score(&i, &Default::default(), &ScoreRules::of(&i)).ok())
        .map(|s| (s.total_min, s.total_max));
    let mut out = Vec::with_capacity(schedules.len());
    for schedule in schedules {
        let Some(day_one) = schedule.first_infusion else { continue };
        let years = |date: NaiveDate| (date - day_one).num_days() as f64 / 365.25;
        let sex = if rng.chance(0.62) { Sex::Male } else { Sex::Female };
        let age = rng.int(45, 78);
        let birth =
            day_one.checked_sub_days(Days::new((age * 365 + rng.int(0, 364)).unsigned_abs())).unwrap_or(day_one);
        let creatinine0 = rng.lognormal(1.9, 0.3).clamp(0.8, 4.5);
        let creatinine_rate = 0.04 + 0.12 * rng.normal();
        let protein0 = rng.lognormal(4.5, 0.35).clamp(3.5, 20.0);
        let uacr0 = rng.lognormal(1900.0, 0.45).clamp(300.0, 20_000.0);
        let kidney_rate = -0.15 + 0.25 * rng.normal();
        let hba1c0 = (7.4 + 0.7 * rng.normal()).clamp(5.5, 8.9);
        let glucose0 = (8.0 + 1.4 * rng.normal()).clamp(4.0, 16.0);
        let dqol0 = dqol_range.map(|(lo, hi)| lo + (hi - lo) * (0.5 + 0.12 * rng.normal()).clamp(0.05, 0.95));

        // Events first: a death ends the follow-up, and nothing may be dated after it.
        let follow_days = (as_of - day_one).num_days().max(1);
        let death = rng.chance(1.0 / 60.0).then(|| {
            let date = day_one + Days::new(between(&mut rng, 30, follow_days).unsigned_abs());
            let cause = if rng.chance(0.5) { DeathCause::Cardiovascular } else { DeathCause::Other };
            Death { date, cause }
        });
        let last_contact = death.as_ref().map_or(as_of, |d| d.date);
        let within = |date: NaiveDate| date <= last_contact;

        let mut labs = Vec::new();
        let mut questionnaires = Vec::new();
        let mut infusions = Vec::new();
        for o in schedule.observations.iter().filter(|o| within(o.date)) {
            let t = years(o.date).max(0.0);
            let noise = |rng: &mut Rng, sd: f64| (1.0 + sd * rng.normal()).max(0.3);
            let mut lab = |analyte, value: f64, unit: &str| {
                labs.push(LabObservation { date: o.date, analyte, value, unit: unit.into() });
            };
            match o.activity {
                Activity::Infusion => infusions.push(InfusionDate { date: o.date }),
                Activity::Attended => {}
                Activity::Assessment(Assessment::Egfr) => {
                    let v = creatinine0 * (1.0 + creatinine_rate).powf(t) * noise(&mut rng, 0.06);
                    lab(AnalyteKind::SerumCreatinine, round(v.clamp(0.4, 12.0), 2), "mg/dL");
                }
                Activity::Assessment(Assessment::UrineProtein24h) => {
                    let v = protein0 * (1.0 + kidney_rate).max(0.2).powf(t) * noise(&mut rng, 0.15);
                    lab(AnalyteKind::UrineProtein24h, round(v.clamp(0.05, 40.0), 2), "g/24h");
                }
                Activity::Assessment(Assessment::Uacr) => {
                    let v = uacr0 * (1.0 + kidney_rate).max(0.2).powf(t) * noise(&mut rng, 0.15);
                    lab(AnalyteKind::Uacr, round(v.clamp(10.0, 50_000.0), 0), "mg/g");
                }
                Activity::Assessment(Assessment::Hba1c) => {
                    let v = hba1c0 - 0.1 * t + 0.3 * rng.normal();
                    lab(AnalyteKind::Hba1c, round(v.clamp(4.5, 14.0), 1), "%");
                }
                Activity::Assessment(Assessment::FastingGlucose) => {
                    let v = glucose0 * noise(&mut rng, 0.12);
                    lab(AnalyteKind::FastingGlucose, round(v.clamp(3.0, 25.0), 1), "mmol/L");
                }
                Activity::Assessment(Assessment::Dqol) => {
                    if let (Some(v0), Some((lo, hi))) = (dqol0, dqol_range) {
                        let v = (v0 + (hi - lo) * 0.04 * rng.normal()).clamp(lo, hi).round();
                        questionnaires.push(QuestionnaireScore {
                            date: o.date,
                            instrument: "dqol".into(),
                            score: "total".into(),
                            value: v,
                        });
                    }
                }
                Activity::Assessment(_) => {}
            }
        }

        let mut adverse_events = Vec::new();
        for _ in 0..rng.int(0, 3) {
            let start = day_one + Days::new(rng.int(0, 300).unsigned_abs());
            if !within(start) {
                continue;
            }
            let grade = if rng.chance(0.125) { 3 } else { rng.int(1, 2) as u8 };
            let terms =
                ["Fever", "Headache", "Fatigue", "Nausea", "Upper respiratory infection", "Infusion reaction", "Rash"];
            let term = terms[rng.int(0, terms.len() as i64 - 1).unsigned_abs() as usize];
            let end = start + Days::new(rng.int(1, 14).unsigned_abs());
            adverse_events.push(AdverseEvent {
                term: term.to_owned(),
                start,
                end: within(end).then_some(end),
                serious: rng.chance(0.1),
                grade,
                related: rng.chance(0.25),
                outcome: if within(end) { AeOutcome::Recovered } else { AeOutcome::Recovering },
            });
        }
        let mut cardiovascular_events = Vec::new();
        if rng.chance(1.0 / 40.0) {
            let date = day_one + Days::new(between(&mut rng, 20, follow_days).unsigned_abs());
            let kinds = [
                CardiovascularEventKind::MyocardialInfarction,
                CardiovascularEventKind::Stroke,
                CardiovascularEventKind::HeartFailureHospitalisation,
            ];
            if within(date) {
                cardiovascular_events
                    .push(CardiovascularEvent { date, kind: kinds[rng.int(0, 2).unsigned_abs() as usize] });
            }
        }
        let esrd = if rng.chance(1.0 / 50.0) {
            Some(day_one + Days::new(between(&mut rng, 60, follow_days).unsigned_abs())).filter(|d| within(*d))
        } else {
            None
        };
        out.push(ParticipantTimeline {
            schema_version: SCHEMA_VERSION,
            id: schedule.id,
            sex,
            birth_date: birth,
            first_infusion: Some(day_one),
            infusions,
            labs,
            vital_signs: Vec::new(),
            questionnaires,
            biomarkers: Vec::new(),
            lymphocyte_subsets: Vec::new(),
            octa: Vec::new(),
            emg: Vec::new(),
            adverse_events,
            death,
            esrd,
            renal_replacement: Vec::new(),
            cardiovascular_events,
            malignancies: Vec::new(),
            withdrawal: None,
            last_contact,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::{derive, EndpointConfig};

    #[test]
    fn every_synthetic_timeline_is_accepted_and_derives() {
        let plan = ScheduleConfig::bundled().unwrap();
        let cohort = timelines(7, 200, follow_up::bundled_as_of(), &plan).unwrap();
        assert_eq!(cohort.len(), 200);
        for t in cohort {
            let id = t.id.clone();
            let checked = t.check().unwrap_or_else(|e| panic!("{id}: {e}"));
            let p = derive(&checked, &plan, &EndpointConfig::default()).unwrap();
            assert!(p.dosed && p.unusable.is_empty(), "{id}: {:?}", p.unusable);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_timelines() {
        let plan = ScheduleConfig::bundled().unwrap();
        let a = timelines(3, 20, follow_up::bundled_as_of(), &plan).unwrap();
        let b = timelines(3, 20, follow_up::bundled_as_of(), &plan).unwrap();
        assert_eq!(a, b);
    }
}
