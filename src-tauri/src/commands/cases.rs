//! Cases: the list and the case page, submitting (through the filer, or the cj-web panel), recording a
//! number, "I've submitted it", linking or dismissing a case found in mail, statuses by hand, mute,
//! Check now, the outbox.

use casedesk_core::case_view::{self, CaseDetail};
use casedesk_core::filer::FormField;
use casedesk_core::preferences::Preferences;
use casedesk_core::registry;
use casedesk_core::store::{AccountFilter, Case, OutboxItem, PageCursor};
use casedesk_core::submit::{self, SubmitOutcome};
use casedesk_core::{Error, ErrorPayload};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use super::{blocking, Answer, LIST_MAX};
use crate::{native, AppState};

#[tauri::command]
pub async fn list_cases<R: Runtime>(
    app: AppHandle<R>,
    limit: Option<u32>,
    after: Option<PageCursor>,
    account: Option<String>,
) -> Answer<Vec<Case>> {
    // Absent: every case; "": the cases of no CJ account; else one account's.
    let filter = AccountFilter::from_arg(account.as_deref())?;
    blocking(app, move |state| {
        let limit = limit.unwrap_or(LIST_MAX).min(LIST_MAX);
        state.with_reader(|s| s.cases().list_page_for(limit, after, &filter))
    })
    .await
}

fn case_detail(state: &AppState, id: i64) -> Answer<CaseDetail> {
    let filers = state.current_filers();
    state.with_store(|s| case_view::case_detail(s, id, &filers))
}

#[tauri::command]
pub async fn open_case<R: Runtime>(app: AppHandle<R>, id: i64) -> Answer<CaseDetail> {
    blocking(app, move |state| case_detail(state, id)).await
}

/// Sends a ready draft through the filer in use, or queues it in the outbox when its server is away.
#[tauri::command]
pub async fn submit_draft<R: Runtime>(app: AppHandle<R>, draft_id: i64) -> Answer<SubmitOutcome> {
    let (store, filer) = blocking(app.clone(), |state| {
        Ok((state.shared_store()?, state.current_filer()))
    })
    .await?;
    let outcome = submit::submit_draft(&store, filer.as_ref(), draft_id)
        .await
        .map_err(ErrorPayload::from)?;
    // The first status of a new case is worth reading now, not an interval from now.
    app.state::<AppState>().check_now();
    Ok(outcome)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandFilingView {
    pub fields: Vec<FormField>,
    pub formatted: String,
    pub form_url: String,
    pub attachment_count: usize,
    /// The draft was marked "I've submitted it" and waits for its number.
    pub awaiting_number: bool,
    /// A source that finds cases by itself is on (a mailbox followed): the number will come by itself.
    pub finds_cases: bool,
    /// The CJ account to be logged in as ("Acme Shoes, advertiser, CID 1234567"), when the draft
    /// names one.
    pub filing_for: Option<String>,
}

/// The draft, field by field, for filing it by hand in the form of the filer in use (CJ's web form).
#[tauri::command]
pub async fn hand_filing<R: Runtime>(app: AppHandle<R>, draft_id: i64) -> Answer<HandFilingView> {
    blocking(app, move |state| {
        let filer = state.current_filer();
        state.with_store(|s| {
            let token = submit::new_client_token(draft_id, s.now());
            // Only the fields and a count: no attachment is read under the store lock.
            let plan = submit::plan_submission(s, draft_id, &token)?;
            let form = filer.hand_form(plan.fields()).ok_or_else(sends_itself)?;
            let prefs = Preferences::load(s)?;
            let draft = s.drafts().get(draft_id)?;
            let account = draft
                .cj_account
                .as_deref()
                .and_then(|id| prefs.cj_account(id));
            let id_field = account.map(|a| FormField {
                label: a.kind.id_name(),
                value: a.cj_id.clone(),
            });
            Ok(HandFilingView {
                filing_for: account.map(|a| a.label()),
                formatted: form.formatted,
                fields: id_field.into_iter().chain(form.fields).collect(),
                form_url: form.url,
                attachment_count: plan.file_count(),
                awaiting_number: draft.awaiting_number_since.is_some(),
                finds_cases: casedesk_core::source::finds_cases(&prefs.slices),
            })
        })
    })
    .await
}

fn sends_itself() -> Error {
    Error::invalid(
        casedesk_core::Code::RemoteUnsupported,
        "The filer in use sends cases itself: press Submit.",
    )
}

/// Opens the form of the filer in use in the browser.
#[tauri::command]
pub async fn open_filing_form<R: Runtime>(app: AppHandle<R>) -> Answer<()> {
    blocking(app, move |state| {
        let url = state.current_filer().form_url().ok_or_else(sends_itself)?;
        crate::platform::opener::open_url(&url).map_err(ErrorPayload::from)
    })
    .await
}

/// Opens a folder holding the draft's attachments under their original names.
#[tauri::command]
pub async fn show_attachments<R: Runtime>(app: AppHandle<R>, draft_id: i64) -> Answer<String> {
    blocking(app, move |state| {
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
        if let Err(e) = crate::platform::opener::open_folder(&dir) {
            tracing::warn!(error = %e, "no file manager could be opened");
        }
        Ok(shown)
    })
    .await
}

/// Records a case number: for a draft filed in CJ's form, or a case filed elsewhere (no draft).
#[tauri::command]
pub async fn record_case<R: Runtime>(
    app: AppHandle<R>,
    draft_id: Option<i64>,
    case_number: String,
    subject: Option<String>,
    filer: Option<String>,
) -> Answer<Case> {
    blocking(app, move |state| {
        let filers = state.current_filers();
        let kind = match filer.as_deref() {
            None => filers.in_use().kind(),
            Some(f) => registry::filer_kind(f).ok_or_else(|| {
                ErrorPayload::from(Error::field(
                    "filer",
                    casedesk_core::Code::FilerUnknown,
                    "Unknown filer.",
                ))
            })?,
        };
        let subject = subject.unwrap_or_default();
        state
            .with_store(|s| {
                submit::record_case_number(s, &filers, draft_id, kind, &case_number, &subject)
            })
            .inspect(|_| state.check_now())
    })
    .await
}

/// "I've submitted it": the draft, filed in CJ's form, waits for its number from the confirmation mail.
#[tauri::command]
pub async fn mark_submitted<R: Runtime>(app: AppHandle<R>, draft_id: i64) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| submit::mark_submitted(s, draft_id))?;
        state.check_now();
        Ok(())
    })
    .await
}

