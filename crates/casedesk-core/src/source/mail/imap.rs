//! Talking IMAP: connecting (TLS on connect, STARTTLS, or plain to this computer only), checking the
//! server's certificate against the system trust store (so corporate CAs and `SSL_CERT_FILE` work),
//! logging in, and the few read-only commands the mail source uses. Every step has a timeout.
//!
//! Read-only, always: folders are opened with `EXAMINE`, bodies fetched with `BODY.PEEK`, and no
//! command here stores a flag, moves, copies or deletes. The password is sent in `LOGIN` (an OAuth
//! access token in `AUTHENTICATE XOAUTH2`) and nowhere else; no error formats either.

use async_imap::{Client, Session};
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::guard::{Guarded, Refused};
use super::settings::{MailSettings, Security};
use crate::limits;
use crate::remote::RemoteError;

/// How long connecting (TCP, TLS, greeting, login) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one command may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// A byte stream IMAP runs over: TLS, or plain TCP to this computer.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

/// A session over a [`Guarded`] connection: every answer is bounded by the bytes that arrive.
pub type ImapSession = Session<Guarded<Box<dyn Io>>>;

/// Runs `f` within `limit`, or answers that the server did not answer in time.
pub async fn timed<T>(
    limit: Duration,
    what: &str,
    f: impl std::future::Future<Output = Result<T, RemoteError>>,
) -> Result<T, RemoteError> {
    tokio::time::timeout(limit, f).await.unwrap_or_else(|_| {
        Err(RemoteError::Unreachable(format!(
            "no answer to {what} in time"
        )))
    })
}

/// Maps an IMAP error to the remote error the follow loop understands.
pub fn imap_error(e: async_imap::error::Error) -> RemoteError {
    use async_imap::error::Error as E;
    match e {
        E::Io(io) => io_error(&io),
        E::ConnectionLost => RemoteError::Unreachable("the connection was lost".into()),
        E::No(m) | E::Bad(m) => RemoteError::MailServer(clean(&m)),
        other => RemoteError::Malformed(clean(&other.to_string())),
    }
}

/// A connection's failure: refused by the guard, or not IMAP at all (the server answered garbage), or
/// the connection itself.
fn io_error(io: &std::io::Error) -> RemoteError {
    if let Some(why) = io.get_ref().and_then(|i| i.downcast_ref::<Refused>()) {
        return RemoteError::Malformed(why.0.clone());
    }
    match io.kind() {
        // async-imap's parser: its text quotes the whole buffer, so it is not kept.
        std::io::ErrorKind::Other | std::io::ErrorKind::InvalidData => {
            RemoteError::Malformed("the server's answer is not IMAP".into())
        }
        std::io::ErrorKind::TimedOut => RemoteError::Unreachable(clean(&io.to_string())),
        kind => RemoteError::Unreachable(format!("connection: {kind}")),
    }
}

pub(crate) use crate::text::server_line as clean;

/// The system's trusted roots (`SSL_CERT_FILE` / `SSL_CERT_DIR` are honoured), loaded once per value
/// of those variables.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, RemoteError> {
    type Cache = Mutex<HashMap<(Option<String>, Option<String>), Arc<rustls::ClientConfig>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = (
        std::env::var("SSL_CERT_FILE").ok(),
        std::env::var("SSL_CERT_DIR").ok(),
    );
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(c);
    }
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(RemoteError::Certificate(
            "This computer's list of trusted certificate authorities is empty or could not be read, so no mail server can be trusted.".into(),
        ));
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| RemoteError::Config(format!("TLS could not be set up: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let config = Arc::new(config);
    if let Ok(mut m) = cache.lock() {
        m.insert(key, config.clone());
    }
    Ok(config)
}

/// A TLS failure in plain words, naming the host.
fn tls_error(host: &str, e: std::io::Error) -> RemoteError {
    use rustls::CertificateError as C;
    let inner = e
        .get_ref()
        .and_then(|i| i.downcast_ref::<rustls::Error>())
        .cloned();
    match inner {
        Some(rustls::Error::InvalidCertificate(c)) => RemoteError::Certificate(match c {
            C::UnknownIssuer => format!("The certificate of {host} was not issued by an authority this computer trusts. If your organisation uses its own authority, add it to the system's trusted certificates."),
            C::Expired | C::ExpiredContext { .. } => format!("The certificate of {host} has expired."),
            C::NotValidYet | C::NotValidYetContext { .. } => format!("The certificate of {host} is not valid yet (is this computer's clock right?)."),
            C::NotValidForName | C::NotValidForNameContext { .. } => format!("The certificate presented by {host} is for another host name."),
            C::Revoked => format!("The certificate of {host} was revoked."),
            other => format!("The certificate of {host} was refused ({other:?})."),
        }),
        Some(other) => RemoteError::Certificate(format!("A secure connection to {host} failed: {other}.")),
        None => RemoteError::Unreachable(format!("the secure connection to {host} failed ({})", e.kind())),
    }
}

async fn tls_wrap<S: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug + 'static>(
    host: &str,
    stream: S,
) -> Result<Box<dyn Io>, RemoteError> {
    let name = rustls::pki_types::ServerName::try_from(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
    )
    .map_err(|_| RemoteError::Config(format!("“{host}” is not a server name TLS can check.")))?;
    let connector = tokio_rustls::TlsConnector::from(tls_config()?);
    let tls = connector
        .connect(name, stream)
        .await
        .map_err(|e| tls_error(host, e))?;
    Ok(Box::new(tls))
}

