//! A case number found in mail lands on the right CJ account's draft (issue 21): the mail's To/Cc
//! address, or a CID/PID in its text, names the account when the user gave it one; when nothing tells
//! which of two like drafts it answers, the case is listed as found, never guessed.

use casedesk_core::cj_account::{CjAccount, CjKind};
use casedesk_core::cj_routes::CjRoutes;
use casedesk_core::draft::DraftInput;
use casedesk_core::source::mail::import::import_with;
use casedesk_core::source::mail::rules::Preset;
use casedesk_core::source::mail::MailSettings;
use casedesk_core::{FixedClock, Store};
use std::sync::Arc;

const SUBJECT: &str = "Commission report showing incorrect order values";

fn settings() -> MailSettings {
    MailSettings {
        enabled: true,
        host: "127.0.0.1".into(),
        user: "team@agency.example".into(),
        preset: Preset::Cj,
        senders: vec!["support@cj.com".into()],
        ..Default::default()
    }
}

fn routes() -> CjRoutes {
    let a = |id: &str, kind, cj_id: &str, addresses: &[&str]| CjAccount {
        id: id.into(),
        name: id.into(),
        kind,
        cj_id: cj_id.into(),
        addresses: addresses.iter().map(|s| s.to_string()).collect(),
    };
    CjRoutes::new(&[
        a(
            "acme",
            CjKind::Advertiser,
            "1234567",
            &["acme@agency.example"],
        ),
        a(
            "shoes",
            CjKind::Advertiser,
            "2345678",
            &["shoes@agency.example"],
        ),
    ])
}

/// A store with one draft per account, both with the same subject, both filed in CJ's form.
fn two_like_drafts() -> (tempfile::TempDir, Store, i64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_764_000_000_000))).unwrap();
    let mut ids = Vec::new();
    for account in ["acme", "shoes"] {
        let d = store.drafts().create_for(Some(account)).unwrap();
        let input = DraftInput {
            subject: SUBJECT.into(),
            cj_account: Some(account.into()),
            ..Default::default()
        };
        store.drafts().save(d.id, &input, false).unwrap();
        casedesk_core::submit::mark_submitted(&store, d.id).unwrap();
        ids.push(d.id);
    }
    (dir, store, ids[0], ids[1])
}

fn confirmation(number: &str, to: &str, cc: &str, text: &str) -> Vec<u8> {
    format!(
        "From: CJ Support <support@cj.com>\r\nTo: {to}\r\nCc: {cc}\r\nSubject: CJ Case # {number}: {SUBJECT}\r\nDate: Mon, 24 Nov 2025 16:00:00 +0000\r\nMessage-ID: <{number}@sf.example>\r\nContent-Type: text/plain\r\n\r\nCase #{number}: \"{SUBJECT}\" has been created.\r\n{text}\r\n"
    )
    .into_bytes()
}

fn draft_of(store: &Store, number: &str) -> Option<i64> {
    store.cases().find_number(number).unwrap().unwrap().draft_id
}

#[test]
fn the_mail_s_address_names_the_account_whose_draft_it_answers() {
    let (_d, store, acme, shoes) = two_like_drafts();
    let mail = confirmation(
        "00007001",
        "Team <team@agency.example>",
        "Shoes@Agency.example",
        "",
    );
    import_with(&store, &settings(), &routes(), &[("a.eml".into(), mail)]).unwrap();
    assert_eq!(
        draft_of(&store, "00007001"),
        Some(shoes),
        "the Cc names Shoes"
    );
    let mail = confirmation("00007002", "acme@agency.example", "team@agency.example", "");
    import_with(&store, &settings(), &routes(), &[("b.eml".into(), mail)]).unwrap();
    assert_eq!(draft_of(&store, "00007002"), Some(acme));
}

#[test]
fn a_cid_in_the_text_names_the_account() {
    let (_d, store, acme, _) = two_like_drafts();
    let mail = confirmation(
        "00007003",
        "team@agency.example",
        "team@agency.example",
        "Advertiser CID: 1234567",
    );
    import_with(&store, &settings(), &routes(), &[("c.eml".into(), mail)]).unwrap();
    assert_eq!(draft_of(&store, "00007003"), Some(acme));
}

#[test]
fn when_nothing_tells_which_account_the_case_is_found_not_guessed() {
    let (_d, store, acme, shoes) = two_like_drafts();
    let mail = confirmation("00007004", "team@agency.example", "team@agency.example", "");
    import_with(&store, &settings(), &routes(), &[("d.eml".into(), mail)]).unwrap();
    assert_eq!(
        draft_of(&store, "00007004"),
        None,
        "two like drafts: listed as found"
    );
    for id in [acme, shoes] {
        assert!(
            store.drafts().get(id).unwrap().submitted_at.is_none(),
            "both drafts still wait for their number"
        );
    }
    // A mail naming an account none of whose drafts it matches lands on no other account's draft.
    let (_d2, store, _, _) = two_like_drafts();
    let routes = CjRoutes::new(&[CjAccount {
        id: "blog".into(),
        name: "Blog".into(),
        kind: CjKind::Publisher,
        cj_id: "7654321".into(),
        addresses: vec!["blog@agency.example".into()],
    }]);
    let mail = confirmation("00007005", "blog@agency.example", "team@agency.example", "");
    import_with(&store, &settings(), &routes, &[("e.eml".into(), mail)]).unwrap();
    assert_eq!(draft_of(&store, "00007005"), None);
}

