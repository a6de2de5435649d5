//! The catalogue's order: a reason or sub reason moved one place up or down, within the list shown
//! (the publishers', the advertisers' or the whole catalogue) — rows of another list keep their places.

use rusqlite::params;

use super::reasons::Reasons;
use crate::cj_account::CjKind;
use crate::error::{Error, Result};

/// `scope`, narrowed to the rows in `kind`'s list (the kinds' names are fixed words, not user text).
fn in_list(kind: Option<CjKind>, scope: &str) -> String {
    match kind {
        None => scope.to_owned(),
        Some(k) => format!("({scope}) AND audience IN ('both', '{}')", k.as_str()),
    }
}

impl Reasons<'_> {
    /// Moves a reason one place up (`-1`) or down (`+1`).
    pub fn shift(&self, id: i64, by: i32) -> Result<()> {
        self.shift_in_list(id, by, None)
    }

    /// Moves a reason past its neighbour in `kind`'s list (`None`: the whole catalogue).
    pub fn shift_in_list(&self, id: i64, by: i32, kind: Option<CjKind>) -> Result<()> {
        self.shift_in("case_reasons", "1 = 1", &in_list(kind, "1 = 1"), id, by)
    }

    pub fn shift_sub(&self, id: i64, by: i32) -> Result<()> {
        self.shift_sub_in_list(id, by, None)
    }

    /// Moves a sub reason past its neighbour in `kind`'s list (`None`: every sub reason of its reason).
    pub fn shift_sub_in_list(&self, id: i64, by: i32, kind: Option<CjKind>) -> Result<()> {
        const OF_ITS_REASON: &str = "reason_id = (SELECT reason_id FROM sub_reasons WHERE id = ?1)";
        self.shift_in(
            "sub_reasons",
            OF_ITS_REASON,
            &in_list(kind, OF_ITS_REASON),
            id,
            by,
        )
    }

    /// Swaps a row with its neighbour among the rows `scope` chooses (which may use ?1), then numbers
    /// every row `base` chooses again in that order: rows of another list keep their places.
    fn shift_in(&self, table: &str, base: &str, scope: &str, id: i64, by: i32) -> Result<()> {
        if by != -1 && by != 1 {
            return Err(Error::invalid(
                crate::Code::InvalidArgument,
                "A move is one place up (-1) or down (+1).",
            ));
        }
        let ids_in = |scope: &str| -> Result<Vec<i64>> {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT id FROM {table} WHERE {scope} ORDER BY position, id"
            ))?;
            let rows = if scope.contains("?1") {
                stmt.query_map([id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            } else {
                stmt.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            Ok(rows)
        };
        let shown = ids_in(scope)?;
        let Some(at) = shown.iter().position(|&x| x == id) else {
            return Err(Error::NotFound {
                what: "catalogue entry",
                id,
            });
        };
        let to = at as i64 + by as i64;
        if to < 0 || to >= shown.len() as i64 {
            return Ok(());
        }
        let other = shown[to as usize];
        let mut ids = ids_in(base)?;
        let (Some(a), Some(b)) = (
            ids.iter().position(|&x| x == id),
            ids.iter().position(|&x| x == other),
        ) else {
            return Ok(());
        };
        ids.swap(a, b);
        let tx = self.conn.unchecked_transaction()?;
        for (pos, rid) in ids.iter().enumerate() {
            tx.execute(
                &format!("UPDATE {table} SET position = ?2 WHERE id = ?1"),
                params![rid, pos as i64 + 1],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
