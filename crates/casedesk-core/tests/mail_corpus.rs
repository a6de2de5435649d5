//! The mail parser and rules against a corpus of mails written for these tests (`tests/mail/corpus`),
//! with the expected reading of each in `tests/mail/expected.tsv`; then the whole corpus applied to a
//! store, in order and twice; then garbage and mutated mails, which must never panic.

use casedesk_core::source::mail::apply::{self, ResultKind};
use casedesk_core::source::mail::parse;
use casedesk_core::source::mail::rules::{MailKind, Preset, Rules};
use casedesk_core::source::mail::MailSettings;
use casedesk_core::store::EventKind;
use casedesk_core::{FixedClock, Store};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail/corpus")
}

fn settings(preset: Preset) -> MailSettings {
    MailSettings {
        enabled: true,
        host: "127.0.0.1".into(),
        user: "ana@example.com".into(),
        preset,
        senders: vec![
            "support@cj.com".into(),
            "support@acme.zendesk.example".into(),
            "@acme.atlassian.example".into(),
        ],
        ..Default::default()
    }
}

struct Expected {
    file: String,
    preset: Preset,
    outcome: String,
    case: Option<String>,
    status: Option<String>,
    kind: Option<String>,
    reply_has: Option<String>,
    reply_lacks: Option<String>,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mail/expected.tsv"),
    )
    .unwrap();
    let opt = |s: &str| (s != "-").then(|| s.to_owned());
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("file\t") && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(f.len() >= 3, "a short line in expected.tsv: {l}");
            let get = |i: usize| f.get(i).copied().unwrap_or("-");
            Expected {
                file: f[0].into(),
                preset: match f[1] {
                    "cj" => Preset::Cj,
                    "zendesk" => Preset::Zendesk,
                    "jira" => Preset::Jira,
                    other => panic!("unknown preset {other}"),
                },
                outcome: f[2].into(),
                case: opt(get(3)),
                status: opt(get(4)),
                kind: opt(get(5)),
                reply_has: opt(get(6)),
                reply_lacks: opt(get(7)),
            }
        })
        .collect()
}

#[test]
fn every_corpus_mail_reads_as_the_table_says() {
    let table = expected();
    let files: Vec<_> = std::fs::read_dir(corpus_dir()).unwrap().flatten().collect();
    assert!(files.len() >= 30, "the corpus has at least 30 mails");
    assert_eq!(
        table.len(),
        files.len(),
        "every corpus mail has a line in expected.tsv"
    );
    let mut failures = Vec::new();
    for e in &table {
        let raw = std::fs::read(corpus_dir().join(&e.file)).unwrap();
        let mail = parse::parse(&raw).unwrap_or_else(|| panic!("{} parses", e.file));
        let s = settings(e.preset);
        let r = Rules::compile(&s).unwrap().read(&mail, &s);
        let outcome = match r.ignored {
            None => "counted".to_owned(),
            Some(reason) => format!("ignored:{}", reason.as_str()),
        };
        let kind = r.ignored.is_none().then(|| {
            match r.kind {
                MailKind::Created => "created",
                MailKind::Status => "status",
                MailKind::Reply => "reply",
            }
            .to_owned()
        });
        let mut problems = Vec::new();
        if outcome != e.outcome {
            problems.push(format!("outcome {outcome}, expected {}", e.outcome));
        }
        if e.outcome == "counted" {
            if r.case_number != e.case {
                problems.push(format!("case {:?}, expected {:?}", r.case_number, e.case));
            }
            if r.status != e.status {
                problems.push(format!("status {:?}, expected {:?}", r.status, e.status));
            }
            if kind != e.kind {
                problems.push(format!("kind {kind:?}, expected {:?}", e.kind));
            }
            let reply = r.reply_text.clone().unwrap_or_default();
            if let Some(has) = &e.reply_has {
                if !reply.contains(has.as_str()) {
                    problems.push(format!("reply lacks {has:?}: {reply:?}"));
                }
            }
            if let Some(lacks) = &e.reply_lacks {
                if reply.contains(lacks.as_str()) {
                    problems.push(format!("reply keeps {lacks:?}: {reply:?}"));
                }
            }
            for bad in ["<script", "<p>", "&nbsp;", "alert("] {
                if reply.contains(bad) || mail.text.contains(bad) {
                    problems.push(format!("HTML reached the text: {bad}"));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", e.file, problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "mails read wrongly:\n{}",
        failures.join("\n")
    );
}

#[test]
fn encoded_subjects_and_charsets_are_decoded() {
    let read = |f: &str| parse::parse(&std::fs::read(corpus_dir().join(f)).unwrap()).unwrap();
    assert_eq!(
        read("cj-09-subject-utf8-b.eml").subject,
        "CJ Case # 00001240: Paiement non reçu pour octobre"
    );
    assert!(read("cj-10-subject-latin1-q.eml").subject.contains("reçu"));
    assert!(
        read("cj-05-status-latin1-qp.eml")
            .text
            .contains("équipe vérifie"),
        "ISO-8859-1 body"
    );
    assert!(
        read("cj-06-status-cp1252-8bit.eml")
            .text
            .contains("\u{201c}order id\u{201d}"),
        "Windows-1252 quotes"
    );
    assert!(read("cj-11-folded-subject.eml")
        .subject
        .contains("checkout confirmation page"));
    assert!(read("cj-03-created-html-only-base64.eml")
        .text
        .contains("Deep link generator returns 404"));
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_764_800_000_000))).unwrap();
    (dir, store)
}

