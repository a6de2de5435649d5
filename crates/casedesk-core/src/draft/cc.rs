//! The "Email Addresses to CC" field: split, checked and de-duplicated as CJ's form would want it.

use super::{FieldProblem, CC_MAX};
use crate::text::is_valid_email;

/// Splits a CC list on commas, semicolons and white space, validates each address, and removes duplicates
/// case-insensitively, keeping the first spelling. At most [`CC_MAX`] addresses.
pub fn parse_cc(raw: &str) -> std::result::Result<Vec<String>, FieldProblem> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for token in raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        let token = token.trim();
        if token.is_empty() {
            continue;
        }
        if !is_valid_email(token) {
            bad.push(token.to_owned());
            continue;
        }
        if seen.insert(token.to_lowercase()) {
            out.push(token.to_owned());
        }
    }
    if !bad.is_empty() {
        let shown: Vec<String> = bad.iter().take(3).map(|b| format!("“{b}”")).collect();
        let more = if bad.len() > 3 {
            format!(" and {} more", bad.len() - 3)
        } else {
            String::new()
        };
        let noun = if bad.len() == 1 {
            "is not a valid e-mail address"
        } else {
            "are not valid e-mail addresses"
        };
        return Err(FieldProblem::new(
            "cc",
            "cc_invalid",
            format!("{}{more} {noun}.", shown.join(", ")),
        ));
    }
    if out.len() > CC_MAX {
        return Err(FieldProblem::new(
            "cc",
            "cc_too_many",
            format!("{} addresses; CJ accepts at most {CC_MAX}.", out.len()),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cc_is_split_on_every_separator_deduplicated_case_insensitively() {
        let got = parse_cc("a@x.com, b@y.org;c@z.net\nA@X.COM  d@w.io\t").unwrap();
        assert_eq!(
            got,
            vec!["a@x.com", "b@y.org", "c@z.net", "d@w.io"],
            "duplicates differ only by case"
        );
        assert_eq!(
            parse_cc("").unwrap(),
            Vec::<String>::new(),
            "CC is optional"
        );
    }

    #[test]
    fn cc_typos_are_caught() {
        for typo in [
            "bob@example",
            "bob.example.com",
            "bob@@example.com",
            "bob@example,com x@y",
            "@example.com",
            "bob@.com",
            "bob@exa mple.com",
            "bob@example.c0m",
            "bo..b@example.com",
        ] {
            let err = parse_cc(typo).expect_err(typo);
            assert_eq!(err.code, "cc_invalid", "{typo} is a typo a user makes");
            assert_eq!(err.field, "cc");
        }
    }

    #[test]
    fn cc_allows_at_most_twenty_distinct_addresses() {
        let twenty: Vec<String> = (0..20).map(|i| format!("u{i}@example.com")).collect();
        assert_eq!(parse_cc(&twenty.join(",")).unwrap().len(), 20);
        let twenty_one = format!("{},extra@example.com", twenty.join(","));
        assert_eq!(parse_cc(&twenty_one).unwrap_err().code, "cc_too_many");
        let dupes = format!("{},U0@EXAMPLE.COM", twenty.join(","));
        assert_eq!(
            parse_cc(&dupes).unwrap().len(),
            20,
            "a duplicate does not count towards the limit"
        );
    }
}
