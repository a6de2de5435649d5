//! A stand-in desktop portal with a screenshot: it owns `org.freedesktop.portal.Desktop` on the session
//! bus and answers `org.freedesktop.portal.Screenshot.Screenshot` as xdg-desktop-portal does — the
//! request's object path made of the caller's unique name and its `handle_token`, the method's return,
//! then the `org.freedesktop.portal.Request.Response` signal on that path. A real portal needs a
//! Wayland compositor with a screenshot backend, which a test machine has not; this is the protocol
//! without the compositor. Used by the end-to-end tests only; ended by the test that started it.
//!
//! `stand-in-portal DIR`: before each answer it reads `DIR/answer` —
//! `picture <path>` (answer 0 with that file's `file://` URI), `cancel` (answer 1), `silent` (never
//! answer) — and appends one line per call to `DIR/calls`: `interactive=<bool> token=<token>`, or
//! `close <request path>` for a `Request.Close`.
//!
//! Linux only: the portal is a D-Bus service; elsewhere this binary only says so.

#[cfg(target_os = "linux")]
mod linux {
    use dbus::arg::{PropMap, RefArg, Variant};
    use dbus::blocking::Connection;
    use dbus::channel::{MatchingReceiver, Sender};
    use dbus::message::{MatchRule, Message};
    use dbus::Path;
    use std::io::Write;
    use std::time::Duration;

    fn uri(path: &str) -> String {
        let mut out = String::from("file://");
        for b in path.bytes() {
            if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    fn note(dir: &std::path::Path, line: &str) {
        if let Ok(mut calls) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("calls"))
        {
            let _ = writeln!(calls, "{line}");
        }
    }

    fn screenshot(dir: &std::path::Path, msg: &Message, conn: &Connection) -> Option<Message> {
        let (_parent, options): (String, PropMap) = msg.read2().ok()?;
        let token = options
            .get("handle_token")
            .and_then(|v| v.0.as_str())
            .unwrap_or("t")
            .to_string();
        let interactive = options
            .get("interactive")
            .and_then(|v| v.0.as_u64())
            .is_some_and(|b| b != 0);
        let sender = msg.sender()?.to_string();
        let request = format!(
            "/org/freedesktop/portal/desktop/request/{}/{token}",
            sender.trim_start_matches(':').replace('.', "_")
        );
        note(dir, &format!("interactive={interactive} token={token}"));
        let _ = conn.send(msg.method_return().append1(Path::from(request.clone())));
        let answer = std::fs::read_to_string(dir.join("answer")).unwrap_or_default();
        let answer = answer.trim();
        let (code, results) = if let Some(path) = answer.strip_prefix("picture ") {
            let mut results = PropMap::new();
            results.insert(
                "uri".into(),
                Variant(Box::new(uri(path)) as Box<dyn RefArg>),
            );
            (0u32, results)
        } else if answer == "cancel" {
            (1, PropMap::new())
        } else {
            return None;
        };
        Message::new_signal(request, "org.freedesktop.portal.Request", "Response")
            .ok()
            .map(|m| m.append2(code, results))
    }

    pub fn main() {
        let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("stand-in-portal DIR"));
        let conn = Connection::new_session().expect("a session bus");
        conn.request_name("org.freedesktop.portal.Desktop", false, true, true)
            .expect("the portal's name");
        conn.start_receive(
            MatchRule::new_method_call(),
            Box::new(move |msg, conn| {
                if msg.interface().as_deref() == Some("org.freedesktop.portal.Screenshot")
                    && msg.member().as_deref() == Some("Screenshot")
                {
                    if let Some(signal) = screenshot(&dir, &msg, conn) {
                        let _ = conn.send(signal);
                    }
                } else if msg.interface().as_deref() == Some("org.freedesktop.portal.Request")
                    && msg.member().as_deref() == Some("Close")
                {
                    let path = msg.path().map(|p| p.to_string()).unwrap_or_default();
                    note(&dir, &format!("close {path}"));
                    let _ = conn.send(msg.method_return());
                } else if !msg.get_no_reply() {
                    let _ = conn.send(msg.error(
                        &"org.freedesktop.DBus.Error.UnknownMethod".into(),
                        c"the stand-in portal has a screenshot only",
                    ));
                }
                true
            }),
        );
        loop {
            let _ = conn.process(Duration::from_secs(3600));
        }
    }
}

#[cfg(target_os = "linux")]
fn main() {
    linux::main()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("stand-in-portal: the desktop portal exists on Linux only");
    std::process::exit(2);
}
