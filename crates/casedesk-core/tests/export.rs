//! Exports as a user gets them: a case with its draft, attachments and timeline as Markdown (every
//! field, each attachment's SHA-256, the timeline, text that cannot break out of its block) and as a
//! PDF whose cross-reference table is right and whose images are embedded (JPEG; PNG, with its
//! transparency as a soft mask).

use casedesk_core::draft::DraftInput;
use casedesk_core::export::{self, Format, Subject};
use casedesk_core::source::SourceKind;
use casedesk_core::{editor, Store, SystemClock};
use std::sync::Arc;

const RGBA_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

fn setup() -> (tempfile::TempDir, Store, i64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open(&data, Arc::new(SystemClock)).unwrap();
    let d = store.drafts().create().unwrap();
    let reasons = store.reasons().list().unwrap();
    let input = DraftInput {
        subject: "Commission report | showing incorrect order values".into(),
        description: "Steps:\n```\nopen the report\n```\nTotals differ — see the screenshot."
            .into(),
        reason_id: Some(reasons[1].id),
        sub_reason_id: Some(reasons[1].sub_reasons[1].id),
        cc: "ana@example.com".into(),
        cj_account: None,
    };
    editor::save(&store, d.id, &input).unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths = Vec::new();
    for (name, bytes) in [
        (
            "logo.jpg",
            std::fs::read(fixtures.join("python-logo.jpg")).unwrap(),
        ),
        (
            "chart.png",
            std::fs::read(fixtures.join("rgb-4x3.png")).unwrap(),
        ),
        ("overlay.png", RGBA_1X1.to_vec()),
        ("notes.txt", b"order 1001 missing\n".to_vec()),
    ] {
        let p = files.join(name);
        std::fs::write(&p, bytes).unwrap();
        paths.push(p.to_string_lossy().into_owned());
    }
    let prepared = editor::prepare_files(&data.join("attachments"), &paths).unwrap();
    let out = editor::attach_prepared(&store, d.id, prepared).unwrap();
    assert_eq!(out.added.len(), 4, "{:?}", out.refused);
    let case = store
        .cases()
        .add(
            "cj-web",
            "00123456",
            Some(d.id),
            &input.subject,
            Some("New"),
        )
        .unwrap();
    store
        .cases()
        .record_status(case.id, "In Progress", None, SourceKind::Mail, false)
        .unwrap();
    store
        .cases()
        .add_reply(
            case.id,
            "We are looking into it.\nRegards",
            store.now(),
            "<r1@x>",
        )
        .unwrap();
    (dir, store, d.id, case.id)
}

#[test]
fn markdown_has_every_field_each_sha256_and_the_timeline() {
    let (_dir, store, _draft, case) = setup();
    let doc = export::document(&store, Subject::Case(case)).unwrap();
    let md = export::markdown(&doc);
    assert!(
        md.starts_with("# Commission report \\| showing incorrect order values\n"),
        "{md}"
    );
    for want in [
        "| Case number | 00123456 |",
        "| Status | In Progress |",
        "| Case Reason | Commissions & Reporting › Report Data Discrepancy |",
        "| CC | ana@example.com |",
        "## Description",
        "````text\nSteps:\n```\nopen the report\n```",
        "## Attachments",
        "## Timeline",
        "Status — → New (added)",
        "Status New → In Progress (mail)",
        "Reply from support (mail):\n  > We are looking into it.",
        "  > Regards",
    ] {
        assert!(md.contains(want), "missing {want:?} in:\n{md}");
    }
    for a in store.attachments().list(doc_draft(&store, case)).unwrap() {
        assert!(
            md.contains(&format!("`{}`", a.sha256)),
            "the SHA-256 of {}",
            a.name
        );
    }
    assert_eq!(doc.secrets, 0);
    assert_eq!(
        export::file_name(&doc, Format::Markdown),
        "Commission-report-showing-incorrect-order-values.md"
    );
    let mut doc = doc;
    doc.title = "CON".into();
    assert_eq!(
        export::file_name(&doc, Format::Pdf),
        "_CON.pdf",
        "a title that is a Windows device name must not name the file the console"
    );
}

fn doc_draft(store: &Store, case: i64) -> i64 {
    store.cases().get(case).unwrap().draft_id.unwrap()
}

#[test]
fn the_pdf_is_well_formed_and_embeds_what_it_can() {
    let (_dir, store, draft, _case) = setup();
    let doc = export::document(&store, Subject::Draft(draft)).unwrap();
    let pdf = export::render(&doc, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.4"));
    let text = String::from_utf8_lossy(&pdf);
    // The cross-reference table points at each object.
    let xref_at: usize = text
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(pdf[xref_at..].starts_with(b"xref\n"));
    let table = String::from_utf8_lossy(&pdf[xref_at..]).into_owned();
    let mut n = 0;
    for (i, line) in table
        .lines()
        .skip(3)
        .take_while(|l| l.ends_with(" n "))
        .enumerate()
    {
        let off: usize = line[..10].parse().unwrap();
        assert!(
            pdf[off..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
            "object {}",
            i + 1
        );
        n += 1;
    }
    assert!(n >= 8, "{n} objects");
    assert_eq!(
        text.matches("/Subtype /Image").count(),
        4,
        "the JPEG, the opaque PNG, the PNG with transparency and its mask"
    );
    assert!(text.contains("/Filter /DCTDecode") && text.contains("/Predictor 15 /Colors 3"));
    assert!(text.contains("/SMask "), "the alpha channel as a soft mask");
    assert!(!text.contains("not embedded"));
    assert!(text.contains("(Commission report | showing incorrect order values)"));
}

#[test]
fn an_export_counts_the_secrets_left_in_the_draft() {
    let (_dir, store, _draft, _case) = setup();
    let d = store.drafts().create().unwrap();
    let input = DraftInput {
        subject: "Feed upload fails".into(),
        description: "Our job logs in with password=Winter2024!x and gets 401.".into(),
        ..Default::default()
    };
    editor::save(&store, d.id, &input).unwrap();
    assert_eq!(
        export::document(&store, Subject::Draft(d.id))
            .unwrap()
            .secrets,
        1
    );
}
