//! The shared endpoint vectors (tests/vectors/endpoints/participants.json), computed by hand
//! from docs/endpoints.md (not from this library): participant derivations, refused timelines
//! and the statistics.

use amimestrocel_dkd::endpoints::stats::{kaplan_meier, summarise, wilson, KmInterval, QuantileMethod};
use amimestrocel_dkd::endpoints::{derive, EndpointConfig, ParticipantTimeline};
use amimestrocel_dkd::schedule::ScheduleConfig;
use serde_json::Value;

fn doc() -> Value {
    let path = format!("{}/../tests/vectors/endpoints/participants.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Every key of `want` matches `got` (numbers to 1e-9 relative; objects recursively).
fn matches(got: &Value, want: &Value, what: &str) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{what}: {g} != {w}");
        }
        (Value::Object(g), Value::Object(w)) => {
            for (k, v) in w {
                matches(g.get(k).unwrap_or(&Value::Null), v, &format!("{what}.{k}"));
            }
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{what}: length");
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                matches(g, w, &format!("{what}[{i}]"));
            }
        }
        (g, w) => assert_eq!(g, w, "{what}"),
    }
}

#[test]
fn participant_derivations_match_the_hand_computed_vectors() {
    let doc = doc();
    let plan = ScheduleConfig::bundled().unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 4);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let config = match case.get("config") {
            Some(c) => EndpointConfig::from_json(&c.to_string()).unwrap(),
            None => EndpointConfig::default(),
        };
        let timeline = ParticipantTimeline::from_json(&case["timeline"].to_string()).unwrap().check().unwrap();
        let got = serde_json::to_value(derive(&timeline, &plan, &config).unwrap()).unwrap();
        let expect = case["expect"].as_object().unwrap();
        for (key, want) in expect {
            match key.as_str() {
                "rows" => {
                    let rows = got["rows"].as_array().unwrap();
                    for w in want.as_array().unwrap() {
                        // A value counts once per visit that shares its target (d28 and w4):
                        // rows are told apart by their visit too.
                        let key = |r: &Value| (r["paramcd"].clone(), r["adt"].clone(), r["avisit"].clone());
                        let found: Vec<&Value> = rows.iter().filter(|r| key(r) == key(w)).collect();
                        let what = format!("{name}: row {} {} {}", w["paramcd"], w["adt"], w["avisit"]);
                        assert_eq!(found.len(), 1, "{what}");
                        matches(found[0], w, &what);
                    }
                    if want.as_array().unwrap().is_empty() {
                        assert!(rows.is_empty(), "{name}: rows");
                    }
                }
                "unusable" => {
                    assert_eq!(got["unusable"].as_array().unwrap().len() as u64, want.as_u64().unwrap(), "{name}")
                }
                _ => matches(&got[key], want, &format!("{name}.{key}")),
            }
        }
    }
}

#[test]
fn refused_timelines_match_the_vectors() {
    let doc = doc();
    for case in doc["errors"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let e = ParticipantTimeline::from_json(&case["timeline"].to_string())
            .and_then(ParticipantTimeline::check)
            .unwrap_err();
        assert_eq!(e.kind(), case["kind"].as_str().unwrap(), "{name}");
        assert_eq!(e.path(), case["path"].as_str().unwrap(), "{name}");
    }
}

#[test]
fn statistics_match_the_hand_computed_vectors() {
    let doc = doc();
    let s = &doc["statistics"];
    for w in s["wilson"].as_array().unwrap() {
        let p = wilson(w["events"].as_u64().unwrap() as usize, w["n"].as_u64().unwrap() as usize, 0, 0.95).unwrap();
        let (lo, hi) = p.ci.unwrap();
        let tol = w["tolerance"].as_f64().unwrap();
        assert!((lo - w["lower"].as_f64().unwrap()).abs() < tol && (hi - w["upper"].as_f64().unwrap()).abs() < tol);
    }
    for w in s["kaplan_meier"].as_array().unwrap() {
        let times: Vec<f64> = w["times"].as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
        let events: Vec<bool> = w["events"].as_array().unwrap().iter().map(|e| e.as_bool().unwrap()).collect();
        let km = serde_json::to_value(kaplan_meier(&times, &events, 0.95, KmInterval::LogLog).unwrap()).unwrap();
        let steps = km["steps"].as_array().unwrap();
        for (field, column) in [("time", "time"), ("at_risk", "at_risk"), ("survival", "survival"), ("se", "se")] {
            let got: Vec<Value> = steps.iter().map(|s| s[column].clone()).collect();
            matches(&Value::Array(got), &w[field], &format!("kaplan_meier.{field}"));
        }
        matches(&km["median"], &w["median"], "kaplan_meier.median");
    }
    for w in s["summary"].as_array().unwrap() {
        let values: Vec<Option<f64>> = w["values"].as_array().unwrap().iter().map(Value::as_f64).collect();
        let got = serde_json::to_value(summarise(&values, 0.95, QuantileMethod::Type7).unwrap()).unwrap();
        for key in ["n", "missing", "mean", "sd", "median", "q1", "q3", "min", "max"] {
            matches(&got[key], &w[key], &format!("summary.{key}"));
        }
    }
}
