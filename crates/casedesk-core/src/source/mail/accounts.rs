//! The mailboxes followed, kept as the mail source's slice of the preferences ([`KEY`], [`VERSION`]):
//! the preferences hold it without knowing its shape. Version 0 is what a release before slices
//! kept: its `mailAccounts` list, or a single-account release's one mailbox (`mail`), which becomes
//! the first account.

use serde::{Deserialize, Serialize};

use super::account::{self, MailAccount};
use super::MailSettings;
use crate::error::{Error, Result};
use crate::slice::Slice;
use crate::store::Store;

/// The mail source's key among the preferences' settings slices, and the version of its shape.
pub const KEY: &str = "mail";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MailAccounts {
    pub accounts: Vec<MailAccount>,
}

/// What a release before slices kept, moved here by the preferences as it was.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Before {
    mail_accounts: Option<Vec<MailAccount>>,
    mail: Option<serde_json::Value>,
}

impl MailAccounts {
    /// The accounts kept in `slice` (none when there is none, or it cannot be read).
    pub fn from_slice(slice: Option<&Slice>) -> MailAccounts {
        Self::read(slice).unwrap_or_default()
    }

    /// The accounts kept in `slice`; `None` when it has a version or a shape this build cannot
    /// read (a save then refuses it instead of replacing it with no accounts).
    pub fn read(slice: Option<&Slice>) -> Option<MailAccounts> {
        let Some(slice) = slice else {
            return Some(MailAccounts::default());
        };
        match slice.version {
            VERSION => slice.read(VERSION),
            0 => {
                let before: Before = slice.read(0)?;
                let accounts = match (before.mail_accounts, before.mail) {
                    (Some(list), _) => list,
                    (None, Some(one)) => first_account(one)?,
                    (None, None) => Vec::new(),
                };
                Some(MailAccounts { accounts })
            }
            _ => None,
        }
    }

    pub fn slice(&self) -> Slice {
        Slice::of(VERSION, self)
    }

    /// The account with this id.
    pub fn get(&self, id: &str) -> Option<&MailAccount> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Whether any mailbox is followed.
    pub fn follows(&self) -> bool {
        self.accounts.iter().any(|a| a.settings.enabled)
    }

    /// The settings `.eml` files are read with: the first followed account's (its senders and
    /// patterns), else the first account's, else the defaults.
    pub fn for_import(&self) -> MailSettings {
        self.accounts
            .iter()
            .find(|a| a.settings.enabled)
            .or(self.accounts.first())
            .map(|a| a.settings.clone())
            .unwrap_or_default()
    }

    /// The accounts `old` had and these have not.
    pub fn removed_since(&self, old: &MailAccounts) -> Vec<MailAccount> {
        old.accounts
            .iter()
            .filter(|o| self.get(&o.id).is_none())
            .cloned()
            .collect()
    }

    /// Checks the slice as typed: readable, each account, at most [`account::MAX_ACCOUNTS`], no id
    /// twice.
    pub fn validate(slice: Option<&Slice>) -> Result<MailAccounts> {
        let accounts = Self::read(slice).ok_or_else(|| {
            Error::field(
                "mail_accounts",
                crate::Code::MailAccountInvalid,
                "The mail settings could not be read; nothing was saved.",
            )
        })?;
        account::validate_all(&accounts.accounts)?;
        Ok(accounts)
    }

    /// What saving these over `old` makes the store forget, in the save's transaction. When an
    /// account's server, folders, senders or rules change, its source forgets where it was, and
    /// the mails that did not count are forgotten, so its next pass reads the look-back window
    /// again (mails already counted are not counted twice). A removed account's cursors and sync
    /// state go; what it brought stays.
    pub fn saved_over(&self, old: &MailAccounts, s: &Store) -> Result<()> {
        let mut reread = false;
        for a in &self.accounts {
            let before = old.get(&a.id);
            if before.is_none_or(|o| a.settings.rereads(&o.settings)) {
                s.mail_folders().forget(&a.id)?;
                reread |= before.is_some();
            }
        }
        for gone in self.removed_since(old) {
            s.mail_folders().forget(&gone.id)?;
            s.source_states().clear(&gone.source_name())?;
        }
        if reread {
            s.mail_messages().forget_uncounted()?;
        }
        Ok(())
    }
}

/// A single-account release's one mailbox becomes the first account (whose id keeps its secrets,
/// cursors and sync state where they were). A disabled, never-filled one is dropped, so that the
/// list starts empty rather than with a blank account. `None` when it cannot be read: the slice is
/// then kept as it was.
fn first_account(old: serde_json::Value) -> Option<Vec<MailAccount>> {
    let settings = serde_json::from_value::<MailSettings>(old).ok()?;
    let blank =
        !settings.enabled && settings.host.trim().is_empty() && settings.user.trim().is_empty();
    Some(if blank {
        Vec::new()
    } else {
        vec![MailAccount::first(settings)]
    })
}

/// The source's check of its slice before a save ([`MailAccounts::validate`]).
pub fn check(slice: Option<&Slice>) -> Result<()> {
    MailAccounts::validate(slice).map(|_| ())
}

/// The slice as Settings shows it: one kept before slices (or by an older version), upgraded.
pub fn shown(slice: Option<&Slice>) -> Option<Slice> {
    MailAccounts::read(slice).map(|a| a.slice())
}
