//! A reason catalogue per kind of CJ account (issue 21): the publishers' list and the advertisers'
//! list, from one catalogue where each entry says whose list it is in. A draft's reason is checked
//! against its account's list (and kept when it is not in it), the suggestion comes from that list and
//! learns from that kind's drafts, and each list exports and imports on its own.

use casedesk_core::cj_account::{Audience, CjAccount, CjKind, CjKinds};
use casedesk_core::draft::DraftInput;
use casedesk_core::editor;
use casedesk_core::store::Reason;
use casedesk_core::suggest::suggest_for;
use casedesk_core::{FixedClock, Store};
use std::sync::Arc;

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_765_000_000_000))).unwrap();
    (dir, store)
}

fn kinds() -> CjKinds {
    let account = |id: &str, kind| CjAccount {
        id: id.into(),
        name: id.into(),
        kind,
        cj_id: "1234567".into(),
        addresses: Vec::new(),
    };
    CjKinds::new(&[
        account("acme", CjKind::Advertiser),
        account("blog", CjKind::Publisher),
    ])
}

fn names(list: &[Reason]) -> Vec<String> {
    list.iter()
        .flat_map(|r| {
            std::iter::once(r.name.clone()).chain(
                r.sub_reasons
                    .iter()
                    .map(|s| format!("{} / {}", r.name, s.name)),
            )
        })
        .collect()
}

fn find(store: &Store, reason: &str, sub: &str) -> (i64, i64) {
    let list = store.reasons().list().unwrap();
    let r = list.iter().find(|r| r.name == reason).unwrap();
    (
        r.id,
        r.sub_reasons.iter().find(|s| s.name == sub).unwrap().id,
    )
}

#[test]
fn the_starting_set_gives_each_kind_the_reasons_that_fit_it() {
    let (_d, store) = open();
    let publisher = names(&store.reasons().list_for(Some(CjKind::Publisher)).unwrap());
    let advertiser = names(&store.reasons().list_for(Some(CjKind::Advertiser)).unwrap());
    let all = names(&store.reasons().list_for(None).unwrap());
    for (name, p, a) in [
        ("Payments / Missing Payment", true, false),
        ("Payments / Payment Settings", true, false),
        ("Payments / Invoices", false, true),
        ("Tracking & Conversion Tags / Tag Not Firing", false, true),
        (
            "Tracking & Conversion Tags / Links & Deep Links",
            true,
            false,
        ),
        (
            "Tracking & Conversion Tags / Missing or Incorrect Conversions",
            true,
            true,
        ),
        (
            "Commissions & Reporting / Corrections & Extensions",
            false,
            true,
        ),
        (
            "Programs & Partner Relationships / Publisher Recruitment",
            false,
            true,
        ),
        ("Data Transfer / Data Transfer General", true, true),
        ("Other", true, true),
    ] {
        assert_eq!(
            publisher.contains(&name.to_owned()),
            p,
            "{name} for publishers"
        );
        assert_eq!(
            advertiser.contains(&name.to_owned()),
            a,
            "{name} for advertisers"
        );
        assert!(
            all.contains(&name.to_owned()),
            "{name} in the whole catalogue"
        );
    }
}

#[test]
fn a_draft_s_reason_is_checked_against_its_account_s_list_and_kept_when_it_is_not_in_it() {
    let (_d, store) = open();
    let (tracking, tag_not_firing) = find(&store, "Tracking & Conversion Tags", "Tag Not Firing");
    let draft = store.drafts().create_for(Some("blog")).unwrap();
    let mut input = DraftInput {
        subject: "Conversion tag not firing on checkout".into(),
        description: "The tag does not fire.".into(),
        reason_id: Some(tracking),
        sub_reason_id: Some(tag_not_firing),
        cj_account: Some("blog".into()),
        ..Default::default()
    };
    let k = kinds();
    let out = editor::save_with(&store, draft.id, &input, &k).unwrap();
    let codes: Vec<&str> = out.check.problems.iter().map(|p| p.code).collect();
    assert_eq!(codes, vec!["sub_reason_other_kind"], "a publisher's draft");
    assert!(!out.check.ready);
    assert!(out.check.problems[0].message.contains("publishers’ list"));
    let stored = store.drafts().get(draft.id).unwrap();
    assert_eq!(
        (stored.reason_id, stored.sub_reason_id),
        (Some(tracking), Some(tag_not_firing)),
        "the choice is kept: the user may switch the account back"
    );

    // The same draft for the advertiser is ready; for no account (the whole catalogue) too.
    input.cj_account = Some("acme".into());
    let out = editor::save_with(&store, draft.id, &input, &k).unwrap();
    assert!(out.check.ready, "{:?}", out.check.problems);
    input.cj_account = None;
    assert!(
        editor::check_known(&store, Some(draft.id), &input, None, &k)
            .unwrap()
            .ready
    );
    // An account no longer kept sees the whole catalogue too.
    input.cj_account = Some("gone".into());
    assert!(
        editor::check_known(&store, Some(draft.id), &input, None, &k)
            .unwrap()
            .ready
    );

    // A reason only for advertisers, on a publisher's draft: the reason itself is flagged.
    let ads_only = store
        .reasons()
        .add("Creatives", Audience::Advertiser)
        .unwrap();
    input.reason_id = Some(ads_only);
    input.sub_reason_id = Some(tag_not_firing);
    input.cj_account = Some("blog".into());
    let out = editor::save_with(&store, draft.id, &input, &k).unwrap();
    assert_eq!(out.check.problems[0].code, "reason_other_kind");
    let stored = store.drafts().get(draft.id).unwrap();
    assert_eq!(
        (stored.reason_id, stored.sub_reason_id),
        (Some(ads_only), None),
        "a sub reason of another reason is not stored with it"
    );
}

