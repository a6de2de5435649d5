//! Case providers: where a case is sent and where its status is read, behind one trait.
//!
//! A provider declares what it can do ([`Capabilities`]) and the app offers only that. `cj-web` is the
//! default because CJ publishes no case API: it assists the web form and the user records the case
//! number; statuses are set by hand. `rt` is Request Tracker 5 through REST 2.0. Providers never see the
//! store, and never put a secret in an error message.

pub mod cj_web;
pub mod rt;

use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// Sends a case itself (otherwise the user files it by hand and records the number).
    pub submit: bool,
    /// Reads statuses itself (otherwise the user sets them by hand).
    pub poll: bool,
}

/// A file sent with a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingFile {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// Everything a provider needs to create a case.
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

/// What a poll learned about one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteStatus {
    pub case_number: String,
    pub status: String,
    pub updated: Option<String>,
}

/// Why a provider call failed. The poller decides from this how long to wait.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// Not reached at all: connection refused, DNS, timeout. Maybe offline.
    #[error("the server could not be reached ({0})")]
    Unreachable(String),
    /// 401/403: the token is wrong or lacks rights.
    #[error("the server refused the credentials (HTTP {0})")]
    Auth(u16),
    #[error("not found on the server")]
    NotFound,
    /// 429 or 503: the server asks us to slow down; no request before `retry_after`.
    #[error("the server asked to slow down (HTTP {status})")]
    Throttled {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// Any other 5xx.
    #[error("the server failed (HTTP {0})")]
    Server(u16),
    /// A 4xx we did not expect, with the server's text (shown as text, never as HTML).
    #[error("the server refused the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// The server answered something we cannot read.
    #[error("the server's answer could not be read ({0})")]
    Malformed(String),
    /// The provider cannot do this (e.g. `cj-web` does not submit).
    #[error("{0}")]
    Unsupported(&'static str),
    /// A setting is missing or wrong.
    #[error("{0}")]
    Config(String),
}

impl ProviderError {
    /// Whether waiting and trying again may help (connection trouble, throttling, server errors).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::Unreachable(_)
                | ProviderError::Throttled { .. }
                | ProviderError::Server(_)
        )
    }

    pub fn code(&self) -> &'static str {
        match self {
            ProviderError::Unreachable(_) => "provider_unreachable",
            ProviderError::Auth(_) => "provider_auth",
            ProviderError::NotFound => "provider_not_found",
            ProviderError::Throttled { .. } => "provider_throttled",
            ProviderError::Server(_) => "provider_server_error",
            ProviderError::Rejected { .. } => "provider_rejected",
            ProviderError::Malformed(_) => "provider_malformed",
            ProviderError::Unsupported(_) => "provider_unsupported",
            ProviderError::Config(_) => "provider_config",
        }
    }
}

impl From<ProviderError> for crate::Error {
    fn from(e: ProviderError) -> Self {
        crate::Error::invalid(e.code(), e.to_string())
    }
}

/// The provider kinds Casedesk knows, as stored in settings and on cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderKind {
    #[serde(rename = "cj-web")]
    CjWeb,
    #[serde(rename = "rt")]
    Rt,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::CjWeb => "cj-web",
            ProviderKind::Rt => "rt",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "cj-web" => Some(ProviderKind::CjWeb),
            "rt" => Some(ProviderKind::Rt),
            _ => None,
        }
    }
}

pub trait CaseProvider: Send + Sync {
    fn kind(&self) -> ProviderKind;
    fn capabilities(&self) -> Capabilities;
    /// Statuses after which a case needs no more polling (lower case).
    fn is_terminal(&self, status: &str) -> bool;
    /// Where a person sees the case in a browser.
    fn case_url(&self, case_number: &str) -> Option<String>;
    /// Creates the case and returns its number. A retry with the same `client_token` returns the
    /// case made by an earlier attempt instead of making a second one.
    fn submit<'a>(
        &'a self,
        submission: &'a Submission,
    ) -> BoxFuture<'a, Result<String, ProviderError>>;
    /// Current statuses of these cases. A case missing from the answer was not found.
    fn poll<'a>(
        &'a self,
        case_numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<RemoteStatus>, ProviderError>>;
    /// Checks the settings with one cheap request; answers a sentence for the user.
    fn test_connection(&self) -> BoxFuture<'_, Result<String, ProviderError>>;
}
