//! Kill -9 durability: a child process autosaves (or ingests attachments) in a loop and prints a
//! sequence number only after each commit returned; the parent SIGKILLs it at a random moment. After
//! every round the database passes `PRAGMA integrity_check` and holds at least what was printed.
//!
//! The child is this same test binary, re-run with `CASEDESK_DURABILITY_CHILD` set.

use casedesk_core::draft::DraftInput;
use casedesk_core::follow::Jitter;
use casedesk_core::{editor, Store, SystemClock};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ROUNDS: usize = 200;

/// The child's side: loops until killed (bounded at 100,000 steps and 30 s in case nobody kills it).
#[test]
#[ignore = "run by the durability tests as a child process"]
fn durability_child() {
    let Ok(dir) = std::env::var("CASEDESK_DURABILITY_CHILD") else {
        return;
    };
    let mode = std::env::var("CASEDESK_DURABILITY_MODE").unwrap_or_default();
    let store = Store::open(Path::new(&dir), Arc::new(SystemClock)).unwrap();
    let draft = match store.drafts().list(1).unwrap().first() {
        Some(d) => d.id,
        None => store.drafts().create().unwrap().id,
    };
    let start = store.drafts().get(draft).unwrap().revision;
    let deadline = Instant::now() + Duration::from_secs(30);
    let filler = "x".repeat(16 * 1024);
    for step in 1..=100_000i64 {
        if Instant::now() > deadline {
            break;
        }
        let seq = start + step;
        if mode == "ingest" {
            let f = Path::new(&dir).join(format!("in-{seq}.txt"));
            std::fs::write(&f, format!("attachment {seq} {filler}")).unwrap();
            let out = editor::attach(&store, draft, &[f.display().to_string()]).unwrap();
            assert_eq!(out.added.len(), 1, "{:?}", out.refused);
            std::fs::remove_file(&f).unwrap();
            println!("SEQ {}", store.attachments().list(draft).unwrap().len());
        } else {
            let input = DraftInput {
                subject: format!("seq {seq}"),
                description: format!("{seq}\n{filler}"),
                ..Default::default()
            };
            let saved = store.drafts().save(draft, &input, false).unwrap();
            assert_eq!(saved.revision, seq);
            println!("SEQ {seq}");
            // Now and then the search index catches up, so kills land inside that too.
            if seq % 3 == 0 {
                store.drafts().reindex_stale(None).unwrap();
            }
        }
    }
}

/// Runs one child until a random moment, kills it with SIGKILL, and returns the last number it printed.
fn run_and_kill(dir: &Path, mode: &str, jitter: &mut Jitter) -> Option<i64> {
    // The child test's full name: `durability::durability_child` inside the `all` binary.
    let name = match module_path!().split_once("::") {
        Some((_, path)) => format!("{path}::durability_child"),
        None => "durability_child".to_owned(),
    };
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            name.as_str(),
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CASEDESK_DURABILITY_CHILD", dir)
        .env("CASEDESK_DURABILITY_MODE", mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(n) = line
                .strip_prefix("SEQ ")
                .and_then(|n| n.trim().parse::<i64>().ok())
            {
                let _ = tx.send(n);
            }
        }
    });
    // Wait for the first commit, then a random 0–60 ms more: the kill lands anywhere in a save.
    let first = rx.recv_timeout(Duration::from_secs(20)).ok();
    std::thread::sleep(Duration::from_micros((jitter.fraction() * 60_000.0) as u64));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap();
    let mut last = first;
    while let Ok(n) = rx.try_recv() {
        last = Some(n);
    }
    last
}

#[test]
fn autosave_survives_sigkill_at_any_moment() {
    let dir = tempfile::tempdir().unwrap();
    let mut jitter = Jitter::new(0x5eed);
    let mut kills_mid_stream = 0;
    for round in 0..ROUNDS {
        let printed = run_and_kill(dir.path(), "autosave", &mut jitter)
            .expect("the child committed at least once");
        let store =
            Store::open(dir.path(), Arc::new(SystemClock)).expect("the store opens after a kill");
        assert_eq!(store.integrity_check().unwrap(), "ok", "round {round}");
        // The search index, caught up as at start, matches the drafts exactly (FTS5 compares them).
        store.housekeeping().unwrap();
        store
            .connection()
            .execute(
                "INSERT INTO drafts_fts (drafts_fts, rank) VALUES ('integrity-check', 1)",
                [],
            )
            .unwrap_or_else(|e| panic!("round {round}: the search index: {e}"));
        let d = &store.drafts().list(1).unwrap()[0];
        let stored = store.drafts().get(d.id).unwrap();
        assert!(
            stored.revision >= printed,
            "round {round}: printed {printed} after its commit, but only {} is stored",
            stored.revision
        );
        assert!(
            stored.subject == format!("seq {}", stored.revision),
            "round {round}: a torn save: {} vs {}",
            stored.subject,
            stored.revision
        );
        let hits = store
            .drafts()
            .search(&format!("seq {}", stored.revision), 5)
            .unwrap();
        assert_eq!(
            hits.len(),
            1,
            "round {round}: search finds the last saved text"
        );
        if stored.revision > printed {
            kills_mid_stream += 1;
        }
    }
    eprintln!("autosave durability: {ROUNDS} rounds, {kills_mid_stream} killed between a commit and its print");
}

#[test]
fn attachment_ingest_survives_sigkill_without_orphans() {
    let dir = tempfile::tempdir().unwrap();
    let mut jitter = Jitter::new(0xfeed);
    let mut strays_removed = 0;
    for round in 0..ROUNDS {
        let printed = run_and_kill(dir.path(), "ingest", &mut jitter).unwrap_or(0);
        let store =
            Store::open(dir.path(), Arc::new(SystemClock)).expect("the store opens after a kill");
        assert_eq!(store.integrity_check().unwrap(), "ok", "round {round}");
        strays_removed += store.housekeeping().unwrap().removed_files;
        let d = store.drafts().list(1).unwrap()[0].id;
        let rows = store.attachments().list(d).unwrap();
        assert!(
            rows.len() as i64 >= printed,
            "round {round}: printed {printed}, stored {}",
            rows.len()
        );
        for a in &rows {
            let blob = store.attachments().blob_path(&a.sha256);
            assert_eq!(
                std::fs::metadata(&blob).map(|m| m.len() as i64).ok(),
                Some(a.size),
                "round {round}: a row without its whole file"
            );
        }
        let mut files = 0;
        for shard in std::fs::read_dir(dir.path().join("attachments"))
            .unwrap()
            .flatten()
        {
            files += std::fs::read_dir(shard.path()).unwrap().count();
        }
        assert_eq!(
            files,
            rows.len(),
            "round {round}: no stray file is left after a restart"
        );
    }
    eprintln!(
        "ingest durability: {ROUNDS} rounds, {strays_removed} stray files removed at restart"
    );
}
