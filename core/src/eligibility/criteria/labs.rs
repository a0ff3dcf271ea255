//! The criteria that read lab series and readings: UACR, HbA1c and lipids on the latest value in
//! their look-back, 24-hour urine protein "continuously", eGFR from the latest creatinine (and
//! cystatin C), blood pressure, and viral hepatitis by viral load or serology.

use chrono::NaiveDate;
use smallvec::SmallVec;

use super::{answer, empty, met_if, unknown};
use crate::egfr::{estimate, EgfrInputs};
use crate::eligibility::config::ProtocolConfig;
use crate::eligibility::record::{CheckedRecord, SerologyResult, ViralLoad};
use crate::eligibility::CriterionResult;
use crate::evaluation::text::reason;
use crate::evaluation::{Detail, Evidence, Field, Outcome, Quantity, QuantityUnit, Threshold};
use crate::lab::{Analyte, Creatinine, CystatinCMarker, Unit, UnitFor};
use crate::series::{all_in, latest_in, CheckedEntry};
use crate::study_time::{DayWindow, Window};

/// The evidence of one checked lab entry: as entered, and `converted` (the value in the unit
/// it was compared in).
pub(super) fn lab_evidence<A: Analyte>(
    series: &'static str,
    e: &CheckedEntry<A>,
    converted: f64,
    unit: Unit,
) -> Evidence {
    Evidence {
        field: Field::item(series, e.index),
        date: Some(e.date),
        entered: Some(Quantity { value: e.value.value(), unit: e.value.unit().into() }),
        converted: Some(Quantity { value: converted, unit: unit.into() }),
    }
}

