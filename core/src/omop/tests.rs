use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::eligibility::{screen, ConditionKind, CriterionId, ProtocolConfig};
use crate::evaluation::Outcome;
use crate::tools::omop_synthetic::{complete_concept_sets, representable, to_omop};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn outcome(p: &Prescreened, id: CriterionId) -> Outcome {
    p.outcomes[CriterionId::ALL.iter().position(|&c| c == id).unwrap()]
}

const AS_OF: &str = "2025-06-01";
const MG_G: i64 = 8723;
const MG_DL: i64 = 8840;
const MMHG: i64 = 8876;

fn units() -> Vec<Concept> {
    [(MG_G, "mg/g"), (MG_DL, "mg/dL"), (MMHG, "mm[Hg]"), (8554, "%"), (8753, "mmol/L")]
        .into_iter()
        .map(|(id, code)| Concept {
            concept_id: Some(id),
            concept_name: Some(code.into()),
            vocabulary_id: Some("UCUM".into()),
            concept_code: Some(code.into()),
        })
        .collect()
}

fn man_born(id: i64, dob: &str) -> Person {
    let d = day(dob);
    Person {
        person_id: Some(id),
        gender_concept_id: Some(8507),
        year_of_birth: Some(i64::from(d.year())),
        month_of_birth: Some(i64::from(d.month())),
        day_of_birth: Some(i64::from(d.day())),
        birth_date: None,
    }
}

fn lab(person: i64, concept: i64, date: &str, value: f64, unit: i64) -> Measurement {
    Measurement {
        person_id: Some(person),
        concept_id: Some(concept),
        date: Some(day(date)),
        value: Some(value),
        unit_concept_id: Some(unit),
        ..Measurement::default()
    }
}

fn run(tables: &OmopTables) -> Prescreen<Prescreened> {
    prescreen(tables, &ConceptSets::default(), &ProtocolConfig::default(), day(AS_OF)).unwrap()
}

#[test]
fn the_bundled_concept_sets_read_and_name_their_version() {
    let sets = ConceptSets::default();
    assert_eq!(sets.version, DEFAULT_CONCEPT_SETS_VERSION);
    assert_eq!(sets.measurements[&Series::Creatinine], [3016723]);
    assert_eq!(sets.conditions[&ConditionKind::LacunarInfarction], [4046360]);
    assert_eq!(sets.history_observed_days, 365);
    assert!(sets.reads_condition(ConditionKind::Malignancy));
    assert!(!sets.reads_condition(ConditionKind::SevereImmunodeficiency));
}

#[test]
fn concept_sets_refuse_bad_ids_shared_measurement_roots_and_unknown_fields() {
    let mut sets = ConceptSets::default();
    sets.type2_diabetes.push(0);
    assert_eq!(sets.validate().unwrap_err().kind(), "not_a_concept");
    let mut sets = ConceptSets::default();
    sets.measurements.insert(Series::Uacr, vec![3016723]);
    assert_eq!(sets.validate().unwrap_err().kind(), "two_measurement_sets");
    let text = serde_json::to_string(&ConceptSets::default()).unwrap().replacen('{', "{\"colour\": 1,", 1);
    let err = ConceptSets::from_json(&text).unwrap_err();
    assert_eq!((err.kind(), err.to_string().contains("colour")), ("malformed", true));
    let text = serde_json::to_string(&ConceptSets::default()).unwrap().replace("\"hiv\"", "\"plague\"");
    assert_eq!(ConceptSets::from_json(&text).unwrap_err().kind(), "malformed");
}

#[test]
fn descendants_join_their_set_and_the_more_specific_of_nested_sets_wins() {
    let sets = ConceptSets::default();
    // 99 below cerebral infarction and lacunar infarction; 98 below type 2 diabetes and
    // malignancy (two sets not nested: both kept); 97 below creatinine.
    let index =
        sets.expand([(443454, 4046360), (443454, 99), (4046360, 99), (201826, 98), (443392, 98), (3016723, 97)]);
    assert_eq!(index.diagnoses(99), [Diagnosis::Condition(ConditionKind::LacunarInfarction)]);
    assert_eq!(index.diagnoses(98).len(), 2);
    assert_eq!(index.series(97), [Series::Creatinine]);
    assert_eq!(index.diagnoses(443454), [Diagnosis::Condition(ConditionKind::CerebralInfarction)]);
    assert!(index.series(12345).is_empty());
}

#[test]
fn a_uacr_in_omop_screens_as_the_same_uacr_in_a_record() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        measurement: Some(vec![lab(1, 3034485, "2025-05-20", 1500.0, MG_G)]),
        concept: Some(units()),
        ..OmopTables::default()
    };
    let out = run(&tables);
    assert!(out.row_errors.is_empty(), "{:?}", out.row_errors);
    let p = out.persons[0].screened.as_ref().unwrap();
    assert_eq!(outcome(p, CriterionId::IncUacr), Outcome::Met);
    assert_eq!(outcome(p, CriterionId::IncAge), Outcome::Met);
    assert!(p.not_excluded_by_record);
    assert!(p.still_to_check.contains(&CriterionId::IncConsent));
    assert!(!p.still_to_check.contains(&CriterionId::IncUacr));
    assert_eq!(out.concept_sets_version, DEFAULT_CONCEPT_SETS_VERSION);
}

