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
//! - the DQOL total around the middle of its range (SD 12 %); the TCM syndrome total at a third of
//!   its range, easing by the participant's rate (mean −20 %/year);
//! - IL-6, TNF-α and IL-10 (pg/mL, lognormal around 6, 9 and 4), CD4+ T, CD8+ T, B and NK cells
//!   (counts around 700, 450, 200 and 250 per µL, with their share of lymphocytes), macular vessel
//!   density of each eye (about 44 %), median motor conduction velocity (about 44 m/s) and
//!   peroneal motor amplitude (about 3.5 mV), each with visit-to-visit noise;
//! - adverse events: each participant has 0–3 (mean about 1), starting within 300 days of day 1,
//!   serious one time in 10, related one time in 4, grade 1–3 (grade 3 one time in 8);
//! - one participant in 40 has a cardiovascular event, one in 60 dies (half of them of
//!   cardiovascular causes), one in 50 reaches ESRD, one in 80 starts dialysis;
//! - a participant whose visits stop (two or more closed visits after the last attended; the
//!   follow-up's withdrawals) is recorded as withdrawn 14 days after the last visit;
//! - follow-up ends on the bundled follow-up's date, at a withdrawal, or at a death.

use chrono::{Days, NaiveDate};

use super::follow_up;
use super::synthetic::Rng;
use crate::demographics::Sex;
use crate::endpoints::{
    AdverseEvent, AeOutcome, CardiovascularEvent, CardiovascularEventKind, Death, DeathCause, Eye, InfusionDate,
    LabObservation, LymphocyteSubset, NamedValue, OctaResult, ParticipantTimeline, QuestionnaireScore,
    RenalReplacement, RenalReplacementKind, SCHEMA_VERSION,
};
use crate::instrument::{score, Instrument, ScoreRules};
use crate::lab::AnalyteKind;
use crate::schedule::{Activity, Assessment, Calendar, ParticipantSchedule, ScheduleConfig, ScheduleError};

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
    stream(seed, as_of, plan).take(count).collect()
}

