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
#[cfg_attr(
    windows,
    ignore = "runs `cargo tree`: under Wine the host's cargo is a Linux program; the Linux run checks it"
)]
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

/// The first screen's data is asked while the page loads (BENCHMARKS.md, start-up): api.js is the page's
/// first script, async, ahead of the stylesheet and app.js, and asks for it at load.
#[test]
fn api_js_loads_first_and_asks_for_the_first_screen_at_once() {
    let html = std::fs::read_to_string(root().join("ui/index.html")).unwrap();
    let first_script = html.find("<script").expect("index.html loads scripts");
    assert!(
        html[first_script..].starts_with(r#"<script type="module" async src="api.js"></script>"#),
        "api.js must be the page's first script, an async module"
    );
    assert!(
        first_script < html.find("style.css").unwrap()
            && first_script < html.find("app.js").unwrap(),
        "api.js must come before the stylesheet and app.js"
    );
    let api = std::fs::read_to_string(root().join("ui/api.js")).unwrap();
    assert!(
        api.contains("let firstScreen = askFirstScreen();"),
        "api.js asks for the first screen when it runs"
    );
    let app = std::fs::read_to_string(root().join("ui/app.js")).unwrap();
    assert!(
        app.contains("api.startUp()") && !app.contains("api.appInfo()"),
        "app.js takes the answers api.js asked for"
    );
}

#[test]
fn only_api_js_talks_to_tauri_and_the_ui_never_builds_html_from_strings() {
    for f in files_under(&root().join("ui"), "js") {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy();
        if name != "api.js" {
            assert!(
                !text.contains("__TAURI") && !text.contains("invoke("),
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

/// The code map (docs/code-map.md) names every source file; ARCHITECTURE.md keeps the floors, the
/// map by directory and the invariants, and points to it.
#[test]
fn the_code_map_names_every_file_and_architecture_md_its_sections() {
    let map = std::fs::read_to_string(root().join("docs/code-map.md")).expect("docs/code-map.md");
    for f in files_under(&root().join("crates/casedesk-core/src"), "rs")
        .into_iter()
        .chain(files_under(&root().join("src-tauri/src"), "rs"))
        .chain(files_under(&root().join("ui"), "js"))
    {
        // The code map writes paths with `/`, whatever the OS prints.
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .display()
            .to_string()
            .replace('\\', "/");
        if rel.ends_with("main.rs") {
            continue;
        }
        assert!(
            map.contains(&rel),
            "docs/code-map.md does not mention {rel}"
        );
    }
    let arch =
        std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    for section in [
        "## Floors",
        "## Code map",
        "## Invariants",
        "## Choices, and why",
    ] {
        assert!(arch.contains(section), "ARCHITECTURE.md has {section}");
    }
    assert!(
        arch.contains("docs/code-map.md"),
        "ARCHITECTURE.md points to the code map"
    );
    // Depth lives in docs/ (the guide, the code map): the two front pages stay short enough to read
    // in a few minutes, and this keeps them from growing back (they were 32 KB and 58 KB).
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.len() <= 14_000,
        "README.md is {} bytes",
        readme.len()
    );
    assert!(
        arch.len() <= 30_000,
        "ARCHITECTURE.md is {} bytes",
        arch.len()
    );
}

/// The commands in `generate_handler!` (without the test builds' hook).
fn registered_commands() -> (String, Vec<String>) {
    let commands: String = files_under(&root().join("src-tauri/src/commands"), "rs")
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let handler = commands
        .split("generate_handler![")
        .nth(1)
        .unwrap()
        .split(']')
        .next()
        .unwrap()
        .to_owned();
    let names = handler
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_owned)
        .collect();
    (commands, names)
}

#[test]
fn every_command_is_registered_and_every_ui_call_exists() {
    let (commands, registered) = registered_commands();
    let api = std::fs::read_to_string(root().join("ui/api.js")).unwrap();
    for name in &registered {
        let defined = [
            format!("pub fn {name}("),
            format!("pub fn {name}<"),
            format!("pub async fn {name}("),
            format!("pub async fn {name}<"),
        ]
        .iter()
        .any(|d| commands.contains(d.as_str()));
        assert!(defined, "{name} is registered but not defined");
    }
    for call in api.split("call('").skip(1) {
        let name = call.split('\'').next().unwrap();
        assert!(
            registered.iter().any(|r| r == name),
            "api.js calls {name}, which no command answers"
        );
    }
}

#[test]
fn the_window_is_granted_exactly_the_commands_the_ui_calls() {
    let (_, mut registered) = registered_commands();
    registered.sort();
    let api = std::fs::read_to_string(root().join("ui/api.js")).unwrap();
    let mut called: Vec<String> = api
        .split("call('")
        .skip(1)
        .map(|c| c.split('\'').next().unwrap().to_owned())
        .collect();
    called.sort();
    called.dedup();
    assert_eq!(
        registered, called,
        "every registered command is used by the UI, and no other"
    );
    let build = std::fs::read_to_string(root().join("src-tauri/build.rs")).unwrap();
    let declared_block = build
        .split("const COMMANDS: &[&str] = &[")
        .nth(1)
        .unwrap()
        .split("];")
        .next()
        .unwrap();
    let mut declared: Vec<String> = declared_block
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    declared.sort();
    assert_eq!(
        declared, registered,
        "build.rs declares every command to the ACL, and no other"
    );
    let cap: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("src-tauri/capabilities/default.json")).unwrap(),
    )
    .unwrap();
    let perms: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let mut granted: Vec<String> = perms
        .iter()
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    granted.sort();
    assert_eq!(
        granted, called,
        "the main window is granted exactly what the UI calls"
    );
    // The page asks its window to close (Ctrl+W) and nothing else of Tauri's own: its events come
    // from `next_events`, and the shell hides or destroys the window when the page answers.
    let core: Vec<&String> = perms.iter().filter(|p| p.starts_with("core:")).collect();
    assert_eq!(
        core,
        ["core:window:allow-close"],
        "Tauri's own permissions: only what the UI needs (no core:default, no event listen or emit)"
    );
    assert!(
        !perms.iter().any(|p| p.contains("e2e")),
        "the test builds' drop hook is never granted by the shipped capability"
    );
}

#[test]
fn no_synchronous_command_touches_the_store_or_runs_on_a_worker() {
    let mut offenders = Vec::new();
    for f in files_under(&root().join("src-tauri/src/commands"), "rs") {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !text.contains("#[tauri::command(async)]"),
            "{}: an `async` attribute on a sync fn runs its body on a tokio worker; use an async fn and `blocking`",
            f.display()
        );
        for chunk in text.split("#[tauri::command]").skip(1) {
            let sig = chunk.lines().find(|l| l.contains("fn ")).unwrap_or("");
            let body: String = chunk.split("\n}\n").next().unwrap_or("").to_owned();
            if !sig.contains("async fn")
                && [
                    "with_store",
                    "shared_store",
                    "secrets()",
                    "native::pick",
                    "native::open",
                ]
                .iter()
                .any(|w| body.contains(w))
            {
                offenders.push(format!("{}: {}", f.display(), sig.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "synchronous commands run on the main thread: {offenders:?}"
    );
}

#[test]
fn the_migration_list_equals_the_migrations_folder() {
    let store =
        std::fs::read_to_string(root().join("crates/casedesk-core/src/store/migrate.rs")).unwrap();
    let mut listed: Vec<String> = store
        .split("include_str!(\"../../migrations/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect();
    let mut files: Vec<String> = std::fs::read_dir(root().join("crates/casedesk-core/migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        listed.clone(),
        files,
        "every migration file is applied, in order"
    );
    listed.dedup();
    assert_eq!(listed.len(), files.len());
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

/// `ui/codes.js` as the core's `Code` list writes it: one `WORD: 'word'` line per code, in the list's
/// order.
fn codes_js() -> String {
    let mut js = String::from(
        "// Every error code Casedesk answers, as the core's `Code` enum serializes them. Written by\n\
         // `make codes` from the core's `codes!` list (crates/casedesk-core/src/error.rs); a test fails\n\
         // when this file differs. The UI switches on these, never on message text.\n\n\
         export const CODES = Object.freeze({\n",
    );
    for c in casedesk_core::Code::ALL {
        let word = c.as_str();
        js.push_str(&format!("  {}: '{word}',\n", word.to_uppercase()));
    }
    js.push_str("});\n");
    js
}

/// The UI's codes are generated from the core's list, not kept by hand: this fails when the file is
/// not what `make codes` writes (`CASEDESK_WRITE_CODES=1` writes it).
#[test]
fn the_ui_knows_every_error_code_and_no_other() {
    let path = root().join("ui/codes.js");
    if std::env::var_os("CASEDESK_WRITE_CODES").is_some() {
        std::fs::write(&path, codes_js()).unwrap();
    }
    // A checkout that turned line ends into CRLF (Windows) still holds the same file.
    let js = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\r\n", "\n");
    assert!(
        js == codes_js(),
        "ui/codes.js is not what the core's Code list writes: run `make codes`"
    );
    for c in casedesk_core::Code::ALL {
        assert_eq!(
            serde_json::to_value(c).unwrap(),
            serde_json::json!(c.as_str()),
            "{c} crosses IPC as the word the UI switches on"
        );
    }
}

#[test]
fn the_shell_has_os_specific_code_only_in_its_platform_folder() {
    // One module per concern under src-tauri/src/platform/, each with one interface on every OS:
    // a `cfg` on the OS anywhere else in the shell is platform code that escaped.
    let platform = root().join("src-tauri/src/platform");
    let os_cfg = [
        "target_os",
        "cfg(windows",
        "cfg(unix",
        "cfg(not(windows",
        "cfg(not(unix",
        "cfg!(windows",
        "cfg!(unix",
        "target_family",
    ];
    for f in files_under(&root().join("src-tauri/src"), "rs") {
        if f.starts_with(&platform) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            assert!(
                !os_cfg.iter().any(|c| line.contains(c)),
                "{}:{}: OS-specific code belongs in src-tauri/src/platform/: {line}",
                f.display(),
                n + 1
            );
        }
    }
}
