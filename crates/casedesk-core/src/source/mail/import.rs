//! Importing `.eml` files (picked, or dropped on the Cases view): each goes through the same
//! allowlist, parser, rules and store changes as synced mail.

use serde::Serialize;
use std::path::PathBuf;

use super::apply::{self, Announce, MailResult, ResultKind};
use super::rules::Rules;
use super::{parse, MailAccounts, MailSettings, MAX_MESSAGE_BYTES};
use crate::cj_routes::CjRoutes;
use crate::error::Result;
use crate::slice::Slice;
use crate::source::by_hand::FileImport;
use crate::store::{StatusChange, Store};

/// The most `.eml` files one import takes.
pub const IMPORT_MAX_FILES: usize = 100;

/// What the mail source reads by hand: `.eml` files, picked in the file chooser or dropped.
pub const FILE_IMPORT: FileImport = FileImport {
    title: "Import e-mails from support",
    filter: "E-mail (.eml)",
    extensions: &["eml"],
    max_files: IMPORT_MAX_FILES,
    import: import_paths,
};

/// [`FILE_IMPORT`]'s reader: each file read as [`read_eml_file`] does (one it refuses is a result
/// saying why), then read as [`import_with`] does, with the mailboxes' settings for import.
fn import_paths(
    store: &Store,
    slice: Option<&Slice>,
    routes: &CjRoutes,
    paths: &[PathBuf],
) -> Result<(Vec<serde_json::Value>, Vec<StatusChange>)> {
    let mut files = Vec::new();
    let mut refused = Vec::new();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match read_eml_file(p) {
            Ok(bytes) => files.push((name, bytes)),
            Err(e) => refused.push(ImportResult {
                file: name,
                result: MailResult {
                    outcome: ResultKind::Unreadable,
                    case_number: None,
                    status: None,
                    kind: None,
                    subject: String::new(),
                    detail: e.to_string(),
                },
            }),
        }
    }
    let settings = MailAccounts::from_slice(slice).for_import();
    let (mut results, changes) = import_with(store, &settings, routes, &files)?;
    results.extend(refused);
    // A struct of strings and enums always serializes; `Null` is never seen.
    let answers = results
        .iter()
        .map(|r| serde_json::to_value(r).unwrap_or_default())
        .collect();
    Ok((answers, changes))
}

/// Reads an `.eml` file a user picked or dropped: a regular file (not a link, folder or device), at
/// most [`MAX_MESSAGE_BYTES`]. The error says why in words and names the field `import`.
pub fn read_eml_file(path: &std::path::Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let refuse = |why: &str| {
        crate::Error::field(
            "import",
            crate::Code::ImportRefused,
            format!(
                "{}: {why}",
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
        )
    };
    let meta = std::fs::symlink_metadata(path).map_err(|_| refuse("the file cannot be found"))?;
    if meta.file_type().is_symlink() {
        return Err(refuse("links are not followed; pick the file itself"));
    }
    if !meta.is_file() {
        return Err(refuse("not a file"));
    }
    if meta.len() > u64::from(MAX_MESSAGE_BYTES) {
        return Err(refuse("larger than 2 MB; support mails are smaller"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(|_| refuse("the file cannot be read"))?
        .take(u64::from(MAX_MESSAGE_BYTES) + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| refuse("the file cannot be read"))?;
    Ok(bytes)
}

/// Reads `.eml` files the user picked or dropped: each goes through the same allowlist, parser and
/// rules as synced mail. The caller delivers the returned changes.
pub fn import(
    store: &Store,
    settings: &MailSettings,
    files: &[(String, Vec<u8>)],
) -> Result<(Vec<ImportResult>, Vec<StatusChange>)> {
    import_with(store, settings, &CjRoutes::default(), files)
}

/// [`import`], telling which of the user's CJ accounts each mail names.
pub fn import_with(
    store: &Store,
    settings: &MailSettings,
    routes: &CjRoutes,
    files: &[(String, Vec<u8>)],
) -> Result<(Vec<ImportResult>, Vec<StatusChange>)> {
    let rules = Rules::compile(settings)?.with_routes(routes.clone());
    let mut results = Vec::new();
    let mut changes = Vec::new();
    for (name, bytes) in files {
        let result = match parse::parse(bytes).filter(|p| p.from.is_some() || !p.subject.is_empty())
        {
            None => MailResult {
                outcome: ResultKind::Unreadable,
                case_number: None,
                status: None,
                kind: None,
                subject: String::new(),
                detail: "This file is not an e-mail Casedesk can read.".into(),
            },
            Some(p) => {
                let reading = rules.read(&p, settings);
                let applied = apply::apply(store, &reading, &rules, None, Announce::All)?;
                changes.extend(applied.changes);
                applied.result
            }
        };
        results.push(ImportResult {
            file: name.clone(),
            result,
        });
    }
    Ok((results, changes))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    pub file: String,
    #[serde(flatten)]
    pub result: MailResult,
}
