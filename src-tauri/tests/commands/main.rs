//! The commands through Tauri's mock runtime: valid arguments, hostile ones, and the error shape.

mod accounts;
mod arguments;
mod checks;
mod filer_forms;
mod mail;
mod sign_in;

use casedesk_lib::{commands, AppState};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};

/// A secret store in memory (the keyring is the end-to-end tests' business).
fn secrets() -> std::sync::Arc<dyn casedesk_core::secrets::Secrets> {
    std::sync::Arc::new(casedesk_core::secrets::MemorySecrets::default())
}

struct Harness {
    _app: App<tauri::test::MockRuntime>,
    webview: WebviewWindow<tauri::test::MockRuntime>,
    _dir: tempfile::TempDir,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(dir.path().join("data"), secrets());
    harness_with(state, dir)
}

/// The mock app around `state`, whose files are in `dir`.
fn harness_with(state: AppState, dir: tempfile::TempDir) -> Harness {
    let app = mock_builder()
        .manage(state)
        .invoke_handler(commands::handler())
        .build(mock_context(noop_assets()))
        .expect("mock app builds");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        _app: app,
        webview,
        _dir: dir,
    }
}

/// One command through the mock IPC of `webview` (any thread: a command's wait can be watched).
fn call_on(
    webview: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            // Tauri's own origin: a custom scheme on Linux and macOS, http on Windows (WebView2).
            url: if cfg!(windows) {
                "http://tauri.localhost"
            } else {
                "tauri://localhost"
            }
            .parse()
            .unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

impl Harness {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        call_on(&self.webview, cmd, args)
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// What a drop on the window does in the shell: these paths may be read by attach and import.
    fn grant(&self, paths: &[&str]) {
        use tauri::Manager;
        let paths: Vec<std::path::PathBuf> = paths.iter().map(std::path::PathBuf::from).collect();
        self._app.state::<AppState>().grant(&paths);
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .expect_err(&format!("{cmd} should fail"))
    }
}

#[test]
fn a_draft_round_trips_through_the_commands() {
    let h = harness();
    let view = h.ok("create_draft", json!({}));
    let id = view["draft"]["id"].as_i64().unwrap();
    assert_eq!(view["check"]["ready"], false);
    let reasons = h.ok("list_reasons", json!({}));
    let other = reasons
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Other")
        .unwrap()["id"]
        .clone();
    let input = json!({"subject": "Commission report showing incorrect order values", "description": "I was trying to reconcile October.", "reasonId": other, "subReasonId": null, "cc": "a@example.com"});
    let out = h.ok("save_draft", json!({"id": id, "input": input}));
    assert_eq!(out["check"]["ready"], true, "{out}");
    assert_eq!(out["saved"]["revision"], 1);
    assert_eq!(
        out["check"]["subjectFindings"],
        json!([]),
        "CJ's good example lints clean"
    );
    let list = h.ok("list_drafts", json!({}));
    assert_eq!(
        list[0]["subject"],
        "Commission report showing incorrect order values"
    );
    assert_eq!(list[0]["ready"], true);
    let hits = h.ok("search_drafts", json!({"query": "reconcile"}));
    assert_eq!(hits[0]["id"], id);
    h.ok("trash_draft", json!({"id": id}));
    assert_eq!(h.ok("list_drafts", json!({})), json!([]));
    let back = h.ok("restore_draft", json!({"id": id}));
    assert_eq!(
        back["draft"]["subject"],
        "Commission report showing incorrect order values"
    );
}

#[test]
fn errors_cross_the_boundary_as_code_message_field() {
    let h = harness();
    let e = h.err("open_draft", json!({"id": 12345}));
    assert_eq!(e["code"], "not_found");
    assert!(e["message"].as_str().unwrap().contains("12345"));
    let view = h.ok("create_draft", json!({}));
    let id = view["draft"]["id"].clone();
    let huge = "x".repeat(1024 * 1024 + 1);
    let e = h.err(
        "save_draft",
        json!({"id": id, "input": {"description": huge}}),
    );
    assert_eq!(
        e,
        json!({"code": "too_large_to_store", "field": "description", "message": e["message"]})
    );
    h.grant(&["/x.png"]);
    let e = h.err(
        "attach_paths",
        json!({"draftId": id, "paths": vec!["/x.png"; 51]}),
    );
    assert_eq!(e["code"], "too_many_files");
    assert_eq!(e["field"], "attachments");
    let e = h.err("search_drafts", json!({"query": "q".repeat(1001)}));
    assert_eq!(e["code"], "query_too_long");
    let e = h.err("add_reason", json!({"name": "  "}));
    assert_eq!(e["field"], "reason");
    let e = h.err("move_reason", json!({"id": 1, "by": 7}));
    assert_eq!(e["code"], "invalid_argument");
}

#[test]
fn malformed_arguments_are_refused_not_panicked_on() {
    let h = harness();
    for (cmd, args) in [
        ("open_draft", json!({})),
        ("open_draft", json!({"id": "one"})),
        ("save_draft", json!({"id": 1})),
        ("save_draft", json!({"id": 1, "input": {"reasonId": "x"}})),
        ("attach_paths", json!({"draftId": 1, "paths": "not a list"})),
        ("trash_draft", json!({"id": 1.5})),
        (
            "list_drafts",
            json!({"after": {"at": "yesterday", "id": 1}}),
        ),
        ("list_drafts", json!({"limit": -1})),
        ("list_cases", json!({"after": {"id": 1}})),
    ] {
        let e = h.err(cmd, args.clone());
        assert!(e.is_string() || e.is_object(), "{cmd} {args}: {e}");
    }
    // The app still works after hostile calls.
    h.ok("create_draft", json!({}));
}

/// A system file with the wrong extension, a relative path, a missing file, a device, a folder —
/// each as this OS spells it.
fn hostile_paths() -> Vec<String> {
    let temp = std::env::temp_dir().display().to_string();
    if cfg!(windows) {
        vec![
            r"C:\windows\win.ini".into(),
            "relative.png".into(),
            r"C:\nonexistent\a.png".into(),
            format!(r"{}\CON.png", temp.trim_end_matches('\\')),
            temp,
        ]
    } else {
        vec![
            "/etc/passwd".into(),
            "relative.png".into(),
            "/nonexistent/a.png".into(),
            "/dev/zero".into(),
            "/tmp".into(),
        ]
    }
}

/// A symbolic link, where this account may make one (Windows needs a privilege or developer mode).
/// `true` only when the OS then reports a link there (Wine 8 answers success and makes none).
fn symlink(target: &std::path::Path, link: &std::path::Path) -> bool {
    #[cfg(unix)]
    let made = std::os::unix::fs::symlink(target, link).is_ok();
    #[cfg(windows)]
    let made = std::os::windows::fs::symlink_file(target, link).is_ok();
    made && std::fs::symlink_metadata(link).is_ok_and(|m| m.file_type().is_symlink())
}

#[test]
fn hostile_paths_are_refused_with_the_reason() {
    let h = harness();
    let id = h.ok("create_draft", json!({}))["draft"]["id"].clone();
    let hostile = hostile_paths();
    // A path nobody dropped on the window is refused before anything reads it.
    let e = h.err(
        "attach_paths",
        json!({"draftId": id, "paths": [hostile[0]]}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("path_not_granted"), Some("attachments"))
    );
    let hostile: Vec<&str> = hostile.iter().map(String::as_str).collect();
    h.grant(&hostile);
    let out = h.ok("attach_paths", json!({"draftId": id, "paths": hostile}));
    let codes: Vec<&str> = out["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["error"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec![
            "file_extension_unsupported",
            "file_path_invalid",
            "file_not_found",
            "file_not_regular",
            "file_is_directory"
        ]
    );
    assert_eq!(out["added"], json!([]));
}

