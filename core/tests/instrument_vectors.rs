//! The shared instrument vectors (tests/vectors/instruments/scoring.json), computed by hand from
//! docs/instruments.md (not from this library): scores, answer errors and the TCM efficacy index.

use amimestrocel_dkd::instrument::{efficacy, score, Answer, EfficacyThresholds, Instrument, ScoreRules};
use serde_json::Value;
use std::collections::BTreeMap;

fn doc() -> Value {
    let path = format!("{}/../tests/vectors/instruments/scoring.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn answer(v: &Value) -> Answer {
    match v {
        Value::Number(n) => Answer::Value(u8::try_from(n.as_u64().unwrap()).unwrap()),
        Value::String(s) if s == "not_applicable" => Answer::NotApplicable,
        Value::String(s) if s == "skipped" => Answer::Skipped,
        other => panic!("not an answer: {other}"),
    }
}

/// `got` against `want`, a number or null; a key missing from the vector is a mistake in it.
fn close(got: Option<f64>, want: Option<&Value>, what: &str) {
    let want = want.unwrap_or_else(|| panic!("{what}: the vector does not give it"));
    match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{what}: {g} != {w}"),
        (g, w) => panic!("{what}: {g:?} != {w:?}"),
    }
}

#[test]
fn scores_match_the_hand_computed_vectors() {
    let doc = doc();
    let cases = doc["scores"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let inst = Instrument::bundled(case["instrument"].as_str().unwrap()).unwrap();
        let mut answers = BTreeMap::new();
        if let Some(all) = case.get("all") {
            for (_, item) in inst.items() {
                answers.insert(item.id.clone(), answer(all));
            }
        }
        for (item, a) in case["answers"].as_object().unwrap() {
            answers.insert(item.clone(), answer(a));
        }
        let rules: ScoreRules = match case.get("rules") {
            Some(r) => serde_json::from_value(r.clone()).unwrap(),
            None => inst.default_rules(),
        };
        let scores = score(&inst, &answers, &rules).unwrap();
        let expected = case["expected"]["sections"].as_object().unwrap();
        assert_eq!(scores.sections.len(), expected.len(), "{name}");
        for s in &scores.sections {
            let want = &expected[&s.section];
            close(s.raw, want.get("raw"), &format!("{name} {} raw", s.section));
            close(s.transformed, want.get("transformed"), &format!("{name} {} transformed", s.section));
            assert_eq!(s.prorated, want["prorated"].as_bool().unwrap(), "{name} {}", s.section);
        }
        close(scores.total, case["expected"].get("total"), &format!("{name} total"));
        close(
            scores.total_transformed,
            case["expected"].get("total_transformed"),
            &format!("{name} total_transformed"),
        );
    }
}

#[test]
fn answer_errors_match_the_vectors() {
    let doc = doc();
    for case in doc["answer_errors"].as_array().unwrap() {
        let inst = Instrument::bundled(case["instrument"].as_str().unwrap()).unwrap();
        let err = inst.check_answer(case["item"].as_str().unwrap(), &answer(&case["answer"])).unwrap_err();
        assert_eq!(err.kind(), case["error"]["kind"], "{}", case["name"]);
        assert_eq!(err.path(), case["error"]["path"], "{}", case["name"]);
    }
}

#[test]
fn efficacy_matches_the_vectors() {
    let doc = doc();
    for case in doc["efficacy"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let thresholds: EfficacyThresholds = match case.get("thresholds") {
            Some(t) => serde_json::from_value(t.clone()).unwrap(),
            None => EfficacyThresholds::default(),
        };
        let got = efficacy(case["pre"].as_f64().unwrap(), case["post"].as_f64().unwrap(), &thresholds);
        match case.get("error") {
            Some(e) => assert_eq!(got.unwrap_err().kind(), e["kind"], "{name}"),
            None => {
                let got = got.unwrap();
                close(Some(got.index_percent), case.get("index_percent"), name);
                assert_eq!(serde_json::to_value(got.category).unwrap(), case["category"], "{name}");
            }
        }
    }
}
