//! `rt`: Request Tracker 5 through REST 2.0, both a filer and the polling status source's ticket reader.
//!
//! Submit creates a ticket with Subject, Content, Cc, the attachments, and the Case Reason / Sub Reason
//! custom fields when the queue has them (absent ones are skipped). The client token goes into the
//! queue's "Casedesk Token" custom field when it has one, and a submit first looks the token up, so a
//! retry after a timeout finds the ticket an earlier attempt made. Polling is one TicketSQL search per
//! 100 cases with `fields=Status,LastUpdated`, paged. The auth token is only ever put in the
//! `Authorization` header; it is never logged or put in an error.

use base64::Engine;
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Client, Response, StatusCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::Mutex;
use std::time::Duration;

mod settings;
pub(crate) mod wire;

pub use settings::{form, RtSettings, KEY, KIND, REGISTRATION, TOKEN_SECRET, VERSION};
use wire::{
    capped_bytes, id_string, page_number, sql_quote, status_of, transport_error, urlencode,
    Created, SearchItem, SearchPage,
};
pub use wire::{parse_retry_after, parse_search_page};

use crate::filer::{Filer, FilerKind, Submission};
use crate::remote::{BoxFuture, RemoteError};
use crate::source::polling::{RemoteStatus, TicketStatuses};

/// The RT client a settings slice describes (shared by the RT filer and the RT status source). Its
/// token is read from the keyring and kept a short while (a locked keyring is a temporary error).
pub fn client(
    slice: Option<&crate::slice::Slice>,
    secrets: &std::sync::Arc<dyn crate::secrets::Secrets>,
) -> crate::Result<Rt> {
    Ok(Rt::with_stored_token(
        RtSettings::from_slice(slice),
        secrets.clone(),
        crate::filer::REQUEST_TIMEOUT,
    )?)
}

/// RT's default lifecycle: these end a ticket.
const TERMINAL: [&str; 3] = ["resolved", "rejected", "deleted"];
/// Ids per TicketSQL search (and per page).
pub const SEARCH_CHUNK: usize = 100;
/// The most bytes of an answer read (a page of 100 tickets is a few kB); more is refused, whether or
/// not the server said how long it would be.
pub const BODY_MAX: usize = 8 * 1024 * 1024;
/// The most bytes of an error page read (shown as one line of text).
const ERROR_TEXT_MAX: usize = 16 * 1024;

/// Where the RT token comes from.
enum RtToken {
    /// Checked when given ("Test connection" with a token just typed, tests).
    Given(HeaderValue),
    /// The keyring, read when a request needs it and kept for [`TOKEN_KEPT`] (a sweep of 10,000 cases
    /// is 100 requests: one keyring read, not 100): a locked or failing keyring is a temporary error
    /// ([`RemoteError::SecretStore`]), and no request is ever sent with an empty token.
    Stored(
        std::sync::Arc<dyn crate::secrets::Secrets>,
        Mutex<Option<(HeaderValue, std::time::Instant)>>,
    ),
}

/// How long a token read from the keyring is used before it is read again (a token changed in
/// Settings builds a new client at once; one changed in the keyring by other means is seen this late).
pub const TOKEN_KEPT: Duration = Duration::from_secs(60);

fn auth_value(token: &str) -> Result<HeaderValue, RemoteError> {
    let mut auth = HeaderValue::from_str(&format!("token {}", token.trim())).map_err(|_| {
        RemoteError::Config("The RT token contains characters a token cannot have.".into())
    })?;
    auth.set_sensitive(true);
    Ok(auth)
}

pub struct Rt {
    settings: RtSettings,
    client: Client,
    token: RtToken,
    /// The queue's ticket custom field names, fetched once.
    queue_fields: Mutex<Option<Vec<String>>>,
}

impl Rt {
    /// A client with this token.
    pub fn new(settings: RtSettings, token: &str, timeout: Duration) -> Result<Rt, RemoteError> {
        Self::with_token(settings, RtToken::Given(auth_value(token)?), timeout)
    }

    /// A client that reads its token from the keyring at every request.
    pub fn with_stored_token(
        settings: RtSettings,
        secrets: std::sync::Arc<dyn crate::secrets::Secrets>,
        timeout: Duration,
    ) -> Result<Rt, RemoteError> {
        Self::with_token(
            settings,
            RtToken::Stored(secrets, Mutex::new(None)),
            timeout,
        )
    }

