//! OMOP pre-screening throughput in Rust: persons per second of `omop::prescreen` over the
//! synthetic cohort's OMOP tables (`tools::omop_synthetic`), tables already in memory as core's
//! rows; both cores (the screening runs on every core, the grouping of rows on one). Run:
//! `cargo bench -p amimestrocel-dkd --bench omop`.

use amimestrocel_dkd::eligibility::ProtocolConfig;
use amimestrocel_dkd::omop::{prescreen, ConceptSets};
use amimestrocel_dkd::tools::omop_synthetic::{representable, to_omop};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn omop(c: &mut Criterion) {
    let n = 20_000;
    let records: Vec<_> = amimestrocel_dkd::tools::synthetic::records(7).take(n).map(representable).collect();
    let as_of = records.iter().map(|r| r.screening_date).max().unwrap();
    let sets = ConceptSets::default();
    let tables = to_omop(&records, &sets);
    let config = ProtocolConfig::default();
    let mut group = c.benchmark_group("omop_prescreen_20k_persons");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    group.bench_function("prescreen_in_memory", |b| {
        b.iter(|| prescreen(black_box(&tables), &sets, &config, as_of).unwrap().persons.len())
    });
    group.finish();
}

criterion_group!(benches, omop);
criterion_main!(benches);
