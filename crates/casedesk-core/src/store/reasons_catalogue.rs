//! The catalogue as a JSON file: export, and an import that merges by name and never removes anything.
//!
//! Version 2 carries what a team tuned besides names: each reason's keywords (which suggest it from
//! what the user writes) and description template, and each sub reason's keywords. A sub reason with no
//! keywords is written as its bare name, as in version 1, which still imports. An import fills in
//! keywords and templates only where the store has none: what a user wrote here is never overwritten.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::reason_keywords::{checked, KEYWORDS_MAX_CHARS, TEMPLATE_MAX_CHARS};
use super::reasons::{clean_name, Reasons};
use crate::error::{Error, Result};

/// The version [`Reasons::export`] writes; [`Reasons::import`] reads it and version 1.
pub const CATALOGUE_VERSION: u32 = 2;
const IMPORT_MAX_REASONS: usize = 500;
const IMPORT_MAX_BYTES: usize = 1024 * 1024;

/// The JSON shape of an exported catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogueExport {
    pub version: u32,
    pub reasons: Vec<ExportedReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportedReason {
    pub name: String,
    #[serde(default)]
    pub sub_reasons: Vec<ExportedSubReason>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keywords: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub template: String,
}

/// A sub reason: its bare name (version 1, or no keywords), or its name with keywords.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ExportedSubReason {
    Name(String),
    WithKeywords(SubReasonEntry),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubReasonEntry {
    pub name: String,
    #[serde(default)]
    pub keywords: String,
}

impl ExportedSubReason {
    fn name(&self) -> &str {
        match self {
            ExportedSubReason::Name(n) => n,
            ExportedSubReason::WithKeywords(e) => &e.name,
        }
    }

    fn keywords(&self) -> &str {
        match self {
            ExportedSubReason::Name(_) => "",
            ExportedSubReason::WithKeywords(e) => &e.keywords,
        }
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::field("import", crate::Code::ImportInvalid, message)
}

/// Every name, keyword list and template of `parsed` is checked before anything is written.
fn check(parsed: &CatalogueExport) -> Result<()> {
    if !(1..=CATALOGUE_VERSION).contains(&parsed.version) {
        return Err(invalid(format!(
            "Unknown catalogue version {}.",
            parsed.version
        )));
    }
    if parsed.reasons.len() > IMPORT_MAX_REASONS {
        return Err(invalid("Too many reasons in one catalogue."));
    }
    let bad_entry = |e: Error| invalid(format!("The catalogue has a bad entry: {e}"));
    for r in &parsed.reasons {
        clean_name("import", &r.name).map_err(bad_entry)?;
        checked(&r.keywords, KEYWORDS_MAX_CHARS, "import", "Keywords").map_err(bad_entry)?;
        checked(&r.template, TEMPLATE_MAX_CHARS, "import", "A template").map_err(bad_entry)?;
        for s in &r.sub_reasons {
            clean_name("import", s.name()).map_err(bad_entry)?;
            checked(s.keywords(), KEYWORDS_MAX_CHARS, "import", "Keywords").map_err(bad_entry)?;
        }
    }
    Ok(())
}

impl Reasons<'_> {
    pub fn export(&self) -> Result<CatalogueExport> {
        Ok(CatalogueExport {
            version: CATALOGUE_VERSION,
            reasons: self
                .list()?
                .into_iter()
                .map(|r| ExportedReason {
                    name: r.name,
                    sub_reasons: r
                        .sub_reasons
                        .into_iter()
                        .map(|s| {
                            if s.keywords.is_empty() {
                                ExportedSubReason::Name(s.name)
                            } else {
                                ExportedSubReason::WithKeywords(SubReasonEntry {
                                    name: s.name,
                                    keywords: s.keywords,
                                })
                            }
                        })
                        .collect(),
                    keywords: r.keywords,
                    template: r.template,
                })
                .collect(),
        })
    }

    /// Merges an exported catalogue: reasons and sub reasons missing by name are added at the end,
    /// and keywords and templates fill in where the store has none; nothing is removed, renamed or
    /// overwritten. All or nothing. Returns how many reasons and sub reasons were added.
    pub fn import(&self, json: &str) -> Result<usize> {
        if json.len() > IMPORT_MAX_BYTES {
            return Err(invalid(
                "The file is larger than 1 MB; it is not a catalogue.",
            ));
        }
        let parsed: CatalogueExport = serde_json::from_str(json)
            .map_err(|e| invalid(format!("This is not a Casedesk catalogue: {e}.")))?;
        check(&parsed)?;
        let tx = self.conn.unchecked_transaction()?;
        let mut added = 0;
        for r in &parsed.reasons {
            let name = r.name.trim();
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM case_reasons WHERE name = ?1",
                    [name],
                    |row| row.get(0),
                )
                .optional()?;
            let reason_id = match existing {
                Some(id) => id,
                None => {
                    added += 1;
                    self.add(name)?
                }
            };
            tx.execute(
                "UPDATE case_reasons SET keywords = ?2 WHERE id = ?1 AND keywords = ''",
                params![reason_id, r.keywords.trim()],
            )?;
            tx.execute(
                "UPDATE case_reasons SET template = ?2 WHERE id = ?1 AND template = ''",
                params![reason_id, r.template.trim()],
            )?;
            for s in &r.sub_reasons {
                let sub_name = s.name().trim();
                let sub_id: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM sub_reasons WHERE reason_id = ?1 AND name = ?2",
                        params![reason_id, sub_name],
                        |row| row.get(0),
                    )
                    .optional()?;
                let sub_id = match sub_id {
                    Some(id) => id,
                    None => {
                        added += 1;
                        self.add_sub(reason_id, sub_name)?
                    }
                };
                tx.execute(
                    "UPDATE sub_reasons SET keywords = ?2 WHERE id = ?1 AND keywords = ''",
                    params![sub_id, s.keywords().trim()],
                )?;
            }
        }
        tx.commit()?;
        Ok(added)
    }
}
