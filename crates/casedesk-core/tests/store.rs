//! The store on real SQLite files in a temp dir: round trips, search, trash, catalogue, case numbers,
//! lists and the search index (the file itself — migrations, a full disk, damage — is `store_file.rs`).

use casedesk_core::draft::DraftInput;
use casedesk_core::editor;
use casedesk_core::{FixedClock, Store};
use std::sync::Arc;

fn open(dir: &std::path::Path) -> (Store, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(1_700_000_000_000));
    (Store::open(dir, clock.clone()).expect("store opens"), clock)
}

fn input(subject: &str, description: &str) -> DraftInput {
    DraftInput {
        subject: subject.into(),
        description: description.into(),
        ..Default::default()
    }
}

#[test]
fn saving_stores_exactly_what_was_typed_even_when_it_breaks_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (store, clock) = open(dir.path());
    let d = store.drafts().create().unwrap();
    let typed = DraftInput {
        subject: "x".repeat(400),
        description: "line one\n\tline two — ünïcødé 🚀".into(),
        reason_id: Some(9999),
        sub_reason_id: None,
        cc: "not-an-address, ok@example.com".into(),
        cj_account: None,
    };
    clock.advance(5);
    let out = editor::save(&store, d.id, &typed).unwrap();
    assert!(!out.check.ready);
    let codes: Vec<_> = out.check.problems.iter().map(|p| p.code).collect();
    assert_eq!(
        codes,
        vec!["subject_too_long", "reason_unknown", "cc_invalid"]
    );
    let back = store.drafts().get(d.id).unwrap();
    assert_eq!(
        back.subject, typed.subject,
        "an over-long subject is kept, not truncated"
    );
    assert_eq!(back.description, typed.description);
    assert_eq!(
        back.cc, typed.cc,
        "the CC text is kept as typed, typo included"
    );
    assert_eq!(
        back.reason_id, None,
        "an id not in the catalogue cannot be stored"
    );
    assert_eq!(back.revision, 1);
    assert_eq!(back.updated_at, 1_700_000_000_005);
}

#[test]
fn a_complete_draft_is_ready_and_sub_reason_is_required_only_where_there_are_some() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    let reasons = store.reasons().list().unwrap();
    let dt = reasons.iter().find(|r| r.name == "Data Transfer").unwrap();
    let other = reasons.iter().find(|r| r.name == "Other").unwrap();
    let d = store.drafts().create().unwrap();
    let mut inp = input(
        "Commission report showing incorrect order values",
        "Details here",
    );
    inp.reason_id = Some(dt.id);
    let out = editor::save(&store, d.id, &inp).unwrap();
    assert_eq!(
        out.check
            .problems
            .iter()
            .map(|p| p.code)
            .collect::<Vec<_>>(),
        vec!["sub_reason_required"]
    );
    inp.sub_reason_id = Some(dt.sub_reasons[0].id);
    assert!(editor::save(&store, d.id, &inp).unwrap().check.ready);
    assert!(
        store.drafts().list(10).unwrap()[0].ready,
        "the list shows the ready badge"
    );
    inp.reason_id = Some(other.id);
    let out = editor::save(&store, d.id, &inp).unwrap();
    assert_eq!(
        out.check.problems[0].code, "sub_reason_unknown",
        "a sub reason of another reason is caught"
    );
    inp.sub_reason_id = None;
    assert!(
        editor::save(&store, d.id, &inp).unwrap().check.ready,
        "'Other' has no sub reasons"
    );
}

#[test]
fn fts_search_finds_words_and_prefixes_and_hides_trashed_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    let mk = |s: &str, d: &str| {
        let r = store.drafts().create().unwrap();
        store.drafts().save(r.id, &input(s, d), false).unwrap();
        r.id
    };
    let a = mk(
        "Conversion tag not firing on checkout",
        "The pixel never loads on Safari",
    );
    let b = mk(
        "Commission report wrong",
        "Totals for October differ from the invoice",
    );
    let _c = mk("Payment missing", "Nothing arrived in the bank");
    let ids = |q: &str| {
        store
            .drafts()
            .search(q, 20)
            .unwrap()
            .iter()
            .map(|h| h.summary.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("checkout"), vec![a]);
    assert_eq!(ids("octo"), vec![b], "prefix search");
    assert_eq!(ids("safari pixel"), vec![a], "every word must match");
    assert_eq!(
        ids("NEAR( \"x"),
        Vec::<i64>::new(),
        "FTS syntax typed by a user is not an error"
    );
    let hit = &store.drafts().search("invoice", 20).unwrap()[0];
    assert!(
        hit.snippet.contains("\u{2}invoice\u{3}"),
        "the match is marked for highlighting: {:?}",
        hit.snippet
    );
    store.drafts().trash(a).unwrap();
    assert_eq!(
        ids("checkout"),
        Vec::<i64>::new(),
        "trashed drafts are not found"
    );
    store.drafts().restore(a).unwrap();
    assert_eq!(ids("checkout"), vec![a]);
    // An edit re-indexes.
    store
        .drafts()
        .save(b, &input("Invoice totals mismatch", "x"), false)
        .unwrap();
    assert_eq!(ids("october"), Vec::<i64>::new());
    assert_eq!(ids("mismatch"), vec![b]);
}

