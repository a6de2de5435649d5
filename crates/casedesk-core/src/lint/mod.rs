//! CJ's writing guidance, made executable.
//!
//! CJ's page says a subject must be "a concise, specific description of your issue" and names its bad
//! examples ("Help needed", "Issue with CJ") and good ones. A description should say what you were trying
//! to accomplish, the steps you took, the error messages or unexpected behaviour, and your browser or
//! system information. Findings here are advice: they never block saving or readiness.
//!
//! [`subject`] holds the subject rules and the similarity behind the duplicate warning; [`description`]
//! the four-item checklist and the template that "Insert template" adds.

use serde::Serialize;

mod description;
mod subject;

pub use description::{description_checklist, description_template, ChecklistItem};
pub use subject::{subject_findings, subject_similarity, subject_terms, GOOD_SUBJECT_EXAMPLES};

/// One piece of advice about a field. `code` is short and stable (used as `data-code` in the UI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub message: String,
}
