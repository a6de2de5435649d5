//! Pictures on a draft beyond picked files: pasted or captured ones, the annotation editor's saves,
//! and the one-off pass that writes pictures attached by an older release again from their pixels.
//!
//! Each use case is split like attaching a file: the slow part (decode, redact, encode, write into
//! the attachments folder) needs no store lock; the row is written under it, after the draft is
//! checked to be editable and the picture to be the one the editor was opened on.

use std::path::Path;

use crate::attachment::{self, Candidate, Kind};
use crate::editor::{self, AttachOutcome, Prepared};
use crate::error::{Error, Result};
use crate::picture::{self, Area, Choice, Fitted, Marks, Offer, Redaction};
use crate::store::{lock, Attachment, Blob, SharedStore, Store};

/// The most bytes a pasted file may have before it is written again (it may then be scaled to fit
/// CJ's 10,000,000): a 4K screenshot as an uncompressed-ish PNG is about 25 MB.
pub const MAX_PASTED_BYTES: usize = 64 * 1024 * 1024;

fn blob_of(blob_dir: &Path, name: String, cleaned: picture::Cleaned) -> Result<Blob> {
    let candidate = Candidate {
        name,
        kind: cleaned.kind,
        bytes: cleaned.bytes,
    };
    Blob::write_noted(blob_dir, candidate, cleaned.removed, cleaned.scale_percent)
}

