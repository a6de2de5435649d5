//! How long the mail source takes to parse and read the bench's 500 mails from support, without any
//! network or store: `cargo run --release -p casedesk-bench --example parse_time`. Used to choose
//! regex-lite's opt-level (see the release profile in Cargo.toml).

use casedesk_core::source::mail::{parse, rules::Rules, MailSettings};
use casedesk_e2e::mails::{self, now_ms};
use std::time::Instant;
fn main() {
    let now = now_ms();
    let mut all = Vec::new();
    for i in 0..250 {
        let n = format!("{:08}", 10_000 + i);
        all.push(mails::cj_created(
            &n,
            &format!("Commission question {i}"),
            now,
        ));
        all.push(mails::cj_status(
            &n,
            &format!("Commission question {i}"),
            "In Progress",
            now,
        ));
    }
    let s = MailSettings {
        enabled: true,
        host: "localhost".into(),
        user: "u".into(),
        ..Default::default()
    };
    let rules = Rules::compile(&s).unwrap();
    let mut times = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let mut n = 0;
        for m in &all {
            let p = parse::parse(m).unwrap();
            let r = rules.read(&p, &s);
            n += r.case_number.is_some() as usize;
        }
        assert_eq!(n, 500);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut pt = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        for m in &all {
            std::hint::black_box(parse::parse(m));
        }
        pt.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    pt.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "parse+read 500: median {:.2} ms; parse only {:.2} ms",
        times[15], pt[15]
    );
}
