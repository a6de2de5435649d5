//! The browser for the OAuth end-to-end test, named by `BROWSER` (which `xdg-open` follows): it opens
//! the authorization URL it is given and follows the one redirect to the app's loopback listener, as a
//! browser would, then appends the listener's status code to `$TEST_BROWSER_LOG`.

fn main() {
    let url = std::env::args().nth(1).unwrap_or_default();
    let result = casedesk_e2e::oauth_server::play_browser(&url);
    if let Some(log) = std::env::var_os("TEST_BROWSER_LOG") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            // What the app opens must not inherit the JIT switch it set for its own page.
            let jit = std::env::var("JSC_useJIT").unwrap_or_else(|_| "unset".into());
            let _ = writeln!(f, "{result:?} JSC_useJIT={jit}");
        }
    }
    std::process::exit(if result.is_ok() { 0 } else { 1 });
}
