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