    fn with_token(
        settings: RtSettings,
        token: RtToken,
        timeout: Duration,
    ) -> Result<Rt, RemoteError> {
        settings
            .validate()
            .map_err(|e| RemoteError::Config(e.to_string()))?;
        let client = Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .user_agent(concat!("Casedesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| RemoteError::Config("could not build an HTTP client".into()))?;
        Ok(Rt {
            settings,
            client,
            token,
            queue_fields: Mutex::new(None),
        })
    }

    /// The `Authorization` header for the next request.
    async fn authorization(&self) -> Result<HeaderValue, RemoteError> {
        let (secrets, kept) = match &self.token {
            RtToken::Given(v) => return Ok(v.clone()),
            RtToken::Stored(s, kept) => (s.clone(), kept),
        };
        if let Some((v, at)) = kept.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if at.elapsed() < TOKEN_KEPT {
                return Ok(v.clone());
            }
        }
        let read = tokio::task::spawn_blocking(move || secrets.get(TOKEN_SECRET))
            .await
            .map_err(|e| RemoteError::SecretStore(format!("the read stopped: {e}")))?;
        match read {
            Ok(Some(t)) if !t.trim().is_empty() => {
                let v = auth_value(&t)?;
                *kept.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((v.clone(), std::time::Instant::now()));
                Ok(v)
            }
            Ok(_) => Err(RemoteError::Config(
                "No RT token is in the keyring: enter it in Settings → Filing.".into(),
            )),
            Err(e) => {
                tracing::warn!(error = %e, "the secret store could not be read");
                Err(RemoteError::SecretStore(e.to_string()))
            }
        }
    }

    fn api(&self, path: &str) -> String {
        format!("{}/REST/2.0/{}", self.settings.base_url, path)
    }

    async fn check(resp: Response) -> Result<Response, RemoteError> {
        let status = resp.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(resp);
        }
        Err(match status.as_u16() {
            401 | 403 => RemoteError::Auth(status.as_u16()),
            404 => RemoteError::NotFound,
            429 | 503 => RemoteError::Throttled {
                status: status.as_u16(),
                retry_after: parse_retry_after(resp.headers()),
            },
            s if s >= 500 => RemoteError::Server(s),
            s => {
                let bytes = capped_bytes(resp, ERROR_TEXT_MAX).await.unwrap_or_default();
                let text = String::from_utf8_lossy(&bytes);
                let message: String = text.chars().filter(|c| !c.is_control()).take(300).collect();
                RemoteError::Rejected { status: s, message }
            }
        })
    }

