//! Helpers for the end-to-end tests: a display (Xvfb), a private D-Bus session, tauri-driver, and a tiny
//! W3C WebDriver client. Every process started here is kept by handle and stopped by that handle on drop;
//! nothing is killed by name. Every wait is bounded in time.

pub mod dovecot;
pub mod mails;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The app binary under test: `CASEDESK_APP`, else the workspace's debug build.
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("CASEDESK_APP") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or(root.join("target"));
    target.join("debug").join("casedesk")
}

pub fn tauri_driver() -> PathBuf {
    if let Ok(out) = Command::new("sh")
        .arg("-c")
        .arg("command -v tauri-driver")
        .output()
    {
        let s = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !s.is_empty() {
            return PathBuf::from(s);
        }
    }
    PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo/bin/tauri-driver")
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn read_first_line(child: &mut Child, what: &str) -> String {
    let out = child
        .stdout
        .take()
        .unwrap_or_else(|| panic!("{what}: no stdout"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(out).read_line(&mut line);
        let _ = tx.send(line);
    });
    rx.recv_timeout(Duration::from_secs(15))
        .unwrap_or_else(|_| panic!("{what} did not start within 15 s"))
        .trim()
        .to_owned()
}

/// Stops a child we started: SIGTERM, a short grace, then SIGKILL.
pub fn stop(child: &mut Child) {
    unsafe_kill(child.id(), "TERM");
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn unsafe_kill(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status();
}

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
                out.push(strings[2].to_owned());
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
        stop(&mut self.dbus);
        stop(&mut self.xvfb);
    }
}

/// The running app and its WebDriver session.
pub struct App {
    driver: Child,
    base: String,
    session: String,
    pub log: PathBuf,
}

