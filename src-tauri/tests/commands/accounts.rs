//! CJ accounts through the commands (issue 21): the light list the editor loads at start, the account
//! filter's argument checked, an address of an account checked by field, and the catalogue's lists.

use super::*;

#[test]
fn cj_accounts_are_listed_without_the_keyring_and_the_filter_s_argument_is_checked() {
    let h = harness();
    let mut prefs = h.ok("get_settings", json!({}))["preferences"].clone();
    prefs["cjAccounts"] = json!([
        {"id": "acme", "name": "Acme Shoes", "kind": "advertiser", "cjId": "1234567",
         "addresses": ["Acme@Agency"]},
    ]);
    let e = h.err("save_settings", json!({"preferences": prefs.clone()}));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("cj_account_invalid"), Some("cj_account_addresses"))
    );
    prefs["cjAccounts"][0]["addresses"] = json!(["acme@agency.example"]);
    prefs["defaultCjAccount"] = json!("acme");
    h.ok("save_settings", json!({"preferences": prefs}));
    let v = h.ok("list_cj_accounts", json!({}));
    assert_eq!(v["defaultCjAccount"], json!("acme"));
    assert_eq!(
        v["cjAccounts"][0]["addresses"],
        json!(["acme@agency.example"])
    );

    // The filter: absent (all), "" (no account), an id; anything else is refused by field.
    for ok in [json!(null), json!(""), json!("acme"), json!("gone")] {
        h.ok("list_cases", json!({"account": ok}));
        h.ok("list_drafts", json!({"account": ok}));
        h.ok("search_everything", json!({"query": "x", "account": ok}));
    }
    for bad in ["ACME", "a b", "<script>", &"a".repeat(41)] {
        let e = h.err("list_cases", json!({"account": bad}));
        assert_eq!(
            (e["code"].as_str(), e["field"].as_str()),
            (Some("invalid_argument"), Some("account")),
            "{bad}"
        );
    }

    // A new draft is for the default account; its reason is checked against the advertisers' list.
    let d = h.ok("create_draft", json!({}));
    assert_eq!(d["draft"]["cjAccount"], json!("acme"));
    let reasons = h.ok("list_reasons", json!({}));
    let publishers_only = reasons
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["subReasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |s| (r["id"].clone(), s.clone()))
        })
        .find(|(_, s)| s["audience"] == json!("publisher"))
        .unwrap();
    let check = h.ok(
        "check_draft",
        json!({"id": d["draft"]["id"], "input": {
            "subject": "Payment for October not received", "description": "x",
            "reasonId": publishers_only.0, "subReasonId": publishers_only.1["id"],
            "cc": "", "cjAccount": "acme"}}),
    );
    assert_eq!(check["problems"][0]["code"], json!("sub_reason_other_kind"));
    // Whose list an entry is in: set, and refused when it is not a known audience.
    h.ok(
        "set_sub_reason_audience",
        json!({"id": publishers_only.1["id"], "audience": "both"}),
    );
    h.err(
        "set_sub_reason_audience",
        json!({"id": publishers_only.1["id"], "audience": "everyone"}),
    );
}
