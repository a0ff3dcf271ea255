//! A participant's timeline as JSON (what a site's data export sends), with an endpoint
//! configuration as JSON after a NUL byte. Invariants: an accepted timeline writes back to JSON
//! that reads back equal; a checked one derives without panicking under the default and the
//! given configuration; every analysis value is finite, a change is the value less the baseline,
//! at most one value per parameter and visit is the visit's, a time to event is not negative;
//! the cohort report and the CSV datasets of it are made.
#![no_main]
use std::collections::BTreeSet;

use amimestrocel_dkd::endpoints::{
    derive, summarise_cohort, write_adsl_csv, write_bds_csv, EndpointConfig, ParticipantTimeline,
};
use amimestrocel_dkd::schedule::ScheduleConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (timeline_text, config_text) = text.split_once('\0').unwrap_or((text, ""));
    let mut configs = vec![EndpointConfig::default()];
    if let Ok(config) = EndpointConfig::from_json(config_text) {
        configs.push(config);
    }
    let Ok(timeline) = ParticipantTimeline::from_json(timeline_text) else { return };
    let json = serde_json::to_string(&timeline).expect("a timeline serialises");
    assert_eq!(ParticipantTimeline::from_json(&json).expect("what was written reads back"), timeline);
    let Ok(checked) = timeline.check() else { return };
    let plan = ScheduleConfig::bundled().expect("the bundled plan reads");
    for config in &configs {
        let Ok(p) = derive(&checked, &plan, config) else { continue };
        let mut flagged = BTreeSet::new();
        for r in &p.rows {
            assert!(r.aval.is_finite());
            if let (Some(base), Some(chg)) = (r.base, r.chg) {
                assert!((r.aval - base - chg).abs() <= 1e-9 * r.aval.abs().max(base.abs()).max(1.0));
            }
            if r.anl01fl && !r.ablfl {
                assert!(flagged.insert((r.paramcd.clone(), r.avisit.clone())), "two analysis values for one visit");
            }
        }
        for e in [&p.renal_composite, &p.mace, &p.death, &p.malignancy].into_iter().flatten() {
            assert!(e.days >= 0 || !e.event);
        }
        let report = summarise_cohort(std::slice::from_ref(&p), &plan, config).expect("a report of derived endpoints");
        serde_json::to_string(&report).expect("a report serialises");
        write_bds_csv(Vec::new(), std::slice::from_ref(&p)).expect("the BDS writes");
        write_adsl_csv(Vec::new(), std::slice::from_ref(&p)).expect("the ADSL writes");
    }
});
