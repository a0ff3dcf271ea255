//! The protocol configuration as JSON. Invariants: an accepted configuration validates, writes
//! back to JSON that reads back equal, and screens a record without trouble.
#![no_main]
use amimestrocel_dkd::eligibility::{screen, ProtocolConfig, ScreeningRecord};
use libfuzzer_sys::fuzz_target;

const BASE: &str = include_str!("../../tests/vectors/eligibility/base_record.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(config) = ProtocolConfig::from_json(text) else { return };
    config.validate().expect("an accepted configuration is valid");
    let json = serde_json::to_string(&config).expect("a configuration serialises");
    let back = ProtocolConfig::from_json(&json).expect("what was written reads back");
    assert_eq!(back, config);
    let record = ScreeningRecord::from_json(BASE).expect("the base record reads");
    let _ = amimestrocel_dkd::eligibility::criteria(&config);
    screen(&record, &config).expect("the base record screens under any accepted configuration");
});
