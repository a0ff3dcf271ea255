//! Tests only: compiled under `#[cfg(test)]` (declared so in the parent module), never in the library.
//! Binding-layer tests of eligibility. The criteria are core's and are tested there (and by the
//! shared vectors); here: every `ScreeningError` message pinned, the conversion total over
//! core's variants, dates named by the paths core uses, the typed record and the result mapping
//! core's types field for field, and the JSON round trip.

use std::collections::BTreeSet;

use amimestrocel_dkd::eligibility::{
    self as core_eligibility, ConfigError as CoreConfigError, ProtocolConfig, RecordError as CoreRecordError,
    ScreeningError as CoreScreeningError,
};
use amimestrocel_dkd::lab::{AnalyteKind, LabError as CoreLabError};
use serde_json::{json, Value};

use crate::*;

fn s(text: &str) -> String {
    text.to_owned()
}

fn read(name: &str) -> String {
    let path = format!("{}/../tests/vectors/eligibility/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The cases of the shared vectors, refusing a file with fewer than core's minimum.
fn cases() -> Vec<Value> {
    let vectors: Value = serde_json::from_str(&read("cases.json")).unwrap();
    let cases = vectors["cases"].as_array().unwrap().clone();
    assert!(cases.len() >= 80, "only {} eligibility cases", cases.len());
    cases
}

/// The text of a case: its raw `json`, or its `record` written back as JSON.
fn case_text(case: &Value) -> String {
    case.get("json").and_then(Value::as_str).map_or_else(|| case["record"].to_string(), str::to_owned)
}

/// The vectors' base record, typed.
fn base() -> ScreeningRecord {
    screening_record_from_json(read("base_record.json")).unwrap()
}

/// Index of the variant. Exhaustive on purpose: a new variant does not compile until counted.
fn variant(err: &ScreeningError) -> usize {
    match err {
        ScreeningError::Malformed { .. } => 0,
        ScreeningError::Lab { .. } => 1,
        ScreeningError::DateAfterScreening { .. } => 2,
        ScreeningError::DatesOutOfOrder { .. } => 3,
        ScreeningError::InvalidValue { .. } => 4,
        ScreeningError::InvalidDate { .. } => 5,
        ScreeningError::InvalidConfig { .. } => 6,
        ScreeningError::Internal { .. } => 7,
    }
}
const VARIANTS: usize = 8;

fn kind_reason_path(err: &ScreeningError) -> (&str, &str, &str) {
    match err {
        ScreeningError::Malformed { kind, reason, path }
        | ScreeningError::Lab { kind, reason, path }
        | ScreeningError::DateAfterScreening { kind, reason, path }
        | ScreeningError::DatesOutOfOrder { kind, reason, path, .. }
        | ScreeningError::InvalidValue { kind, reason, path }
        | ScreeningError::InvalidDate { kind, reason, path }
        | ScreeningError::InvalidConfig { kind, reason, path } => (kind, reason, path),
        ScreeningError::Internal { kind, reason } => (kind, reason, ""),
    }
}

fn entry(date: &str, value: f64, unit: &str) -> LabEntry {
    LabEntry { date: s(date), value, unit: s(unit) }
}

fn heart_failure(nyha_class: u8) -> Condition {
    Condition {
        condition: ConditionKind::HeartFailure,
        onset: None,
        resolved: None,
        nyha_class: Some(nyha_class),
        residual_deficit: None,
        uncontrolled: None,
        iv_antibiotics: None,
    }
}

/// Every screening error the bindings raise, from a real call, with all its fields and message.
#[test]
fn screening_error_messages_are_pinned() {
    let base = base();
    let with_labs = |labs: Labs| ScreeningRecord { labs, ..base.clone() };
    let unknown_unit =
        with_labs(Labs { creatinine: vec![entry("2025-05-20", 150.0, "mg/furlong")], ..base.labs.clone() });
    let late_uacr = with_labs(Labs { uacr: vec![entry("2025-07-01", 1850.0, "mg/g")], ..base.labs.clone() });
    let backwards = ScreeningRecord {
        medications: Some(vec![Medication {
            name: s("tacrolimus"),
            atc: None,
            systemic: true,
            start: s("2025-05-01"),
            end: Some(s("2025-04-01")),
        }]),
        ..base.clone()
    };
    let nyha_5 = ScreeningRecord { conditions: Some(vec![heart_failure(5)]), ..base.clone() };
    let bad_date = ScreeningRecord { screening_date: s("01/06/2025"), ..base.clone() };
    let unsuitable_unit = r#"{"uacr": {"bound": "above", "value": 1000, "unit": "mmHg"}}"#;
    let cases: Vec<(Option<ScreeningError>, ScreeningError)> = vec![
        (
            screening_record_from_json(s(r#"{"id": "X", "sex": "female", "colour": 1}"#)).err(),
            ScreeningError::Malformed {
                kind: s("malformed"),
                reason: s("colour: unknown field `colour`, expected one of `id`, `sex`, `date_of_birth`, \
                           `screening_date`, `type2_diabetes`, `kidney_biopsy`, `non_diabetic_kidney_disease`, \
                           `labs`, `blood_pressures`, `medications`, `conditions`, `lactating`, \
                           `pregnant`, `pregnancy_or_egg_donation_plan`, `childbearing_plan_without_contraception`, \
                           `other_trials`, `informed_consent`, `investigator_deems_unsuitable`"),
                path: s("colour"),
            },
        ),
        (
            screening_record_from_json(s("id=X; sex=F")).err(),
            ScreeningError::Malformed { kind: s("malformed"), reason: s(".: expected value"), path: s(".") },
        ),
        (
            screen(unknown_unit).err(),
            ScreeningError::Lab {
                kind: s("unknown_unit"),
                reason: s("labs.creatinine[0]: unknown unit `mg/furlong` for serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)"),
                path: s("labs.creatinine[0]"),
            },
        ),
        (
            screen(late_uacr).err(),
            ScreeningError::DateAfterScreening {
                kind: s("date_after_screening"),
                reason: s("labs.uacr[0].date: date is after the screening date"),
                path: s("labs.uacr[0].date"),
            },
        ),
        (
            screen(backwards).err(),
            ScreeningError::DatesOutOfOrder {
                kind: s("dates_out_of_order"),
                reason: s("medications[0].end: date is before `start` of the same entry"),
                path: s("medications[0].end"),
                start: s("start"),
            },
        ),
        (
            screen(nyha_5).err(),
            ScreeningError::InvalidValue {
                kind: s("invalid_value"),
                reason: s("conditions[0].nyha_class: NYHA class is 1, 2, 3 or 4"),
                path: s("conditions[0].nyha_class"),
            },
        ),
        (
            screen(bad_date.clone()).err(),
            ScreeningError::InvalidDate {
                kind: s("invalid_date"),
                reason: s("screening_date: not an ISO-8601 date (YYYY-MM-DD)"),
                path: s("screening_date"),
            },
        ),
        (
            screening_record_to_json(bad_date).err(),
            ScreeningError::InvalidDate {
                kind: s("invalid_date"),
                reason: s("screening_date: not an ISO-8601 date (YYYY-MM-DD)"),
                path: s("screening_date"),
            },
        ),
        (
            screen_with_config(base.clone(), s(unsuitable_unit)).err(),
            ScreeningError::InvalidConfig {
                kind: s("invalid_config"),
                reason: s("configuration field `uacr`: unit `mmHg` does not fit urine albumin-to-creatinine ratio \
                           (accepted: mg/g, mg/mmol)"),
                path: s("uacr"),
            },
        ),
        (
            screen_with_config(base.clone(), s(r#"{"uacr": {"bound": "over", "value": 1000, "unit": "mg/g"}}"#)).err(),
            ScreeningError::InvalidConfig {
                kind: s("invalid_config"),
                reason: s("configuration field `uacr.bound`: unknown variant, expected one of \
                           `at_least`, `above`, `at_most`, `below`"),
                path: s("uacr.bound"),
            },
        ),
        (
            screen_with_config(base.clone(), s("{} x")).err(),
            ScreeningError::InvalidConfig {
                kind: s("invalid_config"),
                reason: s("configuration field `.`: trailing characters at line 1 column 4"),
                path: s("."),
            },
        ),
        (
            crate::error::internal_panic_for_test().err(),
            ScreeningError::Internal { kind: s("internal_error"), reason: s("internal error in amimestrocel-dkd (a bug): please report it with the call that raised it") },
        ),
    ];
    let mut covered = BTreeSet::new();
    for (got, expected) in cases {
        let (_, reason, _) = kind_reason_path(&expected);
        assert_eq!(expected.to_string(), reason, "Display is the reason");
        assert_eq!(got.as_ref(), Some(&expected));
        covered.insert(variant(&expected));
    }
    assert_eq!(covered.len(), VARIANTS, "every ScreeningError variant is pinned");
}

/// Index of a core screening error's variant (record errors by their own variant). Exhaustive.
fn core_variant(err: &CoreScreeningError) -> usize {
    match err {
        CoreScreeningError::Record(CoreRecordError::Malformed { .. }) => 0,
        CoreScreeningError::Record(CoreRecordError::Lab { .. }) => 1,
        CoreScreeningError::Record(CoreRecordError::AfterScreening { .. }) => 2,
        CoreScreeningError::Record(CoreRecordError::OutOfOrder { .. }) => 3,
        CoreScreeningError::Record(CoreRecordError::Invalid { .. }) => 4,
        CoreScreeningError::Config(_) => 6,
    }
}

/// The conversion keeps core's kind, text and path for every core variant, and maps each to the
/// binding variant of the same meaning.
#[test]
fn conversion_covers_every_core_variant() {
    let path = || s("labs.uacr[0]");
    let exemplars: Vec<CoreScreeningError> = vec![
        CoreRecordError::Malformed { path: path(), reason: s("missing field `unit`") }.into(),
        CoreRecordError::Lab { path: path(), source: CoreLabError::Negative { analyte: AnalyteKind::Uacr } }.into(),
        CoreRecordError::AfterScreening { path: path() }.into(),
        CoreRecordError::OutOfOrder { path: path(), start: s("start") }.into(),
        CoreRecordError::Invalid { path: path(), reason: s("must be 1–4") }.into(),
        CoreConfigError { field: s("uacr"), reason: s("is wrong") }.into(),
    ];
    let seen: BTreeSet<usize> = exemplars.iter().map(core_variant).collect();
    assert_eq!(seen.len(), 6, "one exemplar per core variant");
    for err in exemplars {
        let index = core_variant(&err);
        let (kind, reason) = (err.kind().to_owned(), err.to_string());
        let path = match &err {
            CoreScreeningError::Record(r) => r.path().to_owned(),
            CoreScreeningError::Config(c) => c.field.to_owned(),
        };
        let ours = ScreeningError::from(err);
        assert_eq!(variant(&ours), index);
        assert_eq!(kind_reason_path(&ours), (kind.as_str(), reason.as_str(), path.as_str()));
        if let ScreeningError::DatesOutOfOrder { start, .. } = &ours {
            assert_eq!(start, "start");
        }
    }
    // A record error converts the same way on its own.
    let direct = ScreeningError::from(CoreRecordError::AfterScreening { path: path() });
    assert_eq!(kind_reason_path(&direct).2, "labs.uacr[0]");
}

/// A bad date in every date field of a typed record is `invalid_date` at the path core itself
/// uses for that field (checked against core's own error for a date after screening there).
#[test]
fn a_bad_date_is_named_by_the_path_core_uses() {
    type Edit = fn(&mut ScreeningRecord, &str);
    let base = || {
        let mut r = base();
        r.kidney_biopsy = Some(KidneyBiopsy { date: s("2021-03-10"), finding: BiopsyFinding::DiabeticKidneyDisease });
        r.labs.cystatin_c = vec![entry("2025-05-20", 1.2, "mg/L")];
        r.medications = Some(vec![Medication {
            name: s("metformin"),
            atc: None,
            systemic: true,
            start: s("2019-01-01"),
            end: Some(s("2020-01-01")),
        }]);
        r.conditions =
            Some(vec![Condition { onset: Some(s("2020-01-01")), resolved: Some(s("2020-02-01")), ..heart_failure(2) }]);
        r.other_trials =
            Some(vec![TrialParticipation { interventional: true, start: s("2019-01-01"), end: Some(s("2019-06-01")) }]);
        r
    };
    let edits: Vec<(&str, Edit)> = vec![
        ("kidney_biopsy.date", |r, d| r.kidney_biopsy.as_mut().unwrap().date = s(d)),
        ("labs.urine_protein_24h[1].date", |r, d| r.labs.urine_protein_24h[1].date = s(d)),
        ("labs.uacr[0].date", |r, d| r.labs.uacr[0].date = s(d)),
        ("labs.creatinine[0].date", |r, d| r.labs.creatinine[0].date = s(d)),
        ("labs.cystatin_c[0].date", |r, d| r.labs.cystatin_c[0].date = s(d)),
        ("labs.hba1c[0].date", |r, d| r.labs.hba1c[0].date = s(d)),
        ("labs.triglycerides[0].date", |r, d| r.labs.triglycerides[0].date = s(d)),
        ("labs.ldl_cholesterol[0].date", |r, d| r.labs.ldl_cholesterol[0].date = s(d)),
        ("labs.potassium[0].date", |r, d| r.labs.potassium[0].date = s(d)),
        ("labs.hbv_dna[0].date", |r, d| r.labs.hbv_dna[0].date = s(d)),
        ("labs.hcv_rna[0].date", |r, d| r.labs.hcv_rna[0].date = s(d)),
        ("blood_pressures[0].date", |r, d| r.blood_pressures[0].date = s(d)),
        ("medications[0].start", |r, d| r.medications.as_mut().unwrap()[0].start = s(d)),
        ("medications[0].end", |r, d| r.medications.as_mut().unwrap()[0].end = Some(s(d))),
        ("conditions[0].onset", |r, d| r.conditions.as_mut().unwrap()[0].onset = Some(s(d))),
        ("conditions[0].resolved", |r, d| r.conditions.as_mut().unwrap()[0].resolved = Some(s(d))),
        ("other_trials[0].start", |r, d| r.other_trials.as_mut().unwrap()[0].start = s(d)),
        ("other_trials[0].end", |r, d| r.other_trials.as_mut().unwrap()[0].end = Some(s(d))),
    ];
    assert!(screen(base()).is_ok());
    for (path, edit) in edits {
        let mut bad = base();
        edit(&mut bad, "2025-13-01");
        let err = screen(bad).unwrap_err();
        assert_eq!(
            kind_reason_path(&err),
            ("invalid_date", format!("{path}: not an ISO-8601 date (YYYY-MM-DD)").as_str(), path)
        );
        let mut late = base();
        edit(&mut late, "2099-01-01");
        let core_path = match screen(late).unwrap_err() {
            ScreeningError::DateAfterScreening { path, .. } => path,
            other => panic!("{path}: {other:?}"),
        };
        assert_eq!(core_path, path);
    }
    for (path, edit) in
        [("date_of_birth", (|r, d| r.date_of_birth = s(d)) as Edit), ("screening_date", |r, d| r.screening_date = s(d))]
    {
        for text in ["", "2025-6-1x", "01/06/2025", "2025-02-30"] {
            let mut bad = base();
            edit(&mut bad, text);
            assert_eq!(kind_reason_path(&screen(bad).unwrap_err()).2, path, "{text:?}");
        }
    }
}

/// The typed record is core's record field for field: core -> typed -> core is the identity for
/// every record of the shared vectors and a record that fills every field.
#[test]
fn typed_record_maps_core_field_for_field() {
    let mut texts: Vec<String> =
        cases().iter().filter(|c| c.get("json").is_none()).map(case_text).chain([read("base_record.json")]).collect();
    texts.push(
        json!({
            "id": "FULL", "sex": "M", "date_of_birth": "1960-02-29", "screening_date": "2025-06-01",
            "type2_diabetes": false, "kidney_biopsy": {"date": "2016-01-01", "finding": "non_diabetic"},
            "non_diabetic_kidney_disease": true,
            "labs": {"cystatin_c": [{"date": "2025-05-01", "value": 1.4, "unit": "mg/L"}],
                     "hcv_rna": [{"date": "2025-05-01", "value": 30, "upper_limit_of_normal": 15}]},
            "blood_pressures": [{"date": "2025-05-01", "systolic": 20, "diastolic": 12, "unit": "kPa"}],
            "medications": [{"name": "环孢素", "systemic": false, "start": "2025-05-01", "end": "2025-05-20"}],
            "conditions": [{"condition": "lacunar_infarction", "onset": "2025-03-01", "resolved": "2025-04-01",
                            "residual_deficit": true, "uncontrolled": false, "iv_antibiotics": true, "nyha_class": 1}],
            "childbearing_plan_without_contraception": true,
            "other_trials": [{"interventional": false, "start": "2024-01-01"}]
        })
        .to_string(),
    );
    assert!(texts.len() > 80);
    for text in texts {
        let core = core_eligibility::ScreeningRecord::from_json(&text).unwrap();
        let typed = ScreeningRecord::from(core.clone());
        assert_eq!(typed.to_core().unwrap(), core, "{text}");
        assert_eq!(screening_record_from_json(text.clone()).unwrap(), typed);
    }
}

/// typed -> JSON -> typed is exact, and the JSON is core's serialisation of the record.
#[test]
fn json_round_trip_is_exact() {
    let record = ScreeningRecord {
        conditions: Some(vec![heart_failure(3)]),
        medications: Some(vec![]),
        other_trials: None,
        ..base()
    };
    let json = screening_record_to_json(record.clone()).unwrap();
    assert_eq!(screening_record_from_json(json.clone()).unwrap(), record);
    let core = record.to_core().unwrap();
    assert_eq!(json, serde_json::to_string(&core).unwrap());
    // "Not known" and "asked, none" survive the trip.
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!((&value["medications"], &value["other_trials"]), (&json!([]), &Value::Null));
}

#[test]
fn a_number_json_cannot_hold_is_refused_not_written_as_null() {
    let mut record = base();
    record.labs.uacr[0].value = f64::NAN;
    let err = screening_record_to_json(record).unwrap_err();
    assert_eq!(kind_reason_path(&err).0, "malformed");
    assert_eq!(kind_reason_path(&err).2, "labs.uacr[0].value");
}

/// The result as core serialises it, rebuilt from the binding's record: every field of core's
/// result reaches the binding's, unchanged.
fn result_json(r: &ScreeningResult) -> Value {
    let quantity = |q: &Option<Quantity>| q.as_ref().map(|q| json!({"value": q.value, "unit": q.unit}));
    let criteria: Vec<Value> = r
        .criteria
        .iter()
        .map(|c| {
            let evidence: Vec<Value> = c
                .evidence
                .iter()
                .map(|e| {
                    let mut v = json!({"field": e.field});
                    for (key, item) in [
                        ("date", e.date.clone().map(Value::from)),
                        ("entered", quantity(&e.entered)),
                        ("converted", quantity(&e.converted)),
                    ] {
                        if let Some(item) = item {
                            v[key] = item;
                        }
                    }
                    v
                })
                .collect();
            json!({"id": c.id.slug().unwrap(), "kind": c.kind.slug().unwrap(), "outcome": c.outcome.slug().unwrap(), "evidence": evidence, "reason": c.reason})
        })
        .collect();
    json!({"id": r.id, "screening_date": r.screening_date, "status": r.status.slug().unwrap(), "criteria": criteria,
           "config_version": r.config_version})
}

/// Every case of the shared vectors through the binding's functions (JSON -> typed record ->
/// screen), compared with core run directly: same result, field for field, or same error.
#[test]
fn shared_vectors_through_the_binding_match_core() {
    let config = ProtocolConfig::default();
    let mut compared = 0;
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        let text = case_text(&case);
        let ours = screening_record_from_json(text.clone()).and_then(screen);
        let theirs = core_eligibility::ScreeningRecord::from_json(&text)
            .map_err(CoreScreeningError::from)
            .and_then(|r| core_eligibility::screen(&r, &config));
        match (ours, theirs, case.get("error")) {
            (Ok(ours), Ok(theirs), None) => {
                assert_eq!(result_json(&ours), serde_json::to_value(&theirs).unwrap(), "{name}");
                assert_eq!(ours.status.slug().unwrap(), case["status"].as_str().unwrap(), "{name}");
                for (id, outcome) in case["criteria"].as_object().unwrap() {
                    let id = parse_criterion_id(id.clone()).unwrap();
                    let got = ours.criteria.iter().find(|c| Some(c.id) == id).unwrap();
                    assert_eq!(got.outcome.slug().unwrap(), outcome.as_str().unwrap(), "{name}: {}", got.reason);
                }
                compared += 1;
            }
            (Err(ours), Err(theirs), Some(expected)) => {
                let (kind, reason, path) = kind_reason_path(&ours);
                assert_eq!((kind, reason), (theirs.kind(), theirs.to_string().as_str()), "{name}");
                assert_eq!((kind, path), (expected["kind"].as_str().unwrap(), expected["path"].as_str().unwrap()));
                compared += 1;
            }
            (ours, theirs, expected) => panic!("{name}: {ours:?} / {theirs:?}, expected {expected:?}"),
        }
    }
    assert!(compared >= 80);
}

#[test]
fn enums_mirror_core_one_to_one() {
    let ids: Vec<CriterionId> = core_eligibility::CriterionId::ALL.iter().map(|&id| id.into()).collect();
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), ids.len());
    for (&core, ours) in core_eligibility::CriterionId::ALL.iter().zip(&ids) {
        assert_eq!(core_eligibility::CriterionId::from(*ours), core);
        assert_eq!(ours.slug().unwrap(), core.slug());
        assert_eq!(parse_criterion_id(ours.slug().unwrap()).unwrap(), Some(*ours));
    }
    assert_eq!(parse_criterion_id(s("inc_colour")).unwrap(), None);
    for (ours, slug) in [(Outcome::Met, "met"), (Outcome::NotMet, "not_met"), (Outcome::Unknown, "unknown")] {
        assert_eq!(Outcome::from(core_eligibility::Outcome::from(ours)), ours);
        assert_eq!(ours.slug().unwrap(), slug);
    }
    for (ours, slug) in
        [(Status::Eligible, "eligible"), (Status::Ineligible, "ineligible"), (Status::Pending, "pending")]
    {
        assert_eq!(Status::from(core_eligibility::Status::from(ours)), ours);
        assert_eq!(ours.slug().unwrap(), slug);
    }
    for (ours, slug) in [(CriterionKind::Inclusion, "inclusion"), (CriterionKind::Exclusion, "exclusion")] {
        assert_eq!(CriterionKind::from(core_eligibility::CriterionKind::from(ours)), ours);
        assert_eq!(ours.slug().unwrap(), slug);
    }
    for finding in [BiopsyFinding::DiabeticKidneyDisease, BiopsyFinding::NonDiabetic] {
        assert_eq!(BiopsyFinding::from(core_eligibility::BiopsyFinding::from(finding)), finding);
    }
    // Every condition kind by its JSON name, through core's reader.
    let names = [
        "atrial_fibrillation",
        "congenital_heart_disease",
        "heart_failure",
        "unstable_angina",
        "cerebral_haemorrhage",
        "cerebral_infarction",
        "lacunar_infarction",
        "malignancy",
        "active_tuberculosis",
        "hiv",
        "severe_immunodeficiency",
        "blood_product_allergy",
        "heterologous_protein_allergy",
        "hyperkalaemia",
        "active_infection",
    ];
    let mut kinds = BTreeSet::new();
    for name in names {
        let core: core_eligibility::ConditionKind = serde_json::from_value(json!(name)).unwrap();
        let ours = ConditionKind::from(core);
        assert_eq!(core_eligibility::ConditionKind::from(ours), core);
        kinds.insert(format!("{ours:?}"));
    }
    assert_eq!(kinds.len(), names.len());
}

#[test]
fn criteria_are_cores_list() {
    let ours = criteria().unwrap();
    let theirs = core_eligibility::criteria(&ProtocolConfig::default());
    assert_eq!(ours.len(), theirs.len());
    assert_eq!(ours.len(), 23);
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(
            (o.id.slug().unwrap(), o.kind.slug().unwrap(), o.protocol_text.as_str()),
            (
                t.id.slug().to_owned(),
                serde_json::to_value(t.kind).unwrap().as_str().unwrap().to_owned(),
                t.protocol_text
            )
        );
        let params: Vec<(&str, &str)> = o.parameters.iter().map(|p| (p.name.as_str(), p.value.as_str())).collect();
        let expected: Vec<(&str, &str)> = t.parameters.iter().map(|(n, v)| (*n, v.as_str())).collect();
        assert_eq!(params, expected);
    }
    let uacr = ours.iter().find(|c| c.id == CriterionId::IncUacr).unwrap();
    assert_eq!(uacr.parameters[0], Parameter { name: s("uacr"), value: s("> 1000 mg/g") });
}

#[test]
fn configuration_round_trips_and_changes_the_screening() {
    let json = default_config_json().unwrap();
    let config: ProtocolConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(config, ProtocolConfig::default());
    assert_eq!(screen_with_config(base(), json).unwrap(), screen(base()).unwrap());
    let strict = screen_with_config(base(), s(r#"{"urine_protein_min_measurements": 3}"#)).unwrap();
    let urine = strict.criteria.iter().find(|c| c.id == CriterionId::IncUrineProtein).unwrap();
    assert_eq!((strict.status, urine.outcome), (Status::Pending, Outcome::Unknown));
}

#[test]
fn typed_record_built_in_code_is_screened() {
    let record = ScreeningRecord {
        id: s("P-001"),
        sex: Sex::Female,
        date_of_birth: s("1962-07-15"),
        screening_date: s("2025-06-01"),
        type2_diabetes: None,
        kidney_biopsy: None,
        non_diabetic_kidney_disease: None,
        labs: Labs { uacr: vec![entry("2025-05-20", 113.12, "mg/mmol")], ..Labs::default() },
        blood_pressures: vec![],
        medications: None,
        conditions: None,
        lactating: None,
        pregnant: None,
        pregnancy_or_egg_donation_plan: None,
        childbearing_plan_without_contraception: None,
        other_trials: None,
        informed_consent: None,
        investigator_deems_unsuitable: None,
    };
    let result = screen(record).unwrap();
    assert_eq!((result.id.as_str(), result.screening_date.as_str()), ("P-001", "2025-06-01"));
    assert_eq!(result.status, Status::Ineligible); // 113.12 mg/mmol is exactly 1000 mg/g, not > 1000
    assert_eq!(result.config_version, core_eligibility::DEFAULT_CONFIG_VERSION);
    let uacr = result.criteria.iter().find(|c| c.id == CriterionId::IncUacr).unwrap();
    assert_eq!((uacr.kind, uacr.outcome), (CriterionKind::Inclusion, Outcome::NotMet));
    let evidence = &uacr.evidence[0];
    assert_eq!((evidence.field.as_str(), evidence.date.as_deref()), ("labs.uacr[0]", Some("2025-05-20")));
    assert_eq!(evidence.entered, Some(Quantity { value: 113.12, unit: s("mg/mmol") }));
    let converted = evidence.converted.as_ref().unwrap();
    assert_eq!(converted.unit, "mg/g");
    assert!((converted.value - 1000.0).abs() < 1e-6);
    // Nothing known about type 2 diabetes: unknown, never quietly "not met".
    let diabetes = result.criteria.iter().find(|c| c.id == CriterionId::IncType2Diabetes).unwrap();
    assert_eq!(diabetes.outcome, Outcome::Unknown);
}

/// No value of the record (id, dates, numbers) appears in an error message.
#[test]
fn screening_errors_carry_no_values_of_the_record() {
    let base = base();
    let mut bad_unit = base.clone();
    bad_unit.labs.uacr[0] = entry("2025-05-20", 4711.0, "mg/furlong");
    let mut late = base.clone();
    late.labs.uacr[0].date = s("2025-07-14");
    let mut bad_date = base.clone();
    bad_date.date_of_birth = s("14.07.1947");
    for record in [bad_unit, late, bad_date] {
        let err = screen(record).unwrap_err();
        for secret in ["4711", "VEC-BASE", "07-14", "1947"] {
            assert!(!err.to_string().contains(secret), "{err}");
        }
    }
}

/// As for lab values (see `tests::invalid_json_never_repeats_a_mistyped_value`): core's reader
/// passes serde_json's text on, which quotes a value of the wrong JSON type.
#[test]
fn malformed_never_repeats_a_mistyped_value() {
    let text = read("base_record.json").replace(r#""value": 1850"#, r#""value": "4711""#);
    let err = screening_record_from_json(text).unwrap_err();
    assert_eq!(kind_reason_path(&err).2, "labs.uacr[0].value");
    assert!(!err.to_string().contains("4711"), "{err}");
}
