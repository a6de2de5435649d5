//! What the sources offer by hand, reached through the registry's list ([`super::SOURCES`]): the
//! files they read, their state on the Cases view, their accounts' OAuth sign-in and their own part
//! of Settings. Each function walks the list by a source's key; none names a source.

use std::sync::Arc;

use super::SOURCES;
use crate::error::Result;
use crate::preferences::Preferences;
use crate::remote::BoxFuture;
use crate::secrets::Secrets;
use crate::source::by_hand::{FileImport, SettingsPart, SignIn, StateOf, TestRequest};
use crate::store::{StatusChange, Store};

/// What every listed source reads by hand, in the list's order (the file chooser offers each).
pub fn file_imports() -> Vec<FileImport> {
    SOURCES.iter().filter_map(|s| s.by_hand.import).collect()
}

/// Reads the files a user picked or dropped, each by the source whose import reads its ending (the
/// first importing source when none does: it says why it cannot read it). Answers what each file
/// did and the changes to deliver; more files than one source takes at once is refused, naming
/// `import`, before any is read.
pub fn import(
    store: &Store,
    prefs: &Preferences,
    paths: &[std::path::PathBuf],
) -> Result<(Vec<serde_json::Value>, Vec<StatusChange>)> {
    let sources: Vec<(&'static str, FileImport)> = SOURCES
        .iter()
        .filter_map(|s| s.by_hand.import.map(|i| (s.by_hand.key, i)))
        .collect();
    let Some(first) = sources.first().copied() else {
        return Err(crate::Error::field(
            "import",
            crate::Code::ImportRefused,
            "No source reads files.",
        ));
    };
    let mut groups: Vec<((&'static str, FileImport), Vec<std::path::PathBuf>)> = Vec::new();
    for p in paths {
        let by = sources
            .iter()
            .copied()
            .find(|(_, i)| i.reads(p))
            .unwrap_or(first);
        match groups.iter_mut().find(|(k, _)| k.0 == by.0) {
            Some((_, list)) => list.push(p.clone()),
            None => groups.push((by, vec![p.clone()])),
        }
    }
    if let Some(((_, i), _)) = groups
        .iter()
        .find(|((_, i), list)| list.len() > i.max_files)
    {
        return Err(crate::Error::field(
            "import",
            crate::Code::ImportTooMany,
            format!("Import at most {} files at once.", i.max_files),
        ));
    }
    let routes = prefs.cj_routes();
    let mut answers = Vec::new();
    let mut changes = Vec::new();
    for ((key, i), list) in groups {
        let (a, c) = (i.import)(store, prefs.slice(key), &routes, &list)?;
        answers.extend(a);
        changes.extend(c);
    }
    Ok((answers, changes))
}

/// How the source of this key signs its accounts in, or an error naming `source` when it does not.
pub fn sign_in(source: &str) -> Result<SignIn> {
    SOURCES
        .iter()
        .find(|s| s.by_hand.key == source)
        .and_then(|s| s.by_hand.sign_in)
        .ok_or_else(|| {
            crate::Error::field(
                "source",
                crate::Code::InvalidArgument,
                "No source of that name signs in.",
            )
        })
}

/// Each source's own part of Settings (beyond its slice), by its key. Reads the keyring: call it
/// off the store's lock (`state_of` takes the lock for each read).
pub fn settings_parts(
    prefs: &Preferences,
    state_of: StateOf<'_>,
    secrets: &Arc<dyn Secrets>,
) -> Result<std::collections::BTreeMap<&'static str, serde_json::Value>> {
    SOURCES
        .iter()
        .filter_map(|s| s.by_hand.settings.map(|p| (s.by_hand.key, p)))
        .map(|(key, p)| Ok((key, (p.view)(prefs.slice(key), state_of, secrets)?)))
        .collect()
}

/// The most sources one save takes secrets for.
const TYPED_SOURCES_MAX: usize = 16;

fn settings_part(source: &str, field: &'static str) -> Result<SettingsPart> {
    SOURCES
        .iter()
        .find(|s| s.by_hand.key == source)
        .and_then(|s| s.by_hand.settings)
        .ok_or_else(|| {
            crate::Error::field(
                field,
                crate::Code::InvalidArgument,
                "No source of that name has settings.",
            )
        })
}

/// Keeps the secrets typed for the sources' accounts (source key → account id → secret), each by
/// its source's rules; a source with no settings of its own is refused, naming `source_secrets`.
pub fn keep_source_secrets(
    secrets: &Arc<dyn Secrets>,
    typed: &std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
) -> Result<()> {
    if typed.len() > TYPED_SOURCES_MAX {
        return Err(crate::Error::field(
            "source_secrets",
            crate::Code::InvalidArgument,
            "Too many sources at once.",
        ));
    }
    let parts = typed
        .iter()
        .map(|(key, by_account)| Ok((settings_part(key, "source_secrets")?, by_account)))
        .collect::<Result<Vec<_>>>()?;
    for (part, by_account) in parts {
        (part.keep_secrets)(secrets, by_account)?;
    }
    Ok(())
}

/// Forgets the secrets of what saving `new` over `old` removes, each source its own (before the
/// save: a keyring that fails stops it).
pub fn forget_removed(
    old: &Preferences,
    new: &Preferences,
    secrets: &Arc<dyn Secrets>,
) -> Result<()> {
    for s in SOURCES {
        if let Some(part) = s.by_hand.settings {
            (part.forget_removed)(secrets, old.slice(s.by_hand.key), new.slice(s.by_hand.key))?;
        }
    }
    Ok(())
}

/// "Test" of the source of this key: the request checked and its secret read (blocking), then the
/// test to run.
pub fn test_source(
    source: &str,
    request: TestRequest<'_>,
) -> Result<BoxFuture<'static, Result<serde_json::Value>>> {
    (settings_part(source, "source")?.test)(request)
}

/// What the Cases view shows of each source that shows something, by its key.
pub fn follow_state(
    store: &Store,
    prefs: &Preferences,
) -> Result<std::collections::BTreeMap<&'static str, serde_json::Value>> {
    SOURCES
        .iter()
        .filter_map(|s| s.by_hand.state.map(|f| (s.by_hand.key, f)))
        .map(|(key, f)| Ok((key, f(store, prefs.slice(key))?)))
        .collect()
}
