//! OMOP concept sets as JSON (`omop::ConceptSets::from_json`). Invariants: accepted sets
//! validate, write back to JSON that reads back equal, and pre-screen a small set of tables
//! without trouble; refused ones give a typed error with a kind.
#![no_main]
use amimestrocel_dkd::eligibility::ProtocolConfig;
use amimestrocel_dkd::omop::{prescreen, ConceptSets, Measurement, OmopTables, Person};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sets = match ConceptSets::from_json(text) {
        Ok(sets) => sets,
        Err(e) => {
            assert!(!e.kind().is_empty() && !e.to_string().is_empty());
            return;
        }
    };
    sets.validate().expect("accepted sets are valid");
    let json = serde_json::to_string(&sets).expect("sets serialise");
    assert_eq!(ConceptSets::from_json(&json).expect("what was written reads back"), sets);
    let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).expect("a date");
    let tables = OmopTables {
        person: vec![Person { person_id: Some(1), gender_concept_id: Some(8507), year_of_birth: Some(1960), ..Person::default() }],
        measurement: Some(vec![Measurement {
            person_id: Some(1),
            concept_id: Some(3034485),
            date: Some(day),
            value: Some(1500.0),
            unit_concept_id: Some(8723),
            ..Measurement::default()
        }]),
        ..OmopTables::default()
    };
    let out = prescreen(&tables, &sets, &ProtocolConfig::default(), day).expect("valid sets pre-screen");
    assert_eq!(out.persons.len(), 1);
});
