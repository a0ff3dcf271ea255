//! Endpoint throughput on one core: the bundled synthetic follow-up's timelines (120
//! participants with labs, DQOL and TCM totals, biomarkers, lymphocytes, OCTA, EMG and events) checked and derived, their cohort
//! report, and the BDS dataset written. Run: `cargo bench -p amimestrocel-dkd --bench endpoints`.

use amimestrocel_dkd::endpoints::{derive, summarise_cohort, write_bds_csv, EndpointConfig, ParticipantTimeline};
use amimestrocel_dkd::schedule::ScheduleConfig;
use amimestrocel_dkd::tools::{follow_up, timelines::timelines};
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

criterion_group!(benches, endpoints);
criterion_main!(benches);
