//! The `outbox` table: drafts waiting to be sent because the filer's server could not be reached, or
//! refused for a reason the user must look at. An item keeps its client token for life, so a retry
//! after a timeout finds the case an earlier attempt made instead of making a second one.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{exec, row};
use crate::error::{Error, Result};

/// Where an item is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// The server was away; the item is sent when it answers again.
    Waiting,
    /// The server refused it for good: the user edits, retries or discards it.
    Attention,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxItem {
    pub id: i64,
    pub draft_id: i64,
    /// The filer it goes to (`FilerKind::as_str`).
    pub filer: String,
    pub client_token: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub subject: String,
    pub state: OutboxState,
}

pub struct Outbox<'c> {
    conn: &'c Connection,
    now: i64,
}

const SELECT: &str = "SELECT o.id, o.draft_id, o.filer, o.client_token, o.attempts, o.last_error, o.created_at, d.subject, o.state
                      FROM outbox o JOIN drafts d ON d.id = o.draft_id";

fn item(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxItem> {
    let state: String = r.get(8)?;
    Ok(OutboxItem {
        id: r.get(0)?,
        draft_id: r.get(1)?,
        filer: r.get(2)?,
        client_token: r.get(3)?,
        attempts: r.get(4)?,
        last_error: r.get(5)?,
        created_at: r.get(6)?,
        subject: r.get(7)?,
        state: if state == "attention" {
            OutboxState::Attention
        } else {
            OutboxState::Waiting
        },
    })
}

impl<'c> Outbox<'c> {
    pub(crate) fn new(conn: &'c Connection, now: i64) -> Self {
        Self { conn, now }
    }

    /// Queues a draft (once: queuing it again keeps its token, so a retry can find its case).
    pub fn enqueue(
        &self,
        draft_id: i64,
        filer: &str,
        client_token: &str,
        reason: &str,
    ) -> Result<OutboxItem> {
        exec(
            self.conn,
            "INSERT INTO outbox (draft_id, filer, client_token, attempts, last_error, created_at, state)
             VALUES (?1, ?2, ?3, 1, ?4, ?5, 'waiting')
             ON CONFLICT (draft_id) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error",
            params![draft_id, filer, client_token, reason, self.now],
        )?;
        self.for_draft(draft_id)?.ok_or(Error::NotFound {
            what: "outbox item for draft",
            id: draft_id,
        })
    }

    pub fn for_draft(&self, draft_id: i64) -> Result<Option<OutboxItem>> {
        Ok(row(
            self.conn,
            &format!("{SELECT} WHERE o.draft_id = ?1"),
            [draft_id],
            item,
        )
        .optional()?)
    }

    pub fn get(&self, id: i64) -> Result<OutboxItem> {
        row(self.conn, &format!("{SELECT} WHERE o.id = ?1"), [id], item)
            .optional()?
            .ok_or(Error::NotFound {
                what: "outbox item",
                id,
            })
    }

    /// Every item, oldest first.
    pub fn list(&self) -> Result<Vec<OutboxItem>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{SELECT} ORDER BY o.id"))?;
        let rows = stmt.query_map([], item)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn token_for(&self, draft_id: i64) -> Result<Option<String>> {
        Ok(row(
            self.conn,
            "SELECT client_token FROM outbox WHERE draft_id = ?1",
            [draft_id],
            |r| r.get(0),
        )
        .optional()?)
    }

    /// A try that failed for a passing reason: the item keeps waiting.
    pub fn record_failure(&self, id: i64, reason: &str) -> Result<()> {
        exec(
            self.conn,
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![id, reason],
        )?;
        Ok(())
    }

    /// The server refused the item for good: it is not retried until the user says so.
    pub fn needs_attention(&self, id: i64, reason: &str) -> Result<()> {
        exec(
            self.conn,
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, state = 'attention' WHERE id = ?1",
            params![id, reason],
        )?;
        Ok(())
    }

    /// "Retry": the item waits again and goes with the next pass.
    pub fn retry(&self, id: i64) -> Result<()> {
        if exec(
            self.conn,
            "UPDATE outbox SET state = 'waiting' WHERE id = ?1",
            [id],
        )? == 0
        {
            return Err(Error::NotFound {
                what: "outbox item",
                id,
            });
        }
        Ok(())
    }

    pub fn remove(&self, id: i64) -> Result<()> {
        exec(self.conn, "DELETE FROM outbox WHERE id = ?1", [id])?;
        Ok(())
    }
}
