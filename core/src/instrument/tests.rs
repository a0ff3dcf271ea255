use super::*;
use chrono::{DateTime, Duration, FixedOffset};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn t0() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2025-04-01T10:00:00+08:00").unwrap()
}

fn at(seconds: i64) -> DateTime<FixedOffset> {
    t0() + Duration::seconds(seconds)
}

fn dqol() -> Instrument {
    Instrument::dqol().unwrap()
}

fn tcm() -> Instrument {
    Instrument::tcm_dkd().unwrap()
}

#[test]
fn bundled_dqol_has_46_items_in_four_subscales_of_15_20_7_4() {
    let d = dqol();
    let counts: Vec<(&str, usize)> = d.sections.iter().map(|s| (s.id.as_str(), s.items.len())).collect();
    assert_eq!(counts, [("satisfaction", 15), ("impact", 20), ("social_worry", 7), ("diabetes_worry", 4)]);
    for (_, item) in d.items() {
        assert_eq!(d.scale(&item.scale).unwrap().range(), (1, 5), "{}", item.id);
    }
    assert_eq!(d.wording, Wording::Placeholder);
}

#[test]
fn bundled_dqol_raw_ranges_are_15_75_20_100_7_35_4_20() {
    let d = dqol();
    let all_ones: BTreeMap<String, Answer> = d.items().map(|(_, i)| (i.id.clone(), Answer::Value(1))).collect();
    let s = score(&d, &all_ones, &d.default_rules()).unwrap();
    let ranges: Vec<(f64, f64)> = s.sections.iter().map(|s| (s.min, s.max)).collect();
    assert_eq!(ranges, [(15.0, 75.0), (20.0, 100.0), (7.0, 35.0), (4.0, 20.0)]);
    assert_eq!((s.total, s.total_min, s.total_max), (Some(46.0), 46.0, 230.0));
    // All 1s is the best raw score: 100 on the higher-is-better transform.
    assert_eq!(s.total_transformed, Some(100.0));
    assert_eq!(s.section("impact").unwrap().transformed, Some(100.0));
}

#[test]
fn dqol_transform_is_higher_is_better_0_to_100() {
    let d = dqol();
    let threes: BTreeMap<String, Answer> = d.items().map(|(_, i)| (i.id.clone(), Answer::Value(3))).collect();
    let s = score(&d, &threes, &d.default_rules()).unwrap();
    assert_eq!(s.total, Some(138.0));
    assert_eq!(s.total_transformed, Some(50.0));
    let fives: BTreeMap<String, Answer> = d.items().map(|(_, i)| (i.id.clone(), Answer::Value(5))).collect();
    assert_eq!(score(&d, &fives, &d.default_rules()).unwrap().total_transformed, Some(0.0));
}

#[test]
fn missing_item_rule_prorates_at_half_a_subscale_and_not_below() {
    let d = dqol();
    let rules = d.default_rules();
    // Diabetes worry has 4 items: 2 answered (half) prorates, 1 does not.
    let mut answers = BTreeMap::new();
    answers.insert("dw01".to_owned(), Answer::Value(2));
    answers.insert("dw02".to_owned(), Answer::Value(4));
    let s = score(&d, &answers, &rules).unwrap();
    let dw = s.section("diabetes_worry").unwrap();
    assert_eq!((dw.raw, dw.prorated, dw.answered), (Some(12.0), true, 2));
    assert_eq!(s.total, None, "a total needs every subscale");
    answers.remove("dw02");
    assert_eq!(score(&d, &answers, &rules).unwrap().section("diabetes_worry").unwrap().raw, None);
    // A stricter reading: every item.
    let strict = ScoreRules { min_answered_fraction: 1.0, ..rules };
    answers.insert("dw02".to_owned(), Answer::Value(4));
    assert_eq!(score(&d, &answers, &strict).unwrap().section("diabetes_worry").unwrap().raw, None);
}

#[test]
fn does_not_apply_leaves_the_denominator_and_is_prorated_over() {
    let d = dqol();
    let mut answers: BTreeMap<String, Answer> =
        d.section("social_worry").unwrap().items.iter().map(|i| (i.id.clone(), Answer::Value(2))).collect();
    answers.insert("svw01".to_owned(), Answer::NotApplicable);
    answers.insert("svw02".to_owned(), Answer::NotApplicable);
    answers.insert("svw03".to_owned(), Answer::NotApplicable);
    answers.insert("svw04".to_owned(), Answer::NotApplicable);
    // 3 of 3 applicable answered (2 each): mean 2 × 7 items.
    let sw = score(&d, &answers, &d.default_rules()).unwrap().sections.remove(2);
    assert_eq!((sw.raw, sw.not_applicable, sw.prorated), (Some(14.0), 4, true));
    assert_eq!(d.check_answer("sat01", &Answer::NotApplicable).unwrap_err().kind(), "not_applicable_not_allowed");
}

#[test]
fn reverse_scored_item_scores_min_plus_max_minus_value() {
    let mut d = dqol();
    d.sections[0].items[0].reverse = true;
    let answers: BTreeMap<String, Answer> = [("sat01".to_owned(), Answer::Value(2))].into();
    let rules = ScoreRules { min_answered_fraction: 1.0 / 15.0, ..d.default_rules() };
    let s = score(&d, &answers, &rules).unwrap();
    assert_eq!(s.section("satisfaction").unwrap().raw, Some(4.0 * 15.0));
}

