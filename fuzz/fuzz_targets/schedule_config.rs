//! The schedule configuration (a whole plan) and readings changes, as JSON. Invariants: an
//! accepted plan validates, writes back to JSON that reads back equal, and builds a calendar
//! (or refuses a date out of range) for a participant; a readings change either is refused
//! with a typed error or gives a plan that validates.
#![no_main]
use amimestrocel_dkd::schedule::{Calendar, ScheduleConfig};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let bundled = ScheduleConfig::bundled().expect("the bundled plan reads");
    if let Ok(changed) = bundled.with_readings_json(text) {
        changed.validate().expect("a plan with accepted readings is valid");
        let day_one = NaiveDate::from_ymd_opt(2025, 3, 3).expect("a date");
        Calendar::build(&changed, day_one, false).expect("the protocol's visits are datable from 2025");
    }
    let Ok(plan) = ScheduleConfig::from_json(text) else { return };
    plan.validate().expect("an accepted plan is valid");
    let json = serde_json::to_string(&plan).expect("a plan serialises");
    assert_eq!(ScheduleConfig::from_json(&json).expect("what was written reads back"), plan);
    for day_one in [NaiveDate::from_ymd_opt(2025, 3, 3), Some(NaiveDate::MIN), Some(NaiveDate::MAX)].into_iter().flatten() {
        if let Ok(calendar) = Calendar::build(&plan, day_one, false) {
            assert_eq!(calendar.visits.len(), plan.visits.len());
            assert!(calendar.visits.iter().all(|v| v.window().contains(v.target)));
        }
    }
});
