//! The schema's migrations and the runner that applies them: the file copied aside first, foreign
//! keys off around the steps (SQLite's procedure for making a table again), each step checked against
//! them before it commits, and the schema version moved one step per migration.

use super::{Store, DB_FILE};
use crate::error::{Error, Result};

/// The migrations, in order. Migration `i` (0-based) moves the schema to version `i + 1`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_drafts",
        include_str!("../../migrations/0001_drafts.sql"),
    ),
    (
        "0002_cases",
        include_str!("../../migrations/0002_cases.sql"),
    ),
    (
        "0003_fts_only_on_text_change",
        include_str!("../../migrations/0003_fts_only_on_text_change.sql"),
    ),
    (
        "0004_list_indexes",
        include_str!("../../migrations/0004_list_indexes.sql"),
    ),
    (
        "0005_deferred_fts",
        include_str!("../../migrations/0005_deferred_fts.sql"),
    ),
    (
        "0006_filers_and_sources",
        include_str!("../../migrations/0006_filers_and_sources.sql"),
    ),
    (
        "0007_outbox_life_cycle",
        include_str!("../../migrations/0007_outbox_life_cycle.sql"),
    ),
    (
        "0008_source_error_code",
        include_str!("../../migrations/0008_source_error_code.sql"),
    ),
    (
        "0009_secrets",
        include_str!("../../migrations/0009_secrets.sql"),
    ),
    (
        "0010_reason_keywords",
        include_str!("../../migrations/0010_reason_keywords.sql"),
    ),
    (
        "0011_cases_search",
        include_str!("../../migrations/0011_cases_search.sql"),
    ),
    (
        "0012_pictures",
        include_str!("../../migrations/0012_pictures.sql"),
    ),
    (
        "0013_mail_accounts",
        include_str!("../../migrations/0013_mail_accounts.sql"),
    ),
    (
        "0014_cj_accounts",
        include_str!("../../migrations/0014_cj_accounts.sql"),
    ),
    (
        "0015_reason_kinds",
        include_str!("../../migrations/0015_reason_kinds.sql"),
    ),
    (
        "0016_filed_by_a_colleague",
        include_str!("../../migrations/0016_filed_by_a_colleague.sql"),
    ),
    (
        "0017_cases_account",
        include_str!("../../migrations/0017_cases_account.sql"),
    ),
    (
        "0018_remote_not_provider",
        include_str!("../../migrations/0018_remote_not_provider.sql"),
    ),
    (
        "0019_no_filer_or_source_checks",
        include_str!("../../migrations/0019_no_filer_or_source_checks.sql"),
    ),
];

impl Store {
    /// The schema version this build expects.
    pub fn schema_version() -> i64 {
        MIGRATIONS.len() as i64
    }

    pub(super) fn migrate(&mut self, migrations: &[(&str, &str)]) -> Result<()> {
        let current: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let target = migrations.len() as i64;
        if current > target {
            return Err(Error::invalid(
                crate::Code::DatabaseTooNew,
                format!("This database was written by a newer Casedesk (schema {current}, this build knows {target}). Update Casedesk."),
            ));
        }
        if current == target {
            return Ok(());
        }
        if current > 0 {
            // Copy the file aside first, so a failed migration can be undone by hand.
            let backup = self.dir.join(format!("{DB_FILE}.before-v{}", current + 1));
            let _ = std::fs::remove_file(&backup);
            self.conn
                .execute("VACUUM INTO ?1", [backup.to_string_lossy().as_ref()])?;
        }
        // SQLite's procedure for making a table again: foreign keys off (outside a transaction, where
        // the pragma takes effect), each migration checked against them before it commits, and on
        // again whatever happened. Without it, dropping a table others point at would run their
        // `ON DELETE` actions (0019 makes `cases` again).
        self.conn.pragma_update(None, "foreign_keys", false)?;
        let applied = self.apply_migrations(migrations, current);
        self.conn.pragma_update(None, "foreign_keys", true)?;
        applied
    }

    fn apply_migrations(&mut self, migrations: &[(&str, &str)], current: i64) -> Result<()> {
        for (i, (name, sql)) in migrations.iter().enumerate().skip(current as usize) {
            let version = i as i64 + 1;
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            let broken: i64 =
                tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
            if broken > 0 {
                tracing::error!(migration = name, broken, "a migration broke foreign keys");
                return Err(Error::invalid(
                    crate::Code::Internal,
                    format!(
                        "Casedesk could not update its database ({name}); that step was undone."
                    ),
                ));
            }
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
            tracing::info!(migration = name, version, "applied migration");
        }
        Ok(())
    }
}
