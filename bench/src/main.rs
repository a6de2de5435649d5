//! `make bench`: each figure next to a baseline measured in the same run, as a ratio; medians (and
//! p99 where asked) of at least 15 runs after at least 3 warm-ups, with min–max. Prints one table and
//! writes it to BENCHMARKS.md. Benchmarks never fail the build: a missed target is reported, not fatal.

use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod account_filter;
mod failing;
mod hostile;
mod inprocess;
mod mail;
mod mail_accounts;
mod pictures;
mod poll;
mod secrets;
mod startup;

use inprocess::{autosave, ingest, search};
use poll::poll;
use startup::{binary_size, seed_app_data, startup_and_memory};

pub(crate) const WARMUPS: usize = 3;

pub(crate) struct Row {
    pub(crate) figure: String,
    pub(crate) value: String,
    pub(crate) baseline: String,
    pub(crate) ratio: String,
    pub(crate) target: String,
    pub(crate) met: Option<bool>,
}

#[derive(Clone, Copy)]
pub(crate) struct Stats {
    pub(crate) p50: f64,
    pub(crate) p99: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) n: usize,
}

pub(crate) fn stats(mut v: Vec<f64>) -> Stats {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        p50: at(0.5),
        p99: at(0.99),
        min: v[0],
        max: v[v.len() - 1],
        n: v.len(),
    }
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub(crate) fn time_runs(runs: usize, mut f: impl FnMut(usize)) -> Stats {
    for i in 0..WARMUPS {
        f(i);
    }
    let mut v = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        f(WARMUPS + i);
        v.push(ms(t.elapsed()));
    }
    stats(v)
}

/// Like [`time_runs`], for a figure that is only part of each run: `f` returns the time to count.
pub(crate) fn time_parts(runs: usize, mut f: impl FnMut(usize) -> Duration) -> Stats {
    for i in 0..WARMUPS {
        f(i);
    }
    stats((0..runs).map(|i| ms(f(WARMUPS + i))).collect())
}

/// Cargo's output folder: `$CARGO_TARGET_DIR` when set (relative to the checkout), else `target/`.
pub(crate) fn target_dir() -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if Path::new(&d).is_absolute() => d.into(),
        Some(d) => root.join(d),
        None => root.join("target"),
    }
}

/// Where `cargo build --release` puts the binaries.
pub(crate) fn release_dir() -> std::path::PathBuf {
    target_dir().join("release")
}

/// criterion's median for `name` (ms), from the `cargo bench --bench inprocess` that `make bench`
/// runs just before; none when that run is missing or older than an hour.
pub(crate) fn criterion_median(name: &str) -> Option<f64> {
    let path = target_dir()
        .join("criterion")
        .join(name)
        .join("new/estimates.json");
    let age = std::fs::metadata(&path)
        .ok()?
        .modified()
        .ok()?
        .elapsed()
        .ok()?;
    if age > Duration::from_secs(3600) {
        return None;
    }
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
    Some(v["median"]["point_estimate"].as_f64()? / 1e6)
}

/// "; criterion median 0.951 ms" when criterion measured `name` in this `make bench`.
pub(crate) fn with_criterion(text: String, name: &str) -> String {
    match criterion_median(name) {
        Some(m) => format!("{text}; criterion median {m:.3} ms"),
        None => text,
    }
}

pub(crate) fn fmt(s: &Stats) -> String {
    format!(
        "p50 {:.3} ms, p99 {:.3} ms ({:.3}–{:.3}, n={})",
        s.p50, s.p99, s.min, s.max, s.n
    )
}

fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().find(|l| l.starts_with("MemTotal")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0);
    format!(
        "{cores} cores, {:.1} GiB memory, {}",
        mem as f64 / 1024.0 / 1024.0,
        std::env::consts::ARCH
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `casedesk-bench seed DIR`: a data folder like the start-up figure's, for profiling by hand.
    if let [cmd, dir] = args.as_slice() {
        if cmd == "seed" {
            seed_app_data(Path::new(dir));
            eprintln!("bench: seeded {dir} with 10,000 drafts + 10,000 cases");
            return;
        }
    }
    if args.first().map(String::as_str) == Some("ab") && (3..=4).contains(&args.len()) {
        let n = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(10);
        startup::ab(Path::new(&args[1]), Path::new(&args[2]), n);
        return;
    }
    // `casedesk-bench autosave startup ...`: only those figures, printed, BENCHMARKS.md left alone.
    let only = |name: &str| args.is_empty() || args.iter().any(|a| a == name);
    type Figure = fn(&mut Vec<Row>);
    let figures: [(&str, &str, Figure); 16] = [
        ("autosave", "autosave", autosave),
        ("search", "search (seeding 100,000 drafts)", search),
        ("ingest", "attachment ingest", ingest),
        ("secrets", "secret scan", secrets::secrets),
        (
            "dense",
            "dense secrets through the check",
            hostile::dense_secrets,
        ),
        ("catalogue", "largest catalogue import", hostile::catalogue),
        (
            "pictures",
            "screenshots: paste, strip, annotate",
            pictures::pictures,
        ),
        (
            "offer",
            "screenshots: a capture over CJ's limit offered smaller",
            pictures::offer,
        ),
        ("poll", "poll sweep", poll),
        (
            "hostile",
            "memory under hostile IMAP servers (about a minute)",
            hostile::rss_under_attack,
        ),
        (
            "failing",
            "autosave while RT is down (about 20 s)",
            failing::autosave_while_failing,
        ),
        (
            "mail",
            "mail first sync and IDLE (Dovecot; about 2 minutes)",
            mail::mail,
        ),
        (
            "filter",
            "the cases list filtered by CJ account (seeding 110,000 cases)",
            account_filter::account_filter,
        ),
        (
            "accounts",
            "two mailboxes' first sync against one of the same mails (Dovecot; about 2 minutes)",
            mail_accounts::accounts,
        ),
        ("size", "release binary size", binary_size),
        (
            "startup",
            "start-up and memory (about 6 minutes)",
            startup_and_memory,
        ),
    ];
    let mut rows = Vec::new();
    for (name, what, run) in figures {
        if only(name) {
            eprintln!("bench: {what}…");
            run(&mut rows);
        }
    }
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let mut md = format!(
        "# Benchmarks\n\nLatest run: {date}, on {}.\nCommand: `make bench` (release build; `cargo bench -p casedesk-bench --bench inprocess` for the criterion medians; `cargo run --release -p casedesk-bench`).\nMedians (p50) and p99 over the stated number of runs after {WARMUPS} warm-ups; min–max in brackets. Baselines were measured in the same run.\n\n| Figure | Casedesk | Baseline (same run) | Ratio | Target | Met |\n|---|---|---|---|---|---|\n",
        machine()
    );
    for r in &rows {
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None if r.target == "—" => "—",
            None => "missing",
        };
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            r.figure, r.value, r.baseline, r.ratio, r.target, met
        ));
    }
    println!("{md}");
    if !args.is_empty() {
        eprintln!("bench: a partial run; BENCHMARKS.md left as it was");
        return;
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../BENCHMARKS.md");
    let notes = std::fs::read_to_string(&out)
        .ok()
        .and_then(|t| {
            t.split_once("\n## Notes\n")
                .map(|(_, n)| format!("\n## Notes\n{n}"))
        })
        .unwrap_or_default();
    std::fs::write(&out, md + &notes).unwrap();
    eprintln!("bench: wrote {}", out.display());
}
