//! The real app, driven as a user would: tauri-driver + WebKitWebDriver under Xvfb, a private D-Bus
//! session, and the real GTK file chooser driven by xdotool. Each test has its own display, bus and data.

use casedesk_e2e::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod a11y;
mod capture;
mod cases;
mod cj_accounts;
mod durability;
mod export;
mod keyboard;
mod mail;
mod mail_accounts;
mod oauth;
mod picture_size;
mod pictures;
mod portal;
mod secrets;
mod suggest;

/// Drops files on the window as the OS would: through the test build's `e2e_drop` hook, which grants
/// the paths in the shell and sends the page the same event a real drop does.
fn drop_files(app: &App, paths: &[&Path]) {
    let r = app.post_async(&format!(
        "window.__TAURI_INTERNALS__.invoke('e2e_drop', {{paths: {}}}).then(() => 'dropped')",
        json!(paths)
    ));
    assert_eq!(r, json!("dropped"), "the drop hook answered: {r}");
}

/// Where screenshots go (`E2E_SHOTS`, else target/e2e-shots), so a person can look at them.
fn shot(desktop: &Desktop, name: &str) -> PathBuf {
    let dir = std::env::var_os("E2E_SHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-shots"));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{name}.png"));
    desktop.screenshot(&p);
    p
}

fn new_draft(app: &App) {
    let before = app.find_all("[data-testid=draft-item]").len();
    app.click(&app.tid("new-draft"));
    app.wait_until("a new draft in the list", Duration::from_secs(10), |a| {
        a.find_all("[data-testid=draft-item]").len() == before + 1
    });
}

/// Opens Settings and waits until the dialog is open (its fields are loaded before it opens).
fn open_settings(app: &App) {
    app.click(&app.tid("settings"));
    app.wait_until("the settings dialog", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('settings-dialog').open",
            json!([]),
        ) == json!(true)
    });
}

/// How many elements match, counted in the page: a list re-rendered between a WebDriver find and
/// its answer made `find_all` fail with "stale element reference" (CI, session 14).
fn count(app: &App, css: &str) -> usize {
    app.exec(
        "return document.querySelectorAll(arguments[0]).length",
        json!([css]),
    )
    .as_u64()
    .unwrap_or(0) as usize
}

