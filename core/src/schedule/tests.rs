//! The schedule's rules, one test each, and its invariants as properties.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn plan() -> ScheduleConfig {
    ScheduleConfig::bundled().unwrap()
}

fn participant(first: NaiveDate, observations: &[(NaiveDate, &str)]) -> ParticipantSchedule {
    ParticipantSchedule {
        id: "S-001".into(),
        first_infusion: Some(first),
        planned_first_infusion: None,
        screening_date: None,
        left_study: None,
        observations: observations
            .iter()
            .map(|(date, a)| Observation { date: *date, activity: Activity::from_slug(a).unwrap() })
            .collect(),
    }
}

#[test]
fn visits_after_the_participant_left_are_not_expected_and_leaving_is_checked() {
    let first = d(2025, 3, 3);
    let mut p = participant(first, &[(first, "infusion"), (d(2025, 3, 16), "infusion")]);
    p.left_study = Some(d(2025, 3, 20));
    let s = p.status(&plan(), d(2025, 8, 1)).unwrap();
    assert_eq!(state(&s, "d14"), VisitState::Done);
    assert_eq!(state(&s, "d28"), VisitState::NotExpected);
    assert_eq!(state(&s, "m24"), VisitState::NotExpected);
    assert!(s.deviations.iter().all(|d| !matches!(d.visit(), "d28" | "w4" | "w8")), "{:?}", s.deviations);
    assert_eq!(s.next_visit, None);
    // A visit done after leaving (a safety contact) is still done.
    p.observations.push(Observation { date: d(2025, 3, 30), activity: Activity::Attended });
    assert_eq!(state(&p.status(&plan(), d(2025, 8, 1)).unwrap(), "d28"), VisitState::Done);
    // Leaving after the status date has not happened yet; before screening is no date of the trial.
    let e = p.status(&plan(), d(2025, 3, 19)).unwrap_err();
    assert_eq!(e.path(), "left_study");
    (p.screening_date, p.left_study) = (Some(d(2025, 3, 1)), Some(d(2025, 2, 15)));
    assert_eq!(p.status(&plan(), d(2025, 8, 1)).unwrap_err().path(), "left_study");
}

fn state(status: &ScheduleStatus, visit: &str) -> VisitState {
    status.visits.iter().find(|v| v.visit == visit).unwrap().state
}

