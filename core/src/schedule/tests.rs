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
        observations: observations
            .iter()
            .map(|(date, a)| Observation { date: *date, activity: Activity::from_slug(a).unwrap() })
            .collect(),
    }
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
    // Observations after the status date are not considered yet.
    let s = participant(d(2025, 3, 3), &obs).status(&plan(), d(2025, 3, 3)).unwrap();
    assert_eq!(s.assignments.iter().map(|a| a.observation).collect::<Vec<_>>(), [0, 1]);
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
    let ics = to_ics(&c, &options);
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), c.visits.len());
    assert!(ics.contains("DTSTART;TZID=Asia/Shanghai:20250316T093000\r\nDTEND;TZID=Asia/Shanghai:20250316T110000\r\n"));
    assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai"));
    assert!(!ics.contains("VALARM"));
    assert!(ics.split("\r\n").all(|l| l.len() <= 75));
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

proptest! {
    #[test]
    fn targets_follow_the_plan_order_and_windows_hold_their_target(day_one in any_date()) {
        let c = Calendar::build(&plan(), day_one, false).unwrap();
        for pair in c.visits.windows(2) {
            prop_assert!(pair[0].target <= pair[1].target);
        }
        for v in &c.visits {
            prop_assert!(v.window().contains(v.target));
            prop_assert_eq!((v.target - day_one).num_days() + 1, v.study_day);
        }
    }

    #[test]
    fn every_observation_on_or_before_the_date_has_one_assignment_and_states_are_consistent(
        day_one in any_date(),
        offsets in proptest::collection::vec((-60i64..900, any_activity()), 0..30),
        on_offset in -30i64..1000,
    ) {
        let observations: Vec<Observation> = offsets
            .iter()
            .map(|(o, a)| Observation { date: day_one + chrono::TimeDelta::days(*o), activity: *a })
            .collect();
        let on = day_one + chrono::TimeDelta::days(on_offset);
        let p = ParticipantSchedule { id: "S".into(), first_infusion: Some(day_one), planned_first_infusion: None, observations: observations.clone() };
        for readings in [r#"{}"#, r#"{"delayed_infusion": "shifts_later"}"#, r#"{"follow_up_from": "last_infusion"}"#] {
            let plan = plan().with_readings_json(readings).unwrap();
            let s = p.status(&plan, on).unwrap();
            let expected: Vec<u32> = observations.iter().enumerate().filter(|(_, o)| o.date <= on).map(|(i, _)| i as u32).collect();
            prop_assert_eq!(s.assignments.iter().map(|a| a.observation).collect::<Vec<_>>(), expected);
            for a in &s.assignments {
                prop_assert_eq!(a.visits.is_empty(), a.role == AssignmentRole::Unscheduled);
            }
            for v in &s.visits {
                let attended = s.assignments.iter().any(|a| a.visits.contains(&v.visit));
                prop_assert_eq!(attended, matches!(v.state, VisitState::Done | VisitState::DoneOutOfWindow));
                prop_assert_eq!(v.done.len() + v.needs.len(), plan.visit(&v.visit).unwrap().assessments.len());
            }
            // A deviation only for a settled visit; the next visit is not yet done.
            if let Some(next) = s.next() {
                prop_assert!(matches!(next.state, VisitState::InWindow | VisitState::Overdue | VisitState::Upcoming));
            }
            let json = serde_json::to_string(&s).unwrap();
            prop_assert!(serde_json::from_str::<ScheduleStatus>(&json).unwrap() == s);
        }
    }
}
