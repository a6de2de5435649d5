//! What a user hands a status source by hand, beside its loops: files to read (the mail source's
//! `.eml`, picked or dropped), the state the Cases view shows of it, and how its accounts sign
//! in with OAuth. A source describes these in
//! its [`Registration`]; the registry lists the registrations, and the shell's generic commands
//! (`import_files`, `follow_state`, `sign_in`) reach them only through it, so the shell names no source.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::cj_routes::CjRoutes;
use crate::error::Result;
use crate::remote::BoxFuture;
use crate::secrets::Secrets;
use crate::settings_form::SettingsForm;
use crate::slice::Slice;
use crate::source::oauth::{Endpoints, Granted};
use crate::store::{SourceState, StatusChange, Store};

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

/// How a source's accounts sign in with OAuth 2.0 (the browser and device flows are
/// `source::oauth`'s; the shell's `sign_in*` commands run them with what this says).
#[derive(Debug, Clone, Copy)]
pub struct SignIn {
    /// The endpoints for one account's settings as the page holds them, or why that account cannot
    /// sign in (naming the field).
    pub endpoints: fn(&serde_json::Value) -> Result<Endpoints>,
    /// The account a command names, checked (the source's first when none is named).
    pub account: fn(Option<&str>) -> Result<String>,
    /// Keeps what a sign-in granted for the account, in the secret store.
    pub keep: fn(&Arc<dyn Secrets>, &str, &Granted) -> Result<()>,
    /// Forgets the account's sign-in.
    pub sign_out: fn(&Arc<dyn Secrets>, &str) -> Result<()>,
    /// The account's loop's name in the store's source states (its last error is cleared when it
    /// signs in).
    pub state_name: fn(&str) -> String,
}

/// The store's state of the source loop of this name (a read of `source_state`, each under the
/// store's lock only for itself).
pub type StateOf<'a> = &'a dyn Fn(&str) -> Result<SourceState>;

/// What "Test" tries: one account's settings as the page holds them, the secret typed with them
/// (or none: the stored one), the account's id, and where to read what is stored.
pub struct TestRequest<'a> {
    pub settings: &'a serde_json::Value,
    pub typed: Option<&'a str>,
    pub account: Option<&'a str>,
    pub secrets: &'a Arc<dyn Secrets>,
    pub state_of: StateOf<'a>,
    /// The store's clock, in milliseconds.
    pub now: i64,
}

/// Checks a test's request and reads its secret (blocking: the keyring), answering the test to
/// run (the network part), whose answer is the report the page shows.
pub type TestFn = fn(TestRequest<'_>) -> Result<BoxFuture<'static, Result<serde_json::Value>>>;

/// A source's part of the settings view, from its slice, the store's states and the keyring.
pub type ViewFn = fn(Option<&Slice>, StateOf<'_>, &Arc<dyn Secrets>) -> Result<serde_json::Value>;

/// Keeps secrets typed for a source's accounts, by account id.
pub type KeepSecretsFn = fn(&Arc<dyn Secrets>, &BTreeMap<String, String>) -> Result<()>;

/// Forgets the secrets of the accounts a save removes, from the source's slice before and after.
pub type ForgetFn = fn(&Arc<dyn Secrets>, Option<&Slice>, Option<&Slice>) -> Result<()>;

/// A source's own part of Settings, beyond its slice (which the preferences carry): what the page's
/// module for it shows, the secrets typed for its accounts, and "Test".
#[derive(Debug, Clone, Copy)]
pub struct SettingsPart {
    /// Its part of the settings view (which secrets its accounts have, presets, defaults). Reads
    /// the keyring: never called under the store's lock.
    pub view: ViewFn,
    /// Keeps the secrets typed for its accounts (by account id), each checked.
    pub keep_secrets: KeepSecretsFn,
    /// Forgets the secrets of the accounts a save removes (its slice before and after).
    pub forget_removed: ForgetFn,
    /// "Test": its settings tried without storing anything.
    pub test: TestFn,
}

/// Checks a source's slice before a save.
pub type CheckFn = fn(Option<&Slice>) -> Result<()>;

/// A source's slice as Settings shows it, or `None` to show what is kept.
pub type ShownFn = fn(Option<&Slice>) -> Option<Slice>;

/// A status source as the registry lists it, beside the builder of its loops.
#[derive(Debug, Clone, Copy)]
pub struct Registration {
    /// Its settings slice's key in the preferences (and its key in `follow_state`).
    pub key: &'static str,
    /// Files it reads by hand, if any.
    pub import: Option<FileImport>,
    /// What the Cases view shows of it, if anything.
    pub state: Option<StateFn>,
    /// How its accounts sign in with OAuth, if they can.
    pub sign_in: Option<SignIn>,
    /// Its own part of Settings, if it has one beyond its slice.
    pub settings: Option<SettingsPart>,
    /// Its settings form, drawn by the page from this description, if it has one.
    pub form: Option<fn() -> SettingsForm>,
    /// Checks its slice before a save (a save with a slice it cannot read is refused).
    pub check: Option<CheckFn>,
    /// Its slice as the settings view shows it (its defaults where none is kept, an older shape
    /// upgraded), or `None` to show what is kept.
    pub shown: Option<ShownFn>,
}

impl Registration {
    /// A source with nothing by hand: only its loops.
    pub const fn loops_only(key: &'static str) -> Self {
        Registration {
            key,
            import: None,
            state: None,
            sign_in: None,
            settings: None,
            form: None,
            check: None,
            shown: None,
        }
    }
}
