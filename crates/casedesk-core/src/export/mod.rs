//! A draft or a case exported for keeping or sharing: Markdown (fields, the description, attachments
//! listed with their SHA-256, the timeline) and PDF ([`pdf`]: the same, with the attachments' JPEG and
//! PNG images). Secrets still in the draft are counted, so the export
//! can warn like Submit does.

pub mod pdf;
pub(crate) mod png;

use crate::cj_account::CjAccount;
use serde::Deserialize;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::secret_scan;
use crate::store::{EventKind, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Markdown,
    Pdf,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Pdf => "pdf",
        }
    }
}

/// What is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Subject {
    Draft(i64),
    Case(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLine {
    pub name: String,
    pub kind: crate::attachment::Kind,
    pub size: i64,
    pub sha256: String,
    pub redacted: bool,
    pub path: PathBuf,
}

/// The document both formats are written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    pub fields: Vec<(String, String)>,
    pub description: String,
    pub attachments: Vec<FileLine>,
    /// (when, what) — oldest first.
    pub timeline: Vec<(i64, String)>,
    /// Possible secrets not redacted nor marked "not a secret".
    pub secrets: usize,
}

/// `YYYY-MM-DD HH:MM UTC` for milliseconds since the epoch.
pub fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = crate::clock::civil_date(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

fn reason_label(store: &Store, reason: Option<i64>, sub: Option<i64>) -> Result<Option<String>> {
    let Some(rid) = reason else { return Ok(None) };
    let list = store.reasons().list()?;
    let Some(r) = list.iter().find(|r| r.id == rid) else {
        return Ok(None);
    };
    Ok(Some(
        match sub.and_then(|s| r.sub_reasons.iter().find(|x| x.id == s)) {
            Some(s) => format!("{} › {}", r.name, s.name),
            None => r.name.clone(),
        },
    ))
}

/// Reads what is exported (store lock held briefly; the files are read later, without it).
pub fn document(store: &Store, subject: Subject) -> Result<Document> {
    document_for(store, subject, &[])
}

/// [`document`], naming the CJ account the draft is for from `accounts` (the user's list).
pub fn document_for(store: &Store, subject: Subject, accounts: &[CjAccount]) -> Result<Document> {
    let (case, draft) = match subject {
        Subject::Draft(id) => {
            let draft = store
                .drafts()
                .get_any(id)?
                .ok_or(Error::NotFound { what: "draft", id })?;
            let case = store.cases().for_draft(id)?;
            (case, Some(draft))
        }
        Subject::Case(id) => {
            let case = store.cases().get(id)?;
            let draft = match case.draft_id {
                Some(d) => store.drafts().get_any(d)?,
                None => None,
            };
            (Some(case), draft)
        }
    };
    let mut fields = Vec::new();
    if let Some(c) = &case {
        fields.push(("Case number".to_owned(), c.case_number.clone()));
        fields.push((
            "Status".to_owned(),
            c.status.clone().unwrap_or_else(|| "—".into()),
        ));
        fields.push(("Filed through".to_owned(), c.filer.as_str().to_owned()));
    }
    let mut title = case.as_ref().map(|c| c.subject.clone()).unwrap_or_default();
    let mut description = String::new();
    let mut attachments = Vec::new();
    let mut secrets = 0;
    if let Some(d) = &draft {
        title = d.subject.clone();
        if let Some(id) = d.cj_account.as_deref() {
            let label = match accounts.iter().find(|a| a.id == id) {
                Some(a) => a.label(),
                None => format!("{id} (no longer in the list of CJ accounts)"),
            };
            fields.push(("CJ account".to_owned(), label));
        }
        if let Some(label) = reason_label(store, d.reason_id, d.sub_reason_id)? {
            fields.push(("Case Reason".to_owned(), label));
        }
        if !d.cc.trim().is_empty() {
            fields.push(("CC".to_owned(), d.cc.clone()));
        }
        fields.push(("Draft created".to_owned(), utc(d.created_at)));
        fields.push(("Draft last saved".to_owned(), utc(d.updated_at)));
        description = d.description.clone();
        let a = store.attachments();
        for x in a.list(d.id)? {
            attachments.push(FileLine {
                path: a.blob_path(&x.sha256),
                name: x.name,
                kind: x.kind,
                size: x.size,
                sha256: x.sha256,
                redacted: x.redacted,
            });
        }
        secrets = secret_scan::scan_draft(store, d.id, &d.input())?
            .findings
            .len();
    }
    let mut timeline = Vec::new();
    if let Some(c) = &case {
        fields.push(("Recorded".to_owned(), utc(c.created_at)));
        let mut history = store.cases().history(c.id)?;
        history.sort_by_key(|h| (h.at, h.id));
        for h in history {
            let what = match h.kind {
                EventKind::Reply => format!(
                    "Reply from support ({}):\n{}",
                    h.source.as_str(),
                    h.body.unwrap_or_default()
                ),
                EventKind::Found => format!("Case number found ({})", h.source.as_str()),
                _ => format!(
                    "Status {} → {} ({})",
                    h.old_status.unwrap_or_else(|| "—".into()),
                    h.new_status.unwrap_or_else(|| "—".into()),
                    h.source.as_str()
                ),
            };
            timeline.push((h.at, what));
        }
    }
    if title.trim().is_empty() {
        title = "(no subject)".into();
    }
    Ok(Document {
        title,
        fields,
        description,
        attachments,
        timeline,
        secrets,
    })
}

fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// A fence longer than any run of backticks in `text`, so the text cannot close it.
fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

pub fn markdown(doc: &Document) -> String {
    let mut md = format!("# {}\n\n| Field | Value |\n|---|---|\n", cell(&doc.title));
    for (k, v) in &doc.fields {
        md.push_str(&format!("| {} | {} |\n", cell(k), cell(v)));
    }
    if !doc.description.is_empty() {
        let f = fence(&doc.description);
        md.push_str(&format!(
            "\n## Description\n\n{f}text\n{}\n{f}\n",
            doc.description.trim_end()
        ));
    }
    md.push_str("\n## Attachments\n\n");
    if doc.attachments.is_empty() {
        md.push_str("None.\n");
    } else {
        md.push_str("| File | Kind | Size (bytes) | SHA-256 |\n|---|---|---|---|\n");
        for a in &doc.attachments {
            let name = if a.redacted {
                format!("{} (redacted copy)", a.name)
            } else {
                a.name.clone()
            };
            md.push_str(&format!(
                "| {} | {} | {} | `{}` |\n",
                cell(&name),
                a.kind.label(),
                a.size,
                a.sha256
            ));
        }
    }
    if !doc.timeline.is_empty() {
        md.push_str("\n## Timeline\n\n");
        for (at, what) in &doc.timeline {
            let mut lines = what.lines();
            md.push_str(&format!(
                "- {} — {}\n",
                utc(*at),
                lines.next().unwrap_or("")
            ));
            for l in lines {
                md.push_str(&format!("  > {l}\n"));
            }
        }
    }
    md
}

/// The file name offered in the save dialog.
pub fn file_name(doc: &Document, format: Format) -> String {
    let stem: String = doc
        .title
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("-");
    let stem = if stem.is_empty() { "case".into() } else { stem };
    // Valid on every OS: no device name ("CON.md" is the console on Windows), not too long.
    crate::file_name::portable(&format!("{stem}.{}", format.extension()))
}

/// The bytes of the export (reads image files for a PDF: no store lock needed).
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Markdown => markdown(doc).into_bytes(),
        Format::Pdf => pdf::write(doc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_fences() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(1_764_000_000_000), "2025-11-24 16:00 UTC");
        assert_eq!(fence("a ```` b"), "`````");
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
