//! A throwaway Request Tracker 5 on loopback.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::{free_port, url_encode};

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
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("server.log"))
            .unwrap();
        let mut cmd = Command::new(RT_SERVER);
        // Its own process group, so stopping it stops the workers it forks (Unix; RT runs on Linux).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let child = cmd
            .args(["--port", &self.port.to_string()])
            .envs(self.env())
            .current_dir(&self.dir)
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
            // The group is usually gone by now; "no such process" is expected, not news.
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{}", child.id())])
                .stderr(std::process::Stdio::null())
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

impl Drop for RtServer {
    fn drop(&mut self) {
        self.pause();
    }
}