#[test]
fn a_null_unit_and_unit_zero_are_row_errors_of_their_own() {
    let mut null_unit = lab(1, 3034485, "2025-05-20", 1500.0, MG_G);
    null_unit.unit_concept_id = None;
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        measurement: Some(vec![
            null_unit,
            lab(1, 3034485, "2025-05-21", 1500.0, 0),
            lab(1, 3034485, "2025-05-22", 1500.0, 424242),
        ]),
        concept: Some(units()),
        ..OmopTables::default()
    };
    let out = run(&tables);
    let kinds: Vec<_> = out.row_errors.iter().map(|e| (e.row, e.problem.kind())).collect();
    assert_eq!(kinds, [(0, "missing"), (1, "unit_not_mapped"), (2, "unit_not_ucum")]);
    assert!(out.row_errors[0].to_string().contains("unit_concept_id"));
    let p = out.persons[0].screened.as_ref().unwrap();
    assert_eq!(outcome(p, CriterionId::IncUacr), Outcome::Unknown);
}

#[test]
fn a_censored_value_is_not_read_as_a_value() {
    let mut below = lab(1, 3004410, "2025-05-20", 5.0, 8554);
    below.operator_concept_id = Some(4171756); // '<'
    let mut exact = lab(1, 3004410, "2025-05-10", 7.0, 8554);
    exact.operator_concept_id = Some(4172703); // '='
                                               // Operator 0 ("no matching concept", which converters write for every value) is no operator.
    let mut zero = lab(1, 3004410, "2025-05-01", 9.5, 8554);
    zero.operator_concept_id = Some(0);
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        measurement: Some(vec![below, exact, zero]),
        concept: Some(units()),
        ..OmopTables::default()
    };
    let out = run(&tables);
    assert_eq!(out.row_errors.len(), 1);
    assert_eq!((out.row_errors[0].row, out.row_errors[0].problem.kind()), (0, "censored_value"));
    // The exact 7.0 % (earlier) is the latest value read.
    assert_eq!(outcome(out.persons[0].screened.as_ref().unwrap(), CriterionId::IncHba1c), Outcome::Met);
}

#[test]
fn a_value_whose_unit_does_not_fit_its_analyte_is_its_rows_error_and_the_person_is_still_screened() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        // Creatinine in mg/g: refused by the record's check; the UACR is still read.
        measurement: Some(vec![lab(1, 3016723, "2025-05-20", 1.1, MG_G), lab(1, 3034485, "2025-05-20", 1500.0, MG_G)]),
        concept: Some(units()),
        ..OmopTables::default()
    };
    let out = run(&tables);
    assert_eq!(out.row_errors.len(), 1);
    assert_eq!((out.row_errors[0].table, out.row_errors[0].row), (Table::Measurement, 0));
    assert_eq!(out.row_errors[0].problem.kind(), "unit_not_for_analyte");
    let p = out.persons[0].screened.as_ref().unwrap();
    assert_eq!(outcome(p, CriterionId::IncUacr), Outcome::Met);
    assert_eq!(outcome(p, CriterionId::IncEgfr), Outcome::Unknown);
}

#[test]
fn persons_without_an_id_listed_twice_or_without_a_usable_sex_or_birth_are_refused_with_their_row() {
    let mut no_sex = man_born(3, "1960-01-01");
    no_sex.gender_concept_id = Some(8551); // unknown
    let mut no_year = man_born(4, "1960-01-01");
    no_year.year_of_birth = None;
    let mut bad_day = man_born(5, "1960-01-01");
    (bad_day.month_of_birth, bad_day.day_of_birth) = (Some(2), Some(30));
    let tables = OmopTables {
        person: vec![
            Person { person_id: None, ..man_born(0, "1960-01-01") },
            man_born(1, "1960-01-01"),
            man_born(1, "1961-01-01"),
            no_sex,
            no_year,
            bad_day,
        ],
        measurement: Some(vec![lab(77, 3034485, "2025-05-20", 1500.0, MG_G)]),
        ..OmopTables::default()
    };
    let out = run(&tables);
    let kinds: Vec<_> = out.row_errors.iter().map(|e| (e.table, e.row, e.problem.kind())).collect();
    assert_eq!(
        kinds,
        [
            (Table::Person, 0, "missing"),
            (Table::Person, 2, "person_listed_twice"),
            (Table::Person, 3, "gender_unknown"),
            (Table::Person, 4, "missing"),
            (Table::Person, 5, "birth_not_a_date"),
            (Table::Measurement, 0, "person_unknown"),
        ]
    );
    let listed: Vec<_> = out.persons.iter().map(|p| (p.row, p.screened.is_some())).collect();
    // Every row with a person_id is listed, a refused one without a pre-screen.
    assert_eq!(listed, [(1, true), (2, false), (3, false), (4, false), (5, false)]);
    let steps = attrition(&out.persons);
    assert_eq!((steps[0].excluded, steps[0].remaining), (4, 1));
}

