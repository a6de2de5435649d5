//! The one error type of the core, and its shape at the IPC boundary: `{code, message, field?}`.
//!
//! The UI switches on `code` (a short, stable snake_case word) and shows `message` next to `field` when
//! there is one. Messages are written for the user and never contain secrets.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Writes the `Code` enum, its `ALL` list and its words from one list, so a new code is one line.
macro_rules! codes {
    ($($variant:ident = $word:literal,)+) => {
        /// Every error code that crosses the IPC boundary, in one place: the word each crosses as
        /// (snake_case, what the UI switches on) is written beside it. `ui/codes.js` lists the same
        /// words (a test keeps the two equal).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)+
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $word,)+
                }
            }
        }
    };
}

codes! {
    AlreadyFiled = "already_filed",
    AlreadySubmitting = "already_submitting",
    Busy = "busy",
    CaptureByDesktop = "capture_by_desktop",
    CaptureCancelled = "capture_cancelled",
    CaptureFailed = "capture_failed",
    CaseHasDraft = "case_has_draft",
    CaseNumberInvalid = "case_number_invalid",
    CaseNumberRequired = "case_number_required",
    CaseNumberTaken = "case_number_taken",
    CertificateUntrusted = "certificate_untrusted",
    Clipboard = "clipboard",
    ClipboardNoImage = "clipboard_no_image",
    DataFolderUnknown = "data_folder_unknown",
    DatabaseCorrupt = "database_corrupt",
    DatabaseTooNew = "database_too_new",
    DiskFull = "disk_full",
    DraftInOutbox = "draft_in_outbox",
    DraftNotReady = "draft_not_ready",
    DraftSubmitted = "draft_submitted",
    DraftUnavailable = "draft_unavailable",
    FieldNameInvalid = "field_name_invalid",
    FileChanged = "file_changed",
    FileContentUnsupported = "file_content_unsupported",
    FileDuplicate = "file_duplicate",
    FileEmpty = "file_empty",
    FileExtensionUnsupported = "file_extension_unsupported",
    FileIsDirectory = "file_is_directory",
    FileIsSymlink = "file_is_symlink",
    FileKindMismatch = "file_kind_mismatch",
    FileNotFound = "file_not_found",
    FileNotRegular = "file_not_regular",
    FilePathInvalid = "file_path_invalid",
    FileTooLarge = "file_too_large",
    FileUnreadable = "file_unreadable",
    FilerUnknown = "filer_unknown",
    ImageMismatch = "image_mismatch",
    ImageTooBig = "image_too_big",
    ImageUndecodable = "image_undecodable",
    ImportInvalid = "import_invalid",
    ImportRefused = "import_refused",
    ImportTooMany = "import_too_many",
    Internal = "internal",
    InvalidArgument = "invalid_argument",
    InvalidText = "invalid_text",
    Io = "io",
    MailFoldersInvalid = "mail_folders_invalid",
    MailHostInvalid = "mail_host_invalid",
    MailAccountInvalid = "mail_account_invalid",
    CjAccountInvalid = "cj_account_invalid",
    MailLoginRefused = "mail_login_refused",
    MailLookBackInvalid = "mail_look_back_invalid",
    MailPasswordMissing = "mail_password_missing",
    MailPatternInvalid = "mail_pattern_invalid",
    MailPlainNotLoopback = "mail_plain_not_loopback",
    MailPortInvalid = "mail_port_invalid",
    MailSendersInvalid = "mail_senders_invalid",
    MailServerError = "mail_server_error",
    MailTerminalInvalid = "mail_terminal_invalid",
    MailSignInNeeded = "mail_sign_in_needed",
    MailUserInvalid = "mail_user_invalid",
    NameInvalid = "name_invalid",
    NameRequired = "name_required",
    NameTaken = "name_taken",
    NoUrl = "no_url",
    NotFound = "not_found",
    OauthCancelled = "oauth_cancelled",
    OauthConfigInvalid = "oauth_config_invalid",
    OauthDenied = "oauth_denied",
    OauthStateMismatch = "oauth_state_mismatch",
    OauthTimeout = "oauth_timeout",
    OpenFailed = "open_failed",
    PathNotGranted = "path_not_granted",
    PollIntervalInvalid = "poll_interval_invalid",
    RemoteAuth = "remote_auth",
    RemoteConfig = "remote_config",
    RemoteMalformed = "remote_malformed",
    RemoteNotFound = "remote_not_found",
    RemoteRejected = "remote_rejected",
    RemoteServerError = "remote_server_error",
    RemoteThrottled = "remote_throttled",
    RemoteUnreachable = "remote_unreachable",
    RemoteUnsupported = "remote_unsupported",
    QueryTooLong = "query_too_long",
    ReadOnly = "read_only",
    ReasonInUse = "reason_in_use",
    RtQueueInvalid = "rt_queue_invalid",
    RtUrlInsecure = "rt_url_insecure",
    RtUrlInvalid = "rt_url_invalid",
    SecretInvalid = "secret_invalid",
    SecretStore = "secret_store",
    SecretsUnredacted = "secrets_unredacted",
    SqliteTooOld = "sqlite_too_old",
    StatusUnknown = "status_unknown",
    StatusesInvalid = "statuses_invalid",
    Storage = "storage",
    SubjectTooLong = "subject_too_long",
    TooLarge = "too_large",
    TooLargeToStore = "too_large_to_store",
    TooManyFiles = "too_many_files",
    UrlInvalid = "url_invalid",
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` names the form field at fault, when there is one.
    #[error("{message}")]
    Invalid {
        code: Code,
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
    pub fn invalid(code: Code, message: impl Into<String>) -> Self {
        Error::Invalid {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn field(field: &'static str, code: Code, message: impl Into<String>) -> Self {
        Error::Invalid {
            code,
            message: message.into(),
            field: Some(field),
        }
    }

    /// This error, shown at `field` (an input's error keeps its code and words; one that is not
    /// about input is unchanged).
    pub fn at(self, field: &'static str) -> Self {
        match self {
            Error::Invalid { code, message, .. } => Error::Invalid {
                code,
                message,
                field: Some(field),
            },
            other => other,
        }
    }

    /// The form field this error is about, if any.
    pub fn field_name(&self) -> Option<&'static str> {
        match self {
            Error::Invalid { field, .. } => *field,
            _ => None,
        }
    }

    /// The stable code the UI switches on.
    pub fn code(&self) -> Code {
        match self {
            Error::Invalid { code, .. } => *code,
            Error::NotFound { .. } => Code::NotFound,
            Error::Storage(e) => match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DiskFull) => Code::DiskFull,
                Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen) => {
                    Code::ReadOnly
                }
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    Code::Busy
                }
                _ => Code::Storage,
            },
            Error::Io(e) => match e.kind() {
                std::io::ErrorKind::StorageFull => Code::DiskFull,
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    Code::ReadOnly
                }
                _ => Code::Io,
            },
        }
    }

    fn user_message(&self) -> String {
        match self.code() {
            Code::DiskFull => "The disk is full: Casedesk could not save. Your text is still in the window; free some space and it will save again.".into(),
            Code::ReadOnly => "Casedesk's data folder cannot be written to. Your text is still in the window; fix the folder's permissions and it will save again.".into(),
            Code::Busy => "The database is busy; Casedesk will try again.".into(),
            _ => match self {
                Error::Invalid { message, .. } => message.clone(),
                Error::NotFound { .. } => self.to_string(),
                // The library's own words are not written for the user: they go to the log.
                Error::Storage(_) => {
                    tracing::warn!(error = %self, "database error");
                    "Something went wrong in Casedesk's database. The detail is in Casedesk's log."
                        .into()
                }
                Error::Io(_) => {
                    tracing::warn!(error = %self, "file error");
                    "Something went wrong reading or writing a file. The detail is in Casedesk's log."
                        .into()
                }
            },
        }
    }
}

/// What crosses the IPC boundary when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorPayload {
    pub code: Code,
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
            code: e.code(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_snake_case_word() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            let w = c.as_str();
            assert!(seen.insert(w), "{w} is used twice");
            let snake: String = format!("{c:?}")
                .chars()
                .enumerate()
                .flat_map(|(i, ch)| {
                    let lower = ch.to_ascii_lowercase();
                    (i > 0 && ch.is_ascii_uppercase())
                        .then_some('_')
                        .into_iter()
                        .chain([lower])
                })
                .collect();
            assert_eq!(w, snake, "{c:?} crosses as its own name in snake_case");
        }
    }

    #[test]
    fn a_librarys_words_never_reach_the_user() {
        let io = Error::Io(std::io::Error::other("open /home/someone/x: errno 5"));
        let p = ErrorPayload::from(&io);
        assert_eq!(p.code, Code::Io);
        assert!(
            !p.message.contains("errno") && !p.message.contains("/home"),
            "{}",
            p.message
        );
        assert!(p.message.contains("log"));
        let db = Error::Storage(rusqlite::Error::InvalidColumnName("secret_col".into()));
        let p = ErrorPayload::from(&db);
        assert_eq!(p.code, Code::Storage);
        assert!(!p.message.contains("secret_col"), "{}", p.message);
        // Messages written for the user pass through as they are.
        let mine = Error::field("subject", Code::SubjectTooLong, "Keep the subject short.");
        assert_eq!(ErrorPayload::from(&mine).message, "Keep the subject short.");
        assert_eq!(ErrorPayload::from(&mine).field.as_deref(), Some("subject"));
    }
}
