//! The Case Reason catalogue as a JSON file: export, import (merging, all or nothing), and the
//! keywords and templates of version 2 next to version 1 files.

use casedesk_core::store::CATALOGUE_VERSION;
use casedesk_core::{FixedClock, Store};
use std::sync::Arc;

fn open(dir: &std::path::Path) -> (Store, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(1_700_000_000_000));
    (Store::open(dir, clock.clone()).expect("store opens"), clock)
}

#[test]
fn catalogue_export_then_import_into_a_fresh_store_round_trips_and_import_merges() {
    let a = tempfile::tempdir().unwrap();
    let (store, _) = open(a.path());
    let id = store
        .reasons()
        .add("Creatives", casedesk_core::cj_account::Audience::Both)
        .unwrap();
    store
        .reasons()
        .add_sub(
            id,
            "Banner sizes",
            casedesk_core::cj_account::Audience::Both,
        )
        .unwrap();
    let json = serde_json::to_string(&store.reasons().export().unwrap()).unwrap();

    let b = tempfile::tempdir().unwrap();
    let (other, _) = open(b.path());
    assert_eq!(
        other.reasons().import(&json).unwrap(),
        2,
        "one reason and one sub reason were missing"
    );
    assert_eq!(
        other.reasons().export().unwrap(),
        store.reasons().export().unwrap()
    );
    assert_eq!(
        other.reasons().import(&json).unwrap(),
        0,
        "importing twice adds nothing"
    );
    for bad in [
        "",
        "{}",
        "[]",
        "{\"version\":3,\"reasons\":[]}",
        "{\"version\":0,\"reasons\":[]}",
        "{\"version\":1,\"reasons\":[{\"name\":\"\"}]}",
        "{\"version\":1,\"reasons\":[],\"x\":1}",
    ] {
        assert_eq!(
            other.reasons().import(bad).unwrap_err().code(),
            "import_invalid",
            "{bad}"
        );
    }
    let before = other.reasons().export().unwrap();
    let half_bad = r#"{"version":1,"reasons":[{"name":"New one"},{"name":"Bad","subReasons":["ok", "line\nbreak"]}]}"#;
    assert!(other.reasons().import(half_bad).is_err());
    assert_eq!(
        other.reasons().export().unwrap(),
        before,
        "a failed import changes nothing"
    );
}