#[test]
fn a_birth_known_to_the_year_leaves_the_age_unknown_where_the_year_spans_the_limit() {
    let as_of = day(AS_OF);
    let born = |year: i64| Person {
        person_id: Some(year),
        gender_concept_id: Some(8532),
        year_of_birth: Some(year),
        ..Person::default()
    };
    // Born in 1980: 44 or 45 on 2025-06-01. Born in 1970: 54 or 55 either way.
    let tables = OmopTables { person: vec![born(1980), born(1970), born(1944)], ..OmopTables::default() };
    let out = prescreen(&tables, &ConceptSets::default(), &ProtocolConfig::default(), as_of).unwrap();
    let age: Vec<_> = out.persons.iter().map(|p| outcome(p.screened.as_ref().unwrap(), CriterionId::IncAge)).collect();
    // 1944: 80 or 81.
    assert_eq!(age, [Outcome::Unknown, Outcome::Met, Outcome::Unknown]);
    let p = out.persons[0].screened.as_ref().unwrap();
    assert_eq!(p.birth, Birth::Between(day("1980-01-01"), day("1980-12-31")));
    // Born in the year of the pre-screen: screened (a child), not refused.
    let out = prescreen(
        &OmopTables { person: vec![born(2025)], ..OmopTables::default() },
        &ConceptSets::default(),
        &ProtocolConfig::default(),
        as_of,
    )
    .unwrap();
    assert_eq!(outcome(out.persons[0].screened.as_ref().unwrap(), CriterionId::IncAge), Outcome::NotMet);
    assert_eq!(out.persons[0].screened.as_ref().unwrap().birth.known_to(), "year");
    // With the month: born in December 1980, 44 on 2025-06-01 whatever the day.
    let december = Person { month_of_birth: Some(12), ..born(1980) };
    let out = prescreen(
        &OmopTables { person: vec![december], ..OmopTables::default() },
        &ConceptSets::default(),
        &ProtocolConfig::default(),
        as_of,
    )
    .unwrap();
    assert_eq!(outcome(out.persons[0].screened.as_ref().unwrap(), CriterionId::IncAge), Outcome::NotMet);
}

fn observed(person: i64, from: &str) -> ObservationPeriod {
    ObservationPeriod { person_id: Some(person), start: Some(day(from)), end: Some(day(AS_OF)) }
}

fn condition(person: i64, concept: i64, start: &str) -> ConditionOccurrence {
    ConditionOccurrence { person_id: Some(person), concept_id: Some(concept), start: Some(day(start)), end: None }
}

fn concept(id: i64, name: &str, vocabulary: &str, code: &str) -> Concept {
    Concept {
        concept_id: Some(id),
        concept_name: Some(name.into()),
        vocabulary_id: Some(vocabulary.into()),
        concept_code: Some(code.into()),
    }
}

/// An RxNorm drug concept named `name`.
fn named(id: i64, name: &str) -> Concept {
    concept(id, name, "RxNorm", &id.to_string())
}

/// Person 1's exposure to drug `concept` from `start` to `end` (none: not recorded).
fn drug(concept: i64, start: &str, end: Option<&str>) -> DrugExposure {
    DrugExposure {
        person_id: Some(1),
        concept_id: Some(concept),
        start: Some(day(start)),
        end: end.map(day),
        route_concept_id: None,
    }
}

#[test]
fn history_counts_as_taken_only_inside_a_long_enough_observation_period() {
    let tables = |from: &str| OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: Some(vec![observed(1, from)]),
        condition_occurrence: Some(vec![condition(1, 201826, "2010-01-01")]),
        drug_exposure: Some(vec![]),
        concept_ancestor: Some(vec![]),
        ..OmopTables::default()
    };
    let long = run(&tables("2020-01-01"));
    let p = long.persons[0].screened.as_ref().unwrap();
    assert!(p.history_taken);
    assert_eq!(outcome(p, CriterionId::IncType2Diabetes), Outcome::Met);
    // Absence inside the period: no malignancy, no immunosuppressant.
    assert_eq!(outcome(p, CriterionId::ExcMalignancy), Outcome::NotMet);
    assert_eq!(outcome(p, CriterionId::ExcImmunosuppressant), Outcome::NotMet);
    // Severe immunodeficiency has no concept set: its absence is not known.
    assert_eq!(outcome(p, CriterionId::ExcTuberculosisHivImmunodeficiency), Outcome::Unknown);
    // Observed for less than 365 days: the history is not taken.
    let short = run(&tables("2025-01-01"));
    let p = short.persons[0].screened.as_ref().unwrap();
    assert!(!p.history_taken);
    assert_eq!(outcome(p, CriterionId::ExcMalignancy), Outcome::Unknown);
    // A diagnosis found is a yes even so; its absence would not be a no.
    assert_eq!(outcome(p, CriterionId::IncType2Diabetes), Outcome::Met);
}

#[test]
fn observation_periods_that_follow_on_the_next_day_are_one_span_of_observation() {
    let period =
        |from: &str, to: &str| ObservationPeriod { person_id: Some(1), start: Some(day(from)), end: Some(day(to)) };
    let tables = |periods: Vec<ObservationPeriod>| OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: Some(periods),
        condition_occurrence: Some(vec![]),
        drug_exposure: Some(vec![]),
        concept_ancestor: Some(vec![]),
        ..OmopTables::default()
    };
    let taken = |periods| run(&tables(periods)).persons[0].screened.as_ref().unwrap().history_taken;
    // Two periods, the second from the day after the first ends, together cover the year.
    assert!(taken(vec![period("2020-01-01", "2024-12-31"), period("2025-01-01", AS_OF)]));
    // In either order.
    assert!(taken(vec![period("2025-01-01", AS_OF), period("2020-01-01", "2024-12-31")]));
    // A day between them is a gap: not observed.
    assert!(!taken(vec![period("2020-01-01", "2024-12-30"), period("2025-01-01", AS_OF)]));
    // A period open to the last date there is joins what follows, without overflowing.
    let open = |from: &str| ObservationPeriod { person_id: Some(1), start: Some(day(from)), end: Some(NaiveDate::MAX) };
    assert!(taken(vec![open("2020-01-01"), open("2021-01-01")]));
}

