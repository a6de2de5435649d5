//! Two mailboxes end to end (issue 21): the user's own and a team's shared one, each a real Dovecot
//! over TLS, each password in the real keyring under its own name. One case mail delivered to both is
//! one case and one notification; removing the team's mailbox takes its password out of the keyring.

use super::cases::wait_notified;
use super::*;
use casedesk_e2e::dovecot::{trust_shared_ca, Dovecot};
use casedesk_e2e::mails::{self, now_ms};

/// Types each (testid, value) into the Case e-mail form.
fn type_fields(app: &App, fields: &[(&str, String)]) {
    for (testid, value) in fields {
        let el = app.tid(testid);
        app.scroll_to(&el);
        app.clear(&el);
        app.type_text(&el, value);
    }
}

fn account_items(app: &App) -> Vec<String> {
    app.exec(
        "return [...document.querySelectorAll('[data-testid=mail-account-item]')].map(e => e.dataset.id + '|' + e.textContent)",
        json!([]),
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_owned())
    .collect()
}

fn test_and_save(app: &App) {
    app.scroll_to(&app.tid("mail-test"));
    app.click(&app.tid("mail-test"));
    app.wait_until("the connection test", Duration::from_secs(30), |a| {
        text_of(a, "mail-result").starts_with("Connected.")
    });
    app.click(&app.tid("mail-save"));
    app.wait_until("saved", Duration::from_secs(15), |a| {
        text_of(a, "mail-result") == "Saved."
    });
}

