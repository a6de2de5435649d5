//! Settings: where cases go (the filer and its settings), the case e-mail account, the poll interval,
//! notifications and start at login. Secrets go to the OS secret store and never come back over IPC:
//! the UI only learns whether one is stored.

use casedesk_core::preferences::Preferences;
use casedesk_core::registry;
use casedesk_core::secrets;
use casedesk_core::settings_form::SettingsForm;
use casedesk_core::source::mail::oauth::AuthMethod;
use casedesk_core::source::mail::{
    self, account, rules::PresetInfo, Credential, MailAccount, MailSettings, TestReport,
};
use casedesk_core::{Error, ErrorPayload};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tauri::{AppHandle, Manager, Runtime};

use super::{blocking, Answer};
use crate::AppState;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capabilities {
    /// The filer sends cases itself (otherwise Submit opens the cj-web panel).
    pub submit: bool,
    /// A status source follows cases.
    pub follow: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub preferences: Preferences,
    /// Every filer's settings form, as the filer describes it (the page draws them from this).
    pub filers: Vec<SettingsForm>,
    /// The filers' secret inputs that have a secret stored. The secret itself never crosses IPC
    /// outward.
    pub stored_secrets: Vec<&'static str>,
    /// Per mail account: whether its password is stored, whether it is signed in with OAuth.
    pub mail_account_secrets: Vec<AccountSecrets>,
    /// The OAuth presets whose client id this build carries (the user need not enter one).
    pub built_in_client_ids: Vec<AuthMethod>,
    /// The server each OAuth preset fills in when chosen.
    pub oauth_servers: Vec<OAuthServer>,
    pub capabilities: Capabilities,
    pub mail_presets: Vec<PresetInfo>,
    /// What a new mail account starts with.
    pub mail_defaults: MailSettings,
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

/// Secrets typed in Settings; absent or empty means "keep the stored one".
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretsInput {
    /// Secrets typed in a filer's form, by the input's id (as its form names it).
    pub filer_secrets: Option<BTreeMap<String, String>>,
    pub mail_password: Option<String>,
    /// The mail account `mail_password` is for (the first when absent).
    pub mail_account: Option<String>,
    /// Passwords typed for several accounts at once, by account id.
    pub mail_passwords: Option<BTreeMap<String, String>>,
}

fn has(state: &AppState, name: &str) -> bool {
    state.secrets().get(name).ok().flatten().is_some()
}

/// The most secrets one save or one test takes from a filer's form.
const TYPED_MAX: usize = 16;

/// The filers' secrets typed in the form, each checked and paired with the secret store's name
/// (an input no filer has is refused, naming it).
fn typed_secrets(
    typed: Option<BTreeMap<String, String>>,
) -> Answer<Vec<(&'static str, &'static str, String)>> {
    let typed = typed.unwrap_or_default();
    if typed.len() > TYPED_MAX {
        return Err(Error::field(
            "filer_secrets",
            casedesk_core::Code::InvalidArgument,
            "Too many secrets at once.",
        )
        .into());
    }
    let mut out = Vec::new();
    for (id, value) in typed {
        let Some((id, name)) = registry::filer_secret(&id) else {
            return Err(Error::field(
                "filer_secrets",
                casedesk_core::Code::InvalidArgument,
                "No filer has that secret.",
            )
            .into());
        };
        if let Some(value) = secrets::checked(Some(&value), id)? {
            out.push((id, name, value));
        }
    }
    Ok(out)
}

/// A refresh token is stored for the account, and it is not the mark of one the provider withdrew.
fn signed_in(state: &AppState, id: &str) -> bool {
    account::secrets_of(state.secrets_arc(), id)
        .get(secrets::MAIL_OAUTH_REFRESH)
        .ok()
        .flatten()
        .is_some_and(|t| t != casedesk_core::source::mail::oauth::tokens::WITHDRAWN)
}

fn account_secrets(state: &AppState, id: &str) -> Answer<AccountSecrets> {
    let refused = state
        .with_reader(|s| s.source_states().get(&account::source_name(id)))?
        .last_error_code
        .as_deref()
        == Some(casedesk_core::Code::MailSignInNeeded.as_str());
    Ok(AccountSecrets {
        id: id.to_owned(),
        has_password: account::secrets_of(state.secrets_arc(), id)
            .get(secrets::MAIL_PASSWORD)
            .ok()
            .flatten()
            .is_some(),
        signed_in: signed_in(state, id) && !refused,
    })
}

/// The account a command names: the first when none is named, else a valid id.
pub(super) fn account_id(account: Option<&str>) -> Answer<String> {
    let id = account.unwrap_or(account::FIRST_ID).to_owned();
    MailAccount {
        id: id.clone(),
        name: String::new(),
        settings: MailSettings::default(),
    }
    .validate()?;
    Ok(id)
}

fn settings_view(state: &AppState) -> Answer<SettingsView> {
    let preferences = state.with_store(Preferences::load)?;
    let accounts = registry::mail_accounts(&preferences);
    let mut ids: Vec<&str> = accounts.accounts.iter().map(|a| a.id.as_str()).collect();
    if !ids.contains(&account::FIRST_ID) {
        ids.push(account::FIRST_ID);
    }
    let filers = registry::filer_forms();
    Ok(SettingsView {
        stored_secrets: filers
            .iter()
            .flat_map(|f| f.secrets())
            .filter(|(_, name)| has(state, name))
            .map(|(id, _)| id)
            .collect(),
        filers,
        mail_account_secrets: ids
            .into_iter()
            .map(|id| account_secrets(state, id))
            .collect::<Answer<_>>()?,
        built_in_client_ids: [AuthMethod::Microsoft, AuthMethod::Google]
            .into_iter()
            .filter(|m| m.preset().is_some_and(|p| p.built_in_client_id.is_some()))
            .collect(),
        oauth_servers: [AuthMethod::Microsoft, AuthMethod::Google]
            .into_iter()
            .filter_map(|auth| {
                auth.preset().map(|p| OAuthServer {
                    auth,
                    host: p.host,
                    port: p.port,
                })
            })
            .collect(),
        capabilities: Capabilities {
            submit: state.current_filer().submits(),
            follow: state.following(),
        },
        mail_presets: mail::rules::presets(),
        mail_defaults: MailSettings::default(),
        // Every filer's settings with their values (its defaults where none are kept yet).
        preferences: registry::with_defaults(preferences),
    })
}

/// Stores a secret the user typed, blaming `field` when it is malformed or the secret store fails.
fn store_secret(
    store: &std::sync::Arc<dyn secrets::Secrets>,
    name: &str,
    value: Option<&str>,
    field: &'static str,
) -> Answer<()> {
    let Some(value) = secrets::checked(value, field)? else {
        return Ok(());
    };
    store.set(name, &value).map_err(|e| {
        let mut p = ErrorPayload::from(&e);
        p.field = Some(field.into());
        p
    })
}

#[tauri::command]
pub async fn get_settings<R: Runtime>(app: AppHandle<R>) -> Answer<SettingsView> {
    blocking(app, settings_view).await
}

/// The CJ accounts and the default, for the editor's selector and the lists' filter at start: the
/// preferences only, no keyring read (Settings' own view asks the keyring which secrets are stored).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CjAccountsView {
    pub cj_accounts: Vec<casedesk_core::cj_account::CjAccount>,
    pub default_cj_account: Option<String>,
}

