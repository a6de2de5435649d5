//! A source that needs the user (a withdrawn sign-in) is announced once: not at every pass, not again
//! when the loops are replaced (settings saved), and again only after it worked in between.

use crate::support::run_for;
use crate::support::NewStatuses;
use casedesk_core::follow::{FollowConfig, Followers, StatusSink};
use casedesk_core::remote::{BoxFuture, RemoteError};
use casedesk_core::source::{StatusSource, SyncReport};
use casedesk_core::store::SharedStore;
use casedesk_core::store::StatusChange;
use casedesk_core::{FixedClock, Store};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Answers its scripted results in turn, then keeps answering the last one.
struct Scripted(Mutex<VecDeque<Result<(), RemoteError>>>);

impl StatusSource for Scripted {
    fn name(&self) -> &str {
        "mail"
    }
    fn sync<'a>(&'a self, _: &'a SharedStore) -> BoxFuture<'a, Result<SyncReport, RemoteError>> {
        Box::pin(async move {
            let mut q = self.0.lock().unwrap();
            let r = if q.len() > 1 {
                q.pop_front()
            } else {
                q.front().cloned()
            };
            r.unwrap_or(Ok(())).map(|_| SyncReport::default())
        })
    }
}

#[derive(Default)]
struct Told(Mutex<Vec<String>>);

impl StatusSink for Told {
    fn changed(&self, _: &StatusChange) {}
    fn refreshed(&self) {}
    fn attention(&self, source: &str, message: &str) {
        self.0.lock().unwrap().push(format!("{source}: {message}"));
    }
}

const CONFIG: FollowConfig = FollowConfig {
    interval: Duration::from_secs(60),
    backoff_base: Duration::from_secs(5),
    backoff_cap: Duration::from_secs(300),
};

fn withdrawn() -> Result<(), RemoteError> {
    Err(RemoteError::SignInNeeded(
        "The sign-in was withdrawn.".into(),
    ))
}

#[tokio::test(start_paused = true)]
async fn a_withdrawn_sign_in_is_told_once_until_a_pass_works_again() {
    let dir = tempfile::tempdir().unwrap();
    let store: SharedStore = Arc::new(Mutex::new(
        Store::open(dir.path(), Arc::new(FixedClock::new(1_000))).unwrap(),
    ));
    let told = Arc::new(Told::default());
    let f = Followers::start(store, told.clone(), 7);
    let script = |r: Vec<Result<(), RemoteError>>| -> Vec<Arc<dyn StatusSource>> {
        vec![Arc::new(Scripted(Mutex::new(r.into())))]
    };
    f.replace(script(vec![withdrawn()]), CONFIG);
    run_for(Duration::from_secs(300)).await;
    assert_eq!(told.0.lock().unwrap().len(), 1, "five passes, told once");

    // Settings saved: new loops, same state: not told again.
    f.replace(script(vec![withdrawn()]), CONFIG);
    f.check_now();
    run_for(Duration::from_secs(130)).await;
    assert_eq!(
        told.0.lock().unwrap().len(),
        1,
        "a new loop does not tell again"
    );

    // Other errors are not announced; a pass that works ends the state; a new withdrawal is told.
    f.replace(
        script(vec![
            Err(RemoteError::Unreachable("offline".into())),
            Ok(()),
            withdrawn(),
        ]),
        CONFIG,
    );
    run_for(Duration::from_secs(300)).await;
    let told = told.0.lock().unwrap().clone();
    assert_eq!(told.len(), 2, "{told:?}");
    assert_eq!(told[1], "mail: The sign-in was withdrawn.");
}

/// A start whose stored sync state already says "sign in again" does not say it again: the user was
/// told before the restart.
#[tokio::test(start_paused = true)]
async fn a_withdrawn_sign_in_told_before_a_restart_is_not_told_again() {
    let dir = tempfile::tempdir().unwrap();
    let store: SharedStore = Arc::new(Mutex::new(
        Store::open(dir.path(), Arc::new(FixedClock::new(1_000))).unwrap(),
    ));
    store
        .lock()
        .unwrap()
        .source_states()
        .failed("mail", "mail_sign_in_needed", "The sign-in was withdrawn.")
        .unwrap();
    let told = Arc::new(Told::default());
    let f = Followers::start(store, told.clone(), 7);
    f.replace(
        vec![Arc::new(Scripted(Mutex::new(vec![withdrawn()].into()))) as Arc<dyn StatusSource>],
        CONFIG,
    );
    run_for(Duration::from_secs(200)).await;
    assert!(
        told.0.lock().unwrap().is_empty(),
        "told again after a restart"
    );
}

