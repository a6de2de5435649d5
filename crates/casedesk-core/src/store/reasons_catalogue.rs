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
use crate::cj_account::{Audience, CjKind};
use crate::error::{Error, Result};

/// The version [`Reasons::export`] writes; [`Reasons::import`] reads it and version 1.
pub const CATALOGUE_VERSION: u32 = 2;
use crate::limits::{CATALOGUE_MAX_BYTES, CATALOGUE_MAX_REASONS, CATALOGUE_MAX_SUB_REASONS};

/// The JSON shape of an exported catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogueExport {
    pub version: u32,
    /// Whose list this is (publishers' or advertisers'); absent for the whole catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CjKind>,
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
    if parsed.reasons.len() > CATALOGUE_MAX_REASONS {
        return Err(invalid(format!(
            "Too many reasons in one catalogue (at most {CATALOGUE_MAX_REASONS})."
        )));
    }
    let bad_entry = |e: Error| invalid(format!("The catalogue has a bad entry: {e}"));
    for r in &parsed.reasons {
        if r.sub_reasons.len() > CATALOGUE_MAX_SUB_REASONS {
            return Err(invalid(format!(
                "“{}” has {} sub reasons; a catalogue may have at most {CATALOGUE_MAX_SUB_REASONS} per reason.",
                r.name.trim().chars().take(60).collect::<String>(),
                r.sub_reasons.len()
            )));
        }
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
    /// The whole catalogue.
    pub fn export(&self) -> Result<CatalogueExport> {
        self.export_for(None)
    }

    /// `kind`'s list (`None`: the whole catalogue).
    pub fn export_for(&self, kind: Option<CjKind>) -> Result<CatalogueExport> {
        Ok(CatalogueExport {
            version: CATALOGUE_VERSION,
            kind,
            reasons: self
                .list_for(kind)?
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

    /// Merges an exported catalogue ([`parse_catalogue`] then [`Reasons::import_parsed`]).
    pub fn import(&self, json: &str) -> Result<usize> {
        self.import_parsed(&parse_catalogue(json)?)
    }

    /// Merges a parsed, checked catalogue: reasons and sub reasons missing by name are added at the
    /// end, and keywords and templates fill in where the store has none; nothing is removed, renamed
    /// or overwritten. All or nothing, in one pass: each name is looked up by its unique index and
    /// positions are counted on, so the work is linear in the file. Returns how many reasons and sub
    /// reasons were added.
    pub fn import_parsed(&self, parsed: &CatalogueExport) -> Result<usize> {
        self.import_parsed_into(parsed, None)
    }

    /// [`Self::import_parsed`] into `kind`'s list: what is added is for that kind, and a reason or sub
    /// reason already in the other kind's list is from now on in both (`None`: for both).
    pub fn import_parsed_into(
        &self,
        parsed: &CatalogueExport,
        kind: Option<CjKind>,
    ) -> Result<usize> {
        let audience = Audience::of(kind).as_str();
        let widen = |table: &str| {
            format!(
                "UPDATE {table} SET audience = 'both' WHERE id = ?1 AND ?2 IS NOT NULL
                   AND audience NOT IN ('both', ?2)"
            )
        };
        let kind = kind.map(CjKind::as_str);
        let tx = self.conn.unchecked_transaction()?;
        let mut added = 0;
        let mut next_reason: i64 = tx.query_row(
            "SELECT coalesce(max(position), 0) + 1 FROM case_reasons",
            [],
            |r| r.get(0),
        )?;
        // Each statement is prepared once for the whole file: preparing it per name was most of
        // the time (BENCHMARKS.md, the largest catalogue).
        let mut find_reason = tx.prepare("SELECT id FROM case_reasons WHERE name = ?1")?;
        let mut add_reason = tx.prepare(
            "INSERT INTO case_reasons (name, position, audience) VALUES (?1, ?2, ?3) RETURNING id",
        )?;
        let mut widen_reason = tx.prepare(&widen("case_reasons"))?;
        let mut widen_sub = tx.prepare(&widen("sub_reasons"))?;
        let mut fill_reason = tx.prepare(
            "UPDATE case_reasons SET keywords = CASE WHEN keywords = '' THEN ?2 ELSE keywords END,
                                     template = CASE WHEN template = '' THEN ?3 ELSE template END
             WHERE id = ?1",
        )?;
        let mut next_sub_of = tx.prepare(
            "SELECT coalesce(max(position), 0) + 1 FROM sub_reasons WHERE reason_id = ?1",
        )?;
        let mut find_sub =
            tx.prepare("SELECT id FROM sub_reasons WHERE reason_id = ?1 AND name = ?2")?;
        let mut add_sub = tx.prepare(
            "INSERT INTO sub_reasons (reason_id, name, position, audience) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        )?;
        let mut fill_sub =
            tx.prepare("UPDATE sub_reasons SET keywords = ?2 WHERE id = ?1 AND keywords = ''")?;
        for r in &parsed.reasons {
            let name = clean_name("import", &r.name)?;
            let existing: Option<i64> = find_reason
                .query_row([&name], |row| row.get(0))
                .optional()?;
            let reason_id = match existing {
                Some(id) => {
                    widen_reason.execute(params![id, kind])?;
                    id
                }
                None => {
                    added += 1;
                    next_reason += 1;
                    add_reason
                        .query_row(params![name, next_reason - 1, audience], |row| row.get(0))?
                }
            };
            fill_reason.execute(params![reason_id, r.keywords.trim(), r.template.trim()])?;
            let mut next_sub: i64 = next_sub_of.query_row([reason_id], |row| row.get(0))?;
            for s in &r.sub_reasons {
                let sub_name = clean_name("import", s.name())?;
                let sub_id: Option<i64> = find_sub
                    .query_row(params![reason_id, sub_name], |row| row.get(0))
                    .optional()?;
                let sub_id: i64 = match sub_id {
                    Some(id) => {
                        widen_sub.execute(params![id, kind])?;
                        id
                    }
                    None => {
                        added += 1;
                        next_sub += 1;
                        add_sub.query_row(
                            params![reason_id, sub_name, next_sub - 1, audience],
                            |row| row.get(0),
                        )?
                    }
                };
                if !s.keywords().trim().is_empty() {
                    fill_sub.execute(params![sub_id, s.keywords().trim()])?;
                }
            }
        }
        drop((
            find_reason,
            add_reason,
            widen_reason,
            widen_sub,
            fill_reason,
            next_sub_of,
            find_sub,
            add_sub,
            fill_sub,
        ));
        tx.commit()?;
        Ok(added)
    }
}

/// Reads and checks a catalogue file without the store (so the shell does it before taking the
/// store's lock): its size, its JSON, its version, its counts and every name, keyword list and
/// template.
pub fn parse_catalogue(json: &str) -> Result<CatalogueExport> {
    if json.len() > CATALOGUE_MAX_BYTES {
        return Err(invalid(format!(
            "The file is larger than {} MB; it is not a catalogue.",
            CATALOGUE_MAX_BYTES >> 20
        )));
    }
    let parsed: CatalogueExport = serde_json::from_str(json)
        .map_err(|e| invalid(format!("This is not a Casedesk catalogue: {e}.")))?;
    check(&parsed)?;
    Ok(parsed)
}