#[test]
fn a_condition_or_drug_found_outside_a_taken_history_still_excludes() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: None,
        condition_occurrence: Some(vec![condition(1, 443392, "2023-01-01")]), // malignancy
        drug_exposure: Some(vec![drug(42, "2025-05-01", Some("2025-05-25"))]),
        concept: Some(vec![named(42, "tacrolimus 1 MG Oral Capsule")]),
        ..OmopTables::default()
    };
    let p = run(&tables).persons[0].screened.clone().unwrap();
    assert!(!p.history_taken);
    assert_eq!(outcome(&p, CriterionId::ExcMalignancy), Outcome::Met);
    assert_eq!(outcome(&p, CriterionId::ExcImmunosuppressant), Outcome::Met);
    // Nothing found of a stroke, but the history is not taken: not known.
    assert_eq!(outcome(&p, CriterionId::ExcStroke), Outcome::Unknown);
}

#[test]
fn a_drug_the_medication_table_cannot_name_is_classified_by_its_atc_class_above_it() {
    let tables = |ancestors: Vec<ConceptAncestor>| OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: Some(vec![observed(1, "2020-01-01")]),
        drug_exposure: Some(vec![drug(42, "2025-05-01", Some("2025-05-25"))]),
        concept: Some(vec![
            concept(42, "Xyzzy 1 MG Oral Capsule", "RxNorm Extension", "OMOP42"),
            concept(21603890, "Calcineurin inhibitors", "ATC", "L04AD"),
            concept(21603891, "tacrolimus", "ATC", "L04AD02"),
        ]),
        concept_ancestor: Some(ancestors),
        ..OmopTables::default()
    };
    let up = |a: i64| ConceptAncestor { ancestor: Some(a), descendant: Some(42) };
    // Below the calcineurin inhibitors and tacrolimus: the substance, L04AD02, is read.
    let p = run(&tables(vec![up(21603890), up(21603891)])).persons[0].screened.clone().unwrap();
    assert_eq!(outcome(&p, CriterionId::ExcImmunosuppressant), Outcome::Met);
    // No ATC class above it: the name alone leaves it unknown.
    let p = run(&tables(vec![])).persons[0].screened.clone().unwrap();
    assert_eq!(outcome(&p, CriterionId::ExcImmunosuppressant), Outcome::Unknown);
}

#[test]
fn a_drug_below_atc_classes_that_read_differently_gets_no_code_and_stays_unknown() {
    let tables = |ancestors: Vec<i64>| OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: Some(vec![observed(1, "2020-01-01")]),
        drug_exposure: Some(vec![drug(42, "2025-05-01", Some("2025-05-25"))]),
        concept: Some(vec![
            concept(42, "Xyzzy 1 MG Oral Capsule", "RxNorm Extension", "OMOP42"),
            concept(21603891, "tacrolimus", "ATC", "L04AD02"),
            concept(21602723, "tacrolimus", "ATC", "D11AH01"),
            concept(21600713, "prednisolone", "ATC", "A07EA01"),
            concept(21602732, "ciclosporin", "ATC", "L04AD01"),
        ]),
        concept_ancestor: Some(
            ancestors.into_iter().map(|a| ConceptAncestor { ancestor: Some(a), descendant: Some(42) }).collect(),
        ),
        ..OmopTables::default()
    };
    let exc = |ancestors: Vec<i64>| {
        outcome(run(&tables(ancestors)).persons[0].screened.as_ref().unwrap(), CriterionId::ExcImmunosuppressant)
    };
    // Systemic L04AD02 and topical D11AH01 (the vocabulary links ATC to the ingredient): the
    // code that sorts first (D11AH01, topical) would have said not met; no code, unknown.
    assert_eq!(exc(vec![21603891, 21602723]), Outcome::Unknown);
    assert_eq!(exc(vec![21602723, 21603891]), Outcome::Unknown);
    // Two systemic calcineurin inhibitors read alike: counted.
    assert_eq!(exc(vec![21603891, 21602732]), Outcome::Met);
    // A local class alone: not systemic.
    assert_eq!(exc(vec![21600713]), Outcome::NotMet);
}

