//! The `attachments` table and the content-addressed folder that holds the files.
//!
//! An accepted file is copied to `attachments/<first two hex>/<sha256>` (written to a temporary name,
//! fsynced, renamed, directory fsynced) *before* its row is committed, so a crash can leave a stray file
//! (removed at the next start) but never a row without its file. Identical content is stored once.

use rusqlite::{params, Connection};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::attachment::{Candidate, Kind};
use crate::error::{Error, Result};
use crate::picture::{Marks, Removed};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub id: i64,
    pub draft_id: i64,
    pub name: String,
    pub kind: Kind,
    pub size: i64,
    pub sha256: String,
    pub added_at: i64,
    /// Secrets in it were redacted: this is the redacted copy (what is sent); the file as attached
    /// stays in the data folder until the draft is deleted. For a picture: areas were redacted.
    pub redacted: bool,
    /// A picture: what its file said beyond its pixels, removed before it was stored.
    pub metadata_removed: Vec<Removed>,
    /// A picture scaled down to fit CJ's 10 MB: the percent of its size kept (100: not scaled).
    pub scale_percent: u32,
    /// A picture: marks drawn and areas redacted in its sent version (0 and 0: as attached).
    pub annotations: u32,
    pub redactions: u32,
    /// A picture the user opened in the editor and saved, with or without marks.
    pub reviewed: bool,
}

impl Attachment {
    pub fn is_picture(&self) -> bool {
        matches!(self.kind, Kind::Png | Kind::Jpeg)
    }
}

/// A picture an older release stored as attached, to be written again from its pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldPicture {
    pub id: i64,
    pub name: String,
    pub kind: Kind,
    pub sha256: String,
}

pub struct Attachments<'c> {
    conn: &'c Connection,
    dir: PathBuf,
    now: i64,
}

fn blob_path_in(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(&sha256[..2]).join(sha256)
}

/// A file's content written, content-addressed, into the attachments folder (fsynced, renamed) —
/// the slow part of attaching, which needs no store lock. Its row comes after ([`Attachments::record`]);
/// a crash in between leaves a stray file, removed at the next start, never a row without its file.
/// It keeps the bytes until then: if the same content was removed from another draft meanwhile (which
/// deletes the file), `record` writes it again under the lock.
#[derive(Clone, PartialEq, Eq)]
pub struct Blob {
    pub name: String,
    pub kind: Kind,
    pub size: i64,
    pub sha256: String,
    /// A picture's note: what was removed, how much of its size was kept.
    pub removed: Vec<Removed>,
    pub scale_percent: u32,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blob")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("size", &self.size)
            .field("sha256", &self.sha256)
            .finish_non_exhaustive()
    }
}

impl Blob {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Hashes `candidate` and writes its bytes under `dir` (the attachments folder).
    pub fn write(dir: &Path, candidate: Candidate) -> Result<Blob> {
        Blob::write_noted(dir, candidate, Vec::new(), 100)
    }

    /// [`Blob::write`] for a picture already written again by [`crate::picture`], with its note.
    pub fn write_noted(
        dir: &Path,
        candidate: Candidate,
        removed: Vec<Removed>,
        scale_percent: u32,
    ) -> Result<Blob> {
        let sha256 = hex::encode(Sha256::digest(&candidate.bytes));
        write_blob(dir, &sha256, &candidate.bytes)?;
        Ok(Blob {
            name: candidate.name,
            kind: candidate.kind,
            size: candidate.bytes.len() as i64,
            sha256,
            removed,
            scale_percent: scale_percent.clamp(1, 100),
            bytes: candidate.bytes,
        })
    }
}

