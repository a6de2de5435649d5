//! `cj-web`: CJ has no case API, so Casedesk assists the web form instead of submitting, and the case
//! number CJ gives is recorded by the user (or found in their mail). Statuses come from the user's mail
//! or are set by hand.

use super::{BoxFuture, Filer, FilerKind, FormField, HandForm, RemoteError, Submission};
use crate::settings_form::{Input, InputKind, SettingsForm};

/// CJ Account Manager, where the help icon (?) leads to Contact Support.
pub const DEFAULT_FORM_URL: &str = "https://members.cj.com/";
pub const DEFAULT_STATUSES: [&str; 5] =
    ["New", "In Progress", "Waiting on you", "Resolved", "Closed"];

pub struct CjWeb {
    pub form_url: String,
    /// The statuses in Settings, set by hand (the first is a recorded case's).
    pub statuses: Vec<String>,
}

/// CJ's web form's word, on its cases and in the preferences.
pub const KIND: FilerKind = FilerKind::named("cj-web");

/// CJ's web form's key among the preferences' settings slices, and the version of its shape.
pub const KEY: &str = "cj-web";
pub const VERSION: u32 = 1;

/// What the user sets for CJ's web form: its address and the statuses a case is given by hand.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CjWebSettings {
    pub form_url: String,
    pub statuses: Vec<String>,
}

impl Default for CjWebSettings {
    fn default() -> Self {
        CjWebSettings {
            form_url: DEFAULT_FORM_URL.into(),
            statuses: DEFAULT_STATUSES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// CJ's web form in the filer registry: it needs no secret, and its defaults file cases.
pub const REGISTRATION: super::Registration = super::Registration {
    kind: KIND,
    key: KEY,
    form,
    build: |slice, _| {
        Ok(std::sync::Arc::new(CjWeb::from(CjWebSettings::from_slice(
            slice,
        ))))
    },
    check: |slice, _| CjWebSettings::from_slice(slice).validate(),
    defaults: |slice| CjWebSettings::from_slice(slice).slice(),
};

/// CJ's web form's settings form: its address and the statuses set by hand.
pub fn form() -> SettingsForm {
    SettingsForm {
        kind: KIND.as_str(),
        title: "CJ web form (you file, Casedesk assists)",
        slice: KEY,
        inputs: vec![
            Input {
                id: "cj_form_url",
                label: "CJ form address",
                kind: InputKind::Text { key: "formUrl" },
                placeholder: DEFAULT_FORM_URL,
                max_len: 500,
            },
            Input {
                id: "cj_statuses",
                label: "Statuses (one a line)",
                kind: InputKind::Lines { key: "statuses" },
                placeholder: "",
                max_len: 2000,
            },
        ],
    }
}

impl CjWebSettings {
    /// The settings kept in `slice`, or the defaults.
    pub fn from_slice(slice: Option<&crate::slice::Slice>) -> Self {
        crate::slice::settings_or_default(slice, VERSION)
    }

    pub fn slice(&self) -> crate::slice::Slice {
        crate::slice::Slice::of(VERSION, self)
    }

    /// Checks what the user typed: an http(s) address, 1 to 30 statuses of at most 60 characters.
    pub fn validate(&self) -> crate::Result<()> {
        let form = url::Url::parse(&self.form_url).map_err(|_| {
            crate::Error::field(
                "cj_form_url",
                crate::Code::UrlInvalid,
                "Enter the address of CJ's support form.",
            )
        })?;
        if form.scheme() != "https" && form.scheme() != "http" {
            return Err(crate::Error::field(
                "cj_form_url",
                crate::Code::UrlInvalid,
                "CJ's form address must start with https://",
            ));
        }
        let statuses: Vec<&String> = self
            .statuses
            .iter()
            .filter(|s| !s.trim().is_empty())
            .collect();
        if statuses.is_empty()
            || statuses.len() > 30
            || statuses.iter().any(|s| s.chars().count() > 60)
        {
            return Err(crate::Error::field(
                "cj_statuses",
                crate::Code::StatusesInvalid,
                "Give between 1 and 30 statuses of at most 60 characters.",
            ));
        }
        Ok(())
    }
}

impl From<CjWebSettings> for CjWeb {
    fn from(s: CjWebSettings) -> Self {
        CjWeb {
            form_url: s.form_url,
            statuses: s.statuses,
        }
    }
}

/// Whether a status set by hand ends a CJ case.
pub fn is_terminal(status: &str) -> bool {
    matches!(status.to_lowercase().as_str(), "resolved" | "closed")
}

impl Filer for CjWeb {
    fn kind(&self) -> FilerKind {
        KIND
    }

    fn submits(&self) -> bool {
        false
    }

    fn case_url(&self, _case_number: &str) -> Option<String> {
        Some(self.form_url.clone())
    }

    fn submit<'a>(&'a self, _s: &'a Submission) -> BoxFuture<'a, Result<String, RemoteError>> {
        Box::pin(async {
            Err(RemoteError::Unsupported(
                "CJ has no case API: file the case in the web form and record its number.",
            ))
        })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, RemoteError>> {
        Box::pin(async {
            Ok(
                "The CJ web form needs no connection test: Submit opens it in your browser."
                    .to_owned(),
            )
        })
    }

    fn statuses_by_hand(&self) -> &[String] {
        &self.statuses
    }

    fn ends_case(&self, status: &str) -> bool {
        is_terminal(status)
    }

    fn form_url(&self) -> Option<String> {
        Some(self.form_url.clone())
    }

    fn hand_form(&self, sub: &Submission) -> Option<HandForm> {
        let reason = sub.reason.clone().unwrap_or_default();
        let sub_reason = sub.sub_reason.clone().unwrap_or_default();
        let formatted = formatted_case(
            &sub.subject,
            &sub.description,
            &reason,
            &sub_reason,
            &sub.cc,
        );
        let field = |label, value| FormField { label, value };
        Some(HandForm {
            url: self.form_url.clone(),
            fields: vec![
                field("Email Addresses to CC", sub.cc.join(", ")),
                field("Subject", sub.subject.clone()),
                field("Description", sub.description.clone()),
                field("Case Reason", reason),
                field("Sub Reason", sub_reason),
            ],
            formatted,
        })
    }
}

/// The draft as one block of text for "Copy all".
pub fn formatted_case(
    subject: &str,
    description: &str,
    reason: &str,
    sub_reason: &str,
    cc: &[String],
) -> String {
    format!(
        "Subject: {subject}\nCase Reason: {reason}\nSub Reason: {sub_reason}\nEmail Addresses to CC: {}\n\nDescription:\n{description}\n",
        cc.join(", ")
    )
}
