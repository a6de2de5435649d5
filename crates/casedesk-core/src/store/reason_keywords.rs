//! The catalogue's keywords (which suggest a reason from what the user writes), per-reason
//! description templates and whose list each entry is in (publishers', advertisers' or both): columns of `case_reasons` and `sub_reasons`, edited in Settings → Case
//! reasons, kept apart from the catalogue's names and order ([`super::reasons`]).

use rusqlite::{params, Connection};

use crate::cj_account::Audience;
use crate::error::{Error, Result};

pub const KEYWORDS_MAX_CHARS: usize = 2000;
pub const TEMPLATE_MAX_CHARS: usize = 8000;

pub struct ReasonKeywords<'c> {
    conn: &'c Connection,
}

pub(super) fn checked(text: &str, max: usize, field: &'static str, what: &str) -> Result<String> {
    if text.chars().count() > max || text.contains('\0') {
        return Err(Error::field(
            field,
            crate::Code::InvalidText,
            format!("{what} can be at most {max} characters of text."),
        ));
    }
    Ok(text.trim().to_owned())
}

impl<'c> ReasonKeywords<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Self {
        Self { conn }
    }

    fn update(&self, sql: &str, id: i64, value: &str, what: &'static str) -> Result<()> {
        let n = super::exec(self.conn, sql, params![value, id])?;
        if n == 0 {
            return Err(Error::NotFound { what, id });
        }
        Ok(())
    }

    pub fn set_reason_keywords(&self, id: i64, keywords: &str) -> Result<()> {
        let k = checked(keywords, KEYWORDS_MAX_CHARS, "keywords", "Keywords")?;
        self.update(
            "UPDATE case_reasons SET keywords = ?1 WHERE id = ?2",
            id,
            &k,
            "reason",
        )
    }

    pub fn set_sub_reason_keywords(&self, id: i64, keywords: &str) -> Result<()> {
        let k = checked(keywords, KEYWORDS_MAX_CHARS, "keywords", "Keywords")?;
        self.update(
            "UPDATE sub_reasons SET keywords = ?1 WHERE id = ?2",
            id,
            &k,
            "sub reason",
        )
    }

    pub fn set_template(&self, id: i64, template: &str) -> Result<()> {
        let t = checked(template, TEMPLATE_MAX_CHARS, "template", "A template")?;
        self.update(
            "UPDATE case_reasons SET template = ?1 WHERE id = ?2",
            id,
            &t,
            "reason",
        )
    }

    /// Puts a reason in the publishers' list, the advertisers' or both.
    pub fn set_reason_audience(&self, id: i64, audience: Audience) -> Result<()> {
        self.update(
            "UPDATE case_reasons SET audience = ?1 WHERE id = ?2",
            id,
            audience.as_str(),
            "reason",
        )
    }

    pub fn set_sub_reason_audience(&self, id: i64, audience: Audience) -> Result<()> {
        self.update(
            "UPDATE sub_reasons SET audience = ?1 WHERE id = ?2",
            id,
            audience.as_str(),
            "sub reason",
        )
    }
}
