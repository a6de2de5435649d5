//! Text from outside (mail, helpdesks, files), made safe to show.
//!
//! - **Bidirectional controls** — embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)
//!   and the Arabic letter mark — are dropped: U+202E makes `invoice_\u{202E}gnp.exe` read
//!   "invoice_exe.png". Right-to-left text needs none of them to display correctly (the Unicode bidi
//!   algorithm orders it), so dropping them changes no honest text's reading.
//! - **Control characters** other than line breaks and tabs are dropped: U+0002 and U+0003 mark the
//!   matches in search snippets, and no text from outside may forge one.
//!
//! Applied where outside text comes in (mail, helpdesk statuses, file names) and again where it is
//! shown (notifications, snippets, the case page), so text stored by an older release is safe too.

use std::borrow::Cow;

/// Whether `c` is a bidirectional embedding, override or isolate control (or ALM), which can reorder
/// what a reader sees.
/// An id chosen by the app and kept in settings and rows (an account's): 1 to `max` characters of
/// lower-case ASCII letters, digits and dashes.
pub fn is_slug(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

fn unsafe_char(c: char, keep_breaks: bool) -> bool {
    is_bidi_control(c) || (c.is_control() && !(keep_breaks && matches!(c, '\n' | '\t')))
}

/// Text with bidi controls and control characters (except `\n` and `\t`) removed.
pub fn shown(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| unsafe_char(c, true)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !unsafe_char(*c, true)).collect())
}

/// One line: as [`shown`], with line breaks and tabs as spaces.
pub fn shown_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| unsafe_char(c, false)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter(|c| !is_bidi_control(*c))
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
    )
}

/// A server's words as shown in an error: one line, at most 300 characters, trimmed, no bidi
/// controls.
pub fn server_line(s: &str) -> String {
    shown_line(s)
        .chars()
        .take(300)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// [`shown`] for an owned string: the same string back when it held nothing to drop (no copy).
pub fn shown_owned(s: String) -> String {
    match shown(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(o) => o,
    }
}

/// [`shown_line`] for an owned string: the same string back when it held nothing to change.
pub fn shown_line_owned(s: String) -> String {
    match shown_line(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(o) => o,
    }
}

/// Escapes text for a notification server that reads its body as markup (`body-markup`): the
/// Desktop Notifications Specification's subset of XML, so `&`, `<` and `>` (and quotes) are entities.
pub fn markup_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A pragmatic address check: one `@`, a local part of allowed characters, and a domain of at least two
/// labels, the last alphabetic. It rejects the typos people make (missing `@`, `gmail,com`, `a@b`, spaces).
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > 254 {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.contains('@') {
        return false;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let labels_ok = labels.iter().all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    });
    let tld = labels[labels.len() - 1];
    labels_ok && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_markers_are_dropped_and_honest_text_is_kept() {
        assert_eq!(shown("invoice_\u{202E}gnp.exe"), "invoice_gnp.exe");
        assert_eq!(shown("a\u{2067}b\u{2069}c\u{202A}d\u{202C}"), "abcd");
        assert_eq!(shown("fake \u{2}mark\u{3} here"), "fake mark here");
        assert_eq!(shown("two\nlines\ttab"), "two\nlines\ttab");
        assert_eq!(shown_line("two\nlines"), "two lines");
        let hebrew = "שלום עולם and مرحبا";
        assert!(matches!(shown(hebrew), Cow::Borrowed(_)));
        assert_eq!(shown(hebrew), hebrew);
    }

    #[test]
    fn markup_is_escaped_for_a_markup_server() {
        assert_eq!(
            markup_escaped("<b>bold</b> & <a href=\"x\">"),
            "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href=&quot;x&quot;&gt;"
        );
    }
}
