//! Several mailboxes at once (issue 21), against two real Dovecot servers on loopback: the user's own
//! and a team's shared one, each followed by a loop of its own that the registry builds from the
//! preferences, with each account's password in its own place in the secret store.

use casedesk_core::follow::{FollowConfig, Followers, StatusSink};
use casedesk_core::secrets::{MemorySecrets, Secrets};
use casedesk_core::source::mail::{self, MailAccount, MailSettings, Security};
use casedesk_core::store::{EventKind, SharedStore, StatusChange};
use casedesk_core::{Store, SystemClock};
use casedesk_e2e::dovecot::Dovecot;
use casedesk_e2e::mails::{self, now_ms};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn account(id: &str, name: &str, d: &Dovecot) -> MailAccount {
    MailAccount {
        id: id.into(),
        name: name.into(),
        settings: MailSettings {
            enabled: true,
            host: "localhost".into(),
            port: d.imaps_port,
            security: Security::Tls,
            user: d.user.clone(),
            ..Default::default()
        },
    }
}

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl StatusSink for Recorder {
    fn changed(&self, change: &StatusChange) {
        self.0.lock().unwrap().push(change.notification().0);
    }
    fn refreshed(&self) {}
}

impl Recorder {
    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
    fn count(&self, summary: &str) -> usize {
        self.all().iter().filter(|s| s.as_str() == summary).count()
    }
    fn wait_for(&self, summary: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.count(summary) == 0 {
            assert!(
                Instant::now() < deadline,
                "no {summary:?} within {limit:?}; seen {:?}",
                self.all()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Waits (bounded) until `check` holds for the store.
fn wait_until(store: &SharedStore, what: &str, limit: Duration, check: impl Fn(&Store) -> bool) {
    let deadline = Instant::now() + limit;
    loop {
        if check(&store.lock().unwrap()) {
            return;
        }
        if Instant::now() >= deadline {
            let s = store.lock().unwrap();
            let states = (
                s.source_states().get("mail"),
                s.source_states().get("mail:team"),
            );
            panic!("not within {limit:?}: {what}; states {states:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The same mail with its Message-ID taken out (a copy some servers or forwarders leave without one).
fn without_message_id(mail: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8(mail).unwrap();
    let kept: Vec<&str> = text
        .split("\r\n")
        .filter(|l| !l.starts_with("Message-ID:"))
        .collect();
    kept.join("\r\n").into_bytes()
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Dovecot and the openssl CLI, Linux services"
)]
fn two_mailboxes_make_one_timeline_notify_each_change_once_and_fail_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let mut mine = Dovecot::start(&tmp.path().join("mine"));
    let team = Dovecot::start(&tmp.path().join("team"));
    let prefs = crate::support::with_mailboxes(vec![
        account("mail", "Me", &mine),
        account("team", "Team support", &team),
    ]);
    casedesk_core::registry::validate(&prefs).unwrap();
    // Each account's password in its own place; the first keeps the single-account name.
    let keyring: Arc<dyn Secrets> = Arc::new(MemorySecrets::with(&[
        (
            casedesk_core::source::mail::account::MAIL_PASSWORD,
            &mine.password,
        ),
        ("mail-password@team", &team.password),
    ]));
    let store: SharedStore = Arc::new(Mutex::new(
        Store::open(&tmp.path().join("data"), Arc::new(SystemClock)).unwrap(),
    ));
    let sources = casedesk_core::registry::sources(&prefs, &keyring);
    assert_eq!(sources.len(), 2, "a loop per mailbox");
    let sink = Arc::new(Recorder::default());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let followers = rt.block_on(async { Followers::start(store.clone(), sink.clone(), 1) });
    followers.replace(
        sources,
        FollowConfig {
            interval: Duration::from_secs(2),
            backoff_base: Duration::from_millis(300),
            backoff_cap: Duration::from_secs(1),
        },
    );
    let synced =
        |s: &Store, name: &str| s.source_states().get(name).unwrap().last_sync_at.is_some();
    wait_until(&store, "both first passes", Duration::from_secs(20), |s| {
        synced(s, "mail") && synced(s, "mail:team")
    });

    // CJ's confirmation reaches both mailboxes (the user is CC'd on the team's address).
    let subject = "Publisher ID shows wrong payment threshold";
    let created = mails::cj_created("00007001", subject, now_ms());
    mine.append("INBOX", &created);
    team.append("INBOX", &created);
    sink.wait_for(
        "Case 00007001 recorded from your e-mail",
        Duration::from_secs(20),
    );
    // A status, in both, from copies without a Message-ID: the same status at the same time.
    let status = without_message_id(mails::cj_status(
        "00007001",
        subject,
        "In Progress",
        now_ms(),
    ));
    mine.append("INBOX", &status);
    team.append("INBOX", &status);
    sink.wait_for("Case 00007001: In Progress", Duration::from_secs(20));
    // A reply only the shared mailbox got.
    team.append(
        "INBOX",
        &mails::cj_reply("00007001", "Threshold corrected.", now_ms(), "team"),
    );
    sink.wait_for("Case 00007001: new reply", Duration::from_secs(20));
    // Both loops have had time to read everything twice over.
    followers.check_now();
    std::thread::sleep(Duration::from_secs(3));
    for summary in [
        "Case 00007001 recorded from your e-mail",
        "Case 00007001: In Progress",
        "Case 00007001: new reply",
    ] {
        assert_eq!(sink.count(summary), 1, "{summary} once: {:?}", sink.all());
    }
    {
        let s = store.lock().unwrap();
        assert_eq!(s.cases().list(100).unwrap().len(), 1, "one case");
        let c = s.cases().find_number("00007001").unwrap().unwrap();
        let kinds: Vec<EventKind> = s
            .cases()
            .history(c.id)
            .unwrap()
            .iter()
            .map(|h| h.kind)
            .collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == EventKind::Status).count(),
            2,
            "created and In Progress, each once: {kinds:?}"
        );
        assert_eq!(
            kinds.iter().filter(|k| **k == EventKind::Reply).count(),
            1,
            "the shared mailbox's reply is on the case: {kinds:?}"
        );
    }

    // The user's server stops: the team's keeps bringing news, and the stopped one shows its error.
    mine.pause();
    followers.check_now();
    team.append(
        "INBOX",
        &mails::cj_status("00007001", subject, "Closed", now_ms()),
    );
    sink.wait_for("Case 00007001: Closed", Duration::from_secs(20));
    let stopped = Instant::now();
    wait_until(
        &store,
        "the stopped server's error",
        Duration::from_secs(90),
        |s| s.source_states().get("mail").unwrap().last_error.is_some(),
    );
    eprintln!("stopped server's error after {:?}", stopped.elapsed());
    let state =
        mail::sync_state(&store.lock().unwrap(), &crate::support::mailboxes(&prefs)).unwrap();
    let by_id = |id: &str| state.accounts.iter().find(|a| a.id == id).unwrap().clone();
    assert!(by_id("mail").state.last_error.is_some(), "{state:?}");
    assert_eq!(by_id("team").state.last_error, None, "{state:?}");
    assert_eq!(by_id("team").label, "Team support");
    drop(followers);
    mine.resume();
}

/// Removing an account forgets its place (cursors, sync state) and, in the shell, its secrets; the
/// cases and mails it brought stay.
#[test]
fn a_removed_account_forgets_its_cursors_and_state_and_keeps_what_it_brought() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path(), Arc::new(SystemClock)).unwrap();
    let box_ = |id: &str| MailAccount {
        id: id.into(),
        name: String::new(),
        settings: MailSettings {
            enabled: true,
            host: "imap.example.com".into(),
            user: format!("{id}@example.com"),
            ..Default::default()
        },
    };
    let both = crate::support::with_mailboxes(vec![box_("mail"), box_("team")]);
    assert!(casedesk_core::registry::save(&both, &store)
        .unwrap()
        .is_empty());
    store
        .mail_folders()
        .advance("mail", "INBOX", 1, 10)
        .unwrap();
    store
        .mail_folders()
        .advance("team", "INBOX", 2, 20)
        .unwrap();
    store.source_states().synced("mail:team", None).unwrap();
    store
        .mail_messages()
        .record(
            "<x@cj.com>",
            casedesk_core::store::MailOutcome::Counted,
            "",
            None,
            None,
        )
        .unwrap();
    let one = crate::support::with_mailboxes(vec![box_("mail")]);
    let removed = casedesk_core::registry::save(&one, &store).unwrap();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].id, "team");
    assert!(store
        .mail_folders()
        .cursor("team", "INBOX")
        .unwrap()
        .is_none());
    assert_eq!(
        store
            .mail_folders()
            .cursor("mail", "INBOX")
            .unwrap()
            .map(|c| c.last_uid),
        Some(10),
        "the other account reads on where it was"
    );
    assert_eq!(
        store.source_states().get("mail:team").unwrap().last_sync_at,
        None
    );
    assert_eq!(
        store.mail_messages().counts().unwrap().counted,
        1,
        "what it brought stays"
    );
    let keyring: Arc<dyn Secrets> = Arc::new(MemorySecrets::with(&[
        ("mail-password@team", "t"),
        ("mail-oauth-refresh@team", "r"),
        (casedesk_core::source::mail::account::MAIL_PASSWORD, "m"),
    ]));
    removed[0].forget_secrets(&keyring).unwrap();
    assert_eq!(keyring.get("mail-password@team").unwrap(), None);
    assert_eq!(keyring.get("mail-oauth-refresh@team").unwrap(), None);
    assert_eq!(
        keyring
            .get(casedesk_core::source::mail::account::MAIL_PASSWORD)
            .unwrap(),
        Some("m".into())
    );
    // Changing one account's server rereads that account only.
    let mut moved = one.clone();
    let mut boxes = crate::support::mailboxes(&one);
    boxes[0].settings.host = "imap2.example.com".into();
    crate::support::set_mailboxes(&mut moved, boxes);
    casedesk_core::registry::save(&moved, &store).unwrap();
    assert!(store
        .mail_folders()
        .cursor("mail", "INBOX")
        .unwrap()
        .is_none());
}
