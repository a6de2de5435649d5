//! Signing the mail account in with OAuth 2.0 against a local authorization server written for the
//! tests (`tests/oauth_server.rs`: checks PKCE, `state`, the redirect URI and the client id), and
//! logging in to a real Dovecot whose `oauth2` passdb checks every access token with that server's
//! introspection endpoint: a real `AUTHENTICATE XOAUTH2`. Every wait is bounded.

use casedesk_core::remote::RemoteError;
use casedesk_core::secrets::{MemorySecrets, Secrets};
use casedesk_core::source::mail::oauth::{self, flow, tokens, AuthMethod, OAuthSettings};
use casedesk_core::source::mail::{Credential, MailSettings, MailSource, Security};
use casedesk_core::store::SharedStore;
use casedesk_core::{Store, SystemClock};
use casedesk_e2e::dovecot::Dovecot;
use casedesk_e2e::mails::{self, now_ms};
use casedesk_e2e::oauth_server::{play_browser, OAuthServer};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn oauth_settings(server: &OAuthServer) -> OAuthSettings {
    OAuthSettings {
        client_id: server.client_id.clone(),
        auth_url: server.auth_url(),
        token_url: server.token_url(),
        device_url: server.device_url(),
        scope: "mail offline_access".into(),
        ..Default::default()
    }
}

fn mail_settings(d: &Dovecot, server: &OAuthServer) -> MailSettings {
    MailSettings {
        enabled: true,
        host: "localhost".into(),
        port: d.imaps_port,
        security: Security::Tls,
        user: d.user.clone(),
        auth: AuthMethod::Custom,
        oauth: oauth_settings(server),
        ..Default::default()
    }
}

fn store(dir: &std::path::Path) -> SharedStore {
    Arc::new(Mutex::new(Store::open(dir, Arc::new(SystemClock)).unwrap()))
}

/// Starts a sign-in, plays the browser on another thread, and finishes it.
fn sign_in(
    rt: &tokio::runtime::Runtime,
    server: &OAuthServer,
) -> (casedesk_core::Result<oauth::Granted>, Result<u16, String>) {
    let endpoints = oauth_settings(server)
        .endpoints(AuthMethod::Custom)
        .unwrap();
    rt.block_on(async {
        let auth = flow::begin(&endpoints).await.unwrap();
        let url = auth.url.to_string();
        let browser = tokio::task::spawn_blocking(move || play_browser(&url));
        let cancel = Notify::new();
        let http = oauth::http_client().unwrap();
        let granted = auth.finish(Duration::from_secs(20), &cancel, &http).await;
        (granted, browser.await.unwrap())
    })
}

