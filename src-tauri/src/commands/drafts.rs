//! Drafts: list, search, open, check, save, trash and restore; attachments by the native dialog or a
//! drop; the description template and system info.

use casedesk_core::draft::DraftInput;
use casedesk_core::editor::{self, AttachOutcome, DraftCheck, DraftView, SaveOutcome};
use casedesk_core::store::{DraftSummary, PageCursor, SearchHit};
use casedesk_core::sysinfo::SystemInfo;
use casedesk_core::{lint, Error, ErrorPayload};
use tauri::{AppHandle, Runtime};

use super::{blocking, Answer, LIST_MAX};
use crate::native;
use crate::state::AppState;

const SEARCH_MAX: u32 = 50;
const QUERY_MAX_BYTES: usize = 1000;

#[tauri::command]
pub async fn list_drafts<R: Runtime>(
    app: AppHandle<R>,
    limit: Option<u32>,
    after: Option<PageCursor>,
    account: Option<String>,
) -> Answer<Vec<DraftSummary>> {
    // Absent: every draft; "": those for no CJ account; else one account's.
    let filter = casedesk_core::store::AccountFilter::from_arg(account.as_deref())?;
    blocking(app, move |state| {
        let limit = limit.unwrap_or(LIST_MAX).min(LIST_MAX);
        state.with_reader(|s| s.drafts().list_page_for(limit, after, &filter))
    })
    .await
}

#[tauri::command]
pub async fn search_drafts<R: Runtime>(app: AppHandle<R>, query: String) -> Answer<Vec<SearchHit>> {
    blocking(app, move |state| {
        if query.len() > QUERY_MAX_BYTES {
            return Err(Error::field(
                "search",
                casedesk_core::Code::QueryTooLong,
                "The search is too long.",
            )
            .into());
        }
        // Searching reads on the read-only connection; only an index left behind by edits needs
        // the writer, briefly, to catch up.
        if state.with_reader(|s| s.drafts().index_is_stale())? {
            state.with_store(|s| {
                s.drafts().catch_up(None);
                Ok(())
            })?;
        }
        state.with_reader(|s| s.drafts().search_as_indexed(&query, SEARCH_MAX))
    })
    .await
}

/// Drafts and cases together, grouped (the sidebar's search).
#[tauri::command]
pub async fn search_everything<R: Runtime>(
    app: AppHandle<R>,
    query: String,
    account: Option<String>,
) -> Answer<casedesk_core::search::SearchResults> {
    use casedesk_core::search;
    // Absent: every draft and case; "": those for no CJ account; else one account's.
    let filter = casedesk_core::store::AccountFilter::from_arg(account.as_deref())?;
    blocking(app, move |state| {
        search::check_query(&query).map_err(ErrorPayload::from)?;
        if state.with_reader(search::is_stale)? {
            state.with_store(search::catch_up)?;
        }
        state.with_reader(|s| search::search_as_indexed_for(s, &query, SEARCH_MAX, &filter))
    })
    .await
}

#[tauri::command]
pub async fn create_draft<R: Runtime>(app: AppHandle<R>) -> Answer<DraftView> {
    blocking(app, move |state| {
        state.with_store(|s| {
            // A new draft is for the default CJ account.
            let prefs = casedesk_core::preferences::Preferences::load(s)?;
            let id = s
                .drafts()
                .create_for(prefs.default_cj_account.as_deref())?
                .id;
            editor::open_with(s, id, &prefs.cj_kinds())
        })
    })
    .await
}

#[tauri::command]
pub async fn open_draft<R: Runtime>(app: AppHandle<R>, id: i64) -> Answer<DraftView> {
    blocking(app, move |state| {
        state.with_store(|s| editor::open_with(s, id, &cj_kinds(s)?))
    })
    .await
}

