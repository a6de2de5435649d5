//! The commands the UI invokes, one per use case, grouped by area. Each is a few lines: state in, one
//! core call, the error mapped to `{code, message, field?}`. Arguments arrive over IPC and are hostile:
//! the core validates them. Every command that touches the store, a file, the keyring or the network
//! runs off the main thread (`async`), so a slow disk or a locked database never freezes the window.

pub mod cases;
pub mod drafts;
pub mod export;
pub mod oauth;
pub mod pictures;
pub mod reasons;
pub mod secrets;
pub mod settings;
pub mod sources;

use casedesk_core::{Error, ErrorPayload};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::events::{Events, ShellEvent};
use crate::{native, AppState};

pub(crate) type Answer<T> = Result<T, ErrorPayload>;

/// Runs `f` with the app's state on a blocking thread. Every command that touches the store, a file,
/// the keyring or a dialog goes through here: nothing that waits runs on the main thread or on one of
/// tokio's few workers (which the follow loops need).
pub(crate) async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&AppState) -> Answer<T> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>()))
        .await
        .unwrap_or_else(|e| {
            Err(ErrorPayload::from(Error::invalid(
                casedesk_core::Code::Internal,
                format!("The command stopped: {e}"),
            )))
        })
}

/// The most rows one list call returns.
pub(crate) const LIST_MAX: u32 = 1000;

/// Every command, for `generate_handler!` (and, in test builds, the drop hook). `build.rs` declares the
/// same list to Tauri's ACL and `capabilities/default.json` grants it; a test keeps the three equal to
/// what `ui/api.js` calls.
macro_rules! app_commands {
    ($($extra:ident),*) => {
        tauri::generate_handler![
            app_info,
            list_drafts,
            search_drafts,
            search_everything,
            create_draft,
            open_draft,
            check_draft,
            save_draft,
            trash_draft,
            restore_draft,
            attach_paths,
            pick_attachments,
            remove_attachment,
            list_reasons,
            add_reason,
            rename_reason,
            move_reason,
            remove_reason,
            add_sub_reason,
            rename_sub_reason,
            move_sub_reason,
            remove_sub_reason,
            export_reasons_to_file,
            import_reasons_from_file,
            description_template,
            system_info,
            get_settings,
            save_settings,
            test_connection,
            test_source_connection,
            list_cases,
            open_case,
            submit_draft,
            hand_filing,
            open_filing_form,
            show_attachments,
            record_case,
            mark_submitted,
            link_case,
            unlink_case,
            dismiss_case,
            set_case_status,
            set_case_muted,
            watch_case,
            check_now,
            list_outbox,
            retry_outbox,
            take_back_outbox,
            discard_outbox,
            open_case_in_browser,
            follow_state,
            import_files,
            import_file_paths,
            copy_text,
            quit_app,
            keep_running_in_tray,
            show_window,
            report_ready,
            next_events,
            finish_close,
            sign_in,
            sign_in_cancel,
            sign_in_code,
            sign_in_code_wait,
            sign_out,
            redact_secrets,
            export_case,
            set_reason_keywords,
            set_sub_reason_keywords,
            set_reason_template,
            set_reason_audience,
            list_cj_accounts,
            set_sub_reason_audience,
            mark_not_secret,
            paste_picture,
            capture_screen,
            list_windows,
            capture_window,
            capture_with_desktop,
            choose_picture_size,
            open_picture,
            picture_bytes,
            save_annotation,
            $($extra),*
        ]
    };
}

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    use cases::*;
    use drafts::*;
    use export::*;
    use oauth::*;
    use pictures::*;
    use reasons::*;
    use secrets::*;
    use settings::*;
    use sources::*;
    #[cfg(not(feature = "e2e-hooks"))]
    {
        app_commands!()
    }
    #[cfg(feature = "e2e-hooks")]
    {
        app_commands!(e2e_drop)
    }
}

/// Test builds only (`--features e2e-hooks`): what an OS drop on the window does — the shell grants
/// the paths and tells the page — because a real drag between X clients cannot be scripted under Xvfb.
/// Release and `make run` builds do not have it.
#[cfg(feature = "e2e-hooks")]
#[tauri::command]
pub fn e2e_drop<R: Runtime>(app: AppHandle<R>, paths: Vec<std::path::PathBuf>) -> Answer<()> {
    app.state::<AppState>().grant(&paths);
    app.state::<Events>().push(ShellEvent::Drop { paths });
    Ok(())
}

