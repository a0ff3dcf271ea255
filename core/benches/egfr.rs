//! Criterion benchmarks: every eGFR equation (scalar, typed inputs), the batch over 1 M rows,
//! and unit parsing / lab value construction. Run: `cargo bench -p amimestrocel-dkd`.

use amimestrocel_dkd::demographics::{Age, Sex};
use amimestrocel_dkd::egfr::{egfr_batch, estimate, BatchColumns, EgfrEquation, EgfrInputs};
use amimestrocel_dkd::lab::{CystatinC, SerumCreatinine, Unit};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use uom::si::f64::Mass;
use uom::si::mass::kilogram;

fn equations(c: &mut Criterion) {
    let inputs = EgfrInputs::new(Age::from_years(62).unwrap(), Sex::Female)
        .with_creatinine(SerumCreatinine::new(1.4, "mg/dL").unwrap())
        .with_cystatin_c(CystatinC::new(1.6, "mg/L").unwrap())
        .with_weight(Mass::new::<kilogram>(64.0));
    let mut group = c.benchmark_group("estimate");
    for eq in EgfrEquation::ALL {
        group.bench_with_input(BenchmarkId::from_parameter(eq.slug()), &eq, |b, &eq| {
            b.iter(|| estimate(black_box(eq), black_box(&inputs)))
        });
    }
    group.finish();
}

fn batch(c: &mut Criterion) {
    let n = 1_000_000;
    let age: Vec<f64> = (0..n).map(|i| 45.0 + (i % 36) as f64).collect();
    let sex: Vec<u8> = (0..n).map(|i| 1 + (i % 2) as u8).collect();
    let scr: Vec<f64> = (0..n).map(|i| 0.5 + (i % 500) as f64 / 100.0).collect();
    let mut cols = BatchColumns::new(&age, &sex);
    cols.creatinine = Some(&scr);
    let (mut out, mut codes) = (vec![0.0; n], vec![0u8; n]);
    let mut group = c.benchmark_group("batch_1m_rows");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    for threads in [1usize, 2] {
        group.bench_function(BenchmarkId::new("ckd_epi_2021_cr_threads", threads), |b| {
            b.iter(|| egfr_batch(EgfrEquation::CkdEpi2021Cr, &cols, &mut out, &mut codes, threads).unwrap())
        });
    }
    group.finish();
}

fn units(c: &mut Criterion) {
    let mut group = c.benchmark_group("units");
    for text in ["mg/dL", "µmol/L", "mL/min/{1.73_m2}"] {
        group.bench_with_input(BenchmarkId::new("parse", text), &text, |b, t| b.iter(|| Unit::parse(black_box(t))));
    }
    group.bench_function("serum_creatinine_new_mg_dl", |b| b.iter(|| SerumCreatinine::new(black_box(1.3), "mg/dL")));
    group.finish();
}

criterion_group!(benches, equations, batch, units);
criterion_main!(benches);
