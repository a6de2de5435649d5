//! The `drafts` table: create, read, save as typed, list, trash and restore (its search index is in
//! `drafts_index.rs`).
//!
//! A save stores the fields exactly as the user typed them (rules are checked elsewhere and only decide
//! the `ready` flag), bumps `revision`, and commits with `synchronous=FULL` before it returns.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::PageCursor;
use crate::draft::DraftInput;
use crate::error::{Error, Result};

/// A whole draft as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftRecord {
    pub id: i64,
    pub subject: String,
    pub description: String,
    pub reason_id: Option<i64>,
    pub sub_reason_id: Option<i64>,
    pub cc: String,
    pub ready: bool,
    pub revision: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Set once the draft was sent: it is then read-only, the record of what was sent.
    pub submitted_at: Option<i64>,
    /// Set when the user filed it in CJ's form and it waits for its case number.
    pub awaiting_number_since: Option<i64>,
    /// The CJ account it is for (an id of the preferences' CJ accounts).
    pub cj_account: Option<String>,
}

impl DraftRecord {
    pub fn input(&self) -> DraftInput {
        DraftInput {
            subject: self.subject.clone(),
            description: self.description.clone(),
            reason_id: self.reason_id,
            sub_reason_id: self.sub_reason_id,
            cc: self.cc.clone(),
            cj_account: self.cj_account.clone(),
        }
    }
}

/// A line of the drafts list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftSummary {
    pub id: i64,
    pub subject: String,
    pub reason: Option<String>,
    pub updated_at: i64,
    pub ready: bool,
    /// Filed in CJ's form; its case number is awaited (from the confirmation mail, or typed).
    pub awaiting_number: bool,
}

/// A search result: the summary plus a snippet whose matches are wrapped in U+0002 … U+0003, for the UI
/// to turn into highlighted text nodes (never HTML).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    #[serde(flatten)]
    pub summary: DraftSummary,
    pub snippet: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedDraft {
    pub revision: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimilarDraft {
    pub id: i64,
    pub subject: String,
    pub similarity: f64,
}

pub struct Drafts<'c> {
    pub(super) conn: &'c Connection,
    now: i64,
}

const RECORD_COLUMNS: &str =
    "id, subject, description, reason_id, sub_reason_id, cc, ready, revision, created_at, updated_at, submitted_at, \
     awaiting_number_since, cj_account";

fn record(r: &Row<'_>) -> rusqlite::Result<DraftRecord> {
    Ok(DraftRecord {
        id: r.get(0)?,
        subject: r.get(1)?,
        description: r.get(2)?,
        reason_id: r.get(3)?,
        sub_reason_id: r.get(4)?,
        cc: r.get(5)?,
        ready: r.get(6)?,
        revision: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        submitted_at: r.get(10)?,
        awaiting_number_since: r.get(11)?,
        cj_account: r.get(12)?,
    })
}

pub(super) fn summary(r: &Row<'_>) -> rusqlite::Result<DraftSummary> {
    Ok(DraftSummary {
        id: r.get(0)?,
        subject: r.get(1)?,
        reason: r.get(2)?,
        updated_at: r.get(3)?,
        ready: r.get(4)?,
        awaiting_number: r.get::<_, Option<i64>>(5)?.is_some(),
    })
}

impl<'c> Drafts<'c> {
    pub(crate) fn new(conn: &'c Connection, now: i64) -> Self {
        Self { conn, now }
    }

    pub fn create(&self) -> Result<DraftRecord> {
        self.create_for(None)
    }

    /// A new draft for this CJ account (the default one, for a new draft).
    pub fn create_for(&self, cj_account: Option<&str>) -> Result<DraftRecord> {
        let id = super::write_returning(
            self.conn,
            "INSERT INTO drafts (created_at, updated_at, cj_account) VALUES (?1, ?1, ?2) RETURNING id",
            params![self.now, cj_account],
            |r| r.get(0),
        )?
        .ok_or_else(|| Error::invalid(crate::Code::Storage, "the new draft has no id"))?;
        self.get(id)
    }

