//! One running Casedesk per session: the first launch claims the app's name on the session bus; a
//! second launch asks the first to show its window, then exits.
//!
//! This is libdbus (the `dbus` crate, which keyring and tao load anyway) rather than the single-instance
//! plugin, whose zbus added ~0.45 MB of code to a binary with an 8 MB budget (see BENCHMARKS.md).

use dbus::blocking::Connection;
use dbus::channel::{MatchingReceiver, Sender};
use dbus::message::MatchRule;
use std::time::Duration;

const PATH: &str = "/com/casedesk/Instance";
const INTERFACE: &str = "com.casedesk.Instance";

pub enum Claim {
    /// This launch is the first; serve "Show" on the connection (none without a session bus).
    First(Option<Connection>),
    /// Another copy runs and was asked to show its window.
    Second,
}

/// Claims `identifier` on the session bus.
pub fn claim(identifier: &str) -> Claim {
    let conn = match Connection::new_session() {
        Ok(c) => c,
        Err(e) => {
            tracing::info!(error = %e, "no session bus: not checking for another running copy");
            return Claim::First(None);
        }
    };
    use dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply;
    match conn.request_name(identifier, false, false, true) {
        Ok(RequestNameReply::PrimaryOwner) | Ok(RequestNameReply::AlreadyOwner) => {
            Claim::First(Some(conn))
        }
        Ok(_) => {
            let shown: Result<(), dbus::Error> = conn
                .with_proxy(identifier, PATH, Duration::from_secs(5))
                .method_call(INTERFACE, "Show", ());
            if let Err(e) = shown {
                tracing::warn!(error = %e, "the running copy did not answer");
            }
            Claim::Second
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not claim the session bus name; starting anyway");
            Claim::First(None)
        }
    }
}

/// Answers "Show" calls from later launches, on a thread of its own, for as long as the app runs.
pub fn serve(conn: Connection, on_show: impl Fn() + Send + 'static) {
    conn.start_receive(
        MatchRule::new_method_call(),
        Box::new(move |msg, conn| {
            if msg.interface().as_deref() == Some(INTERFACE)
                && msg.member().as_deref() == Some("Show")
            {
                on_show();
            }
            if !msg.get_no_reply() {
                let _ = conn.send(msg.method_return());
            }
            true
        }),
    );
    let spawned = std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(move || loop {
            if let Err(e) = conn.process(Duration::from_secs(3600)) {
                tracing::warn!(error = %e, "the session bus went away");
                return;
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not listen for later launches");
    }
}