async fn read_greeting<T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send>(
    client: &mut Client<T>,
) -> Result<(), RemoteError> {
    match client.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(RemoteError::Unreachable(
            "the server closed the connection".into(),
        )),
        Err(e) => Err(match io_error(&e) {
            RemoteError::Unreachable(m) => RemoteError::Unreachable(format!("no greeting ({m})")),
            other => other,
        }),
    }
}

/// How to log in: `LOGIN` with a password, or `AUTHENTICATE XOAUTH2` with an OAuth access token.
pub enum Login {
    Password(String),
    Bearer(String),
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Login::Password(_) => "Login::Password(..)",
            Login::Bearer(_) => "Login::Bearer(..)",
        })
    }
}

/// SASL XOAUTH2: `user=<user>^Aauth=Bearer <token>^A^A` first; an empty answer to the server's error
/// challenge (so it sends its tagged `NO`).
struct XOAuth2 {
    first: Option<String>,
}

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        self.first.take().unwrap_or_default()
    }
}

/// Connects and logs in. A refused login is [`RemoteError::LoginRefused`] with the server's words.
/// `patience` is the silence allowed while an answer is awaited ([`limits::IMAP_IDLE_TIMEOUT`]).
pub async fn connect(
    settings: &MailSettings,
    login: &Login,
    patience: Duration,
) -> Result<ImapSession, RemoteError> {
    let host = settings.host.trim().to_owned();
    let port = settings.port;
    let security = settings.security;
    if security == Security::Plain {
        settings
            .validate()
            .map_err(|e| RemoteError::Config(e.to_string()))?;
    }
    let user = settings.user.trim().to_owned();
    timed(CONNECT_TIMEOUT, "the connection", async move {
        let tcp = TcpStream::connect((host.trim_start_matches('[').trim_end_matches(']'), port))
            .await
            .map_err(|e| {
                RemoteError::Unreachable(format!(
                    "{host}:{port} could not be reached ({})",
                    e.kind()
                ))
            })?;
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Io> = match security {
            Security::Tls => tls_wrap(&host, tcp).await?,
            Security::Plain => Box::new(tcp),
            Security::Starttls => {
                let mut plain = Client::new(Guarded::with_patience(tcp, patience));
                read_greeting(&mut plain).await?;
                plain
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| match imap_error(e) {
                        RemoteError::MailServer(m) => RemoteError::Config(format!(
                            "{host} does not offer STARTTLS ({m}); choose TLS."
                        )),
                        other => other,
                    })?;
                tls_wrap(&host, plain.into_inner().into_inner()).await?
            }
        };
        let mut client = Client::new(Guarded::with_patience(stream, patience));
        if security != Security::Starttls {
            read_greeting(&mut client).await?;
        }
        let refused = |e: async_imap::error::Error, hint: &str| match e {
            async_imap::error::Error::No(m) | async_imap::error::Error::Bad(m) => {
                RemoteError::LoginRefused(format!(
                    "{host} refused the login for {user}: {}. {hint}",
                    clean(&m)
                ))
            }
            other => imap_error(other),
        };
        match login {
            Login::Password(password) => client
                .login(&user, password)
                .await
                .map_err(|(e, _)| refused(e, "Check the user name and the (app) password.")),
            Login::Bearer(token) => {
                let auth = XOAuth2 {
                    first: Some(format!("user={user}\x01auth=Bearer {token}\x01\x01")),
                };
                client
                    .authenticate("XOAUTH2", auth)
                    .await
                    .map_err(|(e, _)| refused(e, "The sign-in was not accepted."))
            }
        }
    })
    .await
}

