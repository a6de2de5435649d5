//! The `case_threads` table: markers that tie a later mail to a case without naming its number (a
//! Salesforce ref id or `thread::` token, a Zendesk id, the Message-ID a reply's `References` names).

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

pub struct Threads<'c> {
    conn: &'c Connection,
}

impl<'c> Threads<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self { conn }
    }

    /// Ties markers to a case. A marker already tied to a case stays with it.
    pub fn link(&self, case_id: i64, markers: &[String]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO case_threads (marker, case_id) VALUES (?1, ?2) ON CONFLICT (marker) DO NOTHING",
        )?;
        for m in markers.iter().filter(|m| !m.is_empty() && m.len() <= 998) {
            stmt.execute(params![m, case_id])?;
        }
        Ok(())
    }

    /// The case the first known marker belongs to.
    pub fn case_for(&self, markers: &[String]) -> Result<Option<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT case_id FROM case_threads WHERE marker = ?1")?;
        for m in markers {
            if let Some(id) = stmt.query_row([m], |r| r.get(0)).optional()? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}
