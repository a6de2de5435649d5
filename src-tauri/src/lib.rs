//! The Casedesk shell: it adapts `casedesk-core` to a Tauri window.
//!
//! It owns the window, the tray, the app's state (the open store, the provider in use, the poller), the
//! `#[tauri::command]`s (each a few lines: state in, one core call, error mapped to `{code, message,
//! field?}`) and the native shims in [`native`]. It must never hold domain rules or SQL: those live in
//! the core.

pub mod commands;
pub mod native;

use casedesk_core::filing::{self, SharedStore};
use casedesk_core::poller::{self, PollerConfig, PollerHandle, ProviderSlot, StatusSink};
use casedesk_core::preferences::Preferences;
use casedesk_core::provider::cj_web::CjWeb;
use casedesk_core::provider::rt::Rt;
use casedesk_core::provider::{CaseProvider, ProviderKind};
use casedesk_core::store::StatusChange;
use casedesk_core::{ErrorPayload, Store, SystemClock};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The window starts hidden and the page shows it; this is how long it waits for the page.
const SHOW_WINDOW_AT_THE_LATEST: Duration = Duration::from_secs(4);

/// How long one provider request may take.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(20);

/// The store, or why it could not be opened. It is opened on a thread of its own while the window
/// starts (migrations and housekeeping can take a while); a command that needs it waits until it is
/// there.
#[derive(Default)]
struct StoreCell {
    slot: Mutex<Option<Result<SharedStore, ErrorPayload>>>,
    opened: Condvar,
}

impl StoreCell {
    fn set(&self, store: Result<SharedStore, ErrorPayload>) {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        *slot = Some(store);
        self.opened.notify_all();
    }

    fn get(&self) -> Result<SharedStore, ErrorPayload> {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(store) = slot.as_ref() {
                return store.clone();
            }
            slot = self.opened.wait(slot).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// What every command reaches through `State`.
pub struct AppState {
    store: StoreCell,
    data_dir: PathBuf,
    /// Names the secret-store entries (the app identifier: tests use their own).
    pub secret_service: String,
    pub provider: ProviderSlot,
    pub poller: Mutex<Option<PollerHandle>>,
    pub sink: Mutex<Option<Arc<dyn StatusSink>>>,
}

impl AppState {
    /// Opens the store in `data_dir`; a failure is kept and shown by the UI instead of ending the app.
    pub fn open(data_dir: PathBuf) -> AppState {
        let state = AppState::new(data_dir);
        // A failure is kept in the state and answered to every command.
        let _ = state.open_store();
        state
    }

    /// A state whose store is not open yet: commands wait for [`AppState::open_store`].
    pub fn new(data_dir: PathBuf) -> AppState {
        AppState {
            store: StoreCell::default(),
            data_dir,
            secret_service: "com.casedesk.desktop".into(),
            provider: Arc::new(RwLock::new(None)),
            poller: Mutex::new(None),
            sink: Mutex::new(None),
        }
    }

    /// Opens and migrates the store, tidies it, installs the provider the preferences name, and hands
    /// the store to every waiting command; answers the store and those preferences. (Its whole-file
    /// check is [`AppState::verify_store`].)
    pub fn open_store(&self) -> Result<(SharedStore, Preferences), ErrorPayload> {
        let data_dir = &self.data_dir;
        let store = Store::open(data_dir, Arc::new(SystemClock))
            .inspect(|s| match s.housekeeping() {
                Ok(h) => tracing::info!(?h, "start-up housekeeping"),
                Err(e) => tracing::warn!(error = %e, "start-up housekeeping failed"),
            })
            .map(|s| Arc::new(Mutex::new(s)))
            .map_err(|e| {
                tracing::error!(error = %e, dir = %data_dir.display(), "could not open the store");
                ErrorPayload::from(&e)
            });
        let opened = store.map(|store| {
            // The provider the preferences name is in place before any command can see the store,
            // so a provider saved from Settings is never overwritten by the one read at start.
            let prefs = filing::lock(&store)
                .and_then(|s| Preferences::load(&s))
                .unwrap_or_default();
            if let Err(e) = self.install_provider(&prefs) {
                tracing::warn!(error = %e.message, "the configured provider could not be set up");
            }
            (store, prefs)
        });
        self.store.set(
            opened
                .as_ref()
                .map(|(store, _)| store.clone())
                .map_err(Clone::clone),
        );
        opened
    }

    /// SQLite's quick check beside the open store. A damaged file is closed to every command from
    /// then on (what the user typed stays in the window) and the poller stops; the error is returned
    /// for the window to show. A check that could not run is logged, not taken as damage.
    pub fn verify_store(&self) -> Result<(), ErrorPayload> {
        if self.store.get().is_err() {
            return Ok(());
        }
        match Store::quick_check(&self.data_dir) {
            Ok(()) => Ok(()),
            Err(e) if e.code() == "database_corrupt" => {
                let payload = ErrorPayload::from(&e);
                self.store.set(Err(payload.clone()));
                if let Ok(mut p) = self.poller.lock() {
                    p.take();
                }
                Err(payload)
            }
            Err(e) => {
                tracing::warn!(error = %e, "the database check could not run");
                Ok(())
            }
        }
    }

    pub fn shared_store(&self) -> Result<SharedStore, ErrorPayload> {
        self.store.get()
    }

    /// Runs `f` with the store, mapping every failure to the boundary's error shape.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> casedesk_core::Result<T>,
    ) -> Result<T, ErrorPayload> {
        let store = self.store.get()?;
        let guard = filing::lock(&store).map_err(ErrorPayload::from)?;
        f(&guard).map_err(|e| {
            if matches!(
                e,
                casedesk_core::Error::Invalid { .. } | casedesk_core::Error::NotFound { .. }
            ) {
                return ErrorPayload::from(&e);
            }
            tracing::warn!(code = e.code(), error = %e, "command failed");
            self.explain_storage_error(ErrorPayload::from(&e))
        })
    }

    /// SQLite reports a full or read-only disk as a bare I/O error once the file is open; a write probe
    /// in the data folder tells the user which it is.
    fn explain_storage_error(&self, payload: ErrorPayload) -> ErrorPayload {
        if payload.code == "disk_full" || payload.code == "read_only" {
            return payload;
        }
        let probe = self.data_dir.join(".write-probe");
        let result = std::fs::write(&probe, [0u8; 4096]);
        let _ = std::fs::remove_file(&probe);
        let code = match result {
            Err(e) if e.kind() == std::io::ErrorKind::StorageFull => "disk_full",
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                "read_only"
            }
            _ => return payload,
        };
        ErrorPayload::from(&casedesk_core::Error::Io(std::io::Error::from(
            if code == "disk_full" {
                std::io::ErrorKind::StorageFull
            } else {
                std::io::ErrorKind::ReadOnlyFilesystem
            },
        )))
    }

