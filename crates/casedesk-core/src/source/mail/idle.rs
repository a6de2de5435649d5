//! Waiting for news in IMAP IDLE on the first folder, re-issued at most every [`IDLE_REISSUE`], with
//! the connection's silence limit off while it idles.

use std::time::Duration;
use tokio::sync::Notify;

use super::imap::{imap_error, timed, COMMAND_TIMEOUT};
use super::{MailSource, IDLE_REISSUE};

impl MailSource {
    /// IDLE on the first folder until news, `max`, or `wake`; `false` when IDLE is not available.
    pub(super) async fn idle(&self, max: Duration, wake: &Notify) -> bool {
        if !self.uses_idle() {
            return false;
        }
        let mut guard = self.session.lock().await;
        let Some(mut session) = guard.take() else {
            return false;
        };
        let Some(folder) = self.settings.folder_list().into_iter().next() else {
            return false;
        };
        if timed(COMMAND_TIMEOUT, "EXAMINE", async {
            session.examine(&folder).await.map_err(imap_error)
        })
        .await
        .is_err()
        {
            return false;
        }
        session.get_mut().set_patience(None);
        let mut handle = session.idle();
        if timed(COMMAND_TIMEOUT, "IDLE", async {
            handle.init().await.map_err(imap_error)
        })
        .await
        .is_err()
        {
            return false;
        }
        {
            let (news, _stop) = handle.wait_with_timeout(max.min(IDLE_REISSUE));
            tokio::select! {
                r = news => tracing::debug!(?r, "IDLE ended"),
                _ = wake.notified() => {}
            }
        }
        match timed(COMMAND_TIMEOUT, "DONE", async {
            handle.done().await.map_err(imap_error)
        })
        .await
        {
            Ok(mut s) => {
                s.get_mut().set_patience(Some(self.patience));
                *guard = Some(s)
            }
            Err(e) => tracing::info!(error = %e, "the connection ended after IDLE; reconnecting"),
        }
        true
    }
}