fn text_of(app: &App, testid: &str) -> String {
    app.exec(
        // "" while the element is not drawn yet, so a wait_until keeps waiting instead of failing.
        &format!("const e = document.querySelector('[data-testid=\"{testid}\"]'); return e ? e.textContent : ''"),
        json!([]),
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

#[test]
fn a_draft_autosaves_and_is_there_after_quitting_and_restarting() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    assert!(
        text_of(&app, "draft-list").contains("No drafts yet"),
        "the empty state explains what to do"
    );
    shot(&desktop, "01-empty-state");
    new_draft(&app);
    app.type_text(
        &app.tid("subject"),
        "Conversion tag not firing on checkout confirmation page",
    );
    app.type_text(&app.tid("description"), "I was trying to track sales.\nSteps: I opened checkout and paid.\nThe tag shows error 403.\nChrome 120 on Windows 11.");
    app.wait_saved();
    assert_eq!(
        text_of(&app, "save-state"),
        "Saved",
        "a visible saved state"
    );
    let typed = app.value(&app.tid("description")).encode_utf16().count();
    assert!(typed > 100);
    assert_eq!(
        app.exec(
            "return document.getElementById('description-count').textContent",
            json!([])
        ),
        json!(format!("{typed} / 32,000")),
        "the length against CJ's limit, as typed"
    );
    let when = app.exec(
        "return document.querySelector('[data-testid=draft-item] time').textContent",
        json!([]),
    );
    assert_eq!(when, json!("just now"));
    shot(&desktop, "02-draft-saved");
    app.quit();

    let app = desktop.launch(&data);
    let items = app.find_all("[data-testid=draft-item]");
    assert_eq!(items.len(), 1, "the draft is still listed after a restart");
    assert!(
        text_of(&app, "draft-list").contains("Conversion tag not firing"),
        "listed by subject"
    );
    assert_eq!(
        app.value(&app.tid("subject")),
        "Conversion tag not firing on checkout confirmation page"
    );
    assert!(
        app.value(&app.tid("description"))
            .ends_with("Chrome 120 on Windows 11."),
        "the last keystrokes were saved"
    );
    let met = app
        .find_all("[data-testid=description-checklist] [data-met=true]")
        .len();
    assert_eq!(
        met, 4,
        "all four checklist items are met by this description"
    );
    app.quit();
}

#[test]
fn subject_hints_flag_generic_subjects_and_cjs_good_example_shows_none() {
    let desktop = Desktop::start();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    new_draft(&app);
    let subject = app.tid("subject");
    app.type_text(&subject, "Help needed");
    app.wait_until("a 'generic' hint", Duration::from_secs(5), |a| {
        count(a, "[data-testid=subject-hints] [data-code=generic]") == 1
    });
    assert!(
        text_of(&app, "subject-hints").contains("Commission report showing incorrect order values"),
        "CJ's good examples are shown"
    );
    shot(&desktop, "03-subject-hint");
    app.clear(&subject);
    app.type_text(&subject, "API authentication error on campaign creation");
    app.wait_until(
        "no hints for CJ's good example",
        Duration::from_secs(5),
        |a| count(a, "[data-testid=subject-hints] [data-code]") == 0,
    );
    app.quit();
}

#[test]
fn a_cc_typo_shows_cc_error_and_readiness_follows_the_fields() {
    let desktop = Desktop::start();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    new_draft(&app);
    let readiness = app.tid("readiness");
    assert_eq!(app.attr(&readiness, "data-ready").as_deref(), Some("false"));
    let submit_disabled = |a: &App| {
        a.exec(
            "return document.getElementById('submit').disabled",
            json!([]),
        ) == json!(true)
    };
    assert!(
        submit_disabled(&app),
        "Submit is off while the draft is not ready"
    );
    app.type_text(&app.tid("cc"), "ana@example.com, bob@example");
    app.wait_until("cc-error", Duration::from_secs(5), |a| {
        text_of(a, "cc-error").contains("bob@example")
    });
    assert_eq!(
        app.attr(&app.tid("cc-error"), "data-code").as_deref(),
        Some("cc_invalid")
    );
    let cc = app.tid("cc");
    app.clear(&cc);
    app.type_text(&cc, "ana@example.com; ANA@example.com");
    app.wait_until("cc-error clears", Duration::from_secs(5), |a| {
        text_of(a, "cc-error").is_empty()
    });

    app.type_text(
        &app.tid("subject"),
        "Commission report showing incorrect order values",
    );
    app.click(&app.find("#insert-template"));
    app.wait_until("the template is inserted", Duration::from_secs(5), |a| {
        a.value(&a.tid("description")).contains("Steps I took:")
    });
    assert_eq!(
        count(&app, "[data-testid=description-checklist] [data-met=false]"),
        4,
        "an untouched template does not tick the checklist"
    );
    app.click(&app.find("#insert-sysinfo"));
    app.wait_until(
        "system info ticks the environment item",
        Duration::from_secs(5),
        |a| {
            count(
                a,
                "[data-testid=description-checklist] [data-code=environment][data-met=true]",
            ) == 1
        },
    );
    assert!(app.value(&app.tid("description")).contains("Architecture:"));
    select_by_text(&app, "case-reason", "Data Transfer");
    app.wait_until("sub reason required", Duration::from_secs(5), |a| {
        count(a, "[data-testid=readiness] [data-code=sub_reason_required]") == 1
    });
    select_by_text(&app, "sub-reason", "Data Transfer General");
    app.wait_until("ready", Duration::from_secs(5), |a| {
        a.attr(&a.tid("readiness"), "data-ready").as_deref() == Some("true")
    });
    assert!(!submit_disabled(&app), "and on once it is");
    app.wait_saved();
    app.wait_until(
        "the list shows the ready badge",
        Duration::from_secs(5),
        |a| count(a, "[data-testid=draft-item][data-ready=true]") == 1,
    );
    shot(&desktop, "04-ready");
    app.quit();
}

fn select_by_text(app: &App, testid: &str, label: &str) {
    let ok = app.exec(
        "const s = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
         const o = [...s.options].find(o => o.textContent === arguments[1]);
         if (!o) return false;
         s.focus(); s.value = o.value; s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
        json!([testid, label]),
    );
    assert_eq!(ok, json!(true), "option {label:?} exists in {testid}");
}

/// Picks `path` in the GTK file chooser that "Add files…" opens, by typing it into the location bar.
fn pick_with_gtk_dialog(desktop: &Desktop, app: &App, path: &Path) {
    pick_in_chooser(desktop, app, "add-files", "Add files to the case", path);
}

/// Clicks the button `testid`, then picks `path` in the GTK file chooser titled `title` that it opens.
fn pick_in_chooser(desktop: &Desktop, app: &App, testid: &str, title: &str, path: &Path) {
    type_in_chooser(desktop, app, (testid, title), "ctrl+l", path);
}

/// Clicks the button `testid`, waits for the GTK chooser titled `title`, focuses its name field with
/// `key` (ctrl+l opens an open dialog's location field; ctrl+a selects a save dialog's name) and types
/// `path` there, then Return.
fn type_in_chooser(
    desktop: &Desktop,
    app: &App,
    (testid, title): (&str, &str),
    key: &str,
    path: &Path,
) {
    let known = desktop.windows(title);
    app.click(&app.tid(testid));
    let win = desktop.wait_new_window(title, &known, Duration::from_secs(15));
    desktop.xdotool(&["windowfocus", "--sync", &win]);
    std::thread::sleep(Duration::from_millis(300));
    desktop.xdotool(&["key", "--window", &win, key]);
    std::thread::sleep(Duration::from_millis(300));
    desktop.xdotool(&["type", "--delay", "20", &path.display().to_string()]);
    std::thread::sleep(Duration::from_millis(300));
    desktop.xdotool(&["key", "Return"]);
    desktop.wait_window_gone(title, Duration::from_secs(10));
}

const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

#[test]
fn files_are_attached_through_the_real_gtk_dialog_and_a_disguised_one_is_refused() {
    let desktop = Desktop::start();
    let files = desktop.dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let png = files.join("checkout-screenshot.png");
    std::fs::write(&png, PNG_1X1).unwrap();
    let disguised = files.join("totally-a-picture.png");
    std::fs::write(&disguised, std::fs::read("/bin/true").unwrap()).unwrap();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    new_draft(&app);

    pick_with_gtk_dialog(&desktop, &app, &png);
    app.wait_until("the picked file is listed", Duration::from_secs(15), |a| {
        count(a, "[data-testid=attachment-item]") == 1
    });
    let item = app.find("[data-testid=attachment-item]");
    assert!(
        text_of(&app, "attachments").contains("checkout-screenshot.png"),
        "the original name is shown"
    );
    assert_eq!(app.attr(&item, "data-kind").as_deref(), Some("png"));
    shot(&desktop, "05-attached");

    pick_with_gtk_dialog(&desktop, &app, &disguised);
    app.wait_until(
        "the disguised file is refused with a reason",
        Duration::from_secs(15),
        |a| {
            count(
                a,
                "[data-testid=attachment-error] [data-code=file_content_unsupported]",
            ) == 1
        },
    );
    assert!(
        text_of(&app, "attachment-error").contains("totally-a-picture.png"),
        "the refusal names the file"
    );
    assert_eq!(
        count(&app, "[data-testid=attachment-item]"),
        1,
        "nothing was added for the disguised file"
    );
    shot(&desktop, "06-refused");

    // The copy lives in the app's data folder: the original can go.
    std::fs::remove_file(&png).unwrap();
    app.quit();
    let app = desktop.launch(&data);
    app.wait_until(
        "the attachment is still listed",
        Duration::from_secs(10),
        |a| count(a, "[data-testid=attachment-item]") == 1,
    );
    app.quit();
}

#[test]
fn delete_moves_a_draft_to_the_trash_and_undo_brings_it_back() {
    let desktop = Desktop::start();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    new_draft(&app);
    app.type_text(
        &app.tid("subject"),
        "Payment for October missing from bank account",
    );
    app.wait_saved();
    app.click(&app.tid("delete-draft"));
    app.wait_until("the draft leaves the list", Duration::from_secs(5), |a| {
        count(a, "[data-testid=draft-item]") == 0
    });
    app.click(&app.tid("undo"));
    app.wait_until("undo restores it", Duration::from_secs(5), |a| {
        count(a, "[data-testid=draft-item]") == 1
    });
    assert_eq!(
        app.value(&app.tid("subject")),
        "Payment for October missing from bank account"
    );
    app.quit();
}

#[test]
fn search_finds_drafts_as_you_type_and_a_close_subject_warns_of_a_duplicate() {
    let desktop = Desktop::start();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    new_draft(&app);
    app.type_text(
        &app.tid("subject"),
        "Commission report showing incorrect order values",
    );
    app.type_text(&app.tid("description"), "The October invoice differs.");
    app.wait_saved();
    new_draft(&app);
    app.type_text(
        &app.tid("subject"),
        "Commission report shows incorrect order values",
    );
    app.wait_until("duplicate warning", Duration::from_secs(5), |a| {
        a.attr(&a.tid("duplicate-warning"), "hidden").is_none()
    });
    assert!(text_of(&app, "duplicate-warning")
        .contains("Commission report showing incorrect order values"));
    app.wait_saved();
    app.type_text(&app.tid("search"), "invo");
    app.wait_until("one search result", Duration::from_secs(5), |a| {
        count(a, "[data-testid=draft-item]") == 1
    });
    assert_eq!(
        count(&app, "[data-testid=draft-list] mark"),
        1,
        "the match is highlighted"
    );
    app.quit();
}

#[test]
fn a_reason_added_in_settings_is_offered_in_the_editor() {
    let desktop = Desktop::start();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    new_draft(&app);
    open_settings(&app);
    app.type_text(&app.find("#new-reason"), "Creative Assets");
    app.click(&app.find("#add-reason"));
    app.wait_until("the reason is in the editor's list", Duration::from_secs(5), |a| {
        a.exec("return [...document.querySelectorAll('[data-testid=case-reason] option')].some(o => o.textContent === 'Creative Assets')", json!([])) == json!(true)
    });
    app.click(&app.find("#new-reason"));
    app.type_text(&app.find("#new-reason"), "creative assets");
    app.click(&app.find("#add-reason"));
    app.wait_until("a duplicate name is refused", Duration::from_secs(5), |a| {
        a.attr(&a.tid("reasons-error"), "data-code").as_deref() == Some("name_taken")
    });
    shot(&desktop, "07-settings");
    app.quit();
}

#[test]
fn closing_the_window_right_after_typing_keeps_the_last_keystrokes() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    new_draft(&app);
    app.type_text(&app.tid("subject"), "Commission report");
    app.wait_saved();
    // Type more and close at once (Ctrl+W), well inside the autosave pause.
    app.type_text_closing(
        &app.tid("subject"),
        " showing incorrect order values\u{E009}w\u{E000}",
    );
    desktop.wait_window_gone("Casedesk", Duration::from_secs(15));
    app.quit();
    let app = desktop.launch(&data);
    assert_eq!(
        app.value(&app.tid("subject")),
        "Commission report showing incorrect order values",
        "the window saved before it closed"
    );
    app.quit();
}