#[test]
fn the_suggestion_comes_from_the_draft_s_list_and_learns_per_kind() {
    let (_d, store) = open();
    let k = kinds();
    let text = |account: &str, subject: &str| DraftInput {
        subject: subject.into(),
        description: "Please look into it.".into(),
        cj_account: Some(account.into()),
        ..Default::default()
    };
    let s = suggest_for(
        &store,
        None,
        &text("acme", "We were charged twice on our March invoice"),
        &k,
    )
    .unwrap()
    .unwrap();
    assert_eq!(s.sub_reason.as_deref(), Some("Invoices"));
    let s = suggest_for(
        &store,
        None,
        &text("blog", "We were charged twice on our March invoice"),
        &k,
    )
    .unwrap();
    assert_ne!(
        s.and_then(|s| s.sub_reason).as_deref(),
        Some("Invoices"),
        "not in the publishers' list"
    );

    // Three advertiser drafts teach "cashback voucher" → Perks; a publisher's draft is not taught.
    let perks = store.reasons().add("Perks", Audience::Both).unwrap();
    for n in 0..3 {
        let d = store.drafts().create_for(Some("acme")).unwrap();
        let input = DraftInput {
            subject: format!("Cashback voucher campaign {n}"),
            description: "The cashback voucher offer.".into(),
            reason_id: Some(perks),
            cj_account: Some("acme".into()),
            ..Default::default()
        };
        editor::save_with(&store, d.id, &input, &k).unwrap();
    }
    let s = suggest_for(&store, None, &text("acme", "Cashback voucher question"), &k)
        .unwrap()
        .unwrap();
    assert_eq!(s.reason, "Perks", "learnt from the advertisers' drafts");
    let s = suggest_for(&store, None, &text("blog", "Cashback voucher question"), &k).unwrap();
    assert_ne!(
        s.map(|s| s.reason).as_deref(),
        Some("Perks"),
        "a publisher's suggestion learns from publishers' drafts only"
    );
}

#[test]
fn each_list_exports_and_imports_on_its_own() {
    let (_d, store) = open();
    let export = store.reasons().export_for(Some(CjKind::Publisher)).unwrap();
    assert_eq!(export.kind, Some(CjKind::Publisher));
    let json = serde_json::to_string(&export).unwrap();
    assert!(json.contains("Missing Payment") && !json.contains("Invoices"));

    // Into another desk's advertisers' list: what it lacks is added for advertisers, and what its
    // publishers already had is from now on in both lists.
    let (_d2, other) = open();
    other
        .reasons()
        .add("Creatives", Audience::Publisher)
        .unwrap();
    let mut mine = store.reasons().export_for(Some(CjKind::Publisher)).unwrap();
    mine.reasons
        .push(serde_json::from_str(r#"{"name": "Coupons"}"#).unwrap());
    mine.reasons
        .push(serde_json::from_str(r#"{"name": "Creatives"}"#).unwrap());
    let added = other
        .reasons()
        .import_parsed_into(&mine, Some(CjKind::Advertiser))
        .unwrap();
    assert!(added >= 1);
    let list = other.reasons().list().unwrap();
    let audience = |name: &str| list.iter().find(|r| r.name == name).unwrap().audience;
    assert_eq!(audience("Coupons"), Audience::Advertiser);
    assert_eq!(audience("Creatives"), Audience::Both);
    let payments = list.iter().find(|r| r.name == "Payments").unwrap();
    let missing = payments
        .sub_reasons
        .iter()
        .find(|s| s.name == "Missing Payment")
        .unwrap();
    assert_eq!(missing.audience, Audience::Both);

    // A file of the whole catalogue (no kind, version 1 or 2) still imports.
    let whole = serde_json::to_string(&store.reasons().export().unwrap()).unwrap();
    assert!(!whole.contains("\"kind\""));
    assert_eq!(
        other.reasons().import(&whole).unwrap(),
        0,
        "both desks started from the same set"
    );
}

/// The ids of a reason's sub reasons, in the catalogue's order.
fn subs_of(store: &Store, reason: i64) -> Vec<i64> {
    let list = store.reasons().list().unwrap();
    let r = list.iter().find(|r| r.id == reason).unwrap();
    r.sub_reasons.iter().map(|s| s.id).collect()
}

#[test]
fn moving_within_one_list_keeps_the_other_list_s_order() {
    let (_d, store) = open();
    let (payments, missing) = find(&store, "Payments", "Missing Payment");
    let (_, settings) = find(&store, "Payments", "Payment Settings");
    let (_, invoices) = find(&store, "Payments", "Invoices");
    // Advertisers see only Invoices under Payments; publishers Missing Payment, Payment Settings.
    store
        .reasons()
        .shift_sub_in_list(settings, -1, Some(CjKind::Publisher))
        .unwrap();
    assert_eq!(subs_of(&store, payments), vec![settings, missing, invoices]);
    // Down in the publishers' list from the last place: nothing moves (Invoices is not in it).
    store
        .reasons()
        .shift_sub_in_list(missing, 1, Some(CjKind::Publisher))
        .unwrap();
    assert_eq!(subs_of(&store, payments), vec![settings, missing, invoices]);
}
