//! The mail source's state as the Cases view shows it: on or off, the last pass, and what was read.

use serde::Serialize;

use super::NAME;
use crate::error::Result;
use crate::preferences::Preferences;
use crate::store::{MailCounts, SourceState, Store};

/// The mail source's state for the Cases view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    pub enabled: bool,
    #[serde(flatten)]
    pub state: SourceState,
    pub counts: MailCounts,
}

pub fn sync_state(store: &Store, prefs: &Preferences) -> Result<SyncState> {
    Ok(SyncState {
        enabled: prefs.mail.enabled,
        state: store.source_states().get(NAME)?,
        counts: store.mail_messages().counts()?,
    })
}
