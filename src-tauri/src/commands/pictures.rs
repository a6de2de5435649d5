//! Pictures on a draft: pasted from the clipboard, captured from the screen, and opened in and saved
//! from the annotation editor. Every picture goes through the core's checks and is written again from
//! its pixels there (`casedesk_core::screenshots`); the shell only reads the clipboard or the screen.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use casedesk_core::editor::{AttachOutcome, Prepared};
use casedesk_core::picture::{Area, Choice, Marks, Offer, Redaction};
use casedesk_core::screenshots::Offered;
use casedesk_core::store::Attachment;
use casedesk_core::{screenshots, Error, ErrorPayload};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};

use super::{blocking, Answer};
use crate::platform::{capture, clipboard, window_list};
use crate::state::AppState;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn attach_prepared(state: &AppState, draft_id: i64, prepared: Prepared) -> Answer<AttachOutcome> {
    state.with_store(|s| screenshots::attach(s, draft_id, vec![prepared]))
}

/// A paste or a capture too large for CJ as a PNG, waiting for the user to choose how it is made
/// smaller. One at a time (a new one replaces it), dropped after [`OFFER_TTL`]: at most two encoded
/// versions of 10 MB each are held.
#[derive(Default)]
pub struct PendingOffer(Mutex<Option<Pending>>);

struct Pending {
    token: u64,
    draft_id: i64,
    name: String,
    offer: Offer,
    at: Instant,
}

/// How long an offered picture waits for its choice.
const OFFER_TTL: Duration = Duration::from_secs(15 * 60);

static NEXT_TOKEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What a paste or a capture answers: attached, or offered smaller (then `added` is empty and the
/// page asks which version to attach).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PictureOutcome {
    #[serde(flatten)]
    pub outcome: AttachOutcome,
    pub offer: Option<OfferView>,
}

/// An offered picture as the page shows it: the figures of each version.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferView {
    pub token: u64,
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub png_bytes: u64,
    pub jpeg: Option<Version>,
    pub scaled: Option<Version>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub scale_percent: u32,
}

fn version(c: &casedesk_core::picture::Cleaned) -> Version {
    Version {
        bytes: c.bytes.len() as u64,
        width: c.width,
        height: c.height,
        scale_percent: c.scale_percent,
    }
}

/// Attaches a paste or a capture that is ready, or keeps it in [`PendingOffer`] and answers its offer.
fn attach_or_offer(state: &AppState, draft_id: i64, offered: Offered) -> Answer<PictureOutcome> {
    match offered {
        Offered::Ready(prepared) => Ok(PictureOutcome {
            outcome: attach_prepared(state, draft_id, prepared)?,
            offer: None,
        }),
        Offered::Choose { name, offer } => {
            let token = NEXT_TOKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let view = OfferView {
                token,
                name: name.clone(),
                width: offer.width,
                height: offer.height,
                png_bytes: offer.png_bytes,
                jpeg: offer.jpeg.as_ref().map(version),
                scaled: offer.scaled.as_ref().map(version),
            };
            let attachments = state.with_store(|s| s.attachments().list(draft_id))?;
            *state.offer.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Pending {
                token,
                draft_id,
                name,
                offer,
                at: Instant::now(),
            });
            Ok(PictureOutcome {
                outcome: AttachOutcome {
                    added: Vec::new(),
                    refused: Vec::new(),
                    attachments,
                },
                offer: Some(view),
            })
        }
    }
}

/// The user's answer to an offer: the version to attach, or none (Cancel: the picture is dropped).
#[tauri::command]
pub async fn choose_picture_size<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
    token: u64,
    choice: Option<Choice>,
) -> Answer<AttachOutcome> {
    blocking(app, move |state| {
        let gone = || {
            ErrorPayload::from(Error::field(
                "attachments",
                casedesk_core::Code::InvalidArgument,
                "This picture is no longer waiting for a choice; paste or capture it again.",
            ))
        };
        let pending = {
            let mut slot = state.offer.0.lock().unwrap_or_else(|p| p.into_inner());
            match slot.take() {
                Some(p) if p.token == token && p.draft_id == draft_id => p,
                other => {
                    *slot = other;
                    return Err(gone());
                }
            }
        };
        let Some(choice) = choice else {
            let attachments = state.with_store(|s| s.attachments().list(draft_id))?;
            return Ok(AttachOutcome {
                added: Vec::new(),
                refused: Vec::new(),
                attachments,
            });
        };
        if pending.at.elapsed() > OFFER_TTL {
            return Err(gone());
        }
        let blob_dir = state.blob_dir()?;
        let prepared = screenshots::prepare_choice(&blob_dir, &pending.name, pending.offer, choice)
            .ok_or_else(|| {
                ErrorPayload::from(Error::field(
                    "attachments",
                    casedesk_core::Code::InvalidArgument,
                    "That version of the picture would not fit CJ's 10 MB; choose the other.",
                ))
            })?;
        attach_prepared(state, draft_id, prepared)
    })
    .await
}

