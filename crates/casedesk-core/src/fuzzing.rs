//! Entry points for the coverage-guided fuzz targets in `fuzz/` (`make fuzz-long`): one function per
//! reader of outside bytes, each taking whatever bytes the fuzzer made. Built only with the `fuzzing`
//! feature; nothing in the app calls them. A panic here is a bug: with `panic = "abort"` it would end
//! the app (ARCHITECTURE.md, "Panics").

use crate::source::mail::guard::Guarded;
use crate::source::mail::rules::{Preset, Rules};
use crate::source::mail::MailSettings;
use async_imap::imap_proto;

/// A mail server's bytes, cut into pieces by the first byte, through the guard and then the IMAP
/// parser the client uses, consumed the way async-imap consumes them.
pub fn imap(data: &[u8]) {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let piece = usize::from(cut).max(1);
    let mut guard = Guarded::new(());
    let mut pending: Vec<u8> = Vec::new();
    for chunk in rest.chunks(piece) {
        match guard.pass_through(chunk) {
            Ok(ready) => pending.extend_from_slice(&ready),
            Err(_) => return,
        }
        loop {
            match imap_proto::Response::parse(&pending) {
                Ok((remaining, _response)) => {
                    let used = pending.len() - remaining.len();
                    if used == 0 {
                        break;
                    }
                    pending.drain(..used);
                }
                Err(e) if e.is_incomplete() => break,
                Err(_) => return,
            }
        }
    }
}

fn mail_settings(preset: Preset) -> MailSettings {
    MailSettings {
        enabled: true,
        host: "127.0.0.1".into(),
        user: "ana@example.com".into(),
        preset,
        senders: vec!["support@cj.com".into(), "@acme.zendesk.example".into()],
        ..Default::default()
    }
}

/// One mail as a server hands it over: parsed, then read by each preset's rules.
pub fn mail(data: &[u8]) {
    let Some(parsed) = crate::source::mail::parse::parse(data) else {
        return;
    };
    for preset in [Preset::Cj, Preset::Zendesk, Preset::Jira, Preset::Custom] {
        let settings = mail_settings(preset);
        if let Ok(rules) = Rules::compile(&settings) {
            let _ = rules.read(&parsed, &settings);
        }
    }
}

/// An HTML part's text (mail bodies that have no plain part).
pub fn html(data: &[u8]) {
    let _ = crate::source::mail::parse::html_to_text(&String::from_utf8_lossy(data));
}

/// A PNG attachment as the PDF export reads it.
pub fn png(data: &[u8]) {
    crate::export::png::image_any(data);
}

/// An attachment's first bytes, sniffed for its kind.
pub fn sniff(data: &[u8]) {
    let _ = crate::attachment::sniff(data);
}

/// A page of RT's search answer.
pub fn rt_page(data: &[u8]) {
    let _ = crate::rt::wire::parse_search_page(data);
}

/// A reason catalogue file handed to Import.
pub fn catalogue(data: &[u8]) {
    let _ = crate::store::parse_catalogue(&String::from_utf8_lossy(data));
}

/// A settings file, as written by any release (or by hand).
pub fn preferences(data: &[u8]) {
    let (prefs, _) = crate::preferences::Preferences::from_json(&String::from_utf8_lossy(data));
    let _ = prefs.validate();
}

/// Text the user pasted or attached: scanned, masked and redacted.
pub fn secrets(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let hits = crate::secret_scan::scan(&text);
    for h in &hits {
        let _ = crate::secret_scan::mask(h.kind, &text[h.start..h.end]);
    }
    let _ = crate::secret_scan::redact(&text, &hits);
}

/// A request head arriving at the sign-in's loopback listener (any local program can send one).
pub fn oauth_redirect(data: &[u8]) {
    crate::source::mail::oauth::flow::judge_any(&String::from_utf8_lossy(data));
}

/// Text from outside as the app shows it.
pub fn shown(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let _ = crate::text::shown(&s);
    let _ = crate::text::shown_line(&s);
    let _ = crate::text::markup_escaped(&s);
}
