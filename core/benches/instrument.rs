//! Instrument throughput on one core: DQOL answer sets scored per second (46 items, a mix of
//! complete and prorated subscales), and a phone's work per answer (one answer, then the save
//! as JSON), and resuming a full session. Run: `cargo bench -p amimestrocel-dkd --bench instrument`.

use amimestrocel_dkd::instrument::{score, Answer, Instrument, Session};
use chrono::{DateTime, Duration};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::collections::BTreeMap;
use std::hint::black_box;

fn instrument(c: &mut Criterion) {
    let dqol = Instrument::dqol().unwrap();
    let rules = dqol.default_rules();
    let ids: Vec<String> = dqol.items().map(|(_, i)| i.id.clone()).collect();
    // 1,000 answer sets: every item answered, but every 7th left out (prorated subscales).
    let sets: Vec<BTreeMap<String, Answer>> = (0..1_000)
        .map(|n| {
            ids.iter()
                .enumerate()
                .filter(|(k, _)| (k + n) % 7 != 0)
                .map(|(k, id)| (id.clone(), Answer::Value(((k + n) % 5 + 1) as u8)))
                .collect()
        })
        .collect();
    let mut group = c.benchmark_group("instrument");
    group.throughput(Throughput::Elements(sets.len() as u64));
    group.bench_function("dqol_score_1000_answer_sets", |b| {
        b.iter(|| {
            for set in &sets {
                black_box(score(&dqol, set, &rules).unwrap());
            }
        })
    });

    let t0 = DateTime::parse_from_rfc3339("2025-04-01T10:00:00+08:00").unwrap();
    let mut full = Session::start(&dqol, "S-001", "w4", "zh-Hans", t0).unwrap();
    for (k, id) in ids.iter().enumerate() {
        full.answer(&dqol, id, (k % 5 + 1) as u8, t0 + Duration::seconds(k as i64)).unwrap();
    }
    let saved = full.to_json();
    group.throughput(Throughput::Elements(1));
    group.bench_function("dqol_answer_then_save_at_item_46", |b| {
        let mut s = full.clone();
        let mut v = 1u8;
        b.iter(|| {
            v = v % 5 + 1;
            s.answer(&dqol, "dw04", v, t0).unwrap();
            black_box(s.to_json());
        })
    });
    group.bench_function("dqol_resume_full_session", |b| b.iter(|| black_box(Session::resume(&dqol, &saved).unwrap())));
    group.finish();
}

criterion_group!(benches, instrument);
criterion_main!(benches);
