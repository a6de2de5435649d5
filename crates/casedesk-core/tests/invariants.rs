//! The architecture's invariants, checked (ARCHITECTURE.md states them; this test keeps them true).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("target") && !p.ends_with("gen") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn the_core_does_not_depend_on_tauri_rfd_or_notify_rust() {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "casedesk-core",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        assert!(
            !(name == "tauri"
                || name.starts_with("tauri-")
                || name == "rfd"
                || name == "notify-rust"
                || name == "wry"
                || name == "gtk"),
            "casedesk-core must stay free of the shell's crates, but depends on {name}"
        );
    }
}

#[test]
fn sql_lives_only_in_migrations_and_the_store_modules() {
    let needles = [
        "SELECT ",
        "INSERT INTO",
        "UPDATE ",
        "DELETE FROM",
        "CREATE TABLE",
    ];
    let mut offenders = Vec::new();
    for dir in [
        root().join("crates/casedesk-core/src"),
        root().join("src-tauri/src"),
    ] {
        for f in files_under(&dir, "rs") {
            if f.components().any(|c| c.as_os_str() == "store") {
                continue;
            }
            let text = std::fs::read_to_string(&f).unwrap();
            if needles.iter().any(|n| text.contains(n)) {
                offenders.push(f);
            }
        }
    }
    assert!(offenders.is_empty(), "SQL outside the store: {offenders:?}");
}

#[test]
fn only_api_js_talks_to_tauri_and_the_ui_never_builds_html_from_strings() {
    for f in files_under(&root().join("ui"), "js") {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy();
        if name != "api.js" {
            assert!(
                !text.contains("__TAURI__") && !text.contains("invoke("),
                "{name} calls Tauri directly; go through api.js"
            );
        }
        for bad in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ] {
            assert!(
                !text.contains(bad),
                "{name} uses {bad}: text from users or servers must never become HTML or code"
            );
        }
    }
    let html = std::fs::read_to_string(root().join("ui/index.html")).unwrap();
    assert!(
        !html.contains("<script>") && !html.contains(" onclick="),
        "no inline script in index.html (strict CSP)"
    );
}

#[test]
fn the_csp_is_strict() {
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("src-tauri/tauri.conf.json")).unwrap(),
    )
    .unwrap();
    let csp = &conf["app"]["security"]["csp"];
    let script = csp["script-src"].as_str().unwrap();
    assert!(
        !script.contains("unsafe-inline") && !script.contains("unsafe-eval"),
        "script-src must not allow inline or eval"
    );
    assert_eq!(csp["object-src"], "'none'");
}

#[test]
fn architecture_md_names_every_module_it_maps() {
    let arch =
        std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    for f in files_under(&root().join("crates/casedesk-core/src"), "rs")
        .into_iter()
        .chain(files_under(&root().join("src-tauri/src"), "rs"))
        .chain(files_under(&root().join("ui"), "js"))
    {
        let rel = f.strip_prefix(root()).unwrap().display().to_string();
        if rel.ends_with("main.rs") {
            continue;
        }
        assert!(
            arch.contains(&rel),
            "ARCHITECTURE.md's code map does not mention {rel}"
        );
    }
    assert!(
        arch.contains("## Invariants"),
        "ARCHITECTURE.md states its invariants"
    );
}

#[test]
fn every_command_is_registered_and_every_ui_call_exists() {
    let commands: String = files_under(&root().join("src-tauri/src/commands"), "rs")
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let api = std::fs::read_to_string(root().join("ui/api.js")).unwrap();
    let handler = commands
        .split("generate_handler![")
        .nth(1)
        .unwrap()
        .split(']')
        .next()
        .unwrap();
    let registered: Vec<&str> = handler
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    for name in &registered {
        let defined = [
            format!("pub fn {name}("),
            format!("pub fn {name}<"),
            format!("pub async fn {name}("),
        ]
        .iter()
        .any(|d| commands.contains(d.as_str()));
        assert!(defined, "{name} is registered but not defined");
    }
    for call in api.split("call('").skip(1) {
        let name = call.split('\'').next().unwrap();
        assert!(
            registered.contains(&name),
            "api.js calls {name}, which no command answers"
        );
    }
}

#[test]
fn the_mail_source_only_reads_the_mailbox() {
    // EXAMINE and BODY.PEEK only: nothing that selects read-write, sets a flag, copies, moves, deletes
    // or appends. (The mailbox is also compared before and after syncs against a real Dovecot.)
    let forbidden = [
        "session.select(",
        "session.select_condstore(",
        "session.store(",
        "session.uid_store(",
        "session.copy(",
        "session.uid_copy(",
        "session.mv(",
        "session.uid_mv(",
        "expunge",
        "session.append(",
        "session.delete(",
        "session.rename(",
        "session.create(",
        "BODY[",
        "RFC822)",
        "\"STORE",
        "\"SELECT",
    ];
    let mut offenders = Vec::new();
    for f in files_under(&root().join("crates/casedesk-core/src/source/mail"), "rs") {
        let text = std::fs::read_to_string(&f).unwrap();
        for bad in forbidden {
            if text.contains(bad) {
                offenders.push(format!("{} uses {bad}", f.display()));
            }
        }
        if text.contains("uid_fetch(") || text.contains("fetch_all(") {
            for line in text.lines().filter(|l| l.contains("BODY")) {
                assert!(
                    line.contains("BODY.PEEK"),
                    "{}: a fetch without PEEK would mark mail read: {line}",
                    f.display()
                );
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "the mail source must never change the mailbox: {offenders:?}"
    );
}