/// The latest value of a series within a look-back, compared with a threshold (in the
/// threshold's own unit). For an inclusion, passing the threshold meets it; for an exclusion
/// (lipids), passing the threshold (≥ 6.2 mmol/L) is what excludes: either way "passes" is "met".
pub(super) fn latest_lab<A: Analyte>(
    out: &mut CriterionResult,
    r: &CheckedRecord<'_>,
    (path, series): (&'static str, &[CheckedEntry<A>]),
    threshold: &Threshold<A>,
    (lookback_days, counting): (u32, DayWindow),
) {
    let window = Window::days_back(r.record.screening_date, lookback_days, counting);
    let Some((e, _)) = latest_in(series, window) else {
        return unknown(out, reason!("No {} within the {} days before screening.", A::KIND, lookback_days));
    };
    let (converted, passes) = threshold.compare(&e.value);
    let why = reason!(
        "Latest {} ({}) is {} {}, {} {}.",
        A::KIND,
        e.date,
        converted,
        threshold.unit(),
        if passes { "which is" } else { "which is not" },
        *threshold
    );
    out.evidence.push(lab_evidence(path, e, converted, threshold.unit()));
    answer(out, met_if(passes), why);
}

/// "Continuously ≥ 3.5 g": every measurement in the window passes, on at least the configured
/// number of distinct dates at least the configured days apart (docs/interpretation.md).
pub(super) fn inc_urine_protein(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let t = &c.urine_protein;
    let window = Window::days_back(r.record.screening_date, c.urine_protein_window_days, c.day_window);
    let mut failing = None;
    let mut dates: SmallVec<[NaiveDate; 4]> = SmallVec::new();
    let mut previous: Option<NaiveDate> = None;
    for e in all_in(&r.labs.urine_protein_24h, window) {
        // Of two entries of one date the later entered is a correction of the earlier
        // (`series`): `all_in` gives it first, and the earlier is not read.
        if previous.replace(e.date) == Some(e.date) {
            continue;
        }
        let (converted, passes) = t.compare(&e.value);
        if !passes && failing.is_none() {
            failing = Some((e.date, converted));
        }
        dates.push(e.date);
        out.evidence.push(lab_evidence("labs.urine_protein_24h", e, converted, t.unit()));
    }
    let days = c.urine_protein_window_days;
    if let Some((date, v)) = failing {
        return answer(
            out,
            Outcome::NotMet,
            reason!("24-hour urine protein of {} is {} {}, not {}: not continuously so.", date, v, t.unit(), *t),
        );
    }
    // The most dates at least the spacing apart, taken from the earliest on.
    dates.sort_unstable();
    let spacing = i64::from(c.urine_protein_min_spacing_days.max(1));
    let mut spaced = 0usize;
    let mut last: Option<NaiveDate> = None;
    for d in dates {
        if last.is_none_or(|l| (d - l).num_days() >= spacing) {
            spaced += 1;
            last = Some(d);
        }
    }
    let n = out.evidence.len();
    if spaced < c.urine_protein_min_measurements {
        return answer(
            out,
            Outcome::Unknown,
            reason!(
                "{} 24-hour urine protein measurement(s) within {} days, on {} date(s) at least {} days apart; {} needed, all {}.",
                n,
                days,
                spaced,
                c.urine_protein_min_spacing_days,
                c.urine_protein_min_measurements,
                *t
            ),
        );
    }
    answer(
        out,
        Outcome::Met,
        reason!(
            "All {} 24-hour urine protein measurements within {} days are {}, on {} dates at least {} days apart.",
            n,
            days,
            *t,
            spaced,
            c.urine_protein_min_spacing_days
        ),
    )
}

/// The units the eGFR equations are published in, in which their inputs are shown.
const CREATININE_AS_PUBLISHED: UnitFor<Creatinine> = UnitFor::must(Unit::MilligramPerDeciliter);
const CYSTATIN_C_AS_PUBLISHED: UnitFor<CystatinCMarker> = UnitFor::must(Unit::MilligramPerLiter);

/// eGFR by the configured equation from the latest creatinine (and cystatin C, if the equation
/// needs it) within the look-back, age on the screening date; each input shown in the unit the
/// equation is published in.
pub(super) fn inc_egfr(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let eq = c.egfr_equation;
    let window = Window::days_back(r.record.screening_date, c.egfr_lookback_days, c.day_window);
    let mut inputs = EgfrInputs::new(r.age, r.record.sex);
    let mut latest_date = None;
    if eq.needs_creatinine() {
        let Some((e, _)) = latest_in(&r.labs.creatinine, window) else {
            return unknown(
                out,
                reason!("No {} within the {} days before screening.", "creatinine", c.egfr_lookback_days),
            );
        };
        let shown = e.value.in_unit_for(CREATININE_AS_PUBLISHED);
        out.evidence.push(lab_evidence("labs.creatinine", e, shown, CREATININE_AS_PUBLISHED.unit()));
        inputs = inputs.with_creatinine(e.value);
        latest_date = latest_date.max(Some(e.date));
    }
    if eq.needs_cystatin_c() {
        let Some((e, _)) = latest_in(&r.labs.cystatin_c, window) else {
            return unknown(
                out,
                reason!("No {} within the {} days before screening.", "cystatin C", c.egfr_lookback_days),
            );
        };
        let shown = e.value.in_unit_for(CYSTATIN_C_AS_PUBLISHED);
        out.evidence.push(lab_evidence("labs.cystatin_c", e, shown, CYSTATIN_C_AS_PUBLISHED.unit()));
        inputs = inputs.with_cystatin_c(e.value);
        latest_date = latest_date.max(Some(e.date));
    }
    match estimate(eq, &inputs) {
        Ok(est) => {
            let value = est.value();
            let ok = c.egfr.passes_value(value);
            out.evidence.push(Evidence {
                field: Field::named("egfr").with_detail(Detail::Equation(eq)),
                date: latest_date,
                entered: None,
                converted: Some(Quantity { value, unit: est.unit().into() }),
            });
            answer(
                out,
                met_if(ok),
                reason!(
                    "eGFR by {} is {} {}, {} {}.",
                    eq,
                    value,
                    est.unit(),
                    if ok { "which is" } else { "which is not" },
                    c.egfr
                ),
            )
        }
        // An equation outside its published ages, or a result beyond the eGFR bounds.
        Err(e) => unknown(out, reason!("eGFR could not be estimated: {}.", e.to_string())),
    }
}

/// "Can be controlled at ≤ 160/100": the latest reading (or the mean of the latest configured
/// number) within the look-back, both pressures within their thresholds; unknown when the
/// look-back holds fewer readings than the configured number.
pub(super) fn inc_blood_pressure(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let window = Window::days_back(r.record.screening_date, c.bp_lookback_days, c.day_window);
    let mut readings = all_in(&r.blood_pressures, window);
    readings.truncate(c.bp_readings_averaged);
    if readings.is_empty() {
        return unknown(out, reason!("No blood pressure within the {} days before screening.", c.bp_lookback_days));
    }
    let (mut sys, mut dia) = (0.0, 0.0);
    for b in &readings {
        let (s_conv, _) = c.systolic.compare(&b.systolic);
        let (d_conv, _) = c.diastolic.compare(&b.diastolic);
        sys += s_conv;
        dia += d_conv;
        for (m, conv, unit, part) in [
            (b.systolic.measurement(), s_conv, c.systolic.unit(), Detail::Systolic),
            (b.diastolic.measurement(), d_conv, c.diastolic.unit(), Detail::Diastolic),
        ] {
            out.evidence.push(Evidence {
                field: Field::item("blood_pressures", b.index).with_detail(part),
                date: Some(b.date),
                entered: Some(Quantity { value: m.value(), unit: m.unit().into() }),
                converted: Some(Quantity { value: conv, unit: unit.into() }),
            });
        }
    }
    // A mean of fewer readings than configured is not the configured measure: unknown until
    // the site has taken them (the evidence lists those found).
    if readings.len() < c.bp_readings_averaged {
        return unknown(
            out,
            reason!(
                "Only {} blood pressure readings within the {} days before screening; the mean of the latest {} is asked.",
                readings.len(),
                c.bp_lookback_days,
                c.bp_readings_averaged
            ),
        );
    }
    let n = readings.len() as f64;
    let (sys, dia) = (sys / n, dia / n);
    let ok = c.systolic.passes_value(sys) && c.diastolic.passes_value(dia);
    let verdict = if ok { "within" } else { "above" };
    let why = if readings.len() == 1 {
        reason!(
            "Latest blood pressure is {}/{} {}, {} {}/{}.",
            sys,
            dia,
            c.systolic.unit(),
            verdict,
            c.systolic,
            c.diastolic
        )
    } else {
        reason!(
            "Mean of the latest {} blood pressure is {}/{} {}, {} {}/{}.",
            readings.len(),
            sys,
            dia,
            c.systolic.unit(),
            verdict,
            c.systolic,
            c.diastolic
        )
    };
    answer(out, met_if(ok), why);
}

/// Severe hyperlipidaemia: the latest triglycerides **or** LDL cholesterol at or above its
/// threshold; not met when both are known and below.
pub(super) fn exc_hyperlipidaemia(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let days = (c.lipid_lookback_days, c.day_window);
    let (mut tg, mut ldl) = (empty(out.id), empty(out.id));
    latest_lab(&mut tg, r, ("labs.triglycerides", &r.labs.triglycerides), &c.triglycerides, days);
    latest_lab(&mut ldl, r, ("labs.ldl_cholesterol", &r.labs.ldl_cholesterol), &c.ldl_cholesterol, days);
    let outcome = match (tg.outcome, ldl.outcome) {
        (Outcome::Met, _) | (_, Outcome::Met) => Outcome::Met,
        (Outcome::NotMet, Outcome::NotMet) => Outcome::NotMet,
        _ => Outcome::Unknown,
    };
    out.evidence.extend_from_slice(&tg.evidence);
    out.evidence.extend_from_slice(&ldl.evidence);
    answer(out, outcome, reason!("{} {}", tg.reason, ldl.reason));
}

/// Whether one hepatitis virus is active: by the latest viral load in the window (above the
/// lab's upper limit of normal, or not: the protocol's definition); failing that, by the latest
/// serology (negative rules it out where configured; positive needs the viral load); else not
/// known. The latest serology in the window is cited either way.
fn hepatitis_active(
    out: &mut CriterionResult,
    (load_path, loads): (&'static str, &[ViralLoad]),
    (serology_path, serology): (&'static str, &[SerologyResult]),
    window: Window,
    serology_rules_out: bool,
) -> Option<bool> {
    if let Some((v, i)) = latest_in(loads, window) {
        // The record check made sure the limit is above 0.
        let ratio = v.value / v.upper_limit_of_normal;
        out.evidence.push(Evidence {
            field: Field::item(load_path, i),
            date: Some(v.date),
            entered: Some(Quantity { value: v.value, unit: QuantityUnit::LabUnits }),
            converted: Some(Quantity { value: ratio, unit: QuantityUnit::TimesUpperLimitOfNormal }),
        });
        if let Some((s, i)) = latest_in(serology, window) {
            out.evidence.push(Evidence {
                field: Field::item(serology_path, i),
                date: Some(s.date),
                entered: None,
                converted: None,
            });
        }
        return Some(v.value > v.upper_limit_of_normal);
    }
    let (s, i) = latest_in(serology, window)?;
    out.evidence.push(Evidence {
        field: Field::item(serology_path, i),
        date: Some(s.date),
        entered: None,
        converted: None,
    });
    (!s.positive && serology_rules_out).then_some(false)
}

/// Active hepatitis B or C: either active excludes; both ruled out is not met.
pub(super) fn exc_viral_hepatitis(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let labs = &r.record.labs;
    let window = Window::days_back(r.record.screening_date, c.viral_load_lookback_days, c.day_window);
    let rules_out = c.negative_serology_rules_out_hepatitis;
    let hbv = hepatitis_active(out, ("labs.hbv_dna", &labs.hbv_dna), ("labs.hbsag", &labs.hbsag), window, rules_out);
    let hcv =
        hepatitis_active(out, ("labs.hcv_rna", &labs.hcv_rna), ("labs.anti_hcv", &labs.anti_hcv), window, rules_out);
    let days = c.viral_load_lookback_days;
    let which = match (hbv, hcv) {
        (Some(true), Some(true)) => Some("HBV DNA and HCV RNA"),
        (Some(true), _) => Some("HBV DNA"),
        (_, Some(true)) => Some("HCV RNA"),
        _ => None,
    };
    if let Some(which) = which {
        answer(out, Outcome::Met, reason!("{} above the upper limit of normal.", which));
    } else if hbv == Some(false) && hcv == Some(false) {
        answer(
            out,
            Outcome::NotMet,
            reason!("Within {} days, neither hepatitis B nor C is active (by viral load or negative serology).", days),
        );
    } else {
        unknown(
            out,
            reason!(
                "Within {} days, hepatitis B and C are not both ruled out: a viral load (or, where allowed, a negative HBsAg / anti-HCV) is needed for each.",
                days
            ),
        );
    }
}
