//! Signing in: a Cancel pressed before the sign-in waits is kept, and one pressed when no sign-in was
//! under way does not end the next. Against a tiny device-authorization server on loopback that
//! never approves (so only Cancel, or the test's bound, ends a wait).

use super::harness;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Answers `/device` with a code and `/token` with `authorization_pending`, until dropped.
struct PendingServer {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl PendingServer {
    fn start() -> PendingServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let halt = stop.clone();
        std::thread::spawn(move || {
            // Bounded: stopped on drop, and at most two minutes in any case.
            let until = std::time::Instant::now() + Duration::from_secs(120);
            while !halt.load(Ordering::Relaxed) && std::time::Instant::now() < until {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(&stream);
                let mut first = String::new();
                let _ = reader.read_line(&mut first);
                let mut length = 0usize;
                for _ in 0..100 {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut body = vec![0u8; length.min(64 * 1024)];
                let _ = reader.read_exact(&mut body);
                let (status, answer) = if first.contains("/device") {
                    ("200 OK", format!("{{\"device_code\":\"dc-1\",\"user_code\":\"WDJB-MJHT\",\"verification_uri\":\"http://127.0.0.1:{port}/activate\",\"expires_in\":600,\"interval\":1}}"))
                } else {
                    (
                        "400 Bad Request",
                        "{\"error\":\"authorization_pending\"}".to_owned(),
                    )
                };
                let mut out = &stream;
                let _ = write!(out, "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}", answer.len());
            }
        });
        PendingServer { port, stop }
    }
}

impl Drop for PendingServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn custom_mail(h: &super::Harness, server: &PendingServer) -> Value {
    let _ = h;
    let mut mail =
        serde_json::to_value(casedesk_core::source::mail::MailSettings::default()).unwrap();
    let base = format!("http://127.0.0.1:{}", server.port);
    mail["auth"] = json!("custom");
    mail["host"] = json!("imap.example.com");
    mail["user"] = json!("ana@example.com");
    mail["oauth"] = json!({
        "clientId": "casedesk-test-client",
        "authUrl": format!("{base}/authorize"),
        "tokenUrl": format!("{base}/token"),
        "deviceUrl": format!("{base}/device"),
        "scope": "mail offline_access",
    });
    mail
}

/// Runs `sign_in_code_wait` on a thread; its answer, or `None` if it did not end within `bound`.
fn wait_for_code(h: &super::Harness, bound: Duration) -> Option<Result<Value, Value>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let webview = h.webview.clone();
    std::thread::spawn(move || {
        let _ = tx.send(super::call_on(&webview, "sign_in_code_wait", json!({})));
    });
    rx.recv_timeout(bound).ok()
}

#[test]
fn a_cancel_pressed_before_the_sign_in_waits_is_kept_and_a_stray_one_is_not() {
    let server = PendingServer::start();
    let h = harness();
    let mail = custom_mail(&h, &server);

    // A Cancel with no sign-in under way: the next sign-in is not ended by it.
    h.ok("sign_in_cancel", json!({}));
    let start = h.ok(
        "sign_in_code",
        json!({"source": "mail", "settings": mail.clone()}),
    );
    assert_eq!(start["userCode"], "WDJB-MJHT", "{start}");
    assert!(
        wait_for_code(&h, Duration::from_millis(2500)).is_none(),
        "a Cancel pressed before this sign-in began must not end it"
    );
    // Cancel while it waits ends it.
    h.ok("sign_in_cancel", json!({}));
    std::thread::sleep(Duration::from_millis(300));

    // Cancel pressed after "Sign in with a code" answered but before its wait began: kept.
    h.ok("sign_in_code", json!({"source": "mail", "settings": mail}));
    h.ok("sign_in_cancel", json!({}));
    let answer = wait_for_code(&h, Duration::from_secs(10))
        .expect("the wait ended at once: the Cancel was not lost");
    let e = answer.expect_err("cancelled");
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("oauth_cancelled"), Some("mail_auth")),
        "{e}"
    );
}
