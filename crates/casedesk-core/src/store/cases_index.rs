//! The cases' search indexes (`cases_fts`: numbers and subjects; `history_fts`: the timelines'
//! statuses and reply texts). They catch up by id before a search ([`Cases::search_catch_up`]), so
//! filing a case or reading mail pays nothing for them.

use rusqlite::params;
use serde::Serialize;

use super::cases::{case, COLUMNS};
use super::drafts_index::fts_prefix_query;
use super::{Case, Cases};
use crate::error::Result;

/// Where a case matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitIn {
    /// Its number or subject.
    Case,
    /// A status or a reply in its timeline.
    Timeline,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseHit {
    pub case: Case,
    pub matched_in: HitIn,
    /// The matching text with the matches between `\u{2}` and `\u{3}` (the UI marks them as text).
    pub snippet: String,
}

/// Up to 24 words around the first match, each word starting with a searched word marked between
/// `\u{2}` and `\u{3}` (as FTS5's `snippet` would; these indexes keep no positions).
fn mark(text: &str, words: &[String]) -> String {
    // The markers can only come from here: the text's own U+0002/U+0003 (and bidi controls) go.
    let text = crate::text::shown(text);
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let hit = |t: &str| {
        let t = t
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        !t.is_empty() && words.iter().any(|w| t.starts_with(w.as_str()))
    };
    let first = tokens.iter().position(|t| hit(t)).unwrap_or(0);
    let from = first.saturating_sub(8);
    let to = (from + 24).min(tokens.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    for (i, t) in tokens[from..to].iter().enumerate() {
        if i > 0 || from > 0 {
            out.push(' ');
        }
        if hit(t) {
            out.push('\u{2}');
            out.push_str(t);
            out.push('\u{3}');
        } else {
            out.push_str(t);
        }
    }
    if to < tokens.len() {
        out.push_str(" …");
    }
    out
}

impl Cases<'_> {
    /// Whether cases or timeline entries were added since the indexes last caught up.
    pub fn search_is_stale(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT coalesce((SELECT max(id) FROM cases), 0) > (SELECT last_id FROM search_cursor WHERE name = 'cases')
                 OR coalesce((SELECT max(id) FROM status_history), 0) > (SELECT last_id FROM search_cursor WHERE name = 'history')",
            [],
            |r| r.get(0),
        )?)
    }

    /// Indexes the cases and timeline entries added since the last catch-up (one transaction).
    pub fn search_catch_up(&self) -> Result<()> {
        if !self.search_is_stale()? {
            return Ok(());
        }
        let tx = self.conn.unchecked_transaction()?;
        tx.execute_batch(
            "INSERT INTO cases_fts (rowid, case_number, subject)
                 SELECT id, case_number, subject FROM cases
                 WHERE id > (SELECT last_id FROM search_cursor WHERE name = 'cases');
             UPDATE search_cursor SET last_id = (SELECT coalesce(max(id), last_id) FROM cases) WHERE name = 'cases';
             INSERT INTO history_fts (rowid, text)
                 SELECT id, trim(coalesce(new_status, '') || ' ' || coalesce(body, '')) FROM status_history
                 WHERE id > (SELECT last_id FROM search_cursor WHERE name = 'history');
             UPDATE search_cursor SET last_id = (SELECT coalesce(max(id), last_id) FROM status_history) WHERE name = 'history';",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The rows of one index's match: a case and the text to mark (the column after the case's).
    fn matches(
        &self,
        sql: &str,
        (query, limit, words): (&str, u32, &[String]),
        matched_in: HitIn,
    ) -> Result<Vec<CaseHit>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![query, limit], |r| {
            Ok(CaseHit {
                case: case(r)?,
                matched_in,
                snippet: mark(&r.get::<_, String>(COLUMNS.split(',').count())?, words),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Cases whose number or subject matches, then cases whose timeline matches, newest first, at most
    /// `limit` (dismissed cases left out). Reads the indexes as they are: catch up first.
    pub fn search_as_indexed(&self, text: &str, limit: u32) -> Result<Vec<CaseHit>> {
        let Some(query) = fts_prefix_query(text) else {
            return Ok(Vec::new());
        };
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .take(16)
            .map(str::to_lowercase)
            .collect();
        let cols = COLUMNS
            .split(',')
            .map(|c| format!("c.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let mut out = self.matches(
            &format!(
                "SELECT {cols}, c.case_number || ' ' || c.subject
                 FROM cases_fts JOIN cases c ON c.id = cases_fts.rowid
                 WHERE cases_fts MATCH ?1 AND c.dismissed_at IS NULL
                 ORDER BY cases_fts.rowid DESC LIMIT ?2"
            ),
            (&query, limit, &words),
            HitIn::Case,
        )?;
        if out.len() < limit as usize {
            let timeline = self.matches(
                &format!(
                    "SELECT {cols}, history_fts.text
                     FROM history_fts
                     JOIN status_history h ON h.id = history_fts.rowid
                     JOIN cases c ON c.id = h.case_id
                     WHERE history_fts MATCH ?1 AND c.dismissed_at IS NULL
                     ORDER BY history_fts.rowid DESC LIMIT ?2"
                ),
                (&query, limit * 2, &words),
                HitIn::Timeline,
            )?;
            for hit in timeline {
                if out.len() >= limit as usize {
                    break;
                }
                if !out.iter().any(|h| h.case.id == hit.case.id) {
                    out.push(hit);
                }
            }
        }
        out.sort_by(|a, b| {
            b.case
                .created_at
                .cmp(&a.case.created_at)
                .then(b.case.id.cmp(&a.case.id))
        });
        Ok(out)
    }
}