fn apply_file(store: &Store, preset: Preset, file: &str) -> apply::Applied {
    let s = settings(preset);
    let rules = Rules::compile(&s).unwrap();
    let mail = parse::parse(&std::fs::read(corpus_dir().join(file)).unwrap()).unwrap();
    apply::apply(
        store,
        &rules.read(&mail, &s),
        &rules,
        Some(("INBOX", 1)),
        apply::Announce::All,
    )
    .unwrap()
}

#[test]
fn the_cj_corpus_applied_in_order_builds_timelines_and_a_second_read_changes_nothing() {
    let (_d, store) = store();
    let mut files: Vec<String> = expected()
        .into_iter()
        .filter(|e| e.preset == Preset::Cj)
        .map(|e| e.file)
        .collect();
    files.sort();
    let mut notified = Vec::new();
    for f in &files {
        for c in apply_file(&store, Preset::Cj, f).changes {
            notified.push((c.case_number.clone(), c.kind, c.new_status.clone()));
        }
    }
    let case = |n: &str| {
        store
            .cases()
            .find_number(n)
            .unwrap()
            .unwrap_or_else(|| panic!("case {n}"))
    };
    // 00001234: created (found), then a reply, a status, a reply, and later reopened.
    let c = case("00001234");
    assert_eq!(c.status.as_deref(), Some("Reopened"));
    let kinds: Vec<EventKind> = store
        .cases()
        .history(c.id)
        .unwrap()
        .iter()
        .map(|h| h.kind)
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == EventKind::Reply).count(),
        4,
        "two replies naming it, one by its ref id, one quoting an old status: {kinds:?}"
    );
    // The thread token (mail 15) and In-Reply-To (mail 16) land on the cases of mails 2 and 3.
    for (n, file) in [("00001235", "thread token"), ("00001236", "In-Reply-To")] {
        let replies = store
            .cases()
            .history(case(n).id)
            .unwrap()
            .into_iter()
            .filter(|h| h.kind == EventKind::Reply)
            .count();
        assert_eq!(replies, 1, "the {file} mail lands on case {n}");
    }
    let numbers: std::collections::BTreeSet<String> = expected()
        .into_iter()
        .filter(|e| e.preset == Preset::Cj && e.outcome == "counted")
        .filter_map(|e| e.case)
        .collect();
    let found: Vec<&String> = notified
        .iter()
        .filter(|(_, k, _)| *k == EventKind::Found)
        .map(|(n, _, _)| n)
        .collect();
    assert_eq!(
        found.len(),
        numbers.len(),
        "each new number is news once: {notified:?}"
    );
    // Read everything again: nothing changes, nothing is news.
    let before = store.cases().history(c.id).unwrap().len();
    for f in &files {
        let again = apply_file(&store, Preset::Cj, f);
        assert!(
            again.changes.is_empty(),
            "{f} read twice must change nothing"
        );
        assert!(
            matches!(again.result.outcome, ResultKind::AlreadyRead),
            "{f}: {:?}",
            again.result
        );
    }
    assert_eq!(store.cases().history(c.id).unwrap().len(), before);
}

