//! What a read mail changes: one transaction per mail, the same for IMAP sync and `.eml` import.
//!
//! 1. A number not yet known whose titles match a `cj-web` draft marked submitted within 14 days is
//!    recorded on that draft; otherwise the case is listed as found in the mail. Either way a "found"
//!    entry is the news (its first status is history).
//! 2. A status on a known case is an observation from `mail` at the mail's date: news only if it
//!    changes the status and is not older than what is known.
//! 3. A reply is a timeline entry with its text.
//!
//! The mail's key is recorded in the same transaction, so a mail read twice changes nothing the second
//! time, and a crash between the two cannot happen.

use serde::Serialize;

use super::matching::best_draft;
use super::rules::{IgnoreReason, MailKind, Reading, Rules};
use crate::error::Result;
use crate::kinds::SourceKind;
use crate::store::{EventKind, FoundInMail, MailOutcome, Observation, StatusChange, Store};

/// How long a draft marked submitted waits for its confirmation mail.
pub const AWAIT_NUMBER_MS: i64 = 14 * 24 * 3600 * 1000;

/// What one mail did, for the sync state, the import result and "Test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailResult {
    pub outcome: ResultKind,
    pub case_number: Option<String>,
    pub status: Option<String>,
    pub kind: Option<MailKind>,
    pub subject: String,
    /// A sentence for the user.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    /// A new case: recorded on a draft, or listed as found.
    Found,
    /// A status on a known case.
    Status,
    /// A reply on a known case.
    Reply,
    /// Read before: nothing changed.
    AlreadyRead,
    Ignored,
    TooLarge,
    Unreadable,
}

pub struct Applied {
    pub result: MailResult,
    /// Committed changes to deliver.
    pub changes: Vec<StatusChange>,
}

fn result(outcome: ResultKind, r: &Reading, detail: impl Into<String>) -> MailResult {
    MailResult {
        outcome,
        case_number: r.case_number.clone(),
        status: r.status.clone(),
        kind: (r.ignored.is_none()).then_some(r.kind),
        subject: r.subject.chars().take(255).collect(),
        detail: detail.into(),
    }
}

/// How news from a mail is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announce {
    /// New mail: every change is news.
    All,
    /// Catching up on a folder's look-back window (its first read, or after `UIDVALIDITY` changed):
    /// the timeline gets everything, but only a number found for a draft the user marked submitted is
    /// announced — not weeks of old changes at once.
    CatchingUp,
}

