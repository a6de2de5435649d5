//! Cases end to end: CJ's web form assisted, and a real Request Tracker 5 on loopback with a real
//! keyring, a real notification server, and the Notify calls read off the test's own bus.

use super::*;

pub(crate) fn fill_ready_draft(app: &App, subject: &str, cc: &str) {
    new_draft(app);
    app.type_text(&app.tid("subject"), subject);
    app.type_text(
        &app.tid("description"),
        "I was trying to reconcile October.\nSteps: opened Reports, chose October.\nThe totals show the wrong values.\nFirefox 128 on Ubuntu 24.04.",
    );
    select_by_text(app, "case-reason", "Data Transfer");
    select_by_text(app, "sub-reason", "Data Transfer General");
    if !cc.is_empty() {
        app.type_text(&app.tid("cc"), cc);
    }
    app.wait_until("the draft is ready", Duration::from_secs(10), |a| {
        a.attr(&a.tid("readiness"), "data-ready").as_deref() == Some("true")
    });
    app.wait_saved();
}

pub(crate) fn notified(desktop: &Desktop, summary: &str) -> usize {
    desktop
        .notify_summaries()
        .iter()
        .filter(|s| s.as_str() == summary)
        .count()
}

pub(crate) fn wait_notified(desktop: &Desktop, summary: &str, timeout: Duration) {
    let deadline = std::time::Instant::now() + timeout;
    while notified(desktop, summary) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no Notify call {summary:?} on the bus within {timeout:?}; seen: {:?}",
            desktop.notify_summaries()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn cj_web_a_recorded_case_number_and_a_status_set_by_hand_notify_once() {
    let mut desktop = Desktop::start();
    desktop.start_notification_server();
    desktop.watch_notifications();
    let app = desktop.launch(&desktop.dir.path().join("data"));
    fill_ready_draft(
        &app,
        "Commission report showing incorrect order values",
        "ana@example.com",
    );
    app.click(&app.tid("submit"));
    app.wait_until("the CJ form assistant", Duration::from_secs(10), |a| {
        count(a, "[data-testid=copy-field]") == 5
    });
    shot(&desktop, "10-cj-web-submit");
    // Copy puts the field on the desktop's clipboard, where a paste into CJ's form finds it.
    app.click(&app.find("[data-testid=copy-field][data-field=Subject]"));
    app.wait_until(
        "the subject on the clipboard",
        Duration::from_secs(10),
        |_| desktop.clipboard_text() == "Commission report showing incorrect order values",
    );
    app.type_text(&app.tid("case-number"), " #01234567 ");
    app.click(&app.tid("record-case"));
    app.wait_until("the case page", Duration::from_secs(10), |a| {
        text_of(a, "case-status") == "New"
    });
    assert_eq!(
        count(&app, "[data-testid=draft-item]"),
        0,
        "a sent draft leaves the drafts list"
    );
    // The cases list (drawn when shown) has it under its normalised number; it opens from there.
    app.click(&app.find("#back-to-cases"));
    app.wait_until("the case in the list", Duration::from_secs(10), |a| {
        count(a, "[data-testid=case-item][data-case-number=\"01234567\"]") == 1
    });
    app.click(&app.find("[data-testid=case-item] .case-open"));
    app.wait_until("the case page again", Duration::from_secs(10), |a| {
        text_of(a, "case-status") == "New"
    });
    select_by_text(&app, "status-picker", "In Progress");
    app.click(&app.tid("set-status"));
    app.wait_until("the new status", Duration::from_secs(10), |a| {
        text_of(a, "case-status") == "In Progress"
    });
    assert_eq!(
        count(&app, "[data-testid=status-history] li"),
        2,
        "first status + the change"
    );
    wait_notified(
        &desktop,
        "Case 01234567: In Progress",
        Duration::from_secs(10),
    );
    assert_eq!(
        notified(&desktop, "Case 01234567: New"),
        0,
        "the first status is not news"
    );
    // A muted case records the change but does not notify.
    app.click(&app.find("#case-muted"));
    std::thread::sleep(Duration::from_millis(500));
    select_by_text(&app, "status-picker", "Waiting on you");
    app.click(&app.tid("set-status"));
    app.wait_until("the muted change is shown", Duration::from_secs(10), |a| {
        text_of(a, "case-status") == "Waiting on you"
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        notified(&desktop, "Case 01234567: Waiting on you"),
        0,
        "muted cases are not notified"
    );
    assert_eq!(
        notified(&desktop, "Case 01234567: In Progress"),
        1,
        "and the earlier change only once"
    );
    shot(&desktop, "11-cj-web-case");

    // Search covers cases: by number, and by a status in the timeline, grouped after the drafts.
    let hits = |a: &App| -> Vec<String> {
        serde_json::from_value(a.exec(
            "return [...document.querySelectorAll('[data-testid=case-hit]')].map(e => e.dataset.caseNumber + '/' + e.dataset.matchedIn)",
            json!([]),
        ))
        .unwrap()
    };
    app.type_text(&app.tid("search"), "01234567");
    app.wait_until(
        "the case found by its number",
        Duration::from_secs(10),
        |a| hits(a) == vec!["01234567/case".to_owned()],
    );
    app.clear(&app.tid("search"));
    app.type_text(&app.tid("search"), "waiting");
    app.wait_until(
        "the case found by its timeline",
        Duration::from_secs(10),
        |a| hits(a) == vec!["01234567/timeline".to_owned()],
    );
    assert!(
        app.exec(
            "return document.querySelector('[data-testid=case-hit] mark').textContent",
            json!([])
        )
        .as_str()
        .unwrap_or("")
        .eq_ignore_ascii_case("waiting"),
        "the match is marked"
    );
    shot(&desktop, "11b-search-finds-cases");
    app.click(&app.find("[data-testid=case-hit] button"));
    app.wait_until("the case page", Duration::from_secs(10), |a| {
        text_of(a, "case-status") == "Waiting on you"
    });

    // "Desktop notifications" off in Settings: the next change is shown in the window but not on
    // the desktop; on again, the one after is notified. What was saved last counts, at once.
    let notifications = |a: &App, on: bool| {
        open_settings(a);
        let checked = a.exec(
            "return document.getElementById('notifications').checked",
            json!([]),
        ) == json!(true);
        if checked != on {
            a.click(&a.find("#notifications"));
        }
        a.click(&a.tid("save-settings"));
        a.wait_until("saved", Duration::from_secs(10), |a| {
            text_of(a, "connection-result") == "Saved."
        });
        a.click(&a.find("#close-settings"));
    };
    app.click(&app.find("#case-muted"));
    std::thread::sleep(Duration::from_millis(500));
    notifications(&app, false);
    select_by_text(&app, "status-picker", "Resolved");
    app.click(&app.tid("set-status"));
    app.wait_until("the change is shown", Duration::from_secs(10), |a| {
        text_of(a, "case-status") == "Resolved"
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        notified(&desktop, "Case 01234567: Resolved"),
        0,
        "notifications turned off are off"
    );
    notifications(&app, true);
    select_by_text(&app, "status-picker", "Closed");
    app.click(&app.tid("set-status"));
    wait_notified(&desktop, "Case 01234567: Closed", Duration::from_secs(10));
    app.quit();
}

#[test]
fn rt_submit_poll_notify_once_across_a_restart_and_send_the_outbox_once() {
    let mut desktop = Desktop::start();
    desktop.start_keyring();
    desktop.start_notification_server();
    desktop.watch_notifications();
    desktop
        .app_env
        .push(("CASEDESK_POLL_INTERVAL_SECS".into(), "2".into()));
    let mut rt = RtServer::start(&desktop.dir.path().join("rt"));
    let data = desktop.dir.path().join("data");
    eprintln!("rt e2e: launched");
    let app = desktop.launch(&data);

    // Configure the provider in the UI.
    open_settings(&app);
    select_by_text(&app, "provider-kind", "Request Tracker 5 (REST 2.0)");
    let url = app.tid("rt-url");
    app.clear(&url);
    app.type_text(&url, &rt.url());
    let queue = app.tid("rt-queue");
    app.clear(&queue);
    app.type_text(&queue, "General");
    app.type_text(&app.tid("rt-token"), &rt.token);
    app.click(&app.find("#start-at-login"));
    eprintln!("rt e2e: saving settings");
    app.click(&app.tid("save-settings"));
    app.wait_until("saved", Duration::from_secs(10), |a| {
        text_of(a, "connection-result") == "Saved."
    });
    eprintln!("rt e2e: testing connection");
    app.click(&app.tid("test-connection"));
    app.wait_until("connected", Duration::from_secs(15), |a| {
        text_of(a, "connection-result").starts_with("Connected")
    });
    shot(&desktop, "12-rt-settings");
    app.click(&app.find("#close-settings"));
    // The autostart library writes under $HOME/.config (it ignores XDG_CONFIG_HOME); HOME is the test's.
    let autostart = desktop.dir.path().join("home/.config/autostart");
    let entries: Vec<_> = std::fs::read_dir(&autostart)
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert_eq!(
        entries.len(),
        1,
        "start at login writes one autostart entry in {}",
        autostart.display()
    );
    for entry in std::fs::read_dir(&data).unwrap().flatten() {
        if entry.path().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !bytes
                    .windows(rt.token.len())
                    .any(|w| w == rt.token.as_bytes()),
                "the token must live in the keyring, never in {}",
                entry.path().display()
            );
        }
    }

    eprintln!("rt e2e: configured");
    // A draft with two attachments and a CC, submitted.
    let subject = "Conversion tag not firing on checkout confirmation page";
    fill_ready_draft(&app, subject, "ana@example.com, bob@example.org");
    let files = desktop.dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("checkout.png"), PNG_1X1).unwrap();
    std::fs::write(
        files.join("console.txt"),
        "Uncaught TypeError at tag.js:12\n",
    )
    .unwrap();
    drop_files(
        &app,
        &[&files.join("checkout.png"), &files.join("console.txt")],
    );
    app.wait_until("two attachments", Duration::from_secs(10), |a| {
        count(a, "[data-testid=attachment-item]") == 2
    });
    app.click(&app.tid("submit"));
    // The screenshot was never opened in the editor: Submit reminds, and "Continue anyway" goes on.
    app.wait_until(
        "the unreviewed-screenshot reminder",
        Duration::from_secs(10),
        |a| {
            a.exec(
                "return document.getElementById('secret-warning-dialog').open",
                json!([]),
            ) == json!(true)
        },
    );
    assert!(text_of(&app, "submit-secret-warning").contains("1 screenshot not reviewed"));
    app.click(&app.tid("secret-continue"));
    app.wait_until("the case page", Duration::from_secs(20), |a| {
        a.exec(
            "return document.getElementById('case-view').dataset.caseNumber || ''",
            json!([]),
        )
        .as_str()
        .is_some_and(|s| !s.is_empty())
    });
    let number = app
        .exec(
            "return document.getElementById('case-view').dataset.caseNumber",
            json!([]),
        )
        .as_str()
        .unwrap()
        .to_owned();

    eprintln!("rt e2e: submitted");
    // The ticket in RT has what was sent.
    let ticket = rt.get(&format!("ticket/{number}")).unwrap();
    assert_eq!(ticket["Subject"], subject);
    let cc: Vec<&str> = ticket["Cc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(cc, vec!["ana@example.com", "bob@example.org"]);
    let cf = |name: &str| {
        ticket["CustomFields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()["values"]
            .clone()
    };
    assert_eq!(cf("Case Reason"), json!(["Data Transfer"]));
    assert_eq!(cf("Sub Reason"), json!(["Data Transfer General"]));
    let mut names = Vec::new();
    for a in rt.get(&format!("ticket/{number}/attachments")).unwrap()["items"]
        .as_array()
        .unwrap()
    {
        let att = rt
            .get(&format!("attachment/{}", a["id"].as_str().unwrap()))
            .unwrap();
        if let Some(n) = att["Filename"].as_str().filter(|n| !n.is_empty()) {
            names.push(n.to_owned());
        }
    }
    names.sort();
    assert_eq!(
        names,
        vec!["checkout.png", "console.txt"],
        "both attachments reached RT"
    );

    eprintln!("rt e2e: ticket checked");
    // The status changes in RT: the UI shows it, and the desktop is notified once.
    rt.put(&format!("ticket/{number}"), json!({"Status": "open"}));
    app.wait_until("the new status in the UI", Duration::from_secs(20), |a| {
        text_of(a, "case-status") == "open"
    });
    let summary = format!("Case {number}: open");
    wait_notified(&desktop, &summary, Duration::from_secs(10));
    shot(&desktop, "13-rt-case-open");
    app.quit();

    let app = desktop.launch(&data);
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(
        notified(&desktop, &summary),
        1,
        "a restart must not notify the same change again"
    );

    eprintln!("rt e2e: restart checked");
    // RT goes away: a submission waits in the outbox, and is sent once when RT is back.
    rt.pause();
    let second = "Payment for October missing from bank account";
    fill_ready_draft(&app, second, "");
    app.click(&app.tid("submit"));
    app.wait_until("the outbox holds it", Duration::from_secs(15), |a| {
        count(a, "[data-testid=outbox-item]") == 1
    });
    app.click(&app.tid("nav-cases"));
    shot(&desktop, "14-outbox");
    rt.resume();
    app.wait_until("the outbox is sent", Duration::from_secs(90), |a| {
        count(a, "[data-testid=outbox-item]") == 0
    });
    assert_eq!(rt.tickets_with_subject(second).len(), 1);
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(
        rt.tickets_with_subject(second).len(),
        1,
        "sent exactly once"
    );
    app.wait_until("listed as a case", Duration::from_secs(10), |a| {
        count(a, "[data-testid=case-item]") == 2
    });

    // Closing the window hides it to the tray; polling and notifications go on.
    let body = app.find("body");
    app.type_text_closing(&body, "\u{E009}w\u{E000}");
    desktop.wait_window_gone("Casedesk", Duration::from_secs(10));
    rt.put(&format!("ticket/{number}"), json!({"Status": "resolved"}));
    wait_notified(
        &desktop,
        &format!("Case {number}: resolved"),
        Duration::from_secs(30),
    );
    app.quit();
}

#[test]
fn with_a_locked_keyring_nobody_unlocks_the_window_still_shows_its_drafts() {
    let mut desktop = Desktop::start();
    desktop.start_keyring();
    let data = desktop.dir.path().join("data");
    let app = desktop.launch(&data);
    // RT configured, its token in the keyring (the server need not be up for this).
    open_settings(&app);
    select_by_text(&app, "provider-kind", "Request Tracker 5 (REST 2.0)");
    let url = app.tid("rt-url");
    app.clear(&url);
    app.type_text(&url, "http://127.0.0.1:9");
    app.type_text(&app.tid("rt-token"), "a-token-for-a-locked-keyring");
    app.click(&app.tid("save-settings"));
    app.wait_until("saved", Duration::from_secs(10), |a| {
        text_of(a, "connection-result") == "Saved."
    });
    app.click(&app.find("#close-settings"));
    new_draft(&app);
    app.type_text(&app.tid("subject"), "Still here behind a silent keyring");
    app.wait_saved();
    app.quit();

    // The keyring is locked and its unlock prompt is never answered: reading the token waits (forever).
    desktop.replace_keyring(std::path::Path::new(env!(
        "CARGO_BIN_EXE_silent-secret-service"
    )));
    let started = std::time::Instant::now();
    let app = desktop.launch(&data);
    app.wait_until("the drafts list", Duration::from_secs(20), |a| {
        text_of(a, "draft-list").contains("Still here behind a silent keyring")
    });
    eprintln!(
        "silent keyring: drafts shown {:?} after launch",
        started.elapsed()
    );
    shot(&desktop, "16-silent-keyring");
    app.quit();
}