#[test]
fn an_unrecorded_end_is_read_both_ways_and_unknown_where_they_differ() {
    let tables = |drugs: Vec<DrugExposure>, mut conditions: Vec<ConditionOccurrence>| OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: Some(vec![observed(1, "2000-01-01")]),
        drug_exposure: Some(drugs),
        condition_occurrence: Some({
            conditions.push(condition(1, 201826, "2015-01-01")); // type 2 diabetes: not excluded by it
            conditions
        }),
        concept: Some(vec![named(42, "tacrolimus 1 MG Oral Capsule")]),
        concept_ancestor: Some(vec![]),
        ..OmopTables::default()
    };
    let screened = |t: &OmopTables| run(t).persons[0].screened.clone().unwrap();
    let malignancy = |start: &str, end: Option<&str>| ConditionOccurrence {
        person_id: Some(1),
        concept_id: Some(443392),
        start: Some(day(start)),
        end: end.map(day),
    };
    // Tacrolimus from 2019 with no end: ongoing would exclude, ended on its start would not.
    let p = screened(&tables(vec![drug(42, "2019-01-01", None)], vec![]));
    assert_eq!(outcome(&p, CriterionId::ExcImmunosuppressant), Outcome::Unknown);
    assert!(p.still_to_check.contains(&CriterionId::ExcImmunosuppressant));
    // Recorded ends decide: a course that ended in 2019 does not; one of two months up to the
    // look-back does.
    let p = screened(&tables(vec![drug(42, "2019-01-01", Some("2019-03-01"))], vec![]));
    assert_eq!(outcome(&p, CriterionId::ExcImmunosuppressant), Outcome::NotMet);
    let p = screened(&tables(vec![drug(42, "2025-04-01", Some("2025-05-30"))], vec![]));
    assert_eq!(outcome(&p, CriterionId::ExcImmunosuppressant), Outcome::Met);
    // A malignancy from 2010 with no end: within 5 years only if still present; unknown.
    let p = screened(&tables(vec![], vec![malignancy("2010-01-01", None)]));
    assert_eq!(outcome(&p, CriterionId::ExcMalignancy), Outcome::Unknown);
    // Resolved in 2011: not met. Diagnosed in 2024 with no end: within 5 years either way, met.
    let p = screened(&tables(vec![], vec![malignancy("2010-01-01", Some("2011-01-01"))]));
    assert_eq!(outcome(&p, CriterionId::ExcMalignancy), Outcome::NotMet);
    let p = screened(&tables(vec![], vec![malignancy("2024-01-01", None)]));
    assert_eq!(outcome(&p, CriterionId::ExcMalignancy), Outcome::Met);
    // A site that says what its nulls mean (`unrecorded_end`) gets that reading alone.
    let said = |reading: UnrecordedEnd| {
        let sets = ConceptSets { unrecorded_end: reading, ..ConceptSets::default() };
        let t = tables(vec![drug(42, "2019-01-01", None)], vec![malignancy("2010-01-01", None)]);
        let out = prescreen(&t, &sets, &ProtocolConfig::default(), day(AS_OF)).unwrap();
        let p = out.persons[0].screened.clone().unwrap();
        (outcome(&p, CriterionId::ExcImmunosuppressant), outcome(&p, CriterionId::ExcMalignancy))
    };
    assert_eq!(said(UnrecordedEnd::Ongoing), (Outcome::Met, Outcome::Met));
    assert_eq!(said(UnrecordedEnd::EndedOnStart), (Outcome::NotMet, Outcome::NotMet));
    assert_eq!(said(UnrecordedEnd::BothWays), (Outcome::Unknown, Outcome::Unknown));
    assert_eq!(ConceptSets::default().unrecorded_end, UnrecordedEnd::BothWays);
}

#[test]
fn without_concept_ancestor_no_absence_of_a_diagnosis_is_not_met() {
    let tables = |ancestors: Option<Vec<ConceptAncestor>>| OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: Some(vec![observed(1, "2020-01-01")]),
        condition_occurrence: Some(vec![condition(1, 4230254, "2019-01-01")]), // not in a set
        concept_ancestor: ancestors,
        ..OmopTables::default()
    };
    let given = run(&tables(Some(vec![]))).persons[0].screened.clone().unwrap();
    assert_eq!(outcome(&given, CriterionId::ExcMalignancy), Outcome::NotMet);
    assert_eq!(outcome(&given, CriterionId::IncType2Diabetes), Outcome::NotMet);
    let omitted = run(&tables(None)).persons[0].screened.clone().unwrap();
    assert_eq!(outcome(&omitted, CriterionId::ExcMalignancy), Outcome::Unknown);
    assert_eq!(outcome(&omitted, CriterionId::ExcStroke), Outcome::Unknown);
    assert_eq!(outcome(&omitted, CriterionId::IncType2Diabetes), Outcome::Unknown);
    // A diagnosis found is still found.
    let found = OmopTables {
        condition_occurrence: Some(vec![condition(1, 201826, "2019-01-01"), condition(1, 443392, "2023-01-01")]),
        ..tables(None)
    };
    let p = run(&found).persons[0].screened.clone().unwrap();
    assert_eq!(outcome(&p, CriterionId::IncType2Diabetes), Outcome::Met);
    assert_eq!(outcome(&p, CriterionId::ExcMalignancy), Outcome::Met);
}

#[test]
fn a_procedure_without_a_concept_is_its_rows_error() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        procedure_occurrence: Some(vec![ProcedureOccurrence {
            person_id: Some(1),
            concept_id: None,
            date: Some(day("2024-01-01")),
        }]),
        ..OmopTables::default()
    };
    let out = run(&tables);
    let kinds: Vec<_> = out.row_errors.iter().map(|e| (e.table, e.row, e.problem.kind())).collect();
    assert_eq!(kinds, [(Table::ProcedureOccurrence, 0, "missing")]);
}

#[test]
fn a_concept_listed_twice_is_a_row_error_and_its_first_row_is_read() {
    let mut units = units();
    units.push(Concept { concept_code: Some("mg/dL".into()), ..units[0].clone() }); // 8723 again, another code
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        measurement: Some(vec![lab(1, 3034485, "2025-05-20", 1500.0, MG_G)]),
        concept: Some(units),
        ..OmopTables::default()
    };
    let out = run(&tables);
    let kinds: Vec<_> = out.row_errors.iter().map(|e| (e.table, e.row, e.problem.kind())).collect();
    assert_eq!(kinds, [(Table::Concept, 5, "concept_listed_twice")]);
    assert_eq!(outcome(out.persons[0].screened.as_ref().unwrap(), CriterionId::IncUacr), Outcome::Met);
}

