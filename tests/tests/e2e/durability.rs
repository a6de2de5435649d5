//! Durability in the real app: SIGKILL while typing, and a disk that fills up or turns read-only.

use super::*;
use std::process::Command;

fn paste(app: &App, testid: &str, text: &str) {
    app.exec(
        "const el = document.querySelector(`[data-testid=\"${arguments[0]}\"]`); el.focus(); el.value += arguments[1]; el.dispatchEvent(new Event('input', {bubbles: true}));",
        json!([testid, text]),
    );
}

fn save_state(app: &App) -> (String, String) {
    let v = app.exec("const s = document.querySelector('[data-testid=save-state]'); return [s.dataset.state, s.textContent]", json!([]));
    (
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn sigkill_while_typing_keeps_everything_up_to_the_last_saved() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let mut app = desktop.launch(&data);
    new_draft(&app);
    app.type_text(
        &app.tid("subject"),
        "Commission report showing incorrect order values",
    );
    for round in 0..3 {
        app.type_text(&app.tid("description"), &format!("Saved part {round}. "));
        app.wait_saved();
        let saved = app.value(&app.tid("description"));
        // Keep typing, and kill the app while it does (inside the autosave pause).
        app.type_text(&app.tid("description"), "typed after the last save");
        app.kill_app();
        app = desktop.launch(&data);
        let back = app.value(&app.tid("description"));
        assert!(back.starts_with(&saved), "round {round}: the text up to the last 'Saved' must survive SIGKILL: {back:?} vs {saved:?}");
    }
    app.quit();
}

#[test]
fn a_full_disk_is_reported_and_the_text_stays_in_the_window_until_it_saves() {
    if !is_root() {
        eprintln!("SKIPPED: mounting a small disk needs root");
        return;
    }
    let desktop = Desktop::start();
    let disk =
        SmallDisk::mount(&desktop.dir.path().join("small"), "4m").expect("mount a small tmpfs");
    let data = disk.path.join("data");
    let app = desktop.launch(&data);
    new_draft(&app);
    app.type_text(
        &app.tid("subject"),
        "Payment for October missing from bank account",
    );
    app.wait_saved();
    let filler = disk.fill();
    // Larger than the WAL space SQLite already holds, so the save needs new blocks (under the 1 MB cap).
    let big = "Log excerpt: 500 Internal Server Error. ".repeat(22_000);
    paste(&app, "description", &big);
    app.wait_until("a clear disk-full message", Duration::from_secs(15), |a| {
        save_state(a).0 == "error"
    });
    let (_, msg) = save_state(&app);
    assert!(msg.contains("disk is full"), "the user is told why: {msg}");
    assert_eq!(
        app.value(&app.tid("description")),
        big,
        "nothing typed is lost to the error"
    );
    shot(&desktop, "20-disk-full");
    std::fs::remove_file(filler).unwrap();
    app.wait_until("saved once there is room", Duration::from_secs(20), |a| {
        save_state(a).0 == "saved"
    });
    app.quit();
    let app = desktop.launch(&data);
    assert_eq!(app.value(&app.tid("description")), big);
    app.quit();
}

/// Sets or clears the immutable flag (which stops even root) on the data folder, the database and its
/// WAL. SQLite's shared-memory index (`-shm`) is memory-mapped; making it immutable would end the
/// process with SIGBUS, which no app can report, so it stays writable.
fn immutable(dir: &Path, on: bool) -> bool {
    let flag = if on { "+i" } else { "-i" };
    let mut paths = vec![
        dir.join("casedesk.sqlite3"),
        dir.join("casedesk.sqlite3-wal"),
    ];
    if on {
        paths.push(dir.to_owned())
    } else {
        paths.insert(0, dir.to_owned())
    }
    paths.iter().all(|p| {
        Command::new("chattr")
            .arg(flag)
            .arg(p)
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    })
}

#[test]
fn a_read_only_data_folder_is_reported_and_the_text_stays_in_the_window() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    new_draft(&app);
    app.type_text(
        &app.tid("subject"),
        "API authentication error on campaign creation",
    );
    app.wait_saved();
    if !immutable(&data, true) {
        eprintln!("SKIPPED: this file system cannot make the data folder immutable (chattr)");
        return;
    }
    let typed = " — typed while the folder was read-only";
    app.type_text(&app.tid("subject"), typed);
    let waited = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        app.wait_until("a clear read-only message", Duration::from_secs(15), |a| {
            save_state(a).0 == "error"
        });
    }));
    let (_, msg) = save_state(&app);
    let kept = app.value(&app.tid("subject"));
    shot(&desktop, "21-read-only");
    immutable(&data, false);
    assert!(
        waited.is_ok(),
        "no error shown while the folder was read-only"
    );
    assert!(
        msg.contains("cannot be written"),
        "the user is told why: {msg}"
    );
    assert!(kept.ends_with(typed), "nothing typed is lost to the error");
    app.wait_until("saved once writable again", Duration::from_secs(20), |a| {
        save_state(a).0 == "saved"
    });
    app.quit();
}
