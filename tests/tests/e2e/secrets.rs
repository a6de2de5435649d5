//! Secrets caught in the real app: found live in the description and in a dropped `.txt` log, one
//! marked "not a secret", the rest redacted in the text and in the attachment (the file sent is the
//! redacted copy), kept after a restart, and Submit warns while a finding remains.

use super::cases::fill_ready_draft;
use super::*;

const TOKEN: &str = "q8ZrT1x0VbN3mK7pLs9eW2cY4uH6jD5f";

fn kinds(app: &App) -> Vec<String> {
    let v = app.exec(
        "return [...document.querySelectorAll('[data-testid=secret-item]')].map(e => e.dataset.kind + '/' + e.dataset.field)",
        json!([]),
    );
    let mut out: Vec<String> = serde_json::from_value(v).unwrap();
    out.sort();
    out
}

fn wait_kinds(app: &App, want: &[&str]) {
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    app.wait_until(
        &format!("secret findings {want:?}"),
        Duration::from_secs(10),
        |a| kinds(a) == want,
    );
}

#[test]
fn secrets_are_found_live_redacted_in_text_and_attachment_and_submit_warns_while_one_remains() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    fill_ready_draft(&app, "Commission API returns 401 for our feed job", "");
    assert!(kinds(&app).is_empty(), "a plain draft has no findings");
    assert_eq!(
        app.exec(
            "return document.querySelector('[data-testid=secret-findings]').hidden",
            json!([])
        ),
        json!(true)
    );

    app.type_text(
        &app.tid("description"),
        &format!("\nRequest: curl -H 'Authorization: Bearer {TOKEN}' https://api.example.com/v3\nTest card 4111 1111 1111 1111 from the docs."),
    );
    let log = desktop.dir.path().join("feed-job.txt");
    std::fs::write(&log, "10:00:01 INFO start\n10:00:02 DEBUG connecting as feeds password=Winter2024!x\n10:00:03 ERROR 401\n").unwrap();
    drop_files(&app, &[&log]);
    wait_kinds(
        &app,
        &[
            "bearer_token/description",
            "card_number/description",
            "password/attachment",
        ],
    );
    let panel = text_of(&app, "secret-findings");
    assert!(
        !panel.contains(TOKEN) && !panel.contains("Winter2024"),
        "values never shown: {panel}"
    );
    assert!(
        panel.contains("…D5f") || panel.contains("…jD5f"),
        "a masked preview: {panel}"
    );
    assert!(
        panel.contains("feed-job.txt, line 2"),
        "where it is: {panel}"
    );
    shot(&desktop, "secrets-1-found");

    // Typing on without a new secret: the checks after each pause answer the same findings, and the
    // page is left alone (the rows are not rebuilt).
    app.exec(
        "window.__secretMutations = 0; new MutationObserver((m) => { window.__secretMutations += m.length; }).observe(document.querySelector('[data-testid=secret-findings]'), { subtree: true, childList: true, characterData: true, attributes: true }); return null",
        json!([]),
    );
    app.type_text(&app.tid("description"), " It fails every night.");
    app.wait_until("saved after typing", Duration::from_secs(10), |a| {
        a.attr(&a.tid("save-state"), "data-state").as_deref() == Some("saved")
    });
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        app.exec("return window.__secretMutations", json!([])),
        json!(0),
        "unchanged findings leave the panel untouched"
    );

    // The test card is not a secret: marked, it leaves the list for this draft.
    app.click(
        &app.find("[data-testid=secret-item][data-kind=card_number] [data-testid=not-secret]"),
    );
    wait_kinds(&app, &["bearer_token/description", "password/attachment"]);
    assert!(text_of(&app, "secret-findings").contains("1 marked not a secret"));

    // Submit warns while findings remain; "Review them" goes back to the list, nothing is sent.
    app.click(&app.tid("submit"));
    app.wait_until("the secret warning", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('secret-warning-dialog').open",
            json!([]),
        ) == json!(true)
    });
    assert!(text_of(&app, "submit-secret-warning").contains("2 possible secrets"));
    shot(&desktop, "secrets-2-submit-warning");
    app.click(&app.tid("secret-review"));
    app.wait_until("the warning closed", Duration::from_secs(5), |a| {
        a.exec(
            "return document.getElementById('secret-warning-dialog').open",
            json!([]),
        ) == json!(false)
    });
    assert_eq!(
        app.exec(
            "return document.getElementById('submit-dialog').open",
            json!([])
        ),
        json!(false),
        "reviewing does not go on to the form"
    );

    app.click(&app.tid("redact-all"));
    app.wait_until("no findings left", Duration::from_secs(10), |a| {
        kinds(a).is_empty()
    });
    let desc = app.value(&app.tid("description"));
    assert!(desc.contains("Bearer [REDACTED: bearer token]"), "{desc}");
    assert!(
        desc.contains("4111 1111 1111 1111"),
        "a finding marked not a secret stays"
    );
    assert_eq!(
        app.attr(&app.find("[data-testid=attachment-item]"), "data-redacted")
            .as_deref(),
        Some("true"),
        "the log is now its redacted copy"
    );
    shot(&desktop, "secrets-3-redacted");
    app.wait_saved();
    app.quit();

    // After a restart: the redacted text is what was saved; the attachment's file to send is redacted,
    // the original kept in the data folder only.
    let app = desktop.launch(&data);
    app.wait_until("the draft reopened", Duration::from_secs(10), |a| {
        a.value(&a.tid("description"))
            .contains("[REDACTED: bearer token]")
    });
    assert!(kinds(&app).is_empty());
    let mut redacted = 0;
    let mut original = 0;
    for entry in walk(&data.join("attachments")) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        redacted += usize::from(text.contains("password=[REDACTED: password]"));
        original += usize::from(text.contains("password=Winter2024!x"));
    }
    assert_eq!(
        (redacted, original),
        (1, 1),
        "the redacted copy and the kept original"
    );
    app.quit();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
