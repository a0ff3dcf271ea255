//! Unit strings as labs write them: `Unit::parse`, `UnitText`, and a measurement of every
//! analyte in the parsed unit. Invariants: a parsed unit's canonical spelling and UCUM code parse
//! back to it; a unit text keeps its spelling.
#![no_main]
use amimestrocel_dkd::lab::{AnalyteKind, Measurement, Unit, UnitText};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = Unit::parse(text);
    let entered = UnitText::from(text);
    assert_eq!(entered.as_str(), text, "a unit text keeps its spelling");
    assert_eq!(entered.parse().ok(), parsed.as_ref().ok().copied());
    if let Ok(unit) = parsed {
        assert_eq!(Unit::parse(unit.as_str()).ok(), Some(unit), "canonical spelling reads back");
        assert_eq!(Unit::parse(unit.ucum()).ok(), Some(unit), "UCUM code reads back");
        for analyte in AnalyteKind::ALL {
            let _ = Measurement::new(analyte, 1.0, text);
        }
    }
});
