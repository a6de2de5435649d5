//! Settings draws each filer's form from the filer's own description, and its secrets go by the
//! input's id: saved to the secret store, or tried by "Test connection" before they are saved.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::harness;

/// A server on 127.0.0.1 that answers every request 401 and hands back the `Authorization` header
/// of each (at most `n` requests, each within 10 s).
fn refusing_server(n: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accepting is bounded too: a client that never comes ends the wait after 20 s, not the run.
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut served = 0;
        while served < n && Instant::now() < deadline {
            let mut conn = match listener.accept() {
                Ok((conn, _)) => conn,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                Err(_) => break,
            };
            // An accepted socket may inherit the listener's non-blocking mode (Windows).
            conn.set_nonblocking(false).ok();
            conn.set_read_timeout(Some(Duration::from_secs(10))).ok();
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut line = String::new();
            for _ in 0..100 {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line
                    .strip_prefix("authorization: ")
                    .or(line.strip_prefix("Authorization: "))
                {
                    seen.push(v.trim().to_owned());
                }
            }
            let _ = conn.write_all(
                b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            served += 1;
        }
        seen
    });
    (url, handle)
}

fn form<'a>(view: &'a Value, kind: &str) -> &'a Value {
    view["filers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} form in {view}"))
}

#[test]
fn every_filer_describes_its_form_and_no_secret_name_reaches_the_page() {
    let h = harness();
    let view = h.ok("get_settings", json!({}));
    let kinds: Vec<&str> = view["filers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2, "{view}");
    for f in view["filers"].as_array().unwrap() {
        let slice = f["slice"].as_str().unwrap();
        assert!(
            view["preferences"]["slices"][slice].is_object(),
            "the form's slice is in the preferences with its defaults: {slice}"
        );
        for input in f["inputs"].as_array().unwrap() {
            assert!(input["id"]
                .as_str()
                .unwrap()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(input["maxLen"].as_u64().unwrap() > 0);
            if input["kind"]["type"] == "secret" {
                assert_eq!(
                    input["kind"],
                    json!({"type": "secret"}),
                    "the store's name stays in the shell"
                );
            } else {
                let key = input["kind"]["key"].as_str().unwrap();
                assert!(
                    !view["preferences"]["slices"][slice]["settings"][key].is_null(),
                    "{slice}.{key} has a value to show"
                );
            }
        }
    }
    assert_eq!(view["storedSecrets"], json!([]));
}

#[test]
fn test_connection_tries_the_secret_just_typed_before_the_stored_one() {
    let h = harness();
    let view = h.ok("get_settings", json!({}));
    let rt = form(&view, "rt");
    let secret = rt["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"]["type"] == "secret")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (url, server) = refusing_server(2);
    let mut prefs = view["preferences"].clone();
    prefs["filerKind"] = json!("rt");
    prefs["slices"][rt["slice"].as_str().unwrap()]["settings"]["baseUrl"] = json!(url);
    h.ok(
        "save_settings",
        json!({"preferences": prefs, "secrets": {"formSecrets": {&secret: "stored-token-111"}}}),
    );
    let typed = h.err(
        "test_connection",
        json!({"preferences": prefs, "typed": {&secret: "typed-token-222"}}),
    );
    let stored = h.err(
        "test_connection",
        json!({"preferences": prefs, "typed": null}),
    );
    assert_eq!(typed["code"], stored["code"], "{typed} {stored}");
    let seen = server.join().unwrap();
    assert_eq!(
        seen,
        vec![
            "token typed-token-222".to_owned(),
            "token stored-token-111".to_owned()
        ],
        "the typed token first, the stored one when none is typed"
    );
    // Testing never saved what was typed.
    let again = h.ok("get_settings", json!({}));
    assert_eq!(again["storedSecrets"], json!([secret]));
    let e = h.err(
        "test_connection",
        json!({"preferences": prefs, "typed": {"no_such_input": "x"}}),
    );
    assert_eq!(e["field"], "form_secrets");
}
