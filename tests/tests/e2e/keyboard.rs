//! The whole path without a mouse: keys only (W3C key actions on whatever has the focus; the test
//! never clicks and never chooses an element to type into). Focus is checked at every step, and never
//! falls back to `<body>` after a dialog closes.

use super::*;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const SPACE: &str = "\u{E00D}";
const ESCAPE: &str = "\u{E00C}";
const SHIFT: &str = "\u{E008}";
const CONTROL: &str = "\u{E009}";
const DELETE: &str = "\u{E017}";

/// Tabs forward (or back) until `target` has the focus, at most `max` presses; fails with the path.
fn tab_to(app: &App, target: &str, back: bool, max: usize) {
    let mut seen = vec![app.focused()];
    for _ in 0..max {
        if seen.last().map(String::as_str) == Some(target) {
            return;
        }
        if back {
            app.press(&[SHIFT, TAB]);
        } else {
            app.press(&[TAB]);
        }
        seen.push(app.focused());
    }
    assert_eq!(
        seen.last().map(String::as_str),
        Some(target),
        "{target} not reached by {} within {max}: {seen:?}",
        if back { "Shift+Tab" } else { "Tab" }
    );
}

fn focus_is(app: &App, target: &str) {
    app.wait_until(&format!("focus on {target}"), Duration::from_secs(5), |a| {
        a.focused() == target
    });
}

fn not_lost(app: &App, after: &str) {
    let f = app.focused();
    assert!(
        f != "body" && f != "none",
        "focus lost to {f} after {after}"
    );
}

#[test]
fn the_whole_path_by_keyboard_alone() {
    let desktop = Desktop::start();
    let app = desktop.launch(&desktop.dir.path().join("data"));

    // New draft (Ctrl+N): the subject has the focus.
    app.press(&[CONTROL, "n"]);
    focus_is(&app, "subject");
    app.type_keys("Commission report showing incorrect order values");
    tab_to(&app, "description", false, 6);
    app.type_keys("I was trying to reconcile October. Steps: opened Reports, chose October. The totals show the wrong values. Firefox 128 on Ubuntu 24.04.");
    tab_to(&app, "case-reason", false, 12);
    app.type_keys("Data Transfer");
    app.wait_until("the reason picked", Duration::from_secs(5), |a| {
        a.exec("const s = document.querySelector('[data-testid=case-reason]'); return s.options[s.selectedIndex].textContent", json!([])) == json!("Data Transfer")
    });
    tab_to(&app, "sub-reason", false, 4);
    app.type_keys("Data Transfer General");
    app.wait_until("the sub reason picked", Duration::from_secs(5), |a| {
        a.exec("const s = document.querySelector('[data-testid=sub-reason]'); return s.selectedIndex > 0 ? s.options[s.selectedIndex].textContent : ''", json!([])) == json!("Data Transfer General")
    });
    tab_to(&app, "cc", false, 6);
    app.type_keys("ana@example.com");
    app.press(&[CONTROL, "s"]);
    app.wait_until("ready and saved", Duration::from_secs(10), |a| {
        a.attr(&a.tid("readiness"), "data-ready").as_deref() == Some("true")
            && a.attr(&a.tid("save-state"), "data-state").as_deref() == Some("saved")
    });

    // Settings (the gear, by Shift+Tab): add a reason with Enter, close with Escape.
    tab_to(&app, "settings", true, 40);
    app.press(&[ENTER]);
    app.wait_until("Settings open", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('settings-dialog').open",
            json!([]),
        ) == json!(true)
    });
    not_lost(&app, "opening Settings");
    tab_to(&app, "new-reason", false, 80);
    app.type_keys("Keyboard Reason");
    app.press(&[ENTER]);
    app.wait_until("the reason added", Duration::from_secs(10), |a| {
        a.exec("return [...document.querySelectorAll('#reasons-editor li.reason input')].some(e => e.value === 'Keyboard Reason')", json!([])) == json!(true)
    });
    app.press(&[ESCAPE]);
    app.wait_until("Settings closed", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('settings-dialog').open",
            json!([]),
        ) == json!(false)
    });
    not_lost(&app, "closing Settings");

    // Submit (Tab to it, Enter): the CJ form panel; the number, Enter: the case page.
    tab_to(&app, "submit", false, 40);
    app.press(&[ENTER]);
    app.wait_until("the CJ form assistant", Duration::from_secs(10), |a| {
        count(a, "[data-testid=copy-field]") == 5
    });
    not_lost(&app, "opening Submit");
    tab_to(&app, "case-number", false, 30);
    app.type_keys("01234567");
    app.press(&[ENTER]);
    app.wait_until("the case page", Duration::from_secs(10), |a| {
        text_of(a, "case-status") == "New"
    });
    not_lost(&app, "recording the case");

    // Between drafts and cases: the tabs, with Space.
    tab_to(&app, "nav-drafts", true, 40);
    app.press(&[SPACE]);
    app.wait_until("the drafts view", Duration::from_secs(5), |a| {
        a.exec("return document.body.dataset.view", json!([])) == json!("drafts")
    });
    app.press(&[CONTROL, "n"]);
    focus_is(&app, "subject");
    app.type_keys("Payment for October missing from bank account");
    app.press(&[CONTROL, "s"]);
    app.wait_saved();

    // Delete (the key, outside a text field) and Undo (Tab to it, Enter).
    tab_to(&app, "delete-draft", false, 40);
    app.press(&[DELETE]);
    app.wait_until("the draft leaves the list", Duration::from_secs(5), |a| {
        count(a, "[data-testid=draft-item]") == 0
    });
    not_lost(&app, "deleting");
    tab_to(&app, "undo", false, 60);
    app.press(&[ENTER]);
    app.wait_until("the draft is back", Duration::from_secs(5), |a| {
        count(a, "[data-testid=draft-item]") == 1
    });
    not_lost(&app, "undo");
    shot(&desktop, "50-keyboard-done");
    app.quit();
}
