//! The detectors. One pass over the text's tokens for the prefixed tokens, JWTs, IBANs and
//! `key = value` shapes; substring searches for the rare anchors (`-----BEGIN`, `://`, `Bearer `,
//! `Basic `); one pass over digit runs for card numbers. No regex: a 10 MB log is scanned in one
//! linear pass (see the bench rows).

use memchr::memmem;

use super::checks::{card_brand, iban_length, iban_valid, luhn};
use super::keys::key_value;
use super::{Hit, SecretKind};

const TOKEN: u8 = 1;
const ALNUM: u8 = 2;
pub(super) const VALUE: u8 = 4;

/// Byte classes: token characters (`A-Za-z0-9_-./+`), alphanumerics, and the characters of an
/// unquoted value (anything printable but separators and quotes).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        let alnum = c.is_ascii_alphanumeric();
        let token = alnum || matches!(c, b'_' | b'-' | b'.' | b'/' | b'+');
        let value = c > b' '
            && c != 0x7f
            && !matches!(
                c,
                b'"' | b'\'' | b',' | b';' | b'&' | b')' | b'}' | b']' | b'<' | b'>' | b'`'
            );
        t[i] = ((token as u8) * TOKEN) | ((alnum as u8) * ALNUM) | ((value as u8) * VALUE);
        i += 1;
    }
    t
};

#[inline(always)]
pub(super) fn is(c: u8, class: u8) -> bool {
    CLASS[usize::from(c)] & class != 0
}

pub(super) fn all(text: &str, out: &mut Vec<Hit>) {
    let b = text.as_bytes();
    private_keys(b, out);
    url_credentials(b, out);
    auth_headers(b, out);
    super::services::webhooks(b, out);
    tokens(b, out);
}

