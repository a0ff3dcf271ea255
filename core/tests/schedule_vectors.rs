//! The shared schedule vectors (tests/vectors/schedule/), computed by hand from docs/schedule.md
//! (not from this library): calendars, and visit status, assignments, deviations and the next
//! visit of participants on a date.

use amimestrocel_dkd::schedule::{Calendar, ParticipantSchedule, ScheduleConfig};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = format!("{}/../tests/vectors/schedule/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let cases = doc["cases"].as_array().unwrap().clone();
    assert!(cases.len() >= 8, "{name}: too few cases");
    cases
}

fn plan(case: &Value) -> ScheduleConfig {
    let plan = ScheduleConfig::bundled().unwrap();
    match case.get("readings") {
        Some(r) => plan.with_readings_json(&r.to_string()).unwrap(),
        None => plan,
    }
}

fn date(v: &Value) -> chrono::NaiveDate {
    amimestrocel_dkd::date::parse_iso_date(v.as_str().unwrap()).unwrap()
}

#[test]
fn calendars_match_the_hand_computed_vectors() {
    for case in load("calendar.json") {
        let name = case["name"].as_str().unwrap();
        let participant = ParticipantSchedule {
            id: name.into(),
            first_infusion: case.get("first_infusion").map(date),
            planned_first_infusion: case.get("planned_first_infusion").map(date),
            observations: vec![],
            screening_date: None,
            left_study: None,
        };
        let anchor = participant.anchor().unwrap();
        let calendar = Calendar::build(&plan(&case), anchor.day_one, anchor.planned).unwrap();
        assert_eq!(calendar.anchor.planned, case["planned"].as_bool().unwrap(), "{name}");
        let expected = case["visits"].as_array().unwrap();
        assert_eq!(calendar.visits.len(), expected.len(), "{name}");
        for (got, want) in calendar.visits.iter().zip(expected) {
            let got = serde_json::json!({
                "visit": got.visit, "target": got.target.to_string(), "study_day": got.study_day,
                "window_first": got.window_first.to_string(), "window_last": got.window_last.to_string(),
            });
            assert_eq!(&got, want, "{name}");
        }
    }
}

#[test]
fn statuses_assignments_deviations_and_next_visit_match_the_vectors() {
    for case in load("status.json") {
        let name = case["name"].as_str().unwrap();
        let participant = ParticipantSchedule::from_json(&case["participant"].to_string()).unwrap();
        let result = participant.status(&plan(&case), date(&case["on"]));
        if let Some(error) = case.get("error") {
            let err = result.expect_err(name);
            assert_eq!(
                (err.kind(), err.path()),
                (error["kind"].as_str().unwrap(), error["path"].as_str().unwrap()),
                "{name}"
            );
            continue;
        }
        let status = result.unwrap();
        let json = serde_json::to_value(&status).unwrap();
        for v in json["visits"].as_array().unwrap() {
            let id = v["visit"].as_str().unwrap();
            assert_eq!(v["state"], case["statuses"][id], "{name}: {id}");
        }
        assert_eq!(json["visits"].as_array().unwrap().len(), case["statuses"].as_object().unwrap().len(), "{name}");
        assert_eq!(json["next_visit"], case["next_visit"], "{name}");
        let assignments: Vec<Value> = json["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| serde_json::json!({"observation": a["observation"], "visits": a["visits"], "role": a["role"]}))
            .collect();
        assert_eq!(Value::Array(assignments), case["assignments"], "{name}: assignments");
        let deviations: Vec<Value> = json["deviations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                // The vectors give a date for an extra infusion only (its one detail).
                let mut d = d.clone();
                if d["kind"] != "extra_infusion" {
                    d.as_object_mut().unwrap().remove("date");
                }
                d
            })
            .collect();
        assert_eq!(Value::Array(deviations), case["deviations"], "{name}: deviations");
        if let Some(targets) = case.get("targets").and_then(Value::as_object) {
            for (id, want) in targets {
                assert_eq!(
                    status.calendar.visit(id).unwrap().target.to_string(),
                    want.as_str().unwrap(),
                    "{name}: {id}"
                );
            }
        }
    }
}
