//! Dates as entered: `parse_iso_date` accepts only `YYYY-MM-DD`, and what it accepts is written
//! back the same.
#![no_main]
use amimestrocel_dkd::date::parse_iso_date;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(date) = parse_iso_date(text) {
        assert_eq!(date.to_string(), text, "an accepted date is its own canonical text");
    }
});
