//! Filers: who a case is filed with, behind one trait. A filer files a case (or assists the user in
//! filing it) and knows where a person sees it; following the case afterwards is the status sources'
//! job ([`crate::source`]).
//!
//! `cj-web` is the default because CJ publishes no case API: it assists the web form and the user
//! records the case number (or the mail source finds it). `rt` is Request Tracker 5 through REST 2.0.
//! [`crate::registry::filer`] is the one place filers are built. A filer never sees the store and never
//! puts a secret in an error.

pub mod cj_web;

pub use crate::kinds::FilerKind;
use crate::remote::{BoxFuture, RemoteError};

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
}

/// How long one request to a filer's server may take.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);
