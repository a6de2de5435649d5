//! A filer's or a source's own settings, kept in the preferences under its key as an opaque value
//! with its version. The preferences never know its shape: the module that owns it reads it, falls
//! back to its defaults for a version or a shape it cannot read, and would upgrade an older version
//! itself. It sits on the ground floor so that filers and sources, a floor below the preferences,
//! can read their own.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slice {
    pub version: u32,
    pub settings: serde_json::Value,
}

impl Slice {
    /// `settings` as a slice of `version`.
    pub fn of<T: Serialize>(version: u32, settings: &T) -> Slice {
        Slice {
            version,
            settings: serde_json::to_value(settings).unwrap_or(serde_json::Value::Null),
        }
    }

    /// The settings, when the slice is of `version` and has their shape.
    pub fn read<T: DeserializeOwned>(&self, version: u32) -> Option<T> {
        if self.version != version {
            return None;
        }
        serde_json::from_value(self.settings.clone()).ok()
    }
}

/// The slice's settings, or the module's defaults when there is none or it cannot be read.
pub fn settings_or_default<T: DeserializeOwned + Default>(
    slice: Option<&Slice>,
    version: u32,
) -> T {
    slice.and_then(|s| s.read(version)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    struct S {
        a: u32,
    }

    #[test]
    fn a_slice_is_read_at_its_version_and_defaults_otherwise() {
        let s = Slice::of(2, &S { a: 7 });
        assert_eq!(s.read::<S>(2), Some(S { a: 7 }));
        assert_eq!(s.read::<S>(1), None, "another version is not guessed at");
        assert_eq!(settings_or_default::<S>(Some(&s), 1), S::default());
        let odd = Slice {
            version: 2,
            settings: serde_json::json!("not an object"),
        };
        assert_eq!(settings_or_default::<S>(Some(&odd), 2), S::default());
        assert_eq!(settings_or_default::<S>(None, 2), S::default());
    }
}
