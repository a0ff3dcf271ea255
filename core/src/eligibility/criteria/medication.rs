//! The criterion that reads the medication history: systemic immunosuppressants within the
//! look-back, for longer than a week, classified through the bundled medication table and the
//! site's own lists.

use super::{answer, unknown};
use crate::eligibility::config::{CourseJoining, ExposureReading, ProtocolConfig};
use crate::eligibility::medications::{self, DrugClass, MedicationTable};
use crate::eligibility::record::{CheckedRecord, Medication};
use crate::eligibility::CriterionResult;
use crate::evaluation::text::reason;
use crate::evaluation::{Evidence, EvidenceList, Field, Outcome, Quantity, QuantityUnit};
use crate::study_time::Window;
use chrono::NaiveDate;
use smallvec::SmallVec;

/// How the criterion reads one medication: counted (an immunosuppressant, or a glucocorticoid
/// when configured), not counted, unclassified (the criterion cannot tell), or classified one
/// way by its name and the other by its ATC code (one of the two is wrong).
enum Counts {
    Yes,
    No,
    CannotTell,
    Disagree,
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
    let (class, local, named, form_of_one_part) = table.with_classification(&m.name, m.atc.as_deref(), |found| {
        let one_part = match found {
            medications::Classification::FormOfOnePart { class } => Some(*class),
            _ => None,
        };
        (found.class(), found.local(), matches!(found, medications::Classification::Named { .. }), one_part)
    });
    if local {
        // A topical, ophthalmic, nasal or inhaled form is not systemic.
        return Counts::No;
    }
    let counted = |class: DrugClass| match class {
        DrugClass::Immunosuppressant => true,
        DrugClass::Glucocorticoid => c.count_glucocorticoids,
        DrugClass::NotImmunosuppressant => false,
    };
    // A form word in one part of a combination: it matters only if the systemic reading counts.
    if let Some(systemic) = form_of_one_part {
        return if counted(systemic) { Counts::CannotTell } else { Counts::No };
    }
    // The name decides; an ATC code given beside it that says the other (metformin entered
    // with tacrolimus's L04AD02) means one of the two is wrong, and neither is guessed.
    let by_code = m.atc.as_deref().filter(|_| named).and_then(|code| medications::classify_atc(code).class());
    match (class, by_code) {
        (Some(name), Some(code)) if counted(name) != counted(code) => Counts::Disagree,
        (Some(name), _) if counted(name) => Counts::Yes,
        (Some(_), _) => Counts::No,
        (None, _) => Counts::CannotTell,
    }
}

