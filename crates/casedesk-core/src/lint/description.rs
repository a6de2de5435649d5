//! The description checklist (what you were trying to accomplish, the steps, the error, your system)
//! and the template with one heading per item.

use serde::Serialize;

/// One item of the description checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub code: &'static str,
    pub label: &'static str,
    pub met: bool,
}

/// The four items CJ asks a description to cover, with their template headings and the words that show an
/// item is covered when the user writes freely instead of using the template.
struct Item {
    code: &'static str,
    label: &'static str,
    heading: &'static str,
    cues: &'static [&'static str],
}

const ITEMS: [Item; 4] = [
    Item {
        code: "goal",
        label: "What you were trying to accomplish",
        heading: "What I was trying to accomplish",
        cues: &[
            "trying to",
            "tried to",
            "attempting",
            "i want",
            "we want",
            "wanted to",
            "i need to",
            "we need to",
            "would like to",
            "goal",
            "in order to",
            "so that",
            "my aim",
            "i was setting up",
            "we are setting up",
        ],
    },
    Item {
        code: "steps",
        label: "The steps you took",
        heading: "Steps I took",
        cues: &[
            "steps",
            "step 1",
            "1.",
            "1)",
            "first,",
            "then ",
            "after that",
            "clicked",
            "navigated",
            "went to",
            "opened",
            "selected",
            "entered",
            "ran ",
            "called",
            "submitted",
            "logged in",
            "uploaded",
        ],
    },
    Item {
        code: "error",
        label: "Error messages or unexpected behaviour",
        heading: "Error messages or unexpected behaviour",
        cues: &[
            "error",
            "message",
            "unexpected",
            "instead",
            "expected",
            "fails",
            "failed",
            "failing",
            "exception",
            "status code",
            "http 4",
            "http 5",
            " 400",
            " 401",
            " 403",
            " 404",
            " 500",
            "not firing",
            "incorrect",
            "wrong",
            "missing",
            "shows ",
            "showing",
            "returns",
            "returned",
            "blank",
            "crash",
        ],
    },
    Item {
        code: "environment",
        label: "Browser or system information",
        heading: "Browser / system information",
        cues: &[
            "browser",
            "chrome",
            "firefox",
            "safari",
            "edge",
            "opera",
            "windows",
            "macos",
            "mac os",
            "linux",
            "ubuntu",
            "android",
            "ios",
            "operating system",
            "os:",
            "version",
            "user agent",
            "user-agent",
        ],
    },
];

/// The description checklist: each item met or missing.
///
/// Where the template's heading for an item is present, the item is met only when something was written
/// under it (an empty template does not count). Otherwise the item is met when the text carries one of the
/// item's cues.
pub fn description_checklist(description: &str) -> Vec<ChecklistItem> {
    let sections = template_sections(description);
    let lower = description.to_lowercase();
    ITEMS
        .iter()
        .map(|item| {
            let met = match sections.iter().find(|(code, _)| *code == item.code) {
                Some((_, body)) => body.chars().filter(|c| c.is_alphanumeric()).count() >= 3,
                None => item.cues.iter().any(|cue| lower.contains(cue)),
            };
            ChecklistItem {
                code: item.code,
                label: item.label,
                met,
            }
        })
        .collect()
}

/// Splits a description on the template's headings: (item code, text under the heading).
fn template_sections(description: &str) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for line in description.lines() {
        let key = line
            .trim()
            .trim_start_matches('#')
            .trim()
            .trim_end_matches(':')
            .trim();
        // Headings are short ASCII: compared without lowercasing (or copying) every line of a
        // 32,000-character description on every autosave.
        if let Some(item) = ITEMS.iter().find(|i| i.heading.eq_ignore_ascii_case(key)) {
            out.push((item.code, String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// The four headed sections "Insert template" adds to a description.
pub fn description_template() -> String {
    ITEMS
        .iter()
        .map(|i| format!("{}:\n\n", i.heading))
        .collect::<String>()
        .trim_end()
        .to_owned()
        + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklist_by_cues() {
        let met = |d: &str| -> Vec<&'static str> {
            description_checklist(d)
                .iter()
                .filter(|i| i.met)
                .map(|i| i.code)
                .collect()
        };
        assert_eq!(met(""), Vec::<&str>::new());
        assert_eq!(met("I was trying to create a campaign."), vec!["goal"]);
        assert_eq!(
            met("I was trying to create a campaign. I clicked Save and got error 401 Unauthorized. Chrome 120 on Windows 11."),
            vec!["goal", "steps", "error", "environment"]
        );
    }

    #[test]
    fn empty_template_sections_do_not_count_as_met() {
        let t = description_template();
        assert!(
            description_checklist(&t).iter().all(|i| !i.met),
            "an untouched template says nothing yet"
        );
        let filled = t.replacen(
            "Steps I took:\n",
            "Steps I took:\nOpened Reports, chose October.\n",
            1,
        );
        let met: Vec<_> = description_checklist(&filled)
            .into_iter()
            .filter(|i| i.met)
            .map(|i| i.code)
            .collect();
        assert_eq!(
            met,
            vec!["steps"],
            "only the section written under is met, even though headings contain cue words"
        );
    }

    #[test]
    fn template_has_four_headed_sections() {
        let t = description_template();
        for h in [
            "What I was trying to accomplish:",
            "Steps I took:",
            "Error messages or unexpected behaviour:",
            "Browser / system information:",
        ] {
            assert!(t.contains(h), "template lacks {h}");
        }
    }
}
