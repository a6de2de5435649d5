//! `key = value` shapes: a password after a password key, a random-looking value after a key, token
//! or secret key (`api_key=…`, `"client_secret": "…"`, `X-Api-Key: …`, `my API token is …`).

use super::checks::{entropy, is_uuid};
use super::detect::{contains, hit, is, placeholder, VALUE};
use super::{Hit, SecretKind};

/// Keys that name something other than a credential.
const NOT_CREDENTIALS: &[&str] = &[
    "public",
    "publishable",
    "authorization",
    "idempotency",
    "cache",
    "sort",
    "primary",
    "foreign",
    "partition",
    "hash",
    "checksum",
    "etag",
    "monkey",
    "keyboard",
];

/// The word before position `s` (for `cache key: …`), lowercased.
fn word_before(b: &[u8], s: usize) -> Vec<u8> {
    let mut e = s;
    while e > 0 && matches!(b[e - 1], b' ' | b'_' | b'-') {
        e -= 1;
    }
    let mut w = e;
    while w > 0 && e - w < 24 && b[w - 1].is_ascii_alphabetic() {
        w -= 1;
    }
    b[w..e].to_ascii_lowercase()
}

/// Whether a lowercased key holds `pass`, `pw`, `secret`, `token`, `key`, `auth` or `cred`.
fn quick_look(k: &[u8]) -> bool {
    let at = |i: usize, w: &[u8]| k.len() - i >= w.len() && k[i..i + w.len()] == *w;
    (0..k.len()).any(|i| match k[i] {
        b'p' => at(i, b"pass") || at(i, b"pw"),
        b's' => at(i, b"secret"),
        b't' => at(i, b"token"),
        b'k' => at(i, b"key"),
        b'a' => at(i, b"auth"),
        b'c' => at(i, b"cred"),
        _ => false,
    })
}

/// What kind of secret a key name announces, if any.
fn key_kind(key: &[u8]) -> Option<SecretKind> {
    if key.len() > 48 {
        return None;
    }
    let mut buf = [0u8; 48];
    let k = &mut buf[..key.len()];
    k.copy_from_slice(key);
    k.make_ascii_lowercase();
    let k = &*k;
    let has = |w: &str| contains(k, w.as_bytes());
    // Most keys (`id`, `date`, `url`, `page`) name none of these: one quick look first, in one pass
    // over the key (seven substring searches per key were much of a dense log's scan).
    if !quick_look(k) {
        return None;
    }
    let last = k.rsplit(|c| matches!(c, b'.' | b'/')).next().unwrap_or(k);
    if has("password") || has("passwd") || has("passphrase") {
        return Some(SecretKind::Password);
    }
    if matches!(last, b"pwd" | b"pass" | b"pw")
        || last.ends_with(b"_pwd")
        || last.ends_with(b"_pass")
        || last.ends_with(b"-pass")
    {
        return Some(SecretKind::Password);
    }
    if NOT_CREDENTIALS.iter().any(|w| has(w)) {
        return None;
    }
    if has("aws") && has("secret") || has("secret_access_key") || has("secretaccesskey") {
        return Some(SecretKind::AwsSecretKey);
    }
    let generic = [
        "secret",
        "token",
        "apikey",
        "api_key",
        "api-key",
        "access_key",
        "accesskey",
        "credential",
        "private_key",
        "privatekey",
        "auth",
        "signing_key",
    ];
    if generic.iter().any(|w| has(w)) || last.ends_with(b"key") {
        return Some(SecretKind::GenericSecret);
    }
    None
}

/// `key = value`, `key: value`, `"key": "value"`, `key => value`, and `key is value` for the generic
/// kinds, at a token that ends at `end`.
pub(super) fn key_value(b: &[u8], s: usize, end: usize, out: &mut Vec<Hit>) {
    let mut j = end;
    if matches!(b[j], b'"' | b'\'') {
        j += 1;
    }
    while j < b.len() && j < end + 4 && matches!(b[j], b' ' | b'\t') {
        j += 1;
    }
    let Some(&sep) = b.get(j) else { return };
    let prose = sep == b'i' && b.get(j..j + 3) == Some(b"is ");
    if !(sep == b':' || sep == b'=' || prose) {
        return;
    }
    // A URL's scheme (`https:`) or a time (`10:30`) is not a key.
    if sep == b':' && b.get(j + 1) == Some(&b'/') {
        return;
    }
    let Some(kind) = key_kind(&b[s..end]) else {
        return;
    };
    // `cache key: …`, `public token = …`: the word before a bare key name says what it is.
    if end - s <= 6
        && NOT_CREDENTIALS
            .iter()
            .any(|w| word_before(b, s) == w.as_bytes())
    {
        return;
    }
    if prose && kind == SecretKind::Password {
        return;
    }
    j += if prose { 3 } else { 1 };
    if matches!(b.get(j), Some(b'=') | Some(b'>')) {
        j += 1;
    }
    while j < b.len() && j < end + 12 && matches!(b[j], b' ' | b'\t') {
        j += 1;
    }
    let quote = match b.get(j) {
        Some(&q @ (b'"' | b'\'')) => {
            j += 1;
            Some(q)
        }
        _ => None,
    };
    let vs = j;
    let limit = b.len().min(vs + 512);
    let mut ve = vs;
    match quote {
        Some(q) => {
            while ve < limit && b[ve] != q && b[ve] != b'\n' {
                ve += 1;
            }
            if b.get(ve) != Some(&q) {
                return;
            }
        }
        None => {
            while ve < limit && is(b[ve], VALUE) {
                ve += 1;
            }
            while ve > vs && matches!(b[ve - 1], b'.' | b':') {
                ve -= 1;
            }
        }
    }
    let v = &b[vs..ve];
    let ok = match kind {
        SecretKind::Password => password_like(v, quote.is_some()),
        _ => random_like(v),
    };
    if ok {
        hit(out, kind, vs, ve);
    }
}

/// A password after a password key: quoted, anything not a placeholder; unquoted, at least six
/// characters and not a plain lowercase word ("password: required").
fn password_like(v: &[u8], quoted: bool) -> bool {
    if v.len() < 4 || v.len() > 128 || placeholder(v) {
        return false;
    }
    quoted || (v.len() >= 6 && !v.iter().all(u8::is_ascii_lowercase))
}

/// A key's value that looks random: 16+ characters of a token alphabet, letters and digits mixed,
/// high entropy, and not a UUID.
fn random_like(v: &[u8]) -> bool {
    if v.len() < 16 || v.len() > 512 || placeholder(v) || is_uuid(v) {
        return false;
    }
    let token = v.iter().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/' | b'+' | b'=' | b'~')
    });
    let digits = v.iter().filter(|c| c.is_ascii_digit()).count();
    let letters = v.iter().filter(|c| c.is_ascii_alphabetic()).count();
    token && digits >= 2 && letters >= 2 && entropy(v) >= 3.2
}
