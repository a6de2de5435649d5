//! RT's settings: its address, queue and custom field names, kept as its slice of the preferences,
//! and the checks on what the user typed.

use crate::filer::FilerKind;
use crate::settings_form::{Input, InputKind, SettingsForm};

/// RT's settings, kept as its slice of the preferences ([`KEY`], [`VERSION`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RtSettings {
    pub base_url: String,
    pub queue: String,
    pub reason_field: String,
    pub sub_reason_field: String,
    pub token_field: String,
}

/// RT's word, on its cases and in the preferences.
pub const KIND: FilerKind = FilerKind::named("rt");

/// RT's key among the preferences' settings slices, and the version of its shape.
pub const KEY: &str = "rt";
pub const VERSION: u32 = 1;

/// RT in the filer registry: built with the token the keyring keeps, read when a request needs it.
pub const REGISTRATION: crate::filer::Registration = crate::filer::Registration {
    kind: KIND,
    key: KEY,
    form,
    build: |slice, secrets| Ok(std::sync::Arc::new(super::client(slice, secrets)?)),
    check: |slice, in_use| {
        let rt = RtSettings::from_slice(slice);
        rt.validate_fields()?;
        if in_use {
            rt.validate()?;
        }
        Ok(())
    },
    defaults: |slice| RtSettings::from_slice(slice).slice(),
};

/// The secret store's name for RT's auth token.
pub const TOKEN_SECRET: &str = "rt-token";

/// RT's settings form: address, queue, auth token and the custom fields' names.
pub fn form() -> SettingsForm {
    let text = |id, label, key, placeholder, max_len| Input {
        id,
        label,
        kind: InputKind::Text { key },
        placeholder,
        max_len,
    };
    SettingsForm {
        kind: KIND.as_str(),
        title: "Request Tracker 5 (REST 2.0)",
        slice: KEY,
        inputs: vec![
            text(
                "rt_url",
                "RT address",
                "baseUrl",
                "https://rt.example.com",
                500,
            ),
            text("rt_queue", "Queue", "queue", "General", 200),
            Input {
                id: "rt_token",
                label: "Auth token",
                kind: InputKind::Secret { name: TOKEN_SECRET },
                placeholder: "Paste your RT auth token",
                max_len: 512,
            },
            text(
                "rt_reason_field",
                "Case Reason field",
                "reasonField",
                "Case Reason",
                200,
            ),
            text(
                "rt_sub_reason_field",
                "Sub Reason field",
                "subReasonField",
                "Sub Reason",
                200,
            ),
            text(
                "rt_token_field",
                "Client token field",
                "tokenField",
                "Casedesk Token",
                200,
            ),
        ],
    }
}

impl Default for RtSettings {
    fn default() -> Self {
        RtSettings::new("", "General")
    }
}

impl RtSettings {
    pub fn new(base_url: &str, queue: &str) -> Self {
        RtSettings {
            base_url: base_url.trim().trim_end_matches('/').to_owned(),
            queue: queue.trim().to_owned(),
            reason_field: "Case Reason".into(),
            sub_reason_field: "Sub Reason".into(),
            token_field: "Casedesk Token".into(),
        }
    }

    /// The settings kept in `slice` (the defaults when there are none), as typed but trimmed.
    pub fn from_slice(slice: Option<&crate::slice::Slice>) -> Self {
        let s: RtSettings = crate::slice::settings_or_default(slice, VERSION);
        RtSettings {
            reason_field: s.reason_field.trim().to_owned(),
            sub_reason_field: s.sub_reason_field.trim().to_owned(),
            token_field: s.token_field.trim().to_owned(),
            ..RtSettings::new(&s.base_url, &s.queue)
        }
    }

    /// These settings as RT's slice.
    pub fn slice(&self) -> crate::slice::Slice {
        crate::slice::Slice::of(VERSION, self)
    }

    /// Checks the custom field names a user typed (they go into TicketSQL and JSON keys).
    pub fn validate_fields(&self) -> Result<(), crate::Error> {
        for (field, f) in [
            ("rt_reason_field", &self.reason_field),
            ("rt_sub_reason_field", &self.sub_reason_field),
            ("rt_token_field", &self.token_field),
        ] {
            if f.trim().is_empty() || f.len() > 200 || f.contains(['{', '}', '\'']) {
                return Err(crate::Error::field(
                    field,
                    crate::Code::FieldNameInvalid,
                    "Custom field names cannot be empty or contain { } or '.",
                ));
            }
        }
        Ok(())
    }

    /// Checks the settings a user typed.
    pub fn validate(&self) -> Result<(), crate::Error> {
        let url = url::Url::parse(&self.base_url).map_err(|_| {
            crate::Error::field(
                "rt_url",
                crate::Code::RtUrlInvalid,
                "Enter RT's address, like https://rt.example.com",
            )
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(crate::Error::field(
                "rt_url",
                crate::Code::RtUrlInvalid,
                "RT's address must start with http:// or https://",
            ));
        }
        let loopback = match url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        if url.scheme() == "http" && !loopback {
            return Err(crate::Error::field(
                "rt_url",
                crate::Code::RtUrlInsecure,
                "RT's address must start with https:// (http:// would send your token unencrypted; it is allowed only to this computer).",
            ));
        }
        if self.queue.is_empty() || self.queue.len() > 200 {
            return Err(crate::Error::field(
                "rt_queue",
                crate::Code::RtQueueInvalid,
                "Enter the RT queue to file cases in.",
            ));
        }
        Ok(())
    }
}