#[tauri::command]
pub async fn list_cj_accounts<R: Runtime>(app: AppHandle<R>) -> Answer<CjAccountsView> {
    blocking(app, |state| {
        state.with_reader(|s| {
            let p = Preferences::load(s)?;
            Ok(CjAccountsView {
                cj_accounts: p.cj_accounts,
                default_cj_account: p.default_cj_account,
            })
        })
    })
    .await
}

/// Saves preferences and the secrets given; the filer and the follow loops start anew from them.
#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    preferences: Preferences,
    secrets: Option<SecretsInput>,
) -> Answer<SettingsView> {
    let handle = app.clone();
    blocking(handle, move |state| {
        registry::validate(&preferences).map_err(ErrorPayload::from)?;
        let given = secrets.unwrap_or_default();
        for (id, name, value) in typed_secrets(given.filer_secrets)? {
            store_secret(state.secrets_arc(), name, Some(&value), id)?;
        }
        let mut typed: Vec<(String, Option<String>)> = given
            .mail_passwords
            .unwrap_or_default()
            .into_iter()
            .take(account::MAX_ACCOUNTS)
            .map(|(id, p)| (id, Some(p)))
            .collect();
        typed.push((
            given
                .mail_account
                .unwrap_or_else(|| account::FIRST_ID.into()),
            given.mail_password,
        ));
        for (id, password) in typed {
            let id = account_id(Some(&id))?;
            store_secret(
                &account::secrets_of(state.secrets_arc(), &id),
                secrets::MAIL_PASSWORD,
                password.as_deref(),
                "mail_password",
            )?;
        }
        // A removed account's secrets go first: a keyring that fails stops the save, so no account
        // is left without its settings but with its password.
        let old = state.with_store(Preferences::load)?;
        let gone_accounts =
            registry::mail_accounts(&preferences).removed_since(&registry::mail_accounts(&old));
        for gone in gone_accounts {
            gone.forget_secrets(state.secrets_arc()).map_err(|e| {
                let mut p = ErrorPayload::from(&e);
                p.field = Some("mail_accounts".into());
                p
            })?;
        }
        state.with_store(|s| registry::save(&preferences, s))?;
        state.apply_preferences(&preferences);
        // Without the autostart plugin (the mock runtime) there is nothing to change.
        if let Some(autostart) = app.try_state::<tauri_plugin_autostart::AutoLaunchManager>() {
            let result = if preferences.start_at_login {
                autostart.enable()
            } else {
                autostart.disable()
            };
            if let Err(e) = result {
                tracing::warn!(error = %e, "could not change start at login");
            }
        }
        state.check_now();
        settings_view(state)
    })
    .await
}

