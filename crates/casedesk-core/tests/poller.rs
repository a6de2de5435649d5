//! The follow loop running the polling source, with paused tokio time and a scripted helpdesk: backoff
//! bounds, Retry-After, exactly-once notification, terminal statuses, restarts, the outbox.

use crate::support::run_for;
use casedesk_core::filer::{Filer, FilerKind, Submission};
use casedesk_core::follow::{self, FollowConfig, Followers, StatusSink};
use casedesk_core::remote::{BoxFuture, RemoteError as ProviderError};
use casedesk_core::source::polling::{PollingSource, RemoteStatus, TicketStatuses};
use casedesk_core::source::SourceKind;
use casedesk_core::store::SharedStore;
use casedesk_core::store::StatusChange;
use casedesk_core::submit::{self, SubmitOutcome};
use casedesk_core::{FixedClock, Store};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

type Answer = Result<Vec<(&'static str, &'static str)>, ProviderError>;
type Script = VecDeque<Answer>;

/// Answers polls from a script (repeating the last answer) and records when it was asked.
#[derive(Default)]
struct Scripted {
    polls: Mutex<Script>,
    last: Mutex<Option<Answer>>,
    asked: Mutex<Vec<(Instant, Vec<String>)>>,
    submits: Mutex<VecDeque<Result<String, ProviderError>>>,
    submitted: Mutex<Vec<String>>,
}

impl Scripted {
    fn with(polls: Vec<Result<Vec<(&'static str, &'static str)>, ProviderError>>) -> Arc<Self> {
        Arc::new(Scripted {
            polls: Mutex::new(polls.into()),
            ..Default::default()
        })
    }
    fn times(&self) -> Vec<Instant> {
        self.asked.lock().unwrap().iter().map(|(t, _)| *t).collect()
    }
}

impl Filer for Scripted {
    fn kind(&self) -> FilerKind {
        casedesk_core::rt::KIND
    }
    fn submits(&self) -> bool {
        true
    }
    fn case_url(&self, _: &str) -> Option<String> {
        None
    }
    fn submit<'a>(&'a self, s: &'a Submission) -> BoxFuture<'a, Result<String, ProviderError>> {
        self.submitted.lock().unwrap().push(s.client_token.clone());
        let r = self
            .submits
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Ok("900".into()));
        Box::pin(async move { r })
    }
    fn test_connection(&self) -> BoxFuture<'_, Result<String, ProviderError>> {
        Box::pin(async { Ok("ok".into()) })
    }
}

impl TicketStatuses for Scripted {
    fn filer(&self) -> FilerKind {
        casedesk_core::rt::KIND
    }
    fn is_terminal(&self, status: &str) -> bool {
        status == "resolved"
    }
    fn statuses<'a>(
        &'a self,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<RemoteStatus>, ProviderError>> {
        self.asked
            .lock()
            .unwrap()
            .push((Instant::now(), numbers.to_vec()));
        let next = self.polls.lock().unwrap().pop_front();
        let answer = match next {
            Some(a) => {
                *self.last.lock().unwrap() = Some(a.clone());
                a
            }
            None => self.last.lock().unwrap().clone().unwrap_or(Ok(vec![])),
        };
        Box::pin(async move {
            answer.map(|v| {
                v.into_iter()
                    .map(|(n, s)| RemoteStatus {
                        case_number: n.into(),
                        status: s.into(),
                        updated: None,
                    })
                    .collect()
            })
        })
    }
}

#[derive(Default)]
struct Recorder {
    changes: Mutex<Vec<StatusChange>>,
}

impl StatusSink for Recorder {
    fn changed(&self, change: &StatusChange) {
        self.changes.lock().unwrap().push(change.clone());
    }
    fn refreshed(&self) {}
}

impl Recorder {
    fn summary(&self) -> Vec<(String, String, String)> {
        self.changes
            .lock()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c.case_number.clone(),
                    c.old_status.clone().unwrap_or_default(),
                    c.new_status.clone().unwrap_or_default(),
                )
            })
            .collect()
    }
}