    pub fn data_dir(&self) -> &PathBuf {
        &self.data_dir
    }

    /// The provider in use (`cj-web` until another is configured).
    pub fn current_provider(&self) -> Arc<dyn CaseProvider> {
        self.provider
            .read()
            .ok()
            .and_then(|p| p.clone())
            .unwrap_or_else(|| {
                Arc::new(CjWeb {
                    form_url: Preferences::default().cj_form_url,
                })
            })
    }

    /// Builds the provider the preferences name and puts it in the slot the poller reads.
    pub fn install_provider(&self, prefs: &Preferences) -> Result<(), ErrorPayload> {
        let provider: Arc<dyn CaseProvider> = match prefs.provider_kind {
            ProviderKind::CjWeb => Arc::new(CjWeb {
                form_url: prefs.cj_form_url.clone(),
            }),
            ProviderKind::Rt => {
                let token = native::secret_get(&self.secret_service, native::RT_TOKEN)
                    .unwrap_or_else(|e| {
                        tracing::warn!(error = %e.message, "the secret store could not be read");
                        None
                    });
                match Rt::new(
                    prefs.rt_settings(),
                    token.as_deref().unwrap_or(""),
                    PROVIDER_TIMEOUT,
                ) {
                    Ok(rt) => Arc::new(rt),
                    Err(e) => return Err(casedesk_core::Error::from(e).into()),
                }
            }
        };
        if let Ok(mut slot) = self.provider.write() {
            *slot = Some(provider);
        }
        if let Some(p) = self.poller.lock().ok().as_ref().and_then(|g| g.as_ref()) {
            p.set_config(poller_config(prefs));
        }
        Ok(())
    }

    /// Hands a committed change to the sink (event, then notification) exactly once.
    pub fn deliver(&self, change: &StatusChange) {
        let sink = self.sink.lock().ok().and_then(|s| s.clone());
        if let (Some(sink), Ok(store)) = (sink, self.store.get()) {
            poller::deliver(&store, sink.as_ref(), change);
        }
    }

    pub fn check_now(&self) {
        if let Some(p) = self.poller.lock().ok().as_ref().and_then(|g| g.as_ref()) {
            p.check_now();
        }
    }
}

