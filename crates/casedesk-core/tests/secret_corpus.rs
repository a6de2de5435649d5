//! The secret scanner against a corpus written for it (`fixtures/secrets/corpus.txt`, made by
//! `make_corpus.py` next to it): 91 secrets of 17 kinds embedded in logs, JSON, shell sessions,
//! stack traces and mails, and 67 near-misses (order ids, UUIDs, hashes, base64 images, tracking URLs,
//! phone numbers, dates, Luhn-invalid numbers, public keys, placeholders, prose about passwords).
//!
//! Recall: a marked secret counts as found when a finding of its kind overlaps it. False positives:
//! near-miss samples with any finding, plus findings in the true samples outside every mark, over the
//! number of near-miss samples. Both are printed per kind (`cargo test --test secret_corpus -- --nocapture`).

use casedesk_core::secret_scan::{scan, SecretKind};
use std::collections::BTreeMap;

struct Sample {
    truth: bool,
    kind: String,
    title: String,
    text: String,
    marks: Vec<(usize, usize)>,
}

fn corpus() -> Vec<Sample> {
    let raw = include_str!("fixtures/secrets/corpus.txt");
    let mut out = Vec::new();
    for block in raw.split("### ").filter(|b| !b.trim().is_empty()) {
        let (head, body) = block.split_once('\n').unwrap();
        let mut words = head.splitn(3, ' ');
        let truth = words.next().unwrap() == "true";
        let kind = words.next().unwrap().to_owned();
        let title = words.next().unwrap_or("").to_owned();
        let body = body.strip_suffix('\n').unwrap_or(body);
        let mut text = String::new();
        let mut marks = Vec::new();
        let mut open = None;
        for c in body.chars() {
            match c {
                '⟦' => open = Some(text.len()),
                '⟧' => marks.push((open.take().unwrap(), text.len())),
                c => text.push(c),
            }
        }
        assert_eq!(truth, !marks.is_empty(), "{head}: marks");
        out.push(Sample {
            truth,
            kind,
            title,
            text,
            marks,
        });
    }
    out
}

#[test]
fn recall_at_least_98_percent_and_false_positives_at_most_3_percent_per_the_corpus() {
    let samples = corpus();
    let truths = samples.iter().filter(|s| s.truth).count();
    let misses = samples.len() - truths;
    assert!(
        truths >= 60 && misses >= 60,
        "{truths} secrets, {misses} near-misses"
    );
    let mut per_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut fp_per: BTreeMap<String, usize> = BTreeMap::new();
    let (mut found, mut total, mut false_pos) = (0, 0, 0);
    let mut failures = Vec::new();
    for s in &samples {
        let hits = scan(&s.text);
        if s.truth {
            let kind = SecretKind::parse(&s.kind).expect("a known kind");
            for &(a, b) in &s.marks {
                total += 1;
                let e = per_kind.entry(s.kind.clone()).or_default();
                e.1 += 1;
                if hits
                    .iter()
                    .any(|h| h.kind == kind && h.start < b && a < h.end)
                {
                    found += 1;
                    e.0 += 1;
                } else {
                    failures.push(format!(
                        "missed {} ({}): {:?} — found {:?}",
                        s.kind,
                        s.title,
                        &s.text[a..b],
                        hits.iter()
                            .map(|h| (h.kind, &s.text[h.start..h.end]))
                            .collect::<Vec<_>>()
                    ));
                }
            }
            for h in &hits {
                if !s.marks.iter().any(|&(a, b)| h.start < b && a < h.end) {
                    false_pos += 1;
                    *fp_per.entry(h.kind.as_str().to_owned()).or_default() += 1;
                    failures.push(format!(
                        "extra {:?} in {} ({}): {:?}",
                        h.kind,
                        s.kind,
                        s.title,
                        &s.text[h.start..h.end]
                    ));
                }
            }
        } else if !hits.is_empty() {
            false_pos += 1;
            for h in &hits {
                *fp_per.entry(h.kind.as_str().to_owned()).or_default() += 1;
            }
            failures.push(format!(
                "flagged near-miss {} ({}): {:?}",
                s.kind,
                s.title,
                hits.iter()
                    .map(|h| (h.kind, &s.text[h.start..h.end]))
                    .collect::<Vec<_>>()
            ));
        }
    }
    println!("secret corpus: {truths} samples with {total} secrets, {misses} near-misses");
    println!("| kind | found | recall | false positives |");
    for k in SecretKind::ALL {
        let (f, t) = per_kind.get(k.as_str()).copied().unwrap_or_default();
        println!(
            "| {} | {f}/{t} | {:.0} % | {} |",
            k.as_str(),
            100.0 * f as f64 / t.max(1) as f64,
            fp_per.get(k.as_str()).copied().unwrap_or(0)
        );
        assert!(t >= 4, "at least four secrets of kind {}", k.as_str());
    }
    let recall = found as f64 / total as f64;
    let fp_rate = false_pos as f64 / misses as f64;
    println!(
        "recall {:.1} % ({found}/{total}); false positives {:.1} % ({false_pos}/{misses})",
        100.0 * recall,
        100.0 * fp_rate
    );
    for f in &failures {
        println!("  {f}");
    }
    assert!(recall >= 0.98, "recall {recall:.3}: {failures:#?}");
    assert!(
        fp_rate <= 0.03,
        "false positives {fp_rate:.3}: {failures:#?}"
    );
}

