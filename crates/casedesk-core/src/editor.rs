//! The editor use cases the shell calls: open, check, save, attach. Each combines the tables with the
//! rules so the shell's commands stay a line or two.

use serde::Serialize;
use std::path::Path;

use crate::attachment;
use crate::cj_account::CjKinds;
use crate::draft::{check_fields, DraftInput, FieldProblem, ReasonLookup, SubReasonLookup};
use crate::error::{Error, ErrorPayload, Result};
use crate::lint::{self, ChecklistItem, Finding};
use crate::secret_scan::{self, draft::Which, SecretReport};

use crate::store::{Attachment, Blob, DraftRecord, SavedDraft, SimilarDraft, Store};

/// At most this many files in one "Add files…" or drop.
pub const MAX_FILES_PER_CALL: usize = 50;

/// Everything the editor shows beside the fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftCheck {
    pub ready: bool,
    pub problems: Vec<FieldProblem>,
    pub subject_findings: Vec<Finding>,
    pub checklist: Vec<ChecklistItem>,
    pub duplicate_of: Option<SimilarDraft>,
    /// Secrets in the text and the `.txt` attachments; `None` when this check did not scan (an
    /// autosave: the editor keeps the last scan, from the check after the typing pause).
    pub secrets: Option<crate::secret_scan::SecretReport>,
    /// What `secrets` (this scan's report) is, in a few characters: a check given the key it last got
    /// answers `secrets: None` when the findings did not change, so a page shows nothing new and a
    /// large report does not cross the IPC at every typing pause. `None` when this check did not scan.
    pub secrets_key: Option<String>,
    /// The Case Reason the text suggests ([`crate::suggest`]); `None` when there is none or this check
    /// did not look (an autosave).
    pub suggestion: Option<crate::suggest::Suggestion>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    pub draft: DraftRecord,
    pub attachments: Vec<Attachment>,
    pub check: DraftCheck,
    /// Why the draft cannot be edited now (it waits in the outbox, to be sent as it is), if so.
    pub locked: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveOutcome {
    pub saved: SavedDraft,
    pub check: DraftCheck,
}

/// A file that was not attached, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedFile {
    pub name: String,
    pub error: ErrorPayload,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachOutcome {
    pub added: Vec<Attachment>,
    pub refused: Vec<RefusedFile>,
    pub attachments: Vec<Attachment>,
}

/// Checks a draft as typed, as for no CJ account (the whole catalogue). `id` excludes the draft itself
/// from the duplicate search.
pub fn check(store: &Store, id: Option<i64>, input: &DraftInput) -> Result<DraftCheck> {
    check_known(store, id, input, None, &CjKinds::default())
}

/// [`check`], for a page that shows the report whose key is `known`: the report is left out
/// (`secrets: None`, the same `secrets_key`) when it is the same. The reason is checked against the
/// list of the draft's kind of CJ account (`kinds`), and suggested from it.
pub fn check_known(
    store: &Store,
    id: Option<i64>,
    input: &DraftInput,
    known: Option<&str>,
    kinds: &CjKinds,
) -> Result<DraftCheck> {
    input.check_storable()?;
    let kind = kinds.of(input.cj_account.as_deref());
    let lookup = store
        .reasons()
        .lookup(input.reason_id, input.sub_reason_id, kind)?;
    let mut checked = check_with(store, id, input, lookup)?;
    let report = crate::secret_scan::scan_draft(store, id.unwrap_or(-1), input)?;
    let key = report_key(&report);
    checked.secrets = (known != Some(key.as_str())).then_some(report);
    checked.secrets_key = Some(key);
    checked.suggestion = crate::suggest::suggest_for(store, id, input, kinds)?;
    Ok(checked)
}

/// A report's key: a hash of what the page would be sent (its JSON), as 16 hex digits. Stable for one
/// build, which is all a page needs (it asks the app that answered).
fn report_key(report: &crate::secret_scan::SecretReport) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_vec(report).unwrap_or_default().hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The checks, given what the catalogue says about the chosen reason (looked up once per save).
fn check_with(
    store: &Store,
    id: Option<i64>,
    input: &DraftInput,
    lookup: ReasonLookup,
) -> Result<DraftCheck> {
    let problems = check_fields(input, lookup);
    let duplicate_of = store
        .drafts()
        .similar_subject(id.unwrap_or(-1), &input.subject)?;
    Ok(DraftCheck {
        ready: problems.is_empty(),
        problems,
        subject_findings: lint::subject_findings(&input.subject),
        checklist: lint::description_checklist(&input.description),
        duplicate_of,
        secrets: None,
        secrets_key: None,
        suggestion: None,
    })
}