/// Tries the filer's settings (with the secrets just typed in its form, or the stored ones) with
/// one request.
#[tauri::command]
pub async fn test_connection<R: Runtime>(
    app: AppHandle<R>,
    preferences: Preferences,
    typed: Option<BTreeMap<String, String>>,
) -> Answer<String> {
    registry::validate(&preferences).map_err(ErrorPayload::from)?;
    let typed = typed_secrets(typed)?;
    // Building the filer reads the keyring: a blocking thread.
    let filer = blocking(app, move |state| {
        let pairs: Vec<(&str, &str)> = typed.iter().map(|(_, n, v)| (*n, v.as_str())).collect();
        registry::filer(
            &preferences,
            &secrets::Typed::over(state.secrets_arc(), &pairs),
        )
        .map_err(ErrorPayload::from)
    })
    .await?;
    filer
        .test_connection()
        .await
        .map_err(|e| ErrorPayload::from(Error::from(e)))
}

/// Logs in to the mail account as given (with the typed password, or the stored one), checks the
/// folders, and reads the look-back window without storing anything.
#[tauri::command]
pub async fn test_mail_connection<R: Runtime>(
    app: AppHandle<R>,
    mail: MailSettings,
    mail_password: Option<String>,
    account: Option<String>,
) -> Answer<TestReport> {
    let id = account_id(account.as_deref())?;
    let mut to_test = mail.clone();
    to_test.enabled = true;
    to_test.validate().map_err(ErrorPayload::from)?;
    let typed = secrets::checked(mail_password.as_deref(), "mail_password")?;
    let settings = to_test.clone();
    let (credential, now) = blocking(app, move |state| {
        let mine = account::secrets_of(state.secrets_arc(), &id);
        if settings.auth.is_oauth() {
            if !signed_in(state, &id) {
                return Err(Error::field(
                    "mail_auth",
                    casedesk_core::Code::MailSignInNeeded,
                    "Sign in first.",
                )
                .into());
            }
            let credential = mail::credential(&settings, &mine)?;
            return Ok((credential, state.with_store(|s| Ok(s.now()))?));
        }
        let password = match typed {
            Some(p) => p,
            None => mine
                .get(secrets::MAIL_PASSWORD)
                .map_err(ErrorPayload::from)?
                .ok_or_else(|| {
                    ErrorPayload::from(Error::field(
                        "mail_password",
                        casedesk_core::Code::MailPasswordMissing,
                        "Enter the account's password (an app password where your provider offers them).",
                    ))
                })?,
        };
        Ok((Credential::Password(password), state.with_store(|s| Ok(s.now()))?))
    })
    .await?;
    mail::test_connection(&to_test, credential, now)
        .await
        .map_err(|e| ErrorPayload::from(Error::from(e)))
}
