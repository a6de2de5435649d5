//! Signing the mail account in with OAuth end to end: the real app, "Custom OAuth" pointed at the test
//! authorization server, the system browser played by `test-browser` (through `BROWSER`, which
//! `xdg-open` follows), a real Dovecot checking every XOAUTH2 login against that server, the refresh
//! token in a real keyring, and the Notify calls read off the test's own bus.

use super::cases::{notified, wait_notified};
use super::*;
use casedesk_e2e::dovecot::{trust_shared_ca, Dovecot};
use casedesk_e2e::mails::{self, now_ms};
use casedesk_e2e::OAuthServer;

const SIGN_IN_AGAIN: &str = "Casedesk: sign in to your e-mail again";

fn sync_text(app: &App) -> String {
    text_of(app, "mail-sync-state")
}

fn sign_in(app: &App) {
    app.wait_until("Settings is open", Duration::from_secs(10), |a| {
        a.exec("return document.getElementById('settings-dialog').open && !document.getElementById('mail-sign-in').hidden", json!([]))
            == json!(true)
    });
    app.scroll_to(&app.tid("mail-sign-in"));
    app.click(&app.tid("mail-sign-in"));
    app.wait_until("signed in and saved", Duration::from_secs(40), |a| {
        a.attr(&a.tid("mail-auth-state"), "data-signed-in")
            .as_deref()
            == Some("true")
            && text_of(a, "mail-result") == "Saved."
    });
}

/// Restarts Dovecot: the app's connection drops, and its next login is a new XOAUTH2 one.
fn bounce(d: &mut Dovecot) {
    d.pause();
    d.resume();
}

