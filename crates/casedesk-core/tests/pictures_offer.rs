//! A capture or a paste over CJ's limit as a PNG is offered smaller, two ways, and nothing is
//! attached until the user chooses.

use std::sync::Arc;

use casedesk_core::attachment::{Kind, MAX_ATTACHMENT_BYTES};
use casedesk_core::clock::FixedClock;
use casedesk_core::picture::{self, Choice, Fitted};
use casedesk_core::screenshots::{self, Offered};
use casedesk_core::store::Store;

use crate::pictures::{noise, png_of};

/// A screen-like picture PNG cannot shrink: a photo's worth of fine detail over the whole frame.
fn busy(w: u32, h: u32) -> image::RgbaImage {
    let n = noise(w, h, 9);
    image::RgbaImage::from_fn(w, h, |x, y| {
        let p = n.get_pixel(x, y).0;
        let base = ((x / 8 + y / 8) % 200) as u8;
        image::Rgba([base + p[0] / 8, base + p[1] / 8, base + p[2] / 8, 255])
    })
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Arc::new(FixedClock::new(1_000))).unwrap();
    (dir, store)
}

fn blobs_in(dir: &std::path::Path) -> usize {
    walk(dir)
}

fn walk(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                walk(&p)
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn a_capture_over_the_limit_is_offered_as_a_full_size_jpeg_or_a_scaled_png_and_nothing_is_written_until_chosen(
) {
    let (_dir, store) = store();
    let draft = store.drafts().create().unwrap();
    let blob_dir = store.dir().join(casedesk_core::store::BLOB_DIR);
    let before = blobs_in(&blob_dir);
    let (w, h) = (3_200, 1_800);
    let img = busy(w, h);
    let offered =
        screenshots::prepare_rgba(&blob_dir, "Screenshot 1.png".into(), w, h, img.into_raw());
    let Offered::Choose { name, offer } = offered else {
        panic!("a 12 MB PNG must be offered smaller");
    };
    assert_eq!(
        blobs_in(&blob_dir),
        before,
        "nothing is written before the choice"
    );
    assert!(
        offer.png_bytes > MAX_ATTACHMENT_BYTES,
        "{}",
        offer.png_bytes
    );
    assert_eq!((offer.width, offer.height), (w, h));
    let jpeg = offer.jpeg.as_ref().expect("full size as JPEG fits");
    assert_eq!(
        (jpeg.kind, jpeg.width, jpeg.height, jpeg.scale_percent),
        (Kind::Jpeg, w, h, 100)
    );
    assert!(jpeg.bytes.len() as u64 <= MAX_ATTACHMENT_BYTES);
    let scaled = offer.scaled.as_ref().expect("scaled PNG fits");
    assert_eq!(scaled.kind, Kind::Png);
    assert!(
        scaled.scale_percent < 100 && scaled.scale_percent > 50,
        "{}",
        scaled.scale_percent
    );
    assert!(scaled.bytes.len() as u64 <= MAX_ATTACHMENT_BYTES);
    assert!(scaled.width < w && scaled.height < h);

    let prepared = screenshots::prepare_choice(&blob_dir, &name, offer, Choice::Jpeg).unwrap();
    assert_eq!(prepared.0, "Screenshot 1.jpg");
    let out = screenshots::attach(&store, draft.id, vec![prepared]).unwrap();
    let a = &out.added[0];
    assert_eq!(
        (a.kind, a.scale_percent, a.name.as_str()),
        (Kind::Jpeg, 100, "Screenshot 1.jpg")
    );
    let path = store.attachments().blob_path(&a.sha256);
    let sent = image::load_from_memory(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!((sent.width(), sent.height()), (w, h), "every pixel kept");
}

#[test]
fn choosing_the_scaled_png_says_the_factor_and_a_version_not_offered_is_none() {
    let (_dir, store) = store();
    let draft = store.drafts().create().unwrap();
    let blob_dir = store.dir().join(casedesk_core::store::BLOB_DIR);
    let png = png_of(&busy(3_200, 1_800));
    let Offered::Choose { name, offer } =
        screenshots::prepare_pasted(&blob_dir, "Pasted.png".into(), &png)
    else {
        panic!("a pasted PNG over the limit is offered smaller");
    };
    let percent = offer.scaled.as_ref().unwrap().scale_percent;
    let prepared = screenshots::prepare_choice(&blob_dir, &name, offer, Choice::Scaled).unwrap();
    assert_eq!(prepared.0, "Pasted.png");
    let out = screenshots::attach(&store, draft.id, vec![prepared]).unwrap();
    assert_eq!(
        (out.added[0].kind, out.added[0].scale_percent),
        (Kind::Png, percent)
    );
    assert!(out.added[0].size as u64 <= MAX_ATTACHMENT_BYTES);

    // An offer with no JPEG (as when even a JPEG would pass 10 MB) has nothing to take.
    let Fitted::Over(mut offer) =
        picture::from_rgba_offered("x.png", 3_200, 1_800, busy(3_200, 1_800).into_raw()).unwrap()
    else {
        panic!("over");
    };
    offer.jpeg = None;
    assert!(screenshots::prepare_choice(&blob_dir, "x.png", offer, Choice::Jpeg).is_none());
}

#[test]
fn what_fits_is_ready_at_once_and_a_pasted_jpeg_is_never_offered() {
    let (_dir, store) = store();
    let blob_dir = store.dir().join(casedesk_core::store::BLOB_DIR);
    let small = noise(320, 200, 4);
    let ready = screenshots::prepare_rgba(
        &blob_dir,
        "s.png".into(),
        320,
        200,
        small.clone().into_raw(),
    );
    let (_, blob) = ready.ready().expect("a small capture is attached as it is");
    assert_eq!(blob.unwrap().scale_percent, 100);

    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgba8(small)
        .to_rgb8()
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    let (_, blob) = screenshots::prepare_pasted(&blob_dir, "p.jpg".into(), &jpeg)
        .ready()
        .expect("a JPEG is never offered");
    assert_eq!(blob.unwrap().kind, Kind::Jpeg);
}

#[test]
fn hostile_or_empty_input_is_an_error_not_an_offer() {
    let dir = tempfile::tempdir().unwrap();
    for bytes in [&b""[..], b"\x89PNG\r\n\x1a\nnot really", b"GIF89a"] {
        let (_, blob) = screenshots::prepare_pasted(dir.path(), "p.png".into(), bytes)
            .ready()
            .expect("an error, not an offer");
        assert!(blob.is_err());
    }
    let (_, blob) = screenshots::prepare_rgba(dir.path(), "r.png".into(), 100, 100, vec![0; 10])
        .ready()
        .unwrap();
    assert!(blob.is_err());
}
