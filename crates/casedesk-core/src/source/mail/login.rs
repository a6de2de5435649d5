//! What the account logs in with — a password, or OAuth access tokens — and logging in with it: a
//! refused token is refreshed and tried once more; a second refusal means "sign in again".

use std::sync::Arc;

use super::imap::{self, ImapSession};
use super::{oauth, MailSettings, MailSource};
use crate::error::Result;
use crate::remote::RemoteError;
use crate::secrets::{self, Secrets};

/// What the account logs in with.
pub enum Credential {
    /// An (app) password from the secret store.
    Password(String),
    /// OAuth 2.0: access tokens from the refresh token in the secret store.
    OAuth(Arc<oauth::TokenSource>),
}

/// The credential the settings call for: the stored password, or a token source over the stored
/// refresh token (read when a token is needed, so signing in again takes effect at once).
pub fn credential(settings: &MailSettings, secrets: &Arc<dyn Secrets>) -> Result<Credential> {
    if settings.auth.is_oauth() {
        let endpoints = settings.oauth.endpoints(settings.auth)?;
        let tokens = oauth::TokenSource::new(endpoints, secrets.clone())?;
        return Ok(Credential::OAuth(Arc::new(tokens)));
    }
    Ok(Credential::Password(
        match secrets.get(secrets::MAIL_PASSWORD) {
            Ok(Some(p)) => p,
            Ok(None) => {
                tracing::warn!("the mail account has no password in the secret store");
                String::new()
            }
            Err(e) => {
                tracing::warn!(error = %e, "the secret store could not be read");
                String::new()
            }
        },
    ))
}

impl MailSource {
    /// Logs in. With OAuth, a refused token is refreshed and tried once more; a second refusal means
    /// the user must sign in again.
    pub(super) async fn login(&self) -> std::result::Result<ImapSession, RemoteError> {
        let tokens = match &self.credential {
            Credential::Password(p) => {
                return imap::connect(&self.settings, &imap::Login::Password(p.clone())).await
            }
            Credential::OAuth(t) => t,
        };
        let token = tokens.access_token(false).await?;
        match imap::connect(&self.settings, &imap::Login::Bearer(token)).await {
            Err(RemoteError::LoginRefused(first)) => {
                tracing::info!("the mail server refused the access token; refreshing it once");
                let token = tokens.access_token(true).await?;
                imap::connect(&self.settings, &imap::Login::Bearer(token))
                    .await
                    .map_err(|e| match e {
                        RemoteError::LoginRefused(_) => RemoteError::SignInNeeded(format!(
                            "{first} Sign in again in Settings → Case e-mail."
                        )),
                        other => other,
                    })
            }
            other => other,
        }
    }
}
