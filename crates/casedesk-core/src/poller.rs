//! The status poller: one tokio loop for every watched case of the polling provider.
//!
//! It owns when to ask (the interval, with jitter; "Check now"; exponential backoff with full jitter
//! after connection trouble or server errors, capped; never before a `Retry-After`), sending what waits
//! in the outbox, and handing each stored change to a [`StatusSink`] exactly once. It never shows
//! anything itself: the shell's sink emits the UI event and the native notification, so the loop can be
//! tested with paused tokio time and a recording sink. Stopping is by dropping the [`PollerHandle`].

use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use crate::filing::{self, SharedStore};
use crate::provider::{CaseProvider, ProviderError};
use crate::store::StatusChange;

/// Receives what the poller observed. Called after the change is committed, from the poller's task.
pub trait StatusSink: Send + Sync + 'static {
    /// A stored status change; the sink tells the UI, then notifies (unless muted or turned off).
    fn changed(&self, change: &StatusChange);
    /// A case's last check or error changed, or the outbox did: the UI refreshes.
    fn refreshed(&self);
}

/// The provider in use, replaced when settings change.
pub type ProviderSlot = Arc<RwLock<Option<Arc<dyn CaseProvider>>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollerConfig {
    pub interval: Duration,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

impl Default for PollerConfig {
    fn default() -> Self {
        PollerConfig {
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
pub fn backoff(config: &PollerConfig, failures: u32, jitter: &mut Jitter) -> Duration {
    let exp = config
        .backoff_base
        .saturating_mul(1u32 << failures.saturating_sub(1).min(20));
    let ceiling = exp.min(config.backoff_cap);
    ceiling
        .mul_f64(jitter.fraction())
        .max(Duration::from_secs(1))
}

/// The wait between healthy sweeps: the interval less up to 10 % jitter, so many clients spread out.
pub fn healthy_wait(config: &PollerConfig, jitter: &mut Jitter) -> Duration {
    config.interval.mul_f64(1.0 - 0.1 * jitter.fraction())
}

/// Controls a running poller. Dropping it stops the loop.
pub struct PollerHandle {
    check_now: Arc<Notify>,
    stop: watch::Sender<bool>,
    config: watch::Sender<PollerConfig>,
}

impl PollerHandle {
    /// Sweeps now (still never before a server's `Retry-After`).
    pub fn check_now(&self) {
        self.check_now.notify_one();
    }

    pub fn set_config(&self, config: PollerConfig) {
        let _ = self.config.send(config);
        self.check_now.notify_one();
    }
}

impl Drop for PollerHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// What one sweep did, for tests and logs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub checked: usize,
    pub changed: usize,
    pub sent_from_outbox: usize,
}

/// Delivers stored changes that were never notified (the app stopped in between) — once.
pub fn deliver_pending(store: &SharedStore, sink: &dyn StatusSink) {
    let pending = filing::lock(store).and_then(|s| s.cases().pending_notifications());
    match pending {
        Ok(list) => {
            for change in list {
                deliver(store, sink, &change);
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not read pending notifications"),
    }
}

/// Hands one committed change to the sink, then marks it notified so it is never shown again.
pub fn deliver(store: &SharedStore, sink: &dyn StatusSink, change: &StatusChange) {
    sink.changed(change);
    if let Err(e) = filing::lock(store).and_then(|s| s.cases().mark_notified(change.history_id)) {
        tracing::warn!(error = %e, "could not mark a change as notified");
    }
}

/// One sweep: send the outbox, then read every watched case's status in as few requests as the
/// provider allows, and store what changed.
pub async fn sweep(
    store: &SharedStore,
    provider: &dyn CaseProvider,
    sink: &dyn StatusSink,
) -> Result<SweepReport, ProviderError> {
    let mut report = SweepReport::default();
    if !provider.capabilities().poll {
        return Ok(report);
    }
    report.sent_from_outbox = filing::flush_outbox(store, provider).await?;
    if report.sent_from_outbox > 0 {
        sink.refreshed();
    }
    let cases = filing::lock(store)
        .and_then(|s| s.cases().watched(provider.kind().as_str()))
        .map_err(|e| ProviderError::Config(e.to_string()))?;
    if cases.is_empty() {
        return Ok(report);
    }
    let numbers: Vec<String> = cases.iter().map(|c| c.case_number.clone()).collect();
    let result = provider.poll(&numbers).await;
    let statuses = match result {
        Ok(s) => s,
        Err(e) => {
            if let Ok(s) = filing::lock(store) {
                for c in &cases {
                    let _ = s.cases().record_error(c.id, &e.to_string());
                }
            }
            sink.refreshed();
            return Err(e);
        }
    };
    let by_number: std::collections::HashMap<&str, &crate::provider::RemoteStatus> = statuses
        .iter()
        .map(|r| (r.case_number.as_str(), r))
        .collect();
    let mut results = Vec::with_capacity(cases.len());
    let mut missing = Vec::new();
    for c in &cases {
        report.checked += 1;
        match by_number.get(c.case_number.as_str()) {
            Some(r) => results.push((
                c.id,
                r.status.clone(),
                r.updated.clone(),
                provider.is_terminal(&r.status),
            )),
            None => missing.push(c.id),
        }
    }
    // One transaction for the whole sweep; the changes are delivered only after it committed.
    let changes = filing::lock(store)
        .and_then(|s| s.cases().record_many(&results, &missing))
        .map_err(|e| ProviderError::Config(format!("could not store the statuses: {e}")))?;
    report.changed = changes.len();
    for change in &changes {
        deliver(store, sink, change);
    }
    sink.refreshed();
    Ok(report)
}

/// Starts the loop on the current tokio runtime. The first sweep runs at once.
pub fn spawn(
    store: SharedStore,
    provider: ProviderSlot,
    sink: Arc<dyn StatusSink>,
    config: PollerConfig,
    seed: u64,
) -> PollerHandle {
    let check_now = Arc::new(Notify::new());
    let (stop_tx, mut stop_rx) = watch::channel(false);
    let (config_tx, config_rx) = watch::channel(config);
    let wake = check_now.clone();
    tokio::spawn(async move {
        deliver_pending(&store, sink.as_ref());
        let mut jitter = Jitter::new(seed);
        let mut failures: u32 = 0;
        let mut not_before: Option<Instant> = None;
        let mut next = Instant::now();
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(next) => {}
                _ = wake.notified() => {}
                _ = stop_rx.changed() => break,
            }
            if *stop_rx.borrow() {
                break;
            }
            // A server's Retry-After is never broken, not even by "Check now".
            if let Some(nb) = not_before {
                if Instant::now() < nb {
                    next = nb;
                    continue;
                }
            }
            let config = *config_rx.borrow();
            let current = provider.read().ok().and_then(|p| p.clone());
            let Some(current) = current else {
                next = Instant::now() + config.interval;
                continue;
            };
            match sweep(&store, current.as_ref(), sink.as_ref()).await {
                Ok(report) => {
                    failures = 0;
                    not_before = None;
                    tracing::debug!(?report, "sweep done");
                    next = Instant::now() + healthy_wait(&config, &mut jitter);
                }
                Err(e) => {
                    let mut wait = if e.is_transient() {
                        failures = failures.saturating_add(1);
                        backoff(&config, failures, &mut jitter)
                    } else {
                        // Bad credentials or a malformed answer: retrying sooner will not help.
                        failures = 0;
                        healthy_wait(&config, &mut jitter)
                    };
                    if let ProviderError::Throttled {
                        retry_after: Some(ra),
                        ..
                    } = &e
                    {
                        not_before = Some(Instant::now() + *ra);
                        wait = wait.max(*ra);
                    }
                    tracing::info!(error = %e, wait_ms = wait.as_millis() as u64, failures, "sweep failed; waiting");
                    next = Instant::now() + wait;
                }
            }
        }
    });
    PollerHandle {
        check_now,
        stop: stop_tx,
        config: config_tx,
    }
}
