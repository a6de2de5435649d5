//! The mail source's figures against a real Dovecot on loopback (TLS from a throwaway CA):
//!
//! - first sync of a 10,000-mail INBOX of which 500 count, next to a plain IMAP client (async-imap over
//!   the same TLS) that logs in, searches the same way and fetches the same 500 mails' headers;
//! - new mail → the UI's event with IDLE, next to a plain IDLE client seeing the same APPEND.

use casedesk_core::follow::{FollowConfig, Followers, StatusSink};
use casedesk_core::source::mail::{imap, MailSettings, MailSource};
use casedesk_core::source::StatusSource;
use casedesk_core::store::SharedStore;
use casedesk_core::store::StatusChange;
use casedesk_core::{Store, SystemClock};
use casedesk_e2e::dovecot::Dovecot;
use casedesk_e2e::mails::{self, now_ms};
use futures_util::StreamExt;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{ms, stats, Row, WARMUPS};

const DAY: i64 = 86_400_000;

fn settings(d: &Dovecot) -> MailSettings {
    MailSettings {
        enabled: true,
        host: "localhost".into(),
        port: d.imaps_port,
        user: d.user.clone(),
        ..Default::default()
    }
}

fn fresh_store() -> (tempfile::TempDir, SharedStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
    (dir, Arc::new(Mutex::new(store)))
}

/// What a plain client does for the same result: log in, search, fetch the headers.
async fn plain_client(s: &MailSettings, password: &str) -> usize {
    let mut session = imap::connect(
        s,
        &imap::Login::Password(password.to_owned()),
        casedesk_core::limits::IMAP_IDLE_TIMEOUT,
    )
    .await
    .unwrap();
    session.examine("INBOX").await.unwrap();
    let query = format!(
        "{} {}",
        imap::since(now_ms() - 90 * DAY),
        imap::from_criteria(&s.sender_list())
    );
    let mut uids: Vec<u32> = session
        .uid_search(&query)
        .await
        .unwrap()
        .into_iter()
        .collect();
    uids.sort_unstable();
    let mut n = 0;
    for chunk in uids.chunks(100) {
        let set = casedesk_core::source::mail::uid_set(chunk);
        let mut stream = session
            .uid_fetch(&set, "(UID RFC822.SIZE BODY.PEEK[HEADER])")
            .await
            .unwrap();
        while let Some(f) = stream.next().await {
            n += usize::from(f.unwrap().header().is_some());
        }
    }
    let _ = session.logout().await;
    n
}

struct Clocked(mpsc::Sender<(String, Instant)>);

impl StatusSink for Clocked {
    fn changed(&self, change: &StatusChange) {
        let _ = self.0.send((change.notification().0, Instant::now()));
    }
    fn refreshed(&self) {}
}

