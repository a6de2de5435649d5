//! Export a draft or a case as Markdown or PDF through the native save dialog. While the draft has
//! possible secrets the first call answers `secrets_unredacted` (the UI warns as Submit does) and the
//! user's "Continue anyway" calls again with `confirmed`.

use casedesk_core::export::{self, Format, Subject};
use casedesk_core::{Code, Error, ErrorPayload};
use tauri::{AppHandle, Runtime};

use super::{blocking, Answer};
use crate::native;

/// The path written, or `None` when the user cancelled the dialog.
#[tauri::command]
pub async fn export_case<R: Runtime>(
    app: AppHandle<R>,
    subject: Subject,
    format: Format,
    confirmed: bool,
) -> Answer<Option<String>> {
    blocking(app, move |state| {
        let doc = state.with_store(|s| {
            let accounts = casedesk_core::preferences::Preferences::load(s)?.cj_accounts;
            export::document_for(s, subject, &accounts)
        })?;
        if doc.secrets > 0 && !confirmed {
            return Err(ErrorPayload::from(Error::invalid(
                Code::SecretsUnredacted,
                format!(
                    "This draft still has {} possible secret{}; the export would contain {}.",
                    doc.secrets,
                    if doc.secrets == 1 { "" } else { "s" },
                    if doc.secrets == 1 { "it" } else { "them" }
                ),
            )));
        }
        let bytes = export::render(&doc, format).map_err(ErrorPayload::from)?;
        let (label, ext) = match format {
            Format::Markdown => ("Markdown", "md"),
            Format::Pdf => ("PDF", "pdf"),
        };
        native::save_export(&export::file_name(&doc, format), label, ext, &bytes)
            .map_err(|e| ErrorPayload::from(&e))
    })
    .await
}
