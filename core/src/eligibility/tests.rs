//! Tests only: compiled under `#[cfg(test)]` (declared so in the parent module), never in the library.
use super::*;
use crate::demographics::Sex;
use crate::tools::synthetic;
use chrono::NaiveDate;
use proptest::prelude::*;

fn base() -> ScreeningRecord {
    let text = include_str!("../../../tests/vectors/eligibility/base_record.json");
    ScreeningRecord::from_json(text).unwrap()
}

fn cfg() -> ProtocolConfig {
    ProtocolConfig::default()
}

#[test]
fn base_record_is_eligible_with_every_criterion_answered() {
    let r = screen(&base(), &cfg()).unwrap();
    assert_eq!(r.status, Status::Eligible);
    assert_eq!(r.criteria.len(), CriterionId::ALL.len());
    for (c, id) in r.criteria.iter().zip(CriterionId::ALL) {
        assert_eq!(c.id, *id);
        assert!(!c.reason.to_string().is_empty());
    }
    assert_eq!(r.config_version, DEFAULT_CONFIG_VERSION);
}

#[test]
fn the_result_names_the_configuration_version_it_used() {
    let mut c = cfg();
    c.version = "site-7/readings-2".into();
    assert_eq!(screen(&base(), &c).unwrap().config_version, "site-7/readings-2");
    assert!(matches!(screen(&base(), &cfg()).unwrap().config_version, std::borrow::Cow::Borrowed(_)));
}

/// The fields a criterion's evidence cites.
fn cited(r: &ScreeningRecord, id: &str) -> Vec<String> {
    let res = screen(r, &cfg()).unwrap();
    res.criterion(id).unwrap().evidence.iter().map(|e| e.field.to_string()).collect()
}

#[test]
fn the_hyperkalaemia_exclusion_cites_the_latest_potassium_in_its_look_back() {
    let mut r = base();
    assert_eq!(cited(&r, "exc_hyperkalaemia"), ["labs.potassium[0]"]);
    r.labs.potassium.push(LabEntry { date: r.screening_date, value: 4.1, unit: "mmol/L".into() });
    assert_eq!(cited(&r, "exc_hyperkalaemia"), ["labs.potassium[1]"]);
}

#[test]
fn a_serology_is_cited_beside_the_viral_load_that_decides() {
    let mut r = base();
    let d = NaiveDate::from_ymd_opt(2025, 5, 25).unwrap();
    r.labs.hbsag = vec![SerologyResult { date: d, positive: true }];
    let res = screen(&r, &cfg()).unwrap();
    // The viral load below its limit decides (the protocol's definition); the serology is cited.
    assert_eq!(res.criterion("exc_viral_hepatitis").unwrap().outcome, Outcome::NotMet);
    assert_eq!(cited(&r, "exc_viral_hepatitis"), ["labs.hbv_dna[0]", "labs.hbsag[0]", "labs.hcv_rna[0]"]);
}

#[test]
fn a_mans_partners_pregnancy_plan_is_cited() {
    let mut r = base();
    (r.sex, r.lactating, r.pregnant) = (Sex::Male, None, None);
    (r.pregnancy_or_egg_donation_plan, r.childbearing_plan_without_contraception) = (Some(true), Some(false));
    let res = screen(&r, &cfg()).unwrap();
    assert_eq!(res.criterion("exc_pregnancy_lactation").unwrap().outcome, Outcome::NotMet);
    assert_eq!(
        cited(&r, "exc_pregnancy_lactation"),
        ["childbearing_plan_without_contraception", "pregnancy_or_egg_donation_plan"]
    );
}

#[test]
fn every_entry_of_a_joined_course_carries_the_courses_days() {
    let mut r = base();
    let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    let course =
        |start, end| Medication { name: "tacrolimus".into(), atc: None, systemic: true, start, end: Some(end) };
    r.medications = Some(vec![course(d(5, 10), d(5, 14)), course(d(5, 15), d(5, 19))]);
    let res = screen(&r, &cfg()).unwrap();
    let c = res.criterion("exc_immunosuppressant").unwrap();
    assert_eq!(c.outcome, Outcome::Met);
    let days: Vec<f64> = c.evidence.iter().map(|e| e.converted.unwrap().value).collect();
    assert_eq!(days, [10.0, 10.0]);
    let mut each = cfg();
    each.immunosuppressant_courses = CourseJoining::EachEntry;
    assert_eq!(screen(&r, &each).unwrap().criterion("exc_immunosuppressant").unwrap().outcome, Outcome::NotMet);
}

#[test]
fn a_form_word_in_one_part_leaves_a_counted_systemic_reading_unknown() {
    let mut r = base();
    let d = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let med = |name: &str| Medication { name: name.into(), atc: None, systemic: true, start: d, end: None };
    r.medications = Some(vec![med("prednisone/hydrocortisone cream")]);
    let outcome = |r: &ScreeningRecord, c: &ProtocolConfig| {
        screen(r, c).unwrap().criterion("exc_immunosuppressant").unwrap().outcome
    };
    // A steroid does not count by default: whichever the form word's part, nothing counts.
    assert_eq!(outcome(&r, &cfg()), Outcome::NotMet);
    let steroids = ProtocolConfig { count_glucocorticoids: true, ..cfg() };
    assert_eq!(outcome(&r, &steroids), Outcome::Unknown);
    r.medications = Some(vec![med("cyclosporine/hydrocortisone cream")]);
    assert_eq!(outcome(&r, &cfg()), Outcome::Unknown);
}

