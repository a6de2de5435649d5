//! What several follow-loop tests share: letting paused tokio time run, and a sink that keeps each
//! new status it is told of.

use casedesk_core::follow::StatusSink;
use casedesk_core::store::StatusChange;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Lets `d` of (paused) tokio time pass in half-second steps, so every loop's timers fire in order.
pub async fn run_for(d: Duration) {
    let end = Instant::now() + d;
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// A sink that keeps the new status of every change it is told of, in order.
#[derive(Default)]
pub struct NewStatuses(pub Mutex<Vec<String>>);

impl StatusSink for NewStatuses {
    fn changed(&self, c: &StatusChange) {
        self.0
            .lock()
            .unwrap()
            .push(c.new_status.clone().unwrap_or_default());
    }
    fn refreshed(&self) {}
    fn attention(&self, _: &str, _: &str) {}
}

/// Preferences following these mailboxes (the mail source's slice).
pub fn with_mailboxes(
    accounts: Vec<casedesk_core::source::mail::MailAccount>,
) -> casedesk_core::preferences::Preferences {
    let mut p = casedesk_core::preferences::Preferences::default();
    set_mailboxes(&mut p, accounts);
    p
}

/// Sets the mailboxes the preferences follow.
pub fn set_mailboxes(
    p: &mut casedesk_core::preferences::Preferences,
    accounts: Vec<casedesk_core::source::mail::MailAccount>,
) {
    let slice = casedesk_core::source::mail::MailAccounts { accounts }.slice();
    p.set_slice(casedesk_core::source::mail::accounts::KEY, slice)
        .unwrap();
}

/// The mailboxes the preferences follow.
pub fn mailboxes(
    p: &casedesk_core::preferences::Preferences,
) -> Vec<casedesk_core::source::mail::MailAccount> {
    casedesk_core::registry::mail_accounts(p).accounts
}