#[test]
fn tcm_primary_symptoms_score_0_2_4_6_secondary_0_1_2_3_tongue_and_pulse_not_scored() {
    let t = tcm();
    assert_eq!(t.scale("primary").unwrap().options.iter().map(|o| o.value).collect::<Vec<_>>(), [0, 2, 4, 6]);
    assert_eq!(t.scale("secondary").unwrap().options.iter().map(|o| o.value).collect::<Vec<_>>(), [0, 1, 2, 3]);
    let mut s = Session::start(&t, "S-1", "baseline", "en", t0()).unwrap();
    for (_, item) in t.items() {
        let top = t.scale(&item.scale).unwrap().range().1;
        s.answer(&t, &item.id, top, at(1)).unwrap();
    }
    let scores = s.complete(&t, at(2), &t.default_rules()).unwrap();
    assert_eq!(scores.total, Some(2.0 * 6.0 + 5.0 * 3.0));
    assert_eq!(scores.sections.len(), 2, "tongue and pulse have no score");
    assert_eq!(scores.total_transformed, None);
}

#[test]
fn tcm_efficacy_index_categories_at_their_inclusive_thresholds() {
    let th = EfficacyThresholds::default();
    let cat = |pre: f64, post: f64| efficacy(pre, post, &th).unwrap().category;
    assert_eq!(cat(20.0, 1.0), EfficacyCategory::ClinicalRecovery); // 95 %
    assert_eq!(cat(20.0, 1.5), EfficacyCategory::MarkedlyEffective); // 92.5 %
    assert_eq!(cat(20.0, 6.0), EfficacyCategory::MarkedlyEffective); // 70 %
    assert_eq!(cat(20.0, 6.5), EfficacyCategory::Effective); // 67.5 %
    assert_eq!(cat(10.0, 7.0), EfficacyCategory::Effective); // 30 %
    assert_eq!(cat(10.0, 7.5), EfficacyCategory::Ineffective); // 25 %
    assert_eq!(cat(10.0, 12.0), EfficacyCategory::Ineffective); // worse
    assert_eq!(efficacy(10.0, 12.0, &th).unwrap().index_percent, -20.0);
    assert_eq!(efficacy(0.0, 0.0, &th).unwrap_err().kind(), "efficacy_undefined");
    assert_eq!(efficacy(f64::NAN, 0.0, &th).unwrap_err().kind(), "efficacy_undefined");
    assert_eq!(efficacy(1e307, 0.0, &th).unwrap_err().kind(), "efficacy_undefined");
    let bad = EfficacyThresholds { effective: 80.0, ..th };
    assert_eq!(efficacy(10.0, 1.0, &bad).unwrap_err().kind(), "invalid_rules");
}

#[test]
fn session_change_after_completion_is_refused_and_nothing_changes() {
    let t = tcm();
    let mut s = Session::start(&t, "S-1", "w28", "zh-Hans", t0()).unwrap();
    let err = s.complete(&t, at(1), &t.default_rules()).unwrap_err();
    assert_eq!(err.kind(), "session_incomplete");
    assert_eq!(err.path(), "dry_mouth_throat");
    for (_, item) in t.items().filter(|(_, i)| !i.optional) {
        s.answer(&t, &item.id, 0, at(2)).unwrap();
    }
    s.complete(&t, at(3), &t.default_rules()).unwrap();
    let before = s.clone();
    let err = s.answer(&t, "fatigue", 2, at(4)).unwrap_err();
    assert_eq!((err.kind(), err.path()), ("session_completed", "fatigue"));
    assert_eq!(s.complete(&t, at(5), &t.default_rules()).unwrap_err().kind(), "session_completed");
    assert_eq!(s, before);
}

#[test]
fn session_refuses_unknown_items_values_off_the_scale_and_skips_of_required_items_by_item_id() {
    let t = tcm();
    let mut s = Session::start(&t, "S-1", "w28", "en", t0()).unwrap();
    let e = s.answer(&t, "headache", 2, at(1)).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("unknown_item", "headache"));
    let e = s.answer(&t, "fatigue", 3, at(1)).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("answer_out_of_scale", "fatigue"));
    assert!(e.to_string().contains("0, 2, 4, 6"));
    let e = s.skip(&t, "fatigue", at(1)).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("skip_not_allowed", "fatigue"));
    s.skip(&t, "pulse_thin_weak", at(1)).unwrap();
    assert!(s.audit().len() == 1 && s.answers().len() == 1);
    assert_eq!(Session::start(&t, " ", "w28", "en", t0()).unwrap_err().kind(), "invalid_session");
    assert_eq!(Session::start(&t, "S-1", "w28", "fr", t0()).unwrap_err().kind(), "unknown_language");
}

#[test]
fn audit_trail_keeps_every_change_with_old_and_new_values() {
    let d = dqol();
    let mut s = Session::start(&d, "S-1", "w4", "en", t0()).unwrap();
    s.answer(&d, "svw01", 2, at(1)).unwrap();
    s.answer(&d, "svw01", 2, at(2)).unwrap(); // the same answer: not a change
    s.not_applicable(&d, "svw01", at(3)).unwrap();
    s.clear(&d, "svw01", at(4)).unwrap();
    let trail: Vec<(i64, Option<Answer>, Option<Answer>)> =
        s.audit().iter().map(|e| ((e.at - t0()).num_seconds(), e.old, e.new)).collect();
    assert_eq!(
        trail,
        [
            (1, None, Some(Answer::Value(2))),
            (3, Some(Answer::Value(2)), Some(Answer::NotApplicable)),
            (4, Some(Answer::NotApplicable), None)
        ]
    );
}

