//! Screening records as JSON text: read, check, screen. Invariants: a record that reads writes
//! back to JSON that reads back equal; a screening answers every criterion; no error message
//! repeats the record's id.
#![no_main]
use amimestrocel_dkd::eligibility::{screen, CriterionId, ProtocolConfig, ScreeningRecord};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = ScreeningRecord::id_in_json(text);
    let record = match ScreeningRecord::from_json(text) {
        Ok(r) => r,
        Err(e) => {
            let _ = (e.kind(), e.path(), e.to_string());
            return;
        }
    };
    let json = serde_json::to_string(&record).expect("a record serialises");
    assert_eq!(ScreeningRecord::from_json(&json).expect("what was written reads back"), record);
    match screen(&record, &ProtocolConfig::default()) {
        Ok(result) => {
            assert_eq!(result.criteria.len(), CriterionId::ALL.len());
            for c in &result.criteria {
                let _ = c.reason.to_string();
            }
            let _ = serde_json::to_string(&result).expect("a result serialises");
        }
        Err(e) => {
            let message = e.to_string();
            if record.id.len() >= 8 && record.id.chars().all(|c| c.is_ascii_alphanumeric()) {
                assert!(!message.contains(&record.id), "an error message repeats the id");
            }
        }
    }
});