fn store(dir: &std::path::Path) -> SharedStore {
    Arc::new(Mutex::new(
        Store::open(dir, Arc::new(FixedClock::new(1_000))).unwrap(),
    ))
}

fn add_case(store: &SharedStore, number: &str, status: Option<&str>) -> i64 {
    store
        .lock()
        .unwrap()
        .cases()
        .add("rt", number, None, &format!("Case {number}"), status)
        .unwrap()
        .id
}

/// Starts the follow loop with one polling source over the scripted helpdesk (and its outbox).
fn spawn(
    store: SharedStore,
    p: Arc<Scripted>,
    sink: Arc<dyn StatusSink>,
    config: FollowConfig,
    seed: u64,
) -> Followers {
    let f = Followers::start(store, sink, seed);
    f.replace(
        vec![Arc::new(PollingSource::new(
            p.clone(),
            Some(Arc::new(casedesk_core::submit::FilerOutbox(p))),
        ))],
        config,
    );
    f
}

const CONFIG: FollowConfig = FollowConfig {
    interval: Duration::from_secs(60),
    backoff_base: Duration::from_secs(5),
    backoff_cap: Duration::from_secs(300),
};

/// Lets the paused clock run for `d`, yielding so the poller's task makes progress.
#[tokio::test(start_paused = true)]
async fn a_change_is_notified_exactly_once_and_the_first_status_never() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    add_case(&store, "7", None);
    let provider = Scripted::with(vec![Ok(vec![("7", "new")]), Ok(vec![("7", "open")])]);
    let sink = Arc::new(Recorder::default());
    let handle = spawn(store.clone(), provider.clone(), sink.clone(), CONFIG, 1);
    run_for(Duration::from_secs(60 * 5)).await;
    assert!(provider.times().len() >= 4, "several sweeps ran");
    assert_eq!(
        sink.summary(),
        vec![("7".into(), "new".into(), "open".into())],
        "first status silent; one change, once"
    );
    drop(handle);
    let history = store.lock().unwrap().cases().history(1).unwrap();
    assert_eq!(history.len(), 2, "a history row for every change seen");
    assert!(store
        .lock()
        .unwrap()
        .cases()
        .pending_notifications()
        .unwrap()
        .is_empty());

    // A restart (a new poller on the same store) does not notify again.
    let sink2 = Arc::new(Recorder::default());
    let _h = spawn(store.clone(), provider.clone(), sink2.clone(), CONFIG, 2);
    run_for(Duration::from_secs(180)).await;
    assert!(sink2.summary().is_empty(), "a restart must not re-notify");
}

#[tokio::test(start_paused = true)]
async fn a_change_stored_but_not_notified_before_a_crash_is_notified_once_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let id = add_case(&store, "8", Some("new"));
    // The app stopped between the commit and the notification.
    store
        .lock()
        .unwrap()
        .cases()
        .record_status(id, "open", None, SourceKind::Poll, false)
        .unwrap()
        .unwrap();
    let provider = Scripted::with(vec![Ok(vec![("8", "open")])]);
    let sink = Arc::new(Recorder::default());
    let h = spawn(store.clone(), provider.clone(), sink.clone(), CONFIG, 3);
    run_for(Duration::from_secs(130)).await;
    drop(h);
    assert_eq!(
        sink.summary(),
        vec![("8".into(), "new".into(), "open".into())]
    );
    let sink2 = Arc::new(Recorder::default());
    let _h = spawn(store.clone(), provider, sink2.clone(), CONFIG, 4);
    run_for(Duration::from_secs(10)).await;
    assert!(sink2.summary().is_empty());
}

