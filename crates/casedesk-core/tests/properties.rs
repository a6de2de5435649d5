//! Properties over everything that reads input from a user, a file, a server or the store's own JSON:
//! any input gives an answer or a typed error, never a panic, and what is accepted is well formed.
//! `PROPTEST_CASES` raises the number of cases (`make fuzz`); `cargo test` runs a few hundred each.

use casedesk_core::attachment::{self, Kind};
use casedesk_core::draft::{is_valid_email, parse_cc};
use casedesk_core::preferences::Preferences;
use casedesk_core::{lint, rt, FixedClock, Store};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        max_shrink_iters: 500,
        ..ProptestConfig::default()
    }
}

/// Any JSON value, a few levels deep, with strings that look like what the app reads.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        "[a-zA-Z0-9 @.:/_-]{0,40}".prop_map(Value::String),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-zA-Z]{1,12}",
                    Just("name".to_string()),
                    Just("subReasons".to_string()),
                    Just("reasons".to_string()),
                    Just("items".to_string()),
                    Just("id".to_string()),
                    Just("Status".to_string()),
                    Just("providerKind".to_string()),
                    Just("filerKind".to_string()),
                    Just("mail".to_string()),
                    Just("pollIntervalSecs".to_string()),
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

thread_local! {
    static STORE: (tempfile::TempDir, Store) = {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_000))).unwrap();
        (dir, store)
    };
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn sniffing_any_bytes_gives_a_kind_or_none_and_signatures_win(tail in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = attachment::sniff(&tail);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(&tail);
        prop_assert_eq!(attachment::sniff(&png), Some(Kind::Png));
        let mut pdf = b"%PDF-".to_vec();
        pdf.extend(&tail);
        prop_assert_eq!(attachment::sniff(&pdf), Some(Kind::Pdf));
        if tail.contains(&0) && !tail.starts_with(&[0xFF, 0xD8, 0xFF]) && !tail.starts_with(b"%PDF-") && !tail.starts_with(b"\x89PNG\r\n\x1a\n") {
            prop_assert_eq!(attachment::sniff(&tail), None, "a NUL byte is never text");
        }
    }

    #[test]
    fn cc_parsing_accepts_only_valid_distinct_addresses(raw in "[a-zA-Z0-9@.,; _+-]{0,300}|.{0,200}") {
        if let Ok(list) = parse_cc(&raw) {
            prop_assert!(list.len() <= 20, "at most 20");
            let mut lower: Vec<String> = list.iter().map(|a| a.to_lowercase()).collect();
            for a in &list {
                prop_assert!(is_valid_email(a), "{} was accepted", a);
            }
            lower.sort();
            lower.dedup();
            prop_assert_eq!(lower.len(), list.len(), "no duplicates, whatever the case");
        }
    }

    #[test]
    fn the_lint_reads_any_text(subject in ".{0,300}", description in ".{0,3000}") {
        let _ = lint::subject_findings(&subject);
        let items = lint::description_checklist(&description);
        prop_assert_eq!(items.len(), 4, "CJ's four checklist items, always");
        let sim = lint::subject_similarity(&subject, &description);
        prop_assert!((0.0..=1.0).contains(&sim), "similarity {} out of range", sim);
    }

    #[test]
    fn a_catalogue_import_of_any_json_is_a_count_or_a_typed_error(v in arb_json()) {
        let text = v.to_string();
        STORE.with(|(_, store)| {
            let before = store.reasons().list().unwrap();
            match store.reasons().import(&text) {
                Ok(_) => {}
                Err(e) => {
                    assert!(!e.code().as_str().is_empty());
                    assert_eq!(store.reasons().list().unwrap(), before, "a refused import changes nothing");
                }
            }
        });
    }

    #[test]
    fn preferences_from_any_json_load_and_save_again(v in arb_json()) {
        let (p, _bad) = Preferences::from_json(&v.to_string());
        let again = serde_json::to_string(&p).unwrap();
        let (q, bad) = Preferences::from_json(&again);
        prop_assert!(bad.is_empty(), "what we write reads back whole: {:?}", bad);
        prop_assert_eq!(p, q);
    }

    #[test]
    fn an_rt_search_page_of_any_json_is_statuses_or_malformed(v in arb_json()) {
        match rt::parse_search_page(v.to_string().as_bytes()) {
            Ok(statuses) => for s in statuses {
                prop_assert!(!s.case_number.is_empty() && s.case_number.chars().all(|c| c.is_ascii_digit()));
            },
            Err(e) => prop_assert_eq!(e.code(), "remote_malformed"),
        }
    }

    #[test]
    fn an_rt_search_page_of_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = rt::parse_search_page(&bytes);
    }
}

#[test]
fn rt_pages_as_rt_sends_them_are_read() {
    let page = br#"{"count":2,"page":1,"pages":1,"per_page":100,"total":2,"items":[{"id":"17","type":"ticket","Status":"open","LastUpdated":"2025-11-20T10:00:00Z"},{"id":18,"Status":"Resolved"}]}"#;
    let got = rt::parse_search_page(page).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(
        (got[0].case_number.as_str(), got[0].status.as_str()),
        ("17", "open")
    );
    assert_eq!(
        got[1].status, "resolved",
        "statuses are compared lower-case"
    );
    assert!(rt::parse_search_page(br#"{"items":[{"id":"x","Status":"open"}]}"#).is_err());
    assert!(
        rt::parse_search_page(br#"{"items":[{"id":"5"}]}"#).is_err(),
        "a ticket without a Status"
    );
}
