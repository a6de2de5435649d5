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
