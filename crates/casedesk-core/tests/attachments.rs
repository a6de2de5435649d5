//! Attachment checks on a corpus of real and disguised files, and the content-addressed copy.

use casedesk_core::attachment::{inspect, sniff, Kind, MAX_ATTACHMENT_BYTES};
use casedesk_core::editor;
use casedesk_core::{FixedClock, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A real 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0xFF, 0xD9,
];
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// [`PNG`] as the store keeps it: written again from its pixels.
fn stored_png() -> Vec<u8> {
    casedesk_core::picture::clean("x.png", PNG, Kind::Png)
        .unwrap()
        .bytes
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn code_of(path: &Path) -> &'static str {
    match inspect(path) {
        Ok(c) => c.kind.as_str(),
        Err(e) => e.code().as_str(),
    }
}

#[test]
fn the_corpus_is_judged_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let elf =
        std::fs::read("/bin/true").unwrap_or_else(|_| b"\x7fELF\x02\x01\x01\0\0\0\0\0".to_vec());
    let utf16: Vec<u8> = "error log\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let mut utf16_bom = vec![0xFF, 0xFE];
    utf16_bom.extend(&utf16);
    let latin1 = b"caf\xe9 cr\xe8me\n".to_vec();
    let table: Vec<(PathBuf, &str)> = vec![
        (write(d, "shot.png", PNG), "png"),
        (write(d, "SHOT.PNG", PNG), "png"),
        (write(d, "photo.jpg", JPEG), "jpeg"),
        (write(d, "photo.JPEG", JPEG), "jpeg"),
        (write(d, "invoice.pdf", PDF), "pdf"),
        (
            write(
                d,
                "log.txt",
                "2026-11-01 ERROR 500 — ünïcødé ✓\n".as_bytes(),
            ),
            "txt",
        ),
        (write(d, "elf.png", &elf), "file_content_unsupported"),
        (
            write(
                d,
                "page.pdf",
                b"<!doctype html><html><body>hi</body></html>",
            ),
            "file_kind_mismatch",
        ),
        (write(d, "utf16.txt", &utf16), "file_content_unsupported"),
        (
            write(d, "utf16-bom.txt", &utf16_bom),
            "file_content_unsupported",
        ),
        (write(d, "latin1.txt", &latin1), "file_content_unsupported"),
        (write(d, "png-named.jpg", PNG), "file_kind_mismatch"),
        (write(d, "pdf-named.txt", PDF), "file_kind_mismatch"),
        (
            write(d, "script.sh", b"#!/bin/sh\necho hi\n"),
            "file_extension_unsupported",
        ),
        (write(d, "noext", PNG), "file_extension_unsupported"),
        (write(d, "empty.txt", b""), "file_empty"),
        (d.join("missing.png"), "file_not_found"),
        (PathBuf::from("relative/shot.png"), "file_path_invalid"),
    ];
    for (path, want) in &table {
        assert_eq!(code_of(path), *want, "{}", path.display());
    }
}

#[test]
fn size_limit_is_ten_million_bytes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = vec![b'a'; MAX_ATTACHMENT_BYTES as usize];
    let at_limit = write(dir.path(), "at-limit.txt", &big);
    assert_eq!(code_of(&at_limit), "txt", "10,000,000 bytes is allowed");
    big.push(b'a');
    let over = write(dir.path(), "over.txt", &big);
    assert_eq!(
        code_of(&over),
        "file_too_large",
        "10,000,001 bytes is refused"
    );
    let msg = inspect(&over).unwrap_err().to_string();
    assert!(
        msg.contains("10 MB"),
        "the user is told the limit as CJ says it: {msg}"
    );
}

#[test]
fn links_folders_and_special_files_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder.png");
    std::fs::create_dir(&folder).unwrap();
    assert_eq!(code_of(&folder), "file_is_directory");
    assert_eq!(
        code_of(&dir.path().join("gone.png")),
        "file_not_found",
        "a missing file says so"
    );
    unix_links_and_devices(dir.path());
    windows_links_and_devices(dir.path());
}