#[test]
fn a_found_condition_excludes_even_where_its_criterion_reads_conditions_omop_cannot_find() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: Some(vec![observed(1, "2020-01-01")]),
        // HIV, recorded as still present after the pre-screening date.
        condition_occurrence: Some(vec![ConditionOccurrence {
            end: Some(day("2026-01-01")),
            ..condition(1, 439727, "2019-01-01")
        }]),
        ..OmopTables::default()
    };
    let p = run(&tables).persons[0].screened.clone().unwrap();
    assert_eq!(outcome(&p, CriterionId::ExcTuberculosisHivImmunodeficiency), Outcome::Met);
    assert!(!p.not_excluded_by_record);
    assert!(p.still_to_check.is_empty(), "an excluded person has nothing left to check");
    // With no end recorded, "active on the pre-screening date" is not known from the row.
    let open = OmopTables { condition_occurrence: Some(vec![condition(1, 439727, "2019-01-01")]), ..tables };
    let p = run(&open).persons[0].screened.clone().unwrap();
    assert_eq!(outcome(&p, CriterionId::ExcTuberculosisHivImmunodeficiency), Outcome::Unknown);
}

#[test]
fn a_lacunar_infarction_below_cerebral_infarction_is_read_as_lacunar() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: Some(vec![observed(1, "2020-01-01")]),
        condition_occurrence: Some(vec![condition(1, 99, "2025-04-01")]),
        concept_ancestor: Some(vec![
            ConceptAncestor { ancestor: Some(443454), descendant: Some(99) },
            ConceptAncestor { ancestor: Some(4046360), descendant: Some(99) },
            ConceptAncestor { ancestor: Some(443454), descendant: Some(4046360) },
        ]),
        ..OmopTables::default()
    };
    let p = run(&tables).persons[0].screened.clone().unwrap();
    // A lacunar infarction excludes only with a residual deficit, which OMOP does not carry.
    assert_eq!(outcome(&p, CriterionId::ExcStroke), Outcome::Unknown);
}

#[test]
fn a_systemic_immunosuppressant_within_30_days_excludes_by_its_concept_name() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        observation_period: Some(vec![observed(1, "2020-01-01")]),
        drug_exposure: Some(vec![drug(42, "2025-05-01", Some("2025-05-25"))]),
        concept: Some(vec![named(42, "tacrolimus 1 MG Oral Capsule")]),
        ..OmopTables::default()
    };
    let p = run(&tables).persons[0].screened.clone().unwrap();
    assert_eq!(outcome(&p, CriterionId::ExcImmunosuppressant), Outcome::Met);
    // A drug whose concept is not in the concept table is unknown, not "not an immunosuppressant".
    let unnamed = OmopTables { concept: None, ..tables };
    let p = run(&unnamed).persons[0].screened.clone().unwrap();
    assert_eq!(outcome(&p, CriterionId::ExcImmunosuppressant), Outcome::Unknown);
}

#[test]
fn blood_pressure_sides_pair_by_date_and_a_side_alone_is_its_rows_error() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        measurement: Some(vec![
            lab(1, 3004249, "2025-05-20", 150.0, MMHG),
            lab(1, 3012888, "2025-05-20", 95.0, MMHG),
            lab(1, 3004249, "2025-05-21", 170.0, MMHG),
        ]),
        concept: Some(units()),
        ..OmopTables::default()
    };
    let out = run(&tables);
    let kinds: Vec<_> = out.row_errors.iter().map(|e| (e.row, e.problem.kind())).collect();
    assert_eq!(kinds, [(2, "unpaired_blood_pressure")]);
    assert_eq!(outcome(out.persons[0].screened.as_ref().unwrap(), CriterionId::IncBloodPressure), Outcome::Met);
}

#[test]
fn rows_after_the_prescreening_date_are_counted_and_not_read() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        measurement: Some(vec![lab(1, 3034485, "2025-07-01", 1500.0, MG_G)]),
        concept: Some(units()),
        ..OmopTables::default()
    };
    let out = run(&tables);
    assert_eq!(out.rows_after_as_of.get(&Table::Measurement), Some(&1));
    assert!(out.row_errors.is_empty());
    assert_eq!(outcome(out.persons[0].screened.as_ref().unwrap(), CriterionId::IncUacr), Outcome::Unknown);
}

#[test]
fn rows_of_concept_0_are_counted_as_unmapped_and_not_read() {
    let tables = OmopTables {
        person: vec![man_born(1, "1960-03-01")],
        measurement: Some(vec![lab(1, 0, "2025-05-01", 1500.0, MG_G), lab(1, 0, "2025-05-02", 1.2, MG_G)]),
        concept: Some(units()),
        ..OmopTables::default()
    };
    let out = run(&tables);
    assert_eq!(out.rows_unmapped.get(&Table::Measurement), Some(&2));
    assert!(out.row_errors.is_empty());
    assert_eq!(outcome(out.persons[0].screened.as_ref().unwrap(), CriterionId::IncUacr), Outcome::Unknown);
}

