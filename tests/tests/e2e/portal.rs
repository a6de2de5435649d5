//! "Take screenshot…" in a Wayland session, where no application may read the screen or list its
//! windows: the app asks the desktop portal (`org.freedesktop.portal.Screenshot`) on the real session
//! bus. The portal here is a stand-in (`src/bin/stand-in-portal.rs`: the protocol without a Wayland
//! compositor, which a test machine has not); the app, its bus traffic, the file it reads and the
//! attachment it makes are real.

use super::capture::{open_chooser, stored};
use super::pictures::{attachments, make_picture};
use super::*;

fn calls(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("calls"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn same_pixels(got: &image::RgbaImage, want: &image::RgbaImage) -> usize {
    assert_eq!(got.dimensions(), want.dimensions());
    got.pixels()
        .zip(want.pixels())
        .filter(|(a, b)| a != b)
        .count()
}

fn wait_visible(app: &App) {
    app.wait_until("the window is shown again", Duration::from_secs(10), |a| {
        a.exec("return document.visibilityState", json!([])) == json!("visible")
    });
}

#[test]
fn under_wayland_the_desktop_portal_takes_the_screenshot_and_its_dialog_picks_the_window() {
    let mut desktop = Desktop::start();
    let data = desktop.dir.path().join("data");
    let portal = desktop.dir.path().join("portal");
    std::fs::create_dir_all(&portal).unwrap();
    // Where GNOME's portal writes its pictures, with the spaces of its names (a URI with %20).
    let folder = desktop.dir.path().join("home/Pictures/Screenshots");
    std::fs::create_dir_all(&folder).unwrap();
    let taken = folder.join("Screenshot from 2026-12-06 17-02-11.png");
    std::fs::copy(make_picture(desktop.dir.path()), &taken).unwrap();
    let want = image::open(&taken).unwrap().to_rgba8();
    std::fs::write(
        portal.join("answer"),
        format!("picture {}", taken.display()),
    )
    .unwrap();
    desktop.start_portal(Path::new(env!("CARGO_BIN_EXE_stand-in-portal")), &portal);
    desktop
        .app_env
        .push(("XDG_SESSION_TYPE".into(), "wayland".into()));
    // The two minutes the app gives the desktop's dialog, shortened for the give-up below.
    desktop
        .app_env
        .push(("CASEDESK_E2E_PORTAL_WAIT_MS".into(), "3000".into()));
    let app = desktop.launch(&data);
    new_draft(&app);

    // Whole screen: the portal asked without its dialog, its picture attached pixel for pixel.
    open_chooser(&app);
    app.click(&app.tid("capture-whole"));
    app.wait_until(
        "the portal's picture is attached",
        Duration::from_secs(20),
        |a| count(a, "[data-testid=attachment-item][data-kind=png]") == 1,
    );
    assert_eq!(same_pixels(&stored(&data, &attachments(&app)[0]), &want), 0);
    let asked = calls(&portal);
    assert_eq!(asked.len(), 1, "one request: {asked:?}");
    assert!(asked[0].starts_with("interactive=false"), "{asked:?}");
    wait_visible(&app);

    // One window: no list of windows here; the desktop's own dialog chooses it.
    open_chooser(&app);
    app.click(&app.tid("capture-window-list"));
    app.wait_until(
        "the desktop's dialog is offered",
        Duration::from_secs(10),
        |a| count(a, "[data-testid=capture-desktop]") == 1,
    );
    assert_eq!(count(&app, "[data-testid=capture-window]"), 0);
    assert!(
        text_of(&app, "capture-windows").contains("desktop's own screenshot dialog"),
        "the chooser says why"
    );
    shot(&desktop, "29-capture-by-desktop");
    // What the user picked in the desktop's dialog: another picture (a window's part of the screen).
    let window = folder.join("Screenshot from 2026-12-06 17-03-40.png");
    let part = image::imageops::crop_imm(&want, 40, 30, 200, 150).to_image();
    part.save(&window).unwrap();
    std::fs::write(
        portal.join("answer"),
        format!("picture {}", window.display()),
    )
    .unwrap();
    app.click(&app.tid("capture-desktop"));
    app.wait_until(
        "the chosen window is attached",
        Duration::from_secs(20),
        |a| count(a, "[data-testid=attachment-item][data-kind=png]") == 2,
    );
    let got = attachments(&app);
    let newest = got
        .iter()
        .find(|a| stored(&data, a).dimensions() == (200, 150))
        .expect("the window's picture is attached");
    assert_eq!(same_pixels(&stored(&data, newest), &part), 0);
    let asked = calls(&portal);
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked[1].starts_with("interactive=true"), "{asked:?}");
    assert_ne!(asked[0], asked[1], "each request has a token of its own");
    wait_visible(&app);

    // Cancelled in the desktop's dialog: said in the chooser, nothing attached.
    std::fs::write(portal.join("answer"), "cancel").unwrap();
    open_chooser(&app);
    app.click(&app.tid("capture-whole"));
    app.wait_until("the cancel is said", Duration::from_secs(20), |a| {
        count(
            a,
            "[data-testid=capture-error] [data-code=capture_cancelled]",
        ) == 1
    });
    assert_eq!(count(&app, "[data-testid=attachment-item]"), 2);
    wait_visible(&app);

    // A portal answering with something that is not a picture: an error, never a blank picture.
    let fake = folder.join("Screenshot.png");
    std::fs::write(&fake, "<html>not a picture</html>").unwrap();
    std::fs::write(portal.join("answer"), format!("picture {}", fake.display())).unwrap();
    app.click(&app.tid("capture-whole"));
    app.wait_until("the bad file is refused", Duration::from_secs(20), |a| {
        count(a, "[data-testid=capture-error] [data-code=capture_failed]") == 1
    });
    assert_eq!(count(&app, "[data-testid=attachment-item]"), 2);
    wait_visible(&app);

    // A dialog that never answers (the user walked away): given up on after the wait, the request
    // closed so no picture comes later, nothing attached.
    std::fs::write(portal.join("answer"), "silent").unwrap();
    let started = std::time::Instant::now();
    app.click(&app.tid("capture-whole"));
    app.wait_until("the give-up is said", Duration::from_secs(20), |a| {
        text_of(a, "capture-error").contains("did not answer within 3 seconds")
    });
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "the wait was waited"
    );
    let asked = calls(&portal);
    let last = asked.last().unwrap();
    assert!(
        last.starts_with("close /org/freedesktop/portal/desktop/request/")
            && last.ends_with(asked[asked.len() - 2].rsplit('=').next().unwrap()),
        "the unanswered request is closed: {asked:?}"
    );
    assert_eq!(count(&app, "[data-testid=attachment-item]"), 2);
    wait_visible(&app);

    // No portal at all: at once an error that says how else (the desktop's tool and a paste).
    desktop.stop_portal();
    let started = std::time::Instant::now();
    app.click(&app.tid("capture-whole"));
    app.wait_until("no portal is said", Duration::from_secs(20), |a| {
        text_of(a, "capture-error").contains("paste")
    });
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "no wait for a portal that is not there"
    );
    assert_eq!(count(&app, "[data-testid=attachment-item]"), 2);
    app.quit();
}
