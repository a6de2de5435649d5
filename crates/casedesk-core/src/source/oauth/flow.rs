//! The sign-in flow of a native app (RFC 8252 §7.3): the system browser is sent to the provider's
//! authorization URL (PKCE S256, a fresh `state`), and the provider redirects it to
//! `http://127.0.0.1:<random port>/`, where a one-shot listener waits.
//!
//! The listener takes exactly one answer: the first request to `/` on the right host. With the right
//! `state` and a `code`, the code is exchanged; with an `error` (consent denied), or a wrong `state`
//! (an answer to some other request — never exchanged), the sign-in fails with a clear reason. Either
//! way the listener is closed then, so a second request finds nobody. Requests for another path (a
//! browser's `/favicon.ico`) or naming another host (DNS rebinding) are refused and the wait goes on.
//! The whole wait is bounded in time and can be cancelled. The page shown in the browser is fixed
//! text: nothing from the request is echoed into it.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use super::{token_error, Endpoints, Granted};
use crate::error::{Error, Result};
use crate::remote::RemoteError;

/// How long the user has to finish signing in, by default.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);
/// The most bytes of a request head the listener reads.
const MAX_HEAD: usize = 16 * 1024;

/// A started sign-in: the URL to open, and the listener its answer comes to.
pub struct Authorization {
    pub url: url::Url,
    listener: TcpListener,
    port: u16,
    state: oauth2::CsrfToken,
    verifier: oauth2::PkceCodeVerifier,
    redirect: oauth2::RedirectUrl,
    endpoints: Endpoints,
}

impl std::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorization")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// Binds the listener on a random loopback port and builds the authorization URL for it.
pub async fn begin(endpoints: &Endpoints) -> Result<Authorization> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let port = listener.local_addr()?.port();
    let redirect = oauth2::RedirectUrl::new(format!("http://127.0.0.1:{port}/"))
        .map_err(|e| Error::invalid(crate::Code::Internal, e.to_string()))?;
    let (challenge, verifier) = oauth2::PkceCodeChallenge::new_random_sha256();
    let client = endpoints.client().set_redirect_uri(redirect.clone());
    let (url, state) = client
        .authorize_url(oauth2::CsrfToken::new_random)
        .add_scopes(endpoints.scopes())
        .set_pkce_challenge(challenge)
        .url();
    Ok(Authorization {
        url,
        listener,
        port,
        state,
        verifier,
        redirect,
        endpoints: endpoints.clone(),
    })
}

/// What the one accepted answer said.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Code(String),
    Denied(String),
    WrongState,
}

impl Authorization {
    /// The loopback port the provider redirects to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits (at most `limit`, or until `cancel` is notified) for the browser's answer, then
    /// exchanges the code for tokens.
    pub async fn finish(
        self,
        limit: Duration,
        cancel: &Notify,
        http: &reqwest::Client,
    ) -> Result<Granted> {
        let Authorization {
            listener,
            port,
            state,
            verifier,
            redirect,
            endpoints,
            ..
        } = self;
        let answer = tokio::select! {
            a = wait_for_answer(&listener, port, state.secret()) => a,
            _ = tokio::time::sleep(limit) => {
                return Err(Error::field(endpoints.field, crate::Code::OauthTimeout,
                    "Signing in took too long; nothing was changed. Try again."));
            }
            _ = cancel.notified() => {
                return Err(Error::field(endpoints.field, crate::Code::OauthCancelled,
                    "Signing in was cancelled."));
            }
        };
        drop(listener);
        let code = match answer {
            Answer::Code(c) => c,
            Answer::Denied(why) => {
                return Err(Error::field(
                    endpoints.field,
                    crate::Code::OauthDenied,
                    format!("The provider did not grant access ({why}). Nothing was changed."),
                ))
            }
            Answer::WrongState => {
                return Err(Error::field(
                    endpoints.field,
                    crate::Code::OauthStateMismatch,
                    "The answer that reached Casedesk does not belong to this sign-in, so it was not used. Try again.",
                ))
            }
        };
        let response = endpoints
            .client()
            .set_redirect_uri(redirect)
            .exchange_code(oauth2::AuthorizationCode::new(code))
            .set_pkce_verifier(verifier)
            .request_async(http)
            .await
            .map_err(|e| {
                Error::from(signed_in_error(
                    token_error(e, endpoints.again),
                    endpoints.again,
                ))
            })?;
        Ok(Granted::from_response(&response))
    }
}

