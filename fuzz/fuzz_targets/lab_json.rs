//! Lab values from JSON (`{"value": …, "unit": "…"}`) for an analyte chosen by the first byte.
//! Invariant: an accepted value writes back to JSON that reads back to the same value.
#![no_main]
use amimestrocel_dkd::lab::{AnalyteKind, Measurement};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let analyte = AnalyteKind::ALL[usize::from(pick) % AnalyteKind::ALL.len()];
    if let Ok(m) = Measurement::from_json(analyte, text) {
        let json = serde_json::to_string(&m).expect("a measurement serialises");
        let back = Measurement::from_json(analyte, &json).expect("what was written reads back");
        assert_eq!(back, m);
    }
});
