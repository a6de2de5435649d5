//! Credentials known by their shape: tokens by their published prefixes (and JWTs), and the
//! webhook URLs that are credentials themselves (whoever has a Slack incoming-webhook URL can post
//! to the channel). The prefixes and lengths are the services' own documented formats, checked
//! against gitleaks' rule tests (tests/secret_gitleaks.rs).

use memchr::memmem;

use super::checks::entropy;
use super::detect::hit;
use super::{Hit, SecretKind};

/// The characters a token's body may have after its prefix.
#[derive(Clone, Copy)]
enum Body {
    /// `A-Za-z0-9`
    Alnum,
    /// `A-Za-z0-9_`
    Word,
    /// `A-Za-z0-9_-`
    Dashed,
    /// `A-Za-z0-9_-.=+/` (base64 and dotted parts)
    Base64,
    /// `0-9a-f`
    Hex,
}

impl Body {
    fn admits(self, c: u8) -> bool {
        if let Body::Hex = self {
            return c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
        }
        c.is_ascii_alphanumeric()
            || match self {
                Body::Alnum | Body::Hex => false,
                Body::Word => c == b'_',
                Body::Dashed => matches!(c, b'_' | b'-'),
                Body::Base64 => matches!(c, b'_' | b'-' | b'.' | b'=' | b'+' | b'/'),
            }
    }
}

/// A token known by its prefix: how long its body after the prefix may be, of which characters,
/// and what kind it is.
struct Service {
    prefix: &'static [u8],
    min: usize,
    max: usize,
    body: Body,
    kind: SecretKind,
}

/// A body of at least `min` characters.
const fn at_least(prefix: &'static [u8], min: usize, body: Body) -> Service {
    Service {
        prefix,
        min,
        max: usize::MAX,
        body,
        kind: SecretKind::GenericSecret,
    }
}

/// A body of exactly `len` characters (a longer run is something else).
const fn exactly(prefix: &'static [u8], len: usize, body: Body) -> Service {
    Service {
        max: len,
        ..at_least(prefix, len, body)
    }
}

impl Service {
    const fn of(self, kind: SecretKind) -> Service {
        Service { kind, ..self }
    }
}

/// The services' tokens. Longer prefixes of one family come before shorter ones.
const SERVICES: &[Service] = &[
    // OpenAI (project, service account, admin) and Anthropic keys.
    at_least(b"sk-proj-", 40, Body::Dashed),
    at_least(b"sk-svcacct-", 40, Body::Dashed),
    at_least(b"sk-admin-", 40, Body::Dashed),
    at_least(b"sk-ant-", 40, Body::Dashed),
    // Hugging Face user and organisation tokens.
    exactly(b"hf_", 34, Body::Alnum),
    exactly(b"api_org_", 34, Body::Alnum),
    // Notion, Sourcegraph, HashiCorp Vault, Perplexity, Sentry, npm, PyPI.
    at_least(b"ntn_", 40, Body::Alnum),
    exactly(b"sgp_local_", 40, Body::Word),
    exactly(b"sgp_", 57, Body::Word),
    at_least(b"hvs.", 24, Body::Dashed),
    at_least(b"pplx-", 40, Body::Alnum),
    at_least(b"sntrys_", 40, Body::Base64),
    at_least(b"npm_", 36, Body::Alnum),
    at_least(b"pypi-AgE", 50, Body::Dashed),
    // Shopify, Grafana, DigitalOcean, Databricks, Square, Atlassian, age.
    at_least(b"shpat_", 32, Body::Alnum),
    at_least(b"shpss_", 32, Body::Alnum),
    at_least(b"glsa_", 32, Body::Word),
    at_least(b"dop_v1_", 64, Body::Alnum),
    at_least(b"dapi", 32, Body::Hex),
    at_least(b"sq0csp-", 40, Body::Dashed),
    at_least(b"ATATT", 100, Body::Base64),
    at_least(b"AGE-SECRET-KEY-1", 50, Body::Alnum),
    // Stripe's restricted keys in production, and Slack's configuration tokens.
    at_least(b"rk_prod_", 16, Body::Alnum).of(SecretKind::StripeKey),
    at_least(b"xoxe.xox", 100, Body::Dashed).of(SecretKind::SlackToken),
];

/// A documentation stand-in rather than a key: `ghp_xxxx…`, `AKIAIOSFODNN7EXAMPLE`, or a body of one
/// repeated character (`AIzaaaaa…`).
fn stand_in(v: &[u8]) -> bool {
    if super::detect::contains(v, b"xxxx") || super::detect::contains(v, b"XXXX") {
        return true;
    }
    if v.ends_with(b"EXAMPLE") || v.ends_with(b"example") {
        return true;
    }
    let tail = &v[v.len().saturating_sub(16)..];
    tail.len() == 16 && tail.iter().all(|c| *c == tail[0])
}

