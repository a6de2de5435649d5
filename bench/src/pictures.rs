//! Screenshots: a 4K paste made into an attachment, a 10 MB photo stripped of its metadata (and a
//! 1 MB one, for how the cost grows), and an annotation save of a 4K picture — each next to a tool
//! we did not write doing the nearest thing in the same run (ImageMagick, exiftool).

use casedesk_core::attachment::Kind;
use casedesk_core::picture::{self, Redaction, Style};
use casedesk_core::{screenshots, Store, SystemClock};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use crate::{fmt, time_runs, Row};

const RUNS: usize = 15;

/// A screen-like 3840 × 2160 picture: flat panels, text-like strokes and a gradient, as a PNG.
fn screen_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(3840, 2160, |x, y| {
        let panel = ((x / 480) + (y / 270)) % 3;
        let stroke = (x % 11 < 2 && y % 17 < 9) as u8 * 120;
        let base = match panel {
            0 => [246, 247, 249],
            1 => [229, 236, 246],
            _ => [(x / 15) as u8, (y / 9) as u8, 180],
        };
        image::Rgba([
            base[0].saturating_sub(stroke),
            base[1].saturating_sub(stroke),
            base[2],
            255,
        ])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A photo-like JPEG of about `target` bytes with the GPS sample's EXIF (position, camera,
/// thumbnail) put in front of it.
fn photo_jpeg(target: usize) -> Vec<u8> {
    let exif = {
        let sample =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(
                "../crates/casedesk-core/tests/fixtures/images/exif-samples/gps--DSCN0010.jpg",
            ))
            .unwrap();
        let len = u16::from_be_bytes([sample[4], sample[5]]) as usize;
        assert_eq!(
            &sample[2..4],
            &[0xFF, 0xE1],
            "the sample starts with its EXIF"
        );
        sample[2..4 + len].to_vec()
    };
    let mut side = 1000u32;
    let mut out = Vec::new();
    for _ in 0..6 {
        let mut s = 12_345u32;
        let img = image::RgbImage::from_fn(side * 4 / 3, side, |x, y| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            let n = (s % 64) as u8;
            image::Rgb([(x / 7) as u8 ^ n, (y / 5) as u8 ^ n, ((x + y) / 9) as u8])
        });
        out.clear();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(&img)
            .unwrap();
        if (out.len() as f64 - target as f64).abs() < target as f64 * 0.1 {
            break;
        }
        side = (side as f64 * (target as f64 / out.len() as f64).sqrt()) as u32;
    }
    let mut with = out[..2].to_vec();
    with.extend_from_slice(&exif);
    with.extend_from_slice(&out[2..]);
    with
}

