//! The `cases` table: case numbers, who filed them, their current status, and how they are watched.
//! What a check observes (a status, a reply, an error, a number found in mail) is recorded in
//! [`super::observations`].
//!
//! A change is one transaction: the case row and its timeline entry ([`super::history`]) commit together,
//! and the change is returned only after the commit, so a notification is never shown for a change that
//! was not stored. The first status seen for a case is history, never news.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::history::{self, bad_text, EventKind, HistoryEntry, NewEntry, StatusChange};
use super::{commit, exec, own_tx, row};
use crate::error::{Error, Result};
use crate::kinds::FilerKind;
use crate::kinds::SourceKind;

/// Whether a polling source still asks about the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Watch {
    /// Followed.
    Active,
    /// A terminal status was polled; one more check is due.
    Final,
    /// Closed: not polled any more ("Watch again" reopens it).
    Stopped,
}

impl Watch {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Watch::Active => "active",
            Watch::Final => "final",
            Watch::Stopped => "stopped",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        [Watch::Active, Watch::Final, Watch::Stopped]
            .into_iter()
            .find(|w| w.as_str() == s)
    }
}

/// How the case came to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Typed by the user, or sent through a filer.
    User,
    /// Found in the user's mail.
    Mail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: i64,
    pub filer: FilerKind,
    pub case_number: String,
    pub draft_id: Option<i64>,
    pub subject: String,
    pub status: Option<String>,
    pub remote_updated: Option<String>,
    pub last_checked_at: Option<i64>,
    pub last_error: Option<String>,
    pub muted: bool,
    pub watch: Watch,
    pub origin: Origin,
    pub dismissed: bool,
    pub created_at: i64,
    /// The CJ account its draft is for (none: no draft, or a draft for no account).
    pub cj_account: Option<String>,
    /// Found in the team's shared mailbox with no draft of the user's: filed by someone else.
    pub by_colleague: bool,
}

/// Trims, strips a leading `#`, and checks a case number: 1–64 letters, digits, `-`, `_` or `.`.
pub fn normalise_case_number(raw: &str) -> Result<String> {
    let n = raw.trim();
    let n = n.strip_prefix('#').unwrap_or(n).trim();
    if n.is_empty() {
        return Err(Error::field(
            "case_number",
            crate::Code::CaseNumberRequired,
            "Enter the case number CJ gave you.",
        ));
    }
    if n.len() > 64
        || !n
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(Error::field(
            "case_number",
            crate::Code::CaseNumberInvalid,
            "A case number is letters, digits, '-', '_' or '.' (at most 64), like 01234567.",
        ));
    }
    Ok(n.to_owned())
}

pub struct Cases<'c> {
    pub(super) conn: &'c Connection,
    pub(super) now: i64,
}

pub(super) const COLUMNS: &str =
    "id, filer, case_number, draft_id, subject, status, remote_updated, last_checked_at, \
                       last_error, muted, watch, origin, dismissed_at, created_at, by_colleague, \
                       cj_account";

/// A case row as the app shows it: its texts (from mail and helpdesks, perhaps stored by a release that
/// did not clean them on the way in) pass through [`crate::text`] on the way out too, so no bidi
/// control or control character reaches the case list, the case page or a notification.
pub(super) fn case(r: &Row<'_>) -> rusqlite::Result<Case> {
    use crate::text::shown_line_owned as line;
    let filer: String = r.get(1)?;
    let watch: String = r.get(10)?;
    let origin: String = r.get(11)?;
    Ok(Case {
        id: r.get(0)?,
        filer: FilerKind::parse(&filer).ok_or_else(|| bad_text(1, &filer))?,
        case_number: r.get(2)?,
        draft_id: r.get(3)?,
        subject: line(r.get(4)?),
        status: r.get::<_, Option<String>>(5)?.map(line),
        remote_updated: r.get(6)?,
        last_checked_at: r.get(7)?,
        last_error: r.get::<_, Option<String>>(8)?.map(line),
        muted: r.get(9)?,
        watch: Watch::parse(&watch).ok_or_else(|| bad_text(10, &watch))?,
        origin: match origin.as_str() {
            "mail" => Origin::Mail,
            "user" => Origin::User,
            other => return Err(bad_text(11, other)),
        },
        dismissed: r.get::<_, Option<i64>>(12)?.is_some(),
        created_at: r.get(13)?,
        by_colleague: r.get(14)?,
        cj_account: r.get(15)?,
    })
}

impl<'c> Cases<'c> {
    pub(crate) fn new(conn: &'c Connection, now: i64) -> Self {
        Self { conn, now }
    }

    /// Adds a case. `status` is the first status known (none for a case added by number to a polling
    /// filer: the first poll fills it in, without a notification).
    pub fn add(
        &self,
        filer: &str,
        number: &str,
        draft_id: Option<i64>,
        subject: &str,
        status: Option<&str>,
    ) -> Result<Case> {
        let tx = own_tx(self.conn)?;
        let id = self.insert(filer, number, draft_id, subject, "user", status)?;
        if let Some(status) = status {
            history::insert(
                self.conn,
                &NewEntry {
                    case_id: id,
                    kind: EventKind::Status,
                    old_status: None,
                    new_status: Some(status),
                    body: None,
                    at: self.now,
                    source: SourceKind::Added,
                    message_id: None,
                    notified: true,
                },
            )?;
        }
        commit(tx)?;
        self.get(id)
    }

