//! The polling source: asks a helpdesk API for the statuses of the tickets it filed (RT today), in as
//! few requests as it allows. Because the same server also takes new cases, a pass first sends what
//! waits in that filer's outbox: both share the server's health, and so its backoff.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Outbox, StatusSource, SyncReport};
use crate::filer::FilerKind;
use crate::remote::{BoxFuture, RemoteError};
use crate::store::{self, SharedStore};

/// What a poll learned about one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteStatus {
    pub case_number: String,
    pub status: String,
    pub updated: Option<String>,
}

/// A helpdesk that answers the statuses of many tickets at once.
pub trait TicketStatuses: Send + Sync {
    /// The filer whose cases these are.
    fn filer(&self) -> FilerKind;
    /// Statuses after which a case needs no more polling.
    fn is_terminal(&self, status: &str) -> bool;
    /// Current statuses of these cases. A case missing from the answer was not found.
    fn statuses<'a>(
        &'a self,
        case_numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<RemoteStatus>, RemoteError>>;
}

pub struct PollingSource {
    pub tickets: Arc<dyn TicketStatuses>,
    /// The outbox sent before each pass (the same server).
    pub outbox: Option<Arc<dyn Outbox>>,
    /// The error the last pass wrote on the cases: a server that stays down is not written again.
    pub last_error: std::sync::Mutex<Option<String>>,
}

impl PollingSource {
    pub fn new(tickets: Arc<dyn TicketStatuses>, outbox: Option<Arc<dyn Outbox>>) -> Self {
        PollingSource {
            tickets,
            outbox,
            last_error: std::sync::Mutex::new(None),
        }
    }
}

impl StatusSource for PollingSource {
    fn name(&self) -> &str {
        "rt"
    }

    fn sync<'a>(
        &'a self,
        store: &'a SharedStore,
    ) -> BoxFuture<'a, Result<SyncReport, RemoteError>> {
        Box::pin(async move {
            let result = sweep(
                store,
                self.tickets.as_ref(),
                self.outbox.as_deref(),
                &self.last_error,
            )
            .await;
            if result.is_ok() {
                *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            result
        })
    }
}

/// One pass: send the outbox, then read every watched case's status and store what changed, in one
/// transaction. A failed request is written to the cases it concerned — once: while the same error
/// repeats (`last_error`), nothing is written again, so a server that stays down never holds up an
/// autosave.
pub async fn sweep(
    store: &SharedStore,
    tickets: &dyn TicketStatuses,
    outbox: Option<&dyn Outbox>,
    last_error: &std::sync::Mutex<Option<String>>,
) -> Result<SyncReport, RemoteError> {
    let mut report = SyncReport::default();
    if let Some(outbox) = outbox {
        if outbox.send(store).await? > 0 {
            report.refreshed = true;
        }
    }
    let filer = tickets.filer();
    let cases = store::on_store(store, move |s| s.cases().watched_numbers(filer.as_str()))
        .await
        .map_err(|e| RemoteError::Config(e.to_string()))?;
    if cases.is_empty() {
        return Ok(report);
    }
    let numbers: Vec<String> = cases.iter().map(|(_, n)| n.clone()).collect();
    let statuses = match tickets.statuses(&numbers).await {
        Ok(s) => s,
        Err(e) => {
            let message = e.to_string();
            let repeated = last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_deref()
                == Some(message.as_str());
            if !repeated {
                let ids: Vec<i64> = cases.iter().map(|(id, _)| *id).collect();
                let text = message.clone();
                match store::on_store(store, move |s| s.cases().record_errors(&ids, &text)).await {
                    Ok(()) => *last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(message),
                    Err(err) => tracing::warn!(error = %err, "could not record the failed check"),
                }
            }
            return Err(e);
        }
    };
    let by_number: HashMap<&str, &RemoteStatus> = statuses
        .iter()
        .map(|r| (r.case_number.as_str(), r))
        .collect();
    let mut results = Vec::with_capacity(cases.len());
    let mut missing = Vec::new();
    for (id, number) in &cases {
        report.checked += 1;
        match by_number.get(number.as_str()) {
            Some(r) => results.push((
                *id,
                r.status.clone(),
                r.updated.clone(),
                tickets.is_terminal(&r.status),
            )),
            None => missing.push(*id),
        }
    }
    report.changes = store::on_store(store, move |s| s.cases().record_many(&results, &missing))
        .await
        .map_err(|e| RemoteError::Config(format!("could not store the statuses: {e}")))?;
    report.refreshed = true;
    Ok(report)
}
