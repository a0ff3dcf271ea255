//! Screening throughput: records per second on one core, in memory and from JSON, and the
//! batch over every core. Run: `cargo bench -p amimestrocel-dkd --bench screening`.

use amimestrocel_dkd::eligibility::{screen, screen_batch, ProtocolConfig, ScreeningRecord};
use amimestrocel_dkd::tools::synthetic::cohort;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn screening(c: &mut Criterion) {
    let config = ProtocolConfig::default();
    let records = cohort(42, 10_000);
    let json: Vec<String> = records.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
    let mut group = c.benchmark_group("screening_10k_records");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.sample_size(10);
    group.bench_function("in_memory_one_core", |b| {
        b.iter(|| records.iter().map(|r| screen(black_box(r), &config).is_ok() as usize).sum::<usize>())
    });
    group.bench_function("from_json_one_core", |b| {
        b.iter(|| {
            json.iter()
                .map(|t| ScreeningRecord::from_json(black_box(t)).map(|r| screen(&r, &config).is_ok()).is_ok() as usize)
                .sum::<usize>()
        })
    });
    group.bench_function("batch_all_cores", |b| b.iter(|| screen_batch(black_box(&records), &config).unwrap().len()));
    group.finish();
}

criterion_group!(benches, screening);
criterion_main!(benches);
