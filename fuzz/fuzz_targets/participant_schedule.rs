//! A participant's schedule as JSON (what a site or a phone sends). Invariants: an accepted
//! schedule writes back to JSON that reads back equal; its status on a date (each of a few
//! readings) either is a typed error or assigns every observation dated on or before the date
//! exactly once, gives each visit a state consistent with its assignments, and serialises.
#![no_main]
use amimestrocel_dkd::schedule::{AssignmentRole, ParticipantSchedule, ScheduleConfig, VisitState};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(participant) = ParticipantSchedule::from_json(text) else { return };
    let json = serde_json::to_string(&participant).expect("a schedule serialises");
    assert_eq!(ParticipantSchedule::from_json(&json).expect("what was written reads back"), participant);
    let bundled = ScheduleConfig::bundled().expect("the bundled plan reads");
    let plans = [
        bundled.clone(),
        bundled.with_readings_json(r#"{"delayed_infusion": "shifts_later", "follow_up_from": "last_infusion"}"#).expect("readings"),
    ];
    let dates = [participant.observations.iter().map(|o| o.date).max(), NaiveDate::from_ymd_opt(2026, 1, 1)];
    for plan in &plans {
        for on in dates.into_iter().flatten() {
            let Ok(status) = participant.status(plan, on) else { continue };
            let considered = participant.observations.iter().filter(|o| o.date <= on).count();
            assert_eq!(status.assignments.len(), considered);
            for a in &status.assignments {
                assert_eq!(a.visits.is_empty(), a.role == AssignmentRole::Unscheduled);
            }
            for v in &status.visits {
                let attended = status.assignments.iter().any(|a| a.visits.contains(&v.visit));
                assert_eq!(attended, matches!(v.state, VisitState::Done | VisitState::DoneOutOfWindow));
            }
            serde_json::to_string(&status).expect("a status serialises");
        }
    }
});
