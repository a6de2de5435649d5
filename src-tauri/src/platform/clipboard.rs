//! Writing text to the desktop's clipboard (the Copy buttons) and reading a picture from it (a
//! pasted screenshot), with the same interface on every OS.
//!
//! * **Linux**: through the GTK that Tauri's window already runs on. A clipboard crate would bring
//!   its own X11 and Wayland clients (575 KB of the binary). GTK is only touched on the main thread;
//!   the caller's thread waits (at most 5 s) for it to be done.
//! * **Windows and macOS**: `arboard` (the crate behind tauri-plugin-clipboard-manager), on the
//!   caller's thread: Win32's clipboard and NSPasteboard may be used from any thread, and a command
//!   thread is never the main one.

use casedesk_core::{Error, Result};

/// Puts `text` on the clipboard.
#[cfg(target_os = "linux")]
pub fn copy_text<R: tauri::Runtime>(app: &tauri::AppHandle<R>, text: String) -> Result<()> {
    let (done, wait) = std::sync::mpsc::sync_channel(1);
    app.run_on_main_thread(move || {
        let clipboard = gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD);
        clipboard.set_text(&text);
        let _ = done.send(());
    })
    .map_err(|e| clipboard_error(&e.to_string()))?;
    wait.recv_timeout(std::time::Duration::from_secs(5))
        .map_err(|_| clipboard_error("the window did not answer"))
}

/// Puts `text` on the clipboard.
#[cfg(not(target_os = "linux"))]
pub fn copy_text<R: tauri::Runtime>(_app: &tauri::AppHandle<R>, text: String) -> Result<()> {
    arboard::Clipboard::new()
        .and_then(|mut c| c.set_text(text))
        .map_err(|e| clipboard_error(&e.to_string()))
}

use super::capture::Captured;

/// The picture on the clipboard, or `ClipboardNoImage` when it holds none (text, or nothing).
#[cfg(target_os = "linux")]
pub fn read_image<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> Result<Captured> {
    let (done, wait) = std::sync::mpsc::sync_channel(1);
    app.run_on_main_thread(move || {
        let clipboard = gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD);
        // Asked, not waited for: GTK calls back from its main loop once the owner has answered.
        // Only the pixels are copied there; encoding is the caller's, off the main thread.
        clipboard.request_image(move |_, pixbuf| {
            let _ = done.send(pixbuf.and_then(super::capture::to_rgba));
        });
    })
    .map_err(|e| clipboard_error(&e.to_string()))?;
    match wait.recv_timeout(std::time::Duration::from_secs(10)) {
        Ok(Some(picture)) => Ok(picture),
        Ok(None) => Err(no_image()),
        Err(_) => Err(clipboard_error("the clipboard's owner did not answer")),
    }
}

/// The picture on the clipboard, or `ClipboardNoImage` when it holds none (text, or nothing).
#[cfg(not(target_os = "linux"))]
pub fn read_image<R: tauri::Runtime>(_app: &tauri::AppHandle<R>) -> Result<Captured> {
    let image = arboard::Clipboard::new()
        .and_then(|mut c| c.get_image())
        .map_err(|e| match e {
            arboard::Error::ContentNotAvailable | arboard::Error::ConversionFailure => no_image(),
            other => clipboard_error(&other.to_string()),
        })?;
    Ok(Captured {
        width: u32::try_from(image.width).unwrap_or(u32::MAX),
        height: u32::try_from(image.height).unwrap_or(u32::MAX),
        rgba: image.bytes.into_owned(),
    })
}

fn no_image() -> Error {
    Error::field(
        "attachments",
        casedesk_core::Code::ClipboardNoImage,
        "The clipboard holds no picture. Take a screenshot (PrtScn, or Shift+Cmd+4 on a Mac), then paste.",
    )
}

fn clipboard_error(why: &str) -> Error {
    Error::invalid(
        casedesk_core::Code::Clipboard,
        format!("The clipboard could not be written: {why}."),
    )
}

#[cfg(all(test, windows))]
mod tests {
    //! Win32's clipboard under Wine (which `scripts/cross.sh test-windows` gives a display): what
    //! another program put there is read back as the user copied it. One test, so the clipboard
    //! is not shared between threads.
    use super::*;

    #[test]
    fn text_goes_out_and_a_picture_comes_back_exactly() {
        let app = tauri::test::mock_app();
        let handle = app.handle();
        copy_text(handle, "CJ case 12345 — ünïcode".into()).unwrap();
        let mut other = arboard::Clipboard::new().unwrap();
        assert_eq!(other.get_text().unwrap(), "CJ case 12345 — ünïcode");
        // Text alone is no picture: the user is told to take one.
        let err = read_image(handle).err().expect("text is not a picture");
        assert_eq!(err.code(), casedesk_core::Code::ClipboardNoImage);

        let (w, h) = (37usize, 21usize);
        let rgba: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i * 7) as u8, (i * 13) as u8, (i * 29) as u8, 255])
            .collect();
        other
            .set_image(arboard::ImageData {
                width: w,
                height: h,
                bytes: rgba.clone().into(),
            })
            .unwrap();
        let got = read_image(handle).unwrap();
        assert_eq!((got.width, got.height), (w as u32, h as u32));
        assert!(got.rgba == rgba, "the pasted pixels are the copied ones");
    }
}