/// Ties a case found in mail to the draft it answers.
#[tauri::command]
pub async fn link_case<R: Runtime>(
    app: AppHandle<R>,
    case_id: i64,
    draft_id: i64,
) -> Answer<CaseDetail> {
    blocking(app, move |state| {
        state.with_store(|s| s.cases().link_draft(case_id, draft_id))?;
        case_detail(state, case_id)
    })
    .await
}

/// Unties a case found in mail from its draft (the wrong draft was chosen): the draft waits for its
/// number again.
#[tauri::command]
pub async fn unlink_case<R: Runtime>(app: AppHandle<R>, case_id: i64) -> Answer<CaseDetail> {
    blocking(app, move |state| {
        state.with_store(|s| s.cases().unlink_draft(case_id))?;
        case_detail(state, case_id)
    })
    .await
}

/// Hides a case found in mail that is not the user's.
#[tauri::command]
pub async fn dismiss_case<R: Runtime>(app: AppHandle<R>, case_id: i64) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.cases().dismiss(case_id))
    })
    .await
}

/// Sets a status by hand (a cj-web case): history row, event, notification.
#[tauri::command]
pub async fn set_case_status<R: Runtime>(
    app: AppHandle<R>,
    case_id: i64,
    status: String,
) -> Answer<CaseDetail> {
    blocking(app, move |state| {
        let filers = state.current_filers();
        let change =
            state.with_store(|s| submit::set_status_by_hand(s, &filers, case_id, &status))?;
        if let Some(change) = change {
            state.deliver(&change);
        }
        case_detail(state, case_id)
    })
    .await
}

#[tauri::command]
pub async fn set_case_muted<R: Runtime>(
    app: AppHandle<R>,
    case_id: i64,
    muted: bool,
) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.cases().set_muted(case_id, muted))
    })
    .await
}

#[tauri::command]
pub async fn watch_case<R: Runtime>(app: AppHandle<R>, case_id: i64) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.cases().rewatch(case_id))?;
        state.check_now();
        Ok(())
    })
    .await
}

#[tauri::command]
pub fn check_now(state: State<'_, AppState>) {
    state.check_now();
}

/// "Retry" on an outbox item that needs attention: it goes with the next pass.
#[tauri::command]
pub async fn retry_outbox<R: Runtime>(app: AppHandle<R>, item_id: i64) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| submit::retry_outbox(s, item_id))?;
        state.check_now();
        Ok(())
    })
    .await
}

/// "Edit" on an outbox item: the draft comes back to the drafts list, editable.
#[tauri::command]
pub async fn take_back_outbox<R: Runtime>(app: AppHandle<R>, item_id: i64) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| submit::take_back_from_outbox(s, item_id))
    })
    .await
}

/// "Discard" on an outbox item: the draft goes to the trash.
#[tauri::command]
pub async fn discard_outbox<R: Runtime>(app: AppHandle<R>, item_id: i64) -> Answer<i64> {
    blocking(app, move |state| {
        state.with_store(|s| submit::discard_from_outbox(s, item_id))
    })
    .await
}

#[tauri::command]
pub async fn list_outbox<R: Runtime>(app: AppHandle<R>) -> Answer<Vec<OutboxItem>> {
    blocking(app, move |state| state.with_reader(|s| s.outbox().list())).await
}

#[tauri::command]
pub async fn open_case_in_browser<R: Runtime>(app: AppHandle<R>, case_id: i64) -> Answer<()> {
    blocking(app, move |state| {
        let url = case_detail(state, case_id)?.url.ok_or_else(|| {
            ErrorPayload::from(Error::invalid(
                casedesk_core::Code::NoUrl,
                "This case has no address to open.",
            ))
        })?;
        crate::platform::opener::open_url(&url).map_err(ErrorPayload::from)
    })
    .await
}
