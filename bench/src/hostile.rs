//! Issue 18's figures: memory while a hostile IMAP server attacks (`casedesk_e2e::hostile_imap`),
//! a 10 MB `.txt` with a secret on every line through the whole check, and the largest catalogue
//! the limits allow. Each next to a baseline from the same run.

use casedesk_core::draft::DraftInput;
use casedesk_core::editor;
use casedesk_core::secret_scan::scan;
use casedesk_core::source::mail::{Credential, MailSettings, MailSource, Security};
use casedesk_core::store::SharedStore;
use casedesk_core::{Store, SystemClock};
use casedesk_e2e::hostile_imap::{serve, Body};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{ms, stats, Row};

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The peak resident memory since the last reset (Linux's `clear_refs` 5 resets `VmHWM`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn one_pass(rt: &tokio::runtime::Runtime, body: Body) -> Result<(), String> {
    let server = serve(body, None);
    let dir = tempfile::tempdir().unwrap();
    let store: SharedStore = Arc::new(Mutex::new(
        Store::open(dir.path(), Arc::new(SystemClock)).unwrap(),
    ));
    let settings = MailSettings {
        enabled: true,
        host: "127.0.0.1".into(),
        port: server.port,
        security: Security::Plain,
        user: "ana@example.com".into(),
        folders: vec!["INBOX".into()],
        senders: vec!["support@cj.com".into()],
        ..Default::default()
    };
    let source = MailSource::with_credential(settings, Credential::Password("secret".into()))
        .unwrap()
        .with_patience(Duration::from_secs(5));
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(120), source.pass(&store))
            .await
            .map_err(|_| "the pass did not end".to_owned())?
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
}

/// Resident memory of this process (the same mail source the app runs) during one sync pass against
/// each hostile server, above what it was before, next to an honest server's pass.
pub(crate) fn rss_under_attack(rows: &mut Vec<Row>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Warm: the runtime, TLS-free connect path and the store's first open.
    let _ = one_pass(&rt, Body::Honest);
    let idle = status_kb("VmRSS:");
    reset_peak();
    one_pass(&rt, Body::Honest).expect("an honest server is read");
    let honest = status_kb("VmHWM:").saturating_sub(idle);
    let mut worst = (0u64, "");
    let mut each = Vec::new();
    for (body, name) in [
        (Body::HugeAnnouncement, "{536000000} announced"),
        (Body::Lies, "50 MB for 1,200 bytes"),
        (Body::EndlessLine, "endless line"),
        (Body::Garbage, "garbage"),
        (Body::Flood, "flood of unasked answers"),
    ] {
        reset_peak();
        let outcome = one_pass(&rt, body);
        let grew = status_kb("VmHWM:").saturating_sub(idle);
        each.push(format!(
            "{name} +{:.1} MB{}",
            grew as f64 / 1024.0,
            if outcome.is_err() { "" } else { " (read!)" }
        ));
        if grew > worst.0 {
            worst = (grew, name);
        }
    }
    rows.push(Row {
        figure: format!(
            "resident memory above idle ({:.0} MB) during a mail sync against hostile IMAP servers: {}",
            idle as f64 / 1024.0,
            each.join(", ")
        ),
        value: format!("worst +{:.1} MB ({})", worst.0 as f64 / 1024.0, worst.1),
        baseline: format!(
            "the same pass against an honest server: +{:.1} MB",
            honest as f64 / 1024.0
        ),
        ratio: format!("{:.1}×", worst.0 as f64 / honest.max(1) as f64),
        target: "≤ +50 MB".into(),
        met: Some(worst.0 <= 50 * 1024),
    });
}

/// A log with a bearer token on every line.
fn dense(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 128);
    let mut i = 0u64;
    while s.len() < bytes {
        i += 1;
        s.push_str(&format!(
            "2024-05-02T10:00:{:02}Z GET /v3/commissions 401 Authorization: Bearer q8ZrT1x0VbN3mK7p{:016x}\n",
            i % 60,
            i.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ));
    }
    s
}

