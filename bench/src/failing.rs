//! Autosave while a helpdesk is down: 10,000 watched RT cases, and a loopback server that answers
//! every search with 503, retried about every second (the follow loop's backoff, shortened). Each
//! autosave is timed as the shell does it (store lock, checks, commit with synchronous=FULL), spaced
//! 5 ms apart, next to the same autosaves with nothing failing, in the same run.

use casedesk_bench::description;
use casedesk_core::draft::DraftInput;
use casedesk_core::follow::{FollowConfig, Followers, StatusSink};
use casedesk_core::rt::{Rt, RtSettings};
use casedesk_core::source::polling::PollingSource;
use casedesk_core::store::StatusChange;
use casedesk_core::{editor, store, Store, SystemClock};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{ms, stats, Row};

struct Quiet;
impl StatusSink for Quiet {
    fn changed(&self, _: &StatusChange) {}
    fn refreshed(&self) {}
}

fn autosaves(store: &store::SharedStore, draft: i64, n: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let input = DraftInput {
            subject: "Commission report showing incorrect order values".into(),
            description: description(i),
            ..Default::default()
        };
        let t = Instant::now();
        let s = store::lock(store).unwrap();
        editor::save(&s, draft, &input).unwrap();
        drop(s);
        out.push(ms(t.elapsed()));
        std::thread::sleep(Duration::from_millis(5));
    }
    out
}

pub fn autosave_while_failing(rows: &mut Vec<Row>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
    {
        let tx = store.connection().unchecked_transaction().unwrap();
        for i in 1..=10_000 {
            tx.execute(
                "INSERT INTO cases (filer, case_number, subject, status, created_at) VALUES ('rt', ?1, 'bench', 'open', 0)",
                [i.to_string()],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let draft = store.drafts().create().unwrap().id;
    let store: store::SharedStore = Arc::new(Mutex::new(store));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        server
    });
    let n = 1200;
    autosaves(&store, draft, 100);
    let idle = stats(autosaves(&store, draft, n));
    let client = Rt::new(
        RtSettings::new(&server.uri(), "General"),
        "bench",
        Duration::from_secs(10),
    )
    .unwrap();
    let client = Arc::new(client);
    let followers = rt.block_on(async { Followers::start(store.clone(), Arc::new(Quiet), 3) });
    followers.replace(
        vec![Arc::new(PollingSource::new(
            client.clone(),
            Some(Arc::new(casedesk_core::submit::FilerOutbox(client))),
        ))],
        FollowConfig {
            interval: Duration::from_secs(1),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(1),
        },
    );
    std::thread::sleep(Duration::from_millis(500));
    let failing = stats(autosaves(&store, draft, n));
    let tries = rt
        .block_on(server.received_requests())
        .map(|r| r.len())
        .unwrap_or(0);
    drop(followers);
    rows.push(Row {
        figure: format!("autosave while RT is down: 10,000 watched cases, a failed sweep ≈ every second ({tries} failed requests during the run)"),
        value: format!("p50 {:.3} ms, p99 {:.3} ms (n={})", failing.p50, failing.p99, failing.n),
        baseline: format!("the same autosaves, nothing failing: p50 {:.3} ms, p99 {:.3} ms", idle.p50, idle.p99),
        ratio: format!("p99 {:.2}×", failing.p99 / idle.p99),
        target: "p99 ≤ 2× idle".into(),
        met: Some(failing.p99 <= 2.0 * idle.p99),
    });
}
