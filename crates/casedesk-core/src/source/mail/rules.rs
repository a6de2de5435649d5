//! Reading a mail: who counts (the sender allowlist and the receiving server's authentication verdict),
//! and what a counted mail says — its case number, a status, thread markers, or else a reply's text.
//!
//! The "what it says" part is patterns, not code: each preset (CJ / Salesforce, Zendesk, Jira Service
//! Management) is a list of regular expressions with named groups `case` and `status`, which the user
//! can edit (then the preset is "custom"). Patterns are tried in order on the subject, then the body;
//! the first match wins, so a number next to "Case" beats an order number elsewhere. Matching is
//! regex-lite's: linear in the text, whatever the user types.

use regex_lite::Regex;
use serde::Serialize;

use super::parse::ParsedMail;
pub use super::presets::{presets, Preset, PresetInfo};
use super::settings::MailSettings;
use crate::cj_routes::CjRoutes;
use crate::error::{Error, Result};

/// What each marker pattern starts with, in the same order (a cheap test before the pattern runs).
const MARKER_PREFIXES: [&str; 4] = ["ref:_", "ref:!", "thread::", "["];

/// Markers that tie a mail to a case without its number, whatever the preset: Salesforce's legacy and
/// 2023 ref ids, its `thread::` token, and Zendesk's encoded ids.
const MARKER_PATTERNS: &[&str] = &[
    r"ref:_[A-Za-z0-9]{5,}\._[A-Za-z0-9]{5,}:ref",
    r"ref:![A-Za-z0-9.!_-]{5,}:ref",
    r"thread::[A-Za-z0-9_-]{6,}::",
    r"\[[0-9A-Z]{6}-[0-9A-Z]{4}\]",
];

/// Why a mail does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IgnoreReason {
    /// Not from an allowed sender.
    Sender,
    /// The receiving server failed its authentication (DMARC, or SPF without DKIM).
    Authentication,
    /// From support, but it names no case and answers no known mail.
    NoCase,
}

impl IgnoreReason {
    pub fn as_str(self) -> &'static str {
        match self {
            IgnoreReason::Sender => "sender",
            IgnoreReason::Authentication => "authentication",
            IgnoreReason::NoCase => "no_case",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            IgnoreReason::Sender => "not from a sender on your list",
            IgnoreReason::Authentication => {
                "your mail server could not confirm the sender (DMARC/SPF/DKIM)"
            }
            IgnoreReason::NoCase => "it names no case",
        }
    }
}

/// What a counted mail says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailKind {
    /// A confirmation: the case was created (its status is "New").
    Created,
    /// A status.
    Status,
    /// A reply from support (no status stated).
    Reply,
}

/// What was read from one mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub key: String,
    pub message_id: Option<String>,
    /// `None` when the mail counts.
    pub ignored: Option<IgnoreReason>,
    pub kind: MailKind,
    pub case_number: Option<String>,
    pub status: Option<String>,
    /// Thread markers found in it, then the ids of the mails it answers.
    pub markers: Vec<String>,
    pub subject: String,
    /// What the mail calls the case: the subject without prefixes and number, and quoted titles in
    /// the body. Used to find the draft a confirmation answers.
    pub titles: Vec<String>,
    pub reply_text: Option<String>,
    pub date_ms: Option<i64>,
    /// The CJ accounts the mail names, by its `To`/`Cc` address or a CID/PID in its text ([`CjRoutes`]).
    pub cj_accounts: Vec<String>,
}

#[derive(Clone)]
struct Pattern {
    re: Regex,
    case: bool,
    status: bool,
}

/// A mail setting's patterns, compiled once per sync, and which CJ account a mail names.
#[derive(Clone)]
pub struct Rules {
    patterns: Vec<Pattern>,
    markers: Vec<Regex>,
    terminal: Vec<String>,
    routes: CjRoutes,
    shared: bool,
}

const MAX_PATTERNS: usize = 30;
const PATTERN_MAX_LEN: usize = 1000;
const REPLY_MAX_CHARS: usize = 4000;

