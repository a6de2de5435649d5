//! How a mailbox signs in with OAuth, as the registry hands it to the shell's generic sign-in
//! commands: its settings choose the endpoints, its account id scopes the refresh token in the secret
//! store, and its loop's name is where a "sign in again" is cleared.

use super::account::{self, MailAccount};
use super::{oauth::tokens, MailSettings};
use crate::error::{Error, Result};
use crate::secrets::Secrets;
use crate::source::by_hand::SignIn;
use crate::source::oauth::{Endpoints, Granted};
use std::sync::Arc;

/// The mail source's sign-in.
pub const SIGN_IN: SignIn = SignIn {
    endpoints,
    account,
    keep,
    sign_out,
    state_name: account::source_name,
};

/// The endpoints for one account's settings as the page holds them (a `MailSettings`).
fn endpoints(settings: &serde_json::Value) -> Result<Endpoints> {
    let mail: MailSettings = serde_json::from_value(settings.clone()).map_err(|_| {
        Error::field(
            "settings",
            crate::Code::InvalidArgument,
            "These are not a mailbox's settings.",
        )
    })?;
    if !mail.auth.is_oauth() {
        return Err(Error::field(
            "mail_auth",
            crate::Code::OauthConfigInvalid,
            "Choose Microsoft, Google or Custom OAuth to sign in.",
        ));
    }
    mail.oauth.endpoints(mail.auth)
}

/// The account a command names: the first when none is named, else a valid id.
pub fn account(id: Option<&str>) -> Result<String> {
    let id = id.unwrap_or(account::FIRST_ID).to_owned();
    MailAccount {
        id: id.clone(),
        name: String::new(),
        settings: MailSettings::default(),
    }
    .validate()?;
    Ok(id)
}

/// Keeps the refresh token a sign-in granted, in the account's place in the secret store.
fn keep(secrets: &Arc<dyn Secrets>, id: &str, granted: &Granted) -> Result<()> {
    tokens::store_grant(account::secrets_of(secrets, id).as_ref(), granted)
}

/// Forgets the account's refresh token (the provider's own session is the provider's).
fn sign_out(secrets: &Arc<dyn Secrets>, id: &str) -> Result<()> {
    account::secrets_of(secrets, id).delete(super::account::MAIL_OAUTH_REFRESH)
}
