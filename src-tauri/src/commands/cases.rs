//! Cases: the list and the case page, submitting (through the filer, or the cj-web panel), recording a
//! number, "I've submitted it", linking or dismissing a case found in mail, statuses by hand, mute,
//! Check now, the outbox.

use casedesk_core::case_view::{self, CaseDetail};
use casedesk_core::filer::{cj_web, FilerKind};
use casedesk_core::filing::{self, SubmitOutcome};
use casedesk_core::preferences::Preferences;
use casedesk_core::store::{Case, OutboxItem, PageCursor};
use casedesk_core::{Error, ErrorPayload};
use serde::Serialize;
use tauri::State;

use super::{Answer, LIST_MAX};
use crate::{native, AppState};

#[tauri::command(async)]
pub fn list_cases(
    state: State<'_, AppState>,
    limit: Option<u32>,
    after: Option<PageCursor>,
) -> Answer<Vec<Case>> {
    let limit = limit.unwrap_or(LIST_MAX).min(LIST_MAX);
    state.with_store(|s| s.cases().list_page(limit, after))
}

fn case_detail(state: &AppState, id: i64) -> Answer<CaseDetail> {
    let filer = state.current_filer();
    state.with_store(|s| case_view::case_detail(s, id, filer.as_ref(), filer.submits()))
}

#[tauri::command(async)]
pub fn open_case(state: State<'_, AppState>, id: i64) -> Answer<CaseDetail> {
    case_detail(&state, id)
}

