//! The drafts' FTS5 index: search, the index catching up after edits (it may lag the draft being
//! edited, so a save does not re-tokenise 64 KB twice), and drafts with a similar subject.

use rusqlite::params;

use super::drafts::summary;
use super::{Drafts, SearchHit, SimilarDraft};
use crate::error::Result;
use crate::lint;

/// Turns what the user typed into an FTS5 query: every word must match, the last one (the word being
/// typed) as a prefix and the words before it whole. Quotes make FTS5 operators in the input plain
/// words. `None` when there is no word.
///
/// A prefix term makes FTS5 merge the postings of every word it starts; a whole word reads one list.
/// Words the user finished typing (followed by a space) are taken whole: "commission report" finds
/// "commission" exactly and "report…" as typed (see BENCHMARKS.md, search).
pub(crate) fn fts_prefix_query(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .take(16)
        .collect();
    let last = words.len().checked_sub(1)?;
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let star = if i == last { "*" } else { "" };
            format!("\"{}\"{star}", t.replace('"', "\"\""))
        })
        .collect();
    Some(terms.join(" "))
}

impl Drafts<'_> {
    /// Full-text search over subject and description, newest draft first. FTS5 stops after `limit`
    /// matches in rowid order; ranking by bm25 would score every match (36 ms p99 over 100,000 drafts
    /// where a word is common, against 3 ms this way; see BENCHMARKS.md).
    pub fn search(&self, text: &str, limit: u32) -> Result<Vec<SearchHit>> {
        self.catch_up(None);
        self.search_as_indexed(text, limit)
    }

    /// [`Drafts::search`] without bringing the index up to date first: for the read-only connection,
    /// after [`Drafts::index_is_stale`] said no (or the writer caught up).
    pub fn search_as_indexed(&self, text: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_prefix_query(text) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.subject, r.name, d.updated_at, d.ready, d.awaiting_number_since,
                    snippet(drafts_fts, -1, ?3, ?4, '…', 12)
             FROM drafts_fts
             JOIN drafts d ON d.id = drafts_fts.rowid
             LEFT JOIN case_reasons r ON r.id = d.reason_id
             WHERE drafts_fts MATCH ?1 AND d.deleted_at IS NULL AND d.submitted_at IS NULL
             ORDER BY drafts_fts.rowid DESC LIMIT ?2",
        )?;
        // The matches are marked with strings the text cannot hold (a fresh random number each
        // search), then turned into U+0002/U+0003 once the text's own U+0002/U+0003 are gone: only the
        // search marks a match.
        let nonce = {
            use std::hash::{BuildHasher, Hasher};
            std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish()
        };
        let (open, close) = (
            format!("\u{E000}{nonce:016x}<"),
            format!(">{nonce:016x}\u{E000}"),
        );
        let rows = stmt.query_map(params![query, limit, open, close], |r| {
            let raw: String = r.get(6)?;
            Ok(SearchHit {
                summary: summary(r)?,
                snippet: crate::text::shown(&raw)
                    .replace(&open, "\u{2}")
                    .replace(&close, "\u{3}"),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Brings the search index up to date for every edited draft except `except` (the one being
    /// edited, whose entry would only go stale again at the next keystroke). Returns how many drafts
    /// were re-indexed. Cheap when nothing is stale: one indexed read, no write.
    /// Whether an edit is waiting to be indexed.
    pub fn index_is_stale(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM drafts_fts_stale)", [], |r| {
                r.get(0)
            })?)
    }

    pub fn reindex_stale(&self, except: Option<i64>) -> Result<usize> {
        let except = except.unwrap_or(-1);
        let stale: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM drafts_fts_stale WHERE draft_id <> ?1)",
            [except],
            |r| r.get(0),
        )?;
        if !stale {
            return Ok(0);
        }
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO drafts_fts (drafts_fts, rowid, subject, description)
             SELECT 'delete', draft_id, subject, description FROM drafts_fts_stale WHERE draft_id <> ?1",
            [except],
        )?;
        tx.execute(
            "INSERT INTO drafts_fts (rowid, subject, description)
             SELECT d.id, d.subject, d.description
             FROM drafts_fts_stale s JOIN drafts d ON d.id = s.draft_id WHERE s.draft_id <> ?1",
            [except],
        )?;
        let n = tx.execute(
            "DELETE FROM drafts_fts_stale WHERE draft_id <> ?1",
            [except],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// [`Drafts::reindex_stale`] for a read that needs the index: a failure (a read-only or full disk)
    /// leaves the index a little behind and the read goes on.
    pub fn catch_up(&self, except: Option<i64>) {
        if let Err(e) = self.reindex_stale(except) {
            tracing::warn!(error = %e, "the search index could not catch up; results may lag");
        }
    }

    /// Another live draft whose subject is close to `subject` (FTS5 finds candidates sharing a meaningful
    /// word; the closest with a similarity of at least 0.5 is returned).
    pub fn similar_subject(&self, id: i64, subject: &str) -> Result<Option<SimilarDraft>> {
        let terms = lint::subject_terms(subject);
        if terms.len() < 2 {
            return Ok(None);
        }
        self.catch_up(Some(id));
        let any: Vec<String> = terms
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect();
        let query = format!("subject : ({})", any.join(" OR "));
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.subject FROM drafts_fts JOIN drafts d ON d.id = drafts_fts.rowid
             WHERE drafts_fts MATCH ?1 AND d.deleted_at IS NULL AND d.id <> ?2
             ORDER BY bm25(drafts_fts, 1.0, 0.0) LIMIT 20",
        )?;
        let rows = stmt.query_map(params![query, id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut best: Option<SimilarDraft> = None;
        for row in rows {
            let (other, other_subject) = row?;
            let similarity = lint::subject_similarity(subject, &other_subject);
            if similarity >= 0.5 && best.as_ref().is_none_or(|b| similarity > b.similarity) {
                best = Some(SimilarDraft {
                    id: other,
                    subject: other_subject,
                    similarity,
                });
            }
        }
        Ok(best)
    }
}

#[cfg(test)]
mod tests {
    use super::fts_prefix_query;

    #[test]
    fn fts_operators_typed_by_the_user_are_plain_words() {
        assert_eq!(
            fts_prefix_query("report AND \"tag"),
            Some("\"report\" \"AND\" \"tag\"*".into())
        );
        assert_eq!(fts_prefix_query("  -- ** "), None);
    }
}
