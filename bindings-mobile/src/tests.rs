//! Tests only: compiled under `#[cfg(test)]` (declared so in the parent module), never in the library.
//! Binding-layer tests. The rules themselves are core's and are tested there (and by the shared
//! vectors); here: every error message pinned in a table (as bitcoindevkit/bdk-ffi does in
//! `src/tests/error.rs`), the conversions total over core's variants, and the records' round
//! trips.

use std::collections::BTreeSet;

use amimestrocel_dkd::demographics::DemographicsError as CoreDemographicsError;
use amimestrocel_dkd::egfr::{egfr_batch, BatchColumns, EgfrError as CoreEgfrError};
use amimestrocel_dkd::lab::{AnalyteKind, LabError as CoreLabError, Measurement, SerumCreatinine};

use crate::*;

mod eligibility;

fn s(text: &str) -> String {
    text.to_owned()
}

fn scr(value: f64, unit: &str) -> LabValue {
    lab_value(Analyte::SerumCreatinine, value, s(unit)).unwrap()
}

fn input(age_years: i64, sex: Sex) -> EgfrInput {
    EgfrInput { age_years, sex, creatinine: None, cystatin_c: None, weight_kg: None, black: false }
}

/// Index of a core lab error's variant. Exhaustive on purpose: a new core variant does not
/// compile here until the binding (and this count) handle it.
fn core_lab_variant(err: &CoreLabError) -> usize {
    match err {
        CoreLabError::UnknownUnit { .. } => 0,
        CoreLabError::UnitNotForAnalyte { .. } => 1,
        CoreLabError::UnknownAnalyte { .. } => 2,
        CoreLabError::NotFinite { .. } => 3,
        CoreLabError::Negative { .. } => 4,
        CoreLabError::OutOfBounds { .. } => 5,
        CoreLabError::InvalidJson { .. } => 6,
        CoreLabError::WrongAnalyte { .. } => 7,
    }
}
const CORE_LAB_VARIANTS: usize = 8;

/// Index of the binding lab error's variant, matching [`core_lab_variant`] for the shared ones.
fn lab_variant(err: &LabError) -> usize {
    match err {
        LabError::UnknownUnit { .. } => 0,
        LabError::UnitNotForAnalyte { .. } => 1,
        LabError::UnknownAnalyte { .. } => 2,
        LabError::NotFinite { .. } => 3,
        LabError::Negative { .. } => 4,
        LabError::OutOfBounds { .. } => 5,
        LabError::InvalidJson { .. } => 6,
        LabError::WrongAnalyte { .. } => 7,
        LabError::Internal { .. } => 8,
    }
}
const LAB_VARIANTS: usize = 9;

/// Index of a core eGFR error's variant, demographic errors included (exhaustive, as above).
fn core_egfr_variant(err: &CoreEgfrError) -> usize {
    match err {
        CoreEgfrError::UnknownEquation { .. } => 0,
        CoreEgfrError::MissingInput { .. } => 1,
        CoreEgfrError::AgeOutOfRange { .. } => 2,
        CoreEgfrError::WeightOutOfBounds { .. } => 3,
        CoreEgfrError::ColumnLength { .. } => 4,
        CoreEgfrError::Lab(_) => 5,
        CoreEgfrError::Demographics(CoreDemographicsError::InvalidAge { .. }) => 6,
        CoreEgfrError::Demographics(CoreDemographicsError::UnknownSex { .. }) => 7,
        CoreEgfrError::Demographics(CoreDemographicsError::BirthAfterDate) => 8,
    }
}
const CORE_EGFR_VARIANTS: usize = 9;

fn egfr_variant(err: &EgfrError) -> usize {
    match err {
        EgfrError::UnknownEquation { .. } => 0,
        EgfrError::MissingInput { .. } => 1,
        EgfrError::AgeOutOfRange { .. } => 2,
        EgfrError::WeightOutOfBounds { .. } => 3,
        EgfrError::ColumnLength { .. } => 4,
        EgfrError::Lab { .. } => 5,
        EgfrError::InvalidAge { .. } => 6,
        EgfrError::UnknownSex { .. } => 7,
        EgfrError::BirthAfterDate { .. } => 8,
        EgfrError::InvalidDate { .. } => 9,
        EgfrError::Internal { .. } => 10,
    }
}
const EGFR_VARIANTS: usize = 11;

