//! The case page, recording a number and statuses by hand ask the case's own filer (`filer::Filers`,
//! built by the registry), not "is this CJ's web form?": an RT case keeps its link after the user
//! switched to CJ's web form, a CJ case offers the statuses in Settings, and a status by hand is
//! refused on a case whose filer's server says them.

use casedesk_core::case_view::case_detail;
use casedesk_core::filer::cj_web::{self, CjWebSettings};
use casedesk_core::preferences::Preferences;
use casedesk_core::registry;
use casedesk_core::rt::{self, RtSettings};
use casedesk_core::secrets::{MemorySecrets, Secrets};
use casedesk_core::store::Watch;
use casedesk_core::submit::{record_case_number, set_status_by_hand};
use casedesk_core::{Code, FixedClock, Store};
use std::sync::Arc;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_765_000_000_000))).unwrap();
    (dir, store)
}

fn secrets() -> Arc<dyn Secrets> {
    Arc::new(MemorySecrets::default())
}

#[test]
fn each_case_is_shown_by_its_own_filer_whichever_is_in_use() {
    let (_d, store) = store();
    let mut prefs = Preferences::default();
    let rt = RtSettings::new("https://rt.example.com", "General");
    prefs.set_slice(rt::KEY, rt.slice()).unwrap();
    let form = CjWebSettings {
        form_url: "https://members.cj.com/support".into(),
        ..Default::default()
    };
    prefs.set_slice(cj_web::KEY, form.slice()).unwrap();
    assert_eq!(
        prefs.filer, None,
        "the default filer (CJ's web form) in use, RT set up"
    );
    prefs.save(&store).unwrap();
    let filers = registry::filers(&prefs, &secrets());
    assert_eq!(filers.in_use().kind(), casedesk_core::filer::cj_web::KIND);
    assert!(
        filers.get(casedesk_core::rt::KIND).is_some(),
        "RT's settings build it"
    );

    let rt =
        record_case_number(&store, &filers, None, casedesk_core::rt::KIND, "77", "Tag").unwrap();
    assert_eq!(
        rt.status, None,
        "a polled filer's case waits for its first check"
    );
    let cj = record_case_number(
        &store,
        &filers,
        None,
        casedesk_core::filer::cj_web::KIND,
        "00001234",
        "Totals",
    )
    .unwrap();
    assert_eq!(
        cj.status.as_deref(),
        Some("New"),
        "the first of the statuses in Settings"
    );

    let page = case_detail(&store, rt.id, &filers).unwrap();
    assert_eq!(
        page.url.as_deref(),
        Some("https://rt.example.com/Ticket/Display.html?id=77"),
        "the RT case keeps its link"
    );
    assert!(page.statuses.is_empty(), "RT says an RT case's status");
    assert!(
        !page.can_check,
        "nothing follows RT while it is not in use (and no mailbox)"
    );
    let page = case_detail(&store, cj.id, &filers).unwrap();
    assert_eq!(page.url.as_deref(), Some("https://members.cj.com/support"));
    assert_eq!(page.statuses, form.statuses);

    let refused = set_status_by_hand(&store, &filers, rt.id, "Closed").unwrap_err();
    assert_eq!(refused.code(), Code::StatusUnknown);
    assert!(set_status_by_hand(&store, &filers, cj.id, "Made up").is_err());
    set_status_by_hand(&store, &filers, cj.id, "Closed").unwrap();
    let closed = store.cases().get(cj.id).unwrap();
    assert_eq!(closed.status.as_deref(), Some("Closed"));
    assert_ne!(
        closed.watch,
        Watch::Active,
        "a closing status ends the case"
    );
}

#[test]
fn a_filer_that_cannot_be_built_leaves_the_web_form_in_use_and_its_cases_without_a_link() {
    let (_d, store) = store();
    // RT chosen, but with no address it cannot be built.
    let prefs = Preferences {
        filer: Some(casedesk_core::rt::KIND),
        ..Default::default()
    };
    let filers = registry::filers(&prefs, &secrets());
    assert_eq!(filers.in_use().kind(), casedesk_core::filer::cj_web::KIND);
    assert!(filers.get(casedesk_core::rt::KIND).is_none());
    let rt = record_case_number(&store, &filers, None, casedesk_core::rt::KIND, "5", "").unwrap();
    let page = case_detail(&store, rt.id, &filers).unwrap();
    assert_eq!(page.url, None);
    assert!(page.statuses.is_empty());
}

/// The panel for filing by hand comes from the filer in use: CJ's web form lays the draft out as its
/// form labels it; a filer that sends cases itself has no form.
#[test]
fn the_hand_filing_form_is_the_web_forms_and_a_submitting_filer_has_none() {
    use casedesk_core::filer::Submission;
    let mut prefs = Preferences::default();
    let rt = RtSettings::new("https://rt.example.com", "General");
    prefs.set_slice(rt::KEY, rt.slice()).unwrap();
    let filers = registry::filers(&prefs, &secrets());
    let sub = Submission {
        subject: "Totals wrong".into(),
        description: "The report says 3.".into(),
        cc: vec!["a@example.com".into(), "b@example.com".into()],
        reason: Some("Reporting".into()),
        sub_reason: None,
        attachments: Vec::new(),
        client_token: "t".into(),
    };
    let form = filers
        .in_use()
        .hand_form(&sub)
        .expect("CJ's web form is filled by hand");
    assert_eq!(form.url, CjWebSettings::default().form_url);
    let labels: Vec<_> = form
        .fields
        .iter()
        .map(|f| (f.label, f.value.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("Email Addresses to CC", "a@example.com, b@example.com"),
            ("Subject", "Totals wrong"),
            ("Description", "The report says 3."),
            ("Case Reason", "Reporting"),
            ("Sub Reason", ""),
        ]
    );
    assert!(form
        .formatted
        .contains("Subject: Totals wrong\nCase Reason: Reporting\n"));
    let rt = filers.get(casedesk_core::rt::KIND).unwrap();
    assert!(rt.hand_form(&sub).is_none() && rt.form_url().is_none());
}
