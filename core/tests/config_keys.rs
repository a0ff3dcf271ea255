//! Every configuration reader refuses a JSON object that names a key twice, at that key:
//! serde_json would read a map's repeated key as its last value without a word (a reading set
//! twice, a concept set whose first list is lost, a text replaced in one language).

use amimestrocel_dkd::eligibility::ProtocolConfig;
use amimestrocel_dkd::endpoints::EndpointConfig;
use amimestrocel_dkd::instrument::{Instrument, BUNDLED_TCM_DKD};
use amimestrocel_dkd::omop::ConceptSets;
use amimestrocel_dkd::remedy::ReportedError;
use amimestrocel_dkd::schedule::ScheduleConfig;

fn refused_at<E: ReportedError>(result: Result<impl std::fmt::Debug, E>) -> String {
    let e = result.unwrap_err();
    assert!(e.to_string().contains("given twice"), "{e}");
    e.path().to_owned()
}

#[test]
fn schedule_readings_and_plans_refuse_a_key_given_twice() {
    let plan = ScheduleConfig::bundled().unwrap();
    assert_eq!(refused_at(plan.with_readings_json(r#"{"overdue_days": 7, "overdue_days": 30}"#)), "overdue_days");
    let mut text = serde_json::to_string(&plan).unwrap();
    text.insert_str(1, r#""version": "a","#);
    assert_eq!(refused_at(ScheduleConfig::from_json(&text)), "version");
}

#[test]
fn concept_sets_refuse_a_series_given_twice() {
    let sets = serde_json::to_string(&ConceptSets::default()).unwrap();
    let text = sets.replacen(r#""measurements":{"#, r#""measurements":{"uacr":[1],"#, 1);
    assert_ne!(text, sets);
    assert_eq!(refused_at(ConceptSets::from_json(&text)), "measurements.uacr");
}

#[test]
fn an_instrument_refuses_a_text_given_twice_in_one_language() {
    let text = BUNDLED_TCM_DKD.replacen(r#""en": "#, r#""en": "first", "en": "#, 1);
    assert_ne!(text, BUNDLED_TCM_DKD);
    assert!(refused_at(Instrument::from_json(&text)).ends_with(".en"));
}

#[test]
fn eligibility_and_endpoint_configurations_refuse_a_key_given_twice() {
    assert_eq!(
        refused_at(ProtocolConfig::from_json(r#"{"egfr_lookback_days": 30, "egfr_lookback_days": 90}"#)),
        "egfr_lookback_days"
    );
    let endpoint = serde_json::to_string(&EndpointConfig::default()).unwrap();
    let (key, _) = endpoint[2..].split_once('"').unwrap();
    let text = format!(r#"{{"{key}": null, {}"#, &endpoint[1..]);
    assert_eq!(refused_at(EndpointConfig::from_json(&text)), key);
}

#[test]
fn an_instrument_reads_objects_never_arrays_of_their_fields() {
    // serde would read a struct from an array of its fields in order: a slip, refused.
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_TCM_DKD).unwrap();
    v["scales"][0] = serde_json::json!(["primary", []]);
    let e = Instrument::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.path(), "scales[0]", "{e}");
    assert!(Instrument::from_json(r#"["tcm-dkd"]"#).is_err());
}
