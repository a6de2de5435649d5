//! Mail settings refused by field, and `.eml` imports (a case recorded; hostile paths refused with
//! the reason).

use super::*;

#[test]
fn mail_settings_are_refused_by_field_before_anything_is_stored() {
    let h = harness();
    let mut prefs = h.ok("get_settings", json!({}))["preferences"].clone();
    let mut m = serde_json::to_value(casedesk_core::source::mail::MailSettings::default()).unwrap();
    m["id"] = json!("mail");
    m["enabled"] = json!(true);
    m["host"] = json!("imap.example.com");
    m["user"] = json!("ana@example.com");
    m["security"] = json!("plain");
    prefs["slices"]["mail"]["settings"]["accounts"] = json!([m]);
    let e = h.err("save_settings", json!({"preferences": prefs.clone()}));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("mail_plain_not_loopback"), Some("mail_security"))
    );
    prefs["slices"]["mail"]["settings"]["accounts"][0]["security"] = json!("tls");
    prefs["slices"]["mail"]["settings"]["accounts"][0]["patterns"] = json!(["(?P<case>\\d+"]);
    let e = h.err("save_settings", json!({"preferences": prefs.clone()}));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("mail_pattern_invalid"), Some("mail_patterns"))
    );
    prefs["slices"]["mail"]["settings"]["accounts"][0]["patterns"] = json!([]);
    prefs["slices"]["mail"]["settings"]["accounts"][0]["senders"] = json!(["cj.com"]);
    let e = h.err("save_settings", json!({"preferences": prefs.clone()}));
    assert_eq!(e["field"], "mail_senders");
    prefs["slices"]["mail"]["settings"]["accounts"][0]["security"] = json!("carrier-pigeon");
    assert!(
        h.call("save_settings", json!({"preferences": prefs}))
            .is_err(),
        "an unknown security is refused"
    );
    let e = h.err(
        "test_source_connection",
        json!({"source": "mail", "settings": {"host": "", "user": "x"}}),
    );
    assert_eq!(e["field"], "mail_host");
    assert_eq!(
        h.ok("get_settings", json!({}))["preferences"]["slices"]["mail"]["settings"]["accounts"],
        json!([]),
        "nothing stored"
    );
    let presets = h.ok("get_settings", json!({}))["sources"]["mail"]["presets"].clone();
    assert_eq!(
        presets.as_array().unwrap().len(),
        4,
        "CJ, Zendesk, Jira, custom"
    );
}

#[test]
fn an_eml_import_records_a_case_and_hostile_paths_are_refused_with_the_reason() {
    let h = harness();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("confirmation.eml");
    std::fs::write(&good, "From: CJ Support <support@cj.com>\r\nSubject: CJ Case # 00007777:  Payout missing\r\nMessage-ID: <x.7777@sf.example>\r\nDate: Mon, 24 Nov 2025 10:00:00 +0000\r\n\r\nCase #00007777: \"Payout missing\" has been created.\r\n").unwrap();
    let link = dir.path().join("link.eml");
    let linked = symlink(&good, &link);
    let spoof = dir.path().join("spoof.eml");
    std::fs::write(&spoof, "From: support@cj.com.evil.example\r\nSubject: Case 00007777: Closed\r\n\r\nThe status of your case has been changed to Closed.\r\n").unwrap();
    for p in [&good, &link, &spoof] {
        h.grant(&[p.to_str().unwrap()]);
    }
    let missing = dir.path().join("no-such-file.eml");
    h.grant(&[dir.path().to_str().unwrap(), missing.to_str().unwrap()]);
    let out = h.ok(
        "import_file_paths",
        json!({"paths": [good, link, dir.path(), spoof, missing]}),
    );
    let outcomes: Vec<(&str, &str)> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["file"].as_str().unwrap(), r["outcome"].as_str().unwrap()))
        .collect();
    assert!(outcomes.contains(&("confirmation.eml", "found")), "{out}");
    assert!(outcomes.contains(&("spoof.eml", "ignored")), "{out}");
    let refused: Vec<&Value> = out
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "unreadable")
        .collect();
    assert_eq!(
        refused.len(),
        3,
        "a link (or where none could be made, its missing path), a folder and a missing file: {out}"
    );
    assert!(
        !linked
            || refused.iter().any(|r| r["detail"]
                .as_str()
                .unwrap()
                .contains("links are not followed")),
        "{out}"
    );
    let again = h.ok("import_file_paths", json!({"paths": [good]}));
    assert_eq!(
        again[0]["outcome"], "already_read",
        "a second import changes nothing"
    );
    let e = h.err(
        "import_file_paths",
        json!({"paths": ["/home/someone/other.eml"]}),
    );
    assert_eq!(
        e["code"], "path_not_granted",
        "an import reads only what was dropped or picked"
    );
    let e = h.err("import_file_paths", json!({"paths": ["a\u{0}b"]}));
    assert_eq!(e["code"], "import_refused");
    // The found case can be tied to a draft, or dismissed.
    let cases = h.ok("list_cases", json!({}));
    let case_id = cases[0]["id"].as_i64().unwrap();
    assert_eq!(cases[0]["origin"], "mail");
    let draft = h.ok("create_draft", json!({}))["draft"]["id"]
        .as_i64()
        .unwrap();
    let page = h.ok("open_case", json!({"id": case_id}));
    assert!(page["linkableDrafts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["id"] == draft));
    let linked = h.ok("link_case", json!({"caseId": case_id, "draftId": draft}));
    assert_eq!(linked["case"]["draftId"], draft);
    // The wrong draft was chosen: unlinked, the draft waits for its number again and the case can be
    // tied again.
    let unlinked = h.ok("unlink_case", json!({"caseId": case_id}));
    assert!(unlinked["case"]["draftId"].is_null(), "{unlinked}");
    assert!(unlinked["linkableDrafts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["id"] == draft));
    let list = h.ok("list_drafts", json!({}));
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == draft && d["awaitingNumber"] == true),
        "{list}"
    );
    assert_eq!(
        h.err("unlink_case", json!({"caseId": case_id}))["code"],
        "draft_unavailable",
        "nothing left to unlink"
    );
    let relinked = h.ok("link_case", json!({"caseId": case_id, "draftId": draft}));
    assert_eq!(relinked["case"]["draftId"], draft);
    assert_eq!(
        h.err("dismiss_case", json!({"caseId": 12345}))["code"],
        "not_found"
    );
}
