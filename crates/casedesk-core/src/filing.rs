//! Filing cases: submitting a draft through a filer (or queuing it in the outbox), recording a case
//! number by hand, marking a draft filed in CJ's form as waiting for its number, setting a status by
//! hand, and sending what waits in the outbox.
//!
//! The store is shared (`SharedStore`); it is never locked across a network call.

use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::draft::ReadyDraft;
use crate::error::{Error, Result};
use crate::filer::{Filer, FilerKind, OutgoingFile, Submission};
use crate::preferences::Preferences;
use crate::remote::RemoteError;
use crate::source::SourceKind;
use crate::store::{Case, OutboxItem, StatusChange, Store};

pub type SharedStore = Arc<Mutex<Store>>;

pub fn lock(store: &SharedStore) -> Result<std::sync::MutexGuard<'_, Store>> {
    store.lock().map_err(|_| {
        Error::invalid(
            "internal",
            "An earlier error left the store unusable; restart Casedesk.",
        )
    })
}

/// What a submit did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum SubmitOutcome {
    /// The filer created the case.
    Sent { case: Case },
    /// The filer's server could not be reached; the draft waits in the outbox and is sent when it answers.
    Queued { item: OutboxItem },
}

static TOKEN_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A token unique to one draft's submission, recorded on the remote case.
pub fn new_client_token(draft_id: i64, now: i64) -> String {
    let n = TOKEN_COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut h = Sha256::new();
    h.update(format!("{draft_id}:{now}:{n}:{}", std::process::id()));
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.update(t.as_nanos().to_le_bytes());
    }
    let d = h.finalize();
    format!(
        "cd-{}",
        d.iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

/// Builds what a provider sends from a ready draft. Refuses a draft that is not ready or already sent.
pub fn build_submission(store: &Store, draft_id: i64, client_token: &str) -> Result<Submission> {
    let draft = store.drafts().get(draft_id)?;
    if draft.submitted_at.is_some() {
        return Err(Error::invalid(
            "draft_submitted",
            "This draft was already sent.",
        ));
    }
    let lookup = store
        .reasons()
        .lookup(draft.reason_id, draft.sub_reason_id)?;
    let ready = ReadyDraft::from_input(&draft.input(), lookup).map_err(|problems| {
        let first = problems
            .first()
            .map(|p| p.message.clone())
            .unwrap_or_default();
        Error::invalid(
            "draft_not_ready",
            format!("This draft is not ready to send: {first}"),
        )
    })?;
    let reasons = store.reasons().list()?;
    let reason = reasons.iter().find(|r| r.id == ready.reason_id);
    let sub = reason.and_then(|r| {
        r.sub_reasons
            .iter()
            .find(|s| Some(s.id) == ready.sub_reason_id)
    });
    let attachments = store.attachments();
    let mut files = Vec::new();
    for a in attachments.list(draft_id)? {
        files.push(OutgoingFile {
            name: a.name.clone(),
            mime: a.kind.mime(),
            bytes: std::fs::read(attachments.blob_path(&a.sha256))?,
        });
    }
    Ok(Submission {
        subject: ready.subject,
        description: ready.description,
        cc: ready.cc,
        reason: reason.map(|r| r.name.clone()),
        sub_reason: sub.map(|s| s.name.clone()),
        attachments: files,
        client_token: client_token.to_owned(),
    })
}

/// Sends a ready draft through `filer`. When its server cannot be reached (or times out), the draft
/// goes to the outbox with its client token; the poller's loop sends it later.
pub async fn submit_draft(
    store: &SharedStore,
    filer: &dyn Filer,
    draft_id: i64,
) -> Result<SubmitOutcome> {
    if !filer.submits() {
        return Err(Error::invalid(
            "provider_unsupported",
            "This filer does not send cases; record the case number instead.",
        ));
    }
    let submission = {
        let s = lock(store)?;
        let token = match s.outbox().token_for(draft_id)? {
            Some(t) => t,
            None => new_client_token(draft_id, s.now()),
        };
        build_submission(&s, draft_id, &token)?
    };
    match filer.submit(&submission).await {
        Ok(number) => Ok(SubmitOutcome::Sent {
            case: record_sent(store, filer.kind(), draft_id, &number, &submission.subject)?,
        }),
        Err(e) if e.is_transient() => {
            let s = lock(store)?;
            let item = s.outbox().enqueue(
                draft_id,
                filer.kind().as_str(),
                &submission.client_token,
                &e.to_string(),
            )?;
            Ok(SubmitOutcome::Queued { item })
        }
        Err(e) => Err(e.into()),
    }
}

fn record_sent(
    store: &SharedStore,
    kind: FilerKind,
    draft_id: i64,
    number: &str,
    subject: &str,
) -> Result<Case> {
    let s = lock(store)?;
    let case = match s.cases().find(kind.as_str(), number)? {
        Some(c) => c,
        None => s
            .cases()
            .add(kind.as_str(), number, Some(draft_id), subject, None)?,
    };
    if let Some(item) = s.outbox().for_draft(draft_id)? {
        s.outbox().remove(item.id)?;
    }
    Ok(case)
}

/// Sends what waits in the outbox for this filer. Stops at the first transient failure (the server is
/// still away) and returns it; other failures are recorded on the item, which stays for the user to see.
pub async fn flush_outbox(
    store: &SharedStore,
    filer: &dyn Filer,
) -> std::result::Result<usize, RemoteError> {
    let items = match lock(store).and_then(|s| s.outbox().list()) {
        Ok(items) => items,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the outbox");
            return Ok(0);
        }
    };
    let mut sent = 0;
    for item in items
        .into_iter()
        .filter(|i| i.provider == filer.kind().as_str())
    {
        let submission = match lock(store)
            .and_then(|s| build_submission(&s, item.draft_id, &item.client_token))
        {
            Ok(sub) => sub,
            Err(e) => {
                let _ =
                    lock(store).and_then(|s| s.outbox().record_failure(item.id, &e.to_string()));
                continue;
            }
        };
        match filer.submit(&submission).await {
            Ok(number) => {
                if let Err(e) = record_sent(
                    store,
                    filer.kind(),
                    item.draft_id,
                    &number,
                    &submission.subject,
                ) {
                    tracing::warn!(error = %e, "sent, but could not record the case");
                }
                sent += 1;
            }
            Err(e) => {
                let _ =
                    lock(store).and_then(|s| s.outbox().record_failure(item.id, &e.to_string()));
                if e.is_transient() {
                    return Err(e);
                }
            }
        }
    }
    Ok(sent)
}