#[test]
fn a_clock_going_back_is_recorded_as_given_in_call_order() {
    let d = dqol();
    let mut s = Session::start(&d, "S-1", "w4", "en", t0()).unwrap();
    s.answer(&d, "sat01", 2, at(10)).unwrap();
    s.answer(&d, "sat02", 2, at(5)).unwrap();
    assert_eq!(s.audit()[1].at, at(5));
    assert_eq!(s.audit()[1].item, "sat02");
}

#[test]
fn resume_refuses_truncated_altered_and_foreign_saves_with_typed_errors() {
    let d = dqol();
    let mut s = Session::start(&d, "S-1", "w4", "en", t0()).unwrap();
    s.answer(&d, "sat01", 2, at(1)).unwrap();
    let saved = s.to_json();
    for cut in [0, 1, saved.len() / 2, saved.len() - 1] {
        assert_eq!(Session::resume(&d, &saved[..cut]).unwrap_err().kind(), "corrupt_save", "cut at {cut}");
    }
    let altered = saved.replace(r#""sat01":2"#, r#""sat01":3"#);
    assert_ne!(altered, saved);
    assert_eq!(Session::resume(&d, &altered).unwrap_err().kind(), "corrupt_save");
    let e = Session::resume(&tcm(), &saved).unwrap_err();
    assert_eq!(e.kind(), "instrument_mismatch");
    assert_eq!(e.to_string(), "the saved session is for `dqol@1`, not `tcm-dkd@1`");
    let future = saved.replace(r#""format_version":1"#, r#""format_version":2"#);
    assert!(Session::resume(&d, &future).unwrap_err().to_string().contains("format version 2"));
    // A save with anything after it (appended bytes, a second save) is not a save.
    for tail in ["garbage", saved.as_str(), " {}"] {
        let e = Session::resume(&d, &format!("{saved}{tail}")).unwrap_err();
        assert_eq!(e.kind(), "corrupt_save", "{tail}");
        assert!(e.to_string().contains("text after the save"), "{e}");
    }
    assert!(Session::resume(&d, &format!("{saved}\n")).is_ok(), "white space after it is not text");
}

#[test]
fn a_time_rfc_3339_cannot_write_is_refused_where_it_is_given() {
    let d = dqol();
    let utc = FixedOffset::east_opt(0).unwrap();
    for year in [10_000, -1] {
        let when = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let at = when.and_local_timezone(utc).unwrap();
        let e = Session::start(&d, "S-1", "w4", "en", at).unwrap_err();
        assert_eq!((e.kind(), e.path()), ("invalid_session", "at"), "{year}");
        let mut s = Session::start(&d, "S-1", "w4", "en", t0()).unwrap();
        assert_eq!(s.answer(&d, "sat01", 2, at).unwrap_err().path(), "at");
    }
}

#[test]
fn a_time_the_apps_cannot_read_back_is_refused_where_it_is_given_and_in_a_save() {
    // chrono reads a leap second and offsets up to ±23:59; Java's OffsetDateTime (Kotlin) and
    // Python's datetime do not, and FHIR's dateTime has no year 0: such a time would be saved,
    // then break the app that reads the audit back.
    let d = dqol();
    for text in [
        "2025-04-01T10:00:60+08:00",
        "2025-04-01T10:00:00+15:00",
        "2025-04-01T10:00:00-14:30",
        "0000-06-01T10:00:00+00:00",
    ] {
        let at = DateTime::parse_from_rfc3339(text).unwrap();
        assert_eq!(Session::start(&d, "S", "v", "en", at).unwrap_err().path(), "at", "{text}");
        let mut s = Session::start(&d, "S", "v", "en", t0()).unwrap();
        assert_eq!(s.answer(&d, "sat01", 2, at).unwrap_err().path(), "at", "{text}");
        // A save that holds one (written by another program, with a correct checksum).
        s.answer(&d, "sat01", 2, t0()).unwrap();
        let mut v: serde_json::Value = serde_json::to_value(&s).unwrap();
        v["audit"][0]["at"] = text.into();
        let forged = Session::unchecked_from_json(&v.to_string()).unwrap().to_json();
        let e = Session::resume(&d, &forged).unwrap_err();
        assert_eq!(e.kind(), "corrupt_save", "{text}: {e}");
    }
    // The limits themselves are times.
    for text in ["2025-04-01T10:00:59.999+14:00", "0001-01-01T00:00:00-12:00"] {
        assert!(Session::start(&d, "S", "v", "en", DateTime::parse_from_rfc3339(text).unwrap()).is_ok(), "{text}");
    }
}

#[test]
fn small_readings_say_what_they_mean() {
    // A second completion says so (not "`` cannot be changed").
    let t = tcm();
    let mut s = Session::start(&t, "S-1", "w4", "en", t0()).unwrap();
    for item in t.items().filter(|(_, i)| i.scored).map(|(_, i)| i.id.clone()).collect::<Vec<_>>() {
        s.answer(&t, &item, 0, at(1)).unwrap();
    }
    s.complete(&t, at(2), &t.default_rules()).unwrap();
    let again = s.complete(&t, at(3), &t.default_rules()).unwrap_err();
    assert_eq!((again.kind(), again.to_string()), ("session_completed", "the session is already completed".to_owned()));
    // A whole number beyond every scale is out of scale, not "not whole".
    assert_eq!(t.answer_of_cell("fatigue", Cell::Float(2f64.powi(70))).unwrap_err().kind(), "answer_out_of_scale");
    assert_eq!(t.answer_of_cell("fatigue", Cell::Float(-1e300)).unwrap_err().kind(), "answer_out_of_scale");
    // An instrument without a scored section totals +0, not −0.
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_TCM_DKD).unwrap();
    for section in v["sections"].as_array_mut().unwrap() {
        for item in section["items"].as_array_mut().unwrap() {
            item["scored"] = serde_json::Value::Bool(false);
        }
    }
    let unscored = Instrument::from_json(&v.to_string()).unwrap();
    let scores = score(&unscored, &BTreeMap::new(), &unscored.default_rules()).unwrap();
    for total in [scores.total_min, scores.total_max, scores.total.unwrap_or(0.0)] {
        assert!(total == 0.0 && total.is_sign_positive(), "{total}");
    }
}

#[test]
fn a_definition_or_translation_with_text_after_it_is_refused() {
    let e = Instrument::from_json(&format!("{BUNDLED_DQOL}x")).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("invalid_instrument", "."));
    let twice = format!("{BUNDLED_TCM_DKD}{BUNDLED_TCM_DKD}");
    assert_eq!(Instrument::from_json(&twice).unwrap_err().kind(), "invalid_instrument");
}

