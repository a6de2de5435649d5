//! The `status_history` table: every case's timeline — status changes, replies from support, and "found
//! in your e-mail" — and the exactly-once flag that notifications hang on.
//!
//! An entry is written in the same transaction as the case change it records, and handed back as a
//! [`StatusChange`] only after that commit, so a notification is never shown for something not stored.
//! `notified` is set once it was shown (or never needs to be: the first status seen, old news), so a
//! restart or a re-read mail never shows it again. A mail's entry carries its Message-ID under a unique
//! index: the same mail read twice (two folders, a re-sync) cannot add a second entry.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{exec, row};
use serde::Serialize;

use crate::error::Result;
use crate::kinds::FilerKind;
use crate::kinds::SourceKind;

/// What a timeline entry says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// The status changed (or was first seen).
    Status,
    /// Support replied; the text is kept.
    Reply,
    /// The case number was found in the user's mail (recorded on a draft, or listed as found).
    Found,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Status => "status",
            EventKind::Reply => "reply",
            EventKind::Found => "found",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [EventKind::Status, EventKind::Reply, EventKind::Found]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: i64,
    pub kind: EventKind,
    pub old_status: Option<String>,
    pub new_status: Option<String>,
    /// A reply's text (plain text: the UI shows it as text, never as HTML).
    pub body: Option<String>,
    pub at: i64,
    pub source: SourceKind,
}

/// A stored entry that should be notified (unless the case is muted or notifications are off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub history_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub filer: FilerKind,
    /// The draft the case belongs to (a number found in mail may have just tied it to one).
    pub draft_id: Option<i64>,
    pub subject: String,
    pub kind: EventKind,
    pub old_status: Option<String>,
    pub new_status: Option<String>,
    /// The first words of a reply.
    pub excerpt: Option<String>,
    /// Muted or dismissed: stored and shown in the app, never notified.
    pub muted: bool,
    /// Filed by someone else (found in the team's shared mailbox, no draft of the user's).
    #[serde(default)]
    pub by_colleague: bool,
}

impl StatusChange {
    /// The desktop notification's summary and body.
    /// Summary and body, one line each, with no character from outside that could reorder or forge
    /// what is shown ([`crate::text`]); plain text (a shell that sends it as markup escapes it).
    pub fn notification(&self) -> (String, String) {
        let (summary, body) = self.notification_raw();
        (
            crate::text::shown_line(&summary).into_owned(),
            crate::text::shown_line(&body).into_owned(),
        )
    }

    fn notification_raw(&self) -> (String, String) {
        let subject = match self.subject.trim() {
            "" => "(no subject)",
            s => s,
        };
        match self.kind {
            EventKind::Status => (
                format!(
                    "Case {}: {}",
                    self.case_number,
                    self.new_status.as_deref().unwrap_or("")
                ),
                match &self.old_status {
                    Some(old) => format!("{subject} — was {old}"),
                    None => subject.to_owned(),
                },
            ),
            EventKind::Reply => (
                format!("Case {}: new reply", self.case_number),
                match &self.excerpt {
                    Some(e) => format!("{subject} — {e}"),
                    None => subject.to_owned(),
                },
            ),
            EventKind::Found if self.by_colleague => (
                format!("Case {} filed by someone else", self.case_number),
                format!("{subject} — found in the team’s shared mailbox"),
            ),
            EventKind::Found => (
                format!("Case {} recorded from your e-mail", self.case_number),
                subject.to_owned(),
            ),
        }
    }
}

/// The first words of a reply, for a notification (at most 120 characters, one line).
pub fn excerpt(body: &str) -> String {
    let line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= 120 {
        return line;
    }
    let mut out: String = line.chars().take(119).collect();
    out.push('…');
    out
}

/// One entry to write.
pub(crate) struct NewEntry<'a> {
    pub case_id: i64,
    pub kind: EventKind,
    pub old_status: Option<&'a str>,
    pub new_status: Option<&'a str>,
    pub body: Option<&'a str>,
    pub at: i64,
    pub source: SourceKind,
    pub message_id: Option<&'a str>,
    pub notified: bool,
}

