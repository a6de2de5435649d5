//! OAuth 2.0 sign-in for the mail account, for the servers that take no password over IMAP
//! (Microsoft 365 / Outlook.com) or forbid app passwords (many Google Workspace domains).
//!
//! - [`AuthMethod`] and [`OAuthSettings`]: how the account signs in (a password, or a provider preset
//!   with its endpoints and scope, or the user's own "Custom OAuth" endpoints).
//! - [`flow`] and [`device`] (re-exported from `source::oauth`, any source's sign-in): the browser
//!   flow of RFC 8252 and the device grant of RFC 8628, with the endpoints chosen here.
//! - [`tokens`]: the refresh token in the OS secret store, access tokens in memory only, refreshed
//!   before they expire and once after the server refuses one.
//!
//! Token handling is the `oauth2` crate's, over our reqwest client (redirects off: a token endpoint
//! that redirects is an error, not a hop). Nothing of a token is ever stored in SQLite, logged,
//! formatted into an error or answered over IPC.

pub mod tokens;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

// The sign-in mechanics are any source's (`source::oauth`); the mail source's settings choose the
// endpoints.
pub(crate) use crate::source::oauth::token_error;
pub use crate::source::oauth::{
    device, flow, http_client, Endpoints, Granted, HttpClient, TOKEN_TIMEOUT,
};
pub use tokens::TokenSource;

/// Where a sign-in's errors are shown: the account's "Sign in with" field.
const SIGN_IN_FIELD: &str = "mail_auth";
/// Where the user signs in again.
const SIGN_IN_AGAIN: &str = "Settings → Case e-mail";

/// How the mail account signs in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// `LOGIN` with an (app) password from the secret store.
    #[default]
    Password,
    /// Microsoft 365 / Outlook.com, OAuth 2.0 (XOAUTH2).
    Microsoft,
    /// Google mail, OAuth 2.0 (XOAUTH2).
    Google,
    /// Any other server's OAuth 2.0 endpoints, entered by the user or their admin.
    Custom,
}

/// What a provider preset fills in.
pub struct Preset {
    pub host: &'static str,
    pub port: u16,
    pub auth_url: &'static str,
    pub token_url: &'static str,
    /// Its device authorization endpoint, when it offers the device flow for mail.
    pub device_url: Option<&'static str>,
    pub scope: &'static str,
    /// The client id this build carries (`CASEDESK_MS_CLIENT_ID` / `CASEDESK_GOOGLE_CLIENT_ID` at
    /// compile time), if any.
    pub built_in_client_id: Option<&'static str>,
}

impl AuthMethod {
    pub fn is_oauth(self) -> bool {
        self != AuthMethod::Password
    }

    pub fn preset(self) -> Option<Preset> {
        match self {
            AuthMethod::Microsoft => Some(Preset {
                host: "outlook.office365.com",
                port: 993,
                auth_url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
                token_url: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
                device_url: Some("https://login.microsoftonline.com/common/oauth2/v2.0/devicecode"),
                scope: "https://outlook.office.com/IMAP.AccessAsUser.All offline_access",
                built_in_client_id: option_env!("CASEDESK_MS_CLIENT_ID").filter(|s| !s.is_empty()),
            }),
            AuthMethod::Google => Some(Preset {
                host: "imap.gmail.com",
                port: 993,
                auth_url: "https://accounts.google.com/o/oauth2/v2/auth",
                token_url: "https://oauth2.googleapis.com/token",
                // Google's device flow does not allow the mail scope.
                device_url: None,
                scope: "https://mail.google.com/",
                built_in_client_id: option_env!("CASEDESK_GOOGLE_CLIENT_ID")
                    .filter(|s| !s.is_empty()),
            }),
            AuthMethod::Password | AuthMethod::Custom => None,
        }
    }
}

/// The OAuth part of the mail settings. For a preset only `client_id` (and Google's `client_secret`)
/// are read, and only when the build carries none; "Custom" reads every field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OAuthSettings {
    pub client_id: String,
    /// Google's "desktop app" clients come with a secret that Google documents as not confidential;
    /// other providers' public clients have none.
    pub client_secret: String,
    pub auth_url: String,
    pub token_url: String,
    /// Optional: the device authorization endpoint, for signing in with a code on another device.
    pub device_url: String,
    /// Space-separated scopes.
    pub scope: String,
}

