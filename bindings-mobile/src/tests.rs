//! Binding-layer tests (compiled only under `cfg(test)`). The rules are core's and tested there
//! and by the shared vectors; here: every public error variant raised by a real call with its
//! message pinned, every core error kind converted to the action it asks for, dates lifted
//! strictly, every export guarded, and the shared vectors through the exported functions.

use std::collections::BTreeSet;

use amimestrocel_dkd::eligibility::{ProtocolConfig, ScreeningRecord};
use chrono::NaiveDate;
use serde_json::Value;

use crate::egfr::*;
use crate::eligibility::*;
use crate::error::*;
use crate::lab::*;

fn s(text: &str) -> String {
    text.to_owned()
}

fn read(name: &str) -> String {
    let path = format!("{}/../tests/vectors/eligibility/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn base() -> ScreeningRecord {
    screening_record_from_json(read("base_record.json")).unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn input(kind: &str, reason: &str, path: &str) -> DkdError {
    DkdError::InvalidInput { kind: s(kind), reason: s(reason), path: s(path) }
}

/// Index of the variant; exhaustive, so a new variant does not compile until it is pinned.
fn variant(err: &DkdError) -> usize {
    match err {
        DkdError::InvalidInput { .. } => 0,
        DkdError::InvalidConfig { .. } => 1,
        DkdError::Internal { .. } => 2,
    }
}

/// Lifts a string as Kotlin or Swift hands a date to Rust.
fn lift_date(text: &str) -> Result<NaiveDate, DkdError> {
    let buffer = <String as uniffi::Lower<crate::UniFfiTag>>::lower(s(text));
    <NaiveDate as uniffi::Lift<crate::UniFfiTag>>::try_lift(buffer)
        .map_err(|e| e.downcast::<DkdError>().expect("a date's lift error is a DkdError"))
}

/// Every variant of the public error, from real calls, with all its fields.
#[test]
fn every_public_error_variant_is_raised_and_its_message_pinned() {
    let mut late = base();
    late.labs.uacr[0].date = date("2025-07-01");
    let cases: Vec<(Result<(), DkdError>, DkdError)> = vec![
        (
            lab_value(AnalyteKind::SerumCreatinine, 1.0, s("mg/furlong")).map(drop),
            input(
                "unknown_unit",
                "unknown unit `mg/furlong` for serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)",
                "",
            ),
        ),
        (
            estimate_gfr(
                EgfrEquation::CkdEpi2021Cr,
                EgfrInputs {
                    age_years: 50,
                    sex: Sex::Male,
                    creatinine: None,
                    cystatin_c: None,
                    weight_kg: None,
                    black: false,
                },
            )
            .map(drop),
            input("missing_input", "ckd_epi_2021_cr needs creatinine", ""),
        ),
        (
            age_on(date("2025-01-01"), date("2024-01-01")).map(drop),
            input("birth_after_date", "date of birth is after the date of assessment", ""),
        ),
        (
            screen(late).map(drop),
            input("date_after_screening", "labs.uacr[0].date: date is after the screening date", "labs.uacr[0].date"),
        ),
        (screening_record_from_json(s("id=X")).map(drop), input("malformed", ".: expected value", ".")),
        (
            lift_date("01/06/2025").map(drop),
            input("invalid_date", "a date is not an ISO-8601 calendar date (YYYY-MM-DD)", ""),
        ),
        (
            screen_with_config(base(), s(r#"{"uacr": {"bound": "above", "value": 1000, "unit": "mmHg"}}"#)).map(drop),
            DkdError::InvalidConfig {
                kind: s("invalid_config"),
                reason: s("configuration field `uacr`: unit `mmHg` does not fit urine albumin-to-creatinine ratio \
                           (accepted: mg/g, mg/mmol)"),
                path: s("uacr"),
            },
        ),
        (
            internal_panic_for_test(),
            DkdError::Internal {
                kind: s("internal_error"),
                reason: s("internal error in amimestrocel-dkd (a bug): please report it with the call that raised it"),
            },
        ),
    ];
    let mut covered = BTreeSet::new();
    for (got, expected) in cases {
        assert_eq!(got.as_ref().err(), Some(&expected));
        covered.insert(variant(&expected));
    }
    assert_eq!(covered.len(), 3, "every DkdError variant is raised by something");
}

/// Dates from Kotlin (`LocalDate.toString()`) and Swift strings are read as core reads dates in
/// JSON: a year beyond 9999 (Kotlin writes `+10000-01-01`) is refused like any other non-date.
#[test]
fn dates_are_lifted_strictly() {
    assert_eq!(lift_date("2025-06-01").unwrap(), date("2025-06-01"));
    for bad in ["2025-02-30", "+10000-01-01", "2025-6-1", " 2025-06-01", ""] {
        assert_eq!(lift_date(bad).unwrap_err().to_string(), "a date is not an ISO-8601 calendar date (YYYY-MM-DD)");
    }
}

/// Each core error kind goes to the action it asks for: a configuration field to
/// `InvalidConfig`, everything else to `InvalidInput`, with core's kind and text.
#[test]
fn every_core_error_converts_to_the_action_it_asks_for() {
    use amimestrocel_dkd::eligibility::{ConfigError, RecordError, ScreeningError};
    use amimestrocel_dkd::lab::LabError;
    let lab = LabError::Negative { analyte: AnalyteKind::Potassium };
    assert_eq!(DkdError::from(lab.clone()), input("negative", &lab.to_string(), ""));
    let record = RecordError::Invalid { path: s("conditions[0].nyha_class"), reason: s("NYHA class is 1, 2, 3 or 4") };
    assert_eq!(DkdError::from(record.clone()), input("invalid_value", &record.to_string(), "conditions[0].nyha_class"));
    let lab_in_record = RecordError::Lab { path: s("labs.uacr[0]"), source: lab };
    assert!(
        matches!(DkdError::from(lab_in_record), DkdError::InvalidInput { kind, path, .. } if kind == "negative" && path == "labs.uacr[0]")
    );
    let config = ConfigError { field: s("egfr_lookback_days"), reason: s("must be between 1 and 3650") };
    assert!(
        matches!(DkdError::from(ScreeningError::Config(config)), DkdError::InvalidConfig { path, .. } if path == "egfr_lookback_days")
    );
}

#[test]
fn error_kinds_lists_every_kind_once_sorted() {
    let kinds = error_kinds().unwrap();
    let mut sorted = kinds.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(kinds, sorted);
    for kind in [
        "unknown_unit",
        "missing_input",
        "invalid_age",
        "malformed",
        "invalid_config",
        "invalid_date",
        "internal_error",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind}");
    }
}

/// Each `#[uniffi::export]` function, and each `pub fn` of an `#[uniffi::export]` impl block,
/// starts its body with `guard(` or `guard_with(` (within its first lines): the sources are the
/// list of exports, so a new one without the guard fails here.
#[test]
fn every_exported_function_runs_inside_the_guard() {
    let dir = format!("{}/src", env!("CARGO_MANIFEST_DIR"));
    let (mut checked, mut unguarded) = (0, Vec::new());
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "tests.rs") || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.trim() != "#[uniffi::export]" {
                continue;
            }
            // The exported functions: this one, or every `pub fn` of the impl block it marks.
            let starts: Vec<usize> = if lines.get(i + 1).is_some_and(|l| l.starts_with("impl ")) {
                let end = (i + 2..lines.len()).find(|&j| lines[j] == "}").unwrap_or(lines.len());
                (i + 2..end).filter(|&j| lines[j].trim_start().starts_with("pub fn ")).collect()
            } else {
                vec![i]
            };
            for start in starts {
                checked += 1;
                // The signature (one line or several, up to the line that opens the body), then
                // the body's first two lines.
                let open = (start + 1..lines.len()).find(|&j| lines[j].trim_end().ends_with('{')).unwrap_or(start);
                let open = if lines[start].trim_end().ends_with('{') { start } else { open };
                let body: String = lines[open..(open + 3).min(lines.len())].join("\n");
                if !(body.contains("guard(") || body.contains("guard_with(")) {
                    unguarded.push(format!("{}:{}", path.display(), start + 1));
                }
            }
        }
    }
    assert!(checked >= 25, "the scan found the exports ({checked})");
    assert_eq!(unguarded, Vec::<String>::new());
}

