//! The criteria that read the medical history and the candidate's declarations: age, the kidney
//! biopsy, the conditions behind seven exclusions (each a list of condition kinds and a rule for
//! when one counts), pregnancy and childbearing plans, and other trials.

use smallvec::SmallVec;

use super::{answer, flag, met_if, unknown};
use crate::demographics::Sex;
use crate::eligibility::config::{ProtocolConfig, StaleBiopsy};
use crate::eligibility::record::{BiopsyFinding, CheckedRecord, Condition, ConditionKind};
use crate::eligibility::CriterionResult;
use crate::evaluation::text::{reason, Arg};
use crate::evaluation::{Evidence, EvidenceList, Field, Outcome, Quantity, QuantityUnit};
use crate::series::latest_in;
use crate::study_time::Window;
use ConditionKind as Kind;

use super::labs::lab_evidence;

/// Age in completed years on the screening date, within the configured range (both included).
pub(super) fn inc_age(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let y = r.age.years();
    let ok = y >= c.age_min_years && y <= c.age_max_years;
    out.evidence.push(Evidence {
        field: Field::named("date_of_birth"),
        date: Some(r.record.date_of_birth),
        entered: None,
        converted: Some(Quantity { value: f64::from(y), unit: QuantityUnit::Years }),
    });
    answer(
        out,
        met_if(ok),
        reason!(
            "Age {} on the screening date is {} {}–{} years.",
            y,
            if ok { "within" } else { "outside" },
            c.age_min_years,
            c.age_max_years
        ),
    )
}

fn biopsy_evidence(date: chrono::NaiveDate) -> Evidence {
    Evidence { field: Field::named("kidney_biopsy"), date: Some(date), entered: None, converted: None }
}

/// Diabetic kidney disease on a kidney biopsy within the configured years; a biopsy older than
/// that is read as `biopsy_beyond_lookback` says (docs/interpretation.md).
pub(super) fn inc_dkd_biopsy(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let window = Window::years_back(r.record.screening_date, c.biopsy_lookback_years);
    let Some(b) = &r.record.kidney_biopsy else {
        return unknown(out, reason!("No kidney biopsy is recorded."));
    };
    out.evidence.push(biopsy_evidence(b.date));
    if !window.contains(b.date) {
        let outcome = match c.biopsy_beyond_lookback {
            StaleBiopsy::NotMet => Outcome::NotMet,
            StaleBiopsy::Unknown => Outcome::Unknown,
        };
        return answer(
            out,
            outcome,
            reason!(
                "The kidney biopsy ({}) is older than {} years: the diagnosis is not within the past {} years.",
                b.date,
                c.biopsy_lookback_years,
                c.biopsy_lookback_years
            ),
        );
    }
    let ok = b.finding == BiopsyFinding::DiabeticKidneyDisease;
    answer(
        out,
        met_if(ok),
        reason!(
            "Kidney biopsy of {} shows {}.",
            b.date,
            if ok { "diabetic kidney disease" } else { "a non-diabetic kidney disease" }
        ),
    )
}

/// A kidney disease not caused by diabetes: shown by the biopsy, or declared.
pub(super) fn exc_non_diabetic_kidney_disease(r: &CheckedRecord<'_>, out: &mut CriterionResult) {
    match &r.record.kidney_biopsy {
        Some(b) if b.finding == BiopsyFinding::NonDiabetic => {
            out.evidence.push(biopsy_evidence(b.date));
            answer(out, Outcome::Met, reason!("The kidney biopsy shows a kidney disease not caused by diabetes."));
        }
        _ => flag(
            out,
            r.record.non_diabetic_kidney_disease,
            "non_diabetic_kidney_disease",
            "A kidney disease not caused by diabetes is recorded.",
            "No kidney disease other than diabetic is recorded.",
            "Whether a non-diabetic kidney disease is present is not recorded.",
        ),
    }
}

/// The conditions each criterion of the medical history reads; `CriterionId::condition_kinds`
/// lists them for readers that must know which absences a criterion relies on (OMOP).
pub(super) const SEVERE_CARDIOVASCULAR: &[ConditionKind] = &[
    Kind::CongenitalHeartDisease,
    Kind::AtrialFibrillation,
    Kind::HeartFailure,
    Kind::UnstableAngina,
    Kind::MyocardialInfarction,
    Kind::AcuteCoronarySyndrome,
    Kind::SevereValvularDisease,
];
/// Cerebral haemorrhage or infarction, lacunar or not.
pub(super) const STROKE: &[ConditionKind] =
    &[Kind::CerebralHaemorrhage, Kind::CerebralInfarction, Kind::LacunarInfarction];
