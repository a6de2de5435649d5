//! A throwaway Dovecot (Debian's `dovecot-imapd`) on loopback, for the mail source's tests and bench.
//!
//! Each server has its own config, folder, ports and user; its certificate comes from a throwaway CA
//! made with `openssl` ([`TestCa`]), which a client trusts through `SSL_CERT_FILE`. Besides the `imaps`
//! listener it has a plain one on 127.0.0.1 (STARTTLS-capable), which the harness's own small
//! blocking client uses to place mails with `APPEND`, read flags and counts, and re-create folders.
//! The master daemonises: it is started with its output going to files (a pipe would never close) and
//! stopped by the PID in its own `master.pid` — the process this harness started, never one found by
//! name.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::free_port;

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: could not run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A certificate authority made for one test run.
pub struct TestCa {
    pub dir: PathBuf,
    /// The CA's certificate: what `SSL_CERT_FILE` names for a client to trust it.
    pub pem: PathBuf,
    key: PathBuf,
}

impl TestCa {
    pub fn new(dir: &Path, name: &str) -> TestCa {
        std::fs::create_dir_all(dir).unwrap();
        let pem = dir.join("ca.pem");
        let key = dir.join("ca.key");
        run(
            Command::new("openssl")
                .args([
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-days",
                    "3",
                ])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&pem)
                .args(["-subj", &format!("/CN={name}")])
                .args(["-addext", "basicConstraints=critical,CA:TRUE"])
                .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]),
            "openssl (CA)",
        );
        TestCa {
            dir: dir.to_owned(),
            pem,
            key,
        }
    }

    /// One CA for the whole test process, in a folder that lives as long as it does.
    pub fn shared() -> &'static TestCa {
        static CA: OnceLock<TestCa> = OnceLock::new();
        CA.get_or_init(|| {
            let dir = std::env::temp_dir().join(format!("casedesk-test-ca-{}", std::process::id()));
            TestCa::new(&dir, "Casedesk Test CA")
        })
    }

    /// A server certificate for `localhost` and 127.0.0.1, signed by this CA: (cert, key).
    pub fn issue(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let cert = dir.join("server.pem");
        let key = dir.join("server.key");
        let csr = dir.join("server.csr");
        let ext = dir.join("server.ext");
        std::fs::write(
            &ext,
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
        )
        .unwrap();
        run(
            Command::new("openssl")
                .args([
                    "req",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                ])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&csr)
                .args(["-subj", "/CN=localhost"]),
            "openssl (server key)",
        );
        run(
            Command::new("openssl")
                .args(["x509", "-req", "-days", "3", "-set_serial", "01"])
                .arg("-in")
                .arg(&csr)
                .arg("-CA")
                .arg(&self.pem)
                .arg("-CAkey")
                .arg(&self.key)
                .arg("-extfile")
                .arg(&ext)
                .arg("-out")
                .arg(&cert),
            "openssl (server certificate)",
        );
        (cert, key)
    }
}

/// Makes `SSL_CERT_FILE` name the shared test CA, once, before any client in this process connects.
pub fn trust_shared_ca() -> &'static TestCa {
    static SET: OnceLock<()> = OnceLock::new();
    let ca = TestCa::shared();
    SET.get_or_init(|| std::env::set_var("SSL_CERT_FILE", &ca.pem));
    ca
}

fn is_root() -> bool {
    crate::is_root()
}

fn user_name() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

pub struct Dovecot {
    pub dir: PathBuf,
    /// TLS on connect.
    pub imaps_port: u16,
    /// Plain on loopback (STARTTLS offered).
    pub imap_port: u16,
    pub user: String,
    pub password: String,
    config: PathBuf,
    running: bool,
}

impl Dovecot {
    /// A server whose certificate comes from the shared test CA (which this process then trusts).
    pub fn start(dir: &Path) -> Dovecot {
        let ca = trust_shared_ca();
        Self::start_with(dir, ca)
    }

    /// A server whose certificate comes from `ca`.
    pub fn start_with(dir: &Path, ca: &TestCa) -> Dovecot {
        Self::launch(dir, ca, None)
    }

