//! Typed preferences over the `settings` table: which filer, each filer's and source's settings slice
//! (opaque and versioned, read by its own module), the mailboxes, the poll interval, notifications and
//! start at login. Never a secret: tokens and passwords live in the OS secret store
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
use crate::source::mail::account::{self, MailAccount};
use crate::source::mail::MailSettings;
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
    /// The mailboxes followed: the user's own, where support sends numbers and updates, and any
    /// shared one (a team's). A single-account release stored one as `mail`; it becomes the first.
    pub mail_accounts: Vec<MailAccount>,
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
            mail_accounts: Vec::new(),
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
        one_mailbox_becomes_the_first_account(&mut stored);
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

    /// Validates, then stores. Fields are named as the UI names them. When a mail account's server,
    /// folders, senders or rules change, its source forgets where it was, and the mails that did not
    /// count are forgotten, so its next pass reads the look-back window again (mails already counted
    /// are not counted twice). A removed account's cursors and sync state go; what it brought stays.
    /// Answers the accounts removed (the caller forgets their secrets).
    pub fn save(&self, store: &Store) -> Result<Vec<MailAccount>> {
        self.validate()?;
        let json = serde_json::to_string(self)
            .map_err(|e| Error::invalid(crate::Code::Internal, e.to_string()))?;
        let old = Preferences::load(store)?;
        let removed = self.removed_mail_accounts(&old);
        store.in_transaction(|s| {
            s.settings().set(KEY, &json)?;
            let mut reread = false;
            for a in &self.mail_accounts {
                let before = old.mail_accounts.iter().find(|o| o.id == a.id);
                if before.is_none_or(|o| a.settings.rereads(&o.settings)) {
                    s.mail_folders().forget(&a.id)?;
                    reread |= before.is_some();
                }
            }
            for gone in &removed {
                s.mail_folders().forget(&gone.id)?;
                s.source_states().clear(&gone.source_name())?;
            }
            if reread {
                s.mail_messages().forget_uncounted()?;
            }
            Ok(())
        })?;
        Ok(removed)
    }

    /// The mail accounts `old` had and these have not.
    pub fn removed_mail_accounts(&self, old: &Preferences) -> Vec<MailAccount> {
        old.mail_accounts
            .iter()
            .filter(|o| self.mail_account(&o.id).is_none())
            .cloned()
            .collect()
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

    /// The mail account with this id.
    pub fn mail_account(&self, id: &str) -> Option<&MailAccount> {
        self.mail_accounts.iter().find(|a| a.id == id)
    }

    /// Whether any mailbox is followed.
    pub fn follows_mail(&self) -> bool {
        self.mail_accounts.iter().any(|a| a.settings.enabled)
    }

    /// The settings `.eml` files are read with: the first followed account's (its senders and
    /// patterns), else the first account's, else the defaults.
    pub fn mail_for_import(&self) -> MailSettings {
        self.mail_accounts
            .iter()
            .find(|a| a.settings.enabled)
            .or(self.mail_accounts.first())
            .map(|a| a.settings.clone())
            .unwrap_or_default()
    }

    pub fn validate(&self) -> Result<()> {
        if self.poll_interval_secs < MIN_POLL_SECS || self.poll_interval_secs > 24 * 3600 {
            return Err(Error::field(
                "poll_interval",
                crate::Code::PollIntervalInvalid,
                "Check every 30 seconds at least, and at most once a day.",
            ));
        }
        account::validate_all(&self.mail_accounts)?;
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

/// Releases before settings slices kept RT's and CJ's web form's settings as fields of their own
/// (`rtUrl`, `cjFormUrl`, …): they become those slices, under the keys and names the two modules
/// read (a slice already there wins). This table is the one place the old names are known.
const FLAT_SLICES: &[(&str, &[(&str, &str)])] = &[
    (
        "rt",
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
        &[("cjFormUrl", "formUrl"), ("cjStatuses", "statuses")],
    ),
];

fn flat_settings_become_slices(stored: &mut serde_json::Map<String, serde_json::Value>) {
    for (key, names) in FLAT_SLICES {
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
                serde_json::json!({ "version": 1, "settings": serde_json::Value::Object(settings) })
            });
        }
    }
}

/// A single-account release stored its one mailbox as `mail`: it becomes the first account (whose
/// id keeps its secrets, cursors and sync state where they were). A disabled, never-filled one is
/// dropped, so that the list starts empty rather than with a blank account.
fn one_mailbox_becomes_the_first_account(stored: &mut serde_json::Map<String, serde_json::Value>) {
    if stored.contains_key("mailAccounts") {
        return;
    }
    let Some(old) = stored.remove("mail") else {
        return;
    };
    let Ok(settings) = serde_json::from_value::<MailSettings>(old.clone()) else {
        // Unreadable: kept aside under its old name, as any field this release does not know.
        stored.insert("mail".into(), old);
        return;
    };
    let blank =
        !settings.enabled && settings.host.trim().is_empty() && settings.user.trim().is_empty();
    let accounts = if blank {
        Vec::new()
    } else {
        vec![MailAccount::first(settings)]
    };
    if let Ok(v) = serde_json::to_value(accounts) {
        stored.insert("mailAccounts".into(), v);
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
