//! What every remote system (a helpdesk's API, a mail server) can answer when it fails, in one typed
//! error the follow loop reads to decide how long to wait.
//!
//! Messages are written for the user. They never contain a secret: no token, password or header value
//! is ever formatted into one.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a call to a remote system failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    /// Not reached at all: connection refused, DNS, timeout. Maybe offline.
    #[error("the server could not be reached ({0})")]
    Unreachable(String),
    /// 401/403: the token is wrong or lacks rights.
    #[error("the server refused the credentials (HTTP {0})")]
    Auth(u16),
    /// A mail server refused the login (wrong user or password, or app passwords not allowed).
    #[error("{0}")]
    LoginRefused(String),
    /// The OAuth sign-in has expired or was withdrawn: only the user can fix it (sign in again).
    #[error("{0}")]
    SignInNeeded(String),
    /// The server's TLS certificate was not accepted; the message names the host and why.
    #[error("{0}")]
    Certificate(String),
    #[error("not found on the server")]
    NotFound,
    /// 429 or 503: the server asks us to slow down; no request before `retry_after`.
    #[error("the server asked to slow down (HTTP {status})")]
    Throttled {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// Any other 5xx, or a mail server's `NO`/`BAD` to a command it should accept.
    #[error("the server failed (HTTP {0})")]
    Server(u16),
    /// A mail server failed a command; its words are kept (shown as text, never as HTML).
    #[error("the mail server failed: {0}")]
    MailServer(String),
    /// A 4xx we did not expect, with the server's text (shown as text, never as HTML).
    #[error("the server refused the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// The server answered something we cannot read.
    #[error("the server's answer could not be read ({0})")]
    Malformed(String),
    /// The filer cannot do this (e.g. `cj-web` does not submit).
    #[error("{0}")]
    Unsupported(&'static str),
    /// A setting is missing or wrong.
    #[error("{0}")]
    Config(String),
    /// The OS secret store (keyring) is locked or failed: temporary, never an empty secret.
    #[error("the keyring is locked or could not be read ({0}); Casedesk tries again later")]
    SecretStore(String),
}

impl RemoteError {
    /// Whether waiting and trying again may help (connection trouble, throttling, server errors).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            RemoteError::Unreachable(_)
                | RemoteError::Throttled { .. }
                | RemoteError::Server(_)
                | RemoteError::MailServer(_)
                | RemoteError::SecretStore(_)
        )
    }

    pub fn code(&self) -> crate::Code {
        match self {
            RemoteError::Unreachable(_) => crate::Code::RemoteUnreachable,
            RemoteError::Auth(_) => crate::Code::RemoteAuth,
            RemoteError::LoginRefused(_) => crate::Code::MailLoginRefused,
            RemoteError::SignInNeeded(_) => crate::Code::MailSignInNeeded,
            RemoteError::Certificate(_) => crate::Code::CertificateUntrusted,
            RemoteError::NotFound => crate::Code::RemoteNotFound,
            RemoteError::Throttled { .. } => crate::Code::RemoteThrottled,
            RemoteError::Server(_) => crate::Code::RemoteServerError,
            RemoteError::MailServer(_) => crate::Code::MailServerError,
            RemoteError::Rejected { .. } => crate::Code::RemoteRejected,
            RemoteError::Malformed(_) => crate::Code::RemoteMalformed,
            RemoteError::Unsupported(_) => crate::Code::RemoteUnsupported,
            RemoteError::Config(_) => crate::Code::RemoteConfig,
            RemoteError::SecretStore(_) => crate::Code::SecretStore,
        }
    }
}

impl From<RemoteError> for crate::Error {
    fn from(e: RemoteError) -> Self {
        crate::Error::invalid(e.code(), e.to_string())
    }
}