#[tauri::command]
pub async fn check_draft<R: Runtime>(
    app: AppHandle<R>,
    id: Option<i64>,
    input: DraftInput,
    known: Option<String>,
) -> Answer<DraftCheck> {
    // The key of the secrets report the page shows (16 hex digits): the same report is not sent again.
    if known
        .as_deref()
        .is_some_and(|k| k.len() > 64 || !k.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(casedesk_core::Error::invalid(
            casedesk_core::Code::InvalidArgument,
            "The shown report's key is not one this app gave.",
        )
        .into());
    }
    blocking(app, move |state| {
        // A `.txt` attachment no scan has seen (the first check after a start) is scanned before the
        // store's lock is taken: an autosave never waits behind a 10 MB log.
        if let Some(id) = id {
            let files = state.with_store(|s| casedesk_core::secret_scan::draft::files_of(s, id))?;
            casedesk_core::secret_scan::draft::warm(&files);
        }
        state.with_store(|s| editor::check_known(s, id, &input, known.as_deref(), &cj_kinds(s)?))
    })
    .await
}

#[tauri::command]
pub async fn save_draft<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    input: DraftInput,
) -> Answer<SaveOutcome> {
    blocking(app, move |state| {
        state.with_store(|s| editor::save_with(s, id, &input, &cj_kinds(s)?))
    })
    .await
}

#[tauri::command]
pub async fn trash_draft<R: Runtime>(app: AppHandle<R>, id: i64) -> Answer<()> {
    blocking(app, move |state| state.with_store(|s| editor::trash(s, id))).await
}

#[tauri::command]
pub async fn restore_draft<R: Runtime>(app: AppHandle<R>, id: i64) -> Answer<DraftView> {
    blocking(app, move |state| {
        state.with_store(|s| editor::open_with(s, s.drafts().restore(id)?.id, &cj_kinds(s)?))
    })
    .await
}

/// Files dropped on the window.
#[tauri::command]
pub async fn attach_paths<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
    paths: Vec<String>,
) -> Answer<AttachOutcome> {
    blocking(app, move |state| {
        state.check_granted(&paths, "attachments")?;
        attach_outside_the_lock(state, draft_id, &paths)
    })
    .await
}

/// "Add files…": the native dialog, then the same checks as a drop. Cancelling adds nothing.
#[tauri::command]
pub async fn pick_attachments<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
) -> Answer<AttachOutcome> {
    blocking(app, move |state| {
        let paths = native::pick_attachment_files();
        attach_outside_the_lock(state, draft_id, &paths)
    })
    .await
}

/// Reading, hashing and copying up to 10 MB a file happens without the store lock, so autosave
/// in another draft is not held up by a large attachment; only the rows are written under it.
fn attach_outside_the_lock(
    state: &AppState,
    draft_id: i64,
    paths: &[String],
) -> Result<AttachOutcome, ErrorPayload> {
    state.with_store(|s| editor::ensure_editable(s, draft_id))?;
    let prepared = editor::prepare_files(&state.blob_dir()?, paths).map_err(ErrorPayload::from)?;
    state.with_store(|s| editor::attach_prepared(s, draft_id, prepared))
}

#[tauri::command]
pub async fn remove_attachment<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
    attachment_id: i64,
) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| editor::remove_attachment(s, draft_id, attachment_id))
    })
    .await
}

/// The chosen reason's template (Settings → Case reasons), else the general one.
#[tauri::command]
pub async fn description_template<R: Runtime>(
    app: AppHandle<R>,
    reason_id: Option<i64>,
) -> Answer<String> {
    blocking(app, move |state| {
        state.with_store(|s| {
            let own = match reason_id {
                Some(id) => s
                    .reasons()
                    .list()?
                    .into_iter()
                    .find(|r| r.id == id)
                    .map(|r| r.template)
                    .filter(|t| !t.trim().is_empty()),
                None => None,
            };
            Ok(own.unwrap_or_else(lint::description_template))
        })
    })
    .await
}

/// Reads files about the machine: a blocking thread.
#[tauri::command]
pub async fn system_info<R: Runtime>(app: AppHandle<R>) -> Answer<String> {
    blocking(app, |_| {
        Ok(SystemInfo::read(env!("CARGO_PKG_VERSION")).as_text())
    })
    .await
}

/// Each CJ account's kind: a draft's reason is checked against its account's list.
fn cj_kinds(
    store: &casedesk_core::Store,
) -> casedesk_core::Result<casedesk_core::cj_account::CjKinds> {
    Ok(casedesk_core::preferences::Preferences::load(store)?.cj_kinds())
}