    async fn json<T: for<'de> Deserialize<'de>>(resp: Response) -> Result<T, RemoteError> {
        let bytes = capped_bytes(resp, BODY_MAX).await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| RemoteError::Malformed(format!("not the JSON RT sends: {e}")))
    }

    async fn get_json<T: for<'de> Deserialize<'de>>(&self, url: &str) -> Result<T, RemoteError> {
        let resp = self
            .client
            .get(url)
            .header(AUTHORIZATION, self.authorization().await?)
            .send()
            .await
            .map_err(transport_error)?;
        Self::json(Self::check(resp).await?).await
    }

    /// The queue's ticket custom field names (fetched once per provider).
    pub async fn queue_fields(&self) -> Result<Vec<String>, RemoteError> {
        if let Some(f) = self.queue_fields.lock().ok().and_then(|g| g.clone()) {
            return Ok(f);
        }
        let queue: Value = self
            .get_json(&self.api(&format!("queue/{}", urlencode(&self.settings.queue))))
            .await?;
        let names: Vec<String> = queue
            .get("TicketCustomFields")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                RemoteError::Malformed("the queue has no TicketCustomFields list".into())
            })?
            .iter()
            .filter_map(|f| f.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect();
        if let Ok(mut g) = self.queue_fields.lock() {
            *g = Some(names.clone());
        }
        Ok(names)
    }

    /// Runs a TicketSQL search, all pages, and returns the items.
    async fn search(&self, query: &str, max_pages: u32) -> Result<Vec<SearchItem>, RemoteError> {
        let mut out = Vec::new();
        let mut page = 1;
        loop {
            let url = format!(
                "{}?query={}&fields=Status,LastUpdated&per_page={SEARCH_CHUNK}&page={page}",
                self.api("tickets"),
                urlencode(query)
            );
            let p: SearchPage = self.get_json(&url).await?;
            out.extend(p.items);
            let pages = page_number(&p.pages).unwrap_or(1);
            if page >= pages || page >= max_pages || page_number(&p.page).is_some_and(|x| x != page)
            {
                break;
            }
            page += 1;
        }
        Ok(out)
    }

    async fn find_by_token(&self, token: &str) -> Result<Option<String>, RemoteError> {
        let q = format!(
            "Queue = '{}' AND 'CF.{{{}}}' = '{}'",
            sql_quote(&self.settings.queue),
            self.settings.token_field,
            sql_quote(token)
        );
        Ok(self
            .search(&q, 1)
            .await?
            .first()
            .and_then(|i| id_string(&i.id)))
    }

    async fn do_submit(&self, s: &Submission) -> Result<String, RemoteError> {
        let fields = self.queue_fields().await?;
        let has_token_field = fields.iter().any(|f| f == &self.settings.token_field);
        if has_token_field {
            if let Some(id) = self.find_by_token(&s.client_token).await? {
                tracing::info!(ticket = %id, "an earlier attempt already created this ticket");
                return Ok(id);
            }
        }
        let mut cfs = Map::new();
        for (name, value) in [
            (&self.settings.reason_field, &s.reason),
            (&self.settings.sub_reason_field, &s.sub_reason),
        ] {
            if let (true, Some(v)) = (fields.contains(name), value) {
                cfs.insert(name.clone(), json!(v));
            }
        }
        if has_token_field {
            cfs.insert(self.settings.token_field.clone(), json!(s.client_token));
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        let attachments: Vec<Value> = s
            .attachments
            .iter()
            .map(|a| json!({"FileName": a.name, "FileType": a.mime, "FileContent": b64.encode(&a.bytes)}))
            .collect();
        let mut body = json!({
            "Queue": self.settings.queue,
            "Subject": s.subject,
            "Content": s.description,
            "ContentType": "text/plain",
        });
        if !s.cc.is_empty() {
            body["Cc"] = json!(s.cc.join(", "));
        }
        if !cfs.is_empty() {
            body["CustomFields"] = Value::Object(cfs);
        }
        if !attachments.is_empty() {
            body["Attachments"] = Value::Array(attachments);
        }
        let resp = self
            .client
            .post(self.api("ticket"))
            .header(AUTHORIZATION, self.authorization().await?)
            .json(&body)
            .send()
            .await
            .map_err(transport_error)?;
        let created: Created = Self::json(Self::check(resp).await?).await?;
        id_string(&created.id)
            .ok_or_else(|| RemoteError::Malformed("the new ticket has no id".into()))
    }

    async fn do_poll(&self, numbers: &[String]) -> Result<Vec<RemoteStatus>, RemoteError> {
        let ids: Vec<&String> = numbers
            .iter()
            .filter(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
            .collect();
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(SEARCH_CHUNK) {
            let q = chunk
                .iter()
                .map(|id| format!("id = {id}"))
                .collect::<Vec<_>>()
                .join(" OR ");
            for item in self.search(&q, 2).await? {
                out.push(status_of(item)?);
            }
        }
        Ok(out)
    }
}

impl Filer for Rt {
    fn kind(&self) -> FilerKind {
        KIND
    }

    fn submits(&self) -> bool {
        true
    }

    fn case_url(&self, case_number: &str) -> Option<String> {
        Some(format!(
            "{}/Ticket/Display.html?id={}",
            self.settings.base_url,
            urlencode(case_number)
        ))
    }

    fn submit<'a>(&'a self, s: &'a Submission) -> BoxFuture<'a, Result<String, RemoteError>> {
        Box::pin(self.do_submit(s))
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, RemoteError>> {
        Box::pin(async move {
            if let Ok(mut g) = self.queue_fields.lock() {
                *g = None;
            }
            let fields = self.queue_fields().await?;
            let mut msg = format!(
                "Connected: queue “{}” is reachable with this token.",
                self.settings.queue
            );
            for f in [&self.settings.reason_field, &self.settings.sub_reason_field] {
                if !fields.contains(f) {
                    msg.push_str(&format!(
                        " It has no “{f}” field; that value will not be sent."
                    ));
                }
            }
            if !fields.contains(&self.settings.token_field) {
                msg.push_str(&format!(
                    " It has no “{}” field: a retry after a timeout could create a second ticket.",
                    self.settings.token_field
                ));
            }
            Ok(msg)
        })
    }
}

impl TicketStatuses for Rt {
    fn filer(&self) -> FilerKind {
        KIND
    }

    fn is_terminal(&self, status: &str) -> bool {
        TERMINAL.contains(&status.to_lowercase().as_str())
    }

    fn statuses<'a>(
        &'a self,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<RemoteStatus>, RemoteError>> {
        Box::pin(self.do_poll(numbers))
    }
}