#[test]
fn a_store_that_cannot_open_is_reported_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"file in the way").unwrap();
    let h = harness_with(AppState::open(blocker.join("data"), secrets()), dir);
    let info = h.ok("app_info", json!({}));
    assert!(
        info["storeError"]["code"].is_string(),
        "the UI learns why: {info}"
    );
    let e = h.err("list_drafts", json!({}));
    assert_eq!(e["code"], info["storeError"]["code"]);
}

#[test]
fn template_and_system_info_are_real_text() {
    let h = harness();
    let t = h.ok("description_template", json!({}));
    assert!(t.as_str().unwrap().contains("Steps I took:"));
    // A reason's own template, once set, is the one inserted for it; the others keep the general one.
    let reasons = h.ok("list_reasons", json!({}));
    let (first, second) = (reasons[0]["id"].clone(), reasons[1]["id"].clone());
    h.ok(
        "set_reason_template",
        json!({"id": first, "template": "Tag URL:\nOrder id:\n"}),
    );
    let own = h.ok("description_template", json!({"reasonId": first}));
    assert_eq!(own, json!("Tag URL:\nOrder id:"));
    let general = h.ok("description_template", json!({"reasonId": second}));
    assert!(general.as_str().unwrap().contains("Steps I took:"));
    let e = h.err(
        "set_reason_template",
        json!({"id": first, "template": "x".repeat(8001)}),
    );
    assert_eq!(e["field"], json!("template"));
    // Keywords are stored and listed; an unknown reason is refused.
    h.ok(
        "set_reason_keywords",
        json!({"id": second, "keywords": "epc, payout report"}),
    );
    assert_eq!(
        h.ok("list_reasons", json!({}))[1]["keywords"],
        json!("epc, payout report")
    );
    let e = h.err(
        "set_sub_reason_keywords",
        json!({"id": 99999, "keywords": "x"}),
    );
    assert_eq!(e["code"], json!("not_found"));
    let s = h.ok("system_info", json!({}));
    assert!(s
        .as_str()
        .unwrap()
        .contains(&format!("Architecture: {}", std::env::consts::ARCH)));
}

