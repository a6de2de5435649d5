//! The mail sources' state as the Cases view shows it: per account, on or off, its last pass and its
//! error; and what was read, over all of them (a mail is read once, whichever mailbox brought it).

use serde::Serialize;

use super::{MailAccount, MailAccounts};
use crate::error::Result;
use crate::slice::Slice;
use crate::store::{MailCounts, SourceState, Store};

/// One account's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountState {
    pub id: String,
    pub label: String,
    pub enabled: bool,
    #[serde(flatten)]
    pub state: SourceState,
}

/// The mail sources' state for the Cases view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    /// Any account is followed.
    pub enabled: bool,
    pub accounts: Vec<AccountState>,
    pub counts: MailCounts,
}

pub fn sync_state(store: &Store, accounts: &[MailAccount]) -> Result<SyncState> {
    let states = store.source_states();
    let accounts = accounts
        .iter()
        .map(|a| {
            Ok(AccountState {
                id: a.id.clone(),
                label: a.label(),
                enabled: a.settings.enabled,
                state: states.get(&a.source_name())?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(SyncState {
        enabled: accounts.iter().any(|a| a.enabled),
        accounts,
        counts: store.mail_messages().counts()?,
    })
}

/// [`sync_state`] of the mailboxes in the mail source's settings slice, as the Cases view reads it
/// (the source's `follow_state`).
pub fn view(store: &Store, slice: Option<&Slice>) -> Result<serde_json::Value> {
    let state = sync_state(store, &MailAccounts::from_slice(slice).accounts)?;
    // Strings, booleans and numbers always serialize; `Null` is never seen.
    Ok(serde_json::to_value(state).unwrap_or_default())
}