fn lab_kind_reason(err: &LabError) -> (&str, &str) {
    match err {
        LabError::UnknownUnit { kind, reason, .. }
        | LabError::UnitNotForAnalyte { kind, reason, .. }
        | LabError::UnknownAnalyte { kind, reason, .. }
        | LabError::NotFinite { kind, reason, .. }
        | LabError::Negative { kind, reason, .. }
        | LabError::OutOfBounds { kind, reason, .. }
        | LabError::InvalidJson { kind, reason }
        | LabError::WrongAnalyte { kind, reason, .. }
        | LabError::Internal { kind, reason } => (kind, reason),
    }
}

fn egfr_kind_reason(err: &EgfrError) -> (&str, &str) {
    match err {
        EgfrError::UnknownEquation { kind, reason, .. }
        | EgfrError::MissingInput { kind, reason, .. }
        | EgfrError::AgeOutOfRange { kind, reason, .. }
        | EgfrError::WeightOutOfBounds { kind, reason, .. }
        | EgfrError::ColumnLength { kind, reason, .. }
        | EgfrError::Lab { kind, reason }
        | EgfrError::InvalidAge { kind, reason, .. }
        | EgfrError::UnknownSex { kind, reason, .. }
        | EgfrError::BirthAfterDate { kind, reason }
        | EgfrError::InvalidDate { kind, reason, .. }
        | EgfrError::Internal { kind, reason } => (kind, reason),
    }
}

