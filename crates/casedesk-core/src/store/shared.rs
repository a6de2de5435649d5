//! The store shared between the window's commands and the follow loops, and the drafts being sent.
//!
//! The store is shared as [`SharedStore`]; it is never locked across a network call, and async code
//! reaches it only through [`on_store`], on a blocking thread. One draft is submitted at most once at a
//! time, whoever asks (the user's Submit, the outbox sender): [`Submitting`] holds it, and
//! [`ensure_not_being_sent`] refuses an edit meanwhile.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::Store;
use crate::error::{Error, Result};

pub type SharedStore = Arc<Mutex<Store>>;

pub fn lock(store: &SharedStore) -> Result<std::sync::MutexGuard<'_, Store>> {
    store.lock().map_err(|_| {
        Error::invalid(
            crate::Code::Internal,
            "An earlier error left the store unusable; restart Casedesk.",
        )
    })
}

/// Runs store work on a blocking thread (it may fsync or read large files), never on one of the
/// runtime's few workers, which the follow loops need.
pub async fn on_store<T: Send + 'static>(
    store: &SharedStore,
    f: impl FnOnce(&Store) -> Result<T> + Send + 'static,
) -> Result<T> {
    let store = store.clone();
    match tokio::task::spawn_blocking(move || lock(&store).and_then(|s| f(&s))).await {
        Ok(r) => r,
        Err(e) => Err(Error::invalid(
            crate::Code::Internal,
            format!("a store task stopped: {e}"),
        )),
    }
}

/// The drafts being submitted right now, per store folder.
static IN_FLIGHT: Mutex<BTreeSet<(PathBuf, i64)>> = Mutex::new(BTreeSet::new());

/// A draft's submission under way; dropping it lets another start.
pub struct Submitting {
    key: (PathBuf, i64),
}

impl Submitting {
    /// Claims `draft_id` of the store in `dir`; `already_submitting` when it is being sent.
    pub fn start(dir: &Path, draft_id: i64) -> Result<Submitting> {
        let key = (dir.to_owned(), draft_id);
        let mut set = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        if !set.insert(key.clone()) {
            return Err(Error::invalid(
                crate::Code::AlreadySubmitting,
                "This draft is being sent right now.",
            ));
        }
        Ok(Submitting { key })
    }
}

/// Refuses an edit to a draft while it is being sent, so the case keeps what went out.
pub fn ensure_not_being_sent(dir: &Path, draft_id: i64) -> Result<()> {
    let set = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
    if set.contains(&(dir.to_owned(), draft_id)) {
        return Err(Error::invalid(
            crate::Code::AlreadySubmitting,
            "This draft is being sent right now; it can be edited again if the server refuses it.",
        ));
    }
    Ok(())
}

impl Drop for Submitting {
    fn drop(&mut self) {
        IN_FLIGHT
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
    }
}
