//! What a user hands the status sources by hand, whichever they are: files to read (picked in the
//! native file chooser, or dropped on the Cases view), each by the source that reads its kind, and
//! what the Cases view shows of each source. The registry says which source does what; this module
//! names none.

use casedesk_core::preferences::Preferences;
use casedesk_core::registry;
use casedesk_core::{Error, ErrorPayload};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tauri::{AppHandle, Runtime};

use super::{blocking, Answer};
use crate::{native, AppState};

/// What the Cases view shows of each source that shows something, by the source's key.
#[tauri::command]
pub async fn follow_state<R: Runtime>(
    app: AppHandle<R>,
) -> Answer<BTreeMap<&'static str, serde_json::Value>> {
    blocking(app, move |state| {
        state.with_reader(|s| registry::follow_state(s, &Preferences::load(s)?))
    })
    .await
}

fn import(state: &AppState, paths: Vec<PathBuf>) -> Answer<Vec<serde_json::Value>> {
    let (results, changes) =
        state.with_store(|s| registry::import(s, &Preferences::load(s)?, &paths))?;
    for change in &changes {
        state.deliver(change);
    }
    Ok(results)
}

/// "Import e-mail…" (or whatever the sources read): the native file chooser, offering each
/// source's kind of file. Empty when cancelled.
#[tauri::command]
pub async fn import_files<R: Runtime>(app: AppHandle<R>) -> Answer<Vec<serde_json::Value>> {
    blocking(app, move |state| {
        let paths = native::pick_import_files(&registry::file_imports());
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        import(state, paths)
    })
    .await
}

/// Files dropped on the Cases view.
#[tauri::command]
pub async fn import_file_paths<R: Runtime>(
    app: AppHandle<R>,
    paths: Vec<String>,
) -> Answer<Vec<serde_json::Value>> {
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
