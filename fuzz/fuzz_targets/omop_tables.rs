//! OMOP pre-screening over arbitrary rows, as a database or a reader may hand them: nulls in any
//! column, ids that repeat or point at no person, dates anywhere in chrono's range, values of any
//! sign or none, units and operators of any id, ancestors in cycles. Invariants: the pre-screen
//! answers (no panic), lists every row of `person` that has an id, gives each screened person
//! one outcome per criterion, and its attrition adds up.
#![no_main]
use amimestrocel_dkd::eligibility::{CriterionId, ProtocolConfig};
use amimestrocel_dkd::omop::{
    attrition, prescreen, Concept, ConceptAncestor, ConceptSets, ConditionOccurrence, DrugExposure, Measurement,
    ObservationPeriod, OmopTables, Person, ProcedureOccurrence,
};
use arbitrary::Unstructured;
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

/// Concept ids the sets, units and gender use, so that rows often mean something.
const IDS: [i64; 16] =
    [0, 1, 2, 8507, 8532, 8723, 8840, 8554, 3034485, 3016723, 3004249, 3012888, 201826, 443392, 4172703, 4171756];

fn id(u: &mut Unstructured<'_>) -> Option<i64> {
    match u.int_in_range(0..=5u8).unwrap_or(0) {
        0 => None,
        1 => Some(u.arbitrary().unwrap_or(0)),
        _ => Some(IDS[u.int_in_range(0..=IDS.len() - 1).unwrap_or(0)]),
    }
}

fn person_id(u: &mut Unstructured<'_>) -> Option<i64> {
    if u.ratio(1, 8).unwrap_or(false) {
        None
    } else {
        Some(u.int_in_range(0..=4i64).unwrap_or(0))
    }
}

fn date(u: &mut Unstructured<'_>) -> Option<NaiveDate> {
    match u.int_in_range(0..=4u8).unwrap_or(0) {
        0 => None,
        1 => NaiveDate::from_num_days_from_ce_opt(u.arbitrary().unwrap_or(0)),
        _ => NaiveDate::from_ymd_opt(2025, 6, 1)
            .and_then(|d| d.checked_sub_signed(chrono::TimeDelta::days(u.int_in_range(-30..=4000i64).unwrap_or(0)))),
    }
}

fn number(u: &mut Unstructured<'_>) -> Option<f64> {
    match u.int_in_range(0..=3u8).unwrap_or(0) {
        0 => None,
        1 => Some(u.arbitrary().unwrap_or(0.0)),
        _ => Some(f64::from(u.int_in_range(0..=3000u16).unwrap_or(0)) / 10.0),
    }
}

fn rows<T>(u: &mut Unstructured<'_>, mut make: impl FnMut(&mut Unstructured<'_>) -> T) -> Option<Vec<T>> {
    if u.ratio(1, 5).unwrap_or(false) {
        return None;
    }
    let n = u.int_in_range(0..=12usize).unwrap_or(0);
    Some((0..n).map(|_| make(u)).collect())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let person = (0..u.int_in_range(0..=6usize).unwrap_or(0))
        .map(|_| Person {
            person_id: person_id(&mut u),
            gender_concept_id: id(&mut u),
            year_of_birth: if u.ratio(1, 6).unwrap_or(false) { u.arbitrary().ok() } else { Some(1960) },
            month_of_birth: if u.arbitrary().unwrap_or(false) { u.arbitrary().ok() } else { None },
            day_of_birth: if u.arbitrary().unwrap_or(false) { u.arbitrary().ok() } else { None },
            birth_date: if u.ratio(1, 4).unwrap_or(false) { date(&mut u) } else { None },
        })
        .collect();
    let tables = OmopTables {
        person,
        observation_period: rows(&mut u, |u| ObservationPeriod { person_id: person_id(u), start: date(u), end: date(u) }),
        measurement: rows(&mut u, |u| Measurement {
            person_id: person_id(u),
            concept_id: id(u),
            date: date(u),
            value: number(u),
            unit_concept_id: id(u),
            operator_concept_id: id(u),
            range_high: number(u),
            value_as_concept_id: id(u),
        }),
        condition_occurrence: rows(&mut u, |u| ConditionOccurrence {
            person_id: person_id(u),
            concept_id: id(u),
            start: date(u),
            end: date(u),
        }),
        drug_exposure: rows(&mut u, |u| DrugExposure {
            person_id: person_id(u),
            concept_id: id(u),
            start: date(u),
            end: date(u),
            route_concept_id: id(u),
        }),
        procedure_occurrence: rows(&mut u, |u| ProcedureOccurrence { person_id: person_id(u), concept_id: id(u), date: date(u) }),
        concept: rows(&mut u, |u| Concept {
            concept_id: id(u),
            concept_name: u.arbitrary().ok(),
            vocabulary_id: if u.arbitrary().unwrap_or(false) { Some("UCUM".into()) } else { u.arbitrary().ok() },
            concept_code: u.arbitrary().ok(),
        }),
        concept_ancestor: rows(&mut u, |u| ConceptAncestor { ancestor: id(u), descendant: id(u) }),
    };
    let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).expect("a date");
    let out = prescreen(&tables, &ConceptSets::default(), &ProtocolConfig::default(), as_of).expect("bundled sets are valid");
    let with_id = tables.person.iter().filter(|p| p.person_id.is_some()).count();
    assert_eq!(out.persons.len(), with_id, "every row of person with an id is listed");
    for p in &out.persons {
        if let Some(s) = &p.screened {
            assert_eq!(s.outcomes.len(), CriterionId::ALL.len(), "one outcome per criterion");
        }
    }
    let steps = attrition(&out.persons);
    let excluded: usize = steps.iter().map(|s| s.excluded).sum();
    assert_eq!(excluded + steps.last().map_or(0, |s| s.remaining), out.persons.len(), "attrition adds up");
    for e in &out.row_errors {
        assert!(!e.to_string().is_empty() && !e.problem.kind().is_empty());
    }
});
