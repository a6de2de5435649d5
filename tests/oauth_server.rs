//! A small OAuth 2.0 authorization server on loopback, written for the tests: the authorization
//! endpoint (checks the client id, a loopback redirect URI, PKCE S256 and `state`, then redirects with
//! a code — or with `error=access_denied` when told to deny), the token endpoint (code + PKCE
//! verifier, refresh tokens, the device grant), a device authorization endpoint, and a token
//! introspection endpoint for Dovecot's `oauth2` passdb. The test can make access tokens expire,
//! revoke or rotate refresh tokens, deny consent and approve a device code. Plain HTTP/1.1 over std, one
//! connection at a time, every read bounded in time.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Pending {
    challenge: String,
    redirect_uri: String,
}

#[derive(Default)]
struct State {
    codes: HashMap<String, Pending>,
    /// Access token → when it stops being good.
    access: HashMap<String, Instant>,
    refresh: HashMap<String, bool>,
    /// Device code → approved.
    devices: HashMap<String, bool>,
    deny: bool,
    /// Each refresh revokes the refresh token it used and issues a new one (like Microsoft's).
    rotate: bool,
    lifetime: Option<Duration>,
    /// What the test can read: grants by kind.
    log: Vec<String>,
}

/// The running server; stopped on drop.
pub struct OAuthServer {
    pub port: u16,
    pub client_id: String,
    pub user: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

fn token(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}-{n}-{:x}",
        Sha256::digest(format!("{t}{n}").as_bytes())[..8]
            .iter()
            .fold(0u64, |a, b| a << 8 | u64::from(*b))
    )
}

fn decode(s: &str) -> String {
    url_decode(&s.replace('+', " "))
}

fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn form(s: &str) -> HashMap<String, String> {
    s.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    body: HashMap<String, String>,
    basic_auth: Option<String>,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut len = 0usize;
    let mut basic_auth = None;
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().ok()?;
            }
            if k.eq_ignore_ascii_case("authorization") {
                basic_auth = Some(v.trim().to_owned());
            }
        }
    }
    let mut body = vec![0u8; len.min(64 * 1024)];
    r.read_exact(&mut body).ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Request {
        method,
        path: path.to_owned(),
        query: form(query),
        body: form(&String::from_utf8_lossy(&body)),
        basic_auth,
    })
}