#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "needs Dovecot and the openssl CLI, Linux services"
)]
fn sign_in_then_sync_over_xoauth2_refresh_without_the_user_and_ask_again_once_revoked() {
    let tmp = tempfile::tempdir().unwrap();
    let server = OAuthServer::start("ana@example.com");
    let d = Dovecot::start_with_oauth(&tmp.path().join("dovecot"), &server.introspection_url());
    let now = now_ms();
    d.admin().append_all(
        "INBOX",
        &[mails::cj_created(
            "00002001",
            "Payment question",
            now - 86_400_000,
        )],
    );
    let rt = rt();

    // Sign in: the browser lands on the loopback listener, which shows "Signed in".
    let (granted, browser) = sign_in(&rt, &server);
    let granted = granted.expect("signed in");
    assert_eq!(browser, Ok(200), "the browser sees the success page");
    assert_eq!(server.log(), vec!["code"]);
    let memory: Arc<dyn Secrets> = Arc::new(MemorySecrets::default());
    tokens::store_grant(memory.as_ref(), &granted).unwrap();
    let refresh = memory
        .get(casedesk_core::source::mail::account::MAIL_OAUTH_REFRESH)
        .unwrap();
    assert!(refresh.as_deref().is_some_and(|r| r.starts_with("rt-")));

    // The first sync logs in with XOAUTH2, checked by Dovecot against the server.
    let settings = mail_settings(&d, &server);
    let source = |s: &MailSettings| {
        let Credential::OAuth(t) = casedesk_core::source::mail::credential(s, &memory).unwrap()
        else {
            panic!("an OAuth credential")
        };
        (
            MailSource::with_credential(s.clone(), Credential::OAuth(t.clone())).unwrap(),
            t,
        )
    };
    let data = store(&tmp.path().join("data"));
    let (first, tokens) = source(&settings);
    rt.block_on(tokens.seed(&granted));
    let report = rt.block_on(first.pass(&data)).expect("synced over XOAUTH2");
    assert_eq!(report.checked, 1, "the one mail from support was read");
    assert!(
        server.log().contains(&"introspect-true".to_owned()),
        "Dovecot checked the token: {:?}",
        server.log()
    );
    assert!(
        !server.log().contains(&"refresh".to_owned()),
        "no refresh was needed yet"
    );

    // The access token expires at the server while we still hold it: the login is refused once,
    // the token is refreshed without the user, and the login goes through.
    server.expire_access_tokens();
    let (second, tokens) = source(&settings);
    rt.block_on(tokens.seed(&granted));
    rt.block_on(second.pass(&data))
        .expect("refreshed and synced");
    assert_eq!(
        server.log().iter().filter(|l| *l == "refresh").count(),
        1,
        "{:?}",
        server.log()
    );

    // Tokens that are about to expire are refreshed before use.
    server.token_lifetime(Duration::from_secs(30));
    let (third, _) = source(&settings);
    rt.block_on(third.pass(&data)).expect("synced");
    rt.block_on(third.pass(&data))
        .expect("synced again (same connection)");
    let (fourth, _) = source(&settings);
    rt.block_on(fourth.pass(&data)).expect("synced");
    assert_eq!(
        server.log().iter().filter(|l| *l == "refresh").count(),
        3,
        "a 30 s token is inside the 60 s margin: refreshed at each login: {:?}",
        server.log()
    );

    // The refresh token is revoked: the user must sign in again; nothing is lost.
    server.revoke_refresh_tokens();
    server.expire_access_tokens();
    let (fifth, _) = source(&settings);
    let err = rt.block_on(fifth.pass(&data)).unwrap_err();
    assert!(
        matches!(err, RemoteError::SignInNeeded(_)),
        "revoked → sign in again: {err:?}"
    );
    assert_eq!(err.code().as_str(), "mail_sign_in_needed");
    // The dead token is replaced by a mark, so no later pass or start sends it again (a restart is a
    // new source over the same keyring); each still says "sign in again", without a request (the
    // follow loop tells the user once: tests/follow_attention.rs).
    assert_eq!(
        memory
            .get(casedesk_core::source::mail::account::MAIL_OAUTH_REFRESH)
            .unwrap()
            .as_deref(),
        Some(oauth::tokens::WITHDRAWN)
    );
    let refreshes = server.log().iter().filter(|l| *l == "refresh").count();
    let (after_restart, _) = source(&settings);
    let again = rt.block_on(after_restart.pass(&data)).unwrap_err();
    assert!(matches!(again, RemoteError::SignInNeeded(_)), "{again:?}");
    assert_eq!(
        server.log().iter().filter(|l| *l == "refresh").count(),
        refreshes,
        "the withdrawn token is never sent again"
    );

    // Signed out (no refresh token): said in the sync state, but not a withdrawn sign-in.
    let _ = memory.delete(casedesk_core::source::mail::account::MAIL_OAUTH_REFRESH);
    let (sixth, _) = source(&settings);
    let err = rt.block_on(sixth.pass(&data)).unwrap_err();
    assert!(matches!(err, RemoteError::Config(_)), "{err:?}");
    let text = err.to_string();
    for t in server.issued_tokens() {
        assert!(!text.contains(&t), "no token in the error");
    }
    let cases = data.lock().unwrap().cases().list(100).unwrap();
    assert_eq!(cases.len(), 1, "the case read before is still there");
}

