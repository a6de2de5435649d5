//! Pictures on a draft: what attaching, pasting and annotating store (the note, a new version, the
//! original kept unsent), and the one-off pass over pictures an older release stored as attached.

use casedesk_core::attachment::Kind;
use casedesk_core::picture::{meta, Marks, Redaction, Removed, Style};
use casedesk_core::{editor, screenshots, Code, FixedClock, Store};
use std::sync::{Arc, Mutex};

use crate::pictures::{noise, png_of, read};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_000))).unwrap();
    (dir, store)
}

#[test]
fn attaching_a_photo_stores_it_without_its_metadata_and_says_what_went() {
    let (dir, store) = store();
    let draft = store.drafts().create().unwrap();
    let photo = dir.path().join("DSCN0010.jpg");
    std::fs::write(&photo, read("exif-samples", "gps--DSCN0010.jpg")).unwrap();
    let out = editor::attach(&store, draft.id, &[photo.to_string_lossy().into_owned()]).unwrap();
    assert!(out.refused.is_empty(), "{:?}", out.refused);
    let a = &out.added[0];
    assert!(
        a.metadata_removed.contains(&Removed::Location),
        "{:?}",
        a.metadata_removed
    );
    let stored = std::fs::read(store.attachments().blob_path(&a.sha256)).unwrap();
    assert_eq!(meta::found(&stored, Kind::Jpeg), vec![]);
    // Listed again from the table, the note is the same.
    let listed = store.attachments().list(draft.id).unwrap();
    assert_eq!(listed[0].metadata_removed, a.metadata_removed);
    assert_eq!(screenshots::not_reviewed(&listed), 1);
}

#[test]
fn an_annotation_is_a_new_version_and_the_original_stays_unsent() {
    let (_dir, store) = store();
    let draft = store.drafts().create().unwrap();
    let blob_dir = store.dir().join(casedesk_core::store::BLOB_DIR);
    let shot = noise(320, 200, 11);
    let prepared = screenshots::prepare_pasted(&blob_dir, "pasted.png".into(), &png_of(&shot))
        .ready()
        .unwrap();
    let out = screenshots::attach(&store, draft.id, vec![prepared]).unwrap();
    let a = out.added[0].clone();
    let (a2, path) = screenshots::for_editing(&store, draft.id, a.id).unwrap();
    assert_eq!(screenshots::dimensions(&a2, &path).unwrap(), (320, 200));
    let areas = [Redaction {
        x: 0,
        y: 0,
        width: 50,
        height: 50,
        style: Style::Solid,
    }];
    let marks = Marks {
        annotations: 2,
        redactions: 1,
    };
    let blob =
        screenshots::prepare_annotation(&blob_dir, &a2, &path, &png_of(&shot), &areas, None, marks)
            .unwrap()
            .unwrap();
    let list =
        screenshots::record_annotation(&store, draft.id, a.id, &a.sha256, Some(&blob), marks)
            .unwrap();
    let v2 = &list[0];
    assert!(v2.redacted && v2.reviewed && v2.annotations == 2 && v2.redactions == 1);
    assert_ne!(v2.sha256, a.sha256);
    assert!(
        store.attachments().blob_path(&a.sha256).exists(),
        "the original stays in the data folder"
    );
    let sent =
        image::load_from_memory(&std::fs::read(store.attachments().blob_path(&v2.sha256)).unwrap())
            .unwrap()
            .to_rgba8();
    assert_eq!(sent.get_pixel(10, 10).0, [0, 0, 0, 255]);
    // A save against a version that changed meanwhile is refused; the draft's removal takes both files.
    let e =
        screenshots::record_annotation(&store, draft.id, a.id, &a.sha256, None, marks).unwrap_err();
    assert_eq!(e.code(), Code::FileChanged);
    store.attachments().remove(draft.id, a.id).unwrap();
    assert!(!store.attachments().blob_path(&a.sha256).exists());
    assert!(!store.attachments().blob_path(&v2.sha256).exists());
}

#[test]
fn pictures_stored_by_an_older_release_are_written_again_once() {
    let (dir, store) = store();
    let draft = store.drafts().create().unwrap();
    let photo = dir.path().join("DSCN0010.jpg");
    std::fs::write(&photo, read("exif-samples", "gps--DSCN0010.jpg")).unwrap();
    let a = editor::attach(&store, draft.id, &[photo.to_string_lossy().into_owned()])
        .unwrap()
        .added
        .remove(0);
    // As an older release left it: the file as attached, the row not cleaned.
    let raw = read("exif-samples", "gps--DSCN0010.jpg");
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&raw));
    let path = store.attachments().blob_path(&sha);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &raw).unwrap();
    store
        .connection()
        .execute(
            "UPDATE attachments SET sha256 = ?1, cleaned = 0, metadata_removed = '' WHERE id = ?2",
            rusqlite::params![sha, a.id],
        )
        .unwrap();
    let shared = Arc::new(Mutex::new(store));
    assert_eq!(screenshots::clean_old_pictures(&shared).unwrap(), (1, 0));
    assert_eq!(
        screenshots::clean_old_pictures(&shared).unwrap(),
        (0, 0),
        "once"
    );
    let s = shared.lock().unwrap();
    let row = &s.attachments().list(draft.id).unwrap()[0];
    assert!(row.metadata_removed.contains(&Removed::Location));
    assert!(!row.redacted, "a cleaned picture is not a redacted copy");
    let stored = std::fs::read(s.attachments().blob_path(&row.sha256)).unwrap();
    assert_eq!(meta::found(&stored, Kind::Jpeg), vec![]);
}

#[test]
fn paste_names_read_as_dates() {
    assert_eq!(
        screenshots::picture_name("Screenshot", 1_764_770_709_000, Kind::Png),
        "Screenshot 2025-12-03 14.05.09.png"
    );
}