impl Rules {
    /// Compiles the settings' patterns (or the preset's); an error names the bad pattern.
    pub fn compile(settings: &MailSettings) -> Result<Rules> {
        let given: Vec<&str> = settings
            .patterns
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect();
        let sources: Vec<&str> = if given.is_empty() {
            settings.preset.default_patterns().to_vec()
        } else {
            given
        };
        let bad = |message: String| {
            Error::field("mail_patterns", crate::Code::MailPatternInvalid, message)
        };
        if sources.len() > MAX_PATTERNS {
            return Err(bad(format!("At most {MAX_PATTERNS} patterns.")));
        }
        let mut patterns = Vec::new();
        for (i, src) in sources.iter().enumerate() {
            if src.len() > PATTERN_MAX_LEN {
                return Err(bad(format!("Pattern {} is too long.", i + 1)));
            }
            let re = Regex::new(src)
                .map_err(|e| bad(format!("Pattern {} is not a valid pattern: {e}", i + 1)))?;
            let names: Vec<&str> = re.capture_names().flatten().collect();
            let case = names.contains(&"case");
            let status = names.contains(&"status");
            if !case && !status {
                return Err(bad(format!(
                    "Pattern {} names no group: use (?P<case>…) or (?P<status>…).",
                    i + 1
                )));
            }
            patterns.push(Pattern { re, case, status });
        }
        if !patterns.iter().any(|p| p.case) {
            return Err(bad(
                "At least one pattern must find the case number with (?P<case>…).".into(),
            ));
        }
        let markers = MARKER_PATTERNS
            .iter()
            .filter_map(|m| Regex::new(m).ok())
            .collect();
        let terminal: Vec<String> = if settings
            .terminal_statuses
            .iter()
            .any(|s| !s.trim().is_empty())
        {
            settings
                .terminal_statuses
                .iter()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        } else {
            settings
                .preset
                .default_terminal()
                .iter()
                .map(|s| s.to_lowercase())
                .collect()
        };
        Ok(Rules {
            patterns,
            markers,
            terminal,
            routes: CjRoutes::default(),
            shared: settings.shared,
        })
    }

    /// Whether these are the rules of the team's shared mailbox.
    pub fn shared_mailbox(&self) -> bool {
        self.shared
    }

    /// These rules, telling which of the user's CJ accounts a mail names.
    pub fn with_routes(mut self, routes: CjRoutes) -> Rules {
        self.routes = routes;
        self
    }

    /// Whether a status closes the case.
    pub fn is_terminal(&self, status: &str) -> bool {
        self.terminal.contains(&status.trim().to_lowercase())
    }

    fn first(&self, texts: &[&str], group: &str) -> Option<String> {
        for p in self.patterns.iter().filter(|p| match group {
            "case" => p.case,
            _ => p.status,
        }) {
            for text in texts {
                if let Some(m) = p.re.captures(text).and_then(|c| c.name(group)) {
                    let v = m.as_str().trim();
                    if !v.is_empty() {
                        return Some(v.to_owned());
                    }
                }
            }
        }
        None
    }

    /// Reads a parsed mail against the settings' allowlist and these patterns.
    pub fn read(&self, mail: &ParsedMail, settings: &MailSettings) -> Reading {
        let text = plain_spaces(&mail.text);
        let subject = plain_spaces(&mail.subject);
        let mut reading = Reading {
            key: mail.key(),
            message_id: mail.message_id.clone(),
            ignored: None,
            kind: MailKind::Reply,
            case_number: None,
            status: None,
            markers: Vec::new(),
            subject: mail.subject.clone(),
            titles: Vec::new(),
            reply_text: None,
            date_ms: mail.date_ms,
            cj_accounts: Vec::new(),
        };
        if !mail.from.as_deref().is_some_and(|f| settings.allows(f)) {
            reading.ignored = Some(IgnoreReason::Sender);
            return reading;
        }
        if mail.auth_failed {
            reading.ignored = Some(IgnoreReason::Authentication);
            return reading;
        }
        // What this mail says, above any quoted history: a status quoted from an older mail is not news.
        let fresh = fresh_part(&text);
        let number = self.first(&[subject.as_str(), fresh], "case").or_else(|| {
            (fresh.len() < text.len())
                .then(|| self.first(&[text.as_str()], "case"))
                .flatten()
        });
        reading.case_number = number.filter(|n| {
            n.len() <= 64
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        });
        for (re, prefix) in self.markers.iter().zip(MARKER_PREFIXES) {
            for t in [subject.as_str(), text.as_str()] {
                // regex-lite has no literal search of its own: skip a text without the marker's start.
                if !t.contains(prefix) {
                    continue;
                }
                for m in re.find_iter(t).take(10) {
                    let m = m.as_str().to_owned();
                    if !reading.markers.contains(&m) {
                        reading.markers.push(m);
                    }
                }
            }
        }
        reading
            .markers
            .extend(mail.answers.iter().map(|a| format!("id:{a}")));
        if reading.case_number.is_none() && reading.markers.is_empty() {
            reading.ignored = Some(IgnoreReason::NoCase);
            return reading;
        }
        if let Some(raw) = self
            .first(&[subject.as_str(), fresh], "status")
            .filter(|s| plausible_status(s))
        {
            let (status, created) = normalise_status(&raw);
            reading.kind = if created {
                MailKind::Created
            } else {
                MailKind::Status
            };
            reading.status = Some(status);
        } else {
            reading.reply_text = Some(reply_text(&text, &self.markers));
        }
        reading.titles = titles(&subject, fresh, reading.case_number.as_deref());
        reading.cj_accounts = self
            .routes
            .named(&mail.recipients, &[subject.as_str(), fresh]);
        reading
    }
}

