//! Secrets caught before they are sent: API keys, passwords, private keys, card numbers and the like
//! in the subject, the description and `.txt` attachments — offline, in one linear pass ([`detect`]).
//!
//! A finding carries its kind, where it is (field or file, line), a masked preview and a fingerprint
//! (part of a SHA-256 of kind and value) by which the user marks it "not a secret" for a draft. The
//! value itself never leaves the core: not in logs, errors or IPC answers. Redaction replaces a value
//! with `[REDACTED: <kind>]`.

mod checks;
mod detect;
pub mod draft;
mod keys;
mod services;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use draft::{chosen, scan_draft, SecretFinding, SecretPlace, SecretReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    PrivateKey,
    AwsAccessKey,
    AwsSecretKey,
    GithubToken,
    GitlabToken,
    SlackToken,
    WebhookUrl,
    StripeKey,
    GoogleApiKey,
    Jwt,
    BearerToken,
    BasicAuth,
    UrlCredentials,
    Password,
    CardNumber,
    Iban,
    GenericSecret,
}

impl SecretKind {
    pub const ALL: [SecretKind; 17] = [
        SecretKind::PrivateKey,
        SecretKind::AwsAccessKey,
        SecretKind::AwsSecretKey,
        SecretKind::GithubToken,
        SecretKind::GitlabToken,
        SecretKind::SlackToken,
        SecretKind::WebhookUrl,
        SecretKind::StripeKey,
        SecretKind::GoogleApiKey,
        SecretKind::Jwt,
        SecretKind::BearerToken,
        SecretKind::BasicAuth,
        SecretKind::UrlCredentials,
        SecretKind::Password,
        SecretKind::CardNumber,
        SecretKind::Iban,
        SecretKind::GenericSecret,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => "private_key",
            SecretKind::AwsAccessKey => "aws_access_key",
            SecretKind::AwsSecretKey => "aws_secret_key",
            SecretKind::GithubToken => "github_token",
            SecretKind::GitlabToken => "gitlab_token",
            SecretKind::SlackToken => "slack_token",
            SecretKind::WebhookUrl => "webhook_url",
            SecretKind::StripeKey => "stripe_key",
            SecretKind::GoogleApiKey => "google_api_key",
            SecretKind::Jwt => "jwt",
            SecretKind::BearerToken => "bearer_token",
            SecretKind::BasicAuth => "basic_auth",
            SecretKind::UrlCredentials => "url_credentials",
            SecretKind::Password => "password",
            SecretKind::CardNumber => "card_number",
            SecretKind::Iban => "iban",
            SecretKind::GenericSecret => "generic_secret",
        }
    }

    pub fn parse(s: &str) -> Option<SecretKind> {
        SecretKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// For people: in the list and in `[REDACTED: …]`.
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => "private key",
            SecretKind::AwsAccessKey => "AWS access key",
            SecretKind::AwsSecretKey => "AWS secret key",
            SecretKind::GithubToken => "GitHub token",
            SecretKind::GitlabToken => "GitLab token",
            SecretKind::SlackToken => "Slack token",
            SecretKind::WebhookUrl => "webhook URL",
            SecretKind::StripeKey => "Stripe key",
            SecretKind::GoogleApiKey => "Google API key",
            SecretKind::Jwt => "JWT",
            SecretKind::BearerToken => "bearer token",
            SecretKind::BasicAuth => "Basic credentials",
            SecretKind::UrlCredentials => "password in a URL",
            SecretKind::Password => "password",
            SecretKind::CardNumber => "card number",
            SecretKind::Iban => "IBAN",
            SecretKind::GenericSecret => "secret",
        }
    }

    /// When two findings overlap, the more specific one (lower) is kept.
    fn rank(self) -> u8 {
        match self {
            SecretKind::PrivateKey => 0,
            SecretKind::AwsAccessKey
            | SecretKind::GithubToken
            | SecretKind::GitlabToken
            | SecretKind::SlackToken
            | SecretKind::WebhookUrl
            | SecretKind::StripeKey
            | SecretKind::GoogleApiKey => 1,
            SecretKind::Jwt => 2,
            SecretKind::UrlCredentials => 3,
            SecretKind::BearerToken | SecretKind::BasicAuth => 4,
            SecretKind::AwsSecretKey | SecretKind::Password => 5,
            SecretKind::CardNumber | SecretKind::Iban => 6,
            SecretKind::GenericSecret => 7,
        }
    }
}

/// A secret's byte range in the scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub kind: SecretKind,
    pub start: usize,
    pub end: usize,
}

/// Every secret in `text`, in order, none overlapping another.
pub fn scan(text: &str) -> Vec<Hit> {
    let mut raw = Vec::new();
    detect::all(text, &mut raw);
    raw.retain(|h| {
        h.end > h.start && text.is_char_boundary(h.start) && text.is_char_boundary(h.end)
    });
    raw.sort_by_key(|h| (h.kind.rank(), h.start));
    // Most specific first; a hit is kept when it overlaps nothing kept. The kept ranges never overlap
    // one another, so only the kept range starting last before this hit's end can overlap it: one
    // ordered lookup per hit, O(n log n) however many findings a log holds.
    let mut kept: std::collections::BTreeMap<usize, Hit> = std::collections::BTreeMap::new();
    for h in raw {
        let overlaps = kept
            .range(..h.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > h.start);
        if !overlaps {
            kept.insert(h.start, h);
        }
    }
    kept.into_values().collect()
}