/// The timelines of [`timelines`], one at a time and without end (`take` the count): the same
/// timelines in the same order, in memory flat in their number (`dkd-report generate
/// timelines` writes them so).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// use amimestrocel_dkd::tools::{follow_up::bundled_as_of, timelines::{stream, timelines}};
/// let plan = ScheduleConfig::bundled()?;
/// let first = stream(1, bundled_as_of(), &plan).next().unwrap()?;
/// assert_eq!(first, timelines(1, 1, bundled_as_of(), &plan)?[0]);
/// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
/// ```
pub fn stream(
    seed: u64,
    as_of: NaiveDate,
    plan: &ScheduleConfig,
) -> impl Iterator<Item = Result<ParticipantTimeline, ScheduleError>> + '_ {
    // Another stream than the schedule's, so that the measurements do not change the visits.
    let mut rng = Rng::new(seed ^ 0x9E37_79B9_7F4A_7C15);
    let total_range = |instrument: Result<Instrument, _>| {
        instrument
            .ok()
            .and_then(|i| score(&i, &Default::default(), &ScoreRules::of(&i)).ok())
            .map(|s| (s.total_min, s.total_max))
    };
    let dqol_range = total_range(Instrument::dqol());
    let tcm_range = total_range(Instrument::tcm_dkd());
    follow_up::schedules(seed, as_of, plan).map(move |schedule| {
        let schedule = schedule?;
        // The follow-up gives every participant a first infusion.
        let day_one = schedule.first_infusion.unwrap_or(as_of);
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
        // TCM symptoms: a third of the range at baseline, easing by the participant's rate.
        let tcm0 = tcm_range.map(|(lo, hi)| lo + (hi - lo) * (0.33 + 0.1 * rng.normal()).clamp(0.05, 0.9));
        let tcm_rate = -0.2 + 0.2 * rng.normal();
        // Inflammation (pg/mL), lymphocytes (cells/µL), macular vessel density (%), nerve conduction.
        let il6 = rng.lognormal(6.0, 0.5);
        let tnf = rng.lognormal(9.0, 0.4);
        let il10 = rng.lognormal(4.0, 0.5);
        let (cd4, cd8, b, nk) = (
            rng.lognormal(700.0, 0.3),
            rng.lognormal(450.0, 0.3),
            rng.lognormal(200.0, 0.4),
            rng.lognormal(250.0, 0.4),
        );
        let vessel = (44.0 + 3.0 * rng.normal()).clamp(30.0, 55.0);
        let (ncv, amplitude) =
            ((44.0 + 4.0 * rng.normal()).clamp(25.0, 60.0), (3.5 + 1.0 * rng.normal()).clamp(0.5, 8.0));

        // Events first: a death ends the follow-up, and nothing may be dated after it.
        let follow_days = (as_of - day_one).num_days().max(1);
        let death = rng.chance(1.0 / 60.0).then(|| {
            let date = day_one + Days::new(between(&mut rng, 30, follow_days).unsigned_abs());
            let cause = if rng.chance(0.5) { DeathCause::Cardiovascular } else { DeathCause::Other };
            Death { date, cause }
        });
        // A participant whose visits stop (two or more visits whose window closed after the last
        // one attended) withdrew: recorded 14 days after that visit, the last contact.
        let last_seen = schedule.observations.iter().map(|o| o.date).max().unwrap_or(day_one);
        let calendar = Calendar::build(plan, day_one, false)?;
        let closed_after =
            calendar.visits.iter().filter(|v| v.window_first > last_seen && v.window_last < as_of).count();
        let withdrawal = (closed_after >= 2)
            .then(|| last_seen + Days::new(14))
            .filter(|w| *w <= as_of && death.as_ref().is_none_or(|d| *w < d.date));
        // A death after a withdrawal is not known to the trial: the participant is no longer
        // followed (and a timeline refuses a death after the last contact).
        let death = death.filter(|_| withdrawal.is_none());
        let last_contact = withdrawal.or(death.as_ref().map(|d| d.date)).unwrap_or(as_of);
        let within = |date: NaiveDate| date <= last_contact;

        let mut labs = Vec::new();
        let mut questionnaires = Vec::new();
        let mut infusions = Vec::new();
        let (mut biomarkers, mut lymphocyte_subsets, mut octa, mut emg) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
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
                Activity::Assessment(Assessment::TcmScale) => {
                    if let (Some(v0), Some((lo, hi))) = (tcm0, tcm_range) {
                        let v =
                            (v0 * (1.0 + tcm_rate).max(0.3).powf(t) + (hi - lo) * 0.03 * rng.normal()).clamp(lo, hi);
                        questionnaires.push(QuestionnaireScore {
                            date: o.date,
                            instrument: "tcm-dkd".into(),
                            score: "total".into(),
                            value: v.round(),
                        });
                    }
                }
                Activity::Assessment(Assessment::InflammationBiomarkers) => {
                    for (name, level) in [("IL-6", il6), ("TNF-α", tnf), ("IL-10", il10)] {
                        biomarkers.push(NamedValue {
                            date: o.date,
                            name: name.into(),
                            paramcd: None,
                            value: round(level * noise(&mut rng, 0.25), 2),
                            unit: "pg/mL".into(),
                        });
                    }
                }
                Activity::Assessment(Assessment::LymphocyteSubsets) => {
                    let counts = [("CD4+ T", cd4), ("CD8+ T", cd8), ("B", b), ("NK", nk)]
                        .map(|(n, c)| (n, c * noise(&mut rng, 0.15)));
                    let lymphocytes: f64 = counts.iter().map(|(_, c)| c).sum::<f64>() * 1.15;
                    for (subset, count) in counts {
                        lymphocyte_subsets.push(LymphocyteSubset {
                            date: o.date,
                            subset: subset.into(),
                            // "B" alone would make the codes BC and BP.
                            paramcd: (subset == "B").then(|| "BCELL".to_owned()),
                            count: Some(round(count, 0)),
                            proportion: Some(round(100.0 * count / lymphocytes, 1)),
                        });
                    }
                }
                Activity::Assessment(Assessment::Octa) => {
                    for eye in [Eye::Right, Eye::Left] {
                        let v = (vessel + 1.0 * rng.normal()).clamp(0.0, 100.0);
                        octa.push(OctaResult { date: o.date, eye, vessel_density: round(v, 1) });
                    }
                }
                Activity::Assessment(Assessment::Emg) => {
                    for (name, code, value, unit) in [
                        ("Median motor NCV", "MEDNCV", ncv, "m/s"),
                        ("Peroneal motor amplitude", "PERAMP", amplitude, "mV"),
                    ] {
                        emg.push(NamedValue {
                            date: o.date,
                            name: name.into(),
                            paramcd: Some(code.into()),
                            value: round(value * noise(&mut rng, 0.05), 1),
                            unit: unit.into(),
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
        let renal_replacement = if rng.chance(1.0 / 80.0) {
            let start = day_one + Days::new(between(&mut rng, 90, follow_days).unsigned_abs());
            within(start)
                .then_some(RenalReplacement { start, kind: RenalReplacementKind::Dialysis })
                .into_iter()
                .collect()
        } else {
            Vec::new()
        };
        let esrd = if rng.chance(1.0 / 50.0) {
            Some(day_one + Days::new(between(&mut rng, 60, follow_days).unsigned_abs())).filter(|d| within(*d))
        } else {
            None
        };
        Ok(ParticipantTimeline {
            schema_version: SCHEMA_VERSION,
            id: schedule.id,
            sex,
            birth_date: birth,
            first_infusion: Some(day_one),
            infusions,
            labs,
            vital_signs: Vec::new(),
            questionnaires,
            biomarkers,
            lymphocyte_subsets,
            octa,
            emg,
            adverse_events,
            death,
            esrd,
            renal_replacement,
            cardiovascular_events,
            malignancies: Vec::new(),
            withdrawal,
            last_contact,
        })
    })
}

/// The schedule of `timeline`'s participant as the site recorded it: who left the study and when
/// (a withdrawal, or a death), and nothing after the last contact (the visits the follow-up drew
/// beyond it did not happen; the timeline drops them too).
pub fn record_departure(schedule: &mut ParticipantSchedule, timeline: &ParticipantTimeline) {
    schedule.left_study = timeline.withdrawal.or(timeline.death.as_ref().map(|d| d.date));
    schedule.observations.retain(|o| o.date <= timeline.last_contact);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::{derive, EndpointConfig};
    use crate::schedule::VisitState;

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
    fn a_large_synthetic_cohort_is_accepted_whole_even_a_death_after_a_withdrawal() {
        // The bundled seed's participant 763 withdrew and then died: a death the trial does not
        // learn of, since a timeline refuses a death after the last contact.
        let plan = ScheduleConfig::bundled().unwrap();
        let cohort = timelines(follow_up::BUNDLED_SEED, 1_000, follow_up::bundled_as_of(), &plan).unwrap();
        assert_eq!(cohort.len(), 1_000);
        for t in cohort {
            let id = t.id.clone();
            t.check().unwrap_or_else(|e| panic!("{id}: {e}"));
        }
    }

    #[test]
    fn a_participant_who_died_attended_no_visit_after_the_death() {
        let plan = ScheduleConfig::bundled().unwrap();
        let as_of = follow_up::bundled_as_of();
        let mut schedules = follow_up::participants(follow_up::BUNDLED_SEED, 1_000, as_of, &plan).unwrap();
        let cohort = timelines(follow_up::BUNDLED_SEED, 1_000, as_of, &plan).unwrap();
        let mut deaths = 0;
        for (schedule, timeline) in schedules.iter_mut().zip(&cohort) {
            let drawn_after = schedule.observations.iter().filter(|o| o.date > timeline.last_contact).count();
            record_departure(schedule, timeline);
            let Some(death) = &timeline.death else { continue };
            deaths += 1;
            assert_eq!(schedule.left_study, Some(death.date));
            assert!(schedule.observations.iter().all(|o| o.date <= death.date), "{}", timeline.id);
            let status = schedule.status(&plan, as_of).unwrap();
            let done_after = status
                .visits
                .iter()
                .filter(|v| v.target > death.date && matches!(v.state, VisitState::Done | VisitState::DoneOutOfWindow))
                .count();
            assert_eq!(done_after, 0, "{}: {drawn_after} observations were drawn after the death", timeline.id);
        }
        assert!(deaths >= 5, "the seed gives deaths to check ({deaths})");
    }

    #[test]
    fn the_same_seed_gives_the_same_timelines() {
        let plan = ScheduleConfig::bundled().unwrap();
        let a = timelines(3, 20, follow_up::bundled_as_of(), &plan).unwrap();
        let b = timelines(3, 20, follow_up::bundled_as_of(), &plan).unwrap();
        assert_eq!(a, b);
    }
}
