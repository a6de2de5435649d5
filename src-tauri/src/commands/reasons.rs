//! Settings → Case reasons: the editable Case Reason / Sub Reason catalogue, and its JSON import and
//! export (by value, or through the native file dialogs).

use casedesk_core::cj_account::{Audience, CjKind};
use casedesk_core::store::Reason;
use casedesk_core::ErrorPayload;
use tauri::{AppHandle, Runtime};

use super::{blocking, Answer};
use crate::native;

#[tauri::command]
pub async fn list_reasons<R: Runtime>(app: AppHandle<R>) -> Answer<Vec<Reason>> {
    blocking(app, move |state| state.with_store(|s| s.reasons().list())).await
}

/// Adds a reason to `kind`'s list (none: to both lists).
#[tauri::command]
pub async fn add_reason<R: Runtime>(
    app: AppHandle<R>,
    name: String,
    kind: Option<CjKind>,
) -> Answer<i64> {
    blocking(app, move |state| {
        state.with_store(|s| s.reasons().add(&name, Audience::of(kind)))
    })
    .await
}

/// Puts a reason in the publishers' list, the advertisers' or both.
#[tauri::command]
pub async fn set_reason_audience<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    audience: Audience,
) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reason_keywords().set_reason_audience(id, audience))
    })
    .await
}

#[tauri::command]
pub async fn set_sub_reason_audience<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    audience: Audience,
) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reason_keywords().set_sub_reason_audience(id, audience))
    })
    .await
}

#[tauri::command]
pub async fn rename_reason<R: Runtime>(app: AppHandle<R>, id: i64, name: String) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reasons().rename(id, &name))
    })
    .await
}

#[tauri::command]
pub async fn move_reason<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    by: i32,
    kind: Option<CjKind>,
) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reasons().shift_in_list(id, by, kind))
    })
    .await
}

#[tauri::command]
pub async fn remove_reason<R: Runtime>(app: AppHandle<R>, id: i64) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reasons().remove(id))
    })
    .await
}

#[tauri::command]
pub async fn add_sub_reason<R: Runtime>(
    app: AppHandle<R>,
    reason_id: i64,
    name: String,
    kind: Option<CjKind>,
) -> Answer<i64> {
    blocking(app, move |state| {
        state.with_store(|s| s.reasons().add_sub(reason_id, &name, Audience::of(kind)))
    })
    .await
}

#[tauri::command]
pub async fn rename_sub_reason<R: Runtime>(app: AppHandle<R>, id: i64, name: String) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reasons().rename_sub(id, &name))
    })
    .await
}

#[tauri::command]
pub async fn move_sub_reason<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    by: i32,
    kind: Option<CjKind>,
) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reasons().shift_sub_in_list(id, by, kind))
    })
    .await
}

#[tauri::command]
pub async fn remove_sub_reason<R: Runtime>(app: AppHandle<R>, id: i64) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reasons().remove_sub(id))
    })
    .await
}

/// Export of `kind`'s list (none: the whole catalogue) through the native save dialog. `false` when
/// the user cancelled.
#[tauri::command]
pub async fn export_reasons_to_file<R: Runtime>(
    app: AppHandle<R>,
    kind: Option<CjKind>,
) -> Answer<bool> {
    blocking(app, move |state| {
        let export = state.with_store(|s| s.reasons().export_for(kind))?;
        let name = match kind {
            None => "casedesk-case-reasons.json".to_owned(),
            Some(k) => format!("casedesk-case-reasons-{}s.json", k.as_str()),
        };
        native::save_json_file(&name, &export).map_err(|e| ErrorPayload::from(&e))
    })
    .await
}

/// Import into `kind`'s list (none: for both) through the native open dialog. `None` when the user
/// cancelled.
#[tauri::command]
pub async fn import_reasons_from_file<R: Runtime>(
    app: AppHandle<R>,
    kind: Option<CjKind>,
) -> Answer<Option<usize>> {
    blocking(app, move |state| {
        let Some(json) = native::open_json_file().map_err(|e| ErrorPayload::from(&e))? else {
            return Ok(None);
        };
        // Parsed and checked before the store's lock is taken: an autosave never waits on it.
        let parsed = casedesk_core::store::parse_catalogue(&json).map_err(ErrorPayload::from)?;
        state
            .with_store(|s| s.reasons().import_parsed_into(&parsed, kind))
            .map(Some)
    })
    .await
}

/// Keywords that suggest a reason (comma-separated phrases).
#[tauri::command]
pub async fn set_reason_keywords<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    keywords: String,
) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reason_keywords().set_reason_keywords(id, &keywords))
    })
    .await
}

#[tauri::command]
pub async fn set_sub_reason_keywords<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    keywords: String,
) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reason_keywords().set_sub_reason_keywords(id, &keywords))
    })
    .await
}

/// The description template "Insert template" uses for this reason ("" — the general one).
#[tauri::command]
pub async fn set_reason_template<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    template: String,
) -> Answer<()> {
    blocking(app, move |state| {
        state.with_store(|s| s.reason_keywords().set_template(id, &template))
    })
    .await
}
