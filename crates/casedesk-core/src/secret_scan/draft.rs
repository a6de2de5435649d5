//! Secrets in a draft: its subject, description and `.txt` attachments scanned, redacted on request,
//! and findings the user marked "not a secret" remembered for the draft.
//!
//! An attachment's findings are cached by its content hash: a `.txt` file is scanned by the first check
//! that sees it (a 10 MB log takes ~50 ms, once per run), so the live check after each typing pause
//! scans only the two text fields. Scanning when attaching made attaching a 10 MB log 2.6× a plain
//! copy (the ingest bench row); a background thread still 1.28× on two cores.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use super::{fingerprint, mask, redact, scan, Hit, SecretKind};
use crate::attachment::{Candidate, Kind};
use crate::draft::DraftInput;
use crate::error::{Error, Result};
use crate::limits::SECRET_FINDINGS_SHOWN_PER_PLACE;
use crate::store::{Attachment, Blob, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretPlace {
    Subject,
    Description,
    Attachment,
}

/// One secret, as the editor lists it: never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretFinding {
    /// The fingerprint: the same value anywhere in the draft has the same one.
    pub id: String,
    pub kind: SecretKind,
    pub label: &'static str,
    pub field: SecretPlace,
    pub attachment_id: Option<i64>,
    pub file_name: Option<String>,
    /// 1-based.
    pub line: usize,
    pub preview: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretReport {
    /// At most [`SECRET_FINDINGS_SHOWN_PER_PLACE`] per place, in order.
    pub findings: Vec<SecretFinding>,
    /// Every finding not marked "not a secret", listed or not.
    pub total: usize,
    /// The places with more findings than are listed, and how many more.
    pub more: Vec<MoreFindings>,
    /// How many findings of each kind (for "Redact all 9,999 bearer tokens").
    pub kinds: Vec<KindCount>,
    /// Findings the user marked "not a secret" (not listed).
    pub dismissed: usize,
}

/// A place's findings beyond those listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MoreFindings {
    pub field: SecretPlace,
    pub attachment_id: Option<i64>,
    pub file_name: Option<String>,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindCount {
    pub kind: SecretKind,
    pub label: &'static str,
    pub count: usize,
}

/// Which findings to redact.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", tag = "which", content = "id")]
pub enum Which {
    /// Every finding not marked "not a secret".
    All,
    /// The finding with this fingerprint (wherever it occurs).
    One(String),
    /// Every finding of this kind not marked "not a secret".
    Kind(SecretKind),
}

/// A finding without its place: what the cache keeps per attachment content.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    kind: SecretKind,
    line: usize,
    id: String,
    preview: String,
}

/// Hits with their lines, fingerprints and previews.
fn found(text: &str, hits: &[Hit]) -> Vec<Found> {
    let b = text.as_bytes();
    let (mut line, mut at) = (1, 0);
    hits.iter()
        .map(|h| {
            line += memchr::memchr_iter(b'\n', &b[at..h.start]).count();
            at = h.start;
            let value = &text[h.start..h.end];
            Found {
                kind: h.kind,
                line,
                id: fingerprint(h.kind, value),
                preview: mask(h.kind, value),
            }
        })
        .collect()
}

const CACHE_ENTRIES: usize = 64;

fn cache() -> &'static Mutex<HashMap<String, Arc<Vec<Found>>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Vec<Found>>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn file_findings(sha256: &str, bytes: &[u8]) -> Arc<Vec<Found>> {
    let text = String::from_utf8_lossy(bytes);
    let list = Arc::new(found(&text, &scan(&text)));
    if let Ok(mut c) = cache().lock() {
        if c.len() >= CACHE_ENTRIES {
            c.clear();
        }
        c.insert(sha256.to_owned(), list.clone());
    }
    list
}

/// Scans a `.txt` attachment's content into the cache (a redacted copy, as it is written).
pub fn prime(sha256: &str, kind: Kind, bytes: &[u8]) {
    if kind == Kind::Txt {
        file_findings(sha256, bytes);
    }
}

/// Scans the `.txt` files among `files` that no scan has seen yet — the slow part of a first check
/// after a start, done before the store's lock is taken (the check then finds them cached).
pub fn warm(files: &[(Attachment, PathBuf)]) {
    for (a, path) in files {
        if a.kind != Kind::Txt || cache().lock().is_ok_and(|c| c.contains_key(&a.sha256)) {
            continue;
        }
        if let Ok(bytes) = std::fs::read(path) {
            file_findings(&a.sha256, &bytes);
        }
    }
}

fn cached_or_read(store: &Store, a: &Attachment) -> Result<Arc<Vec<Found>>> {
    if let Some(hit) = cache().lock().ok().and_then(|c| c.get(&a.sha256).cloned()) {
        return Ok(hit);
    }
    let bytes = std::fs::read(store.attachments().blob_path(&a.sha256))?;
    Ok(file_findings(&a.sha256, &bytes))
}

