//! The desktop portal's screenshot (`org.freedesktop.portal.Screenshot`): how a Wayland session,
//! where no client may read the screen, lets one have a picture of it. Through libdbus (the `dbus`
//! crate the shell already links for the single-instance claim), on the caller's thread:
//!
//! 1. The answer's signal is subscribed to first, on the request path the portal will use
//!    (`/org/freedesktop/portal/desktop/request/SENDER/TOKEN`), so an answer cannot come before.
//! 2. `Screenshot("", {handle_token, interactive})`: the portal may show the desktop's own dialog
//!    (always when `interactive`: the user chooses a window or an area there).
//! 3. `Response(code, {uri})` is awaited at most [`WAIT`] (then the request is closed): 0 gives a
//!    `file://` URI, 1 a cancel.
//! 4. The file is read bounded by the bytes actually read (never by what its header says).
//!
//! Everything the portal answers is outside input: the URI must be a local file, the file must be
//! a PNG or a JPEG by its content; the core decodes it within its limits.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use casedesk_core::{Code, Error, Result};
use dbus::arg::{PropMap, RefArg, Variant};
use dbus::blocking::Connection;
use dbus::message::MatchRule;

use super::{capture_error, Captured};

const DESTINATION: &str = "org.freedesktop.portal.Desktop";
const PATH: &str = "/org/freedesktop/portal/desktop";
const INTERFACE: &str = "org.freedesktop.portal.Screenshot";
const REQUEST: &str = "org.freedesktop.portal.Request";
/// How long the desktop's dialog may take: a user choosing a window takes seconds, not minutes.
const WAIT: Duration = Duration::from_secs(120);

/// [`WAIT`]; test builds (`e2e-hooks`) may shorten it with `CASEDESK_E2E_PORTAL_WAIT_MS`, so the
/// give-up path is tested without waiting two minutes.
fn wait() -> Duration {
    #[cfg(feature = "e2e-hooks")]
    if let Some(ms) = std::env::var("CASEDESK_E2E_PORTAL_WAIT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        return Duration::from_millis(ms.clamp(100, 120_000));
    }
    WAIT
}
/// The largest picture file read: an 8K screen as PNG is well under this.
const MAX_FILE: u64 = casedesk_core::screenshots::MAX_PASTED_BYTES as u64;

/// No portal, or one without a screenshot: the user's own tool and a paste still work.
fn unavailable(why: impl std::fmt::Display) -> Error {
    capture_error(format_args!(
        "this desktop offers no screenshot service ({why}); take the screenshot with the \
         desktop's own tool (PrtScn) and paste it"
    ))
}

/// The portal's picture of the screen: the whole screen, or what the user chose in the desktop's
/// dialog when `interactive`.
pub fn screenshot(interactive: bool) -> Result<Captured> {
    let conn = Connection::new_session().map_err(|e| unavailable(e.message().unwrap_or("")))?;
    let token = format!("casedesk_{}_{}", std::process::id(), next_token());
    let sender = conn.unique_name().to_string();
    let request = format!(
        "{PATH}/request/{}/{token}",
        sender.trim_start_matches(':').replace('.', "_")
    );
    let answer: Arc<Mutex<Option<(u32, PropMap)>>> = Arc::default();
    let watch = |path: String| -> Result<()> {
        let slot = answer.clone();
        let rule = MatchRule::new_signal(REQUEST, "Response")
            .with_path(path)
            .with_sender(DESTINATION);
        conn.add_match(rule, move |(code, results): (u32, PropMap), _, _| {
            if let Ok(mut s) = slot.lock() {
                s.get_or_insert((code, results));
            }
            false
        })
        .map(drop)
        .map_err(|e| unavailable(e.message().unwrap_or("")))
    };
    watch(request.clone())?;
    let mut options = PropMap::new();
    options.insert(
        "handle_token".into(),
        Variant(Box::new(token) as Box<dyn RefArg>),
    );
    options.insert("interactive".into(), Variant(Box::new(interactive)));
    options.insert("modal".into(), Variant(Box::new(true)));
    let proxy = conn.with_proxy(DESTINATION, PATH, Duration::from_secs(10));
    let (handle,): (dbus::Path,) = proxy
        .method_call(INTERFACE, "Screenshot", ("", options))
        .map_err(|e| unavailable(e.message().unwrap_or("")))?;
    // Portals older than 0.9 ignore the token and answer on a path of their own.
    if &*handle != request.as_str() {
        watch(handle.to_string())?;
    }
    let started = Instant::now();
    let wait = wait();
    let (code, results) = loop {
        if let Some(a) = answer.lock().ok().and_then(|mut s| s.take()) {
            break a;
        }
        let left = wait.saturating_sub(started.elapsed());
        if left.is_zero() {
            // Closes the dialog the user may have walked away from, so no picture comes later.
            let _ = conn
                .with_proxy(DESTINATION, handle, Duration::from_secs(2))
                .method_call::<(), _, _, _>(REQUEST, "Close", ());
            return Err(capture_error(format_args!(
                "the desktop's screenshot dialog did not answer within {} seconds",
                wait.as_secs().max(1)
            )));
        }
        conn.process(left.min(Duration::from_millis(500)))
            .map_err(|e| capture_error(e.message().unwrap_or("the session bus closed")))?;
    };
    match code {
        0 => {}
        1 => {
            return Err(Error::field(
                "attachments",
                Code::CaptureCancelled,
                "The screenshot was cancelled in the desktop's dialog.",
            ))
        }
        _ => return Err(capture_error("the desktop's screenshot service refused")),
    }
    let uri = results
        .get("uri")
        .and_then(|v| v.0.as_str())
        .ok_or_else(|| capture_error("the desktop's screenshot service gave no picture"))?;
    picture(uri)
}

/// A different token for each request of this process.
fn next_token() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The picture at `uri` (a `file://` URI the portal wrote), read bounded and decoded by the core.
fn picture(uri: &str) -> Result<Captured> {
    let strange =
        || capture_error("the desktop's screenshot service gave a picture Casedesk cannot open");
    let path = tauri::Url::parse(uri)
        .ok()
        .filter(|u| u.scheme() == "file")
        .and_then(|u| u.to_file_path().ok())
        .ok_or_else(strange)?;
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut bytes))
        .map_err(|_| strange())?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(capture_error(
            "the desktop's screenshot is too large to open",
        ));
    }
    let kind = casedesk_core::attachment::sniff(&bytes)
        .filter(|k| {
            matches!(
                k,
                casedesk_core::attachment::Kind::Png | casedesk_core::attachment::Kind::Jpeg
            )
        })
        .ok_or_else(strange)?;
    let image = casedesk_core::picture::decode("The screenshot", &bytes, kind)?
        .image
        .into_rgba8();
    Ok(Captured {
        width: image.width(),
        height: image.height(),
        rgba: image.into_raw(),
    })
}
