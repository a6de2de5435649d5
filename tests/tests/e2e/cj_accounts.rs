//! Several CJ accounts end to end (issue 21): two accounts of different kinds kept in Settings, a new
//! draft for the default one, another picked in the editor (kept across a restart), CJ's form panel
//! naming the account to be logged in as with its id to copy, and the case page naming it.

use super::cases::fill_ready_draft;
use super::*;

fn add_account(app: &App, name: &str, kind: &str, cj_id: &str) {
    app.scroll_to(&app.tid("add-cj-account"));
    app.click(&app.tid("add-cj-account"));
    let last = "[data-testid=cj-account-item]:last-child";
    app.type_text(
        &app.find(&format!("{last} [data-testid=cj-account-name]")),
        name,
    );
    app.type_text(
        &app.find(&format!("{last} [data-testid=cj-account-cid]")),
        cj_id,
    );
    app.exec(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true})); return null",
        json!([format!("{last} [data-testid=cj-account-kind]"), kind]),
    );
}

fn selected_account(app: &App) -> String {
    app.exec(
        "const s = document.querySelector('[data-testid=draft-account]'); return s.options[s.selectedIndex] ? s.options[s.selectedIndex].textContent : ''",
        json!([]),
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

#[test]
fn a_draft_is_for_one_cj_account_and_the_form_panel_names_it() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    assert!(
        app.exec(
            "return document.getElementById('draft-account-row').hidden",
            json!([])
        ) == json!(true),
        "no selector while no CJ account is kept"
    );
    open_settings(&app);
    add_account(&app, "Acme Shoes", "advertiser", "1234567");
    add_account(&app, "Deal Blog", "publisher", "7654321");
    // A CJ id with a letter is refused where it belongs, and nothing typed is lost.
    add_account(&app, "Typo Inc", "advertiser", "12a");
    app.click(&app.tid("save-settings"));
    app.wait_until("the refusal", Duration::from_secs(10), |a| {
        text_of(a, "cj-accounts-error").contains("digits only")
    });
    assert_eq!(count(&app, "[data-testid=cj-account-item]"), 3);
    app.click(
        &app.find("[data-testid=cj-account-item]:last-child [data-testid=cj-account-remove]"),
    );
    app.click(&app.tid("save-settings"));
    app.wait_until("saved", Duration::from_secs(10), |a| {
        text_of(a, "connection-result") == "Saved."
    });
    app.scroll_to(&app.tid("cj-accounts"));
    shot(&desktop, "21-cj-accounts");
    app.click(&app.find("#close-settings"));

    // A new draft is for the default account (the first); the user picks the publisher instead.
    fill_ready_draft(&app, "Deal Blog commissions missing for October", "");
    assert_eq!(
        selected_account(&app),
        "Acme Shoes, advertiser, CID 1234567"
    );
    select_by_text(&app, "draft-account", "Deal Blog, publisher, PID 7654321");
    app.wait_saved();
    app.quit();
    let app = desktop.launch(&data);
    app.click(&app.find("[data-testid=draft-item]"));
    app.wait_until(
        "the draft's account after a restart",
        Duration::from_secs(10),
        |a| selected_account(a) == "Deal Blog, publisher, PID 7654321",
    );

    // CJ's form panel says which account to be logged in as, and copies its PID.
    app.click(&app.tid("submit"));
    app.wait_until("the CJ form assistant", Duration::from_secs(10), |a| {
        count(a, "[data-testid=copy-field]") == 6
    });
    assert_eq!(
        text_of(&app, "filing-for"),
        "You are filing for Deal Blog, publisher, PID 7654321: be logged in to CJ as this account."
    );
    app.click(&app.find("[data-testid=copy-field][data-field=PID]"));
    app.wait_until("the PID on the clipboard", Duration::from_secs(5), |_| {
        desktop.clipboard_text() == "7654321"
    });
    shot(&desktop, "21-cj-form-panel");
    // Filed: the case page names the account.
    app.type_text(&app.tid("case-number"), "00009100");
    app.click(&app.tid("record-case"));
    app.wait_until("the case page", Duration::from_secs(10), |a| {
        text_of(a, "case-account") == "For Deal Blog, publisher, PID 7654321"
    });
    app.quit();
}

fn options(app: &App, testid: &str) -> Vec<String> {
    let v = app.exec(
        "return [...document.querySelector(`[data-testid=\"${arguments[0]}\"]`).options].map(o => o.textContent)",
        json!([testid]),
    );
    serde_json::from_value(v).unwrap_or_default()
}

fn shown_case_numbers(app: &App) -> Vec<String> {
    let v = app.exec(
        "return [...document.querySelectorAll('[data-testid=case-item]')].map(e => e.dataset.caseNumber)",
        json!([]),
    );
    serde_json::from_value(v).unwrap_or_default()
}

/// Files the open draft in CJ's form panel and records `number` for it.
fn record(app: &App, number: &str) {
    app.click(&app.tid("submit"));
    app.wait_until("the CJ form assistant", Duration::from_secs(10), |a| {
        count(a, "[data-testid=copy-field]") >= 5
            && a.exec(
                "return document.querySelector('[data-testid=case-number]').getClientRects().length > 0",
                json!([]),
            ) == json!(true)
    });
    app.type_text(&app.tid("case-number"), number);
    app.click(&app.tid("record-case"));
    app.wait_until("the case page", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('case-title').textContent",
            json!([]),
        )
        .as_str()
        .unwrap_or("")
        .contains(number)
    });
}

