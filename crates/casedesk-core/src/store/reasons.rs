//! The `case_reasons` and `sub_reasons` tables: the editable catalogue behind Case Reason / Sub Reason.
//!
//! No public page lists CJ's reasons, so the user owns this list: add, rename, reorder, remove (only when
//! no draft uses it); import / export as JSON is [`super::reasons_catalogue`].

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::draft::{ReasonLookup, SubReasonLookup};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubReason {
    pub id: i64,
    pub name: String,
    /// Comma-separated phrases that suggest this sub reason ([`crate::suggest`]).
    pub keywords: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    pub id: i64,
    pub name: String,
    pub sub_reasons: Vec<SubReason>,
    /// How many live drafts use this reason (a used reason cannot be removed).
    pub used_by: i64,
    /// Comma-separated phrases that suggest this reason ([`crate::suggest`]).
    pub keywords: String,
    /// The description template "Insert template" uses for this reason ("" — the general one).
    pub template: String,
}

pub struct Reasons<'c> {
    pub(super) conn: &'c Connection,
}

const NAME_MAX: usize = 120;

pub(super) fn clean_name(field: &'static str, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::field(
            field,
            crate::Code::NameRequired,
            "A name is required.",
        ));
    }
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(Error::field(
            field,
            crate::Code::NameInvalid,
            format!("A name is one line of at most {NAME_MAX} characters."),
        ));
    }
    Ok(name.to_owned())
}

fn map_unique(e: rusqlite::Error, field: &'static str, name: &str) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::field(
            field,
            crate::Code::NameTaken,
            format!("“{name}” is already in the list."),
        ),
        _ => e.into(),
    }
}

