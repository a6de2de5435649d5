//! `cj-web`: CJ has no case API, so Casedesk assists the web form instead of submitting, and the user
//! records the case number CJ gives them. Statuses are set by hand; nothing is polled.

use super::{
    BoxFuture, Capabilities, CaseProvider, ProviderError, ProviderKind, RemoteStatus, Submission,
};

/// CJ Account Manager, where the help icon (?) leads to Contact Support.
pub const DEFAULT_FORM_URL: &str = "https://members.cj.com/";
pub const DEFAULT_STATUSES: [&str; 5] =
    ["New", "In Progress", "Waiting on you", "Resolved", "Closed"];

pub struct CjWeb {
    pub form_url: String,
}

impl CaseProvider for CjWeb {
    fn kind(&self) -> ProviderKind {
        ProviderKind::CjWeb
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            submit: false,
            poll: false,
        }
    }

    fn is_terminal(&self, status: &str) -> bool {
        matches!(status.to_lowercase().as_str(), "resolved" | "closed")
    }

    fn case_url(&self, _case_number: &str) -> Option<String> {
        Some(self.form_url.clone())
    }

    fn submit<'a>(&'a self, _s: &'a Submission) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async {
            Err(ProviderError::Unsupported(
                "CJ has no case API: file the case in the web form and record its number.",
            ))
        })
    }

    fn poll<'a>(
        &'a self,
        _n: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<RemoteStatus>, ProviderError>> {
        Box::pin(async { Err(ProviderError::Unsupported("CJ cases are updated by hand.")) })
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<String, ProviderError>> {
        Box::pin(async {
            Ok(
                "The CJ web form needs no connection test: Submit opens it in your browser."
                    .to_owned(),
            )
        })
    }
}

/// The draft as one block of text for "Copy all".
pub fn formatted_case(
    subject: &str,
    description: &str,
    reason: &str,
    sub_reason: &str,
    cc: &[String],
) -> String {
    format!(
        "Subject: {subject}\nCase Reason: {reason}\nSub Reason: {sub_reason}\nEmail Addresses to CC: {}\n\nDescription:\n{description}\n",
        cc.join(", ")
    )
}
