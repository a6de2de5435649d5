//! "One window" on Linux (X11): x11rb on a connection of its own. The list is the window manager's
//! `_NET_CLIENT_LIST` where there is one, else the root window's mapped children (a bare X server, as
//! under Xvfb); Wayland sessions are sent to the desktop's own dialog.

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

struct Session {
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
    fn open() -> Result<Self> {
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
    fn rect(&self, w: Window) -> Option<(i64, i64, i64, i64)> {
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

    fn list(&self) -> Result<Vec<Listed>> {
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

    fn raise(&self, w: Window) -> Result<()> {
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

/// The windows that may be captured, topmost first, Casedesk's own left out.
pub fn list() -> Result<Vec<Listed>> {
    if capture::desktop_chooses() {
        return Err(by_desktop());
    }
    Session::open()?.list()
}

/// Under Wayland no application may list other windows: the desktop's own dialog chooses one.
fn by_desktop() -> Error {
    Error::field(
        "attachments",
        casedesk_core::Code::CaptureByDesktop,
        "This desktop lets no application list its windows: choose the window in the \
         desktop's own screenshot dialog.",
    )
}

/// Brings the window to the front (before Casedesk hides itself for the capture).
pub fn bring_forward(id: u64) -> Result<()> {
    if capture::desktop_chooses() {
        return Err(by_desktop());
    }
    let s = Session::open()?;
    let w = u32::try_from(id).map_err(|_| gone())?;
    if !s.list()?.iter().any(|l| l.id == id) {
        return Err(gone());
    }
    s.raise(w)
}

/// The window's picture, as it is on the screen now.
pub fn capture<R: tauri::Runtime>(app: &tauri::AppHandle<R>, id: u64) -> Result<Captured> {
    let s = Session::open()?;
    let w = u32::try_from(id).map_err(|_| gone())?;
    let rect = s.rect(w).ok_or_else(gone)?;
    cut(capture::screen(app)?, rect)
}
