//! Signing a source's account in with OAuth 2.0 (a mailbox, today): in the system browser with the
//! loopback redirect, or with a code typed on another device. The source (through the registry)
//! says which endpoints its settings choose and where the refresh token goes in the OS secret store;
//! the page only learns that the account is signed in. This module names no source.

use casedesk_core::registry;
use casedesk_core::source::by_hand;
use casedesk_core::source::oauth::{self, device, flow, Endpoints};
use casedesk_core::{Error, ErrorPayload};
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;

use super::{blocking, Answer};
use crate::AppState;

/// A started code sign-in: what it waits for, the source and the account it signs in.
struct Pending {
    device: device::DeviceSignIn,
    by: by_hand::SignIn,
    account: String,
}

/// The sign-in under way: "Cancel" ends it; a started code sign-in waits here for its poll.
#[derive(Default)]
pub struct SignIn {
    /// The current sign-in's Cancel, new for each sign-in: a Cancel pressed before the sign-in waits
    /// (while the browser opens, or between "Sign in with a code" and its wait) is kept by
    /// `notify_one` and ends the wait at once; one pressed when none was under way cannot end the
    /// next sign-in.
    cancel: std::sync::Mutex<Arc<Notify>>,
    /// A started code sign-in.
    device: tokio::sync::Mutex<Option<Pending>>,
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

/// The source's sign-in, the account checked, and the endpoints its settings choose.
fn prepare(
    source: &str,
    settings: &serde_json::Value,
    account: Option<&str>,
) -> Answer<(by_hand::SignIn, String, Endpoints)> {
    let by = registry::sign_in(source)?;
    let id = (by.account)(account)?;
    let endpoints = (by.endpoints)(settings)?;
    Ok((by, id, endpoints))
}

fn http() -> Answer<oauth::HttpClient> {
    oauth::http_client().map_err(|e| ErrorPayload::from(Error::from(e)))
}

/// Keeps what a sign-in granted (the refresh token, in the account's place in the secret store),
/// then lets the follow loops use it at once.
async fn keep<R: Runtime>(
    app: AppHandle<R>,
    granted: oauth::Granted,
    by: by_hand::SignIn,
    id: String,
) -> Answer<()> {
    blocking(app, move |state| {
        (by.keep)(state.secrets_arc(), &id, &granted)?;
        state.with_store(|s| s.source_states().clear_error(&(by.state_name)(&id)))?;
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
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    source: String,
    settings: serde_json::Value,
    account: Option<String>,
) -> Answer<()> {
    let (by, id, endpoints) = prepare(&source, &settings, account.as_deref())?;
    let cancel = app.state::<AppState>().sign_in.begin();
    let http = http()?;
    let auth = flow::begin(&endpoints).await?;
    let url = auth.url.to_string();
    blocking(app.clone(), move |_| {
        Ok(crate::platform::opener::open_url(&url)?)
    })
    .await?;
    let granted = auth.finish(flow::SIGN_IN_TIMEOUT, &cancel, &http).await?;
    keep(app, granted, by, id).await
}

/// Ends the sign-in under way (browser or code).
#[tauri::command]
pub fn sign_in_cancel<R: Runtime>(app: AppHandle<R>) -> Answer<()> {
    app.state::<AppState>().sign_in.current().notify_one();
    Ok(())
}

/// "Sign in with a code": asks the provider for a code the user types on its page (any device).
#[tauri::command]
pub async fn sign_in_code<R: Runtime>(
    app: AppHandle<R>,
    source: String,
    settings: serde_json::Value,
    account: Option<String>,
) -> Answer<device::DeviceStart> {
    let (by, id, endpoints) = prepare(&source, &settings, account.as_deref())?;
    app.state::<AppState>().sign_in.begin();
    let (start, pending) = device::begin(&endpoints, &http()?).await?;
    *app.state::<AppState>().sign_in.device.lock().await = Some(Pending {
        device: pending,
        by,
        account: id,
    });
    Ok(start)
}

/// Waits until the code is approved (or declined, expired, cancelled).
#[tauri::command]
pub async fn sign_in_code_wait<R: Runtime>(app: AppHandle<R>) -> Answer<()> {
    let (pending, cancel) = {
        let state = app.state::<AppState>();
        let pending = state.sign_in.device.lock().await.take();
        (pending, state.sign_in.current())
    };
    let Some(pending) = pending else {
        return Err(Error::field(
            "sign_in",
            casedesk_core::Code::OauthCancelled,
            "No code sign-in is under way.",
        )
        .into());
    };
    let granted = pending.device.finish(&cancel, &http()?).await?;
    keep(app, granted, pending.by, pending.account).await
}

/// "Sign out": forgets the account's sign-in (the provider's own session is the provider's).
#[tauri::command]
pub async fn sign_out<R: Runtime>(
    app: AppHandle<R>,
    source: String,
    account: Option<String>,
) -> Answer<()> {
    let by = registry::sign_in(&source)?;
    let id = (by.account)(account.as_deref())?;
    blocking(app, move |state| {
        (by.sign_out)(state.secrets_arc(), &id)?;
        let prefs = state.with_store(casedesk_core::preferences::Preferences::load)?;
        state.apply_preferences(&prefs);
        Ok(())
    })
    .await
}
