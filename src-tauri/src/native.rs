//! Native shims: the only module that talks to rfd (and, later, notify-rust). The core never sees them.
//!
//! The dialogs block, so they are only called from `async` commands (off the main thread); with rfd's gtk3
//! backend the dialog runs on GTK's loop and returns the picked paths.

use casedesk_core::attachment::ALLOWED_EXTENSIONS;
use casedesk_core::{Error, Result};
use serde::Serialize;
use std::io::Read;

const JSON_MAX_BYTES: u64 = 1024 * 1024;

/// "Add files…": multi-select, filtered to the kinds CJ accepts. Empty when cancelled.
pub fn pick_attachment_files() -> Vec<String> {
    let picked = rfd::FileDialog::new()
        .set_title("Add files to the case")
        .add_filter("PNG, JPG, PDF or TXT", &ALLOWED_EXTENSIONS)
        .pick_files()
        .unwrap_or_default();
    picked
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

/// Writes `value` as pretty JSON where the user chooses. `false` when cancelled.
pub fn save_json_file<T: Serialize>(default_name: &str, value: &T) -> Result<bool> {
    let Some(path) = rfd::FileDialog::new()
        .set_title("Export case reasons")
        .set_file_name(default_name)
        .add_filter("JSON", &["json"])
        .save_file()
    else {
        return Ok(false);
    };
    let json = serde_json::to_string_pretty(value)
        .map_err(|e| Error::invalid("internal", format!("could not write JSON: {e}")))?;
    std::fs::write(path, json)?;
    Ok(true)
}

/// Reads a JSON file the user picks (at most 1 MB). `None` when cancelled.
pub fn open_json_file() -> Result<Option<String>> {
    let Some(path) = rfd::FileDialog::new()
        .set_title("Import case reasons")
        .add_filter("JSON", &["json"])
        .pick_file()
    else {
        return Ok(None);
    };
    let mut text = String::new();
    std::fs::File::open(&path)?
        .take(JSON_MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|_| Error::field("import", "import_invalid", "The file is not UTF-8 text."))?;
    Ok(Some(text))
}
