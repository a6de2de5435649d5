//! What a user hands a status source by hand, beside its loops: files to read (the mail source's
//! `.eml`, picked or dropped), and the state the Cases view shows of it. A source describes these in
//! its [`Registration`]; the registry lists the registrations, and the shell's generic commands
//! (`import_files`, `follow_state`) reach them only through it, so the shell names no source.

use std::path::PathBuf;

use crate::cj_routes::CjRoutes;
use crate::error::Result;
use crate::slice::Slice;
use crate::store::{StatusChange, Store};

/// Reads files a user picked or dropped: each refused one (too large, a link, not readable, not
/// of this kind) is an answer that says why, not an error. Answers what each file did, as the
/// source's page module reads it, and the changes to deliver.
pub type ImportFn = fn(
    &Store,
    Option<&Slice>,
    &CjRoutes,
    &[PathBuf],
) -> Result<(Vec<serde_json::Value>, Vec<StatusChange>)>;

/// What the Cases view shows of a source (its accounts, last passes, errors, counts), from its
/// settings slice and the store.
pub type StateFn = fn(&Store, Option<&Slice>) -> Result<serde_json::Value>;

/// Files a source reads when the user hands them over.
#[derive(Debug, Clone, Copy)]
pub struct FileImport {
    /// The file chooser's title.
    pub title: &'static str,
    /// The chooser's filter, as the user reads it ("E-mail (.eml)").
    pub filter: &'static str,
    /// The file name endings it reads, without the dot, lower case.
    pub extensions: &'static [&'static str],
    /// The most files one import takes.
    pub max_files: usize,
    pub import: ImportFn,
}

impl FileImport {
    /// Whether `path` ends in one of this import's extensions (any case).
    pub fn reads(&self, path: &std::path::Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| self.extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
    }
}

/// A status source as the registry lists it, beside the builder of its loops.
#[derive(Debug, Clone, Copy)]
pub struct Registration {
    /// Its settings slice's key in the preferences (and its key in `follow_state`).
    pub key: &'static str,
    /// Files it reads by hand, if any.
    pub import: Option<FileImport>,
    /// What the Cases view shows of it, if anything.
    pub state: Option<StateFn>,
}

impl Registration {
    /// A source with nothing by hand: only its loops.
    pub const fn loops_only(key: &'static str) -> Self {
        Registration {
            key,
            import: None,
            state: None,
        }
    }
}