/// Unix: symlinks (also dangling), a FIFO that would block the reader, a character device.
#[cfg(unix)]
fn unix_links_and_devices(dir: &Path) {
    let target = write(dir, "real.png", PNG);
    let link = dir.join("link.png");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert_eq!(code_of(&link), "file_is_symlink");
    let dangling = dir.join("dangling.png");
    std::os::unix::fs::symlink(dir.join("nowhere"), &dangling).unwrap();
    assert_eq!(code_of(&dangling), "file_is_symlink");
    let fifo = dir.join("pipe.txt");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok {
        assert_eq!(
            code_of(&fifo),
            "file_not_regular",
            "a FIFO would block the reader forever"
        );
    }
    assert_eq!(code_of(Path::new("/dev/null")), "file_not_regular");
}

#[cfg(not(unix))]
fn unix_links_and_devices(_dir: &Path) {}

/// Windows: device names that open the console or the null device whatever the folder, and a
/// symbolic link (where the account may make one: Windows needs a privilege or developer mode).
#[cfg(windows)]
fn windows_links_and_devices(dir: &Path) {
    for device in ["CON.png", "nul.txt", "COM1.pdf", "aux.jpg", "LPT1"] {
        assert_eq!(
            code_of(&dir.join(device)),
            "file_not_regular",
            "{device} is a device on Windows: reading it would hang or read nothing"
        );
    }
    let target = write(dir, "real.png", PNG);
    let link = dir.join("link.png");
    // Only where the OS then reports a link (Wine 8 answers success and makes none).
    let made = std::os::windows::fs::symlink_file(&target, &link).is_ok()
        && std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink());
    if made {
        assert_eq!(code_of(&link), "file_is_symlink");
    } else {
        eprintln!("NOTE: this account cannot make symbolic links; that check did not run");
    }
}

#[cfg(not(windows))]
fn windows_links_and_devices(_dir: &Path) {}

#[test]
fn long_paths_and_windows_line_endings_attach() {
    // Past Windows' classic 260-character MAX_PATH: std gives such paths the `\\?\` prefix itself.
    let dir = tempfile::tempdir().unwrap();
    let mut deep = dir.path().to_path_buf();
    for i in 0..6 {
        deep.push(format!("{i}-{}", "d".repeat(50)));
    }
    std::fs::create_dir_all(&deep).unwrap();
    let crlf = "Tag fired twice on 2026-11-30.\r\nOrder 1234\r\nOrder 1235\r\n";
    let path = write(&deep, "console-log.txt", crlf.as_bytes());
    assert!(path.as_os_str().len() > 300, "the path is a long one");
    let got = casedesk_core::attachment::inspect(&path).expect("a long path attaches");
    assert_eq!(got.kind.as_str(), "txt", "CRLF text is text");
    assert_eq!(
        got.bytes,
        crlf.as_bytes(),
        "read byte for byte, line endings kept"
    );
}

#[test]
fn sniffing_does_not_trust_short_prefixes() {
    assert_eq!(sniff(b"\x89PN"), None);
    assert_eq!(
        sniff(b"%PDF"),
        Some(Kind::Txt),
        "'%PDF' without the dash is just text"
    );
    assert_eq!(sniff(b"\xFF\xD8"), None);
    assert_eq!(sniff(b"plain\0text"), None, "NUL bytes are not text");
}

