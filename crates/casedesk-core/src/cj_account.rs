//! CJ accounts: one person often files for several (advertisers under one agency, a publisher's
//! properties). Each has a name, its kind — publisher or advertiser, which CJ's form asks different
//! things of — and its CJ id (a CID for an advertiser, a PID for a publisher: digits only). A draft says
//! which account it is for, and CJ's form panel names it before filing, so the user is logged in to
//! the right one.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// At most this many CJ accounts.
pub const MAX_ACCOUNTS: usize = 50;
const ID_MAX: usize = 40;
const NAME_MAX: usize = 80;
const CJ_ID_MAX: usize = 12;
const MAX_ADDRESSES: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CjKind {
    Publisher,
    Advertiser,
}

impl CjKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CjKind::Publisher => "publisher",
            CjKind::Advertiser => "advertiser",
        }
    }

    /// What CJ calls the id of an account of this kind.
    pub fn id_name(self) -> &'static str {
        match self {
            CjKind::Publisher => "PID",
            CjKind::Advertiser => "CID",
        }
    }
}

/// Whom a Case Reason or Sub Reason is for: CJ's publishers and advertisers choose from different lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Both,
    Publisher,
    Advertiser,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Both => "both",
            Audience::Publisher => "publisher",
            Audience::Advertiser => "advertiser",
        }
    }

    /// Reads a stored value; anything else is `Both` (a row never leaves every list).
    pub fn parse(s: &str) -> Audience {
        match s {
            "publisher" => Audience::Publisher,
            "advertiser" => Audience::Advertiser,
            _ => Audience::Both,
        }
    }

    /// The audience a new entry of `kind`'s list gets (`None`: the whole catalogue, for both).
    pub fn of(kind: Option<CjKind>) -> Audience {
        match kind {
            None => Audience::Both,
            Some(CjKind::Publisher) => Audience::Publisher,
            Some(CjKind::Advertiser) => Audience::Advertiser,
        }
    }

    /// Whether an entry for this audience is in `kind`'s list (`None`: a draft for no account sees all).
    pub fn fits(self, kind: Option<CjKind>) -> bool {
        match (self, kind) {
            (Audience::Both, _) | (_, None) => true,
            (Audience::Publisher, Some(k)) => k == CjKind::Publisher,
            (Audience::Advertiser, Some(k)) => k == CjKind::Advertiser,
        }
    }

    /// The audience once `kind`'s list also has this entry.
    pub fn with(self, kind: Option<CjKind>) -> Audience {
        if self.fits(kind) {
            self
        } else {
            Audience::Both
        }
    }
}

/// Which kind each CJ account is, as the rules need it: a draft names its account by id, and its
/// reason is checked against that kind's list. Built from the preferences by the shell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CjKinds(Vec<(String, CjKind)>);

impl CjKinds {
    pub fn new(accounts: &[CjAccount]) -> CjKinds {
        CjKinds(accounts.iter().map(|a| (a.id.clone(), a.kind)).collect())
    }

    /// The kind of the draft's account; `None` for no account or one no longer kept (the whole
    /// catalogue is offered).
    pub fn of(&self, account: Option<&str>) -> Option<CjKind> {
        let account = account?;
        self.0.iter().find(|(id, _)| id == account).map(|(_, k)| *k)
    }

    /// The ids of the accounts of `kind`.
    pub fn accounts_of(&self, kind: CjKind) -> Vec<String> {
        self.0
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(id, _)| id.clone())
            .collect()
    }
}

