//! Status sources: where Casedesk learns that a case changed, behind one trait.
//!
//! A case is *filed* by a filer ([`crate::filer`]) and *followed* by the sources that can see it: a
//! helpdesk API polled for the tickets it filed (`rt`), the user's own mailbox, where support sends the
//! case number and every update (`mail`), and the user by hand (`manual`, which needs no loop). Each
//! running source is a small module with its settings; [`crate::registry::sources`] is the one place
//! they are registered, and the follow loop ([`crate::follow`]) runs each one without knowing which it
//! is. The shell names none of them.

pub mod by_hand;
pub mod mail;
pub mod oauth;
pub mod polling;

use std::time::Duration;
use tokio::sync::Notify;

pub use crate::kinds::SourceKind;
use crate::remote::{BoxFuture, RemoteError};
use crate::store::SharedStore;
use crate::store::StatusChange;

/// What one pass of a source did. `changes` are committed; the loop delivers each at most once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub changes: Vec<StatusChange>,
    /// Cases checked, or mails read.
    pub checked: usize,
    /// Something the UI shows changed (a last check, an error, the outbox, the sync state).
    pub refreshed: bool,
}

/// What waits for the same server as a source, sent before each of its passes (a filer's outbox;
/// see `submit::FilerOutbox`). Answers how many went out.
pub trait Outbox: Send + Sync {
    fn send<'a>(&'a self, store: &'a SharedStore) -> BoxFuture<'a, Result<usize, RemoteError>>;
}

/// A source of case news, run by the follow loop: `sync` once per pass, then `wait_for_news`.
pub trait StatusSource: Send + Sync + 'static {
    /// A short stable name for logs and the sync state ("rt", "mail", "mail:team").
    fn name(&self) -> &str;

    /// One pass: read what is new, store it (each change committed before it is returned), and answer
    /// the changes to deliver. An error is stored where the user sees it, then returned so the loop
    /// can back off.
    fn sync<'a>(&'a self, store: &'a SharedStore)
        -> BoxFuture<'a, Result<SyncReport, RemoteError>>;

    /// After a healthy pass, waits up to `max` for news, returning early when `wake` is notified
    /// ("Check now"). A source that can be told about news (IMAP IDLE) returns when it is. The default
    /// sleeps.
    fn wait_for_news<'a>(&'a self, max: Duration, wake: &'a Notify) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            tokio::select! {
                _ = tokio::time::sleep(max) => {}
                _ = wake.notified() => {}
            }
        })
    }
}

/// Whether a source that finds cases by itself, whoever they were filed with, is on (a mailbox
/// followed), read from the preferences' slices: then "Check now" means something on any case.
pub fn finds_cases(slices: &std::collections::BTreeMap<String, crate::slice::Slice>) -> bool {
    mail::MailAccounts::from_slice(slices.get(mail::accounts::KEY)).follows()
}
