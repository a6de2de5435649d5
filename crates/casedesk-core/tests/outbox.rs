//! Submitting and the outbox's life cycle: one submission per draft at a time (a double click, or a
//! Submit racing the outbox sender), a queued draft locked as it was sent, a refusal for good that waits
//! for the user (Edit, Retry, Discard), and nothing uploaded twice.

use casedesk_core::filer::{Filer, FilerKind, Submission};
use casedesk_core::remote::{BoxFuture, RemoteError};
use casedesk_core::store::OutboxState;
use casedesk_core::store::SharedStore;
use casedesk_core::submit::{self, SubmitOutcome};
use casedesk_core::{FixedClock, Store};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// A filer whose answers are scripted and whose `submit` waits at a gate the test opens.
struct Gated {
    /// How many submissions reached the server (they then wait at the gate).
    entered: AtomicUsize,
    gate: Semaphore,
    answers: Mutex<VecDeque<Result<String, RemoteError>>>,
    sent: Mutex<Vec<Submission>>,
}

impl Gated {
    fn new(answers: Vec<Result<String, RemoteError>>, open: bool) -> Arc<Gated> {
        Arc::new(Gated {
            entered: AtomicUsize::new(0),
            gate: Semaphore::new(if open { 1000 } else { 0 }),
            answers: Mutex::new(answers.into()),
            sent: Mutex::new(Vec::new()),
        })
    }
    fn sent(&self) -> usize {
        self.sent.lock().unwrap().len()
    }
    /// Waits (bounded) until `n` submissions reached the server.
    async fn wait_entered(&self, n: usize) {
        for _ in 0..500 {
            if self.entered.load(Ordering::SeqCst) >= n {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("no submission reached the server within 5 s");
    }
}

impl Filer for Gated {
    fn kind(&self) -> FilerKind {
        casedesk_core::rt::KIND
    }
    fn submits(&self) -> bool {
        true
    }
    fn case_url(&self, _: &str) -> Option<String> {
        None
    }
    fn submit<'a>(&'a self, s: &'a Submission) -> BoxFuture<'a, Result<String, RemoteError>> {
        Box::pin(async move {
            self.entered.fetch_add(1, Ordering::SeqCst);
            let _pass = self.gate.acquire().await.unwrap();
            self.sent.lock().unwrap().push(s.clone());
            self.answers
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Ok("500".into()))
        })
    }
    fn test_connection(&self) -> BoxFuture<'_, Result<String, RemoteError>> {
        Box::pin(async { Ok("ok".into()) })
    }
}

