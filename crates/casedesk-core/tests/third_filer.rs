//! A third filer added the way a new one is meant to be (issue 19): its module (here, the
//! `memory_desk` module below) and one line in the registry's list (here, the list handed to
//! `registry::FilerList`, beside the real `registry::FILERS`). It brings its word, its settings
//! slice, its settings form and its checks; the settings form the page draws, the checks a save runs,
//! the case page's link and the case rows all come through the registry, and no other file knows it.

use casedesk_core::case_view::case_detail;
use casedesk_core::filer::{cj_web, Registration, Submission};
use casedesk_core::preferences::Preferences;
use casedesk_core::registry::{FilerList, FILERS};
use casedesk_core::rt;
use casedesk_core::secrets::{MemorySecrets, Secrets};
use casedesk_core::submit::record_case_number;
use casedesk_core::{FixedClock, Store};
use std::sync::Arc;

/// The whole of the new filer: a helpdesk that numbers cases itself, its settings and its form.
mod memory_desk {
    use casedesk_core::filer::{Filer, FilerKind, Registration, Submission};
    use casedesk_core::remote::{BoxFuture, RemoteError};
    use casedesk_core::secrets::Secrets;
    use casedesk_core::settings_form::{Input, InputKind, SettingsForm};
    use casedesk_core::slice::{self, Slice};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    pub const KIND: FilerKind = FilerKind::named("memory-desk");
    const KEY: &str = "memory-desk";
    const VERSION: u32 = 1;
    const KEY_SECRET: &str = "memory-desk-key";

    #[derive(Default, serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct Settings {
        pub desk_url: String,
    }

    pub struct Desk {
        url: String,
        secrets: Arc<dyn Secrets>,
        next: AtomicU32,
    }

    impl Filer for Desk {
        fn kind(&self) -> FilerKind {
            KIND
        }
        fn submits(&self) -> bool {
            true
        }
        fn case_url(&self, number: &str) -> Option<String> {
            Some(format!("{}/cases/{number}", self.url))
        }
        fn submit<'a>(&'a self, _: &'a Submission) -> BoxFuture<'a, Result<String, RemoteError>> {
            Box::pin(async move {
                match self.secrets.get(KEY_SECRET) {
                    Ok(Some(key)) if key == "desk-key-1" => Ok(format!(
                        "D-{}",
                        self.next.fetch_add(1, Ordering::SeqCst) + 1
                    )),
                    _ => Err(RemoteError::Auth(401)),
                }
            })
        }
        fn test_connection(&self) -> BoxFuture<'_, Result<String, RemoteError>> {
            Box::pin(async { Ok("Connected.".to_owned()) })
        }
    }

    fn form() -> SettingsForm {
        SettingsForm {
            kind: KIND.as_str(),
            title: "Memory desk",
            slice: KEY,
            inputs: vec![
                Input {
                    id: "memory_desk_url",
                    label: "Desk address",
                    kind: InputKind::Text { key: "deskUrl" },
                    placeholder: "https://desk.example",
                    max_len: 200,
                },
                Input {
                    id: "memory_desk_key",
                    label: "Desk key",
                    kind: InputKind::Secret { name: KEY_SECRET },
                    placeholder: "",
                    max_len: 100,
                },
            ],
        }
    }

    pub const REGISTRATION: Registration = Registration {
        kind: KIND,
        key: KEY,
        form,
        build: |s, secrets| {
            let settings: Settings = slice::settings_or_default(s, VERSION);
            Ok(Arc::new(Desk {
                url: settings.desk_url,
                secrets: secrets.clone(),
                next: AtomicU32::new(0),
            }))
        },
        check: |s, in_use| {
            let settings: Settings = slice::settings_or_default(s, VERSION);
            if in_use && !settings.desk_url.starts_with("https://") {
                return Err(casedesk_core::Error::field(
                    "memory_desk_url",
                    casedesk_core::Code::UrlInvalid,
                    "Enter the desk's https:// address.",
                ));
            }
            Ok(())
        },
        defaults: |s| Slice::of(VERSION, &slice::settings_or_default::<Settings>(s, VERSION)),
    };

    pub fn settings(url: &str) -> Slice {
        Slice::of(
            VERSION,
            &Settings {
                desk_url: url.into(),
            },
        )
    }
}

