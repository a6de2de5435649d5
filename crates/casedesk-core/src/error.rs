//! The one error type of the core, and its shape at the IPC boundary: `{code, message, field?}`.
//!
//! The UI switches on `code` (a short, stable snake_case word) and shows `message` next to `field` when
//! there is one. Messages are written for the user and never contain secrets.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every error code that crosses the IPC boundary, in one place. Serialized as snake_case — the words
/// the UI switches on; `ui/codes.js` lists the same (a test keeps the two equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    AlreadyFiled,
    AlreadySubmitting,
    Busy,
    CaptureByDesktop,
    CaptureCancelled,
    CaptureFailed,
    CaseHasDraft,
    CaseNumberInvalid,
    CaseNumberRequired,
    CaseNumberTaken,
    CertificateUntrusted,
    Clipboard,
    ClipboardNoImage,
    DataFolderUnknown,
    DatabaseCorrupt,
    DatabaseTooNew,
    DiskFull,
    DraftInOutbox,
    DraftNotReady,
    DraftSubmitted,
    DraftUnavailable,
    FieldNameInvalid,
    FileChanged,
    FileContentUnsupported,
    FileDuplicate,
    FileEmpty,
    FileExtensionUnsupported,
    FileIsDirectory,
    FileIsSymlink,
    FileKindMismatch,
    FileNotFound,
    FileNotRegular,
    FilePathInvalid,
    FileTooLarge,
    FileUnreadable,
    FilerUnknown,
    ImageMismatch,
    ImageTooBig,
    ImageUndecodable,
    ImportInvalid,
    ImportRefused,
    ImportTooMany,
    Internal,
    InvalidArgument,
    InvalidText,
    Io,
    MailFoldersInvalid,
    MailHostInvalid,
    MailAccountInvalid,
    CjAccountInvalid,
    MailLoginRefused,
    MailLookBackInvalid,
    MailPasswordMissing,
    MailPatternInvalid,
    MailPlainNotLoopback,
    MailPortInvalid,
    MailSendersInvalid,
    MailServerError,
    MailTerminalInvalid,
    MailSignInNeeded,
    MailUserInvalid,
    NameInvalid,
    NameRequired,
    NameTaken,
    NoUrl,
    NotFound,
    OauthCancelled,
    OauthConfigInvalid,
    OauthDenied,
    OauthStateMismatch,
    OauthTimeout,
    OpenFailed,
    PathNotGranted,
    PollIntervalInvalid,
    ProviderAuth,
    ProviderConfig,
    ProviderMalformed,
    ProviderNotFound,
    ProviderRejected,
    ProviderServerError,
    ProviderThrottled,
    ProviderUnreachable,
    ProviderUnsupported,
    QueryTooLong,
    ReadOnly,
    ReasonInUse,
    RtQueueInvalid,
    RtUrlInsecure,
    RtUrlInvalid,
    SecretInvalid,
    SecretStore,
    SecretsUnredacted,
    SqliteTooOld,
    StatusUnknown,
    StatusesInvalid,
    Storage,
    SubjectTooLong,
    TooLarge,
    TooLargeToStore,
    TooManyFiles,
    UrlInvalid,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::AlreadyFiled,
        Code::AlreadySubmitting,
        Code::Busy,
        Code::CaptureByDesktop,
        Code::CaptureCancelled,
        Code::CaptureFailed,
        Code::CaseHasDraft,
        Code::CaseNumberInvalid,
        Code::CaseNumberRequired,
        Code::CaseNumberTaken,
        Code::CertificateUntrusted,
        Code::Clipboard,
        Code::CjAccountInvalid,
        Code::ClipboardNoImage,
        Code::DataFolderUnknown,
        Code::DatabaseCorrupt,
        Code::DatabaseTooNew,
        Code::DiskFull,
        Code::DraftInOutbox,
        Code::DraftNotReady,
        Code::DraftSubmitted,
        Code::DraftUnavailable,
        Code::FieldNameInvalid,
        Code::FileChanged,
        Code::FileContentUnsupported,
        Code::FileDuplicate,
        Code::FileEmpty,
        Code::FileExtensionUnsupported,
        Code::FileIsDirectory,
        Code::FileIsSymlink,
        Code::FileKindMismatch,
        Code::FileNotFound,
        Code::FileNotRegular,
        Code::FilePathInvalid,
        Code::FileTooLarge,
        Code::FileUnreadable,
        Code::FilerUnknown,
        Code::ImageMismatch,
        Code::ImageTooBig,
        Code::ImageUndecodable,
        Code::ImportInvalid,
        Code::ImportRefused,
        Code::ImportTooMany,
        Code::Internal,
        Code::InvalidArgument,
        Code::InvalidText,
        Code::Io,
        Code::MailAccountInvalid,
        Code::MailFoldersInvalid,
        Code::MailHostInvalid,
        Code::MailLoginRefused,
        Code::MailLookBackInvalid,
        Code::MailPasswordMissing,
        Code::MailPatternInvalid,
        Code::MailPlainNotLoopback,
        Code::MailPortInvalid,
        Code::MailSendersInvalid,
        Code::MailServerError,
        Code::MailTerminalInvalid,
        Code::MailSignInNeeded,
        Code::MailUserInvalid,
        Code::NameInvalid,
        Code::NameRequired,
        Code::NameTaken,
        Code::NoUrl,
        Code::NotFound,
        Code::OauthCancelled,
        Code::OauthConfigInvalid,
        Code::OauthDenied,
        Code::OauthStateMismatch,
        Code::OauthTimeout,
        Code::OpenFailed,
        Code::PathNotGranted,
        Code::PollIntervalInvalid,
        Code::ProviderAuth,
        Code::ProviderConfig,
        Code::ProviderMalformed,
        Code::ProviderNotFound,
        Code::ProviderRejected,
        Code::ProviderServerError,
        Code::ProviderThrottled,
        Code::ProviderUnreachable,
        Code::ProviderUnsupported,
        Code::QueryTooLong,
        Code::ReadOnly,
        Code::ReasonInUse,
        Code::RtQueueInvalid,
        Code::RtUrlInsecure,
        Code::RtUrlInvalid,
        Code::SecretInvalid,
        Code::SecretStore,
        Code::SecretsUnredacted,
        Code::SqliteTooOld,
        Code::StatusUnknown,
        Code::StatusesInvalid,
        Code::Storage,
        Code::SubjectTooLong,
        Code::TooLarge,
        Code::TooLargeToStore,
        Code::TooManyFiles,
        Code::UrlInvalid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::AlreadyFiled => "already_filed",
            Code::AlreadySubmitting => "already_submitting",
            Code::Busy => "busy",
            Code::CaptureByDesktop => "capture_by_desktop",
            Code::CaptureCancelled => "capture_cancelled",
            Code::CaptureFailed => "capture_failed",
            Code::CaseHasDraft => "case_has_draft",
            Code::CaseNumberInvalid => "case_number_invalid",
            Code::CaseNumberRequired => "case_number_required",
            Code::CaseNumberTaken => "case_number_taken",
            Code::CertificateUntrusted => "certificate_untrusted",
            Code::Clipboard => "clipboard",
            Code::ClipboardNoImage => "clipboard_no_image",
            Code::DataFolderUnknown => "data_folder_unknown",
            Code::DatabaseCorrupt => "database_corrupt",
            Code::DatabaseTooNew => "database_too_new",
            Code::DiskFull => "disk_full",
            Code::DraftInOutbox => "draft_in_outbox",
            Code::DraftNotReady => "draft_not_ready",
            Code::DraftSubmitted => "draft_submitted",
            Code::DraftUnavailable => "draft_unavailable",
            Code::FieldNameInvalid => "field_name_invalid",
            Code::FileChanged => "file_changed",
            Code::FileContentUnsupported => "file_content_unsupported",
            Code::FileDuplicate => "file_duplicate",
            Code::FileEmpty => "file_empty",
            Code::FileExtensionUnsupported => "file_extension_unsupported",
            Code::FileIsDirectory => "file_is_directory",
            Code::FileIsSymlink => "file_is_symlink",
            Code::FileKindMismatch => "file_kind_mismatch",
            Code::FileNotFound => "file_not_found",
            Code::FileNotRegular => "file_not_regular",
            Code::FilePathInvalid => "file_path_invalid",
            Code::FileTooLarge => "file_too_large",
            Code::FileUnreadable => "file_unreadable",
            Code::FilerUnknown => "filer_unknown",
            Code::ImageMismatch => "image_mismatch",
            Code::ImageTooBig => "image_too_big",
            Code::ImageUndecodable => "image_undecodable",
            Code::ImportInvalid => "import_invalid",
            Code::ImportRefused => "import_refused",
            Code::ImportTooMany => "import_too_many",
            Code::Internal => "internal",
            Code::InvalidArgument => "invalid_argument",
            Code::InvalidText => "invalid_text",
            Code::Io => "io",
            Code::MailFoldersInvalid => "mail_folders_invalid",
            Code::MailHostInvalid => "mail_host_invalid",
            Code::MailAccountInvalid => "mail_account_invalid",
            Code::CjAccountInvalid => "cj_account_invalid",
            Code::MailLoginRefused => "mail_login_refused",
            Code::MailLookBackInvalid => "mail_look_back_invalid",
            Code::MailPasswordMissing => "mail_password_missing",
            Code::MailPatternInvalid => "mail_pattern_invalid",
            Code::MailPlainNotLoopback => "mail_plain_not_loopback",
            Code::MailPortInvalid => "mail_port_invalid",
            Code::MailSendersInvalid => "mail_senders_invalid",
            Code::MailServerError => "mail_server_error",
            Code::MailTerminalInvalid => "mail_terminal_invalid",
            Code::MailSignInNeeded => "mail_sign_in_needed",
            Code::MailUserInvalid => "mail_user_invalid",
            Code::NameInvalid => "name_invalid",
            Code::NameRequired => "name_required",
            Code::NameTaken => "name_taken",
            Code::NoUrl => "no_url",
            Code::NotFound => "not_found",
            Code::OauthCancelled => "oauth_cancelled",
            Code::OauthConfigInvalid => "oauth_config_invalid",
            Code::OauthDenied => "oauth_denied",
            Code::OauthStateMismatch => "oauth_state_mismatch",
            Code::OauthTimeout => "oauth_timeout",
            Code::OpenFailed => "open_failed",
            Code::PathNotGranted => "path_not_granted",
            Code::PollIntervalInvalid => "poll_interval_invalid",
            Code::ProviderAuth => "provider_auth",
            Code::ProviderConfig => "provider_config",
            Code::ProviderMalformed => "provider_malformed",
            Code::ProviderNotFound => "provider_not_found",
            Code::ProviderRejected => "provider_rejected",
            Code::ProviderServerError => "provider_server_error",
            Code::ProviderThrottled => "provider_throttled",
            Code::ProviderUnreachable => "provider_unreachable",
            Code::ProviderUnsupported => "provider_unsupported",
            Code::QueryTooLong => "query_too_long",
            Code::ReadOnly => "read_only",
            Code::ReasonInUse => "reason_in_use",
            Code::RtQueueInvalid => "rt_queue_invalid",
            Code::RtUrlInsecure => "rt_url_insecure",
            Code::RtUrlInvalid => "rt_url_invalid",
            Code::SecretInvalid => "secret_invalid",
            Code::SecretStore => "secret_store",
            Code::SecretsUnredacted => "secrets_unredacted",
            Code::SqliteTooOld => "sqlite_too_old",
            Code::StatusUnknown => "status_unknown",
            Code::StatusesInvalid => "statuses_invalid",
            Code::Storage => "storage",
            Code::SubjectTooLong => "subject_too_long",
            Code::TooLarge => "too_large",
            Code::TooLargeToStore => "too_large_to_store",
            Code::TooManyFiles => "too_many_files",
            Code::UrlInvalid => "url_invalid",
        }
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
            _ => self.to_string(),
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
