//! Where credentials live: behind [`Secrets`], which the shell backs with the OS secret store (the
//! keyring) and tests back with memory. The core reads a secret only to hand it to the one client that
//! sends it; it never stores, logs or returns one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};

/// The most bytes a secret may have (a token or an app password, never a file).
pub const SECRET_MAX: usize = 4096;

pub trait Secrets: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<String>>;
    fn set(&self, name: &str, value: &str) -> Result<()>;
    fn delete(&self, name: &str) -> Result<()>;
}

/// Checks a secret the user typed: one line, no control characters, not huge. `None` when empty (keep
/// what is stored). `field` is the form field to blame.
pub fn checked(value: Option<&str>, field: &'static str) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.len() > SECRET_MAX || v.chars().any(char::is_control) => Err(Error::field(
            field,
            crate::Code::SecretInvalid,
            "That does not look like a token or password (one line, no control characters).",
        )),
        Some(v) => Ok(Some(v.to_owned())),
    }
}

/// One mail account's secrets within the store: every name gets the account's id as a suffix
/// (`mail-password@team`), so two accounts never share a password or a token. The first account (the
/// one a single-account release had) keeps the plain names, so its secrets carry over untouched.
pub struct Scoped {
    inner: Arc<dyn Secrets>,
    scope: String,
}

impl Scoped {
    /// `secrets` as one account sees them: itself when `scope` is `None` (the first account).
    pub fn within(secrets: &Arc<dyn Secrets>, scope: Option<&str>) -> Arc<dyn Secrets> {
        match scope {
            None => secrets.clone(),
            Some(scope) => Arc::new(Scoped {
                inner: secrets.clone(),
                scope: scope.to_owned(),
            }),
        }
    }

    fn name(&self, name: &str) -> String {
        format!("{name}@{}", self.scope)
    }
}

impl Secrets for Scoped {
    fn get(&self, name: &str) -> Result<Option<String>> {
        self.inner.get(&self.name(name))
    }
    fn set(&self, name: &str, value: &str) -> Result<()> {
        self.inner.set(&self.name(name), value)
    }
    fn delete(&self, name: &str) -> Result<()> {
        self.inner.delete(&self.name(name))
    }
}

/// Secrets in memory: for tests and for tools that run without a keyring.
#[derive(Default)]
pub struct MemorySecrets(Mutex<HashMap<String, String>>);

impl MemorySecrets {
    pub fn with(pairs: &[(&str, &str)]) -> Self {
        let s = MemorySecrets::default();
        for (k, v) in pairs {
            let _ = s.set(k, v);
        }
        s
    }
}

impl Secrets for MemorySecrets {
    fn get(&self, name: &str) -> Result<Option<String>> {
        Ok(self.0.lock().ok().and_then(|m| m.get(name).cloned()))
    }
    fn set(&self, name: &str, value: &str) -> Result<()> {
        if let Ok(mut m) = self.0.lock() {
            m.insert(name.to_owned(), value.to_owned());
        }
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<()> {
        if let Ok(mut m) = self.0.lock() {
            m.remove(name);
        }
        Ok(())
    }
}

/// Secrets just typed, over the stored ones: "Test connection" tries what the form holds before it
/// is saved. What is typed is read first; writes and deletions stay in memory, so nothing under test
/// changes the secret store.
pub struct Typed {
    typed: MemorySecrets,
    stored: Arc<dyn Secrets>,
}

impl Typed {
    pub fn over(stored: &Arc<dyn Secrets>, typed: &[(&str, &str)]) -> Arc<dyn Secrets> {
        Arc::new(Typed {
            typed: MemorySecrets::with(typed),
            stored: stored.clone(),
        })
    }
}

impl Secrets for Typed {
    fn get(&self, name: &str) -> Result<Option<String>> {
        match self.typed.get(name)? {
            Some(v) => Ok(Some(v)),
            None => self.stored.get(name),
        }
    }
    fn set(&self, name: &str, value: &str) -> Result<()> {
        self.typed.set(name, value)
    }
    fn delete(&self, name: &str) -> Result<()> {
        self.typed.delete(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_secrets_are_read_first_and_never_written_through() {
        let stored: Arc<dyn Secrets> =
            Arc::new(MemorySecrets::with(&[("a", "old"), ("b", "kept")]));
        let t = Typed::over(&stored, &[("a", "new")]);
        assert_eq!(t.get("a").unwrap().as_deref(), Some("new"));
        assert_eq!(t.get("b").unwrap().as_deref(), Some("kept"));
        t.set("b", "changed").unwrap();
        assert_eq!(t.get("b").unwrap().as_deref(), Some("changed"));
        assert_eq!(stored.get("b").unwrap().as_deref(), Some("kept"));
    }
}