/// Writes an entry; `None` when this mail's entry of this kind is already on the case.
pub(crate) fn insert(conn: &Connection, e: &NewEntry<'_>) -> Result<Option<i64>> {
    Ok(row(conn,
            "INSERT INTO status_history (case_id, kind, old_status, new_status, body, at, source, message_id, notified)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (case_id, kind, message_id) WHERE message_id IS NOT NULL DO NOTHING
             RETURNING id",
            params![
                e.case_id,
                e.kind.as_str(),
                e.old_status,
                e.new_status,
                e.body,
                e.at,
                e.source.as_str(),
                e.message_id,
                e.notified
            ],
            |r| r.get(0),
        )
        .optional()?)
}

/// When the case's newest status entry was observed (a mail's date, a poll's time).
pub(crate) fn last_status_at(conn: &Connection, case_id: i64) -> Result<Option<i64>> {
    Ok(row(
        conn,
        "SELECT max(at) FROM status_history WHERE case_id = ?1 AND kind = 'status'",
        [case_id],
        |r| r.get(0),
    )?)
}

/// A timeline entry as shown: statuses as one line, a reply's text with its line breaks, both without
/// bidi or control characters whenever they were stored ([`crate::text`]).
fn entry(r: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    use crate::text::{shown_line_owned as line, shown_owned};
    let kind: String = r.get(1)?;
    let source: String = r.get(6)?;
    Ok(HistoryEntry {
        id: r.get(0)?,
        kind: EventKind::parse(&kind).ok_or_else(|| bad_text(1, &kind))?,
        old_status: r.get::<_, Option<String>>(2)?.map(line),
        new_status: r.get::<_, Option<String>>(3)?.map(line),
        body: r.get::<_, Option<String>>(4)?.map(shown_owned),
        at: r.get(5)?,
        source: SourceKind::parse(&source).ok_or_else(|| bad_text(6, &source))?,
    })
}

pub(crate) fn bad_text(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown value {value:?}").into(),
    )
}

/// A case's timeline, oldest first.
pub(crate) fn timeline(conn: &Connection, case_id: i64) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, old_status, new_status, body, at, source FROM status_history
         WHERE case_id = ?1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map([case_id], entry)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks an entry notified; `true` when this call did (it was not already), so that of two callers
/// only one notifies.
pub(crate) fn mark_notified(conn: &Connection, history_id: i64) -> Result<bool> {
    Ok(exec(
        conn,
        "UPDATE status_history SET notified = 1 WHERE id = ?1 AND notified = 0",
        [history_id],
    )? == 1)
}

/// Entries stored but not yet notified (the app stopped between the commit and the notification).
/// The first status of a case is stored notified, so it is never among them.
pub(crate) fn pending(conn: &Connection) -> Result<Vec<StatusChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, c.id, c.case_number, c.filer, c.subject, h.kind, h.old_status, h.new_status, h.body,
                c.muted OR c.dismissed_at IS NOT NULL, c.draft_id,
                c.by_colleague AND c.draft_id IS NULL
         FROM status_history h JOIN cases c ON c.id = h.case_id
         WHERE h.notified = 0 ORDER BY h.id",
    )?;
    let rows = stmt.query_map([], |r| {
        use crate::text::shown_line_owned as line;
        let filer: String = r.get(3)?;
        let kind: String = r.get(5)?;
        let body: Option<String> = r.get(8)?;
        Ok(StatusChange {
            history_id: r.get(0)?,
            case_id: r.get(1)?,
            case_number: r.get(2)?,
            filer: FilerKind::parse(&filer).ok_or_else(|| bad_text(3, &filer))?,
            draft_id: r.get(10)?,
            subject: line(r.get(4)?),
            kind: EventKind::parse(&kind).ok_or_else(|| bad_text(5, &kind))?,
            old_status: r.get::<_, Option<String>>(6)?.map(line),
            new_status: r.get::<_, Option<String>>(7)?.map(line),
            excerpt: body.as_deref().map(|b| line(excerpt(b))),
            muted: r.get(9)?,
            by_colleague: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