/// A report being built: findings listed up to the cap per place, the rest counted.
struct Building<'a> {
    report: SecretReport,
    dismissed: &'a HashSet<String>,
    kinds: Vec<(SecretKind, usize)>,
    in_place: usize,
}

impl Building<'_> {
    fn place(&mut self) {
        self.in_place = 0;
    }

    fn add(&mut self, f: &Found, field: SecretPlace, attachment: Option<&Attachment>) {
        if self.dismissed.contains(&f.id) {
            self.report.dismissed += 1;
            return;
        }
        self.report.total += 1;
        match self.kinds.iter_mut().find(|(k, _)| *k == f.kind) {
            Some((_, n)) => *n += 1,
            None => self.kinds.push((f.kind, 1)),
        }
        self.in_place += 1;
        if self.in_place > SECRET_FINDINGS_SHOWN_PER_PLACE {
            match self.report.more.last_mut() {
                Some(m) if m.field == field && m.attachment_id == attachment.map(|a| a.id) => {
                    m.count += 1
                }
                _ => self.report.more.push(MoreFindings {
                    field,
                    attachment_id: attachment.map(|a| a.id),
                    file_name: attachment.map(|a| a.name.clone()),
                    count: 1,
                }),
            }
            return;
        }
        self.report.findings.push(SecretFinding {
            id: f.id.clone(),
            kind: f.kind,
            label: f.kind.label(),
            field,
            attachment_id: attachment.map(|a| a.id),
            file_name: attachment.map(|a| a.name.clone()),
            line: f.line,
            preview: f.preview.clone(),
        });
    }
}

/// The draft's secrets: the text as typed (not yet saved) and its attachments. At most
/// [`SECRET_FINDINGS_SHOWN_PER_PLACE`] are listed per place; the rest are counted.
pub fn scan_draft(store: &Store, draft_id: i64, input: &DraftInput) -> Result<SecretReport> {
    let dismissed = store.secret_dismissals().list(draft_id)?;
    let mut b = Building {
        report: SecretReport::default(),
        dismissed: &dismissed,
        kinds: Vec::new(),
        in_place: 0,
    };
    for (field, text) in [
        (SecretPlace::Subject, &input.subject),
        (SecretPlace::Description, &input.description),
    ] {
        b.place();
        for f in found(text, &scan(text)) {
            b.add(&f, field, None);
        }
    }
    for a in store.attachments().list(draft_id)? {
        if a.kind != Kind::Txt {
            continue;
        }
        b.place();
        for f in cached_or_read(store, &a)?.iter() {
            b.add(f, SecretPlace::Attachment, Some(&a));
        }
    }
    let mut report = b.report;
    report.kinds = b
        .kinds
        .into_iter()
        .map(|(kind, count)| KindCount {
            kind,
            label: kind.label(),
            count,
        })
        .collect();
    Ok(report)
}

/// The hits `which` picks in `text`, less those dismissed.
pub fn chosen(text: &str, which: &Which, dismissed: &HashSet<String>) -> Vec<Hit> {
    scan(text)
        .into_iter()
        .filter(|h| {
            let id = fingerprint(h.kind, &text[h.start..h.end]);
            match which {
                Which::All => !dismissed.contains(&id),
                Which::One(one) => *one == id,
                Which::Kind(kind) => h.kind == *kind && !dismissed.contains(&id),
            }
        })
        .collect()
}

/// The `.txt` attachments to redact, read and redacted and written as new files — the slow part, done
/// without the store lock. `files` are the draft's attachments with their files' paths.
pub fn redact_files(
    files: Vec<(Attachment, PathBuf)>,
    which: &Which,
    dismissed: &HashSet<String>,
) -> Result<Vec<(i64, Blob)>> {
    let mut out = Vec::new();
    for (a, path) in files {
        if a.kind != Kind::Txt {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::invalid(
                crate::Code::FileContentUnsupported,
                format!("{}: not UTF-8 text.", a.name),
            )
        })?;
        let hits = chosen(&text, which, dismissed);
        if hits.is_empty() {
            continue;
        }
        let redacted = redact(&text, &hits).into_bytes();
        drop(text);
        let dir = path
            .parent()
            .and_then(|p| p.parent())
            .ok_or_else(|| Error::invalid(crate::Code::Io, "bad attachment path"))?
            .to_path_buf();
        let blob = Blob::write(
            &dir,
            Candidate {
                name: a.name.clone(),
                kind: Kind::Txt,
                bytes: redacted.clone(),
            },
        )?;
        prime(&blob.sha256, Kind::Txt, &redacted);
        out.push((a.id, blob));
    }
    Ok(out)
}

/// The draft's attachments with the paths of their files, for [`redact_files`].
pub fn files_of(store: &Store, draft_id: i64) -> Result<Vec<(Attachment, PathBuf)>> {
    let a = store.attachments();
    Ok(a.list(draft_id)?
        .into_iter()
        .map(|x| {
            let p = a.blob_path(&x.sha256);
            (x, p)
        })
        .collect())
}