/// The dense log scanned (1 MB and 10 MB: how it grows), then attached to a draft and checked as the
/// editor checks after a typing pause: the first check scans it, the next ones read the cache. The
/// answer's size is what reaches the page.
pub(crate) fn dense_secrets(rows: &mut Vec<Row>) {
    let mut per_mb = Vec::new();
    for mb in [1usize, 10] {
        let text = dense(mb * 1024 * 1024);
        let (mut o, mut b) = (Vec::new(), Vec::new());
        let mut found = 0;
        for i in 0..8 {
            let t = Instant::now();
            found = std::hint::black_box(scan(&text)).len();
            let took = ms(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(memchr::memmem::find_iter(text.as_bytes(), b"key").count());
            let base = ms(t.elapsed());
            if i >= 3 {
                o.push(took);
                b.push(base);
            }
        }
        let (o, b) = (stats(o), stats(b));
        per_mb.push((mb, o.p50, b.p50, found));
    }
    let (_, p10, b10, found10) = per_mb[1];
    let (_, p1, _, _) = per_mb[0];
    rows.push(Row {
        figure: format!(
            "secret scan of a .txt with a bearer token on every line ({found10} findings in 10 MB); 1 MB: median {p1:.1} ms, so 10× the bytes cost {:.1}×",
            p10 / p1.max(1e-6)
        ),
        value: format!("10 MB: median {p10:.1} ms (n=5)"),
        baseline: format!("one memchr substring pass: median {b10:.1} ms"),
        ratio: format!("{:.1}×", p10 / b10.max(1e-6)),
        target: "≤ 200 ms".into(),
        met: Some(p10 <= 200.0),
    });

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
    let file = dir.path().join("access-log.txt");
    // 9.5 MB: CJ takes files up to 10,000,000 bytes.
    std::fs::write(&file, dense(9_500_000)).unwrap();
    let input = DraftInput {
        subject: "Commission API answers 401 since Monday".into(),
        description: "Our calls to the commission API fail with 401; the log is attached.".into(),
        ..Default::default()
    };
    let id = store.drafts().create().unwrap().id;
    let attached = editor::attach(&store, id, &[file.display().to_string()]).unwrap();
    assert_eq!(attached.added.len(), 1, "refused: {:?}", attached.refused);
    let t = Instant::now();
    let first = editor::check(&store, Some(id), &input).unwrap();
    let cold = ms(t.elapsed());
    let mut warm = Vec::new();
    let mut bytes = 0;
    let mut shown = 0;
    for _ in 0..15 {
        let t = Instant::now();
        let c = editor::check(&store, Some(id), &input).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        warm.push(ms(t.elapsed()));
        bytes = json.len();
        shown = c.secrets.as_ref().map_or(0, |s| s.findings.len());
    }
    let warm = stats(warm);
    let total = first.secrets.as_ref().map_or(0, |s| s.total);
    // The baseline: the same check of the same draft without the attachment.
    let bare = store.drafts().create().unwrap().id;
    let mut base = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let c = editor::check(&store, Some(bare), &input).unwrap();
        std::hint::black_box(serde_json::to_string(&c).unwrap());
        base.push(ms(t.elapsed()));
    }
    let base = stats(base);
    rows.push(Row {
        figure: format!(
            "check of a draft with a 9.5 MB log of that kind attached, as after a typing pause, answer serialised: {total} findings, {shown} listed, {bytes} bytes to the page; the first check (which scans) {cold:.0} ms"
        ),
        value: format!("median {:.2} ms ({:.2}–{:.2}, n={})", warm.p50, warm.min, warm.max, warm.n),
        baseline: format!("the same draft without the log: median {:.2} ms", base.p50),
        ratio: format!("{:.1}×", warm.p50 / base.p50.max(1e-6)),
        target: "≤ 50 ms, ≤ 1,000 findings listed".into(),
        met: Some(warm.p50 <= 50.0 && shown <= 1000),
    });
}

/// The largest catalogue the limits allow (every reason at its sub-reason limit, within the file
/// size): read and checked off the store's lock, then imported under it; next to parsing the same
/// bytes into untyped JSON.
pub(crate) fn catalogue(rows: &mut Vec<Row>) {
    use casedesk_core::limits::{
        CATALOGUE_MAX_BYTES, CATALOGUE_MAX_REASONS, CATALOGUE_MAX_SUB_REASONS,
    };
    let subs = (0..CATALOGUE_MAX_SUB_REASONS)
        .map(|i| format!("{{\"name\":\"Sub reason {i}\",\"keywords\":\"tag pixel order {i}\"}}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut reasons = Vec::new();
    let mut bytes = 0;
    for r in 0..CATALOGUE_MAX_REASONS {
        let one = format!("{{\"name\":\"Reason {r}\",\"subReasons\":[{subs}]}}");
        if bytes + one.len() + 64 > CATALOGUE_MAX_BYTES {
            break;
        }
        bytes += one.len() + 1;
        reasons.push(one);
    }
    let file = format!("{{\"version\":2,\"reasons\":[{}]}}", reasons.join(","));
    let (mut parse, mut import, mut base) = (Vec::new(), Vec::new(), Vec::new());
    let mut added = 0;
    for i in 0..8 {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Arc::new(SystemClock)).unwrap();
        let t = Instant::now();
        let parsed = casedesk_core::store::parse_catalogue(&file).unwrap();
        let p = ms(t.elapsed());
        let t = Instant::now();
        added = store.reasons().import_parsed(&parsed).unwrap();
        let im = ms(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(serde_json::from_str::<serde_json::Value>(&file).unwrap());
        let b = ms(t.elapsed());
        if i >= 3 {
            parse.push(p);
            import.push(im);
            base.push(b);
        }
    }
    let (parse, import, base) = (stats(parse), stats(import), stats(base));
    rows.push(Row {
        figure: format!(
            "catalogue import of the largest allowed file ({} bytes, {} reasons, {added} names added): read and checked off the store's lock median {:.1} ms, then the store's lock held",
            file.len(),
            reasons.len(),
            parse.p50
        ),
        value: format!("median {:.1} ms ({:.1}–{:.1}, n={})", import.p50, import.min, import.max, import.n),
        baseline: format!("serde_json into an untyped Value: median {:.1} ms", base.p50),
        ratio: format!("{:.1}×", import.p50 / base.p50.max(1e-6)),
        target: "lock held ≤ 1 s".into(),
        met: Some(import.p50 <= 1000.0),
    });
}
