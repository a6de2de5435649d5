//! Any JSON arguments to any command: an answer or a typed error, never a panic or a hang.

use super::*;

/// Every command with arbitrary JSON arguments: a value, a `{code, message}` error, or Tauri's own
/// refusal of malformed arguments (a string) — never a panic or a hang. Left out: the commands that
/// open a dialog, a browser or a file manager, reach the network, or exit the process.
#[test]
fn any_arguments_to_any_command_give_an_answer_or_a_typed_error() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    const LEFT_OUT: [&str; 10] = [
        "pick_attachments",
        "import_files",
        "export_reasons_to_file",
        "import_reasons_from_file",
        "quit_app",
        "copy_text",
        "open_filing_form",
        "open_case_in_browser",
        "show_attachments",
        "submit_draft",
    ];
    let handler =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/commands/mod.rs"))
            .unwrap();
    let names: Vec<String> = handler
        .split("generate_handler![")
        .nth(1)
        .unwrap()
        .split(']')
        .next()
        .unwrap()
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .filter(|n| !LEFT_OUT.contains(n) && !n.starts_with("test_"))
        .map(str::to_owned)
        .collect();
    assert!(names.len() > 40, "the handler list was read: {names:?}");
    let h = harness();
    let keys = [
        "id",
        "draftId",
        "caseId",
        "itemId",
        "attachmentId",
        "reasonId",
        "input",
        "paths",
        "query",
        "name",
        "by",
        "limit",
        "after",
        "preferences",
        "secrets",
        "caseNumber",
        "subject",
        "filer",
        "status",
        "muted",
        "source",
        "settings",
        "secret",
        "sourceSecrets",
        "typed",
        "formSecrets",
        "text",
        "marks",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-3i64..40).prop_map(|n| json!(n)),
        "[a-zA-Z0-9 @./:_-]{0,30}".prop_map(Value::String),
        ".{0,12}".prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    let args = prop::collection::btree_map(prop::sample::select(keys.to_vec()), value, 0..5)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()));
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let mut runner = TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    runner
        .run(&(prop::sample::select(names), args), |(cmd, args)| {
            match h.call(&cmd, args.clone()) {
                Ok(_) => {}
                Err(Value::String(_)) => {}
                Err(e) => {
                    prop_assert!(
                        e["code"].as_str().is_some_and(|c| !c.is_empty())
                            && e["message"].is_string(),
                        "{cmd}({args}) answered {e}, not {{code, message}}"
                    );
                }
            }
            Ok(())
        })
        .unwrap();
}
