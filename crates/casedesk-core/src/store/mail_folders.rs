//! The `mail_folders` table: per mail account and folder, the `UIDVALIDITY` and the last UID the mail source read.

use rusqlite::{params, Connection, OptionalExtension};

use super::{exec, row};

use crate::error::Result;

/// Where the next sync of a folder starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderCursor {
    pub uid_validity: u32,
    pub last_uid: u32,
}

pub struct MailFolders<'c> {
    conn: &'c Connection,
    now: i64,
}

impl<'c> MailFolders<'c> {
    pub(crate) fn new(conn: &'c Connection, now: i64) -> Self {
        Self { conn, now }
    }

    pub fn cursor(&self, account: &str, folder: &str) -> Result<Option<FolderCursor>> {
        Ok(row(
            self.conn,
            "SELECT uid_validity, last_uid FROM mail_folders WHERE account = ?1 AND folder = ?2",
            [account, folder],
            |r| {
                Ok(FolderCursor {
                    uid_validity: r.get(0)?,
                    last_uid: r.get(1)?,
                })
            },
        )
        .optional()?)
    }

    /// Moves a folder's cursor on (never back within one `UIDVALIDITY`); a new `UIDVALIDITY` starts over.
    pub fn advance(
        &self,
        account: &str,
        folder: &str,
        uid_validity: u32,
        last_uid: u32,
    ) -> Result<()> {
        exec(
            self.conn,
            "INSERT INTO mail_folders (account, folder, uid_validity, last_uid, synced_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account, folder) DO UPDATE SET
               last_uid = CASE WHEN uid_validity = excluded.uid_validity
                               THEN max(last_uid, excluded.last_uid) ELSE excluded.last_uid END,
               uid_validity = excluded.uid_validity,
               synced_at = excluded.synced_at",
            params![account, folder, uid_validity, last_uid, self.now],
        )?;
        Ok(())
    }

    /// Forgets an account's folder cursors (the account changed or was removed): its next sync reads
    /// the look-back window.
    pub fn forget(&self, account: &str) -> Result<()> {
        exec(
            self.conn,
            "DELETE FROM mail_folders WHERE account = ?1",
            [account],
        )?;
        Ok(())
    }
}
