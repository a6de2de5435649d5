//! Keeping the page's script off the JavaScript JIT, where the web view allows it.
//!
//! The page is our own code, a few hundred lines per view that spend their time in the DOM and
//! waiting on the shell. Without a JIT it leaves no writable-and-executable memory in the process
//! that renders text from support desks (the hardening browsers offer), and on Linux it saved the web
//! process 9.5 MB (`casedesk-bench ab`, n=8; start-up unchanged).
//!
//! * **Linux (WebKitGTK)**: `JSC_useJIT=false` in our environment, which WebKit's web process
//!   inherits; set first thing, before any thread exists. `JSC_useJIT=true` brings the JIT back.
//!   What we open (a browser) is started without it ([`super::opener`]).
//! * **Windows (WebView2)**: V8's `--jitless`, passed as a browser argument by the window's
//!   `additionalBrowserArgs` in `tauri.conf.json` (with the three `--disable-features` Tauri passes
//!   by default, which that setting replaces). Checked by `tauri_conf_turns_the_jit_off_on_windows`.
//! * **macOS (WKWebView)**: no public switch exists (only the system-wide Lockdown Mode turns the JIT
//!   off), so the JIT stays on there; the README says so.

/// The variable that turns JavaScriptCore's JIT off in our web process (WebKitGTK).
pub const JIT_VAR: &str = "JSC_useJIT";
/// Whether Casedesk set [`JIT_VAR`] itself (then what it opens does not inherit it).
pub static JIT_OFF_BY_US: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns the page's JIT off where that is done from the process (Linux). Called first thing in `run`.
pub fn interpreted_page_script() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(JIT_VAR).is_none() {
        std::env::set_var(JIT_VAR, "false");
        JIT_OFF_BY_US.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tauri_conf_turns_the_jit_off_on_windows() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).expect("tauri.conf.json");
        let args = conf["app"]["windows"][0]["additionalBrowserArgs"]
            .as_str()
            .unwrap_or_default();
        assert!(
            args.split_whitespace().any(|a| a == "--js-flags=--jitless"),
            "WebView2 must be started without V8's JIT: {args:?}"
        );
        assert!(
            args.contains("--disable-features=msWebOOUI,msPdfOOUI,msSmartScreenProtection"),
            "setting the arguments replaces Tauri's defaults, which must be kept: {args:?}"
        );
    }
}
