//! Which of the user's CJ accounts a mail is about: a confirmation sent to an address the user gave an
//! account (its login, a team list), or one that names the account's CID/PID. The mail source asks
//! it, so a case number found in mail lands only on a draft of the account the mail names; a mail that
//! names none is matched as before, and a tie is listed as found, never guessed.

use crate::cj_account::CjAccount;

/// A CID/PID shorter than this is not looked for in a mail's text (too likely to appear by chance).
const ID_MIN_DIGITS: usize = 4;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CjRoutes(Vec<Route>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Route {
    id: String,
    addresses: Vec<String>,
    cj_id: String,
}

impl CjRoutes {
    pub fn new(accounts: &[CjAccount]) -> CjRoutes {
        CjRoutes(
            accounts
                .iter()
                .map(|a| Route {
                    id: a.id.clone(),
                    addresses: a.addresses.iter().map(|x| x.to_lowercase()).collect(),
                    cj_id: a.cj_id.clone(),
                })
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The accounts a mail names: one of its `recipients` (lower-cased) is an address of the account,
    /// or one of `texts` holds the account's CID/PID as a whole number.
    pub fn named(&self, recipients: &[String], texts: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|r| {
                r.addresses.iter().any(|a| recipients.contains(a))
                    || (r.cj_id.len() >= ID_MIN_DIGITS
                        && texts.iter().any(|t| has_number(t, &r.cj_id)))
            })
            .map(|r| r.id.clone())
            .collect()
    }
}

/// Whether `text` holds `digits` with no digit either side (so 1234567 is not found in 81234567).
fn has_number(text: &str, digits: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(digits).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + digits.len()).copied();
        !before.is_some_and(|b| b.is_ascii_digit()) && !after.is_some_and(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cj_account::CjKind;

    fn routes() -> CjRoutes {
        let a = |id: &str, cj_id: &str, addresses: &[&str]| CjAccount {
            id: id.into(),
            name: id.into(),
            kind: CjKind::Advertiser,
            cj_id: cj_id.into(),
            addresses: addresses.iter().map(|s| s.to_string()).collect(),
        };
        CjRoutes::new(&[
            a("acme", "1234567", &["acme@agency.example"]),
            a("blog", "7654321", &[]),
        ])
    }

    #[test]
    fn a_mail_names_an_account_by_its_address_or_its_id() {
        let r = routes();
        assert_eq!(r.named(&["acme@agency.example".into()], &[]), vec!["acme"]);
        assert_eq!(r.named(&[], &["Advertiser CID: 1234567"]), vec!["acme"]);
        assert_eq!(r.named(&[], &["PID 7654321."]), vec!["blog"]);
        assert!(r
            .named(&["someone@else.example".into()], &["Case 81234567"])
            .is_empty());
        assert!(
            r.named(&[], &["12345678"]).is_empty(),
            "not inside a longer number"
        );
        assert_eq!(
            r.named(&["acme@agency.example".into()], &["PID 7654321"]),
            vec!["acme", "blog"],
            "both named: the draft is chosen among both accounts' drafts"
        );
    }
}
