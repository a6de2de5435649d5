//! Filers and status sources are named in their own modules and in the registry, nowhere else
//! (issue 19). A file that names one (`cj_web`, `CjWeb`, `FilerKind::Rt`, `crate::rt`,
//! `source::mail`, `MailSource`, …) outside those is a failure — unless it is on the list below of
//! files that still do, each with what keeps it there. That list only shrinks: a file on it that no
//! longer names one fails the test too, so the list stays the truth.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Words that name one concrete filer or source in Rust.
const RUST_NAMES: &[&str] = &[
    "cj_web",
    "CjWeb",
    "FilerKind::CjWeb",
    "FilerKind::Rt",
    "crate::rt::",
    "crate::rt;",
    "casedesk_core::rt",
    "source::mail",
    "source::polling",
    "PollingSource",
    "MailSource",
];

/// The same in the page's modules.
const UI_NAMES: &[&str] = &[
    "cj-web", "cj_web", "cjWeb", "'rt'", "\"rt\"", "rtToken", "rt_token",
];

/// Where naming them is the point: the modules themselves and the one place that lists them.
const HOMES: &[&str] = &[
    "crates/casedesk-core/src/filer/cj_web.rs",
    "crates/casedesk-core/src/rt/",
    "crates/casedesk-core/src/source/mail/",
    "crates/casedesk-core/src/source/polling.rs",
    // The registry's list; `registry/by_hand.rs` walks it by key and names none.
    "crates/casedesk-core/src/registry/mod.rs",
    // `mod cj_web;`: the filer module declares its filers (as `source/mod.rs` its sources).
    "crates/casedesk-core/src/filer/mod.rs",
    "crates/casedesk-core/src/source/mod.rs",
    // The fuzz targets' doors into every reader, each reader by name.
    "crates/casedesk-core/src/fuzzing.rs",
];

/// Files that still name a filer or source, and why. Issue 19 is not done while this is not empty.
const NOT_YET: &[(&str, &str)] = &[];

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            if !p.ends_with("tests") && !p.ends_with("vendor") {
                files(&p, ext, out);
            }
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn naming_files() -> Vec<(String, Vec<&'static str>)> {
    let mut found = Vec::new();
    let mut scan = |dir: &str, ext: &str, names: &'static [&'static str]| {
        let mut list = Vec::new();
        files(&root().join(dir), ext, &mut list);
        for f in list {
            let rel = f
                .strip_prefix(root())
                .unwrap()
                .display()
                .to_string()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&f).unwrap();
            let named: Vec<_> = names.iter().copied().filter(|n| text.contains(n)).collect();
            if !named.is_empty() {
                found.push((rel, named));
            }
        }
    };
    scan("crates/casedesk-core/src", "rs", RUST_NAMES);
    scan("src-tauri/src", "rs", RUST_NAMES);
    scan("ui", "js", UI_NAMES);
    found
}

#[test]
fn only_their_modules_and_the_registry_name_a_filer_or_a_source() {
    let found = naming_files();
    let mut problems = Vec::new();
    for (file, named) in &found {
        let home = HOMES.iter().any(|h| file.starts_with(h));
        let listed = NOT_YET.iter().any(|(f, _)| f == file);
        if !home && !listed {
            problems.push(format!(
                "{file} names {named:?}: ask filer::Filers / the registry instead"
            ));
        }
    }
    for (file, why) in NOT_YET {
        if !found.iter().any(|(f, _)| f == file) {
            problems.push(format!(
                "{file} no longer names a filer or source ({why}): take it off NOT_YET"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
