//! A database written by release 0.1.0 (schema 5: one `provider` per case) opened by this build:
//! migration 0006 splits filers from status sources without losing a case, a history row, an outbox
//! item, a pending notification or a preference. The fixture was made by that release's own code
//! (`tests/fixtures/release-0.1.0.sqlite3`, with the preferences JSON it wrote beside it).

use casedesk_core::preferences::Preferences;
use casedesk_core::source::SourceKind;
use casedesk_core::store::{EventKind, Watch};
use casedesk_core::{FixedClock, Store};
use std::path::Path;
use std::sync::Arc;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn opened() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("release-0.1.0.sqlite3"),
        dir.path().join("casedesk.sqlite3"),
    )
    .unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_765_000_000_000))).unwrap();
    (dir, store)
}

#[test]
fn every_case_history_row_and_outbox_item_of_release_0_1_0_survives_the_split() {
    let (dir, store) = opened();
    assert!(
        dir.path().join("casedesk.sqlite3.before-v6").exists(),
        "the file is copied aside before migrating"
    );
    let cases = store.cases().list(100).unwrap();
    assert_eq!(cases.len(), 3, "no case lost");
    let by_number = |n: &str| cases.iter().find(|c| c.case_number == n).unwrap().clone();
    let cj = by_number("00001234");
    assert_eq!(cj.filer, casedesk_core::filer::cj_web::KIND);
    assert_eq!(cj.status.as_deref(), Some("In Progress"));
    let rt = by_number("17");
    assert_eq!(
        (rt.filer, rt.watch),
        (casedesk_core::rt::KIND, Watch::Final),
        "a final check stays due"
    );
    let elsewhere = by_number("00005678");
    assert!(elsewhere.muted, "muted stays muted");
    assert_eq!(
        elsewhere.last_error.as_deref(),
        Some("The case was not found on the server.")
    );

    let history: Vec<_> = [cj.id, rt.id, elsewhere.id]
        .iter()
        .flat_map(|id| store.cases().history(*id).unwrap())
        .collect();
    assert_eq!(history.len(), 6, "no history row lost");
    assert!(history.iter().all(|h| h.kind == EventKind::Status));
    let sources: Vec<SourceKind> = history.iter().map(|h| h.source).collect();
    assert_eq!(
        sources,
        vec![
            SourceKind::Added,
            SourceKind::Manual,
            SourceKind::Poll,
            SourceKind::Poll,
            SourceKind::Poll,
            SourceKind::Added
        ]
    );
    let pending = store.cases().pending_notifications().unwrap();
    assert_eq!(
        pending.len(),
        2,
        "changes stored but not notified are still due: {pending:?}"
    );
    assert!(pending
        .iter()
        .any(|p| p.new_status.as_deref() == Some("resolved")
            && p.old_status.as_deref() == Some("open")));
    assert!(pending
        .iter()
        .any(|p| p.new_status.as_deref() == Some("In Progress")));

    let outbox = store.outbox().list().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(
        outbox[0].client_token, "cd-0123456789abcdef0123456789abcdef",
        "the retry token is kept"
    );
    assert_eq!(outbox[0].filer, "rt", "its `provider` is its filer (0018)");
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let fk: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0, "no dangling references after the rebuild");
}

#[test]
fn preferences_written_by_release_0_1_0_keep_every_value_and_gain_the_mail_defaults() {
    let (_dir, store) = opened();
    let p = Preferences::load(&store).unwrap();
    assert_eq!(p.filer, Some(casedesk_core::rt::KIND));
    let rt = casedesk_core::rt::RtSettings::from_slice(p.slice(casedesk_core::rt::KEY));
    assert_eq!(
        (rt.base_url.as_str(), rt.queue.as_str()),
        ("https://rt.example.com", "Support"),
        "release 0.1.0's flat RT fields are RT's slice"
    );
    assert_eq!(p.poll_interval_secs, 600);
    assert!(!p.notifications);
    let cj = casedesk_core::filer::cj_web::CjWebSettings::from_slice(
        p.slice(casedesk_core::filer::cj_web::KEY),
    );
    assert_eq!(cj.statuses, vec!["New", "Working", "Closed"]);
    assert!(
        crate::support::mailboxes(&p).is_empty(),
        "no mailbox is followed yet"
    );
    // The JSON written by that release, read as the store reads it: the same.
    let json = std::fs::read_to_string(fixtures().join("release-0.1.0-preferences.json")).unwrap();
    let (direct, bad) = Preferences::from_json(&json);
    assert!(bad.is_empty());
    assert_eq!(direct, p);
    assert!(p.unknown.is_empty(), "no flat field is left over");
}