/// Webhook URLs that carry their own credential: Slack (incoming and workflow), Microsoft Teams
/// (Office 365 connectors), Discord. The finding covers the URL from its host.
pub(super) fn webhooks(b: &[u8], out: &mut Vec<Hit>) {
    const HOOKS: &[(&[u8], usize)] = &[
        (b"hooks.slack.com/services/", 20),
        (b"hooks.slack.com/workflows/", 20),
        (b".webhook.office.com/webhookb2/", 40),
        (b"discord.com/api/webhooks/", 40),
        (b"discordapp.com/api/webhooks/", 40),
    ];
    for &(needle, min) in HOOKS {
        for pos in memmem::find_iter(b, needle) {
            // The host's start: back over the subdomain (`acme.webhook.office.com`).
            let mut s = pos;
            while s > 0 && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b'-' | b'.')) {
                s -= 1;
            }
            let from = pos + needle.len();
            let n = run(b, from, |c| {
                c.is_ascii_alphanumeric() || matches!(c, b'/' | b'_' | b'-' | b'@')
            });
            if n >= min && !stand_in(&b[from..from + n]) {
                hit(out, SecretKind::WebhookUrl, s, from + n);
            }
        }
    }
}

fn run(t: &[u8], from: usize, ok: impl Fn(u8) -> bool) -> usize {
    t[from..].iter().take_while(|c| ok(**c)).count()
}

/// Tokens known by their published prefixes, and JWTs.
pub(super) fn prefixed(t: &[u8], at: usize, out: &mut Vec<Hit>) {
    let alnum = |c: u8| c.is_ascii_alphanumeric();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let dashed = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    // Most long tokens (hashes, URLs' parts, ids) start with none of the prefixes' letters.
    if !matches!(
        t[0],
        b'A' | b'g' | b'x' | b's' | b'r' | b'w' | b'y' | b'e' | b'h' | b'a' | b'n' | b'p' | b'd'
    ) {
        return;
    }
    let mut found = |kind, len: usize| {
        if !stand_in(&t[..len]) {
            hit(out, kind, at, at + len)
        }
    };
    for &Service {
        prefix: p,
        min,
        max,
        body,
        kind,
    } in SERVICES
    {
        if t.starts_with(p) {
            let n = run(t, p.len(), |c| body.admits(c));
            if n > max {
                return;
            }
            // A random body, not a name (`hf_requiredCharacteristicTypes…`) or a sample
            // (`ntn_123456789012…`): Hugging Face's and the others' bodies are random letters.
            if n >= min && entropy(&t[p.len()..p.len() + n]) >= 3.5 {
                found(kind, p.len() + n);
            }
            return;
        }
    }
    for p in [&b"AKIA"[..], b"ASIA", b"ABIA", b"ACCA"] {
        if t.starts_with(p) {
            let n = run(t, 0, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
            if n == 20 {
                found(SecretKind::AwsAccessKey, 20);
            }
            return;
        }
    }
    for p in [&b"ghp_"[..], b"gho_", b"ghu_", b"ghs_", b"ghr_"] {
        if t.starts_with(p) {
            let n = run(t, 4, alnum);
            if n >= 36 {
                found(SecretKind::GithubToken, 4 + n);
            }
            return;
        }
    }
    if t.starts_with(b"github_pat_") {
        let n = run(t, 11, word);
        if n >= 22 {
            found(SecretKind::GithubToken, 11 + n);
        }
        return;
    }
    if t.starts_with(b"glpat-") {
        let n = run(t, 6, dashed);
        if n >= 20 {
            found(SecretKind::GitlabToken, 6 + n);
        }
        return;
    }
    for p in [
        &b"xoxb-"[..],
        b"xoxp-",
        b"xoxa-",
        b"xoxr-",
        b"xoxs-",
        b"xoxe-",
        b"xapp-",
    ] {
        if t.starts_with(p) {
            let n = run(t, 5, dashed);
            if n >= 10 && t[5..5 + n].iter().any(u8::is_ascii_digit) {
                found(SecretKind::SlackToken, 5 + n);
            }
            return;
        }
    }
    for p in [
        &b"sk_live_"[..],
        b"sk_test_",
        b"rk_live_",
        b"rk_test_",
        b"whsec_",
    ] {
        if t.starts_with(p) {
            let n = run(t, p.len(), alnum);
            if n >= 16 {
                found(SecretKind::StripeKey, p.len() + n);
            }
            return;
        }
    }
    if t.starts_with(b"AIza") {
        let n = run(t, 4, dashed);
        if n == 35 {
            found(SecretKind::GoogleApiKey, 39);
        }
        return;
    }
    if t.starts_with(b"ya29.") {
        let n = run(t, 5, |c| dashed(c) || c == b'.');
        if n >= 20 {
            found(SecretKind::GoogleApiKey, 5 + n);
        }
        return;
    }
    if t.starts_with(b"eyJ") {
        let b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        let h = run(t, 0, b64);
        if h >= 10 && t.get(h) == Some(&b'.') && t.get(h + 1..h + 4) == Some(b"eyJ") {
            let p = run(t, h + 1, b64);
            if p >= 10 && t.get(h + 1 + p) == Some(&b'.') {
                let sig = run(t, h + 2 + p, b64);
                if sig >= 16 {
                    found(SecretKind::Jwt, h + 2 + p + sig);
                }
            }
        }
    }
}