/// Counts every read; building the sources must make none.
#[derive(Default)]
struct CountingKeyring(std::sync::atomic::AtomicUsize);

impl casedesk_core::secrets::Secrets for CountingKeyring {
    fn get(&self, _: &str) -> casedesk_core::Result<Option<String>> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(Some("secret".into()))
    }
    fn set(&self, _: &str, _: &str) -> casedesk_core::Result<()> {
        Ok(())
    }
    fn delete(&self, _: &str) -> casedesk_core::Result<()> {
        Ok(())
    }
}

/// Settings are applied under the followers' lock: the sources are built without a keyring read
/// (which can wait for an unlock prompt), the secrets are read when a pass uses them.
#[test]
fn building_the_sources_reads_no_secret() {
    let mut prefs = casedesk_core::preferences::Preferences {
        filer: Some(casedesk_core::rt::KIND),
        ..Default::default()
    };
    let rt = casedesk_core::rt::RtSettings::new("https://rt.example.com", "General");
    prefs.set_slice(casedesk_core::rt::KEY, rt.slice()).unwrap();
    let mailbox = |id: &str, user: &str| casedesk_core::source::mail::MailAccount {
        id: id.into(),
        name: String::new(),
        settings: casedesk_core::source::mail::MailSettings {
            enabled: true,
            host: "imap.example.com".into(),
            user: user.into(),
            ..Default::default()
        },
    };
    crate::support::set_mailboxes(
        &mut prefs,
        vec![
            mailbox("mail", "someone@example.com"),
            mailbox("team", "support@example.com"),
        ],
    );
    let keyring = Arc::new(CountingKeyring::default());
    let secrets: Arc<dyn casedesk_core::secrets::Secrets> = keyring.clone();
    let sources = casedesk_core::registry::sources(&prefs, &secrets);
    let names: Vec<&str> = sources.iter().map(|s| s.name()).collect();
    assert_eq!(
        names,
        ["rt", "mail", "mail:team"],
        "RT and each mailbox are followed, each by a loop of its own"
    );
    assert_eq!(keyring.0.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// Stores a status change of case `case`, then fails, at every pass (a mail pass that read one
/// folder and lost the connection in the next).
struct StoresThenFails(i64);

impl StatusSource for StoresThenFails {
    fn name(&self) -> &str {
        "mail"
    }
    fn sync<'a>(
        &'a self,
        store: &'a SharedStore,
    ) -> BoxFuture<'a, Result<SyncReport, RemoteError>> {
        Box::pin(async move {
            let s = store.lock().unwrap();
            let _ = s
                .cases()
                .record_status(
                    self.0,
                    "Closed",
                    None,
                    casedesk_core::source::SourceKind::Mail,
                    true,
                )
                .unwrap();
            drop(s);
            Err(RemoteError::Unreachable("the connection was lost".into()))
        })
    }
}

/// A pass that stored a change and then failed delivers it now, not at the next start; the failed
/// passes after it (backing off) store nothing new and notify nothing again.
#[tokio::test(start_paused = true)]
async fn a_pass_that_fails_part_way_delivers_what_it_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let store: SharedStore = Arc::new(Mutex::new(
        Store::open(dir.path(), Arc::new(FixedClock::new(1_000))).unwrap(),
    ));
    let case = store
        .lock()
        .unwrap()
        .cases()
        .add(
            "cj-web",
            "12345678",
            None,
            "Tracking link broken",
            Some("Open"),
        )
        .unwrap();
    let changes = Arc::new(NewStatuses::default());
    let f = Followers::start(store.clone(), changes.clone(), 7);
    let open_at_start = changes.0.lock().unwrap().len();
    f.replace(vec![Arc::new(StoresThenFails(case.id))], CONFIG);
    run_for(Duration::from_secs(3)).await;
    let after_first = changes.0.lock().unwrap().clone();
    assert_eq!(
        &after_first[open_at_start..],
        ["Closed"],
        "delivered after the failed pass"
    );
    run_for(Duration::from_secs(300)).await;
    assert_eq!(
        changes.0.lock().unwrap().len(),
        after_first.len(),
        "failed passes after it notify nothing again"
    );
    assert!(store
        .lock()
        .unwrap()
        .cases()
        .pending_notifications()
        .unwrap()
        .is_empty());
}
