//! An instrument definition and a site translation, as JSON. Invariants: an accepted
//! definition writes back to JSON that reads back equal, shows in each of its languages, and
//! exports a FHIR Questionnaire, and scores a complete answer set within its bounds; an accepted translation of the bundled DQOL shows in its
//! language and keeps every item.
#![no_main]
use amimestrocel_dkd::instrument::{fhir, score, Answer, Instrument};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    static DQOL: OnceLock<Instrument> = OnceLock::new();
    let dqol = DQOL.get_or_init(|| Instrument::dqol().expect("the bundled DQOL reads"));
    if let Ok(site) = dqol.with_translation(text) {
        let language = site.languages.last().expect("a language").clone();
        let view = site.view(&language).expect("a translated instrument shows in its language");
        assert_eq!(view.sections.iter().map(|s| s.items.len()).sum::<usize>(), 46);
    }
    let Ok(inst) = Instrument::from_json(text) else { return };
    let json = serde_json::to_string(&inst).expect("a definition serialises");
    assert_eq!(Instrument::from_json(&json).expect("what was written reads back"), inst);
    for language in &inst.languages {
        inst.view(language).expect("an accepted definition shows in each of its languages");
        fhir::questionnaire(&inst, language).expect("and exports a Questionnaire");
    }
    // Every item answered at its scale's top, then at its bottom: scores within their bounds.
    for top in [true, false] {
        let answers = inst
            .items()
            .map(|(_, i)| {
                let (lo, hi) = inst.scale(&i.scale).expect("an accepted item has its scale").range();
                (i.id.clone(), Answer::Value(if top { hi } else { lo }))
            })
            .collect();
        let scores = score(&inst, &answers, &inst.default_rules()).expect("a complete answer set scores");
        for s in &scores.sections {
            let raw = s.raw.expect("every item answered");
            assert!(s.min <= raw && raw <= s.max);
        }
    }
});
