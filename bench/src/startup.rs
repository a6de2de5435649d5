//! The release binary's size, and start-up time and memory of the release app against an empty Tauri
//! window from the same dependencies, under Xvfb with a session bus of the bench's own.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use casedesk_bench::description;
use casedesk_core::{Store, SystemClock};
use std::sync::Arc;

use crate::{ms, stats, Row, WARMUPS};

pub(crate) fn binary_size(rows: &mut Vec<Row>) {
    let bin = crate::release_dir().join("casedesk");
    match std::fs::metadata(&bin) {
        Ok(m) => {
            let mb = m.len() as f64 / 1_000_000.0;
            rows.push(Row {
                figure: "release binary size (lto, codegen-units=1, strip, opt-level=z)".into(),
                value: format!("{mb:.2} MB"),
                baseline: "—".into(),
                ratio: "—".into(),
                target: "≤ 8 MB".into(),
                met: Some(mb <= 8.0),
            });
        }
        Err(_) => rows.push(Row {
            figure: "release binary size".into(),
            value: "not measured (no target/release/casedesk; run `make bench`, which builds it)"
                .into(),
            baseline: "—".into(),
            ratio: "—".into(),
            target: "≤ 8 MB".into(),
            met: None,
        }),
    }
}

/// Xvfb and a session bus of the bench's own; stopped on drop (by handle, never by name).
struct Desktop {
    display: String,
    bus: String,
    xvfb: std::process::Child,
    dbus: std::process::Child,
}

fn first_line(child: &mut std::process::Child) -> String {
    use std::io::BufRead;
    let mut line = String::new();
    let _ = std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
    line.trim().to_owned()
}

impl Desktop {
    fn start() -> Option<Desktop> {
        let mut xvfb = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1400x900x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let display = format!(":{}", first_line(&mut xvfb));
        let mut dbus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let bus = first_line(&mut dbus);
        Some(Desktop {
            display,
            bus,
            xvfb,
            dbus,
        })
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        let _ = self.dbus.kill();
        let _ = self.xvfb.kill();
        let _ = self.dbus.wait();
        let _ = self.xvfb.wait();
    }
}

fn parent_map() -> std::collections::HashMap<u32, u32> {
    let mut m = std::collections::HashMap::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        if let Some(ppid) = stat
            .rsplit_once(") ")
            .and_then(|(_, r)| r.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
        {
            m.insert(pid, ppid);
        }
    }
    m
}

/// PSS in kB of `root` and each of its descendants, by process name (`comm`).
fn tree_pss_by_process(root: u32) -> Vec<(String, u64)> {
    let parents = parent_map();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| **pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree.iter()
        .filter_map(|pid| {
            let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
            let kb = rollup
                .lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())?;
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            Some((name.trim().to_owned(), kb))
        })
        .collect()
}

/// Starts `bin`, returns (ms from spawn to the page's first IPC, PSS MB of the tree 10 s after spawn).
fn launch_once(desk: &Desktop, bin: &Path, data: &Path, scratch: &Path) -> Option<(f64, f64)> {
    launch_measured(desk, bin, data, scratch)
        .map(|(s, by)| (s, by.iter().map(|(_, kb)| *kb).sum::<u64>() as f64 / 1024.0))
}

