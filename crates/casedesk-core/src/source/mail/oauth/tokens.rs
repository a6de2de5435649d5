//! Tokens for the mail account: the refresh token lives in the OS secret store (like a password);
//! access tokens live in memory only, and are refreshed a minute before they expire, or at once when
//! the IMAP server refuses one (then once only: a second refusal means "sign in again").

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{http_client, token_error, Endpoints, Granted};
use crate::remote::RemoteError;
use crate::secrets::Secrets;

/// What the keyring holds in place of a refresh token the provider withdrew (never a token: tokens
/// have no spaces).
pub const WITHDRAWN: &str = "withdrawn by the provider";

/// An access token this close to its expiry is refreshed before use.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// When a provider does not say how long a token lasts.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(3600);

struct Access {
    token: String,
    good_until: Instant,
}

/// Hands out access tokens for one account.
pub struct TokenSource {
    endpoints: Endpoints,
    secrets: Arc<dyn Secrets>,
    http: reqwest::Client,
    cached: tokio::sync::Mutex<Option<Access>>,
    /// A rotated refresh token the secret store did not take (locked): used, and saved again, at the
    /// next refresh — never dropped while the app runs.
    unsaved: std::sync::Mutex<Option<String>>,
}

/// Stores what a sign-in granted: the refresh token in the secret store (a provider that gives none
/// cannot keep the account signed in, which is said plainly).
pub fn store_grant(secrets: &dyn Secrets, granted: &Granted) -> crate::error::Result<()> {
    let Some(refresh) = granted.refresh_token.as_deref() else {
        return Err(crate::error::Error::field(
            "mail_auth",
            crate::Code::OauthConfigInvalid,
            "The provider signed you in but gave no refresh token, so Casedesk could not stay signed in. Check that the scope allows offline access (offline_access for Microsoft).",
        ));
    };
    secrets.set(crate::source::mail::account::MAIL_OAUTH_REFRESH, refresh)
}

impl TokenSource {
    pub fn new(
        endpoints: Endpoints,
        secrets: Arc<dyn Secrets>,
    ) -> Result<TokenSource, RemoteError> {
        Ok(TokenSource {
            endpoints,
            secrets,
            http: http_client()?,
            cached: tokio::sync::Mutex::new(None),
            unsaved: std::sync::Mutex::new(None),
        })
    }

    /// Starts with the access token a sign-in just granted (no refresh needed for the first login).
    pub async fn seed(&self, granted: &Granted) {
        *self.cached.lock().await = Some(Access {
            token: granted.access_token.clone(),
            good_until: Instant::now() + granted.expires_in.unwrap_or(ASSUMED_LIFETIME),
        });
    }

    /// An access token good for at least [`REFRESH_MARGIN`]; `fresh` refreshes regardless (after the
    /// server refused the cached one).
    pub async fn access_token(&self, fresh: bool) -> Result<String, RemoteError> {
        let mut cached = self.cached.lock().await;
        if !fresh {
            if let Some(a) = cached.as_ref() {
                if Instant::now() + REFRESH_MARGIN < a.good_until {
                    return Ok(a.token.clone());
                }
            }
        }
        *cached = None;
        let unsaved = self
            .unsaved
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let refresh = match unsaved {
            Some(r) => {
                self.save_refresh(&r).await;
                r
            }
            None => self.stored_refresh().await?,
        };
        let response = self
            .endpoints
            .client()
            .exchange_refresh_token(&oauth2::RefreshToken::new(refresh.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| token_error(e, self.endpoints.again));
        let response = match response {
            Ok(r) => r,
            Err(e @ RemoteError::SignInNeeded(_)) => {
                // Withdrawn for good (invalid_grant): the dead token is removed so that no later pass,
                // and no later start, uses it or says so again; the sync state says "not signed in"
                // until the user signs in again.
                self.forget_refresh(&refresh).await;
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        let granted = Granted::from_response(&response);
        if let Some(rotated) = granted.refresh_token.clone() {
            // A provider that rotates refresh tokens invalidates the old one: keep the new one.
            *self.unsaved.lock().unwrap_or_else(|p| p.into_inner()) = Some(rotated.clone());
            self.save_refresh(&rotated).await;
        }
        tracing::info!(expires_in = ?granted.expires_in, "mail access token refreshed");
        let token = granted.access_token.clone();
        *cached = Some(Access {
            token: granted.access_token,
            good_until: Instant::now() + granted.expires_in.unwrap_or(ASSUMED_LIFETIME),
        });
        Ok(token)
    }

    /// The refresh token in the secret store: a store that fails is a temporary error.
    async fn stored_refresh(&self) -> Result<String, RemoteError> {
        let secrets = self.secrets.clone();
        let stored = tokio::task::spawn_blocking(move || {
            secrets.get(crate::source::mail::account::MAIL_OAUTH_REFRESH)
        })
        .await
        .map_err(|e| RemoteError::SecretStore(format!("the read stopped: {e}")))?
        .map_err(|e| RemoteError::SecretStore(e.to_string()))?;
        match stored {
            Some(r) if r == WITHDRAWN => Err(RemoteError::SignInNeeded(
                "The provider withdrew Casedesk's sign-in. Sign in again in Settings → Case e-mail."
                    .into(),
            )),
            Some(r) if !r.is_empty() => Ok(r),
            // Signed out (or never signed in): the user's choice, shown in the sync state, not
            // announced as a withdrawn sign-in.
            _ => Err(RemoteError::Config(
                "The mail account is not signed in. Sign in in Settings → Case e-mail.".into(),
            )),
        }
    }

    /// Saves a rotated refresh token; kept in memory (and tried again) while the store refuses.
    async fn save_refresh(&self, token: &str) {
        let (secrets, value) = (self.secrets.clone(), token.to_owned());
        let saved = tokio::task::spawn_blocking(move || {
            secrets.set(crate::source::mail::account::MAIL_OAUTH_REFRESH, &value)
        })
        .await;
        match saved {
            Ok(Ok(())) => {
                let mut unsaved = self.unsaved.lock().unwrap_or_else(|p| p.into_inner());
                if unsaved.as_deref() == Some(token) {
                    *unsaved = None;
                }
            }
            _ => tracing::warn!("the rotated refresh token could not be saved yet; kept in memory and saved at the next refresh"),
        }
    }

    /// Replaces a refresh token the provider withdrew by [`WITHDRAWN`], unless a new sign-in replaced it
    /// meanwhile: no later pass or start sends it again, and each still says "sign in again" (without
    /// a request), until the user signs in or out.
    async fn forget_refresh(&self, dead: &str) {
        *self.unsaved.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let (secrets, dead) = (self.secrets.clone(), dead.to_owned());
        let _ = tokio::task::spawn_blocking(move || {
            if secrets
                .get(crate::source::mail::account::MAIL_OAUTH_REFRESH)
                .ok()
                .flatten()
                .as_deref()
                == Some(dead.as_str())
            {
                if let Err(e) =
                    secrets.set(crate::source::mail::account::MAIL_OAUTH_REFRESH, WITHDRAWN)
                {
                    tracing::warn!(error = %e, "the withdrawn refresh token could not be replaced");
                }
            }
        })
        .await;
    }
}