#[test]
fn a_confirmation_lands_on_the_draft_marked_submitted_and_an_older_status_is_old_news() {
    let (_d, store) = store();
    let draft = store.drafts().create().unwrap();
    let input = casedesk_core::draft::DraftInput {
        subject: "Commission report showing incorrect order values".into(),
        ..Default::default()
    };
    store.drafts().save(draft.id, &input, false).unwrap();
    casedesk_core::submit::mark_submitted(&store, draft.id).unwrap();
    let first = apply_file(&store, Preset::Cj, "cj-01-created-plain.eml");
    assert_eq!(first.result.outcome, ResultKind::Found);
    let c = store.cases().find_number("00001234").unwrap().unwrap();
    assert_eq!(
        c.draft_id,
        Some(draft.id),
        "recorded on the draft the user marked submitted"
    );
    assert_eq!(c.subject, input.subject);
    assert!(
        store.drafts().get(draft.id).unwrap().submitted_at.is_some(),
        "the draft leaves the drafts list"
    );
    assert_eq!(
        first.changes.len(),
        1,
        "one notification: the number was found"
    );
    // A newer status, then an older one imported late: the older one does not go back.
    let closed = apply_file(&store, Preset::Cj, "cj-35-html-status-table.eml");
    assert_eq!(closed.changes.len(), 1);
    let late = apply_file(&store, Preset::Cj, "cj-04-status-closed.eml");
    assert!(late.changes.is_empty(), "an older mail is not news");
    assert_eq!(
        store.cases().get(c.id).unwrap().status.as_deref(),
        Some("Reopened")
    );
}

#[test]
fn a_dmarc_failed_or_spoofed_mail_changes_nothing() {
    let (_d, store) = store();
    apply_file(&store, Preset::Cj, "cj-01-created-plain.eml");
    for f in [
        "cj-20-spoof-lookalike-subdomain.eml",
        "cj-21-spoof-lookalike-hyphen.eml",
        "cj-22-dmarc-fail.eml",
        "cj-23-spf-and-dkim-fail.eml",
        "cj-25-display-name-spoof.eml",
    ] {
        let a = apply_file(&store, Preset::Cj, f);
        assert_eq!(a.result.outcome, ResultKind::Ignored, "{f}");
        assert!(a.changes.is_empty(), "{f} must not change a case");
    }
    assert_eq!(
        store
            .cases()
            .find_number("00001234")
            .unwrap()
            .unwrap()
            .status
            .as_deref(),
        Some("New")
    );
}

fn corpus_bytes() -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_bytes_give_a_reading_or_none_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let s = settings(Preset::Cj);
        let rules = Rules::compile(&s).unwrap();
        if let Some(m) = parse::parse(&bytes) {
            let _ = rules.read(&m, &s);
        }
    }

    #[test]
    fn mutated_corpus_mails_never_panic(
        which in 0usize..36,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..40),
    ) {
        let corpus = corpus_bytes();
        let mut bytes = corpus[which % corpus.len()].clone();
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        let s = settings(Preset::Zendesk);
        let rules = Rules::compile(&s).unwrap();
        if let Some(m) = parse::parse(&bytes) {
            let _ = rules.read(&m, &s);
        }
    }
}

/// A confirmation without `Authentication-Results` (many servers add none) is trusted by its sender
/// address, but it never moves a draft to submitted by itself: only a draft the user marked "I've
/// submitted it" takes its number; any other draft stays a draft and the case is listed as found.
#[test]
fn a_confirmation_without_authentication_results_never_submits_a_draft_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_764_000_000_000))).unwrap();
    let subject = "Commission report showing incorrect order values";
    let d = store.drafts().create().unwrap();
    casedesk_core::editor::save(
        &store,
        d.id,
        &casedesk_core::draft::DraftInput {
            subject: subject.into(),
            description: "x".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let mail = format!(
        "From: CJ Support <support@cj.com>\r\nTo: ana@example.com\r\nSubject: CJ Case # 00005555:  {subject}\r\nDate: Mon, 24 Nov 2025 16:00:00 +0000\r\nMessage-ID: <noauth.5555@sf.example>\r\nContent-Type: text/plain\r\n\r\nCase #00005555: \"{subject}\" has been created.\r\n"
    );
    let (results, _) = casedesk_core::source::mail::import(
        &store,
        &settings(Preset::Cj),
        &[("noauth.eml".into(), mail.into_bytes())],
    )
    .unwrap();
    assert_eq!(results.len(), 1);
    let cases = store.cases().list(10).unwrap();
    assert_eq!(cases.len(), 1, "trusted by its sender: the case is found");
    assert_eq!(
        cases[0].draft_id, None,
        "not tied to a draft nobody marked submitted"
    );
    let draft = store.drafts().get(d.id).unwrap();
    assert!(draft.submitted_at.is_none(), "the draft is still a draft");
}
