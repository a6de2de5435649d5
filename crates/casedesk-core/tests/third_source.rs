//! A third status source added the way a new one is meant to be (issue 19): its module (here, the
//! `memory_helpdesk` module below) and one line in the registry's list (here, the list handed to
//! `registry::sources_from`, beside the real `registry::SOURCES`). Its settings are a slice of its own
//! in the preferences (`Preferences::slice`, versioned), saved and read back through the store, and its
//! settings form is a description Settings draws (`registry::source_forms`, as `ui/settings.js` draws
//! the filers'); no other file knows it exists. It then runs in the real follow loop like RT and the mailboxes: a
//! status it reports lands in the case's timeline and is delivered once, and again only when it
//! changes.

use crate::support::run_for;
use crate::support::NewStatuses;
use casedesk_core::follow::{FollowConfig, Followers};
use casedesk_core::preferences::Preferences;
use casedesk_core::registry::{self, Source};
use casedesk_core::secrets::{MemorySecrets, Secrets};
use casedesk_core::slice::Slice;
use casedesk_core::store::SharedStore;
use casedesk_core::{FixedClock, Store};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The whole of the new source: what it reads (a helpdesk kept in memory), its settings slice and its
/// builder. Nothing outside this module names it.
mod memory_helpdesk {
    use super::*;
    use casedesk_core::remote::{BoxFuture, RemoteError};
    use casedesk_core::settings_form::{Input, InputKind, SettingsForm};
    use casedesk_core::source::{SourceKind, StatusSource, SyncReport};
    use casedesk_core::store;

    pub const KEY: &str = "memoryHelpdesk";
    pub const VERSION: u32 = 1;

    /// Its line in a registry's list: its loops, and its settings form (the page draws it from this).
    pub const SOURCE: registry::Source = registry::Source {
        build,
        by_hand: casedesk_core::source::by_hand::Registration {
            form: Some(form),
            shown: Some(shown),
            ..casedesk_core::source::by_hand::Registration::loops_only(KEY)
        },
    };

    /// Its form: one line of text, the name it follows cases under.
    pub fn form() -> SettingsForm {
        SettingsForm {
            kind: KEY,
            title: "Memory helpdesk",
            slice: KEY,
            inputs: vec![Input {
                id: "memory_helpdesk_name",
                label: "Name",
                kind: InputKind::Text { key: "name" },
                placeholder: "memory",
                max_len: 40,
            }],
        }
    }

    /// Its slice as Settings shows it: off, named "memory", until one is kept.
    pub fn shown(kept: Option<&Slice>) -> Option<Slice> {
        kept.is_none().then(|| {
            slice(&Settings {
                enabled: false,
                name: "memory".into(),
            })
        })
    }

    /// The helpdesk's tickets: case number → status.
    pub static TICKETS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct Settings {
        pub enabled: bool,
        pub name: String,
    }

    pub fn slice(settings: &Settings) -> Slice {
        Slice::of(VERSION, settings)
    }

    /// Its line in the registry: on when its slice says so.
    pub fn build(prefs: &Preferences, _: &Arc<dyn Secrets>) -> Vec<Arc<dyn StatusSource>> {
        match prefs.slice(KEY).and_then(|s| s.read::<Settings>(VERSION)) {
            Some(s) if s.enabled => vec![Arc::new(Source { name: s.name })],
            _ => Vec::new(),
        }
    }

    struct Source {
        name: String,
    }

    impl StatusSource for Source {
        fn name(&self) -> &str {
            &self.name
        }

