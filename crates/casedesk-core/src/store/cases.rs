//! The `cases` and `status_history` tables: case numbers, their current status, and every change seen.
//!
//! A status change is one transaction: the case row and its history row commit together, and the change
//! is returned to the caller only after the commit, so a notification is never shown for a change that
//! was not stored. A history row's `notified` flag makes sure a change is notified at most once, across
//! restarts. The first status seen for a case is history, never news: it is stored already notified.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::PageCursor;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: i64,
    pub provider: String,
    pub case_number: String,
    pub draft_id: Option<i64>,
    pub subject: String,
    pub status: Option<String>,
    pub remote_updated: Option<String>,
    pub last_checked_at: Option<i64>,
    pub last_error: Option<String>,
    pub muted: bool,
    pub watch: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: i64,
    pub old_status: Option<String>,
    pub new_status: String,
    pub at: i64,
    pub source: String,
}

/// A stored change that should be notified (unless the case is muted or notifications are off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub history_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub provider: String,
    pub subject: String,
    pub old_status: String,
    pub new_status: String,
    pub muted: bool,
}

/// Trims, strips a leading `#`, and checks a case number: 1–64 letters, digits, `-`, `_` or `.`.
pub fn normalise_case_number(raw: &str) -> Result<String> {
    let n = raw.trim();
    let n = n.strip_prefix('#').unwrap_or(n).trim();
    if n.is_empty() {
        return Err(Error::field(
            "case_number",
            "case_number_required",
            "Enter the case number CJ gave you.",
        ));
    }
    if n.len() > 64
        || !n
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(Error::field(
            "case_number",
            "case_number_invalid",
            "A case number is letters, digits, '-', '_' or '.' (at most 64), like 01234567.",
        ));
    }
    Ok(n.to_owned())
}

pub struct Cases<'c> {
    conn: &'c Connection,
    now: i64,
}

const COLUMNS: &str =
    "id, provider, case_number, draft_id, subject, status, remote_updated, last_checked_at, \
                       last_error, muted, watch, created_at";

fn case(r: &Row<'_>) -> rusqlite::Result<Case> {
    Ok(Case {
        id: r.get(0)?,
        provider: r.get(1)?,
        case_number: r.get(2)?,
        draft_id: r.get(3)?,
        subject: r.get(4)?,
        status: r.get(5)?,
        remote_updated: r.get(6)?,
        last_checked_at: r.get(7)?,
        last_error: r.get(8)?,
        muted: r.get(9)?,
        watch: r.get(10)?,
        created_at: r.get(11)?,
    })
}

impl<'c> Cases<'c> {
    pub(crate) fn new(conn: &'c Connection, now: i64) -> Self {
        Self { conn, now }
    }

