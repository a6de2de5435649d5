//! The commands the UI invokes, one per use case. Each is a few lines: state in, one core call, the error
//! mapped to `{code, message, field?}`. Arguments arrive over IPC and are hostile: the core validates them.
//! Every command that touches the store or a file runs off the main thread (`async`), so a slow disk
//! or a locked database never freezes the window.

use casedesk_core::draft::DraftInput;
use casedesk_core::drafting::{self, AttachOutcome, DraftCheck, DraftView, SaveOutcome};
use casedesk_core::store::CatalogueExport;
use casedesk_core::store::{DraftSummary, Reason, SearchHit};
use casedesk_core::sysinfo::SystemInfo;
use casedesk_core::{lint, Error, ErrorPayload};
use serde::Serialize;
use tauri::State;

use crate::{native, AppState};
use casedesk_core::filing::{self, SubmitOutcome};
use casedesk_core::preferences::Preferences;
use casedesk_core::provider::cj_web::{self, CjWeb};
use casedesk_core::provider::rt::Rt;
use casedesk_core::provider::{Capabilities, CaseProvider, ProviderKind};
use casedesk_core::store::{Case, DraftRecord, HistoryEntry, OutboxItem, PageCursor};
use tauri::{AppHandle, Runtime};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_clipboard_manager::ClipboardExt as _;
use tauri_plugin_opener::OpenerExt as _;

type Answer<T> = Result<T, ErrorPayload>;

/// The most drafts one list call returns.
const LIST_MAX: u32 = 1000;
const SEARCH_MAX: u32 = 50;
const QUERY_MAX_BYTES: usize = 1000;

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app_info,
        list_drafts,
        search_drafts,
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
        export_reasons,
        import_reasons,
        export_reasons_to_file,
        import_reasons_from_file,
        description_template,
        system_info,
        get_settings,
        save_settings,
        test_connection,
        list_cases,
        open_case,
        submit_draft,
        cj_web_fields,
        open_cj_form,
        show_attachments,
        record_case,
        set_case_status,
        set_case_muted,
        watch_case,
        check_now,
        list_outbox,
        open_case_in_browser,
        copy_text,
        quit_app,
        keep_running_in_tray,
        show_window,
        report_ready,
    ]
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    /// Set when the store could not be opened: the UI shows it and keeps typed text in the window.
    pub store_error: Option<ErrorPayload>,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: state.data_dir().display().to_string(),
        store_error: state.with_store(|_| Ok(())).err(),
    }
}

#[tauri::command(async)]
pub fn list_drafts(
    state: State<'_, AppState>,
    limit: Option<u32>,
    after: Option<PageCursor>,
) -> Answer<Vec<DraftSummary>> {
    let limit = limit.unwrap_or(LIST_MAX).min(LIST_MAX);
    state.with_store(|s| s.drafts().list_page(limit, after))
}

#[tauri::command(async)]
pub fn search_drafts(state: State<'_, AppState>, query: String) -> Answer<Vec<SearchHit>> {
    if query.len() > QUERY_MAX_BYTES {
        return Err(Error::field("search", "query_too_long", "The search is too long.").into());
    }
    state.with_store(|s| s.drafts().search(&query, SEARCH_MAX))
}

#[tauri::command(async)]
pub fn create_draft(state: State<'_, AppState>) -> Answer<DraftView> {
    state.with_store(|s| drafting::open(s, s.drafts().create()?.id))
}

#[tauri::command(async)]
pub fn open_draft(state: State<'_, AppState>, id: i64) -> Answer<DraftView> {
    state.with_store(|s| drafting::open(s, id))
}

#[tauri::command(async)]
pub fn check_draft(
    state: State<'_, AppState>,
    id: Option<i64>,
    input: DraftInput,
) -> Answer<DraftCheck> {
    state.with_store(|s| drafting::check(s, id, &input))
}

#[tauri::command(async)]
pub fn save_draft(state: State<'_, AppState>, id: i64, input: DraftInput) -> Answer<SaveOutcome> {
    state.with_store(|s| drafting::save(s, id, &input))
}

