//! Tests only: compiled under `#[cfg(test)]` (declared so in the parent module), never in the library.
use super::*;
use proptest::prelude::*;
use uom::si::molar_concentration::micromole_per_liter;

#[test]
fn every_lab_error_message_is_pinned_and_carries_no_value() {
    let cases: Vec<(LabError, &str, &str)> = vec![
        (
            LabError::UnknownUnit { unit: "mg/furlong".into(), analyte: None },
            "unknown_unit",
            "unknown unit `mg/furlong`",
        ),
        (
            SerumCreatinine::new(1.0, "mg/furlong").unwrap_err(),
            "unknown_unit",
            "unknown unit `mg/furlong` for serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)",
        ),
        (
            LabValue::<Creatinine>::new(1.0, "mmHg").unwrap_err(),
            "unit_not_for_analyte",
            "unit `mmHg` does not fit serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)",
        ),
        (LabError::UnknownAnalyte { name: "x".into() }, "unknown_analyte", "unknown analyte `x`"),
        (Potassium::new(f64::NAN, "mmol/L").unwrap_err(), "not_finite", "potassium is not a finite number"),
        (Uacr::new(-5.0, "mg/g").unwrap_err(), "negative", "urine albumin-to-creatinine ratio is negative"),
        (
            SerumCreatinine::new(61.0, "mg/dL").unwrap_err(),
            "out_of_bounds",
            "serum creatinine is outside the plausible range 5–4000 µmol/L",
        ),
        (
            SerumCreatinine::try_from_measurement(Measurement::new(AnalyteKind::CystatinC, 1.0, "mg/L").unwrap())
                .unwrap_err(),
            "wrong_analyte",
            "a cystatin C value was given where serum creatinine is expected",
        ),
        (
            Measurement::from_json(AnalyteKind::Uacr, "{\"value\": 30}").unwrap_err(),
            "invalid_json",
            "invalid lab value JSON: missing field `unit` at line 1 column 13",
        ),
    ];
    for (error, kind, message) in &cases {
        assert_eq!(error.kind(), *kind);
        assert_eq!(error.to_string(), *message);
        assert!(!message.contains("61"), "no raw value in a message");
    }
    let kinds: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.1).collect();
    assert_eq!(kinds, LabError::KINDS.iter().copied().collect(), "every kind is pinned");
}

