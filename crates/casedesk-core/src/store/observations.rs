//! What a check observes about a case — a status (polled, by hand, or read in a mail), a reply from
//! support, a failed check, a case number first seen in a mail — recorded on the `cases` row and its
//! timeline in one transaction. The change to notify is returned only after the commit.

use rusqlite::{params, OptionalExtension};

use super::cases::{Case, Cases, Watch};
use super::history::{self, EventKind, NewEntry, StatusChange};
use super::{commit, exec, own_tx, row};
use crate::error::Result;
use crate::kinds::FilerKind;
use crate::kinds::SourceKind;

/// A case number first seen in a mail.
#[derive(Debug, Clone, Copy)]
pub struct FoundInMail<'a> {
    pub filer: FilerKind,
    pub number: &'a str,
    /// The draft it answers, when one waits for its number.
    pub draft_id: Option<i64>,
    pub subject: &'a str,
    pub status: Option<&'a str>,
    /// The mail's date.
    pub at: i64,
    pub message_id: &'a str,
    /// Found in the team's shared mailbox with no draft of the user's: filed by someone else.
    pub by_colleague: bool,
}

/// A status observation to record.
pub struct Observation<'a> {
    pub status: &'a str,
    pub remote_updated: Option<&'a str>,
    pub source: SourceKind,
    pub terminal: bool,
    /// When it was true (a mail's date); the store's clock when `None`.
    pub at: Option<i64>,
    pub message_id: Option<&'a str>,
}