#[test]
fn a_case_filed_elsewhere_is_added_by_number_and_its_status_set_by_hand() {
    let h = harness();
    let c = h.ok("record_case", json!({"draftId": null, "caseNumber": " #555 ", "subject": "Filed by phone", "filer": "cj-web"}));
    assert_eq!(c["caseNumber"], "555");
    assert_eq!(
        c["status"], "New",
        "cj-web cases start at the first configured status"
    );
    let e = h.err(
        "record_case",
        json!({"draftId": null, "caseNumber": "555", "subject": "", "filer": "cj-web"}),
    );
    assert_eq!(e["code"], "case_number_taken");
    assert_eq!(e["field"], "case_number");
    let e = h.err(
        "record_case",
        json!({"draftId": null, "caseNumber": "1", "filer": "zendesk"}),
    );
    assert_eq!(e["code"], "filer_unknown");
    let id = c["id"].clone();
    let d = h.ok(
        "set_case_status",
        json!({"caseId": id, "status": "In Progress"}),
    );
    assert_eq!(d["case"]["status"], "In Progress");
    assert_eq!(d["history"].as_array().unwrap().len(), 2);
    let e = h.err(
        "set_case_status",
        json!({"caseId": id, "status": "<script>x</script>"}),
    );
    assert_eq!(e["code"], "status_unknown", "only the configured statuses");
    let e = h.err("open_case", json!({"id": 999}));
    assert_eq!(e["code"], "not_found");
}

#[test]
fn settings_are_validated_before_anything_is_stored() {
    let h = harness();
    let mut prefs = h.ok("get_settings", json!({}))["preferences"].clone();
    prefs["pollIntervalSecs"] = json!(5);
    let e = h.err(
        "save_settings",
        json!({"preferences": prefs.clone(), "secrets": null}),
    );
    assert_eq!(e["code"], "poll_interval_invalid");
    assert_eq!(e["field"], "poll_interval");
    prefs["pollIntervalSecs"] = json!(60);
    prefs["filerKind"] = json!("rt");
    prefs["slices"]["rt"]["settings"]["baseUrl"] = json!("javascript:alert(1)");
    let e = h.err(
        "save_settings",
        json!({"preferences": prefs, "secrets": null}),
    );
    assert_eq!(e["code"], "rt_url_invalid");
    let still = h.ok("get_settings", json!({}));
    assert_eq!(
        still["preferences"]["pollIntervalSecs"], 300,
        "a refused save changes nothing"
    );
    assert!(
        still.get("rtToken").is_none() && !still.to_string().contains("token\":\""),
        "no token ever leaves"
    );
}

