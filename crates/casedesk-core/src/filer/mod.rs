//! Filers: who a case is filed with, behind one trait. A filer files a case (or assists the user in
//! filing it) and knows where a person sees it; following the case afterwards is the status sources'
//! job ([`crate::source`]).
//!
//! `cj-web` is the default because CJ publishes no case API: it assists the web form and the user
//! records the case number (or the mail source finds it). `rt` is Request Tracker 5 through REST 2.0.
//! [`crate::registry::filers`] is the one place filers are built. A filer never sees the store and never
//! puts a secret in an error.

pub mod cj_web;

use serde::Serialize;
use std::sync::Arc;

pub use crate::kinds::FilerKind;
use crate::remote::{BoxFuture, RemoteError};
use crate::secrets::Secrets;
use crate::settings_form::SettingsForm;
use crate::slice::Slice;

/// A file sent with a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingFile {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// Everything a filer needs to create a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub subject: String,
    pub description: String,
    pub cc: Vec<String>,
    pub reason: Option<String>,
    pub sub_reason: Option<String>,
    pub attachments: Vec<OutgoingFile>,
    /// Recorded on the case so that a retry can find it instead of creating a second one.
    pub client_token: String,
}

pub trait Filer: Send + Sync {
    fn kind(&self) -> FilerKind;
    /// Sends a case itself (otherwise the user files it by hand and the number is recorded).
    fn submits(&self) -> bool;
    /// Where a person sees the case in a browser.
    fn case_url(&self, case_number: &str) -> Option<String>;
    /// Creates the case and returns its number. A retry with the same `client_token` returns the
    /// case made by an earlier attempt instead of making a second one.
    fn submit<'a>(
        &'a self,
        submission: &'a Submission,
    ) -> BoxFuture<'a, Result<String, RemoteError>>;
    /// Checks the settings with one cheap request; answers a sentence for the user.
    fn test_connection(&self) -> BoxFuture<'_, Result<String, RemoteError>>;
    /// The statuses a person sets by hand on this filer's cases, the first being a new case's; none
    /// when its server says them.
    fn statuses_by_hand(&self) -> &[String] {
        &[]
    }
    /// Whether a status set by hand ends the case (it is then checked once more, not followed).
    fn ends_case(&self, _status: &str) -> bool {
        false
    }
    /// For a filer the user files with by hand (one that does not submit): the form to open.
    fn form_url(&self) -> Option<String> {
        None
    }
    /// The draft as that form asks for it: field by field, and as one block for "Copy all".
    fn hand_form(&self, _submission: &Submission) -> Option<HandForm> {
        None
    }
}

/// How a registered filer is made from its settings slice and the secret store.
pub type BuildFiler = fn(Option<&Slice>, &Arc<dyn Secrets>) -> crate::Result<Arc<dyn Filer>>;

/// What registers a filer in [`crate::registry::FILERS`]: its word, its settings form, how it is
/// built from its settings slice and secrets, and how that slice is checked. Each filer module
/// exports one; nothing else lists what a filer needs.
pub struct Registration {
    pub kind: FilerKind,
    /// The key of its slice among the preferences' slices.
    pub key: &'static str,
    pub form: fn() -> SettingsForm,
    pub build: BuildFiler,
    /// Checks its slice as the user typed it; `in_use` when cases go to it (what every save must
    /// keep well-formed is checked either way).
    pub check: fn(Option<&Slice>, bool) -> crate::Result<()>,
    /// Its slice as kept, or its defaults when none is.
    pub defaults: fn(Option<&Slice>) -> Slice,
}

/// A case laid out for a web form the user fills in by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandForm {
    pub url: String,
    pub fields: Vec<FormField>,
    /// Every field in one block of text.
    pub formatted: String,
}

/// One field of such a form, labelled as the form labels it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormField {
    pub label: &'static str,
    pub value: String,
}

/// Every filer the preferences could build, and the one new cases go to. The case page and recording
/// a number ask it for a case's own filer (a case filed through RT keeps its link after the user
/// switched to CJ's web form), so nothing above the registry names a filer.
#[derive(Clone)]
pub struct Filers {
    in_use: usize,
    all: Vec<Arc<dyn Filer>>,
}

impl Filers {
    /// `in_use` is the preferences' choice; when it could not be built, the first of `all` is used.
    /// `None` when nothing could be built at all.
    pub fn new(in_use: FilerKind, all: Vec<Arc<dyn Filer>>) -> Option<Filers> {
        if all.is_empty() {
            return None;
        }
        let in_use = all.iter().position(|f| f.kind() == in_use).unwrap_or(0);
        Some(Filers { in_use, all })
    }

    /// The filer new cases go to.
    pub fn in_use(&self) -> &Arc<dyn Filer> {
        &self.all[self.in_use]
    }

    /// The filer of this kind, when its settings could build one.
    pub fn get(&self, kind: FilerKind) -> Option<&Arc<dyn Filer>> {
        self.all.iter().find(|f| f.kind() == kind)
    }
}

/// How long one request to a filer's server may take.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);
