//! Raw mail bytes in, the facts a mail states out: sender, subject, plain text, Message-ID, the ids it
//! answers, its date, and whether the receiving server's `Authentication-Results` failed it.
//!
//! MIME is mail-parser's job (multipart, quoted-printable, base64, RFC 2047 words, ISO-8859-1 and
//! Windows-1252, folded headers). HTML-only mails become text here; nothing downstream ever sees HTML.
//! Any bytes give a result or `None`, never a panic (a property test feeds it garbage).

use mail_parser::MessageParser;
use sha2::{Digest, Sha256};

/// What a mail says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMail {
    /// The `From` address, lower-cased (the display name is ignored: it is anyone's to write).
    pub from: Option<String>,
    pub subject: String,
    /// The text body, or the HTML body turned into text.
    pub text: String,
    pub message_id: Option<String>,
    /// `In-Reply-To` then `References`: the mails this one answers.
    pub answers: Vec<String>,
    /// The `Date` header, ms since the epoch.
    pub date_ms: Option<i64>,
    /// The receiving server said `dmarc=fail`, or both `spf=fail` and no passing DKIM.
    pub auth_failed: bool,
    /// The `To` and `Cc` addresses, lower-cased (at most 50): which of the user's CJ accounts a
    /// confirmation was sent for, when the user gave each account its address.
    pub recipients: Vec<String>,
}

impl ParsedMail {
    /// What a mail is remembered by: its Message-ID, or (when it has none) a hash of its date, sender
    /// and subject, so the same mail read twice is recognised either way.
    pub fn key(&self) -> String {
        match &self.message_id {
            Some(id) => format!("id:{id}"),
            None => {
                let mut h = Sha256::new();
                h.update(self.date_ms.unwrap_or(0).to_le_bytes());
                h.update(self.from.as_deref().unwrap_or("").as_bytes());
                h.update([0]);
                h.update(self.subject.as_bytes());
                let d = h.finalize();
                format!("hash:{}", hex::encode(&d[..16]))
            }
        }
    }
}

/// Text longer than this is cut: support mails are short, and the rules only read the start.
const TEXT_MAX_CHARS: usize = 200_000;

fn clean_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty() && id.len() <= 998 && !id.chars().any(|c| c.is_control() || c.is_whitespace()))
        .then(|| id.to_owned())
}

/// Parses a whole mail. `None` when the bytes are not a mail at all.
pub fn parse(raw: &[u8]) -> Option<ParsedMail> {
    let msg = MessageParser::default().parse(raw)?;
    // A mail has headers; bytes without any are not one.
    msg.headers().first()?;
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty());
    let subject: String = msg
        .subject()
        .unwrap_or("")
        .chars()
        .filter(|c| !crate::text::is_bidi_control(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // A plain text part when there is one; else the HTML body as text, with a line break where a block
    // ended (mail-parser's own conversion runs table cells and paragraphs together).
    let text: String = match msg.text_part(0) {
        Some(p) if p.is_text() && !p.is_text_html() => msg.body_text(0).map(|t| t.into_owned()),
        _ => msg.body_html(0).map(|h| html_to_text(&h)),
    }
    .map(|t| {
        crate::text::shown(&t)
            .chars()
            .take(TEXT_MAX_CHARS)
            .collect()
    })
    .unwrap_or_default();
    let mut answers = Vec::new();
    for header in [msg.in_reply_to(), msg.references()] {
        if let Some(one) = header.as_text() {
            answers.extend(clean_id(one));
        } else if let Some(list) = header.as_text_list() {
            answers.extend(list.iter().filter_map(|i| clean_id(i)));
        }
    }
    answers.dedup();
    answers.truncate(50);
    let auth_failed = msg
        .headers_raw()
        .find(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
        .is_some_and(|(_, value)| authentication_failed(value));
    let mut recipients: Vec<String> = [msg.to(), msg.cc()]
        .into_iter()
        .flatten()
        .flat_map(|list| list.iter())
        .filter_map(|a| a.address())
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty() && a.len() <= 254)
        .take(50)
        .collect();
    recipients.dedup();
    Some(ParsedMail {
        from,
        recipients,
        subject,
        text,
        message_id: msg.message_id().and_then(clean_id),
        answers,
        date_ms: msg
            .date()
            .map(|d| d.to_timestamp().saturating_mul(1000))
            .filter(|ms| *ms > 0),
        auth_failed,
    })
}

/// HTML as plain text: a line break before each block (paragraph, row, line break, list item,
/// heading, division), a space before each cell; then tags, scripts and styles dropped and entities
/// decoded by mail-parser.
pub fn html_to_text(html: &str) -> String {
    const BLOCKS: [&str; 14] = [
        "<p", "<div", "<br", "<tr", "<li", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<table",
        "</p", "</div",
    ];
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() + 64);
    let mut last = 0;
    for (i, _) in lower.match_indices('<') {
        let rest = &lower[i..];
        let boundary = |t: &str| {
            rest.starts_with(t)
                && rest[t.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        };
        if BLOCKS.iter().any(|t| boundary(t)) {
            out.push_str(&html[last..i]);
            // mail-parser keeps a line break for `<br>` (raw newlines are HTML spaces to it).
            out.push_str("<br>");
            last = i;
        } else if boundary("<td") || boundary("<th") {
            out.push_str(&html[last..i]);
            out.push(' ');
            last = i;
        }
    }
    out.push_str(&html[last..]);
    let text = mail_parser::decoders::html::html_to_text(&out);
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.dedup_by(|a, b| a.trim().is_empty() && b.trim().is_empty());
    lines.join("\n").trim().to_owned()
}

/// Reads the topmost `Authentication-Results` (the one the user's own server added): DMARC failed, or
/// SPF failed and no DKIM signature passed.
pub fn authentication_failed(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    let results: Vec<(&str, &str)> = v
        .split(|c: char| c == ';' || c.is_whitespace())
        .filter_map(|t| t.split_once('='))
        .collect();
    let has =
        |method: &str, result: &str| results.iter().any(|(m, r)| *m == method && *r == result);
    let dkim_passed = has("dkim", "pass");
    has("dmarc", "fail") || (has("spf", "fail") && !dkim_passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authentication_results_fail_only_on_dmarc_or_spf_without_dkim() {
        assert!(authentication_failed(
            "mx; spf=pass; dkim=pass; dmarc=fail header.from=cj.com"
        ));
        assert!(authentication_failed(
            "mx; spf=fail smtp.mailfrom=x; dkim=fail; dmarc=none"
        ));
        assert!(authentication_failed("mx; spf=fail smtp.mailfrom=x"));
        assert!(!authentication_failed(
            "mx; spf=fail; dkim=pass header.d=cj.com"
        ));
        assert!(!authentication_failed(
            "mx; spf=pass; dkim=pass; dmarc=pass"
        ));
        assert!(!authentication_failed(""));
    }

    #[test]
    fn garbage_is_not_a_mail() {
        assert_eq!(parse(b""), None);
        assert!(parse(&[0xff, 0xfe, 0x00, 0x13]).is_none_or(|m| m.from.is_none()));
    }
}
