//! "One window" on Windows: `EnumWindows`, visible, not minimised, not cloaked, not tool windows;
//! the chosen one brought to the foreground and cut out of the virtual screen at its DWM frame bounds.

use super::*;
use windows_sys::Win32::Foundation::{CloseHandle, HWND, LPARAM, RECT};
use windows_sys::Win32::Graphics::Dwm::{
    DwmGetWindowAttribute, DWMWA_CLOAKED, DWMWA_EXTENDED_FRAME_BOUNDS,
};
use windows_sys::Win32::System::Threading::{
    GetCurrentProcessId, OpenProcess, QueryFullProcessImageNameW, PROCESS_NAME_WIN32,
    PROCESS_QUERY_LIMITED_INFORMATION,
};
use windows_sys::Win32::UI::WindowsAndMessaging::*;

unsafe extern "system" fn each(hwnd: HWND, lparam: LPARAM) -> windows_sys::core::BOOL {
    // SAFETY: lparam is the &mut Vec handed to EnumWindows below, alive for the whole call.
    let out = unsafe { &mut *(lparam as *mut Vec<HWND>) };
    if out.len() < MAX_WINDOWS * 4 {
        out.push(hwnd);
    }
    1
}

fn windows() -> Vec<HWND> {
    let mut out: Vec<HWND> = Vec::new();
    // SAFETY: the callback only pushes to `out`, which outlives the call.
    unsafe { EnumWindows(Some(each), &mut out as *mut Vec<HWND> as LPARAM) };
    out
}

fn title(hwnd: HWND) -> String {
    let mut buf = [0u16; 512];
    // SAFETY: the buffer's length is passed; the answer is at most that many units.
    let n = unsafe { GetWindowTextW(hwnd, buf.as_mut_ptr(), buf.len() as i32) };
    bounded(&String::from_utf16_lossy(&buf[..n.clamp(0, 512) as usize]))
}

fn app(pid: u32) -> String {
    // SAFETY: a handle opened for reading the image name only, closed before returning.
    unsafe {
        let h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if h.is_null() {
            return String::new();
        }
        let mut buf = [0u16; 1024];
        let mut len = buf.len() as u32;
        let ok = QueryFullProcessImageNameW(h, PROCESS_NAME_WIN32, buf.as_mut_ptr(), &mut len);
        CloseHandle(h);
        if ok == 0 {
            return String::new();
        }
        let path = String::from_utf16_lossy(&buf[..(len as usize).min(buf.len())]);
        let file = path.rsplit(['\\', '/']).next().unwrap_or("");
        bounded(file.strip_suffix(".exe").unwrap_or(file))
    }
}

/// The window's frame on the virtual screen, relative to its top-left corner (the capture's
/// origin), where it is a visible, unminimised, uncloaked application window.
fn rect(hwnd: HWND) -> Option<(i64, i64, i64, i64)> {
    // SAFETY: queries on a window handle; a closed window answers failure, not a fault.
    unsafe {
        if IsWindowVisible(hwnd) == 0 || IsIconic(hwnd) != 0 {
            return None;
        }
        let mut cloaked: u32 = 0;
        let hr = DwmGetWindowAttribute(
            hwnd,
            DWMWA_CLOAKED as u32,
            (&mut cloaked as *mut u32).cast(),
            4,
        );
        if hr == 0 && cloaked != 0 {
            return None;
        }
        let mut r: RECT = std::mem::zeroed();
        let hr = DwmGetWindowAttribute(
            hwnd,
            DWMWA_EXTENDED_FRAME_BOUNDS as u32,
            (&mut r as *mut RECT).cast(),
            std::mem::size_of::<RECT>() as u32,
        );
        if hr != 0 && GetWindowRect(hwnd, &mut r) == 0 {
            return None;
        }
        let (ox, oy) = (
            GetSystemMetrics(SM_XVIRTUALSCREEN),
            GetSystemMetrics(SM_YVIRTUALSCREEN),
        );
        Some((
            i64::from(r.left - ox),
            i64::from(r.top - oy),
            i64::from(r.right - r.left),
            i64::from(r.bottom - r.top),
        ))
    }
}