#[test]
fn weeks_are_seven_times_n_study_days_so_week_4_is_day_28() {
    let c = Calendar::build(&plan(), d(2025, 3, 3), false).unwrap();
    let day = |id: &str| c.visit(id).unwrap().study_day;
    assert_eq!([day("d14"), day("d28"), day("w4"), day("w8"), day("w24"), day("w28")], [14, 28, 28, 56, 168, 196]);
    assert_eq!(c.visit("d1").unwrap().target, d(2025, 3, 3));
    assert_eq!(c.visit("baseline").unwrap().window(), study_time::Window { first: d(2025, 2, 3), last: d(2025, 3, 3) });
    let other = plan().with_readings_json(r#"{"week_day": "week_after_day_one"}"#).unwrap();
    let c = Calendar::build(&other, d(2025, 3, 3), false).unwrap();
    assert_eq!(c.visit("w8").unwrap().study_day, 57);
    assert_eq!(c.visit("d28").unwrap().study_day, 28);
}

use crate::study_time;

#[test]
fn months_are_calendar_months_from_day_one_clamped_to_the_month_end() {
    let c = Calendar::build(&plan(), d(2024, 8, 31), false).unwrap();
    assert_eq!(c.visit("m12").unwrap().target, d(2025, 8, 31));
    assert_eq!(c.visit("m18").unwrap().target, d(2026, 2, 28));
    assert_eq!(c.visit("m24").unwrap().target, d(2026, 8, 31));
    let c = Calendar::build(&plan(), d(2026, 8, 31), false).unwrap();
    assert_eq!(c.visit("m18").unwrap().target, d(2028, 2, 29));
}

#[test]
fn follow_up_from_the_last_infusion_counts_months_from_week_24() {
    let p = plan().with_readings_json(r#"{"follow_up_from": "last_infusion"}"#).unwrap();
    let c = Calendar::build(&p, d(2025, 3, 3), false).unwrap();
    let w24 = c.visit("w24").unwrap().target;
    assert_eq!(w24, d(2025, 8, 17));
    assert_eq!(c.visit("m12").unwrap().target, d(2026, 8, 17));
    // Done later than planned: the months follow the infusion actually given.
    let status = participant(d(2025, 3, 3), &[(d(2025, 8, 19), "infusion")]).status(&p, d(2025, 9, 1)).unwrap();
    assert_eq!(status.calendar.visit("m12").unwrap().target, d(2026, 8, 19));
}

#[test]
fn a_delay_keeps_the_plan_by_default_and_shifts_it_when_configured() {
    let obs = [
        (d(2025, 3, 3), "infusion"),
        (d(2025, 3, 16), "infusion"),
        (d(2025, 3, 30), "infusion"),
        (d(2025, 5, 2), "infusion"),
    ];
    let on = d(2025, 5, 30);
    let kept = participant(d(2025, 3, 3), &obs).status(&plan(), on).unwrap();
    assert_eq!(kept.calendar.visit("w12").unwrap().target, d(2025, 5, 25));
    assert_eq!(state(&kept, "w8"), VisitState::DoneOutOfWindow);
    let shifting = plan().with_readings_json(r#"{"delayed_infusion": "shifts_later"}"#).unwrap();
    let shifted = participant(d(2025, 3, 3), &obs).status(&shifting, on).unwrap();
    assert_eq!(shifted.calendar.visit("w8").unwrap().target, d(2025, 4, 27));
    assert_eq!(shifted.calendar.visit("w12").unwrap().target, d(2025, 5, 30));
    assert_eq!(shifted.calendar.visit("m24").unwrap().target, d(2027, 3, 8));
    assert_eq!(state(&shifted, "w12"), VisitState::InWindow);
}

#[test]
fn months_from_a_late_last_infusion_carry_its_delay_once_when_delays_also_shift() {
    // First infusion 31 January 2024 (a leap year); every infusion on its target, the last (w24,
    // study day 168, 16 July) given two days late, on 18 July.
    let day = |n: u64| d(2024, 1, 31) + chrono::Days::new(n - 1);
    let infusions: Vec<(NaiveDate, &str)> =
        [1, 14, 28, 56, 84, 112, 140, 170].iter().map(|&n| (day(n), "infusion")).collect();
    for readings in [
        r#"{"follow_up_from": "last_infusion"}"#,
        r#"{"follow_up_from": "last_infusion", "delayed_infusion": "shifts_later"}"#,
    ] {
        let p = plan().with_readings_json(readings).unwrap();
        let status = participant(day(1), &infusions).status(&p, day(200)).unwrap();
        assert_eq!(status.calendar.visit("w24").unwrap().target, day(168), "{readings}");
        assert_eq!(status.calendar.visit("m12").unwrap().target, d(2025, 7, 18), "{readings}");
        assert_eq!(status.calendar.visit("m24").unwrap().target, d(2026, 7, 18), "{readings}");
    }
    // The last infusion not given, an earlier one late: the months count from the last one's
    // target, which the delay moved, once.
    let late_w20: Vec<(NaiveDate, &str)> =
        [1, 14, 28, 56, 84, 112, 143].iter().map(|&n| (day(n), "infusion")).collect();
    let p = plan()
        .with_readings_json(r#"{"follow_up_from": "last_infusion", "delayed_infusion": "shifts_later"}"#)
        .unwrap();
    let status = participant(day(1), &late_w20).status(&p, day(150)).unwrap();
    assert_eq!(status.calendar.visit("w24").unwrap().target, day(171));
    assert_eq!(
        status.calendar.visit("m12").unwrap().target,
        day(171).checked_add_months(chrono::Months::new(12)).unwrap()
    );
}

#[test]
fn rule_3_counts_only_what_the_visit_took_by_rule_1() {
    // week_after_day_one: w4's target is day 29, d28's day 28. A DQOL on day 28 is d28's (the
    // nearer target) though w4's window holds it; one on day 40 goes out of window to w4.
    let p = plan().with_readings_json(r#"{"week_day": "week_after_day_one"}"#).unwrap();
    let day = |n: u64| d(2025, 3, 3) + chrono::Days::new(n - 1);
    let s = participant(day(1), &[(day(28), "dqol"), (day(40), "dqol")]).status(&p, day(60)).unwrap();
    assert_eq!(
        (s.assignments[0].visits.clone(), s.assignments[0].role),
        (vec!["d28".to_owned()], AssignmentRole::InWindow)
    );
    assert_eq!(
        (s.assignments[1].visits.clone(), s.assignments[1].role),
        (vec!["w4".to_owned()], AssignmentRole::OutOfWindow)
    );
}

#[test]
fn a_blank_participant_id_is_refused() {
    let mut p = participant(d(2025, 3, 3), &[]);
    p.id = "  ".to_owned();
    assert_eq!(p.status(&plan(), d(2025, 3, 3)).unwrap_err().path(), "id");
}

#[test]
fn an_observation_goes_to_every_visit_sharing_the_nearest_target() {
    let s = participant(d(2025, 3, 3), &[(d(2025, 3, 30), "dqol")]).status(&plan(), d(2025, 3, 30)).unwrap();
    assert_eq!(s.assignments[0].visits, ["d28", "w4"]);
    assert_eq!(s.assignments[0].role, AssignmentRole::InWindow);
}

#[test]
fn a_second_observation_in_one_window_is_a_repeat_and_a_far_one_unscheduled() {
    let obs = [(d(2025, 3, 16), "dqol"), (d(2025, 3, 17), "dqol"), (d(2025, 3, 20), "dqol")];
    let s = participant(d(2025, 3, 3), &obs).status(&plan(), d(2025, 3, 20)).unwrap();
    let roles: Vec<_> = s.assignments.iter().map(|a| a.role).collect();
    assert_eq!(roles, [AssignmentRole::InWindow, AssignmentRole::Repeat, AssignmentRole::Unscheduled]);
    assert!(s.assignments[2].visits.is_empty());
}

#[test]
fn nothing_observed_is_dropped() {
    let obs =
        [(d(2025, 1, 1), "attended"), (d(2025, 3, 3), "infusion"), (d(2030, 1, 1), "dqol"), (d(2025, 3, 4), "octa")];
    let s = participant(d(2025, 3, 3), &obs).status(&plan(), d(2031, 1, 1)).unwrap();
    assert_eq!(s.assignments.iter().map(|a| a.observation).collect::<Vec<_>>(), [0, 1, 2, 3]);
    // An observation after the status date is refused, not left out.
    let err = participant(d(2025, 3, 3), &obs).status(&plan(), d(2025, 3, 3)).unwrap_err();
    assert_eq!((err.kind(), err.path()), ("invalid_schedule", "observations[2].date"));
}

#[test]
fn dates_that_do_not_hold_together_are_refused_with_their_field() {
    let first = d(2025, 3, 3);
    let on = d(2025, 6, 1);
    let path = |p: ParticipantSchedule| p.status(&plan(), on).unwrap_err().path().to_owned();
    // An infusion before the first infusion, or a second one on its day: two first infusions.
    assert_eq!(path(participant(first, &[(d(2025, 3, 1), "infusion")])), "observations[0].date");
    assert_eq!(path(participant(first, &[(first, "infusion"), (first, "infusion")])), "observations[1].date");
    // Before the screening date.
    let mut p = participant(first, &[(d(2025, 2, 1), "egfr")]);
    p.screening_date = Some(d(2025, 2, 10));
    assert_eq!(path(p.clone()), "observations[0].date");
    p.screening_date = Some(d(2025, 3, 10));
    assert_eq!(path(p), "first_infusion");
    // Two assessments of one kind on one day are repeats, not errors.
    assert!(participant(first, &[(first, "dqol"), (first, "dqol")]).status(&plan(), on).is_ok());
}

#[test]
fn a_first_infusion_on_31_january_or_29_february_places_months_at_the_month_end() {
    let c = Calendar::build(&plan(), d(2024, 1, 31), false).unwrap();
    assert_eq!(c.visit("m12").unwrap().target, d(2025, 1, 31));
    assert_eq!(c.visit("m18").unwrap().target, d(2025, 7, 31));
    let c = Calendar::build(&plan(), d(2025, 1, 31), false).unwrap();
    assert_eq!(c.visit("m18").unwrap().target, d(2026, 7, 31));
    let c = Calendar::build(&plan(), d(2024, 2, 29), false).unwrap();
    assert_eq!(c.visit("m12").unwrap().target, d(2025, 2, 28));
    assert_eq!(c.visit("m24").unwrap().target, d(2026, 2, 28));
    assert_eq!(c.visit("w4").unwrap().target, d(2024, 3, 27));
}

#[test]
fn a_plan_whose_infusion_windows_overlap_or_out_of_time_order_is_refused() {
    let wide = plan().with_readings_json(
        r#"{"windows": {"baseline": {"before": 28, "after": 0},
        "first_infusion": {"before": 0, "after": 0}, "early_infusion": {"before": 7, "after": 7},
        "infusion": {"before": 3, "after": 3}, "week_visit": {"before": 7, "after": 7},
        "month_visit": {"before": 14, "after": 14}}}"#,
    );
    assert_eq!(wide.unwrap_err().path(), "visits[3].window");
    let mut text: serde_json::Value = serde_json::from_str(BUNDLED_PLAN).unwrap();
    text["visits"].as_array_mut().unwrap().swap(5, 6);
    assert_eq!(ScheduleConfig::from_json(&text.to_string()).unwrap_err().path(), "visits[6].nominal");
}

#[test]
fn a_visit_attended_before_leaving_is_judged_as_planned_one_attended_after_is_not() {
    // w8: target 2025-04-27, window 2025-04-24..30. The participant left on 2025-04-25.
    let first = d(2025, 3, 3);
    let deviations_at_w8 = |attended: NaiveDate| {
        let mut p = participant(first, &[(first, "infusion"), (attended, "attended")]);
        p.left_study = Some(d(2025, 4, 25));
        let s = p.status(&plan(), d(2025, 8, 1)).unwrap();
        assert_eq!(state(&s, "w8"), VisitState::Done);
        s.deviations.iter().filter(|x| x.visit() == "w8").count()
    };
    // Attended on 04-24, before leaving, without the infusion: a missed infusion and the
    // DQOL and adverse events missing, as for anyone.
    assert_eq!(deviations_at_w8(d(2025, 4, 24)), 3);
    // Attended on 04-27, after leaving (a safety contact): no plan, no deviation.
    assert_eq!(deviations_at_w8(d(2025, 4, 27)), 0);
}

#[test]
fn a_plan_is_checked_from_every_length_of_month_not_from_one_day_1() {
    // From 2001-01-01, d28's window (±2: days 26-30) and month 1's (±1 around 1 February, study
    // day 32) are apart; from 1 February, month 1 is 1 March, study day 29, and its window
    // (28 February to 2 March) overlaps d28's: one infusion could count for both.
    let plan_of = |visits: serde_json::Value| {
        let mut text: serde_json::Value = serde_json::from_str(BUNDLED_PLAN).unwrap();
        text["readings"]["windows"]["infusion"] = serde_json::json!({"before": 1, "after": 1});
        text["visits"] = visits;
        ScheduleConfig::from_json(&text.to_string())
    };
    let visit = |id: &str, nominal: serde_json::Value, window: &str| serde_json::json!({"id": id, "label": id, "nominal": nominal, "window": window, "infusion": true, "assessments": []});
    let d1 = visit("d1", serde_json::json!({"day": 1}), "first_infusion");
    let overlapping = plan_of(serde_json::json!([
        d1.clone(),
        visit("d28", serde_json::json!({"day": 28}), "early_infusion"),
        visit("m1", serde_json::json!({"month": 1}), "infusion")
    ]));
    assert_eq!(overlapping.unwrap_err().path(), "visits[2].window");
    // Day 31 before month 1 holds from January, not from February (month 1 is then day 29).
    let mut d31 = visit("d31", serde_json::json!({"day": 31}), "week_visit");
    d31["infusion"] = false.into();
    let out_of_order =
        plan_of(serde_json::json!([d1.clone(), d31, visit("m1", serde_json::json!({"month": 1}), "infusion")]));
    assert_eq!(out_of_order.unwrap_err().path(), "visits[2].nominal");
    // A span of 14 months is longest with 29 February inside it (from 2003-07-01 to 2004-09-01:
    // 428 days, month 14 on study day 429), which a day 1 in 2000 or 2001 never gives (427 at
    // most): month 14's window (±1) then meets day 431's.
    let long_span = plan_of(serde_json::json!([
        d1.clone(),
        visit("m14", serde_json::json!({"month": 14}), "infusion"),
        visit("d431", serde_json::json!({"day": 431}), "infusion")
    ]));
    assert_eq!(long_span.unwrap_err().path(), "visits[2].window");
    // A plan that holds from every day 1 is taken.
    assert!(plan_of(serde_json::json!([d1, visit("m1", serde_json::json!({"month": 1}), "infusion")])).is_ok());
}

#[test]
fn a_schedule_or_a_plan_reads_objects_never_arrays_of_their_fields() {
    let as_array = r#"{"id": "S", "first_infusion": "2025-03-03", "observations": [["2025-03-03", "infusion"]]}"#;
    assert_eq!(ParticipantSchedule::from_json(as_array).unwrap_err().path(), "observations[0]");
    let mut text: serde_json::Value = serde_json::from_str(BUNDLED_PLAN).unwrap();
    text["visits"][0] = serde_json::json!(["baseline", "Baseline", {"day": 1}, "baseline", false, []]);
    assert_eq!(ScheduleConfig::from_json(&text.to_string()).unwrap_err().path(), "visits[0]");
}

#[test]
fn a_visit_is_overdue_for_overdue_days_then_missed_with_its_deviation() {
    let obs = [(d(2025, 3, 3), "infusion")];
    // d14: target 2025-03-16, window to 2025-03-18; overdue to 2025-04-01.
    let s = participant(d(2025, 3, 3), &obs).status(&plan(), d(2025, 4, 1)).unwrap();
    assert_eq!(state(&s, "d14"), VisitState::Overdue);
    assert!(
        s.deviations.is_empty()
            || !s.deviations.iter().any(|x| matches!(x, Deviation::MissedInfusion { visit } if visit == "d14"))
    );
    let s = participant(d(2025, 3, 3), &obs).status(&plan(), d(2025, 4, 2)).unwrap();
    assert_eq!(state(&s, "d14"), VisitState::Missed);
    assert!(s.deviations.contains(&Deviation::MissedInfusion { visit: "d14".into() }));
}

#[test]
fn a_deviations_kind_is_its_json_kind() {
    let all = [
        Deviation::MissedVisit { visit: "w4".into() },
        Deviation::MissedInfusion { visit: "d14".into() },
        Deviation::InfusionOutOfWindow { visit: "w8".into(), date: d(2025, 5, 2), days_outside: 2 },
        Deviation::AssessmentMissing { visit: "w28".into(), assessment: Assessment::Egfr },
    ];
    for (deviation, kind) in all.iter().zip(Deviation::KINDS) {
        assert_eq!(serde_json::to_value(deviation).unwrap()["kind"], kind);
        assert_eq!(deviation.kind(), kind);
    }
}

#[test]
fn a_late_infusion_is_a_deviation_counted_from_the_window_edge() {
    let obs = [(d(2025, 3, 3), "infusion"), (d(2025, 5, 2), "infusion")];
    let s = participant(d(2025, 3, 3), &obs).status(&plan(), d(2025, 6, 1)).unwrap();
    assert!(s.deviations.contains(&Deviation::InfusionOutOfWindow {
        visit: "w8".into(),
        date: d(2025, 5, 2),
        days_outside: 2
    }));
}

#[test]
fn a_done_visit_without_a_planned_assessment_reports_it_once_settled() {
    let obs = [(d(2025, 9, 14), "attended"), (d(2025, 9, 14), "egfr")];
    let s = participant(d(2025, 3, 3), &obs).status(&plan(), d(2025, 10, 30)).unwrap();
    let w28 = s.visits.iter().find(|v| v.visit == "w28").unwrap();
    assert_eq!(w28.state, VisitState::Done);
    assert!(w28.done.contains(&Assessment::Egfr) && w28.needs.contains(&Assessment::UrineProtein24h));
    assert!(s
        .deviations
        .contains(&Deviation::AssessmentMissing { visit: "w28".into(), assessment: Assessment::UrineProtein24h }));
    assert!(!s
        .deviations
        .contains(&Deviation::AssessmentMissing { visit: "w28".into(), assessment: Assessment::Egfr }));
}

#[test]
fn a_planned_calendar_says_so_and_has_the_same_dates() {
    let planned = ParticipantSchedule {
        id: "S".into(),
        first_infusion: None,
        planned_first_infusion: Some(d(2025, 3, 3)),
        observations: vec![],
        screening_date: None,
        left_study: None,
    };
    let s = planned.status(&plan(), d(2025, 2, 1)).unwrap();
    assert!(s.calendar.anchor.planned);
    assert_eq!(s.calendar.visits, Calendar::build(&plan(), d(2025, 3, 3), false).unwrap().visits);
    assert_eq!(s.next_visit.as_deref(), Some("baseline"));
    let none = ParticipantSchedule { planned_first_infusion: None, ..planned };
    assert_eq!(none.status(&plan(), d(2025, 2, 1)).unwrap_err().path(), "first_infusion");
}

#[test]
fn dates_beyond_the_representable_are_a_typed_error() {
    let s = participant(NaiveDate::MAX, &[]).status(&plan(), NaiveDate::MAX);
    assert_eq!(s.unwrap_err().kind(), "date_out_of_range");
    let s = participant(NaiveDate::MIN, &[]).status(&plan(), NaiveDate::MIN);
    assert_eq!(s.unwrap_err().kind(), "date_out_of_range");
}

#[test]
fn the_ics_export_has_one_event_per_visit_and_timed_ones_in_shanghai() {
    let c = Calendar::build(&plan(), d(2025, 3, 3), false).unwrap();
    let options = IcsOptions {
        participant: "S-001".into(),
        stamp: d(2025, 3, 1).and_hms_opt(0, 0, 0).unwrap(),
        appointments: vec![Appointment {
            visit: "d14".into(),
            time: chrono::NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        }],
        duration_minutes: 90,
        reminder_days_before: None,
    };
    let ics = to_ics(&c, &options).unwrap();
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), c.visits.len());
    assert!(ics.contains("DTSTART;TZID=Asia/Shanghai:20250316T093000\r\nDTEND;TZID=Asia/Shanghai:20250316T110000\r\n"));
    assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai"));
    assert!(!ics.contains("VALARM"));
    assert!(ics.split("\r\n").all(|l| l.len() <= 75));
    let unknown =
        IcsOptions { appointments: vec![Appointment { visit: "w99".into(), time: chrono::NaiveTime::MIN }], ..options };
    assert_eq!(to_ics(&c, &unknown).unwrap_err().path(), "appointments[0].visit");
}

#[test]
fn the_ics_export_refuses_what_it_would_drop_or_write_against_rfc_5545() {
    let c = Calendar::build(&plan(), d(2025, 3, 3), false).unwrap();
    let at = |visit: &str, h: u32| Appointment {
        visit: visit.into(),
        time: chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
    };
    let options = IcsOptions {
        participant: "S-001".into(),
        stamp: d(2025, 3, 1).and_hms_opt(0, 0, 0).unwrap(),
        appointments: vec![at("w8", 9), at("d14", 9), at("w8", 14)],
        duration_minutes: 60,
        reminder_days_before: None,
    };
    // A second time for w8 would be dropped (the first was written).
    let e = to_ics(&c, &options).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("invalid_schedule", "appointments[2].visit"));
    // DTEND must be later than DTSTART (§3.8.2.2): no zero-minute event, nor one past its day.
    for minutes in [0, MAX_DURATION_MINUTES + 1] {
        let timed = IcsOptions { appointments: vec![at("w8", 9)], duration_minutes: minutes, ..options.clone() };
        assert_eq!(to_ics(&c, &timed).unwrap_err().path(), "duration_minutes", "{minutes}");
    }
    let all_day = IcsOptions { appointments: vec![], duration_minutes: 0, ..options.clone() };
    assert!(to_ics(&c, &all_day).is_ok(), "the duration is unread without an appointment");
    let a_day = IcsOptions { appointments: vec![at("w8", 23)], duration_minutes: MAX_DURATION_MINUTES, ..options };
    assert!(to_ics(&c, &a_day).unwrap().contains("DTEND;TZID=Asia/Shanghai:20250428T230000\r\n"));
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2200, 1u32..=12, 1u32..=31).prop_filter_map("a date", |(y, m, day)| NaiveDate::from_ymd_opt(y, m, day))
}

