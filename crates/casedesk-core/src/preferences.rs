//! Typed preferences over the `settings` table: which filer, each filer's and source's settings slice
//! (opaque and versioned, read by its own module: the mailboxes are the mail source's), the poll
//! interval, notifications and start at login. Never a secret: tokens and passwords live in the OS secret store
//! ([`crate::secrets`]).
//!
//! Stored as one JSON object. Every field has a default (`#[serde(default)]`), so a release that adds a
//! field reads an older release's preferences without resetting them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::cj_account::CjAccount;
use crate::error::{Error, Result};
use crate::kinds::FilerKind;
use crate::slice::Slice;
use crate::store::Store;

pub const MIN_POLL_SECS: u64 = 30;
pub const DEFAULT_POLL_SECS: u64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Preferences {
    /// Who cases are filed with; `None`: the registry's default (the first filer it lists). Stored
    /// as `filerKind`; files written before read as `providerKind`, its name before filers and
    /// sources split.
    #[serde(
        rename = "filerKind",
        alias = "providerKind",
        skip_serializing_if = "Option::is_none"
    )]
    pub filer: Option<FilerKind>,
    /// Each filer's and source's own settings, by its key: opaque here, read by its module.
    pub slices: BTreeMap<String, Slice>,
    pub poll_interval_secs: u64,
    pub notifications: bool,
    pub start_at_login: bool,
    /// The CJ accounts the user files for, and the one a new draft is for.
    pub cj_accounts: Vec<CjAccount>,
    pub default_cj_account: Option<String>,
    /// Fields this release does not know (written by a newer one): kept as they are through a save.
    #[serde(flatten)]
    pub unknown: serde_json::Map<String, serde_json::Value>,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            filer: None,
            slices: BTreeMap::new(),
            poll_interval_secs: DEFAULT_POLL_SECS,
            notifications: true,
            start_at_login: false,
            cj_accounts: Vec::new(),
            default_cj_account: None,
            unknown: serde_json::Map::new(),
        }
    }
}

const KEY: &str = "preferences";

impl Preferences {
    pub fn load(store: &Store) -> Result<Preferences> {
        Ok(Self::load_checked(store)?.0)
    }

    /// The stored preferences, and the fields whose stored value could not be read (each is its
    /// default now, and is reported rather than silently replaced; the stored text is left as it is
    /// until the user saves Settings).
    pub fn load_checked(store: &Store) -> Result<(Preferences, Vec<String>)> {
        match store.settings().get(KEY)? {
            Some(json) => Ok(Self::from_json(&json)),
            None => Ok((Preferences::default(), Vec::new())),
        }
    }

    /// Reads stored preferences field by field: missing fields take their default, unknown ones are
    /// kept, and a field whose value cannot be read takes its default and is named in the answer.
    pub fn from_json(json: &str) -> (Preferences, Vec<String>) {
        let Ok(serde_json::Value::Object(mut stored)) =
            serde_json::from_str::<serde_json::Value>(json)
        else {
            tracing::warn!("the stored preferences are not a JSON object; using the defaults");
            return (Preferences::default(), vec!["(all)".into()]);
        };
        flat_settings_become_slices(&mut stored);
        if let Ok(p) =
            serde_json::from_value::<Preferences>(serde_json::Value::Object(stored.clone()))
        {
            return (p, Vec::new());
        }
        let mut kept = serde_json::Map::new();
        let mut bad = Vec::new();
        for (key, value) in stored {
            let mut trial = kept.clone();
            trial.insert(key.clone(), value.clone());
            if serde_json::from_value::<Preferences>(serde_json::Value::Object(trial)).is_ok() {
                kept.insert(key, value);
            } else {
                bad.push(key);
            }
        }
        let prefs = serde_json::from_value(serde_json::Value::Object(kept)).unwrap_or_default();
        tracing::warn!(fields = ?bad, "stored preferences that could not be read take their defaults");
        (prefs, bad)
    }

    /// Validates what the preferences themselves check, then stores them. A filer's or source's
    /// slice is checked by its own rules before this ([`crate::registry::save`]).
    pub fn save(&self, store: &Store) -> Result<()> {
        self.save_with(store, |_| Ok(()))
    }

    /// [`Preferences::save`], running `also` in the same transaction (what a slice's owner makes
    /// the store forget when its settings change): either both land or neither.
    pub fn save_with(&self, store: &Store, also: impl FnOnce(&Store) -> Result<()>) -> Result<()> {
        self.validate()?;
        let json = serde_json::to_string(self)
            .map_err(|e| Error::invalid(crate::Code::Internal, e.to_string()))?;
        store.in_transaction(|s| {
            s.settings().set(KEY, &json)?;
            also(s)
        })
    }

    /// Each CJ account's kind, for the rules that check a draft's reason against its list.
    pub fn cj_kinds(&self) -> crate::cj_account::CjKinds {
        crate::cj_account::CjKinds::new(&self.cj_accounts)
    }

    /// Which CJ account a mail names (by its addresses or its CID/PID), for the mail source.
    pub fn cj_routes(&self) -> crate::cj_routes::CjRoutes {
        crate::cj_routes::CjRoutes::new(&self.cj_accounts)
    }

    /// The CJ account with this id.
    pub fn cj_account(&self, id: &str) -> Option<&CjAccount> {
        self.cj_accounts.iter().find(|a| a.id == id)
    }

