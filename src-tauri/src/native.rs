//! Native shims: the only module that talks to rfd, notify-rust and the keyring (what differs per OS
//! is in [`crate::platform`]). The core never sees
//! them (it reaches the keyring through its `Secrets` trait).
//!
//! The dialogs block, so they are only called from `async` commands (off the main thread); with rfd's gtk3
//! backend the dialog runs on GTK's loop and returns the picked paths.

use casedesk_core::attachment::ALLOWED_EXTENSIONS;
use casedesk_core::{Error, Result};
use serde::Serialize;
use std::io::Read;

const JSON_MAX_BYTES: u64 = 1024 * 1024;

/// "Add files…": multi-select, filtered to the kinds CJ accepts. Empty when cancelled.
pub fn pick_attachment_files() -> Vec<String> {
    let picked = rfd::FileDialog::new()
        .set_title("Add files to the case")
        .add_filter("PNG, JPG, PDF or TXT", &ALLOWED_EXTENSIONS)
        .pick_files()
        .unwrap_or_default();
    picked
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

/// Writes `value` as pretty JSON where the user chooses. `false` when cancelled.
pub fn save_json_file<T: Serialize>(default_name: &str, value: &T) -> Result<bool> {
    let Some(path) = rfd::FileDialog::new()
        .set_title("Export case reasons")
        .set_file_name(default_name)
        .add_filter("JSON", &["json"])
        .save_file()
    else {
        return Ok(false);
    };
    let json = serde_json::to_string_pretty(value).map_err(|e| {
        Error::invalid(
            casedesk_core::Code::Internal,
            format!("could not write JSON: {e}"),
        )
    })?;
    std::fs::write(path, json)?;
    Ok(true)
}

/// Writes an export where the user chooses (Markdown or PDF). The path written, `None` when cancelled.
pub fn save_export(
    default_name: &str,
    label: &str,
    extension: &str,
    bytes: &[u8],
) -> Result<Option<String>> {
    let Some(path) = rfd::FileDialog::new()
        .set_title("Export case")
        .set_file_name(default_name)
        .add_filter(label, &[extension])
        .save_file()
    else {
        return Ok(None);
    };
    std::fs::write(&path, bytes)?;
    Ok(Some(path.to_string_lossy().into_owned()))
}

/// "Import e-mail…": the files the sources read by hand (each source's filter), several at once.
/// Empty when cancelled, or when no source reads files.
pub fn pick_import_files(
    imports: &[casedesk_core::source::by_hand::FileImport],
) -> Vec<std::path::PathBuf> {
    let Some(first) = imports.first() else {
        return Vec::new();
    };
    imports
        .iter()
        .fold(rfd::FileDialog::new().set_title(first.title), |d, i| {
            d.add_filter(i.filter, i.extensions)
        })
        .pick_files()
        .unwrap_or_default()
}

/// Reads a JSON file the user picks (at most 1 MB). `None` when cancelled.
pub fn open_json_file() -> Result<Option<String>> {
    let Some(path) = rfd::FileDialog::new()
        .set_title("Import case reasons")
        .add_filter("JSON", &["json"])
        .pick_file()
    else {
        return Ok(None);
    };
    let mut text = String::new();
    std::fs::File::open(&path)?
        .take(JSON_MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|_| {
            Error::field(
                "import",
                casedesk_core::Code::ImportInvalid,
                "The file is not UTF-8 text.",
            )
        })?;
    Ok(Some(text))
}

// ---- Notifications (notify-rust) ----

/// The app's icon as a file a notification server can read (written once into the data folder).
pub fn icon_file(data_dir: &std::path::Path) -> Option<std::path::PathBuf> {
    const ICON: &[u8] = include_bytes!("../../icons/128x128.png");
    let path = data_dir.join("casedesk-icon.png");
    if std::fs::metadata(&path)
        .map(|m| m.len() as usize != ICON.len())
        .unwrap_or(true)
    {
        std::fs::write(&path, ICON).ok()?;
    }
    Some(path)
}

/// Shows a timeline entry as a desktop notification (its words come from the core). Shown from a
/// thread of its own: a missing or slow notification server is logged and never holds up a follow
/// loop or the window.
pub fn notify(change: &casedesk_core::store::StatusChange, icon: Option<std::path::PathBuf>) {
    let (summary, body) = change.notification();
    notify_text(summary, body, icon);
}

/// A notification with this text (on a thread of its own: the notification server may be slow).
pub fn notify_text(summary: String, body: String, icon: Option<std::path::PathBuf>) {
    std::thread::spawn(move || {
        let mut n = notify_rust::Notification::new();
        crate::platform::notifications::attribute(&mut n);
        n.summary(&summary)
            .body(&crate::platform::notifications::body_text(&body))
            .timeout(notify_rust::Timeout::Milliseconds(10_000));
        if let Some(icon) = icon.as_ref().and_then(|p| p.to_str()) {
            n.icon(icon);
        }
        match n.show() {
            Ok(_) => tracing::info!(%summary, "notified"),
            Err(e) => {
                tracing::warn!(error = %e, "no notification server answered; the change is in the app")
            }
        }
    });
}

// ---- Secrets (keyring: the OS secret store) ----

/// The OS secret store (Secret Service, Credential Manager, Keychain: see
/// [`crate::platform::secret_store`]), under the app's identifier (tests use their own).
pub struct KeyringSecrets {
    service: String,
}

impl KeyringSecrets {
    pub fn new(service: &str) -> Self {
        KeyringSecrets {
            service: service.to_owned(),
        }
    }

    fn entry(&self, name: &str) -> casedesk_core::Result<keyring::Entry> {
        keyring::Entry::new(&self.service, name).map_err(secret_error)
    }
}

fn secret_error(e: keyring::Error) -> casedesk_core::Error {
    // keyring's messages never include the secret itself.
    casedesk_core::Error::invalid(
        casedesk_core::Code::SecretStore,
        format!(
            "The system's secret store, {}, could not be used ({e}). {}",
            crate::platform::secret_store::NAME,
            crate::platform::secret_store::HINT
        ),
    )
}

impl casedesk_core::secrets::Secrets for KeyringSecrets {
    fn get(&self, name: &str) -> casedesk_core::Result<Option<String>> {
        match self.entry(name)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(secret_error(e)),
        }
    }

    fn set(&self, name: &str, value: &str) -> casedesk_core::Result<()> {
        self.entry(name)?.set_password(value).map_err(secret_error)
    }

    fn delete(&self, name: &str) -> casedesk_core::Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(secret_error(e)),
        }
    }
}

