//! RT's side of the wire: the JSON shapes read from REST 2.0, ticket ids, `Retry-After`, transport
//! errors as the follow loop's, the body size cap, and TicketSQL / URL quoting.

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Response;
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

use crate::remote::RemoteError;
use crate::source::polling::RemoteStatus;

#[derive(Deserialize)]
pub(super) struct Created {
    pub(super) id: Value,
}

#[derive(Deserialize)]
pub(super) struct SearchPage {
    #[serde(default)]
    pub(super) items: Vec<SearchItem>,
    /// RT sends these as integers, or as floats (`"pages": 0.0` for an empty result).
    #[serde(default)]
    pub(super) page: Option<Value>,
    #[serde(default)]
    pub(super) pages: Option<Value>,
}

pub(super) fn page_number(v: &Option<Value>) -> Option<u32> {
    v.as_ref()?
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n.min(1e6) as u32)
}

#[derive(Deserialize)]
pub(super) struct SearchItem {
    pub(super) id: Value,
    #[serde(rename = "Status")]
    pub(super) status: Option<String>,
    #[serde(rename = "LastUpdated")]
    pub(super) last_updated: Option<String>,
}

pub(super) fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() => {
            Some(s.clone())
        }
        Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        _ => None,
    }
}

/// Reads a `Retry-After` header: delta-seconds (RT and proxies send these), capped at one day.
pub fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    v.parse::<u64>()
        .ok()
        .map(|s| Duration::from_secs(s.min(86_400)))
}

pub(super) fn transport_error(e: reqwest::Error) -> RemoteError {
    if e.is_timeout() {
        RemoteError::Unreachable("timed out".into())
    } else if e.is_connect() {
        RemoteError::Unreachable("connection refused or no route".into())
    } else if e.is_decode() || e.is_body() {
        RemoteError::Malformed("the body could not be read".into())
    } else {
        RemoteError::Unreachable("network error".into())
    }
}

/// A search item as the status the poll reports.
pub(super) fn status_of(item: SearchItem) -> Result<RemoteStatus, RemoteError> {
    let Some(id) = id_string(&item.id) else {
        return Err(RemoteError::Malformed("a ticket without an id".into()));
    };
    let status = item
        .status
        .ok_or_else(|| RemoteError::Malformed(format!("ticket {id} has no Status")))?;
    Ok(RemoteStatus {
        case_number: id,
        status: status.to_lowercase(),
        updated: item.last_updated,
    })
}

/// One page of a TicketSQL search, as RT 5 sends it, read into statuses. Any bytes give statuses or a
/// `Malformed` error, never a panic (property-tested).
pub fn parse_search_page(bytes: &[u8]) -> Result<Vec<RemoteStatus>, RemoteError> {
    let page: SearchPage = serde_json::from_slice(bytes)
        .map_err(|e| RemoteError::Malformed(format!("not the JSON RT sends: {e}")))?;
    page.items.into_iter().map(status_of).collect()
}

/// Reads a body chunk by chunk, refusing one over `max` bytes (a server that sends more than it
/// announced, or announces nothing, is cut off at the cap rather than filling memory).
pub(super) async fn capped_bytes(mut resp: Response, max: usize) -> Result<Vec<u8>, RemoteError> {
    let too_large = || {
        RemoteError::Malformed(format!(
            "the answer is larger than {} MB",
            max / 1024 / 1024
        ))
    };
    if resp.content_length().is_some_and(|n| n as usize > max) {
        return Err(too_large());
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport_error)? {
        if out.len() + chunk.len() > max {
            return Err(too_large());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Quotes a value for TicketSQL's single-quoted strings.
pub(super) fn sql_quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

pub(super) fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
