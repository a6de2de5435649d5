//! The SQLite store: one file in the data folder, plus a content-addressed folder of attachment files.
//!
//! It owns opening the database safely (WAL, `synchronous=FULL`, foreign keys, a busy timeout, a quick
//! check), applying the `.sql` migrations in order with the version in `user_version` (after copying the
//! file aside), and start-up housekeeping. Each table has its own module with the SQL for that table; no
//! SQL lives anywhere else. It must never hold a secret.

mod attachments;
mod case_filter;
mod cases;
mod cases_found;
mod cases_index;
mod cases_lists;
mod drafts;
mod drafts_index;
mod drafts_training;
mod history;
mod mail_folders;
mod mail_messages;
mod migrate;
mod observations;
mod outbox;
mod reason_keywords;
mod reasons;
mod reasons_catalogue;
mod reasons_order;
mod secret_dismissals;
mod settings;
mod shared;
mod source_state;
mod threads;

pub use attachments::{Attachment, Attachments, Blob, OldPicture};
pub use case_filter::AccountFilter;
pub use cases::{normalise_case_number, Case, Cases, Origin, Watch};
pub use cases_index::{CaseHit, HitIn};
pub use drafts::{DraftRecord, DraftSummary, Drafts, SavedDraft, SearchHit, SimilarDraft};
pub use drafts_training::Example;
pub use history::{excerpt, EventKind, HistoryEntry, StatusChange};
pub use mail_folders::{FolderCursor, MailFolders};
pub use mail_messages::{MailCounts, MailMessages, MailOutcome};
pub use migrate::MIGRATIONS;
pub use observations::{FoundInMail, Observation};
pub use outbox::{Outbox, OutboxItem, OutboxState};
pub use reason_keywords::ReasonKeywords;
pub use reasons::{Reason, Reasons, SubReason};
pub use reasons_catalogue::{
    parse_catalogue, CatalogueExport, ExportedReason, ExportedSubReason, SubReasonEntry,
    CATALOGUE_VERSION,
};
pub use secret_dismissals::SecretDismissals;
pub use settings::Settings;
pub use shared::{ensure_not_being_sent, lock, on_store, SharedStore, Submitting};
pub use source_state::{SourceState, SourceStates};
pub use threads::Threads;

use rusqlite::{Connection, OptionalExtension, Params, Row};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::clock::Clock;
use crate::error::{Error, Result};

pub const DB_FILE: &str = "casedesk.sqlite3";

/// The oldest system SQLite the store runs on (`RETURNING` came in 3.35).
const MIN_SQLITE: i32 = 3_035_000;

/// Where the next page of a newest-first list starts: the last row shown (its time and id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct PageCursor {
    pub at: i64,
    pub id: i64,
}

/// Runs a write that returns a row (`… RETURNING`) so that a failed commit is an error.
///
/// rusqlite's `query_row` resets the statement after the first row; in autocommit mode the commit
/// happens at that reset, and `query_row` drops its error. A commit that failed (a full disk, a
/// read-only folder) would then look like a successful save. Here the write runs in an explicit
/// transaction whose commit reports failure. Inside a caller's transaction it simply runs.
pub(crate) fn write_returning<T, P: Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    if conn.is_autocommit() {
        let tx = conn.unchecked_transaction()?;
        let out = tx.query_row(sql, params, f).optional()?;
        tx.commit()?;
        Ok(out)
    } else {
        Ok(conn.query_row(sql, params, f).optional()?)
    }
}
/// `query_row` through the statement cache: a mail sync applies hundreds of mails, each a dozen
/// statements, and preparing every one afresh was most of its time (see BENCHMARKS.md).
pub(crate) fn row<T, P: Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// `execute` through the statement cache.
pub(crate) fn exec<P: Params>(conn: &Connection, sql: &str, params: P) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// A transaction of its own, unless the caller's is already open (then the caller's commit counts).
pub(crate) fn own_tx(conn: &Connection) -> Result<Option<rusqlite::Transaction<'_>>> {
    Ok(if conn.is_autocommit() {
        Some(conn.unchecked_transaction()?)
    } else {
        None
    })
}

/// Commits what [`own_tx`] began.
pub(crate) fn commit(tx: Option<rusqlite::Transaction<'_>>) -> Result<()> {
    if let Some(tx) = tx {
        tx.commit()?;
    }
    Ok(())
}

pub const BLOB_DIR: &str = "attachments";
/// Drafts in the trash longer than this are purged at start.
pub const TRASH_KEEP_MS: i64 = 30 * 24 * 3600 * 1000;

pub struct Store {
    conn: Connection,
    dir: PathBuf,
    clock: Arc<dyn Clock>,
}

/// What start-up housekeeping did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Housekeeping {
    pub purged_drafts: usize,
    pub removed_files: usize,
}

impl Store {
    /// Opens (creating if needed) the store in `dir`, migrates it, and checks it.
    pub fn open(dir: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        Self::open_with(dir, clock, MIGRATIONS)
    }

