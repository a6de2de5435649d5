//! "One window" on macOS: `CGWindowListCopyWindowInfo` (layer 0, on screen), and the window's own
//! picture from `CGWindowListCreateImage`, which shows it even where other windows cover it.

use super::*;
use objc2_core_foundation::{CFDictionary, CFNumber, CFRetained, CFString, CFType, CGRect};
use objc2_core_graphics::*;

fn value<'a>(d: &'a CFDictionary, key: &CFString) -> Option<&'a CFType> {
    // SAFETY: a key of the window description's own kind; the value lives as long as `d`.
    let v = unsafe { d.value((key as *const CFString).cast()) };
    // SAFETY: the window descriptions hold CF objects only.
    unsafe { v.cast::<CFType>().as_ref() }
}

fn number(d: &CFDictionary, key: &CFString) -> Option<i64> {
    value(d, key)?.downcast_ref::<CFNumber>()?.as_i64()
}

fn text(d: &CFDictionary, key: &CFString) -> String {
    value(d, key)
        .and_then(|v| v.downcast_ref::<CFString>())
        .map(|s| bounded(&s.to_string()))
        .unwrap_or_default()
}

fn windows() -> Option<CFRetained<objc2_core_foundation::CFArray>> {
    CGWindowListCopyWindowInfo(
        CGWindowListOption::OptionOnScreenOnly | CGWindowListOption::ExcludeDesktopElements,
        0,
    )
}

fn on_screen() -> Vec<Listed> {
    let Some(all) = windows() else {
        return Vec::new();
    };
    let own = i64::from(std::process::id());
    let mut out = Vec::new();
    for i in 0..all.count().min((MAX_WINDOWS * 4) as isize) {
        // SAFETY: i is below the array's count; its items are window descriptions.
        let item = unsafe { all.value_at_index(i) };
        // SAFETY: as above; the item lives as long as `all`.
        let Some(d) = (unsafe { item.cast::<CFDictionary>().as_ref() }) else {
            continue;
        };
        // SAFETY: reading the extern statics Core Graphics exports.
        let (k_layer, k_pid, k_id, k_owner, k_name, k_bounds) = unsafe {
            (
                kCGWindowLayer,
                kCGWindowOwnerPID,
                kCGWindowNumber,
                kCGWindowOwnerName,
                kCGWindowName,
                kCGWindowBounds,
            )
        };
        if number(d, k_layer) != Some(0) || number(d, k_pid) == Some(own) {
            continue;
        }
        let Some(id) = number(d, k_id).and_then(|n| u64::try_from(n).ok()) else {
            continue;
        };
        let mut bounds = CGRect::default();
        let has_bounds = value(d, k_bounds)
            .and_then(|v| v.downcast_ref::<CFDictionary>())
            // SAFETY: a bounds dictionary, read into a CGRect on the stack.
            .is_some_and(|b| unsafe {
                CGRectMakeWithDictionaryRepresentation(Some(b), &mut bounds)
            });
        let min = f64::from(crop::MIN_SIDE);
        if !has_bounds || bounds.size.width < min || bounds.size.height < min {
            continue;
        }
        let app = text(d, k_owner);
        // Without the Screen Recording permission macOS leaves other programs' titles out.
        let name = text(d, k_name);
        let title = if name.is_empty() { app.clone() } else { name };
        if title.is_empty() {
            continue;
        }
        out.push(Listed { id, title, app });
        if out.len() >= MAX_WINDOWS {
            break;
        }
    }
    out
}

fn window_picture(id: u32) -> Result<Captured> {
    // SAFETY: reading the extern static Core Graphics exports.
    let null = unsafe { CGRectNull };
    #[allow(deprecated)]
    // ScreenCaptureKit is async and Objective-C only; this call still works.
    let image = CGWindowListCreateImage(
        null,
        CGWindowListOption::OptionIncludingWindow,
        id,
        CGWindowImageOption::BoundsIgnoreFraming,
    )
    .ok_or_else(gone)?;
    capture::from_cgimage(&image)
}

/// The windows that may be captured, topmost first, Casedesk's own left out.
pub fn list() -> Result<Vec<Listed>> {
    Ok(on_screen())
}

/// Nothing to do on macOS: the window's own picture is taken, whatever covers it.
pub fn bring_forward(id: u64) -> Result<()> {
    if !on_screen().iter().any(|l| l.id == id) {
        return Err(gone());
    }
    Ok(())
}

/// The window's picture, from Core Graphics (after the Screen Recording permission).
pub fn capture<R: tauri::Runtime>(_app: &tauri::AppHandle<R>, id: u64) -> Result<Captured> {
    capture::screen_recording_allowed()?;
    window_picture(u32::try_from(id).map_err(|_| gone())?)
}