    /// A draft that is not in the trash.
    pub fn get(&self, id: i64) -> Result<DraftRecord> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {RECORD_COLUMNS} FROM drafts WHERE id = ?1 AND deleted_at IS NULL"
                ),
                [id],
                record,
            )
            .optional()?
            .ok_or(Error::NotFound { what: "draft", id })
    }

    /// A draft whether or not it is in the trash (a sent draft is the record of what was sent).
    pub fn get_any(&self, id: i64) -> Result<Option<DraftRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {RECORD_COLUMNS} FROM drafts WHERE id = ?1"),
                [id],
                record,
            )
            .optional()?)
    }

    /// Stores the fields as typed. `reason_id`/`sub_reason_id` must exist (the caller drops unknown ids).
    pub fn save(&self, id: i64, input: &DraftInput, ready: bool) -> Result<SavedDraft> {
        super::write_returning(
            self.conn,
            "UPDATE drafts SET subject = ?2, description = ?3, reason_id = ?4, sub_reason_id = ?5,
                        cc = ?6, ready = ?7, revision = revision + 1, updated_at = ?8,
                        cj_account = ?9
                 WHERE id = ?1 AND deleted_at IS NULL AND submitted_at IS NULL
                   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.draft_id = drafts.id)
                 RETURNING revision, updated_at",
            params![
                id,
                input.subject,
                input.description,
                input.reason_id,
                input.sub_reason_id,
                input.cc,
                ready,
                self.now,
                input.cj_account
            ],
            |r| {
                Ok(SavedDraft {
                    revision: r.get(0)?,
                    updated_at: r.get(1)?,
                })
            },
        )?
        .ok_or_else(|| self.why_not_editable(id))
    }

    fn why_not_editable(&self, id: i64) -> Error {
        let queued: bool = self
            .conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM outbox WHERE draft_id = ?1)",
                [id],
                |r| r.get(0),
            )
            .unwrap_or(false);
        match self.get(id) {
            Ok(d) if d.submitted_at.is_some() => Error::invalid(
                crate::Code::DraftSubmitted,
                "This draft was sent and is kept as the record of what was sent; it can no longer be edited.",
            ),
            Ok(_) if queued => Error::invalid(
                crate::Code::DraftInOutbox,
                "This draft waits in the Outbox to be sent, exactly as it is. Take it back from the Outbox to edit it.",
            ),
            _ => Error::NotFound { what: "draft", id },
        }
    }

    /// Refuses a draft that was sent, waits in the outbox, or is gone (nothing may change what is sent).
    pub fn ensure_editable(&self, id: i64) -> Result<()> {
        let editable: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM drafts d WHERE d.id = ?1 AND d.deleted_at IS NULL
               AND d.submitted_at IS NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.draft_id = d.id))",
            [id],
            |r| r.get(0),
        )?;
        if editable {
            Ok(())
        } else {
            Err(self.why_not_editable(id))
        }
    }

    /// The newest drafts first, at most `limit`.
    pub fn list(&self, limit: u32) -> Result<Vec<DraftSummary>> {
        self.list_page(limit, None)
    }

    /// The live drafts, most recently saved first, `limit` at a time: the page after `after` (the
    /// last draft of the previous page), or the first page.
    pub fn list_page(&self, limit: u32, after: Option<PageCursor>) -> Result<Vec<DraftSummary>> {
        self.list_page_for(limit, after, &super::AccountFilter::All)
    }

    /// [`Self::list_page`], only the drafts `filter` admits (by their CJ account).
    pub fn list_page_for(
        &self,
        limit: u32,
        after: Option<PageCursor>,
        filter: &super::AccountFilter,
    ) -> Result<Vec<DraftSummary>> {
        // One statement per kind of filter: one account's drafts come in list order from
        // `drafts_by_account`.
        let (term, account) = match filter {
            super::AccountFilter::All => ("", None),
            super::AccountFilter::NoAccount => ("AND d.cj_account IS NULL", None),
            super::AccountFilter::Account(id) => ("AND d.cj_account = ?4", Some(id.as_str())),
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT d.id, d.subject, r.name, d.updated_at, d.ready, d.awaiting_number_since
             FROM drafts d LEFT JOIN case_reasons r ON r.id = d.reason_id
             WHERE d.deleted_at IS NULL AND d.submitted_at IS NULL
               AND (?2 IS NULL OR d.updated_at < ?2 OR (d.updated_at = ?2 AND d.id < ?3)) {term}
             ORDER BY d.updated_at DESC, d.id DESC LIMIT ?1"
        ))?;
        let (at, id) = (after.map(|c| c.at), after.map(|c| c.id));
        let rows = match account {
            Some(a) => stmt.query_map(params![limit, at, id, a], summary)?,
            None => stmt.query_map(params![limit, at, id], summary)?,
        };
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM drafts WHERE deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Moves a draft to the trash. It disappears from lists and search until restored. A draft waiting
    /// in the outbox is discarded there instead (the outbox item goes first).
    pub fn trash(&self, id: i64) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE drafts SET deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL AND submitted_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.draft_id = drafts.id)",
            params![id, self.now],
        )?;
        if n == 0 {
            return Err(self.why_not_editable(id));
        }
        Ok(())
    }

    /// Takes a draft back out of the trash.
    pub fn restore(&self, id: i64) -> Result<DraftRecord> {
        let n = self.conn.execute(
            "UPDATE drafts SET deleted_at = NULL WHERE id = ?1 AND deleted_at IS NOT NULL",
            [id],
        )?;
        if n == 0 {
            return Err(Error::NotFound {
                what: "draft in the trash",
                id,
            });
        }
        self.get(id)
    }

    /// Marks a live, unsent draft as filed in CJ's form: it waits for its case number.
    pub fn mark_awaiting_number(&self, id: i64) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE drafts SET awaiting_number_since = coalesce(awaiting_number_since, ?2)
             WHERE id = ?1 AND deleted_at IS NULL AND submitted_at IS NULL",
            params![id, self.now],
        )?;
        if n == 0 {
            return Err(Error::NotFound { what: "draft", id });
        }
        Ok(())
    }

    /// Drafts waiting for their case number since `since` or later (id, subject), newest first.
    pub fn awaiting_number(&self, since: i64) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, subject FROM drafts
             WHERE awaiting_number_since IS NOT NULL AND submitted_at IS NULL AND deleted_at IS NULL
               AND awaiting_number_since >= ?1
             ORDER BY awaiting_number_since DESC, id DESC LIMIT 200",
        )?;
        let rows = stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// [`Self::awaiting_number`], with the CJ account each is for.
    pub fn awaiting_number_with_account(
        &self,
        since: i64,
    ) -> Result<Vec<(i64, String, Option<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, subject, cj_account FROM drafts
             WHERE awaiting_number_since IS NOT NULL AND submitted_at IS NULL AND deleted_at IS NULL
               AND awaiting_number_since >= ?1
             ORDER BY awaiting_number_since DESC, id DESC LIMIT 200",
        )?;
        let rows = stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Drafts in the trash, most recently deleted first.
    pub fn trashed(&self, limit: u32) -> Result<Vec<DraftSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.subject, r.name, d.updated_at, d.ready, d.awaiting_number_since
             FROM drafts d LEFT JOIN case_reasons r ON r.id = d.reason_id
             WHERE d.deleted_at IS NOT NULL ORDER BY d.deleted_at DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn purge_trash_before(&self, cutoff: i64) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM drafts WHERE deleted_at IS NOT NULL AND deleted_at < ?1",
            [cutoff],
        )?)
    }
}