impl<'c> Reasons<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self { conn }
    }

    pub fn list(&self) -> Result<Vec<Reason>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.name, (SELECT count(*) FROM drafts d WHERE d.reason_id = r.id AND d.deleted_at IS NULL),
                    r.keywords, r.template
             FROM case_reasons r ORDER BY r.position, r.id",
        )?;
        let mut reasons: Vec<Reason> = stmt
            .query_map([], |r| {
                Ok(Reason {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    sub_reasons: Vec::new(),
                    used_by: r.get(2)?,
                    keywords: r.get(3)?,
                    template: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut subs = self.conn.prepare_cached(
            "SELECT id, reason_id, name, keywords FROM sub_reasons ORDER BY position, id",
        )?;
        let rows = subs.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (id, reason_id, name, keywords) = row?;
            if let Some(reason) = reasons.iter_mut().find(|r| r.id == reason_id) {
                reason.sub_reasons.push(SubReason { id, name, keywords });
            }
        }
        Ok(reasons)
    }

    /// What the catalogue says about a draft's choice, for the field rules.
    pub fn lookup(
        &self,
        reason_id: Option<i64>,
        sub_reason_id: Option<i64>,
    ) -> Result<ReasonLookup> {
        let Some(reason_id) = reason_id else {
            return Ok(ReasonLookup::None);
        };
        let subs: Option<i64> = self
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM sub_reasons WHERE reason_id = r.id) FROM case_reasons r WHERE r.id = ?1",
                [reason_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(subs) = subs else {
            return Ok(ReasonLookup::Unknown);
        };
        let sub_reason = match sub_reason_id {
            None => SubReasonLookup::None,
            Some(sid) => {
                let belongs: bool = self.conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM sub_reasons WHERE id = ?1 AND reason_id = ?2)",
                    params![sid, reason_id],
                    |r| r.get(0),
                )?;
                if belongs {
                    SubReasonLookup::BelongsToReason
                } else {
                    SubReasonLookup::NotOfThisReason
                }
            }
        };
        Ok(ReasonLookup::Known {
            has_sub_reasons: subs > 0,
            sub_reason,
        })
    }

    pub fn add(&self, name: &str) -> Result<i64> {
        let name = clean_name("reason", name)?;
        super::write_returning(
            self.conn,
            "INSERT INTO case_reasons (name, position)
             VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM case_reasons)) RETURNING id",
            [&name],
            |r| r.get(0),
        )
        .map_err(|e| match e {
            Error::Storage(e) => map_unique(e, "reason", &name),
            other => other,
        })?
        .ok_or_else(|| Error::invalid(crate::Code::Storage, "the new reason has no id"))
    }

    pub fn rename(&self, id: i64, name: &str) -> Result<()> {
        let name = clean_name("reason", name)?;
        let n = self
            .conn
            .execute(
                "UPDATE case_reasons SET name = ?2 WHERE id = ?1",
                params![id, name],
            )
            .map_err(|e| map_unique(e, "reason", &name))?;
        if n == 0 {
            return Err(Error::NotFound {
                what: "case reason",
                id,
            });
        }
        Ok(())
    }

    /// Removes a reason no draft uses (drafts in the trash count: they may be restored).
    pub fn remove(&self, id: i64) -> Result<()> {
        let used: i64 = self.conn.query_row(
            "SELECT count(*) FROM drafts WHERE reason_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if used > 0 {
            return Err(Error::field(
                "reason",
                crate::Code::ReasonInUse,
                format!(
                    "This reason is used by {used} draft(s); choose another reason for them first."
                ),
            ));
        }
        if self
            .conn
            .execute("DELETE FROM case_reasons WHERE id = ?1", [id])?
            == 0
        {
            return Err(Error::NotFound {
                what: "case reason",
                id,
            });
        }
        Ok(())
    }

    /// Moves a reason one place up (`-1`) or down (`+1`).
    pub fn shift(&self, id: i64, by: i32) -> Result<()> {
        self.shift_in("case_reasons", "1 = 1", id, by)
    }

    pub fn add_sub(&self, reason_id: i64, name: &str) -> Result<i64> {
        let name = clean_name("sub_reason", name)?;
        super::write_returning(
                self.conn,
                "INSERT INTO sub_reasons (reason_id, name, position)
                 VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM sub_reasons WHERE reason_id = ?1))
                 RETURNING id",
                params![reason_id, name],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                Error::Storage(e) => match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation)
                        if self.lookup(Some(reason_id), None).ok() == Some(ReasonLookup::Unknown) =>
                    {
                        Error::NotFound { what: "case reason", id: reason_id }
                    }
                    _ => map_unique(e, "sub_reason", &name),
                },
                other => other,
            })?
            .ok_or_else(|| Error::invalid(crate::Code::Storage, "the new sub reason has no id"))
    }

    pub fn rename_sub(&self, id: i64, name: &str) -> Result<()> {
        let name = clean_name("sub_reason", name)?;
        let n = self
            .conn
            .execute(
                "UPDATE sub_reasons SET name = ?2 WHERE id = ?1",
                params![id, name],
            )
            .map_err(|e| map_unique(e, "sub_reason", &name))?;
        if n == 0 {
            return Err(Error::NotFound {
                what: "sub reason",
                id,
            });
        }
        Ok(())
    }

    pub fn remove_sub(&self, id: i64) -> Result<()> {
        let used: i64 = self.conn.query_row(
            "SELECT count(*) FROM drafts WHERE sub_reason_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if used > 0 {
            return Err(Error::field(
                "sub_reason",
                crate::Code::ReasonInUse,
                format!(
                    "This sub reason is used by {used} draft(s); choose another for them first."
                ),
            ));
        }
        if self
            .conn
            .execute("DELETE FROM sub_reasons WHERE id = ?1", [id])?
            == 0
        {
            return Err(Error::NotFound {
                what: "sub reason",
                id,
            });
        }
        Ok(())
    }

    pub fn shift_sub(&self, id: i64, by: i32) -> Result<()> {
        self.shift_in(
            "sub_reasons",
            "reason_id = (SELECT reason_id FROM sub_reasons WHERE id = ?1)",
            id,
            by,
        )
    }

    /// Swaps a row's position with its neighbour in `table` (rows chosen by `scope`, which may use ?1).
    fn shift_in(&self, table: &str, scope: &str, id: i64, by: i32) -> Result<()> {
        if by != -1 && by != 1 {
            return Err(Error::invalid(
                crate::Code::InvalidArgument,
                "A move is one place up (-1) or down (+1).",
            ));
        }
        let mut ids: Vec<i64> = {
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
            rows
        };
        let Some(at) = ids.iter().position(|&x| x == id) else {
            return Err(Error::NotFound {
                what: "catalogue entry",
                id,
            });
        };
        let to = at as i64 + by as i64;
        if to < 0 || to >= ids.len() as i64 {
            return Ok(());
        }
        ids.swap(at, to as usize);
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