pub fn mail(rows: &mut Vec<Row>) {
    let tmp = tempfile::tempdir().unwrap();
    let d = Dovecot::start(&tmp.path().join("dovecot"));
    let now = now_ms();
    let mut all = Vec::with_capacity(10_000);
    for i in 0..9_500 {
        all.push(mails::noise(i, now - 60 * DAY + i as i64 * 1000));
    }
    for i in 0..250 {
        let n = format!("{:08}", 10_000 + i);
        all.push(mails::cj_created(
            &n,
            &format!("Commission question {i}"),
            now - 30 * DAY + i as i64 * 1000,
        ));
        all.push(mails::cj_status(
            &n,
            &format!("Commission question {i}"),
            "In Progress",
            now - 20 * DAY + i as i64 * 1000,
        ));
    }
    let placed = Instant::now();
    d.admin().append_all("INBOX", &all);
    eprintln!(
        "bench: 10,000 mails appended in {:.1} s",
        placed.elapsed().as_secs_f64()
    );
    let s = settings(&d);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // First sync (a fresh store each run), interleaved with the plain client.
    let runs = 21;
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for i in 0..(WARMUPS.min(2) + runs) {
        let (_dir, store) = fresh_store();
        let source = MailSource::new(s.clone(), d.password.clone()).unwrap();
        let t = Instant::now();
        let report = rt.block_on(source.sync(&store)).unwrap();
        let took = ms(t.elapsed());
        assert_eq!(
            report.checked, 500,
            "the first sync reads the 500 mails from support"
        );
        let counted = store
            .lock()
            .unwrap()
            .mail_messages()
            .counts()
            .unwrap()
            .counted;
        assert_eq!(counted, 500);
        let t = Instant::now();
        let n = rt.block_on(plain_client(&s, &d.password));
        let base = ms(t.elapsed());
        assert_eq!(n, 500);
        if i >= WARMUPS.min(2) {
            ours.push(took);
            plain.push(base);
        }
    }
    let (o, p) = (stats(ours), stats(plain));
    rows.push(Row {
        figure: "mail first sync, 10,000 mails (500 from support), Dovecot over TLS".into(),
        value: format!(
            "median {:.0} ms ({:.0}–{:.0}, n={}): 500 read, 250 cases stored",
            o.p50, o.min, o.max, o.n
        ),
        baseline: format!(
            "plain IMAP client, same search, the 500 headers: median {:.0} ms ({:.0}–{:.0})",
            p.p50, p.min, p.max
        ),
        ratio: format!("{:.2}×", o.p50 / p.p50),
        target: "≤ 1.5×".into(),
        met: Some(o.p50 / p.p50 <= 1.5),
    });

    // New mail → event with IDLE, and a plain IDLE client's view of the same APPEND.
    let (_dir, store) = fresh_store();
    let (tx, rx) = mpsc::channel();
    let source: Arc<dyn StatusSource> =
        Arc::new(MailSource::new(s.clone(), d.password.clone()).unwrap());
    let followers =
        rt.block_on(async { Followers::start(store.clone(), Arc::new(Clocked(tx)), 7) });
    followers.replace(
        vec![source],
        FollowConfig {
            interval: Duration::from_secs(600),
            ..FollowConfig::default()
        },
    );
    // Wait for the catch-up pass to end (the first sync above took a few seconds).
    let deadline = Instant::now() + Duration::from_secs(120);
    while store
        .lock()
        .unwrap()
        .source_states()
        .get("mail")
        .unwrap()
        .last_sync_at
        .is_none()
    {
        assert!(Instant::now() < deadline, "the catch-up pass did not end");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (btx, brx) = mpsc::channel::<Instant>();
    let (bstop_tx, bstop_rx) = mpsc::channel::<()>();
    let watcher = {
        let s = s.clone();
        let password = d.password.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let mut session = imap::connect(
                    &s,
                    &imap::Login::Password(password.clone()),
                    casedesk_core::limits::IMAP_IDLE_TIMEOUT,
                )
                .await
                .unwrap();
                loop {
                    session.examine("INBOX").await.unwrap();
                    let mut idle = session.idle();
                    idle.init().await.unwrap();
                    let (wait, _stop) = idle.wait_with_timeout(Duration::from_secs(1));
                    let r = wait.await;
                    if matches!(
                        r,
                        Ok(async_imap::extensions::idle::IdleResponse::NewData(_))
                    ) {
                        let _ = btx.send(Instant::now());
                    }
                    session = idle.done().await.unwrap();
                    if bstop_rx.try_recv().is_ok() {
                        break;
                    }
                }
            });
        })
    };
    std::thread::sleep(Duration::from_secs(2));
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    for i in 0..(WARMUPS + 15) {
        let n = format!("{:08}", 20_000 + i);
        while rx.try_recv().is_ok() {}
        while brx.try_recv().is_ok() {}
        let mail = mails::cj_created(&n, "A new case by IDLE", now_ms());
        let t = Instant::now();
        d.append("INBOX", &mail);
        let want = format!("Case {n} recorded from your e-mail");
        let seen = loop {
            let (summary, at) = rx
                .recv_timeout(Duration::from_secs(30))
                .expect("the change arrives");
            if summary == want {
                break at;
            }
        };
        let base = brx.recv_timeout(Duration::from_secs(10)).unwrap_or(seen);
        if i >= WARMUPS {
            ours.push(ms(seen - t));
            plain.push(ms(base.saturating_duration_since(t)));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let _ = bstop_tx.send(());
    let _ = watcher.join();
    drop(followers);
    let (o, p) = (stats(ours), stats(plain));
    rows.push(Row {
        figure: "new mail → UI event, IDLE".into(),
        value: format!(
            "median {:.0} ms, p99 {:.0} ms ({:.0}–{:.0}, n={})",
            o.p50, o.p99, o.min, o.max, o.n
        ),
        baseline: format!(
            "a plain IDLE client sees the same APPEND: median {:.0} ms",
            p.p50
        ),
        ratio: format!("{:.2}×", o.p50 / p.p50.max(0.1)),
        target: "≤ 1 s".into(),
        met: Some(o.p99 <= 1000.0),
    });
}