#[test]
fn resume_refuses_an_audit_trail_that_does_not_lead_to_the_answers() {
    let d = dqol();
    let mut s = Session::start(&d, "S-1", "w4", "en", t0()).unwrap();
    s.answer(&d, "sat01", 2, at(1)).unwrap();
    let saved = s.to_json();
    let body = saved.split(r#""session":"#).nth(1).unwrap().trim_end_matches('}').to_owned() + "}";
    let mut v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["audit"] = serde_json::json!([]);
    // Written with a correct checksum, as a faulty writer (not damage) would.
    let forged = Session::unchecked_from_json(&v.to_string()).unwrap().to_json();
    let e = Session::resume(&d, &forged).unwrap_err();
    assert_eq!(e.to_string(), "the saved session cannot be read: the audit trail does not lead to the answers");
}

fn store_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dkd-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn store_keeps_the_previous_good_save_when_the_latest_is_damaged() {
    let d = dqol();
    let dir = store_dir("damaged");
    let store = SessionStore::new(dir.join("s.json"));
    let mut s = Session::start(&d, "S-1", "w4", "en", t0()).unwrap();
    s.answer(&d, "sat01", 2, at(1)).unwrap();
    store.save(&s).unwrap();
    let first = s.clone();
    s.answer(&d, "sat02", 3, at(2)).unwrap();
    store.save(&s).unwrap();
    let loaded = store.load(&d).unwrap();
    assert_eq!(loaded.session, s);
    assert!(loaded.recovered_from.is_none());
    let previous = std::fs::read_to_string(dir.join("s.json.previous")).unwrap();
    assert_eq!(Session::resume(&d, &previous).unwrap(), first);
    // The file is damaged (half written by something else): the previous save is loaded.
    let text = std::fs::read_to_string(store.path()).unwrap();
    std::fs::write(store.path(), &text[..text.len() / 2]).unwrap();
    let loaded = store.load(&d).unwrap();
    assert_eq!(loaded.session, first);
    assert_eq!(loaded.recovered_from.unwrap().kind(), "corrupt_save");
    // Saving over the damaged file does not make it the previous save.
    let mut next = first.clone();
    next.answer(&d, "sat03", 4, at(3)).unwrap();
    store.save(&next).unwrap();
    let previous = std::fs::read_to_string(dir.join("s.json.previous")).unwrap();
    assert_eq!(Session::resume(&d, &previous).unwrap(), first);
    assert_eq!(store.load(&d).unwrap().session, next);
    std::fs::remove_dir_all(&dir).unwrap();
    let none = SessionStore::new(dir.join("none.json")).load(&d).unwrap_err();
    assert_eq!(none.kind(), "storage");
}

#[test]
fn saves_from_many_threads_to_one_store_never_leave_a_file_that_does_not_resume() {
    let d = dqol();
    let dir = store_dir("threads");
    let store = std::sync::Arc::new(SessionStore::new(dir.join("s.json")));
    let handles: Vec<_> = (0..4)
        .map(|k| {
            let (d, store) = (d.clone(), store.clone());
            std::thread::spawn(move || {
                let mut s = Session::start(&d, &format!("S-{k}"), "w4", "en", t0()).unwrap();
                for n in 0..20 {
                    s.answer(&d, "sat01", (n % 5 + 1) as u8, at(n)).unwrap();
                    store.save(&s).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let loaded = store.load(&d).unwrap();
    assert!(loaded.recovered_from.is_none(), "{:?}", loaded.recovered_from);
}

#[test]
fn store_loads_a_save_whose_rename_was_cut_short_and_finishes_it_on_the_next_save() {
    let d = dqol();
    let dir = store_dir("cut");
    let store = SessionStore::new(dir.join("s.json"));
    let mut s = Session::start(&d, "S-1", "w4", "en", t0()).unwrap();
    s.answer(&d, "sat01", 2, at(1)).unwrap();
    store.save(&s).unwrap();
    // The app is killed after writing the next save, before renaming it.
    s.answer(&d, "sat02", 3, at(2)).unwrap();
    std::fs::write(dir.join("s.json.writing"), s.to_json()).unwrap();
    assert_eq!(store.load(&d).unwrap().session, s, "the newest complete save is loaded");
    // The next save fails half way through its own write? Its predecessor was finished first.
    let mut next = s.clone();
    next.answer(&d, "sat03", 4, at(3)).unwrap();
    store.save(&next).unwrap();
    assert_eq!(store.load(&d).unwrap().session, next);
    let previous = std::fs::read_to_string(dir.join("s.json.previous")).unwrap();
    assert_eq!(Session::resume(&d, &previous).unwrap(), s, "the cut-short save became the previous one");
    // A half-written `.writing` is ignored.
    std::fs::write(dir.join("s.json.writing"), &next.to_json()[..40]).unwrap();
    assert_eq!(store.load(&d).unwrap().session, next);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn store_does_not_keep_another_instruments_save_as_the_previous_one() {
    let (d, t) = (dqol(), tcm());
    let dir = store_dir("foreign");
    let store = SessionStore::new(dir.join("s.json"));
    let mut good = Session::start(&d, "S-1", "w4", "en", t0()).unwrap();
    good.answer(&d, "sat01", 2, at(1)).unwrap();
    store.save(&good).unwrap();
    store.save(&good).unwrap();
    // Another instrument's save lands in the file (a bug of the app): it resumes for neither.
    std::fs::write(store.path(), Session::start(&t, "S-1", "w4", "en", t0()).unwrap().to_json()).unwrap();
    let loaded = store.load(&d).unwrap();
    assert_eq!(loaded.recovered_from.unwrap().kind(), "instrument_mismatch");
    store.save(&loaded.session).unwrap();
    let previous = std::fs::read_to_string(dir.join("s.json.previous")).unwrap();
    assert_eq!(Session::resume(&d, &previous).unwrap(), good);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn resume_refuses_states_a_session_cannot_reach() {
    let t = tcm();
    let mut s = Session::start(&t, "S-1", "w28", "en", t0()).unwrap();
    s.answer(&t, "fatigue", 2, at(1)).unwrap();
    let mut v: serde_json::Value = serde_json::to_value(&s).unwrap();
    // Completed with required symptoms unrated.
    v["completed_at"] = "2025-04-01T10:05:00+08:00".into();
    let e = Session::resume(&t, &Session::unchecked_from_json(&v.to_string()).unwrap().to_json()).unwrap_err();
    assert!(e.to_string().contains("completed but"), "{e}");
    // An audit entry that changes nothing.
    let mut v: serde_json::Value = serde_json::to_value(&s).unwrap();
    v["audit"][0]["old"] = 2.into();
    v["answers"]["fatigue"] = 2.into();
    assert_eq!(
        Session::resume(&t, &Session::unchecked_from_json(&v.to_string()).unwrap().to_json()).unwrap_err().kind(),
        "corrupt_save"
    );
    // A value off the scale, later cleared.
    let mut v: serde_json::Value = serde_json::to_value(&s).unwrap();
    v["audit"] = serde_json::json!([
        {"at": "2025-04-01T10:00:01+08:00", "item": "fatigue", "old": null, "new": 99},
        {"at": "2025-04-01T10:00:02+08:00", "item": "fatigue", "old": 99, "new": 2}
    ]);
    let e = Session::resume(&t, &Session::unchecked_from_json(&v.to_string()).unwrap().to_json()).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("answer_out_of_scale", "fatigue"));
    // An empty participant.
    let mut v: serde_json::Value = serde_json::to_value(&s).unwrap();
    v["participant"] = "".into();
    assert_eq!(
        Session::resume(&t, &Session::unchecked_from_json(&v.to_string()).unwrap().to_json()).unwrap_err().kind(),
        "corrupt_save"
    );
}

#[test]
fn a_time_whose_offset_is_not_whole_minutes_is_refused_since_it_would_not_resume_exactly() {
    let d = dqol();
    let odd = DateTime::parse_from_rfc3339("2025-04-01T10:00:00+08:00")
        .unwrap()
        .with_timezone(&FixedOffset::east_opt(8 * 3600 + 30).unwrap());
    assert_eq!(Session::start(&d, "S", "v", "en", odd).unwrap_err().path(), "at");
    let mut s = Session::start(&d, "S", "v", "en", t0()).unwrap();
    assert_eq!(s.answer(&d, "sat01", 2, odd).unwrap_err().kind(), "invalid_session");
    assert!(s.answers().is_empty());
}

#[test]
fn missing_item_rule_compares_with_a_tolerance_so_the_written_fraction_holds() {
    // 0.28 × 25 is 7.000000000000001 in floating point: 7 answers are 28 %.
    assert!(scoring::enough(7, 25, 0.28));
    assert!(!scoring::enough(6, 25, 0.28));
    assert!(scoring::enough(10, 20, 0.5) && !scoring::enough(9, 20, 0.5));
}

#[test]
fn table_cells_are_answers_or_typed_errors() {
    let t = tcm();
    assert_eq!(t.answer_of_cell("fatigue", Cell::Integer(6)).unwrap(), Some(Answer::Value(6)));
    assert_eq!(t.answer_of_cell("fatigue", Cell::Empty).unwrap(), None);
    assert_eq!(t.answer_of_cell("pulse_thin_weak", Cell::Text("skipped")).unwrap(), Some(Answer::Skipped));
    assert_eq!(t.answer_of_cell("fatigue", Cell::Text("skipped")).unwrap_err().kind(), "skip_not_allowed");
    assert_eq!(t.answer_of_cell("fatigue", Cell::Float(2.5)).unwrap_err().kind(), "invalid_answer");
    assert_eq!(t.answer_of_cell("fatigue", Cell::Bool(true)).unwrap_err().kind(), "invalid_answer");
    assert_eq!(t.answer_of_cell("fatigue", Cell::Integer(-2)).unwrap_err().kind(), "answer_out_of_scale");
    assert_eq!(t.answer_of_cell("fatigue", Cell::Float(1e300)).unwrap_err().kind(), "answer_out_of_scale");
    assert_eq!(t.answer_of_cell("fatigue", Cell::Float(f64::INFINITY)).unwrap_err().kind(), "invalid_answer");
    assert_eq!(t.check_columns(&["dry_mouth_throat", "fatigue"]).unwrap_err().path(), "hunger");
    let scored: Vec<&str> = t.items().filter(|(_, i)| i.scored).map(|(_, i)| i.id.as_str()).collect();
    assert!(t.check_columns(&scored).is_ok(), "tongue and pulse may be absent");
}

#[test]
fn definition_errors_name_the_field() {
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_TCM_DKD).unwrap();
    v["sections"][1]["items"][0]["scale"] = "nope".into();
    let e = Instrument::from_json(&v.to_string()).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("invalid_instrument", "sections[1].items[0].scale"));
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_TCM_DKD).unwrap();
    v["sections"][0]["items"][1]["id"] = "dry_mouth_throat".into();
    assert!(Instrument::from_json(&v.to_string()).unwrap_err().to_string().contains("duplicate section or item id"));
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_DQOL).unwrap();
    v["sections"][0]["items"][0]["text"].as_object_mut().unwrap().remove("zh-Hans");
    let e = Instrument::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.to_string(), "instrument definition field `sections[0].items[0].text`: no text in `zh-Hans`");
    let e = Instrument::from_json("{\"format\": ").unwrap_err();
    assert_eq!(e.kind(), "invalid_instrument");
}

#[test]
fn translation_must_cover_every_text_and_names_what_is_missing_or_unknown() {
    let d = dqol();
    let mut t = d.translation_template("zh-Hans");
    assert!(t.items.values().all(String::is_empty), "placeholder item texts are left to fill");
    t.language = "zh-Hans-CN".into();
    t.source = "site licence".into();
    for (id, text) in t.items.iter_mut() {
        *text = format!("条目 {id}");
    }
    let placeholder = d.item("sat01").unwrap().0.text["zh-Hans"].clone();
    let mut with_placeholder = t.clone();
    with_placeholder.items.insert("sat01".into(), placeholder);
    let e = d.with_translation(&serde_json::to_string(&with_placeholder).unwrap()).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("invalid_translation", "items.sat01"));
    let mut no_source = t.clone();
    no_source.source = " ".into();
    assert_eq!(d.with_translation(&serde_json::to_string(&no_source).unwrap()).unwrap_err().path(), "source");
    t.items.remove("imp07");
    let e = d.with_translation(&serde_json::to_string(&t).unwrap()).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("invalid_translation", "items.imp07"));
    t.items.insert("imp07".into(), "我".into());
    t.items.insert("imp99".into(), "x".into());
    let e = d.with_translation(&serde_json::to_string(&t).unwrap()).unwrap_err();
    assert_eq!(e.path(), "items.imp99");
    t.items.remove("imp99");
    let site = d.with_translation(&serde_json::to_string(&t).unwrap()).unwrap();
    assert_eq!(site.view("zh-Hans-CN").unwrap().sections[1].items[6].text, "我");
    assert_eq!(site.view("zh-Hans-CN").unwrap().wording, Wording::Licensed);
    assert_eq!(site.view("zh-Hans").unwrap().wording, Wording::Placeholder, "other languages keep theirs");
    // The site's instrument writes and reads back with its licensed language.
    assert_eq!(Instrument::from_json(&serde_json::to_string(&site).unwrap()).unwrap(), site);
    t.version = "2".into();
    assert_eq!(d.with_translation(&serde_json::to_string(&t).unwrap()).unwrap_err().path(), "version");
}