/// The registry's list with the new filer's one line.
const WITH_DESK: &[Registration] = &[
    cj_web::REGISTRATION,
    rt::REGISTRATION,
    memory_desk::REGISTRATION,
];

#[test]
fn a_third_filer_is_its_module_and_one_line_in_the_list() {
    assert_eq!(
        WITH_DESK.len(),
        FILERS.len() + 1,
        "the app's list and one more line"
    );
    let list = FilerList(WITH_DESK);

    // Settings draws its form from its description, with its defaults in the preferences.
    let forms = list.forms();
    let desk = forms
        .iter()
        .find(|f| f.kind == "memory-desk")
        .expect("its form is offered");
    let json = serde_json::to_value(desk).unwrap();
    assert_eq!(
        json["inputs"][0]["kind"],
        serde_json::json!({"type": "text", "key": "deskUrl"})
    );
    assert_eq!(
        json["inputs"][1]["kind"],
        serde_json::json!({"type": "secret"})
    );
    assert_eq!(
        list.secret("memory_desk_key"),
        Some(("memory_desk_key", "memory-desk-key"))
    );
    let shown = list.with_defaults(Preferences::default());
    assert!(
        shown.slice("memory-desk").is_some(),
        "its slice is there for the form"
    );

    // Chosen, its own check runs on save and names its own input.
    let mut prefs = Preferences {
        filer: list.kind("memory-desk"),
        ..Default::default()
    };
    assert_eq!(prefs.filer, Some(memory_desk::KIND));
    let e = list.validate(&prefs).unwrap_err();
    assert_eq!(e.field_name(), Some("memory_desk_url"));
    prefs
        .set_slice("memory-desk", memory_desk::settings("https://desk.example"))
        .unwrap();
    list.validate(&prefs).unwrap();

    // Saved and read back through a real store: the word and the slice survive.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_700_000_000_000))).unwrap();
    prefs.save(&store).unwrap();
    let prefs = Preferences::load(&store).unwrap();
    assert_eq!(prefs.filer, Some(memory_desk::KIND));

    // Built with its secret from the store by the name its form gives, it files a case.
    let secrets: Arc<dyn Secrets> =
        Arc::new(MemorySecrets::with(&[("memory-desk-key", "desk-key-1")]));
    let filers = list.filers(&prefs, &secrets);
    assert_eq!(filers.in_use().kind(), memory_desk::KIND);
    let submission = Submission {
        subject: "Totals".into(),
        description: "They differ.".into(),
        cc: vec![],
        reason: None,
        sub_reason: None,
        attachments: vec![],
        client_token: "t-1".into(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let number = rt.block_on(filers.in_use().submit(&submission)).unwrap();
    assert_eq!(number, "D-1");

    // Its case is a row like any other, shown with its filer's link after a reopen.
    let case =
        record_case_number(&store, &filers, None, memory_desk::KIND, &number, "Totals").unwrap();
    drop(store);
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_700_000_000_000))).unwrap();
    let detail = case_detail(&store, case.id, &filers).unwrap();
    assert_eq!(detail.case.filer, memory_desk::KIND);
    assert_eq!(
        detail.url.as_deref(),
        Some("https://desk.example/cases/D-1")
    );

    // Without its line, nothing knows it: the save is refused and the default files.
    let app = FilerList(FILERS);
    assert_eq!(app.kind("memory-desk"), None);
    assert_eq!(
        app.validate(&prefs).unwrap_err().code().as_str(),
        "filer_unknown"
    );
    assert_eq!(app.filers(&prefs, &secrets).in_use().kind(), FILERS[0].kind);
    let without = case_detail(&store, case.id, &app.filers(&prefs, &secrets)).unwrap();
    assert_eq!(
        without.url, None,
        "its case stays, without a link no filer can give"
    );
}
