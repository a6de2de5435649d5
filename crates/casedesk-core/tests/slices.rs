//! Each filer keeps its settings as a slice of the preferences and checks them by its own rules,
//! through the registry; the preferences hold the slices without knowing their shape.

use casedesk_core::filer::cj_web::{self, CjWebSettings};
use casedesk_core::preferences::Preferences;
use casedesk_core::registry;
use casedesk_core::rt::{self, RtSettings};

fn with_rt(url: &str) -> Preferences {
    let mut p = Preferences {
        filer: Some(casedesk_core::rt::KIND),
        ..Default::default()
    };
    p.set_slice(rt::KEY, RtSettings::new(url, "General").slice())
        .unwrap();
    p
}

#[test]
fn each_filers_settings_are_checked_by_its_own_rules_and_named_as_the_form_names_them() {
    assert!(registry::validate(&Preferences::default()).is_ok());
    let code = |p: &Preferences| {
        registry::validate(p)
            .err()
            .map(|e| (e.code().as_str(), e.field_name()))
    };
    assert_eq!(
        code(&with_rt("nope")),
        Some(("rt_url_invalid", Some("rt_url")))
    );
    assert_eq!(code(&with_rt("http://127.0.0.1:8080")), None);
    assert_eq!(
        code(&with_rt("http://rt.example.com")).map(|c| c.0),
        Some("rt_url_insecure")
    );
    let not_in_use = Preferences {
        filer: Some(casedesk_core::filer::cj_web::KIND),
        ..with_rt("nope")
    };
    assert_eq!(
        code(&not_in_use),
        None,
        "RT's address matters when RT is in use"
    );

    let mut p = with_rt("https://rt.example.com");
    let mut rt = RtSettings::new("https://rt.example.com", "General");
    rt.token_field = "x}".into();
    p.set_slice(rt::KEY, rt.slice()).unwrap();
    assert_eq!(code(&p).map(|c| c.0), Some("field_name_invalid"));

    let mut p = Preferences::default();
    let cj = CjWebSettings {
        statuses: Vec::new(),
        ..Default::default()
    };
    p.set_slice(cj_web::KEY, cj.slice()).unwrap();
    assert_eq!(code(&p), Some(("statuses_invalid", Some("cj_statuses"))));
}

#[test]
fn the_settings_form_gets_every_filers_slice_with_its_defaults() {
    let p = registry::with_defaults(Preferences::default());
    let rt = RtSettings::from_slice(p.slice(rt::KEY));
    assert_eq!(rt, RtSettings::default());
    assert_eq!(rt.queue, "General");
    let cj = CjWebSettings::from_slice(p.slice(cj_web::KEY));
    assert_eq!(cj, CjWebSettings::default());
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["slices"]["rt"]["version"], 1);
    assert_eq!(
        json["slices"]["rt"]["settings"]["tokenField"],
        "Casedesk Token"
    );
    assert_eq!(json["slices"]["cj-web"]["settings"]["statuses"][0], "New");

    let kept = with_rt("https://rt.example.com");
    let filled = registry::with_defaults(kept.clone());
    assert_eq!(
        filled.slice(rt::KEY),
        kept.slice(rt::KEY),
        "a kept slice is not replaced"
    );
}

#[test]
fn a_slice_of_another_version_or_shape_is_not_guessed_at() {
    let mut p = Preferences::default();
    p.set_slice(
        rt::KEY,
        casedesk_core::slice::Slice {
            version: 9,
            settings: serde_json::json!({"baseUrl": "https://rt.example.com"}),
        },
    )
    .unwrap();
    assert_eq!(
        RtSettings::from_slice(p.slice(rt::KEY)),
        RtSettings::default()
    );
    let (read, bad) = Preferences::from_json(
        r#"{"slices":{"rt":{"version":1,"settings":{"baseUrl":"https://rt.example.com/"}}},"cjFormUrl":"https://cj.example/f"}"#,
    );
    assert!(bad.is_empty());
    assert_eq!(
        RtSettings::from_slice(read.slice(rt::KEY)).base_url,
        "https://rt.example.com",
        "trimmed as typed"
    );
    assert_eq!(
        CjWebSettings::from_slice(read.slice(cj_web::KEY)).form_url,
        "https://cj.example/f",
        "an older file's flat field becomes its filer's slice beside a newer one"
    );
}

/// A filer is a word the registry lists, not a variant: settings a release with another filer
/// wrote still load, run the default filer, and are refused only when saved as they are.
#[test]
fn a_filer_no_registry_line_has_loads_runs_the_default_and_is_refused_on_save() {
    let (p, bad) = Preferences::from_json(r#"{"filerKind":"zendesk","pollIntervalSecs":120}"#);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(p.filer.map(|k| k.as_str()), Some("zendesk"));
    assert_eq!(p.poll_interval_secs, 120, "the rest is read");
    let secrets: std::sync::Arc<dyn casedesk_core::secrets::Secrets> =
        std::sync::Arc::new(casedesk_core::secrets::MemorySecrets::default());
    let filers = registry::filers(&p, &secrets);
    assert_eq!(filers.in_use().kind(), registry::FILERS[0].kind);
    assert_eq!(
        registry::with_defaults(p.clone()).filer,
        Some(registry::FILERS[0].kind),
        "Settings shows the filer that runs"
    );
    let e = registry::validate(&p).unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.field_name()),
        ("filer_unknown", Some("filer"))
    );
    assert_eq!(registry::filer_kind("zendesk"), None);
    assert_eq!(registry::filer_kind("rt"), Some(rt::KIND));
    let (p, bad) = Preferences::from_json(r#"{"filerKind":"Not A Word"}"#);
    assert_eq!(
        bad,
        vec!["filerKind".to_string()],
        "a malformed word is reported"
    );
    assert_eq!(p.filer, None);
}

/// The mailboxes are the mail source's slice: one this build cannot read is refused by a save
/// rather than saved as no mailbox, and what was stored stays.
#[test]
fn a_mail_slice_that_cannot_be_read_is_refused_not_saved_as_no_mailbox() {
    let dir = tempfile::tempdir().unwrap();
    let store = casedesk_core::Store::open(
        dir.path(),
        std::sync::Arc::new(casedesk_core::FixedClock::new(1_000)),
    )
    .unwrap();
    let kept = casedesk_core::source::mail::MailSettings {
        host: "imap.example.com".into(),
        user: "me@example.com".into(),
        ..Default::default()
    };
    let good =
        crate::support::with_mailboxes(vec![casedesk_core::source::mail::MailAccount::first(kept)]);
    registry::save(&good, &store).unwrap();
    for bad in [
        serde_json::json!({"accounts": [{"id": "mail", "security": "carrier-pigeon"}]}),
        serde_json::json!("not an object"),
    ] {
        let mut p = good.clone();
        p.set_slice(
            "mail",
            casedesk_core::slice::Slice {
                version: 1,
                settings: bad,
            },
        )
        .unwrap();
        let e = registry::save(&p, &store).unwrap_err();
        assert_eq!(
            (e.code().as_str(), e.field_name()),
            ("mail_account_invalid", Some("mail_accounts"))
        );
        let mut newer = good.clone();
        newer
            .set_slice(
                "mail",
                casedesk_core::slice::Slice {
                    version: 2,
                    settings: serde_json::json!({}),
                },
            )
            .unwrap();
        assert!(
            registry::save(&newer, &store).is_err(),
            "a newer version too"
        );
    }
    let stored = Preferences::load(&store).unwrap();
    assert_eq!(
        crate::support::mailboxes(&stored)[0].settings.user,
        "me@example.com"
    );
}
