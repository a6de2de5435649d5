//! Mail accounts: each mailbox Casedesk follows (the user's own, a team's shared one) is an account
//! with an id, a name and everything one mailbox needs ([`MailSettings`]). Each account has its own
//! follow loop, folder cursors, sync state, breadcrumb and secrets; what they read lands in one store,
//! where a mail is read once by its Message-ID (or a hash of date, sender and subject when it has
//! none), so a case seen through two mailboxes has one timeline and each change is notified once.
//!
//! The first account keeps the names a single-account release used (`mail` in `source_state`, the
//! plain secret names, `reading-mail`), so upgrading needs no step.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::MailSettings;
use crate::error::{Error, Result};
use crate::secrets::{Scoped, Secrets};

/// The secret store's name for an account's (app) password (scoped by [`secrets_of`]).
pub const MAIL_PASSWORD: &str = "mail-password";
/// The secret store's name for an account's OAuth refresh token (access tokens are never stored).
pub const MAIL_OAUTH_REFRESH: &str = "mail-oauth-refresh";

/// The id of the account a single-account release had.
pub const FIRST_ID: &str = "mail";
/// At most this many mailboxes are followed.
pub const MAX_ACCOUNTS: usize = 10;
const ID_MAX: usize = 40;
const NAME_MAX: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MailAccount {
    /// Stable, chosen once: `[a-z0-9-]`, at most 40. Names the account's secrets and state.
    pub id: String,
    /// What the user calls it ("Me", "Team support").
    #[serde(default)]
    pub name: String,
    #[serde(flatten)]
    pub settings: MailSettings,
}

impl MailAccount {
    pub fn first(settings: MailSettings) -> MailAccount {
        MailAccount {
            id: FIRST_ID.into(),
            name: String::new(),
            settings,
        }
    }

    pub fn is_first(&self) -> bool {
        self.id == FIRST_ID
    }

    /// The name of its follow loop in logs and in `source_state`.
    pub fn source_name(&self) -> String {
        source_name(&self.id)
    }

    /// Its secrets within the store.
    pub fn secrets(&self, secrets: &Arc<dyn Secrets>) -> Arc<dyn Secrets> {
        secrets_of(secrets, &self.id)
    }

    /// What the lists show: its name, else its user, else its server.
    pub fn label(&self) -> String {
        [&self.name, &self.settings.user, &self.settings.host]
            .into_iter()
            .map(|s| s.trim())
            .find(|s| !s.is_empty())
            .unwrap_or("Mailbox")
            .to_owned()
    }

    /// Forgets its secrets (the account was removed): its password and its OAuth sign-in.
    pub fn forget_secrets(&self, secrets: &Arc<dyn Secrets>) -> Result<()> {
        let mine = self.secrets(secrets);
        mine.delete(MAIL_PASSWORD)?;
        mine.delete(MAIL_OAUTH_REFRESH)
    }

    pub fn validate(&self) -> Result<()> {
        if !crate::text::is_slug(&self.id, ID_MAX) {
            return Err(Error::field(
                "mail_account",
                crate::Code::MailAccountInvalid,
                "An account's id is lower-case letters, digits and dashes (at most 40).",
            ));
        }
        if self.name.chars().count() > NAME_MAX || self.name.chars().any(char::is_control) {
            return Err(Error::field(
                "mail_account_name",
                crate::Code::MailAccountInvalid,
                "Give the account a name of at most 80 characters.",
            ));
        }
        self.settings.validate()
    }
}

/// The secrets of the account with this id.
pub fn secrets_of(secrets: &Arc<dyn Secrets>, id: &str) -> Arc<dyn Secrets> {
    Scoped::within(secrets, (id != FIRST_ID).then_some(id))
}

/// The follow loop's name for the account with this id: `mail` for the first, `mail:<id>` after.
pub fn source_name(id: &str) -> String {
    if id == FIRST_ID {
        super::NAME.to_owned()
    } else {
        format!("{}:{id}", super::NAME)
    }
}

/// The key of a mail by its place, for mails read without a Message-ID of their own (too large,
/// unreadable, named by a breadcrumb): the first account's keys are a single-account release's.
pub(crate) fn uid_key(account: &str, folder: &str, uid_validity: u32, uid: u32) -> String {
    if account == FIRST_ID {
        format!("uid:{folder}:{uid_validity}:{uid}")
    } else {
        format!("uid:{account}/{folder}:{uid_validity}:{uid}")
    }
}

/// Checks the list: each account, at most [`MAX_ACCOUNTS`], no id twice.
pub fn validate_all(accounts: &[MailAccount]) -> Result<()> {
    if accounts.len() > MAX_ACCOUNTS {
        return Err(Error::field(
            "mail_accounts",
            crate::Code::MailAccountInvalid,
            format!("Casedesk follows at most {MAX_ACCOUNTS} mailboxes."),
        ));
    }
    for (i, a) in accounts.iter().enumerate() {
        // With several, the message names the mailbox at fault (the form shows one at a time).
        a.validate().map_err(|e| match e {
            Error::Invalid {
                code,
                message,
                field,
            } if accounts.len() > 1 => Error::Invalid {
                code,
                message: format!("{}: {message}", a.label()),
                field,
            },
            other => other,
        })?;
        if accounts[..i].iter().any(|b| b.id == a.id) {
            return Err(Error::field(
                "mail_account",
                crate::Code::MailAccountInvalid,
                "Two mail accounts have the same id.",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecrets;

    #[test]
    fn each_account_has_its_own_secrets_and_the_first_keeps_the_old_names() {
        let store: Arc<dyn Secrets> = Arc::new(MemorySecrets::with(&[(MAIL_PASSWORD, "old")]));
        let first = MailAccount::first(MailSettings::default());
        let team = MailAccount {
            id: "team".into(),
            ..first.clone()
        };
        assert_eq!(
            first.secrets(&store).get(MAIL_PASSWORD).unwrap(),
            Some("old".into())
        );
        assert_eq!(team.secrets(&store).get(MAIL_PASSWORD).unwrap(), None);
        team.secrets(&store).set(MAIL_PASSWORD, "new").unwrap();
        assert_eq!(store.get("mail-password@team").unwrap(), Some("new".into()));
        team.forget_secrets(&store).unwrap();
        assert_eq!(store.get("mail-password@team").unwrap(), None);
        assert_eq!(store.get(MAIL_PASSWORD).unwrap(), Some("old".into()));
        assert_eq!(first.source_name(), "mail");
        assert_eq!(team.source_name(), "mail:team");
        assert_eq!(uid_key("mail", "INBOX", 1, 2), "uid:INBOX:1:2");
        assert_eq!(uid_key("team", "INBOX", 1, 2), "uid:team/INBOX:1:2");
    }

    #[test]
    fn ids_are_checked_and_never_twice() {
        let a = MailAccount::first(MailSettings::default());
        assert!(validate_all(std::slice::from_ref(&a)).is_ok());
        assert!(validate_all(&[a.clone(), a.clone()]).is_err());
        for bad in ["", "Team", "a b", "a@b", &"x".repeat(41)] {
            let b = MailAccount {
                id: bad.into(),
                ..a.clone()
            };
            assert_eq!(b.validate().unwrap_err().code(), "mail_account_invalid");
        }
        assert!(validate_all(&vec![a; MAX_ACCOUNTS + 1]).is_err());
    }
}