#[tokio::test(start_paused = true)]
async fn backoff_grows_with_full_jitter_within_bounds_and_resets_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    add_case(&store, "9", Some("new"));
    let mut script: Vec<Result<Vec<(&str, &str)>, ProviderError>> = (0..8)
        .map(|_| Err(ProviderError::Unreachable("connection refused".into())))
        .collect();
    script.push(Ok(vec![("9", "new")]));
    let provider = Scripted::with(script);
    let _h = spawn(
        store.clone(),
        provider.clone(),
        Arc::new(Recorder::default()),
        CONFIG,
        5,
    );
    run_for(Duration::from_secs(3600)).await;
    let t = provider.times();
    assert!(t.len() >= 10, "it kept trying: {}", t.len());
    for (i, w) in t.windows(2).take(8).enumerate() {
        let gap = w[1] - w[0];
        let ceiling = (CONFIG.backoff_base * (1 << i)).min(CONFIG.backoff_cap);
        assert!(
            gap >= Duration::from_secs(1),
            "attempt {i}: never spins ({gap:?})"
        );
        assert!(
            gap <= ceiling + Duration::from_millis(600),
            "attempt {i}: {gap:?} over the ceiling {ceiling:?}"
        );
    }
    let after_success = t[9] - t[8];
    assert!(
        after_success >= CONFIG.interval.mul_f64(0.9) - Duration::from_millis(600),
        "healthy again: back to the interval ({after_success:?})"
    );
    let error = store.lock().unwrap().cases().get(1).unwrap().last_error;
    assert_eq!(error, None, "a success clears the recorded error");
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_obeyed_even_when_the_user_asks_to_check_now() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    add_case(&store, "10", Some("new"));
    let provider = Scripted::with(vec![
        Err(ProviderError::Throttled {
            status: 429,
            retry_after: Some(Duration::from_secs(120)),
        }),
        Ok(vec![("10", "new")]),
    ]);
    let h = spawn(
        store.clone(),
        provider.clone(),
        Arc::new(Recorder::default()),
        CONFIG,
        6,
    );
    run_for(Duration::from_secs(2)).await;
    assert_eq!(provider.times().len(), 1);
    for _ in 0..5 {
        h.check_now();
        run_for(Duration::from_secs(10)).await;
    }
    assert_eq!(
        provider.times().len(),
        1,
        "no request before Retry-After, whatever the user clicks"
    );
    run_for(Duration::from_secs(120)).await;
    let t = provider.times();
    assert!(t.len() >= 2);
    assert!(
        t[1] - t[0] >= Duration::from_secs(120),
        "the second request waited {:?}",
        t[1] - t[0]
    );
    let last_error = store.lock().unwrap().cases().get(1).unwrap().last_error;
    assert_eq!(last_error, None);
}

#[tokio::test(start_paused = true)]
async fn check_now_sweeps_at_once_when_healthy() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    add_case(&store, "11", Some("new"));
    let provider = Scripted::with(vec![Ok(vec![("11", "new")])]);
    let h = spawn(
        store.clone(),
        provider.clone(),
        Arc::new(Recorder::default()),
        CONFIG,
        7,
    );
    run_for(Duration::from_secs(2)).await;
    h.check_now();
    run_for(Duration::from_secs(2)).await;
    assert_eq!(
        provider.times().len(),
        2,
        "Check now does not wait for the interval"
    );
}

#[tokio::test(start_paused = true)]
async fn a_terminal_status_gets_one_final_check_then_polling_stops() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let id = add_case(&store, "12", Some("open"));
    let provider = Scripted::with(vec![Ok(vec![("12", "resolved")])]);
    let sink = Arc::new(Recorder::default());
    let _h = spawn(store.clone(), provider.clone(), sink.clone(), CONFIG, 8);
    run_for(Duration::from_secs(60 * 6)).await;
    let asked_for_12 = provider
        .asked
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, n)| n.contains(&"12".to_string()))
        .count();
    assert_eq!(asked_for_12, 2, "the change, then one final check");
    assert_eq!(
        store.lock().unwrap().cases().get(id).unwrap().watch,
        casedesk_core::store::Watch::Stopped
    );
    assert_eq!(sink.summary().len(), 1);
    store.lock().unwrap().cases().rewatch(id).unwrap();
    assert_eq!(
        store.lock().unwrap().cases().watched("rt").unwrap().len(),
        1,
        "the user can watch it again"
    );
}

