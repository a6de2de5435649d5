//! Capturing the screen ("Take screenshot…"), with the same interface on every OS: the whole desktop
//! as RGBA, or a clear error — never a blank picture.
//!
//! * **Linux, X11 session**: the X11 root window through GDK (the GTK that Tauri's window already
//!   runs on), on the main thread, the caller waiting at most 10 s. The portal is not used there:
//!   X11 lets a client read the screen, and the portal would only add a dialog.
//! * **Linux, Wayland session** (`XDG_SESSION_TYPE=wayland` or `WAYLAND_DISPLAY` set): no client may
//!   read the screen, so the desktop portal's screenshot is asked for ([`portal`]); without a
//!   portal the error says to use the desktop's own tool and paste. There alone the desktop's own
//!   dialog chooses a window or an area ([`with_desktop`]), as no client may list windows either.
//! * **Windows**: GDI — the virtual screen (every monitor) copied with `BitBlt` into a top-down
//!   32-bit DIB, on the caller's thread.
//! * **macOS**: Core Graphics' `CGDisplayCreateImage` of the main display, after
//!   `CGPreflightScreenCaptureAccess`: without the Screen Recording permission macOS hands back the
//!   wallpaper alone, so the permission is asked for and its absence is an error.

use casedesk_core::{Error, Result};

/// A captured screen, tightly packed RGBA.
pub struct Captured {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

pub(super) fn capture_error(why: impl std::fmt::Display) -> Error {
    Error::field(
        "attachments",
        casedesk_core::Code::CaptureFailed,
        format!("The screen could not be captured: {why}."),
    )
}

#[cfg(target_os = "linux")]
mod portal;

/// Whether the desktop itself chooses what is captured (its own screenshot dialog), because no
/// application may list or read other windows: a Wayland session. Elsewhere Casedesk lists them.
#[cfg(target_os = "linux")]
pub fn desktop_chooses() -> bool {
    std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t.eq_ignore_ascii_case("wayland"))
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty())
}

#[cfg(not(target_os = "linux"))]
pub fn desktop_chooses() -> bool {
    false
}

/// What the desktop's own screenshot dialog captured, the user choosing a window or an area there
/// (see [`desktop_chooses`]).
#[cfg(target_os = "linux")]
pub fn with_desktop() -> Result<Captured> {
    if !desktop_chooses() {
        return Err(no_desktop_dialog());
    }
    portal::screenshot(true)
}

#[cfg(not(target_os = "linux"))]
pub fn with_desktop() -> Result<Captured> {
    Err(no_desktop_dialog())
}

fn no_desktop_dialog() -> Error {
    Error::field(
        "attachments",
        casedesk_core::Code::InvalidArgument,
        "Casedesk lists this desktop's windows itself: choose one from the list.",
    )
}

/// Captures the whole desktop.
#[cfg(target_os = "linux")]
pub fn screen<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> Result<Captured> {
    use gtk::gdk;
    use gtk::prelude::*;
    if desktop_chooses() {
        return portal::screenshot(false);
    }
    let (done, wait) = std::sync::mpsc::sync_channel(1);
    app.run_on_main_thread(move || {
        let shot = (|| {
            let root = gdk::Window::default_root_window();
            let (w, h) = (root.width(), root.height());
            let pixbuf = root.pixbuf(0, 0, w, h)?;
            Some(pixbuf)
        })()
        .and_then(|p| to_rgba(&p));
        let _ = done.send(shot);
    })
    .map_err(capture_error)?;
    match wait.recv_timeout(std::time::Duration::from_secs(10)) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(capture_error("the display gave no picture")),
        Err(_) => Err(capture_error("the window did not answer")),
    }
}

#[cfg(target_os = "linux")]
pub(super) fn to_rgba(p: &gtk::gdk_pixbuf::Pixbuf) -> Option<Captured> {
    let (w, h) = (
        u32::try_from(p.width()).ok()?,
        u32::try_from(p.height()).ok()?,
    );
    let stride = usize::try_from(p.rowstride()).ok()?;
    let channels = usize::try_from(p.n_channels()).ok()?;
    if p.bits_per_sample() != 8 || !(3..=4).contains(&channels) || w == 0 || h == 0 {
        return None;
    }
    let bytes = p.read_pixel_bytes();
    let mut rgba = Vec::with_capacity(w as usize * h as usize * 4);
    for y in 0..h as usize {
        let row = bytes.get(y * stride..)?;
        for x in 0..w as usize {
            let px = row.get(x * channels..x * channels + channels)?;
            rgba.extend_from_slice(&[px[0], px[1], px[2], if channels == 4 { px[3] } else { 255 }]);
        }
    }
    Some(Captured {
        width: w,
        height: h,
        rgba,
    })
}

/// Captures the whole desktop.
#[cfg(windows)]
pub fn screen<R: tauri::Runtime>(_app: &tauri::AppHandle<R>) -> Result<Captured> {
    virtual_screen()
}