#[tauri::command(async)]
pub fn trash_draft(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.with_store(|s| s.drafts().trash(id))
}

#[tauri::command(async)]
pub fn restore_draft(state: State<'_, AppState>, id: i64) -> Answer<DraftView> {
    state.with_store(|s| drafting::open(s, s.drafts().restore(id)?.id))
}

/// Files dropped on the window.
#[tauri::command(async)]
pub fn attach_paths(
    state: State<'_, AppState>,
    draft_id: i64,
    paths: Vec<String>,
) -> Answer<AttachOutcome> {
    state.with_store(|s| drafting::attach(s, draft_id, &paths))
}

/// "Add files…": the native dialog, then the same checks as a drop. Cancelling adds nothing.
#[tauri::command(async)]
pub fn pick_attachments(state: State<'_, AppState>, draft_id: i64) -> Answer<AttachOutcome> {
    let paths = native::pick_attachment_files();
    state.with_store(|s| drafting::attach(s, draft_id, &paths))
}

#[tauri::command(async)]
pub fn remove_attachment(
    state: State<'_, AppState>,
    draft_id: i64,
    attachment_id: i64,
) -> Answer<()> {
    state.with_store(|s| s.attachments().remove(draft_id, attachment_id))
}

#[tauri::command(async)]
pub fn list_reasons(state: State<'_, AppState>) -> Answer<Vec<Reason>> {
    state.with_store(|s| s.reasons().list())
}

#[tauri::command(async)]
pub fn add_reason(state: State<'_, AppState>, name: String) -> Answer<i64> {
    state.with_store(|s| s.reasons().add(&name))
}

#[tauri::command(async)]
pub fn rename_reason(state: State<'_, AppState>, id: i64, name: String) -> Answer<()> {
    state.with_store(|s| s.reasons().rename(id, &name))
}

#[tauri::command(async)]
pub fn move_reason(state: State<'_, AppState>, id: i64, by: i32) -> Answer<()> {
    state.with_store(|s| s.reasons().shift(id, by))
}

#[tauri::command(async)]
pub fn remove_reason(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.with_store(|s| s.reasons().remove(id))
}

#[tauri::command(async)]
pub fn add_sub_reason(state: State<'_, AppState>, reason_id: i64, name: String) -> Answer<i64> {
    state.with_store(|s| s.reasons().add_sub(reason_id, &name))
}

#[tauri::command(async)]
pub fn rename_sub_reason(state: State<'_, AppState>, id: i64, name: String) -> Answer<()> {
    state.with_store(|s| s.reasons().rename_sub(id, &name))
}

#[tauri::command(async)]
pub fn move_sub_reason(state: State<'_, AppState>, id: i64, by: i32) -> Answer<()> {
    state.with_store(|s| s.reasons().shift_sub(id, by))
}

#[tauri::command(async)]
pub fn remove_sub_reason(state: State<'_, AppState>, id: i64) -> Answer<()> {
    state.with_store(|s| s.reasons().remove_sub(id))
}

#[tauri::command(async)]
pub fn export_reasons(state: State<'_, AppState>) -> Answer<CatalogueExport> {
    state.with_store(|s| s.reasons().export())
}

#[tauri::command(async)]
pub fn import_reasons(state: State<'_, AppState>, json: String) -> Answer<usize> {
    state.with_store(|s| s.reasons().import(&json))
}

/// Export through the native save dialog. `false` when the user cancelled.
#[tauri::command(async)]
pub fn export_reasons_to_file(state: State<'_, AppState>) -> Answer<bool> {
    let export = state.with_store(|s| s.reasons().export())?;
    native::save_json_file("casedesk-case-reasons.json", &export)
        .map_err(|e| ErrorPayload::from(&e))
}

/// Import through the native open dialog. `None` when the user cancelled.
#[tauri::command(async)]
pub fn import_reasons_from_file(state: State<'_, AppState>) -> Answer<Option<usize>> {
    let Some(json) = native::open_json_file().map_err(|e| ErrorPayload::from(&e))? else {
        return Ok(None);
    };
    state.with_store(|s| s.reasons().import(&json)).map(Some)
}