#[test]
fn any_items_placeholder_is_refused_and_licensed_wording_may_repeat() {
    let d = dqol();
    let mut t = d.translation_template("zh-Hans");
    t.source = "site licence".into();
    for (id, text) in t.items.iter_mut() {
        *text = format!("Licensed text {id}");
    }
    t.language = "en-US".into();
    let us = d.with_translation(&serde_json::to_string(&t).unwrap()).unwrap();
    // Another item's placeholder is a placeholder too.
    let mut other = t.clone();
    other.language = "en-AU".into();
    other.items.insert("sat01".into(), d.item("sat02").unwrap().0.text["en"].clone());
    let e = us.with_translation(&serde_json::to_string(&other).unwrap()).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("invalid_translation", "items.sat01"));
    // A second variant sharing licensed wording, and a corrected reload of a licensed language.
    let mut gb = t.clone();
    gb.language = "en-GB".into();
    gb.items.insert("sat02".into(), "GB wording".into());
    let both = us.with_translation(&serde_json::to_string(&gb).unwrap()).unwrap();
    assert_eq!(both.view("en-GB").unwrap().wording, Wording::Licensed);
    let mut fixed = t.clone();
    fixed.items.insert("sat02".into(), "fixed".into());
    assert!(us.with_translation(&serde_json::to_string(&fixed).unwrap()).is_ok());
}

