//! The baseline for `make bench`: an empty Tauri 2 window reporting its first IPC.

#[tauri::command]
fn report_ready() {
    if let Some(path) = std::env::var_os("CASEDESK_READY_FILE") {
        let _ = std::fs::write(path, b"ready");
    }
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![report_ready])
        .run(tauri::generate_context!())
        .expect("the empty shell starts");
}
