//! The `cases` table's lists: newest first a page at a time (all, or one CJ account's, from its
//! index), and the cases a polling source still asks about.

use rusqlite::params;

use super::cases::{case, Case, Cases, COLUMNS};
use super::{AccountFilter, PageCursor};
use crate::error::Result;

impl Cases<'_> {
    /// Every listed case, most recently created first.
    pub fn list(&self, limit: u32) -> Result<Vec<Case>> {
        self.list_page(limit, None)
    }

    /// The listed (not dismissed) cases, newest first, `limit` at a time: the page after `after` (the
    /// last case of the previous page), or the first page.
    pub fn list_page(&self, limit: u32, after: Option<PageCursor>) -> Result<Vec<Case>> {
        self.list_page_for(limit, after, &AccountFilter::All)
    }

    /// [`Self::list_page`], only the cases `filter` admits.
    pub fn list_page_for(
        &self,
        limit: u32,
        after: Option<PageCursor>,
        filter: &AccountFilter,
    ) -> Result<Vec<Case>> {
        // One statement per kind of filter, so each gets its own plan: one account's cases are read in
        // list order from `cases_by_account` (the account is its draft's, kept by triggers).
        let (term, account) = match filter {
            AccountFilter::All => ("", None),
            AccountFilter::NoAccount => ("AND cj_account IS NULL", None),
            AccountFilter::Account(id) => ("AND cj_account = ?4", Some(id.as_str())),
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM cases
             WHERE (?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND id < ?3))
               AND dismissed_at IS NULL {term}
             ORDER BY created_at DESC, id DESC LIMIT ?1"
        ))?;
        let (at, id) = (after.map(|c| c.at), after.map(|c| c.id));
        let rows = match account {
            Some(a) => stmt.query_map(params![limit, at, id, a], case)?,
            None => stmt.query_map(params![limit, at, id], case)?,
        };
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The cases of `filer` still being polled (`active`, or `final` with its last check due).
    pub fn watched(&self, filer: &str) -> Result<Vec<Case>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM cases WHERE filer = ?1 AND watch IN ('active', 'final')
               AND dismissed_at IS NULL ORDER BY id"
        ))?;
        let rows = stmt.query_map([filer], case)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The id and number of each case of `filer` still being polled: what a sweep asks about (a
    /// narrow read, so a sweep over 10,000 cases holds the store for as short as it can).
    pub fn watched_numbers(&self, filer: &str) -> Result<Vec<(i64, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_number FROM cases WHERE filer = ?1 AND watch IN ('active', 'final')
               AND dismissed_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([filer], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