/// Non-breaking and other Unicode spaces as plain spaces, so `\s` (ASCII in regex-lite) sees them.
fn plain_spaces(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c != '\n' && c != '\r' && c != '\t' && c.is_whitespace() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn plausible_status(s: &str) -> bool {
    s.chars().count() <= 40 && s.split_whitespace().count() <= 5
}

/// "created" / "received" mean the case is new; other statuses keep their words, first letter capital.
fn normalise_status(raw: &str) -> (String, bool) {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if matches!(s.to_lowercase().as_str(), "created" | "received") {
        return ("New".into(), true);
    }
    let mut c = s.chars();
    let status = match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    };
    (status, false)
}

/// What the mail calls the case: the subject without `Re:`/`Fwd:`/`[…]` prefixes and without the
/// number and its label, plus quoted titles in the body (`Case #N: "Title" has been created`).
fn titles(subject: &str, text: &str, number: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        if let Some(rest) = ["re:", "fw:", "fwd:", "aw:"]
            .iter()
            .find_map(|p| lower.starts_with(p).then(|| &s[p.len()..]))
        {
            s = rest.trim_start();
        } else if s.starts_with('[') {
            match s.find(']') {
                Some(i) => s = s[i + 1..].trim_start(),
                None => break,
            }
        } else {
            break;
        }
    }
    if let Some(n) = number {
        if let Some(i) = s.find(n) {
            let after = s[i + n.len()..]
                .trim_start_matches([':', '-', ')', ' ', '–'])
                .trim();
            if !after.is_empty() {
                out.push(after.to_owned());
            }
        }
    }
    if out.is_empty() && !s.is_empty() {
        out.push(s.to_owned());
    }
    for part in text.split('"').skip(1).step_by(2).take(5) {
        let t = part.trim();
        if t.len() >= 5 && t.len() <= 255 && !t.contains('\n') {
            out.push(t.to_owned());
        }
    }
    out
}

/// Whether a line starts the quoted history of an earlier mail (or a signature).
fn ends_fresh_part(line: &str, first: bool) -> bool {
    let t = line.trim();
    let lower = t.to_lowercase();
    t.starts_with('>')
        || t == "--"
        || lower.starts_with("-----original message")
        || lower.starts_with("---------- forwarded message")
        || (lower.starts_with("on ") && lower.ends_with("wrote:"))
        || (lower.starts_with("from:") && !first)
        || lower.starts_with("view request")
}

/// The text above the quoted history and signature: what this mail itself says.
pub fn fresh_part(text: &str) -> &str {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if ends_fresh_part(line, i == 0) {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

/// A reply's text without the quoted history, signatures, help-desk boilerplate and thread markers.
pub fn reply_text(text: &str, markers: &[Regex]) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in fresh_part(text).lines() {
        let t = line.trim();
        let lower = t.to_lowercase();
        // Help-desk boilerplate around the words of the reply itself.
        let boilerplate = (lower.starts_with("##-") && lower.ends_with("-##"))
            || ((lower.starts_with("your case") || lower.starts_with("your request"))
                && lower.contains("has been updated"))
            || (lower.starts_with("comment from") && lower.ends_with(':'))
            || lower.ends_with(" commented:");
        if boilerplate {
            continue;
        }
        if markers.iter().any(|m| m.is_match(t)) && t.split_whitespace().count() <= 2 {
            continue;
        }
        lines.push(line.trim_end());
    }
    let mut out = String::new();
    let mut blank = 0;
    for line in lines {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    let out = out.trim();
    if out.chars().count() > REPLY_MAX_CHARS {
        let mut cut: String = out.chars().take(REPLY_MAX_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        out.to_owned()
    }
}