mod properties {
    use casedesk_core::secret_scan::{redact, scan};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Any text: findings in order, on character boundaries, none overlapping; redaction leaves
        /// nothing of them.
        #[test]
        fn any_text_scans_and_redacts(text in "(?s).{0,400}", secret in "[A-Za-z0-9]{36}") {
            let text = format!("{text} ghp_{secret} {text}");
            let hits = scan(&text);
            prop_assert!(hits.windows(2).all(|w| w[0].end <= w[1].start));
            prop_assert!(hits.iter().all(|h| text.is_char_boundary(h.start) && text.is_char_boundary(h.end)));
            let redacted = redact(&text, &hits);
            let leaked = redacted.contains(&format!("ghp_{secret}"));
            prop_assert!(!leaked);
        }
    }
}

/// A 10 MB log with a bearer token on every line: the scan stays linear and the report small — at
/// most the cap listed per place, the rest counted, one "redact all" per kind — and redacting by kind
/// takes them all.
#[test]
fn a_log_dense_with_secrets_gives_a_small_report_and_redacts_by_kind() {
    use casedesk_core::secret_scan::draft::{files_of, redact_files, Which};
    use casedesk_core::{editor, Store, SystemClock};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), std::sync::Arc::new(SystemClock)).unwrap();
    let d = store.drafts().create().unwrap();
    let mut log = String::with_capacity(10 << 20);
    let mut lines = 0;
    while log.len() < 10_000_000 {
        log.push_str(&format!(
            "2026-12-02T04:00:{:02}Z GET /api/v1/orders Authorization: Bearer eyJhbGciOiJIUzI1NiJ9x{lines:08}Qw9sT3kR\n",
            lines % 60
        ));
        lines += 1;
    }
    let path = dir.path().join("server.txt");
    std::fs::write(&path, &log).unwrap();
    let out = editor::attach(&store, d.id, &[path.display().to_string()]).unwrap();
    assert_eq!(out.added.len(), 1, "{:?}", out.refused);
    let input = casedesk_core::draft::DraftInput::default();
    let t = std::time::Instant::now();
    let report = casedesk_core::secret_scan::scan_draft(&store, d.id, &input).unwrap();
    let first = t.elapsed();
    let t = std::time::Instant::now();
    let again = casedesk_core::secret_scan::scan_draft(&store, d.id, &input).unwrap();
    let second = t.elapsed();
    assert_eq!(again, report);
    let t = std::time::Instant::now();
    let hits = scan(&log).len();
    eprintln!(
        "dense log: {lines} lines; first check {first:?}, next check {second:?}; scan alone {:?} ({hits} hits)",
        t.elapsed()
    );
    let cap = casedesk_core::limits::SECRET_FINDINGS_SHOWN_PER_PLACE;
    assert_eq!(report.total, lines, "every token counted");
    assert_eq!(report.findings.len(), cap, "only the cap is listed");
    assert_eq!(report.more.len(), 1);
    assert_eq!(report.more[0].count, lines - cap);
    assert_eq!(report.kinds.len(), 1);
    assert_eq!(report.kinds[0].count, lines);
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        json.len() < 20_000,
        "the page gets a small report: {} bytes",
        json.len()
    );

    let which = Which::Kind(report.kinds[0].kind);
    let blobs = redact_files(files_of(&store, d.id).unwrap(), &which, &Default::default()).unwrap();
    let redacted =
        casedesk_core::editor::redact_draft(&store, d.id, &input, &which, blobs).unwrap();
    assert_eq!(
        redacted.secrets.total, 0,
        "redact all of a kind took every one"
    );
}

/// A check told the key of the report the page shows leaves the report out while the findings stay
/// the same, and sends it again as soon as they change (or the key is not this report's).
#[test]
fn a_check_sends_the_findings_only_when_they_change() {
    use casedesk_core::draft::DraftInput;
    use casedesk_core::{editor, Store, SystemClock};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), std::sync::Arc::new(SystemClock)).unwrap();
    let d = store.drafts().create().unwrap();
    let mut input = DraftInput {
        subject: "Payout API refuses our key".into(),
        description:
            "We call it with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9xQw9sT3kR7pLm2 and get 401."
                .into(),
        ..Default::default()
    };
    let first = editor::check_known(
        &store,
        Some(d.id),
        &input,
        None,
        &casedesk_core::cj_account::CjKinds::default(),
    )
    .unwrap();
    let report = first
        .secrets
        .clone()
        .expect("the first check sends the report");
    assert_eq!(report.total, 1);
    let key = first.secrets_key.clone().expect("and its key");

    // More typing elsewhere, same findings: no report, the same key, the other checks as usual.
    input.description.push_str(" It started on Monday.");
    let same = editor::check_known(
        &store,
        Some(d.id),
        &input,
        Some(&key),
        &casedesk_core::cj_account::CjKinds::default(),
    )
    .unwrap();
    assert!(
        same.secrets.is_none(),
        "unchanged findings are not sent again"
    );
    assert_eq!(same.secrets_key.as_deref(), Some(key.as_str()));
    assert!(!same.checklist.is_empty(), "the writing checks still come");

    // A second token: sent, with a new key.
    input
        .description
        .push_str(" Our other key is sk_live_4eC39HqLyjWDarjtT1zdp7dc.");
    let changed = editor::check_known(
        &store,
        Some(d.id),
        &input,
        Some(&key),
        &casedesk_core::cj_account::CjKinds::default(),
    )
    .unwrap();
    assert_eq!(changed.secrets.as_ref().map(|r| r.total), Some(2));
    assert_ne!(changed.secrets_key.as_deref(), Some(key.as_str()));

    // A key the page made up is no key: the report is sent.
    let other = editor::check_known(
        &store,
        Some(d.id),
        &input,
        Some("0123456789abcdef"),
        &casedesk_core::cj_account::CjKinds::default(),
    )
    .unwrap();
    assert!(other.secrets.is_some());
}
