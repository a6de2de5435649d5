//! The follow loop: one tokio task per status source, each pass a `sync` then a wait.
//!
//! It owns *when* to ask (the interval with jitter, or sooner when the source hears of news; "Check
//! now"; exponential backoff with full jitter after connection trouble or server errors, capped; never
//! before a `Retry-After`) and handing each stored change to a [`StatusSink`] at most once. *What* to
//! ask is the source's business ([`crate::source`]). It never shows anything itself: the shell's sink
//! emits the UI event and the native notification, so the loop can be tested with paused tokio time and
//! a recording sink. Dropping [`Followers`] stops every task.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use crate::remote::RemoteError;
use crate::source::StatusSource;
use crate::store::StatusChange;
use crate::store::{self, SharedStore};

/// Receives what the sources observed. Called after the change is committed, from a loop's task.
pub trait StatusSink: Send + Sync + 'static {
    /// A stored change; the sink tells the UI, then notifies (unless muted or turned off).
    fn changed(&self, change: &StatusChange);
    /// A case's last check or error changed, or the outbox or a sync state did: the UI refreshes.
    fn refreshed(&self);
    /// A source stopped until the user acts (signing in again): told once per such stop, with a
    /// message for the user (never a secret in it).
    fn attention(&self, _source: &str, _message: &str) {}
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowConfig {
    pub interval: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

impl Default for FollowConfig {
    fn default() -> Self {
        FollowConfig {
            interval: Duration::from_secs(300),
            backoff_base: Duration::from_secs(5),
            backoff_cap: Duration::from_secs(900),
        }
    }
}

/// A small deterministic generator for jitter (seeded; no global randomness in logic).
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Self {
        Jitter(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A uniform fraction in [0, 1).
    pub fn fraction(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The wait before the next try after `failures` failures in a row: full jitter over an exponential
/// ceiling, capped, and never under one second (so an offline machine never spins).
pub fn backoff(config: &FollowConfig, failures: u32, jitter: &mut Jitter) -> Duration {
    let exp = config
        .backoff_base
        .saturating_mul(1u32 << failures.saturating_sub(1).min(20));
    let ceiling = exp.min(config.backoff_cap);
    ceiling
        .mul_f64(jitter.fraction())
        .max(Duration::from_secs(1))
}

/// The wait between healthy passes: the interval less up to 10 % jitter, so many clients spread out.
pub fn healthy_wait(config: &FollowConfig, jitter: &mut Jitter) -> Duration {
    config.interval.mul_f64(1.0 - 0.1 * jitter.fraction())
}

/// Delivers stored changes that were never notified (the app stopped in between) — once.
pub fn deliver_pending(store: &SharedStore, sink: &dyn StatusSink) {
    let pending = store::lock(store).and_then(|s| s.cases().pending_notifications());
    match pending {
        Ok(list) => {
            for change in list {
                deliver(store, sink, &change);
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not read pending notifications"),
    }
}

/// Marks one committed change notified, then hands it to the sink — only when this call marked it, so
/// a change is shown at most once, whoever else delivers (another source's loop, the start-up
/// delivery). A change that cannot be marked is not shown (it stays pending for a later delivery).
pub fn deliver(store: &SharedStore, sink: &dyn StatusSink, change: &StatusChange) {
    match store::lock(store).and_then(|s| s.cases().mark_notified(change.history_id)) {
        Ok(true) => sink.changed(change),
        Ok(false) => tracing::debug!(id = change.history_id, "already delivered"),
        Err(e) => tracing::warn!(error = %e, "could not mark a change as notified"),
    }
}

/// Delivers committed changes on a blocking thread: the sink reads the preferences, and marking a
/// change notified writes to the store.
async fn deliver_all(store: &SharedStore, sink: &Arc<dyn StatusSink>, changes: Vec<StatusChange>) {
    if changes.is_empty() {
        return;
    }
    let (store, sink) = (store.clone(), sink.clone());
    let delivered = tokio::task::spawn_blocking(move || {
        for change in &changes {
            deliver(&store, sink.as_ref(), change);
        }
    })
    .await;
    if let Err(e) = delivered {
        tracing::warn!(error = %e, "delivering changes stopped");
    }
}

/// One running source: its wake-up and its config; dropping it stops the task.
struct Follower {
    wake: Arc<Notify>,
    stop: watch::Sender<bool>,
    config: watch::Sender<FollowConfig>,
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.wake.notify_waiters();
    }
}

/// Every running source's loop. Dropping it stops them all.
pub struct Followers {
    store: SharedStore,
    sink: Arc<dyn StatusSink>,
    runtime: tokio::runtime::Handle,
    running: Mutex<Vec<Follower>>,
    seed: u64,
    /// Sources whose user was told they need them (sign in again): told once until a pass works
    /// again, also when the loops are replaced (settings saved).
    told: Told,
}

type Told = Arc<Mutex<std::collections::HashSet<String>>>;

impl Followers {
    /// Must be called inside a tokio runtime (the loops run on it). Delivers what an earlier run
    /// committed but did not notify, once, before any loop starts.
    pub fn start(store: SharedStore, sink: Arc<dyn StatusSink>, seed: u64) -> Followers {
        deliver_pending(&store, sink.as_ref());
        // Told before this start (the stored sync state still says so): not told again.
        let told: std::collections::HashSet<String> = store::lock(&store)
            .and_then(|s| s.source_states().needing_sign_in())
            .unwrap_or_default()
            .into_iter()
            .collect();
        Followers {
            store,
            sink,
            runtime: tokio::runtime::Handle::current(),
            running: Mutex::new(Vec::new()),
            seed,
            told: Arc::new(Mutex::new(told)),
        }
    }

    /// Stops the running loops and starts one per source (settings changed). Their first pass runs at once.
    pub fn replace(&self, sources: Vec<Arc<dyn StatusSource>>, config: FollowConfig) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        running.clear();
        for (i, source) in sources.into_iter().enumerate() {
            running.push(self.spawn(source, config, self.seed.wrapping_add(i as u64)));
        }
    }

    /// How many sources run.
    pub fn count(&self) -> usize {
        self.running.lock().map(|r| r.len()).unwrap_or(0)
    }

    /// Every source syncs now (still never before a server's `Retry-After`).
    pub fn check_now(&self) {
        if let Ok(running) = self.running.lock() {
            for f in running.iter() {
                f.wake.notify_one();
            }
        }
    }

    pub fn set_config(&self, config: FollowConfig) {
        if let Ok(running) = self.running.lock() {
            for f in running.iter() {
                let _ = f.config.send(config);
                f.wake.notify_one();
            }
        }
    }

    fn spawn(&self, source: Arc<dyn StatusSource>, config: FollowConfig, seed: u64) -> Follower {
        let wake = Arc::new(Notify::new());
        let (stop_tx, stop_rx) = watch::channel(false);
        let (config_tx, config_rx) = watch::channel(config);
        let task = run(
            Shared {
                store: self.store.clone(),
                sink: self.sink.clone(),
                told: self.told.clone(),
            },
            source,
            wake.clone(),
            stop_rx,
            config_rx,
            seed,
        );
        self.runtime.spawn(task);
        Follower {
            wake,
            stop: stop_tx,
            config: config_tx,
        }
    }
}

/// What happens after a pass: wait for news (healthy), or back off until `next`.
enum Next {
    News(Duration),
    At(Instant),
}

/// What every loop shares: the store, where changes go, and who was told what.
struct Shared {
    store: SharedStore,
    sink: Arc<dyn StatusSink>,
    told: Told,
}

async fn run(
    shared: Shared,
    source: Arc<dyn StatusSource>,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
    config: watch::Receiver<FollowConfig>,
    seed: u64,
) {
    let Shared { store, sink, told } = shared;
    let mut jitter = Jitter::new(seed);
    let mut failures: u32 = 0;
    let mut not_before: Option<Instant> = None;
    let mut next = Next::At(Instant::now());
    loop {
        match next {
            Next::At(at) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(at) => {}
                    _ = wake.notified() => {}
                    _ = stop.changed() => break,
                }
            }
            Next::News(max) => {
                tokio::select! {
                    _ = source.wait_for_news(max, &wake) => {}
                    _ = stop.changed() => break,
                }
            }
        }
        if *stop.borrow() {
            break;
        }
        // A server's Retry-After is never broken, not even by "Check now".
        if let Some(nb) = not_before {
            if Instant::now() < nb {
                next = Next::At(nb);
                continue;
            }
        }
        let config = *config.borrow();
        match source.sync(&store).await {
            Ok(report) => {
                failures = 0;
                not_before = None;
                told.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(source.name());
                let (checked, changed) = (report.checked, report.changes.len());
                deliver_all(&store, &sink, report.changes).await;
                if report.refreshed || changed > 0 {
                    sink.refreshed();
                }
                tracing::debug!(source = source.name(), checked, changed, "pass done");
                next = Next::News(healthy_wait(&config, &mut jitter));
            }
            Err(e) => {
                // What the pass stored before it failed is delivered now, not at the next start.
                let (pending_store, pending_sink) = (store.clone(), sink.clone());
                let _ = tokio::task::spawn_blocking(move || {
                    deliver_pending(&pending_store, pending_sink.as_ref())
                })
                .await;
                sink.refreshed();
                if matches!(e, RemoteError::SignInNeeded(_))
                    && told
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(source.name().to_owned())
                {
                    sink.attention(source.name(), &e.to_string());
                }
                let mut wait = if e.is_transient() {
                    failures = failures.saturating_add(1);
                    backoff(&config, failures, &mut jitter)
                } else {
                    // Bad credentials or a malformed answer: retrying sooner will not help.
                    failures = 0;
                    healthy_wait(&config, &mut jitter)
                };
                if let RemoteError::Throttled {
                    retry_after: Some(ra),
                    ..
                } = &e
                {
                    not_before = Some(Instant::now() + *ra);
                    wait = wait.max(*ra);
                }
                tracing::info!(source = source.name(), error = %e, wait_ms = wait.as_millis() as u64, failures, "pass failed; waiting");
                next = Next::At(Instant::now() + wait);
            }
        }
    }
}