/// Every lab error the bindings raise, from a real call, with all its fields and its message.
#[test]
fn lab_error_messages_are_pinned() {
    let cases: Vec<(Option<LabError>, LabError)> = vec![
        (
            parse_unit(s("mg/furlong")).err(),
            LabError::UnknownUnit {
                kind: s("unknown_unit"),
                reason: s("unknown unit `mg/furlong`"),
                unit: s("mg/furlong"),
            },
        ),
        (
            lab_value(Analyte::Potassium, 4.0, s("mg/dL")).err(),
            LabError::UnitNotForAnalyte {
                kind: s("unit_not_for_analyte"),
                reason: s("unit `mg/dL` does not fit potassium (accepted: mmol/L, mEq/L)"),
                analyte: s("potassium"),
                unit: s("mg/dL"),
                accepted: s("mmol/L, mEq/L"),
            },
        ),
        (
            parse_analyte(s("serum_unobtainium")).err(),
            LabError::UnknownAnalyte {
                kind: s("unknown_analyte"),
                reason: s("unknown analyte `serum_unobtainium`"),
                name: s("serum_unobtainium"),
            },
        ),
        (
            lab_value(Analyte::SerumCreatinine, f64::NAN, s("mg/dL")).err(),
            LabError::NotFinite {
                kind: s("not_finite"),
                reason: s("serum creatinine is not a finite number"),
                analyte: s("serum_creatinine"),
            },
        ),
        (
            lab_value(Analyte::Uacr, -1.0, s("mg/g")).err(),
            LabError::Negative {
                kind: s("negative"),
                reason: s("urine albumin-to-creatinine ratio is negative"),
                analyte: s("uacr"),
            },
        ),
        (
            lab_value(Analyte::Potassium, 20.0, s("mmol/L")).err(),
            LabError::OutOfBounds {
                kind: s("out_of_bounds"),
                reason: s("potassium is outside the plausible range 1–15 mmol/L"),
                analyte: s("potassium"),
                min: 1.0,
                max: 15.0,
                unit: s("mmol/L"),
            },
        ),
        (
            lab_value_from_json(Analyte::SerumCreatinine, s("{")).err(),
            LabError::InvalidJson {
                kind: s("invalid_json"),
                reason: s("invalid lab value JSON: EOF while parsing an object at line 1 column 1"),
            },
        ),
        (
            lab_value_from_json(Analyte::SerumCreatinine, s(r#"{"value":1.3}"#)).err(),
            LabError::InvalidJson {
                kind: s("invalid_json"),
                reason: s("invalid lab value JSON: missing field `unit` at line 1 column 13"),
            },
        ),
        (
            lab_value_from_json(Analyte::SerumCreatinine, s(r#"{"value":1.3,"unit":"mg/dL"} x"#)).err(),
            LabError::InvalidJson {
                kind: s("invalid_json"),
                reason: s("invalid lab value JSON: trailing characters at line 1 column 30"),
            },
        ),
        (
            // No function of the bindings takes a lab value of a fixed analyte on its own (they
            // report this inside their own error, see the eGFR table); core's typed constructor does.
            Some(LabError::from(
                SerumCreatinine::try_from_measurement(Measurement::new(AnalyteKind::CystatinC, 1.0, "mg/L").unwrap())
                    .unwrap_err(),
            )),
            LabError::WrongAnalyte {
                kind: s("wrong_analyte"),
                reason: s("a cystatin C value was given where serum creatinine is expected"),
                expected: s("serum_creatinine"),
                found: s("cystatin_c"),
            },
        ),
        (
            crate::error::guard::<(), LabError>(|| std::panic::panic_any("deliberate")).err(),
            LabError::Internal {
                kind: s("internal_error"),
                reason: s("internal error in amimestrocel-dkd (a bug): please report it with the call that raised it"),
            },
        ),
    ];
    let mut covered = BTreeSet::new();
    for (got, expected) in cases {
        let (_, reason) = lab_kind_reason(&expected);
        assert_eq!(expected.to_string(), reason, "Display is the reason");
        assert_eq!(got.as_ref(), Some(&expected));
        covered.insert(lab_variant(&expected));
    }
    assert_eq!(covered.len(), LAB_VARIANTS, "every LabError variant is pinned");
}

/// Every eGFR error the bindings raise, from a real call, with all its fields and its message.
#[test]
fn egfr_error_messages_are_pinned() {
    let column_length = egfr_batch(
        amimestrocel_dkd::egfr::EgfrEquation::CkdEpi2021Cr,
        &BatchColumns::new(&[50.0, 60.0, 70.0], &[1, 2]),
        &mut [0.0; 3],
        &mut [0; 3],
        1,
    )
    .err()
    .map(EgfrError::from);
    let foreign_unit = LabValue { unit: s("mmHg"), ..scr(1.0, "mg/dL") };
    let cases: Vec<(Option<EgfrError>, EgfrError)> = vec![
        (
            parse_equation(s("ckd_epi")).err(),
            EgfrError::UnknownEquation {
                kind: s("unknown_equation"),
                reason: s("unknown equation `ckd_epi` (expected one of ckd_epi_2009_cr, ckd_epi_2021_cr, ckd_epi_2012_cys, ckd_epi_2012_cr_cys, ckd_epi_2021_cr_cys, ekfc_2021_cr, ekfc_2023_cys, ekfc_2023_cr_cys, mdrd4_idms, cockcroft_gault)"),
                name: s("ckd_epi"),
            },
        ),
        (
            estimate_gfr(EgfrEquation::CkdEpi2021Cr, input(50, Sex::Male)).err(),
            EgfrError::MissingInput {
                kind: s("missing_input"),
                reason: s("ckd_epi_2021_cr needs creatinine"),
                equation: s("ckd_epi_2021_cr"),
                input: s("creatinine"),
            },
        ),
        (
            estimate_gfr(
                EgfrEquation::CkdEpi2021Cr,
                EgfrInput { creatinine: Some(scr(1.0, "mg/dL")), ..input(17, Sex::Female) },
            )
            .err(),
            EgfrError::AgeOutOfRange {
                kind: s("age_out_of_range"),
                reason: s("age is outside the range 18–125 years of ckd_epi_2021_cr"),
                equation: s("ckd_epi_2021_cr"),
                min: 18,
                max: 125,
            },
        ),
        (
            estimate_gfr(
                EgfrEquation::CockcroftGault,
                EgfrInput { creatinine: Some(scr(1.0, "mg/dL")), weight_kg: Some(5.0), ..input(50, Sex::Male) },
            )
            .err(),
            EgfrError::WeightOutOfBounds {
                kind: s("weight_out_of_bounds"),
                reason: s("weight is not within 20–400 kg"),
                min: 20.0,
                max: 400.0,
            },
        ),
        (
            column_length,
            EgfrError::ColumnLength {
                kind: s("column_length"),
                reason: s("column `sex` has 2 rows, expected 3"),
                column: s("sex"),
                expected: 3,
                actual: 2,
            },
        ),
        (
            estimate_gfr(
                EgfrEquation::CkdEpi2021Cr,
                EgfrInput { creatinine: Some(foreign_unit), ..input(50, Sex::Male) },
            )
            .err(),
            EgfrError::Lab {
                kind: s("unit_not_for_analyte"),
                reason: s("unit `mmHg` does not fit serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)"),
            },
        ),
        (
            estimate_gfr(
                EgfrEquation::CkdEpi2021Cr,
                EgfrInput {
                    creatinine: Some(lab_value(Analyte::CystatinC, 1.0, s("mg/L")).unwrap()),
                    ..input(50, Sex::Male)
                },
            )
            .err(),
            EgfrError::Lab {
                kind: s("wrong_analyte"),
                reason: s("a cystatin C value was given where serum creatinine is expected"),
            },
        ),
        (
            estimate_gfr(
                EgfrEquation::Mdrd4Idms,
                EgfrInput { creatinine: Some(scr(0.06, "mg/dL")), ..input(18, Sex::Male) },
            )
            .err(),
            EgfrError::Lab {
                kind: s("out_of_bounds"),
                reason: s("eGFR is outside the plausible range 0–300 mL/min/1.73m²"),
            },
        ),
        (
            estimate_gfr(EgfrEquation::CkdEpi2021Cr, input(-1, Sex::Male)).err(),
            EgfrError::InvalidAge {
                kind: s("invalid_age"),
                reason: s("age is not a whole number of years between 0 and 125"),
                max: 125,
            },
        ),
        (
            parse_sex(s("x")).err(),
            EgfrError::UnknownSex {
                kind: s("unknown_sex"),
                reason: s("unknown sex `x` (expected female/male, F/M, 女/男, or ISO/IEC 5218 code 1 or 2)"),
                text: s("x"),
            },
        ),
        (
            age_on(s("2025-01-02"), s("2025-01-01")).err(),
            EgfrError::BirthAfterDate {
                kind: s("birth_after_date"),
                reason: s("date of birth is after the date of assessment"),
            },
        ),
        (
            age_on(s("01/03/1960"), s("2025-03-01")).err(),
            EgfrError::InvalidDate {
                kind: s("invalid_date"),
                reason: s("`birth_date` is not an ISO-8601 date (YYYY-MM-DD)"),
                argument: s("birth_date"),
            },
        ),
        (
            age_on(s("1960-03-01"), s("2025-02-30")).err(),
            EgfrError::InvalidDate {
                kind: s("invalid_date"),
                reason: s("`on` is not an ISO-8601 date (YYYY-MM-DD)"),
                argument: s("on"),
            },
        ),
        (
            crate::error::guard::<(), EgfrError>(|| std::panic::panic_any("deliberate")).err(),
            EgfrError::Internal { kind: s("internal_error"), reason: s("internal error in amimestrocel-dkd (a bug): please report it with the call that raised it") },
        ),
    ];
    let mut covered = BTreeSet::new();
    for (got, expected) in cases {
        let (_, reason) = egfr_kind_reason(&expected);
        assert_eq!(expected.to_string(), reason, "Display is the reason");
        assert_eq!(got.as_ref(), Some(&expected));
        covered.insert(egfr_variant(&expected));
    }
    assert_eq!(covered.len(), EGFR_VARIANTS, "every EgfrError variant is pinned");
}

/// The conversions keep core's kind and text for every core variant, and map each to the
/// binding variant of the same name.
/// One core error of every variant, in declaration order, for the conversion test.
fn core_exemplars() -> (Vec<CoreLabError>, Vec<CoreEgfrError>) {
    use amimestrocel_dkd::egfr::EgfrEquation as Eq;
    use amimestrocel_dkd::lab::{AnalyteKind as A, Unit as U};
    let lab = vec![
        CoreLabError::UnknownUnit { unit: String::new(), analyte: None },
        CoreLabError::UnitNotForAnalyte {
            analyte: A::SerumCreatinine,
            unit: U::MillimeterOfMercury,
            accepted: String::new(),
        },
        CoreLabError::InvalidJson { reason: String::new() },
        CoreLabError::UnknownAnalyte { name: String::new() },
        CoreLabError::NotFinite { analyte: A::SerumCreatinine },
        CoreLabError::Negative { analyte: A::SerumCreatinine },
        CoreLabError::WrongAnalyte { expected: A::SerumCreatinine, found: A::CystatinC },
        CoreLabError::OutOfBounds { analyte: A::SerumCreatinine, min: 0.0, max: 0.0, unit: U::MicromolePerLiter },
    ];
    let egfr = vec![
        CoreEgfrError::UnknownEquation { name: String::new() },
        CoreEgfrError::MissingInput { equation: Eq::CkdEpi2021Cr, input: "creatinine" },
        CoreEgfrError::AgeOutOfRange { equation: Eq::CkdEpi2021Cr, min: 0, max: 0 },
        CoreEgfrError::WeightOutOfBounds { min: 0.0, max: 0.0 },
        CoreEgfrError::ColumnLength { column: "age", expected: 0, actual: 0 },
        CoreEgfrError::Lab(CoreLabError::Negative { analyte: A::SerumCreatinine }),
        CoreEgfrError::Demographics(CoreDemographicsError::UnknownSex { text: String::new() }),
        CoreEgfrError::Demographics(CoreDemographicsError::BirthAfterDate),
        CoreEgfrError::Demographics(CoreDemographicsError::InvalidAge { max: 0 }),
    ];
    (lab, egfr)
}

#[test]
fn conversion_covers_every_core_variant() {
    let (lab, egfr) = core_exemplars();
    let lab_seen: BTreeSet<usize> = lab.iter().map(core_lab_variant).collect();
    assert_eq!(lab_seen.len(), CORE_LAB_VARIANTS);
    for err in lab {
        let (index, kind, reason) = (core_lab_variant(&err), err.kind(), err.to_string());
        let ours = LabError::from(err);
        assert_eq!(lab_variant(&ours), index);
        assert_eq!(lab_kind_reason(&ours), (kind, reason.as_str()));
    }
    let egfr_seen: BTreeSet<usize> = egfr.iter().map(core_egfr_variant).collect();
    assert_eq!(egfr_seen.len(), CORE_EGFR_VARIANTS);
    for err in egfr {
        let (index, kind, reason) = (core_egfr_variant(&err), err.kind(), err.to_string());
        let ours = EgfrError::from(err);
        assert_eq!(egfr_variant(&ours), index);
        assert_eq!(egfr_kind_reason(&ours), (kind, reason.as_str()));
    }
}

#[test]
fn error_kinds_lists_every_kind_once() {
    let expected = [
        "age_out_of_range",
        "birth_after_date",
        "column_length",
        "date_after_screening",
        "dates_out_of_order",
        "internal_error",
        "invalid_age",
        "invalid_config",
        "invalid_date",
        "invalid_json",
        "invalid_value",
        "malformed",
        "missing_input",
        "negative",
        "not_finite",
        "out_of_bounds",
        "unit_not_for_analyte",
        "unknown_analyte",
        "unknown_equation",
        "unknown_sex",
        "unknown_unit",
        "weight_out_of_bounds",
        "wrong_analyte",
    ];
    assert_eq!(error_kinds().unwrap(), expected);
}

/// Core's `KINDS` catalogues, from which `error_kinds` is built, are the kinds its errors give.
#[test]
fn core_catalogues_match_the_kinds_of_core_errors() {
    let (lab, egfr) = core_exemplars();
    let lab_kinds: BTreeSet<&str> = lab.iter().map(CoreLabError::kind).collect();
    assert_eq!(lab_kinds, CoreLabError::KINDS.iter().copied().collect());
    let egfr_kinds: BTreeSet<&str> = egfr.iter().map(CoreEgfrError::kind).collect();
    let listed: BTreeSet<&str> =
        [CoreEgfrError::KINDS, CoreDemographicsError::KINDS, &["negative"]].concat().into_iter().collect();
    assert_eq!(egfr_kinds, listed);
}

#[test]
fn invalid_json_never_repeats_the_input() {
    for json in [r#"{"value":1.3,"unit":"mg/dL","patient":"secret-4711"}"#, r#"secret-4711"#] {
        let err = lab_value_from_json(Analyte::SerumCreatinine, s(json)).unwrap_err();
        assert_eq!(lab_kind_reason(&err).0, "invalid_json", "{json}");
        assert!(!err.to_string().contains("4711"), "{err}");
    }
}

/// A value of the wrong JSON type is quoted by serde_json, and core's `Measurement::from_json`
/// passes that text on as the reason (STYLE rule 9: no raw value in a message). The bindings'
/// own reader kept only serde's category and position; the fix belongs in core.
#[test]
fn invalid_json_never_repeats_a_mistyped_value() {
    let err =
        lab_value_from_json(Analyte::SerumCreatinine, s(r#"{"value":"secret-4711","unit":"mg/dL"}"#)).unwrap_err();
    assert_eq!(lab_kind_reason(&err).0, "invalid_json");
    assert!(!err.to_string().contains("4711"), "{err}");
}

#[test]
fn lab_value_json_round_trip_is_exact() {
    let lab = scr(1.3, "mg/dL");
    let json = lab_value_to_json(lab.clone()).unwrap();
    assert_eq!(json, r#"{"value":1.3,"unit":"mg/dL"}"#);
    assert_eq!(lab_value_from_json(Analyte::SerumCreatinine, json).unwrap(), lab);
    // The unit comes back in its canonical spelling.
    let umol = lab_value_from_json(Analyte::SerumCreatinine, s(r#"{"value": 88.4, "unit": "umol/L"}"#)).unwrap();
    assert_eq!(umol.unit, "µmol/L");
    assert_eq!(lab_value_to_json(umol).unwrap(), r#"{"value":88.4,"unit":"µmol/L"}"#);
}

#[test]
fn lab_value_record_carries_canonical_value() {
    let lab = scr(1.3, "mg/dL");
    assert_eq!(lab.analyte, Analyte::SerumCreatinine);
    assert_eq!((lab.value, lab.unit.as_str(), lab.canonical_unit.as_str()), (1.3, "mg/dL", "µmol/L"));
    assert!((lab.canonical_value - 114.92).abs() < 0.01);
    assert!((lab_value_in_unit(lab, s("mmol/L")).unwrap() - 0.11492).abs() < 1e-5);
}

#[test]
fn an_edited_record_is_checked_again() {
    let lab = scr(1.3, "mg/dL");
    let negative = LabValue { value: -1.0, ..lab.clone() };
    assert!(matches!(lab_value_in_unit(negative.clone(), s("mg/dL")), Err(LabError::Negative { .. })));
    assert!(matches!(lab_value_to_json(negative), Err(LabError::Negative { .. })));
    let other_analyte = LabValue { analyte: Analyte::Potassium, ..lab.clone() };
    assert!(matches!(lab_value_in_unit(other_analyte, s("mmol/L")), Err(LabError::UnitNotForAnalyte { .. })));
    // A stale canonical value is ignored: the value is rebuilt from value and unit.
    let stale = LabValue { canonical_value: 1.0e6, ..lab };
    assert!((lab_value_in_unit(stale, s("µmol/L")).unwrap() - 114.92).abs() < 0.01);
}

#[test]
fn a_value_of_another_analyte_is_refused_as_creatinine() {
    let cystatin = lab_value(Analyte::CystatinC, 1.0, s("mg/L")).unwrap();
    let err =
        estimate_gfr(EgfrEquation::CkdEpi2021Cr, EgfrInput { creatinine: Some(cystatin), ..input(50, Sex::Male) })
            .unwrap_err();
    assert_eq!(egfr_kind_reason(&err).0, "wrong_analyte");
}

#[test]
fn enums_mirror_core_one_to_one() {
    for kind in AnalyteKind::ALL {
        assert_eq!(AnalyteKind::from(Analyte::from(kind)), kind);
    }
    for equation in amimestrocel_dkd::egfr::EgfrEquation::ALL {
        assert_eq!(amimestrocel_dkd::egfr::EgfrEquation::from(EgfrEquation::from(equation)), equation);
    }
    for sex in [Sex::Female, Sex::Male] {
        assert_eq!(Sex::from(amimestrocel_dkd::demographics::Sex::from(sex)), sex);
    }
}

#[test]
fn analytes_and_equations_are_core_lists() {
    let infos = analytes().unwrap();
    assert_eq!(infos.len(), AnalyteKind::ALL.len());
    for (info, kind) in infos.iter().zip(AnalyteKind::ALL) {
        assert_eq!(info.analyte, Analyte::from(kind));
        assert_eq!(info.slug, kind.slug());
        assert_eq!(parse_analyte(info.slug.clone()).unwrap(), info.analyte);
        assert_eq!(info.units[0], info.canonical_unit);
        assert_eq!((info.min, info.max), (kind.bounds().min, kind.bounds().max));
    }
    let equations = equations().unwrap();
    assert_eq!(equations.len(), amimestrocel_dkd::egfr::EgfrEquation::ALL.len());
    for info in &equations {
        assert_eq!(parse_equation(info.slug.clone()).unwrap(), info.equation);
        assert!(info.source.contains("doi:"), "{}", info.slug);
        assert_eq!(info.normalised, info.equation != EgfrEquation::CockcroftGault);
    }
    assert_eq!(protocol_default_equation().unwrap(), EgfrEquation::CkdEpi2021Cr);
}

#[test]
fn estimate_matches_core_example() {
    let estimate = estimate_gfr(
        EgfrEquation::CkdEpi2021Cr,
        EgfrInput { creatinine: Some(scr(88.4, "µmol/L")), ..input(60, Sex::Female) },
    )
    .unwrap();
    assert_eq!(estimate.equation, EgfrEquation::CkdEpi2021Cr);
    assert_eq!(estimate.value.round(), 64.0);
    assert_eq!((estimate.unit.as_str(), estimate.normalised), ("mL/min/1.73m²", true));
    let clearance = estimate_gfr(
        EgfrEquation::CockcroftGault,
        EgfrInput { creatinine: Some(scr(1.0, "mg/dL")), weight_kg: Some(72.0), ..input(40, Sex::Male) },
    )
    .unwrap();
    assert_eq!((clearance.unit.as_str(), clearance.normalised), ("mL/min", false));
    assert!((clearance.value - 100.0).abs() < 1e-9);
}

#[test]
fn ages_from_dates_floats_and_out_of_range_integers() {
    assert_eq!(age_on(s("1960-03-01"), s("2025-02-28")).unwrap(), 64);
    assert_eq!(age_on(s("1960-02-29"), s("2025-03-01")).unwrap(), 65);
    assert_eq!(age_from_years(60.0).unwrap(), 60);
    for bad in [f64::NAN, -1.0, 50.5, f64::INFINITY, 126.0] {
        assert!(matches!(age_from_years(bad), Err(EgfrError::InvalidAge { .. })), "{bad}");
    }
    for bad in [i64::MIN, -1, 126, i64::MAX] {
        assert!(
            matches!(
                estimate_gfr(EgfrEquation::CkdEpi2021Cr, input(bad, Sex::Male)),
                Err(EgfrError::InvalidAge { .. })
            ),
            "{bad}"
        );
    }
    assert_eq!(parse_sex(s(" F ")).unwrap(), Sex::Female);
    assert_eq!(parse_sex(s("男")).unwrap(), Sex::Male);
}
