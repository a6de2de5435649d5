//! The names rows carry: which filer a case was filed with, and where a timeline entry came from.
//! They sit on the ground floor because the store keeps them and everything above reads them; the
//! filers and sources themselves live a floor up ([`crate::filer`], [`crate::source`]).

use serde::{Deserialize, Serialize};

/// The filers Casedesk knows, as stored in settings and on cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FilerKind {
    #[serde(rename = "cj-web")]
    CjWeb,
    #[serde(rename = "rt")]
    Rt,
}

impl FilerKind {
    pub const ALL: [FilerKind; 2] = [FilerKind::CjWeb, FilerKind::Rt];

    pub fn as_str(self) -> &'static str {
        match self {
            FilerKind::CjWeb => "cj-web",
            FilerKind::Rt => "rt",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a timeline entry came from, as stored in `status_history.source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A helpdesk API polled for its tickets (RT).
    Poll,
    /// The user's mailbox (IMAP, or an imported `.eml` file).
    Mail,
    /// Set by the user.
    Manual,
    /// The status known when the case was recorded.
    Added,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Poll => "poll",
            SourceKind::Mail => "mail",
            SourceKind::Manual => "manual",
            SourceKind::Added => "added",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            SourceKind::Poll,
            SourceKind::Mail,
            SourceKind::Manual,
            SourceKind::Added,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}
