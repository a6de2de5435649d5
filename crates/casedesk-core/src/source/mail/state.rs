//! The mail source's state as the Cases view shows it: on or off, the last pass, and what was read.

use serde::Serialize;

use super::MailSettings;
use super::NAME;
use crate::error::Result;
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

pub fn sync_state(store: &Store, settings: &MailSettings) -> Result<SyncState> {
    Ok(SyncState {
        enabled: settings.enabled,
        state: store.source_states().get(NAME)?,
        counts: store.mail_messages().counts()?,
    })
}
