//! OAuth 2.0 sign-in for any status source whose server takes a token, not a password (the mail
//! source's Microsoft and Google accounts today): the source's settings choose the [`Endpoints`];
//! this module signs in.
//!
//! - [`flow`]: the native-app flow of RFC 8252 — authorization code with PKCE (S256) and `state`, the
//!   redirect caught by a one-shot listener on `http://127.0.0.1:<random port>/`.
//! - [`device`]: the device authorization grant (RFC 8628), where the provider offers it.
//!
//! Token handling is the `oauth2` crate's, over our reqwest client (redirects off: a token endpoint
//! that redirects is an error, not a hop). Nothing of a token is ever stored in SQLite, logged,
//! formatted into an error or answered over IPC.

pub mod device;
pub mod flow;

use std::time::Duration;

use crate::remote::RemoteError;

pub(crate) use crate::text::server_line as clean;

/// Resolved, checked endpoints for one sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub client_id: String,
    pub client_secret: Option<String>,
    pub auth_url: url::Url,
    pub token_url: url::Url,
    pub device_url: Option<url::Url>,
    pub scopes: Vec<String>,
    /// The settings field a sign-in's errors name (the source's "Sign in with").
    pub field: &'static str,
    /// Where the user signs in again, as a place in Settings ("Settings → Case e-mail").
    pub again: &'static str,
}

/// How long a token request may take.
pub const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

/// The HTTP client token requests go through.
pub type HttpClient = reqwest::Client;

/// The HTTP client for token requests: no redirects (a token endpoint that redirects is refused, as
/// the `oauth2` crate advises), bounded in time, TLS checked against the system's roots.
pub fn http_client() -> std::result::Result<reqwest::Client, RemoteError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TOKEN_TIMEOUT)
        .connect_timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| RemoteError::Config(format!("the HTTP client could not be set up: {e}")))
}

type Client = oauth2::basic::BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointMaybeSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

impl Endpoints {
    pub(crate) fn client(&self) -> Client {
        let mut c = oauth2::basic::BasicClient::new(oauth2::ClientId::new(self.client_id.clone()))
            .set_auth_uri(oauth2::AuthUrl::from_url(self.auth_url.clone()))
            .set_token_uri(oauth2::TokenUrl::from_url(self.token_url.clone()))
            .set_device_authorization_url_option(
                self.device_url
                    .clone()
                    .map(oauth2::DeviceAuthorizationUrl::from_url),
            );
        if let Some(s) = &self.client_secret {
            c = c
                .set_client_secret(oauth2::ClientSecret::new(s.clone()))
                .set_auth_type(oauth2::AuthType::RequestBody);
        }
        c
    }

    pub(crate) fn scopes(&self) -> impl Iterator<Item = oauth2::Scope> + '_ {
        self.scopes.iter().cloned().map(oauth2::Scope::new)
    }
}

/// What a token endpoint answered, as the rest of the app needs it.
pub struct Granted {
    pub access_token: String,
    pub expires_in: Option<Duration>,
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for Granted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Granted")
            .field("expires_in", &self.expires_in)
            .field("has_refresh_token", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

impl Granted {
    pub(crate) fn from_response(r: &oauth2::basic::BasicTokenResponse) -> Granted {
        use oauth2::TokenResponse;
        Granted {
            access_token: r.access_token().secret().clone(),
            expires_in: r.expires_in(),
            refresh_token: r.refresh_token().map(|t| t.secret().clone()),
        }
    }
}

/// A token endpoint's failure in plain words (never with a token in it). `invalid_grant` means the
/// user must sign in again.
pub(crate) fn token_error<RE: std::error::Error + 'static>(
    e: oauth2::RequestTokenError<RE, oauth2::basic::BasicErrorResponse>,
    again: &str,
) -> RemoteError {
    use oauth2::basic::BasicErrorResponseType as T;
    use oauth2::RequestTokenError as R;
    match e {
        R::ServerResponse(r) => {
            let said = r
                .error_description()
                .map(|d| clean(d))
                .unwrap_or_else(|| r.error().as_ref().to_owned());
            match r.error() {
                T::InvalidGrant => RemoteError::SignInNeeded(format!(
                    "The sign-in has expired or was withdrawn ({said}). Sign in again in {again}."
                )),
                T::InvalidClient | T::UnauthorizedClient => RemoteError::Config(format!(
                    "The provider refused the client id ({said}). Check it with your organisation's admin."
                )),
                _ => RemoteError::Config(format!("The provider refused the sign-in: {said}")),
            }
        }
        R::Request(e) => {
            let mut msg = e.to_string();
            let mut src = e.source();
            while let Some(s) = src {
                msg = s.to_string();
                src = s.source();
            }
            RemoteError::Unreachable(format!("the sign-in server: {}", clean(&msg)))
        }
        R::Parse(_, _) => RemoteError::Malformed("the token endpoint's answer".into()),
        R::Other(m) => RemoteError::Malformed(clean(&m)),
    }
}