    pub fn validate(&self) -> Result<()> {
        if self.poll_interval_secs < MIN_POLL_SECS || self.poll_interval_secs > 24 * 3600 {
            return Err(Error::field(
                "poll_interval",
                crate::Code::PollIntervalInvalid,
                "Check every 30 seconds at least, and at most once a day.",
            ));
        }
        crate::cj_account::validate_all(&self.cj_accounts, self.default_cj_account.as_deref())?;
        Ok(())
    }

    /// The settings slice kept under `key`, if any.
    pub fn slice(&self, key: &str) -> Option<&Slice> {
        self.slices.get(key)
    }

    /// Keeps `slice` under `key` (a filer's or source's own, at most 64 bytes).
    pub fn set_slice(&mut self, key: &str, slice: Slice) -> Result<()> {
        if key.is_empty() || key.len() > 64 {
            return Err(Error::invalid(
                crate::Code::Internal,
                format!("{key:?} cannot name a settings slice."),
            ));
        }
        self.slices.insert(key.to_owned(), slice);
        Ok(())
    }
}

/// Old field names, each with the name its slice reads.
type Renames = &'static [(&'static str, &'static str)];

/// Releases before settings slices kept a filer's or source's settings as fields of their own
/// (`rtUrl`, `cjFormUrl`, `mailAccounts`, …): they become its slice, under the key, version and names
/// its module reads (a slice already there wins; version 0 is the mail source's "as a release before
/// slices kept it", which it upgrades itself). This table is the one place the old names are known;
/// the preferences still know nothing of the shapes.
const FLAT_SLICES: &[(&str, u32, Renames)] = &[
    (
        "rt",
        1,
        &[
            ("rtUrl", "baseUrl"),
            ("rtQueue", "queue"),
            ("rtReasonField", "reasonField"),
            ("rtSubReasonField", "subReasonField"),
            ("rtTokenField", "tokenField"),
        ],
    ),
    (
        "cj-web",
        1,
        &[("cjFormUrl", "formUrl"), ("cjStatuses", "statuses")],
    ),
    (
        "mail",
        0,
        &[("mailAccounts", "mailAccounts"), ("mail", "mail")],
    ),
];

fn flat_settings_become_slices(stored: &mut serde_json::Map<String, serde_json::Value>) {
    for (key, version, names) in FLAT_SLICES {
        let mut settings = serde_json::Map::new();
        for (old, new) in *names {
            if let Some(v) = stored.remove(*old) {
                settings.insert((*new).to_owned(), v);
            }
        }
        if settings.is_empty() {
            continue;
        }
        let slices = stored
            .entry("slices")
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if let Some(slices) = slices.as_object_mut() {
            slices.entry(*key).or_insert_with(|| {
                serde_json::json!({ "version": version, "settings": serde_json::Value::Object(settings) })
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupt_field_is_reported_and_the_others_keep_their_values() {
        let (p, bad) = Preferences::from_json(
            r#"{"providerKind":"rt","rtUrl":"https://rt.example.com","pollIntervalSecs":"often","notifications":false,"fromTheFuture":{"x":1}}"#,
        );
        assert_eq!(
            bad,
            vec!["pollIntervalSecs".to_string()],
            "the unreadable field is named"
        );
        assert_eq!(p.poll_interval_secs, DEFAULT_POLL_SECS);
        assert_eq!(
            p.filer.map(FilerKind::as_str),
            Some("rt"),
            "the others keep their values"
        );
        assert_eq!(
            p.slice("rt")
                .map(|s| (s.version, s.settings["baseUrl"].clone())),
            Some((1, serde_json::json!("https://rt.example.com"))),
            "an older release's RT address is RT's slice now"
        );
        assert!(!p.unknown.contains_key("rtUrl"));
        assert!(!p.notifications);
        assert!(
            p.unknown.contains_key("fromTheFuture"),
            "a newer release's field is kept"
        );
        let again: serde_json::Value = serde_json::to_value(&p).unwrap();
        assert_eq!(again["fromTheFuture"]["x"], 1, "and written back on save");
        assert_eq!(
            again["filerKind"], "rt",
            "the filer is saved under its own name"
        );
        assert!(again.get("providerKind").is_none(), "and the old name goes");
        assert!(!p.unknown.contains_key("providerKind"));
        let (_, bad) = Preferences::from_json("[1, 2]");
        assert_eq!(bad, vec!["(all)".to_string()]);
    }

    /// Found by the property test: without serde_json's `float_roundtrip`, a newer release's
    /// 1.1321480088358204e41 came back one unit off in the last place after a save.
    #[test]
    fn a_newer_release_s_numbers_are_written_back_exactly() {
        let text = r#"{"fromTheFuture":{"x":1.1321480088358204e41,"y":0.1,"z":-2.5e-308}}"#;
        let (p, bad) = Preferences::from_json(text);
        assert!(bad.is_empty());
        let written = serde_json::to_string(&p).unwrap();
        let (again, _) = Preferences::from_json(&written);
        assert_eq!(again.unknown, p.unknown);
        let x = &serde_json::to_value(&again).unwrap()["fromTheFuture"];
        assert_eq!(x["x"].as_f64(), Some(1.1321480088358204e41));
        assert_eq!(x["y"].as_f64(), Some(0.1));
        assert_eq!(x["z"].as_f64(), Some(-2.5e-308));
    }

    #[test]
    fn defaults_are_valid_and_bad_values_are_refused_by_field() {
        assert!(Preferences::default().validate().is_ok());
        let mut p = Preferences {
            poll_interval_secs: 29,
            ..Default::default()
        };
        assert_eq!(p.validate().unwrap_err().code(), "poll_interval_invalid");
        p.poll_interval_secs = 30;
        assert!(p.validate().is_ok());
    }
}
