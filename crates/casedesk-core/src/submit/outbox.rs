//! The outbox's sending and its user actions: what waits is sent oldest first by the follow loop; a
//! refusal for good waits for the user (Retry, Edit, Discard); a draft is never sent twice at once.

use super::{plan_submission, read_plan, record_sent};
use crate::error::Result;
use crate::filer::Filer;
use crate::remote::RemoteError;
use crate::store::{on_store, SharedStore, Submitting};
use crate::store::{OutboxItem, OutboxState, Store};

/// A filer's outbox, as the polling source sends it before each pass.
pub struct FilerOutbox(pub std::sync::Arc<dyn Filer>);

impl crate::source::Outbox for FilerOutbox {
    fn send<'a>(
        &'a self,
        store: &'a SharedStore,
    ) -> crate::remote::BoxFuture<'a, std::result::Result<usize, RemoteError>> {
        Box::pin(flush_outbox(store, self.0.as_ref()))
    }
}

/// Sends what waits in the outbox for this filer, oldest first. Stops at the first passing failure
/// (the server is still away) and returns it, so the follow loop backs off; a refusal for good marks
/// the item for the user's attention and the next one goes. A draft being sent by the user's Submit
/// is skipped; an item needing attention is not retried until the user says so.
pub async fn flush_outbox(
    store: &SharedStore,
    filer: &dyn Filer,
) -> std::result::Result<usize, RemoteError> {
    let kind = filer.kind();
    let waiting = on_store(store, move |s| {
        let items: Vec<OutboxItem> = s
            .outbox()
            .list()?
            .into_iter()
            .filter(|i| i.filer == kind.as_str() && i.state == OutboxState::Waiting)
            .collect();
        Ok((s.dir().to_owned(), items))
    })
    .await;
    let (dir, items) = match waiting {
        Ok(w) => w,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the outbox");
            return Ok(0);
        }
    };
    let mut sent = 0;
    for item in items {
        let Ok(_claim) = Submitting::start(&dir, item.draft_id) else {
            continue;
        };
        let (draft_id, token) = (item.draft_id, item.client_token.clone());
        let planned = on_store(store, move |s| plan_submission(s, draft_id, &token)).await;
        let submission = match async { read_plan(planned?).await }.await {
            Ok(sub) => sub,
            Err(e) => {
                let reason = e.to_string();
                let _ =
                    on_store(store, move |s| s.outbox().needs_attention(item.id, &reason)).await;
                continue;
            }
        };
        match filer.submit(&submission).await {
            Ok(number) => {
                if let Err(e) = record_sent(store, kind, item.draft_id, number).await {
                    // The next pass submits again; the client token makes the server find this case.
                    tracing::warn!(error = %e, "sent, but could not record the case");
                }
                sent += 1;
            }
            Err(e) => {
                let reason = e.to_string();
                let transient = e.is_transient();
                let _ = on_store(store, move |s| {
                    if transient {
                        s.outbox().record_failure(item.id, &reason)
                    } else {
                        s.outbox().needs_attention(item.id, &reason)
                    }
                })
                .await;
                if transient {
                    return Err(e);
                }
            }
        }
    }
    Ok(sent)
}

/// "Retry" on an item that needs attention: it waits again and goes with the next pass.
pub fn retry_outbox(store: &Store, item_id: i64) -> Result<()> {
    store.outbox().retry(item_id)
}

/// "Edit" on an outbox item: the draft comes back to the drafts list, editable, with its token
/// forgotten (its next Submit is a new case). Refused while it is being sent.
pub fn take_back_from_outbox(store: &Store, item_id: i64) -> Result<()> {
    let item = store.outbox().get(item_id)?;
    let _claim = Submitting::start(store.dir(), item.draft_id)?;
    store.outbox().remove(item_id)
}

/// "Discard" on an outbox item: it leaves the outbox and the draft goes to the trash (with Undo).
pub fn discard_from_outbox(store: &Store, item_id: i64) -> Result<i64> {
    let item = store.outbox().get(item_id)?;
    let _claim = Submitting::start(store.dir(), item.draft_id)?;
    store.in_transaction(|s| {
        s.outbox().remove(item_id)?;
        s.drafts().trash(item.draft_id)?;
        Ok(item.draft_id)
    })
}
