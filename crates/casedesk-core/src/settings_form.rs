//! What Settings shows for one filer or status source: its title and its inputs, each bound to a key
//! of its settings slice or to a secret it keeps in the OS secret store. The filer or source
//! describes its form; the page draws it from this description (`ui/settings.js`), so a new one
//! brings its form with it and no page or command names its fields.

use serde::Serialize;

/// One filer's or source's settings form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsForm {
    /// The filer's word, as the preferences keep it (`filerKind`); a source's key.
    pub kind: &'static str,
    /// What the "Cases go to" choice calls a filer; a source's heading.
    pub title: &'static str,
    /// The key of its slice among the preferences' slices.
    pub slice: &'static str,
    pub inputs: Vec<Input>,
}

/// One input of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    /// The name its errors give as their `field` (`rt_url`); the page's element is the same with
    /// dashes (`rt-url`).
    pub id: &'static str,
    pub label: &'static str,
    pub kind: InputKind,
    pub placeholder: &'static str,
    /// The most characters the page lets one type (the checks behind it still apply).
    pub max_len: u32,
}

/// What an input holds, and where it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum InputKind {
    /// One line of text at `key` of the slice's settings.
    Text { key: &'static str },
    /// A list at `key`, typed one item a line.
    Lines { key: &'static str },
    /// A secret kept in the OS secret store under `name`. It never comes back to the page, which
    /// learns only whether one is stored.
    Secret {
        #[serde(skip)]
        name: &'static str,
    },
}

impl SettingsForm {
    /// The secret store's name for the secret input `id`, when this form has one.
    pub fn secret(&self, id: &str) -> Option<(&'static str, &'static str)> {
        self.secrets().find(|(i, _)| *i == id)
    }

    /// Every secret input: its id and the secret store's name for it.
    pub fn secrets(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.inputs.iter().filter_map(|i| match i.kind {
            InputKind::Secret { name } => Some((i.id, name)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_input_names_its_store_entry_but_never_sends_it_to_the_page() {
        let form = SettingsForm {
            kind: "k",
            title: "K",
            slice: "k",
            inputs: vec![Input {
                id: "k_token",
                label: "Token",
                kind: InputKind::Secret { name: "k-token" },
                placeholder: "",
                max_len: 10,
            }],
        };
        assert_eq!(form.secret("k_token"), Some(("k_token", "k-token")));
        assert_eq!(form.secret("other"), None);
        let json = serde_json::to_string(&form).unwrap();
        assert!(json.contains("\"type\":\"secret\""), "{json}");
        assert!(!json.contains("k-token"), "{json}");
    }
}
