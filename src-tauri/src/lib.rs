//! The Casedesk shell: it adapts `casedesk-core` to a Tauri window.
//!
//! It owns the window, the tray, start-up, the app's state ([`state`]), the `#[tauri::command]`s
//! ([`commands`]: each a few lines: state in, one core call, error mapped to `{code, message,
//! field?}`) and the native shims in [`native`]. It must never hold domain rules or SQL, and it names
//! no filer or status source: the core's registries build them from the preferences.

pub mod commands;
pub mod events;
pub mod native;
pub mod platform;
pub mod state;

pub use state::AppState;

use casedesk_core::follow::StatusSink;
use casedesk_core::store::StatusChange;
use events::{Events, ShellEvent};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};

/// The window starts hidden and the page shows it; this is how long it waits for the page.
const SHOW_WINDOW_AT_THE_LATEST: Duration = Duration::from_secs(4);

/// Tells the window first, then the desktop.
struct ShellSink<R: Runtime> {
    app: AppHandle<R>,
    /// "Desktop notifications", as last saved (the state keeps it): a notification reads no store.
    notifications: Arc<AtomicBool>,
    icon: Option<PathBuf>,
}

impl<R: Runtime> StatusSink for ShellSink<R> {
    fn changed(&self, change: &StatusChange) {
        self.app.state::<Events>().push(ShellEvent::CaseChanged {
            change: change.clone(),
        });
        let notifications = self.notifications.load(Ordering::Relaxed);
        if notifications && !change.muted {
            native::notify(change, self.icon.clone());
        }
    }

    fn refreshed(&self) {
        self.app.state::<Events>().push(ShellEvent::CasesRefreshed);
    }

    fn attention(&self, _source: &str, message: &str) {
        self.app.state::<Events>().push(ShellEvent::CasesRefreshed);
        let notifications = self.notifications.load(Ordering::Relaxed);
        if !notifications {
            return;
        }
        native::notify_text(
            "Casedesk: sign in to your e-mail again".into(),
            message.to_owned(),
            self.icon.clone(),
        );
    }
}

/// The data folder: `CASEDESK_DATA_DIR` when set (tests, benches), else the platform's app data folder
/// for the identifier (`$XDG_DATA_HOME/<identifier>` on Linux, `%APPDATA%\<identifier>` on Windows,
/// `~/Library/Application Support/<identifier>` on macOS).
/// `None` when neither can be found: then nothing is saved (never in a temp folder the OS empties).
pub fn data_dir<R: Runtime>(app: &tauri::App<R>) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CASEDESK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    app.path().app_data_dir().ok()
}