impl CjKind {
    /// "publishers'" / "advertisers'" — whose list.
    pub fn list_name(self) -> &'static str {
        match self {
            CjKind::Publisher => "publishers’",
            CjKind::Advertiser => "advertisers’",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CjAccount {
    /// Stable, chosen once: `[a-z0-9-]`, at most 40. What a draft stores.
    pub id: String,
    pub name: String,
    pub kind: CjKind,
    /// The CID or PID: digits only.
    pub cj_id: String,
    /// The addresses CJ writes to about this account's cases (its login, a team list): a confirmation
    /// sent to one of them lands on this account's draft. At most 10.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
}

impl CjAccount {
    /// "Acme Shoes, advertiser, CID 1234567".
    pub fn label(&self) -> String {
        format!(
            "{}, {}, {} {}",
            self.name,
            self.kind.as_str(),
            self.kind.id_name(),
            self.cj_id
        )
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |field: &'static str, message: &str| {
            Err(Error::field(
                field,
                crate::Code::CjAccountInvalid,
                format!(
                    "{}: {message}",
                    if self.name.trim().is_empty() {
                        "A CJ account"
                    } else {
                        self.name.trim()
                    }
                ),
            ))
        };
        if !crate::text::is_slug(&self.id, ID_MAX) {
            return bad(
                "cj_account",
                "its id is lower-case letters, digits and dashes.",
            );
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control)
        {
            return bad(
                "cj_account_name",
                "give it a name of at most 80 characters.",
            );
        }
        if self.cj_id.is_empty()
            || self.cj_id.len() > CJ_ID_MAX
            || !self.cj_id.chars().all(|c| c.is_ascii_digit())
        {
            return bad(
                "cj_account_id",
                &format!("its {} is digits only (at most 12).", self.kind.id_name()),
            );
        }
        if self.addresses.len() > MAX_ADDRESSES
            || !self
                .addresses
                .iter()
                .all(|a| crate::text::is_valid_email(a) && *a == a.trim().to_lowercase())
        {
            return bad(
                "cj_account_addresses",
                "its e-mail addresses are at most 10 addresses like name@example.com.",
            );
        }
        Ok(())
    }
}

/// Checks the list and the default: each account, at most [`MAX_ACCOUNTS`], no id twice, and the
/// default (when set) one of them.
pub fn validate_all(accounts: &[CjAccount], default: Option<&str>) -> Result<()> {
    if accounts.len() > MAX_ACCOUNTS {
        return Err(Error::field(
            "cj_accounts",
            crate::Code::CjAccountInvalid,
            format!("At most {MAX_ACCOUNTS} CJ accounts."),
        ));
    }
    for (i, a) in accounts.iter().enumerate() {
        a.validate()?;
        if accounts[..i].iter().any(|b| b.id == a.id) {
            return Err(Error::field(
                "cj_account",
                crate::Code::CjAccountInvalid,
                "Two CJ accounts have the same id.",
            ));
        }
    }
    if let Some(d) = default {
        if !accounts.iter().any(|a| a.id == d) {
            return Err(Error::field(
                "cj_accounts",
                crate::Code::CjAccountInvalid,
                "The default CJ account is not in the list.",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> CjAccount {
        CjAccount {
            id: "acme".into(),
            name: "Acme Shoes".into(),
            kind: CjKind::Advertiser,
            cj_id: "1234567".into(),
            addresses: Vec::new(),
        }
    }

    #[test]
    fn an_account_is_named_as_the_form_panel_says_it() {
        assert_eq!(acme().label(), "Acme Shoes, advertiser, CID 1234567");
        let p = CjAccount {
            kind: CjKind::Publisher,
            ..acme()
        };
        assert_eq!(p.label(), "Acme Shoes, publisher, PID 1234567");
    }

    #[test]
    fn ids_names_and_cj_ids_are_checked_by_field() {
        assert!(validate_all(&[acme()], Some("acme")).is_ok());
        assert!(validate_all(&[acme()], Some("other")).is_err());
        assert!(validate_all(&[acme(), acme()], None).is_err());
        for (a, field) in [
            (
                CjAccount {
                    cj_id: "12a4".into(),
                    ..acme()
                },
                "cj_account_id",
            ),
            (
                CjAccount {
                    cj_id: "".into(),
                    ..acme()
                },
                "cj_account_id",
            ),
            (
                CjAccount {
                    name: " ".into(),
                    ..acme()
                },
                "cj_account_name",
            ),
            (
                CjAccount {
                    id: "Acme".into(),
                    ..acme()
                },
                "cj_account",
            ),
        ] {
            let e = a.validate().unwrap_err();
            assert_eq!(
                (e.code().as_str(), e.field_name()),
                ("cj_account_invalid", Some(field))
            );
        }
    }
}
