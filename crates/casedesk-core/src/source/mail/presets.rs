//! The presets: how each support desk's mails read, as patterns with named groups `case` and
//! `status` (CJ / Salesforce's stock templates, Zendesk, Jira Service Management), and which
//! statuses close a case there. The user starts from one and may edit it (then it is "custom").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// CJ's support desk (Salesforce Service Cloud's stock templates).
    Cj,
    Zendesk,
    Jira,
    /// The user's own patterns.
    Custom,
}

const CJ_PATTERNS: &[&str] = &[
    r"(?i)\bcase\s*(?:#|number|no\.?|nr\.?|id)?\s*:?\s*#?\s*(?P<case>\d{5,10})\b",
    r#"(?im)\bstatus\s*(?:of\s+(?:your|the)\s+case\s+)?(?:has\s+(?:been\s+)?|was\s+|is\s+now\s+)?(?:changed|updated|set)?\s*(?:to|:)\s*\**"?(?P<status>[a-z][a-z '-]{0,38}[a-z])"?\**\s*[.!]?\s*$"#,
    r"(?i)\byour\s+case\s+(?:#?\s*\d{5,10}\s+)?(?:has\s+been|was|is\s+now)\s+(?P<status>closed|resolved|escalated|reopened|re-opened|solved)\b",
    r"(?i)\bhas\s+been\s+(?P<status>created)\b",
];

const ZENDESK_PATTERNS: &[&str] = &[
    r"(?i)\brequest\s*(?:#\s*)?\(\s*#?(?P<case>\d{1,10})\s*\)",
    r"(?i)\brequest\s*#\s*(?P<case>\d{1,10})\b",
    r"(?i)\brequest\s*\(?#?\d{1,10}\)?\s+has\s+been\s+(?P<status>received|solved|closed|reopened)\b",
    r"(?im)\bstatus\s*(?:changed\s+)?(?:to|:)\s*(?P<status>new|open|pending|on-hold|on hold|solved|closed)\b",
];

const JIRA_PATTERNS: &[&str] = &[
    r"\((?P<case>[A-Z][A-Z0-9]{1,9}-\d{1,7})\)",
    r"\b(?i:request|issue|ticket)\s+(?P<case>[A-Z][A-Z0-9]{1,9}-\d{1,7})\b",
    r#"(?im)\bchanged\s+the\s+status\s+to\s+"?(?P<status>[a-z][a-z '-]{0,38}[a-z])"?\s*[.!]?\s*$"#,
    r"(?im)^\s*status\s*:\s*(?P<status>[a-z][a-z '-]{0,38}[a-z])\s*$",
];

impl Preset {
    pub fn default_patterns(self) -> &'static [&'static str] {
        match self {
            Preset::Cj | Preset::Custom => CJ_PATTERNS,
            Preset::Zendesk => ZENDESK_PATTERNS,
            Preset::Jira => JIRA_PATTERNS,
        }
    }

    pub fn default_terminal(self) -> &'static [&'static str] {
        match self {
            Preset::Cj | Preset::Custom => &["Closed", "Resolved"],
            Preset::Zendesk => &["Solved", "Closed"],
            Preset::Jira => &["Done", "Resolved", "Closed", "Canceled", "Cancelled"],
        }
    }
}

/// A preset as Settings shows it: its patterns and closing statuses, to start editing from.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresetInfo {
    pub id: Preset,
    pub label: &'static str,
    pub patterns: Vec<&'static str>,
    pub terminal: Vec<&'static str>,
}

pub fn presets() -> Vec<PresetInfo> {
    [
        (Preset::Cj, "CJ (Salesforce)"),
        (Preset::Zendesk, "Zendesk"),
        (Preset::Jira, "Jira Service Management"),
        (Preset::Custom, "Custom patterns"),
    ]
    .into_iter()
    .map(|(id, label)| PresetInfo {
        id,
        label,
        patterns: id.default_patterns().to_vec(),
        terminal: id.default_terminal().to_vec(),
    })
    .collect()
}
