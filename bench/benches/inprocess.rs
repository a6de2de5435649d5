//! criterion's view of the in-process figures (`make bench` runs it before the harness, which puts
//! criterion's medians in the table next to its own p50/p99; criterion reports no p99).

use casedesk_bench::{description, seed_search_corpus, QUERIES};
use casedesk_core::draft::DraftInput;
use casedesk_core::{editor, Store, SystemClock};
use criterion::{criterion_group, criterion_main, Criterion};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn input(i: usize) -> DraftInput {
    DraftInput {
        subject: "Commission report showing incorrect order values".into(),
        description: description(i),
        ..Default::default()
    }
}

fn autosave(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
    let id = store.drafts().create().unwrap().id;
    let mut i = 0;
    c.bench_function("autosave_64kb", |b| {
        b.iter(|| {
            i += 1;
            editor::save(&store, id, &input(i)).unwrap()
        })
    });
    c.bench_function("index_catch_up_64kb", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                i += 1;
                editor::save(&store, id, &input(i)).unwrap();
                let t = Instant::now();
                store.drafts().reindex_stale(None).unwrap();
                spent += t.elapsed();
            }
            spent
        })
    });
    let conn = rusqlite::Connection::open(dir.path().join("bare.sqlite3")).unwrap();
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    conn.execute_batch("PRAGMA synchronous = FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO t VALUES (1, '');").unwrap();
    c.bench_function("bare_update_64kb", |b| {
        b.iter(|| {
            i += 1;
            conn.execute("UPDATE t SET body = ?1 WHERE id = 1", [description(i)])
                .unwrap()
        })
    });
}

fn search(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
    seed_search_corpus(&store);
    let mut i = 0;
    c.bench_function("search_100k_drafts", |b| {
        b.iter(|| {
            i += 1;
            store
                .drafts()
                .search(QUERIES[i % QUERIES.len()], 20)
                .unwrap()
        })
    });
}

criterion_group! {
    name = inprocess;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .without_plots();
    targets = autosave, search
}
criterion_main!(inprocess);