#[test]
fn trash_and_undo_restore_the_draft_with_its_attachments() {
    let dir = tempfile::tempdir().unwrap();
    let (store, clock) = open(dir.path());
    let d = store.drafts().create().unwrap();
    store
        .drafts()
        .save(d.id, &input("Report export fails", "d"), false)
        .unwrap();
    let f = dir.path().join("log.txt");
    std::fs::write(&f, "error 500 at 10:00\n").unwrap();
    let out = editor::attach(&store, d.id, &[f.display().to_string()]).unwrap();
    assert_eq!(out.added.len(), 1);
    store.drafts().trash(d.id).unwrap();
    assert!(
        store.drafts().get(d.id).is_err(),
        "a trashed draft is not editable"
    );
    assert_eq!(store.drafts().list(10).unwrap().len(), 0);
    assert_eq!(store.drafts().trashed(10).unwrap()[0].id, d.id);
    store.housekeeping().unwrap();
    let back = editor::open(&store, store.drafts().restore(d.id).unwrap().id).unwrap();
    assert_eq!(back.draft.subject, "Report export fails");
    assert_eq!(
        back.attachments.len(),
        1,
        "undo brings the attachments back"
    );
    assert!(
        store
            .attachments()
            .blob_path(&back.attachments[0].sha256)
            .exists(),
        "housekeeping kept the trashed draft's file"
    );
    // Old trash is purged at start, and its files with it.
    store.drafts().trash(d.id).unwrap();
    clock.advance(casedesk_core::store::TRASH_KEEP_MS + 1);
    let h = store.housekeeping().unwrap();
    assert_eq!((h.purged_drafts, h.removed_files), (1, 1));
    assert!(store.restore_is_gone(d.id));
}

trait Gone {
    fn restore_is_gone(&self, id: i64) -> bool;
}
impl Gone for Store {
    fn restore_is_gone(&self, id: i64) -> bool {
        self.drafts().restore(id).is_err()
    }
}

#[test]
fn a_similar_subject_in_another_draft_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    let first = store.drafts().create().unwrap();
    store
        .drafts()
        .save(
            first.id,
            &input("Commission report showing incorrect order values", ""),
            false,
        )
        .unwrap();
    let second = store.drafts().create().unwrap();
    let check = editor::check(
        &store,
        Some(second.id),
        &input("Commission report shows incorrect order values", ""),
    )
    .unwrap();
    assert_eq!(check.duplicate_of.map(|d| d.id), Some(first.id));
    let check = editor::check(
        &store,
        Some(second.id),
        &input("Conversion tag not firing on checkout", ""),
    )
    .unwrap();
    assert!(
        check.duplicate_of.is_none(),
        "an unrelated subject is no duplicate"
    );
    let check = editor::check(
        &store,
        Some(first.id),
        &input("Commission report showing incorrect order values", ""),
    )
    .unwrap();
    assert!(
        check.duplicate_of.is_none(),
        "a draft is not its own duplicate"
    );
}

#[test]
fn the_catalogue_is_editable_and_used_reasons_cannot_be_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    let r = store.reasons();
    let id = r
        .add(
            "  Creative Assets ",
            casedesk_core::cj_account::Audience::Both,
        )
        .unwrap();
    assert_eq!(
        r.add("creative assets", casedesk_core::cj_account::Audience::Both)
            .unwrap_err()
            .code(),
        "name_taken",
        "names are unique, case-insensitive"
    );
    assert_eq!(
        r.add("   ", casedesk_core::cj_account::Audience::Both)
            .unwrap_err()
            .code(),
        "name_required"
    );
    assert_eq!(
        r.add(&"x".repeat(121), casedesk_core::cj_account::Audience::Both)
            .unwrap_err()
            .code(),
        "name_invalid"
    );
    r.rename(id, "Creatives").unwrap();
    let sub = r
        .add_sub(
            id,
            "Banner sizes",
            casedesk_core::cj_account::Audience::Both,
        )
        .unwrap();
    r.add_sub(id, "Deep links", casedesk_core::cj_account::Audience::Both)
        .unwrap();
    r.shift_sub(sub, 1).unwrap();
    let list = r.list().unwrap();
    let me = list.iter().find(|x| x.id == id).unwrap();
    assert_eq!(
        me.sub_reasons
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Deep links", "Banner sizes"]
    );
    assert_eq!(list.last().unwrap().id, id, "a new reason goes last");
    r.shift(id, -1).unwrap();
    assert_eq!(
        r.list().unwrap().iter().rev().nth(1).unwrap().id,
        id,
        "moved up one place"
    );
    assert!(r.shift(id, 5).is_err(), "moves are one place at a time");

    let d = store.drafts().create().unwrap();
    let mut inp = input("s", "d");
    inp.reason_id = Some(id);
    inp.sub_reason_id = Some(sub);
    editor::save(&store, d.id, &inp).unwrap();
    assert_eq!(r.remove(id).unwrap_err().code(), "reason_in_use");
    assert_eq!(r.remove_sub(sub).unwrap_err().code(), "reason_in_use");
    store.drafts().trash(d.id).unwrap();
    assert_eq!(
        r.remove(id).unwrap_err().code(),
        "reason_in_use",
        "a trashed draft may come back"
    );
    let spare = r
        .add("Spare", casedesk_core::cj_account::Audience::Both)
        .unwrap();
    r.remove(spare).unwrap();
    assert_eq!(r.remove(spare).unwrap_err().code(), "not_found");
}