fn any_activity() -> impl Strategy<Value = Activity> {
    prop_oneof![
        Just(Activity::Infusion),
        Just(Activity::Attended),
        proptest::sample::select(Assessment::ALL.to_vec()).prop_map(Activity::Assessment)
    ]
}

fn any_observations() -> impl Strategy<Value = Vec<(i64, Activity)>> {
    proptest::collection::vec((-60i64..900, any_activity()), 0..30)
}

/// A participant from day offsets; infusions before day 1 or a second one on day 1 (refused by
/// rule) are moved to day 2.
fn from_offsets(day_one: NaiveDate, offsets: &[(i64, Activity)]) -> ParticipantSchedule {
    let mut infused_day_one = false;
    let observations = offsets
        .iter()
        .map(|&(o, activity)| {
            let mut o = o;
            if activity == Activity::Infusion && o <= 0 {
                o = if o == 0 && !infused_day_one { 0 } else { 1 };
                infused_day_one |= o == 0;
            }
            Observation { date: day_one + chrono::TimeDelta::days(o), activity }
        })
        .collect();
    ParticipantSchedule {
        id: "S".into(),
        first_infusion: Some(day_one),
        planned_first_infusion: None,
        observations,
        screening_date: None,
        left_study: None,
    }
}

const READINGS: [&str; 4] = [
    r#"{}"#,
    r#"{"delayed_infusion": "shifts_later"}"#,
    r#"{"follow_up_from": "last_infusion"}"#,
    r#"{"month_day": "average_days", "week_day": "week_after_day_one"}"#,
];

