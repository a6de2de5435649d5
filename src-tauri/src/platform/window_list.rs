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

/// The screen as captured, cut to `rect` (x, y, width, height in the capture's pixels; x and y may
/// be negative where the window runs off the screen's left or top edge).
#[cfg(any(target_os = "linux", windows))]
fn cut<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    (x, y, width, height): (i64, i64, i64, i64),
) -> Result<Captured> {
    let shot = capture::screen(app)?;
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
mod x11 {
    use super::*;
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{
        Atom, AtomEnum, ClientMessageEvent, ConfigureWindowAux, ConnectionExt as _, EventMask,
        MapState, StackMode, Window,
    };
    use x11rb::rust_connection::RustConnection;

    fn x<T, E: std::fmt::Display>(r: std::result::Result<T, E>) -> Result<T> {
        r.map_err(|e| capture_error(format!("the X server refused ({e})")))
    }

    pub(super) struct Session {
        conn: RustConnection,
        root: Window,
        client_list: Atom,
        net_wm_name: Atom,
        utf8: Atom,
        pid: Atom,
        frame: Atom,
        active: Atom,
    }

    impl Session {
        pub(super) fn open() -> Result<Self> {
            if std::env::var_os("DISPLAY").is_none() {
                return Err(capture_error(
                    "this session has no X display; take the screenshot with the desktop's own \
                     tool (PrtScn) and paste it",
                ));
            }
            let (conn, screen) = x(x11rb::connect(None))?;
            let root = conn
                .setup()
                .roots
                .get(screen)
                .ok_or_else(|| capture_error("the X server has no such screen"))?
                .root;
            let atom = |name: &[u8]| -> Result<Atom> {
                Ok(x(x(conn.intern_atom(false, name))?.reply())?.atom)
            };
            Ok(Session {
                client_list: atom(b"_NET_CLIENT_LIST")?,
                net_wm_name: atom(b"_NET_WM_NAME")?,
                utf8: atom(b"UTF8_STRING")?,
                pid: atom(b"_NET_WM_PID")?,
                frame: atom(b"_NET_FRAME_EXTENTS")?,
                active: atom(b"_NET_ACTIVE_WINDOW")?,
                root,
                conn,
            })
        }

        /// A property's bytes, at most 4 KB of it; none when unset or on a window that closed.
        fn property(&self, w: Window, name: Atom, kind: impl Into<Atom>) -> Option<Vec<u8>> {
            let reply = self
                .conn
                .get_property(false, w, name, kind, 0, 1024)
                .ok()?
                .reply()
                .ok()?;
            (reply.format != 0).then_some(reply.value)
        }

        fn numbers(&self, w: Window, name: Atom, kind: impl Into<Atom>) -> Vec<u32> {
            self.property(w, name, kind)
                .map(|v| {
                    v.chunks_exact(4)
                        .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
                        .collect()
                })
                .unwrap_or_default()
        }

        fn managed(&self) -> Vec<Window> {
            self.numbers(self.root, self.client_list, AtomEnum::WINDOW)
        }

        fn title(&self, w: Window) -> String {
            let raw = self
                .property(w, self.net_wm_name, self.utf8)
                .or_else(|| self.property(w, AtomEnum::WM_NAME.into(), AtomEnum::STRING));
            raw.map(|b| bounded(&String::from_utf8_lossy(&b)))
                .unwrap_or_default()
        }

        fn app(&self, w: Window) -> String {
            // WM_CLASS is "instance\0class\0": the class names the program.
            self.property(w, AtomEnum::WM_CLASS.into(), AtomEnum::STRING)
                .map(|b| {
                    let parts: Vec<&[u8]> = b.split(|c| *c == 0).collect();
                    let class = parts.get(1).or(parts.first()).copied().unwrap_or(&[]);
                    bounded(&String::from_utf8_lossy(class))
                })
                .unwrap_or_default()
        }

        /// The window's rectangle on the root window, its frame included where the window
        /// manager draws one.
        pub(super) fn rect(&self, w: Window) -> Option<(i64, i64, i64, i64)> {
            let g = self.conn.get_geometry(w).ok()?.reply().ok()?;
            let at = self
                .conn
                .translate_coordinates(w, self.root, 0, 0)
                .ok()?
                .reply()
                .ok()?;
            let f = self.numbers(w, self.frame, AtomEnum::CARDINAL);
            let (l, r, t, b) = match f[..] {
                [l, r, t, b, ..] if l.max(r).max(t).max(b) < 512 => {
                    (i64::from(l), i64::from(r), i64::from(t), i64::from(b))
                }
                _ => (0, 0, 0, 0),
            };
            Some((
                i64::from(at.dst_x) - l,
                i64::from(at.dst_y) - t,
                i64::from(g.width) + l + r,
                i64::from(g.height) + t + b,
            ))
        }

        pub(super) fn list(&self) -> Result<Vec<Listed>> {
            let managed = self.managed();
            let mut candidates = if managed.is_empty() {
                x(x(self.conn.query_tree(self.root))?.reply())?.children
            } else {
                managed
            };
            candidates.reverse(); // topmost first
            let own = std::process::id();
            let mut out = Vec::new();
            for w in candidates.into_iter().take(MAX_WINDOWS * 4) {
                if out.len() >= MAX_WINDOWS {
                    break;
                }
                let Some(attrs) = self
                    .conn
                    .get_window_attributes(w)
                    .ok()
                    .and_then(|c| c.reply().ok())
                else {
                    continue;
                };
                if attrs.map_state != MapState::VIEWABLE || attrs.override_redirect {
                    continue;
                }
                if self.numbers(w, self.pid, AtomEnum::CARDINAL).first() == Some(&own) {
                    continue;
                }
                let title = self.title(w);
                let big_enough = self
                    .rect(w)
                    .is_some_and(|(_, _, w, h)| w.min(h) >= i64::from(crop::MIN_SIDE));
                if title.is_empty() || !big_enough {
                    continue;
                }
                out.push(Listed {
                    id: u64::from(w),
                    app: self.app(w),
                    title,
                });
            }
            Ok(out)
        }

        pub(super) fn raise(&self, w: Window) -> Result<()> {
            if self.managed().is_empty() {
                x(self
                    .conn
                    .configure_window(w, &ConfigureWindowAux::new().stack_mode(StackMode::ABOVE)))?;
            } else {
                // Source 2: a pager acting for the user, which window managers obey.
                let event = ClientMessageEvent::new(32, w, self.active, [2u32, 0, 0, 0, 0]);
                x(self.conn.send_event(
                    false,
                    self.root,
                    EventMask::SUBSTRUCTURE_REDIRECT | EventMask::SUBSTRUCTURE_NOTIFY,
                    event,
                ))?;
            }
            // A round trip: the request has reached the server.
            x(x(self.conn.get_input_focus())?.reply())?;
            Ok(())
        }
    }
}

/// The windows that may be captured, topmost first, Casedesk's own left out.
#[cfg(target_os = "linux")]
pub fn list() -> Result<Vec<Listed>> {
    if capture::desktop_chooses() {
        return Err(by_desktop());
    }
    x11::Session::open()?.list()
}

/// Under Wayland no application may list other windows: the desktop's own dialog chooses one.
#[cfg(target_os = "linux")]
fn by_desktop() -> Error {
    Error::field(
        "attachments",
        casedesk_core::Code::CaptureByDesktop,
        "This desktop lets no application list its windows: choose the window in the \
         desktop's own screenshot dialog.",
    )
}

/// Brings the window to the front (before Casedesk hides itself for the capture).
#[cfg(target_os = "linux")]
pub fn bring_forward(id: u64) -> Result<()> {
    if capture::desktop_chooses() {
        return Err(by_desktop());
    }
    let s = x11::Session::open()?;
    let w = u32::try_from(id).map_err(|_| gone())?;
    if !s.list()?.iter().any(|l| l.id == id) {
        return Err(gone());
    }
    s.raise(w)
}

/// The window's picture, as it is on the screen now.
#[cfg(target_os = "linux")]
pub fn capture<R: tauri::Runtime>(app: &tauri::AppHandle<R>, id: u64) -> Result<Captured> {
    let s = x11::Session::open()?;
    let w = u32::try_from(id).map_err(|_| gone())?;
    let rect = s.rect(w).ok_or_else(gone)?;
    cut(app, rect)
}

#[cfg(windows)]
mod win {
    use super::*;
    use windows_sys::Win32::Foundation::{CloseHandle, HWND, LPARAM, RECT};
    use windows_sys::Win32::Graphics::Dwm::{
        DwmGetWindowAttribute, DWMWA_CLOAKED, DWMWA_EXTENDED_FRAME_BOUNDS,
    };
    use windows_sys::Win32::System::Threading::{
        GetCurrentProcessId, OpenProcess, QueryFullProcessImageNameW, PROCESS_NAME_WIN32,
        PROCESS_QUERY_LIMITED_INFORMATION,
    };
    use windows_sys::Win32::UI::WindowsAndMessaging::*;

    unsafe extern "system" fn each(hwnd: HWND, lparam: LPARAM) -> windows_sys::core::BOOL {
        // SAFETY: lparam is the &mut Vec handed to EnumWindows below, alive for the whole call.
        let out = unsafe { &mut *(lparam as *mut Vec<HWND>) };
        if out.len() < MAX_WINDOWS * 4 {
            out.push(hwnd);
        }
        1
    }

    pub(super) fn windows() -> Vec<HWND> {
        let mut out: Vec<HWND> = Vec::new();
        // SAFETY: the callback only pushes to `out`, which outlives the call.
        unsafe { EnumWindows(Some(each), &mut out as *mut Vec<HWND> as LPARAM) };
        out
    }

    pub(super) fn title(hwnd: HWND) -> String {
        let mut buf = [0u16; 512];
        // SAFETY: the buffer's length is passed; the answer is at most that many units.
        let n = unsafe { GetWindowTextW(hwnd, buf.as_mut_ptr(), buf.len() as i32) };
        bounded(&String::from_utf16_lossy(&buf[..n.clamp(0, 512) as usize]))
    }

    fn app(pid: u32) -> String {
        // SAFETY: a handle opened for reading the image name only, closed before returning.
        unsafe {
            let h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
            if h.is_null() {
                return String::new();
            }
            let mut buf = [0u16; 1024];
            let mut len = buf.len() as u32;
            let ok = QueryFullProcessImageNameW(h, PROCESS_NAME_WIN32, buf.as_mut_ptr(), &mut len);
            CloseHandle(h);
            if ok == 0 {
                return String::new();
            }
            let path = String::from_utf16_lossy(&buf[..(len as usize).min(buf.len())]);
            let file = path.rsplit(['\\', '/']).next().unwrap_or("");
            bounded(file.strip_suffix(".exe").unwrap_or(file))
        }
    }

    /// The window's frame on the virtual screen, relative to its top-left corner (the capture's
    /// origin), where it is a visible, unminimised, uncloaked application window.
    pub(super) fn rect(hwnd: HWND) -> Option<(i64, i64, i64, i64)> {
        // SAFETY: queries on a window handle; a closed window answers failure, not a fault.
        unsafe {
            if IsWindowVisible(hwnd) == 0 || IsIconic(hwnd) != 0 {
                return None;
            }
            let mut cloaked: u32 = 0;
            let hr = DwmGetWindowAttribute(
                hwnd,
                DWMWA_CLOAKED as u32,
                (&mut cloaked as *mut u32).cast(),
                4,
            );
            if hr == 0 && cloaked != 0 {
                return None;
            }
            let mut r: RECT = std::mem::zeroed();
            let hr = DwmGetWindowAttribute(
                hwnd,
                DWMWA_EXTENDED_FRAME_BOUNDS as u32,
                (&mut r as *mut RECT).cast(),
                std::mem::size_of::<RECT>() as u32,
            );
            if hr != 0 && GetWindowRect(hwnd, &mut r) == 0 {
                return None;
            }
            let (ox, oy) = (
                GetSystemMetrics(SM_XVIRTUALSCREEN),
                GetSystemMetrics(SM_YVIRTUALSCREEN),
            );
            Some((
                i64::from(r.left - ox),
                i64::from(r.top - oy),
                i64::from(r.right - r.left),
                i64::from(r.bottom - r.top),
            ))
        }
    }

    pub(super) fn listed(hwnd: HWND) -> Option<Listed> {
        let mut pid = 0u32;
        // SAFETY: queries on a window handle from EnumWindows.
        let (ex, own) = unsafe {
            GetWindowThreadProcessId(hwnd, &mut pid);
            (
                GetWindowLongW(hwnd, GWL_EXSTYLE) as u32,
                GetCurrentProcessId(),
            )
        };
        if pid == own || ex & WS_EX_TOOLWINDOW != 0 {
            return None;
        }
        let (_, _, w, h) = rect(hwnd)?;
        let title = title(hwnd);
        if title.is_empty() || w < i64::from(crop::MIN_SIDE) || h < i64::from(crop::MIN_SIDE) {
            return None;
        }
        Some(Listed {
            id: hwnd as usize as u64,
            title,
            app: app(pid),
        })
    }

    pub(super) fn find(id: u64) -> Option<HWND> {
        windows()
            .into_iter()
            .find(|h| *h as usize as u64 == id && listed(*h).is_some())
    }

    pub(super) fn raise(hwnd: HWND) {
        // SAFETY: a window handle just found by EnumWindows; failure leaves it where it was.
        unsafe { SetForegroundWindow(hwnd) };
    }
}

/// The windows that may be captured, topmost first (EnumWindows' Z order), Casedesk's own left out.
#[cfg(windows)]
pub fn list() -> Result<Vec<Listed>> {
    Ok(win::windows()
        .into_iter()
        .filter_map(win::listed)
        .take(MAX_WINDOWS)
        .collect())
}

/// Brings the window to the foreground (before Casedesk hides itself for the capture).
#[cfg(windows)]
pub fn bring_forward(id: u64) -> Result<()> {
    win::raise(win::find(id).ok_or_else(gone)?);
    Ok(())
}

/// The window's picture, as it is on the screen now.
#[cfg(windows)]
pub fn capture<R: tauri::Runtime>(app: &tauri::AppHandle<R>, id: u64) -> Result<Captured> {
    let hwnd = win::find(id).ok_or_else(gone)?;
    cut(app, win::rect(hwnd).ok_or_else(gone)?)
}

#[cfg(target_os = "macos")]
mod mac {
    use super::*;
    use objc2_core_foundation::{CFDictionary, CFNumber, CFRetained, CFString, CFType, CGRect};
    use objc2_core_graphics::*;

    fn value<'a>(d: &'a CFDictionary, key: &CFString) -> Option<&'a CFType> {
        // SAFETY: a key of the window description's own kind; the value lives as long as `d`.
        let v = unsafe { d.value((key as *const CFString).cast()) };
        // SAFETY: the window descriptions hold CF objects only.
        unsafe { v.cast::<CFType>().as_ref() }
    }

    fn number(d: &CFDictionary, key: &CFString) -> Option<i64> {
        value(d, key)?.downcast_ref::<CFNumber>()?.as_i64()
    }

    fn text(d: &CFDictionary, key: &CFString) -> String {
        value(d, key)
            .and_then(|v| v.downcast_ref::<CFString>())
            .map(|s| bounded(&s.to_string()))
            .unwrap_or_default()
    }

    fn windows() -> Option<CFRetained<objc2_core_foundation::CFArray>> {
        CGWindowListCopyWindowInfo(
            CGWindowListOption::OptionOnScreenOnly | CGWindowListOption::ExcludeDesktopElements,
            0,
        )
    }

    pub(super) fn list() -> Vec<Listed> {
        let Some(all) = windows() else {
            return Vec::new();
        };
        let own = i64::from(std::process::id());
        let mut out = Vec::new();
        for i in 0..all.count().min((MAX_WINDOWS * 4) as isize) {
            // SAFETY: i is below the array's count; its items are window descriptions.
            let item = unsafe { all.value_at_index(i) };
            // SAFETY: as above; the item lives as long as `all`.
            let Some(d) = (unsafe { item.cast::<CFDictionary>().as_ref() }) else {
                continue;
            };
            // SAFETY: reading the extern statics Core Graphics exports.
            let (k_layer, k_pid, k_id, k_owner, k_name, k_bounds) = unsafe {
                (
                    kCGWindowLayer,
                    kCGWindowOwnerPID,
                    kCGWindowNumber,
                    kCGWindowOwnerName,
                    kCGWindowName,
                    kCGWindowBounds,
                )
            };
            if number(d, k_layer) != Some(0) || number(d, k_pid) == Some(own) {
                continue;
            }
            let Some(id) = number(d, k_id).and_then(|n| u64::try_from(n).ok()) else {
                continue;
            };
            let mut bounds = CGRect::default();
            let has_bounds = value(d, k_bounds)
                .and_then(|v| v.downcast_ref::<CFDictionary>())
                // SAFETY: a bounds dictionary, read into a CGRect on the stack.
                .is_some_and(|b| unsafe {
                    CGRectMakeWithDictionaryRepresentation(Some(b), &mut bounds)
                });
            let min = f64::from(crop::MIN_SIDE);
            if !has_bounds || bounds.size.width < min || bounds.size.height < min {
                continue;
            }
            let app = text(d, k_owner);
            // Without the Screen Recording permission macOS leaves other programs' titles out.
            let name = text(d, k_name);
            let title = if name.is_empty() { app.clone() } else { name };
            if title.is_empty() {
                continue;
            }
            out.push(Listed { id, title, app });
            if out.len() >= MAX_WINDOWS {
                break;
            }
        }
        out
    }

    pub(super) fn capture(id: u32) -> Result<Captured> {
        // SAFETY: reading the extern static Core Graphics exports.
        let null = unsafe { CGRectNull };
        #[allow(deprecated)]
        // ScreenCaptureKit is async and Objective-C only; this call still works.
        let image = CGWindowListCreateImage(
            null,
            CGWindowListOption::OptionIncludingWindow,
            id,
            CGWindowImageOption::BoundsIgnoreFraming,
        )
        .ok_or_else(gone)?;
        capture::from_cgimage(&image)
    }
}

/// The windows that may be captured, topmost first, Casedesk's own left out.
#[cfg(target_os = "macos")]
pub fn list() -> Result<Vec<Listed>> {
    Ok(mac::list())
}

/// Nothing to do on macOS: the window's own picture is taken, whatever covers it.
#[cfg(target_os = "macos")]
pub fn bring_forward(id: u64) -> Result<()> {
    if !mac::list().iter().any(|l| l.id == id) {
        return Err(gone());
    }
    Ok(())
}

/// The window's picture, from Core Graphics (after the Screen Recording permission).
#[cfg(target_os = "macos")]
pub fn capture<R: tauri::Runtime>(_app: &tauri::AppHandle<R>, id: u64) -> Result<Captured> {
    capture::screen_recording_allowed()?;
    mac::capture(u32::try_from(id).map_err(|_| gone())?)
}
