//! The Case Reason suggested in the real app: shown beside the field while no reason is picked, "Use"
//! fills reason and sub reason, and a reason the user picked is never replaced.

use super::*;

fn suggestion(app: &App) -> Option<(String, String)> {
    let v = app.exec(
        "const b = document.querySelector('[data-testid=reason-suggestion]'); return b.hidden ? null : [b.dataset.reason, b.dataset.subReason]",
        json!([]),
    );
    serde_json::from_value(v).unwrap()
}

fn chosen(app: &App, testid: &str) -> String {
    app.exec(
        "const s = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); return s.selectedIndex > 0 ? s.options[s.selectedIndex].textContent : ''",
        json!([testid]),
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

#[test]
fn a_reason_is_suggested_from_the_text_used_with_one_click_and_never_replaces_a_choice() {
    let desktop = Desktop::start();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    new_draft(&app);
    app.type_text(&app.tid("subject"), "Payment for September not received");
    app.type_text(
        &app.tid("description"),
        "My balance was above the threshold but the payout never arrived in my bank.",
    );
    app.wait_until("a suggestion", Duration::from_secs(10), |a| {
        suggestion(a).is_some()
    });
    assert_eq!(
        suggestion(&app),
        Some(("Payments".to_owned(), "Missing Payment".to_owned()))
    );
    assert!(text_of(&app, "reason-suggestion").contains("Suggested: Payments › Missing Payment"));
    shot(&desktop, "suggest-1-shown");
    app.click(&app.tid("apply-suggestion"));
    app.wait_until("the reason filled", Duration::from_secs(5), |a| {
        chosen(a, "case-reason") == "Payments"
    });
    assert_eq!(chosen(&app, "sub-reason"), "Missing Payment");
    assert_eq!(suggestion(&app), None, "nothing left to suggest");
    app.wait_saved();

    // A second draft: the user picks a reason themselves; the suggestion goes and does not come back.
    new_draft(&app);
    app.type_text(
        &app.tid("subject"),
        "Invoice charged twice on our credit card",
    );
    app.wait_until("a suggestion", Duration::from_secs(10), |a| {
        suggestion(a).is_some()
    });
    select_by_text(&app, "case-reason", "Other");
    app.type_text(
        &app.tid("description"),
        "Our card was charged twice for the October invoice.",
    );
    app.wait_saved();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        suggestion(&app),
        None,
        "a picked reason is never second-guessed"
    );
    assert_eq!(chosen(&app, "case-reason"), "Other");
    app.quit();
}

/// Tab out of the focused field of the reason `li` (it commits on change), then wait until the catalogue
/// was saved and drawn again (a new `li`), so the next element found is not a stale one.
fn commit_and_wait_redrawn(app: &App, li: &str) {
    app.exec(
        "document.querySelector(arguments[0]).dataset.before = 'yes'",
        json!([li]),
    );
    app.press(&["\u{E004}"]);
    app.wait_until("the catalogue drawn again", Duration::from_secs(10), |a| {
        a.exec(
            "const e = document.querySelector(arguments[0]); return !!e && e.dataset.before !== 'yes'",
            json!([li]),
        ) == json!(true)
    });
}

#[test]
fn keywords_and_a_template_edited_in_settings_drive_the_suggestion_and_insert_template() {
    let desktop = Desktop::start();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    new_draft(&app);
    open_settings(&app);
    // "Other" comes with keywords of its own; the user adds one at the end.
    let other = r#"#reasons-editor > li.reason:has(input[aria-label="Case reason Other"])"#;
    app.type_text(
        &app.find(&format!("{other} input.keywords")),
        ", zebra crossing",
    );
    commit_and_wait_redrawn(&app, other);
    app.click(&app.find(&format!("{other} details > summary")));
    app.type_text(
        &app.find(&format!("{other} details textarea")),
        "Which zebra crossing:\u{E007}Since when:", // Enter: a new line
    );
    commit_and_wait_redrawn(&app, other);
    app.wait_until("both saved and shown again", Duration::from_secs(10), |a| {
        a.exec(
            "const li = document.querySelector(arguments[0]); return !!li && li.querySelector('input.keywords').value.endsWith('idea, zebra crossing') && li.querySelector('summary').textContent.includes('its own') && li.querySelector('details').open",
            json!([other]),
        ) == json!(true)
    });
    shot(&desktop, "suggest-2-settings-keywords");
    app.click(&app.find("#close-settings"));

    app.type_text(
        &app.tid("subject"),
        "Banner covers the zebra crossing on the map",
    );
    app.wait_until("the edited keywords suggest Other", Duration::from_secs(10), |a| {
        a.exec(
            "const b = document.querySelector('[data-testid=reason-suggestion]'); return b.hidden ? null : b.dataset.reason",
            json!([]),
        ) == json!("Other")
    });
    select_by_text(&app, "case-reason", "Other");
    app.click(&app.find("#insert-template"));
    app.wait_until(
        "the reason's own template inserted",
        Duration::from_secs(10),
        |a| {
            a.value(&a.tid("description"))
                .contains("Which zebra crossing:\nSince when:")
        },
    );
    app.wait_saved();
    app.quit();
}
