//! The mailboxes' own part of Settings, as the registry hands it to the shell's settings commands
//! (`SettingsPart`): per account whether a password is stored and whether it is signed in, the
//! OAuth presets, the rule presets and a new account's defaults; the passwords typed for the
//! accounts; what a save that removes an account forgets; and "Test".

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::account;
use super::oauth::{tokens, AuthMethod};
use super::presets::PresetInfo;
use super::{MailAccounts, MailSettings};
use crate::error::{Error, Result};
use crate::remote::BoxFuture;
use crate::secrets::{self, Secrets};
use crate::slice::Slice;
use crate::source::by_hand::{SettingsPart, StateOf, TestRequest};

/// The mail source's part of Settings.
pub const SETTINGS: SettingsPart = SettingsPart {
    view,
    keep_secrets,
    forget_removed,
    test,
};

/// What the page's mail settings module needs beyond the slice.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    /// Per account (and the first, before it is set up): whether its password is stored, whether it
    /// is signed in with OAuth. The secrets themselves never cross IPC outward.
    pub account_secrets: Vec<AccountSecrets>,
    /// The OAuth presets whose client id this build carries (the user need not enter one).
    pub built_in_client_ids: Vec<AuthMethod>,
    /// The server each OAuth preset fills in when chosen.
    pub oauth_servers: Vec<OAuthServer>,
    pub presets: Vec<PresetInfo>,
    /// What a new mail account starts with.
    pub defaults: MailSettings,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSecrets {
    pub id: String,
    pub has_password: bool,
    /// A refresh token is stored and the last pass did not say "sign in again".
    pub signed_in: bool,
}

/// What choosing an OAuth preset fills in (the endpoints and scope stay in the core).
#[derive(Debug, Serialize)]
pub struct OAuthServer {
    pub auth: AuthMethod,
    pub host: &'static str,
    pub port: u16,
}

/// A refresh token is stored for the account, and it is not the mark of one the provider withdrew.
/// A keyring that cannot answer counts as not signed in (the page offers to sign in).
fn has_refresh(secrets: &Arc<dyn Secrets>, id: &str) -> bool {
    account::secrets_of(secrets, id)
        .get(super::account::MAIL_OAUTH_REFRESH)
        .ok()
        .flatten()
        .is_some_and(|t| t != tokens::WITHDRAWN)
}

fn account_secrets(
    id: &str,
    state_of: StateOf<'_>,
    secrets: &Arc<dyn Secrets>,
) -> Result<AccountSecrets> {
    let refused = state_of(&account::source_name(id))?
        .last_error_code
        .as_deref()
        == Some(crate::Code::MailSignInNeeded.as_str());
    Ok(AccountSecrets {
        id: id.to_owned(),
        has_password: account::secrets_of(secrets, id)
            .get(super::account::MAIL_PASSWORD)
            .ok()
            .flatten()
            .is_some(),
        signed_in: !refused && has_refresh(secrets, id),
    })
}

fn view(
    slice: Option<&Slice>,
    state_of: StateOf<'_>,
    secrets: &Arc<dyn Secrets>,
) -> Result<serde_json::Value> {
    let accounts = MailAccounts::from_slice(slice);
    let mut ids: Vec<&str> = accounts.accounts.iter().map(|a| a.id.as_str()).collect();
    if !ids.contains(&account::FIRST_ID) {
        ids.push(account::FIRST_ID);
    }
    let presets = [AuthMethod::Microsoft, AuthMethod::Google];
    let view = View {
        account_secrets: ids
            .into_iter()
            .map(|id| account_secrets(id, state_of, secrets))
            .collect::<Result<_>>()?,
        built_in_client_ids: presets
            .into_iter()
            .filter(|m| m.preset().is_some_and(|p| p.built_in_client_id.is_some()))
            .collect(),
        oauth_servers: presets
            .into_iter()
            .filter_map(|auth| {
                auth.preset().map(|p| OAuthServer {
                    auth,
                    host: p.host,
                    port: p.port,
                })
            })
            .collect(),
        presets: super::presets::presets(),
        defaults: MailSettings::default(),
    };
    // Strings, booleans, numbers and lists always serialize; `Null` is never seen.
    Ok(serde_json::to_value(view).unwrap_or_default())
}

/// Stores a password typed for an account, naming `mail_password` when it is malformed or the
/// secret store fails.
fn keep_secrets(secrets: &Arc<dyn Secrets>, typed: &BTreeMap<String, String>) -> Result<()> {
    for (id, password) in typed.iter().take(account::MAX_ACCOUNTS) {
        let id = super::sign_in::account(Some(id))?;
        let Some(password) = secrets::checked(Some(password), "mail_password")? else {
            continue;
        };
        account::secrets_of(secrets, &id)
            .set(super::account::MAIL_PASSWORD, &password)
            .map_err(|e| e.at("mail_password"))?;
    }
    Ok(())
}

/// A removed account's secrets go before the save: a keyring that fails stops it (naming
/// `mail_accounts`), so no account is left without its settings but with its password.
fn forget_removed(
    secrets: &Arc<dyn Secrets>,
    old: Option<&Slice>,
    new: Option<&Slice>,
) -> Result<()> {
    let gone = MailAccounts::from_slice(new).removed_since(&MailAccounts::from_slice(old));
    for account in gone {
        account
            .forget_secrets(secrets)
            .map_err(|e| e.at("mail_accounts"))?;
    }
    Ok(())
}

/// Logs in to the account as given (with the typed password, or the stored one; or its OAuth
/// sign-in), checks the folders, and reads the look-back window without storing anything.
fn test(request: TestRequest<'_>) -> Result<BoxFuture<'static, Result<serde_json::Value>>> {
    let id = super::sign_in::account(request.account)?;
    let mut settings: MailSettings =
        serde_json::from_value(request.settings.clone()).map_err(|_| {
            Error::field(
                "settings",
                crate::Code::InvalidArgument,
                "These are not a mailbox's settings.",
            )
        })?;
    settings.enabled = true;
    settings.validate()?;
    let typed = secrets::checked(request.typed, "mail_password")?;
    let mine = account::secrets_of(request.secrets, &id);
    let credential = if settings.auth.is_oauth() {
        if !has_refresh(request.secrets, &id) {
            return Err(Error::field(
                "mail_auth",
                crate::Code::MailSignInNeeded,
                "Sign in first.",
            ));
        }
        super::credential(&settings, &mine)?
    } else {
        let password = match typed {
            Some(p) => p,
            None => mine.get(super::account::MAIL_PASSWORD)?.ok_or_else(|| {
                Error::field(
                    "mail_password",
                    crate::Code::MailPasswordMissing,
                    "Enter the account's password (an app password where your provider offers them).",
                )
            })?,
        };
        super::Credential::Password(password)
    };
    let now = request.now;
    Ok(Box::pin(async move {
        let report = super::test_connection(&settings, credential, now)
            .await
            .map_err(Error::from)?;
        // Strings, numbers and lists always serialize; `Null` is never seen.
        Ok(serde_json::to_value(report).unwrap_or_default())
    }))
}
