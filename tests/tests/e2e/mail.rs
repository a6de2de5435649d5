//! Case e-mail end to end: the real app, a real Dovecot over TLS (a throwaway CA the app trusts through
//! `SSL_CERT_FILE`), a real keyring for the password, dunst for notifications, and the Notify calls read
//! off the test's own bus.

use super::cases::{fill_ready_draft, notified, wait_notified};
use super::*;
use casedesk_e2e::dovecot::{trust_shared_ca, Dovecot};
use casedesk_e2e::mails::{self, now_ms};

/// Fills Settings → Case e-mail for `d` and saves it.
fn configure_mail(app: &App, d: &Dovecot) {
    open_settings(app);
    app.scroll_to(&app.tid("mail-enabled"));
    app.click(&app.tid("mail-enabled"));
    for (testid, value) in [
        ("mail-host", "localhost".to_string()),
        ("mail-port", d.imaps_port.to_string()),
        ("mail-user", d.user.clone()),
        ("mail-password", d.password.clone()),
    ] {
        let el = app.tid(testid);
        app.scroll_to(&el);
        app.clear(&el);
        app.type_text(&el, &value);
    }
    app.scroll_to(&app.tid("mail-test"));
    app.click(&app.tid("mail-test"));
    app.wait_until("the connection test", Duration::from_secs(30), |a| {
        text_of(a, "mail-result").starts_with("Connected.")
    });
    app.click(&app.tid("mail-save"));
    app.wait_until("saved", Duration::from_secs(15), |a| {
        text_of(a, "mail-result") == "Saved."
    });
    app.click(&app.find("#close-settings"));
}

fn case_status(app: &App, number: &str) -> Option<String> {
    app.exec(
        "const li = document.querySelector(`[data-testid=case-item][data-case-number=\"${arguments[0]}\"]`); return li ? li.dataset.status : null;",
        json!([number]),
    )
    .as_str()
    .map(str::to_owned)
}