#[test]
fn translation_refuses_a_key_given_twice_and_a_label_the_instrument_does_not_have() {
    let tcm = tcm();
    let mut t = tcm.translation_template("en");
    t.language = "en-GB".into();
    t.source = "site".into();
    let text = serde_json::to_string(&t).unwrap();
    let twice = text.replacen(r#""items":{"#, r#""items":{"fatigue":"Tiredness","#, 1);
    let e = tcm.with_translation(&twice).unwrap_err();
    assert_eq!(e.kind(), "invalid_translation");
    assert!(e.to_string().contains("given twice"), "{e}");
    t.not_applicable_label = Some("n/a".into());
    let e = tcm.with_translation(&serde_json::to_string(&t).unwrap()).unwrap_err();
    assert_eq!(e.path(), "not_applicable_label");
}

#[test]
fn option_label_keys_are_written_as_the_value_and_ids_fit_fhir() {
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_TCM_DKD).unwrap();
    let labels = v["sections"][0]["items"][0]["option_labels"].as_object_mut().unwrap();
    let two = labels.remove("2").unwrap();
    labels.insert("02".into(), two);
    let e = Instrument::from_json(&v.to_string()).unwrap_err();
    assert_eq!(e.path(), "sections[0].items[0].option_labels.02");
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_TCM_DKD).unwrap();
    v["id"] = "tcm_dkd".into();
    assert_eq!(Instrument::from_json(&v.to_string()).unwrap_err().path(), "id");
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_TCM_DKD).unwrap();
    v["sections"][1]["items"][0]["id"] = "primary".into();
    assert!(Instrument::from_json(&v.to_string()).unwrap_err().to_string().contains("duplicate section or item id"));
}

