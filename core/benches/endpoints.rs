//! Endpoint throughput on one core: the bundled synthetic follow-up's timelines (120
//! participants with labs, DQOL and TCM totals, biomarkers, lymphocytes, OCTA, EMG and events) checked and derived, their cohort
//! report, and the BDS dataset written; and a registry-sized lab table (`derive_lab_table`, on
//! every core). Run: `cargo bench -p amimestrocel-dkd --bench endpoints`.

use amimestrocel_dkd::demographics::Sex;
use amimestrocel_dkd::endpoints::{
    derive, derive_lab_batches, derive_lab_table, summarise_cohort, write_bds_csv, EndpointConfig, LabRow, LabSubject,
    ParticipantTimeline,
};
use amimestrocel_dkd::lab::{AnalyteKind, Unit};
use amimestrocel_dkd::schedule::ScheduleConfig;
use amimestrocel_dkd::tools::{follow_up, timelines::timelines};
use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn endpoints(c: &mut Criterion) {
    let plan = ScheduleConfig::bundled().unwrap();
    let config = EndpointConfig::default();
    let cohort =
        timelines(follow_up::BUNDLED_SEED, follow_up::BUNDLED_COUNT, follow_up::bundled_as_of(), &plan).unwrap();
    let json: Vec<String> = cohort.iter().map(|t| serde_json::to_string(t).unwrap()).collect();
    let derived: Vec<_> = cohort.iter().map(|t| derive(&t.clone().check().unwrap(), &plan, &config).unwrap()).collect();

    let mut group = c.benchmark_group("endpoints");
    group.throughput(Throughput::Elements(cohort.len() as u64));
    group.bench_function("json_check_derive", |b| {
        b.iter(|| {
            for text in &json {
                let t = ParticipantTimeline::from_json(text).unwrap().check().unwrap();
                black_box(derive(&t, &plan, &config).unwrap());
            }
        })
    });
    group
        .bench_function("cohort_report", |b| b.iter(|| black_box(summarise_cohort(&derived, &plan, &config).unwrap())));
    group.bench_function("bds_csv", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(1 << 20);
            write_bds_csv(&mut out, &derived).unwrap();
            black_box(out)
        })
    });
    group.finish();
}

/// The lab table of the Python benchmark (`scripts/bench-endpoints.py`): participants with 25
/// serum creatinine (mg/dL) and 25 24-hour urine protein values each, two before day 1 and then
/// every 4 weeks with a few days of jitter.
fn lab_table_cohort(n: usize) -> (Vec<LabSubject>, Vec<LabRow>) {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let mut state = 14u64;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let mut subjects = Vec::with_capacity(n);
    let mut labs = Vec::with_capacity(50 * n);
    for p in 0..n {
        let day_one = d(2024, 1, 1) + Days::new((next() * 700.0) as u64);
        let birth = day_one - Days::new((45.0 * 365.25 + next() * 33.0 * 365.25) as u64);
        subjects.push(LabSubject {
            id: format!("P{p:06}"),
            sex: if next() < 0.62 { Sex::Male } else { Sex::Female },
            birth_date: birth,
            first_infusion: Some(day_one),
            last_contact: day_one + Days::new(760),
            esrd: None,
            renal_replacement: None,
            death: None,
        });
        let (creatinine, protein) = (0.8 + 3.0 * next(), 3.5 + 10.0 * next());
        for k in 0..25i64 {
            let offset = match k {
                0 => -20,
                1 => -5,
                _ => 28 * (k - 1) + (next() * 9.0) as i64 - 4,
            };
            let date = if offset < 0 {
                day_one - Days::new(offset.unsigned_abs())
            } else {
                day_one + Days::new(offset as u64)
            };
            let row = |analyte, value, unit| LabRow { participant: p as u32, date, analyte, value, unit };
            labs.push(row(
                AnalyteKind::SerumCreatinine,
                creatinine * (0.9 + 0.2 * next()),
                Unit::MilligramPerDeciliter,
            ));
            labs.push(row(AnalyteKind::UrineProtein24h, protein * (0.8 + 0.4 * next()), Unit::GramPer24Hours));
        }
    }
    (subjects, labs)
}

fn lab_table(c: &mut Criterion) {
    let plan = ScheduleConfig::bundled().unwrap();
    let config = EndpointConfig::default();
    let (subjects, labs) = lab_table_cohort(20_000);
    let mut group = c.benchmark_group("lab_table_20k_participants_1m_rows");
    group.throughput(Throughput::Elements(labs.len() as u64));
    group.sample_size(10);
    group.bench_function("derive_lab_table_every_core", |b| {
        b.iter(|| black_box(derive_lab_table(&subjects, &labs, &plan, &config).unwrap().len()))
    });
    group.bench_function("derive_lab_batches_every_core", |b| {
        b.iter(|| black_box(derive_lab_batches(&subjects, &labs, &plan, &config).unwrap().len()))
    });
    group.finish();
}

criterion_group!(benches, endpoints, lab_table);
criterion_main!(benches);