#[test]
fn lists_page_with_a_cursor_and_cap_the_page_size() {
    let h = harness();
    let ids: Vec<i64> = (0..3)
        .map(|_| {
            h.ok("create_draft", json!({}))["draft"]["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    let first = h.ok("list_drafts", json!({"limit": 2}));
    assert_eq!(first.as_array().unwrap().len(), 2);
    let last = &first[1];
    let after = json!({"at": last["updatedAt"], "id": last["id"]});
    let rest = h.ok("list_drafts", json!({"limit": 2, "after": after}));
    let mut seen: Vec<i64> = first
        .as_array()
        .unwrap()
        .iter()
        .chain(rest.as_array().unwrap())
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    seen.sort();
    assert_eq!(seen, ids, "two pages hold every draft once");
    assert_eq!(h.ok("list_cases", json!({"limit": 5})), json!([]));
    // A huge page is capped, not refused.
    assert_eq!(
        h.ok("list_drafts", json!({"limit": 4_000_000_000u32}))
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn a_store_found_damaged_after_start_is_closed_to_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let state = AppState::open(data.clone(), secrets());
        state
            .verify_store()
            .expect("a sound store passes its check");
        state
            .with_store(|s| {
                for i in 0..200 {
                    let d = s.drafts().create()?;
                    let input = casedesk_core::draft::DraftInput {
                        subject: format!("Draft {i}"),
                        description: "words ".repeat(200),
                        ..Default::default()
                    };
                    s.drafts().save(d.id, &input, false)?;
                }
                Ok(())
            })
            .unwrap();
    }
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(data.join("casedesk.sqlite3"))
            .unwrap();
        f.seek(SeekFrom::Start(4096 * 40)).unwrap();
        f.write_all(&[0xA5; 4096 * 8]).unwrap();
    }
    let state = AppState::open(data, secrets());
    let problem = state.verify_store().expect_err("the damage is found");
    assert_eq!(problem.code, "database_corrupt");
    let h = harness_with(state, dir);
    for (cmd, args) in [
        ("list_drafts", json!({})),
        ("create_draft", json!({})),
        ("save_draft", json!({"id": 1, "input": {"subject": "x"}})),
    ] {
        assert_eq!(h.err(cmd, args)["code"], "database_corrupt", "{cmd}");
    }
    assert_eq!(
        h.ok("app_info", json!({}))["storeError"]["code"],
        "database_corrupt"
    );
}

/// One mailbox's settings as the page sends them.
fn mailbox(id: &str, user: &str) -> serde_json::Value {
    let mut m = serde_json::to_value(casedesk_core::source::mail::MailSettings::default()).unwrap();
    m["id"] = json!(id);
    m["name"] = json!(format!("Box {id}"));
    m["enabled"] = json!(true);
    m["host"] = json!("imap.example.com");
    m["user"] = json!(user);
    m
}

#[test]
fn secrets_go_to_the_secret_store_and_only_whether_one_is_stored_comes_back() {
    let h = harness();
    let mut prefs = h.ok("get_settings", json!({}))["preferences"].clone();
    prefs["slices"]["mail"]["settings"]["accounts"] = json!([
        mailbox("mail", "ana@example.com"),
        mailbox("team", "support@example.com")
    ]);
    let view = h.ok(
        "save_settings",
        json!({"preferences": prefs, "secrets": {"sourceSecrets": {"mail": {"team": "app-password-1234"}}, "formSecrets": {"rt_token": "rt-token-98765"}}}),
    );
    let has = |view: &serde_json::Value, id: &str| {
        view["sources"]["mail"]["accountSecrets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .map(|a| a["hasPassword"] == true)
    };
    assert_eq!(has(&view, "team"), Some(true), "{view}");
    assert_eq!(
        has(&view, "mail"),
        Some(false),
        "each account has its own password"
    );
    assert_eq!(
        view["storedSecrets"],
        json!(["rt_token"]),
        "the filer's form learns its secret is stored"
    );
    assert!(
        !view.to_string().contains("app-password-1234")
            && !view.to_string().contains("rt-token-98765"),
        "no secret comes back"
    );
    // A secret input no filer's form has is refused, naming where it came from, and nothing changes.
    let e = h.err(
        "save_settings",
        json!({"preferences": prefs, "secrets": {"formSecrets": {"not_an_input": "x"}}}),
    );
    assert_eq!(e["code"], "invalid_argument");
    assert_eq!(e["field"], "form_secrets");
    let again = h.ok("get_settings", json!({}));
    assert!(!again.to_string().contains("app-password-1234"));
    assert_eq!(
        again["preferences"]["slices"]["mail"]["settings"]["accounts"][1]["user"],
        "support@example.com"
    );
    let e = h.err(
        "save_settings",
        json!({"preferences": again["preferences"], "secrets": {"sourceSecrets": {"mail": {"mail": "two\nlines"}}}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("secret_invalid"), Some("mail_password"))
    );
    let e = h.err(
        "save_settings",
        json!({"preferences": again["preferences"], "secrets": {"sourceSecrets": {"mail": {"Not An Id": "x"}}}}),
    );
    assert_eq!(e["code"], "mail_account_invalid", "{e}");
    // Secrets for a source that has no settings of its own are refused, naming where they came from.
    let e = h.err(
        "save_settings",
        json!({"preferences": again["preferences"], "secrets": {"sourceSecrets": {"no-such-source": {"a": "x"}}}}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("invalid_argument"), Some("source_secrets"))
    );
    let e = h.err(
        "save_settings",
        json!({"preferences": again["preferences"], "secrets": {"nope": "x"}}),
    );
    // Tauri refuses malformed arguments before the command runs, as a string (api.js gives it the
    // {code, message} shape).
    assert!(
        e.to_string().contains("unknown field `nope`"),
        "unknown secret fields are refused: {e}"
    );
    // Two accounts with one id are refused by field.
    let mut twice = again["preferences"].clone();
    twice["slices"]["mail"]["settings"]["accounts"] = json!([
        mailbox("team", "a@example.com"),
        mailbox("team", "b@example.com")
    ]);
    let e = h.err("save_settings", json!({"preferences": twice}));
    assert_eq!(e["code"], "mail_account_invalid");
    // Removing the team's account removes its password from the secret store.
    let mut one = again["preferences"].clone();
    one["slices"]["mail"]["settings"]["accounts"] = json!([mailbox("mail", "ana@example.com")]);
    let view = h.ok("save_settings", json!({"preferences": one}));
    assert_eq!(has(&view, "team"), None, "{view}");
    use tauri::Manager;
    let state = h._app.state::<AppState>();
    assert_eq!(state.secrets().get("mail-password@team").unwrap(), None);
    let synced = h.ok("follow_state", json!({}))["mail"].clone();
    assert_eq!(synced["accounts"].as_array().unwrap().len(), 1, "{synced}");
    assert_eq!(synced["accounts"][0]["label"], "Box mail");
}

#[test]
fn a_draft_marked_submitted_waits_for_its_number() {
    let h = harness();
    let id = h.ok("create_draft", json!({}))["draft"]["id"]
        .as_i64()
        .unwrap();
    h.ok("mark_submitted", json!({"draftId": id}));
    let list = h.ok("list_drafts", json!({}));
    assert_eq!(list[0]["awaitingNumber"], true, "{list}");
    assert_eq!(
        h.err("mark_submitted", json!({"draftId": 999}))["code"],
        "not_found"
    );
    assert!(
        h.call("mark_submitted", json!({"draftId": "1"})).is_err(),
        "a string id is refused"
    );
    let state = h.ok("follow_state", json!({}))["mail"].clone();
    assert_eq!(state["enabled"], false);
    assert_eq!(state["counts"]["counted"], 0);
}

#[test]
fn a_long_write_does_not_hold_up_the_drafts_or_cases_list() {
    use tauri::Manager;
    let h = harness();
    h.ok("create_draft", json!({}));
    let store = h._app.state::<AppState>().shared_store().unwrap();
    let (held, release) = std::sync::mpsc::channel::<()>();
    let writer = std::thread::spawn(move || {
        let _guard = store.lock().unwrap();
        held.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_secs(3));
    });
    release.recv().unwrap();
    let t = std::time::Instant::now();
    let drafts = h.ok("list_drafts", json!({}));
    let cases = h.ok("list_cases", json!({}));
    assert!(
        t.elapsed() < std::time::Duration::from_secs(1),
        "the lists read beside the writer, not after it ({:?})",
        t.elapsed()
    );
    assert_eq!(drafts.as_array().unwrap().len(), 1);
    assert!(cases.as_array().unwrap().is_empty());
    writer.join().unwrap();
}
