//! The `mail_messages` table: every mail the mail source (or an import) read, by key, with what came of
//! it. A key already here is never read again, so a mail in two folders, a re-sync after a
//! `UIDVALIDITY` change, or a second import changes nothing.

use rusqlite::{params, Connection};

use super::{exec, row};
use serde::Serialize;

use crate::error::Result;

/// What came of a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailOutcome {
    /// Support's word on a case.
    Counted,
    /// Not from an allowed sender, failed authentication, or named no case.
    Ignored,
    /// Larger than the fetch cap: skipped.
    TooLarge,
    /// Not a mail that could be read.
    Unreadable,
}

impl MailOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            MailOutcome::Counted => "counted",
            MailOutcome::Ignored => "ignored",
            MailOutcome::TooLarge => "too_large",
            MailOutcome::Unreadable => "unreadable",
        }
    }
}

/// Counts of what was read, for the sync state.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailCounts {
    pub counted: u64,
    pub ignored: u64,
    pub too_large: u64,
    pub unreadable: u64,
}

pub struct MailMessages<'c> {
    conn: &'c Connection,
    now: i64,
}

impl<'c> MailMessages<'c> {
    pub(crate) fn new(conn: &'c Connection, now: i64) -> Self {
        Self { conn, now }
    }

    pub fn seen(&self, key: &str) -> Result<bool> {
        Ok(row(
            self.conn,
            "SELECT EXISTS (SELECT 1 FROM mail_messages WHERE key = ?1)",
            [key],
            |r| r.get(0),
        )?)
    }

    /// Records a mail as read. `false` when it was already (nothing changes then).
    pub fn record(
        &self,
        key: &str,
        outcome: MailOutcome,
        detail: &str,
        case_id: Option<i64>,
        place: Option<(&str, u32)>,
    ) -> Result<bool> {
        let n = exec(
            self.conn,
            "INSERT INTO mail_messages (key, outcome, detail, case_id, folder, uid, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (key) DO NOTHING",
            params![
                key,
                outcome.as_str(),
                detail,
                case_id,
                place.map(|p| p.0),
                place.map(|p| p.1),
                self.now
            ],
        )?;
        Ok(n == 1)
    }

    pub fn counts(&self) -> Result<MailCounts> {
        let mut c = MailCounts::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT outcome, count(*) FROM mail_messages GROUP BY outcome")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
        for row in rows {
            let (outcome, n) = row?;
            match outcome.as_str() {
                "counted" => c.counted = n,
                "ignored" => c.ignored = n,
                "too_large" => c.too_large = n,
                _ => c.unreadable += n,
            }
        }
        Ok(c)
    }

    /// Forgets the mails that did not count (the senders or rules changed: they may count now). Mails
    /// that counted stay read, so they are never counted twice.
    pub fn forget_uncounted(&self) -> Result<()> {
        self.conn
            .execute("DELETE FROM mail_messages WHERE outcome <> 'counted'", [])?;
        Ok(())
    }
}
