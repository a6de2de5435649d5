//! The `outbox` table: drafts waiting to be sent because the provider could not be reached.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxItem {
    pub id: i64,
    pub draft_id: i64,
    pub provider: String,
    pub client_token: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub subject: String,
}

pub struct Outbox<'c> {
    conn: &'c Connection,
    now: i64,
}

impl<'c> Outbox<'c> {
    pub(crate) fn new(conn: &'c Connection, now: i64) -> Self {
        Self { conn, now }
    }

    /// Queues a draft (once: queuing it again keeps its token, so a retry can find its ticket).
    pub fn enqueue(
        &self,
        draft_id: i64,
        provider: &str,
        client_token: &str,
        reason: &str,
    ) -> Result<OutboxItem> {
        self.conn.execute(
            "INSERT INTO outbox (draft_id, provider, client_token, attempts, last_error, created_at)
             VALUES (?1, ?2, ?3, 1, ?4, ?5)
             ON CONFLICT (draft_id) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error",
            params![draft_id, provider, client_token, reason, self.now],
        )?;
        self.for_draft(draft_id)?.ok_or(Error::NotFound {
            what: "outbox item for draft",
            id: draft_id,
        })
    }

    pub fn for_draft(&self, draft_id: i64) -> Result<Option<OutboxItem>> {
        Ok(self.list()?.into_iter().find(|i| i.draft_id == draft_id))
    }

    pub fn list(&self) -> Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.id, o.draft_id, o.provider, o.client_token, o.attempts, o.last_error, o.created_at, d.subject
             FROM outbox o JOIN drafts d ON d.id = o.draft_id ORDER BY o.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OutboxItem {
                id: r.get(0)?,
                draft_id: r.get(1)?,
                provider: r.get(2)?,
                client_token: r.get(3)?,
                attempts: r.get(4)?,
                last_error: r.get(5)?,
                created_at: r.get(6)?,
                subject: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn token_for(&self, draft_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT client_token FROM outbox WHERE draft_id = ?1",
                [draft_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn record_failure(&self, id: i64, reason: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![id, reason],
        )?;
        Ok(())
    }

    pub fn remove(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM outbox WHERE id = ?1", [id])?;
        Ok(())
    }
}