/// The server's folders (for the user to pick from), at most 500.
pub async fn list_folders(session: &mut ImapSession) -> Result<Vec<String>, RemoteError> {
    timed(COMMAND_TIMEOUT, "LIST", async {
        let mut names = Vec::new();
        let mut stream = session
            .list(Some(""), Some("*"))
            .await
            .map_err(imap_error)?;
        while let Some(n) = stream.next().await {
            let n = n.map_err(imap_error)?;
            let noselect = n
                .attributes()
                .iter()
                .any(|a| matches!(a, async_imap::types::NameAttribute::NoSelect));
            if !noselect && names.len() < 500 {
                names.push(n.name().to_owned());
            }
        }
        names.sort_by_key(|n: &String| (n != "INBOX", n.to_lowercase()));
        Ok(names)
    })
    .await
}

/// Quotes a string for an IMAP command (folder names and search terms are checked to hold no `"`,
/// `\` or control characters before they get here).
pub fn quote(s: &str) -> String {
    format!(
        "\"{}\"",
        s.chars()
            .filter(|c| !c.is_control())
            .map(|c| match c {
                '"' | '\\' => ' ',
                c => c,
            })
            .collect::<String>()
    )
}

/// `FROM a`, or `OR FROM a OR FROM b FROM c`, for the sender allowlist.
pub fn from_criteria(senders: &[String]) -> String {
    match senders {
        [] => String::new(),
        [one] => format!("FROM {}", quote(one)),
        [first, rest @ ..] => format!("OR FROM {} ({})", quote(first), from_criteria(rest)),
    }
}

/// `SINCE 01-Sep-2025` for a time in ms since the epoch.
pub fn since(ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = crate::clock::civil_date(ms.div_euclid(86_400_000));
    format!("SINCE {d:02}-{}-{y}", MONTHS[(m - 1) as usize])
}

/// `1:3,7,9:10` for sorted UIDs.
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// `(uid, size, bytes)` of each fetched mail: the header section, or the whole mail. Only the UIDs
/// asked for are kept; the command has [`limits::imap_command_time`] of `expected` bytes, and brings at
/// most [`limits::IMAP_FETCH_RECEIVED_MAX`] whatever the server sends.
pub(crate) async fn fetch_all(
    session: &mut ImapSession,
    uids: &[u32],
    query: &str,
    expected: u64,
) -> std::result::Result<Vec<(u32, Option<u32>, Vec<u8>)>, RemoteError> {
    let mut asked = uids.to_vec();
    asked.sort_unstable();
    let set = uid_set(&asked);
    timed(limits::imap_command_time(expected), "FETCH", async {
        let mut out = Vec::new();
        let mut received: u64 = 0;
        let mut answers: usize = 0;
        let mut stream = session.uid_fetch(&set, query).await.map_err(imap_error)?;
        while let Some(f) = stream.next().await {
            let f = f.map_err(imap_error)?;
            answers += 1;
            let bytes = f.body().or_else(|| f.header()).unwrap_or_default();
            received += bytes.len() as u64 + 64;
            if received > limits::IMAP_FETCH_RECEIVED_MAX || answers > 2 * uids.len() + 16 {
                return Err(RemoteError::Malformed(format!(
                    "the server sent more than was asked for ({answers} answers, {received} bytes)"
                )));
            }
            let Some(uid) = f.uid.filter(|u| asked.binary_search(u).is_ok()) else {
                continue;
            };
            out.push((uid, f.size, bytes.to_vec()));
        }
        Ok(out)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_criteria_are_quoted_and_nested() {
        assert_eq!(
            from_criteria(&["support@cj.com".into()]),
            "FROM \"support@cj.com\""
        );
        assert_eq!(
            from_criteria(&["a@x.com".into(), "@y.com".into(), "b@z.com".into()]),
            "OR FROM \"a@x.com\" (OR FROM \"@y.com\" (FROM \"b@z.com\"))"
        );
        assert_eq!(quote("a\"b\\c"), "\"a b c\"");
    }

    #[test]
    fn server_text_is_one_short_line_without_bidi_controls() {
        assert_eq!(
            clean("NO [ALERT] open\r\nreport_\u{202E}gnp.exe"),
            "NO [ALERT] open  report_gnp.exe"
        );
        assert_eq!(clean(&"x".repeat(1000)).len(), 300);
    }

    #[test]
    fn since_prints_imap_dates() {
        assert_eq!(since(0), "SINCE 01-Jan-1970");
        assert_eq!(since(1_764_000_000_000), "SINCE 24-Nov-2025");
        assert_eq!(since(951_782_400_000), "SINCE 29-Feb-2000");
    }
}
