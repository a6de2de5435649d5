//! Drafts: list, search, open, check, save, trash and restore; attachments by the native dialog or a
//! drop; the description template and system info.

use casedesk_core::draft::DraftInput;
use casedesk_core::drafting::{self, AttachOutcome, DraftCheck, DraftView, SaveOutcome};
use casedesk_core::store::{DraftSummary, PageCursor, SearchHit};
use casedesk_core::sysinfo::SystemInfo;
use casedesk_core::{lint, Error};
use tauri::State;

use super::{Answer, LIST_MAX};
use crate::{native, AppState};

const SEARCH_MAX: u32 = 50;
const QUERY_MAX_BYTES: usize = 1000;

#[tauri::command(async)]
pub fn list_drafts(
    state: State<'_, AppState>,
    limit: Option<u32>,
    after: Option<PageCursor>,
) -> Answer<Vec<DraftSummary>> {
    let limit = limit.unwrap_or(LIST_MAX).min(LIST_MAX);
    state.with_store(|s| s.drafts().list_page(limit, after))
}

#[tauri::command(async)]
pub fn search_drafts(state: State<'_, AppState>, query: String) -> Answer<Vec<SearchHit>> {
    if query.len() > QUERY_MAX_BYTES {
        return Err(Error::field("search", "query_too_long", "The search is too long.").into());
    }
    state.with_store(|s| s.drafts().search(&query, SEARCH_MAX))
}

#[tauri::command(async)]
pub fn create_draft(state: State<'_, AppState>) -> Answer<DraftView> {
    state.with_store(|s| drafting::open(s, s.drafts().create()?.id))
}

#[tauri::command(async)]
pub fn open_draft(state: State<'_, AppState>, id: i64) -> Answer<DraftView> {
    state.with_store(|s| drafting::open(s, id))
}

#[tauri::command(async)]
pub fn check_draft(
    state: State<'_, AppState>,
    id: Option<i64>,
    input: DraftInput,
) -> Answer<DraftCheck> {
    state.with_store(|s| drafting::check(s, id, &input))
}

#[tauri::command(async)]
pub fn save_draft(state: State<'_, AppState>, id: i64, input: DraftInput) -> Answer<SaveOutcome> {
    state.with_store(|s| drafting::save(s, id, &input))
}

#[tauri::command(async)]
pub fn trash_draft(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.with_store(|s| s.drafts().trash(id))
}

#[tauri::command(async)]
pub fn restore_draft(state: State<'_, AppState>, id: i64) -> Answer<DraftView> {
    state.with_store(|s| drafting::open(s, s.drafts().restore(id)?.id))
}

/// Files dropped on the window.
#[tauri::command(async)]
pub fn attach_paths(
    state: State<'_, AppState>,
    draft_id: i64,
    paths: Vec<String>,
) -> Answer<AttachOutcome> {
    state.with_store(|s| drafting::attach(s, draft_id, &paths))
}

/// "Add files…": the native dialog, then the same checks as a drop. Cancelling adds nothing.
#[tauri::command(async)]
pub fn pick_attachments(state: State<'_, AppState>, draft_id: i64) -> Answer<AttachOutcome> {
    let paths = native::pick_attachment_files();
    state.with_store(|s| drafting::attach(s, draft_id, &paths))
}

#[tauri::command(async)]
pub fn remove_attachment(
    state: State<'_, AppState>,
    draft_id: i64,
    attachment_id: i64,
) -> Answer<()> {
    state.with_store(|s| s.attachments().remove(draft_id, attachment_id))
}

#[tauri::command(async)]
pub fn description_template() -> String {
    lint::description_template()
}

#[tauri::command(async)]
pub fn system_info() -> String {
    SystemInfo::read(env!("CARGO_PKG_VERSION")).as_text()
}
