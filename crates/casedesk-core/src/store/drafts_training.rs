//! The drafts as the reason classifier learns from them ([`crate::suggest`]): the reasons users chose,
//! with their subjects and the start of their descriptions.

use rusqlite::params;

use super::Drafts;
use crate::error::Result;

/// A past draft with its chosen reason: (reason, sub reason, subject, start of description).
pub type Example = (i64, Option<i64>, String, String);

impl Drafts<'_> {
    /// The most recent `limit` live drafts with a reason, except `except` (the draft being typed).
    pub fn training_set(&self, except: i64, limit: i64, chars: i64) -> Result<Vec<Example>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT reason_id, sub_reason_id, subject, substr(description, 1, ?3) FROM drafts
             WHERE reason_id IS NOT NULL AND deleted_at IS NULL AND id != ?1
             ORDER BY updated_at DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![except, limit, chars], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// [`Self::training_set`], only drafts for one of `accounts` when it is given (one kind's drafts:
    /// the suggestion learns per kind of CJ account).
    pub fn training_set_of(
        &self,
        except: i64,
        limit: i64,
        chars: i64,
        accounts: Option<&[String]>,
    ) -> Result<Vec<Example>> {
        let Some(accounts) = accounts else {
            return self.training_set(except, limit, chars);
        };
        if accounts.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; accounts.len()].join(", ");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT reason_id, sub_reason_id, subject, substr(description, 1, ?3) FROM drafts
             WHERE reason_id IS NOT NULL AND deleted_at IS NULL AND id != ?1
               AND cj_account IN ({marks})
             ORDER BY updated_at DESC LIMIT ?2"
        ))?;
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&except, &limit, &chars];
        values.extend(accounts.iter().map(|a| a as &dyn rusqlite::ToSql));
        let rows = stmt.query_map(values.as_slice(), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Changes when the training set may have changed (a draft other than `except` saved, given a
    /// reason, or deleted).
    pub fn training_signature(&self, except: i64) -> Result<String> {
        let (count, last, sum): (i64, Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT count(*), max(updated_at), sum(reason_id * 7 + coalesce(sub_reason_id, 0))
             FROM drafts WHERE reason_id IS NOT NULL AND deleted_at IS NULL AND id != ?1",
            [except],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(format!("{count}:{last:?}:{sum:?}"))
    }
}
