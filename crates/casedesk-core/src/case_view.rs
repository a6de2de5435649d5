//! What the case page shows and offers: the case, its timeline, the draft that was sent, where to see
//! it in a browser, the statuses the user may set by hand, whether a source follows it, and (for a case
//! found in mail) the drafts it could belong to.

use serde::Serialize;

use crate::error::Result;
use crate::filer::Filers;
use crate::preferences::Preferences;
use crate::store::{Case, DraftRecord, HistoryEntry, Origin, Store};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseDetail {
    pub case: Case,
    pub history: Vec<HistoryEntry>,
    pub draft: Option<DraftRecord>,
    pub url: Option<String>,
    /// The statuses the user may set by hand (its filer's); empty when a helpdesk sets them.
    pub statuses: Vec<String>,
    /// A status source follows this case, so "Check now" means something.
    pub can_check: bool,
    /// Found in mail and not yet tied to a draft: these drafts are offered.
    pub linkable_drafts: Vec<LinkableDraft>,
    /// The CJ account its draft was for ("Acme Shoes, advertiser, CID 1234567"), when it names one.
    pub account: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkableDraft {
    pub id: i64,
    pub subject: String,
}

/// The case page for `case_id`. `filers` are the ones the preferences built: the case's own gives its
/// link and its statuses by hand; the one in use says whether its polling source runs (it submits).
pub fn case_detail(store: &Store, case_id: i64, filers: &Filers) -> Result<CaseDetail> {
    let case = store.cases().get(case_id)?;
    let prefs = Preferences::load(store)?;
    let draft = match case.draft_id {
        Some(d) => store.drafts().get_any(d)?,
        None => None,
    };
    let in_use = filers.in_use();
    let same_filer = case.filer == in_use.kind();
    let own = filers.get(case.filer);
    let url = own.and_then(|f| f.case_url(&case.case_number));
    let linkable_drafts = if case.origin == Origin::Mail && case.draft_id.is_none() {
        store
            .drafts()
            .list(20)?
            .into_iter()
            .map(|d| LinkableDraft {
                id: d.id,
                subject: d.subject,
            })
            .collect()
    } else {
        Vec::new()
    };
    let account = draft
        .as_ref()
        .and_then(|d| d.cj_account.as_deref())
        .map(|id| match prefs.cj_account(id) {
            Some(a) => a.label(),
            None => format!("a CJ account no longer listed ({id})"),
        });
    Ok(CaseDetail {
        account,
        history: store.cases().history(case_id)?,
        url,
        statuses: own
            .map(|f| f.statuses_by_hand().to_vec())
            .unwrap_or_default(),
        can_check: crate::source::finds_cases(&prefs.slices) || (same_filer && in_use.submits()),
        linkable_drafts,
        draft,
        case,
    })
}
