//! Search everything: drafts and cases, the cases found by number, subject, a status in their timeline
//! or a reply's text; newest first; dismissed cases left out; the indexes catch up by themselves and
//! only when something was added.

use casedesk_core::draft::DraftInput;
use casedesk_core::search::search;
use casedesk_core::source::SourceKind;
use casedesk_core::store::{FoundInMail, HitIn};
use casedesk_core::{editor, Store, SystemClock};
use std::sync::Arc;

#[test]
fn cases_are_found_by_number_subject_status_and_reply_text_next_to_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
    let d = store.drafts().create().unwrap();
    editor::save(
        &store,
        d.id,
        &DraftInput {
            subject: "Commission report totals wrong".into(),
            description: "The report for October shows wrong totals.".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let older = store
        .cases()
        .add(
            "cj-web",
            "00111111",
            None,
            "Commission report for September",
            Some("New"),
        )
        .unwrap();
    let newer = store
        .cases()
        .add(
            "cj-web",
            "00222222",
            None,
            "Tag not firing on checkout",
            Some("New"),
        )
        .unwrap();
    store
        .cases()
        .record_status(newer.id, "Escalated", None, SourceKind::Mail, false)
        .unwrap();
    store
        .cases()
        .add_reply(
            older.id,
            "Our engineers found a rounding issue.",
            store.now(),
            "<r@x>",
        )
        .unwrap();
    assert!(store.cases().search_is_stale().unwrap());

    let r = search(&store, "commission report", 20).unwrap();
    assert_eq!(r.drafts.len(), 1, "the draft is in its group");
    assert_eq!(r.cases.len(), 1);
    assert_eq!(
        (r.cases[0].case.id, r.cases[0].matched_in),
        (older.id, HitIn::Case)
    );
    assert!(
        r.cases[0].snippet.contains("\u{2}Commission\u{3}"),
        "{}",
        r.cases[0].snippet
    );
    assert!(!store.cases().search_is_stale().unwrap(), "caught up");

    let by_number = search(&store, "00222222", 20).unwrap();
    assert_eq!(by_number.cases.len(), 1);
    assert_eq!(by_number.cases[0].case.id, newer.id);
    let by_status = search(&store, "escalat", 20).unwrap();
    assert_eq!(
        by_status
            .cases
            .iter()
            .map(|h| (h.case.id, h.matched_in))
            .collect::<Vec<_>>(),
        vec![(newer.id, HitIn::Timeline)]
    );
    let by_reply = search(&store, "rounding", 20).unwrap();
    assert_eq!(by_reply.cases[0].case.id, older.id);
    assert_eq!(by_reply.cases[0].matched_in, HitIn::Timeline);
    // Both cases started New: newest first.
    let both = search(&store, "new", 20).unwrap();
    assert_eq!(
        both.cases.iter().map(|h| h.case.id).collect::<Vec<_>>(),
        vec![newer.id, older.id]
    );

    // A case found in mail and dismissed is not listed.
    let (found, _) = store
        .cases()
        .add_from_mail(&FoundInMail {
            filer: casedesk_core::filer::cj_web::KIND,
            number: "00333333",
            draft_id: None,
            subject: "Payment question",
            status: None,
            at: store.now(),
            message_id: "<m@x>",
            by_colleague: false,
        })
        .unwrap();
    assert_eq!(search(&store, "00333333", 20).unwrap().cases.len(), 1);
    store.cases().dismiss(found.id).unwrap();
    assert!(search(&store, "00333333", 20).unwrap().cases.is_empty());
}

/// Only the search marks a match: U+0002/U+0003 in a reply or a draft (the snippet's markers) never
/// become marks, and bidi overrides do not reach the snippet.
#[test]
fn text_from_outside_cannot_forge_a_highlight() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
    let case = store
        .cases()
        .add("cj-web", "00444444", None, "Payout delayed", Some("New"))
        .unwrap();
    store
        .cases()
        .add_reply(
            case.id,
            "Please \u{2}click here\u{3} to verify payout for report_\u{202E}gnp.exe",
            store.now(),
            "<forged@x>",
        )
        .unwrap();
    let d = store.drafts().create().unwrap();
    editor::save(
        &store,
        d.id,
        &DraftInput {
            subject: "Payout \u{2}forged\u{3} question".into(),
            description: "payout missing".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let r = search(&store, "verify", 20).unwrap();
    let snippet = &r.cases[0].snippet;
    assert_eq!(snippet.matches('\u{2}').count(), 1, "{snippet:?}");
    assert!(snippet.contains("\u{2}verify\u{3}"), "{snippet:?}");
    assert!(!snippet.contains('\u{202E}'), "{snippet:?}");
    let r = search(&store, "question", 20).unwrap();
    let snippet = &r.drafts[0].snippet;
    assert_eq!(snippet.matches('\u{2}').count(), 1, "{snippet:?}");
    assert!(snippet.contains("\u{2}question\u{3}"), "{snippet:?}");
}

/// Text stored with bidi or control characters (by a caller that did not clean it, or by an older
/// release) is shown without them: the case list, the case page's timeline and the notifications
/// read it cleaned; a status a server sends with one is one change, not one at every check.
#[test]
fn stored_text_is_shown_without_bidi_controls_and_a_dirty_status_changes_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
    let case = store
        .cases()
        .add(
            "cj-web",
            "00555555",
            None,
            "Payout for report_\u{202E}gnp.exe",
            Some("New\u{2066}"),
        )
        .unwrap();
    let unsafe_char = |c: char| casedesk_core::text::is_bidi_control(c) || c == '\u{2}';
    let seen = store.cases().get(case.id).unwrap();
    assert_eq!(seen.subject, "Payout for report_gnp.exe");
    assert_eq!(seen.status.as_deref(), Some("New"));
    let listed = store.cases().list(10).unwrap();
    assert!(!listed[0].subject.contains(unsafe_char));

    store
        .cases()
        .add_reply(
            case.id,
            "Open report_\u{202E}gnp.exe\nthen \u{2}reply\u{3}",
            store.now(),
            "<reply@x>",
        )
        .unwrap();
    let first = store
        .cases()
        .record_status(case.id, "Pending\u{202E}", None, SourceKind::Poll, false)
        .unwrap();
    assert!(first.is_some(), "a new status is a change");
    let again = store
        .cases()
        .record_status(case.id, "Pending\u{202E}", None, SourceKind::Poll, false)
        .unwrap();
    assert!(again.is_none(), "the same dirty status again is no change");
    for entry in store.cases().history(case.id).unwrap() {
        for text in [&entry.body, &entry.old_status, &entry.new_status]
            .into_iter()
            .flatten()
        {
            assert!(!text.contains(unsafe_char), "{text:?}");
        }
    }
    let body = store
        .cases()
        .history(case.id)
        .unwrap()
        .into_iter()
        .find_map(|e| e.body)
        .unwrap();
    assert_eq!(body, "Open report_gnp.exe\nthen reply", "line breaks kept");
    for change in store.cases().pending_notifications().unwrap() {
        let shown = serde_json::to_string(&change).unwrap();
        assert!(!shown.contains('\u{202E}'), "{shown}");
        assert!(!change.subject.contains(unsafe_char), "{change:?}");
    }
}
