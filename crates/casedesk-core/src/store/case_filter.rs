//! Which cases a list shows by the CJ account their draft is for: the Cases view's account filter,
//! over the list and search.

use crate::error::{Error, Result};

/// Which cases (and search hits) a list shows, by the CJ account their draft is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountFilter {
    All,
    /// Cases with no account: filed before accounts were kept, for no account, or found in mail.
    NoAccount,
    Account(String),
}

impl AccountFilter {
    /// From a command's argument: absent is every case, "" those of no account, else an account id.
    pub fn from_arg(arg: Option<&str>) -> Result<AccountFilter> {
        match arg {
            None => Ok(AccountFilter::All),
            Some("") => Ok(AccountFilter::NoAccount),
            Some(id) if crate::text::is_slug(id, 40) => Ok(AccountFilter::Account(id.to_owned())),
            Some(_) => Err(Error::field(
                "account",
                crate::Code::InvalidArgument,
                "This is not a CJ account's id.",
            )),
        }
    }

    /// Whether a case or draft for `account` is shown.
    pub fn admits(&self, account: Option<&str>) -> bool {
        match self {
            AccountFilter::All => true,
            AccountFilter::NoAccount => account.is_none(),
            AccountFilter::Account(id) => account == Some(id.as_str()),
        }
    }
}