/// Hyperkalaemia.
pub(super) const HYPERKALAEMIA: &[ConditionKind] = &[Kind::Hyperkalaemia];
/// Active tuberculosis, HIV, severe immunodeficiency.
pub(super) const TUBERCULOSIS_HIV_IMMUNODEFICIENCY: &[ConditionKind] =
    &[Kind::ActiveTuberculosis, Kind::Hiv, Kind::SevereImmunodeficiency];
/// Malignancy.
pub(super) const MALIGNANCY: &[ConditionKind] = &[Kind::Malignancy];
/// The two allergies.
pub(super) const ALLERGY: &[ConditionKind] = &[Kind::BloodProductAllergy, Kind::HeterologousProteinAllergy];
/// Active infection.
pub(super) const ACTIVE_INFECTION: &[ConditionKind] = &[Kind::ActiveInfection];

fn condition_evidence(i: usize, c: &Condition) -> Evidence {
    Evidence { field: Field::item("conditions", i), date: c.onset, entered: None, converted: None }
}

/// What an exclusion by conditions is about, for its reasons.
#[derive(Clone, Copy)]
enum What {
    Fixed(&'static str),
    WithNumber(&'static str, u32),
}

impl From<What> for Arg {
    fn from(w: What) -> Self {
        match w {
            What::Fixed(s) => Arg::Text(s),
            What::WithNumber(s, n) => Arg::Phrase(s, n),
        }
    }
}

/// An exclusion met by a recorded condition of one of `kinds` for which `counts` answers
/// `Some(true)` (counts), `Some(false)` (does not) or `None` (cannot tell: a date or detail is
/// missing); unknown if the history has not been taken.
fn exc_by_conditions(
    out: &mut CriterionResult,
    r: &CheckedRecord<'_>,
    kinds: &[ConditionKind],
    what: What,
    counts: impl Fn(&Condition) -> Option<bool>,
) {
    let Some(list) = r.record.conditions.as_ref() else {
        return unknown(out, reason!("The medical history has not been taken."));
    };
    // The evidence is what counts; failing that, what cannot be told.
    let (met, mut unsure) = (&mut out.evidence, EvidenceList::new());
    let (mut first_met, mut first_unsure) = (None, None);
    for (i, c) in list.iter().enumerate().filter(|(_, c)| kinds.contains(&c.condition)) {
        match counts(c) {
            Some(true) => {
                first_met.get_or_insert(c.condition);
                met.push(condition_evidence(i, c));
            }
            Some(false) => {}
            None => {
                first_unsure.get_or_insert(c.condition);
                unsure.push(condition_evidence(i, c));
            }
        }
    }
    if let Some(kind) = first_met {
        return answer(out, Outcome::Met, reason!("Recorded {} counts as {}.", kind, what));
    }
    if let Some(kind) = first_unsure {
        out.evidence.extend_from_slice(&unsure);
        return unknown(
            out,
            reason!("Recorded {} lacks a date or detail needed to tell whether it counts as {}.", kind, what),
        );
    }
    answer(out, Outcome::NotMet, reason!("No {} in the medical history.", what));
}

/// Active on `date`: begun (or undated) and not resolved before it.
fn active_on(c: &Condition, date: chrono::NaiveDate) -> bool {
    c.resolved.is_none_or(|res| res >= date)
}

/// Present on some date of `window`, which ends on the screening date (checking the record
/// made sure onsets are not after screening). Without an onset: not present if it resolved
/// before the window opened (it began before it ended), else `None` (cannot tell).
fn present_within(c: &Condition, window: Window) -> Option<bool> {
    match (c.onset, c.resolved) {
        (Some(onset), resolved) => Some(window.reached_by(onset, resolved)),
        (None, Some(resolved)) if resolved < window.first => Some(false),
        (None, _) => None,
    }
}

/// Whether an event (an infarction, a stroke) began within `window`. Without an onset: not
/// within if it resolved before the window opened, else `None` (cannot tell).
fn onset_within(c: &Condition, window: Window) -> Option<bool> {
    match (c.onset, c.resolved) {
        (Some(onset), _) => Some(window.contains(onset)),
        (None, Some(resolved)) if resolved < window.first => Some(false),
        (None, _) => None,
    }
}

/// Severe cardiovascular disease: congenital heart disease, atrial fibrillation, unstable
/// angina or severe valvular disease active at screening; heart failure of the configured NYHA
/// class or above; a myocardial infarction, an acute coronary syndrome or an episode of
/// unstable angina begun within the configured months.
pub(super) fn exc_severe_cardiovascular(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    use ConditionKind as K;
    let screening = r.record.screening_date;
    let acs = Window::months_back(screening, c.recent_acs_lookback_months);
    exc_by_conditions(out, r, SEVERE_CARDIOVASCULAR, What::Fixed("severe cardiovascular disease"), |cond| {
        match cond.condition {
            // An infarction or acute coronary syndrome is an event: it counts when its onset
            // falls within the configured months, whatever its `resolved` date says.
            K::MyocardialInfarction | K::AcuteCoronarySyndrome => onset_within(cond, acs),
            // Unstable angina is an acute coronary syndrome: active at screening, or an episode
            // begun within the same months as one (readings-3).
            K::UnstableAngina if !active_on(cond, screening) => onset_within(cond, acs),
            _ if !active_on(cond, screening) => Some(false),
            K::HeartFailure => cond.nyha_class.map(|n| n >= c.nyha_min_class),
            _ => Some(true),
        }
    })
}

/// Cerebral haemorrhage or infarction with onset within the configured months, except a
/// lacunar infarction without residual deficit.
pub(super) fn exc_stroke(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    use ConditionKind as K;
    let window = Window::months_back(r.record.screening_date, c.stroke_lookback_months);
    exc_by_conditions(out, r, STROKE, What::WithNumber("stroke within {} months", c.stroke_lookback_months), |cond| {
        // The protocol's exception, whenever it happened: a lacunar infarction without
        // residual deficit.
        if cond.condition == K::LacunarInfarction && cond.residual_deficit == Some(false) {
            return Some(false);
        }
        if !onset_within(cond, window)? {
            return Some(false);
        }
        match cond.condition {
            K::LacunarInfarction => cond.residual_deficit,
            _ => Some(true),
        }
    })
}

/// Hyperkalaemia active at screening and recorded as not controlled by diet or treatment.
/// The latest potassium within its look-back is cited; above the configured level with no
/// hyperkalaemia recorded, the criterion is unknown rather than not met (whether it can be
/// controlled is not recorded).
pub(super) fn exc_hyperkalaemia(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let screening = r.record.screening_date;
    exc_by_conditions(
        out,
        r,
        HYPERKALAEMIA,
        What::Fixed("hyperkalaemia not controlled by diet or treatment"),
        |cond| {
            if active_on(cond, screening) {
                cond.uncontrolled
            } else {
                Some(false)
            }
        },
    );
    let window = Window::days_back(screening, c.potassium_lookback_days, c.day_window);
    let Some((e, _)) = latest_in(&r.labs.potassium, window) else {
        return;
    };
    let (converted, raised) = c.potassium.compare(&e.value);
    out.evidence.push(lab_evidence("labs.potassium", e, converted, c.potassium.unit()));
    // Only a hyperkalaemia active at screening (recorded as controlled) answers for a raised
    // potassium; one resolved long ago says nothing of it.
    let active = |cond: &Condition| HYPERKALAEMIA.contains(&cond.condition) && active_on(cond, screening);
    let recorded = r.record.conditions.iter().flatten().any(active);
    if out.outcome == Outcome::NotMet && raised && !recorded {
        unknown(
            out,
            reason!(
                "Latest potassium ({}) is {} {}, {}, and no hyperkalaemia is recorded as active: whether it can be controlled is not known.",
                e.date,
                converted,
                c.potassium.unit(),
                c.potassium
            ),
        );
    }
}

/// Active tuberculosis, HIV or severe immunodeficiency, active at screening.
pub(super) fn exc_tuberculosis_hiv_immunodeficiency(r: &CheckedRecord<'_>, out: &mut CriterionResult) {
    let screening = r.record.screening_date;
    exc_by_conditions(
        out,
        r,
        TUBERCULOSIS_HIV_IMMUNODEFICIENCY,
        What::Fixed("active tuberculosis, HIV or severe immunodeficiency"),
        |cond| Some(active_on(cond, screening)),
    )
}

/// A malignancy present at some time within the configured years.
pub(super) fn exc_malignancy(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let window = Window::years_back(r.record.screening_date, c.malignancy_lookback_years);
    exc_by_conditions(
        out,
        r,
        MALIGNANCY,
        What::WithNumber("malignancy within {} years", c.malignancy_lookback_years),
        |cond| present_within(cond, window),
    )
}

/// A recorded severe allergy to blood products or heterologous protein (ever).
pub(super) fn exc_allergy(r: &CheckedRecord<'_>, out: &mut CriterionResult) {
    exc_by_conditions(out, r, ALLERGY, What::Fixed("severe allergy to blood products or heterologous protein"), |_| {
        Some(true)
    })
}

/// Lactation, a pregnancy or egg-donation plan (and, as configured, a current pregnancy) for
/// a woman; a childbearing or sperm-donation plan without contraception for a man.
pub(super) fn exc_pregnancy_lactation(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let record = r.record;
    let field = |f: &'static str| Evidence { field: Field::named(f), date: None, entered: None, converted: None };
    match record.sex {
        Sex::Female => {
            // A current pregnancy is a reading beyond the registry text (configured).
            let pregnant = if c.current_pregnancy_excludes { record.pregnant } else { Some(false) };
            match (pregnant, record.lactating, record.pregnancy_or_egg_donation_plan) {
                (Some(true), _, _) => {
                    out.evidence.push(field("pregnant"));
                    answer(out, Outcome::Met, reason!("She is pregnant."));
                }
                (_, Some(true), _) => {
                    out.evidence.push(field("lactating"));
                    answer(out, Outcome::Met, reason!("She is lactating."));
                }
                (_, _, Some(true)) => {
                    out.evidence.push(field("pregnancy_or_egg_donation_plan"));
                    answer(out, Outcome::Met, reason!("She plans a pregnancy or egg donation during the study."));
                }
                // A woman's childbearing plan is a pregnancy plan, whatever the contraception.
                _ if record.childbearing_plan_without_contraception == Some(true) => {
                    out.evidence.push(field("childbearing_plan_without_contraception"));
                    answer(out, Outcome::Met, reason!("She plans a child during the study."));
                }
                (Some(false), Some(false), Some(false)) => {
                    if c.current_pregnancy_excludes {
                        out.evidence.push(field("pregnant"));
                    }
                    out.evidence.extend_from_slice(&[field("lactating"), field("pregnancy_or_egg_donation_plan")]);
                    let why = if c.current_pregnancy_excludes {
                        reason!("Not pregnant or lactating; no pregnancy or egg-donation plan.")
                    } else {
                        reason!("Not lactating; no pregnancy or egg-donation plan.")
                    };
                    answer(out, Outcome::NotMet, why);
                }
                _ => unknown(out, reason!("Pregnancy, lactation or pregnancy plans are not recorded.")),
            }
        }
        Sex::Male => {
            flag(
                out,
                record.childbearing_plan_without_contraception,
                "childbearing_plan_without_contraception",
                "He (or his partner) plans a child or sperm donation and will not use contraception.",
                "No childbearing plan without contraception.",
                "Childbearing plans and contraception are not recorded.",
            );
            // A (partner's) pregnancy plan is cited: for a man it excludes only without
            // contraception, which the field above records.
            if record.pregnancy_or_egg_donation_plan == Some(true) {
                out.evidence.push(field("pregnancy_or_egg_donation_plan"));
            }
        }
    }
}

/// An active infection treated with intravenous antibiotics, present within the configured
/// days.
pub(super) fn exc_active_infection(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let window = Window::days_back(r.record.screening_date, c.iv_antibiotics_lookback_days, c.day_window);
    exc_by_conditions(
        out,
        r,
        ACTIVE_INFECTION,
        What::WithNumber("infection treated with IV antibiotics within {} days", c.iv_antibiotics_lookback_days),
        // Counts only if both hold; either known not to hold decides it, whatever the other.
        |cond| match (present_within(cond, window), cond.iv_antibiotics) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
    )
}

/// Taking part in an interventional trial on any day of the configured months.
pub(super) fn exc_other_trial(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let Some(trials) = &r.record.other_trials else {
        return unknown(out, reason!("Participation in other trials has not been asked."));
    };
    let months = c.other_trial_lookback_months;
    let window = Window::months_back(r.record.screening_date, months);
    let within: SmallVec<[Evidence; 2]> = trials
        .iter()
        .enumerate()
        .filter(|(_, t)| t.interventional && window.reached_by(t.start, t.end))
        .map(|(i, t)| Evidence {
            field: Field::item("other_trials", i),
            date: Some(t.start),
            entered: None,
            converted: None,
        })
        .collect();
    if within.is_empty() {
        answer(out, Outcome::NotMet, reason!("No interventional trial in the {} months before enrolment.", months));
    } else {
        out.evidence.extend_from_slice(&within);
        answer(out, Outcome::Met, reason!("In an interventional trial within the {} months before enrolment.", months));
    }
}