impl App {
    fn launch(desktop: &Desktop, data_dir: &Path) -> App {
        let port = free_port();
        let native = free_port();
        let log = desktop.dir.path().join(format!("driver-{port}.log"));
        let logf = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .envs(desktop.env())
        .env("CASEDESK_DATA_DIR", data_dir)
        .envs(desktop.app_env.clone())
        .stdout(logf.try_clone().unwrap())
        .stderr(logf);
        let driver = cmd
            .spawn()
            .expect("tauri-driver must be installed (make test installs it)");
        let base = format!("http://127.0.0.1:{port}");
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app_binary()}}}});
        let deadline = Instant::now() + Duration::from_secs(150);
        let session = loop {
            match ureq::post(&format!("{base}/session"))
                .timeout(Duration::from_secs(120))
                .send_json(caps.clone())
            {
                Ok(resp) => {
                    let v: Value = resp.into_json().unwrap();
                    break v["value"]["sessionId"]
                        .as_str()
                        .expect("session id")
                        .to_owned();
                }
                Err(e) => {
                    assert!(
                        Instant::now() < deadline,
                        "no WebDriver session within 150 s: {e}"
                    );
                    std::thread::sleep(Duration::from_millis(250));
                }
            }
        };
        let app = App {
            driver,
            base,
            session,
            log,
        };
        if std::env::var_os("E2E_NO_WAIT").is_some() {
            return app;
        }
        app.wait_until("the page has started", Duration::from_secs(30), |a| {
            a.exec("return document.body && document.body.dataset.started === 'true' || !!document.querySelector('#banner:not([hidden])')", json!([]))
                .as_bool()
                .unwrap_or(false)
        });
        app
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/session/{}{}", self.base, self.session, tail)
    }

    fn post(&self, tail: &str, body: Value) -> Value {
        match ureq::post(&self.url(tail))
            .timeout(Duration::from_secs(30))
            .send_json(body)
        {
            Ok(r) => r.into_json::<Value>().unwrap()["value"].clone(),
            Err(ureq::Error::Status(code, r)) => {
                let mut s = String::new();
                let _ = r.into_reader().take(4000).read_to_string(&mut s);
                panic!("WebDriver {tail} answered {code}: {s}")
            }
            Err(e) => panic!("WebDriver {tail}: {e}"),
        }
    }

    fn get(&self, tail: &str) -> Value {
        let r = ureq::get(&self.url(tail))
            .timeout(Duration::from_secs(30))
            .call()
            .expect("WebDriver GET");
        r.into_json::<Value>().unwrap()["value"].clone()
    }

    /// Runs JavaScript in the page and returns its value.
    pub fn exec(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
    }

    /// Runs an async script (a promise expression) and returns what it resolves to.
    pub fn post_async(&self, promise: &str) -> Value {
        let script = format!("const done = arguments[arguments.length - 1]; Promise.resolve({promise}).then(done, e => done(String(e)));");
        self.post("/execute/async", json!({"script": script, "args": []}))
    }

    pub fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.post("/elements", json!({"using": "css selector", "value": css}));
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e[ELEMENT_KEY].as_str().unwrap().to_owned())
            .collect()
    }

    /// The first element matching `css`, waiting up to 10 s for it.
    pub fn find(&self, css: &str) -> String {
        let mut found = None;
        self.wait_until(&format!("element {css}"), Duration::from_secs(10), |a| {
            found = a.find_all(css).into_iter().next();
            found.is_some()
        });
        found.unwrap()
    }

    pub fn tid(&self, testid: &str) -> String {
        self.find(&format!("[data-testid=\"{testid}\"]"))
    }

    pub fn click(&self, el: &str) {
        self.post(&format!("/element/{el}/click"), json!({}));
    }

    pub fn type_text(&self, el: &str, text: &str) {
        self.post(&format!("/element/{el}/value"), json!({"text": text}));
    }

    /// Types keys that may end the session (e.g. a shortcut that closes the window); errors are ignored.
    pub fn type_text_closing(&self, el: &str, text: &str) {
        let _ = ureq::post(&self.url(&format!("/element/{el}/value")))
            .timeout(Duration::from_secs(30))
            .send_json(json!({"text": text}));
    }

    /// Scrolls the element into the middle of its scrolling box (a dialog's lower fields).
    pub fn scroll_to(&self, el: &str) {
        self.exec(
            "arguments[0].scrollIntoView({block: 'center'});",
            json!([{ ELEMENT_KEY: el }]),
        );
    }

    pub fn clear(&self, el: &str) {
        self.post(&format!("/element/{el}/clear"), json!({}));
    }

    pub fn text(&self, el: &str) -> String {
        self.get(&format!("/element/{el}/text"))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn attr(&self, el: &str, name: &str) -> Option<String> {
        self.get(&format!("/element/{el}/attribute/{name}"))
            .as_str()
            .map(str::to_owned)
    }

    pub fn value(&self, el: &str) -> String {
        self.get(&format!("/element/{el}/property/value"))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Polls `cond` every 100 ms until it holds, failing the test after `timeout`.
    pub fn wait_until(&self, what: &str, timeout: Duration, mut cond: impl FnMut(&App) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            if cond(self) {
                return;
            }
            if Instant::now() >= deadline {
                let seen = self.exec(
                    "return [...document.querySelectorAll('#toast:not([hidden]), .field-error, #banner:not([hidden]), #case-error')].map(e => e.id + ': ' + e.textContent.trim()).filter(t => !t.endsWith(': ')).join(' | ')",
                    json!([]),
                );
                panic!("timed out after {timeout:?} waiting for {what}; the page shows: {seen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the editor says the last change is committed.
    pub fn wait_saved(&self) {
        self.wait_until("save-state = saved", Duration::from_secs(10), |a| {
            a.exec(
                "return document.querySelector('[data-testid=save-state]').dataset.state",
                json!([]),
            )
            .as_str()
                == Some("saved")
        });
    }

    /// The app's process: the descendant of our tauri-driver that runs the app binary.
    pub fn app_pid(&self) -> Option<u32> {
        let mut parent_of = std::collections::HashMap::new();
        for e in std::fs::read_dir("/proc").ok()?.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            let after = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or("");
            if let Some(ppid) = after
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok())
            {
                parent_of.insert(pid, ppid);
            }
        }
        let app = std::fs::canonicalize(app_binary()).ok()?;
        parent_of.keys().copied().find(|pid| {
            let mut p = *pid;
            let mut descends = false;
            for _ in 0..10 {
                match parent_of.get(&p) {
                    Some(&pp) if pp == self.driver.id() => {
                        descends = true;
                        break;
                    }
                    Some(&pp) => p = pp,
                    None => break,
                }
            }
            descends
                && std::fs::read_link(format!("/proc/{pid}/exe"))
                    .ok()
                    .as_deref()
                    == Some(app.as_path())
        })
    }

    /// Kills the app with SIGKILL (no chance to save), then stops the session's driver.
    pub fn kill_app(mut self) {
        let pid = self.app_pid().expect("the app's process");
        let _ = Command::new("kill")
            .args(["-s", "KILL", &pid.to_string()])
            .status();
        std::thread::sleep(Duration::from_millis(300));
        stop(&mut self.driver);
    }

    /// Ends the session (the app exits) and stops tauri-driver.
    pub fn quit(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session))
            .timeout(Duration::from_secs(15))
            .call();
        stop(&mut self.driver);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Ok(None) = self.driver.try_wait() {
            self.shutdown();
        }
    }
}

/// A throwaway Request Tracker 5 on loopback: its own SQLite database, port, and auth token. The
/// server runs in its own process group, stopped by that group's id (never by name).
pub struct RtServer {
    pub port: u16,
    pub token: String,
    pub dir: PathBuf,
    child: Option<Child>,
}