/// What the shell has to tell the page, once there is something (or empty after 25 s; the page asks
/// again). See `events.rs` for why the page asks rather than being told.
#[tauri::command]
pub async fn next_events(events: State<'_, Events>) -> Answer<Vec<ShellEvent>> {
    Ok(events.next(std::time::Duration::from_secs(25)).await)
}

/// The page's answer to close request `seq`: it has saved; the window hides to the tray (`keep`,
/// a status source is followed) or closes.
#[tauri::command]
pub fn finish_close<R: Runtime>(
    app: AppHandle<R>,
    events: State<'_, Events>,
    seq: u64,
    keep: bool,
) -> Answer<()> {
    events.close_answered(seq);
    let Some(window) = app.get_webview_window("main") else {
        return Ok(());
    };
    let done = if keep {
        window.hide()
    } else {
        window.destroy()
    };
    done.map_err(|e| {
        ErrorPayload::from(Error::invalid(casedesk_core::Code::Internal, e.to_string()))
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    /// Set when the store could not be opened: the UI shows it and keeps typed text in the window.
    pub store_error: Option<ErrorPayload>,
    /// Stored settings that could not be read (they take their defaults until Settings is saved).
    pub preferences_problem: Option<String>,
}

/// Waits for the store to open, so it runs on a blocking thread, never the main one.
#[tauri::command]
pub async fn app_info<R: Runtime>(app: AppHandle<R>) -> Answer<AppInfo> {
    blocking(app, |state| {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            data_dir: state
                .data_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            store_error: state.with_store(|_| Ok(())).err(),
            preferences_problem: state
                .with_store(casedesk_core::preferences::Preferences::load_checked)
                .ok()
                .filter(|(_, bad)| !bad.is_empty())
                .map(|(_, bad)| {
                    format!(
                        "Some settings could not be read and use their defaults until you save Settings: {}.",
                        bad.join(", ")
                    )
                }),
        })
    })
    .await
}

#[tauri::command]
pub async fn copy_text<R: Runtime>(app: AppHandle<R>, text: String) -> Answer<()> {
    if text.len() > 1024 * 1024 {
        return Err(Error::invalid(casedesk_core::Code::TooLarge, "Too much text to copy.").into());
    }
    let clip = app.clone();
    blocking(app, move |_| {
        crate::platform::clipboard::copy_text(&clip, text).map_err(Into::into)
    })
    .await
}

#[tauri::command]
pub fn quit_app<R: Runtime>(app: AppHandle<R>) {
    app.exit(0);
}

/// The page has drawn its first screen: the window, created hidden, is shown now (no blank frame, and
/// WebKit does not hold the main thread waiting for a page that is still starting).
#[tauri::command]
pub fn show_window<R: Runtime>(app: AppHandle<R>) {
    native::show_main_window(&app);
}

/// Whether closing the window should keep Casedesk running in the tray (a status source is followed).
#[tauri::command]
pub fn keep_running_in_tray(state: State<'_, AppState>) -> bool {
    state.following()
}

/// The page reports that the drafts list is rendered. With `CASEDESK_READY_FILE` set (the start-up
/// benchmark), the moment is written there; otherwise nothing happens.
/// `marks` are the page's own start-up milestones (ms since the page began loading), logged at info
/// level next to the shell's, so a slow start can be read as a timeline (`CASEDESK_LOG=info`).
#[tauri::command]
pub fn report_ready(marks: Option<std::collections::BTreeMap<String, f64>>) {
    if let Some(marks) = marks {
        // The page's clock starts when it began loading; shift it onto the process's (`run` = 0).
        let origin = marks.get("origin").copied().unwrap_or(0.0)
            - crate::STARTED_AT_MS.get().copied().unwrap_or(0.0);
        let marks: Vec<String> = marks
            .iter()
            .filter(|(k, _)| k.as_str() != "origin")
            .take(32)
            .map(|(k, v)| {
                format!(
                    "{}={:.0}ms",
                    k.chars().take(40).collect::<String>(),
                    v + origin
                )
            })
            .collect();
        tracing::info!(page_began = %format!("{origin:.0}ms"), marks = %marks.join(" "), "drafts list rendered");
    }
    if let Some(path) = std::env::var_os("CASEDESK_READY_FILE") {
        let _ = std::fs::write(path, b"ready");
    }
}