/// A substring test for short texts (a key name, a value): building a `memmem` searcher for each
/// would cost more than the search. Plain loops: the release build is optimised for size, where a
/// closure per position (and `memcmp` per candidate) was most of a dense log's scan.
pub(super) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    let n = needle.len();
    if n == 0 || hay.len() < n {
        return n == 0;
    }
    let (first, rest) = (needle[0], &needle[1..]);
    let last = hay.len() - n;
    let mut i = 0;
    while i <= last {
        if hay[i] == first {
            let mut j = 0;
            while j < rest.len() && hay[i + 1 + j] == rest[j] {
                j += 1;
            }
            if j == rest.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

pub(super) fn hit(out: &mut Vec<Hit>, kind: SecretKind, start: usize, end: usize) {
    out.push(Hit { kind, start, end });
}

/// `-----BEGIN … PRIVATE KEY-----` to its END line (or at most 16 KB when it was cut off).
fn private_keys(b: &[u8], out: &mut Vec<Hit>) {
    for start in memmem::find_iter(b, b"-----BEGIN ") {
        let label_from = start + 11;
        let Some(close) = memmem::find(&b[label_from..b.len().min(label_from + 80)], b"-----")
        else {
            continue;
        };
        let label = &b[label_from..label_from + close];
        if !(label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK")) {
            continue;
        }
        let body = label_from + close + 5;
        let limit = b.len().min(body + 16 * 1024);
        let end = match memmem::find(&b[body..limit], b"-----END ") {
            // A key has a body: `BEGIN … END` with next to nothing between is a template.
            Some(e)
                if b[body..body + e]
                    .iter()
                    .filter(|c| !c.is_ascii_whitespace())
                    .count()
                    < 32 =>
            {
                continue
            }
            Some(e) => {
                let after = body + e + 9;
                match memmem::find(&b[after..limit], b"-----") {
                    Some(c) => after + c + 5,
                    None => limit,
                }
            }
            None => limit,
        };
        hit(out, SecretKind::PrivateKey, start, end);
    }
}

/// `scheme://user:password@host`: the user information, when it has a password.
fn url_credentials(b: &[u8], out: &mut Vec<Hit>) {
    for sep in memmem::find_iter(b, b"://") {
        if sep == 0 || !b[sep - 1].is_ascii_alphabetic() {
            continue;
        }
        let from = sep + 3;
        let mut at = None;
        let mut colon = None;
        let mut i = from;
        while i < b.len() && i < from + 256 {
            match b[i] {
                b'@' => {
                    at = Some(i);
                    break;
                }
                b':' if colon.is_none() => colon = Some(i),
                b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'`' => break,
                c if c <= b' ' => break,
                _ => {}
            }
            i += 1;
        }
        let (Some(at), Some(colon)) = (at, colon) else {
            continue;
        };
        let password = &b[colon + 1..at];
        if !password.is_empty() && !placeholder(password) {
            hit(out, SecretKind::UrlCredentials, from, at);
        }
    }
}

/// `Bearer <token>` and `Basic <base64 of user:password>`.
fn auth_headers(b: &[u8], out: &mut Vec<Hit>) {
    for (needle, kind) in [
        (&b"earer "[..], SecretKind::BearerToken),
        (b"EARER ", SecretKind::BearerToken),
        (b"asic ", SecretKind::BasicAuth),
        (b"ASIC ", SecretKind::BasicAuth),
    ] {
        for pos in memmem::find_iter(b, needle) {
            if pos == 0 || !matches!(b[pos - 1], b'b' | b'B') {
                continue;
            }
            if pos >= 2 && b[pos - 2].is_ascii_alphanumeric() {
                continue;
            }
            let mut s = pos + needle.len();
            while s < b.len() && b[s] == b' ' {
                s += 1;
            }
            let mut e = s;
            while e < b.len()
                && (b[e].is_ascii_alphanumeric()
                    || matches!(b[e], b'-' | b'_' | b'.' | b'~' | b'+' | b'/' | b'='))
            {
                e += 1;
            }
            let value = &b[s..e];
            let ok = match kind {
                SecretKind::BasicAuth => basic_credentials(value),
                _ => {
                    value.len() >= 16 && value.iter().any(u8::is_ascii_digit) && !placeholder(value)
                }
            };
            if ok {
                hit(out, kind, s, e);
            }
        }
    }
}

fn basic_credentials(value: &[u8]) -> bool {
    use base64::Engine;
    if value.len() < 8 {
        return false;
    }
    match base64::engine::general_purpose::STANDARD.decode(value) {
        Ok(bytes) => std::str::from_utf8(&bytes).is_ok_and(|s| s.contains(':') && s.len() >= 3),
        Err(_) => false,
    }
}

/// Values that stand for a secret rather than being one.
pub(super) fn placeholder(v: &[u8]) -> bool {
    let first = v.first().copied().unwrap_or(b'*');
    if v.iter().all(|c| *c == first) {
        return true;
    }
    if matches!(first, b'<' | b'$' | b'{' | b'%' | b'[')
        || [&b"***"[..], b"xxxx", b"XXXX", b"...", "…".as_bytes()]
            .iter()
            .any(|p| contains(v, p))
    {
        return true;
    }
    // The words below are at most 13 bytes: a longer value is none of them (and needs no copy).
    if v.len() > 13 {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    const WORDS: &[&[u8]] = &[
        b"null",
        b"none",
        b"nil",
        b"undefined",
        b"redacted",
        b"hidden",
        b"masked",
        b"password",
        b"your_password",
        b"yourpassword",
        b"your-password",
        b"secret",
        b"example",
        b"changeit",
        b"true",
        b"false",
        b"required",
        b"optional",
        b"string",
        b"empty",
    ];
    WORDS.contains(&lower.as_slice())
}

/// One pass over the tokens.
fn tokens(b: &[u8], out: &mut Vec<Hit>) {
    let n = b.len();
    let mut i = 0;
    while i < n {
        if !is(b[i], TOKEN) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && is(b[i], TOKEN) {
            i += 1;
        }
        token(b, start, i, out);
    }
}

fn token(b: &[u8], start: usize, end: usize, out: &mut Vec<Hit>) {
    // A sentence's full stop, a path's slashes and a flag's dashes are not part of a token.
    let mut s = start;
    while s < end && matches!(b[s], b'.' | b'/' | b'-' | b'+') {
        s += 1;
    }
    let mut e = end;
    while e > s && b[e - 1] == b'.' {
        e -= 1;
    }
    let t = &b[s..e];
    if t.is_empty() {
        return;
    }
    if t[0].is_ascii_digit() {
        card(b, s, out);
    }
    if t.len() >= 4 && t[0].is_ascii_uppercase() && t[1].is_ascii_uppercase() {
        iban(b, s, out);
    }
    if t.len() >= 16 {
        super::services::prefixed(t, s, out);
    }
    // `key = value`, `"key": "value"`, `key: value`: a key name is short.
    if t.len() <= 48 && end < b.len() {
        key_value(b, s, end, out);
    }
}

/// An IBAN starting at `s` (spaces between its groups allowed), checked by its length and mod 97.
fn iban(b: &[u8], s: usize, out: &mut Vec<Hit>) {
    if s > 0 && b[s - 1].is_ascii_alphanumeric() {
        return;
    }
    let Some(len) = iban_length(&b[s..s + 2]) else {
        return;
    };
    if !(b[s + 2].is_ascii_digit() && b.get(s + 3).is_some_and(u8::is_ascii_digit)) {
        return;
    }
    let mut chars = Vec::with_capacity(len);
    let mut i = s;
    while i < b.len() && chars.len() < len {
        let c = b[i];
        if c.is_ascii_alphanumeric() {
            chars.push(c.to_ascii_uppercase());
        } else if !(c == b' ' && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)) {
            break;
        }
        i += 1;
    }
    if chars.len() == len && !b.get(i).is_some_and(u8::is_ascii_alphanumeric) && iban_valid(&chars)
    {
        hit(out, SecretKind::Iban, s, i);
    }
}

/// What people put between a card number's groups: a space (or two, from a PDF), a dash with or
/// without spaces, a dot, a no-break or thin space. The length of the one at the start of `rest`.
fn card_separator(rest: &[u8]) -> Option<usize> {
    const SEPARATORS: [&[u8]; 8] = [
        b" - ",
        b"  ",
        b" ",
        b"-",
        b".",
        b"\xc2\xa0",
        b"\xe2\x80\x89",
        b"\xe2\x80\xaf",
    ];
    SEPARATORS
        .iter()
        .find(|s| rest.starts_with(s))
        .map(|s| s.len())
}

/// A run of 13–19 digits from `start` (the same separator between all groups) that passes Luhn and
/// has a card brand's prefix and length. A run that goes on (`4111 1111 1111 1111 12 27`) is also
/// tried up to each group's end.
fn card(b: &[u8], start: usize, out: &mut Vec<Hit>) {
    if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'.') {
        return;
    }
    let n = b.len();
    let mut digits = [0u8; 20];
    let mut count = 0;
    let mut ends = [(0usize, 0usize); 20];
    let mut groups = 0;
    let mut sep = None;
    let mut i = start;
    while i < n && count < 20 {
        let c = b[i];
        if c.is_ascii_digit() {
            digits[count] = c;
            count += 1;
            i += 1;
        } else if let Some(len) = card_separator(&b[i..]).filter(|&l| {
            b.get(i + l).is_some_and(u8::is_ascii_digit)
                && sep.is_none_or(|s: &[u8]| s == &b[i..i + l])
        }) {
            sep = Some(&b[i..i + len]);
            ends[groups] = (count, i);
            groups += 1;
            i += len;
        } else {
            break;
        }
    }
    if count < 13 {
        return;
    }
    if count < 20 && !b.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
        ends[groups] = (count, i);
        groups += 1;
    }
    if let Some(&(_, e)) = ends[..groups]
        .iter()
        .rev()
        .find(|(c, _)| (13..=19).contains(c) && card_brand(&digits[..*c]) && luhn(&digits[..*c]))
    {
        hit(out, SecretKind::CardNumber, start, e);
    }
}
