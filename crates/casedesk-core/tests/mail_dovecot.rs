//! The mail source against a real Dovecot on loopback (Debian's `dovecot-imapd`, TLS from a throwaway CA
//! that this process trusts through `SSL_CERT_FILE`; see `tests/dovecot.rs` in the test-helper crate).
//! Mails are placed with IMAP APPEND. Every wait is bounded.

use casedesk_core::follow::{FollowConfig, Followers, StatusSink};
use casedesk_core::remote::RemoteError;
use casedesk_core::source::mail::{self, MailSettings, MailSource, Security};
use casedesk_core::source::StatusSource;
use casedesk_core::store::SharedStore;
use casedesk_core::store::{EventKind, StatusChange};
use casedesk_core::{Store, SystemClock};
use casedesk_e2e::dovecot::{trust_shared_ca, Dovecot, TestCa};
use casedesk_e2e::mails::{self, now_ms};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DAY: i64 = 86_400_000;

fn settings(d: &Dovecot) -> MailSettings {
    MailSettings {
        enabled: true,
        host: "localhost".into(),
        port: d.imaps_port,
        security: Security::Tls,
        user: d.user.clone(),
        ..Default::default()
    }
}

fn store(dir: &std::path::Path) -> SharedStore {
    Arc::new(Mutex::new(Store::open(dir, Arc::new(SystemClock)).unwrap()))
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[derive(Default)]
struct Recorder(Mutex<Vec<(StatusChange, Instant)>>);

impl StatusSink for Recorder {
    fn changed(&self, change: &StatusChange) {
        self.0
            .lock()
            .unwrap()
            .push((change.clone(), Instant::now()));
    }
    fn refreshed(&self) {}
}

impl Recorder {
    fn summaries(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(c, _)| c.notification().0)
            .collect()
    }
    fn wait_for(&self, summary: &str, limit: Duration) -> Instant {
        let deadline = Instant::now() + limit;
        loop {
            if let Some((_, at)) = self
                .0
                .lock()
                .unwrap()
                .iter()
                .find(|(c, _)| c.notification().0 == summary)
            {
                return *at;
            }
            assert!(
                Instant::now() < deadline,
                "no {summary:?} within {limit:?}; seen {:?}",
                self.summaries()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// 480 mails that are none of support's business (some from look-alike and newsletter senders that pass
/// the server's FROM search), and 20 that count: 10 cases, each created and then updated.
fn fill_inbox(d: &Dovecot) {
    let now = now_ms();
    let mut all = Vec::new();
    for i in 0..470 {
        all.push(mails::noise(i, now - 20 * DAY + i as i64 * 60_000));
    }
    for i in 0..10 {
        all.push(mails::spoofed_status(
            &format!("0000{}", 5000 + i),
            "Closed",
            now - 3 * DAY,
        ));
    }
    for i in 0..10 {
        let n = format!("0000{}", 2000 + i);
        all.push(mails::cj_created(
            &n,
            &format!("Payment question number {i}"),
            now - 10 * DAY + i as i64 * 1000,
        ));
        all.push(mails::cj_status(
            &n,
            &format!("Payment question number {i}"),
            "In Progress",
            now - 5 * DAY + i as i64 * 1000,
        ));
    }
    d.admin().append_all("INBOX", &all);
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Dovecot and the openssl CLI, Linux services"
)]
fn first_sync_counts_the_20_of_500_then_reads_only_new_mail_and_never_touches_the_mailbox() {
    let tmp = tempfile::tempdir().unwrap();
    let d = Dovecot::start(&tmp.path().join("dovecot"));
    fill_inbox(&d);
    let before = d.admin().snapshot("INBOX");
    let store = store(&tmp.path().join("data"));
    let source = MailSource::new(settings(&d), d.password.clone()).unwrap();
    let rt = rt();
    let first = rt.block_on(source.sync(&store)).unwrap();
    assert_eq!(
        first.checked, 30,
        "only mails from allowed senders are fetched (20 real, 10 look-alikes)"
    );
    let s = store.lock().unwrap();
    let counts = s.mail_messages().counts().unwrap();
    assert_eq!((counts.counted, counts.ignored), (20, 10), "{counts:?}");
    assert_eq!(s.cases().list(100).unwrap().len(), 10, "ten cases found");
    assert!(s
        .cases()
        .list(100)
        .unwrap()
        .iter()
        .all(|c| c.status.as_deref() == Some("In Progress")));
    assert!(
        first.changes.is_empty() && s.cases().pending_notifications().unwrap().is_empty(),
        "a first sync catches up quietly (no flood of old news): {:?}",
        first.changes
    );
    let c = s.cases().find_number("00002004").unwrap().unwrap();
    let kinds: Vec<EventKind> = s
        .cases()
        .history(c.id)
        .unwrap()
        .iter()
        .map(|h| h.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![EventKind::Status, EventKind::Found, EventKind::Status],
        "the timeline has it all"
    );
    drop(s);
    // Incremental: only the new mail is fetched — and a mail over 2 MB (a status for case 00002005
    // with a large log pasted in) is recorded as skipped, never fetched, so it changes nothing.
    let mut large = mails::cj_status("00002005", "Payment question number 5", "Closed", now_ms());
    let padding =
        "0123456789abcdef log line of a large pasted log, not read by anyone\r\n".repeat(40_000);
    large.extend_from_slice(padding.as_bytes());
    assert!(large.len() > 2 * 1024 * 1024 + 100_000);
    d.append("INBOX", &large);
    d.append(
        "INBOX",
        &mails::cj_status("00002003", "Payment question number 3", "Closed", now_ms()),
    );
    let second = rt.block_on(source.sync(&store)).unwrap();
    assert_eq!(
        second.checked, 1,
        "a later sync reads only new UIDs, and not the one over 2 MB"
    );
    assert_eq!(second.changes.len(), 1);
    assert_eq!(second.changes[0].new_status.as_deref(), Some("Closed"));
    {
        let s = store.lock().unwrap();
        let counts = s.mail_messages().counts().unwrap();
        assert_eq!(
            counts.too_large, 1,
            "the large mail is recorded as skipped: {counts:?}"
        );
        let c5 = s.cases().find_number("00002005").unwrap().unwrap();
        assert_eq!(
            c5.status.as_deref(),
            Some("In Progress"),
            "the status in the skipped mail was not read"
        );
    }
    let third = rt.block_on(source.sync(&store)).unwrap();
    assert_eq!(
        (third.checked, third.changes.len()),
        (0, 0),
        "nothing new, nothing read"
    );
    // The mailbox is exactly as it was (plus the two appended mails): no flag set, nothing moved.
    let after = d.admin().snapshot("INBOX");
    assert_eq!(before.0.len() + 2, after.0.len(), "no mail removed");
    assert_eq!(
        &after.0[..before.0.len()],
        &before.0[..],
        "no flag changed by any sync"
    );
    assert!(
        !after.0.iter().any(|l| l.contains("\\Seen")),
        "nothing marked read"
    );
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Dovecot and the openssl CLI, Linux services"
)]
fn a_changed_uidvalidity_rereads_the_window_without_doubling_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let d = Dovecot::start(&tmp.path().join("dovecot"));
    let now = now_ms();
    let folder_mails = vec![
        mails::cj_created("00003001", "Tracking pixel missing", now - 2 * DAY),
        mails::cj_status("00003001", "Tracking pixel missing", "Escalated", now - DAY),
        mails::cj_reply("00003001", "We found the cause.", now - DAY / 2, "a"),
    ];
    d.admin().append_all("Cases", &folder_mails);
    let mut s = settings(&d);
    s.folders = vec!["INBOX".into(), "Cases".into()];
    let store = store(&tmp.path().join("data"));
    let source = MailSource::new(s, d.password.clone()).unwrap();
    let rt = rt();
    let first = rt.block_on(source.sync(&store)).unwrap();
    assert!(
        first.changes.is_empty(),
        "the first read catches up quietly"
    );
    let validity_before = store
        .lock()
        .unwrap()
        .mail_folders()
        .cursor("mail", "Cases")
        .unwrap()
        .unwrap()
        .uid_validity;
    let mut admin = d.admin();
    admin.recreate("Cases");
    admin.append_all("Cases", &folder_mails);
    // The same mails also sit in INBOX (a filter copied them): read once only.
    admin.append_all("INBOX", &folder_mails);
    let again = rt.block_on(source.sync(&store)).unwrap();
    assert!(
        again.changes.is_empty(),
        "a re-read changes nothing: {:?}",
        again.changes
    );
    let s = store.lock().unwrap();
    let cursor = s.mail_folders().cursor("mail", "Cases").unwrap().unwrap();
    assert_ne!(
        cursor.uid_validity, validity_before,
        "the new UIDVALIDITY is remembered"
    );
    let c = s.cases().find_number("00003001").unwrap().unwrap();
    assert_eq!(
        s.cases().history(c.id).unwrap().len(),
        4,
        "first status, escalated, found, reply: no double"
    );
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Dovecot and the openssl CLI, Linux services"
)]
fn the_loop_reconnects_after_the_server_went_away_and_idle_brings_new_mail_within_5_s() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = Dovecot::start(&tmp.path().join("dovecot"));
    let now = now_ms();
    d.append(
        "INBOX",
        &mails::cj_created("00004000", "An old case from before", now - 30 * DAY),
    );
    let store = store(&tmp.path().join("data"));
    // The user filed a draft in CJ's form and said so; its confirmation is in the look-back window.
    let draft = {
        let s = store.lock().unwrap();
        let d = s.drafts().create().unwrap();
        let input = casedesk_core::draft::DraftInput {
            subject: "Commission report showing incorrect order values".into(),
            ..Default::default()
        };
        s.drafts().save(d.id, &input, false).unwrap();
        casedesk_core::submit::mark_submitted(&s, d.id).unwrap();
        d.id
    };
    d.append(
        "INBOX",
        &mails::cj_created(
            "00003999",
            "Commission report showing incorrect order values",
            now - DAY,
        ),
    );
    let source: Arc<dyn StatusSource> =
        Arc::new(MailSource::new(settings(&d), d.password.clone()).unwrap());
    let sink = Arc::new(Recorder::default());
    let rt = rt();
    let followers = rt.block_on(async { Followers::start(store.clone(), sink.clone(), 1) });
    // A long interval: only IDLE can bring a mail in seconds.
    let config = FollowConfig {
        interval: Duration::from_secs(600),
        backoff_base: Duration::from_millis(500),
        backoff_cap: Duration::from_secs(2),
    };
    followers.replace(vec![source], config);
    sink.wait_for(
        "Case 00003999 recorded from your e-mail",
        Duration::from_secs(20),
    );
    assert_eq!(
        store
            .lock()
            .unwrap()
            .cases()
            .find_number("00003999")
            .unwrap()
            .unwrap()
            .draft_id,
        Some(draft),
        "the catch-up announces the number found for the draft marked submitted"
    );
    assert_eq!(
        sink.summaries().len(),
        1,
        "and nothing else of the old mail: {:?}",
        sink.summaries()
    );
    // New mail is news: a confirmation, then a status, each by IDLE.
    std::thread::sleep(Duration::from_millis(500));
    d.append(
        "INBOX",
        &mails::cj_created("00004001", "Deep link generator returns 404", now_ms()),
    );
    sink.wait_for(
        "Case 00004001 recorded from your e-mail",
        Duration::from_secs(5),
    );
    std::thread::sleep(Duration::from_millis(300));
    let appended = Instant::now();
    d.append(
        "INBOX",
        &mails::cj_status(
            "00004001",
            "Deep link generator returns 404",
            "In Progress",
            now_ms(),
        ),
    );
    let seen = sink.wait_for("Case 00004001: In Progress", Duration::from_secs(5));
    let idle_delay = seen - appended;
    eprintln!("IDLE: new mail → change in {idle_delay:?}");
    assert!(
        idle_delay < Duration::from_secs(5),
        "IDLE delivered it in {idle_delay:?}"
    );

    // The server goes away and comes back: the loop reconnects by itself, nothing lost or doubled.
    d.pause();
    std::thread::sleep(Duration::from_secs(2));
    d.resume();
    d.append(
        "INBOX",
        &mails::cj_reply("00004001", "Fixed in today's release.", now_ms(), "b"),
    );
    followers.check_now();
    sink.wait_for("Case 00004001: new reply", Duration::from_secs(30));
    std::thread::sleep(Duration::from_secs(1));
    let summaries = sink.summaries();
    for s in [
        "Case 00004001 recorded from your e-mail",
        "Case 00004001: In Progress",
        "Case 00004001: new reply",
    ] {
        assert_eq!(
            summaries.iter().filter(|x| x.as_str() == s).count(),
            1,
            "{s} exactly once: {summaries:?}"
        );
    }
    let state = store
        .lock()
        .unwrap()
        .source_states()
        .get(mail::NAME)
        .unwrap();
    assert!(
        state.last_sync_at.is_some() && state.last_error.is_none(),
        "healthy again: {state:?}"
    );
    drop(followers);
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Dovecot and the openssl CLI, Linux services"
)]
fn a_wrong_password_and_an_untrusted_certificate_each_say_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let d = Dovecot::start(&tmp.path().join("dovecot"));
    let rt = rt();
    let store = store(&tmp.path().join("data"));
    let wrong = MailSource::new(settings(&d), "not-the-password".into()).unwrap();
    let e = rt.block_on(wrong.sync(&store)).unwrap_err();
    assert!(matches!(e, RemoteError::LoginRefused(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("refused the login for ana@example.com"),
        "{e}"
    );
    assert!(
        !e.to_string().contains("not-the-password"),
        "the password never appears in an error"
    );
    let shown = store
        .lock()
        .unwrap()
        .source_states()
        .get(mail::NAME)
        .unwrap()
        .last_error
        .unwrap();
    assert!(
        shown.contains("refused the login"),
        "the sync state shows it: {shown}"
    );

    // A server whose certificate comes from an authority this process does not trust.
    let other = TestCa::new(&tmp.path().join("other-ca"), "Somebody Else's CA");
    let stranger = Dovecot::start_with(&tmp.path().join("stranger"), &other);
    trust_shared_ca();
    let s = MailSource::new(settings(&stranger), stranger.password.clone()).unwrap();
    let e = rt.block_on(s.pass(&store)).unwrap_err();
    assert!(matches!(e, RemoteError::Certificate(_)), "{e:?}");
    assert!(
        e.to_string().contains(
            "The certificate of localhost was not issued by an authority this computer trusts"
        ),
        "{e}"
    );
    // The host name must match the certificate too.
    let mut by_ip = settings(&d);
    by_ip.host = "127.0.0.2".into();
    let e = rt.block_on(
        MailSource::new(by_ip, d.password.clone())
            .unwrap()
            .pass(&store),
    );
    assert!(e.is_err());
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Dovecot and the openssl CLI, Linux services"
)]
fn starttls_and_plain_to_this_computer_both_work_and_test_connection_reports_the_last_three() {
    let tmp = tempfile::tempdir().unwrap();
    let d = Dovecot::start(&tmp.path().join("dovecot"));
    let now = now_ms();
    d.admin().append_all(
        "INBOX",
        &[
            mails::cj_created("00006001", "Payout threshold question", now - 3 * DAY),
            mails::noise(1, now - 2 * DAY),
            mails::cj_status("00006001", "Payout threshold question", "Closed", now - DAY),
            mails::cj_reply("00006001", "Anything else?", now - DAY / 2, "c"),
        ],
    );
    let rt = rt();
    let mut s = settings(&d);
    s.security = Security::Starttls;
    s.port = d.imap_port;
    let report = rt
        .block_on(mail::test_connection(
            &s,
            mail::Credential::Password(d.password.clone()),
            now,
        ))
        .unwrap();
    assert_eq!((report.candidates, report.counted), (3, 3), "{report:?}");
    assert!(report.idle, "Dovecot offers IDLE");
    assert!(report.folders.contains(&"INBOX".to_string()));
    let last: Vec<Option<String>> = report.last.iter().map(|r| r.status.clone()).collect();
    assert_eq!(
        last,
        vec![None, Some("Closed".into()), Some("New".into())],
        "newest first: reply, Closed, created"
    );
    assert!(
        report.summary.starts_with("Connected. 3 of 3 mails"),
        "{}",
        report.summary
    );
    s.folders = vec!["INBOX".into(), "Nope".into()];
    let report = rt
        .block_on(mail::test_connection(
            &s,
            mail::Credential::Password(d.password.clone()),
            now,
        ))
        .unwrap();
    assert_eq!(report.missing_folders, vec!["Nope".to_string()]);
    // Plain is allowed to this computer only.
    s.security = Security::Plain;
    s.folders = vec!["INBOX".into()];
    let store = store(&tmp.path().join("data"));
    let plain = MailSource::new(s.clone(), d.password.clone()).unwrap();
    rt.block_on(plain.sync(&store)).unwrap();
    let st = store.lock().unwrap();
    let c = st.cases().find_number("00006001").unwrap().unwrap();
    assert_eq!(c.status.as_deref(), Some("Closed"));
    assert_eq!(
        st.cases().history(c.id).unwrap().len(),
        4,
        "New, found, Closed, the reply"
    );
    drop(st);
    s.host = "imap.example.com".into();
    assert_eq!(
        MailSource::new(s, d.password.clone()).err().unwrap().code(),
        "mail_plain_not_loopback"
    );
}