#[test]
fn threshold_bounds_are_inclusive_or_exclusive_as_named() {
    use Bound::*;
    let t = |bound| Threshold::<crate::lab::AlbuminCreatinineRatio>::new(bound, 10.0, Unit::MilligramPerGram).unwrap();
    assert!(t(AtLeast).passes_value(10.0));
    assert!(!t(Above).passes_value(10.0));
    assert!(t(AtMost).passes_value(10.0));
    assert!(!t(Below).passes_value(10.0));
    assert!(t(Above).passes_value(10.000_001));
    assert!(t(Below).passes_value(9.999_999));
}

#[test]
fn egfr_threshold_is_inclusive_at_exactly_20() {
    assert!(cfg().egfr.passes_value(20.0));
    assert!(!cfg().egfr.passes_value(19.999));
}

#[test]
fn the_uacr_evidence_shows_the_unit_as_entered_and_as_converted() {
    let mut r = base();
    r.labs.uacr = vec![LabEntry { date: r.screening_date, value: 200.0, unit: "mg/mmol".into() }];
    let res = screen(&r, &cfg()).unwrap();
    let c = res.criterion("inc_uacr").unwrap();
    let ev = &c.evidence[0];
    assert_eq!(ev.field.to_string(), "labs.uacr[0]");
    assert_eq!(ev.entered.as_ref().unwrap().unit, "mg/mmol");
    assert_eq!(ev.converted.as_ref().unwrap().unit, "mg/g");
    assert!((ev.converted.as_ref().unwrap().value - 1768.0).abs() < 0.1);
    assert_eq!(
        c.reason.to_string(),
        "Latest urine albumin-to-creatinine ratio (2025-06-01) is 1768.03 mg/g, which is > 1000 mg/g."
    );
}

#[test]
fn a_record_keeps_each_unit_as_entered_through_json() {
    // `umol/L`, `mg / dL` and an unknown text come back as written, not in canonical spelling.
    let mut r = base();
    r.labs.creatinine[0].unit = "umol/L".into();
    r.labs.hba1c[0].unit = " % ".into();
    r.blood_pressures[0].unit = "mm[Hg]".into();
    let back = ScreeningRecord::from_json(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back, r);
    assert_eq!(back.labs.creatinine[0].unit, "umol/L");
    assert_eq!(back.labs.hba1c[0].unit, " % ");
    assert_eq!(back.blood_pressures[0].unit.unit(), Some(Unit::MillimeterOfMercury));
    r.labs.uacr[0].unit = "mg/furlong".into();
    let err = screen(&r, &cfg()).unwrap_err();
    assert_eq!(
        (err.kind(), err.to_string().starts_with("labs.uacr[0]: unknown unit `mg/furlong`")),
        ("unknown_unit", true)
    );
}

#[test]
fn every_criterion_gives_its_own_reason_for_every_synthetic_candidate() {
    // Eligible, ineligible and pending candidates alike: each slot holds its own criterion,
    // answered with a reason, and unknown only with the evidence it had found.
    for r in synthetic::cohort(11, 400) {
        let res = screen(&r, &cfg()).unwrap();
        for (c, id) in res.criteria.iter().zip(CriterionId::ALL) {
            assert_eq!(c.id, *id);
            assert_eq!(c.kind, id.kind());
            assert!(!c.reason.to_string().is_empty(), "{}: {id:?} has no reason", r.id);
        }
    }
}

#[test]
fn configuration_readings_are_parameters() {
    // "Continuously" read as three measurements instead of two.
    let mut c = cfg();
    c.urine_protein_min_measurements = 3;
    let res = screen(&base(), &c).unwrap();
    assert_eq!(res.criterion("inc_urine_protein").unwrap().outcome, Outcome::Unknown);
    // The 2009 equation instead of 2021.
    let mut c = cfg();
    c.egfr_equation = crate::egfr::EgfrEquation::CkdEpi2009Cr;
    let res = screen(&base(), &c).unwrap();
    assert!(res.criterion("inc_egfr").unwrap().reason.to_string().contains("ckd_epi_2009_cr"));
}