    /// [`Store::open`] with another migration list; for tests of the migration runner only.
    #[doc(hidden)]
    pub fn open_with(
        dir: &Path,
        clock: Arc<dyn Clock>,
        migrations: &[(&str, &str)],
    ) -> Result<Store> {
        if rusqlite::version_number() < MIN_SQLITE {
            return Err(Error::invalid(
                crate::Code::SqliteTooOld,
                format!(
                    "This system's SQLite is {}; Casedesk needs 3.35 or newer.",
                    rusqlite::version()
                ),
            ));
        }
        std::fs::create_dir_all(dir)?;
        std::fs::create_dir_all(dir.join(BLOB_DIR))?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // The hot paths (autosave, a sync's mails) use more distinct statements than the default 16.
        conn.set_prepared_statement_cache_capacity(64);
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "the database could not switch to WAL");
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        let mut store = Store {
            conn,
            dir: dir.to_owned(),
            clock,
        };
        store.migrate(migrations)?;
        Ok(store)
    }

    /// A read-only connection to the store in `dir` (already opened and migrated by [`Store::open`]),
    /// for lists and searches: in WAL mode it reads beside the writer, so a long write (a sweep, an
    /// attachment) never holds up the drafts list. Its write methods fail (`read_only`).
    pub fn open_reader(dir: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        let conn = Connection::open_with_flags(
            dir.join(DB_FILE),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Store {
            conn,
            dir: dir.to_owned(),
            clock,
        })
    }

    /// SQLite's `quick_check` of the store in `dir`, on a read-only connection of its own, so it can
    /// run beside the open store. It reads the whole file (tens of ms for 10,000 drafts), which is why
    /// the app runs it after its window is up rather than in [`Store::open`].
    pub fn quick_check(dir: &Path) -> Result<()> {
        let conn = Connection::open_with_flags(
            dir.join(DB_FILE),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // One pass over every page gains nothing from SQLite's default 2 MB page cache, which it
        // would fill once (a 20 MB store) and free into a thread's malloc arena. 256 KiB holds the
        // interior pages the check walks through.
        conn.pragma_update(None, "cache_size", -256)?;
        // Debian's SQLite reports damage as rows; a bundled build (Windows, macOS) may fail the
        // statement itself with SQLITE_CORRUPT or SQLITE_NOTADB: both are the same finding.
        let check: String = match conn.query_row("PRAGMA quick_check", [], |r| r.get(0)) {
            Ok(check) => check,
            Err(e) if is_damage(&e) => e.to_string(),
            Err(e) => return Err(e.into()),
        };
        if check == "ok" {
            return Ok(());
        }
        tracing::error!(check, "the database failed its check");
        Err(Error::invalid(
            crate::Code::DatabaseCorrupt,
            "The database failed its integrity check, so Casedesk stopped writing to it. What you typed stays in the window: copy it out, then restore a backup or move the file aside.",
        ))
    }

    /// Purges old trash and removes attachment files no draft references (left by a crash or a purge).
    pub fn housekeeping(&self) -> Result<Housekeeping> {
        let cutoff = self.now() - TRASH_KEEP_MS;
        let purged_drafts = self.drafts().purge_trash_before(cutoff)?;
        let removed_files = self.attachments().remove_unreferenced_files()?;
        self.drafts().reindex_stale(None)?;
        Ok(Housekeeping {
            purged_drafts,
            removed_files,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn drafts(&self) -> Drafts<'_> {
        Drafts::new(&self.conn, self.now())
    }

    pub fn attachments(&self) -> Attachments<'_> {
        Attachments::new(&self.conn, self.dir.join(BLOB_DIR), self.now())
    }

    pub fn cases(&self) -> Cases<'_> {
        Cases::new(&self.conn, self.now())
    }

    pub fn outbox(&self) -> Outbox<'_> {
        Outbox::new(&self.conn, self.now())
    }

    pub fn reasons(&self) -> Reasons<'_> {
        Reasons::new(&self.conn)
    }

    pub fn reason_keywords(&self) -> ReasonKeywords<'_> {
        ReasonKeywords::new(&self.conn)
    }

    pub fn secret_dismissals(&self) -> SecretDismissals<'_> {
        SecretDismissals::new(&self.conn, self.now())
    }

    pub fn settings(&self) -> Settings<'_> {
        Settings::new(&self.conn)
    }

    pub fn mail_folders(&self) -> MailFolders<'_> {
        MailFolders::new(&self.conn, self.now())
    }

    pub fn mail_messages(&self) -> MailMessages<'_> {
        MailMessages::new(&self.conn, self.now())
    }

    pub fn threads(&self) -> Threads<'_> {
        Threads::new(&self.conn)
    }

    pub fn source_states(&self) -> SourceStates<'_> {
        SourceStates::new(&self.conn, self.now())
    }

    /// Runs `f` in one transaction: everything it writes commits together, or nothing does. Inside
    /// a caller's transaction it joins that one.
    pub fn in_transaction<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let tx = own_tx(&self.conn)?;
        let out = f(self)?;
        commit(tx)?;
        Ok(out)
    }

    /// `PRAGMA integrity_check`, for tests and diagnostics.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// The raw connection, for the core's own tests and benches only.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Whether SQLite said the file is damaged or is not a database at all.
fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}
