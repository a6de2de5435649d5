//! Who a desktop notification says it is from, per OS. The notification itself is notify-rust's on
//! every OS (D-Bus on Linux, WinRT toasts on Windows, NSUserNotification on macOS); the once-only
//! rules live in the core, so they are the same everywhere.
//!
//! * **Linux**: the app name, "Casedesk".
//! * **Windows**: a toast is attributed to an AppUserModelID. The installer's Start-menu shortcut
//!   carries the app's identifier as its AppUserModelID (Tauri's NSIS and WiX templates do this),
//!   and the app sets the same ID on itself and on each toast, so toasts say "Casedesk" with its
//!   icon. Run from a folder without being installed, Windows shows no toast for an unknown ID: the
//!   change is still in the window (README).
//! * **macOS**: notify-rust sends as the bundle identifier (the `.app`'s own; a bare binary falls
//!   back to Finder's, which the README says).

use std::sync::OnceLock;

static APP_ID: OnceLock<String> = OnceLock::new();

/// Called once at start with the app's identifier.
pub fn init(identifier: &str) {
    let _ = APP_ID.set(identifier.to_owned());
    #[cfg(windows)]
    set_process_app_id(identifier);
    #[cfg(target_os = "macos")]
    if let Err(e) = notify_rust::set_application(identifier) {
        tracing::warn!(error = %e, "notifications will be sent under another application's name");
    }
}

/// Applies the attribution to one notification.
pub fn attribute(n: &mut notify_rust::Notification) {
    n.appname("Casedesk");
    #[cfg(windows)]
    if let Some(id) = APP_ID.get() {
        n.app_id(id);
    }
}

/// The body as this OS's notification service should be given it: plain text, except for a Linux
/// notification server that reads the body as markup (it advertises `body-markup`, as dunst and
/// GNOME Shell do), which gets it escaped so that `<b>`, `<a href>`, `<img>` or `&` from a mail stay
/// text. Windows builds its toast with the XML DOM and macOS takes plain text: both show it as is.
pub fn body_text(body: &str) -> String {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        // Asked per notification: the user may switch servers. When the server cannot be asked,
        // escaping is the safe side (text that shows an entity beats markup that runs).
        let markup = notify_rust::get_capabilities()
            .map(|caps| caps.iter().any(|c| c == "body-markup"))
            .unwrap_or(true);
        if markup {
            return casedesk_core::text::markup_escaped(body);
        }
    }
    body.to_owned()
}

/// Windows: the process's explicit AppUserModelID, so the taskbar groups the window with the
/// shortcut and the toasts with both.
#[cfg(windows)]
fn set_process_app_id(identifier: &str) {
    let wide: Vec<u16> = identifier.encode_utf16().chain(Some(0)).collect();
    // SAFETY: `wide` is a NUL-terminated UTF-16 string that outlives the call, which copies it.
    let hr = unsafe {
        windows_sys::Win32::UI::Shell::SetCurrentProcessExplicitAppUserModelID(wide.as_ptr())
    };
    if hr != 0 {
        tracing::warn!(hr, "could not set the AppUserModelID");
    }
}