    pub(super) fn insert(
        &self,
        filer: &str,
        number: &str,
        draft_id: Option<i64>,
        subject: &str,
        origin: &str,
        status: Option<&str>,
    ) -> Result<i64> {
        let number = normalise_case_number(number)?;
        let filer = FilerKind::parse(filer).ok_or_else(|| {
            Error::field(
                "filer",
                crate::Code::FilerUnknown,
                format!("Unknown filer {filer:?}."),
            )
        })?;
        let id: i64 = row(
            self.conn,
            "INSERT INTO cases (filer, case_number, draft_id, subject, status, created_at, origin)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            params![
                filer.as_str(),
                number,
                draft_id,
                subject,
                status,
                self.now,
                origin
            ],
            |r| r.get(0),
        )
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => Error::field(
                "case_number",
                crate::Code::CaseNumberTaken,
                format!("Case {number} is already in your list."),
            ),
            _ => e.into(),
        })?;
        if let Some(d) = draft_id {
            exec(
                self.conn,
                "UPDATE drafts SET submitted_at = ?2, awaiting_number_since = NULL
                 WHERE id = ?1 AND submitted_at IS NULL",
                params![d, self.now],
            )?;
        }
        Ok(id)
    }

    pub(super) fn change(
        &self,
        case: &Case,
        history_id: i64,
        kind: EventKind,
        old: Option<String>,
        new: Option<String>,
        excerpt: Option<String>,
    ) -> StatusChange {
        StatusChange {
            history_id,
            case_id: case.id,
            case_number: case.case_number.clone(),
            filer: case.filer,
            draft_id: case.draft_id,
            subject: case.subject.clone(),
            kind,
            old_status: old,
            new_status: new,
            excerpt,
            muted: case.muted || case.dismissed,
            by_colleague: case.by_colleague && case.draft_id.is_none(),
        }
    }

    pub fn get(&self, id: i64) -> Result<Case> {
        row(
            self.conn,
            &format!("SELECT {COLUMNS} FROM cases WHERE id = ?1"),
            [id],
            case,
        )
        .optional()?
        .ok_or(Error::NotFound { what: "case", id })
    }

    pub fn find(&self, filer: &str, number: &str) -> Result<Option<Case>> {
        Ok(row(
            self.conn,
            &format!("SELECT {COLUMNS} FROM cases WHERE filer = ?1 AND case_number = ?2"),
            params![filer, number],
            case,
        )
        .optional()?)
    }

    /// The case filed from this draft, if any.
    pub fn for_draft(&self, draft_id: i64) -> Result<Option<Case>> {
        Ok(row(
            self.conn,
            &format!("SELECT {COLUMNS} FROM cases WHERE draft_id = ?1 ORDER BY id LIMIT 1"),
            [draft_id],
            case,
        )
        .optional()?)
    }

    /// The case with this number, whoever filed it (mail names numbers, not filers); a `cj-web` case
    /// first when two filers share a number.
    pub fn find_number(&self, number: &str) -> Result<Option<Case>> {
        Ok(row(
            self.conn,
            &format!(
                "SELECT {COLUMNS} FROM cases WHERE case_number = ?1
                     ORDER BY filer <> 'cj-web', id LIMIT 1"
            ),
            [number],
            case,
        )
        .optional()?)
    }

    /// `true` when this call marked it (it was not notified before): the caller may notify.
    pub fn mark_notified(&self, history_id: i64) -> Result<bool> {
        history::mark_notified(self.conn, history_id)
    }

    /// Entries stored but not yet notified (the app stopped between the commit and the notification).
    pub fn pending_notifications(&self) -> Result<Vec<StatusChange>> {
        history::pending(self.conn)
    }

    pub fn history(&self, case_id: i64) -> Result<Vec<HistoryEntry>> {
        history::timeline(self.conn, case_id)
    }

    pub(super) fn update_one(
        &self,
        sql: &str,
        case_id: i64,
        p: &dyn rusqlite::ToSql,
    ) -> Result<()> {
        if exec(self.conn, sql, params![case_id, p])? == 0 {
            return Err(Error::NotFound {
                what: "case",
                id: case_id,
            });
        }
        Ok(())
    }

    pub fn set_muted(&self, case_id: i64, muted: bool) -> Result<()> {
        self.update_one("UPDATE cases SET muted = ?2 WHERE id = ?1", case_id, &muted)
    }

    /// Starts watching a case again (after a terminal status stopped it).
    pub fn rewatch(&self, case_id: i64) -> Result<()> {
        self.update_one(
            "UPDATE cases SET watch = ?2 WHERE id = ?1",
            case_id,
            &"active",
        )
    }
}
