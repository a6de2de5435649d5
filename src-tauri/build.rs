//! Tauri's build step, with the app's own ACL manifest: every command the shell registers is declared
//! here, so `capabilities/default.json` grants the main window exactly those (a command not granted is
//! refused to every page). `crates/casedesk-core/tests/invariants.rs` keeps this list equal to the
//! handler's, the capability's and what `ui/api.js` calls.

const COMMANDS: &[&str] = &[
    "app_info",
    "list_drafts",
    "search_drafts",
    "search_everything",
    "create_draft",
    "open_draft",
    "check_draft",
    "save_draft",
    "trash_draft",
    "restore_draft",
    "attach_paths",
    "pick_attachments",
    "remove_attachment",
    "list_reasons",
    "add_reason",
    "rename_reason",
    "move_reason",
    "remove_reason",
    "add_sub_reason",
    "rename_sub_reason",
    "move_sub_reason",
    "remove_sub_reason",
    "export_reasons_to_file",
    "import_reasons_from_file",
    "description_template",
    "system_info",
    "get_settings",
    "save_settings",
    "test_connection",
    "test_source_connection",
    "list_cases",
    "open_case",
    "submit_draft",
    "hand_filing",
    "open_filing_form",
    "show_attachments",
    "record_case",
    "mark_submitted",
    "link_case",
    "unlink_case",
    "dismiss_case",
    "set_case_status",
    "set_case_muted",
    "watch_case",
    "check_now",
    "list_outbox",
    "retry_outbox",
    "take_back_outbox",
    "discard_outbox",
    "open_case_in_browser",
    "follow_state",
    "import_files",
    "import_file_paths",
    "copy_text",
    "quit_app",
    "keep_running_in_tray",
    "show_window",
    "report_ready",
    "next_events",
    "finish_close",
    "sign_in",
    "sign_in_cancel",
    "sign_in_code",
    "sign_in_code_wait",
    "sign_out",
    "redact_secrets",
    "export_case",
    "set_reason_keywords",
    "set_sub_reason_keywords",
    "set_reason_template",
    "set_reason_audience",
    "list_cj_accounts",
    "set_sub_reason_audience",
    "mark_not_secret",
    "paste_picture",
    "capture_screen",
    "list_windows",
    "capture_window",
    "capture_with_desktop",
    "choose_picture_size",
    "open_picture",
    "picture_bytes",
    "save_annotation",
];

fn main() {
    // The UI is embedded at compile time; tauri-build only tracks its config, so track the assets too.
    println!("cargo:rerun-if-changed=../ui");
    // Test builds (`--features e2e-hooks`) add the drop hook. The manifest wants a 'static list; a
    // build script runs once, so leaking the copy is fine.
    let commands: &'static [&'static str] = if std::env::var_os("CARGO_FEATURE_E2E_HOOKS").is_some()
    {
        let mut all = COMMANDS.to_vec();
        all.push("e2e_drop");
        Box::leak(all.into_boxed_slice())
    } else {
        COMMANDS
    };
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri-build");
}