fn ready_draft(dir: &std::path::Path) -> (SharedStore, i64) {
    let s = Store::open(dir, Arc::new(FixedClock::new(1_000))).unwrap();
    let d = s.drafts().create().unwrap();
    let other = s
        .reasons()
        .list()
        .unwrap()
        .into_iter()
        .find(|r| r.name == "Other")
        .unwrap();
    let input = casedesk_core::draft::DraftInput {
        subject: "Payment for October missing from bank account".into(),
        description: "Nothing arrived.".into(),
        reason_id: Some(other.id),
        ..Default::default()
    };
    casedesk_core::editor::save(&s, d.id, &input).unwrap();
    (Arc::new(Mutex::new(s)), d.id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_click_files_one_case_the_second_submit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft) = ready_draft(dir.path());
    let filer = Gated::new(vec![Ok("41".into())], false);
    let first = {
        let (store, filer) = (store.clone(), filer.clone());
        tokio::spawn(async move { submit::submit_draft(&store, filer.as_ref(), draft).await })
    };
    filer.wait_entered(1).await;
    let second = submit::submit_draft(&store, filer.as_ref(), draft)
        .await
        .unwrap_err();
    assert_eq!(
        second.code(),
        "already_submitting",
        "a second Submit while one runs is refused"
    );
    {
        // What is stored is what went out: no edit lands while the draft is at the server.
        let s = store.lock().unwrap();
        let mut changed = s.drafts().get(draft).unwrap().input();
        changed.description = "Typed while it was being sent.".into();
        let e = casedesk_core::editor::save(&s, draft, &changed).unwrap_err();
        assert_eq!(e.code(), "already_submitting", "no save while sending");
        let e = casedesk_core::editor::attach(&s, draft, &[]).unwrap_err();
        assert_eq!(e.code(), "already_submitting", "no new attachment");
        let e = casedesk_core::editor::trash(&s, draft).unwrap_err();
        assert_eq!(e.code(), "already_submitting", "not into the trash either");
    }
    filer.gate.add_permits(10);
    let SubmitOutcome::Sent { case } = first.await.unwrap().unwrap() else {
        panic!("the first submission is sent")
    };
    assert_eq!(case.case_number, "41");
    assert_eq!(filer.sent(), 1, "one ticket, not two");
    let stored = store.lock().unwrap().drafts().get(draft).unwrap();
    assert_eq!(
        stored.description,
        filer.sent.lock().unwrap()[0].description
    );
    let again = submit::submit_draft(&store, filer.as_ref(), draft)
        .await
        .unwrap_err();
    assert_eq!(
        again.code(),
        "already_filed",
        "a sent draft is not sent again"
    );
    assert_eq!(filer.sent(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queued_draft_is_locked_and_sent_once_even_when_submit_races_the_outbox_sender() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft) = ready_draft(dir.path());
    let away = Gated::new(vec![Err(RemoteError::Unreachable("refused".into()))], true);
    let SubmitOutcome::Queued { item } = submit::submit_draft(&store, away.as_ref(), draft)
        .await
        .unwrap()
    else {
        panic!("queued while the server is away")
    };
    {
        let s = store.lock().unwrap();
        let e = s
            .drafts()
            .save(draft, &Default::default(), false)
            .unwrap_err();
        assert_eq!(
            e.code(),
            "draft_in_outbox",
            "a queued draft is sent as it was: no edits"
        );
        assert!(casedesk_core::editor::open(&s, draft)
            .unwrap()
            .locked
            .is_some());
        let e = casedesk_core::editor::attach(&s, draft, &[]).unwrap_err();
        assert_eq!(e.code(), "draft_in_outbox", "nor new attachments");
        let e = casedesk_core::editor::trash(&s, draft).unwrap_err();
        assert_eq!(
            e.code(),
            "draft_in_outbox",
            "nor Delete: Discard in the Outbox does that"
        );
    }
    // The outbox sender holds the draft at the server; the user's Submit arrives meanwhile.
    let back = Gated::new(vec![Ok("77".into())], false);
    let sender = {
        let (store, back) = (store.clone(), back.clone());
        tokio::spawn(async move { submit::flush_outbox(&store, back.as_ref()).await })
    };
    back.wait_entered(1).await;
    let refused = submit::submit_draft(&store, back.as_ref(), draft)
        .await
        .unwrap_err();
    assert_eq!(
        refused.code(),
        "already_submitting",
        "Submit while the outbox sends the draft is refused"
    );
    back.gate.add_permits(10);
    assert_eq!(sender.await.unwrap().unwrap(), 1);
    assert_eq!(back.sent(), 1, "sent once");
    assert_eq!(
        back.sent.lock().unwrap()[0].client_token,
        item.client_token,
        "with the queued token"
    );
    let s = store.lock().unwrap();
    assert!(s.outbox().list().unwrap().is_empty());
    assert_eq!(
        s.cases().find("rt", "77").unwrap().unwrap().draft_id,
        Some(draft)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_for_good_waits_for_the_user_then_edit_retry_and_discard_work() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft) = ready_draft(dir.path());
    let away = Gated::new(vec![Err(RemoteError::Server(503))], true);
    submit::submit_draft(&store, away.as_ref(), draft)
        .await
        .unwrap();
    let refusing = Gated::new(
        vec![Err(RemoteError::Rejected {
            status: 400,
            message: "Queue 'Support' does not exist".into(),
        })],
        true,
    );
    assert_eq!(
        submit::flush_outbox(&store, refusing.as_ref())
            .await
            .unwrap(),
        0
    );
    let item = store.lock().unwrap().outbox().list().unwrap().remove(0);
    assert_eq!(item.state, OutboxState::Attention);
    assert!(
        item.last_error.unwrap().contains("does not exist"),
        "the reason is kept for the user"
    );
    // Not retried by itself, however many passes run.
    for _ in 0..3 {
        assert_eq!(
            submit::flush_outbox(&store, refusing.as_ref())
                .await
                .unwrap(),
            0
        );
    }
    assert_eq!(
        refusing.sent(),
        1,
        "a refusal for good is not retried automatically"
    );
    // Retry: it goes with the next pass.
    submit::retry_outbox(&store.lock().unwrap(), item.id).unwrap();
    assert_eq!(
        submit::flush_outbox(&store, refusing.as_ref())
            .await
            .unwrap(),
        1
    );
    assert_eq!(refusing.sent(), 2);

    // Edit takes a queued draft back: editable again, its token forgotten.
    let dir2 = tempfile::tempdir().unwrap();
    let (store2, draft2) = ready_draft(dir2.path());
    let away2 = Gated::new(vec![Err(RemoteError::Unreachable("x".into()))], true);
    submit::submit_draft(&store2, away2.as_ref(), draft2)
        .await
        .unwrap();
    let s = store2.lock().unwrap();
    let item = s.outbox().list().unwrap().remove(0);
    submit::take_back_from_outbox(&s, item.id).unwrap();
    assert!(
        s.drafts().save(draft2, &Default::default(), false).is_ok(),
        "editable again"
    );
    assert!(s.outbox().token_for(draft2).unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discard_moves_a_queued_draft_to_the_trash() {
    let dir = tempfile::tempdir().unwrap();
    let (store, draft) = ready_draft(dir.path());
    let away = Gated::new(vec![Err(RemoteError::Unreachable("x".into()))], true);
    submit::submit_draft(&store, away.as_ref(), draft)
        .await
        .unwrap();
    let s = store.lock().unwrap();
    let item = s.outbox().list().unwrap().remove(0);
    assert_eq!(submit::discard_from_outbox(&s, item.id).unwrap(), draft);
    assert!(s.outbox().list().unwrap().is_empty());
    assert_eq!(
        s.drafts().trashed(10).unwrap()[0].id,
        draft,
        "in the trash, with Undo"
    );
}