#[test]
fn configuration_round_trips_through_json_and_refuses_bad_units() {
    let c = cfg();
    let json = serde_json::to_string(&c).unwrap();
    let back: ProtocolConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    // A threshold's unit fits its analyte by type: a unit that does not fit is refused where
    // the configuration is read, and so is a negative number.
    let bad = ProtocolConfig::from_json(r#"{"uacr": {"bound": "above", "value": 1000, "unit": "mmHg"}}"#);
    assert_eq!(
        bad.unwrap_err().to_string(),
        "configuration field `uacr`: unit `mmHg` does not fit urine albumin-to-creatinine ratio (accepted: mg/g, mg/mmol)"
    );
    let negative =
        ProtocolConfig::from_json(r#"{"egfr": {"bound": "at_least", "value": -1, "unit": "mL/min/1.73m²"}}"#);
    assert_eq!(negative.unwrap_err().to_string(), "configuration field `egfr`: eGFR is negative");
    let mut cg = cfg();
    cg.egfr_equation = crate::egfr::EgfrEquation::CockcroftGault;
    assert_eq!(cg.validate().unwrap_err().field, "egfr_equation");
}

#[test]
fn every_record_error_message_is_pinned() {
    let cases: Vec<(RecordError, &str, &str)> = vec![
        (
            RecordError::Malformed { path: "labs.uacr[0]".into(), reason: "missing field `unit`".into() },
            "malformed",
            "labs.uacr[0]: missing field `unit`",
        ),
        (
            RecordError::Lab {
                path: "labs.creatinine[0]".into(),
                source: LabError::UnknownUnit { unit: "x".into(), analyte: None },
            },
            "unknown_unit",
            "labs.creatinine[0]: unknown unit `x`",
        ),
        (
            RecordError::AfterScreening { path: "labs.uacr[0].date".into() },
            "date_after_screening",
            "labs.uacr[0].date: date is after the screening date",
        ),
        (
            RecordError::OutOfOrder { path: "medications[0].end".into(), start: "start".into() },
            "dates_out_of_order",
            "medications[0].end: date is before `start` of the same entry",
        ),
        (
            RecordError::Invalid {
                path: "conditions[0].nyha_class".into(),
                reason: "NYHA class is 1, 2, 3 or 4".into(),
            },
            "invalid_value",
            "conditions[0].nyha_class: NYHA class is 1, 2, 3 or 4",
        ),
    ];
    for (e, kind, message) in cases {
        assert_eq!(e.kind(), kind);
        assert_eq!(e.to_string(), message);
    }
}

use crate::lab::{LabError, Unit};

#[test]
fn criteria_catalogue_lists_every_criterion_with_text_and_parameters() {
    let list = criteria(&cfg());
    assert_eq!(list.len(), 23);
    assert!(list.iter().all(|c| !c.protocol_text.is_empty()));
    let slugs: std::collections::HashSet<_> = list.iter().map(|c| c.id.slug()).collect();
    assert_eq!(slugs.len(), 23, "ids are unique");
    for c in &list {
        assert_eq!(CriterionId::from_slug(c.id.slug()), Some(c.id));
    }
}

#[test]
fn bundled_cohort_is_the_generator_output_for_its_seed() {
    let text = include_str!("../../../data/screening_cohort.jsonl");
    let generated = synthetic::cohort(synthetic::BUNDLED_SEED, synthetic::BUNDLED_COUNT);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), generated.len());
    for (line, record) in lines.iter().zip(&generated) {
        assert_eq!(*line, serde_json::to_string(record).unwrap());
    }
}

#[test]
fn bundled_cohort_has_about_120_eligible_of_300() {
    let cohort = synthetic::cohort(synthetic::BUNDLED_SEED, synthetic::BUNDLED_COUNT);
    let results = screen_batch(&cohort, &cfg()).unwrap();
    let s = crate::tools::report::ScreeningSummary::from_results(&results);
    assert_eq!(s.refused, 0);
    assert!((100..=140).contains(&s.eligible), "{s}");
    assert!(s.ineligible > 0 && s.pending > 0);
}

/// Re-expresses every lab entry of a record in another unit of its analyte.
fn in_other_units(r: &ScreeningRecord, pick: usize) -> ScreeningRecord {
    let mut out = r.clone();
    let series: [(&mut Vec<LabEntry>, AnalyteKind); 8] = [
        (&mut out.labs.urine_protein_24h, AnalyteKind::UrineProtein24h),
        (&mut out.labs.uacr, AnalyteKind::Uacr),
        (&mut out.labs.creatinine, AnalyteKind::SerumCreatinine),
        (&mut out.labs.cystatin_c, AnalyteKind::CystatinC),
        (&mut out.labs.hba1c, AnalyteKind::Hba1c),
        (&mut out.labs.triglycerides, AnalyteKind::Triglycerides),
        (&mut out.labs.ldl_cholesterol, AnalyteKind::LdlCholesterol),
        (&mut out.labs.potassium, AnalyteKind::Potassium),
    ];
    for (entries, kind) in series {
        for e in entries.iter_mut() {
            let m = Measurement::new(kind, e.value, &e.unit).unwrap();
            let to = kind.units()[pick % kind.units().len()];
            e.value = m.in_unit(to).unwrap();
            e.unit = to.into();
        }
    }
    out
}

use crate::lab::{AnalyteKind, Measurement};

fn outcomes(r: &ScreeningResult) -> Vec<Outcome> {
    r.criteria.iter().map(|c| c.outcome).collect()
}