#[test]
fn dropped_files_go_through_the_same_checks() {
    let desktop = Desktop::start();
    let files = desktop.dir.path().join("dropped");
    std::fs::create_dir_all(&files).unwrap();
    let log = files.join("console.txt");
    std::fs::write(&log, "Uncaught TypeError at checkout.js:12\n").unwrap();
    let html = files.join("invoice.pdf");
    std::fs::write(&html, "<!doctype html><p>not a pdf</p>").unwrap();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    new_draft(&app);
    // What an OS drop on the window does (the test build's hook: the shell grants, the page hears).
    drop_files(&app, &[&log, &html]);
    app.wait_until("the text file is attached", Duration::from_secs(10), |a| {
        count(a, "[data-testid=attachment-item][data-kind=txt]") == 1
    });
    app.wait_until(
        "the HTML named .pdf is refused",
        Duration::from_secs(10),
        |a| {
            count(
                a,
                "[data-testid=attachment-error] [data-code=file_kind_mismatch]",
            ) == 1
        },
    );
    assert!(text_of(&app, "attachment-error").contains("invoice.pdf"));
    app.quit();
}

#[test]
fn a_long_drafts_list_comes_a_page_at_a_time_in_a_window_shown_once_drawn() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    // The first start creates the database; 130 drafts are then written straight into it.
    desktop.launch(&data).quit();
    {
        let db = rusqlite::Connection::open(data.join("casedesk.sqlite3")).unwrap();
        let tx = db.unchecked_transaction().unwrap();
        for i in 0..130 {
            tx.execute(
                "INSERT INTO drafts (subject, description, created_at, updated_at) VALUES (?1, '', ?2, ?2)",
                rusqlite::params![format!("Seeded draft {i:03}"), 1_700_000_000_000i64 + i],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let app = desktop.launch(&data);
    // The window, created hidden, is shown by the page once it has drawn its list.
    let shown = std::time::Instant::now();
    while desktop.windows("Casedesk").is_empty() {
        assert!(
            shown.elapsed() < Duration::from_secs(10),
            "the window is shown"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    assert_eq!(
        count(&app, "[data-testid=draft-item]"),
        50,
        "one page of drafts at start"
    );
    let first = app.exec(
        "return document.querySelector('[data-testid=draft-item] .subject').textContent",
        json!([]),
    );
    assert_eq!(first, json!("Seeded draft 129"), "newest first");
    app.click(&app.tid("drafts-more"));
    app.wait_until("the second page", Duration::from_secs(10), |a| {
        count(a, "[data-testid=draft-item]") == 100
    });
    app.click(&app.tid("drafts-more"));
    app.wait_until("the last page", Duration::from_secs(10), |a| {
        count(a, "[data-testid=draft-item]") == 130
    });
    assert_eq!(
        count(&app, "[data-testid=drafts-more]"),
        0,
        "no Show more after the last page"
    );
    let subjects = app.exec(
        "return [...document.querySelectorAll('[data-testid=draft-item] .subject')].map(e => e.textContent)",
        json!([]),
    );
    let subjects: Vec<String> = serde_json::from_value(subjects).unwrap();
    let expected: Vec<String> = (0..130)
        .rev()
        .map(|i| format!("Seeded draft {i:03}"))
        .collect();
    assert_eq!(subjects, expected, "every draft once, newest first");
    assert_eq!(
        app.value(&app.tid("subject")),
        "Seeded draft 129",
        "Show more only shows more: the open draft stays open"
    );
    // Typing in the first draft keeps the whole list that is shown.
    app.type_text(&app.tid("subject"), " edited");
    app.wait_saved();
    assert_eq!(count(&app, "[data-testid=draft-item]"), 130);
    shot(&desktop, "15-paged-list");
    app.quit();
}

#[test]
fn a_second_launch_shows_the_running_window_and_exits() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    app.post_async("window.__TAURI_INTERNALS__.invoke('plugin:window|hide', {label: 'main'})");
    desktop.wait_window_gone("Casedesk", Duration::from_secs(10));
    let started = std::time::Instant::now();
    let mut second = std::process::Command::new(app_binary())
        .envs(desktop.env())
        .env("CASEDESK_DATA_DIR", &data)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(s) = second.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the second launch must exit, not open a second window"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "the second launch exits cleanly: {status}"
    );
    desktop.wait_new_window("Casedesk", &[], Duration::from_secs(10));
    app.quit();
}

#[test]
fn the_page_gets_exactly_what_it_needs_and_nothing_else() {
    let desktop = Desktop::start();
    let ssh = desktop.dir.path().join("home/.ssh");
    std::fs::create_dir_all(&ssh).unwrap();
    let key = ssh.join("id_rsa.txt");
    std::fs::write(
        &key,
        "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n",
    )
    .unwrap();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    // The page's script runs without JavaScriptCore's JIT (no writable-and-executable memory where
    // support desks' text is rendered): the web process got the switch from the app.
    let pages = launch_environs(&data, "WebKitWebProces");
    assert!(!pages.is_empty(), "the app's web process is found");
    assert!(
        pages
            .iter()
            .all(|env| env.iter().any(|kv| kv == "JSC_useJIT=false")),
        "every web process of the app runs without the JIT"
    );
    new_draft(&app);
    let id = app
        .exec(
            "return Number(document.querySelector('[data-testid=draft-item]').dataset.id)",
            json!([]),
        )
        .as_i64()
        .unwrap();
    // A compromised page naming a file it was never given: refused, nothing attached.
    let r = app.post_async(&format!(
        "window.__TAURI_INTERNALS__.invoke('attach_paths', {{draftId: {id}, paths: [{}]}}).then(() => 'attached', e => JSON.stringify(e))",
        json!(key)
    ));
    assert!(
        r.as_str().unwrap_or("").contains("path_not_granted"),
        "a path that was not dropped is refused: {r}"
    );
    assert_eq!(count(&app, "[data-testid=attachment-item]"), 0);
    // Emitting or listening to Tauri events (a fake drop among them), destroying the window, and plugin
    // commands are not granted.
    for call in [
        "window.__TAURI_INTERNALS__.invoke('plugin:event|emit', {event: 'tauri://drag-drop', payload: {paths: ['/etc/passwd'], position: {x: 0, y: 0}}})",
        "window.__TAURI_INTERNALS__.invoke('plugin:event|listen', {event: 'tauri://drag-drop', target: {kind: 'Any'}, handler: 0})",
        "window.__TAURI_INTERNALS__.invoke('plugin:window|destroy', {label: 'main'})",
        "window.__TAURI_INTERNALS__.invoke('plugin:tray|new', {options: {}})",
        "window.__TAURI_INTERNALS__.invoke('plugin:app|version')",
        "window.__TAURI_INTERNALS__.invoke('plugin:autostart|enable')",
    ] {
        let r = app.post_async(&format!("{call}.then(() => 'allowed', e => 'refused: ' + String(e))"));
        assert!(
            r.as_str().is_some_and(|t| t.starts_with("refused") && t.contains("not allowed")),
            "{call} must be refused by the ACL: {r}"
        );
    }
    // The CSP blocks inline script and script from anywhere else (nothing even connects).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    app.exec(
        "const a = document.createElement('script'); a.textContent = 'window.__inlineRan = true;'; document.body.append(a);
         const b = document.createElement('script'); b.src = 'http://127.0.0.1:' + arguments[0] + '/x.js'; document.body.append(b);",
        json!([port]),
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        app.exec("return window.__inlineRan === true", json!([])),
        json!(false),
        "an inline script must not run"
    );
    assert!(
        listener.accept().is_err(),
        "a remote script must not even be requested"
    );
    app.quit();
}