// ---- The desktop's browser and file manager ----

// ---- Window and tray ----

pub fn show_main_window<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    if let Some(w) = app.get_webview_window("main") {
        WINDOW_SHOWN.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Whether the main window was shown since start (it is created hidden; the page shows it).
static WINDOW_SHOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether the page has shown the main window yet (or the fallback did).
pub fn window_shown() -> bool {
    WINDOW_SHOWN.load(std::sync::atomic::Ordering::SeqCst)
}

/// Shows the main window unless it was shown already (the fallback for a page that never got far).
pub fn show_main_window_if_never_shown<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    if !window_shown() {
        tracing::warn!("the page did not show the window in time; showing it anyway");
        show_main_window(app);
    }
}

/// Quit from the tray or the macOS menu: the window saves what is typed, then asks to exit; exit
/// anyway after 3 s.
pub fn request_quit<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    app.state::<crate::events::Events>()
        .push(crate::events::ShellEvent::QuitRequested);
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(3));
        app.exit(0);
    });
}

/// Tray (the notification area on Windows, the menu bar on macOS): Open / Check now / Quit. Without a tray host (some desktops, CI) it is logged and skipped.
pub fn build_tray<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::menu::{Menu, MenuItem};
    use tauri::tray::TrayIconBuilder;
    use tauri::Manager;
    let built = (|| -> tauri::Result<()> {
        let open = MenuItem::with_id(app, "open", "Open Casedesk", true, None::<&str>)?;
        let check = MenuItem::with_id(app, "check", "Check now", true, None::<&str>)?;
        let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
        let menu = Menu::with_items(app, &[&open, &check, &quit])?;
        let mut tray = TrayIconBuilder::with_id("casedesk")
            .menu(&menu)
            .tooltip("Casedesk");
        if let Some(icon) = app.default_window_icon() {
            tray = tray.icon(icon.clone());
        }
        tray.on_menu_event(|app, event| match event.id().as_ref() {
            "open" => show_main_window(app),
            "check" => {
                if let Some(state) = app.try_state::<crate::AppState>() {
                    state.check_now();
                }
            }
            "quit" => request_quit(app),
            _ => {}
        })
        .build(app)?;
        Ok(())
    })();
    if let Err(e) = built {
        tracing::warn!(error = %e, "no tray icon");
    }
}

/// Copies a draft's attachments, under their original names, into a folder the user can open next to
/// CJ's form. Content-addressed files have no meaningful names, so the copy is what "Show attachments"
/// opens.
pub fn attachments_folder(
    data_dir: &std::path::Path,
    draft_id: i64,
    files: &[(String, std::path::PathBuf)],
) -> casedesk_core::Result<std::path::PathBuf> {
    let dir = data_dir.join("outgoing").join(format!("draft-{draft_id}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    // Names valid on every OS, and unique whatever their case (one file on Windows and macOS).
    let mut names = casedesk_core::file_name::FolderNames::default();
    for (name, blob) in files {
        std::fs::copy(blob, dir.join(names.claim(name)))?;
    }
    Ok(dir)
}