#[test]
fn a_synthetic_record_written_as_omop_prescreens_as_the_record_screens_for_every_criterion() {
    let sets = complete_concept_sets();
    let config = ProtocolConfig::default();
    let (mut compared, mut with_history, mut excluded_by_history) = (0, 0, 0);
    for record in crate::tools::synthetic::records(11).take(400) {
        let record = representable(record);
        let Ok(direct) = screen(&record, &config) else { continue };
        let out =
            prescreen(&to_omop(std::slice::from_ref(&record), &sets), &sets, &config, record.screening_date).unwrap();
        assert!(out.row_errors.is_empty(), "{}: {:?}", record.id, out.row_errors);
        let p = out.persons[0].screened.as_ref().unwrap();
        for (c, o) in direct.criteria.iter().zip(&p.outcomes) {
            assert_eq!(c.outcome, *o, "{} {}", record.id, c.id.slug());
        }
        assert_eq!(p.status, direct.status);
        compared += 1;
        with_history += usize::from(p.history_taken);
        let met = |id: CriterionId| direct.criterion(id.slug()).is_some_and(|c| c.outcome == Outcome::Met);
        excluded_by_history += usize::from(
            CriterionId::ALL.iter().any(|&id| !id.condition_kinds().is_empty() && met(id))
                || met(CriterionId::ExcImmunosuppressant),
        );
    }
    assert!(compared > 350, "only {compared} records compared");
    // The comparison reaches the history: most records carry one, and some are excluded by it.
    assert!(with_history > compared / 2 && excluded_by_history > 10, "{with_history} {excluded_by_history}");
}

#[test]
fn every_condition_a_criterion_reads_is_listed_for_it() {
    // A condition of a kind a criterion does not list leaves its outcome as it was.
    let base = representable(crate::tools::synthetic::records(3).next().unwrap());
    let mut base = base;
    (base.conditions, base.medications) = (Some(vec![]), Some(vec![]));
    let config = ProtocolConfig::default();
    let before = screen(&base, &config).unwrap();
    let kinds: Vec<ConditionKind> = serde_json::from_str(
        r#"["atrial_fibrillation","congenital_heart_disease","heart_failure","unstable_angina","cerebral_haemorrhage",
            "cerebral_infarction","lacunar_infarction","malignancy","active_tuberculosis","hiv","severe_immunodeficiency",
            "blood_product_allergy","heterologous_protein_allergy","hyperkalaemia","active_infection",
            "myocardial_infarction","acute_coronary_syndrome","severe_valvular_disease"]"#,
    )
    .unwrap();
    for kind in kinds {
        let mut r = base.clone();
        r.conditions = Some(vec![crate::eligibility::Condition {
            condition: kind,
            onset: Some(r.screening_date - chrono::TimeDelta::days(3)),
            resolved: None,
            nyha_class: Some(4),
            residual_deficit: Some(true),
            uncontrolled: Some(true),
            iv_antibiotics: Some(true),
        }]);
        let after = screen(&r, &config).unwrap();
        for (b, a) in before.criteria.iter().zip(&after.criteria) {
            if !b.id.condition_kinds().contains(&kind) {
                assert_eq!(b.outcome, a.outcome, "{} changed by {kind:?}", b.id.slug());
            }
        }
        assert!(after.criteria.iter().any(|c| c.id.condition_kinds().contains(&kind) && c.outcome == Outcome::Met));
    }
}

/// The synthetic tables made less exact in the ways the readings must absorb, each on or off:
/// births known to the year only; the end of every `ends_every`-th condition and drug exposure
/// not recorded; diagnoses and measurements coded one level below their sets' concepts, with
/// `concept_ancestor` saying so (which loses nothing).
fn less_exact(mut t: OmopTables, year_only: bool, ends_every: Option<usize>, descendants: bool) -> OmopTables {
    if year_only {
        for p in &mut t.person {
            (p.month_of_birth, p.day_of_birth, p.birth_date) = (None, None, None);
        }
    }
    let mut ancestors = t.concept_ancestor.take().unwrap_or_default();
    let mut below = |concept: &mut Option<i64>| {
        if let (true, Some(id)) = (descendants, *concept) {
            let child = id + 9_000_000_000;
            ancestors.push(ConceptAncestor { ancestor: Some(id), descendant: Some(child) });
            *concept = Some(child);
        }
    };
    let unrecorded = |i: usize| ends_every.is_some_and(|k| i % k == 0);
    for (i, c) in t.condition_occurrence.iter_mut().flatten().enumerate() {
        below(&mut c.concept_id);
        if unrecorded(i) {
            c.end = None;
        }
    }
    for m in t.measurement.iter_mut().flatten() {
        below(&mut m.concept_id);
    }
    for (i, d) in t.drug_exposure.iter_mut().flatten().enumerate() {
        if unrecorded(i) {
            d.end = None;
        }
    }
    ancestors.sort_by_key(|a| (a.ancestor, a.descendant));
    ancestors.dedup();
    t.concept_ancestor = Some(ancestors);
    t
}

/// Each person's outcomes, none for a refused one.
fn outcomes_of(tables: &OmopTables, as_of: NaiveDate) -> Vec<Option<Vec<Outcome>>> {
    let out = prescreen(tables, &complete_concept_sets(), &ProtocolConfig::default(), as_of).unwrap();
    out.persons.iter().map(|p| p.screened.as_ref().map(|s| s.outcomes.clone())).collect()
}

