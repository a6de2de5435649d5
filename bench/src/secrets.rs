//! The secret scanner's figures (issue 11): a 32,000-character description (the live check after a
//! typing pause) and a 10 MB `.txt` log (once, at the first check that sees it), each next to one plain `memchr` pass
//! over the same bytes (a substring count: the least any scan must do).

use casedesk_core::secret_scan::scan;
use std::time::Instant;

use crate::{fmt, ms, stats, time_runs, Row};

/// Log-like text of about `bytes`, with a secret every ~200 lines among order ids, UUIDs, hashes,
/// URLs and prose.
fn log(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 256);
    let mut i: u64 = 0;
    while s.len() < bytes {
        i += 1;
        let line = match i % 7 {
            0 => format!("2024-05-02T10:{:02}:{:02}.123Z INFO feed upload {} rows, order {} ok\n", i % 60, i % 60, i * 31 % 9973, 100_000_000 + i),
            1 => format!("2024-05-02T10:{:02}:{:02}.456Z DEBUG request_id={:08x}-1c2d-4e5f-8a9b-{:012x} GET /v3/commissions?date=2024-05-01&page={} 200\n", i % 60, i % 60, i, i * 7919, i % 50),
            2 => format!("sha256: {:016x}{:016x}{:016x}{:016x} products-{i}.xml\n", i, i * 3, i * 5, i * 7),
            3 => "The commission for that order was missing in the report, so I checked the tracking again.\n".to_owned(),
            4 => format!("https://www.anrdoezrs.net/click-{}-{}?sid=spring&url=https%3A%2F%2Fshop.example.com%2Fp%2F{}\n", 1_000_000 + i, 10_000_000 + i, i % 997),
            5 if i % 200 == 5 => "Authorization: Bearer q8ZrT1x0VbN3mK7pLs9eW2cY4uH6jD5f\n".to_owned(),
            5 => format!("\tat com.example.feed.Upload.run(Upload.java:{})\n", i % 400),
            _ => format!("{{\"publisherId\": {}, \"actionId\": {}, \"amount\": \"{}.50\"}}\n", 1_000_000 + i, i * 13, i % 300),
        };
        s.push_str(&line);
    }
    s.truncate(s.floor_char_boundary(bytes));
    s
}

pub(crate) fn secrets(rows: &mut Vec<Row>) {
    let desc = log(32_000);
    assert!(!scan(&desc).is_empty());
    let ours = time_runs(500, |_| {
        std::hint::black_box(scan(std::hint::black_box(&desc)));
    });
    let base = time_runs(500, |_| {
        std::hint::black_box(memchr::memmem::find_iter(desc.as_bytes(), b"key").count());
    });
    rows.push(Row {
        figure:
            "secret scan of a 32,000-character description (log lines, JSON, URLs, a bearer token)"
                .into(),
        value: fmt(&ours),
        baseline: format!(
            "one memchr substring pass over the same text: {}",
            fmt(&base)
        ),
        ratio: format!("p50 {:.1}×", ours.p50 / base.p50.max(1e-6)),
        target: "p99 ≤ 2 ms".into(),
        met: Some(ours.p99 <= 2.0),
    });

    let big = log(10 * 1024 * 1024);
    let (mut o, mut b) = (Vec::new(), Vec::new());
    for i in 0..13 {
        let t = Instant::now();
        let n = scan(std::hint::black_box(&big)).len();
        let took = ms(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(memchr::memmem::find_iter(big.as_bytes(), b"key").count());
        let base = ms(t.elapsed());
        assert!(n > 20, "{n} secrets found");
        if i >= 3 {
            o.push(took);
            b.push(base);
        }
    }
    let (o, b) = (stats(o), stats(b));
    rows.push(Row {
        figure: "secret scan of a 10 MB .txt attachment (once, at the first check that sees it; cached by content)".into(),
        value: format!(
            "median {:.1} ms ({:.1}–{:.1}, n={})",
            o.p50, o.min, o.max, o.n
        ),
        baseline: format!("one memchr substring pass: median {:.1} ms", b.p50),
        ratio: format!("{:.1}×", o.p50 / b.p50.max(1e-6)),
        target: "≤ 100 ms".into(),
        met: Some(o.max <= 100.0),
    });
}
