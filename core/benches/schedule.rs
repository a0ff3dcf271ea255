//! Visit-status throughput: participants per second on one core, each with every visit of the
//! 24 months done on target (attended, infusions, every assessment: 105 observations), on the day after
//! month 24 settles. Run: `cargo bench -p amimestrocel-dkd --bench schedule`.

use amimestrocel_dkd::schedule::{
    day_number, Activity, Calendar, CohortStatus, Observation, ParticipantSchedule, ScheduleColumns, ScheduleConfig,
};
use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn participants(plan: &ScheduleConfig, n: usize) -> Vec<ParticipantSchedule> {
    (0..n)
        .map(|i| {
            let day_one = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::TimeDelta::days((i % 365) as i64);
            let calendar = Calendar::build(plan, day_one, false).unwrap();
            let mut observations = Vec::new();
            for v in &calendar.visits {
                observations.push(Observation { date: v.target, activity: Activity::Attended });
                if v.infusion {
                    observations.push(Observation { date: v.target, activity: Activity::Infusion });
                }
                observations.extend(
                    v.assessments.iter().map(|a| Observation { date: v.target, activity: Activity::Assessment(*a) }),
                );
            }
            ParticipantSchedule {
                id: format!("S-{i}"),
                first_infusion: Some(day_one),
                planned_first_infusion: None,
                observations,
                screening_date: None,
                left_study: None,
            }
        })
        .collect()
}

fn schedule(c: &mut Criterion) {
    let plan = ScheduleConfig::bundled().unwrap();
    let cohort = participants(&plan, 1_000);
    let on = NaiveDate::from_ymd_opt(2028, 1, 1).unwrap();
    let json: Vec<String> = cohort.iter().map(|p| serde_json::to_string(p).unwrap()).collect();
    let mut group = c.benchmark_group("schedule_1k_participants");
    group.throughput(Throughput::Elements(cohort.len() as u64));
    group.sample_size(10);
    group.bench_function("status_in_memory_one_core", |b| {
        b.iter(|| cohort.iter().map(|p| p.status(&plan, black_box(on)).unwrap().deviations.len()).sum::<usize>())
    });
    group.bench_function("status_from_json_one_core", |b| {
        b.iter(|| {
            json.iter()
                .map(|t| ParticipantSchedule::from_json(black_box(t)).unwrap().status(&plan, on).unwrap().visits.len())
                .sum::<usize>()
        })
    });
    let days: Vec<NaiveDate> = cohort.iter().filter_map(|p| p.first_infusion).collect();
    group.bench_function("calendar_one_core", |b| {
        b.iter(|| {
            days.iter().map(|d| Calendar::build(&plan, black_box(*d), false).unwrap().visits.len()).sum::<usize>()
        })
    });
    let mid_study: Vec<ParticipantSchedule> = cohort
        .iter()
        .map(|p| {
            let week_12 = p.first_infusion.unwrap() + chrono::TimeDelta::days(84);
            ParticipantSchedule {
                observations: p.observations.iter().filter(|o| o.date <= week_12).copied().collect(),
                ..p.clone()
            }
        })
        .collect();
    group.bench_function("status_mid_study_one_core", |b| {
        b.iter(|| {
            mid_study
                .iter()
                .map(|p| p.status(&plan, p.first_infusion.unwrap() + chrono::TimeDelta::days(90)).unwrap().visits.len())
                .sum::<usize>()
        })
    });
    // The same cohort as columns (days since 1970, observations grouped by participant), the
    // shape of Arrow tables: `CohortStatus::of`.
    let first: Vec<Option<i32>> = cohort.iter().map(|p| p.first_infusion.map(day_number)).collect();
    let mut offsets = vec![0];
    let (mut obs_days, mut obs_activities) = (Vec::new(), Vec::new());
    for p in &cohort {
        obs_days.extend(p.observations.iter().map(|o| day_number(o.date)));
        obs_activities.extend(p.observations.iter().map(|o| o.activity));
        offsets.push(obs_days.len());
    }
    let columns = ScheduleColumns {
        first_infusion: &first,
        planned_first_infusion: &[],
        screening_date: &[],
        left_study: &[],
        observation_offsets: &offsets,
        observation_days: &obs_days,
        observation_activities: &obs_activities,
    };
    group.bench_function("cohort_columns_one_core", |b| {
        b.iter(|| CohortStatus::of(&plan, black_box(&columns), day_number(on)).unwrap().deviations.len())
    });
    group.finish();
}

criterion_group!(benches, schedule);
criterion_main!(benches);
