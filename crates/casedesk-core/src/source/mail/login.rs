//! What the account logs in with — a password, or OAuth access tokens — and logging in with it: a
//! refused token is refreshed and tried once more; a second refusal means "sign in again".

use std::sync::Arc;

use super::imap::{self, ImapSession};
use super::{oauth, MailSettings, MailSource};
use crate::error::Result;
use crate::remote::RemoteError;
use crate::secrets::Secrets;

/// What the account logs in with.
pub enum Credential {
    /// A password given directly ("Test connection" with the one just typed, tests).
    Password(String),
    /// The (app) password in the secret store, read at every login: a keyring that is locked or fails
    /// is a temporary error ([`RemoteError::SecretStore`]), a missing password a setting to fix, and
    /// neither ever sends an empty password.
    Stored(Arc<dyn Secrets>),
    /// OAuth 2.0: access tokens from the refresh token in the secret store.
    OAuth(Arc<oauth::TokenSource>),
}

/// The credential the settings call for: the stored password, or a token source over the stored
/// refresh token — both read when a login needs them, so a keyring unlocked later, or signing in again,
/// takes effect at the next pass.
pub fn credential(settings: &MailSettings, secrets: &Arc<dyn Secrets>) -> Result<Credential> {
    if settings.auth.is_oauth() {
        let endpoints = settings.oauth.endpoints(settings.auth)?;
        let tokens = oauth::TokenSource::new(endpoints, secrets.clone())?;
        return Ok(Credential::OAuth(Arc::new(tokens)));
    }
    Ok(Credential::Stored(secrets.clone()))
}

/// The stored password, read on a blocking thread (a keyring may wait for a prompt or D-Bus).
async fn stored_password(secrets: &Arc<dyn Secrets>) -> std::result::Result<String, RemoteError> {
    let secrets = secrets.clone();
    let read = tokio::task::spawn_blocking(move || secrets.get(super::account::MAIL_PASSWORD))
        .await
        .map_err(|e| RemoteError::SecretStore(format!("the read stopped: {e}")))?;
    match read {
        Ok(Some(p)) if !p.is_empty() => Ok(p),
        Ok(_) => Err(RemoteError::Config(
            "No password for the mail account is in the keyring: enter it in Settings → Case e-mail."
                .into(),
        )),
        Err(e) => {
            tracing::warn!(error = %e, "the secret store could not be read");
            Err(RemoteError::SecretStore(e.to_string()))
        }
    }
}

impl MailSource {
    /// Logs in. With OAuth, a refused token is refreshed and tried once more; a second refusal means
    /// the user must sign in again.
    pub(super) async fn login(&self) -> std::result::Result<ImapSession, RemoteError> {
        let tokens = match &self.credential {
            Credential::Password(p) => {
                let login = imap::Login::Password(p.clone());
                return imap::connect(&self.settings, &login, self.patience).await;
            }
            Credential::Stored(secrets) => {
                let login = imap::Login::Password(stored_password(secrets).await?);
                return imap::connect(&self.settings, &login, self.patience).await;
            }
            Credential::OAuth(t) => t,
        };
        let token = tokens.access_token(false).await?;
        match imap::connect(&self.settings, &imap::Login::Bearer(token), self.patience).await {
            Err(RemoteError::LoginRefused(first)) => {
                tracing::info!("the mail server refused the access token; refreshing it once");
                let token = tokens.access_token(true).await?;
                imap::connect(&self.settings, &imap::Login::Bearer(token), self.patience)
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