/// Applies one reading. `place` is the folder and UID it came from (none for an import).
pub fn apply(
    store: &Store,
    reading: &Reading,
    rules: &Rules,
    place: Option<(&str, u32)>,
    announce: Announce,
) -> Result<Applied> {
    store.in_transaction(|s| {
        if s.mail_messages().seen(&reading.key)? {
            return Ok(Applied {
                result: result(
                    ResultKind::AlreadyRead,
                    reading,
                    "Read before; nothing changed.",
                ),
                changes: Vec::new(),
            });
        }
        if let Some(reason) = reading.ignored {
            s.mail_messages().record(
                &reading.key,
                MailOutcome::Ignored,
                reason.as_str(),
                None,
                place,
            )?;
            return Ok(Applied {
                result: result(
                    ResultKind::Ignored,
                    reading,
                    format!("Ignored: {}.", reason.explain()),
                ),
                changes: Vec::new(),
            });
        }
        let now = s.now();
        // A date in the future (a wrong clock) counts as now.
        let at = reading
            .date_ms
            .filter(|d| *d <= now + 60_000)
            .unwrap_or(now);
        let message_id = reading
            .message_id
            .clone()
            .unwrap_or_else(|| reading.key.clone());
        let known = match &reading.case_number {
            Some(n) => s.cases().find_number(n)?,
            None => None,
        };
        let known = match known {
            Some(c) => Some(c),
            None => match s.threads().case_for(&reading.markers)? {
                Some(id) => Some(s.cases().get(id)?),
                None => None,
            },
        };
        let mut changes = Vec::new();
        let (case, outcome) = match known {
            Some(case) => {
                let out = match (reading.kind, &reading.status) {
                    (MailKind::Reply, _) | (_, None) => {
                        let text = reading.reply_text.as_deref().unwrap_or("");
                        changes.extend(s.cases().add_reply(case.id, text, at, &message_id)?);
                        result(
                            ResultKind::Reply,
                            reading,
                            format!("A reply on case {}.", case.case_number),
                        )
                    }
                    (_, Some(status)) => {
                        changes.extend(s.cases().record(
                            case.id,
                            &Observation {
                                status,
                                remote_updated: None,
                                source: SourceKind::Mail,
                                terminal: rules.is_terminal(status),
                                at: Some(at),
                                message_id: Some(&message_id),
                            },
                        )?);
                        result(
                            ResultKind::Status,
                            reading,
                            format!("Case {}: {status}.", case.case_number),
                        )
                    }
                };
                (case, out)
            }
            None => {
                let Some(number) = reading.case_number.as_deref() else {
                    s.mail_messages().record(
                        &reading.key,
                        MailOutcome::Ignored,
                        IgnoreReason::NoCase.as_str(),
                        None,
                        place,
                    )?;
                    return Ok(Applied {
                        result: result(
                            ResultKind::Ignored,
                            reading,
                            "Ignored: it answers no case Casedesk knows.",
                        ),
                        changes: Vec::new(),
                    });
                };
                let mut waiting = s
                    .drafts()
                    .awaiting_number_with_account(now - AWAIT_NUMBER_MS)?;
                // A mail that names CJ accounts (by address or CID/PID) answers only their drafts.
                if !reading.cj_accounts.is_empty() {
                    waiting.retain(|(_, _, account)| {
                        account
                            .as_ref()
                            .is_some_and(|a| reading.cj_accounts.contains(a))
                    });
                }
                let waiting: Vec<(i64, String)> = waiting
                    .into_iter()
                    .map(|(id, subject, _)| (id, subject))
                    .collect();
                let draft = best_draft(&reading.titles, &waiting);
                let (case, found) = s.cases().add_from_mail(&FoundInMail {
                    filer: crate::filer::cj_web::KIND,
                    number,
                    draft_id: draft,
                    subject: reading
                        .titles
                        .first()
                        .map(String::as_str)
                        .unwrap_or(&reading.subject),
                    status: reading.status.as_deref(),
                    at,
                    message_id: &message_id,
                    by_colleague: rules.shared_mailbox(),
                })?;
                changes.extend(found);
                if reading.kind == MailKind::Reply {
                    // The "found" news covers it; the text is kept in the timeline.
                    if let Some(c) = s.cases().add_reply(
                        case.id,
                        reading.reply_text.as_deref().unwrap_or(""),
                        at,
                        &message_id,
                    )? {
                        let _ = s.cases().mark_notified(c.history_id)?;
                    }
                }
                let detail = match draft {
                    Some(_) => format!("Case {number} recorded on your draft “{}”.", case.subject),
                    None => format!("Case {number} found in your e-mail."),
                };
                (case, result(ResultKind::Found, reading, detail))
            }
        };
        let mut markers = reading.markers.clone();
        markers.push(format!("id:{message_id}"));
        s.threads().link(case.id, &markers)?;
        s.mail_messages()
            .record(&reading.key, MailOutcome::Counted, "", Some(case.id), place)?;
        if announce == Announce::CatchingUp {
            let on_draft = case.draft_id.is_some();
            for c in &changes {
                if !(c.kind == EventKind::Found && on_draft) {
                    let _ = s.cases().mark_notified(c.history_id)?;
                }
            }
            changes.retain(|c| c.kind == EventKind::Found && on_draft);
        }
        Ok(Applied {
            result: outcome,
            changes,
        })
    })
}

/// Records a mail that was not read (too large, or not a mail), so it is not fetched again.
pub fn record_unread(
    store: &Store,
    key: &str,
    outcome: MailOutcome,
    detail: &str,
    place: Option<(&str, u32)>,
) -> Result<()> {
    store
        .mail_messages()
        .record(key, outcome, detail, None, place)?;
    Ok(())
}
