//! The `source_state` table: what each running status source last did (its last sync, its last error,
//! and a detail of its own), shown as the sync state. Never a secret.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::Result;

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceState {
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
    /// The error's stable code (`mail_sign_in_needed`, ...).
    pub last_error_code: Option<String>,
    pub detail: Option<String>,
}

pub struct SourceStates<'c> {
    conn: &'c Connection,
    now: i64,
}

impl<'c> SourceStates<'c> {
    pub(crate) fn new(conn: &'c Connection, now: i64) -> Self {
        Self { conn, now }
    }

    pub fn get(&self, source: &str) -> Result<SourceState> {
        Ok(self
            .conn
            .query_row(
                "SELECT last_sync_at, last_error, detail, last_error_code FROM source_state WHERE source = ?1",
                [source],
                |r| {
                    Ok(SourceState {
                        last_sync_at: r.get(0)?,
                        last_error: r.get(1)?,
                        detail: r.get(2)?,
                        last_error_code: r.get(3)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// A pass that worked: now is the last sync, the error is cleared.
    pub fn synced(&self, source: &str, detail: Option<&str>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO source_state (source, last_sync_at, last_error, detail) VALUES (?1, ?2, NULL, ?3)
             ON CONFLICT (source) DO UPDATE SET last_sync_at = excluded.last_sync_at, last_error = NULL,
               last_error_code = NULL, detail = coalesce(excluded.detail, detail)",
            params![source, self.now, detail],
        )?;
        Ok(())
    }

    /// A pass that failed: the error is shown; the last good sync stays.
    pub fn failed(&self, source: &str, code: &str, error: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO source_state (source, last_error, last_error_code) VALUES (?1, ?2, ?3)
             ON CONFLICT (source) DO UPDATE SET last_error = excluded.last_error,
               last_error_code = excluded.last_error_code",
            params![source, error, code],
        )?;
        Ok(())
    }

    /// The sources whose last pass said the user must sign in again.
    pub fn needing_sign_in(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT source FROM source_state WHERE last_error_code = ?1")?;
        let rows = stmt.query_map([crate::Code::MailSignInNeeded.as_str()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The error is over (the user signed in again), though no pass ran yet.
    pub fn clear_error(&self, source: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE source_state SET last_error = NULL, last_error_code = NULL WHERE source = ?1",
            [source],
        )?;
        Ok(())
    }

    pub fn clear(&self, source: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM source_state WHERE source = ?1", [source])?;
        Ok(())
    }
}