proptest! {
    #[test]
    fn targets_follow_the_plan_order_and_windows_hold_their_target(day_one in any_date(), readings in 0usize..4) {
        let plan = plan().with_readings_json(READINGS[readings]).unwrap();
        let c = Calendar::build(&plan, day_one, false).unwrap();
        for pair in c.visits.windows(2) {
            prop_assert!(pair[0].target <= pair[1].target);
        }
        for v in &c.visits {
            prop_assert!(v.window().contains(v.target));
            prop_assert_eq!((v.target - day_one).num_days() + 1, v.study_day);
        }
        // Windows of consecutive infusions never overlap (the plan's rule, checked when read).
        let infusions: Vec<_> = c.visits.iter().filter(|v| v.infusion).collect();
        for pair in infusions.windows(2) {
            prop_assert!(pair[0].window_last < pair[1].window_first);
        }
    }

    #[test]
    fn every_observation_has_one_assignment_and_states_are_consistent(
        day_one in any_date(),
        offsets in any_observations(),
        after in 0i64..1000,
        readings in 0usize..4,
    ) {
        let p = from_offsets(day_one, &offsets);
        let last = p.observations.iter().map(|o| o.date).max().unwrap_or(day_one);
        let on = last + chrono::TimeDelta::days(after);
        let plan = plan().with_readings_json(READINGS[readings]).unwrap();
        let s = p.status(&plan, on).unwrap();
        prop_assert_eq!(s.assignments.iter().map(|a| a.observation as usize).collect::<Vec<_>>(), (0..p.observations.len()).collect::<Vec<_>>());
        for a in &s.assignments {
            prop_assert_eq!(a.visits.is_empty(), a.role == AssignmentRole::Unscheduled);
        }
        for v in &s.visits {
            let attended = s.assignments.iter().any(|a| a.visits.contains(&v.visit));
            prop_assert_eq!(attended, matches!(v.state, VisitState::Done | VisitState::DoneOutOfWindow));
            prop_assert_eq!(v.done.len() + v.needs.len(), plan.visit(&v.visit).unwrap().assessments.len());
        }
        if let Some(next) = s.next() {
            prop_assert!(matches!(next.state, VisitState::InWindow | VisitState::Overdue | VisitState::Upcoming));
        }
        let json = serde_json::to_string(&s).unwrap();
        prop_assert!(serde_json::from_str::<ScheduleStatus>(&json).unwrap() == s);
    }

    #[test]
    fn assignment_does_not_depend_on_the_order_of_the_observations(
        day_one in any_date(),
        offsets in any_observations(),
        seed in any::<u64>(),
        readings in 0usize..4,
    ) {
        let p = from_offsets(day_one, &offsets);
        let on = p.observations.iter().map(|o| o.date).max().unwrap_or(day_one) + chrono::TimeDelta::days(30);
        let mut order: Vec<usize> = (0..p.observations.len()).collect();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let shuffled = ParticipantSchedule { observations: order.iter().map(|&i| p.observations[i]).collect(), ..p.clone() };
        let plan = plan().with_readings_json(READINGS[readings]).unwrap();
        let (a, b) = (p.status(&plan, on).unwrap(), shuffled.status(&plan, on).unwrap());
        prop_assert_eq!(&a.visits, &b.visits);
        prop_assert_eq!(&a.deviations, &b.deviations);
        prop_assert_eq!(&a.next_visit, &b.next_visit);
        // The same assignments, observation for observation (identical observations may trade
        // places: the multiset is compared).
        let key = |s: &ScheduleStatus| {
            let mut k: Vec<String> = s.assignments.iter().map(|x| format!("{} {} {:?} {:?}", x.date, x.activity, x.visits, x.role)).collect();
            k.sort();
            k
        };
        prop_assert_eq!(key(&a), key(&b));
    }

    #[test]
    fn shifting_every_date_shifts_the_calendar_and_nothing_else(
        day_one in any_date(),
        offsets in any_observations(),
        shift in -4000i64..4000,
    ) {
        // With months as average days every nominal time is a day count, so a shift moves every
        // target by the same days (calendar months move month ends: tested above).
        let plan = plan().with_readings_json(r#"{"month_day": "average_days"}"#).unwrap();
        let p = from_offsets(day_one, &offsets);
        let on = p.observations.iter().map(|o| o.date).max().unwrap_or(day_one) + chrono::TimeDelta::days(10);
        let by = chrono::TimeDelta::days(shift);
        let moved = ParticipantSchedule {
            first_infusion: Some(day_one + by),
            observations: p.observations.iter().map(|o| Observation { date: o.date + by, activity: o.activity }).collect(),
            ..p.clone()
        };
        let (a, b) = (p.status(&plan, on).unwrap(), moved.status(&plan, on + by).unwrap());
        for (x, y) in a.visits.iter().zip(&b.visits) {
            prop_assert_eq!(x.target + by, y.target);
            prop_assert_eq!((x.state, x.settled, &x.done, &x.needs), (y.state, y.settled, &y.done, &y.needs));
        }
        prop_assert_eq!(a.assignments.iter().map(|x| (&x.visits, x.role)).collect::<Vec<_>>(), b.assignments.iter().map(|x| (&x.visits, x.role)).collect::<Vec<_>>());
        prop_assert_eq!(a.deviations.len(), b.deviations.len());
        prop_assert_eq!(a.next_visit, b.next_visit);
    }
}

#[test]
fn a_calendar_reaching_beyond_year_9999_is_out_of_range_in_core() {
    // Month 24 of 1 June 9998 is June 10000: no binding could hold it, so core refuses it.
    let e = Calendar::build(&plan(), d(9998, 6, 1), false).unwrap_err();
    assert_eq!(e, ScheduleError::DateOutOfRange { visit: "m24".to_owned() });
    assert!(Calendar::build(&plan(), d(9997, 12, 1), false).is_ok());
    // The baseline window before year 1.
    assert_eq!(Calendar::build(&plan(), d(1, 1, 2), false).unwrap_err().kind(), "date_out_of_range");
}

#[test]
fn schedule_error_kinds_lists_the_kind_of_every_variant() {
    let all = [
        ScheduleError::config("x", "y"),
        ScheduleError::input("x", "y".to_owned()),
        ScheduleError::DateOutOfRange { visit: "m24".to_owned() },
    ];
    let kinds: Vec<&str> = all.iter().map(ScheduleError::kind).collect();
    assert_eq!(kinds, ScheduleError::KINDS);
}

proptest! {
    #[test]
    fn a_cohort_in_columns_has_each_participants_own_status(
        people in proptest::collection::vec((any_date(), any_observations(), proptest::option::of(0i64..900)), 0..6),
        after in 0i64..400,
        readings in 0usize..4,
        split in 0usize..6,
    ) {
        let plan = plan().with_readings_json(READINGS[readings]).unwrap();
        let schedules: Vec<ParticipantSchedule> = people
            .iter()
            .map(|(day_one, offsets, left)| ParticipantSchedule {
                left_study: left.map(|l| *day_one + chrono::TimeDelta::days(l)),
                ..from_offsets(*day_one, offsets)
            })
            .collect();
        let on = schedules
            .iter()
            .flat_map(|p| p.observations.iter().map(|o| o.date).chain(p.left_study).chain(p.first_infusion))
            .max()
            .unwrap_or(d(2025, 1, 1))
            + chrono::TimeDelta::days(after);
        let first: Vec<Option<DayNumber>> = schedules.iter().map(|p| p.first_infusion.map(day_number)).collect();
        let left: Vec<Option<DayNumber>> = schedules.iter().map(|p| p.left_study.map(day_number)).collect();
        let mut offsets = vec![0];
        let mut days = Vec::new();
        let mut activities = Vec::new();
        for p in &schedules {
            days.extend(p.observations.iter().map(|o| day_number(o.date)));
            activities.extend(p.observations.iter().map(|o| o.activity));
            offsets.push(days.len());
        }
        let columns = ScheduleColumns {
            first_infusion: &first,
            planned_first_infusion: &[],
            screening_date: &[],
            left_study: &left,
            observation_offsets: &offsets,
            observation_days: &days,
            observation_activities: &activities,
        };
        // Computed in two parts and joined, as threads would.
        let split = split.min(schedules.len());
        let mut cohort = CohortStatus::of_rows(&plan, &columns, day_number(on), 0..split).unwrap();
        cohort.append(CohortStatus::of_rows(&plan, &columns, day_number(on), split..schedules.len()).unwrap());
        prop_assert_eq!(&cohort, &CohortStatus::of(&plan, &columns, day_number(on)).unwrap());
        let n = plan.visits.len();
        let date = |day: DayNumber| date_of_day(day).unwrap();
        let mut deviations = cohort.deviations.iter();
        for (row, p) in schedules.iter().enumerate() {
            let s = p.status(&plan, on).unwrap();
            for (i, v) in s.visits.iter().enumerate() {
                let at = row * n + i;
                prop_assert_eq!(
                    (date(cohort.target[at]), date(cohort.window_first[at]), date(cohort.window_last[at])),
                    (v.target, v.window_first, v.window_last)
                );
                prop_assert_eq!((cohort.state[at], cohort.settled[at]), (v.state, v.settled));
                prop_assert_eq!(cohort.attended_on[at].map(date), v.attended_on);
                prop_assert_eq!(cohort.infusion_on[at].map(date), v.infusion_on);
                let mut done = v.done.clone();
                done.sort();
                let mut needs = v.needs.clone();
                needs.sort();
                prop_assert_eq!(cohort.done[at].iter().collect::<Vec<_>>(), done);
                prop_assert_eq!(cohort.needs[at].iter().collect::<Vec<_>>(), needs);
            }
            prop_assert_eq!(cohort.next_visit[row].map(|i| plan.visits[i].id.clone()), s.next_visit.clone());
            for (k, a) in s.assignments.iter().enumerate() {
                let o = offsets[row] + k;
                prop_assert_eq!(cohort.role[o], a.role);
                let visits = &cohort.assigned_visits[cohort.assigned_offsets[o]..cohort.assigned_offsets[o + 1]];
                prop_assert_eq!(visits.iter().map(|&i| plan.visits[i].id.clone()).collect::<Vec<_>>(), a.visits.clone());
            }
            for dev in &s.deviations {
                let row_dev = deviations.next().unwrap();
                prop_assert_eq!((row_dev.participant, plan.visits[row_dev.visit].id.as_str(), row_dev.kind), (row, dev.visit(), dev.kind()));
                match dev {
                    Deviation::InfusionOutOfWindow { date: day, days_outside, .. } => {
                        prop_assert_eq!((row_dev.day.map(date), row_dev.days_outside), (Some(*day), Some(*days_outside)));
                    }
                    Deviation::ExtraInfusion { date: day, .. } => prop_assert_eq!(row_dev.day.map(date), Some(*day)),
                    Deviation::AssessmentMissing { assessment, .. } => prop_assert_eq!(row_dev.assessment, Some(*assessment)),
                    Deviation::MissedVisit { .. } | Deviation::MissedInfusion { .. } => {}
                }
            }
        }
        prop_assert!(deviations.next().is_none());
    }
}

#[test]
fn columns_that_do_not_fit_together_are_refused_naming_the_column() {
    let one = [Some(day_number(d(2025, 3, 3)))];
    let columns = ScheduleColumns {
        first_infusion: &one,
        planned_first_infusion: &[],
        screening_date: &[None, None],
        left_study: &[],
        observation_offsets: &[0, 0],
        observation_days: &[],
        observation_activities: &[],
    };
    let (row, e) = CohortStatus::of(&plan(), &columns, day_number(d(2025, 4, 1))).unwrap_err();
    assert_eq!((row, e.path()), (0, "screening_date"));
    let columns = ScheduleColumns { screening_date: &[], observation_offsets: &[0, 2], ..columns };
    let (_, e) = CohortStatus::of(&plan(), &columns, day_number(d(2025, 4, 1))).unwrap_err();
    assert_eq!(e.path(), "observation_offsets");
    let columns = ScheduleColumns { observation_offsets: &[0], ..columns };
    assert_eq!(CohortStatus::of(&plan(), &columns, 0).unwrap_err().1.path(), "observation_offsets");
    // A participant without a study day 1 is refused at its row, as one participant's status is.
    let columns = ScheduleColumns { first_infusion: &[one[0], None], observation_offsets: &[0, 0, 0], ..columns };
    let (row, e) = CohortStatus::of(&plan(), &columns, day_number(d(2025, 4, 1))).unwrap_err();
    assert_eq!((row, e.path()), (1, "first_infusion"));
}

#[test]
fn day_numbers_count_days_since_1970_over_the_dates_every_binding_holds() {
    assert_eq!(day_number(d(1970, 1, 1)), 0);
    assert_eq!(day_number(d(1, 1, 1)), calendar::FIRST_DAY);
    assert_eq!(day_number(d(9999, 12, 31)), calendar::LAST_DAY);
    assert_eq!(date_of_day(day_number(NaiveDate::MAX)), Some(NaiveDate::MAX));
    assert_eq!(date_of_day(i32::MAX), None);
}

#[test]
fn an_observation_outside_years_1_to_9999_is_refused_at_its_path_in_both_shapes() {
    // Years every binding holds; beyond them a visit's attended date could not be handed back.
    let mut p = participant(d(2025, 3, 3), &[(d(2025, 3, 3), "infusion")]);
    p.observations.push(Observation { date: NaiveDate::MIN, activity: Activity::Assessment(Assessment::Dqol) });
    let e = p.status(&plan(), d(2025, 4, 1)).unwrap_err();
    assert_eq!((e.kind(), e.path()), ("invalid_schedule", "observations[1].date"));
    let first = [Some(day_number(d(2025, 3, 3)))];
    let columns = ScheduleColumns {
        first_infusion: &first,
        planned_first_infusion: &[],
        screening_date: &[],
        left_study: &[Some(i32::MIN + 1)],
        observation_offsets: &[0, 1],
        observation_days: &[i32::MIN + 1],
        observation_activities: &[Activity::Assessment(Assessment::Dqol)],
    };
    let (row, e) = CohortStatus::of(&plan(), &columns, day_number(d(2025, 4, 1))).unwrap_err();
    assert_eq!((row, e.path()), (0, "left_study"));
    let columns = ScheduleColumns { left_study: &[], ..columns };
    let (row, e) = CohortStatus::of(&plan(), &columns, day_number(d(2025, 4, 1))).unwrap_err();
    assert_eq!((row, e.path()), (0, "observations[0].date"));
}

#[test]
fn rows_that_run_backwards_or_beyond_the_cohort_are_refused() {
    let first = [Some(day_number(d(2025, 3, 3))); 3];
    let columns = ScheduleColumns {
        first_infusion: &first,
        planned_first_infusion: &[],
        screening_date: &[],
        left_study: &[],
        observation_offsets: &[0, 0, 0, 0],
        observation_days: &[],
        observation_activities: &[],
    };
    let on = day_number(d(2025, 4, 1));
    // A range made at run time (a caller's arithmetic) that runs backwards.
    let backwards = |start: usize, end: usize| start..end;
    assert_eq!(CohortStatus::of_rows(&plan(), &columns, on, backwards(2, 1)).unwrap_err().0, 2);
    assert_eq!(CohortStatus::of_rows(&plan(), &columns, on, backwards(5, 1)).unwrap_err().0, 5);
    assert_eq!(CohortStatus::of_rows(&plan(), &columns, on, 1..9).unwrap_err().0, 3);
    assert_eq!(CohortStatus::of_rows(&plan(), &columns, on, 3..3).unwrap().next_visit, vec![]);
}
