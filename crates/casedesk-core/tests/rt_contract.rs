//! Contract tests of the RT REST 2.0 client against wiremock: what is sent, and every failure mode.

use casedesk_core::filer::{Filer, OutgoingFile, Submission};
use casedesk_core::remote::RemoteError;
use casedesk_core::rt::{Rt, RtSettings};
use casedesk_core::source::polling::TicketStatuses;
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "1-14-supersecrettoken";

fn rt(server: &MockServer) -> Rt {
    Rt::new(
        RtSettings::new(&server.uri(), "General"),
        TOKEN,
        Duration::from_secs(2),
    )
    .unwrap()
}

fn submission() -> Submission {
    Submission {
        subject: "Conversion tag not firing on checkout confirmation page".into(),
        description: "Steps I took:\nOpened checkout.".into(),
        cc: vec!["ana@example.com".into(), "bob@example.org".into()],
        reason: Some("Data Transfer".into()),
        sub_reason: Some("Data Transfer General".into()),
        attachments: vec![
            OutgoingFile {
                name: "shot.png".into(),
                mime: "image/png",
                bytes: vec![0x89, b'P', b'N', b'G', 0, 1, 2],
            },
            OutgoingFile {
                name: "log.txt".into(),
                mime: "text/plain",
                bytes: b"error 500\n".to_vec(),
            },
        ],
        client_token: "cd-abc123".into(),
    }
}

async fn queue_with(server: &MockServer, fields: &[&str]) {
    let cfs: Vec<Value> = fields
        .iter()
        .map(|n| json!({"name": n, "id": "9", "type": "customfield"}))
        .collect();
    Mock::given(method("GET"))
        .and(path("/REST/2.0/queue/General"))
        .and(header("authorization", format!("token {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"Name": "General", "TicketCustomFields": cfs})),
        )
        .mount(server)
        .await;
}

/// What RT 5 really answers for a search that finds nothing (note the float).
fn empty_search() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(
        r#"{"items": [], "page": 1, "pages": 0.0, "per_page": 20, "count": 0, "total": 0}"#,
    )
}

#[tokio::test]
async fn submit_sends_subject_content_cc_attachments_and_only_the_queues_custom_fields() {
    let server = MockServer::start().await;
    queue_with(&server, &["Case Reason", "Casedesk Token"]).await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .respond_with(empty_search())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/REST/2.0/ticket"))
        .and(body_partial_json(json!({
            "Queue": "General",
            "Subject": "Conversion tag not firing on checkout confirmation page",
            "Content": "Steps I took:\nOpened checkout.",
            "ContentType": "text/plain",
            "Cc": "ana@example.com, bob@example.org",
            "CustomFields": {"Case Reason": "Data Transfer", "Casedesk Token": "cd-abc123"},
            "Attachments": [
                {"FileName": "shot.png", "FileType": "image/png", "FileContent": "iVBORwABAg=="},
                {"FileName": "log.txt", "FileType": "text/plain", "FileContent": "ZXJyb3IgNTAwCg=="}
            ]
        })))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "42", "type": "ticket"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let id = rt(&server).submit(&submission()).await.unwrap();
    assert_eq!(id, "42");
    let posted: Vec<Request> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    let body: Value = serde_json::from_slice(&posted[0].body).unwrap();
    assert!(
        body["CustomFields"].get("Sub Reason").is_none(),
        "a field the queue lacks is skipped, not an error"
    );
    let search = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path() == "/REST/2.0/tickets")
        .unwrap();
    let q: String = search
        .url
        .query_pairs()
        .find(|(k, _)| k == "query")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(
        q, "Queue = 'General' AND 'CF.{Casedesk Token}' = 'cd-abc123'",
        "the token is looked up first"
    );
}

#[tokio::test]
async fn a_retry_finds_the_ticket_an_earlier_attempt_created() {
    let server = MockServer::start().await;
    queue_with(&server, &["Casedesk Token"]).await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"items": [{"id": "77", "Status": "new"}], "page": 1, "pages": 1}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/REST/2.0/ticket"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    assert_eq!(
        rt(&server).submit(&submission()).await.unwrap(),
        "77",
        "no second ticket"
    );
}

