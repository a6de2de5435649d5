//! What the sources offer by hand, reached only through the registry (issue 19): the files they
//! read (routed by ending, the most at once checked before any is read) and the state the Cases
//! view shows, each by the source's key. The shell's `import_files`, `import_file_paths` and
//! `follow_state` are these and nothing more.

use casedesk_core::preferences::Preferences;
use casedesk_core::registry;
use casedesk_core::{FixedClock, Store};
use std::sync::Arc;

const CONFIRMATION: &str = "From: CJ Support <support@cj.com>\r\nSubject: CJ Case # 00007777:  Payout missing\r\nMessage-ID: <x.7777@sf.example>\r\nDate: Mon, 24 Nov 2025 10:00:00 +0000\r\n\r\nCase #00007777: \"Payout missing\" has been created.\r\n";

#[test]
fn files_go_to_the_source_that_reads_them_and_its_state_is_shown_by_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_765_000_000_000))).unwrap();
    let prefs = Preferences::default();

    let imports = registry::file_imports();
    assert_eq!(
        imports.len(),
        1,
        "the mail source is the one that reads files"
    );
    assert_eq!(imports[0].extensions, ["eml"]);
    assert!(imports[0].reads(std::path::Path::new("A.EML")), "any case");

    let upper = dir.path().join("CONFIRMATION.EML");
    std::fs::write(&upper, CONFIRMATION).unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a mail").unwrap();
    let (results, changes) = registry::import(&store, &prefs, &[upper, notes]).unwrap();
    let outcomes: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["file"].as_str().unwrap(), r["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [("CONFIRMATION.EML", "found"), ("notes.txt", "unreadable")],
        "a file no source names by its ending goes to the first that reads files, which says why"
    );
    assert_eq!(
        changes.len(),
        1,
        "the found case, for the caller to deliver"
    );

    let state = registry::follow_state(&store, &prefs).unwrap();
    assert_eq!(state.keys().copied().collect::<Vec<_>>(), ["mail"]);
    assert_eq!(state["mail"]["counts"]["counted"], 1, "{state:?}");
    assert_eq!(state["mail"]["enabled"], false);
}

#[test]
fn more_files_than_a_source_takes_are_refused_before_any_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_765_000_000_000))).unwrap();
    let most = registry::file_imports()[0].max_files;
    let one = dir.path().join("one.eml");
    std::fs::write(&one, CONFIRMATION).unwrap();
    let paths = vec![one; most + 1];
    let e = registry::import(&store, &Preferences::default(), &paths).unwrap_err();
    assert_eq!(e.code(), casedesk_core::Code::ImportTooMany);
    assert_eq!(e.field_name(), Some("import"));
    let state = registry::follow_state(&store, &Preferences::default()).unwrap();
    assert_eq!(state["mail"]["counts"]["counted"], 0, "nothing was read");
    let (results, _) = registry::import(&store, &Preferences::default(), &paths[..most]).unwrap();
    assert_eq!(results.len(), most, "as many as it takes are read");
}