#[tauri::command(async)]
pub fn description_template() -> String {
    lint::description_template()
}

#[tauri::command(async)]
pub fn system_info() -> String {
    SystemInfo::read(env!("CARGO_PKG_VERSION")).as_text()
}

// ---- Settings ----

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub preferences: Preferences,
    /// Whether a token is in the secret store. The token itself never crosses IPC outward.
    pub has_rt_token: bool,
    pub capabilities: Capabilities,
}

const TOKEN_MAX: usize = 512;

fn settings_view(state: &AppState) -> Answer<SettingsView> {
    let preferences = state.with_store(Preferences::load)?;
    let has_rt_token = native::secret_get(&state.secret_service, native::RT_TOKEN)
        .ok()
        .flatten()
        .is_some();
    Ok(SettingsView {
        preferences,
        has_rt_token,
        capabilities: state.current_provider().capabilities(),
    })
}

fn checked_token(token: &Option<String>) -> Answer<Option<String>> {
    match token.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t)
            if t.len() > TOKEN_MAX || t.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            Err(Error::field(
                "rt_token",
                "token_invalid",
                "That does not look like an RT token.",
            )
            .into())
        }
        Some(t) => Ok(Some(t.to_owned())),
    }
}

#[tauri::command(async)]
pub fn get_settings(state: State<'_, AppState>) -> Answer<SettingsView> {
    settings_view(&state)
}

/// Saves preferences; `rt_token` is stored in the OS secret store when given (absent = keep).
#[tauri::command(async)]
pub fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    preferences: Preferences,
    rt_token: Option<String>,
) -> Answer<SettingsView> {
    preferences.validate().map_err(ErrorPayload::from)?;
    if let Some(token) = checked_token(&rt_token)? {
        native::secret_set(&state.secret_service, native::RT_TOKEN, &token)?;
    }
    state.with_store(|s| preferences.save(s))?;
    state.install_provider(&preferences)?;
    let autostart = app.autolaunch();
    let result = if preferences.start_at_login {
        autostart.enable()
    } else {
        autostart.disable()
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not change start at login");
    }
    state.check_now();
    settings_view(&state)
}

/// Tries the given settings (and token, or the stored one) with one request.
#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    preferences: Preferences,
    rt_token: Option<String>,
) -> Answer<String> {
    preferences.validate().map_err(ErrorPayload::from)?;
    let provider: Box<dyn CaseProvider> = match preferences.provider_kind {
        ProviderKind::CjWeb => Box::new(CjWeb {
            form_url: preferences.cj_form_url.clone(),
        }),
        ProviderKind::Rt => {
            let token = match checked_token(&rt_token)? {
                Some(t) => t,
                None => {
                    native::secret_get(&state.secret_service, native::RT_TOKEN)?.unwrap_or_default()
                }
            };
            Box::new(
                Rt::new(preferences.rt_settings(), &token, crate::PROVIDER_TIMEOUT)
                    .map_err(|e| ErrorPayload::from(Error::from(e)))?,
            )
        }
    };
    provider
        .test_connection()
        .await
        .map_err(|e| ErrorPayload::from(Error::from(e)))
}

// ---- Cases ----

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseDetail {
    pub case: Case,
    pub history: Vec<HistoryEntry>,
    pub draft: Option<DraftRecord>,
    pub url: Option<String>,
    /// For providers without polling: the statuses the user picks from.
    pub statuses: Vec<String>,
    pub can_poll: bool,
}

#[tauri::command(async)]
pub fn list_cases(
    state: State<'_, AppState>,
    limit: Option<u32>,
    after: Option<PageCursor>,
) -> Answer<Vec<Case>> {
    let limit = limit.unwrap_or(LIST_MAX).min(LIST_MAX);
    state.with_store(|s| s.cases().list_page(limit, after))
}

