//! Case e-mail: the mail source's sync state, and importing `.eml` files (picked in the native file
//! chooser, or dropped on the Cases view), each read like a synced mail.

use casedesk_core::preferences::Preferences;
use casedesk_core::source::mail::{self, ImportResult, SyncState};
use casedesk_core::{Error, ErrorPayload};
use std::path::PathBuf;
use tauri::{AppHandle, Runtime};

use super::{blocking, Answer};
use crate::{native, AppState};

#[tauri::command]
pub async fn mail_sync_state<R: Runtime>(app: AppHandle<R>) -> Answer<SyncState> {
    blocking(app, move |state| {
        state.with_reader(|s| {
            mail::sync_state(
                s,
                &casedesk_core::registry::mail_accounts(&Preferences::load(s)?).accounts,
            )
        })
    })
    .await
}

fn import(state: &AppState, paths: Vec<PathBuf>) -> Answer<Vec<ImportResult>> {
    if paths.len() > mail::IMPORT_MAX_FILES {
        return Err(Error::field(
            "import",
            casedesk_core::Code::ImportTooMany,
            format!("Import at most {} files at once.", mail::IMPORT_MAX_FILES),
        )
        .into());
    }
    let mut files = Vec::new();
    let mut refused = Vec::new();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match mail::read_eml_file(&p) {
            Ok(bytes) => files.push((name, bytes)),
            Err(e) => refused.push(ImportResult {
                file: name,
                result: mail::apply::MailResult {
                    outcome: mail::apply::ResultKind::Unreadable,
                    case_number: None,
                    status: None,
                    kind: None,
                    subject: String::new(),
                    detail: e.to_string(),
                },
            }),
        }
    }
    let (mut results, changes) = state.with_store(|s| {
        let prefs = Preferences::load(s)?;
        mail::import::import_with(
            s,
            &casedesk_core::registry::mail_accounts(&prefs).for_import(),
            &prefs.cj_routes(),
            &files,
        )
    })?;
    for change in &changes {
        state.deliver(change);
    }
    results.extend(refused);
    Ok(results)
}

/// "Import e-mail…": the native file chooser for `.eml` files. Empty when cancelled.
#[tauri::command]
pub async fn import_eml<R: Runtime>(app: AppHandle<R>) -> Answer<Vec<ImportResult>> {
    blocking(app, move |state| {
        let paths = native::pick_eml_files();
        import(state, paths)
    })
    .await
}

/// `.eml` files dropped on the Cases view.
#[tauri::command]
pub async fn import_eml_paths<R: Runtime>(
    app: AppHandle<R>,
    paths: Vec<String>,
) -> Answer<Vec<ImportResult>> {
    blocking(app, move |state| {
        if paths.iter().any(|p| p.len() > 4096 || p.contains('\0')) {
            return Err(ErrorPayload::from(Error::field(
                "import",
                casedesk_core::Code::ImportRefused,
                "That is not a file path.",
            )));
        }
        state.check_granted(&paths, "import")?;
        import(state, paths.into_iter().map(PathBuf::from).collect())
    })
    .await
}