fn listed(hwnd: HWND) -> Option<Listed> {
    let mut pid = 0u32;
    // SAFETY: queries on a window handle from EnumWindows.
    let (ex, own) = unsafe {
        GetWindowThreadProcessId(hwnd, &mut pid);
        (
            GetWindowLongW(hwnd, GWL_EXSTYLE) as u32,
            GetCurrentProcessId(),
        )
    };
    if pid == own || ex & WS_EX_TOOLWINDOW != 0 {
        return None;
    }
    let (_, _, w, h) = rect(hwnd)?;
    let title = title(hwnd);
    if title.is_empty() || w < i64::from(crop::MIN_SIDE) || h < i64::from(crop::MIN_SIDE) {
        return None;
    }
    Some(Listed {
        id: hwnd as usize as u64,
        title,
        app: app(pid),
    })
}

fn find(id: u64) -> Option<HWND> {
    windows()
        .into_iter()
        .find(|h| *h as usize as u64 == id && listed(*h).is_some())
}

fn raise(hwnd: HWND) {
    // SAFETY: a window handle just found by EnumWindows; failure leaves it where it was.
    unsafe { SetForegroundWindow(hwnd) };
}

/// The windows that may be captured, topmost first (EnumWindows' Z order), Casedesk's own left out.
pub fn list() -> Result<Vec<Listed>> {
    Ok(windows()
        .into_iter()
        .filter_map(listed)
        .take(MAX_WINDOWS)
        .collect())
}

/// Brings the window to the foreground (before Casedesk hides itself for the capture).
pub fn bring_forward(id: u64) -> Result<()> {
    raise(find(id).ok_or_else(gone)?);
    Ok(())
}

/// The window's picture, as it is on the screen now.
pub fn capture<R: tauri::Runtime>(_app: &tauri::AppHandle<R>, id: u64) -> Result<Captured> {
    window_picture(id)
}

fn window_picture(id: u64) -> Result<Captured> {
    let hwnd = find(id).ok_or_else(gone)?;
    cut(capture::virtual_screen()?, rect(hwnd).ok_or_else(gone)?)
}

#[cfg(test)]
mod tests {
    //! Run under Wine by `scripts/cross.sh test-windows`, which gives Wine a display (Xvfb): another
    //! process — this test binary again — shows a red window; the list must name it and leave
    //! this process's own window out, and its capture and the screen's must show its red.
    use super::*;
    use std::time::{Duration, Instant};
    use windows_sys::Win32::Graphics::Gdi::CreateSolidBrush;