/// Every case of the shared vectors through the exported functions (JSON → record → `screen`):
/// the status and outcomes the vectors expect, or the error kind and path.
#[test]
fn shared_vectors_through_the_binding() {
    let vectors: Value = serde_json::from_str(&read("cases.json")).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 80);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let text = case.get("json").and_then(Value::as_str).map_or_else(|| case["record"].to_string(), str::to_owned);
        match (screening_record_from_json(text).and_then(screen), case.get("error")) {
            (Ok(result), None) => {
                assert_eq!(status_slug(result.status).unwrap(), case["status"].as_str().unwrap(), "{name}");
                for (id, outcome) in case["criteria"].as_object().unwrap() {
                    let got = result.criteria.iter().find(|c| c.id.slug() == id).unwrap();
                    assert_eq!(outcome_slug(got.outcome).unwrap(), outcome.as_str().unwrap(), "{name}: {}", got.reason);
                }
            }
            (Err(DkdError::InvalidInput { kind, path, .. }), Some(expected)) => {
                assert_eq!(
                    (kind.as_str(), path.as_str()),
                    (expected["kind"].as_str().unwrap(), expected["path"].as_str().unwrap()),
                    "{name}"
                );
            }
            (got, expected) => panic!("{name}: {got:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn a_record_round_trips_through_json_and_a_number_json_cannot_hold_is_refused() {
    let record = base();
    assert_eq!(screening_record_from_json(screening_record_to_json(record.clone()).unwrap()).unwrap(), record);
    let mut nan = record;
    nan.labs.uacr[0].value = f64::NAN;
    assert!(matches!(screening_record_to_json(nan), Err(DkdError::InvalidInput { kind, .. }) if kind == "malformed"));
}

#[test]
fn a_configuration_changes_the_screening_and_the_result_names_it() {
    let default = screen(base()).unwrap();
    assert_eq!(default.config_version, ProtocolConfig::default().version);
    let strict = screen_with_config(base(), s(r#"{"urine_protein_min_measurements": 5}"#)).unwrap();
    assert!(strict.config_version.ends_with("+custom"));
    assert!(default_config_json().unwrap().contains("\"uacr\""));
}

#[test]
fn lab_values_round_trip_exactly_and_an_edited_one_is_checked_again() {
    let scr = lab_value(AnalyteKind::SerumCreatinine, 1.3, s("mg/dL")).unwrap();
    assert_eq!((scr.canonical_unit.as_str(), (scr.canonical_value * 100.0).round() / 100.0), ("µmol/L", 114.92));
    let json = lab_value_to_json(scr.clone()).unwrap();
    assert_eq!(json, r#"{"value":1.3,"unit":"mg/dL"}"#);
    assert_eq!(lab_value_from_json(AnalyteKind::SerumCreatinine, json).unwrap(), scr);
    assert!((lab_value_in_unit(scr.clone(), s("umol/l")).unwrap() - 114.92).abs() < 0.01);
    let edited = LabValue { value: -1.0, ..scr };
    assert!(matches!(lab_value_to_json(edited), Err(DkdError::InvalidInput { kind, .. }) if kind == "negative"));
}

#[test]
fn a_value_of_another_analyte_is_refused_as_creatinine() {
    let cys = lab_value(AnalyteKind::CystatinC, 1.0, s("mg/L")).unwrap();
    let inputs = EgfrInputs {
        age_years: 50,
        sex: Sex::Male,
        creatinine: Some(cys),
        cystatin_c: None,
        weight_kg: None,
        black: false,
    };
    assert!(
        matches!(estimate_gfr(EgfrEquation::CkdEpi2021Cr, inputs), Err(DkdError::InvalidInput { kind, .. }) if kind == "wrong_analyte")
    );
}

#[test]
fn the_estimate_is_cores() {
    let scr = lab_value(AnalyteKind::SerumCreatinine, 88.4, s("µmol/L")).unwrap();
    let inputs = EgfrInputs {
        age_years: 60,
        sex: Sex::Female,
        creatinine: Some(scr),
        cystatin_c: None,
        weight_kg: None,
        black: false,
    };
    let egfr = estimate_gfr(protocol_default_equation().unwrap(), inputs).unwrap();
    assert_eq!(
        (egfr.equation, egfr.value.round(), egfr.unit.as_str(), egfr.normalised),
        (EgfrEquation::CkdEpi2021Cr, 64.0, "mL/min/1.73m²", true)
    );
    assert_eq!(age_from_years(62.0).unwrap(), 62);
    assert!(age_from_years(62.5).is_err());
    assert_eq!(age_on(date("1962-07-15"), date("2025-06-01")).unwrap(), 62);
}

/// The listings are core's, in core's order; slugs parse back.
#[test]
fn listings_and_slugs_are_cores() {
    let analytes = analytes().unwrap();
    assert_eq!(analytes.iter().map(|a| a.analyte).collect::<Vec<_>>(), AnalyteKind::ALL.to_vec());
    for a in &analytes {
        assert_eq!(parse_analyte(a.slug.clone()).unwrap(), a.analyte);
    }
    let equations = equations().unwrap();
    assert_eq!(equations.len(), EgfrEquation::ALL.len());
    for e in &equations {
        assert_eq!(parse_equation(e.slug.clone()).unwrap(), e.equation);
    }
    let criteria = criteria().unwrap();
    assert_eq!(criteria.len(), CriterionId::ALL.len());
    for c in &criteria {
        assert_eq!(parse_criterion_id(criterion_id_slug(c.id).unwrap()).unwrap(), Some(c.id));
        assert_eq!(criterion_kind_slug(c.kind).unwrap(), c.kind.as_str());
    }
    assert_eq!(parse_criterion_id(s("exc_colour")).unwrap(), None);
    assert_eq!(parse_sex(s("F")).unwrap(), Sex::Female);
    assert_eq!(parse_unit(s("mm[Hg]")).unwrap(), "mmHg");
}
