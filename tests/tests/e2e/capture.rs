//! "Take screenshot…" in the real app beyond the whole screen: one window (an ImageMagick `display`
//! window showing a known picture, found by its title in Casedesk's list, its picture checked pixel
//! for pixel) and a region (the screen captured, the area kept dragged with WebDriver pointer
//! actions, the stored file of that size; cancelled, the capture is gone again).

use super::pictures::{attachments, blob, make_picture};
use super::*;
use std::process::{Child, Command, Stdio};

/// Shows `picture` in a top-level X window titled `title` at (x, y), as another program would,
/// and waits (at most 20 s) until the X server has it mapped; answers where its inside is on the
/// screen (xwininfo's absolute upper-left corner is outside the border `display` gives it).
fn show_window(
    desktop: &Desktop,
    picture: &Path,
    title: &str,
    at: (u32, u32),
) -> (Child, (u32, u32)) {
    let mut child = Command::new("timeout")
        .args([
            "120",
            "display",
            "-display",
            &desktop.display,
            "-title",
            title,
        ])
        .args(["-geometry", &format!("+{}+{}", at.0, at.1)])
        .arg(picture)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ImageMagick's display (make test installs imagemagick)");
    for _ in 0..200 {
        let out = Command::new("timeout")
            .args([
                "2",
                "xwininfo",
                "-display",
                &desktop.display,
                "-name",
                title,
            ])
            .output();
        let info = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        if let Ok(info) = info.as_deref() {
            if info.contains("IsViewable") {
                let corner = |key: &str| -> u32 {
                    let line = info.lines().find(|l| l.trim().starts_with(key)).unwrap();
                    line.rsplit(':').next().unwrap().trim().parse().unwrap()
                };
                // The outer corner, border included.
                let b = corner("Border width");
                let at = (
                    corner("Absolute upper-left X") + b,
                    corner("Absolute upper-left Y") + b,
                );
                return (child, at);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the {title:?} window did not appear within 20 s");
}

pub(super) fn open_chooser(app: &App) {
    app.click(&app.tid("capture-screenshot"));
    app.wait_until("the capture chooser", Duration::from_secs(10), |a| {
        a.exec(
            "return document.getElementById('capture-dialog').open",
            json!([]),
        ) == json!(true)
    });
}

pub(super) fn stored(data: &Path, a: &serde_json::Value) -> image::RgbaImage {
    let file = blob(data, a["sha256"].as_str().unwrap());
    image::load_from_memory(&std::fs::read(file).unwrap())
        .unwrap()
        .to_rgba8()
}

#[test]
fn one_window_is_found_by_its_title_and_captured_pixel_for_pixel() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let picture = make_picture(desktop.dir.path());
    let app = desktop.launch(&data);
    new_draft(&app);
    let (mut viewer, _) = show_window(&desktop, &picture, "Report 42 — totals", (120, 90));
    // Casedesk's window raised over it (no window manager here): the capture must bring the
    // chosen window forward, and leave Casedesk out.
    let raised = Command::new("timeout")
        .args([
            "10",
            "xdotool",
            "search",
            "--onlyvisible",
            "--name",
            "^Casedesk$",
            "windowraise",
        ])
        .env("DISPLAY", &desktop.display)
        .status()
        .is_ok_and(|s| s.success());
    assert!(raised, "xdotool raised Casedesk's window");

    open_chooser(&app);
    app.click(&app.tid("capture-window-list"));
    app.wait_until("the window is listed", Duration::from_secs(10), |a| {
        count(
            a,
            "[data-testid=capture-window][data-title='Report 42 — totals']",
        ) == 1
    });
    let listed = text_of(&app, "capture-windows");
    assert!(
        !listed.contains("Casedesk"),
        "Casedesk's own window is left out: {listed}"
    );
    shot(&desktop, "25-capture-window-list");
    app.click(&app.find("[data-testid=capture-window][data-title='Report 42 — totals']"));
    app.wait_until("the capture is listed", Duration::from_secs(20), |a| {
        count(a, "[data-testid=attachment-item][data-kind=png]") == 1
    });
    let got = stored(&data, &attachments(&app)[0]);
    let want = image::open(&picture).unwrap().to_rgba8();
    assert_eq!(got.dimensions(), want.dimensions(), "the window alone");
    let differ = got
        .pixels()
        .zip(want.pixels())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(differ, 0, "the window's picture is the picture shown in it");
    app.wait_until("the window is shown again", Duration::from_secs(10), |a| {
        a.exec("return document.visibilityState", json!([])) == json!("visible")
    });
    // A window that closed meanwhile is an error in the chooser, not a blank picture.
    open_chooser(&app);
    app.click(&app.tid("capture-window-list"));
    app.wait_until("the window is listed", Duration::from_secs(10), |a| {
        count(a, "[data-testid=capture-window]") >= 1
    });
    // SIGTERM, which `timeout` passes on to `display` (a SIGKILL would leave it running).
    let _ = Command::new("kill")
        .args(["-TERM", &viewer.id().to_string()])
        .status();
    let _ = viewer.wait();
    app.click(&app.find("[data-testid=capture-window][data-title='Report 42 — totals']"));
    app.wait_until("the error", Duration::from_secs(20), |a| {
        text_of(a, "capture-error").contains("no longer open")
    });
    assert_eq!(count(&app, "[data-testid=attachment-item]"), 1);
    shot(&desktop, "26-capture-window-gone");
    app.click(&app.tid("capture-cancel"));
    app.quit();
}

#[test]
fn a_region_is_dragged_over_the_capture_and_only_it_is_kept() {
    let desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    new_draft(&app);

    // Cancelled: the capture is removed again.
    open_chooser(&app);
    app.click(&app.tid("capture-region"));
    app.wait_until("the editor, cropping", Duration::from_secs(20), |a| {
        a.exec(
            "return document.getElementById('annotate-dialog').open",
            json!([]),
        ) == json!(true)
    });
    assert_eq!(
        app.exec(
            "return document.getElementById('tool-crop').getAttribute('aria-pressed')",
            json!([])
        ),
        json!("true")
    );
    app.click(&app.tid("annotation-cancel"));
    app.wait_until("no attachment", Duration::from_secs(10), |a| {
        count(a, "[data-testid=attachment-item]") == 0 && attachments(a).is_empty()
    });

    // Kept: the area dragged over the capture, from a tenth in to the middle, over a window
    // showing a known picture.
    let picture = make_picture(desktop.dir.path());
    let (mut viewer, (vx, vy)) = show_window(&desktop, &picture, "Report 43", (120, 90));
    open_chooser(&app);
    app.click(&app.tid("capture-region"));
    app.wait_until("the editor, cropping", Duration::from_secs(20), |a| {
        a.exec(
            "return document.getElementById('annotate-dialog').open",
            json!([]),
        ) == json!(true)
    });
    let css = app.exec(
        "const c = document.getElementById('annotation-canvas'); const r = c.getBoundingClientRect();
         return [r.left, r.top, r.width, r.height, c.width, c.height]",
        json!([]),
    );
    let n = |i: usize| css[i].as_f64().unwrap();
    assert_eq!((css[4].clone(), css[5].clone()), (json!(1400), json!(900)));
    app.drag(
        ((n(0) + n(2) * 0.1) as i64, (n(1) + n(3) * 0.1) as i64),
        ((n(0) + n(2) * 0.5) as i64, (n(1) + n(3) * 0.5) as i64),
        8,
    );
    app.wait_until("the area kept", Duration::from_secs(5), |a| {
        text_of(a, "annotation-status").contains("keeps ")
    });
    let status = text_of(&app, "annotation-status");
    shot(&desktop, "27-capture-region");
    // "keeps W × H at X, Y of 1400 × 900"
    let numbers: Vec<u32> = status
        .split("keeps ")
        .nth(1)
        .unwrap()
        .split(" of")
        .next()
        .unwrap()
        .split(|c: char| !c.is_ascii_digit())
        .filter(|v| !v.is_empty())
        .map(|v| v.parse().unwrap())
        .collect();
    let [w, h, x0, y0] = numbers[..] else {
        panic!("{status}")
    };
    // 40 % of 1400 × 900 from a tenth in, give or take the scaling of the canvas on the page.
    let near = |v: u32, want: i64| (i64::from(v) - want).abs() <= 8;
    assert!(
        near(w, 560) && near(h, 360) && near(x0, 140) && near(y0, 90),
        "{status}"
    );
    app.click(&app.tid("annotation-save"));
    app.wait_until("the region is listed", Duration::from_secs(15), |a| {
        count(a, "[data-testid=picture-annotated]") == 1
    });
    let list = attachments(&app);
    assert_eq!(list.len(), 1, "the region's version alone is listed");
    let kept = stored(&data, &list[0]);
    assert_eq!(kept.dimensions(), (w, h));
    // Where the kept area covers the viewer's window, it is the picture shown there, moved by the
    // area's origin: the crop is in the file, at the place it was drawn.
    let want = image::open(&picture).unwrap().to_rgba8();
    let mut same = 0;
    for y in 0..h {
        for x in 0..w {
            let (sx, sy) = (x0 + x, y0 + y);
            if (vx..vx + 480).contains(&sx) && (vy..vy + 320).contains(&sy) {
                assert_eq!(
                    kept.get_pixel(x, y),
                    want.get_pixel(sx - vx, sy - vy),
                    "at {x},{y}"
                );
                same += 1;
            }
        }
    }
    assert!(
        same > 100_000,
        "the region covered the viewer ({same} pixels)"
    );
    let _ = Command::new("kill")
        .args(["-TERM", &viewer.id().to_string()])
        .status();
    let _ = viewer.wait();
    app.quit();
}