/// Ctrl+V / Cmd+V of a picture, or "Paste picture": the desktop clipboard's picture as a PNG.
#[tauri::command]
pub async fn paste_picture<R: Runtime>(app: AppHandle<R>, draft_id: i64) -> Answer<PictureOutcome> {
    let clip = app.clone();
    blocking(app, move |state| {
        state.with_store(|s| casedesk_core::editor::ensure_editable(s, draft_id))?;
        let blob_dir = state.blob_dir()?;
        let name =
            screenshots::picture_name("Pasted", now_ms(), casedesk_core::attachment::Kind::Png);
        let picture = clipboard::read_image(&clip).map_err(ErrorPayload::from)?;
        let offered =
            screenshots::prepare_rgba(&blob_dir, name, picture.width, picture.height, picture.rgba);
        attach_or_offer(state, draft_id, offered)
    })
    .await
}

/// Casedesk's window hidden while `take` runs (time for the compositor to take it off the screen),
/// then shown again and focused, whatever `take` answered.
fn hidden<R: Runtime, T>(app: &AppHandle<R>, take: impl FnOnce() -> T) -> T {
    let window = app.get_webview_window("main");
    if let Some(w) = &window {
        let _ = w.hide();
        std::thread::sleep(std::time::Duration::from_millis(400));
    }
    let out = take();
    if let Some(w) = &window {
        let _ = w.show();
        let _ = w.set_focus();
    }
    out
}

fn attach_capture(
    state: &AppState,
    draft_id: i64,
    shot: capture::Captured,
) -> Answer<PictureOutcome> {
    let name =
        screenshots::picture_name("Screenshot", now_ms(), casedesk_core::attachment::Kind::Png);
    let offered =
        screenshots::prepare_rgba(&state.blob_dir()?, name, shot.width, shot.height, shot.rgba);
    attach_or_offer(state, draft_id, offered)
}

/// "Take screenshot… → Whole screen" (and the first step of "A region", whose crop the editor
/// then makes): Casedesk's window hidden, the screen captured, the window shown again.
#[tauri::command]
pub async fn capture_screen<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
) -> Answer<PictureOutcome> {
    captured(app, draft_id, || Ok(()), capture::screen).await
}

/// What every capture does: the draft must still be editable; `before` runs while Casedesk is
/// shown (bringing another window forward), `take` while it is hidden; the picture is attached,
/// or offered smaller when it would exceed CJ's limit.
async fn captured<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
    before: impl FnOnce() -> casedesk_core::Result<()> + Send + 'static,
    take: impl FnOnce(&AppHandle<R>) -> casedesk_core::Result<capture::Captured> + Send + 'static,
) -> Answer<PictureOutcome> {
    let handle = app.clone();
    blocking(app, move |state| {
        state.with_store(|s| casedesk_core::editor::ensure_editable(s, draft_id))?;
        before().map_err(ErrorPayload::from)?;
        let shot = hidden(&handle, || take(&handle)).map_err(ErrorPayload::from)?;
        attach_capture(state, draft_id, shot)
    })
    .await
}

/// "Take screenshot… → One window" where the desktop itself chooses (Wayland, where `list_windows`
/// answers `capture_by_desktop`): the desktop's own screenshot dialog, Casedesk's window hidden.
#[tauri::command]
pub async fn capture_with_desktop<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
) -> Answer<PictureOutcome> {
    captured(app, draft_id, || Ok(()), |_| capture::with_desktop()).await
}