#[test]
fn each_account_s_draft_offers_its_kind_s_reasons_and_the_lists_filter_by_account() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    open_settings(&app);
    add_account(&app, "Acme Shoes", "advertiser", "1234567");
    add_account(&app, "Deal Blog", "publisher", "7654321");
    app.click(&app.tid("save-settings"));
    app.wait_until("saved", Duration::from_secs(10), |a| {
        text_of(a, "connection-result") == "Saved."
    });
    // Settings → Case reasons shows one kind's list at a time.
    let names = |a: &App| -> Vec<String> {
        serde_json::from_value(a.exec(
            "return [...document.querySelectorAll('#reasons-editor input[type=text]')].map(i => i.value)",
            json!([]),
        ))
        .unwrap_or_default()
    };
    let has = |a: &App, name: &str| names(a).iter().any(|n| n == name);
    select_by_text(&app, "reasons-kind", "Publishers’ list");
    app.wait_until("the publishers' list", Duration::from_secs(5), |a| {
        has(a, "Missing Payment") && !has(a, "Invoices")
    });
    select_by_text(&app, "reasons-kind", "Advertisers’ list");
    app.wait_until("the advertisers' list", Duration::from_secs(5), |a| {
        has(a, "Invoices") && !has(a, "Missing Payment")
    });
    app.scroll_to(&app.tid("reasons-kind"));
    shot(&desktop, "21-reasons-per-kind");
    app.click(&app.find("#close-settings"));

    // A draft for the advertiser (the default) offers the advertisers' sub reasons.
    new_draft(&app);
    app.type_text(
        &app.tid("subject"),
        "Invoice 2041 charged twice in November",
    );
    app.type_text(
        &app.tid("description"),
        "I was checking our November invoice.\nSteps: opened Billing, chose Invoices.\nInvoice 2041 appears twice.\nFirefox 128 on Ubuntu 24.04.",
    );
    select_by_text(&app, "case-reason", "Payments");
    let subs = options(&app, "sub-reason");
    assert!(subs.contains(&"Invoices".to_owned()), "{subs:?}");
    assert!(!subs.contains(&"Missing Payment".to_owned()), "{subs:?}");
    select_by_text(&app, "sub-reason", "Invoices");
    app.wait_until("ready", Duration::from_secs(10), |a| {
        a.attr(&a.tid("readiness"), "data-ready").as_deref() == Some("true")
    });
    // For the publisher, the choice is kept and marked, and the draft is re-checked against its list.
    select_by_text(&app, "draft-account", "Deal Blog, publisher, PID 7654321");
    app.wait_until("the re-check", Duration::from_secs(10), |a| {
        a.attr(&a.tid("readiness"), "data-ready").as_deref() == Some("false")
            && text_of(a, "sub-reason-error").contains("publishers’ list")
    });
    let subs = options(&app, "sub-reason");
    assert!(
        subs.contains(&"Invoices (not in the publishers’ list)".to_owned()),
        "{subs:?}"
    );
    assert!(subs.contains(&"Missing Payment".to_owned()), "{subs:?}");
    shot(&desktop, "21-reason-of-the-other-list");
    // Back to the advertiser: ready again. Exported, the file names the account.
    select_by_text(&app, "draft-account", "Acme Shoes, advertiser, CID 1234567");
    app.wait_until("ready again", Duration::from_secs(10), |a| {
        a.attr(&a.tid("readiness"), "data-ready").as_deref() == Some("true")
    });
    app.wait_saved();
    app.click(&app.find("#export-draft"));
    let target = desktop.dir.path().join("acme-case.md");
    type_in_chooser(
        &desktop,
        &app,
        ("export-markdown", "Export case"),
        "ctrl+a",
        &target,
    );
    app.wait_until("the file written", Duration::from_secs(10), |_| {
        target.exists()
    });
    let md = std::fs::read_to_string(&target).unwrap();
    assert!(
        md.contains("Acme Shoes, advertiser, CID 1234567"),
        "the export names the account: {md}"
    );
    record(&app, "00009201");

    // A publisher's draft, filed too.
    new_draft(&app);
    select_by_text(&app, "draft-account", "Deal Blog, publisher, PID 7654321");
    app.type_text(
        &app.tid("subject"),
        "Deal Blog payment for October not received in November",
    );
    app.type_text(
        &app.tid("description"),
        "I was expecting the October payment.\nSteps: opened Payments, chose October.\nNo payment shows.\nFirefox 128 on Ubuntu 24.04.",
    );
    select_by_text(&app, "case-reason", "Payments");
    select_by_text(&app, "sub-reason", "Missing Payment");
    app.wait_until("ready", Duration::from_secs(10), |a| {
        a.attr(&a.tid("readiness"), "data-ready").as_deref() == Some("true")
    });
    app.wait_saved();
    record(&app, "00009202");

    // The Cases view filters by account; each case names its account.
    app.click(&app.tid("nav-cases"));
    app.wait_until("both cases", Duration::from_secs(10), |a| {
        shown_case_numbers(a).len() == 2
    });
    select_by_text(&app, "account-filter", "Deal Blog, publisher, PID 7654321");
    app.wait_until("the publisher's case only", Duration::from_secs(10), |a| {
        shown_case_numbers(a) == vec!["00009202".to_owned()]
    });
    assert_eq!(text_of(&app, "case-item-account"), "Deal Blog");
    shot(&desktop, "21-cases-filtered-by-account");
    select_by_text(&app, "account-filter", "No account");
    app.wait_until("no case of no account", Duration::from_secs(10), |a| {
        shown_case_numbers(a).is_empty()
    });
    // Search follows the filter too.
    select_by_text(
        &app,
        "account-filter",
        "Acme Shoes, advertiser, CID 1234567",
    );
    app.type_text(&app.tid("search"), "November");
    app.wait_until("the advertiser's hit only", Duration::from_secs(10), |a| {
        count(a, "[data-testid=search-cases] li") == 1
            && a.exec(
                "return document.querySelector('[data-testid=search-cases]').textContent",
                json!([]),
            )
            .as_str()
            .unwrap_or("")
            .contains("00009201")
    });
    select_by_text(&app, "account-filter", "All accounts");
    app.quit();
}