/// What the keyring holds under this secret name (`secret-tool`, on the test's own session bus).
fn in_keyring(desktop: &Desktop, name: &str) -> String {
    let out = std::process::Command::new("secret-tool")
        .args(["search", "--all", "username", name])
        .envs(desktop.env())
        .output()
        .expect("secret-tool runs");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn two_mailboxes_one_case_one_notification_and_removing_one_forgets_its_password() {
    let ca = trust_shared_ca();
    let mut desktop = Desktop::start();
    desktop.start_keyring();
    desktop.start_notification_server();
    desktop.watch_notifications();
    desktop
        .app_env
        .push(("SSL_CERT_FILE".into(), ca.pem.display().to_string()));
    desktop
        .app_env
        .push(("CASEDESK_POLL_INTERVAL_SECS".into(), "30".into()));
    let mine = Dovecot::start(&desktop.dir.path().join("mine"));
    let team = Dovecot::start(&desktop.dir.path().join("team"));
    let app = desktop.launch(&desktop.dir.path().join("data"));

    // The first mailbox, as a single-mailbox user fills it in.
    open_settings(&app);
    app.scroll_to(&app.tid("mail-enabled"));
    app.click(&app.tid("mail-enabled"));
    type_fields(
        &app,
        &[
            ("mail-account-name", "Me".to_string()),
            ("mail-host", "localhost".to_string()),
            ("mail-port", mine.imaps_port.to_string()),
            ("mail-user", mine.user.clone()),
            ("mail-password", mine.password.clone()),
        ],
    );
    test_and_save(&app);
    // The team's shared mailbox: added beside it.
    app.scroll_to(&app.tid("add-mail-account"));
    app.click(&app.tid("add-mail-account"));
    type_fields(
        &app,
        &[
            ("mail-account-name", "Team support".to_string()),
            ("mail-host", "localhost".to_string()),
            ("mail-port", team.imaps_port.to_string()),
            ("mail-user", team.user.clone()),
            ("mail-password", team.password.clone()),
        ],
    );
    app.scroll_to(&app.tid("mail-account-shared"));
    app.click(&app.tid("mail-account-shared"));
    test_and_save(&app);
    let items = account_items(&app);
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].starts_with("mail|Me"), "{items:?}");
    assert!(items[1].contains("|Team support"), "{items:?}");
    let team_id = items[1].split('|').next().unwrap().to_owned();
    assert!(
        in_keyring(&desktop, &format!("mail-password@{team_id}")).contains("secret"),
        "the team's password is in the keyring under its own name"
    );
    app.scroll_to(&app.tid("mail-accounts"));
    shot(&desktop, "21-two-mailboxes");
    // Picking the first mailbox again shows its own fields.
    app.click(&app.find("[data-testid=mail-account-item][data-id=mail] button"));
    assert_eq!(app.value(&app.tid("mail-account-name")), "Me");
    assert_eq!(
        app.value(&app.tid("mail-port")),
        mine.imaps_port.to_string()
    );
    app.click(&app.find("#close-settings"));

    // CJ's confirmation reaches both mailboxes: one case, notified once.
    app.click(&app.tid("nav-cases"));
    app.wait_until("both mailboxes checked", Duration::from_secs(30), |a| {
        count(a, "[data-testid=mail-sync-account]") == 2
            && !text_of(a, "mail-sync-state").contains("not checked")
    });
    let created = mails::cj_created("00008001", "Two mailboxes, one case", now_ms());
    mine.append("INBOX", &created);
    team.append("INBOX", &created);
    // Whichever mailbox brings it first says so: "recorded from your e-mail" from mine, "filed by
    // someone else" from the team's shared one (no draft of mine waits for it).
    let about_8001 = |d: &Desktop| {
        d.notify_summaries()
            .iter()
            .filter(|s| {
                *s == "Case 00008001 recorded from your e-mail"
                    || *s == "Case 00008001 filed by someone else"
            })
            .count()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while about_8001(&desktop) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no notification for 00008001"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(
        about_8001(&desktop),
        1,
        "notified once, whichever mailbox brought it first"
    );
    app.wait_until("the one case", Duration::from_secs(10), |a| {
        count(a, "[data-testid=case-item][data-case-number=\"00008001\"]") == 1
    });
    assert!(
        text_of(&app, "mail-sync-state").contains("Team support"),
        "each mailbox's state is shown: {}",
        text_of(&app, "mail-sync-state")
    );
    shot(&desktop, "21-two-mailboxes-cases");

    // A colleague's case reaches only the team's shared mailbox: filed by someone else, and hidden.
    let colleague = mails::cj_created("00008002", "A colleague's tag question", now_ms());
    team.append("INBOX", &colleague);
    app.wait_until("the colleague's case", Duration::from_secs(40), |a| {
        count(
            a,
            "[data-testid=case-item][data-case-number=\"00008002\"] [data-testid=case-item-colleague]",
        ) == 1
    });
    wait_notified(
        &desktop,
        "Case 00008002 filed by someone else",
        Duration::from_secs(10),
    );
    shot(&desktop, "21-filed-by-someone-else");
    app.click(&app.find("[data-testid=case-item][data-case-number=\"00008002\"] button"));
    app.wait_until("its page", Duration::from_secs(10), |a| {
        text_of(a, "case-found-text").starts_with("Filed by someone else")
    });
    app.click(&app.tid("dismiss-case"));
    app.click(&app.tid("nav-cases"));
    app.wait_until("hidden", Duration::from_secs(10), |a| {
        count(a, "[data-testid=case-item][data-case-number=\"00008002\"]") == 0
    });

    // Removing the team's mailbox: asked, then its password leaves the keyring; the case stays.
    open_settings(&app);
    app.click(&app.find(&format!(
        "[data-testid=mail-account-item][data-id=\"{team_id}\"] button"
    )));
    app.scroll_to(&app.tid("remove-mail-account"));
    app.click(&app.tid("remove-mail-account"));
    app.click(&app.tid("remove-mail-account-confirm"));
    app.wait_until("one mailbox left", Duration::from_secs(15), |a| {
        account_items(a).len() == 1 && text_of(a, "mail-result") == "Saved."
    });
    assert!(
        !in_keyring(&desktop, &format!("mail-password@{team_id}")).contains("secret"),
        "its password left the keyring"
    );
    assert!(
        in_keyring(&desktop, "mail-password").contains("secret"),
        "the other mailbox keeps its own"
    );
    app.click(&app.find("#close-settings"));
    app.click(&app.tid("nav-cases"));
    app.wait_until("the case stays", Duration::from_secs(10), |a| {
        count(a, "[data-testid=case-item][data-case-number=\"00008001\"]") == 1
            && count(a, "[data-testid=mail-sync-account]") == 1
    });
    app.quit();
}