#[test]
fn a_case_followed_by_mail_gets_its_number_status_and_reply_each_notified_once() {
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
    let d = Dovecot::start(&desktop.dir.path().join("dovecot"));
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    configure_mail(&app, &d);
    shot(&desktop, "30-mail-settings");

    // A draft filed by hand in CJ's form, marked "I've submitted it".
    let subject = "Commission report showing incorrect order values";
    fill_ready_draft(&app, subject, "");
    app.click(&app.tid("submit"));
    app.wait_until("the CJ form assistant", Duration::from_secs(10), |a| {
        count(a, "[data-testid=copy-field]") == 5
    });
    app.click(&app.tid("mark-submitted"));
    app.wait_until(
        "the draft waits for its number",
        Duration::from_secs(10),
        |a| count(a, "[data-testid=awaiting-number]") == 1,
    );
    shot(&desktop, "31-awaiting-number");

    // CJ's confirmation arrives: the number lands on that draft, and the desktop is told once.
    d.append("INBOX", &mails::cj_created("00001234", subject, now_ms()));
    wait_notified(
        &desktop,
        "Case 00001234 recorded from your e-mail",
        Duration::from_secs(20),
    );
    app.wait_until(
        "the draft leaves the drafts list",
        Duration::from_secs(10),
        |a| count(a, "[data-testid=draft-item]") == 0,
    );
    app.click(&app.tid("nav-cases"));
    app.wait_until("the case in the list", Duration::from_secs(10), |a| {
        case_status(a, "00001234").as_deref() == Some("New")
    });
    app.click(&app.find("[data-testid=case-item][data-case-number=\"00001234\"] .case-open"));
    app.wait_until(
        "the case page shows what was sent",
        Duration::from_secs(10),
        |a| {
            a.exec(
                "return document.getElementById('case-draft').textContent",
                json!([]),
            )
            .as_str()
            .is_some_and(|t| t.contains(subject))
        },
    );
    // Tied to the wrong draft? Unlink: the draft waits for its number again, and the case can be
    // tied again (here to the same draft).
    app.click(&app.tid("unlink-case"));
    app.wait_until(
        "the case offers to be linked",
        Duration::from_secs(10),
        |a| count(a, "[data-testid=case-found]:not([hidden])") == 1,
    );
    shot(&desktop, "31b-case-unlinked");
    app.click(&app.tid("link-case"));
    app.wait_until("the case is tied again", Duration::from_secs(10), |a| {
        count(a, "[data-testid=case-found]:not([hidden])") == 0
            && count(a, "#case-unlink-row:not([hidden])") == 1
    });
    app.click(&app.find("#back-to-cases"));

    // A status mail: shown, and notified once.
    d.append(
        "INBOX",
        &mails::cj_status("00001234", subject, "In Progress", now_ms()),
    );
    wait_notified(
        &desktop,
        "Case 00001234: In Progress",
        Duration::from_secs(20),
    );
    app.wait_until("the new status in the list", Duration::from_secs(10), |a| {
        case_status(a, "00001234").as_deref() == Some("In Progress")
    });
    assert!(
        text_of(&app, "mail-sync-state").contains("from support"),
        "the sync state is shown: {}",
        text_of(&app, "mail-sync-state")
    );
    app.quit();

    // A restart reads the mailbox again: nothing is notified twice.
    let app = desktop.launch(&data);
    app.click(&app.tid("nav-cases"));
    app.wait_until(
        "the sync state after the restart",
        Duration::from_secs(30),
        |a| text_of(a, "mail-sync-state").contains("checked"),
    );
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        notified(&desktop, "Case 00001234: In Progress"),
        1,
        "a restart must not notify again"
    );
    assert_eq!(
        notified(&desktop, "Case 00001234 recorded from your e-mail"),
        1
    );

    // A reply from support: in the timeline, notified once.
    d.append(
        "INBOX",
        &mails::cj_reply(
            "00001234",
            "We found the cause: orders from 3 October were <b>imported twice</b> & <a href=\"https://x.example/\">fixed</a> <img src=\"https://x.example/p.png\"> see report_\u{202E}gnp.exe",
            now_ms(),
            "e2e",
        ),
    );
    wait_notified(
        &desktop,
        "Case 00001234: new reply",
        Duration::from_secs(20),
    );
    // The mail's markup reached the notification server (dunst reads bodies as markup) as text, and
    // its bidi override not at all.
    let (_, body) = desktop
        .notify_calls()
        .into_iter()
        .find(|(s, _)| s == "Case 00001234: new reply")
        .expect("the reply was notified");
    assert!(
        body.contains("&lt;b&gt;imported twice&lt;/b&gt; &amp; &lt;a href=&quot;"),
        "markup from a mail must be escaped for a markup server: {body}"
    );
    assert!(
        !body.contains('\u{202E}'),
        "a bidi override reached the notification: {body}"
    );
    app.click(&app.find("[data-testid=case-item][data-case-number=\"00001234\"] .case-open"));
    app.wait_until("the reply in the timeline", Duration::from_secs(10), |a| {
        text_of(a, "case-reply").contains("<b>imported twice</b>")
    });
    shot(&desktop, "32-mail-reply");

    // A spoofed "Closed" changes nothing.
    d.append(
        "INBOX",
        &mails::spoofed_status("00001234", "Closed", now_ms()),
    );
    app.click(&app.tid("check-now"));
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(
        text_of(&app, "case-status"),
        "In Progress",
        "a spoofed mail must not change the case"
    );
    assert_eq!(notified(&desktop, "Case 00001234: Closed"), 0);
    assert_eq!(notified(&desktop, "Case 00001234: new reply"), 1);
    app.quit();

    // The password lives in the keyring, never in the data folder.
    for entry in std::fs::read_dir(&data).unwrap().flatten() {
        if entry.path().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !bytes
                    .windows(d.password.len())
                    .any(|w| w == d.password.as_bytes()),
                "the mail password must never be in {}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn an_eml_file_is_imported_through_the_real_gtk_chooser() {
    let desktop = Desktop::start();
    let files = desktop.dir.path().join("mails");
    std::fs::create_dir_all(&files).unwrap();
    let eml = files.join("cj-confirmation.eml");
    std::fs::write(
        &eml,
        mails::cj_created("00004321", "Deep link generator returns 404", now_ms()),
    )
    .unwrap();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    app.click(&app.tid("nav-cases"));
    pick_in_chooser(
        &desktop,
        &app,
        "import-eml",
        "Import e-mails from support",
        &eml,
    );
    app.wait_until("the import result", Duration::from_secs(15), |a| {
        count(a, "[data-testid=import-item][data-outcome=found]") == 1
    });
    assert!(text_of(&app, "import-result").contains("Case 00004321 found in your e-mail"));
    app.wait_until("the found case in the list", Duration::from_secs(10), |a| {
        case_status(a, "00004321").as_deref() == Some("New")
    });
    shot(&desktop, "33-eml-import");
    // The same file again: read before, nothing changes.
    pick_in_chooser(
        &desktop,
        &app,
        "import-eml",
        "Import e-mails from support",
        &eml,
    );
    app.wait_until("read before", Duration::from_secs(15), |a| {
        count(a, "[data-testid=import-item][data-outcome=already_read]") == 1
    });
    assert_eq!(count(&app, "[data-testid=case-item]"), 1);
    app.quit();
}
