//! The `secret_dismissals` table: findings the user marked "not a secret", per draft, by fingerprint.

use rusqlite::{params, Connection};
use std::collections::HashSet;

use crate::error::{Error, Result};

pub struct SecretDismissals<'c> {
    conn: &'c Connection,
    now: i64,
}

/// A fingerprint as [`crate::secret_scan::fingerprint`] makes it: 16 lowercase hex digits.
pub fn is_fingerprint(s: &str) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl<'c> SecretDismissals<'c> {
    pub(crate) fn new(conn: &'c Connection, now: i64) -> Self {
        Self { conn, now }
    }

    pub fn add(&self, draft_id: i64, fingerprint: &str) -> Result<()> {
        if !is_fingerprint(fingerprint) {
            return Err(Error::invalid(
                crate::Code::InvalidArgument,
                "That finding is not known; check the draft again.",
            ));
        }
        super::exec(
            self.conn,
            "INSERT OR IGNORE INTO secret_dismissals (draft_id, fingerprint, created_at)
             VALUES (?1, ?2, ?3)",
            params![draft_id, fingerprint, self.now],
        )?;
        Ok(())
    }

    pub fn list(&self, draft_id: i64) -> Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT fingerprint FROM secret_dismissals WHERE draft_id = ?1")?;
        let rows = stmt.query_map([draft_id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