/// Part of a SHA-256 of kind and value: how "not a secret" is remembered without the value.
pub fn fingerprint(kind: SecretKind, value: &str) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_str().as_bytes());
    h.update([0]);
    h.update(value.as_bytes());
    hex::encode(&h.finalize()[..8])
}

/// A preview that shows which secret it is, never enough of it to use: a published prefix and the
/// last characters (`sk_live_…9fQ2`), the last four digits of a card, a key block's first line.
pub fn mask(kind: SecretKind, value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let tail = |n: usize| -> String { chars[chars.len().saturating_sub(n)..].iter().collect() };
    match kind {
        SecretKind::PrivateKey => {
            let first = value.lines().next().unwrap_or("").chars().take(60);
            format!("{}…", first.collect::<String>())
        }
        SecretKind::CardNumber => {
            let digits: String = chars.iter().filter(|c| c.is_ascii_digit()).collect();
            format!("•••• {}", &digits[digits.len().saturating_sub(4)..])
        }
        SecretKind::Iban => {
            let head: String = chars.iter().take(4).collect();
            format!("{head}…{}", tail(4))
        }
        SecretKind::WebhookUrl => {
            let host = value.split('/').next().unwrap_or("");
            format!("{host}/…{}", tail(4))
        }
        SecretKind::AwsAccessKey
        | SecretKind::GithubToken
        | SecretKind::GitlabToken
        | SecretKind::SlackToken
        | SecretKind::StripeKey
        | SecretKind::GoogleApiKey
        | SecretKind::Jwt => {
            let prefix = PREFIXES
                .iter()
                .find(|p| value.starts_with(**p))
                .copied()
                .unwrap_or("");
            format!("{prefix}…{}", tail(4))
        }
        _ => {
            let keep = (chars.len() / 6).clamp(1, 4);
            format!("…{}", tail(keep))
        }
    }
}

/// The published prefixes a preview may show.
const PREFIXES: &[&str] = &[
    "github_pat_",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "whsec_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxr-",
    "xoxs-",
    "xoxe-",
    "xapp-",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "AIza",
    "ya29.",
    "eyJ",
];

/// `text` with each hit replaced by `[REDACTED: <kind>]`.
pub fn redact(text: &str, hits: &[Hit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for h in hits {
        if h.start < at {
            continue;
        }
        out.push_str(&text[at..h.start]);
        out.push_str("[REDACTED: ");
        out.push_str(h.kind.label());
        out.push(']');
        at = h.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(SecretKind, &str)> {
        scan(text)
            .into_iter()
            .map(|h| (h.kind, &text[h.start..h.end]))
            .collect()
    }

    #[test]
    fn finds_each_kind_where_it_is() {
        assert_eq!(
            kinds("key id AKIAQ3EGRTW7HZ5LMN2P in the log"),
            vec![(SecretKind::AwsAccessKey, "AKIAQ3EGRTW7HZ5LMN2P")]
        );
        assert_eq!(
            kinds("curl -H 'Authorization: Bearer abcdef0123456789abcdef' https://x"),
            vec![(SecretKind::BearerToken, "abcdef0123456789abcdef")]
        );
        assert_eq!(
            kinds("db: postgres://app:s3cr3t-pw@db.internal:5432/app"),
            vec![(SecretKind::UrlCredentials, "app:s3cr3t-pw")]
        );
        assert_eq!(
            kinds("card 4111 1111 1111 1111 exp 12/27"),
            vec![(SecretKind::CardNumber, "4111 1111 1111 1111")]
        );
        assert_eq!(
            kinds("{\"password\": \"hunter2\"}"),
            vec![(SecretKind::Password, "hunter2")]
        );
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for t in [
            "Order 1234567890123452 shipped on 2024-01-15.",
            "request id 123e4567-e89b-12d3-a456-426614174000",
            "sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "Password: required",
            "https://www.example.com/landing?utm_source=news&utm_medium=email&clickid=8842",
            "Call +1 (555) 123-4567 between 10:30 and 12:00.",
        ] {
            assert!(scan(t).is_empty(), "{t}: {:?}", kinds(t));
        }
    }

    #[test]
    fn masks_show_little_and_redaction_keeps_the_rest() {
        assert_eq!(
            mask(
                SecretKind::StripeKey,
                "sk_live_4eC39HqLyjWDarjtT1zdp7dc9fQ2"
            ),
            "sk_live_…9fQ2"
        );
        assert_eq!(
            mask(SecretKind::CardNumber, "4111 1111 1111 1234"),
            "•••• 1234"
        );
        assert_eq!(mask(SecretKind::Password, "hunter2"), "…2");
        let text = "token: sk_live_4eC39HqLyjWDarjtT1zdp7dc9fQ2 ok";
        assert_eq!(
            redact(text, &scan(text)),
            "token: [REDACTED: Stripe key] ok"
        );
    }
}