#[test]
fn case_numbers_are_normalised_validated_and_unique_per_filer() {
    use casedesk_core::source::SourceKind;
    use casedesk_core::store::normalise_case_number;
    for (raw, want) in [
        (" #01234567 ", Ok("01234567")),
        ("#  42", Ok("42")),
        ("CASE-7.a_b", Ok("CASE-7.a_b")),
    ] {
        assert_eq!(
            normalise_case_number(raw).map_err(|e| e.code()),
            want.map(str::to_owned),
            "{raw:?}"
        );
    }
    for (raw, code) in [
        ("", "case_number_required"),
        ("#", "case_number_required"),
        ("12 34", "case_number_invalid"),
        ("<b>1</b>", "case_number_invalid"),
        (&"9".repeat(65), "case_number_invalid"),
    ] {
        assert_eq!(
            normalise_case_number(raw).unwrap_err().code(),
            code,
            "{raw:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    let c = store
        .cases()
        .add("cj-web", "#100", None, "Filed by phone", Some("New"))
        .unwrap();
    assert_eq!(c.case_number, "100");
    assert_eq!(
        store
            .cases()
            .add("cj-web", " 100", None, "", None)
            .unwrap_err()
            .code(),
        "case_number_taken"
    );
    assert!(
        store.cases().add("rt", "100", None, "", None).is_ok(),
        "unique per filer, not across filers"
    );
    assert_eq!(
        store.cases().history(c.id).unwrap().len(),
        1,
        "the first status is history"
    );
    assert!(
        store.cases().pending_notifications().unwrap().is_empty(),
        "…but never news"
    );
    let change = store
        .cases()
        .record_status(c.id, "In Progress", None, SourceKind::Manual, false)
        .unwrap()
        .unwrap();
    assert_eq!(
        (change.old_status.as_deref(), change.new_status.as_deref()),
        (Some("New"), Some("In Progress"))
    );
    assert!(
        store
            .cases()
            .record_status(c.id, "In Progress", None, SourceKind::Manual, false)
            .unwrap()
            .is_none(),
        "the same status again is no change"
    );
    store
        .cases()
        .record_status(c.id, "Closed", None, SourceKind::Manual, true)
        .unwrap();
    assert_eq!(
        store.cases().get(c.id).unwrap().watch,
        casedesk_core::store::Watch::Stopped,
        "a terminal status set by hand stops watching"
    );
}

#[test]
fn lists_come_a_page_at_a_time_newest_first_with_ties_broken_by_id() {
    use casedesk_core::store::PageCursor;
    let dir = tempfile::tempdir().unwrap();
    let (store, clock) = open(dir.path());
    // 25 drafts and cases; every fifth shares its time with the one before, so the cursor's id counts.
    for i in 0..25 {
        if i % 5 != 0 {
            clock.advance(1000);
        }
        let d = store.drafts().create().unwrap();
        store
            .drafts()
            .save(d.id, &input(&format!("Draft {i:02}"), ""), false)
            .unwrap();
        store
            .cases()
            .add("cj-web", &format!("{:08}", 1000 + i), None, "", None)
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut after = None;
    for _ in 0..10 {
        let page = store.drafts().list_page(10, after).unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 10);
        after = page.last().map(|d| PageCursor {
            at: d.updated_at,
            id: d.id,
        });
        seen.extend(page.into_iter().map(|d| d.subject));
    }
    let expected: Vec<String> = (0..25).rev().map(|i| format!("Draft {i:02}")).collect();
    assert_eq!(seen, expected, "each draft once, newest first");
    assert_eq!(
        store.drafts().list(1000).unwrap().len(),
        25,
        "the first page without a cursor"
    );

    let mut numbers = Vec::new();
    let mut after = None;
    for _ in 0..10 {
        let page = store.cases().list_page(7, after).unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|c| PageCursor {
            at: c.created_at,
            id: c.id,
        });
        numbers.extend(page.into_iter().map(|c| c.case_number));
    }
    let expected: Vec<String> = (0..25).rev().map(|i| format!("{:08}", 1000 + i)).collect();
    assert_eq!(numbers, expected, "each case once, newest first");
}

#[test]
fn start_up_reads_use_indexes_not_table_scans() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open(dir.path());
    let plan = |sql: &str| -> String {
        let c = store.connection();
        let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        rows.join("\n")
    };
    // The catalogue's "used by" count (every start, and every Settings open).
    let p = plan(
        "SELECT r.id, (SELECT count(*) FROM drafts d WHERE d.reason_id = r.id AND d.deleted_at IS NULL)
         FROM case_reasons r ORDER BY r.position, r.id",
    );
    assert!(p.contains("drafts_by_reason"), "{p}");
    let p = plan("SELECT id FROM cases ORDER BY created_at DESC, id DESC LIMIT 50");
    assert!(
        p.contains("cases_by_created") && !p.contains("TEMP B-TREE"),
        "{p}"
    );
}

