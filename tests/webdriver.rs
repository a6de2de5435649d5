//! The running app through tauri-driver, and a small W3C WebDriver client to drive it.

use serde_json::{json, Value};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::{app_binary, free_port, stop, tauri_driver, Desktop};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The running app and its WebDriver session.
pub struct App {
    driver: Child,
    base: String,
    session: String,
    data_dir: PathBuf,
    pub log: PathBuf,
}

impl App {
    pub(crate) fn launch(desktop: &Desktop, data_dir: &Path) -> App {
        // A session that cannot start is retried with a fresh driver, at most three times: in one CI
        // run (a relaunch right after Ctrl+W closed the window) every session request of a launch
        // ended for 150 s with tauri-driver's "connection closed before message completed" from
        // WebKitWebDriver. Each failed attempt is printed with its
        // driver's log, and a launch that never works still fails the test.
        let mut failures = Vec::new();
        for attempt in 1..=3 {
            match Self::try_launch(desktop, data_dir, Duration::from_secs(90)) {
                Ok(app) => {
                    if !failures.is_empty() {
                        eprintln!(
                            "the app started on attempt {attempt}; before:\n{}",
                            failures.join("\n")
                        );
                    }
                    return app.started();
                }
                Err(e) => {
                    eprintln!("launch attempt {attempt} failed: {e}");
                    failures.push(e);
                    crate::wait_gone_or_kill(data_dir, Duration::from_secs(5));
                }
            }
        }
        panic!(
            "no WebDriver session in three attempts:\n{}",
            failures.join("\n")
        );
    }

    fn try_launch(desktop: &Desktop, data_dir: &Path, within: Duration) -> Result<App, String> {
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
        // The driver's errors come with anyhow backtraces that would push everything else out of
        // the log's tail.
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .stdout(logf.try_clone().unwrap())
        .stderr(logf);
        let mut driver = cmd
            .spawn()
            .expect("tauri-driver must be installed (make test installs it)");
        let base = format!("http://127.0.0.1:{port}");
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app_binary()}}}});
        let deadline = Instant::now() + within;
        let session = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match ureq::post(&format!("{base}/session"))
                .timeout(left.max(Duration::from_secs(1)))
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
                    if Instant::now() >= deadline {
                        stop(&mut driver);
                        return Err(format!(
                            "no WebDriver session within {within:?}: {e}\n--- driver log ---\n{}",
                            log_tail(&log)
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
            }
        };
        Ok(App {
            driver,
            base,
            session,
            data_dir: data_dir.to_path_buf(),
            log,
        })
    }

    /// Waits for the page to say it has started (or to show its start-up banner).
    fn started(self) -> App {
        let app = self;
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

    /// Presses keys on whatever has the focus (W3C actions: key down/up, no pointer, no element
    /// chosen by the test). `chord` keys are held together (e.g. `[CONTROL, "n"]`); one chord at a time.
    pub fn press(&self, chord: &[&str]) {
        let mut actions: Vec<Value> = chord
            .iter()
            .map(|k| json!({"type": "keyDown", "value": k}))
            .collect();
        actions.extend(
            chord
                .iter()
                .rev()
                .map(|k| json!({"type": "keyUp", "value": k})),
        );
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
        let _ = ureq::delete(&self.url("/actions"))
            .timeout(Duration::from_secs(10))
            .call();
    }

    /// Drags the mouse (W3C pointer actions) from `from` to `to`, in the viewport's CSS pixels, in
    /// `steps` moves.
    pub fn drag(&self, from: (i64, i64), to: (i64, i64), steps: i64) {
        let origin = json!("viewport");
        let mut actions = vec![
            json!({"type": "pointerMove", "duration": 0, "origin": origin, "x": from.0, "y": from.1}),
            json!({"type": "pointerDown", "button": 0}),
        ];
        let steps = steps.clamp(1, 50);
        for i in 1..=steps {
            actions.push(json!({
                "type": "pointerMove", "duration": 20, "origin": origin,
                "x": from.0 + (to.0 - from.0) * i / steps, "y": from.1 + (to.1 - from.1) * i / steps,
            }));
        }
        actions.push(json!({"type": "pointerUp", "button": 0}));
        self.post(
            "/actions",
            json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": actions}]}),
        );
        let _ = ureq::delete(&self.url("/actions"))
            .timeout(Duration::from_secs(10))
            .call();
    }

    /// Types text into whatever has the focus, a key at a time (W3C actions).
    pub fn type_keys(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            let k = c.to_string();
            actions.push(json!({"type": "keyDown", "value": k}));
            actions.push(json!({"type": "keyUp", "value": k}));
        }
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// What has the focus: its `data-testid`, else its id, else its tag name.
    pub fn focused(&self) -> String {
        self.exec(
            "const e = document.activeElement; return e ? (e.dataset.testid || e.id || e.tagName.toLowerCase()) : 'none';",
            json!([]),
        )
        .as_str()
        .unwrap_or("none")
        .to_owned()
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
        let _ = crate::wait_gone_or_kill(&self.data_dir, Duration::from_secs(5));
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
        // WebKitWebDriver ends the app when the session ends, but not always on a loaded machine (seen
        // in CI: the app outlived its driver). The app is single-instance, so the next launch would
        // hand over to that leftover and exit, and its session would never start: wait for every
        // process of this launch, and end what is left.
        if crate::wait_gone_or_kill(&self.data_dir, Duration::from_secs(5)) {
            eprintln!("--- driver log ---\n{}", log_tail(&self.log));
        }
    }
}

fn log_tail(log: &Path) -> String {
    let s = std::fs::read_to_string(log).unwrap_or_default();
    let start = s.len().saturating_sub(3000);
    let start = (start..s.len())
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(s.len());
    s[start..].to_owned()
}

impl Drop for App {
    fn drop(&mut self) {
        if let Ok(None) = self.driver.try_wait() {
            self.shutdown();
        }
    }
}