/// A failed code exchange is not "sign in again" (we are signing in): it is the provider's refusal.
fn signed_in_error(e: RemoteError, again: &str) -> RemoteError {
    match e {
        RemoteError::SignInNeeded(m) => {
            RemoteError::Config(m.replace(&format!(" Sign in again in {again}."), ""))
        }
        other => other,
    }
}

/// Accepts connections until one brings an answer (see the module's rules).
async fn wait_for_answer(listener: &TcpListener, port: u16, state: &str) -> Answer {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors, say: do not spin; the overall limit still ends the wait.
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        if let Some(answer) = serve_one(stream, port, state).await {
            return answer;
        }
    }
}

const PAGE_DONE: &str = "<!doctype html><meta charset=utf-8><title>Casedesk</title><p>Signed in. You can close this tab and go back to Casedesk.</p>";
const PAGE_FAILED: &str = "<!doctype html><meta charset=utf-8><title>Casedesk</title><p>Signing in did not complete. Go back to Casedesk to see why.</p>";

async fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.write_all(body.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// Reads one request head; answers it; `Some` when it was the answer the flow waits for.
async fn serve_one(mut stream: TcpStream, port: u16, state: &str) -> Option<Answer> {
    let head = tokio::time::timeout(Duration::from_secs(10), read_head(&mut stream))
        .await
        .ok()
        .flatten();
    let Some(head) = head else {
        respond(&mut stream, "400 Bad Request", PAGE_FAILED).await;
        return None;
    };
    match judge(&head, port, state) {
        Judged::Ignore(status) => {
            respond(&mut stream, status, PAGE_FAILED).await;
            None
        }
        Judged::Answer(a) => {
            let (status, page) = match a {
                Answer::Code(_) => ("200 OK", PAGE_DONE),
                _ => ("400 Bad Request", PAGE_FAILED),
            };
            respond(&mut stream, status, page).await;
            Some(a)
        }
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_HEAD {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    String::from_utf8(buf).ok()
}

enum Judged {
    Ignore(&'static str),
    Answer(Answer),
}

/// The fuzz target's way in (src/fuzzing.rs).
#[cfg(feature = "fuzzing")]
pub(crate) fn judge_any(head: &str) {
    let _ = judge(head, 53682, "s7Xq");
}

/// The listener's rules, on a request head.
fn judge(head: &str, port: u16, state: &str) -> Judged {
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" {
        return Judged::Ignore("405 Method Not Allowed");
    }
    let host_ok = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("host"))
        .is_some_and(|(_, v)| v.trim() == format!("127.0.0.1:{port}"));
    if !host_ok {
        return Judged::Ignore("421 Misdirected Request");
    }
    let Ok(url) = url::Url::parse(&format!("http://127.0.0.1:{port}{target}")) else {
        return Judged::Ignore("400 Bad Request");
    };
    if url.path() != "/" {
        return Judged::Ignore("404 Not Found");
    }
    let get = |k: &str| {
        url.query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    let state_ok = get("state").is_some_and(|s| constant_time_eq(s.as_bytes(), state.as_bytes()));
    if !state_ok {
        return Judged::Answer(Answer::WrongState);
    }
    if let Some(err) = get("error") {
        return Judged::Answer(Answer::Denied(super::clean(&err)));
    }
    match get("code") {
        Some(code) if !code.is_empty() && code.len() <= 4096 => Judged::Answer(Answer::Code(code)),
        _ => Judged::Ignore("400 Bad Request"),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use sha2::Digest;

    #[tokio::test]
    async fn the_authorization_url_carries_pkce_s256_state_and_the_loopback_redirect() {
        let endpoints = Endpoints {
            client_id: "casedesk".into(),
            client_secret: None,
            auth_url: "https://login.example.com/authorize?tenant=x"
                .parse()
                .unwrap(),
            token_url: "https://login.example.com/token".parse().unwrap(),
            device_url: None,
            scopes: vec!["mail".into(), "offline_access".into()],
            field: "mail_auth",
            again: "Settings → Case e-mail",
        };
        let a = begin(&endpoints).await.unwrap();
        let q: std::collections::HashMap<String, String> =
            a.url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "casedesk");
        assert_eq!(q["tenant"], "x", "the provider's own query is kept");
        assert_eq!(q["scope"], "mail offline_access");
        assert_eq!(q["redirect_uri"], format!("http://127.0.0.1:{}/", a.port()));
        assert_eq!(q["code_challenge_method"], "S256");
        let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(a.verifier.secret().as_bytes()));
        assert_eq!(
            q["code_challenge"], expected,
            "the challenge is the verifier's SHA-256"
        );
        assert!(
            a.verifier.secret().len() >= 43,
            "RFC 7636: 43 to 128 characters"
        );
        assert_eq!(&q["state"], a.state.secret());
        assert!(a.state.secret().len() >= 16, "an unguessable state");
        let b = begin(&endpoints).await.unwrap();
        assert_ne!(
            a.state.secret(),
            b.state.secret(),
            "a new state per sign-in"
        );
        assert_ne!(
            a.verifier.secret(),
            b.verifier.secret(),
            "a new verifier per sign-in"
        );
        assert_ne!(a.port(), b.port());
    }

    fn head(target: &str, host: &str) -> String {
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: t\r\n\r\n")
    }

    fn answer(j: Judged) -> Option<Answer> {
        match j {
            Judged::Answer(a) => Some(a),
            Judged::Ignore(_) => None,
        }
    }

    #[test]
    fn only_the_right_state_on_the_right_host_and_path_is_an_answer() {
        let ok = head("/?code=abc&state=s3cret", "127.0.0.1:4000");
        assert_eq!(
            answer(judge(&ok, 4000, "s3cret")),
            Some(Answer::Code("abc".into()))
        );
        let wrong = head("/?code=abc&state=other", "127.0.0.1:4000");
        assert_eq!(
            answer(judge(&wrong, 4000, "s3cret")),
            Some(Answer::WrongState)
        );
        let none = head("/?code=abc", "127.0.0.1:4000");
        assert_eq!(
            answer(judge(&none, 4000, "s3cret")),
            Some(Answer::WrongState)
        );
        let denied = head("/?error=access_denied&state=s3cret", "127.0.0.1:4000");
        assert_eq!(
            answer(judge(&denied, 4000, "s3cret")),
            Some(Answer::Denied("access_denied".into()))
        );
        // Another host (a page that rebinds its name to 127.0.0.1), another path: not answers.
        for (h, t) in [
            ("evil.example:4000", "/?code=abc&state=s3cret"),
            ("localhost:4000", "/?code=abc&state=s3cret"),
            ("127.0.0.1:4001", "/?code=abc&state=s3cret"),
            ("127.0.0.1:4000", "/favicon.ico"),
        ] {
            assert!(
                answer(judge(&head(t, h), 4000, "s3cret")).is_none(),
                "{h}{t}"
            );
        }
        let post = "POST /?code=abc&state=s3cret HTTP/1.1\r\nHost: 127.0.0.1:4000\r\n\r\n";
        assert!(answer(judge(post, 4000, "s3cret")).is_none());
    }
}