/// Saves a draft exactly as typed and returns its new revision with the checks (as for no CJ account).
pub fn save(store: &Store, id: i64, input: &DraftInput) -> Result<SaveOutcome> {
    save_with(store, id, input, &CjKinds::default())
}

/// [`save`], checking the reason against the list of the draft's kind of CJ account.
pub fn save_with(
    store: &Store,
    id: i64,
    input: &DraftInput,
    kinds: &CjKinds,
) -> Result<SaveOutcome> {
    input.check_storable()?;
    crate::store::ensure_not_being_sent(store.dir(), id)?;
    let kind = kinds.of(input.cj_account.as_deref());
    let lookup = store
        .reasons()
        .lookup(input.reason_id, input.sub_reason_id, kind)?;
    let check = check_with(store, Some(id), input, lookup)?;
    let mut stored = input.clone();
    // Ids that are not in the catalogue cannot be stored (foreign keys); the problem list says so.
    match lookup {
        ReasonLookup::Unknown => {
            stored.reason_id = None;
            stored.sub_reason_id = None;
        }
        ReasonLookup::Known {
            sub_reason: SubReasonLookup::NotOfThisReason,
            ..
        } => stored.sub_reason_id = None,
        ReasonLookup::None => stored.sub_reason_id = None,
        // Kept as chosen (the user may switch the account back), but only a sub reason of that reason.
        ReasonLookup::OtherKind(_)
            if store
                .reasons()
                .lookup(input.reason_id, input.sub_reason_id, None)?
                != (ReasonLookup::Known {
                    has_sub_reasons: true,
                    sub_reason: SubReasonLookup::BelongsToReason,
                }) =>
        {
            stored.sub_reason_id = None;
        }
        _ => {}
    }
    let saved = store.drafts().save(id, &stored, check.ready)?;
    Ok(SaveOutcome { saved, check })
}

/// Opens a draft, as for no CJ account (the whole catalogue).
pub fn open(store: &Store, id: i64) -> Result<DraftView> {
    open_with(store, id, &CjKinds::default())
}

/// [`open`], checking the reason against the list of the draft's kind of CJ account.
pub fn open_with(store: &Store, id: i64, kinds: &CjKinds) -> Result<DraftView> {
    let draft = store.drafts().get(id)?;
    // The draft edited before this one is indexed now, while the user reads (best effort).
    store.drafts().catch_up(Some(id));
    let check = check_known(store, Some(id), &draft.input(), None, kinds)?;
    let locked = store.outbox().for_draft(id)?.map(|item| match item.state {
        crate::store::OutboxState::Waiting => "This draft waits in the Outbox and is sent as it is when the server answers. Take it back from the Outbox to edit it.".to_owned(),
        crate::store::OutboxState::Attention => format!(
            "The server refused this draft ({}). Use Edit in the Outbox to change it, or Retry.",
            item.last_error.unwrap_or_default()
        ),
    });
    Ok(DraftView {
        attachments: store.attachments().list(id)?,
        draft,
        check,
        locked,
    })
}

/// A draft can be edited unless it was sent, waits in the outbox, or is being sent right now (what
/// is stored is what went out).
pub fn ensure_editable(store: &Store, draft_id: i64) -> Result<()> {
    crate::store::ensure_not_being_sent(store.dir(), draft_id)?;
    store.drafts().ensure_editable(draft_id)
}

/// Moves a draft to the trash, unless it is being sent or waits in the outbox (Discard is there).
pub fn trash(store: &Store, draft_id: i64) -> Result<()> {
    crate::store::ensure_not_being_sent(store.dir(), draft_id)?;
    store.drafts().trash(draft_id)
}

/// Removes an attachment from a draft that can still be edited.
pub fn remove_attachment(store: &Store, draft_id: i64, attachment_id: i64) -> Result<()> {
    ensure_editable(store, draft_id)?;
    store.attachments().remove(draft_id, attachment_id)
}