fn seeds() -> impl Strategy<Value = u64> {
    any::<u64>()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Raising UACR never turns a met UACR criterion into not met.
    #[test]
    fn raising_uacr_keeps_it_met(seed in seeds(), factor in 1.0f64..20.0) {
        let mut r = synthetic::cohort(seed, 1).remove(0);
        let before = screen(&r, &cfg()).unwrap();
        for e in &mut r.labs.uacr { e.value *= factor; }
        if let Ok(after) = screen(&r, &cfg()) {
            if before.criterion("inc_uacr").unwrap().outcome == Outcome::Met {
                prop_assert_eq!(after.criterion("inc_uacr").unwrap().outcome, Outcome::Met);
            }
        }
    }

    /// Adding an excluding condition makes every candidate ineligible, so never eligible.
    #[test]
    fn an_excluding_condition_never_makes_a_candidate_eligible(seed in seeds(), which in 0usize..3) {
        let mut r = synthetic::cohort(seed, 1).remove(0);
        let before = screen(&r, &cfg()).unwrap().status;
        let kind = [ConditionKind::Hiv, ConditionKind::ActiveTuberculosis, ConditionKind::BloodProductAllergy][which];
        r.conditions.get_or_insert_with(Vec::new).push(Condition {
            condition: kind, onset: Some(r.screening_date), resolved: None, nyha_class: None,
            residual_deficit: None, uncontrolled: None, iv_antibiotics: None,
        });
        let after = screen(&r, &cfg()).unwrap().status;
        prop_assert_eq!(after, Status::Ineligible);
        if before == Status::Ineligible { prop_assert_eq!(after, Status::Ineligible); }
    }

    /// The same candidate with values in other units gets the same result.
    #[test]
    fn other_units_same_result(seed in seeds(), pick in 0usize..4) {
        let r = synthetic::cohort(seed, 1).remove(0);
        let a = screen(&r, &cfg()).unwrap();
        let b = screen(&in_other_units(&r, pick), &cfg()).unwrap();
        prop_assert_eq!(a.status, b.status);
        prop_assert_eq!(outcomes(&a), outcomes(&b));
    }

    /// Record order in a batch does not matter.
    #[test]
    fn batch_order_does_not_matter(seed in seeds(), n in 1usize..40, rotate in 0usize..40) {
        let cohort = synthetic::cohort(seed, n);
        let mut shuffled = cohort.clone();
        shuffled.rotate_left(rotate % n);
        shuffled.reverse();
        let a = screen_batch(&cohort, &cfg()).unwrap();
        let b = screen_batch(&shuffled, &cfg()).unwrap();
        let by_id = |v: &[Result<ScreeningResult, ScreeningError>]| {
            let mut m: Vec<(String, Status)> = v.iter().map(|r| { let r = r.as_ref().unwrap(); (r.id.clone(), r.status) }).collect();
            m.sort_by(|x, y| x.0.cmp(&y.0));
            m
        };
        prop_assert_eq!(by_id(&a), by_id(&b));
    }

    /// Any record, however odd its values and dates, gives a result or a typed error.
    #[test]
    fn no_panic_on_any_record(seed in seeds(), shift in -4000i64..4000, value in proptest::num::f64::ANY,
                              unit in prop::sample::select(vec!["mg/dL", "µmol/L", "%", "mmol/mol", "mg/g", "mg/mmol", "x", ""])) {
        let mut r = synthetic::cohort(seed, 1).remove(0);
        let d = r.screening_date + chrono::Duration::days(shift);
        r.labs.uacr.push(LabEntry { date: d, value, unit: unit.into() });
        r.labs.creatinine.push(LabEntry { date: d, value, unit: unit.into() });
        r.labs.hba1c.push(LabEntry { date: d, value, unit: unit.into() });
        if let Some(meds) = r.medications.as_mut() {
            meds.push(Medication { name: "tacrolimus".into(), atc: None, systemic: true, start: d, end: Some(d - chrono::Duration::days(shift.abs() % 50)) });
        }
        match screen(&r, &cfg()) {
            Ok(res) => {
                prop_assert_eq!(res.criteria.len(), CriterionId::ALL.len());
                // Every criterion wrote its own slot, with a reason.
                for (c, id) in res.criteria.iter().zip(CriterionId::ALL) {
                    prop_assert_eq!(c.id, *id);
                    prop_assert!(!c.reason.to_string().is_empty(), "{:?} has no reason", id);
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        // And through JSON, including text that is not a record.
        let json = serde_json::to_string(&r).unwrap_or_default();
        let _ = ScreeningRecord::from_json(&json);
        let half = json.char_indices().nth(json.chars().count() / 2).map_or(0, |(i, _)| i);
        let _ = ScreeningRecord::from_json(&json[..half]);
    }
}

#[test]
fn result_parts_stay_within_their_size_budget() {
    // A screening moves 23 criterion results per record; these sizes are what keep that cheap
    // (docs/performance.md). Growing one is a decision, not an accident.
    use std::mem::size_of;
    assert_eq!(size_of::<Arg>(), 24);
    assert_eq!(size_of::<Quantity>(), 16);
    assert_eq!(size_of::<Option<Quantity>>(), 16);
    assert_eq!(size_of::<Field>(), 24);
    assert_eq!(size_of::<Evidence>(), 64);
    assert_eq!(size_of::<CriterionResult>(), 320);
}

#[test]
fn field_paths_render_index_and_detail() {
    assert_eq!(Field::item("labs.uacr", 0).to_string(), "labs.uacr[0]");
    assert_eq!(Field::item("labs.uacr", 2).to_string(), "labs.uacr[2]");
    assert_eq!(
        Field::item("blood_pressures", 1).with_detail(Detail::Systolic).to_string(),
        "blood_pressures[1].systolic"
    );
    assert_eq!(
        Field::named("egfr").with_detail(Detail::Equation(crate::egfr::EgfrEquation::CkdEpi2021Cr)).to_string(),
        "egfr (ckd_epi_2021_cr)"
    );
    assert_eq!(Field::named("lactating").to_string(), "lactating");
    // An index beyond u32 saturates rather than wrapping.
    assert_eq!(Field::item("conditions", usize::MAX).to_string(), format!("conditions[{}]", u32::MAX - 1));
}

// ---- Reliability: regressions of what hostile input found (issue 9) ----

/// The base record as JSON text, with `edit` applied to its JSON value.
fn base_json(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/vectors/eligibility/base_record.json")).unwrap();
    edit(&mut v);
    v.to_string()
}

#[test]
fn trailing_content_after_a_record_is_refused_not_dropped() {
    let a = base_json(|_| {});
    for text in [format!("{a}{a}"), format!("{a} garbage"), format!("{a}\r{a}"), format!("{a},")] {
        let e = ScreeningRecord::from_json(&text).unwrap_err();
        assert_eq!((e.kind(), e.path()), ("malformed", "."), "{text}");
        assert!(e.to_string().contains("trailing"), "{e}");
    }
    // White space around one record is fine.
    assert!(ScreeningRecord::from_json(&format!("\n  {a}\r\n ")).is_ok());
}

#[test]
fn an_array_where_an_object_is_documented_is_refused() {
    let top = r#"["P", "F", "1960-01-01", "2025-06-01"]"#;
    assert_eq!(ScreeningRecord::from_json(top).unwrap_err().path(), ".");
    let nested = base_json(|v| v["labs"]["uacr"] = serde_json::json!([["2025-05-20", 1200.0, "mg/g"]]));
    let e = ScreeningRecord::from_json(&nested).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("malformed", "labs.uacr[0]"));
    assert_eq!(e.to_string(), "labs.uacr[0]: invalid type or value, expected an object");
    let biopsy = base_json(|v| v["kidney_biopsy"] = serde_json::json!(["2020-01-01", "diabetic_kidney_disease"]));
    assert_eq!(ScreeningRecord::from_json(&biopsy).unwrap_err().path(), "kidney_biopsy");
    assert_eq!(ProtocolConfig::from_json("[]").unwrap_err().field, ".");
    assert_eq!(ProtocolConfig::from_json(r#"{"uacr": ["above", 1000, "mg/g"]}"#).unwrap_err().field, "uacr");
}

#[test]
fn dates_are_read_only_as_yyyy_mm_dd() {
    for bad in ["2025-6-1", " 2025-06-01", "+2025-06-01", "-262143-01-10", "2025-06-01T00:00:00"] {
        let text = base_json(|v| v["screening_date"] = serde_json::json!(bad));
        let e = ScreeningRecord::from_json(&text).unwrap_err();
        assert_eq!((e.kind(), e.path()), ("malformed", "screening_date"), "{bad}");
        assert!(!e.to_string().contains(bad.trim()), "the message repeats the date: {e}");
    }
    let text = base_json(|v| v["labs"]["uacr"][0]["date"] = serde_json::json!("2025-02-30"));
    assert_eq!(ScreeningRecord::from_json(&text).unwrap_err().to_string(), "labs.uacr[0].date: no such calendar date");
}

#[test]
fn sex_is_read_in_a_record_as_everywhere_else() {
    for (text, sex) in [("Female", Sex::Female), ("FEMALE", Sex::Female), ("m", Sex::Male), ("男", Sex::Male)] {
        let r = ScreeningRecord::from_json(&base_json(|v| v["sex"] = serde_json::json!(text))).unwrap();
        assert_eq!(r.sex, sex, "{text}");
    }
    let e = ScreeningRecord::from_json(&base_json(|v| v["sex"] = serde_json::json!("Secret-Name"))).unwrap_err();
    assert_eq!(e.path(), "sex");
    assert!(!e.to_string().contains("Secret"), "{e}");
}

#[test]
fn an_age_beyond_the_oldest_human_is_refused_not_pending() {
    let text = base_json(|v| v["date_of_birth"] = serde_json::json!("1825-01-01"));
    let r = ScreeningRecord::from_json(&text).unwrap();
    let e = screen(&r, &cfg()).unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string().as_str()),
        ("invalid_value", "date_of_birth: gives an age above 125 years on the screening date")
    );
}

#[test]
fn extreme_dates_built_in_rust_do_not_overflow_the_look_backs() {
    // Dates the JSON reader refuses, but a Rust caller can build: the look-backs start at the
    // earliest representable date instead of overflowing.
    let mut r = base();
    r.date_of_birth = NaiveDate::MIN;
    r.screening_date = NaiveDate::MIN.checked_add_days(chrono::Days::new(9)).unwrap();
    r.labs = Labs::default();
    r.blood_pressures.clear();
    r.kidney_biopsy = None;
    r.medications = Some(vec![]);
    r.other_trials = Some(vec![]);
    r.conditions = Some(vec![]);
    let res = screen(&r, &cfg()).unwrap();
    assert_eq!(res.criterion("inc_age").unwrap().outcome, Outcome::NotMet);
    r.screening_date = NaiveDate::MAX;
    r.date_of_birth = NaiveDate::MAX.checked_sub_days(chrono::Days::new(365 * 60)).unwrap();
    assert!(screen(&r, &cfg()).is_ok());
}

#[test]
fn every_configured_count_and_look_back_is_bounded() {
    let fields = [
        "biopsy_lookback_years",
        "malignancy_lookback_years",
        "stroke_lookback_months",
        "other_trial_lookback_months",
        "urine_protein_window_days",
        "uacr_lookback_days",
        "egfr_lookback_days",
        "bp_lookback_days",
        "hba1c_lookback_days",
        "immunosuppressant_lookback_days",
        "immunosuppressant_min_exposure_days",
        "lipid_lookback_days",
        "viral_load_lookback_days",
        "iv_antibiotics_lookback_days",
        "urine_protein_min_measurements",
        "bp_readings_averaged",
        "age_max_years",
    ];
    for field in fields {
        for value in [100_000_000u64, 4_294_967_295] {
            let e = ProtocolConfig::from_json(&format!("{{\"{field}\": {value}}}")).unwrap_err();
            assert_eq!(e.field, field, "{field} = {value}");
        }
    }
    for (field, value) in [("nyha_min_class", 0), ("nyha_min_class", 5), ("egfr_lookback_days", 0)] {
        assert_eq!(ProtocolConfig::from_json(&format!("{{\"{field}\": {value}}}")).unwrap_err().field, field);
    }
    assert_eq!(ProtocolConfig::from_json(r#"{"version": ""}"#).unwrap_err().field, "version");
    assert_eq!(
        ProtocolConfig::from_json(r#"{"immunosuppressants": ["tacrolimus", " "]}"#).unwrap_err().field,
        "immunosuppressant_extra_names[1]"
    );
    // The largest accepted values screen without trouble.
    let c = ProtocolConfig::from_json(
        r#"{"egfr_lookback_days": 3650, "stroke_lookback_months": 120, "malignancy_lookback_years": 100}"#,
    )
    .unwrap();
    assert!(screen(&base(), &c).is_ok());
}

#[test]
fn the_configuration_names_equations_by_the_slugs_every_api_uses() {
    let c = ProtocolConfig::from_json(r#"{"egfr_equation": "ckd_epi_2009_cr"}"#).unwrap();
    assert_eq!(c.egfr_equation, crate::egfr::EgfrEquation::CkdEpi2009Cr);
    // The spelling of earlier versions is still read; the new one is written.
    let c = ProtocolConfig::from_json(r#"{"egfr_equation": "ckd_epi2021_cr"}"#).unwrap();
    assert!(serde_json::to_string(&c).unwrap().contains(r#""egfr_equation":"ckd_epi_2021_cr""#));
}

#[test]
fn reasons_read_as_english() {
    let mut r = base();
    r.conditions = Some(vec![]);
    let res = screen(&r, &cfg()).unwrap();
    for c in &res.criteria {
        let reason = c.reason.to_string();
        assert!(!reason.contains("No a ") && !reason.contains("No an "), "{reason}");
    }
    assert_eq!(
        res.criterion("exc_severe_cardiovascular").unwrap().reason.to_string(),
        "No severe cardiovascular disease in the medical history."
    );
}

#[test]
fn a_refused_record_is_named_by_its_id_where_the_text_has_one() {
    let text = base_json(|v| v["labs"]["uacr"][0]["unit"] = serde_json::json!("furlongs"));
    let out = screen_json_batch(&[text.as_str(), "{", "[]"], &cfg()).unwrap();
    assert!(out.iter().all(Result::is_err));
    assert_eq!(ScreeningRecord::id_in_json(&text).as_deref(), Some(base().id.as_str()));
    assert_eq!(ScreeningRecord::id_in_json("{"), None);
    assert_eq!(ScreeningRecord::id_in_json(r#"["P-1"]"#), None);
}

#[test]
fn a_truncated_record_names_the_deepest_field_it_reached() {
    for (text, path) in [("{", "."), ("", "."), (r#"{"labs": {"#, "labs"), (r#"{"labs": {"uacr": [{"#, "labs.uacr[0]")]
    {
        let e = ScreeningRecord::from_json(text).unwrap_err();
        assert_eq!((e.kind(), e.path()), ("malformed", path), "{text}");
    }
}

// ---- The readings of issue 10, each a named parameter: the default and its alternative ----

fn with(edit: impl FnOnce(&mut serde_json::Value)) -> ScreeningRecord {
    ScreeningRecord::from_json(&base_json(edit)).unwrap()
}

fn outcome(r: &ScreeningRecord, c: &ProtocolConfig, id: &str) -> Outcome {
    screen(r, c).unwrap().criterion(id).unwrap().outcome
}

#[test]
fn course_length_is_the_default_reading_of_one_week_and_days_in_window_the_alternative() {
    // Six months of tacrolimus stopped 25 days before screening: 6 days fall in the window.
    let r = with(|v| {
        v["medications"] = serde_json::json!([{"name": "tacrolimus", "start": "2024-11-07", "end": "2025-05-07"}])
    });
    assert_eq!(outcome(&r, &cfg(), "exc_immunosuppressant"), Outcome::Met);
    let reason = screen(&r, &cfg()).unwrap().criterion("exc_immunosuppressant").unwrap().reason.to_string();
    assert_eq!(
        reason,
        "tacrolimus (a course of 182 days) reaches into the look-back from 2025-05-02: more than 7 days."
    );
    let mut days = cfg();
    days.immunosuppressant_exposure = ExposureReading::DaysInWindow;
    assert_eq!(outcome(&r, &days, "exc_immunosuppressant"), Outcome::NotMet);
}

#[test]
fn an_unclassified_medication_names_itself_and_a_site_resolves_it_once() {
    let r = with(|v| v["medications"] = serde_json::json!([{"name": "Mystery 5mg", "start": "2025-01-01"}]));
    let res = screen(&r, &cfg()).unwrap();
    let c = res.criterion("exc_immunosuppressant").unwrap();
    assert_eq!(c.outcome, Outcome::Unknown);
    assert!(
        c.reason.to_string().starts_with("Mystery 5mg in the look-back from 2025-05-02 is not a medication"),
        "{}",
        c.reason
    );
    assert_eq!(c.evidence[0].field.to_string(), "medications[0]");
    let mut marked = cfg();
    marked.not_immunosuppressant_names = vec!["mystery".into()];
    assert_eq!(outcome(&r, &marked, "exc_immunosuppressant"), Outcome::NotMet);
    let mut counted = cfg();
    counted.immunosuppressant_extra_names = vec!["MYSTERY tablets".into()];
    assert_eq!(outcome(&r, &counted, "exc_immunosuppressant"), Outcome::Met);
}

#[test]
fn glucocorticoids_count_only_when_configured() {
    let r = with(|v| v["medications"] = serde_json::json!([{"name": "醋酸泼尼松片 5mg", "start": "2025-01-01"}]));
    assert_eq!(outcome(&r, &cfg(), "exc_immunosuppressant"), Outcome::NotMet);
    let mut c = cfg();
    c.count_glucocorticoids = true;
    assert_eq!(outcome(&r, &c, "exc_immunosuppressant"), Outcome::Met);
}

#[test]
fn the_day_window_is_elapsed_days_by_default_and_calendar_dates_as_the_alternative() {
    // UACR exactly 90 days before screening.
    let r = with(|v| v["labs"]["uacr"] = serde_json::json!([{"date": "2025-03-03", "value": 2000, "unit": "mg/g"}]));
    assert_eq!(outcome(&r, &cfg(), "inc_uacr"), Outcome::Met);
    let mut dates = cfg();
    dates.day_window = DayWindow::CalendarDates;
    assert_eq!(outcome(&r, &dates, "inc_uacr"), Outcome::Unknown);
    let r = with(|v| v["labs"]["uacr"] = serde_json::json!([{"date": "2025-03-04", "value": 2000, "unit": "mg/g"}]));
    assert_eq!(outcome(&r, &dates, "inc_uacr"), Outcome::Met);
}

#[test]
fn continuously_needs_spaced_dates_and_the_spacing_is_a_parameter() {
    let r = with(|v| {
        v["labs"]["urine_protein_24h"] = serde_json::json!([
            {"date": "2025-05-17", "value": 4.0, "unit": "g/24h"},
            {"date": "2025-05-20", "value": 4.1, "unit": "g/24h"}
        ])
    });
    assert_eq!(outcome(&r, &cfg(), "inc_urine_protein"), Outcome::Unknown);
    let mut c = cfg();
    c.urine_protein_min_spacing_days = 3;
    assert_eq!(outcome(&r, &c, "inc_urine_protein"), Outcome::Met);
    c.urine_protein_min_spacing_days = 0;
    assert_eq!(outcome(&r, &c, "inc_urine_protein"), Outcome::Met);
    // Distinct dates are always needed: two results of one day count once.
    let same = with(|v| {
        v["labs"]["urine_protein_24h"] = serde_json::json!([
            {"date": "2025-05-20", "value": 4.0, "unit": "g/24h"},
            {"date": "2025-05-20", "value": 4.1, "unit": "g/24h"}
        ])
    });
    assert_eq!(outcome(&same, &c, "inc_urine_protein"), Outcome::Unknown);
}

#[test]
fn a_stale_biopsy_is_not_met_by_default_and_unknown_as_the_alternative() {
    let r = with(|v| v["kidney_biopsy"]["date"] = serde_json::json!("2015-05-31"));
    assert_eq!(outcome(&r, &cfg(), "inc_dkd_biopsy"), Outcome::NotMet);
    let mut c = cfg();
    c.biopsy_beyond_lookback = StaleBiopsy::Unknown;
    assert_eq!(outcome(&r, &c, "inc_dkd_biopsy"), Outcome::Unknown);
}

#[test]
fn negative_serology_rules_out_hepatitis_unless_configured_otherwise() {
    let r = with(|v| {
        v["labs"]["hbv_dna"] = serde_json::json!([]);
        v["labs"]["hbsag"] = serde_json::json!([{"date": "2025-05-20", "positive": false}]);
    });
    assert_eq!(outcome(&r, &cfg(), "exc_viral_hepatitis"), Outcome::NotMet);
    let mut c = cfg();
    c.negative_serology_rules_out_hepatitis = false;
    assert_eq!(outcome(&r, &c, "exc_viral_hepatitis"), Outcome::Unknown);
}

#[test]
fn a_current_pregnancy_excludes_unless_configured_otherwise() {
    let r = with(|v| v["pregnant"] = serde_json::json!(true));
    assert_eq!(outcome(&r, &cfg(), "exc_pregnancy_lactation"), Outcome::Met);
    let mut c = cfg();
    c.current_pregnancy_excludes = false;
    assert_eq!(outcome(&r, &c, "exc_pregnancy_lactation"), Outcome::NotMet);
    let unrecorded = with(|v| v.as_object_mut().unwrap().remove("pregnant").map(|_| ()).unwrap_or(()));
    assert_eq!(outcome(&unrecorded, &cfg(), "exc_pregnancy_lactation"), Outcome::Unknown);
    assert_eq!(outcome(&unrecorded, &c, "exc_pregnancy_lactation"), Outcome::NotMet);
}

#[test]
fn a_recent_infarction_counts_within_the_configured_months() {
    let r =
        with(|v| v["conditions"] = serde_json::json!([{"condition": "myocardial_infarction", "onset": "2024-09-01"}]));
    assert_eq!(outcome(&r, &cfg(), "exc_severe_cardiovascular"), Outcome::NotMet);
    let mut c = cfg();
    c.recent_acs_lookback_months = 12;
    assert_eq!(outcome(&r, &c, "exc_severe_cardiovascular"), Outcome::Met);
}

#[test]
fn every_reading_is_listed_with_its_criterion() {
    let list = criteria(&cfg());
    let names: Vec<&str> = list.iter().flat_map(|c| c.parameters.iter().map(|p| p.name.as_str())).collect();
    for reading in [
        "immunosuppressant_exposure",
        "day_window",
        "urine_protein_min_spacing_days",
        "biopsy_beyond_lookback",
        "negative_serology_rules_out_hepatitis",
        "current_pregnancy_excludes",
        "recent_acs_lookback_months",
        "count_glucocorticoids",
        "medication_table",
    ] {
        assert!(names.contains(&reading), "{reading}");
    }
    let imm = list.iter().find(|c| c.id == CriterionId::ExcImmunosuppressant).unwrap();
    assert!(imm.parameters.iter().any(|p| p.name == "immunosuppressant_exposure" && p.value == "course_length"));
}

#[test]
fn a_blood_pressure_mean_of_n_readings_is_unknown_until_n_are_in_the_look_back() {
    let mut c = cfg();
    c.bp_readings_averaged = 3;
    let mut r = base();
    let reading = |day: u32, systolic: f64| BloodPressure {
        date: NaiveDate::from_ymd_opt(2025, 5, day).unwrap(),
        systolic,
        diastolic: 90.0,
        unit: "mmHg".into(),
    };
    // Two readings in the 30 days, both well controlled: not yet the mean of three.
    r.blood_pressures = vec![reading(20, 130.0), reading(28, 142.0)];
    let res = screen(&r, &c).unwrap();
    let bp = res.criterion("inc_blood_pressure").unwrap();
    assert_eq!(bp.outcome, Outcome::Unknown);
    assert_eq!(
        bp.reason.to_string(),
        "Only 2 blood pressure readings within the 30 days before screening; the mean of the latest 3 is asked."
    );
    assert_eq!(bp.evidence.len(), 4, "the readings found are cited, systolic and diastolic");
    // A third reading in the look-back: the mean (130 + 142 + 200) / 3 = 157.3 is within 160.
    r.blood_pressures.push(reading(10, 200.0));
    let bp = screen(&r, &c).unwrap().criterion("inc_blood_pressure").unwrap().clone();
    assert_eq!(bp.outcome, Outcome::Met);
    // A reading before the look-back does not count towards the three.
    r.blood_pressures[2].date = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    assert_eq!(screen(&r, &c).unwrap().criterion("inc_blood_pressure").unwrap().outcome, Outcome::Unknown);
}