impl<'c> Cases<'c> {
    /// A case number first seen in the user's mail: recorded on `draft_id` (the draft filed in CJ's
    /// form that it answers) or listed as found. Its first status (if the mail states one) is history;
    /// the "found" entry is the news. One transaction. Returns the case and the change to notify.
    pub fn add_from_mail(&self, f: &FoundInMail<'_>) -> Result<(Case, Option<StatusChange>)> {
        let FoundInMail {
            filer,
            number,
            draft_id,
            subject,
            status,
            at,
            message_id,
            by_colleague,
        } = *f;
        let tx = own_tx(self.conn)?;
        let subject = match draft_id {
            Some(d) => row(
                self.conn,
                "SELECT subject FROM drafts WHERE id = ?1",
                [d],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .unwrap_or_else(|| subject.to_owned()),
            None => subject.to_owned(),
        };
        let id = self.insert(filer.as_str(), number, draft_id, &subject, "mail", None)?;
        if by_colleague && draft_id.is_none() {
            exec(
                self.conn,
                "UPDATE cases SET by_colleague = 1 WHERE id = ?1",
                [id],
            )?;
        }
        if let Some(status) = status {
            self.record(
                id,
                &Observation {
                    status,
                    remote_updated: None,
                    source: SourceKind::Mail,
                    terminal: false,
                    at: Some(at),
                    message_id: Some(message_id),
                },
            )?;
        }
        let found = history::insert(
            self.conn,
            &NewEntry {
                case_id: id,
                kind: EventKind::Found,
                old_status: None,
                new_status: None,
                body: None,
                at,
                source: SourceKind::Mail,
                message_id: Some(message_id),
                notified: false,
            },
        )?;
        commit(tx)?;
        let case = self.get(id)?;
        let change = found
            .map(|history_id| self.change(&case, history_id, EventKind::Found, None, None, None));
        Ok((case, change))
    }

    /// Records what a check (a poll, or the user by hand) saw now. Returns the change to notify, if any.
    ///
    /// `terminal` says whether `status` ends the case: a poll then gives it one final check, and when
    /// the final check sees it still terminal, polling stops. By hand or by mail it stops at once.
    pub fn record_status(
        &self,
        case_id: i64,
        status: &str,
        remote_updated: Option<&str>,
        source: SourceKind,
        terminal: bool,
    ) -> Result<Option<StatusChange>> {
        self.record(
            case_id,
            &Observation {
                status,
                remote_updated,
                source,
                terminal,
                at: None,
                message_id: None,
            },
        )
    }

    /// Records an observation (see [`Cases::record_status`]). A mail older than the case's newest status
    /// is kept in the timeline as old news: it neither changes the status nor notifies.
    pub fn record(&self, case_id: i64, o: &Observation<'_>) -> Result<Option<StatusChange>> {
        // Its own transaction, unless the caller batches many checks in one (a sweep: one fsync, not one per case).
        let tx = own_tx(self.conn)?;
        // Compared and stored as shown (cases are read through `crate::text` too): a status with a
        // bidi or control character from a server is one change, not a change at every check.
        let status = crate::text::shown_line(o.status);
        let status: &str = &status;
        let current = self.get(case_id)?;
        let at = o.at.unwrap_or(self.now);
        let stale = match o.at {
            Some(at) => history::last_status_at(self.conn, case_id)?.is_some_and(|last| at < last),
            None => false,
        };
        let changed = !stale && current.status.as_deref() != Some(status);
        let mut out = None;
        if stale {
            history::insert(
                self.conn,
                &NewEntry {
                    case_id,
                    kind: EventKind::Status,
                    old_status: None,
                    new_status: Some(status),
                    body: None,
                    at,
                    source: o.source,
                    message_id: o.message_id,
                    notified: true,
                },
            )?;
        } else {
            let watch = match (o.terminal, o.source, current.watch, changed) {
                (false, _, _, _) => Watch::Active,
                (true, SourceKind::Poll, Watch::Final | Watch::Stopped, false) => Watch::Stopped,
                (true, SourceKind::Poll, _, _) => Watch::Final,
                (true, _, _, _) => Watch::Stopped,
            };
            exec(self.conn,
                "UPDATE cases SET status = ?2, remote_updated = coalesce(?3, remote_updated), last_checked_at = ?4,
                        last_error = NULL, watch = ?5 WHERE id = ?1",
                params![case_id, status, o.remote_updated, self.now, watch.as_str()],
            )?;
            if changed {
                let first = current.status.is_none();
                let id = history::insert(
                    self.conn,
                    &NewEntry {
                        case_id,
                        kind: EventKind::Status,
                        old_status: current.status.as_deref(),
                        new_status: Some(status),
                        body: None,
                        at,
                        source: o.source,
                        message_id: o.message_id,
                        notified: first,
                    },
                )?;
                if let (Some(id), false) = (id, first) {
                    out = Some(self.change(
                        &current,
                        id,
                        EventKind::Status,
                        current.status.clone(),
                        Some(status.to_owned()),
                        None,
                    ));
                }
            }
        }
        commit(tx)?;
        Ok(out)
    }

    /// A reply from support, kept in the timeline. `None` when this mail's reply is already there.
    pub fn add_reply(
        &self,
        case_id: i64,
        body: &str,
        at: i64,
        message_id: &str,
    ) -> Result<Option<StatusChange>> {
        let tx = own_tx(self.conn)?;
        let current = self.get(case_id)?;
        let id = history::insert(
            self.conn,
            &NewEntry {
                case_id,
                kind: EventKind::Reply,
                old_status: None,
                new_status: None,
                body: Some(body),
                at,
                source: SourceKind::Mail,
                message_id: Some(message_id),
                notified: false,
            },
        )?;
        commit(tx)?;
        Ok(id.map(|id| {
            self.change(
                &current,
                id,
                EventKind::Reply,
                None,
                None,
                Some(history::excerpt(body)),
            )
        }))
    }

    /// Records a whole sweep's results in one transaction. Returns the changes to notify, after commit.
    pub fn record_many(
        &self,
        results: &[(i64, String, Option<String>, bool)],
        missing: &[i64],
    ) -> Result<Vec<StatusChange>> {
        let tx = own_tx(self.conn)?;
        let mut changes = Vec::new();
        for (case_id, status, updated, terminal) in results {
            if let Some(c) = self.record_status(
                *case_id,
                status,
                updated.as_deref(),
                SourceKind::Poll,
                *terminal,
            )? {
                changes.push(c);
            }
        }
        self.record_errors(missing, "The case was not found on the server.")?;
        commit(tx)?;
        Ok(changes)
    }

    /// A check that reached the filer but found nothing new.
    pub fn record_unchanged(&self, case_id: i64) -> Result<()> {
        exec(
            self.conn,
            "UPDATE cases SET last_checked_at = ?2, last_error = NULL WHERE id = ?1",
            params![case_id, self.now],
        )?;
        Ok(())
    }

    /// A check that failed; the message is shown on the case (it never contains a secret).
    pub fn record_error(&self, case_id: i64, message: &str) -> Result<()> {
        self.record_errors(&[case_id], message)
    }

    /// A failed check of many cases: one transaction, and only the cases whose shown error changes are
    /// written (a server that stays down does not rewrite 10,000 rows on every retry).
    pub fn record_errors(&self, case_ids: &[i64], message: &str) -> Result<()> {
        if case_ids.is_empty() {
            return Ok(());
        }
        let tx = own_tx(self.conn)?;
        {
            let mut stmt = self.conn.prepare_cached(
                "UPDATE cases SET last_checked_at = ?2, last_error = ?3
                 WHERE id = ?1 AND last_error IS NOT ?3",
            )?;
            for id in case_ids {
                stmt.execute(params![id, self.now, message])?;
            }
        }
        commit(tx)?;
        Ok(())
    }
}