fn is_loopback_host(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// An endpoint URL: https, or http to this computer only (a local test server).
fn endpoint(value: &str, field: &'static str, what: &str) -> Result<url::Url> {
    let bad = || {
        Error::field(
            field,
            crate::Code::OauthConfigInvalid,
            format!("Enter the provider's {what} (an https:// address)."),
        )
    };
    let u = url::Url::parse(value.trim()).map_err(|_| bad())?;
    match u.scheme() {
        "https" if u.host().is_some() => Ok(u),
        "http" if is_loopback_host(&u) => Ok(u),
        "http" => Err(Error::field(
            field,
            crate::Code::OauthConfigInvalid,
            format!("The {what} must use https:// (plain http only to this computer)."),
        )),
        _ => Err(bad()),
    }
}

impl OAuthSettings {
    /// The endpoints to sign in with, checked; an error names the field at fault.
    pub fn endpoints(&self, method: AuthMethod) -> Result<Endpoints> {
        let typed_id = self.client_id.trim();
        if typed_id.len() > 512 || typed_id.chars().any(|c| c.is_control() || c == ' ') {
            return Err(Error::field(
                "mail_oauth_client_id",
                crate::Code::OauthConfigInvalid,
                "A client id is one word without spaces.",
            ));
        }
        let secret = self.client_secret.trim();
        if secret.len() > 512 || secret.chars().any(char::is_control) {
            return Err(Error::field(
                "mail_oauth_client_secret",
                crate::Code::OauthConfigInvalid,
                "The client secret is one line.",
            ));
        }
        let client_secret = (!secret.is_empty()).then(|| secret.to_owned());
        let (client_id, auth_url, token_url, device_url, scope) = match method.preset() {
            Some(p) => (
                p.built_in_client_id
                    .map(str::to_owned)
                    .unwrap_or_else(|| typed_id.to_owned()),
                url::Url::parse(p.auth_url).expect("preset URL"),
                url::Url::parse(p.token_url).expect("preset URL"),
                p.device_url
                    .map(|d| url::Url::parse(d).expect("preset URL")),
                p.scope.to_owned(),
            ),
            None if method == AuthMethod::Custom => (
                typed_id.to_owned(),
                endpoint(&self.auth_url, "mail_oauth_auth_url", "authorization URL")?,
                endpoint(&self.token_url, "mail_oauth_token_url", "token URL")?,
                match self.device_url.trim() {
                    "" => None,
                    d => Some(endpoint(
                        d,
                        "mail_oauth_device_url",
                        "device authorization URL",
                    )?),
                },
                self.scope.trim().to_owned(),
            ),
            None => {
                return Err(Error::field(
                    "mail_auth",
                    crate::Code::OauthConfigInvalid,
                    "This account signs in with a password, not OAuth.",
                ))
            }
        };
        if client_id.is_empty() {
            return Err(Error::field(
                "mail_oauth_client_id",
                crate::Code::OauthConfigInvalid,
                "Enter the client id your organisation registered for Casedesk (see the README: “Sign in with Microsoft or Google”).",
            ));
        }
        let scopes: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
        if scopes.is_empty()
            || scopes.len() > 20
            || scopes.iter().any(|s| s.len() > 200 || s.contains('"'))
        {
            return Err(Error::field(
                "mail_oauth_scope",
                crate::Code::OauthConfigInvalid,
                "Enter the scopes mail access needs, separated by spaces.",
            ));
        }
        Ok(Endpoints {
            client_id,
            client_secret,
            auth_url,
            token_url,
            device_url,
            scopes,
            field: SIGN_IN_FIELD,
            again: SIGN_IN_AGAIN,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_endpoints_need_https_except_on_this_computer() {
        let mut s = OAuthSettings {
            client_id: "casedesk".into(),
            auth_url: "http://auth.example.com/authorize".into(),
            token_url: "https://auth.example.com/token".into(),
            scope: "mail".into(),
            ..Default::default()
        };
        assert_eq!(
            s.endpoints(AuthMethod::Custom).unwrap_err().field_name(),
            Some("mail_oauth_auth_url")
        );
        s.auth_url = "http://127.0.0.1:8080/authorize".into();
        assert!(s.endpoints(AuthMethod::Custom).is_ok());
        s.client_id = String::new();
        assert_eq!(
            s.endpoints(AuthMethod::Custom).unwrap_err().field_name(),
            Some("mail_oauth_client_id")
        );
        s.client_id = "a b".into();
        assert!(s.endpoints(AuthMethod::Custom).is_err());
    }

    #[test]
    fn presets_fill_endpoints_and_scope() {
        let s = OAuthSettings {
            client_id: "typed-by-admin".into(),
            ..Default::default()
        };
        let ms = s.endpoints(AuthMethod::Microsoft).unwrap();
        assert_eq!(ms.auth_url.host_str(), Some("login.microsoftonline.com"));
        assert!(ms
            .scopes
            .contains(&"https://outlook.office.com/IMAP.AccessAsUser.All".to_owned()));
        assert!(ms.scopes.contains(&"offline_access".to_owned()));
        let g = s.endpoints(AuthMethod::Google).unwrap();
        assert_eq!(g.scopes, vec!["https://mail.google.com/".to_owned()]);
        assert!(g.device_url.is_none());
        assert!(s.endpoints(AuthMethod::Password).is_err());
    }
}