#[test]
fn a_denied_consent_and_a_wrong_state_are_said_plainly_and_grant_nothing() {
    let server = OAuthServer::start("ana@example.com");
    let rt = rt();
    server.deny_consent(true);
    let (granted, browser) = sign_in(&rt, &server);
    assert_eq!(granted.unwrap_err().code().as_str(), "oauth_denied");
    assert_eq!(browser, Ok(400));
    server.deny_consent(false);

    // An answer with another state reaches the listener first: refused, never exchanged.
    let endpoints = oauth_settings(&server)
        .endpoints(AuthMethod::Custom)
        .unwrap();
    let err = rt.block_on(async {
        let auth = flow::begin(&endpoints).await.unwrap();
        let port = auth.port();
        let forged = tokio::task::spawn_blocking(move || {
            ureq::get(&format!(
                "http://127.0.0.1:{port}/?code=stolen&state=not-ours"
            ))
            .call()
            .map(|r| r.status())
            .unwrap_or_else(|e| match e {
                ureq::Error::Status(c, _) => c,
                _ => 0,
            })
        });
        let r = auth
            .finish(
                Duration::from_secs(10),
                &Notify::new(),
                &oauth::http_client().unwrap(),
            )
            .await;
        assert_eq!(forged.await.unwrap(), 400);
        r.unwrap_err()
    });
    assert_eq!(err.code().as_str(), "oauth_state_mismatch");
    assert!(
        server.log().is_empty(),
        "nothing was exchanged: {:?}",
        server.log()
    );
}

#[test]
fn the_listener_takes_one_answer_only_and_the_wait_is_bounded_and_cancellable() {
    let server = OAuthServer::start("ana@example.com");
    let rt = rt();
    let (granted, _) = sign_in(&rt, &server);
    assert!(granted.is_ok());

    let endpoints = oauth_settings(&server)
        .endpoints(AuthMethod::Custom)
        .unwrap();
    rt.block_on(async {
        // A favicon request and a request naming another host do not end the wait.
        let auth = flow::begin(&endpoints).await.unwrap();
        let port = auth.port();
        let url = auth.url.to_string();
        let browser = tokio::task::spawn_blocking(move || {
            let stray = ureq::get(&format!("http://127.0.0.1:{port}/favicon.ico")).call();
            assert!(matches!(stray, Err(ureq::Error::Status(404, _))));
            let rebound = ureq::get(&format!("http://127.0.0.1:{port}/?code=x&state=y"))
                .set("Host", &format!("evil.example:{port}"))
                .call();
            assert!(matches!(rebound, Err(ureq::Error::Status(421, _))));
            let ok = play_browser(&url);
            // The one answer was taken: the listener is gone.
            std::thread::sleep(Duration::from_millis(200));
            let again = ureq::get(&format!("http://127.0.0.1:{port}/?code=x&state=y"))
                .timeout(Duration::from_secs(2))
                .call();
            (
                ok,
                again.is_err() && !matches!(again, Err(ureq::Error::Status(..))),
            )
        });
        let r = auth
            .finish(
                Duration::from_secs(20),
                &Notify::new(),
                &oauth::http_client().unwrap(),
            )
            .await;
        assert!(r.is_ok(), "{:?}", r.err());
        let (ok, refused) = browser.await.unwrap();
        assert_eq!(ok, Ok(200));
        assert!(refused, "a second request finds nobody listening");

        // Nobody answers: the wait ends at its limit.
        let auth = flow::begin(&endpoints).await.unwrap();
        let err = auth
            .finish(
                Duration::from_millis(300),
                &Notify::new(),
                &oauth::http_client().unwrap(),
            )
            .await
            .unwrap_err();
        assert_eq!(err.code().as_str(), "oauth_timeout");

        // Cancel ends it at once.
        let auth = flow::begin(&endpoints).await.unwrap();
        let cancel = Arc::new(Notify::new());
        let c = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            // notify_one keeps the wake-up if `finish` is not waiting yet (building the HTTP client
            // can take longer than 100 ms: under Wine it did, and notify_waiters' wake-up was lost).
            c.notify_one();
        });
        let err = auth
            .finish(
                Duration::from_secs(20),
                &cancel,
                &oauth::http_client().unwrap(),
            )
            .await
            .unwrap_err();
        assert_eq!(err.code().as_str(), "oauth_cancelled");
    });
}

#[test]
fn the_device_flow_signs_in_once_the_user_approves_the_code() {
    let server = OAuthServer::start("ana@example.com");
    let rt = rt();
    let endpoints = oauth_settings(&server)
        .endpoints(AuthMethod::Custom)
        .unwrap();
    let http = oauth::http_client().unwrap();
    let granted = rt.block_on(async {
        let (start, pending) = oauth::device::begin(&endpoints, &http).await.unwrap();
        assert_eq!(start.user_code, "WDJB-MJHT");
        assert!(start.verification_uri.ends_with("/activate"));
        let approve = tokio::task::spawn_blocking({
            let s = server.log();
            move || {
                std::thread::sleep(Duration::from_millis(1500));
                s
            }
        });
        let cancel = Notify::new();
        let finish = pending.finish(&cancel, &http);
        tokio::pin!(finish);
        // Not approved yet: still pending.
        assert!(
            tokio::time::timeout(Duration::from_millis(1200), &mut finish)
                .await
                .is_err()
        );
        approve.await.unwrap();
        server.approve_devices();
        tokio::time::timeout(Duration::from_secs(15), finish)
            .await
            .expect("finished in time")
    });
    let granted = granted.expect("signed in with the code");
    assert!(granted.refresh_token.is_some());
    assert_eq!(server.log(), vec!["device"]);
}

