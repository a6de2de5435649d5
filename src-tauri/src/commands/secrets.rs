//! Secrets in a draft: redact one finding or all (text as typed, `.txt` attachments replaced by
//! redacted copies), and mark a finding "not a secret". The scan itself runs with every draft check.

use casedesk_core::draft::DraftInput;
use casedesk_core::editor::{redact_draft, Redacted};
use casedesk_core::secret_scan::draft::{files_of, redact_files, Which};
use casedesk_core::secret_scan::{scan_draft, SecretReport};
use casedesk_core::ErrorPayload;
use tauri::{AppHandle, Runtime};

use super::{blocking, Answer};

/// Reading, redacting and writing the attachments happens without the store lock; the draft's save
/// and the attachments' new files commit together after.
#[tauri::command]
pub async fn redact_secrets<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    input: DraftInput,
    which: Which,
) -> Answer<Redacted> {
    blocking(app, move |state| {
        input.check_storable().map_err(ErrorPayload::from)?;
        let (files, dismissed) = state.with_store(|s| {
            casedesk_core::editor::ensure_editable(s, id)?;
            Ok((files_of(s, id)?, s.secret_dismissals().list(id)?))
        })?;
        let blobs = redact_files(files, &which, &dismissed).map_err(ErrorPayload::from)?;
        state.with_store(|s| redact_draft(s, id, &input, &which, blobs))
    })
    .await
}

#[tauri::command]
pub async fn mark_not_secret<R: Runtime>(
    app: AppHandle<R>,
    id: i64,
    input: DraftInput,
    finding: String,
) -> Answer<SecretReport> {
    blocking(app, move |state| {
        input.check_storable().map_err(ErrorPayload::from)?;
        state.with_store(|s| {
            s.drafts().get(id)?;
            s.secret_dismissals().add(id, &finding)?;
            scan_draft(s, id, &input)
        })
    })
    .await
}
