//! Keeping one rectangle of a picture (the editor's crop tool, a region of a capture, one window cut
//! out of the screen): what is outside is not in the file, redactions land where they were drawn.

use casedesk_core::attachment::Kind;
use casedesk_core::picture::{self, crop, Area, Marks, Redaction, Style};
use casedesk_core::{screenshots, Code, FixedClock, Store};
use std::sync::Arc;

use crate::pictures::{noise, png_of};

fn area(x: u32, y: u32, width: u32, height: u32) -> Area {
    Area {
        x,
        y,
        width,
        height,
    }
}

#[test]
fn a_crop_keeps_its_area_and_a_redaction_lands_where_it_was_drawn() {
    let original = noise(400, 300, 5);
    // Drawn in the uncropped picture's pixels: a black box across the kept area's top-left corner.
    let redactions = [Redaction {
        x: 90,
        y: 40,
        width: 30,
        height: 20,
        style: Style::Solid,
    }];
    let c = picture::annotated(
        "shot.png",
        &png_of(&original),
        (400, 300),
        &redactions,
        Some(area(100, 50, 200, 120)),
        Kind::Png,
    )
    .unwrap();
    let out = image::load_from_memory(&c.bytes).unwrap().to_rgba8();
    assert_eq!(out.dimensions(), (200, 120));
    // (100..120, 50..60) of the original was under the box: black now.
    for y in 0..10 {
        for x in 0..20 {
            assert_eq!(out.get_pixel(x, y).0, [0, 0, 0, 255], "at {x},{y}");
        }
    }
    // The rest is the original's pixels, moved by the crop's origin.
    for (x, y) in [(20, 0), (0, 10), (199, 119), (57, 93)] {
        assert_eq!(
            out.get_pixel(x, y),
            original.get_pixel(x + 100, y + 50),
            "at {x},{y}"
        );
    }
    // An area that runs off the picture keeps what is on it.
    let c = picture::annotated(
        "shot.png",
        &png_of(&original),
        (400, 300),
        &[],
        Some(area(350, 280, 1000, 1000)),
        Kind::Png,
    )
    .unwrap();
    let out = image::load_from_memory(&c.bytes).unwrap().to_rgba8();
    assert_eq!(out.dimensions(), (50, 20));
    assert_eq!(out.get_pixel(49, 19), original.get_pixel(399, 299));
}

#[test]
fn an_area_off_the_picture_or_a_sliver_is_refused() {
    let original = png_of(&noise(64, 48, 9));
    for bad in [
        area(64, 0, 10, 10),
        area(0, 48, 10, 10),
        area(0, 0, 0, 0),
        area(10, 10, crop::MIN_SIDE - 1, 30),
        area(60, 0, 30, 30),
        area(u32::MAX, u32::MAX, u32::MAX, u32::MAX),
    ] {
        let e = picture::annotated("a.png", &original, (64, 48), &[], Some(bad), Kind::Png)
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{bad:?}");
        assert_eq!(e.field_name(), Some("attachments"));
    }
    // Saturating, not overflowing: a huge width from a point on the picture keeps the rest of it.
    assert_eq!(
        crop::clip(area(4, 4, u32::MAX, u32::MAX), 64, 48).unwrap(),
        area(4, 4, 60, 44)
    );
}

#[test]
fn packed_rows_of_a_capture_are_cut_to_the_area() {
    // 5 × 3 pixels whose bytes say where they are.
    let (w, h) = (5u32, 3u32);
    let rows: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).flat_map(move |x| [x as u8, y as u8, 7, 255]))
        .collect();
    let big = crop::rgba(w, h, &rows, area(0, 0, 5, 3));
    assert!(
        big.is_err(),
        "smaller than MIN_SIDE is refused even when whole"
    );
    let (w, h) = (40u32, 30u32);
    let rows: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).flat_map(move |x| [x as u8, y as u8, 7, 255]))
        .collect();
    let (cw, ch, out) = crop::rgba(w, h, &rows, area(10, 5, 12, 9)).unwrap();
    assert_eq!((cw, ch), (12, 9));
    assert_eq!(out.len(), 12 * 9 * 4);
    assert_eq!(&out[..4], &[10, 5, 7, 255]);
    assert_eq!(&out[out.len() - 4..], &[21, 13, 7, 255]);
    // Rows that do not match the size they claim are refused, not read past.
    assert!(crop::rgba(w, h, &rows[..rows.len() - 1], area(0, 0, 10, 10)).is_err());
}

#[test]
fn a_cropped_save_is_a_new_version_of_the_kept_size() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_000))).unwrap();
    let draft = store.drafts().create().unwrap();
    let blob_dir = store.dir().join(casedesk_core::store::BLOB_DIR);
    let shot = noise(320, 200, 3);
    let prepared = screenshots::prepare_pasted(&blob_dir, "pasted.png".into(), &png_of(&shot))
        .ready()
        .unwrap();
    let a = screenshots::attach(&store, draft.id, vec![prepared])
        .unwrap()
        .added[0]
        .clone();
    let (a2, path) = screenshots::for_editing(&store, draft.id, a.id).unwrap();
    let marks = Marks {
        annotations: 1,
        redactions: 0,
    };
    let blob = screenshots::prepare_annotation(
        &blob_dir,
        &a2,
        &path,
        &png_of(&shot),
        &[],
        Some(area(20, 30, 100, 80)),
        marks,
    )
    .unwrap()
    .expect("a crop alone is a change");
    let list =
        screenshots::record_annotation(&store, draft.id, a.id, &a.sha256, Some(&blob), marks)
            .unwrap();
    let (v2, path2) = screenshots::for_editing(&store, draft.id, list[0].id).unwrap();
    assert_eq!(screenshots::dimensions(&v2, &path2).unwrap(), (100, 80));
    let sent = image::load_from_memory(&std::fs::read(&path2).unwrap())
        .unwrap()
        .to_rgba8();
    assert_eq!(sent.get_pixel(0, 0), shot.get_pixel(20, 30));
}
