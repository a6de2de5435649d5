//! `check_draft` sends the secrets report only when it changed since the one the page shows, and a
//! key that is not one of the app's is refused with a typed error.

use super::harness;
use serde_json::json;

#[test]
fn a_check_sends_the_secrets_report_only_when_it_changed() {
    let h = harness();
    let id = h.ok("create_draft", json!({}))["draft"]["id"].clone();
    let input = json!({
        "subject": "Payout API refuses our key",
        "description": "We call it with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9xQw9sT3kR7pLm2 and get 401.",
    });
    let first = h.ok("check_draft", json!({"id": id, "input": input}));
    assert_eq!(first["secrets"]["total"], 1, "{first}");
    let key = first["secretsKey"].as_str().expect("a key").to_owned();
    let again = h.ok(
        "check_draft",
        json!({"id": id, "input": input, "known": key}),
    );
    assert!(again["secrets"].is_null(), "{again}");
    assert_eq!(again["secretsKey"], key.as_str());
    for bad in ["<script>", &"a".repeat(65)] {
        let e = h.err(
            "check_draft",
            json!({"id": id, "input": input, "known": bad}),
        );
        assert_eq!(e["code"], "invalid_argument", "{e}");
    }
}
