//! A pasted screenshot too large for CJ as a PNG is offered smaller in the real app: full size as a
//! JPEG, or a PNG scaled with its factor shown, or not attached at all.

use super::pictures::{attachments, blob};
use super::*;

/// A 2,600 × 1,700 picture of colour noise (ImageMagick, fixed seed): about 11.3 MB as a PNG, since noise
/// does not compress, and well under 10 MB as a JPEG.
fn make_large_picture(dir: &Path) -> PathBuf {
    let p = dir.join("large.png");
    let ok = std::process::Command::new("convert")
        .args([
            "-seed",
            "5",
            "-size",
            "2600x1700",
            "xc:gray",
            "-channel",
            "RGB",
            "+noise",
            "Random",
            "-depth",
            "8",
        ])
        .arg(format!("PNG24:{}", p.display()))
        .status()
        .expect("ImageMagick's convert (make test installs imagemagick)");
    assert!(ok.success());
    assert!(
        std::fs::metadata(&p).unwrap().len() > 10_000_000,
        "the picture is over CJ's limit"
    );
    p
}

fn size_dialog_open(app: &App) -> bool {
    app.exec(
        "return document.getElementById('size-dialog').open",
        json!([]),
    ) == json!(true)
}

fn paste(desktop: &Desktop, app: &App, picture: &Path) {
    let mut owner = desktop.set_clipboard_png(picture);
    app.click(&app.tid("description"));
    app.press(&["\u{E009}", "v"]); // Control+V
    app.wait_until(
        "the offer of a smaller picture",
        Duration::from_secs(60),
        size_dialog_open,
    );
    let _ = owner.kill();
    let _ = owner.wait();
}

#[test]
fn a_paste_over_cjs_limit_is_offered_as_a_full_size_jpeg_or_a_scaled_png_or_dropped() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let large = make_large_picture(desktop.dir.path());
    let app = desktop.launch(&data);
    new_draft(&app);

    // Full size as a JPEG: every pixel, under 10 MB, named .jpg.
    paste(&desktop, &app, &large);
    let why = text_of(&app, "size-why");
    assert!(
        why.contains("2600 × 1700") && why.contains("as a PNG"),
        "{why}"
    );
    let jpeg_label = text_of(&app, "size-jpeg");
    let scaled_label = text_of(&app, "size-scaled");
    assert!(jpeg_label.contains("Full size as JPEG"), "{jpeg_label}");
    assert!(scaled_label.contains("PNG scaled to "), "{scaled_label}");
    assert_eq!(
        count(&app, "[data-testid=attachment-item]"),
        0,
        "nothing is attached before the choice"
    );
    shot(&desktop, "28-size-offer");
    app.click(&app.tid("size-jpeg"));
    app.wait_until("the JPEG is listed", Duration::from_secs(30), |a| {
        count(a, "[data-testid=attachment-item][data-kind=jpeg]") == 1
    });
    let listed = attachments(&app);
    let jpeg = listed.iter().find(|a| a["kind"] == "jpeg").unwrap();
    assert!(jpeg["name"].as_str().unwrap().ends_with(".jpg"), "{jpeg}");
    let file = std::fs::read(blob(&data, jpeg["sha256"].as_str().unwrap())).unwrap();
    assert!(file.len() <= 10_000_000, "{}", file.len());
    assert_eq!(&file[..3], b"\xFF\xD8\xFF", "a JPEG by content");
    let sent = image::load_from_memory(&file).unwrap();
    assert_eq!(
        (sent.width(), sent.height()),
        (2600, 1700),
        "every pixel kept"
    );
    assert_eq!(count(&app, "[data-testid=picture-scaled]"), 0);

    // The PNG scaled: the factor shown in the offer is the one on the attachment.
    paste(&desktop, &app, &large);
    let percent: u32 = text_of(&app, "size-scaled")
        .split("scaled to ")
        .nth(1)
        .and_then(|t| t.split('%').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("the factor is shown");
    assert!((50..100).contains(&percent), "{percent}");
    app.click(&app.tid("size-scaled"));
    app.wait_until("the scaled PNG is listed", Duration::from_secs(30), |a| {
        count(a, "[data-testid=attachment-item][data-kind=png]") == 1
    });
    let note = text_of(&app, "picture-scaled");
    assert!(note.contains(&format!("scaled to {percent}%")), "{note}");
    let listed = attachments(&app);
    let png = listed.iter().find(|a| a["kind"] == "png").unwrap();
    let file = std::fs::read(blob(&data, png["sha256"].as_str().unwrap())).unwrap();
    assert!(file.len() <= 10_000_000, "{}", file.len());
    let sent = image::load_from_memory(&file).unwrap();
    assert_eq!(
        (f64::from(sent.width()) * 100.0 / 2600.0).round() as u32,
        percent,
        "scaled as said ({} px wide)",
        sent.width()
    );

    // "Don't attach it": nothing added, and the offer is gone (choosing it afterwards is refused).
    paste(&desktop, &app, &large);
    app.click(&app.tid("size-cancel"));
    app.wait_until("the offer is closed", Duration::from_secs(10), |a| {
        !size_dialog_open(a)
    });
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(count(&app, "[data-testid=attachment-item]"), 2);
    let stale = app.post_async(
        "window.__TAURI_INTERNALS__.invoke('list_drafts', {limit: 1, after: null})
           .then((d) => window.__TAURI_INTERNALS__.invoke('choose_picture_size', {draftId: d[0].id, token: 1, choice: 'jpeg'}))
           .then(() => 'attached', (e) => e.code)",
    );
    assert_eq!(stale, json!("invalid_argument"));
    assert_eq!(attachments(&app).len(), 2);
    app.quit();
}
