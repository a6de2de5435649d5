//! "Take screenshot… → One window": the windows a user can capture (other applications' visible,
//! titled top-level windows, topmost first) and the capture of one of them, with the same interface
//! on every OS. Titles come from other programs: bounded here, shown as text by the UI.
//!
//! * **Linux (X11)**: x11rb on a connection of its own. The list is the window manager's
//!   `_NET_CLIENT_LIST` where there is one, else the root window's mapped children (a bare X server,
//!   as under Xvfb). The chosen window is raised (`_NET_ACTIVE_WINDOW`, or a restack without a
//!   window manager), the screen captured as for "Whole screen" and cut to the window's rectangle
//!   with its frame (`_NET_FRAME_EXTENTS`).
//! * **Windows**: `EnumWindows`, visible, not minimised, not cloaked, not tool windows; the chosen
//!   one brought to the foreground and cut out of the virtual screen at its DWM frame bounds.
//! * **macOS**: `CGWindowListCopyWindowInfo` (layer 0, on screen), and the window's own picture from
//!   `CGWindowListCreateImage`, which shows it even where other windows cover it.

use casedesk_core::picture::crop;
use casedesk_core::{Error, Result};
use serde::Serialize;

use super::capture::{self, capture_error, Captured};

/// A window that may be captured.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listed {
    /// The OS's id for it (an X window, an HWND, a CGWindowID), at most 2^53 so JS keeps it exact.
    pub id: u64,
    pub title: String,
    /// The program it belongs to, where the OS says.
    pub app: String,
}

/// The most windows listed: a desktop with more is not one a user picks from.
pub const MAX_WINDOWS: usize = 256;
/// The longest title kept, in characters.
const MAX_TITLE: usize = 200;

fn bounded(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_TITLE)
        .collect();
    text.trim().to_string()
}

fn gone() -> Error {
    capture_error("that window is no longer open; choose it again from the list")
}

/// A capture of the screen cut to `rect` (x, y, width, height in the capture's pixels; x and y may
/// be negative where the window runs off the screen's left or top edge).
#[cfg(any(target_os = "linux", windows))]
fn cut(shot: Captured, (x, y, width, height): (i64, i64, i64, i64)) -> Result<Captured> {
    let clamp = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    let area = crop::Area {
        x: clamp(x),
        y: clamp(y),
        width: clamp(x + width - x.max(0)),
        height: clamp(y + height - y.max(0)),
    };
    let (width, height, rgba) = crop::rgba(shot.width, shot.height, &shot.rgba, area)
        .map_err(|_| capture_error("that window is not on the screen"))?;
    Ok(Captured {
        width,
        height,
        rgba,
    })
}

#[cfg(target_os = "linux")]
mod x11;
#[cfg(target_os = "linux")]
pub use x11::{bring_forward, capture, list};

#[cfg(windows)]
mod win;
#[cfg(windows)]
pub use win::{bring_forward, capture, list};

#[cfg(target_os = "macos")]
mod mac;
#[cfg(target_os = "macos")]
pub use mac::{bring_forward, capture, list};