#[tokio::test]
async fn without_custom_fields_the_ticket_is_created_plainly() {
    let server = MockServer::start().await;
    queue_with(&server, &[]).await;
    Mock::given(method("POST"))
        .and(path("/REST/2.0/ticket"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 5})))
        .mount(&server)
        .await;
    assert_eq!(rt(&server).submit(&submission()).await.unwrap(), "5");
    let post = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    assert!(body.get("CustomFields").is_none());
}

#[tokio::test]
async fn polling_uses_one_search_per_hundred_cases_and_follows_pages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .and(query_param("page", "1"))
        .and(query_param("fields", "Status,LastUpdated"))
        .respond_with(|req: &Request| {
            let q: String = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "query")
                .unwrap()
                .1
                .into_owned();
            let ids: Vec<String> = q
                .split(" OR ")
                .map(|p| p.trim_start_matches("id = ").to_owned())
                .collect();
            let pages = if ids.len() == 100 { 2 } else { 1 };
            let items: Vec<Value> = ids
                .iter()
                .take(60)
                .map(
                    |id| json!({"id": id, "Status": "open", "LastUpdated": "2026-11-27T10:00:00Z"}),
                )
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": items, "page": 1, "pages": pages}))
        })
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .and(query_param("page", "2"))
        .respond_with(|req: &Request| {
            let q: String = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "query")
                .unwrap()
                .1
                .into_owned();
            let ids: Vec<String> = q
                .split(" OR ")
                .map(|p| p.trim_start_matches("id = ").to_owned())
                .collect();
            let items: Vec<Value> = ids
                .iter()
                .skip(60)
                .map(|id| json!({"id": id, "Status": "Resolved"}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({"items": items, "page": 2, "pages": 2}))
        })
        .expect(1)
        .mount(&server)
        .await;
    let numbers: Vec<String> = (1..=150).map(|i| i.to_string()).collect();
    let got = rt(&server).statuses(&numbers).await.unwrap();
    assert_eq!(
        got.len(),
        150,
        "every case answered across both chunks and pages"
    );
    assert_eq!(
        got.iter().filter(|s| s.status == "resolved").count(),
        40,
        "statuses are lower-cased; page 2 was read"
    );
    assert_eq!(got[0].updated.as_deref(), Some("2026-11-27T10:00:00Z"));
}

async fn poll_error(template: ResponseTemplate) -> RemoteError {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .respond_with(template)
        .mount(&server)
        .await;
    rt(&server).statuses(&["1".to_string()]).await.unwrap_err()
}

#[tokio::test]
async fn every_failure_mode_maps_to_a_typed_error_without_the_token() {
    let cases: Vec<(ResponseTemplate, RemoteError)> = vec![
        (ResponseTemplate::new(401), RemoteError::Auth(401)),
        (ResponseTemplate::new(403), RemoteError::Auth(403)),
        (ResponseTemplate::new(404), RemoteError::NotFound),
        (
            ResponseTemplate::new(429).insert_header("Retry-After", "7"),
            RemoteError::Throttled {
                status: 429,
                retry_after: Some(Duration::from_secs(7)),
            },
        ),
        (
            ResponseTemplate::new(503).insert_header("Retry-After", "120"),
            RemoteError::Throttled {
                status: 503,
                retry_after: Some(Duration::from_secs(120)),
            },
        ),
        (ResponseTemplate::new(500), RemoteError::Server(500)),
        (
            ResponseTemplate::new(400).set_body_string("<b>bad</b> query"),
            RemoteError::Rejected {
                status: 400,
                message: "<b>bad</b> query".into(),
            },
        ),
    ];
    for (template, want) in cases {
        let got = poll_error(template).await;
        assert_eq!(got, want);
        assert!(
            !got.to_string().contains("supersecret"),
            "an error never carries the token"
        );
    }
    let garbage =
        poll_error(ResponseTemplate::new(200).set_body_string("<html>proxy error</html>")).await;
    assert!(matches!(garbage, RemoteError::Malformed(_)), "{garbage:?}");
    let no_status = poll_error(
        ResponseTemplate::new(200).set_body_json(json!({"items": [{"id": "1"}], "pages": 1})),
    )
    .await;
    assert!(
        matches!(no_status, RemoteError::Malformed(_)),
        "{no_status:?}"
    );
    let slow = poll_error(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    assert_eq!(slow, RemoteError::Unreachable("timed out".into()));
    assert!(slow.is_transient());
}

#[tokio::test]
async fn a_server_that_is_not_there_is_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let rt = Rt::new(
        RtSettings::new(&format!("http://127.0.0.1:{port}"), "General"),
        TOKEN,
        Duration::from_secs(2),
    )
    .unwrap();
    let e = rt.statuses(&["1".to_string()]).await.unwrap_err();
    assert!(matches!(e, RemoteError::Unreachable(_)), "{e:?}");
    let e = rt.submit(&submission()).await.unwrap_err();
    assert!(
        e.is_transient(),
        "a submit to a missing server goes to the outbox"
    );
}

