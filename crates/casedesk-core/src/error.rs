//! The one error type of the core, and its shape at the IPC boundary: `{code, message, field?}`.
//!
//! The UI switches on `code` (a short, stable snake_case word) and shows `message` next to `field` when
//! there is one. Messages are written for the user and never contain secrets.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` names the form field at fault, when there is one.
    #[error("{message}")]
    Invalid {
        code: &'static str,
        message: String,
        field: Option<&'static str>,
    },
    /// A draft, attachment or reason that does not exist (or is in the trash).
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: i64 },
    #[error("database error: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn field(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            code,
            message: message.into(),
            field: Some(field),
        }
    }

    /// The stable code the UI switches on.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { code, .. } => code,
            Error::NotFound { .. } => "not_found",
            Error::Storage(e) => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DiskFull) => "disk_full",
                Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen) => {
                    "read_only"
                }
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    "busy"
                }
                _ => "storage",
            },
            Error::Io(e) => match e.kind() {
                std::io::ErrorKind::StorageFull => "disk_full",
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    "read_only"
                }
                _ => "io",
            },
        }
    }

    fn user_message(&self) -> String {
        match self.code() {
            "disk_full" => "The disk is full: Casedesk could not save. Your text is still in the window; free some space and it will save again.".into(),
            "read_only" => "Casedesk's data folder cannot be written to. Your text is still in the window; fix the folder's permissions and it will save again.".into(),
            "busy" => "The database is busy; Casedesk will try again.".into(),
            _ => self.to_string(),
        }
    }
}

/// What crosses the IPC boundary when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        let field = match e {
            Error::Invalid { field, .. } => field.map(str::to_owned),
            _ => None,
        };
        ErrorPayload {
            code: e.code().to_owned(),
            message: e.user_message(),
            field,
        }
    }
}

impl From<Error> for ErrorPayload {
    fn from(e: Error) -> Self {
        ErrorPayload::from(&e)
    }
}
