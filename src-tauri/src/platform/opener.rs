//! Opening things outside the app: a web address in the desktop's browser, a folder in its file
//! manager, through the desktop's launcher — started without the JIT switch the app set for its own
//! page (see [`super::webview`]).
//!
//! The launchers are the `open` crate's for each OS: `xdg-open`, `gio` and friends on Linux;
//! `open` on macOS; on Windows PowerShell's `Start-Process` then `explorer.exe`, both spawned with
//! `CREATE_NO_WINDOW`, so no console window flashes from our GUI process (open 5.4's `commands`).

/// Opens a web address in the desktop's browser. Only http(s): a page-supplied `file:` or `javascript:`
/// address is refused.
pub fn open_url(url: &str) -> casedesk_core::Result<()> {
    let parsed = url::Url::parse(url).map_err(|_| {
        casedesk_core::Error::invalid(
            casedesk_core::Code::OpenFailed,
            "That is not a web address.",
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(casedesk_core::Error::invalid(
            casedesk_core::Code::OpenFailed,
            "Only http:// and https:// addresses are opened.",
        ));
    }
    open_detached(parsed.as_str().as_ref()).map_err(|e| {
        casedesk_core::Error::invalid(
            casedesk_core::Code::OpenFailed,
            format!("No browser could be opened: {e}"),
        )
    })
}

/// Opens a folder in the desktop's file manager.
pub fn open_folder(dir: &std::path::Path) -> casedesk_core::Result<()> {
    open_detached(dir.as_os_str()).map_err(|e| {
        casedesk_core::Error::invalid(
            casedesk_core::Code::OpenFailed,
            format!("No file manager could be opened: {e}"),
        )
    })
}

use super::webview::{JIT_OFF_BY_US, JIT_VAR};

/// Opens `target` with the desktop's opener, trying each launcher the `open` crate knows (xdg-open,
/// gio, …) as its `that_detached` does: one that fails within a second gives way to the next, one
/// still running then has taken it (and is reaped when it ends). Unlike it, the launcher does not
/// inherit [`JIT_VAR`]: a WebKit browser the user opens keeps its JIT.
fn open_detached(target: &std::ffi::OsStr) -> std::io::Result<()> {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut last = None;
    for mut cmd in open::commands(target) {
        if JIT_OFF_BY_US.load(std::sync::atomic::Ordering::SeqCst) {
            cmd.env_remove(JIT_VAR);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = match cmd.spawn() {
            Ok(child) => child,
            Err(e) => {
                last = Some(e);
                continue;
            }
        };
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    last = Some(std::io::Error::other(format!("launcher {status}")));
                    break;
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Ok(None) => {
                    std::thread::spawn(move || child.wait());
                    return Ok(());
                }
                Err(e) => {
                    last = Some(e);
                    break;
                }
            }
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no launcher found")))
}