#[test]
fn fhir_questionnaire_lists_every_item_with_its_options_and_not_applicable() {
    let d = dqol();
    let q = fhir::questionnaire(&d, "zh-Hans").unwrap();
    let groups = q["item"].as_array().unwrap();
    assert_eq!(groups.iter().map(|g| g["item"].as_array().unwrap().len()).sum::<usize>(), 46);
    let svw = &groups[2]["item"][0]["answerOption"];
    assert_eq!(svw.as_array().unwrap().len(), 6);
    assert_eq!(svw[5]["valueCoding"]["display"], "不适用");
    assert_eq!(q["name"], "DQOL");
    let mut v: serde_json::Value = serde_json::from_str(BUNDLED_TCM_DKD).unwrap();
    v["id"] = "2tcm.x".into();
    let q = fhir::questionnaire(&Instrument::from_json(&v.to_string()).unwrap(), "en").unwrap();
    assert_eq!((q["name"].as_str(), q["id"].as_str()), (Some("Q2TCM_X"), Some("2tcm.x-1")));
}

#[test]
fn flat_response_lists_every_item_answered_or_not() {
    let d = dqol();
    let mut s = Session::start(&d, "S-1", "w4", "en", t0()).unwrap();
    s.answer(&d, "sat01", 2, at(1)).unwrap();
    let flat = s.flat(&d, &d.default_rules()).unwrap();
    assert_eq!(flat.answers.len(), 46);
    assert_eq!(flat.answers[0], ("sat01".to_owned(), Some(Answer::Value(2))));
    assert_eq!(flat.answers[1], ("sat02".to_owned(), None));
    let json = serde_json::to_value(&flat).unwrap();
    assert_eq!(json["answers"][0], serde_json::json!(["sat01", 2]));
}

// ---------------------------------------------------------------------------------------------
// properties
// ---------------------------------------------------------------------------------------------

/// Any answer an item of `instrument` allows, or `None` (a clear).
fn any_answer(instrument: &Instrument) -> impl Strategy<Value = (String, Option<Answer>)> {
    let items: Vec<(String, Vec<u8>, bool, bool)> = instrument
        .items()
        .map(|(_, i)| {
            let values = instrument.scale(&i.scale).unwrap().options.iter().map(|o| o.value).collect();
            (i.id.clone(), values, i.not_applicable, i.optional)
        })
        .collect();
    (0..items.len(), 0usize..8, any::<u8>()).prop_map(move |(n, pick, raw)| {
        let (id, values, na, optional) = &items[n];
        let answer = match pick {
            0 => None,
            1 if *na => Some(Answer::NotApplicable),
            2 if *optional => Some(Answer::Skipped),
            7 => Some(Answer::Value(raw)), // often off the scale
            _ => Some(Answer::Value(values[usize::from(raw) % values.len()])),
        };
        (id.clone(), answer)
    })
}

#[derive(Debug, Clone)]
enum Op {
    Set(String, Option<Answer>),
    Complete,
    SaveResume,
}