/// The poll interval from preferences; `CASEDESK_POLL_INTERVAL_SECS` overrides it (for tests).
pub fn poller_config(prefs: &Preferences) -> PollerConfig {
    let secs = std::env::var("CASEDESK_POLL_INTERVAL_SECS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|s| *s >= 1)
        .unwrap_or(prefs.poll_interval_secs);
    PollerConfig {
        interval: Duration::from_secs(secs),
        ..PollerConfig::default()
    }
}

/// Tells the window first, then the desktop.
struct ShellSink<R: Runtime> {
    app: AppHandle<R>,
    store: SharedStore,
    icon: Option<PathBuf>,
}

impl<R: Runtime> StatusSink for ShellSink<R> {
    fn changed(&self, change: &StatusChange) {
        if let Err(e) = self.app.emit("case-changed", change) {
            tracing::warn!(error = %e, "could not tell the window about a change");
        }
        let notifications = filing::lock(&self.store)
            .and_then(|s| Preferences::load(&s))
            .map(|p| p.notifications)
            .unwrap_or(true);
        if notifications && !change.muted {
            native::notify_status_change(change, self.icon.clone());
        }
    }

    fn refreshed(&self) {
        let _ = self.app.emit("cases-refreshed", ());
    }
}

/// The data folder: `CASEDESK_DATA_DIR` when set (tests, benches), else `$XDG_DATA_HOME/<identifier>`.
pub fn data_dir<R: Runtime>(app: &tauri::App<R>) -> PathBuf {
    if let Some(dir) = std::env::var_os("CASEDESK_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    app.path()
        .app_data_dir()
        .unwrap_or_else(|_| std::env::temp_dir().join(&app.config().identifier))
}

fn setup<R: Runtime>(app: &mut tauri::App<R>) -> Result<(), Box<dyn std::error::Error>> {
    let started = std::time::Instant::now();
    let dir = data_dir(app);
    tracing::info!(dir = %dir.display(), identifier = %app.config().identifier, "starting");
    let mut state = AppState::new(dir.clone());
    state.secret_service = app.config().identifier.clone();
    app.manage(state);
    native::build_tray(app.handle());
    // Opening the store here would hold the window back (and WebKit then waits up to 500 ms for its
    // page to catch up). Commands wait for the store instead.
    let handle = app.handle().clone();
    std::thread::Builder::new()
        .name("store-open".into())
        .spawn(move || start_store(handle, dir, started))?;
    // The page shows the window once it has drawn; should it never get that far, show it anyway.
    let handle = app.handle().clone();
    std::thread::Builder::new()
        .name("show-window".into())
        .spawn(move || {
            std::thread::sleep(SHOW_WINDOW_AT_THE_LATEST);
            native::show_main_window_if_never_shown(&handle);
        })?;
    tracing::info!(ms = started.elapsed().as_millis() as u64, "set up");
    Ok(())
}

/// Opens the store (which installs the provider), starts the poller, and checks the file once the
/// window is up.
fn start_store<R: Runtime>(app: AppHandle<R>, dir: PathBuf, started: std::time::Instant) {
    let state = app.state::<AppState>();
    let Ok((store, prefs)) = state.open_store() else {
        return;
    };
    tracing::info!(ms = started.elapsed().as_millis() as u64, "store opened");
    let sink: Arc<dyn StatusSink> = Arc::new(ShellSink {
        app: app.clone(),
        store: store.clone(),
        icon: native::icon_file(&dir),
    });
    if let Ok(mut s) = state.sink.lock() {
        *s = Some(sink.clone());
    }
    let slot = state.provider.clone();
    let config = poller_config(&prefs);
    let handle = tauri::async_runtime::block_on(async move {
        poller::spawn(store, slot, sink, config, std::process::id() as u64)
    });
    let poller = state.poller.lock();
    if let Ok(mut p) = poller {
        *p = Some(handle);
    }
    // The whole-file check waits until the window is up (it would slow its start on two cores).
    let deadline = std::time::Instant::now() + SHOW_WINDOW_AT_THE_LATEST;
    while !native::window_shown() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let checked = std::time::Instant::now();
    if let Err(problem) = state.verify_store() {
        let _ = app.emit("store-problem", problem);
    }
    tracing::info!(
        ms = checked.elapsed().as_millis() as u64,
        "database checked"
    );
}

/// When `run` began (ms since the Unix epoch): the start-up timeline's zero.
pub static STARTED_AT_MS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();

pub fn run() {
    STARTED_AT_MS.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    });
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    // CASEDESK_LOG: a level ("info") or per-module levels ("casedesk_core=debug,warn").
    let filter: tracing_subscriber::filter::Targets = std::env::var("CASEDESK_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            "casedesk=info,casedesk_lib=info,casedesk_core=info"
                .parse()
                .expect("the default log filter parses")
        });
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_timer(tracing_subscriber::fmt::time::uptime()),
        )
        .with(filter)
        .init();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            native::show_main_window(app)
        }))
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(setup)
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("casedesk: could not start: {e}");
        std::process::exit(1);
    }
}