/// A picture's file name for a paste or a capture at `unix_ms` ("screenshot 2026-12-03 14.05.09.png").
pub fn picture_name(prefix: &str, unix_ms: i64, kind: Kind) -> String {
    let secs = unix_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let ext = if kind == Kind::Jpeg { "jpg" } else { "png" };
    format!(
        "{prefix} {y:04}-{m:02}-{d:02} {:02}.{:02}.{:02}.{ext}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A paste or a capture made ready: attached as it is, or over CJ's limit as a PNG and offered
/// smaller (see [`picture::offer`]) for the user to choose.
#[derive(Debug)]
pub enum Offered {
    Ready(Prepared),
    Choose { name: String, offer: Offer },
}

impl Offered {
    /// The picture ready to attach, if it needed no choice.
    pub fn ready(self) -> Option<Prepared> {
        match self {
            Offered::Ready(p) => Some(p),
            Offered::Choose { .. } => None,
        }
    }
}

fn offered(blob_dir: &Path, name: String, fitted: Result<Fitted>) -> Offered {
    match fitted {
        Ok(Fitted::Ready(cleaned)) => {
            let blob = blob_of(blob_dir, name.clone(), cleaned);
            Offered::Ready((name, blob))
        }
        Ok(Fitted::Over(offer)) => Offered::Choose { name, offer },
        Err(e) => Offered::Ready((name, Err(e))),
    }
}

/// A pasted file's bytes (the page's or the desktop's clipboard): PNG or JPEG by content, written
/// again; a PNG over CJ's limit is offered smaller.
pub fn prepare_pasted(blob_dir: &Path, name: String, bytes: &[u8]) -> Offered {
    if bytes.is_empty() {
        return Offered::Ready((
            name,
            Err(Error::field(
                "attachments",
                crate::Code::ClipboardNoImage,
                "The clipboard holds no picture.",
            )),
        ));
    }
    if bytes.len() > MAX_PASTED_BYTES {
        let e = Error::field(
            "attachments",
            crate::Code::FileTooLarge,
            format!(
                "{name}: {:.1} MB is too large to paste.",
                bytes.len() as f64 / 1e6
            ),
        );
        return Offered::Ready((name, Err(e)));
    }
    let Some(kind) = attachment::sniff(bytes).filter(|k| matches!(k, Kind::Png | Kind::Jpeg))
    else {
        let e = Error::field(
            "attachments",
            crate::Code::FileContentUnsupported,
            format!("{name}: only PNG and JPEG pictures can be pasted."),
        );
        return Offered::Ready((name, Err(e)));
    };
    let fitted = picture::clean_offered(&name, bytes, kind);
    offered(blob_dir, name, fitted)
}

/// An RGBA picture (the desktop clipboard's, a screen capture's) as a PNG attachment, or offered
/// smaller when that PNG would pass CJ's limit.
pub fn prepare_rgba(
    blob_dir: &Path,
    name: String,
    width: u32,
    height: u32,
    rgba: Vec<u8>,
) -> Offered {
    let fitted = picture::from_rgba_offered(&name, width, height, rgba);
    offered(blob_dir, name, fitted)
}

/// The version of an offered picture the user chose, written into the attachments folder; a JPEG
/// takes the `.jpg` ending. `None` when that version was not offered.
pub fn prepare_choice(
    blob_dir: &Path,
    name: &str,
    offer: Offer,
    choice: Choice,
) -> Option<Prepared> {
    let cleaned = offer.take(choice)?;
    let name = match cleaned.kind {
        Kind::Jpeg => {
            let stem = name.strip_suffix(".png").unwrap_or(name);
            format!("{stem}.jpg")
        }
        _ => name.to_string(),
    };
    let blob = blob_of(blob_dir, name.clone(), cleaned);
    Some((name, blob))
}

/// Records prepared pictures on an editable draft (as [`editor::attach_prepared`]).
pub fn attach(store: &Store, draft_id: i64, prepared: Vec<Prepared>) -> Result<AttachOutcome> {
    editor::attach_prepared(store, draft_id, prepared)
}

/// The picture an editor is opened on: the attachment (of an editable draft) and its sent file.
pub fn for_editing(
    store: &Store,
    draft_id: i64,
    attachment_id: i64,
) -> Result<(Attachment, std::path::PathBuf)> {
    editor::ensure_editable(store, draft_id)?;
    let a = store
        .attachments()
        .list(draft_id)?
        .into_iter()
        .find(|a| a.id == attachment_id)
        .ok_or(Error::NotFound {
            what: "attachment",
            id: attachment_id,
        })?;
    if !a.is_picture() {
        return Err(Error::field(
            "attachments",
            crate::Code::InvalidArgument,
            format!("{}: only PNG and JPEG pictures can be annotated.", a.name),
        ));
    }
    let path = store.attachments().blob_path(&a.sha256);
    Ok((a, path))
}

/// The size of the picture at `path` (a stored, upright version), read from its header.
pub fn dimensions(a: &Attachment, path: &Path) -> Result<(u32, u32)> {
    let format = if a.kind == Kind::Jpeg {
        image::ImageFormat::Jpeg
    } else {
        image::ImageFormat::Png
    };
    let mut reader = image::ImageReader::open(path).map_err(|_| unreadable(&a.name))?;
    reader.set_format(format);
    reader.limits(picture::limits());
    reader.into_dimensions().map_err(|_| unreadable(&a.name))
}

fn unreadable(name: &str) -> Error {
    Error::field(
        "attachments",
        crate::Code::FileUnreadable,
        format!("{name}: the stored picture cannot be read."),
    )
}

/// The editor's save, the slow part: the drawn picture checked against the version it was drawn on,
/// the redactions applied to its pixels, written as the attachment's kind. `None` when nothing was
/// drawn (the save then only records that the picture was reviewed).
pub fn prepare_annotation(
    blob_dir: &Path,
    a: &Attachment,
    current: &Path,
    drawn: &[u8],
    redactions: &[Redaction],
    crop: Option<Area>,
    marks: Marks,
) -> Result<Option<Blob>> {
    if marks.annotations == 0 && redactions.is_empty() && crop.is_none() {
        return Ok(None);
    }
    if drawn.len() > MAX_PASTED_BYTES {
        return Err(Error::field(
            "attachments",
            crate::Code::FileTooLarge,
            format!("{}: the annotated picture is too large.", a.name),
        ));
    }
    let (w, h) = dimensions(a, current)?;
    let cleaned = picture::annotated(&a.name, drawn, (w, h), redactions, crop, a.kind)?;
    blob_of(blob_dir, a.name.clone(), cleaned).map(Some)
}

/// Records the editor's save, if the attachment is still the version the editor was opened on.
pub fn record_annotation(
    store: &Store,
    draft_id: i64,
    attachment_id: i64,
    opened_sha256: &str,
    blob: Option<&Blob>,
    marks: Marks,
) -> Result<Vec<Attachment>> {
    let (a, _) = for_editing(store, draft_id, attachment_id)?;
    if a.sha256 != opened_sha256 {
        return Err(Error::field(
            "attachments",
            crate::Code::FileChanged,
            format!(
                "{}: the picture changed while it was being annotated; open it again.",
                a.name
            ),
        ));
    }
    let marks = Marks {
        annotations: marks.annotations,
        redactions: if blob.is_some() { marks.redactions } else { 0 },
    };
    store
        .attachments()
        .replace_annotated(draft_id, attachment_id, blob, marks)?;
    store.attachments().list(draft_id)
}

/// Pictures of a draft not yet looked at in the editor: the reminder before Submit.
pub fn not_reviewed(attachments: &[Attachment]) -> usize {
    attachments
        .iter()
        .filter(|a| a.is_picture() && !a.reviewed)
        .count()
}

/// Writes again, from their pixels, the pictures an older release stored as attached (with their
/// metadata), a batch at a time: reading and encoding without the lock, each row under it. Answers
/// how many were written again and how many could not be decoded (left as they are, counted).
pub fn clean_old_pictures(store: &SharedStore) -> Result<(usize, usize)> {
    const BATCH: usize = 20;
    const MAX_ROUNDS: usize = 10_000;
    let (mut cleaned, mut failed) = (0, 0);
    for _ in 0..MAX_ROUNDS {
        let (rows, blob_dir) = {
            let s = lock(store)?;
            (
                s.attachments().not_cleaned(BATCH)?,
                s.dir().join(crate::store::BLOB_DIR),
            )
        };
        if rows.is_empty() {
            break;
        }
        for old in rows {
            let path = lock(store)?.attachments().blob_path(&old.sha256);
            let blob = std::fs::read(&path)
                .ok()
                .filter(|b| b.len() as u64 <= attachment::MAX_ATTACHMENT_BYTES)
                .and_then(|bytes| picture::clean(&old.name, &bytes, old.kind).ok())
                .and_then(|c| blob_of(&blob_dir, old.name.clone(), c).ok());
            match blob {
                Some(_) => cleaned += 1,
                None => failed += 1,
            }
            lock(store)?
                .attachments()
                .mark_cleaned(old.id, blob.as_ref())?;
        }
    }
    Ok((cleaned, failed))
}