fn case_detail(state: &AppState, id: i64) -> Answer<CaseDetail> {
    let provider = state.current_provider();
    state.with_store(|s| {
        let case = s.cases().get(id)?;
        let prefs = Preferences::load(s)?;
        let draft = match case.draft_id {
            Some(d) => s.drafts().get_any(d)?,
            None => None,
        };
        let same_kind = case.provider == provider.kind().as_str();
        Ok(CaseDetail {
            history: s.cases().history(id)?,
            url: if same_kind {
                provider.case_url(&case.case_number)
            } else {
                None
            },
            statuses: if case.provider == "cj-web" {
                prefs.cj_statuses.clone()
            } else {
                Vec::new()
            },
            can_poll: same_kind && provider.capabilities().poll,
            draft,
            case,
        })
    })
}

#[tauri::command(async)]
pub fn open_case(state: State<'_, AppState>, id: i64) -> Answer<CaseDetail> {
    case_detail(&state, id)
}

/// Sends a ready draft through the provider in use, or queues it in the outbox when it is away.
#[tauri::command]
pub async fn submit_draft(state: State<'_, AppState>, draft_id: i64) -> Answer<SubmitOutcome> {
    let store = state.shared_store()?;
    let provider = state.current_provider();
    let outcome = filing::submit_draft(&store, provider.as_ref(), draft_id)
        .await
        .map_err(ErrorPayload::from)?;
    // The first status of a new case is worth reading now, not an interval from now.
    state.check_now();
    Ok(outcome)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldCopy {
    pub label: &'static str,
    pub value: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CjWebView {
    pub fields: Vec<FieldCopy>,
    pub formatted: String,
    pub form_url: String,
    pub attachment_count: usize,
}

/// The draft, field by field, for pasting into CJ's form.
#[tauri::command(async)]
pub fn cj_web_fields(state: State<'_, AppState>, draft_id: i64) -> Answer<CjWebView> {
    state.with_store(|s| {
        let token = filing::new_client_token(draft_id, s.now());
        let sub = filing::build_submission(s, draft_id, &token)?;
        let prefs = Preferences::load(s)?;
        let reason = sub.reason.clone().unwrap_or_default();
        let sub_reason = sub.sub_reason.clone().unwrap_or_default();
        Ok(CjWebView {
            formatted: cj_web::formatted_case(
                &sub.subject,
                &sub.description,
                &reason,
                &sub_reason,
                &sub.cc,
            ),
            fields: vec![
                FieldCopy {
                    label: "Email Addresses to CC",
                    value: sub.cc.join(", "),
                },
                FieldCopy {
                    label: "Subject",
                    value: sub.subject,
                },
                FieldCopy {
                    label: "Description",
                    value: sub.description,
                },
                FieldCopy {
                    label: "Case Reason",
                    value: reason,
                },
                FieldCopy {
                    label: "Sub Reason",
                    value: sub_reason,
                },
            ],
            form_url: prefs.cj_form_url,
            attachment_count: sub.attachments.len(),
        })
    })
}

#[tauri::command(async)]
pub fn open_cj_form<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Answer<()> {
    let url = state.with_store(Preferences::load)?.cj_form_url;
    app.opener().open_url(url, None::<&str>).map_err(|e| {
        Error::invalid("open_failed", format!("No browser could be opened: {e}")).into()
    })
}

/// Opens a folder holding the draft's attachments under their original names.
#[tauri::command(async)]
pub fn show_attachments<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    draft_id: i64,
) -> Answer<String> {
    let dir = state.with_store(|s| {
        let atts = s.attachments();
        let files: Vec<_> = atts
            .list(draft_id)?
            .into_iter()
            .map(|a| (a.name.clone(), atts.blob_path(&a.sha256)))
            .collect();
        native::attachments_folder(state.data_dir(), draft_id, &files)
    })?;
    let shown = dir.display().to_string();
    if let Err(e) = app.opener().open_path(shown.clone(), None::<&str>) {
        tracing::warn!(error = %e, "no file manager could be opened");
    }
    Ok(shown)
}

/// Records a case number: for a draft filed in CJ's form, or a case filed elsewhere (no draft).
#[tauri::command(async)]
pub fn record_case(
    state: State<'_, AppState>,
    draft_id: Option<i64>,
    case_number: String,
    subject: Option<String>,
    provider: Option<String>,
) -> Answer<Case> {
    let kind = match provider.as_deref() {
        None => state.current_provider().kind(),
        Some(p) => ProviderKind::parse(p).ok_or_else(|| {
            ErrorPayload::from(Error::field(
                "provider",
                "provider_unknown",
                "Unknown provider.",
            ))
        })?,
    };
    let subject = subject.unwrap_or_default();
    if subject.len() > 1000 {
        return Err(Error::field("subject", "subject_too_long", "The subject is too long.").into());
    }
    state
        .with_store(|s| {
            let first = match kind {
                ProviderKind::CjWeb => Preferences::load(s)?.cj_statuses.first().cloned(),
                ProviderKind::Rt => None,
            };
            filing::record_case_number(s, draft_id, kind, &case_number, &subject, first.as_deref())
        })
        .inspect(|_| state.check_now())
}

/// Sets a status by hand (providers that do not poll): history row, event, notification.
#[tauri::command(async)]
pub fn set_case_status(
    state: State<'_, AppState>,
    case_id: i64,
    status: String,
) -> Answer<CaseDetail> {
    let change = state.with_store(|s| {
        let prefs = Preferences::load(s)?;
        if !prefs.cj_statuses.iter().any(|x| x == &status) {
            return Err(Error::field(
                "status",
                "status_unknown",
                "Pick one of the statuses in Settings.",
            ));
        }
        let terminal = CjWeb {
            form_url: prefs.cj_form_url.clone(),
        }
        .is_terminal(&status);
        filing::set_status_by_hand(s, case_id, &status, terminal)
    })?;
    if let Some(change) = change {
        state.deliver(&change);
    }
    case_detail(&state, case_id)
}

#[tauri::command(async)]
pub fn set_case_muted(state: State<'_, AppState>, case_id: i64, muted: bool) -> Answer<()> {
    state.with_store(|s| s.cases().set_muted(case_id, muted))
}

#[tauri::command(async)]
pub fn watch_case(state: State<'_, AppState>, case_id: i64) -> Answer<()> {
    state.with_store(|s| s.cases().rewatch(case_id))?;
    state.check_now();
    Ok(())
}

#[tauri::command]
pub fn check_now(state: State<'_, AppState>) {
    state.check_now();
}

#[tauri::command(async)]
pub fn list_outbox(state: State<'_, AppState>) -> Answer<Vec<OutboxItem>> {
    state.with_store(|s| s.outbox().list())
}

#[tauri::command(async)]
pub fn open_case_in_browser<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    case_id: i64,
) -> Answer<()> {
    let url = case_detail(&state, case_id)?.url.ok_or_else(|| {
        ErrorPayload::from(Error::invalid(
            "no_url",
            "This case has no address to open.",
        ))
    })?;
    app.opener().open_url(url, None::<&str>).map_err(|e| {
        Error::invalid("open_failed", format!("No browser could be opened: {e}")).into()
    })
}

