//! The commands the UI invokes, one per use case. Each is a few lines: state in, one core call, the error
//! mapped to `{code, message, field?}`. Arguments arrive over IPC and are hostile: the core validates them.

use casedesk_core::draft::DraftInput;
use casedesk_core::drafting::{self, AttachOutcome, DraftCheck, DraftView, SaveOutcome};
use casedesk_core::store::CatalogueExport;
use casedesk_core::store::{DraftSummary, Reason, SearchHit};
use casedesk_core::sysinfo::SystemInfo;
use casedesk_core::{lint, Error, ErrorPayload};
use serde::Serialize;
use tauri::State;

use crate::{native, AppState};

type Answer<T> = Result<T, ErrorPayload>;

/// The most drafts one list call returns.
const LIST_MAX: u32 = 1000;
const SEARCH_MAX: u32 = 50;
const QUERY_MAX_BYTES: usize = 1000;

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app_info,
        list_drafts,
        search_drafts,
        create_draft,
        open_draft,
        check_draft,
        save_draft,
        trash_draft,
        restore_draft,
        attach_paths,
        pick_attachments,
        remove_attachment,
        list_reasons,
        add_reason,
        rename_reason,
        move_reason,
        remove_reason,
        add_sub_reason,
        rename_sub_reason,
        move_sub_reason,
        remove_sub_reason,
        export_reasons,
        import_reasons,
        export_reasons_to_file,
        import_reasons_from_file,
        description_template,
        system_info,
    ]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    /// Set when the store could not be opened: the UI shows it and keeps typed text in the window.
    pub store_error: Option<ErrorPayload>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: state.data_dir().display().to_string(),
        store_error: state.with_store(|_| Ok(())).err(),
    }
}

#[tauri::command]
pub fn list_drafts(state: State<'_, AppState>, limit: Option<u32>) -> Answer<Vec<DraftSummary>> {
    state.with_store(|s| s.drafts().list(limit.unwrap_or(LIST_MAX).min(LIST_MAX)))
}

#[tauri::command]
pub fn search_drafts(state: State<'_, AppState>, query: String) -> Answer<Vec<SearchHit>> {
    if query.len() > QUERY_MAX_BYTES {
        return Err(Error::field("search", "query_too_long", "The search is too long.").into());
    }
    state.with_store(|s| s.drafts().search(&query, SEARCH_MAX))
}

#[tauri::command]
pub fn create_draft(state: State<'_, AppState>) -> Answer<DraftView> {
    state.with_store(|s| drafting::open(s, s.drafts().create()?.id))
}

#[tauri::command]
pub fn open_draft(state: State<'_, AppState>, id: i64) -> Answer<DraftView> {
    state.with_store(|s| drafting::open(s, id))
}

#[tauri::command]
pub fn check_draft(
    state: State<'_, AppState>,
    id: Option<i64>,
    input: DraftInput,
) -> Answer<DraftCheck> {
    state.with_store(|s| drafting::check(s, id, &input))
}

#[tauri::command]
pub fn save_draft(state: State<'_, AppState>, id: i64, input: DraftInput) -> Answer<SaveOutcome> {
    state.with_store(|s| drafting::save(s, id, &input))
}

#[tauri::command]
pub fn trash_draft(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.with_store(|s| s.drafts().trash(id))
}

#[tauri::command]
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

#[tauri::command]
pub fn remove_attachment(
    state: State<'_, AppState>,
    draft_id: i64,
    attachment_id: i64,
) -> Answer<()> {
    state.with_store(|s| s.attachments().remove(draft_id, attachment_id))
}

#[tauri::command]
pub fn list_reasons(state: State<'_, AppState>) -> Answer<Vec<Reason>> {
    state.with_store(|s| s.reasons().list())
}

#[tauri::command]
pub fn add_reason(state: State<'_, AppState>, name: String) -> Answer<i64> {
    state.with_store(|s| s.reasons().add(&name))
}

#[tauri::command]
pub fn rename_reason(state: State<'_, AppState>, id: i64, name: String) -> Answer<()> {
    state.with_store(|s| s.reasons().rename(id, &name))
}

#[tauri::command]
pub fn move_reason(state: State<'_, AppState>, id: i64, by: i32) -> Answer<()> {
    state.with_store(|s| s.reasons().shift(id, by))
}

#[tauri::command]
pub fn remove_reason(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.with_store(|s| s.reasons().remove(id))
}

#[tauri::command]
pub fn add_sub_reason(state: State<'_, AppState>, reason_id: i64, name: String) -> Answer<i64> {
    state.with_store(|s| s.reasons().add_sub(reason_id, &name))
}

#[tauri::command]
pub fn rename_sub_reason(state: State<'_, AppState>, id: i64, name: String) -> Answer<()> {
    state.with_store(|s| s.reasons().rename_sub(id, &name))
}

#[tauri::command]
pub fn move_sub_reason(state: State<'_, AppState>, id: i64, by: i32) -> Answer<()> {
    state.with_store(|s| s.reasons().shift_sub(id, by))
}

#[tauri::command]
pub fn remove_sub_reason(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.with_store(|s| s.reasons().remove_sub(id))
}

#[tauri::command]
pub fn export_reasons(state: State<'_, AppState>) -> Answer<CatalogueExport> {
    state.with_store(|s| s.reasons().export())
}

#[tauri::command]
pub fn import_reasons(state: State<'_, AppState>, json: String) -> Answer<usize> {
    state.with_store(|s| s.reasons().import(&json))
}

/// Export through the native save dialog. `false` when the user cancelled.
#[tauri::command(async)]
pub fn export_reasons_to_file(state: State<'_, AppState>) -> Answer<bool> {
    let export = state.with_store(|s| s.reasons().export())?;
    native::save_json_file("casedesk-case-reasons.json", &export)
        .map_err(|e| ErrorPayload::from(&e))
}

/// Import through the native open dialog. `None` when the user cancelled.
#[tauri::command(async)]
pub fn import_reasons_from_file(state: State<'_, AppState>) -> Answer<Option<usize>> {
    let Some(json) = native::open_json_file().map_err(|e| ErrorPayload::from(&e))? else {
        return Ok(None);
    };
    state.with_store(|s| s.reasons().import(&json)).map(Some)
}

#[tauri::command]
pub fn description_template() -> String {
    lint::description_template()
}

#[tauri::command]
pub fn system_info() -> String {
    SystemInfo::read(env!("CARGO_PKG_VERSION")).as_text()
}