#[tokio::test(start_paused = true)]
async fn a_malformed_answer_is_recorded_on_the_case_and_the_loop_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let id = add_case(&store, "13", Some("new"));
    let provider = Scripted::with(vec![
        Err(ProviderError::Malformed("not JSON".into())),
        Ok(vec![("13", "open")]),
    ]);
    let sink = Arc::new(Recorder::default());
    let _h = spawn(store.clone(), provider.clone(), sink.clone(), CONFIG, 9);
    run_for(Duration::from_secs(2)).await;
    let err = store
        .lock()
        .unwrap()
        .cases()
        .get(id)
        .unwrap()
        .last_error
        .unwrap();
    assert!(err.contains("could not be read"), "{err}");
    run_for(Duration::from_secs(70)).await;
    assert_eq!(
        sink.summary().len(),
        1,
        "the next sweep ran and saw the change"
    );
}

#[tokio::test(start_paused = true)]
async fn the_outbox_is_sent_once_when_the_server_answers_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let draft = {
        let s = store.lock().unwrap();
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
        d.id
    };
    let provider = Scripted::with(vec![Ok(vec![])]);
    provider.submits.lock().unwrap().extend([
        Err(ProviderError::Unreachable("connection refused".into())),
        Err(ProviderError::Unreachable("timed out".into())),
        Ok("4242".into()),
    ]);
    let out = submit::submit_draft(&store, provider.as_ref(), draft)
        .await
        .unwrap();
    let SubmitOutcome::Queued { item } = out else {
        panic!("queued when the server is away: {out:?}")
    };
    assert!(item.last_error.unwrap().contains("could not be reached"));
    let _h = spawn(
        store.clone(),
        provider.clone(),
        Arc::new(Recorder::default()),
        CONFIG,
        10,
    );
    run_for(Duration::from_secs(120)).await;
    let tokens = provider.submitted.lock().unwrap().clone();
    assert_eq!(
        tokens.len(),
        3,
        "first attempt, one failed retry, one success"
    );
    assert!(
        tokens.iter().all(|t| t == &tokens[0]),
        "every retry carries the same client token"
    );
    let s = store.lock().unwrap();
    assert!(
        s.outbox().list().unwrap().is_empty(),
        "sent once, then gone from the outbox"
    );
    let case = s
        .cases()
        .find("rt", "4242")
        .unwrap()
        .expect("the case was recorded");
    assert_eq!(case.draft_id, Some(draft));
    assert!(s.drafts().get(draft).unwrap().submitted_at.is_some());
    assert_eq!(
        s.drafts()
            .save(draft, &Default::default(), false)
            .unwrap_err()
            .code(),
        "draft_submitted",
        "the sent draft is read-only"
    );
}

#[test]
fn backoff_ceiling_is_capped() {
    let mut j = follow::Jitter::new(42);
    for failures in 1..40 {
        let d = follow::backoff(&CONFIG, failures, &mut j);
        assert!(
            d >= Duration::from_secs(1) && d <= CONFIG.backoff_cap,
            "{failures}: {d:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_server_that_stays_down_is_written_on_the_cases_once_not_on_every_retry() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    for n in 0..50 {
        add_case(&store, &format!("{}", 100 + n), Some("new"));
    }
    let script: Vec<Result<Vec<(&str, &str)>, ProviderError>> =
        (0..20).map(|_| Err(ProviderError::Server(503))).collect();
    let provider = Scripted::with(script);
    let _h = spawn(
        store.clone(),
        provider.clone(),
        Arc::new(Recorder::default()),
        CONFIG,
        11,
    );
    run_for(Duration::from_secs(5)).await;
    assert!(!provider.times().is_empty());
    let after_first = store.lock().unwrap().connection().total_changes();
    run_for(Duration::from_secs(1200)).await;
    assert!(
        provider.times().len() >= 8,
        "it kept retrying: {}",
        provider.times().len()
    );
    assert_eq!(
        store.lock().unwrap().connection().total_changes(),
        after_first,
        "retries against a server that stays down write nothing: autosave never waits behind them"
    );
    let e = store
        .lock()
        .unwrap()
        .cases()
        .get(1)
        .unwrap()
        .last_error
        .unwrap();
    assert!(e.contains("503"), "the error is on the cases: {e}");
}
