//! Screenshots in the real app: a PNG put on the X clipboard by xclip and pasted with Ctrl+V; a
//! redaction drawn with WebDriver pointer actions in the annotation editor, checked in the sent
//! file's pixels; a GPS photo picked in the GTK chooser, checked with exiftool (not ours); a capture of
//! the X screen with Casedesk's window hidden.

use super::*;

/// The draft's attachments as the shell lists them (`open_draft`).
pub(crate) fn attachments(app: &App) -> Vec<serde_json::Value> {
    let r = app.post_async(
        "window.__TAURI_INTERNALS__.invoke('list_drafts', {limit: 1, after: null})
           .then((d) => window.__TAURI_INTERNALS__.invoke('open_draft', {id: d[0].id}))
           .then((v) => v.attachments)",
    );
    r.as_array().cloned().unwrap_or_default()
}

pub(crate) fn blob(data: &Path, sha: &str) -> PathBuf {
    data.join("attachments").join(&sha[..2]).join(sha)
}

/// A 480 × 320 picture with detail everywhere (ImageMagick's plasma, fixed seed).
pub(crate) fn make_picture(dir: &Path) -> PathBuf {
    let p = dir.join("report.png");
    let ok = std::process::Command::new("convert")
        .args([
            "-seed",
            "7",
            "-size",
            "480x320",
            "plasma:fractal",
            "-depth",
            "8",
        ])
        .arg(&p)
        .status()
        .expect("ImageMagick's convert (make test installs imagemagick)");
    assert!(ok.success());
    p
}

#[test]
fn a_pasted_screenshot_is_attached_and_a_redaction_drawn_on_it_is_in_the_sent_pixels() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let original = make_picture(desktop.dir.path());
    let app = desktop.launch(&data);
    new_draft(&app);

    let mut owner = desktop.set_clipboard_png(&original);
    app.click(&app.tid("description"));
    app.press(&["\u{E009}", "v"]); // Control+V
    app.wait_until(
        "the pasted picture is listed",
        Duration::from_secs(20),
        |a| count(a, "[data-testid=attachment-item][data-kind=png]") == 1,
    );
    let _ = owner.kill();
    let _ = owner.wait();
    assert!(
        text_of(&app, "attachments").contains("Pasted "),
        "named for when it was pasted"
    );
    assert!(
        text_of(&app, "metadata-removed").contains("metadata")
            || text_of(&app, "metadata-removed").contains("removed")
    );
    assert_eq!(count(&app, "[data-testid=picture-not-reviewed]"), 1);
    let pasted = attachments(&app)[0].clone();
    let pasted_file = blob(&data, pasted["sha256"].as_str().unwrap());
    let before = image::open(&original).unwrap().to_rgba8();
    let as_pasted = image::load_from_memory(&std::fs::read(&pasted_file).unwrap())
        .unwrap()
        .to_rgba8();
    assert_eq!(as_pasted.dimensions(), (480, 320));
    assert!(
        as_pasted == before,
        "the paste is the picture, pixel for pixel"
    );

    // The editor: a solid redaction dragged over the top-left quarter of the canvas.
    app.click(&app.tid("annotate"));
    app.wait_until("the annotation editor", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('annotate-dialog').open",
            json!([]),
        ) == json!(true)
    });
    let css = app.exec(
        "const c = document.getElementById('annotation-canvas'); const r = c.getBoundingClientRect();
         return [r.left, r.top, r.width, r.height, c.width]",
        json!([]),
    );
    let n = |i: usize| css[i].as_f64().unwrap();
    assert_eq!(
        css[4],
        json!(480),
        "the canvas has the picture's own pixels"
    );
    // From just inside its top-left corner to its centre: the top-left quarter of the picture.
    app.drag(
        ((n(0) + 1.0) as i64, (n(1) + 1.0) as i64),
        ((n(0) + n(2) / 2.0) as i64, (n(1) + n(3) / 2.0) as i64),
        8,
    );
    app.wait_until("one redaction drawn", Duration::from_secs(5), |a| {
        text_of(a, "annotation-status").contains("1 redaction")
    });
    shot(&desktop, "20-annotation-redaction");
    app.click(&app.tid("annotation-save"));
    app.wait_until(
        "the redacted version is listed",
        Duration::from_secs(15),
        |a| count(a, "[data-testid=picture-redacted]") == 1,
    );
    app.scroll_to(&app.tid("attachments"));
    shot(&desktop, "21-redacted-attachment");
    let saved = attachments(&app)[0].clone();
    assert_ne!(saved["sha256"], pasted["sha256"], "a new version");
    assert_eq!(saved["reviewed"], json!(true));
    let sent = image::load_from_memory(
        &std::fs::read(blob(&data, saved["sha256"].as_str().unwrap())).unwrap(),
    )
    .unwrap()
    .to_rgba8();
    assert_eq!(sent.dimensions(), (480, 320));
    // Well inside the dragged area (a quarter of the picture): black, where the original had detail.
    let (mut black, mut was_black) = (0, 0);
    for y in 10..150 {
        for x in 10..230 {
            if sent.get_pixel(x, y).0 == [0, 0, 0, 255] {
                black += 1;
            }
            if before.get_pixel(x, y).0[..3] == [0, 0, 0] {
                was_black += 1;
            }
        }
    }
    assert_eq!(black, 140 * 220, "every pixel under the redaction is black");
    assert!(
        was_black < 100,
        "the original was not black there ({was_black})"
    );
    // Outside it the picture is unchanged.
    assert_eq!(sent.get_pixel(400, 300), before.get_pixel(400, 300));
    assert!(
        pasted_file.exists(),
        "the original stays in the data folder, unsent"
    );
    app.quit();
}