        fn sync<'a>(
            &'a self,
            shared: &'a SharedStore,
        ) -> BoxFuture<'a, Result<SyncReport, RemoteError>> {
            Box::pin(async move {
                let tickets = TICKETS.lock().unwrap().clone();
                let checked = tickets.len();
                let changes = store::on_store(shared, move |s| {
                    let mut changes = Vec::new();
                    for (number, status) in &tickets {
                        if let Some(case) = s.cases().find_number(number)? {
                            let change = s.cases().record_status(
                                case.id,
                                status,
                                None,
                                SourceKind::Poll,
                                false,
                            )?;
                            changes.extend(change);
                        }
                    }
                    Ok(changes)
                })
                .await
                .map_err(|e| RemoteError::Config(e.to_string()))?;
                Ok(SyncReport {
                    changes,
                    checked,
                    refreshed: true,
                })
            })
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_third_source_registered_by_one_line_follows_a_case_and_notifies_each_change_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_765_000_000_000))).unwrap();
    let case = store
        .cases()
        .add("cj-web", "00005555", None, "Report totals", Some("New"))
        .unwrap();

    // Its settings: a slice of its own, saved with the preferences and read back from the store.
    let mut prefs = Preferences::default();
    prefs
        .set_slice(
            memory_helpdesk::KEY,
            memory_helpdesk::slice(&memory_helpdesk::Settings {
                enabled: true,
                name: "memory".into(),
            }),
        )
        .unwrap();
    prefs.save(&store).unwrap();
    let prefs = Preferences::load(&store).unwrap();
    assert_eq!(
        prefs.slice(memory_helpdesk::KEY).map(|s| s.version),
        Some(1)
    );
    let stored = serde_json::to_value(&prefs).unwrap();
    assert_eq!(
        stored["slices"]["memoryHelpdesk"]["settings"]["name"], "memory",
        "kept under its key, its shape unknown to the preferences"
    );

    // The registry's list, plus the one line.
    let secrets: Arc<dyn Secrets> = Arc::new(MemorySecrets::default());
    let list: Vec<Source> = registry::SOURCES
        .iter()
        .copied()
        .chain([memory_helpdesk::SOURCE])
        .collect();
    let sources = registry::sources_from(&list, &prefs, &secrets);
    // Settings draws its form from its description, beside the filers' (the page names none).
    let forms = registry::source_forms_from(&list);
    assert_eq!(
        forms.iter().map(|f| f.kind).collect::<Vec<_>>(),
        [memory_helpdesk::KEY],
        "the only source with a form of its own"
    );
    assert_eq!(
        forms[0].inputs[0].kind,
        casedesk_core::settings_form::InputKind::Text { key: "name" }
    );
    assert!(
        registry::source_forms().is_empty(),
        "without its line, no form"
    );
    let fresh = registry::with_defaults_from(registry::FILERS, &list, Preferences::default());
    assert_eq!(
        serde_json::to_value(&fresh).unwrap()["slices"]["memoryHelpdesk"]["settings"]["name"],
        "memory",
        "a form with nothing kept shows the source's defaults"
    );
    assert_eq!(
        sources.iter().map(|s| s.name()).collect::<Vec<_>>(),
        ["memory"],
        "RT is not in use and no mailbox is set up: only the new source runs"
    );
    assert!(
        registry::sources(&prefs, &secrets).is_empty(),
        "without its line, nothing runs it"
    );

    let shared: SharedStore = Arc::new(Mutex::new(store));
    let notified = Arc::new(NewStatuses::default());
    let followers = Followers::start(shared.clone(), notified.clone(), 7);
    let config = FollowConfig {
        interval: Duration::from_secs(60),
        backoff_base: Duration::from_secs(5),
        backoff_cap: Duration::from_secs(300),
    };
    *memory_helpdesk::TICKETS.lock().unwrap() = vec![("00005555".into(), "In Progress".into())];
    followers.replace(sources, config);
    run_for(Duration::from_secs(200)).await;
    assert_eq!(
        *notified.0.lock().unwrap(),
        ["In Progress"],
        "three passes, one change, one notification"
    );

    *memory_helpdesk::TICKETS.lock().unwrap() = vec![("00005555".into(), "Closed".into())];
    followers.check_now();
    run_for(Duration::from_secs(5)).await;
    assert_eq!(*notified.0.lock().unwrap(), ["In Progress", "Closed"]);
    let history = shared.lock().unwrap().cases().history(case.id).unwrap();
    assert_eq!(
        history
            .iter()
            .filter_map(|h| h.new_status.as_deref())
            .collect::<Vec<_>>(),
        ["New", "In Progress", "Closed"],
        "the timeline has each status once"
    );
}
