//! The account filter (issue 21): the first page of the cases list for one CJ account, next to the
//! unfiltered first page, at 10,000 and 100,000 cases (each with its draft). Three accounts: one with
//! most cases, one with 1 %, and one with only 10 — the worst case, where the page is short and every
//! case is looked at. Same store, same run, interleaved.

use casedesk_core::store::AccountFilter;
use casedesk_core::{Store, SystemClock};
use std::sync::Arc;
use std::time::Instant;

use crate::{ms, stats, Row, WARMUPS};

fn seed(dir: &std::path::Path, n: i64) -> Store {
    let store = Store::open(dir, Arc::new(SystemClock)).unwrap();
    {
        let c = store.connection();
        let tx = c.unchecked_transaction().unwrap();
        for i in 0..n {
            let account = if i % (n / 10) == 7 {
                "few"
            } else if i % 100 == 3 {
                "rare"
            } else {
                "most"
            };
            tx.execute(
                "INSERT INTO drafts (subject, description, created_at, updated_at, submitted_at, cj_account)
                 VALUES (?1, 'x', ?2, ?2, ?2, ?3)",
                rusqlite::params![format!("Commission report {i}"), i, account],
            )
            .unwrap();
            let draft = c.last_insert_rowid();
            tx.execute(
                "INSERT INTO cases (filer, case_number, draft_id, subject, status, created_at)
                 VALUES ('cj-web', ?1, ?2, 'case', 'New', ?3)",
                rusqlite::params![format!("{i:08}"), draft, i],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    store
}

fn page(store: &Store, filter: &AccountFilter) -> (f64, usize) {
    let t = Instant::now();
    let rows = store.cases().list_page_for(50, None, filter).unwrap();
    (ms(t.elapsed()), rows.len())
}

pub fn account_filter(rows: &mut Vec<Row>) {
    let runs = 30;
    let mut at = Vec::new();
    for n in [10_000i64, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        let store = seed(dir.path(), n);
        let filters = [
            AccountFilter::All,
            AccountFilter::Account("rare".into()),
            AccountFilter::Account("few".into()),
            AccountFilter::Account("most".into()),
        ];
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); filters.len()];
        for i in 0..(WARMUPS + runs) {
            for (f, filter) in filters.iter().enumerate() {
                let (t, len) = page(&store, filter);
                assert_eq!(len, if f == 2 { 10 } else { 50 }, "{filter:?} at {n}");
                if i >= WARMUPS {
                    times[f].push(t);
                }
            }
        }
        let s: Vec<_> = times.into_iter().map(stats).collect();
        at.push((n, s));
    }
    for (n, s) in &at {
        rows.push(Row {
            figure: format!("cases list, first page of one CJ account's, {n} cases"),
            value: format!(
                "98 %: median {:.2} ms; 1 %: median {:.2} ms; 10 cases: median {:.2} ms",
                s[3].p50, s[1].p50, s[2].p50
            ),
            baseline: format!("unfiltered first page: median {:.2} ms", s[0].p50),
            ratio: format!(
                "{:.1}× / {:.1}× / {:.1}×",
                s[3].p50 / s[0].p50,
                s[1].p50 / s[0].p50,
                s[2].p50 / s[0].p50
            ),
            target: "each ≤ 2× the unfiltered page".into(),
            met: Some(s[1..].iter().all(|x| x.p50 / s[0].p50 <= 2.0)),
        });
    }
    let (small, large) = (&at[0].1, &at[1].1);
    eprintln!(
        "bench: account filter 10× the cases: 1 % {:.1}×, 10 cases {:.1}×, unfiltered {:.1}×",
        large[1].p50 / small[1].p50,
        large[2].p50 / small[2].p50,
        large[0].p50 / small[0].p50
    );
}