#[test]
fn keywords_and_templates_travel_with_the_catalogue_and_never_overwrite_what_is_set() {
    let a = tempfile::tempdir().unwrap();
    let (store, _) = open(a.path());
    let id = store
        .reasons()
        .add("Tracking", casedesk_core::cj_account::Audience::Both)
        .unwrap();
    let sub = store
        .reasons()
        .add_sub(
            id,
            "Pixel not firing",
            casedesk_core::cj_account::Audience::Both,
        )
        .unwrap();
    store
        .reasons()
        .add_sub(id, "Other", casedesk_core::cj_account::Audience::Both)
        .unwrap();
    let k = store.reason_keywords();
    k.set_reason_keywords(id, "tag, pixel, conversion").unwrap();
    k.set_sub_reason_keywords(sub, "not firing, 403").unwrap();
    k.set_template(id, "Page URL:\nTag ID:").unwrap();
    let export = store.reasons().export().unwrap();
    assert_eq!(export.version, CATALOGUE_VERSION);
    let json = serde_json::to_string(&export).unwrap();
    assert!(
        json.contains(r#"{"name":"Pixel not firing","keywords":"not firing, 403"}"#)
            && json.contains(r#""Other""#),
        "a sub reason with keywords is an object, one without is its bare name: {json}"
    );

    let b = tempfile::tempdir().unwrap();
    let (other, _) = open(b.path());
    let mine = other
        .reasons()
        .add("Tracking", casedesk_core::cj_account::Audience::Both)
        .unwrap();
    other
        .reason_keywords()
        .set_template(mine, "My own template")
        .unwrap();
    assert_eq!(
        other.reasons().import(&json).unwrap(),
        2,
        "two sub reasons added"
    );
    let got = other.reasons().list().unwrap();
    let tracking = got.iter().find(|r| r.name == "Tracking").unwrap();
    assert_eq!(
        tracking.keywords, "tag, pixel, conversion",
        "empty keywords are filled in"
    );
    assert_eq!(
        tracking.template, "My own template",
        "a template the user wrote is kept"
    );
    let pixel = tracking
        .sub_reasons
        .iter()
        .find(|s| s.name == "Pixel not firing")
        .unwrap();
    assert_eq!(pixel.keywords, "not firing, 403");

    // A version 1 file (names only) still imports.
    let v1 = r#"{"version":1,"reasons":[{"name":"From an older Casedesk","subReasons":["Its sub reason"]}]}"#;
    assert_eq!(other.reasons().import(v1).unwrap(), 2);

    // Oversized keywords or a NUL in a template are refused, and nothing of that file is kept.
    let before = other.reasons().export().unwrap();
    let long = "k".repeat(2001);
    for bad in [
        format!(r#"{{"version":2,"reasons":[{{"name":"New","keywords":"{long}"}}]}}"#),
        r#"{"version":2,"reasons":[{"name":"New","template":"a\u0000b"}]}"#.to_owned(),
        format!(
            r#"{{"version":2,"reasons":[{{"name":"New","subReasons":[{{"name":"S","keywords":"{long}"}}]}}]}}"#
        ),
        r#"{"version":2,"reasons":[{"name":"New","subReasons":[{"name":"S","extra":1}]}]}"#
            .to_owned(),
    ] {
        assert_eq!(
            other.reasons().import(&bad).unwrap_err().code(),
            "import_invalid",
            "{bad:.80}"
        );
    }
    assert_eq!(
        other.reasons().export().unwrap(),
        before,
        "a refused import changes nothing"
    );
}

#[test]
fn a_reason_with_too_many_sub_reasons_is_refused_and_the_largest_allowed_file_imports_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        casedesk_core::Store::open(dir.path(), std::sync::Arc::new(casedesk_core::SystemClock))
            .unwrap();
    let limit = casedesk_core::limits::CATALOGUE_MAX_SUB_REASONS;
    let subs = |n: usize| {
        (0..n)
            .map(|i| format!("\"S{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    // 60,000 sub reasons under one reason (0.9 MB): refused before anything is written, at once.
    let huge = format!(
        "{{\"version\":2,\"reasons\":[{{\"name\":\"Huge\",\"subReasons\":[{}]}}]}}",
        subs(60_000)
    );
    let t = std::time::Instant::now();
    let e = store.reasons().import(&huge).unwrap_err();
    assert_eq!(e.code(), casedesk_core::Code::ImportInvalid);
    assert!(e.to_string().contains("60000 sub reasons"), "{e}");
    assert!(
        t.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        t.elapsed()
    );
    assert!(store
        .reasons()
        .list()
        .unwrap()
        .iter()
        .all(|r| r.name != "Huge"));

    // The largest catalogue the limits allow within the file size: every reason at its sub reason
    // limit (as many as fit in 1 MB). One pass, one transaction.
    let mut reasons = Vec::new();
    let mut bytes = 0;
    for r in 0..casedesk_core::limits::CATALOGUE_MAX_REASONS {
        let one = format!(
            "{{\"name\":\"Reason {r}\",\"subReasons\":[{}]}}",
            subs(limit)
        );
        if bytes + one.len() + 64 > casedesk_core::limits::CATALOGUE_MAX_BYTES {
            break;
        }
        bytes += one.len() + 1;
        reasons.push(one);
    }
    let big = format!("{{\"version\":2,\"reasons\":[{}]}}", reasons.join(","));
    let t = std::time::Instant::now();
    let added = store.reasons().import(&big).unwrap();
    let took = t.elapsed();
    eprintln!(
        "largest allowed catalogue: {} bytes, {added} added in {took:?}",
        big.len()
    );
    assert!(
        added >= reasons.len() * (limit + 1) - reasons.len(),
        "{added}"
    );
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
    let too_many = format!(
        "{{\"version\":2,\"reasons\":[{{\"name\":\"Over\",\"subReasons\":[{}]}}]}}",
        subs(limit + 1)
    );
    assert!(store.reasons().import(&too_many).is_err());
}
