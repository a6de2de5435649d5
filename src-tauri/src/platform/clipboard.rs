//! Writing text to the desktop's clipboard (the Copy buttons), with the same interface on every OS.
//!
//! * **Linux**: through the GTK that Tauri's window already runs on. A clipboard crate would bring
//!   its own X11 and Wayland clients (575 KB of the binary). GTK is only touched on the main thread;
//!   the caller's thread waits (at most 5 s) for it to be done.
//! * **Windows and macOS**: `arboard` (the crate behind tauri-plugin-clipboard-manager), on the
//!   caller's thread: Win32's clipboard and NSPasteboard may be used from any thread, and a command
//!   thread is never the main one.

use casedesk_core::{Error, Result};

/// Puts `text` on the clipboard.
#[cfg(target_os = "linux")]
pub fn copy_text<R: tauri::Runtime>(app: &tauri::AppHandle<R>, text: String) -> Result<()> {
    let (done, wait) = std::sync::mpsc::sync_channel(1);
    app.run_on_main_thread(move || {
        let clipboard = gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD);
        clipboard.set_text(&text);
        let _ = done.send(());
    })
    .map_err(|e| clipboard_error(&e.to_string()))?;
    wait.recv_timeout(std::time::Duration::from_secs(5))
        .map_err(|_| clipboard_error("the window did not answer"))
}

/// Puts `text` on the clipboard.
#[cfg(not(target_os = "linux"))]
pub fn copy_text<R: tauri::Runtime>(_app: &tauri::AppHandle<R>, text: String) -> Result<()> {
    arboard::Clipboard::new()
        .and_then(|mut c| c.set_text(text))
        .map_err(|e| clipboard_error(&e.to_string()))
}

fn clipboard_error(why: &str) -> Error {
    Error::invalid(
        casedesk_core::Code::Clipboard,
        format!("The clipboard could not be written: {why}."),
    )
}