fn setup<R: Runtime>(app: &mut tauri::App<R>) -> Result<(), Box<dyn std::error::Error>> {
    let started = std::time::Instant::now();
    let dir = data_dir(app);
    tracing::info!(dir = ?dir, identifier = %app.config().identifier, "starting");
    let secrets = Arc::new(native::KeyringSecrets::new(&app.config().identifier));
    app.manage(AppState::new(dir.clone(), secrets));
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

/// Opens the store (which installs the filer), starts the follow loops, and checks the file once the
/// window is up.
fn start_store<R: Runtime>(app: AppHandle<R>, dir: Option<PathBuf>, started: std::time::Instant) {
    let state = app.state::<AppState>();
    let Ok((store, prefs)) = state.open_store() else {
        return;
    };
    tracing::info!(ms = started.elapsed().as_millis() as u64, "store opened");
    let sink: Arc<dyn StatusSink> = Arc::new(ShellSink {
        app: app.clone(),
        notifications: state.notifications(),
        icon: dir.as_deref().and_then(native::icon_file),
    });
    // The filer and the sources read their credentials from the keyring, which may wait for the user
    // to unlock it: on a thread of their own, while the window shows its drafts.
    let follow_app = app.clone();
    let started_following = std::thread::Builder::new()
        .name("follow-start".into())
        .spawn(move || {
            let state = follow_app.state::<AppState>();
            state.install_filer(&prefs);
            tauri::async_runtime::block_on(async { state.start_following(store, sink, &prefs) });
            tracing::info!("following");
        });
    if let Err(e) = started_following {
        tracing::error!(error = %e, "could not start following cases");
    }
    // The whole-file check waits until the window is up (it would slow its start on two cores).
    let deadline = std::time::Instant::now() + SHOW_WINDOW_AT_THE_LATEST;
    while !native::window_shown() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let checked = std::time::Instant::now();
    if let Err(problem) = state.verify_store() {
        app.state::<Events>()
            .push(ShellEvent::StoreProblem { problem });
    }
    tracing::info!(
        ms = checked.elapsed().as_millis() as u64,
        "database checked"
    );
    // Pictures an older release stored with their metadata are written again from their pixels,
    // once (each row is marked), before any can be sent.
    if let Ok(shared) = state.shared_store() {
        match casedesk_core::screenshots::clean_old_pictures(&shared) {
            Ok((0, 0)) => {}
            Ok((cleaned, failed)) => {
                tracing::info!(cleaned, failed, "older pictures written again")
            }
            Err(e) => tracing::warn!(error = %e, "older pictures could not be written again"),
        }
    }
    platform::memory::release_freed_memory();
}

/// A drop on the window is seen here, by the shell, before the page hears of it: only these paths
/// (and the dialogs' own picks) may be read by an attach or an import. A close waits for the page to
/// save (it answers with `finish_close`), or 10 s if it never does.
fn window_event<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    use tauri::{DragDropEvent, WindowEvent};
    let events = window.state::<Events>();
    match event {
        WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) => {
            if let Some(state) = window.try_state::<AppState>() {
                state.grant(paths);
            }
            events.push(ShellEvent::Drop {
                paths: paths.clone(),
            });
        }
        WindowEvent::DragDrop(DragDropEvent::Enter { .. }) => {
            events.push(ShellEvent::DragHover { hover: true })
        }
        WindowEvent::DragDrop(DragDropEvent::Leave) => {
            events.push(ShellEvent::DragHover { hover: false })
        }
        WindowEvent::CloseRequested { api, .. } if events.page_listening() => {
            api.prevent_close();
            let seq = events.close_requested();
            let window = window.clone();
            let _ = std::thread::Builder::new()
                .name("close-fallback".into())
                .spawn(move || {
                    std::thread::sleep(CLOSE_AT_THE_LATEST);
                    if !window.state::<Events>().was_answered(seq) {
                        tracing::warn!("the page did not answer a close in time; closing");
                        let _ = window.destroy();
                    }
                });
        }
        _ => {}
    }
}

/// How long a close waits for the page to save what is typed.
const CLOSE_AT_THE_LATEST: Duration = Duration::from_secs(10);

/// When `run` began (ms since the Unix epoch): the start-up timeline's zero.
pub static STARTED_AT_MS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();

pub fn run() {
    platform::webview::interpreted_page_script();
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
    let context = tauri::generate_context!();
    let identifier = context.config().identifier.clone();
    let Some(instance) = platform::instance::claim(&identifier) else {
        tracing::info!("Casedesk is already running: its window was asked to show");
        return;
    };
    platform::notifications::init(&identifier);
    let builder = instance.attach(tauri::Builder::default(), native::show_main_window);
    let result = platform::menu::attach(builder)
        .setup(move |app| {
            instance.serve(app.handle(), native::show_main_window);
            setup(app)
        })
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            None,
        ))
        .manage(Events::default())
        .on_window_event(window_event)
        .invoke_handler(commands::handler())
        .build(context);
    match result {
        Ok(app) => app.run(|app, event| match event {
            tauri::RunEvent::WindowEvent {
                label,
                event: tauri::WindowEvent::Destroyed,
                ..
            } => tracing::info!(window = %label, "window closed"),
            tauri::RunEvent::Exit => tracing::info!("exiting"),
            other => platform::menu::on_run_event(app, &other),
        }),
        Err(e) => {
            eprintln!("casedesk: could not start: {e}");
            std::process::exit(1);
        }
    }
}