#[test]
fn accepted_files_are_copied_so_the_draft_survives_the_original_vanishing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open(&data, Arc::new(FixedClock::new(1))).unwrap();
    let d = store.drafts().create().unwrap();
    let png = write(dir.path(), "screen shot.png", PNG);
    let txt = write(dir.path(), "log.txt", b"hello\n");
    let elf = write(dir.path(), "evil.png", b"\x7fELF\x02\x01\x01\0\0\0");
    let paths: Vec<String> = [&png, &txt, &elf]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let out = editor::attach(&store, d.id, &paths).unwrap();
    assert_eq!(out.added.len(), 2);
    assert_eq!(
        out.refused.len(),
        1,
        "one bad file does not stop the others"
    );
    assert_eq!(out.refused[0].name, "evil.png");
    assert_eq!(out.refused[0].error.code, "file_content_unsupported");
    assert_eq!(out.refused[0].error.field.as_deref(), Some("attachments"));
    std::fs::remove_file(&png).unwrap();
    std::fs::remove_file(&txt).unwrap();
    let list = store.attachments().list(d.id).unwrap();
    assert_eq!(
        list.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
        vec!["screen shot.png", "log.txt"]
    );
    for a in &list {
        let blob = store.attachments().blob_path(&a.sha256);
        assert!(blob.starts_with(&data), "kept inside the data folder");
        assert_eq!(std::fs::metadata(&blob).unwrap().len() as i64, a.size);
    }
    assert_eq!(
        std::fs::read(store.attachments().blob_path(&list[0].sha256)).unwrap(),
        stored_png(),
        "a picture is stored as written again from its pixels"
    );

    // The same content again, under another name, is a duplicate in this draft…
    let again = write(dir.path(), "copy.png", PNG);
    let out = editor::attach(&store, d.id, &[again.display().to_string()]).unwrap();
    assert_eq!(out.refused[0].error.code, "file_duplicate");
    // …but fine in another draft, where it shares the stored file.
    let d2 = store.drafts().create().unwrap();
    let out = editor::attach(&store, d2.id, &[again.display().to_string()]).unwrap();
    assert_eq!(out.added.len(), 1);
    store.attachments().remove(d.id, list[0].id).unwrap();
    assert!(
        store.attachments().blob_path(&list[0].sha256).exists(),
        "still used by the other draft"
    );
    store.attachments().remove(d2.id, out.added[0].id).unwrap();
    assert!(
        !store.attachments().blob_path(&list[0].sha256).exists(),
        "no longer used: removed"
    );
    assert_eq!(
        store
            .attachments()
            .remove(d2.id, out.added[0].id)
            .unwrap_err()
            .code(),
        "not_found"
    );
}

/// Files are prepared outside the store lock and recorded under it. If the same content is removed
/// from its last draft in between (which deletes the file), recording writes it again: never a row
/// without its file.
#[test]
fn a_file_removed_from_another_draft_while_one_is_prepared_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let store = Store::open(&data, Arc::new(FixedClock::new(1))).unwrap();
    let a = store.drafts().create().unwrap();
    let b = store.drafts().create().unwrap();
    let png = write(dir.path(), "shot.png", PNG).display().to_string();
    let first = editor::attach(&store, a.id, std::slice::from_ref(&png))
        .unwrap()
        .added[0]
        .clone();

    let prepared = editor::prepare_files(&data.join("attachments"), &[png]).unwrap();
    store.attachments().remove(a.id, first.id).unwrap();
    let blob = store.attachments().blob_path(&first.sha256);
    assert!(!blob.exists(), "its last draft let go of it");
    let out = editor::attach_prepared(&store, b.id, prepared).unwrap();
    assert_eq!(out.added.len(), 1, "{:?}", out.refused);
    assert_eq!(
        std::fs::read(&blob).unwrap(),
        stored_png(),
        "the row has its file"
    );
}

#[test]
fn stray_files_from_a_crash_are_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1))).unwrap();
    let d = store.drafts().create().unwrap();
    let png = write(dir.path(), "a.png", PNG);
    let kept = editor::attach(&store, d.id, &[png.display().to_string()])
        .unwrap()
        .added[0]
        .clone();
    let stray_dir = dir.path().join("attachments").join("ab");
    std::fs::create_dir_all(&stray_dir).unwrap();
    std::fs::write(stray_dir.join("ab".repeat(32)), b"orphan").unwrap();
    std::fs::write(stray_dir.join(".tmpfile.123.tmp"), b"half").unwrap();
    let h = store.housekeeping().unwrap();
    assert_eq!(h.removed_files, 2);
    assert!(
        store.attachments().blob_path(&kept.sha256).exists(),
        "referenced files stay"
    );
}

#[test]
fn attaching_to_a_missing_draft_or_too_many_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1))).unwrap();
    assert_eq!(
        editor::attach(&store, 42, &[]).unwrap_err().code(),
        "not_found"
    );
    let d = store.drafts().create().unwrap();
    let many = vec!["/tmp/x.png".to_string(); 51];
    assert_eq!(
        editor::attach(&store, d.id, &many).unwrap_err().code(),
        "too_many_files"
    );
}

#[test]
fn a_bidi_override_in_a_file_name_is_not_shown() {
    let name = casedesk_core::attachment::display_name(std::path::Path::new(
        "/tmp/report_\u{202E}gnp.exe",
    ));
    assert_eq!(
        name, "report_gnp.exe",
        "what the name really says, in its real order"
    );
}
