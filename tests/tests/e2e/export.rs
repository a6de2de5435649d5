//! Export in the real app: Export… → Markdown → the native GTK save dialog (driven by xdotool) → the
//! file; with a secret left in the draft the warning comes first, and "Continue anyway" exports.

use super::*;

/// Saves through the GTK save dialog that `testid`'s click opens: the full path typed into its name
/// field.
fn save_in_chooser(desktop: &Desktop, app: &App, testid: &str, path: &Path) {
    type_in_chooser(desktop, app, (testid, "Export case"), "ctrl+a", path);
}

fn dialog_open(app: &App, id: &str) -> bool {
    app.exec(
        &format!("return document.getElementById('{id}').open"),
        json!([]),
    ) == json!(true)
}

#[test]
fn a_draft_is_exported_as_markdown_through_the_save_dialog_after_a_secret_warning() {
    let desktop = Desktop::start();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    new_draft(&app);
    app.type_text(&app.tid("subject"), "Feed job gets 401 from the API");
    app.type_text(
        &app.tid("description"),
        "The job logs in with password=Winter2024!x and fails.",
    );
    app.wait_until("the secret is found", Duration::from_secs(10), |a| {
        count(a, "[data-testid=secret-item]") == 1
    });
    app.wait_saved();

    app.click(&app.find("#export-draft"));
    app.wait_until("the export dialog", Duration::from_secs(5), |a| {
        dialog_open(a, "export-dialog")
    });
    // The secret warning comes before the save dialog.
    app.click(&app.tid("export-markdown"));
    app.wait_until("the secret warning", Duration::from_secs(10), |a| {
        dialog_open(a, "secret-warning-dialog")
    });
    assert!(text_of(&app, "submit-secret-warning").contains("1 possible secret"));
    let target = desktop.dir.path().join("exported-case.md");
    save_in_chooser(&desktop, &app, "secret-continue", &target);
    app.wait_until("the file written", Duration::from_secs(10), |_| {
        target.exists()
    });
    let md = std::fs::read_to_string(&target).unwrap();
    assert!(md.starts_with("# Feed job gets 401 from the API\n"), "{md}");
    assert!(
        md.contains("password=Winter2024!x"),
        "the user chose to export it as it is"
    );
    assert!(md.contains("## Attachments\n\nNone."));
    app.wait_until("the toast says where", Duration::from_secs(5), |a| {
        a.exec(
            "return document.getElementById('toast').textContent",
            json!([]),
        )
        .as_str()
        .unwrap_or("")
        .contains("exported-case.md")
    });
    app.quit();
}