#[test]
fn a_case_from_release_0_1_0_takes_a_mail_status_and_a_reply() {
    let (_dir, store) = opened();
    let c = store.cases().find("cj-web", "00001234").unwrap().unwrap();
    let change = store
        .cases()
        .record(
            c.id,
            &casedesk_core::store::Observation {
                status: "Closed",
                remote_updated: None,
                source: SourceKind::Mail,
                terminal: true,
                at: Some(1_764_900_000_000),
                message_id: Some("m1@example"),
            },
        )
        .unwrap()
        .expect("a change");
    assert_eq!(change.old_status.as_deref(), Some("In Progress"));
    assert!(store
        .cases()
        .add_reply(c.id, "Fixed.", 1_764_900_000_001, "m2@example")
        .unwrap()
        .is_some());
    assert!(
        store
            .cases()
            .add_reply(c.id, "Fixed.", 1_764_900_000_001, "m2@example")
            .unwrap()
            .is_none(),
        "the same mail's reply is stored once"
    );
    assert_eq!(
        store.cases().get(c.id).unwrap().watch,
        Watch::Stopped,
        "a closing status by mail stops the case"
    );
}

/// A data folder written by the single-mailbox release (e8cb6ce, the last before several accounts),
/// made by that release's own code after it followed a mailbox: two folder cursors, a sync state, a
/// mail read. This build reads it as the first account, with nothing for the user to do.
#[test]
fn the_single_mailbox_release_s_mailbox_becomes_the_first_account_with_its_cursors() {
    use casedesk_core::secrets::{MemorySecrets, Secrets};
    use casedesk_core::source::mail::{self, account};
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("single-mailbox-e8cb6ce.sqlite3"),
        dir.path().join("casedesk.sqlite3"),
    )
    .unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_765_000_000_000))).unwrap();
    let p = Preferences::load(&store).unwrap();
    assert_eq!(p.poll_interval_secs, 120, "the other preferences are kept");
    let boxes = crate::support::mailboxes(&p);
    assert_eq!(boxes.len(), 1);
    let first = &boxes[0];
    assert_eq!(first.id, account::FIRST_ID);
    assert!(first.settings.enabled);
    assert_eq!(first.settings.host, "imap.example.com");
    assert_eq!(first.settings.user, "me@example.com");
    assert_eq!(first.settings.folders, vec!["INBOX", "Cases"]);
    assert_eq!(first.settings.look_back_days, 30);
    assert!(
        !p.unknown.contains_key("mail"),
        "the old field is not kept twice"
    );
    let inbox = store
        .mail_folders()
        .cursor("mail", "INBOX")
        .unwrap()
        .unwrap();
    assert_eq!(
        (inbox.uid_validity, inbox.last_uid),
        (7, 42),
        "no mail is read again"
    );
    let cases = store
        .mail_folders()
        .cursor("mail", "Cases")
        .unwrap()
        .unwrap();
    assert_eq!((cases.uid_validity, cases.last_uid), (9, 5));
    assert!(store
        .mail_folders()
        .cursor("team", "INBOX")
        .unwrap()
        .is_none());
    let state = mail::sync_state(&store, &boxes).unwrap();
    assert_eq!(state.accounts.len(), 1);
    assert_eq!(state.accounts[0].state.detail.as_deref(), Some("read 3"));
    assert_eq!(state.counts.ignored, 1, "the mail it read stays read");
    // Its password was stored under the plain name: the first account still finds it there.
    let keyring: Arc<dyn Secrets> = Arc::new(MemorySecrets::with(&[(
        casedesk_core::source::mail::account::MAIL_PASSWORD,
        "pw",
    )]));
    assert_eq!(
        first
            .secrets(&keyring)
            .get(casedesk_core::source::mail::account::MAIL_PASSWORD)
            .unwrap(),
        Some("pw".into())
    );
    // Drafts gain the CJ account they are for (migration 0014); an older draft names none.
    let d = store.drafts().create_for(Some("acme")).unwrap();
    assert_eq!(
        store.drafts().get(d.id).unwrap().cj_account.as_deref(),
        Some("acme")
    );
    assert_eq!(store.drafts().create().unwrap().cj_account, None);
    // The catalogue gains whose list each entry is in (migration 0015): the starting set split by
    // kind, every draft's reason kept; a case of the old release was not filed by a colleague (0016).
    use casedesk_core::cj_account::{Audience, CjKind};
    let reasons = store.reasons().list().unwrap();
    let payments = reasons.iter().find(|r| r.name == "Payments").unwrap();
    assert_eq!(payments.audience, Audience::Both);
    let sub = |name: &str| {
        payments
            .sub_reasons
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .audience
    };
    assert_eq!(sub("Invoices"), Audience::Advertiser);
    assert_eq!(sub("Missing Payment"), Audience::Publisher);
    assert!(store
        .reasons()
        .list_for(Some(CjKind::Publisher))
        .unwrap()
        .iter()
        .all(|r| r.sub_reasons.iter().all(|s| s.name != "Invoices")));
    let all = store.cases().list(100).unwrap();
    assert!(all
        .iter()
        .all(|c| !c.by_colleague && c.cj_account.is_none()));
    assert_eq!(
        store
            .cases()
            .list_page_for(100, None, &casedesk_core::store::AccountFilter::NoAccount)
            .unwrap()
            .len(),
        all.len(),
        "every old case is of no account"
    );
    // Saving again changes nothing of the cursors (the account did not change).
    let shown = casedesk_core::registry::with_defaults(p.clone());
    casedesk_core::registry::save(&shown, &store).unwrap();
    assert!(store
        .mail_folders()
        .cursor("mail", "INBOX")
        .unwrap()
        .is_some());
    let stored: serde_json::Value =
        serde_json::from_str(&store.settings().get("preferences").unwrap().unwrap()).unwrap();
    assert_eq!(
        stored["slices"]["mail"]["version"], 1,
        "saved as the mail source's slice, at its version"
    );
    assert_eq!(
        stored["slices"]["mail"]["settings"]["accounts"][0]["id"],
        "mail"
    );
    assert!(stored.get("mail").is_none() && stored.get("mailAccounts").is_none());
}

