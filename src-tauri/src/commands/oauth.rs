//! Signing the mail account in with OAuth 2.0 (Settings → Case e-mail): in the system browser with
//! the loopback redirect, or with a code typed on another device. The refresh token goes to the OS
//! secret store; the page only learns that the account is signed in.

use casedesk_core::secrets;
use casedesk_core::source::mail::oauth::{self, device, flow, tokens, Endpoints};
use casedesk_core::source::mail::{account, MailSettings};
use casedesk_core::{Error, ErrorPayload};
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;

use super::settings::account_id;
use super::{blocking, Answer};
use crate::AppState;

/// The sign-in under way: "Cancel" ends it; a started code sign-in waits here for its poll.
#[derive(Default)]
pub struct SignIn {
    /// The current sign-in's Cancel, new for each sign-in: a Cancel pressed before the sign-in waits
    /// (while the browser opens, or between "Sign in with a code" and its wait) is kept by
    /// `notify_one` and ends the wait at once; one pressed when none was under way cannot end the
    /// next sign-in.
    cancel: std::sync::Mutex<Arc<Notify>>,
    /// A started code sign-in, and the account it signs in.
    device: tokio::sync::Mutex<Option<(device::DeviceSignIn, String)>>,
}

impl SignIn {
    /// A new sign-in begins: its own Cancel.
    fn begin(&self) -> Arc<Notify> {
        let fresh = Arc::new(Notify::new());
        *self.cancel.lock().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        fresh
    }

    /// The Cancel of the sign-in under way (for a code sign-in's wait).
    fn current(&self) -> Arc<Notify> {
        self.cancel
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

fn endpoints(mail: &MailSettings) -> Answer<Endpoints> {
    if !mail.auth.is_oauth() {
        return Err(Error::field(
            "mail_auth",
            casedesk_core::Code::OauthConfigInvalid,
            "Choose Microsoft, Google or Custom OAuth to sign in.",
        )
        .into());
    }
    Ok(mail.oauth.endpoints(mail.auth)?)
}

fn http() -> Answer<oauth::HttpClient> {
    oauth::http_client().map_err(|e| ErrorPayload::from(Error::from(e)))
}

/// Keeps what a sign-in granted (the refresh token, in the account's place in the secret store),
/// then lets the follow loops use it at once.
async fn keep<R: Runtime>(app: AppHandle<R>, granted: oauth::Granted, id: String) -> Answer<()> {
    blocking(app, move |state| {
        let secrets = account::secrets_of(state.secrets_arc(), &id);
        tokens::store_grant(secrets.as_ref(), &granted)?;
        state.with_store(|s| s.source_states().clear_error(&account::source_name(&id)))?;
        let prefs = state.with_store(casedesk_core::preferences::Preferences::load)?;
        state.apply_preferences(&prefs);
        state.check_now();
        Ok(())
    })
    .await
}

/// "Sign in": opens the provider's page in the system browser and waits (up to 5 minutes, or until
/// "Cancel") for it to redirect back to this computer.
#[tauri::command]
pub async fn mail_sign_in<R: Runtime>(
    app: AppHandle<R>,
    mail: MailSettings,
    account: Option<String>,
) -> Answer<()> {
    let id = account_id(account.as_deref())?;
    let cancel = app.state::<AppState>().sign_in.begin();
    let endpoints = endpoints(&mail)?;
    let http = http()?;
    let auth = flow::begin(&endpoints).await?;
    let url = auth.url.to_string();
    blocking(app.clone(), move |_| {
        Ok(crate::platform::opener::open_url(&url)?)
    })
    .await?;
    let granted = auth.finish(flow::SIGN_IN_TIMEOUT, &cancel, &http).await?;
    keep(app, granted, id).await
}

/// Ends the sign-in under way (browser or code).
#[tauri::command]
pub fn mail_sign_in_cancel<R: Runtime>(app: AppHandle<R>) -> Answer<()> {
    app.state::<AppState>().sign_in.current().notify_one();
    Ok(())
}

/// "Sign in with a code": asks the provider for a code the user types on its page (any device).
#[tauri::command]
pub async fn mail_sign_in_code<R: Runtime>(
    app: AppHandle<R>,
    mail: MailSettings,
    account: Option<String>,
) -> Answer<device::DeviceStart> {
    let id = account_id(account.as_deref())?;
    app.state::<AppState>().sign_in.begin();
    let endpoints = endpoints(&mail)?;
    let (start, pending) = device::begin(&endpoints, &http()?).await?;
    *app.state::<AppState>().sign_in.device.lock().await = Some((pending, id));
    Ok(start)
}

/// Waits until the code is approved (or declined, expired, cancelled).
#[tauri::command]
pub async fn mail_sign_in_code_wait<R: Runtime>(app: AppHandle<R>) -> Answer<()> {
    let (pending, cancel) = {
        let state = app.state::<AppState>();
        let pending = state.sign_in.device.lock().await.take();
        (pending, state.sign_in.current())
    };
    let Some((pending, id)) = pending else {
        return Err(Error::field(
            "mail_auth",
            casedesk_core::Code::OauthCancelled,
            "No code sign-in is under way.",
        )
        .into());
    };
    let granted = pending.finish(&cancel, &http()?).await?;
    keep(app, granted, id).await
}

/// "Sign out": forgets the refresh token (the provider's own session is the provider's).
#[tauri::command]
pub async fn mail_sign_out<R: Runtime>(app: AppHandle<R>, account: Option<String>) -> Answer<()> {
    let id = account_id(account.as_deref())?;
    blocking(app, move |state| {
        account::secrets_of(state.secrets_arc(), &id).delete(secrets::MAIL_OAUTH_REFRESH)?;
        let prefs = state.with_store(casedesk_core::preferences::Preferences::load)?;
        state.apply_preferences(&prefs);
        Ok(())
    })
    .await
}