/// Records a case number by hand: for a draft filed in CJ's form, or a case filed elsewhere (no draft).
/// `filer` defaults to the one in use. A `cj-web` case starts at the first of the user's statuses; a
/// case of a polling filer has none until it is checked.
pub fn record_case_number(
    store: &Store,
    draft_id: Option<i64>,
    filer: FilerKind,
    number: &str,
    subject: &str,
) -> Result<Case> {
    if subject.chars().count() > 1000 {
        return Err(Error::field(
            "subject",
            "subject_too_long",
            "The subject is too long.",
        ));
    }
    let subject = match draft_id {
        Some(id) => store.drafts().get(id)?.subject,
        None => subject.trim().to_owned(),
    };
    let first = match filer {
        FilerKind::CjWeb => Preferences::load(store)?.cj_statuses.first().cloned(),
        FilerKind::Rt => None,
    };
    store
        .cases()
        .add(filer.as_str(), number, draft_id, &subject, first.as_deref())
}

/// Sets a status by hand: one of the statuses in Settings. Returns the change to notify.
pub fn set_status_by_hand(
    store: &Store,
    case_id: i64,
    status: &str,
) -> Result<Option<StatusChange>> {
    let status = status.trim();
    let prefs = Preferences::load(store)?;
    if !prefs.cj_statuses.iter().any(|x| x == status) {
        return Err(Error::field(
            "status",
            "status_unknown",
            "Pick one of the statuses in Settings.",
        ));
    }
    store.cases().record_status(
        case_id,
        status,
        None,
        SourceKind::Manual,
        crate::filer::cj_web::is_terminal(status),
    )
}

/// `cj-web`: the user says they filed the draft in CJ's form. The draft waits for its number, which
/// the mail source records when CJ's confirmation arrives (or the user types it).
pub fn mark_submitted(store: &Store, draft_id: i64) -> Result<()> {
    let draft = store.drafts().get(draft_id)?;
    if draft.submitted_at.is_some() {
        return Err(Error::invalid(
            "already_filed",
            "This draft already has its case number.",
        ));
    }
    store.drafts().mark_awaiting_number(draft_id)
}