#[tokio::test]
async fn test_connection_reports_missing_fields() {
    let server = MockServer::start().await;
    queue_with(&server, &["Case Reason"]).await;
    let msg = rt(&server).test_connection().await.unwrap();
    assert!(msg.contains("Connected"));
    assert!(msg.contains("no “Sub Reason” field"));
    assert!(msg.contains("no “Casedesk Token” field"));
}

#[test]
fn settings_are_validated() {
    for bad in ["", "ftp://x", "not a url", "http://"] {
        assert!(RtSettings::new(bad, "General").validate().is_err(), "{bad}");
    }
    assert!(RtSettings::new("http://127.0.0.1:8080/", "")
        .validate()
        .is_err());
    let ok = RtSettings::new(" https://rt.example.com/ ", "General");
    assert_eq!(ok.base_url, "https://rt.example.com");
    assert!(ok.validate().is_ok());
    // The token is never sent in clear over a network: http:// only to this computer.
    let insecure = RtSettings::new("http://rt.example.com", "General")
        .validate()
        .unwrap_err();
    assert_eq!(insecure.code(), "rt_url_insecure");
    assert!(insecure.to_string().contains("https://"));
    for local in [
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
    ] {
        assert!(
            RtSettings::new(local, "General").validate().is_ok(),
            "{local}"
        );
    }
}

#[tokio::test]
async fn an_answer_larger_than_the_cap_is_refused_not_read_into_memory() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![
            b' ';
            casedesk_core::rt::BODY_MAX
                + 1
        ]))
        .mount(&server)
        .await;
    let e = rt(&server).statuses(&["1".to_string()]).await.unwrap_err();
    assert!(
        matches!(&e, RemoteError::Malformed(m) if m.contains("larger than")),
        "{e:?}"
    );
}

/// A keyring whose reads fail while it is locked, counting its reads.
struct Keyring(
    std::sync::atomic::AtomicBool,
    std::sync::atomic::AtomicUsize,
);

impl casedesk_core::secrets::Secrets for Keyring {
    fn get(&self, _name: &str) -> casedesk_core::Result<Option<String>> {
        self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.0.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(casedesk_core::Error::invalid(
                casedesk_core::Code::SecretStore,
                "locked",
            ));
        }
        Ok(Some(TOKEN.into()))
    }
    fn set(&self, _: &str, _: &str) -> casedesk_core::Result<()> {
        Ok(())
    }
    fn delete(&self, _: &str) -> casedesk_core::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_keyring_sends_nothing_and_the_token_is_used_once_it_unlocks() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/REST/2.0/tickets"))
        .and(header("Authorization", format!("token {TOKEN}").as_str()))
        .respond_with(empty_search())
        .mount(&server)
        .await;
    let keyring = std::sync::Arc::new(Keyring(true.into(), 0.into()));
    let rt = Rt::with_stored_token(
        RtSettings::new(&server.uri(), "General"),
        keyring.clone(),
        Duration::from_secs(2),
    )
    .unwrap();
    let numbers = vec!["12".to_string()];
    let e = rt.statuses(&numbers).await.unwrap_err();
    assert!(
        matches!(e, RemoteError::SecretStore(_)) && e.is_transient(),
        "{e:?}"
    );
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request without the token (never an empty one)"
    );
    keyring.0.store(false, std::sync::atomic::Ordering::Relaxed);
    rt.statuses(&numbers)
        .await
        .expect("the token is read at the next request");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    // Once read, the token serves the next requests (a sweep is up to 100 of them) without a keyring
    // read each: two reads in all, the refused one and the good one.
    for _ in 0..20 {
        rt.statuses(&numbers).await.expect("polled");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 21);
    assert_eq!(keyring.1.load(std::sync::atomic::Ordering::Relaxed), 2);
}
