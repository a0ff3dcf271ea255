//! The criterion that reads the medication history: systemic immunosuppressants within the
//! look-back, for longer than a week, classified through the bundled medication table and the
//! site's own lists.

use super::{answer, unknown};
use crate::eligibility::config::{ExposureReading, ProtocolConfig};
use crate::eligibility::medications::{self, DrugClass, MedicationTable};
use crate::eligibility::record::{CheckedRecord, Medication};
use crate::eligibility::CriterionResult;
use crate::evaluation::text::reason;
use crate::evaluation::{Evidence, EvidenceList, Field, Outcome, Quantity, QuantityUnit};
use crate::study_time::Window;

/// How the criterion reads one medication: counted (an immunosuppressant, or a glucocorticoid
/// when configured), not counted, or unclassified (the criterion cannot tell).
enum Counts {
    Yes,
    No,
    CannotTell,
}

/// Classifies a medication under the configuration: the site's own lists first (names read as
/// the table reads them), then the bundled table, then the ATC code.
fn counts(m: &Medication, c: &ProtocolConfig, table: Option<&MedicationTable>) -> Counts {
    let listed = |names: &[String]| -> bool {
        if names.is_empty() {
            return false;
        }
        let form = medications::table_form(&m.name);
        !form.is_empty() && names.iter().any(|n| medications::table_form(n) == form)
    };
    if listed(&c.not_immunosuppressant_names) {
        return Counts::No;
    }
    if listed(&c.immunosuppressant_extra_names) {
        return Counts::Yes;
    }
    let Some(table) = table else {
        return Counts::CannotTell;
    };
    let (class, local) = table.with_classification(&m.name, m.atc.as_deref(), |found| (found.class(), found.local()));
    if local {
        // A topical, ophthalmic, nasal or inhaled form is not systemic.
        return Counts::No;
    }
    match class {
        Some(DrugClass::Immunosuppressant) => Counts::Yes,
        Some(DrugClass::Glucocorticoid) if c.count_glucocorticoids => Counts::Yes,
        Some(DrugClass::Glucocorticoid | DrugClass::NotImmunosuppressant) => Counts::No,
        None => Counts::CannotTell,
    }
}

/// A systemic immunosuppressant course reaching into the look-back and longer than the
/// configured days (the course's whole length, or its days in the look-back, as
/// `immunosuppressant_exposure` reads "duration of treatment"); a medication the rules cannot
/// classify leaves the criterion unknown unless a counted course already meets it.
pub(super) fn exc_immunosuppressant(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let Some(meds) = &r.record.medications else {
        return unknown(out, reason!("The medication history has not been taken."));
    };
    let window = Window::days_back(r.record.screening_date, c.immunosuppressant_lookback_days, c.day_window);
    let from = window.first;
    let table = MedicationTable::bundled().ok();
    let min = i64::from(c.immunosuppressant_min_exposure_days);
    // The longest counted course that reaches into the window, and the first medication the
    // rules cannot classify.
    let mut longest: Option<(usize, i64)> = None;
    let mut unclassified: Option<usize> = None;
    let mut unclassified_evidence = EvidenceList::new();
    for (i, m) in meds.iter().enumerate() {
        // Only a systemic course that reaches into the window matters.
        if !m.systemic || !window.reached_by(m.start, m.end) {
            continue;
        }
        let evidence = |days: Option<i64>, unit| Evidence {
            field: Field::item("medications", i),
            date: Some(m.start),
            entered: None,
            converted: days.map(|d| Quantity { value: d as f64, unit }),
        };
        match counts(m, c, table) {
            Counts::No => {}
            Counts::CannotTell => {
                unclassified.get_or_insert(i);
                unclassified_evidence.push(evidence(None, QuantityUnit::DaysOfTreatment));
            }
            Counts::Yes => {
                let (days, unit) = match c.immunosuppressant_exposure {
                    ExposureReading::CourseLength => {
                        // The course up to screening (a course still going is counted to it).
                        let end = m.end.unwrap_or(window.last).min(window.last);
                        ((end - m.start).num_days() + 1, QuantityUnit::DaysOfTreatment)
                    }
                    ExposureReading::DaysInWindow => {
                        (window.overlap_days(m.start, m.end), QuantityUnit::DaysInLookBack)
                    }
                };
                out.evidence.push(evidence(Some(days), unit));
                if longest.is_none_or(|(_, d)| days > d) {
                    longest = Some((i, days));
                }
            }
        }
    }
    let lookback = c.immunosuppressant_lookback_days;
    let course = match c.immunosuppressant_exposure {
        ExposureReading::CourseLength => "a course of",
        ExposureReading::DaysInWindow => "taken on",
    };
    let name = |i: usize| meds[i].name.trim().to_owned();
    match (longest, unclassified) {
        (Some((i, days)), _) if days > min => answer(
            out,
            Outcome::Met,
            reason!(
                "{} ({} {} days) reaches into the look-back from {}: more than {} days.",
                name(i),
                course,
                days,
                from,
                min
            ),
        ),
        (_, Some(i)) => {
            out.evidence.extend_from_slice(&unclassified_evidence);
            unknown(
                out,
                reason!(
                    "{} in the look-back from {} is not a medication the rules can classify: add its ATC code to the record, or name it in the configuration.",
                    name(i),
                    from
                ),
            )
        }
        (Some((i, days)), None) => answer(
            out,
            Outcome::NotMet,
            reason!(
                "{} ({} {} days) reaches into the look-back from {}: not more than {} days.",
                name(i),
                course,
                days,
                from,
                min
            ),
        ),
        (None, None) => answer(
            out,
            Outcome::NotMet,
            reason!("No systemic immunosuppressant in the {} days before enrolment (since {}).", lookback, from),
        ),
    }
}
