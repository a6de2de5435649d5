//! A display (Xvfb) and a session bus of the test's own, with the services a test starts on them:
//! a keyring, a notification server, a bus monitor. Stopped on drop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{read_first_line, stop, App};

/// A display and a session bus of the test's own.
pub struct Desktop {
    pub display: String,
    pub bus: String,
    pub dir: tempfile::TempDir,
    xvfb: Child,
    dbus: Child,
    /// Services started on this desktop (notification server, bus monitor), stopped on drop.
    services: Vec<Child>,
    /// The Secret Service (GNOME Keyring), when started; stopped on drop.
    keyring: Option<Child>,
    /// A stand-in desktop portal, when started; stopped on drop.
    portal: Option<Child>,
    /// Extra environment for the app (e.g. a short poll interval).
    pub app_env: Vec<(String, String)>,
}

impl Desktop {
    pub fn start() -> Desktop {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("home")).expect("temp home");
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1400x900x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb must be installed (make test installs it)");
        let display = format!(":{}", read_first_line(&mut xvfb, "Xvfb"));
        let mut dbus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon must be installed");
        let bus = read_first_line(&mut dbus, "dbus-daemon");
        Desktop {
            display,
            bus,
            dir,
            xvfb,
            dbus,
            services: Vec::new(),
            keyring: None,
            portal: None,
            app_env: Vec::new(),
        }
    }

    /// The environment every process of this desktop gets.
    pub fn env(&self) -> Vec<(String, String)> {
        let d = self.dir.path();
        vec![
            ("DISPLAY".into(), self.display.clone()),
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.bus.clone()),
            ("WEBKIT_DISABLE_COMPOSITING_MODE".into(), "1".into()),
            ("NO_AT_BRIDGE".into(), "1".into()),
            ("GTK_A11Y".into(), "none".into()),
            // A home of its own: some libraries (autostart) ignore XDG_* and write under $HOME.
            ("HOME".into(), d.join("home").display().to_string()),
            (
                "XDG_DATA_HOME".into(),
                d.join("xdg-data").display().to_string(),
            ),
            (
                "XDG_CONFIG_HOME".into(),
                d.join("xdg-config").display().to_string(),
            ),
            (
                "XDG_CACHE_HOME".into(),
                d.join("xdg-cache").display().to_string(),
            ),
            ("CASEDESK_LOG".into(), "info".into()),
        ]
    }

    /// Stops the keyring and puts `program` in its place on the bus (a Secret Service that never
    /// answers, say); it is stopped on drop.
    pub fn replace_keyring(&mut self, program: &Path) {
        if let Some(mut k) = self.keyring.take() {
            stop(&mut k);
        }
        std::thread::sleep(Duration::from_millis(300));
        let child = Command::new(program)
            .envs(self.env())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the stand-in keyring starts");
        self.keyring = Some(child);
        self.wait_bus_name("org.freedesktop.secrets", Duration::from_secs(10));
    }

    /// Puts `program` (the stand-in portal) on the bus as `org.freedesktop.portal.Desktop`, with
    /// `dir` as its argument; it is stopped by [`Desktop::stop_portal`] or on drop.
    pub fn start_portal(&mut self, program: &Path, dir: &Path) {
        let child = Command::new(program)
            .arg(dir)
            .envs(self.env())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the stand-in portal starts");
        self.portal = Some(child);
        self.wait_bus_name("org.freedesktop.portal.Desktop", Duration::from_secs(10));
    }

    /// Stops the portal: the desktop has none from now on.
    pub fn stop_portal(&mut self) {
        if let Some(mut p) = self.portal.take() {
            stop(&mut p);
        }
    }

    /// An unlocked GNOME Keyring (Secret Service) on this desktop's bus.
    pub fn start_keyring(&mut self) {
        let mut child = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .envs(self.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon must be installed");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            let _ = stdin.write_all(b"casedesk-test-password");
        }
        self.keyring = Some(child);
        self.wait_bus_name("org.freedesktop.secrets", Duration::from_secs(10));
    }

    /// A notification server (dunst) on this desktop, so Notify calls are answered.
    pub fn start_notification_server(&mut self) {
        if let Ok(child) = Command::new("dunst")
            .envs(self.env())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            self.services.push(child);
            self.wait_bus_name("org.freedesktop.Notifications", Duration::from_secs(10));
        }
    }

    /// Records every Notify call on this desktop's bus; read them with [`Desktop::notify_summaries`].
    pub fn watch_notifications(&mut self) -> PathBuf {
        let log = self.dir.path().join("notify-calls.log");
        let f = std::fs::File::create(&log).unwrap();
        let child = Command::new("dbus-monitor")
            .args([
                "--address",
                &self.bus,
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(f)
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor must be installed");
        self.services.push(child);
        std::thread::sleep(Duration::from_millis(300));
        log
    }

    /// The summaries of the Notify calls seen so far (the 4th string argument of each call).
    pub fn notify_summaries(&self) -> Vec<String> {
        self.notify_calls().into_iter().map(|(s, _)| s).collect()
    }

    /// `(summary, body)` of each Notify call seen so far, as sent on the bus.
    pub fn notify_calls(&self) -> Vec<(String, String)> {
        let text =
            std::fs::read_to_string(self.dir.path().join("notify-calls.log")).unwrap_or_default();
        let mut out = Vec::new();
        for call in text.split("method call").skip(1) {
            let strings: Vec<&str> = call
                .lines()
                .filter_map(|l| l.trim().strip_prefix("string \""))
                .map(|l| l.trim_end_matches('"'))
                .collect();
            // app_name, app_icon, summary, body
            if strings.len() >= 4 {
                out.push((strings[2].to_owned(), strings[3].to_owned()));
            }
        }
        out
    }

    fn wait_bus_name(&self, name: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let out = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    &format!("string:{name}"),
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
                .output();
            if out
                .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
                .unwrap_or(false)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{name} did not appear on the bus within {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Starts the app (through tauri-driver) with its data in `data_dir`.
    pub fn launch(&self, data_dir: &Path) -> App {
        App::launch(self, data_dir)
    }

    /// A PNG of the whole screen (WebDriver's own screenshot hangs under Xvfb).
    pub fn screenshot(&self, path: &Path) {
        let _ = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .arg(path)
            .status();
    }

    /// The text on this display's CLIPBOARD selection now (xclip asks its owner, as a paste would).
    pub fn clipboard_text(&self) -> String {
        let out = Command::new("timeout")
            .args(["5", "xclip", "-o", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .output()
            .expect("xclip must be installed");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Puts the PNG at `path` on this display's CLIPBOARD, as a screenshot tool would: xclip owns the
    /// selection in the foreground (`-quiet`) until the returned child is killed, or 120 s pass.
    pub fn set_clipboard_png(&self, path: &Path) -> std::process::Child {
        let child = Command::new("timeout")
            .args([
                "120",
                "xclip",
                "-quiet",
                "-selection",
                "clipboard",
                "-t",
                "image/png",
                "-i",
            ])
            .arg(path)
            .env("DISPLAY", &self.display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xclip must be installed");
        // Until xclip owns the selection, a paste would find nothing: wait for its TARGETS.
        for _ in 0..50 {
            let out = Command::new("timeout")
                .args([
                    "2",
                    "xclip",
                    "-o",
                    "-selection",
                    "clipboard",
                    "-t",
                    "TARGETS",
                ])
                .env("DISPLAY", &self.display)
                .output();
            if out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("image/png")) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        child
    }

    pub fn xdotool(&self, args: &[&str]) -> String {
        let out = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.display)
            .output()
            .expect("xdotool must be installed");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Ids of the *mapped* windows whose title matches `name` now. (Under Xvfb there is no window
    /// manager, so xdotool's `--onlyvisible` cannot be trusted; xwininfo's map state can.)
    pub fn windows(&self, name: &str) -> Vec<String> {
        self.xdotool(&["search", "--name", name])
            .lines()
            .filter(|id| {
                Command::new("xwininfo")
                    .args(["-id", id])
                    .env("DISPLAY", &self.display)
                    .output()
                    .map(|o| String::from_utf8_lossy(&o.stdout).contains("IsViewable"))
                    .unwrap_or(false)
            })
            .map(str::to_owned)
            .collect()
    }

    /// Waits for a mapped window whose title matches `name` and that is not in `known`.
    pub fn wait_new_window(&self, name: &str, known: &[String], timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(id) = self.windows(name).into_iter().find(|w| !known.contains(w)) {
                return id;
            }
            assert!(
                Instant::now() < deadline,
                "no new window named {name:?} appeared within {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until no mapped window matches `name`.
    pub fn wait_window_gone(&self, name: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.windows(name).is_empty() {
            assert!(
                Instant::now() < deadline,
                "window {name:?} still open after {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        for s in &mut self.services {
            stop(s);
        }
        if let Some(k) = &mut self.keyring {
            stop(k);
        }
        self.stop_portal();
        stop(&mut self.dbus);
        stop(&mut self.xvfb);
    }
}
