//! Settings → Case reasons: the editable Case Reason / Sub Reason catalogue, and its JSON import and
//! export (by value, or through the native file dialogs).

use casedesk_core::store::{CatalogueExport, Reason};
use casedesk_core::ErrorPayload;
use tauri::State;

use super::Answer;
use crate::{native, AppState};

#[tauri::command(async)]
pub fn list_reasons(state: State<'_, AppState>) -> Answer<Vec<Reason>> {
    state.with_store(|s| s.reasons().list())
}

#[tauri::command(async)]
pub fn add_reason(state: State<'_, AppState>, name: String) -> Answer<i64> {
    state.with_store(|s| s.reasons().add(&name))
}

#[tauri::command(async)]
pub fn rename_reason(state: State<'_, AppState>, id: i64, name: String) -> Answer<()> {
    state.with_store(|s| s.reasons().rename(id, &name))
}

#[tauri::command(async)]
pub fn move_reason(state: State<'_, AppState>, id: i64, by: i32) -> Answer<()> {
    state.with_store(|s| s.reasons().shift(id, by))
}

#[tauri::command(async)]
pub fn remove_reason(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.with_store(|s| s.reasons().remove(id))
}

#[tauri::command(async)]
pub fn add_sub_reason(state: State<'_, AppState>, reason_id: i64, name: String) -> Answer<i64> {
    state.with_store(|s| s.reasons().add_sub(reason_id, &name))
}

#[tauri::command(async)]
pub fn rename_sub_reason(state: State<'_, AppState>, id: i64, name: String) -> Answer<()> {
    state.with_store(|s| s.reasons().rename_sub(id, &name))
}

#[tauri::command(async)]
pub fn move_sub_reason(state: State<'_, AppState>, id: i64, by: i32) -> Answer<()> {
    state.with_store(|s| s.reasons().shift_sub(id, by))
}

#[tauri::command(async)]
pub fn remove_sub_reason(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.with_store(|s| s.reasons().remove_sub(id))
}

#[tauri::command(async)]
pub fn export_reasons(state: State<'_, AppState>) -> Answer<CatalogueExport> {
    state.with_store(|s| s.reasons().export())
}

#[tauri::command(async)]
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
