//! Medication names as sites write them, and a medication table read from text: classification
//! answers any name and code, and a name of the bundled table found again is the same row.
#![no_main]
use amimestrocel_dkd::eligibility::medications::{classify_atc, MedicationTable};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let table = MedicationTable::bundled().expect("the bundled table reads");
    let (name, code) = text.split_once('\t').unwrap_or((text, ""));
    let _ = table.classify(name, (!code.is_empty()).then_some(code));
    let _ = classify_atc(code);
    if let Some((drug, _)) = table.find(name) {
        let again = table.find(&drug.key).map(|(d, _)| d.key.clone());
        assert_eq!(again.as_deref(), Some(drug.key.as_str()), "a row's key finds the row");
    }
    // Any text read as a table: refused with a line, or a table that answers.
    if let Ok(own) = MedicationTable::parse(text) {
        let _ = own.classify("tacrolimus", None);
    }
});
