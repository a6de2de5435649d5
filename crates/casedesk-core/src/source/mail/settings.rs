//! The mail source's settings: the account (never its password: that is in the OS secret store), the
//! folders, who counts as support, how their mails are read (a preset of patterns, or the user's own),
//! which statuses close a case, and how far back the first sync looks.

use serde::{Deserialize, Serialize};

use super::oauth::{AuthMethod, OAuthSettings};
use super::rules::{Preset, Rules};
use crate::error::{Error, Result};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (port 993).
    Tls,
    /// Plain, then STARTTLS before anything is sent (port 143).
    Starttls,
    /// No encryption at all: only to this computer (a local bridge such as a mail client's).
    Plain,
}

impl Security {
    pub fn default_port(self) -> u16 {
        match self {
            Security::Tls => 993,
            Security::Starttls | Security::Plain => 143,
        }
    }
}

pub const DEFAULT_SENDER: &str = "support@cj.com";
pub const DEFAULT_LOOK_BACK_DAYS: u32 = 90;
pub const MAX_FOLDERS: usize = 20;
pub const MAX_SENDERS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MailSettings {
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    /// A password, or OAuth 2.0 with a provider's preset or the user's own endpoints.
    pub auth: AuthMethod,
    pub oauth: OAuthSettings,
    /// Folders to read; INBOX by default.
    pub folders: Vec<String>,
    /// Who counts as support: exact addresses, or `@domain` entries the user adds.
    pub senders: Vec<String>,
    pub preset: Preset,
    /// The patterns in use: the preset's, possibly edited (then the preset is `custom`). Empty means
    /// the preset's defaults.
    pub patterns: Vec<String>,
    /// Statuses that close a case (compared without case). Empty means the preset's defaults.
    pub terminal_statuses: Vec<String>,
    /// How far back the first sync of a folder looks.
    pub look_back_days: u32,
    /// The team's shared mailbox (support@agency…, which everybody CCs): a case found here with no
    /// draft of the user's waiting for it was filed by someone else.
    pub shared: bool,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            enabled: false,
            host: String::new(),
            port: 993,
            security: Security::Tls,
            user: String::new(),
            auth: AuthMethod::Password,
            oauth: OAuthSettings::default(),
            folders: vec!["INBOX".into()],
            senders: vec![DEFAULT_SENDER.into()],
            preset: Preset::Cj,
            patterns: Vec::new(),
            terminal_statuses: Vec::new(),
            look_back_days: DEFAULT_LOOK_BACK_DAYS,
            shared: false,
        }
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl MailSettings {
    /// Checks what the user typed; an error names the field at fault. Only an enabled account needs a
    /// host and user.
    pub fn validate(&self) -> Result<()> {
        let host = self.host.trim();
        if self.enabled || !host.is_empty() {
            if host.is_empty()
                || host.len() > 253
                || !host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
            {
                return Err(Error::field(
                    "mail_host",
                    crate::Code::MailHostInvalid,
                    "Enter the mail server's name, like imap.example.com.",
                ));
            }
            if self.security == Security::Plain && !is_loopback(host) {
                return Err(Error::field(
                    "mail_security",
                    crate::Code::MailPlainNotLoopback,
                    "An unencrypted connection is only allowed to this computer (localhost). Choose TLS or STARTTLS.",
                ));
            }
        }
        if self.port == 0 {
            return Err(Error::field(
                "mail_port",
                crate::Code::MailPortInvalid,
                "Enter the server's port (993 for TLS, 143 for STARTTLS).",
            ));
        }
        if self.enabled
            && (self.user.trim().is_empty()
                || self.user.len() > 320
                || self.user.chars().any(char::is_control))
        {
            return Err(Error::field(
                "mail_user",
                crate::Code::MailUserInvalid,
                "Enter the account's user name (usually your e-mail address).",
            ));
        }
        let folders = self.folder_list();
        if folders.is_empty()
            || folders.len() > MAX_FOLDERS
            || folders.iter().any(|f| {
                f.len() > 200 || f.chars().any(|c| c.is_control() || c == '"' || c == '\\')
            })
        {
            return Err(Error::field(
                "mail_folders",
                crate::Code::MailFoldersInvalid,
                "Pick between 1 and 20 folders (names without quotes or backslashes).",
            ));
        }
        let senders = self.sender_list();
        if senders.is_empty() || senders.len() > MAX_SENDERS {
            return Err(Error::field(
                "mail_senders",
                crate::Code::MailSendersInvalid,
                "Give at least one sender, like support@cj.com or @cj.com.",
            ));
        }
        for s in &senders {
            let (local, domain) = s.split_once('@').unwrap_or(("", ""));
            let domain_ok = domain.contains('.')
                && domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
            let local_ok = local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c));
            if !domain_ok || !local_ok || s.matches('@').count() != 1 || s.len() > 254 {
                return Err(Error::field(
                    "mail_senders",
                    crate::Code::MailSendersInvalid,
                    format!("“{s}” is neither an address (support@cj.com) nor a domain (@cj.com)."),
                ));
            }
        }
        if self.enabled && self.auth.is_oauth() {
            self.oauth.endpoints(self.auth)?;
        }
        if self.look_back_days == 0 || self.look_back_days > 3650 {
            return Err(Error::field(
                "mail_look_back",
                crate::Code::MailLookBackInvalid,
                "Look back between 1 and 3,650 days.",
            ));
        }
        if self.terminal_statuses.len() > 30
            || self
                .terminal_statuses
                .iter()
                .any(|s| s.chars().count() > 60 || s.chars().any(char::is_control))
        {
            return Err(Error::field(
                "mail_terminal",
                crate::Code::MailTerminalInvalid,
                "Give at most 30 closing statuses of at most 60 characters.",
            ));
        }
        Rules::compile(self).map(|_| ())
    }

    /// The folders, trimmed, without blanks or repeats.
    pub fn folder_list(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in self
            .folders
            .iter()
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
        {
            if !out.iter().any(|o| o == f) {
                out.push(f.to_owned());
            }
        }
        out
    }

    /// The senders, trimmed and lower-cased, without blanks or repeats.
    pub fn sender_list(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in self
            .senders
            .iter()
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
        {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// Whether `address` is on the allowlist: equal to an address entry, or at an `@domain` entry's
    /// domain exactly (a look-alike such as `cj.com.example.net` is not `@cj.com`).
    pub fn allows(&self, address: &str) -> bool {
        let a = address.trim().to_lowercase();
        let Some((_, domain)) = a.rsplit_once('@') else {
            return false;
        };
        self.sender_list()
            .iter()
            .any(|s| match s.strip_prefix('@') {
                Some(d) => domain == d,
                None => &a == s,
            })
    }

    /// Whether a change from `old` to `self` means the look-back window must be read again (another
    /// account, other folders, other senders or rules): mails read before may count differently now.
    pub fn rereads(&self, old: &MailSettings) -> bool {
        self.host.trim() != old.host.trim()
            || self.user.trim() != old.user.trim()
            || self.port != old.port
            || self.folder_list() != old.folder_list()
            || self.sender_list() != old.sender_list()
            || self.preset != old.preset
            || self.patterns != old.patterns
            || self.look_back_days != old.look_back_days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled() -> MailSettings {
        MailSettings {
            enabled: true,
            host: "imap.example.com".into(),
            user: "ana@example.com".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_allowlist_takes_exact_addresses_and_exact_domains_only() {
        let mut s = enabled();
        s.senders = vec!["Support@CJ.com".into(), "@zendesk.example".into()];
        assert!(s.allows("support@cj.com"));
        assert!(s.allows("SUPPORT@cj.com"));
        assert!(
            !s.allows("support@cj.com.evil.example"),
            "a look-alike domain is not CJ"
        );
        assert!(
            !s.allows("publishersupport@cj.com"),
            "only the address given"
        );
        assert!(s.allows("acme@zendesk.example"));
        assert!(!s.allows("acme@notzendesk.example"));
        assert!(
            !s.allows("acme@sub.zendesk.example"),
            "a domain entry means that domain"
        );
        assert!(!s.allows("no-at-sign"));
    }

    #[test]
    fn plain_connections_only_go_to_this_computer() {
        let mut s = enabled();
        s.security = Security::Plain;
        assert_eq!(s.validate().unwrap_err().code(), "mail_plain_not_loopback");
        for host in ["127.0.0.1", "localhost", "::1", "[::1]"] {
            s.host = host.into();
            assert!(s.validate().is_ok(), "{host} is this computer");
        }
    }

    #[test]
    fn bad_settings_are_refused_by_field() {
        let mut s = enabled();
        assert!(s.validate().is_ok());
        s.senders = vec!["cj.com".into()];
        assert_eq!(s.validate().unwrap_err().code(), "mail_senders_invalid");
        s.senders = vec!["@cj.com".into()];
        s.folders = vec!["Bad\"Name".into()];
        assert_eq!(s.validate().unwrap_err().code(), "mail_folders_invalid");
        s.folders = vec!["INBOX".into()];
        s.host = "imap example".into();
        assert_eq!(s.validate().unwrap_err().code(), "mail_host_invalid");
        s.host = "imap.example.com".into();
        s.user = String::new();
        assert_eq!(s.validate().unwrap_err().code(), "mail_user_invalid");
        let off = MailSettings::default();
        assert!(
            off.validate().is_ok(),
            "a switched-off, empty account is valid"
        );
    }
}