/// Checks and stores each file; a refused file does not stop the others.
pub fn attach(store: &Store, draft_id: i64, paths: &[String]) -> Result<AttachOutcome> {
    ensure_editable(store, draft_id)?;
    let prepared = prepare_files(&store.dir().join(crate::store::BLOB_DIR), paths)?;
    attach_prepared(store, draft_id, prepared)
}

/// A file read, checked and written into the attachments folder, or why it was refused.
pub type Prepared = (String, Result<Blob>);

/// Reads and checks each file and writes its content into the attachments folder (`blob_dir`):
/// the slow part of attaching (up to 10 MB read, hashed, copied, fsynced), which needs no store lock.
pub fn prepare_files(blob_dir: &Path, paths: &[String]) -> Result<Vec<Prepared>> {
    if paths.len() > MAX_FILES_PER_CALL {
        return Err(Error::field(
            "attachments",
            crate::Code::TooManyFiles,
            format!("Add at most {MAX_FILES_PER_CALL} files at a time."),
        ));
    }
    Ok(paths
        .iter()
        .map(|p| {
            let path = Path::new(p);
            (
                attachment::display_name(path),
                attachment::inspect(path).and_then(|c| write_checked(blob_dir, c)),
            )
        })
        .collect())
}

/// Writes a checked file into the attachments folder; a picture first written again from its pixels
/// (upright, no metadata, scaled to fit CJ's limit when it must be: [`crate::picture::clean`]).
pub fn write_checked(blob_dir: &Path, c: attachment::Candidate) -> Result<Blob> {
    match c.kind {
        attachment::Kind::Png | attachment::Kind::Jpeg => {
            let cleaned = crate::picture::clean(&c.name, &c.bytes, c.kind)?;
            let candidate = attachment::Candidate {
                name: c.name,
                kind: cleaned.kind,
                bytes: cleaned.bytes,
            };
            Blob::write_noted(blob_dir, candidate, cleaned.removed, cleaned.scale_percent)
        }
        attachment::Kind::Pdf | attachment::Kind::Txt => Blob::write(blob_dir, c),
    }
}

/// Records prepared files on an editable draft: a row each, quick enough for the store lock.
pub fn attach_prepared(
    store: &Store,
    draft_id: i64,
    prepared: Vec<Prepared>,
) -> Result<AttachOutcome> {
    ensure_editable(store, draft_id)?;
    let mut added = Vec::new();
    let mut refused = Vec::new();
    for (name, blob) in prepared {
        match blob.and_then(|b| store.attachments().record(draft_id, &b)) {
            Ok(a) => added.push(a),
            Err(e) => refused.push(RefusedFile {
                name,
                error: ErrorPayload::from(&e),
            }),
        }
    }
    Ok(AttachOutcome {
        added,
        refused,
        attachments: store.attachments().list(draft_id)?,
    })
}

/// What a redaction left: the text to show, the saved draft, its attachments, and what remains.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Redacted {
    pub input: DraftInput,
    pub outcome: SaveOutcome,
    pub attachments: Vec<Attachment>,
    pub secrets: SecretReport,
    /// How many values were replaced.
    pub count: usize,
}

/// Redacts the text as typed, points the attachments at their redacted copies (from
/// [`secret_scan::draft::redact_files`]) and saves the draft, in one transaction.
pub fn redact_draft(
    store: &Store,
    draft_id: i64,
    input: &DraftInput,
    which: &Which,
    files: Vec<(i64, Blob)>,
) -> Result<Redacted> {
    ensure_editable(store, draft_id)?;
    let dismissed = store.secret_dismissals().list(draft_id)?;
    let mut next = input.clone();
    let mut count = files.len();
    for text in [&mut next.subject, &mut next.description] {
        let hits = secret_scan::chosen(text, which, &dismissed);
        count += hits.len();
        if !hits.is_empty() {
            *text = secret_scan::redact(text, &hits);
        }
    }
    let outcome = store.in_transaction(|s| {
        for (id, blob) in &files {
            s.attachments().replace_redacted(draft_id, *id, blob)?;
        }
        save(s, draft_id, &next)
    })?;
    let secrets = secret_scan::scan_draft(store, draft_id, &next)?;
    Ok(Redacted {
        attachments: store.attachments().list(draft_id)?,
        input: next,
        outcome,
        secrets,
        count,
    })
}