    /// A server that also takes `AUTHENTICATE XOAUTH2` (and OAUTHBEARER), checking each access token
    /// with its `oauth2` passdb at `introspection_url` (RFC 7662, POST).
    pub fn start_with_oauth(dir: &Path, introspection_url: &str) -> Dovecot {
        Self::launch(dir, trust_shared_ca(), Some(introspection_url))
    }

    fn launch(dir: &Path, ca: &TestCa, introspection_url: Option<&str>) -> Dovecot {
        assert!(
            Path::new("/usr/sbin/dovecot").exists(),
            "dovecot-imapd must be installed (scripts/deps.sh test installs it)"
        );
        std::fs::create_dir_all(dir).unwrap();
        // The login and mail processes run as unprivileged users: they must reach the folder.
        let mut p = dir.to_path_buf();
        loop {
            if p.starts_with(std::env::temp_dir()) && p != std::env::temp_dir() {
                let _ = Command::new("chmod").arg("a+rx").arg(&p).status();
            }
            if !p.pop() {
                break;
            }
        }
        let (cert, key) = ca.issue(dir);
        let home = dir.join("home");
        std::fs::create_dir_all(&home).unwrap();
        let (uid, gid, internal, login) = if is_root() {
            (
                "dovecot".to_owned(),
                "dovecot".to_owned(),
                "dovecot".to_owned(),
                "dovenull".to_owned(),
            )
        } else {
            let me = user_name();
            (me.clone(), me.clone(), me.clone(), me)
        };
        if is_root() {
            run(
                Command::new("chown")
                    .args(["-R", "dovecot:dovecot"])
                    .arg(&home),
                "chown home",
            );
            run(Command::new("chmod").arg("a+r").arg(&key), "chmod key");
        }
        let d = Dovecot {
            dir: dir.to_owned(),
            imaps_port: free_port(),
            imap_port: free_port(),
            user: "ana@example.com".into(),
            password: "casedesk-imap-secret".into(),
            config: dir.join("dovecot.conf"),
            running: false,
        };
        std::fs::write(
            dir.join("passwd"),
            format!("{}:{{PLAIN}}{}::::::\n", d.user, d.password),
        )
        .unwrap();
        let (mechanisms, oauth_passdb) = match introspection_url {
            Some(url) => {
                std::fs::write(
                    dir.join("oauth2.conf"),
                    format!("introspection_mode = post\nintrospection_url = {url}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\nforce_introspection = yes\ntimeout_msecs = 5000\n"),
                )
                .unwrap();
                (
                    "plain login xoauth2 oauthbearer",
                    format!(
                        "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {}/oauth2.conf\n}}\n",
                        dir.display()
                    ),
                )
            }
            None => ("plain login", String::new()),
        };
        let conf = format!(
            r#"base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
first_valid_uid = 1
default_internal_user = {internal}
default_login_user = {login}
mail_location = maildir:~/Maildir
mail_fsync = never
mailbox_list_index = no
{oauth_passdb}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
    ssl = yes
  }}
}}
protocol imap {{
  mail_max_userip_connections = 200
}}
"#,
            dir = dir.display(),
            cert = cert.display(),
            key = key.display(),
            imap = d.imap_port,
            imaps = d.imaps_port,
            mechanisms = mechanisms,
            oauth_passdb = oauth_passdb,
        );
        std::fs::write(&d.config, conf).unwrap();
        let mut d = d;
        d.resume();
        d
    }

    /// Starts the server (again), and waits until it greets.
    pub fn resume(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("dovecot.out"))
            .unwrap();
        let status = Command::new("/usr/sbin/dovecot")
            .arg("-c")
            .arg(&self.config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .status()
            .expect("dovecot runs");
        assert!(
            status.success(),
            "dovecot did not start; see {}",
            self.dir.join("dovecot.out").display()
        );
        self.running = true;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.imap_port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = [0u8; 64];
                if matches!(s.read(&mut buf), Ok(n) if buf[..n].starts_with(b"* OK")) {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "Dovecot did not greet within 20 s; see {}",
                self.dir.join("dovecot.log").display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn master_pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.dir.join("run/master.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// Stops the server this harness started (by the PID it wrote), and waits until it is gone.
    pub fn pause(&mut self) {
        if !self.running {
            return;
        }
        self.running = false;
        let Some(pid) = self.master_pid() else { return };
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.imap_port)).is_ok() && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A logged-in session of the harness's own (plain, loopback).
    pub fn admin(&self) -> Imap {
        Imap::login(self.imap_port, &self.user, &self.password)
    }

    pub fn append(&self, folder: &str, mail: &[u8]) {
        self.admin().append_all(folder, &[mail.to_vec()]);
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.pause();
    }
}

/// A small blocking IMAP client for the harness: commands, literals, and tagged answers.
pub struct Imap {
    stream: BufReader<TcpStream>,
    tag: u32,
}

impl Imap {
    pub fn login(port: u16, user: &str, password: &str) -> Imap {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect to Dovecot");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut imap = Imap {
            stream: BufReader::new(s),
            tag: 0,
        };
        let mut greeting = String::new();
        imap.stream.read_line(&mut greeting).unwrap();
        assert!(greeting.starts_with("* OK"), "greeting: {greeting}");
        imap.ok(&format!("LOGIN \"{user}\" \"{password}\""));
        imap
    }

    fn write(&mut self, bytes: &[u8]) {
        self.stream.get_mut().write_all(bytes).unwrap();
    }

    /// Reads until the tagged answer; returns the untagged lines and the status line.
    fn read_until(&mut self, tag: &str) -> (Vec<String>, String) {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = self.stream.read_line(&mut line).expect("Dovecot answers");
            assert!(n > 0, "Dovecot closed the connection");
            if line.starts_with(&format!("{tag} ")) {
                return (lines, line.trim_end().to_owned());
            }
            lines.push(line.trim_end().to_owned());
        }
    }

    /// Runs a command; panics unless it answers OK. Returns the untagged lines.
    pub fn ok(&mut self, command: &str) -> Vec<String> {
        self.tag += 1;
        let tag = format!("h{}", self.tag);
        self.write(format!("{tag} {command}\r\n").as_bytes());
        let (lines, status) = self.read_until(&tag);
        assert!(
            status.starts_with(&format!("{tag} OK")),
            "{command}: {status}"
        );
        lines
    }

    /// Appends mails to `folder` (created if missing).
    pub fn append_all(&mut self, folder: &str, mails: &[Vec<u8>]) {
        self.tag += 1;
        let create = format!("h{}", self.tag);
        self.write(format!("{create} CREATE \"{folder}\"\r\n").as_bytes());
        let _ = self.read_until(&create);
        // One MULTIAPPEND (RFC 3502) per batch, its literals non-synchronising (LITERAL+).
        for batch in mails.chunks(500) {
            self.tag += 1;
            let tag = format!("h{}", self.tag);
            let mut out = format!("{tag} APPEND \"{folder}\"").into_bytes();
            for mail in batch {
                out.extend_from_slice(format!(" {{{}+}}\r\n", mail.len()).as_bytes());
                out.extend_from_slice(mail);
            }
            out.extend_from_slice(b"\r\n");
            self.write(&out);
            let (_, status) = self.read_until(&tag);
            assert!(status.starts_with(&format!("{tag} OK")), "APPEND: {status}");
        }
    }

    /// Every message's flags in `folder` (read-only), and the folder's message and unseen counts.
    pub fn snapshot(&mut self, folder: &str) -> (Vec<String>, String) {
        let status = self
            .ok(&format!(
                "STATUS \"{folder}\" (MESSAGES UNSEEN RECENT UIDNEXT UIDVALIDITY)"
            ))
            .join(" ");
        self.ok(&format!("EXAMINE \"{folder}\""));
        let flags = self.ok("FETCH 1:* (UID FLAGS)");
        (flags, status)
    }

    /// Deletes and re-creates a folder: the server gives it a new UIDVALIDITY.
    pub fn recreate(&mut self, folder: &str) {
        self.ok("SELECT INBOX");
        self.ok(&format!("DELETE \"{folder}\""));
        self.ok(&format!("CREATE \"{folder}\""));
    }
}