#[test]
fn lab_value_serialises_as_entered_and_round_trips_exactly() {
    let v = Hba1c::new(7.3, "%").unwrap();
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(json, r#"{"value":7.3,"unit":"%"}"#);
    let back: Hba1c = serde_json::from_str(&json).unwrap();
    assert_eq!(back, v);
    let micro: SerumCreatinine = serde_json::from_str(r#"{"value":97.2,"unit":"umol/L"}"#).unwrap();
    assert_eq!(serde_json::to_string(&micro).unwrap(), r#"{"value":97.2,"unit":"µmol/L"}"#);
}

#[test]
fn deserialising_refuses_unknown_fields_wrong_units_and_missing_units() {
    assert!(serde_json::from_str::<SerumCreatinine>(r#"{"value":1,"unit":"mg/dL","x":1}"#).is_err());
    let wrong = serde_json::from_str::<SerumCreatinine>(r#"{"value":1,"unit":"mmHg"}"#).unwrap_err();
    assert!(wrong.to_string().contains("does not fit serum creatinine"), "{wrong}");
    assert!(serde_json::from_str::<SerumCreatinine>(r#"{"value":1}"#).is_err());
}

#[test]
fn typed_construction_from_uom_quantity_keeps_the_dimension() {
    let q = MolarConcentration::new::<micromole_per_liter>(100.0);
    let scr = SerumCreatinine::from_quantity(q).unwrap();
    assert_eq!(scr.unit(), Unit::MicromolePerLiter);
    assert_eq!(scr.quantity(), q);
}

#[test]
fn bound_entered_in_another_unit_stays_inside() {
    // 3 % NGSP is the lower HbA1c bound, stored as 9.3 mmol/mol (rounded up from 9.27).
    assert!(Hba1c::new(3.02, "%").is_ok());
    assert!(Hba1c::new(2.9, "%").is_err());
}

#[test]
fn a_measurement_of_one_analyte_cannot_be_typed_as_another() {
    let m = Measurement::new(AnalyteKind::CystatinC, 1.0, "mg/L").unwrap();
    assert!(SerumCreatinine::try_from_measurement(m).is_err());
    assert!(CystatinC::try_from_measurement(m).is_ok());
}

#[test]
fn every_analyte_lists_units_that_parse_and_convert_both_ways() {
    for kind in AnalyteKind::ALL {
        assert_eq!(AnalyteKind::from_slug(kind.slug()).unwrap(), kind);
        for &from in kind.units() {
            for &to in kind.units() {
                let there = kind.convert(1.0, from, to).unwrap();
                let back = kind.convert(there, to, from).unwrap();
                assert!((back - 1.0).abs() < 1e-9, "{kind:?} {from} -> {to}");
            }
        }
    }
}

fn analyte_and_unit() -> impl Strategy<Value = (AnalyteKind, Unit, Unit)> {
    (0..AnalyteKind::ALL.len()).prop_flat_map(|i| {
        let kind = AnalyteKind::ALL[i];
        let n = kind.units().len();
        (Just(kind), 0..n, 0..n).prop_map(|(k, a, b)| (k, k.units()[a], k.units()[b]))
    })
}

proptest! {
    /// Round trip: converting to another unit and back gives the value again.
    #[test]
    fn unit_round_trip((kind, from, to) in analyte_and_unit(), fraction in 0.0f64..1.0) {
        let Bounds { min, max } = kind.bounds();
        let canonical = min + (max - min) * fraction;
        let value = kind.convert(canonical, kind.canonical_unit(), from).unwrap();
        let m = Measurement::with_unit(kind, value, from).unwrap();
        let there = m.converted(to).unwrap();
        let back = there.in_unit(from).unwrap();
        prop_assert!((back - value).abs() <= 1e-9 * value.abs().max(1.0));
        prop_assert!((there.canonical() - m.canonical()).abs() <= 1e-9 * m.canonical().abs().max(1.0));
    }

    /// A measurement keeps only what was entered; the canonical value it gives later is, to
    /// the bit, the one its check computed (and compared with the bounds).
    #[test]
    fn a_measurements_canonical_value_is_the_one_its_check_computed((kind, from, _to) in analyte_and_unit(), fraction in 0.0f64..1.0) {
        let Bounds { min, max } = kind.bounds();
        let value = kind.convert(min + (max - min) * fraction, kind.canonical_unit(), from).unwrap();
        let checked = kind.validate(value, from).unwrap();
        let m = Measurement::with_unit(kind, value, from).unwrap();
        prop_assert_eq!(m.canonical().to_bits(), checked.to_bits());
        prop_assert_eq!(m.value().to_bits(), value.to_bits());
    }

    /// A measurement in the unit it was entered in is the number as entered, as the
    /// conversion says (both are exactly the value).
    #[test]
    fn a_value_in_its_own_unit_is_the_number_as_entered((kind, from, _to) in analyte_and_unit(), fraction in 0.0f64..1.0) {
        let Bounds { min, max } = kind.bounds();
        let value = kind.convert(min + (max - min) * fraction, kind.canonical_unit(), from).unwrap();
        let m = Measurement::with_unit(kind, value, from).unwrap();
        prop_assert_eq!(m.in_unit(from).unwrap().to_bits(), value.to_bits());
        prop_assert_eq!(kind.convert(value, from, from).unwrap().to_bits(), value.to_bits());
    }

    /// Conversion preserves order: a larger value stays larger in every unit.
    #[test]
    fn conversion_is_monotonic((kind, from, to) in analyte_and_unit(), a in 0.0f64..500.0, b in 0.0f64..500.0) {
        let (ca, cb) = (kind.convert(a, from, to).unwrap(), kind.convert(b, from, to).unwrap());
        if a < b { prop_assert!(ca <= cb); }
    }

    /// JSON round trip is exact for every accepted value.
    #[test]
    fn json_round_trip_is_exact(value in 5.0f64..4000.0) {
        let v = SerumCreatinine::new(value, "µmol/L").unwrap();
        let back: SerumCreatinine = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        prop_assert_eq!(back, v);
    }

    /// Any f64 and any unit text give a value or an error, never a panic.
    #[test]
    fn no_panic_for_any_input(value in proptest::num::f64::ANY, unit in ".{0,12}", i in 0..AnalyteKind::ALL.len()) {
        let _ = Measurement::new(AnalyteKind::ALL[i], value, &unit);
    }
}

#[test]
fn analytes_are_listed_in_declaration_order_so_the_factor_table_indexes_them() {
    for (i, kind) in AnalyteKind::ALL.iter().enumerate() {
        assert_eq!(*kind as usize, i, "{kind:?}");
    }
}

#[test]
fn the_factor_table_gives_the_factors_the_conversions_give() {
    // The table is a cache of `compute_linear_factor`: same number for every analyte and unit,
    // none for a unit that does not fit or converts affinely (HbA1c %).
    for kind in AnalyteKind::ALL {
        for unit in Unit::ALL {
            let computed = kind.compute_linear_factor(unit).ok().flatten();
            assert_eq!(kind.table_factor(unit).map(f64::to_bits), computed.map(f64::to_bits), "{kind:?} {unit:?}");
        }
    }
    assert_eq!(AnalyteKind::Hba1c.table_factor(Unit::Percent), None);
    assert_eq!(AnalyteKind::SerumCreatinine.table_factor(Unit::Percent), None);
    assert_eq!(AnalyteKind::SerumCreatinine.table_factor(Unit::MicromolePerLiter), Some(1.0));
}

/// ADR 0015: a measurement holds the analyte, the number and the unit, and no derived copy.
#[test]
fn a_measurement_keeps_only_what_was_entered() {
    // One f64 and two one-byte enums, padded to 16 (the cached canonical f64 made it 24).
    assert_eq!(std::mem::size_of::<Measurement>(), 16);
}