const RT_SERVER: &str = "/usr/share/request-tracker5/libexec/rt-server";
const RT_DROPIN: &str = "/etc/request-tracker5/RT_SiteConfig.d/99-casedesk-test.pm";

impl RtServer {
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "CASEDESK_RT_DB",
                self.dir.join("rt.db").display().to_string(),
            ),
            ("CASEDESK_RT_PORT", self.port.to_string()),
        ]
    }

    /// Initialises a database in `dir`, makes a token and the custom fields, and starts the server.
    pub fn start(dir: &Path) -> RtServer {
        assert!(
            Path::new(RT_DROPIN).exists(),
            "the RT test drop-in is missing: run scripts/deps.sh test"
        );
        std::fs::create_dir_all(dir).unwrap();
        let mut rt = RtServer {
            port: free_port(),
            token: String::new(),
            dir: dir.to_owned(),
            child: None,
        };
        let init = Command::new("/usr/sbin/rt-setup-database-5")
            .args(["--action", "init", "--skip-create"])
            .envs(rt.env())
            .current_dir(dir)
            .output()
            .expect("rt-setup-database-5 must be installed");
        assert!(
            init.status.success(),
            "RT database init failed: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        let setup = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/rt/setup.pl");
        let out = Command::new("perl")
            .arg(setup)
            .envs(rt.env())
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "RT setup failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        rt.token = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim()
            .to_owned();
        assert!(!rt.token.is_empty(), "no RT token");
        rt.resume();
        rt
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) on the same database and port, and waits until REST answers.
    pub fn resume(&mut self) {
        use std::os::unix::process::CommandExt;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("server.log"))
            .unwrap();
        let child = Command::new(RT_SERVER)
            .args(["--port", &self.port.to_string()])
            .envs(self.env())
            .current_dir(&self.dir)
            .process_group(0)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("rt-server must be installed");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if self.get("queue/General").is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "RT did not answer within 60 s; see {}",
                self.dir.join("server.log").display()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Stops the server (its whole process group).
    pub fn pause(&mut self) {
        if let Some(mut child) = self.child.take() {
            // `--` so kill reads the negative number as a process group, not an option.
            let _ = Command::new("kill")
                .args(["-s", "TERM", "--", &format!("-{}", child.id())])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
        }
    }

    pub fn get(&self, path: &str) -> Result<Value, String> {
        ureq::get(&format!("{}/REST/2.0/{path}", self.url()))
            .set("Authorization", &format!("token {}", self.token))
            .timeout(Duration::from_secs(10))
            .call()
            .map_err(|e| e.to_string())?
            .into_json()
            .map_err(|e| e.to_string())
    }

    pub fn put(&self, path: &str, body: Value) -> Value {
        ureq::put(&format!("{}/REST/2.0/{path}", self.url()))
            .set("Authorization", &format!("token {}", self.token))
            .timeout(Duration::from_secs(10))
            .send_json(body)
            .expect("RT PUT")
            .into_json()
            .unwrap()
    }

    /// Ticket ids whose subject is `subject`.
    pub fn tickets_with_subject(&self, subject: &str) -> Vec<String> {
        let q: String = url_encode(&format!("Subject = '{}'", subject.replace('\'', "\\'")));
        let v = self.get(&format!("tickets?query={q}")).expect("RT search");
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                i["id"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| i["id"].to_string())
            })
            .collect()
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Drop for RtServer {
    fn drop(&mut self) {
        self.pause();
    }
}

/// A small tmpfs of the test's own (for a full or read-only data folder). Needs root; unmounted on drop.
pub struct SmallDisk {
    pub path: PathBuf,
}

impl SmallDisk {
    /// `None` when this process may not mount (not root); the caller says it skipped.
    pub fn mount(path: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(path).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then(|| SmallDisk {
            path: path.to_owned(),
        })
    }

    pub fn read_only(&self, ro: bool) {
        let opt = if ro { "remount,ro" } else { "remount,rw" };
        let ok = Command::new("mount")
            .args(["-o", opt])
            .arg(&self.path)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mount -o {opt} failed");
    }

    /// Fills the disk with one file; returns its path (remove it to free the space).
    pub fn fill(&self) -> PathBuf {
        use std::io::Write;
        let p = self.path.join("filler.bin");
        let mut f = std::fs::File::create(&p).unwrap();
        let chunk = vec![0u8; 16 * 1024];
        for _ in 0..100_000 {
            if f.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = f.sync_all();
        p
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("mount")
            .args(["-o", "remount,rw"])
            .arg(&self.path)
            .status();
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Whether this process is root (mounting a small disk needs it).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}
