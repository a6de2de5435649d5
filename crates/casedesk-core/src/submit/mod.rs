//! Filing cases: submitting a draft through a filer (or queuing it in the outbox), recording a case
//! number by hand, marking a draft filed in CJ's form as waiting for its number, setting a status by
//! hand, and sending what waits in the outbox.
//!
//! The store is shared (`SharedStore`); it is never locked across a network call, and async code
//! reaches it only through [`on_store`], on a blocking thread. One draft is submitted at most once at a
//! time, whoever asks (the user's Submit, the outbox sender): [`Submitting`] holds it.

use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::draft::ReadyDraft;
use crate::error::{Error, Result};
use crate::filer::{Filer, FilerKind, Filers, OutgoingFile, Submission};
use crate::kinds::SourceKind;
use crate::preferences::Preferences;
use crate::store::{on_store, Case, OutboxItem, SharedStore, StatusChange, Store, Submitting};

mod outbox;

pub use outbox::{
    discard_from_outbox, flush_outbox, retry_outbox, take_back_from_outbox, FilerOutbox,
};

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
    format!("cd-{}", hex::encode(&d[..16]))
}

/// What a filer will send for a ready draft, its attachment files not yet read. Refuses a draft that
/// is not ready or already sent.
pub fn plan_submission(store: &Store, draft_id: i64, client_token: &str) -> Result<SubmissionPlan> {
    let draft = store.drafts().get(draft_id)?;
    if draft.submitted_at.is_some() {
        return Err(Error::invalid(
            crate::Code::DraftSubmitted,
            "This draft was already sent.",
        ));
    }
    // The reason must be in the list of the draft's kind of CJ account, as the editor checked it.
    let kind = Preferences::load(store)?
        .cj_kinds()
        .of(draft.cj_account.as_deref());
    let lookup = store
        .reasons()
        .lookup(draft.reason_id, draft.sub_reason_id, kind)?;
    let ready = ReadyDraft::from_input(&draft.input(), lookup).map_err(|problems| {
        let first = problems
            .first()
            .map(|p| p.message.clone())
            .unwrap_or_default();
        Error::invalid(
            crate::Code::DraftNotReady,
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
    let files = attachments
        .list(draft_id)?
        .into_iter()
        .map(|a| {
            (
                a.name.clone(),
                a.kind.mime(),
                attachments.blob_path(&a.sha256),
            )
        })
        .collect();
    Ok(SubmissionPlan {
        submission: Submission {
            subject: ready.subject,
            description: ready.description,
            cc: ready.cc,
            reason: reason.map(|r| r.name.clone()),
            sub_reason: sub.map(|s| s.name.clone()),
            attachments: Vec::new(),
            client_token: client_token.to_owned(),
        },
        files,
    })
}

/// What will be sent, with its attachment files still to read: gathered under the store lock, read
/// after it (up to 20 files of 10 MB never hold up an autosave).
#[derive(Debug)]
pub struct SubmissionPlan {
    submission: Submission,
    files: Vec<(String, &'static str, PathBuf)>,
}

impl SubmissionPlan {
    pub fn read_files(mut self) -> Result<Submission> {
        for (name, mime, path) in self.files {
            self.submission.attachments.push(OutgoingFile {
                name,
                mime,
                bytes: std::fs::read(path)?,
            });
        }
        Ok(self.submission)
    }

    /// The draft's fields (attachments not read).
    pub fn fields(&self) -> &Submission {
        &self.submission
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// Reads a plan's files on a blocking thread, without the store lock.
async fn read_plan(plan: SubmissionPlan) -> Result<Submission> {
    tokio::task::spawn_blocking(move || plan.read_files())
        .await
        .map_err(|e| {
            Error::invalid(
                crate::Code::Internal,
                format!("reading the attachments stopped: {e}"),
            )
        })?
}

/// Sends a ready draft through `filer`. When its server cannot be reached (or times out), the draft
/// waits in the outbox with its client token and is locked (it is sent as it is now); the polling
/// source sends it later. A refusal for good is returned (and marks a queued draft for attention).
pub async fn submit_draft(
    store: &SharedStore,
    filer: &dyn Filer,
    draft_id: i64,
) -> Result<SubmitOutcome> {
    if !filer.submits() {
        return Err(Error::invalid(
            crate::Code::RemoteUnsupported,
            "This filer does not send cases; record the case number instead.",
        ));
    }
    let dir = on_store(store, |s| Ok(s.dir().to_owned())).await?;
    let _claim = Submitting::start(&dir, draft_id)?;
    let (submission, queued) = on_store(store, move |s| {
        if s.drafts().get(draft_id)?.submitted_at.is_some() {
            return Err(Error::invalid(
                crate::Code::AlreadyFiled,
                "This draft was sent already; its case is in the Cases view.",
            ));
        }
        let queued = s.outbox().for_draft(draft_id)?;
        let token = match &queued {
            Some(item) => item.client_token.clone(),
            None => new_client_token(draft_id, s.now()),
        };
        Ok((plan_submission(s, draft_id, &token)?, queued))
    })
    .await?;
    let submission = read_plan(submission).await?;
    match filer.submit(&submission).await {
        Ok(number) => Ok(SubmitOutcome::Sent {
            case: record_sent(store, filer.kind(), draft_id, number).await?,
        }),
        Err(e) if e.is_transient() => {
            let (kind, token, reason) =
                (filer.kind(), submission.client_token.clone(), e.to_string());
            let item = on_store(store, move |s| {
                s.outbox().enqueue(draft_id, kind.as_str(), &token, &reason)
            })
            .await?;
            Ok(SubmitOutcome::Queued { item })
        }
        Err(e) => {
            if let Some(item) = queued {
                let reason = e.to_string();
                on_store(store, move |s| s.outbox().needs_attention(item.id, &reason)).await?;
            }
            Err(e.into())
        }
    }
}

/// The server accepted the case: record it on the draft (now the record of what was sent) and take
/// the draft out of the outbox, in one transaction.
async fn record_sent(
    store: &SharedStore,
    kind: FilerKind,
    draft_id: i64,
    number: String,
) -> Result<Case> {
    on_store(store, move |s| {
        s.in_transaction(|s| {
            let case = match s.cases().find(kind.as_str(), &number)? {
                Some(c) => c,
                None => {
                    let subject = s.drafts().get(draft_id)?.subject;
                    s.cases()
                        .add(kind.as_str(), &number, Some(draft_id), &subject, None)?
                }
            };
            if let Some(item) = s.outbox().for_draft(draft_id)? {
                s.outbox().remove(item.id)?;
            }
            Ok(case)
        })
    })
    .await
}

/// Records a case number by hand: for a draft filed in CJ's form, or a case filed elsewhere (no draft).
/// A case starts at the first of its filer's statuses by hand (CJ's web form: the user's statuses);
/// a case of a polling filer, or of one not set up, has none until it is checked.
pub fn record_case_number(
    store: &Store,
    filers: &Filers,
    draft_id: Option<i64>,
    kind: FilerKind,
    number: &str,
    subject: &str,
) -> Result<Case> {
    if subject.chars().count() > 1000 {
        return Err(Error::field(
            "subject",
            crate::Code::SubjectTooLong,
            "The subject is too long.",
        ));
    }
    let subject = match draft_id {
        Some(id) => store.drafts().get(id)?.subject,
        None => subject.trim().to_owned(),
    };
    let first = filers.get(kind).and_then(|f| f.statuses_by_hand().first());
    store.cases().add(
        kind.as_str(),
        number,
        draft_id,
        &subject,
        first.map(String::as_str),
    )
}

/// Sets a status by hand: one of its filer's statuses by hand (for CJ's web form, those in Settings).
/// Returns the change to notify.
pub fn set_status_by_hand(
    store: &Store,
    filers: &Filers,
    case_id: i64,
    status: &str,
) -> Result<Option<StatusChange>> {
    let status = status.trim();
    let case = store.cases().get(case_id)?;
    let filer = filers
        .get(case.filer)
        .filter(|f| f.statuses_by_hand().iter().any(|x| x == status))
        .ok_or_else(|| {
            Error::field(
                "status",
                crate::Code::StatusUnknown,
                "Pick one of the statuses in Settings.",
            )
        })?;
    store.cases().record_status(
        case_id,
        status,
        None,
        SourceKind::Manual,
        filer.ends_case(status),
    )
}

/// `cj-web`: the user says they filed the draft in CJ's form. The draft waits for its number, which
/// the mail source records when CJ's confirmation arrives (or the user types it).
pub fn mark_submitted(store: &Store, draft_id: i64) -> Result<()> {
    let draft = store.drafts().get(draft_id)?;
    if draft.submitted_at.is_some() {
        return Err(Error::invalid(
            crate::Code::AlreadyFiled,
            "This draft already has its case number.",
        ));
    }
    store.drafts().mark_awaiting_number(draft_id)
}