#[test]
fn a_case_found_in_the_team_s_shared_mailbox_with_no_draft_of_mine_was_filed_by_someone_else() {
    let (_d, store, acme, _) = two_like_drafts();
    let shared = MailSettings {
        shared: true,
        ..settings()
    };
    // A colleague's case: nothing of mine waits for it.
    let mail = "From: CJ Support <support@cj.com>\r\nTo: team@agency.example\r\nSubject: CJ Case # 00007100: Tag not firing on the thank-you page\r\nDate: Mon, 24 Nov 2025 16:00:00 +0000\r\nMessage-ID: <7100@sf.example>\r\nContent-Type: text/plain\r\n\r\nCase #00007100: \"Tag not firing on the thank-you page\" has been created.\r\n".to_string();
    let (_, changes) = import_with(
        &store,
        &shared,
        &routes(),
        &[("f.eml".into(), mail.into_bytes())],
    )
    .unwrap();
    let c = store.cases().find_number("00007100").unwrap().unwrap();
    assert!(c.by_colleague && c.draft_id.is_none());
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].notification().0,
        "Case 00007100 filed by someone else",
        "the notification says whose it is"
    );
    // My own case, found in the same shared mailbox, is mine.
    let mail = confirmation("00007101", "team@agency.example", "acme@agency.example", "");
    import_with(&store, &shared, &routes(), &[("g.eml".into(), mail)]).unwrap();
    let mine = store.cases().find_number("00007101").unwrap().unwrap();
    assert_eq!(mine.draft_id, Some(acme));
    assert!(!mine.by_colleague);
    // The same colleague's case found in my own mailbox is only "found in your e-mail".
    let (_d2, other, _, _) = two_like_drafts();
    let mail = "From: CJ Support <support@cj.com>\r\nTo: me@agency.example\r\nSubject: CJ Case # 00007102: Tag not firing on the thank-you page\r\nDate: Mon, 24 Nov 2025 16:00:00 +0000\r\nMessage-ID: <7102@sf.example>\r\nContent-Type: text/plain\r\n\r\nCase #00007102: \"Tag not firing\" has been created.\r\n".to_string();
    import_with(
        &other,
        &settings(),
        &routes(),
        &[("h.eml".into(), mail.into_bytes())],
    )
    .unwrap();
    assert!(
        !other
            .cases()
            .find_number("00007102")
            .unwrap()
            .unwrap()
            .by_colleague
    );
}

#[test]
fn a_case_follows_its_draft_s_account_in_the_filter_when_linked_unlinked_or_changed() {
    use casedesk_core::store::AccountFilter;
    let (_d, store, _, _) = two_like_drafts();
    let mail = confirmation("00007200", "team@agency.example", "team@agency.example", "");
    import_with(&store, &settings(), &routes(), &[("i.eml".into(), mail)]).unwrap();
    let c = store.cases().find_number("00007200").unwrap().unwrap();
    let shown = |f: AccountFilter| -> Vec<String> {
        store
            .cases()
            .list_page_for(50, None, &f)
            .unwrap()
            .into_iter()
            .map(|c| c.case_number)
            .collect()
    };
    let acme = || AccountFilter::Account("acme".into());
    assert_eq!(shown(AccountFilter::NoAccount), vec!["00007200"]);
    // Linked by the user to a new draft for Acme: it is Acme's.
    let d = store.drafts().create_for(Some("acme")).unwrap();
    store.cases().link_draft(c.id, d.id).unwrap();
    assert_eq!(shown(acme()), vec!["00007200"]);
    assert!(shown(AccountFilter::NoAccount).is_empty());
    assert_eq!(
        store.cases().get(c.id).unwrap().cj_account.as_deref(),
        Some("acme")
    );
    // A sent draft is not edited; were its account changed in the table, the case would follow.
    store
        .connection()
        .execute(
            "UPDATE drafts SET cj_account = 'shoes' WHERE id = ?1",
            [d.id],
        )
        .unwrap();
    assert_eq!(
        shown(AccountFilter::Account("shoes".into())),
        vec!["00007200"]
    );
    assert!(shown(acme()).is_empty());
    // Unlinked: of no account again.
    store.cases().unlink_draft(c.id).unwrap();
    assert_eq!(shown(AccountFilter::NoAccount), vec!["00007200"]);
}