/// "Take screenshot… → One window": the windows that may be captured, topmost first.
#[tauri::command]
pub async fn list_windows<R: Runtime>(app: AppHandle<R>) -> Answer<Vec<window_list::Listed>> {
    blocking(app, |_| window_list::list().map_err(ErrorPayload::from)).await
}

/// The largest id a window may have: JS numbers are exact up to 2^53.
const MAX_WINDOW_ID: u64 = (1 << 53) - 1;

/// One window captured: brought forward, Casedesk hidden, its picture taken, Casedesk shown again.
#[tauri::command]
pub async fn capture_window<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
    window_id: u64,
) -> Answer<PictureOutcome> {
    if window_id == 0 || window_id > MAX_WINDOW_ID {
        return Err(ErrorPayload::from(Error::field(
            "attachments",
            casedesk_core::Code::InvalidArgument,
            "Choose a window from the list.",
        )));
    }
    captured(
        app,
        draft_id,
        move || window_list::bring_forward(window_id),
        move |h| window_list::capture(h, window_id),
    )
    .await
}

/// What the editor needs before the picture: its size and the version it is drawn on.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PictureInfo {
    pub attachment: Attachment,
    pub width: u32,
    pub height: u32,
}

#[tauri::command]
pub async fn open_picture<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
    attachment_id: i64,
) -> Answer<PictureInfo> {
    blocking(app, move |state| {
        let (a, path) =
            state.with_store(|s| screenshots::for_editing(s, draft_id, attachment_id))?;
        let (width, height) = screenshots::dimensions(&a, &path).map_err(ErrorPayload::from)?;
        Ok(PictureInfo {
            attachment: a,
            width,
            height,
        })
    })
    .await
}

/// The picture's sent version, as raw bytes (no JSON array of numbers for 10 MB).
#[tauri::command]
pub async fn picture_bytes<R: Runtime>(
    app: AppHandle<R>,
    draft_id: i64,
    attachment_id: i64,
) -> Answer<tauri::ipc::Response> {
    blocking(app, move |state| {
        let (a, path) =
            state.with_store(|s| screenshots::for_editing(s, draft_id, attachment_id))?;
        let bytes = std::fs::read(&path).map_err(|_| {
            ErrorPayload::from(Error::field(
                "attachments",
                casedesk_core::Code::FileUnreadable,
                format!("{}: the stored picture cannot be read.", a.name),
            ))
        })?;
        Ok(tauri::ipc::Response::new(bytes))
    })
    .await
}

/// The editor's save: the drawn picture as the raw body, the rest in the `x-casedesk-save` header.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SaveArgs {
    draft_id: i64,
    attachment_id: i64,
    sha256: String,
    annotations: u32,
    redactions: Vec<Redaction>,
    /// The area kept by the crop tool, in the picture's pixels; none keeps it all.
    #[serde(default)]
    crop: Option<Area>,
}

#[tauri::command]
pub async fn save_annotation<R: Runtime>(
    app: AppHandle<R>,
    request: tauri::ipc::Request<'_>,
) -> Answer<Vec<Attachment>> {
    let bad = |why: &str| {
        ErrorPayload::from(Error::field(
            "attachments",
            casedesk_core::Code::InvalidArgument,
            format!("The annotation could not be saved: {why}."),
        ))
    };
    let header = request
        .headers()
        .get("x-casedesk-save")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| bad("no arguments"))?;
    if header.len() > 256 * 1024 {
        return Err(bad("too many marks"));
    }
    let args: SaveArgs = serde_json::from_str(header).map_err(|_| bad("malformed arguments"))?;
    let drawn = match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) => bytes.clone(),
        tauri::ipc::InvokeBody::Json(_) => Vec::new(),
    };
    blocking(app, move |state| {
        let (a, path) =
            state.with_store(|s| screenshots::for_editing(s, args.draft_id, args.attachment_id))?;
        let marks = Marks {
            annotations: args.annotations,
            redactions: args.redactions.len() as u32,
        };
        let blob = screenshots::prepare_annotation(
            &state.blob_dir()?,
            &a,
            &path,
            &drawn,
            &args.redactions,
            args.crop,
            marks,
        )
        .map_err(ErrorPayload::from)?;
        state.with_store(|s| {
            screenshots::record_annotation(
                s,
                args.draft_id,
                args.attachment_id,
                &args.sha256,
                blob.as_ref(),
                marks,
            )
        })
    })
    .await
}
