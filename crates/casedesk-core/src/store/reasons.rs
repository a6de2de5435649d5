//! The `case_reasons` and `sub_reasons` tables: the editable catalogue behind Case Reason / Sub Reason.
//!
//! No public page lists CJ's reasons, so the user owns this list: add, rename, reorder, remove (only when
//! no draft uses it); import / export as JSON is [`super::reasons_catalogue`].

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::cj_account::{Audience, CjKind};
use crate::draft::{ReasonLookup, SubReasonLookup};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubReason {
    pub id: i64,
    pub name: String,
    /// Comma-separated phrases that suggest this sub reason ([`crate::suggest`]).
    pub keywords: String,
    /// Whose list it is in: publishers', advertisers' or both.
    pub audience: Audience,
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
    /// Whose list it is in: publishers', advertisers' or both.
    pub audience: Audience,
}

impl Reason {
    /// This reason as `kind`'s list shows it (`None` when it is not in that list): only the sub
    /// reasons that list has.
    pub fn for_kind(&self, kind: Option<CjKind>) -> Option<Reason> {
        if !self.audience.fits(kind) {
            return None;
        }
        let mut r = self.clone();
        r.sub_reasons.retain(|s| s.audience.fits(kind));
        Some(r)
    }
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
                    r.keywords, r.template, r.audience
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
                    audience: Audience::parse(&r.get::<_, String>(5)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut subs = self.conn.prepare_cached(
            "SELECT id, reason_id, name, keywords, audience FROM sub_reasons ORDER BY position, id",
        )?;
        let rows = subs.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                SubReason {
                    id: r.get(0)?,
                    name: r.get(2)?,
                    keywords: r.get(3)?,
                    audience: Audience::parse(&r.get::<_, String>(4)?),
                },
            ))
        })?;
        for row in rows {
            let (_, reason_id, sub) = row?;
            if let Some(reason) = reasons.iter_mut().find(|r| r.id == reason_id) {
                reason.sub_reasons.push(sub);
            }
        }
        Ok(reasons)
    }

    /// `kind`'s list (`None`: the whole catalogue).
    pub fn list_for(&self, kind: Option<CjKind>) -> Result<Vec<Reason>> {
        Ok(self
            .list()?
            .iter()
            .filter_map(|r| r.for_kind(kind))
            .collect())
    }

    /// What the catalogue says about a draft's choice, for the field rules, against the list of the
    /// draft's kind of account (`None`: a draft for no account, the whole catalogue).
    pub fn lookup(
        &self,
        reason_id: Option<i64>,
        sub_reason_id: Option<i64>,
        kind: Option<CjKind>,
    ) -> Result<ReasonLookup> {
        let Some(reason_id) = reason_id else {
            return Ok(ReasonLookup::None);
        };
        // The reason's list, and how many of its sub reasons that list has.
        let found: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT r.audience,
                        (SELECT count(*) FROM sub_reasons WHERE reason_id = r.id
                            AND (audience = 'both' OR ?2 IS NULL OR audience = ?2))
                 FROM case_reasons r WHERE r.id = ?1",
                params![reason_id, kind.map(CjKind::as_str)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((audience, subs)) = found else {
            return Ok(ReasonLookup::Unknown);
        };
        if let (false, Some(kind)) = (Audience::parse(&audience).fits(kind), kind) {
            return Ok(ReasonLookup::OtherKind(kind));
        }
        let sub_reason = match sub_reason_id {
            None => SubReasonLookup::None,
            Some(sid) => {
                let sub: Option<String> = self
                    .conn
                    .query_row(
                        "SELECT audience FROM sub_reasons WHERE id = ?1 AND reason_id = ?2",
                        params![sid, reason_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                match (sub, kind) {
                    (None, _) => SubReasonLookup::NotOfThisReason,
                    (Some(a), Some(kind)) if !Audience::parse(&a).fits(Some(kind)) => {
                        SubReasonLookup::OtherKind(kind)
                    }
                    (Some(_), _) => SubReasonLookup::BelongsToReason,
                }
            }
        };
        Ok(ReasonLookup::Known {
            has_sub_reasons: subs > 0,
            sub_reason,
        })
    }

    /// Adds a reason at the end of the catalogue, in `audience`'s list(s).
    pub fn add(&self, name: &str, audience: Audience) -> Result<i64> {
        let name = clean_name("reason", name)?;
        super::write_returning(
            self.conn,
            "INSERT INTO case_reasons (name, position, audience)
             VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM case_reasons), ?2) RETURNING id",
            params![name, audience.as_str()],
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

    pub fn add_sub(&self, reason_id: i64, name: &str, audience: Audience) -> Result<i64> {
        let name = clean_name("sub_reason", name)?;
        super::write_returning(
                self.conn,
                "INSERT INTO sub_reasons (reason_id, name, position, audience)
                 VALUES (?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM sub_reasons WHERE reason_id = ?1), ?3)
                 RETURNING id",
                params![reason_id, name, audience.as_str()],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                Error::Storage(e) => match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation)
                        if self.lookup(Some(reason_id), None, None).ok() == Some(ReasonLookup::Unknown) =>
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
}