fn fts_matches(store: &Store, q: &str) -> i64 {
    store
        .connection()
        .query_row(
            "SELECT count(*) FROM drafts_fts WHERE drafts_fts MATCH ?1",
            [q],
            |r| r.get(0),
        )
        .unwrap()
}

fn fts_integrity(store: &Store) {
    // rank = 1: compare the index with the drafts table itself, not only with its own structure.
    store
        .connection()
        .execute(
            "INSERT INTO drafts_fts (drafts_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .expect("the search index matches the drafts exactly");
}

#[test]
fn autosaves_leave_the_index_to_catch_up_later_and_it_always_does() {
    let dir = tempfile::tempdir().unwrap();
    let (store, clock) = open(dir.path());
    let a = store.drafts().create().unwrap().id;
    let b = store.drafts().create().unwrap().id;
    store
        .drafts()
        .save(a, &input("Alpha report totals wrong", "first words"), false)
        .unwrap();
    store.drafts().reindex_stale(None).unwrap();
    fts_integrity(&store);
    // Three autosaves of the same draft: the index is not touched, the text is.
    for text in ["beta words", "gamma words", "delta words"] {
        store
            .drafts()
            .save(a, &input("Alpha report totals wrong", text), false)
            .unwrap();
    }
    assert_eq!(
        fts_matches(&store, "delta"),
        0,
        "not indexed inside the save"
    );
    assert_eq!(
        fts_matches(&store, "first"),
        1,
        "the old entry is still there"
    );
    // A search catches up first, so it always sees what was typed.
    let hits = store.drafts().search("delta", 20).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(store.drafts().search("gamma", 20).unwrap().is_empty());
    assert!(store.drafts().search("first", 20).unwrap().is_empty());
    fts_integrity(&store);

    // Editing one draft, then looking up duplicates for another, indexes the first.
    store
        .drafts()
        .save(
            a,
            &input("Payment for October missing from account", ""),
            false,
        )
        .unwrap();
    let similar = store
        .drafts()
        .similar_subject(b, "Payment for October missing from bank account")
        .unwrap();
    assert_eq!(
        similar.map(|s| s.id),
        Some(a),
        "the edited subject is found"
    );
    fts_integrity(&store);

    // A draft purged while its entry is stale leaves no trace in the index.
    store
        .drafts()
        .save(a, &input("Something else entirely here", "epsilon"), false)
        .unwrap();
    store.drafts().trash(a).unwrap();
    clock.advance(casedesk_core::store::TRASH_KEEP_MS + 1);
    assert_eq!(store.housekeeping().unwrap().purged_drafts, 1);
    fts_integrity(&store);
    assert_eq!(fts_matches(&store, "epsilon OR payment OR alpha"), 0);
}

#[test]
fn a_stale_index_entry_left_by_a_crash_is_caught_up_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let (store, _) = open(dir.path());
        let id = store.drafts().create().unwrap().id;
        store
            .drafts()
            .save(id, &input("Zeta subject words", "zeta"), false)
            .unwrap();
        id
        // Dropped with the entry stale, as a kill -9 would leave it.
    };
    let (store, _) = open(dir.path());
    store.housekeeping().unwrap();
    assert_eq!(fts_matches(&store, "zeta"), 1);
    let stale: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM drafts_fts_stale", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stale, 0);
    fts_integrity(&store);
    assert_eq!(store.drafts().search("zeta", 5).unwrap()[0].summary.id, id);
}
