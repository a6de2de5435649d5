//! The names rows carry: which filer a case was filed with, and where a timeline entry came from.
//! They sit on the ground floor because the store keeps them and everything above reads them; the
//! filers and sources themselves live a floor up ([`crate::filer`], [`crate::source`]).

use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// A filer's word, as kept in settings and on cases (`cj-web`, `rt`). It is a name, not a list:
/// each filer module names itself (its `KIND`) and [`crate::registry::FILERS`] lists them, so a new
/// filer adds no variant here and no table rebuild. The store keeps any well-formed word; whether a
/// filer of that word exists is the registry's question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FilerKind(&'static str);

/// The most characters of a filer's word.
pub const FILER_WORD_MAX: usize = 32;
/// The most distinct words read from outside (settings, rows) that are kept for the process's life.
const WORDS_MAX: usize = 64;
/// The words read so far, each allocated once: a kind stays `Copy` however it was read.
static WORDS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

impl FilerKind {
    /// A filer's own word, for its `KIND` constant (a lower-case word, dashes allowed).
    pub const fn named(word: &'static str) -> Self {
        FilerKind(word)
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// A word read from settings or a row: `None` unless it is 1 to 32 of `a-z`, `0-9` and `-`,
    /// starting with a letter (or when more than 64 distinct words were already read).
    pub fn parse(s: &str) -> Option<Self> {
        let well_formed = !s.is_empty()
            && s.len() <= FILER_WORD_MAX
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            return None;
        }
        let mut words = WORDS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = words.iter().find(|w| **w == s) {
            return Some(FilerKind(w));
        }
        if words.len() >= WORDS_MAX {
            return None;
        }
        let word: &'static str = Box::leak(s.to_owned().into_boxed_str());
        words.push(word);
        Some(FilerKind(word))
    }
}

impl std::fmt::Display for FilerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for FilerKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for FilerKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        FilerKind::parse(&s).ok_or_else(|| serde::de::Error::custom("not a filer's word"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filer_word_read_from_outside_equals_the_filers_own_and_malformed_ones_are_refused() {
        const MINE: FilerKind = FilerKind::named("zendesk");
        assert_eq!(FilerKind::parse("zendesk"), Some(MINE));
        assert_eq!(
            FilerKind::parse("zendesk").map(FilerKind::as_str),
            Some("zendesk")
        );
        for bad in [
            "",
            "Rt",
            "rt web",
            "-rt",
            "ünï",
            &"a".repeat(33),
            "rt'); --",
        ] {
            assert_eq!(FilerKind::parse(bad), None, "{bad:?}");
        }
        let json = serde_json::to_string(&MINE).unwrap();
        assert_eq!(json, "\"zendesk\"");
        assert_eq!(serde_json::from_str::<FilerKind>(&json).unwrap(), MINE);
        assert!(serde_json::from_str::<FilerKind>("\"no way\"").is_err());
    }
}
