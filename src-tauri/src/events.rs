//! What the shell has to tell the page (a case changed, files were dropped, the window is closing),
//! queued here and fetched by the page with `next_events`, a request that waits until there is
//! something, rather than pushed into it.
//!
//! Why not Tauri's events: Tauri pushes each one (and registers each page listener) by evaluating
//! script in the page, and the first such call makes the app's own process start a JavaScript engine
//! to read the result back — JavaScriptCore mapped and initialised in a process that runs no script:
//! 3.3 MB of the app process's memory for its whole life (2.2 MB of the whole tree's, as the web
//! process then counts the shared pages alone; `casedesk-bench ab`, n=8), and eight script
//! evaluations at start. A request that waits costs one pending IPC call.

use casedesk_core::store::StatusChange;
use casedesk_core::ErrorPayload;
use serde::Serialize;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// How many events wait for the page at most; past it the oldest go (a page that stopped asking
/// must not grow the app without bound).
const QUEUE_MAX: usize = 1000;

/// One thing the page is told. Serialised as `{"kind": "case-changed", ...}`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ShellEvent {
    /// The database failed its check after start.
    StoreProblem { problem: ErrorPayload },
    /// A followed case changed status or got its number.
    CaseChanged { change: StatusChange },
    /// The cases list should be read again (a sweep ended, a source needs attention).
    CasesRefreshed,
    /// The tray's Quit (or macOS's Cmd+Q): save, then call `quit_app`.
    QuitRequested,
    /// macOS's Casedesk → Settings… (Cmd+,): show Settings.
    OpenSettings,
    /// The window's close button (or Ctrl+W): save, then answer with `finish_close(seq, keep)`.
    CloseRequested { seq: u64 },
    /// Files dropped on the window (already granted by the shell).
    Drop { paths: Vec<PathBuf> },
    /// Files are being dragged over the window (`true`) or left it (`false`).
    DragHover { hover: bool },
}

/// The queue between the shell and the page.
#[derive(Default)]
pub struct Events {
    queue: Mutex<VecDeque<ShellEvent>>,
    ready: tokio::sync::Notify,
    /// The page has asked at least once: it is there to save before the window closes.
    listening: AtomicBool,
    close_asked: AtomicU64,
    close_answered: AtomicU64,
}

impl Events {
    pub fn push(&self, event: ShellEvent) {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        let repeat = matches!(event, ShellEvent::CasesRefreshed)
            && matches!(queue.back(), Some(ShellEvent::CasesRefreshed));
        if !repeat {
            if queue.len() >= QUEUE_MAX {
                queue.pop_front();
                tracing::warn!("the page is not reading its events; the oldest was dropped");
            }
            queue.push_back(event);
        }
        drop(queue);
        // A permit is kept when nobody waits yet, so an event pushed between `take` and the wait
        // in `next` is not missed.
        self.ready.notify_one();
    }

    /// Everything queued, waiting up to `wait` for the first; empty when nothing came.
    pub async fn next(&self, wait: Duration) -> Vec<ShellEvent> {
        self.listening.store(true, Ordering::SeqCst);
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let taken: Vec<ShellEvent> = self
                .queue
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .drain(..)
                .collect();
            if !taken.is_empty() {
                return taken;
            }
            if tokio::time::timeout_at(deadline, self.ready.notified())
                .await
                .is_err()
            {
                return Vec::new();
            }
        }
    }

    /// Whether a page is reading events (and so can save before the window closes).
    pub fn page_listening(&self) -> bool {
        self.listening.load(Ordering::SeqCst)
    }

    /// Tells the page the window is asked to close; the number its answer must carry.
    pub fn close_requested(&self) -> u64 {
        let seq = self.close_asked.fetch_add(1, Ordering::SeqCst) + 1;
        self.push(ShellEvent::CloseRequested { seq });
        seq
    }

    /// The page has answered close request `seq` (and those before it).
    pub fn close_answered(&self, seq: u64) {
        self.close_answered.fetch_max(seq, Ordering::SeqCst);
    }

    pub fn was_answered(&self, seq: u64) -> bool {
        self.close_answered.load(Ordering::SeqCst) >= seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(events: &[ShellEvent]) -> Vec<String> {
        events
            .iter()
            .map(|e| {
                serde_json::to_value(e).unwrap()["kind"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[tokio::test]
    async fn events_come_in_order_and_repeated_refreshes_once() {
        let events = Events::default();
        events.push(ShellEvent::CasesRefreshed);
        events.push(ShellEvent::CasesRefreshed);
        events.push(ShellEvent::DragHover { hover: true });
        events.push(ShellEvent::CasesRefreshed);
        let got = events.next(Duration::from_secs(1)).await;
        assert_eq!(
            kinds(&got),
            ["cases-refreshed", "drag-hover", "cases-refreshed"]
        );
        assert_eq!(
            serde_json::to_value(&got[1]).unwrap(),
            serde_json::json!({"kind": "drag-hover", "hover": true})
        );
    }

    #[tokio::test]
    async fn a_wait_ends_with_the_first_event_or_empty_at_its_deadline() {
        let events = std::sync::Arc::new(Events::default());
        assert!(!events.page_listening());
        let started = std::time::Instant::now();
        assert!(events.next(Duration::from_millis(50)).await.is_empty());
        assert!(started.elapsed() >= Duration::from_millis(50));
        assert!(events.page_listening());
        let pusher = events.clone();
        let handle = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            pusher.push(ShellEvent::QuitRequested);
        });
        let got = events.next(Duration::from_secs(5)).await;
        assert_eq!(kinds(&got), ["quit-requested"]);
        handle.await.unwrap();
    }

    #[tokio::test]
    async fn close_requests_are_numbered_and_answered_in_turn() {
        let events = Events::default();
        let first = events.close_requested();
        let second = events.close_requested();
        assert_eq!((first, second), (1, 2));
        assert!(!events.was_answered(first));
        events.close_answered(first);
        assert!(events.was_answered(first) && !events.was_answered(second));
        let got = events.next(Duration::from_secs(1)).await;
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            serde_json::json!([{"kind": "close-requested", "seq": 1}, {"kind": "close-requested", "seq": 2}])
        );
    }

    #[test]
    fn a_page_that_stops_reading_keeps_only_the_newest() {
        let events = Events::default();
        for i in 0..(QUEUE_MAX + 5) {
            events.push(ShellEvent::CloseRequested { seq: i as u64 });
        }
        let queue = events.queue.lock().unwrap();
        assert_eq!(queue.len(), QUEUE_MAX);
        assert!(matches!(
            queue.front(),
            Some(ShellEvent::CloseRequested { seq: 5 })
        ));
    }
}
