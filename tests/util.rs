//! Helpers for the end-to-end tests, and the servers the tests (and the bench) start: a display and a
//! private D-Bus session ([`desktop`]), tauri-driver and a tiny W3C WebDriver client ([`webdriver`]),
//! a throwaway Request Tracker ([`rt_server`]), Dovecot ([`dovecot`]), a small disk ([`disk`]). Every
//! process started here is kept by handle and stopped by that handle on drop; nothing is killed by
//! name (what an app launch leaves behind is found by its own data folder in its environment). Every
//! wait is bounded in time.

pub mod desktop;
pub mod disk;
pub mod dovecot;
pub mod hostile_imap;
pub mod mails;
pub mod oauth_server;
pub mod rt_server;
pub mod webdriver;

pub use desktop::Desktop;
pub use disk::SmallDisk;
pub use oauth_server::OAuthServer;
pub use rt_server::RtServer;
pub use webdriver::App;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

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

/// Percent-encodes everything but RFC 3986's unreserved characters (query values for the test servers).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn read_first_line(child: &mut Child, what: &str) -> String {
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

/// Processes started for one app launch: those whose environment names `data_dir` as the app's data
/// folder (tauri-driver, WebKitWebDriver, the app and its WebKit helpers).
pub fn launch_pids(data_dir: &Path) -> Vec<u32> {
    let needle = format!("CASEDESK_DATA_DIR={}", data_dir.display()).into_bytes();
    let me = std::process::id();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| pid != me)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .map(|env| env.split(|&b| b == 0).any(|kv| kv == needle.as_slice()))
                .unwrap_or(false)
        })
        .filter(|pid| !is_zombie(*pid))
        .collect()
}

/// The environment (`KEY=value`) of each process of one launch named `comm` (e.g. `WebKitWebProces`,
/// as /proc shortens it).
pub fn launch_environs(data_dir: &Path, comm: &str) -> Vec<Vec<String>> {
    launch_pids(data_dir)
        .into_iter()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == comm)
        })
        .filter_map(|pid| std::fs::read(format!("/proc/{pid}/environ")).ok())
        .map(|env| {
            env.split(|&b| b == 0)
                .filter(|kv| !kv.is_empty())
                .map(|kv| String::from_utf8_lossy(kv).into_owned())
                .collect()
        })
        .collect()
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(true)
}

/// Waits (bounded) until no process of the launch on `data_dir` is left; what is still there after
/// `grace` is killed (as WebKitWebDriver itself does when it gets to), and said so on stderr. `true`
/// when something had to be killed.
pub fn wait_gone_or_kill(data_dir: &Path, grace: Duration) -> bool {
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if launch_pids(data_dir).is_empty() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let left = launch_pids(data_dir);
    let names: Vec<String> = left
        .iter()
        .map(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            format!(
                "{pid} {}",
                String::from_utf8_lossy(&cmd).replace('\0', " ").trim()
            )
        })
        .collect();
    eprintln!("still running {grace:?} after the session ended, killed: {names:?}");
    for pid in &left {
        unsafe_kill(*pid, "KILL");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && !launch_pids(data_dir).is_empty() {
        std::thread::sleep(Duration::from_millis(100));
    }
    true
}

fn unsafe_kill(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status();
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
