//! One running Casedesk per session: a second launch shows the first one's window, then exits.
//!
//! The same interface on every OS — [`claim`] before Tauri starts, [`Instance::attach`] on the
//! builder, [`Instance::serve`] once the app exists — with each OS's own mechanism behind it:
//!
//! * **Linux**: the app's name claimed on the session bus through libdbus (the `dbus` crate, which
//!   keyring and tao load anyway) rather than the single-instance plugin, whose zbus added ~0.45 MB
//!   of code to a binary with an 8 MB budget (see BENCHMARKS.md).
//! * **Windows and macOS**: `tauri-plugin-single-instance` (a named mutex and a message window on
//!   Windows; a socket in the user's cache folder on macOS), which calls back in the first copy.

#[cfg(target_os = "linux")]
pub use dbus_claim::{claim, Instance};
#[cfg(not(target_os = "linux"))]
pub use plugin::{claim, Instance};

/// What a second launch asks of the first: show its window.
pub type OnShow<R> = fn(&tauri::AppHandle<R>);

#[cfg(not(target_os = "linux"))]
mod plugin {
    use super::OnShow;
    use tauri::Runtime;

    /// The plugin decides inside Tauri's start whether this launch is the first.
    pub struct Instance;

    pub fn claim(_identifier: &str) -> Option<Instance> {
        Some(Instance)
    }

    impl Instance {
        /// Registers the plugin: in a second launch it calls the first, which runs `on_show`, and
        /// the second exits before any window is made. It must be the first plugin registered.
        pub fn attach<R: Runtime>(
            &self,
            builder: tauri::Builder<R>,
            on_show: OnShow<R>,
        ) -> tauri::Builder<R> {
            builder.plugin(tauri_plugin_single_instance::init(
                move |app, _args, _cwd| on_show(app),
            ))
        }

        /// Nothing to serve: the plugin already listens.
        pub fn serve<R: Runtime>(self, _app: &tauri::AppHandle<R>, _on_show: OnShow<R>) {}
    }
}

#[cfg(target_os = "linux")]
mod dbus_claim {
    use dbus::blocking::Connection;
    use dbus::channel::{MatchingReceiver, Sender};
    use dbus::message::MatchRule;
    use std::time::Duration;

    const PATH: &str = "/com/casedesk/Instance";
    const INTERFACE: &str = "com.casedesk.Instance";

    /// This launch is the first; it serves "Show" on the connection (none without a session bus).
    pub struct Instance(Option<Connection>);

    /// Claims `identifier` on the session bus. `None`: another copy runs and was asked to show its window.
    pub fn claim(identifier: &str) -> Option<Instance> {
        let conn = match Connection::new_session() {
            Ok(c) => c,
            Err(e) => {
                tracing::info!(error = %e, "no session bus: not checking for another running copy");
                return Some(Instance(None));
            }
        };
        use dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply;
        match conn.request_name(identifier, false, false, true) {
            Ok(RequestNameReply::PrimaryOwner) | Ok(RequestNameReply::AlreadyOwner) => {
                Some(Instance(Some(conn)))
            }
            Ok(_) => {
                let shown: Result<(), dbus::Error> = conn
                    .with_proxy(identifier, PATH, Duration::from_secs(5))
                    .method_call(INTERFACE, "Show", ());
                if let Err(e) = shown {
                    tracing::warn!(error = %e, "the running copy did not answer");
                }
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not claim the session bus name; starting anyway");
                Some(Instance(None))
            }
        }
    }

    impl Instance {
        /// Nothing to add to the builder: the claim was made before it.
        pub fn attach<R: tauri::Runtime>(
            &self,
            builder: tauri::Builder<R>,
            _on_show: super::OnShow<R>,
        ) -> tauri::Builder<R> {
            builder
        }

        /// Answers "Show" calls from later launches, on a thread of its own, for as long as the app runs.
        pub fn serve<R: tauri::Runtime>(
            self,
            app: &tauri::AppHandle<R>,
            on_show: super::OnShow<R>,
        ) {
            let Some(conn) = self.0 else { return };
            let app = app.clone();
            serve(conn, move || on_show(&app));
        }
    }

    fn serve(conn: Connection, on_show: impl Fn() + Send + 'static) {
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
}