fn reply(mut stream: &TcpStream, status: &str, extra: &str, content_type: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{extra}Content-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn json_error(stream: &TcpStream, error: &str) {
    reply(
        stream,
        "400 Bad Request",
        "",
        "application/json",
        &format!("{{\"error\":\"{error}\"}}"),
    );
}

impl OAuthServer {
    pub fn start(user: &str) -> OAuthServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = OAuthServer {
            port,
            client_id: "casedesk-test-client".into(),
            user: user.into(),
            state: Arc::new(Mutex::new(State::default())),
            stop: Arc::new(AtomicBool::new(false)),
        };
        let (state, stop, client_id, user) = (
            server.state.clone(),
            server.stop.clone(),
            server.client_id.clone(),
            server.user.clone(),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((s, _)) => {
                        let _ = s.set_nonblocking(false);
                        if let Some(req) = read_request(&s) {
                            handle(&state, &client_id, &user, port, &s, req);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        server
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    pub fn auth_url(&self) -> String {
        format!("{}/authorize", self.base())
    }
    pub fn token_url(&self) -> String {
        format!("{}/token", self.base())
    }
    pub fn device_url(&self) -> String {
        format!("{}/device", self.base())
    }
    pub fn introspection_url(&self) -> String {
        format!("{}/introspect", self.base())
    }

    /// The next authorizations are denied (`error=access_denied`) or granted.
    pub fn deny_consent(&self, deny: bool) {
        self.state.lock().unwrap().deny = deny;
    }
    /// From now on, each refresh revokes the refresh token it used and answers a new one.
    pub fn rotate_refresh_tokens(&self, rotate: bool) {
        self.state.lock().unwrap().rotate = rotate;
    }
    /// How long new access tokens last (default an hour).
    pub fn token_lifetime(&self, d: Duration) {
        self.state.lock().unwrap().lifetime = Some(d);
    }
    /// Every access token issued so far stops being good now.
    pub fn expire_access_tokens(&self) {
        let now = Instant::now();
        for v in self.state.lock().unwrap().access.values_mut() {
            *v = now;
        }
    }
    /// Every refresh token issued so far is revoked.
    pub fn revoke_refresh_tokens(&self) {
        for v in self.state.lock().unwrap().refresh.values_mut() {
            *v = false;
        }
    }
    /// Approves every pending device code.
    pub fn approve_devices(&self) {
        for v in self.state.lock().unwrap().devices.values_mut() {
            *v = true;
        }
    }
    /// What was granted so far, in order: "code", "refresh", "device", "refused-refresh", ...
    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }
    /// Every token issued (access and refresh), to look for them where they must not be.
    pub fn issued_tokens(&self) -> Vec<String> {
        let s = self.state.lock().unwrap();
        s.access.keys().chain(s.refresh.keys()).cloned().collect()
    }
}

impl Drop for OAuthServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn issue(s: &mut State, with_refresh: bool) -> String {
    let access = token("at");
    let life = s.lifetime.unwrap_or(Duration::from_secs(3600));
    s.access.insert(access.clone(), Instant::now() + life);
    let mut body = format!(
        "{{\"access_token\":\"{access}\",\"token_type\":\"Bearer\",\"expires_in\":{}",
        life.as_secs()
    );
    if with_refresh {
        let refresh = token("rt");
        s.refresh.insert(refresh.clone(), true);
        body.push_str(&format!(",\"refresh_token\":\"{refresh}\""));
    }
    body.push('}');
    body
}

fn handle(
    state: &Mutex<State>,
    client_id: &str,
    user: &str,
    port: u16,
    stream: &TcpStream,
    req: Request,
) {
    let mut s = state.lock().unwrap();
    match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/authorize") => {
            let q = &req.query;
            let get = |k: &str| q.get(k).cloned().unwrap_or_default();
            let redirect = get("redirect_uri");
            let ok = get("response_type") == "code"
                && get("client_id") == client_id
                && redirect.starts_with("http://127.0.0.1:")
                && get("code_challenge_method") == "S256"
                && get("code_challenge").len() >= 43
                && !get("state").is_empty();
            if !ok {
                reply(
                    stream,
                    "400 Bad Request",
                    "",
                    "text/plain",
                    "bad authorization request",
                );
                return;
            }
            let state_param = crate::url_encode(&get("state"));
            let location = if s.deny {
                format!("{redirect}?error=access_denied&state={state_param}")
            } else {
                let code = token("code");
                s.codes.insert(
                    code.clone(),
                    Pending {
                        challenge: get("code_challenge"),
                        redirect_uri: redirect.clone(),
                    },
                );
                format!("{redirect}?code={code}&state={state_param}")
            };
            reply(
                stream,
                "302 Found",
                &format!("Location: {location}\r\n"),
                "text/plain",
                "",
            );
        }
        ("POST", "/token") => {
            let b = &req.body;
            let get = |k: &str| b.get(k).cloned().unwrap_or_default();
            let id_ok = get("client_id") == client_id
                || req
                    .basic_auth
                    .as_deref()
                    .is_some_and(|a| a.starts_with("Basic "));
            if !id_ok {
                json_error(stream, "invalid_client");
                return;
            }
            match get("grant_type").as_str() {
                "authorization_code" => {
                    let Some(p) = s.codes.remove(&get("code")) else {
                        json_error(stream, "invalid_grant");
                        return;
                    };
                    let digest = Sha256::digest(get("code_verifier").as_bytes());
                    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
                    if challenge != p.challenge || get("redirect_uri") != p.redirect_uri {
                        s.log.push("refused-code".into());
                        json_error(stream, "invalid_grant");
                        return;
                    }
                    s.log.push("code".into());
                    let body = issue(&mut s, true);
                    reply(stream, "200 OK", "", "application/json", &body);
                }
                "refresh_token" => {
                    if s.refresh.get(&get("refresh_token")) != Some(&true) {
                        s.log.push("refused-refresh".into());
                        json_error(stream, "invalid_grant");
                        return;
                    }
                    s.log.push("refresh".into());
                    let rotate = s.rotate;
                    if rotate {
                        s.refresh.insert(get("refresh_token"), false);
                    }
                    let body = issue(&mut s, rotate);
                    reply(stream, "200 OK", "", "application/json", &body);
                }
                "urn:ietf:params:oauth:grant-type:device_code" => {
                    match s.devices.get(&get("device_code")) {
                        Some(true) => {
                            s.devices.remove(&get("device_code"));
                            s.log.push("device".into());
                            let body = issue(&mut s, true);
                            reply(stream, "200 OK", "", "application/json", &body);
                        }
                        Some(false) => json_error(stream, "authorization_pending"),
                        None => json_error(stream, "expired_token"),
                    }
                }
                _ => json_error(stream, "unsupported_grant_type"),
            }
        }
        ("POST", "/device") => {
            if req.body.get("client_id").map(String::as_str) != Some(client_id) {
                json_error(stream, "invalid_client");
                return;
            }
            let code = token("dc");
            s.devices.insert(code.clone(), false);
            let body = format!(
                "{{\"device_code\":\"{code}\",\"user_code\":\"WDJB-MJHT\",\"verification_uri\":\"http://127.0.0.1:{port}/activate\",\"expires_in\":600,\"interval\":1}}"
            );
            reply(stream, "200 OK", "", "application/json", &body);
        }
        ("POST", "/introspect") => {
            let t = req.body.get("token").cloned().unwrap_or_default();
            let active = s
                .access
                .get(&t)
                .is_some_and(|until| Instant::now() < *until);
            s.log.push(format!("introspect-{active}"));
            let body = if active {
                format!("{{\"active\":\"true\",\"username\":\"{user}\"}}")
            } else {
                "{\"active\":\"false\"}".to_owned()
            };
            reply(stream, "200 OK", "", "application/json", &body);
        }
        _ => reply(stream, "404 Not Found", "", "text/plain", "not found"),
    }
}

/// Plays the browser: opens the authorization URL, and follows its redirect to the loopback listener
/// (one request each, like a browser would). Answers the listener's status code.
pub fn play_browser(authorization_url: &str) -> Result<u16, String> {
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(10))
        .build();
    let location = match agent.get(authorization_url).call() {
        Ok(r) if r.status() == 302 => r.header("Location").map(str::to_owned),
        Ok(r) => {
            return Err(format!(
                "the authorization endpoint answered {}",
                r.status()
            ))
        }
        Err(ureq::Error::Status(code, _)) => {
            return Err(format!("the authorization endpoint answered {code}"))
        }
        Err(e) => return Err(e.to_string()),
    }
    .ok_or("no Location")?;
    match agent.get(&location).call() {
        Ok(r) => Ok(r.status()),
        Err(ureq::Error::Status(code, _)) => Ok(code),
        Err(e) => Err(e.to_string()),
    }
}