/// Sends a ready draft through the filer in use, or queues it in the outbox when its server is away.
#[tauri::command]
pub async fn submit_draft(state: State<'_, AppState>, draft_id: i64) -> Answer<SubmitOutcome> {
    let store = state.shared_store()?;
    let filer = state.current_filer();
    let outcome = filing::submit_draft(&store, filer.as_ref(), draft_id)
        .await
        .map_err(ErrorPayload::from)?;
    // The first status of a new case is worth reading now, not an interval from now.
    state.check_now();
    Ok(outcome)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldCopy {
    pub label: &'static str,
    pub value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CjWebView {
    pub fields: Vec<FieldCopy>,
    pub formatted: String,
    pub form_url: String,
    pub attachment_count: usize,
    /// The draft was marked "I've submitted it" and waits for its number.
    pub awaiting_number: bool,
    /// The mail source is on: the number will come by itself.
    pub mail_follows: bool,
}

/// The draft, field by field, for pasting into CJ's form.
#[tauri::command(async)]
pub fn cj_web_fields(state: State<'_, AppState>, draft_id: i64) -> Answer<CjWebView> {
    state.with_store(|s| {
        let token = filing::new_client_token(draft_id, s.now());
        let sub = filing::build_submission(s, draft_id, &token)?;
        let prefs = Preferences::load(s)?;
        let draft = s.drafts().get(draft_id)?;
        let reason = sub.reason.clone().unwrap_or_default();
        let sub_reason = sub.sub_reason.clone().unwrap_or_default();
        Ok(CjWebView {
            formatted: cj_web::formatted_case(
                &sub.subject,
                &sub.description,
                &reason,
                &sub_reason,
                &sub.cc,
            ),
            fields: vec![
                FieldCopy {
                    label: "Email Addresses to CC",
                    value: sub.cc.join(", "),
                },
                FieldCopy {
                    label: "Subject",
                    value: sub.subject,
                },
                FieldCopy {
                    label: "Description",
                    value: sub.description,
                },
                FieldCopy {
                    label: "Case Reason",
                    value: reason,
                },
                FieldCopy {
                    label: "Sub Reason",
                    value: sub_reason,
                },
            ],
            form_url: prefs.cj_form_url,
            attachment_count: sub.attachments.len(),
            awaiting_number: draft.awaiting_number_since.is_some(),
            mail_follows: prefs.mail.enabled,
        })
    })
}

#[tauri::command(async)]
pub fn open_cj_form(state: State<'_, AppState>) -> Answer<()> {
    let url = state.with_store(Preferences::load)?.cj_form_url;
    native::open_url(&url).map_err(ErrorPayload::from)
}

/// Opens a folder holding the draft's attachments under their original names.
#[tauri::command(async)]
pub fn show_attachments(state: State<'_, AppState>, draft_id: i64) -> Answer<String> {
    let dir = state.with_store(|s| {
        let atts = s.attachments();
        let files: Vec<_> = atts
            .list(draft_id)?
            .into_iter()
            .map(|a| (a.name.clone(), atts.blob_path(&a.sha256)))
            .collect();
        native::attachments_folder(s.dir(), draft_id, &files)
    })?;
    let shown = dir.display().to_string();
    if let Err(e) = native::open_folder(&dir) {
        tracing::warn!(error = %e, "no file manager could be opened");
    }
    Ok(shown)
}

/// Records a case number: for a draft filed in CJ's form, or a case filed elsewhere (no draft).
#[tauri::command(async)]
pub fn record_case(
    state: State<'_, AppState>,
    draft_id: Option<i64>,
    case_number: String,
    subject: Option<String>,
    filer: Option<String>,
) -> Answer<Case> {
    let kind = match filer.as_deref() {
        None => state.current_filer().kind(),
        Some(f) => FilerKind::parse(f).ok_or_else(|| {
            ErrorPayload::from(Error::field("filer", "filer_unknown", "Unknown filer."))
        })?,
    };
    let subject = subject.unwrap_or_default();
    state
        .with_store(|s| filing::record_case_number(s, draft_id, kind, &case_number, &subject))
        .inspect(|_| state.check_now())
}

/// "I've submitted it": the draft, filed in CJ's form, waits for its number from the confirmation mail.
#[tauri::command(async)]
pub fn mark_submitted(state: State<'_, AppState>, draft_id: i64) -> Answer<()> {
    state.with_store(|s| filing::mark_submitted(s, draft_id))?;
    state.check_now();
    Ok(())
}

/// Ties a case found in mail to the draft it answers.
#[tauri::command(async)]
pub fn link_case(state: State<'_, AppState>, case_id: i64, draft_id: i64) -> Answer<CaseDetail> {
    state.with_store(|s| s.cases().link_draft(case_id, draft_id))?;
    case_detail(&state, case_id)
}

/// Hides a case found in mail that is not the user's.
#[tauri::command(async)]
pub fn dismiss_case(state: State<'_, AppState>, case_id: i64) -> Answer<()> {
    state.with_store(|s| s.cases().dismiss(case_id))
}

/// Sets a status by hand (a cj-web case): history row, event, notification.
#[tauri::command(async)]
pub fn set_case_status(
    state: State<'_, AppState>,
    case_id: i64,
    status: String,
) -> Answer<CaseDetail> {
    let change = state.with_store(|s| filing::set_status_by_hand(s, case_id, &status))?;
    if let Some(change) = change {
        state.deliver(&change);
    }
    case_detail(&state, case_id)
}

#[tauri::command(async)]
pub fn set_case_muted(state: State<'_, AppState>, case_id: i64, muted: bool) -> Answer<()> {
    state.with_store(|s| s.cases().set_muted(case_id, muted))
}

#[tauri::command(async)]
pub fn watch_case(state: State<'_, AppState>, case_id: i64) -> Answer<()> {
    state.with_store(|s| s.cases().rewatch(case_id))?;
    state.check_now();
    Ok(())
}

#[tauri::command]
pub fn check_now(state: State<'_, AppState>) {
    state.check_now();
}

#[tauri::command(async)]
pub fn list_outbox(state: State<'_, AppState>) -> Answer<Vec<OutboxItem>> {
    state.with_store(|s| s.outbox().list())
}

#[tauri::command(async)]
pub fn open_case_in_browser(state: State<'_, AppState>, case_id: i64) -> Answer<()> {
    let url = case_detail(&state, case_id)?.url.ok_or_else(|| {
        ErrorPayload::from(Error::invalid(
            "no_url",
            "This case has no address to open.",
        ))
    })?;
    native::open_url(&url).map_err(ErrorPayload::from)
}