/// [`launch_once`] with the PSS (kB) of each process of the tree.
fn launch_measured(
    desk: &Desktop,
    bin: &Path,
    data: &Path,
    scratch: &Path,
) -> Option<(f64, Vec<(String, u64)>)> {
    let ready = scratch.join("ready");
    let _ = std::fs::remove_file(&ready);
    for d in ["home", "xdg-data", "xdg-config", "xdg-cache"] {
        let _ = std::fs::create_dir_all(scratch.join(d));
    }
    let t0 = Instant::now();
    let mut cmd = Command::new(bin);
    // Its own process group, so the web process it starts is stopped with it (the bench runs on Linux).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .env("DISPLAY", &desk.display)
        .env("DBUS_SESSION_BUS_ADDRESS", &desk.bus)
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("NO_AT_BRIDGE", "1")
        .env("HOME", scratch.join("home"))
        .env("XDG_DATA_HOME", scratch.join("xdg-data"))
        .env("XDG_CONFIG_HOME", scratch.join("xdg-config"))
        .env("XDG_CACHE_HOME", scratch.join("xdg-cache"))
        .env("CASEDESK_DATA_DIR", data)
        .env("CASEDESK_READY_FILE", &ready)
        .env("CASEDESK_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut startup = None;
    while t0.elapsed() < Duration::from_secs(60) {
        if ready.exists() {
            startup = Some(ms(t0.elapsed()));
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    if let Some(rest) = Duration::from_secs(10).checked_sub(t0.elapsed()) {
        std::thread::sleep(rest);
    }
    let pss = tree_pss_by_process(child.id());
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.wait();
    startup.map(|s| (s, pss))
}

pub(crate) fn seed_app_data(dir: &Path) {
    let store = Store::open(dir, Arc::new(SystemClock)).unwrap();
    let c = store.connection();
    let tx = c.unchecked_transaction().unwrap();
    for i in 0..10_000i64 {
        tx.execute(
            "INSERT INTO drafts (subject, description, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            rusqlite::params![format!("Commission report {i} showing incorrect order values"), description(i as usize)[..2000].to_owned(), i],
        )
        .unwrap();
        tx.execute("INSERT INTO cases (filer, case_number, subject, status, created_at) VALUES ('cj-web', ?1, 'case', 'New', ?2)", rusqlite::params![i.to_string(), i]).unwrap();
    }
    tx.commit().unwrap();
}

pub(crate) fn startup_and_memory(rows: &mut Vec<Row>) {
    let app = crate::release_dir().join("casedesk");
    let empty = crate::release_dir().join("casedesk-empty-shell");
    let missing = |rows: &mut Vec<Row>, why: &str| {
        for (figure, target) in [
            ("start → drafts list rendered", "≤ 1.15×"),
            (
                "memory: PSS of the process tree 10 s after start",
                "≤ baseline + 25 MB",
            ),
        ] {
            rows.push(Row {
                figure: figure.into(),
                value: format!("not measured: {why}"),
                baseline: "—".into(),
                ratio: "—".into(),
                target: target.into(),
                met: None,
            });
        }
    };
    if !app.exists() || !empty.exists() {
        return missing(rows, "build both release apps first (`make bench` does)");
    }
    let Some(desk) = Desktop::start() else {
        return missing(rows, "Xvfb or dbus-daemon is not installed");
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("app-data");
    seed_app_data(&data);
    let (mut a_start, mut a_pss, mut e_start, mut e_pss) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..(WARMUPS + 15) {
        // Alternate the two, so drift on a shared machine hits both alike.
        let a = launch_once(&desk, &app, &data, &dir.path().join("scratch-app"));
        let e = launch_once(
            &desk,
            &empty,
            &dir.path().join("empty-data"),
            &dir.path().join("scratch-empty"),
        );
        if i >= WARMUPS {
            if let (Some(a), Some(e)) = (a, e) {
                a_start.push(a.0);
                a_pss.push(a.1);
                e_start.push(e.0);
                e_pss.push(e.1);
            }
        }
        eprintln!("bench: start-up run {} of {}", i + 1, WARMUPS + 15);
    }
    if a_start.len() < 15 {
        return missing(rows, "some launches did not report ready within 60 s");
    }
    let (sa, se, pa, pe) = (stats(a_start), stats(e_start), stats(a_pss), stats(e_pss));
    rows.push(Row {
        figure: "start → drafts list rendered, 10,000 drafts + 10,000 cases (release, page reports over IPC)".into(),
        value: format!("median {:.0} ms ({:.0}–{:.0}, n={})", sa.p50, sa.min, sa.max, sa.n),
        baseline: format!("empty Tauri 2 window, same dependencies, first IPC: median {:.0} ms ({:.0}–{:.0})", se.p50, se.min, se.max),
        ratio: format!("{:.2}×", sa.p50 / se.p50),
        target: "≤ 1.15×".into(),
        met: Some(sa.p50 / se.p50 <= 1.15),
    });
    rows.push(Row {
        figure: "memory: PSS of the process tree (app + WebKit processes) 10 s after start, same database".into(),
        value: format!("median {:.1} MB ({:.1}–{:.1}, n={})", pa.p50, pa.min, pa.max, pa.n),
        baseline: format!("empty window: median {:.1} MB ({:.1}–{:.1})", pe.p50, pe.min, pe.max),
        ratio: format!("+{:.1} MB", pa.p50 - pe.p50),
        target: "≤ baseline + 25 MB".into(),
        met: Some(pa.p50 - pe.p50 <= 25.0),
    });
}

/// `casedesk-bench ab A B [N]`: two builds of the app (or the empty shell) launched alternately N
/// times (default 10, after the warm-ups) on the same seeded data, for bisecting start-up and memory
/// by hand: medians of start-up and of PSS per process. Prints only; BENCHMARKS.md is left alone.
pub(crate) fn ab(a: &Path, b: &Path, n: usize) {
    let Some(desk) = Desktop::start() else {
        eprintln!("bench: Xvfb or dbus-daemon is not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("app-data");
    seed_app_data(&data);
    let bins = [a, b];
    let mut starts = [Vec::new(), Vec::new()];
    let mut pss: [std::collections::BTreeMap<String, Vec<f64>>; 2] = Default::default();
    for i in 0..(WARMUPS + n) {
        for (k, bin) in bins.iter().enumerate() {
            let scratch = dir.path().join(format!("scratch-{k}"));
            let Some((s, by)) = launch_measured(&desk, bin, &data, &scratch) else {
                eprintln!("bench: {} did not report ready", bin.display());
                continue;
            };
            if i < WARMUPS {
                continue;
            }
            starts[k].push(s);
            let mut sums = std::collections::BTreeMap::<String, u64>::new();
            for (name, kb) in by {
                *sums.entry(name).or_default() += kb;
            }
            let total: u64 = sums.values().sum();
            sums.insert("(tree)".into(), total);
            for (name, kb) in sums {
                pss[k].entry(name).or_default().push(kb as f64 / 1024.0);
            }
        }
        eprintln!("bench: a/b run {} of {}", i + 1, WARMUPS + n);
    }
    for (k, bin) in bins.iter().enumerate() {
        if starts[k].is_empty() {
            continue;
        }
        let s = stats(starts[k].clone());
        println!(
            "{}: start-up median {:.0} ms ({:.0}–{:.0}, n={})",
            bin.display(),
            s.p50,
            s.min,
            s.max,
            s.n
        );
        for (name, v) in &pss[k] {
            let m = stats(v.clone());
            println!(
                "  PSS {name}: median {:.1} MB ({:.1}–{:.1})",
                m.p50, m.min, m.max
            );
        }
    }
}