#[tauri::command(async)]
pub fn copy_text<R: Runtime>(app: AppHandle<R>, text: String) -> Answer<()> {
    if text.len() > 1024 * 1024 {
        return Err(Error::invalid("too_large", "Too much text to copy.").into());
    }
    app.clipboard().write_text(text).map_err(|e| {
        Error::invalid(
            "clipboard",
            format!("The clipboard could not be written: {e}"),
        )
        .into()
    })
}

#[tauri::command(async)]
pub fn quit_app<R: Runtime>(app: AppHandle<R>) {
    app.exit(0);
}

/// The page has drawn its first screen: the window, created hidden, is shown now (no blank frame, and
/// WebKit does not hold the main thread waiting for a page that is still starting).
#[tauri::command]
pub fn show_window<R: Runtime>(app: AppHandle<R>) {
    native::show_main_window(&app);
}

/// Whether closing the window should keep Casedesk running in the tray (a polling provider is set).
#[tauri::command]
pub fn keep_running_in_tray(state: State<'_, AppState>) -> bool {
    state.current_provider().capabilities().poll
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
        tracing::info!(marks = %marks.join(" "), "drafts list rendered");
    }
    if let Some(path) = std::env::var_os("CASEDESK_READY_FILE") {
        let _ = std::fs::write(path, b"ready");
    }
}