#[test]
fn less_exact_tables_turn_some_outcomes_unknown_and_descendants_change_none() {
    let records: Vec<_> = crate::tools::synthetic::records(3).take(200).map(representable).collect();
    let as_of = records.iter().map(|r| r.screening_date).max().unwrap();
    let clean = outcomes_of(&to_omop(&records, &complete_concept_sets()), as_of);
    let below = outcomes_of(&less_exact(to_omop(&records, &complete_concept_sets()), false, None, true), as_of);
    assert_eq!(below, clean, "a diagnosis or measurement one level below its set's concept is read the same");
    let vaguer = outcomes_of(&less_exact(to_omop(&records, &complete_concept_sets()), true, Some(1), true), as_of);
    let newly_unknown = clean
        .iter()
        .zip(&vaguer)
        .flat_map(|(c, v)| c.iter().flatten().zip(v.iter().flatten()))
        .filter(|(c, v)| **c != Outcome::Unknown && **v == Outcome::Unknown)
        .count();
    // The age at the limits, and the courses and conditions that an end decides.
    assert!(newly_unknown > 20, "only {newly_unknown} outcomes became unknown");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The order of a table's rows changes no outcome (only the rows errors name), where no lab
    /// series has two values on one date (then the later row wins, as the later entry of a
    /// record's list does).
    #[test]
    fn the_order_of_rows_does_not_change_any_outcome(seed in 0u64..1_000, rotate in 0usize..50) {
        let sets = complete_concept_sets();
        let config = ProtocolConfig::default();
        let record = representable(crate::tools::synthetic::records(seed).next().unwrap());
        let labs = &record.labs;
        let one_per_date = |dates: Vec<NaiveDate>| {
            let mut sorted = dates.clone();
            sorted.sort();
            sorted.dedup();
            sorted.len() == dates.len()
        };
        prop_assume!([&labs.urine_protein_24h, &labs.uacr, &labs.creatinine, &labs.cystatin_c, &labs.hba1c,
            &labs.triglycerides, &labs.ldl_cholesterol, &labs.potassium]
            .iter()
            .all(|series| one_per_date(series.iter().map(|e| e.date).collect())));
        let tables = to_omop(std::slice::from_ref(&record), &sets);
        let mut shuffled = tables.clone();
        if let Some(m) = shuffled.measurement.as_mut() {
            let n = m.len().max(1);
            m.rotate_left(rotate % n);
        }
        if let Some(d) = shuffled.drug_exposure.as_mut() {
            d.reverse();
        }
        if let Some(c) = shuffled.condition_occurrence.as_mut() {
            c.reverse();
        }
        let a = prescreen(&tables, &sets, &config, record.screening_date).unwrap();
        let b = prescreen(&shuffled, &sets, &config, record.screening_date).unwrap();
        prop_assert_eq!(&a.persons[0].screened.as_ref().map(|p| p.outcomes.clone()),
                        &b.persons[0].screened.as_ref().map(|p| p.outcomes.clone()));
    }

    /// What less exact tables say is what exact ones say, or unknown: a birth known to the year,
    /// an end not recorded or a concept one level down never turns a met into a not met or the
    /// reverse.
    #[test]
    fn less_exact_tables_change_an_outcome_only_to_unknown(
        seed in 0u64..1_000, year_only in any::<bool>(), every in 1usize..4, descendants in any::<bool>()
    ) {
        let records: Vec<_> = crate::tools::synthetic::records(seed).take(20).map(representable).collect();
        let as_of = records.iter().map(|r| r.screening_date).max().unwrap();
        let clean = outcomes_of(&to_omop(&records, &complete_concept_sets()), as_of);
        let vaguer = outcomes_of(
            &less_exact(to_omop(&records, &complete_concept_sets()), year_only, Some(every), descendants), as_of);
        for (person, (c, v)) in clean.iter().zip(&vaguer).enumerate() {
            prop_assert_eq!(c.is_some(), v.is_some(), "person {} refused in one reading only", person);
            for (k, (c, v)) in c.iter().flatten().zip(v.iter().flatten()).enumerate() {
                prop_assert!(c == v || *v == Outcome::Unknown,
                    "person {} {}: {:?} became {:?}", person, CriterionId::ALL[k].slug(), c, v);
            }
        }
    }

    /// Attrition adds up: every person read is excluded at one step or remains at the end.
    #[test]
    fn attrition_accounts_for_every_person(seed in 0u64..1_000, n in 1usize..30) {
        let sets = complete_concept_sets();
        let config = ProtocolConfig::default();
        let as_of = day(AS_OF);
        let records: Vec<_> = crate::tools::synthetic::records(seed).take(n).map(representable).collect();
        let tables = to_omop(&records, &sets);
        let out = prescreen(&tables, &sets, &config, as_of).unwrap();
        let steps = attrition(&out.persons);
        let excluded: usize = steps.iter().map(|s| s.excluded).sum();
        prop_assert_eq!(excluded + steps.last().unwrap().remaining, n);
        prop_assert_eq!(steps.len(), CriterionId::ALL.len() + 1);
        prop_assert!(steps.windows(2).all(|w| w[1].remaining <= w[0].remaining));
        let not_excluded = out.persons.iter().filter(|p| p.screened.as_ref().is_some_and(|s| s.not_excluded_by_record)).count();
        prop_assert_eq!(not_excluded, steps.last().unwrap().remaining);
    }
}
