//! A saved response session, as JSON, resumed against the bundled DQOL and TCM score (as the
//! saved text, and as a session saved again with a correct checksum); and the same bytes read
//! as a sequence of operations on a session. Invariants: an accepted save
//! writes back to itself, scores and exports; any sequence of operations leaves a session that
//! saves and resumes equal, and a refused operation changes nothing.
#![no_main]
use amimestrocel_dkd::instrument::{fhir, Answer, Instrument, Session};
use chrono::{DateTime, Duration};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The bundled instruments, read once (reading them is most of the time of a run otherwise).
fn instruments() -> &'static [Instrument; 2] {
    static BUNDLED: OnceLock<[Instrument; 2]> = OnceLock::new();
    BUNDLED.get_or_init(|| [Instrument::dqol().expect("DQOL"), Instrument::tcm_dkd().expect("TCM")])
}

fuzz_target!(|data: &[u8]| {
    let instruments = instruments();
    if let Ok(text) = std::str::from_utf8(data) {
        // The bytes as a session itself, saved with a correct checksum: what a faulty writer
        // (not damage) could leave; resuming checks the audit trail and the answers.
        if let Ok(session) = Session::unchecked_from_json(text) {
            for inst in instruments {
                if let Ok(resumed) = Session::resume(inst, &session.to_json()) {
                    assert_eq!(resumed, session);
                    resumed.scores(inst, &inst.default_rules()).expect("a resumed session scores");
                }
            }
        }
        for inst in instruments {
            if let Ok(session) = Session::resume(inst, text) {
                let again = Session::resume(inst, &session.to_json()).expect("its own save resumes");
                assert_eq!(again, session, "an accepted save writes back to itself");
                session.scores(inst, &inst.default_rules()).expect("an accepted save scores");
                fhir::questionnaire_response(inst, &session).expect("and exports");
            }
        }
    }
    let Some((&which, ops)) = data.split_first() else { return };
    let inst = &instruments[usize::from(which % 2)];
    let items: Vec<String> = inst.items().map(|(_, i)| i.id.clone()).collect();
    let t0 = DateTime::parse_from_rfc3339("2025-04-01T10:00:00+08:00").expect("a time");
    let mut session = Session::start(inst, "S", "v", "en", t0).expect("a session starts");
    // At most 64 operations: longer sequences add time, not new states.
    for (n, op) in ops.chunks(2).take(64).enumerate() {
        let [what, value] = op else { break };
        let item = &items[usize::from(*what) % items.len()];
        let at = t0 + Duration::seconds(n as i64);
        let before = session.clone();
        let result = match what >> 5 {
            0 => session.clear(inst, item, at),
            1 => session.not_applicable(inst, item, at),
            2 => session.skip(inst, item, at),
            3 => session.complete(inst, at, &inst.default_rules()).map(|_| ()),
            _ => session.set(inst, item, Some(Answer::Value(*value % 8)), at),
        };
        if result.is_err() {
            assert_eq!(session, before, "a refused operation changes nothing");
        }
    }
    let resumed = Session::resume(inst, &session.to_json()).expect("a session resumes from its own save");
    assert_eq!(resumed, session);
});