fn ops(instrument: &Instrument) -> impl Strategy<Value = Vec<Op>> {
    let op = prop_oneof![
        8 => any_answer(instrument).prop_map(|(i, a)| Op::Set(i, a)),
        1 => Just(Op::Complete),
        1 => Just(Op::SaveResume),
        1 => "[a-z0-9]{1,6}".prop_map(|i| Op::Set(i, Some(Answer::Value(1)))),
    ];
    proptest::collection::vec(op, 0..60)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any sequence of operations leaves a valid session (it saves and resumes to itself) or
    /// gives a typed error that changed nothing; never a panic.
    #[test]
    fn any_sequence_of_operations_leaves_a_valid_session_or_a_typed_error(
        which in 0..2usize, seq in ops(&dqol()), seq_tcm in ops(&tcm())
    ) {
        let (inst, seq) = if which == 0 { (dqol(), seq) } else { (tcm(), seq_tcm) };
        let mut s = Session::start(&inst, "S-1", "w4", "en", t0()).unwrap();
        for (n, op) in seq.into_iter().enumerate() {
            let before = s.clone();
            let when = at(n as i64);
            let result = match op {
                Op::Set(item, answer) => s.set(&inst, &item, answer, when).map(|_| ()),
                Op::Complete => s.complete(&inst, when, &inst.default_rules()).map(|_| ()),
                Op::SaveResume => Session::resume(&inst, &s.to_json()).map(|r| s = r),
            };
            if let Err(e) = result {
                prop_assert!(InstrumentError::KINDS.contains(&e.kind()));
                prop_assert_eq!(&s, &before);
            }
            prop_assert_eq!(Session::resume(&inst, &s.to_json()).unwrap(), s.clone());
        }
    }

    /// Scores stay within their bounds for any complete answer set, on both instruments, and
    /// the 0–100 transform stays within 0–100.
    #[test]
    fn scores_stay_within_bounds_for_any_complete_answer_set(which in 0..2usize, seed in any::<u64>()) {
        let inst = if which == 0 { dqol() } else { tcm() };
        let mut x = seed;
        let answers: BTreeMap<String, Answer> = inst.items().map(|(_, i)| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let opts = &inst.scale(&i.scale).unwrap().options;
            (i.id.clone(), Answer::Value(opts[(x >> 33) as usize % opts.len()].value))
        }).collect();
        let s = score(&inst, &answers, &inst.default_rules()).unwrap();
        for sec in &s.sections {
            let raw = sec.raw.unwrap();
            prop_assert!(sec.min <= raw && raw <= sec.max, "{} {raw}", sec.section);
            if let Some(t) = sec.transformed { prop_assert!((0.0..=100.0).contains(&t)); }
        }
        let total = s.total.unwrap();
        prop_assert!(s.total_min <= total && total <= s.total_max);
    }

    /// Prorated scores stay within the section's bounds too, for any partial answer set.
    #[test]
    fn prorated_scores_stay_within_bounds(seq in proptest::collection::vec(any_answer(&dqol()), 0..80)) {
        let d = dqol();
        let answers: BTreeMap<String, Answer> = seq.into_iter()
            .filter_map(|(i, a)| a.map(|a| (i, a)))
            .filter(|(i, a)| d.check_answer(i, a).is_ok())
            .collect();
        let s = score(&d, &answers, &d.default_rules()).unwrap();
        for sec in &s.sections {
            if let Some(raw) = sec.raw {
                prop_assert!(sec.min - 1e-9 <= raw && raw <= sec.max + 1e-9);
            }
        }
    }

    /// Reverse scoring applied twice is the identity, and stays on the scale.
    #[test]
    fn reverse_scoring_twice_is_the_identity(min in any::<u8>(), span in any::<u8>(), pick in any::<u8>()) {
        let max = min.saturating_add(span);
        let v = min + (u16::from(pick) % (u16::from(max - min) + 1)) as u8;
        let once = item_score(v, min, max, true);
        prop_assert!(min <= once && once <= max);
        prop_assert_eq!(item_score(once, min, max, true), v);
    }

    /// The scores depend on the answers given, not on the order or the history: answering
    /// the same final answers item by item in another order, after changes and clears of
    /// their own, gives the same scores.
    #[test]
    fn answering_order_and_history_do_not_change_the_scores(
        seq in proptest::collection::vec(any_answer(&dqol()), 0..80), rot in any::<usize>()
    ) {
        let d = dqol();
        let valid: Vec<(String, Option<Answer>)> = seq.into_iter()
            .filter(|(i, a)| a.as_ref().is_none_or(|a| d.check_answer(i, a).is_ok()))
            .collect();
        // Session a: every operation in the order generated (changes, clears interleaved).
        let mut a = Session::start(&d, "S", "v", "en", t0()).unwrap();
        for (i, ans) in &valid { a.set(&d, i, *ans, t0()).unwrap(); }
        // Session b: item by item, in a rotated and reversed order of items, each item's own
        // operations in their order.
        let mut items: Vec<String> = valid.iter().map(|(i, _)| i.clone()).collect();
        items.sort();
        items.dedup();
        if !items.is_empty() { let k = rot % items.len(); items.rotate_left(k); }
        items.reverse();
        let mut b = Session::start(&d, "S", "v", "en", t0()).unwrap();
        for item in &items {
            for (_, ans) in valid.iter().filter(|(i, _)| i == item) { b.set(&d, item, *ans, t0()).unwrap(); }
        }
        prop_assert_eq!(a.answers(), b.answers());
        prop_assert_eq!(a.scores(&d, &d.default_rules()).unwrap(), b.scores(&d, &d.default_rules()).unwrap());
    }

    /// The efficacy index is monotone: a lower score after treatment never gives a worse
    /// category.
    #[test]
    fn efficacy_category_is_monotone_in_the_post_treatment_score(pre in 1u32..60, a in 0u32..80, b in 0u32..80) {
        let th = EfficacyThresholds::default();
        let (lo, hi) = (a.min(b), a.max(b));
        let better = efficacy(f64::from(pre), f64::from(lo), &th).unwrap();
        let worse = efficacy(f64::from(pre), f64::from(hi), &th).unwrap();
        prop_assert!(better.index_percent >= worse.index_percent);
        prop_assert!(better.category as u8 <= worse.category as u8);
    }

    /// Resuming never panics on arbitrary text (a typed error or a session).
    #[test]
    fn resume_of_arbitrary_text_is_a_typed_error(text in ".{0,200}") {
        if let Err(e) = Session::resume(&dqol(), &text) {
            prop_assert!(InstrumentError::KINDS.contains(&e.kind()));
        }
    }
}