/// A secret store whose writes fail while `refuse` is set (a keyring locked after the app started).
#[derive(Default)]
struct LockingSecrets {
    inner: MemorySecrets,
    refuse: std::sync::atomic::AtomicBool,
    writes_refused: std::sync::atomic::AtomicUsize,
}

impl Secrets for LockingSecrets {
    fn get(&self, name: &str) -> casedesk_core::Result<Option<String>> {
        self.inner.get(name)
    }
    fn set(&self, name: &str, value: &str) -> casedesk_core::Result<()> {
        if self.refuse.load(std::sync::atomic::Ordering::SeqCst) {
            self.writes_refused
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            return Err(casedesk_core::Error::invalid(
                casedesk_core::Code::SecretStore,
                "The keyring is locked.",
            ));
        }
        self.inner.set(name, value)
    }
    fn delete(&self, name: &str) -> casedesk_core::Result<()> {
        self.inner.delete(name)
    }
}

#[test]
fn a_rotated_refresh_token_the_keyring_would_not_take_is_kept_and_saved_once_it_can() {
    let server = OAuthServer::start("ana@example.com");
    let rt = rt();
    let (granted, _) = sign_in(&rt, &server);
    let granted = granted.expect("signed in");
    let locking = Arc::new(LockingSecrets::default());
    tokens::store_grant(locking.as_ref(), &granted).unwrap();
    let first = locking
        .get(casedesk_core::source::mail::account::MAIL_OAUTH_REFRESH)
        .unwrap()
        .unwrap();
    let endpoints = oauth_settings(&server)
        .endpoints(AuthMethod::Custom)
        .unwrap();
    let store: Arc<dyn Secrets> = locking.clone();
    let source = tokens::TokenSource::new(endpoints.clone(), store.clone()).unwrap();

    // The provider rotates (each refresh revokes the token it used) and the keyring locks.
    server.rotate_refresh_tokens(true);
    locking
        .refuse
        .store(true, std::sync::atomic::Ordering::SeqCst);
    rt.block_on(source.access_token(true))
        .expect("refreshed: the access token does not need the keyring's write");
    assert!(
        locking
            .writes_refused
            .load(std::sync::atomic::Ordering::SeqCst)
            >= 1
    );
    assert_eq!(
        locking
            .get(casedesk_core::source::mail::account::MAIL_OAUTH_REFRESH)
            .unwrap()
            .as_deref(),
        Some(first.as_str()),
        "the keyring still holds the first (now revoked) token"
    );
    // The next refresh uses the rotated token kept in memory, not the revoked one in the keyring.
    rt.block_on(source.access_token(true))
        .expect("the rotated token was kept, not dropped");
    assert!(
        !server.log().contains(&"refused-refresh".to_owned()),
        "the revoked token was never sent: {:?}",
        server.log()
    );

    // The keyring unlocks: the next refresh saves the newest token, and a restart (a new source over
    // the same keyring) goes on with it.
    locking
        .refuse
        .store(false, std::sync::atomic::Ordering::SeqCst);
    rt.block_on(source.access_token(true)).expect("refreshed");
    let saved = locking
        .get(casedesk_core::source::mail::account::MAIL_OAUTH_REFRESH)
        .unwrap()
        .unwrap();
    assert_ne!(saved, first, "the rotated token reached the keyring");
    let restarted = tokens::TokenSource::new(endpoints, store).unwrap();
    rt.block_on(restarted.access_token(true))
        .expect("after a restart the saved token works");
    assert_eq!(
        server.log().iter().filter(|l| *l == "refresh").count(),
        4,
        "{:?}",
        server.log()
    );
    assert!(!server.log().contains(&"refused-refresh".to_owned()));
}