fn tool(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

pub(crate) fn pictures(rows: &mut Vec<Row>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let store = Store::open(&d.join("data"), Arc::new(SystemClock)).unwrap();
    let blob_dir = store.dir().join(casedesk_core::store::BLOB_DIR);
    let png = screen_png();
    let png_path = d.join("screen.png");
    std::fs::write(&png_path, &png).unwrap();
    let png_s = png_path.to_str().unwrap();
    let has_convert = tool("convert", &["-version"]);
    let has_exiftool = tool("exiftool", &["-ver"]);

    // Paste of a 4K screenshot: checked, decoded, written again, stored, listed (what the shell
    // answers the page with), a new draft each run.
    let paste = time_runs(RUNS, |_| {
        let draft = store.drafts().create().unwrap();
        let prepared = screenshots::prepare_pasted(&blob_dir, "Pasted.png".into(), &png)
            .ready()
            .unwrap();
        let out = screenshots::attach(&store, draft.id, vec![prepared]).unwrap();
        assert_eq!(out.added.len(), 1);
    });
    let convert = has_convert.then(|| {
        time_runs(RUNS, |_| {
            assert!(tool(
                "convert",
                &[png_s, "-strip", d.join("c.png").to_str().unwrap()]
            ));
        })
    });
    rows.push(Row {
        figure: format!(
            "paste of a 3840 × 2160 screenshot ({:.1} MB PNG) → attachment listed: decode, write again from its pixels, fsync, row",
            png.len() as f64 / 1e6
        ),
        value: fmt(&paste),
        baseline: convert.map_or("ImageMagick not installed".into(), |c| {
            format!("ImageMagick `convert -strip` (decode + encode): {}", fmt(&c))
        }),
        ratio: convert.map_or("—".into(), |c| format!("{:.2}×", paste.p50 / c.p50)),
        target: "p50 ≤ 1.5 s".into(),
        met: Some(paste.p50 <= 1500.0),
    });

    // Strip of a photo with GPS EXIF: 10 MB and 1 MB, to show how the cost grows.
    let mut medians = Vec::new();
    for (label, size) in [("10 MB", 9_500_000usize), ("1 MB", 950_000)] {
        let jpeg = photo_jpeg(size);
        let jpeg_path = d.join(format!("photo-{size}.jpg"));
        std::fs::write(&jpeg_path, &jpeg).unwrap();
        let ours = time_runs(RUNS, |_| {
            let c = picture::clean("photo.jpg", &jpeg, Kind::Jpeg).unwrap();
            assert!(!c.removed.is_empty());
        });
        let exif = has_exiftool.then(|| {
            let out = d.join("e.jpg");
            time_runs(RUNS, |_| {
                let _ = std::fs::remove_file(&out);
                assert!(tool(
                    "exiftool",
                    &[
                        "-q",
                        "-all=",
                        "-o",
                        out.to_str().unwrap(),
                        jpeg_path.to_str().unwrap()
                    ]
                ));
            })
        });
        medians.push(ours.p50);
        let growth = if medians.len() == 2 {
            format!("; 10× the bytes cost {:.1}×", medians[0] / medians[1])
        } else {
            String::new()
        };
        rows.push(Row {
            figure: format!(
                "strip of a {label} JPEG ({:.1} MB, {}) with GPS, camera and thumbnail: decode, upright, encode at q90{growth}",
                jpeg.len() as f64 / 1e6,
                {
                    let i = image::load_from_memory(&jpeg).unwrap();
                    format!("{} × {}", i.width(), i.height())
                }
            ),
            value: fmt(&ours),
            baseline: exif.map_or("exiftool not installed".into(), |e| {
                format!("`exiftool -all=` (lossless, segments dropped, no decode): {}", fmt(&e))
            }),
            ratio: exif.map_or("—".into(), |e| format!("{:.2}×", ours.p50 / e.p50)),
            target: if size > 1_000_000 { "p50 ≤ 2 s".into() } else { "—".into() },
            met: (size > 1_000_000).then_some(ours.p50 <= 2000.0),
        });
    }

    // Annotate-save of a 4K picture: the drawn PNG checked, three redactions applied, written again.
    let areas = [
        Redaction {
            x: 100,
            y: 100,
            width: 800,
            height: 60,
            style: Style::Solid,
        },
        Redaction {
            x: 1200,
            y: 600,
            width: 900,
            height: 400,
            style: Style::Pixelate,
        },
        Redaction {
            x: 3000,
            y: 1800,
            width: 600,
            height: 200,
            style: Style::Solid,
        },
    ];
    let save = time_runs(RUNS, |_| {
        picture::annotated("shot.png", &png, (3840, 2160), &areas, None, Kind::Png).unwrap();
    });
    let draw = has_convert.then(|| {
        time_runs(RUNS, |_| {
            assert!(tool(
                "convert",
                &[
                    png_s,
                    "-fill",
                    "black",
                    "-draw",
                    "rectangle 100,100 900,160",
                    "-draw",
                    "rectangle 3000,1800 3600,2000",
                    "-region",
                    "900x400+1200+600",
                    "-scale",
                    "5%",
                    "-scale",
                    "2000%",
                    d.join("a.png").to_str().unwrap(),
                ]
            ));
        })
    });
    rows.push(Row {
        figure: "annotation save of a 3840 × 2160 picture: the drawn PNG decoded and checked, 2 solid + 1 pixelated redaction applied, written again".into(),
        value: fmt(&save),
        baseline: draw.map_or("ImageMagick not installed".into(), |c| {
            format!("ImageMagick: two filled rectangles and a pixelated region: {}", fmt(&c))
        }),
        ratio: draw.map_or("—".into(), |c| format!("{:.2}×", save.p50 / c.p50)),
        target: "p50 ≤ 1.5 s".into(),
        met: Some(save.p50 <= 1500.0),
    });
}

/// A noisy opaque `width` × `height` picture (what a photo on screen or a busy dashboard is to
/// deflate): over CJ's 10 MB as a PNG, so it is offered smaller.
fn noise_rgba(width: u32, height: u32) -> Vec<u8> {
    let mut s = 0x9E37_79B9u32;
    let mut out = Vec::with_capacity(width as usize * height as usize * 4);
    for _ in 0..width as usize * height as usize {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        out.extend_from_slice(&[s as u8, (s >> 8) as u8, (s >> 16) as u8, 255]);
    }
    out
}

/// A capture over CJ's limit as a PNG, offered smaller: the PNG tried, then the full-size JPEG and
/// the scaled PNG encoded (nothing written until the user chooses). At two sizes, for how the cost
/// grows, next to ImageMagick making the same three files from the same pixels.
pub(crate) fn offer(rows: &mut Vec<Row>) {
    const OFFER_RUNS: usize = 7;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let blob_dir = d.join("blobs");
    std::fs::create_dir_all(&blob_dir).unwrap();
    let has_convert = tool("convert", &["-version"]);
    let mut medians = Vec::new();
    for (w, h) in [(2600u32, 1700u32), (3677, 2404)] {
        let rgba = noise_rgba(w, h);
        let raw = d.join(format!("noise-{w}.rgba"));
        std::fs::write(&raw, &rgba).unwrap();
        let mut scaled_percent = 0;
        let ours = time_runs(OFFER_RUNS, |_| {
            let offered =
                screenshots::prepare_rgba(&blob_dir, "Screenshot.png".into(), w, h, rgba.clone());
            match offered {
                screenshots::Offered::Choose { offer, .. } => {
                    scaled_percent = offer.scaled.as_ref().map_or(0, |s| s.scale_percent);
                }
                screenshots::Offered::Ready(_) => panic!("a noisy {w} × {h} picture is offered"),
            }
        });
        let size = format!("{w}x{h}");
        let theirs = has_convert.then(|| {
            time_runs(OFFER_RUNS, |_| {
                let resize = format!("{scaled_percent}%");
                assert!(tool(
                    "convert",
                    &[
                        "-size",
                        &size,
                        "-depth",
                        "8",
                        &format!("rgba:{}", raw.display()),
                        "-alpha",
                        "off",
                        "-write",
                        d.join("o.png").to_str().unwrap(),
                        "-quality",
                        "90",
                        "-write",
                        d.join("o.jpg").to_str().unwrap(),
                        "-resize",
                        &resize,
                        d.join("s.png").to_str().unwrap(),
                    ]
                ));
            })
        });
        medians.push(ours.p50);
        let growth = if medians.len() == 2 {
            format!("; 2× the pixels cost {:.2}×", medians[1] / medians[0])
        } else {
            String::new()
        };
        rows.push(Row {
            figure: format!(
                "a {w} × {h} capture over CJ's limit offered smaller: PNG tried, full-size JPEG q90 and PNG scaled to {scaled_percent}% encoded{growth}"
            ),
            value: fmt(&ours),
            baseline: theirs.map_or("ImageMagick not installed".into(), |c| {
                format!("ImageMagick writing the same PNG, JPEG q90 and scaled PNG: {}", fmt(&c))
            }),
            ratio: theirs.map_or("—".into(), |c| format!("{:.2}×", ours.p50 / c.p50)),
            target: if w == 2600 { "p50 ≤ 3 s".into() } else { "—".into() },
            met: (w == 2600).then_some(ours.p50 <= 3000.0),
        });
    }
}