/// A systemic immunosuppressant course reaching into the look-back and longer than the
/// configured days (the course's whole length, or its days in the look-back, as
/// `immunosuppressant_exposure` reads "duration of treatment"); entries that overlap or follow
/// on the next day are one course under `immunosuppressant_courses = joined`. A medication the
/// rules cannot classify leaves the criterion unknown unless a counted course already meets it.
pub(super) fn exc_immunosuppressant(r: &CheckedRecord<'_>, c: &ProtocolConfig, out: &mut CriterionResult) {
    let Some(meds) = &r.record.medications else {
        return unknown(out, reason!("The medication history has not been taken."));
    };
    let window = Window::days_back(r.record.screening_date, c.immunosuppressant_lookback_days, c.day_window);
    let from = window.first;
    let table = MedicationTable::bundled().ok();
    let min = i64::from(c.immunosuppressant_min_exposure_days);
    // Every counted systemic entry (its index, first and last day, an ongoing one to the
    // screening date), and the first medication in the window the rules cannot classify.
    let mut counted: SmallVec<[(usize, NaiveDate, NaiveDate); 4]> = SmallVec::new();
    let mut unclassified: Option<usize> = None;
    let mut disagreeing: Option<usize> = None;
    let mut unclassified_evidence = EvidenceList::new();
    for (i, m) in meds.iter().enumerate().filter(|(_, m)| m.systemic) {
        let reaches = window.reached_by(m.start, m.end);
        match counts(m, c, table) {
            Counts::No => {}
            Counts::CannotTell if reaches => {
                unclassified.get_or_insert(i);
                unclassified_evidence.push(entry_evidence(i, m, None, QuantityUnit::DaysOfTreatment));
            }
            Counts::CannotTell => {}
            Counts::Disagree if reaches => {
                disagreeing.get_or_insert(i);
                unclassified_evidence.push(entry_evidence(i, m, None, QuantityUnit::DaysOfTreatment));
            }
            Counts::Disagree => {}
            Counts::Yes => counted.push((i, m.start, m.end.unwrap_or(window.last).min(window.last))),
        }
    }
    // The courses: each entry, or runs of entries that overlap or follow on the next day.
    counted.sort_unstable_by_key(|&(i, start, _)| (start, i));
    let mut courses: SmallVec<[Course; 4]> = SmallVec::new();
    for (i, first, last) in counted {
        match courses.last_mut() {
            Some(course)
                if c.immunosuppressant_courses == CourseJoining::Joined
                    // The next day, checked: at the last date there is none, and any start joins.
                    && course.last.checked_add_days(chrono::Days::new(1)).is_none_or(|next| first <= next) =>
            {
                course.entries.push(i);
                course.last = course.last.max(last);
            }
            _ => courses.push(Course { entries: SmallVec::from_slice(&[i]), first, last }),
        }
    }
    // Every course that reaches into the window is cited, each entry with its course's days;
    // the longest decides.
    let mut longest: Option<(usize, i64)> = None;
    let mut cited: SmallVec<[(usize, i64, QuantityUnit); 4]> = SmallVec::new();
    for (k, course) in courses.iter().enumerate().filter(|(_, course)| course.last >= window.first) {
        let (days, unit) = match c.immunosuppressant_exposure {
            ExposureReading::CourseLength => {
                ((course.last - course.first).num_days() + 1, QuantityUnit::DaysOfTreatment)
            }
            ExposureReading::DaysInWindow => {
                (window.overlap_days(course.first, Some(course.last)), QuantityUnit::DaysInLookBack)
            }
        };
        cited.extend(course.entries.iter().map(|&i| (i, days, unit)));
        if longest.is_none_or(|(_, d)| days > d) {
            longest = Some((k, days));
        }
    }
    cited.sort_unstable_by_key(|&(i, _, _)| i);
    out.evidence.extend(cited.iter().map(|&(i, days, unit)| entry_evidence(i, &meds[i], Some(days), unit)));
    let lookback = c.immunosuppressant_lookback_days;
    let course = match c.immunosuppressant_exposure {
        ExposureReading::CourseLength => "a course of",
        ExposureReading::DaysInWindow => "taken on",
    };
    // A course's names, in the order taken, each once.
    let name = |k: usize| {
        let mut names: Vec<&str> = Vec::new();
        for &i in &courses[k].entries {
            let n = meds[i].name.trim();
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names.join(" then ")
    };
    match (longest, disagreeing.or(unclassified)) {
        (Some((k, days)), _) if days > min => answer(
            out,
            Outcome::Met,
            reason!(
                "{} ({} {} days) reaches into the look-back from {}: more than {} days.",
                name(k),
                course,
                days,
                from,
                min
            ),
        ),
        (_, Some(i)) if disagreeing == Some(i) => {
            out.evidence.extend_from_slice(&unclassified_evidence);
            unknown(
                out,
                reason!(
                    "{} in the look-back from {}: its name and its ATC code disagree on whether it is a systemic immunosuppressant; correct the one that is wrong.",
                    meds[i].name.trim().to_owned(),
                    from
                ),
            )
        }
        (_, Some(i)) => {
            out.evidence.extend_from_slice(&unclassified_evidence);
            unknown(
                out,
                reason!(
                    "{} in the look-back from {} is not a medication the rules can classify: add its ATC code to the record, or name it in the configuration.",
                    meds[i].name.trim().to_owned(),
                    from
                ),
            )
        }
        (Some((k, days)), None) => answer(
            out,
            Outcome::NotMet,
            reason!(
                "{} ({} {} days) reaches into the look-back from {}: not more than {} days.",
                name(k),
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

/// A course of treatment: its medication entries (indices), first and last day.
struct Course {
    entries: SmallVec<[usize; 2]>,
    first: NaiveDate,
    last: NaiveDate,
}

/// The evidence of medication `i`: its start, and the days of its course when counted.
fn entry_evidence(i: usize, m: &Medication, days: Option<i64>, unit: QuantityUnit) -> Evidence {
    Evidence {
        field: Field::item("medications", i),
        date: Some(m.start),
        entered: None,
        converted: days.map(|d| Quantity { value: d as f64, unit }),
    }
}
