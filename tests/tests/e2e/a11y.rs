//! Accessibility in the real window: axe-core (pinned 4.10.3, vendored as one file under
//! `tests/vendor/`, from the npm registry) runs in the page through WebDriver on every view, and must
//! find no violation of any impact.

use super::cases::fill_ready_draft;
use super::*;

const AXE: &str = include_str!("../../vendor/axe-4.10.3.min.js");

/// axe's violations on the page as it is now: `(rule id, impact, first targets)`.
fn violations(app: &App) -> Vec<String> {
    app.exec(&format!("{AXE}\n;return typeof window.axe;"), json!([]));
    let v = app.post_async(
        "window.axe.run(document, { resultTypes: ['violations'] }).then(r => JSON.stringify(r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')}`)))",
    );
    serde_json::from_str(v.as_str().unwrap_or("[]")).unwrap_or_else(|_| vec![format!("{v}")])
}

#[test]
fn every_view_passes_axe_with_no_violation() {
    every_view_passes_axe(false);
}

#[test]
fn every_view_passes_axe_with_no_violation_in_the_dark_theme() {
    every_view_passes_axe(true);
}

fn every_view_passes_axe(dark: bool) {
    let mut desktop = Desktop::start();
    if dark {
        desktop
            .app_env
            .push(("GTK_THEME".into(), "Adwaita:dark".into()));
    }
    let files = desktop.dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let disguised = files.join("invoice.pdf");
    std::fs::write(&disguised, "<!doctype html><p>not a pdf</p>").unwrap();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    assert_eq!(
        app.exec(
            "return matchMedia('(prefers-color-scheme: dark)').matches",
            json!([])
        ),
        json!(dark),
        "the page sees the theme asked for"
    );

    found.push(("empty state".into(), violations(&app)));

    new_draft(&app);
    app.type_text(&app.tid("subject"), "Help");
    app.type_text(&app.tid("cc"), "ana@example");
    drop_files(&app, &[&disguised]);
    app.wait_until("the refusal", Duration::from_secs(10), |a| {
        count(a, "[data-testid=attachment-error] [data-code]") == 1
    });
    found.push((
        "editor with findings and a refusal".into(),
        violations(&app),
    ));

    open_settings(&app);
    found.push(("Settings".into(), violations(&app)));
    app.click(&app.find("#close-settings"));

    fill_ready_draft(&app, "Commission report showing incorrect order values", "");
    app.click(&app.tid("submit"));
    app.wait_until("the CJ form assistant", Duration::from_secs(10), |a| {
        count(a, "[data-testid=copy-field]") == 5
    });
    found.push(("Submit panel".into(), violations(&app)));
    app.type_text(&app.tid("case-number"), "01234567");
    app.click(&app.tid("record-case"));
    app.wait_until("the case page", Duration::from_secs(10), |a| {
        text_of(a, "case-status") == "New"
    });
    found.push(("case page".into(), violations(&app)));
    app.click(&app.find("#back-to-cases"));
    app.wait_until("the cases list", Duration::from_secs(10), |a| {
        count(a, "[data-testid=case-item]") == 1
    });
    found.push(("Cases view".into(), violations(&app)));
    app.quit();

    let bad: Vec<String> = found
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(view, v)| format!("{view}:\n  {}", v.join("\n  ")))
        .collect();
    assert!(bad.is_empty(), "axe found violations:\n{}", bad.join("\n"));
}
