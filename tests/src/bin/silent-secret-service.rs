//! A locked keyring whose unlock prompt nobody answers: it owns `org.freedesktop.secrets` on the session
//! bus, opens sessions, finds one locked item for any search, answers Unlock with a prompt — and never
//! completes the prompt. A Secret Service client then waits (keyring's waits up to a year). Used by the
//! end-to-end tests only; ended by the test that started it.

//! Linux only: the Secret Service is a D-Bus service; elsewhere this binary only says so.

#[cfg(target_os = "linux")]
mod linux {
    use dbus::arg::Variant;
    use dbus::blocking::Connection;
    use dbus::channel::{MatchingReceiver, Sender};
    use dbus::message::MatchRule;
    use dbus::Path;
    use std::collections::HashMap;
    use std::time::Duration;

    pub fn main() {
        let conn = Connection::new_session().expect("a session bus");
        conn.request_name("org.freedesktop.secrets", false, true, true)
            .expect("the Secret Service name");
        conn.start_receive(
            MatchRule::new_method_call(),
            Box::new(|msg, conn| {
                let reply = match msg.member().as_deref() {
                    // A Diffie-Hellman session gets a public key (any value: no secret is ever sent).
                    Some("OpenSession") => {
                        let dh = msg.read1::<&str>().is_ok_and(|alg| alg.starts_with("dh"));
                        let session = Path::from("/org/freedesktop/secrets/session/1");
                        Some(if dh {
                            msg.method_return()
                                .append2(Variant(vec![7u8; 128]), session)
                        } else {
                            msg.method_return().append2(Variant(String::new()), session)
                        })
                    }
                    Some("SearchItems") => {
                        let _: Option<HashMap<String, String>> = msg.read1().ok();
                        Some(msg.method_return().append2(
                            Vec::<Path>::new(),
                            vec![Path::from("/org/freedesktop/secrets/collection/login/1")],
                        ))
                    }
                    Some("Unlock") => Some(msg.method_return().append2(
                        Vec::<Path>::new(),
                        Path::from("/org/freedesktop/secrets/prompt/1"),
                    )),
                    // The prompt "shows"; its Completed signal never comes.
                    Some("Prompt") => Some(msg.method_return()),
                    _ => None,
                };
                if let Some(r) = reply {
                    let _ = conn.send(r);
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
    eprintln!("silent-secret-service: the Secret Service exists on Linux only");
    std::process::exit(2);
}