#[test]
fn signing_in_with_oauth_syncs_refreshes_unseen_and_asks_again_once_revoked() {
    let ca = trust_shared_ca();
    let mut desktop = Desktop::start();
    desktop.start_keyring();
    desktop.start_notification_server();
    desktop.watch_notifications();
    let browser_log = desktop.dir.path().join("browser.log");
    for (k, v) in [
        ("SSL_CERT_FILE", ca.pem.display().to_string()),
        ("CASEDESK_POLL_INTERVAL_SECS", "30".into()),
        ("BROWSER", env!("CARGO_BIN_EXE_test-browser").into()),
        ("TEST_BROWSER_LOG", browser_log.display().to_string()),
    ] {
        desktop.app_env.push((k.into(), v));
    }
    let server = OAuthServer::start("ana@example.com");
    let mut d = Dovecot::start_with_oauth(
        &desktop.dir.path().join("dovecot"),
        &server.introspection_url(),
    );
    d.append(
        "INBOX",
        &mails::cj_created("00004321", "Payment for October missing", now_ms()),
    );
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);

    // Settings → Case e-mail: Custom OAuth; no password field.
    open_settings(&app);
    app.scroll_to(&app.tid("mail-enabled"));
    app.click(&app.tid("mail-enabled"));
    // A provider preset fills in its server (and hides the endpoint fields).
    select_by_text(&app, "mail-auth", "Microsoft 365 / Outlook.com");
    assert_eq!(app.value(&app.tid("mail-host")), "outlook.office365.com");
    assert_eq!(app.value(&app.tid("mail-port")), "993");
    assert_eq!(
        app.attr(&app.find("[data-auth=custom]"), "hidden")
            .as_deref(),
        Some("true")
    );
    select_by_text(&app, "mail-auth", "Custom OAuth");
    assert_eq!(
        app.attr(&app.find("[data-auth=password]"), "hidden")
            .as_deref(),
        Some("true"),
        "an OAuth account has no password field"
    );
    for (testid, value) in [
        ("mail-host", "localhost".to_string()),
        ("mail-port", d.imaps_port.to_string()),
        ("mail-user", d.user.clone()),
        ("mail-oauth-client-id", server.client_id.clone()),
        ("mail-oauth-auth-url", server.auth_url()),
        ("mail-oauth-token-url", server.token_url()),
        ("mail-oauth-scope", "mail offline_access".into()),
    ] {
        let el = app.tid(testid);
        app.scroll_to(&el);
        app.clear(&el);
        app.type_text(&el, &value);
    }
    sign_in(&app);
    assert_eq!(server.log().first().map(String::as_str), Some("code"));
    let browser = std::fs::read_to_string(&browser_log).unwrap_or_default();
    assert!(
        browser.contains("Ok(200)"),
        "the browser saw the success page: {browser:?}"
    );
    assert!(
        browser.contains("JSC_useJIT=unset"),
        "the browser is started without the app's JIT switch: {browser:?}"
    );
    shot(&desktop, "40-oauth-signed-in");
    app.click(&app.find("#close-settings"));

    // The account syncs over XOAUTH2 (Dovecot asks the server about the token).
    app.click(&app.tid("nav-cases"));
    app.wait_until("the first sync", Duration::from_secs(30), |a| {
        sync_text(a).contains("1 from support")
    });
    assert!(server.log().contains(&"introspect-true".to_owned()));

    // The access token expires; the next login is refused once, refreshed without the user, and the
    // account goes on syncing.
    server.expire_access_tokens();
    bounce(&mut d);
    d.append(
        "INBOX",
        &mails::cj_status(
            "00004321",
            "Payment for October missing",
            "In Progress",
            now_ms(),
        ),
    );
    app.wait_until("synced after a refresh", Duration::from_secs(60), |a| {
        sync_text(a).contains("2 from support")
    });
    assert!(
        server.log().contains(&"refresh".to_owned()),
        "refreshed: {:?}",
        server.log()
    );
    assert_eq!(notified(&desktop, SIGN_IN_AGAIN), 0);

    // The refresh token is revoked: the user is told once, the Cases view says so, nothing is lost.
    server.revoke_refresh_tokens();
    server.expire_access_tokens();
    bounce(&mut d);
    wait_notified(&desktop, SIGN_IN_AGAIN, Duration::from_secs(60));
    app.wait_until("the sign-in badge", Duration::from_secs(15), |a| {
        count(a, "[data-testid=mail-sign-in-again]") == 1
    });
    assert!(
        count(
            &app,
            "[data-testid=case-item][data-case-number=\"00004321\"]"
        ) == 1,
        "the case is still there"
    );
    shot(&desktop, "41-oauth-sign-in-again");
    // Another pass ("Check now", as the case page offers it) fails the same way: not told again.
    app.click(&app.tid("check-now-all"));
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(
        notified(&desktop, SIGN_IN_AGAIN),
        1,
        "told once, not at every pass"
    );

    // "Sign in again" from the badge: Settings says the account is signed out; signing in brings it back.
    app.click(&app.tid("mail-sign-in-again"));
    app.wait_until("signed out in Settings", Duration::from_secs(10), |a| {
        a.attr(&a.tid("mail-auth-state"), "data-signed-in")
            .as_deref()
            == Some("false")
    });
    sign_in(&app);
    app.click(&app.find("#close-settings"));
    app.wait_until("the badge goes", Duration::from_secs(40), |a| {
        count(a, "[data-testid=mail-sign-in-again]") == 0 && sync_text(a).contains("from support")
    });

    // Sign out, then sign in with a code (the device grant): the code is shown, approved elsewhere.
    open_settings(&app);
    let device = app.tid("mail-oauth-device-url");
    app.scroll_to(&device);
    app.type_text(&device, &server.device_url());
    app.click(&app.tid("mail-sign-out"));
    app.wait_until("signed out", Duration::from_secs(10), |a| {
        a.attr(&a.tid("mail-auth-state"), "data-signed-in")
            .as_deref()
            == Some("false")
    });
    app.click(&app.tid("mail-sign-in-code"));
    app.wait_until("the code to type", Duration::from_secs(15), |a| {
        text_of(a, "mail-user-code") == "WDJB-MJHT"
    });
    shot(&desktop, "42-oauth-device-code");
    server.approve_devices();
    app.wait_until("signed in with the code", Duration::from_secs(30), |a| {
        a.attr(&a.tid("mail-auth-state"), "data-signed-in")
            .as_deref()
            == Some("true")
            && text_of(a, "mail-result") == "Saved."
    });
    assert!(
        server.log().contains(&"device".to_owned()),
        "{:?}",
        server.log()
    );
    app.quit();

    // Nothing of a token in the data folder (database, WAL, files) or in the app's log.
    let tokens = server.issued_tokens();
    assert!(tokens.len() >= 4, "{tokens:?}");
    let mut files = vec![app_log(&desktop)];
    let mut dirs = vec![data.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                files.push(p);
            }
        }
    }
    for f in files {
        let bytes = std::fs::read(&f).unwrap_or_default();
        for t in &tokens {
            assert!(
                !bytes.windows(t.len()).any(|w| w == t.as_bytes()),
                "a token is in {}",
                f.display()
            );
        }
    }
}

/// Every log the app wrote in this test (tauri-driver's files hold the app's stderr).
fn app_log(desktop: &Desktop) -> PathBuf {
    let all = desktop.dir.path().join("all-driver-logs.txt");
    let mut text = Vec::new();
    for entry in std::fs::read_dir(desktop.dir.path()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("driver-") && name.ends_with(".log") {
            text.extend(std::fs::read(entry.path()).unwrap_or_default());
        }
    }
    std::fs::write(&all, text).unwrap();
    all
}
