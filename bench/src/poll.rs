//! The poll sweep over 10,000 cases against a loopback server answering like RT REST2, next to one
//! conditional GET per case.

use casedesk_core::rt::{Rt, RtSettings};
use casedesk_core::source::polling;
use casedesk_core::{Store, SystemClock};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::{ms, stats, Row, WARMUPS};

fn ids_of(req: &Request) -> Vec<String> {
    let q: String = req
        .url
        .query_pairs()
        .find(|(k, _)| k == "query")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    q.split(" OR ")
        .map(|p| p.trim_start_matches("id = ").trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

pub(crate) fn poll(rows: &mut Vec<Row>) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::path("/REST/2.0/tickets"))
            .respond_with(|req: &Request| {
                let items: Vec<Value> = ids_of(req).into_iter().map(|id| json!({"id": id, "Status": "open", "LastUpdated": "2026-11-27T10:00:00Z"})).collect();
                ResponseTemplate::new(200).set_body_json(json!({"items": items, "page": 1, "pages": 1, "per_page": 100}))
            })
            .mount(&server)
            .await;
        Mock::given(wiremock::matchers::path_regex(r"^/REST/2\.0/ticket/\d+$"))
            .respond_with(|req: &Request| {
                if req.headers.get("if-none-match").is_some() {
                    ResponseTemplate::new(304)
                } else {
                    ResponseTemplate::new(200).insert_header("ETag", "\"1\"").set_body_json(json!({"Status": "open"}))
                }
            })
            .mount(&server)
            .await;
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Mutex::new(Store::open(dir.path(), Arc::new(SystemClock)).unwrap()));
        {
            let s = store.lock().unwrap();
            let c = s.connection();
            let tx = c.unchecked_transaction().unwrap();
            for i in 1..=10_000 {
                tx.execute("INSERT INTO cases (filer, case_number, subject, status, created_at) VALUES ('rt', ?1, 'bench', 'open', 0)", [i.to_string()]).unwrap();
            }
            tx.commit().unwrap();
        }
        let provider = Rt::new(RtSettings::new(&server.uri(), "General"), "bench-token", Duration::from_secs(30)).unwrap();
        let mut samples = Vec::new();
        let mut requests = 0;
        let mut unchanged = 0.0;
        for i in 0..(WARMUPS + 15) {
            let before = server.received_requests().await.map(|r| r.len()).unwrap_or(0);
            let t = Instant::now();
            let report = polling::sweep(&store, &provider, None, &Default::default()).await.unwrap();
            let took = ms(t.elapsed());
            let after = server.received_requests().await.map(|r| r.len()).unwrap_or(0);
            if i >= WARMUPS {
                samples.push(took);
                requests = after - before;
                unchanged = (report.checked - report.changes.len()) as f64 / report.checked as f64 * 100.0;
            }
        }
        let ours = stats(samples);
        // The naive sweep: one conditional GET per case, 8 at a time.
        let client = reqwest::Client::new();
        let mut naive = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let sem = Arc::new(tokio::sync::Semaphore::new(8));
            let mut tasks = Vec::new();
            for id in 1..=10_000 {
                let (c, u, permit) = (client.clone(), format!("{}/REST/2.0/ticket/{id}", server.uri()), sem.clone().acquire_owned().await.unwrap());
                tasks.push(tokio::spawn(async move {
                    let r = c.get(u).header("If-None-Match", "\"1\"").send().await.map(|r| r.status().as_u16());
                    drop(permit);
                    r
                }));
            }
            for t in tasks {
                t.await.unwrap().unwrap();
            }
            naive.push(ms(t.elapsed()));
        }
        let naive = stats(naive);
        let per100 = requests as f64 / 100.0;
        rows.push(Row {
            figure: "poll sweep: 10,000 open cases, loopback server answering like RT REST2 (TicketSQL search)".into(),
            value: format!("median {:.0} ms ({:.0}–{:.0}, n={}); {requests} requests; {unchanged:.0} % unchanged when idle", ours.p50, ours.min, ours.max, ours.n),
            baseline: format!("naive: one GET per case (If-None-Match → 304), 8 at a time: median {:.0} ms ({:.0}–{:.0}, n=3)", naive.p50, naive.min, naive.max),
            ratio: format!("{:.2}× the naive time; {per100:.2} requests per 100 cases", ours.p50 / naive.p50),
            target: "≤ 2 s; ≤ 1 request / 100 cases; ≥ 95 % unchanged".into(),
            met: Some(ours.p50 <= 2000.0 && per100 <= 1.0 && unchanged >= 95.0),
        });
    });
}
