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