fn exiftool(path: &Path) -> serde_json::Value {
    let out = std::process::Command::new("exiftool")
        .args(["-j", "-G", "-a"])
        .arg(path)
        .output()
        .expect("exiftool (make test installs libimage-exiftool-perl)");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("exiftool's JSON");
    v[0].clone()
}

#[test]
fn a_gps_photo_picked_in_the_gtk_chooser_arrives_without_location_or_thumbnail() {
    let desktop = Desktop::start();
    let files = desktop.dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let photo = files.join("DSCN0010.jpg");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/casedesk-core/tests/fixtures/images/exif-samples/gps--DSCN0010.jpg"),
        &photo,
    )
    .unwrap();
    let tags = exiftool(&photo);
    assert!(
        tags.get("EXIF:GPSLatitude").is_some(),
        "the original has a position: {tags}"
    );
    assert!(tags.get("EXIF:ThumbnailImage").is_some(), "and a thumbnail");
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    new_draft(&app);
    pick_with_gtk_dialog(&desktop, &app, &photo);
    app.wait_until("the photo is listed", Duration::from_secs(20), |a| {
        count(a, "[data-testid=attachment-item][data-kind=jpeg]") == 1
    });
    let note = text_of(&app, "metadata-removed");
    assert!(
        note.contains("location") && note.contains("camera") && note.contains("thumbnail"),
        "{note}"
    );
    app.scroll_to(&app.tid("attachments"));
    shot(&desktop, "22-photo-metadata-removed");
    let a = attachments(&app)[0].clone();
    let sent = blob(&data, a["sha256"].as_str().unwrap());
    let tags = exiftool(&sent);
    let left: Vec<&String> = tags
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| {
            k.starts_with("GPS:")
                || k.starts_with("EXIF:")
                || k.starts_with("XMP")
                || k.starts_with("IPTC")
                || k.contains("Thumbnail")
                || k.starts_with("MakerNotes")
        })
        .collect();
    assert!(left.is_empty(), "exiftool still finds {left:?}");
    assert_eq!(tags["File:FileType"], json!("JPEG"));
    app.quit();
}

#[test]
fn take_screenshot_captures_the_x_screen_with_casedesk_hidden_meanwhile() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    super::cases::fill_ready_draft(&app, "Commission report shows wrong totals for May", "");
    app.click(&app.tid("capture-screenshot"));
    app.wait_until("the capture chooser", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('capture-dialog').open",
            json!([]),
        ) == json!(true)
    });
    shot(&desktop, "22-capture-chooser");
    app.click(&app.tid("capture-whole"));
    app.wait_until("the capture is listed", Duration::from_secs(20), |a| {
        count(a, "[data-testid=attachment-item][data-kind=png]") == 1
    });
    assert!(text_of(&app, "attachments").contains("Screenshot "));
    let a = attachments(&app)[0].clone();
    let shot_file = blob(&data, a["sha256"].as_str().unwrap());
    let captured = image::load_from_memory(&std::fs::read(&shot_file).unwrap())
        .unwrap()
        .to_rgba8();
    assert_eq!(captured.dimensions(), (1400, 900), "the whole X screen");
    // Xvfb has no window manager or wallpaper: with Casedesk hidden the screen is its root
    // background alone (one colour, or X's two-colour weave). Had the window been in the picture,
    // most of it would be the app's page, in many colours.
    let mut colours = std::collections::HashMap::new();
    for p in captured.pixels() {
        *colours.entry(p.0).or_insert(0usize) += 1;
    }
    let mut counts: Vec<usize> = colours.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let background: usize = counts.iter().take(2).sum();
    assert!(
        background as f64 > 0.98 * (1400.0 * 900.0),
        "the capture shows more than the background ({} colours, {background} background pixels)",
        colours.len()
    );
    // And the window is back.
    app.wait_until("the window is shown again", Duration::from_secs(10), |a| {
        a.exec("return document.visibilityState", json!([])) == json!("visible")
    });
    shot(&desktop, "23-after-capture");

    // Submit reminds of the picture nobody reviewed (a reminder: "Continue anyway" goes on).
    app.click(&app.tid("submit"));
    app.wait_until("the reminder", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('secret-warning-dialog').open",
            json!([]),
        ) == json!(true)
    });
    let warning = text_of(&app, "submit-secret-warning");
    assert!(warning.contains("1 screenshot not reviewed"), "{warning}");
    assert!(!warning.contains("possible secret"), "{warning}");
    shot(&desktop, "24-unreviewed-reminder");
    app.click(&app.tid("secret-continue"));
    app.wait_until("the CJ form panel", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('submit-dialog').open",
            json!([]),
        ) == json!(true)
    });
    app.quit();
}
