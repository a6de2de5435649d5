//! The Casedesk shell: it adapts `casedesk-core` to a Tauri window.
//!
//! It owns the window, the app's state (the open store), the `#[tauri::command]`s (each a few lines:
//! state in, one core call, error mapped to `{code, message, field?}`) and the native shims in
//! [`native`]. It must never hold domain rules or SQL: those live in the core.

pub mod commands;
pub mod native;

use casedesk_core::{ErrorPayload, Store, SystemClock};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tauri::Manager;

/// What every command reaches through `State`.
pub struct AppState {
    store: Result<Mutex<Store>, ErrorPayload>,
    data_dir: PathBuf,
}

impl AppState {
    /// Opens the store in `data_dir`; a failure is kept and shown by the UI instead of ending the app.
    pub fn open(data_dir: PathBuf) -> AppState {
        let store = Store::open(&data_dir, Arc::new(SystemClock))
            .inspect(|s| match s.housekeeping() {
                Ok(h) => tracing::info!(?h, "start-up housekeeping"),
                Err(e) => tracing::warn!(error = %e, "start-up housekeeping failed"),
            })
            .map(Mutex::new)
            .map_err(|e| {
                tracing::error!(error = %e, dir = %data_dir.display(), "could not open the store");
                ErrorPayload::from(&e)
            });
        AppState { store, data_dir }
    }

    /// Runs `f` with the store, mapping every failure to the boundary's error shape.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> casedesk_core::Result<T>,
    ) -> Result<T, ErrorPayload> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        let guard = store.lock().map_err(|_| ErrorPayload {
            code: "internal".into(),
            message: "An earlier error left the store unusable; restart Casedesk.".into(),
            field: None,
        })?;
        f(&guard).map_err(|e| {
            if !matches!(e, casedesk_core::Error::Invalid { .. }) {
                tracing::warn!(code = e.code(), error = %e, "command failed");
            }
            ErrorPayload::from(&e)
        })
    }

    pub fn data_dir(&self) -> &PathBuf {
        &self.data_dir
    }
}

/// The data folder: `CASEDESK_DATA_DIR` when set (tests, benches), else `$XDG_DATA_HOME/<identifier>`.
pub fn data_dir(app: &tauri::App) -> PathBuf {
    if let Some(dir) = std::env::var_os("CASEDESK_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    app.path()
        .app_data_dir()
        .unwrap_or_else(|_| std::env::temp_dir().join(&app.config().identifier))
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CASEDESK_LOG")
                .unwrap_or_else(|_| "casedesk=info,casedesk_lib=info,casedesk_core=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = tauri::Builder::default()
        .setup(|app| {
            let dir = data_dir(app);
            tracing::info!(dir = %dir.display(), identifier = %app.config().identifier, "starting");
            app.manage(AppState::open(dir));
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("casedesk: could not start: {e}");
        std::process::exit(1);
    }
}
