//! The app menu. macOS gets the menu bar a Mac app has; Linux and Windows keep the window without one
//! (every action is in the window, and the tray has Open / Check now / Quit).
//!
//! On macOS the menu is not decoration: WKWebView routes Cmd+C/V/X/Z/A in text fields through the
//! Edit menu's items, so without it they do nothing. Settings… (Cmd+,) opens Settings in the window,
//! and Quit (Cmd+Q) lets the page save first, as the tray's Quit does.

use tauri::Runtime;

/// Ids of the menu items the shell handles itself.
pub const SETTINGS: &str = "settings";
pub const QUIT: &str = "quit";

/// Adds the platform's menu to the builder (nothing off macOS).
#[cfg(target_os = "macos")]
pub fn attach<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .menu(app_menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            SETTINGS => {
                crate::native::show_main_window(app);
                use tauri::Manager;
                app.state::<crate::events::Events>()
                    .push(crate::events::ShellEvent::OpenSettings);
            }
            QUIT => crate::native::request_quit(app),
            _ => {}
        })
}

#[cfg(not(target_os = "macos"))]
pub fn attach<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
}

/// The app's run events that only one OS has. macOS: a click on the Dock icon while the window is
/// hidden (it hides when closed while cases are followed) shows it again.
pub fn on_run_event<R: Runtime>(app: &tauri::AppHandle<R>, event: &tauri::RunEvent) {
    #[cfg(target_os = "macos")]
    if let tauri::RunEvent::Reopen { .. } = event {
        crate::native::show_main_window(app);
    }
    #[cfg(not(target_os = "macos"))]
    let _ = (app, event);
}

/// Casedesk (About, Settings…, Services, Hide, Quit), Edit (the text-field commands), Window.
#[cfg(target_os = "macos")]
fn app_menu<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<tauri::menu::Menu<R>> {
    use tauri::menu::{AboutMetadata, Menu, MenuItem, PredefinedMenuItem, Submenu};
    let about = AboutMetadata {
        name: Some("Casedesk".into()),
        version: Some(env!("CARGO_PKG_VERSION").into()),
        ..Default::default()
    };
    let casedesk = Submenu::with_items(
        app,
        "Casedesk",
        true,
        &[
            &PredefinedMenuItem::about(app, None, Some(about))?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, SETTINGS, "Settings…", true, Some("Cmd+,"))?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::services(app, None)?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::hide(app, None)?,
            &PredefinedMenuItem::hide_others(app, None)?,
            &PredefinedMenuItem::show_all(app, None)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, QUIT, "Quit Casedesk", true, Some("Cmd+Q"))?,
        ],
    )?;
    let edit = Submenu::with_items(
        app,
        "Edit",
        true,
        &[
            &PredefinedMenuItem::undo(app, None)?,
            &PredefinedMenuItem::redo(app, None)?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::cut(app, None)?,
            &PredefinedMenuItem::copy(app, None)?,
            &PredefinedMenuItem::paste(app, None)?,
            &PredefinedMenuItem::select_all(app, None)?,
        ],
    )?;
    let window = Submenu::with_items(
        app,
        "Window",
        true,
        &[
            &PredefinedMenuItem::minimize(app, None)?,
            &PredefinedMenuItem::maximize(app, None)?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::close_window(app, None)?,
        ],
    )?;
    Menu::with_items(app, &[&casedesk, &edit, &window])
}