/// Distinguishes the temporary files of two threads writing the same content at once.
static TMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes `bytes` at their content address unless a file of that size is there already.
fn write_blob(dir: &Path, sha: &str, bytes: &[u8]) -> Result<()> {
    let path = blob_path_in(dir, sha);
    if let Ok(meta) = std::fs::symlink_metadata(&path) {
        if meta.is_file() && meta.len() == bytes.len() as u64 {
            return Ok(());
        }
    }
    let parent = path
        .parent()
        .ok_or_else(|| Error::invalid(crate::Code::Io, "bad blob path"))?;
    std::fs::create_dir_all(parent)?;
    let n = TMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = parent.join(format!(".{sha}.{}.{n}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    sync_dir(parent)?;
    Ok(())
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl<'c> Attachments<'c> {
    pub(crate) fn new(conn: &'c Connection, dir: PathBuf, now: i64) -> Self {
        Self { conn, dir, now }
    }

    /// Where the file with this content lives.
    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        blob_path_in(&self.dir, sha256)
    }

    pub fn list(&self, draft_id: i64) -> Result<Vec<Attachment>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, draft_id, name, kind, size, sha256, added_at,
                    (original_sha256 IS NOT NULL AND annotations = 0) OR redactions > 0,
                    metadata_removed, scale_percent, annotations, redactions, reviewed
             FROM attachments WHERE draft_id = ?1 ORDER BY added_at, id",
        )?;
        let rows = stmt.query_map([draft_id], |r| {
            let kind: String = r.get(3)?;
            Ok(Attachment {
                id: r.get(0)?,
                draft_id: r.get(1)?,
                name: r.get(2)?,
                kind: Kind::parse(&kind).unwrap_or(Kind::Txt),
                size: r.get(4)?,
                sha256: r.get(5)?,
                added_at: r.get(6)?,
                redacted: r.get(7)?,
                metadata_removed: Removed::split(&r.get::<_, String>(8)?),
                scale_percent: r.get(9)?,
                annotations: r.get(10)?,
                redactions: r.get(11)?,
                reviewed: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a file already written by [`Blob::write`] on a draft: a duplicate check (the same
    /// content twice in one draft is refused) and one row, quick enough to hold the store lock for.
    pub fn record(&self, draft_id: i64, blob: &Blob) -> Result<Attachment> {
        // A stat when the file is there (always, unless another draft's removal took it meanwhile).
        write_blob(&self.dir, &blob.sha256, &blob.bytes)?;
        let exists: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM attachments WHERE draft_id = ?1 AND sha256 = ?2",
                params![draft_id, blob.sha256],
                |r| r.get(0),
            )
            .ok();
        if let Some(existing) = exists {
            return Err(Error::field(
                "attachments",
                crate::Code::FileDuplicate,
                format!(
                    "{}: the same file is already attached as “{existing}”.",
                    blob.name
                ),
            ));
        }
        let id = super::write_returning(
            self.conn,
            "INSERT INTO attachments (draft_id, sha256, name, kind, size, added_at,
                                      metadata_removed, scale_percent, cleaned)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1) RETURNING id",
            params![
                draft_id,
                blob.sha256,
                blob.name,
                blob.kind.as_str(),
                blob.size,
                self.now,
                Removed::join(&blob.removed),
                blob.scale_percent,
            ],
            |r| r.get(0),
        )?
        .ok_or_else(|| Error::invalid(crate::Code::Storage, "the new attachment has no id"))?;
        Ok(Attachment {
            id,
            draft_id,
            name: blob.name.clone(),
            kind: blob.kind,
            size: blob.size,
            sha256: blob.sha256.clone(),
            added_at: self.now,
            redacted: false,
            metadata_removed: blob.removed.clone(),
            scale_percent: blob.scale_percent,
            annotations: 0,
            redactions: 0,
            reviewed: false,
        })
    }

    /// Points a picture at its annotated version (already written by [`Blob::write`]), keeping the
    /// file as first attached in `original_sha256` (never sent; removed with the draft). With no
    /// marks it only records that the user reviewed the picture.
    pub fn replace_annotated(
        &self,
        draft_id: i64,
        id: i64,
        blob: Option<&Blob>,
        marks: Marks,
    ) -> Result<()> {
        let done = match blob {
            Some(blob) => {
                write_blob(&self.dir, &blob.sha256, &blob.bytes)?;
                super::write_returning(
                    self.conn,
                    "UPDATE attachments SET original_sha256 = COALESCE(original_sha256, sha256),
                         sha256 = ?3, size = ?4, annotations = ?5, redactions = ?6, reviewed = 1,
                         scale_percent = MIN(scale_percent, ?7)
                     WHERE id = ?1 AND draft_id = ?2 AND kind IN ('png', 'jpeg') RETURNING id",
                    params![
                        id,
                        draft_id,
                        blob.sha256,
                        blob.size,
                        marks.annotations,
                        marks.redactions,
                        blob.scale_percent
                    ],
                    |r| r.get::<_, i64>(0),
                )?
            }
            None => super::write_returning(
                self.conn,
                "UPDATE attachments SET reviewed = 1
                 WHERE id = ?1 AND draft_id = ?2 AND kind IN ('png', 'jpeg') RETURNING id",
                params![id, draft_id],
                |r| r.get::<_, i64>(0),
            )?,
        };
        match done {
            Some(_) => Ok(()),
            None => Err(Error::NotFound {
                what: "attachment",
                id,
            }),
        }
    }

    /// Pictures stored before they were written again from their pixels (rows from an older
    /// release), oldest first.
    pub fn not_cleaned(&self, limit: usize) -> Result<Vec<OldPicture>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, kind, sha256 FROM attachments
             WHERE cleaned = 0 AND kind IN ('png', 'jpeg') ORDER BY id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            let kind: String = r.get(2)?;
            Ok(OldPicture {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: Kind::parse(&kind).unwrap_or(Kind::Png),
                sha256: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records that an older picture was written again (`blob`; the file with its metadata is then
    /// unreferenced and removed at the next start), or leaves it as it is when `None` (it could not
    /// be decoded: [`crate::editor::clean_old_pictures`] says so in its count).
    pub fn mark_cleaned(&self, id: i64, blob: Option<&Blob>) -> Result<()> {
        match blob {
            Some(blob) => {
                write_blob(&self.dir, &blob.sha256, &blob.bytes)?;
                self.conn.execute(
                    "UPDATE attachments SET
                         sha256 = ?2, size = ?3, metadata_removed = ?4, scale_percent = ?5, cleaned = 1
                     WHERE id = ?1",
                    params![
                        id,
                        blob.sha256,
                        blob.size,
                        Removed::join(&blob.removed),
                        blob.scale_percent
                    ],
                )?;
            }
            None => {
                self.conn
                    .execute("UPDATE attachments SET cleaned = 1 WHERE id = ?1", [id])?;
            }
        }
        Ok(())
    }

    /// Points an attachment at its redacted copy (already written by [`Blob::write`]), keeping the
    /// file as first attached in `original_sha256` (never sent; removed with the draft).
    pub fn replace_redacted(&self, draft_id: i64, id: i64, blob: &Blob) -> Result<()> {
        write_blob(&self.dir, &blob.sha256, &blob.bytes)?;
        let old: Option<String> = super::write_returning(
            self.conn,
            "UPDATE attachments SET original_sha256 = COALESCE(original_sha256, sha256),
                 sha256 = ?3, size = ?4
             WHERE id = ?1 AND draft_id = ?2 RETURNING id",
            params![id, draft_id, blob.sha256, blob.size],
            |r| r.get::<_, i64>(0).map(|_| String::new()),
        )?;
        match old {
            Some(_) => Ok(()),
            None => Err(Error::NotFound {
                what: "attachment",
                id,
            }),
        }
    }

    /// Removes an attachment from a draft, and its file if no other draft uses the same content.
    pub fn remove(&self, draft_id: i64, id: i64) -> Result<()> {
        let shas: Option<(String, Option<String>)> = super::write_returning(
            self.conn,
            "DELETE FROM attachments WHERE id = ?1 AND draft_id = ?2
             RETURNING sha256, original_sha256",
            params![id, draft_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let Some((sha, original)) = shas else {
            return Err(Error::NotFound {
                what: "attachment",
                id,
            });
        };
        for sha in std::iter::once(sha).chain(original) {
            let still_used: bool = self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?1 OR original_sha256 = ?1)",
                [&sha],
                |r| r.get(0),
            )?;
            if !still_used {
                let _ = std::fs::remove_file(self.blob_path(&sha));
            }
        }
        Ok(())
    }

    /// Deletes files no attachment row references (and temporary files left by a crash).
    pub(crate) fn remove_unreferenced_files(&self) -> Result<usize> {
        let mut referenced = std::collections::HashSet::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT sha256 FROM attachments UNION SELECT original_sha256 FROM attachments WHERE original_sha256 IS NOT NULL")?;
            for sha in stmt.query_map([], |r| r.get::<_, String>(0))? {
                referenced.insert(sha?);
            }
        }
        let mut removed = 0;
        let Ok(shards) = std::fs::read_dir(&self.dir) else {
            return Ok(0);
        };
        for shard in shards.flatten() {
            if !shard.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                continue;
            }
            for entry in std::fs::read_dir(shard.path())?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let kept = is_sha256_hex(&name) && referenced.contains(&name);
                if !kept && std::fs::remove_file(entry.path()).is_ok() {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}

/// Makes a new name in `dir` durable. On Unix that is an fsync of the folder itself. Windows has no
/// such call (a folder cannot even be opened as a file without `FILE_FLAG_BACKUP_SEMANTICS`, and NTFS
/// journals its names itself), so there it is nothing: trying it refused every attachment.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<()> {
    Ok(())
}