/// Every monitor's pixels, on the caller's thread.
#[cfg(windows)]
pub(super) fn virtual_screen() -> Result<Captured> {
    use windows_sys::Win32::Graphics::Gdi::*;
    use windows_sys::Win32::UI::WindowsAndMessaging::*;
    // SAFETY: plain GDI calls on handles created here and released before returning; the buffer
    // handed to GetDIBits is sized from the same width and height.
    unsafe {
        let (x, y) = (
            GetSystemMetrics(SM_XVIRTUALSCREEN),
            GetSystemMetrics(SM_YVIRTUALSCREEN),
        );
        let (w, h) = (
            GetSystemMetrics(SM_CXVIRTUALSCREEN),
            GetSystemMetrics(SM_CYVIRTUALSCREEN),
        );
        if w <= 0 || h <= 0 {
            return Err(capture_error("no screen is attached"));
        }
        let screen = GetDC(std::ptr::null_mut());
        if screen.is_null() {
            return Err(capture_error("the screen cannot be opened"));
        }
        let mem = CreateCompatibleDC(screen);
        let bitmap = CreateCompatibleBitmap(screen, w, h);
        let old = SelectObject(mem, bitmap as _);
        let copied = BitBlt(mem, 0, 0, w, h, screen, x, y, SRCCOPY | CAPTUREBLT) != 0;
        let mut info: BITMAPINFO = std::mem::zeroed();
        info.bmiHeader.biSize = std::mem::size_of::<BITMAPINFOHEADER>() as u32;
        info.bmiHeader.biWidth = w;
        info.bmiHeader.biHeight = -h; // top-down rows
        info.bmiHeader.biPlanes = 1;
        info.bmiHeader.biBitCount = 32;
        info.bmiHeader.biCompression = BI_RGB;
        let mut bgra = vec![0u8; w as usize * h as usize * 4];
        let rows = GetDIBits(
            mem,
            bitmap,
            0,
            h as u32,
            bgra.as_mut_ptr().cast(),
            &mut info,
            DIB_RGB_COLORS,
        );
        SelectObject(mem, old);
        DeleteObject(bitmap as _);
        DeleteDC(mem);
        ReleaseDC(std::ptr::null_mut(), screen);
        if !copied || rows != h {
            return Err(capture_error("Windows refused to copy the screen"));
        }
        for px in bgra.chunks_exact_mut(4) {
            px.swap(0, 2);
            px[3] = 255;
        }
        Ok(Captured {
            width: w as u32,
            height: h as u32,
            rgba: bgra,
        })
    }
}

/// Captures the main display.
#[cfg(target_os = "macos")]
pub fn screen<R: tauri::Runtime>(_app: &tauri::AppHandle<R>) -> Result<Captured> {
    use objc2_core_graphics::*;
    screen_recording_allowed()?;
    #[allow(deprecated)] // ScreenCaptureKit is async and Objective-C only; this call still works.
    let image = CGDisplayCreateImage(CGMainDisplayID())
        .ok_or_else(|| capture_error("the display gave no picture"))?;
    from_cgimage(&image)
}

/// Whether macOS lets Casedesk record the screen; asks the first time. Without it macOS hands back
/// the wallpaper alone, so its absence is an error, never a blank picture.
#[cfg(target_os = "macos")]
pub(super) fn screen_recording_allowed() -> Result<()> {
    use objc2_core_graphics::*;
    if !CGPreflightScreenCaptureAccess() {
        // Shows macOS's own prompt the first time; the permission takes effect after a restart.
        let _ = CGRequestScreenCaptureAccess();
        return Err(capture_error(
            "macOS has not allowed Casedesk to record the screen. Allow it in System Settings → \
             Privacy & Security → Screen Recording, then restart Casedesk",
        ));
    }
    Ok(())
}

/// A Core Graphics picture of the screen or of one window as tightly packed RGBA.
#[cfg(target_os = "macos")]
pub(super) fn from_cgimage(image: &objc2_core_graphics::CGImage) -> Result<Captured> {
    use objc2_core_foundation::CFData;
    use objc2_core_graphics::*;
    let (w, h) = (CGImage::width(Some(image)), CGImage::height(Some(image)));
    let stride = CGImage::bytes_per_row(Some(image));
    let bpp = CGImage::bits_per_pixel(Some(image));
    if w == 0 || h == 0 || bpp != 32 {
        return Err(capture_error(
            "the display's picture has an unexpected format",
        ));
    }
    let provider = CGImage::data_provider(Some(image))
        .ok_or_else(|| capture_error("the display's picture has no data"))?;
    let data: objc2_core_foundation::CFRetained<CFData> = CGDataProvider::data(Some(&provider))
        .ok_or_else(|| capture_error("the display's picture has no data"))?;
    let bytes = data.to_vec();
    let mut rgba = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        let row = bytes
            .get(y * stride..y * stride + w * 4)
            .ok_or_else(|| capture_error("the display's picture is short"))?;
        // The display's pixels are BGRA, premultiplied first-alpha little-endian.
        for px in row.chunks_exact(4) {
            rgba.extend_from_slice(&[px[2], px[1], px[0], 255]);
        }
    }
    Ok(Captured {
        width: u32::try_from(w).map_err(capture_error)?,
        height: u32::try_from(h).map_err(capture_error)?,
        rgba,
    })
}
