//! Several mailboxes (issue 21): the first sync of two accounts of 10,000 mails each, read at once by
//! their own sources into one store, next to one account of the same 20,000 mails (two real Dovecots
//! over TLS, and a third holding both sets; the same machine, the same run, interleaved).

use casedesk_core::source::mail::{MailAccount, MailSettings, MailSource};
use casedesk_core::source::StatusSource;
use casedesk_core::store::SharedStore;
use casedesk_core::{Store, SystemClock};
use casedesk_e2e::dovecot::Dovecot;
use casedesk_e2e::mails::{self, now_ms};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::{ms, stats, Row};

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

/// 10,000 mails: 9,500 noise and 250 cases (created, then a status), numbers from `first`.
fn mailbox(first: usize, now: i64) -> Vec<Vec<u8>> {
    let mut all = Vec::with_capacity(10_000);
    for i in 0..9_500 {
        all.push(mails::noise(first + i, now - 60 * DAY + i as i64 * 1000));
    }
    for i in 0..250 {
        let n = format!("{:08}", first + i);
        let subject = format!("Commission question {}", first + i);
        all.push(mails::cj_created(
            &n,
            &subject,
            now - 30 * DAY + i as i64 * 1000,
        ));
        all.push(mails::cj_status(
            &n,
            &subject,
            "In Progress",
            now - 20 * DAY + i as i64 * 1000,
        ));
    }
    all
}

fn fresh_store() -> (tempfile::TempDir, SharedStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
    (dir, Arc::new(Mutex::new(store)))
}

fn cases(store: &SharedStore) -> usize {
    store.lock().unwrap().cases().list(1000).unwrap().len()
}

pub fn accounts(rows: &mut Vec<Row>) {
    let tmp = tempfile::tempdir().unwrap();
    let now = now_ms();
    let (a_mails, b_mails) = (mailbox(20_000, now), mailbox(40_000, now));
    let a = Dovecot::start(&tmp.path().join("a"));
    let b = Dovecot::start(&tmp.path().join("b"));
    let both = Dovecot::start(&tmp.path().join("both"));
    let placed = Instant::now();
    a.admin().append_all("INBOX", &a_mails);
    b.admin().append_all("INBOX", &b_mails);
    both.admin().append_all("INBOX", &a_mails);
    both.admin().append_all("INBOX", &b_mails);
    eprintln!(
        "bench: 40,000 mails appended in {:.1} s",
        placed.elapsed().as_secs_f64()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let account = |id: &str, d: &Dovecot| {
        MailSource::for_account(
            MailAccount {
                id: id.into(),
                name: String::new(),
                settings: settings(d),
            },
            casedesk_core::source::mail::Credential::Password(d.password.clone()),
        )
        .unwrap()
    };
    let runs = 7;
    let (mut two, mut one) = (Vec::new(), Vec::new());
    for i in 0..(1 + runs) {
        let (_d1, store) = fresh_store();
        let (sa, sb) = (account("mail", &a), account("team", &b));
        let t = Instant::now();
        let (ra, rb) = rt.block_on(async { tokio::join!(sa.sync(&store), sb.sync(&store)) });
        let took = ms(t.elapsed());
        assert_eq!(ra.unwrap().checked + rb.unwrap().checked, 1000);
        assert_eq!(cases(&store), 500, "both accounts' cases in one store");
        let (_d2, store) = fresh_store();
        let s = account("mail", &both);
        let t = Instant::now();
        let r = rt.block_on(s.sync(&store)).unwrap();
        let base = ms(t.elapsed());
        assert_eq!(r.checked, 1000);
        assert_eq!(cases(&store), 500);
        if i >= 1 {
            two.push(took);
            one.push(base);
        }
    }
    let (t, o) = (stats(two), stats(one));
    rows.push(Row {
        figure: "mail first sync, two accounts of 10,000 mails each (250 cases each), at once"
            .into(),
        value: format!(
            "median {:.0} ms ({:.0}–{:.0}, n={}): 1,000 read, 500 cases",
            t.p50, t.min, t.max, t.n
        ),
        baseline: format!(
            "one account of the same 20,000 mails: median {:.0} ms ({:.0}–{:.0})",
            o.p50, o.min, o.max
        ),
        ratio: format!("{:.2}×", t.p50 / o.p50),
        target: "≤ 1.2×".into(),
        met: Some(t.p50 / o.p50 <= 1.2),
    });
}