#[test]
fn a_never_filled_mailbox_of_the_single_mailbox_release_is_no_account() {
    let (p, bad) = Preferences::from_json(
        r#"{"mail":{"enabled":false,"host":"","user":"","folders":["INBOX"]},"pollIntervalSecs":90}"#,
    );
    assert!(bad.is_empty());
    assert!(crate::support::mailboxes(&p).is_empty());
    assert_eq!(p.poll_interval_secs, 90);
    let (p, _) = Preferences::from_json(r#"{"mail":{"enabled":"yes"}}"#);
    assert!(crate::support::mailboxes(&p).is_empty());
    assert_eq!(
        p.slice("mail")
            .map(|s| (s.version, s.settings["mail"]["enabled"].clone())),
        Some((0, serde_json::json!("yes"))),
        "an unreadable one is kept as it was, not lost"
    );
    assert_eq!(
        casedesk_core::registry::with_defaults(p.clone()).slice("mail"),
        p.slice("mail"),
        "and shown as it was, not replaced by no mailbox"
    );
}

/// Schema 17 (the release before 0018) wrote "provider_*" error codes and an outbox `provider`:
/// made here from a fresh store taken back to it, then opened by this build.
#[test]
fn provider_codes_and_the_outbox_provider_of_schema_17_become_remote_codes_and_a_filer() {
    let dir = tempfile::tempdir().unwrap();
    let clock = || Arc::new(FixedClock::new(1_765_000_000_000));
    {
        let store = Store::open(dir.path(), clock()).unwrap();
        let s = store.source_states();
        s.failed("mail:a", "provider_auth", "The password was refused.")
            .unwrap();
        s.failed("rt", "provider_server_error", "RT answered 502.")
            .unwrap();
        s.failed("mail:b", "mail_login_refused", "Refused.")
            .unwrap();
        store
            .connection()
            .execute_batch(
                "ALTER TABLE outbox RENAME COLUMN filer TO provider; PRAGMA user_version = 17;",
            )
            .unwrap();
    }
    let store = Store::open(dir.path(), clock()).unwrap();
    let code = |s: &str| store.source_states().get(s).unwrap().last_error_code;
    assert_eq!(code("mail:a").as_deref(), Some("remote_auth"));
    assert_eq!(code("rt").as_deref(), Some("remote_server_error"));
    assert_eq!(
        code("mail:b").as_deref(),
        Some("mail_login_refused"),
        "others kept"
    );
    for c in [code("mail:a"), code("rt")] {
        let c = c.unwrap();
        assert!(
            casedesk_core::Code::ALL.iter().any(|k| k.as_str() == c),
            "{c} is a code the UI knows"
        );
    }
    assert!(store.outbox().list().unwrap().is_empty());
    let cols: Vec<String> = store
        .connection()
        .prepare("SELECT name FROM pragma_table_info('outbox')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(cols.contains(&"filer".to_string()) && !cols.contains(&"provider".to_string()));
}

/// Migration 0019 makes `cases` and `status_history` again without the lists of filers and sources in
/// their checks: every row, link and trigger survives, foreign keys are on again, and a filer the
/// schema never heard of is a row like any other (no table rebuild for a new filer or source).
#[test]
fn cases_and_their_timelines_of_schema_18_survive_losing_the_filer_and_source_checks() {
    use casedesk_core::store::MIGRATIONS;
    let dir = tempfile::tempdir().unwrap();
    let clock = || Arc::new(FixedClock::new(1_765_000_000_000));
    let (case_id, draft_id) = {
        let store = Store::open_with(dir.path(), clock(), &MIGRATIONS[..18]).unwrap();
        let draft = store.drafts().create_for(Some("acme")).unwrap();
        let case = store
            .cases()
            .add(
                "cj-web",
                "00004321",
                Some(draft.id),
                "Totals wrong in report",
                Some("New"),
            )
            .unwrap();
        store
            .cases()
            .record_status(case.id, "Closed", None, SourceKind::Manual, true)
            .unwrap();
        store
            .cases()
            .add("rt", "77", None, "Tag does not fire", None)
            .unwrap();
        let schema18 = schema(&store);
        assert!(schema18.contains("'cj-web'"), "schema 18 lists the filers");
        (case.id, draft.id)
    };
    let store = Store::open(dir.path(), clock()).unwrap();
    assert!(dir.path().join("casedesk.sqlite3.before-v19").exists());
    let schema = schema(&store);
    for list in ["filer IN", "source IN"] {
        assert!(
            !schema.contains(list),
            "no check in the schema lists: {list}"
        );
    }
    for name in casedesk_core::registry::FILERS
        .iter()
        .map(|r| r.kind.as_str())
    {
        assert!(
            !schema.contains(&format!("'{name}'")),
            "the schema does not name the filer {name}"
        );
    }

    let case = store.cases().get(case_id).unwrap();
    assert_eq!(
        (
            case.filer,
            case.status.as_deref(),
            case.cj_account.as_deref()
        ),
        (
            casedesk_core::filer::cj_web::KIND,
            Some("Closed"),
            Some("acme")
        )
    );
    let history = store.cases().history(case_id).unwrap();
    assert_eq!(history.len(), 2, "the timeline is kept");
    assert_eq!(store.cases().list(10).unwrap().len(), 2);
    let found = casedesk_core::search::search(&store, "Totals", 10).unwrap();
    assert_eq!(
        found.cases.len(),
        1,
        "the search index still matches the rows"
    );

    let c = store.connection();
    let on: i64 = c
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(on, 1, "foreign keys are on again after migrating");
    c.execute(
        "UPDATE drafts SET cj_account = 'globex' WHERE id = ?1",
        [draft_id],
    )
    .unwrap();
    assert_eq!(
        store.cases().get(case_id).unwrap().cj_account.as_deref(),
        Some("globex"),
        "the draft's trigger still reaches the new table"
    );
    c.execute(
        "INSERT INTO cases (filer, case_number, created_at) VALUES ('zendesk', '9', 1)",
        [],
    )
    .expect("a filer the schema never heard of needs no rebuild");
    c.execute(
        "INSERT INTO status_history (case_id, kind, new_status, at, source) VALUES (?1, 'status', 'Open', 2, 'jira')",
        [case_id],
    )
    .expect("nor does a new source");
    c.execute("DELETE FROM cases WHERE id = ?1", [case_id])
        .unwrap();
    let left: i64 = c
        .query_row(
            "SELECT count(*) FROM status_history WHERE case_id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        left, 0,
        "deleting a case still takes its timeline (ON DELETE CASCADE)"
    );
}

fn schema(store: &Store) -> String {
    store
        .connection()
        .prepare("SELECT group_concat(sql, char(10)) FROM sqlite_master WHERE sql IS NOT NULL")
        .unwrap()
        .query_row([], |r| r.get(0))
        .unwrap()
}
