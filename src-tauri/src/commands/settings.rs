//! Settings: where cases go (the filer and its settings), the case e-mail account, the poll interval,
//! notifications and start at login. Secrets go to the OS secret store and never come back over IPC:
//! the UI only learns whether one is stored.

use casedesk_core::preferences::Preferences;
use casedesk_core::registry;
use casedesk_core::secrets;
use casedesk_core::settings_form::SettingsForm;
use casedesk_core::source::by_hand::TestRequest;
use casedesk_core::store::SourceState;
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
    /// The sources' settings forms, for those that describe one (the page draws them as the filers').
    pub source_forms: Vec<SettingsForm>,
    /// The forms' secret inputs that have a secret stored. The secret itself never crosses IPC
    /// outward.
    pub stored_secrets: Vec<&'static str>,
    /// Each source's own part of Settings beyond its slice (which secrets its accounts have,
    /// presets, defaults), by its key, as the source describes it.
    pub sources: BTreeMap<&'static str, serde_json::Value>,
    pub capabilities: Capabilities,
}

/// Secrets typed in Settings; absent or empty means "keep the stored one".
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretsInput {
    /// Secrets typed in a filer's or a source's form, by the input's id (as its form names it).
    pub form_secrets: Option<BTreeMap<String, String>>,
    /// Secrets typed for the sources' accounts: source key → account id → secret.
    pub source_secrets: Option<BTreeMap<String, BTreeMap<String, String>>>,
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
            "form_secrets",
            casedesk_core::Code::InvalidArgument,
            "Too many secrets at once.",
        )
        .into());
    }
    let mut out = Vec::new();
    for (id, value) in typed {
        let Some((id, name)) = registry::form_secret(&id) else {
            return Err(Error::field(
                "form_secrets",
                casedesk_core::Code::InvalidArgument,
                "No filer or source has that secret.",
            )
            .into());
        };
        if let Some(value) = secrets::checked(Some(&value), id)? {
            out.push((id, name, value));
        }
    }
    Ok(out)
}

/// The store's state of a source loop, each read under the lock only for itself.
fn state_of(state: &AppState) -> impl Fn(&str) -> casedesk_core::Result<SourceState> + '_ {
    move |name| {
        state
            .with_reader(|s| s.source_states().get(name))
            .map_err(|p| Error::invalid(p.code, p.message))
    }
}

fn settings_view(state: &AppState) -> Answer<SettingsView> {
    let preferences = state.with_store(Preferences::load)?;
    let filers = registry::filer_forms();
    let source_forms = registry::source_forms();
    Ok(SettingsView {
        stored_secrets: filers
            .iter()
            .chain(&source_forms)
            .flat_map(|f| f.secrets())
            .filter(|(_, name)| has(state, name))
            .map(|(id, _)| id)
            .collect(),
        filers,
        source_forms,
        sources: registry::settings_parts(&preferences, &state_of(state), state.secrets_arc())?,
        capabilities: Capabilities {
            submit: state.current_filer().submits(),
            follow: state.following(),
        },
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
        for (id, name, value) in typed_secrets(given.form_secrets)? {
            store_secret(state.secrets_arc(), name, Some(&value), id)?;
        }
        registry::keep_source_secrets(
            state.secrets_arc(),
            &given.source_secrets.unwrap_or_default(),
        )?;
        // A removed account's secrets go first: a keyring that fails stops the save, so no account
        // is left without its settings but with its password.
        let old = state.with_store(Preferences::load)?;
        registry::forget_removed(&old, &preferences, state.secrets_arc())?;
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

/// "Test" of a source's account: its settings as the page holds them, tried with the secret just
/// typed (or the stored one) without storing anything; the answer is the source's report.
#[tauri::command]
pub async fn test_source_connection<R: Runtime>(
    app: AppHandle<R>,
    source: String,
    settings: serde_json::Value,
    secret: Option<String>,
    account: Option<String>,
) -> Answer<serde_json::Value> {
    // Checking the request reads the keyring: a blocking thread; the test itself is network work.
    let test = blocking(app, move |state| {
        let now = state.with_store(|s| Ok(s.now()))?;
        Ok(registry::test_source(
            &source,
            TestRequest {
                settings: &settings,
                typed: secret.as_deref(),
                account: account.as_deref(),
                secrets: state.secrets_arc(),
                state_of: &state_of(state),
                now,
            },
        )?)
    })
    .await?;
    Ok(test.await?)
}