    /// Adds a case. `status` is the first status known (none for a case added by number to a polling
    /// provider: the first poll fills it in, without a notification).
    pub fn add(
        &self,
        provider: &str,
        number: &str,
        draft_id: Option<i64>,
        subject: &str,
        status: Option<&str>,
    ) -> Result<Case> {
        let number = normalise_case_number(number)?;
        let tx = self.conn.unchecked_transaction()?;
        let id: i64 = tx
            .query_row(
                "INSERT INTO cases (provider, case_number, draft_id, subject, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![provider, number, draft_id, subject, status, self.now],
                |r| r.get(0),
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => Error::field(
                    "case_number",
                    "case_number_taken",
                    format!("Case {number} is already in your list."),
                ),
                _ => e.into(),
            })?;
        if let Some(status) = status {
            tx.execute(
                "INSERT INTO status_history (case_id, old_status, new_status, at, source, notified)
                 VALUES (?1, NULL, ?2, ?3, 'added', 1)",
                params![id, status, self.now],
            )?;
        }
        if let Some(d) = draft_id {
            tx.execute(
                "UPDATE drafts SET submitted_at = ?2 WHERE id = ?1 AND submitted_at IS NULL",
                params![d, self.now],
            )?;
        }
        tx.commit()?;
        self.get(id)
    }

    pub fn get(&self, id: i64) -> Result<Case> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM cases WHERE id = ?1"),
                [id],
                case,
            )
            .optional()?
            .ok_or(Error::NotFound { what: "case", id })
    }

    pub fn find(&self, provider: &str, number: &str) -> Result<Option<Case>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM cases WHERE provider = ?1 AND case_number = ?2"),
                params![provider, number],
                case,
            )
            .optional()?)
    }

    /// Every case, most recently created first.
    pub fn list(&self, limit: u32) -> Result<Vec<Case>> {
        self.list_page(limit, None)
    }

    /// The cases, newest first, `limit` at a time: the page after `after` (the last case of the
    /// previous page), or the first page.
    pub fn list_page(&self, limit: u32, after: Option<PageCursor>) -> Result<Vec<Case>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM cases
             WHERE (?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND id < ?3))
             ORDER BY created_at DESC, id DESC LIMIT ?1"
        ))?;
        let rows = stmt.query_map(
            params![limit, after.map(|c| c.at), after.map(|c| c.id)],
            case,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The cases of `provider` still being polled (`active`, or `final` with its last check due).
    pub fn watched(&self, provider: &str) -> Result<Vec<Case>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM cases WHERE provider = ?1 AND watch IN ('active', 'final') ORDER BY id"
        ))?;
        let rows = stmt.query_map([provider], case)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records what a check (a poll, or the user by hand) saw. Returns the change to notify, if any.
    ///
    /// `terminal` says whether `status` ends the case for its provider: the first time one is seen the
    /// case gets one final check; when the final check sees it still terminal, polling stops.
    pub fn record_status(
        &self,
        case_id: i64,
        status: &str,
        remote_updated: Option<&str>,
        source: &str,
        terminal: bool,
    ) -> Result<Option<StatusChange>> {
        // Its own transaction, unless the caller batches many checks in one (a sweep: one fsync, not one per case).
        let tx = if self.conn.is_autocommit() {
            Some(self.conn.unchecked_transaction()?)
        } else {
            None
        };
        let current = self.get(case_id)?;
        let changed = current.status.as_deref() != Some(status);
        let watch = match (terminal, current.watch.as_str(), changed) {
            (false, _, _) => "active",
            (true, "final", false) => "stopped",
            (true, "stopped", false) => "stopped",
            (true, _, _) => "final",
        };
        let watch = if source == "manual" && terminal {
            "stopped"
        } else {
            watch
        };
        self.conn.execute(
            "UPDATE cases SET status = ?2, remote_updated = coalesce(?3, remote_updated), last_checked_at = ?4,
                    last_error = NULL, watch = ?5 WHERE id = ?1",
            params![case_id, status, remote_updated, self.now, watch],
        )?;
        let mut out = None;
        if changed {
            let first = current.status.is_none();
            let history_id: i64 = self.conn.query_row(
                "INSERT INTO status_history (case_id, old_status, new_status, at, source, notified)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
                params![case_id, current.status, status, self.now, source, first],
                |r| r.get(0),
            )?;
            if let (false, Some(old)) = (first, current.status.clone()) {
                out = Some(StatusChange {
                    history_id,
                    case_id,
                    case_number: current.case_number.clone(),
                    provider: current.provider.clone(),
                    subject: current.subject.clone(),
                    old_status: old,
                    new_status: status.to_owned(),
                    muted: current.muted,
                });
            }
        }
        if let Some(tx) = tx {
            tx.commit()?;
        }
        Ok(out)
    }

    /// Records a whole sweep's results in one transaction. Returns the changes to notify, after commit.
    pub fn record_many(
        &self,
        results: &[(i64, String, Option<String>, bool)],
        missing: &[i64],
    ) -> Result<Vec<StatusChange>> {
        let tx = self.conn.unchecked_transaction()?;
        let mut changes = Vec::new();
        for (case_id, status, updated, terminal) in results {
            if let Some(c) =
                self.record_status(*case_id, status, updated.as_deref(), "poll", *terminal)?
            {
                changes.push(c);
            }
        }
        for case_id in missing {
            self.record_error(*case_id, "The case was not found on the server.")?;
        }
        tx.commit()?;
        Ok(changes)
    }

    /// A check that reached the provider but found nothing new.
    pub fn record_unchanged(&self, case_id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE cases SET last_checked_at = ?2, last_error = NULL WHERE id = ?1",
            params![case_id, self.now],
        )?;
        Ok(())
    }

    /// A check that failed; the message is shown on the case (it never contains a secret).
    pub fn record_error(&self, case_id: i64, message: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE cases SET last_checked_at = ?2, last_error = ?3 WHERE id = ?1",
            params![case_id, self.now, message],
        )?;
        Ok(())
    }

    pub fn mark_notified(&self, history_id: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE status_history SET notified = 1 WHERE id = ?1",
            [history_id],
        )?;
        Ok(())
    }

    /// Changes stored but not yet notified (the app stopped between the commit and the notification).
    pub fn pending_notifications(&self) -> Result<Vec<StatusChange>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.id, c.id, c.case_number, c.provider, c.subject, h.old_status, h.new_status, c.muted
             FROM status_history h JOIN cases c ON c.id = h.case_id
             WHERE h.notified = 0 AND h.old_status IS NOT NULL ORDER BY h.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StatusChange {
                history_id: r.get(0)?,
                case_id: r.get(1)?,
                case_number: r.get(2)?,
                provider: r.get(3)?,
                subject: r.get(4)?,
                old_status: r.get(5)?,
                new_status: r.get(6)?,
                muted: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn history(&self, case_id: i64) -> Result<Vec<HistoryEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, old_status, new_status, at, source FROM status_history WHERE case_id = ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(HistoryEntry {
                id: r.get(0)?,
                old_status: r.get(1)?,
                new_status: r.get(2)?,
                at: r.get(3)?,
                source: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn set_muted(&self, case_id: i64, muted: bool) -> Result<()> {
        if self.conn.execute(
            "UPDATE cases SET muted = ?2 WHERE id = ?1",
            params![case_id, muted],
        )? == 0
        {
            return Err(Error::NotFound {
                what: "case",
                id: case_id,
            });
        }
        Ok(())
    }

    /// Starts watching a case again (after a terminal status stopped it).
    pub fn rewatch(&self, case_id: i64) -> Result<()> {
        if self
            .conn
            .execute("UPDATE cases SET watch = 'active' WHERE id = ?1", [case_id])?
            == 0
        {
            return Err(Error::NotFound {
                what: "case",
                id: case_id,
            });
        }
        Ok(())
    }
}