    const PROBE: &str = "Casedesk window-list probe";
    const OWN: &str = "Casedesk own window";
    const RED: [u8; 4] = [255, 0, 0, 255];

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain([0]).collect()
    }

    /// A visible 400 × 300 window filled red, at (x, y) on the screen.
    fn red_window(title: &str, x: i32, y: i32) -> HWND {
        let class = wide("CasedeskProbe");
        let title = wide(title);
        // SAFETY: a window class and a window of this process, with DefWindowProcW as their
        // procedure; the strings outlive the calls.
        unsafe {
            let wc = WNDCLASSW {
                lpfnWndProc: Some(DefWindowProcW),
                hbrBackground: CreateSolidBrush(0x0000_00FF),
                lpszClassName: class.as_ptr(),
                ..std::mem::zeroed()
            };
            RegisterClassW(&wc);
            let hwnd = CreateWindowExW(
                0,
                class.as_ptr(),
                title.as_ptr(),
                WS_OVERLAPPEDWINDOW | WS_VISIBLE,
                x,
                y,
                400,
                300,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null(),
            );
            assert!(
                !hwnd.is_null(),
                "no window could be made: has Wine a display?"
            );
            hwnd
        }
    }

    fn pump(for_at_most: Duration) {
        let until = Instant::now() + for_at_most;
        // SAFETY: this thread's own message queue.
        unsafe {
            let mut msg: MSG = std::mem::zeroed();
            while Instant::now() < until {
                while PeekMessageW(&mut msg, std::ptr::null_mut(), 0, 0, PM_REMOVE) != 0 {
                    TranslateMessage(&msg);
                    DispatchMessageW(&msg);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    fn pixel(c: &Captured, x: i64, y: i64) -> [u8; 4] {
        let i = (y as usize * c.width as usize + x as usize) * 4;
        c.rgba[i..i + 4].try_into().unwrap()
    }

    /// Kills the probe when the test ends, passed or not.
    struct Probe(std::process::Child);
    impl Drop for Probe {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    #[test]
    #[ignore = "run by lists_and_captures_another_programs_window as a child process"]
    fn probe_window() {
        if std::env::var_os("CASEDESK_PROBE_WINDOW").is_none() {
            return;
        }
        red_window(PROBE, 300, 200);
        pump(Duration::from_secs(60));
    }

    #[test]
    fn lists_and_captures_another_programs_window() {
        let exe = std::env::current_exe().unwrap();
        let mut probe = Probe(
            std::process::Command::new(&exe)
                .args(["--exact", "platform::window_list::win::tests::probe_window"])
                .args(["--ignored", "--nocapture"])
                .env("CASEDESK_PROBE_WINDOW", "1")
                .spawn()
                .unwrap(),
        );
        // This process's own window is never offered.
        let own = red_window(OWN, 20, 20);
        pump(Duration::from_millis(200));

        let until = Instant::now() + Duration::from_secs(30);
        let found = loop {
            if let Some(l) = list().unwrap().into_iter().find(|l| l.title == PROBE) {
                break l;
            }
            assert!(
                probe.0.try_wait().unwrap().is_none(),
                "the probe ended early"
            );
            assert!(
                Instant::now() < until,
                "the probe's window was never listed"
            );
            pump(Duration::from_millis(100));
        };
        let listed = list().unwrap();
        assert!(listed
            .iter()
            .all(|l| l.title != OWN && l.id != own as usize as u64));
        let stem = exe.file_stem().unwrap().to_string_lossy().into_owned();
        assert_eq!(found.app, stem, "the program is named from its image");

        bring_forward(found.id).unwrap();
        let hwnd = find(found.id).unwrap();
        let (x, y, w, h) = rect(hwnd).unwrap();
        assert!(
            w >= 400 && h >= 300,
            "the frame holds the 400 × 300 window: {w} × {h}"
        );
        // The probe paints once it is shown: wait (bounded) for its red.
        let until = Instant::now() + Duration::from_secs(10);
        let shot = loop {
            let shot = window_picture(found.id).unwrap();
            if pixel(&shot, w / 2, h / 2) == RED || Instant::now() > until {
                break shot;
            }
            pump(Duration::from_millis(100));
        };
        assert_eq!((i64::from(shot.width), i64::from(shot.height)), (w, h));
        assert_eq!(
            pixel(&shot, w / 2, h / 2),
            RED,
            "the window's picture shows its red"
        );
        let screen = capture::virtual_screen().unwrap();
        assert_eq!(
            pixel(&screen, x + w / 2, y + h / 2),
            RED,
            "and so does the screen's"
        );
        assert!(
            screen.rgba.chunks_exact(4).any(|p| p != RED),
            "the screen is not the window alone"
        );

        drop(probe);
        let until = Instant::now() + Duration::from_secs(10);
        let gone = loop {
            match window_picture(found.id) {
                Err(e) => break e,
                Ok(_) if Instant::now() < until => pump(Duration::from_millis(100)),
                Ok(_) => panic!("a closed window was still captured"),
            }
        };
        assert!(gone.to_string().contains("no longer open"), "{gone}");
        assert!(bring_forward(found.id).is_err());
        // SAFETY: this process's own window, made above.
        unsafe { DestroyWindow(own) };
    }
}
