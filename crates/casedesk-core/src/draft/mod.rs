//! What a draft is, and when it is ready to send.
//!
//! Raw input ([`DraftInput`]) is kept apart from validated input ([`ReadyDraft`]): a draft is saved exactly
//! as typed, whatever its state, so nothing the user wrote is ever lost to a rule; [`check_fields`] says
//! what is still missing, and [`ReadyDraft`] can only be built when nothing is.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

mod cc;
pub use crate::text::is_valid_email;
pub use cc::parse_cc;

pub const SUBJECT_MAX_CHARS: usize = 255;
pub const DESCRIPTION_MAX_CHARS: usize = 32_000;
pub const CC_MAX: usize = 20;
/// Hard cap on any single text field that crosses IPC. Far above the rules, so a paste over the rule's
/// limit is still saved (and flagged), but a hostile megabyte blob is refused.
pub const STORED_FIELD_MAX_BYTES: usize = 1024 * 1024;

/// A draft as the user typed it. Every field may be empty or wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftInput {
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub reason_id: Option<i64>,
    #[serde(default)]
    pub sub_reason_id: Option<i64>,
    #[serde(default)]
    pub cc: String,
    /// The CJ account it is for (an id of the preferences' CJ accounts), if the user keeps any.
    #[serde(default)]
    pub cj_account: Option<String>,
}

impl DraftInput {
    /// Refuses what cannot be stored at all (hostile sizes, NUL bytes). Rule violations are not errors here.
    pub fn check_storable(&self) -> Result<()> {
        if let Some(a) = &self.cj_account {
            if !crate::text::is_slug(a, 40) {
                return Err(Error::field(
                    "draft_account",
                    crate::Code::CjAccountInvalid,
                    "That is not one of your CJ accounts.",
                ));
            }
        }
        for (field, value) in [
            ("subject", &self.subject),
            ("description", &self.description),
            ("cc", &self.cc),
        ] {
            if value.len() > STORED_FIELD_MAX_BYTES {
                return Err(Error::field(
                    field,
                    crate::Code::TooLargeToStore,
                    "This text is larger than 1 MB and cannot be saved. It is still in the window; shorten it.",
                ));
            }
            if value.contains('\0') {
                return Err(Error::field(
                    field,
                    crate::Code::InvalidText,
                    "This text contains a NUL character, which cannot be saved.",
                ));
            }
        }
        Ok(())
    }
}

/// One rule a field breaks. `code` is stable; the UI shows `message` next to `field`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl FieldProblem {
    fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }
}

/// What the catalogue says about the chosen reason, looked up by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonLookup {
    /// No reason chosen.
    None,
    /// The id is not in the catalogue (removed, or hostile input).
    Unknown,
    /// A reason of the other kind's list: not offered to this draft's CJ account, of this kind.
    OtherKind(crate::cj_account::CjKind),
    /// A known reason, with whether it has sub reasons (in this draft's list) and whether the chosen
    /// sub reason belongs to it.
    Known {
        has_sub_reasons: bool,
        sub_reason: SubReasonLookup,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubReasonLookup {
    None,
    BelongsToReason,
    NotOfThisReason,
    /// A sub reason of the other kind's list (the draft's account is of this kind).
    OtherKind(crate::cj_account::CjKind),
}

/// Every rule the draft breaks, in form order. Empty means the draft is ready.
pub fn check_fields(input: &DraftInput, reason: ReasonLookup) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let subject = input.subject.trim();
    if subject.is_empty() {
        out.push(FieldProblem::new(
            "subject",
            "subject_required",
            "A subject is required.",
        ));
    } else {
        if input.subject.contains(['\n', '\r']) {
            out.push(FieldProblem::new(
                "subject",
                "subject_multiline",
                "The subject must be a single line.",
            ));
        }
        let n = input.subject.chars().count();
        if n > SUBJECT_MAX_CHARS {
            out.push(FieldProblem::new(
                "subject",
                "subject_too_long",
                format!("The subject is {n} characters; CJ accepts at most {SUBJECT_MAX_CHARS}."),
            ));
        }
    }
    if input.description.trim().is_empty() {
        out.push(FieldProblem::new(
            "description",
            "description_required",
            "A description is required.",
        ));
    } else {
        let n = input.description.chars().count();
        if n > DESCRIPTION_MAX_CHARS {
            out.push(FieldProblem::new(
                "description",
                "description_too_long",
                format!("The description is {n} characters; the limit is {DESCRIPTION_MAX_CHARS}."),
            ));
        }
    }
    match reason {
        ReasonLookup::None => out.push(FieldProblem::new(
            "reason",
            "reason_required",
            "Choose a Case Reason.",
        )),
        ReasonLookup::Unknown => out.push(FieldProblem::new(
            "reason",
            "reason_unknown",
            "This Case Reason is no longer in the catalogue; choose another.",
        )),
        ReasonLookup::OtherKind(kind) => out.push(FieldProblem::new(
            "reason",
            "reason_other_kind",
            format!(
                "This Case Reason is not in the {} list, and the draft is for a {} account; choose another.",
                kind.list_name(),
                kind.as_str()
            ),
        )),
        ReasonLookup::Known {
            has_sub_reasons,
            sub_reason,
        } => match (has_sub_reasons, sub_reason) {
            (true, SubReasonLookup::None) => out.push(FieldProblem::new(
                "sub_reason",
                "sub_reason_required",
                "Choose a Sub Reason.",
            )),
            (_, SubReasonLookup::NotOfThisReason) => out.push(FieldProblem::new(
                "sub_reason",
                "sub_reason_unknown",
                "This Sub Reason does not belong to the chosen Case Reason.",
            )),
            (_, SubReasonLookup::OtherKind(kind)) => out.push(FieldProblem::new(
                "sub_reason",
                "sub_reason_other_kind",
                format!(
                    "This Sub Reason is not in the {} list, and the draft is for a {} account; choose another.",
                    kind.list_name(),
                    kind.as_str()
                ),
            )),
            _ => {}
        },
    }
    if let Err(problem) = parse_cc(&input.cc) {
        out.push(problem);
    }
    out
}

/// A draft that passed every rule. It can only be made by [`ReadyDraft::from_input`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadyDraft {
    pub subject: String,
    pub description: String,
    pub reason_id: i64,
    pub sub_reason_id: Option<i64>,
    pub cc: Vec<String>,
}

impl ReadyDraft {
    pub fn from_input(
        input: &DraftInput,
        reason: ReasonLookup,
    ) -> std::result::Result<Self, Vec<FieldProblem>> {
        let problems = check_fields(input, reason);
        if !problems.is_empty() {
            return Err(problems);
        }
        let cc = parse_cc(&input.cc).map_err(|p| vec![p])?;
        Ok(ReadyDraft {
            subject: input.subject.trim().to_owned(),
            description: input.description.clone(),
            reason_id: input.reason_id.ok_or_else(Vec::new)?,
            sub_reason_id: input.sub_reason_id,
            cc,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN_NO_SUBS: ReasonLookup = ReasonLookup::Known {
        has_sub_reasons: false,
        sub_reason: SubReasonLookup::None,
    };

    fn input(subject: &str, description: &str, cc: &str) -> DraftInput {
        DraftInput {
            subject: subject.into(),
            description: description.into(),
            reason_id: Some(1),
            sub_reason_id: None,
            cc: cc.into(),
            cj_account: None,
        }
    }

    fn codes(p: &[FieldProblem]) -> Vec<&'static str> {
        p.iter().map(|p| p.code).collect()
    }

    #[test]
    fn field_rules_as_a_table() {
        let long_subject = "a".repeat(256);
        let ok_subject = "a".repeat(255);
        let long_desc = "d".repeat(32_001);
        let cases: Vec<(DraftInput, ReasonLookup, Vec<&str>)> = vec![
            (
                input("Commission report wrong", "x", ""),
                KNOWN_NO_SUBS,
                vec![],
            ),
            (input("", "x", ""), KNOWN_NO_SUBS, vec!["subject_required"]),
            (
                input("   ", "x", ""),
                KNOWN_NO_SUBS,
                vec!["subject_required"],
            ),
            (
                input("two\nlines", "x", ""),
                KNOWN_NO_SUBS,
                vec!["subject_multiline"],
            ),
            (
                input(&long_subject, "x", ""),
                KNOWN_NO_SUBS,
                vec!["subject_too_long"],
            ),
            (input(&ok_subject, "x", ""), KNOWN_NO_SUBS, vec![]),
            (
                input("s", " \n ", ""),
                KNOWN_NO_SUBS,
                vec!["description_required"],
            ),
            (
                input("s", &long_desc, ""),
                KNOWN_NO_SUBS,
                vec!["description_too_long"],
            ),
            (
                input("s", "x", ""),
                ReasonLookup::None,
                vec!["reason_required"],
            ),
            (
                input("s", "x", ""),
                ReasonLookup::Unknown,
                vec!["reason_unknown"],
            ),
            (
                input("s", "x", ""),
                ReasonLookup::Known {
                    has_sub_reasons: true,
                    sub_reason: SubReasonLookup::None,
                },
                vec!["sub_reason_required"],
            ),
            (
                input("s", "x", ""),
                ReasonLookup::Known {
                    has_sub_reasons: true,
                    sub_reason: SubReasonLookup::NotOfThisReason,
                },
                vec!["sub_reason_unknown"],
            ),
            (
                input("s", "x", ""),
                ReasonLookup::Known {
                    has_sub_reasons: true,
                    sub_reason: SubReasonLookup::BelongsToReason,
                },
                vec![],
            ),
            (
                input("s", "x", "bob@example"),
                KNOWN_NO_SUBS,
                vec!["cc_invalid"],
            ),
            (
                input("", "", "nope"),
                ReasonLookup::None,
                vec![
                    "subject_required",
                    "description_required",
                    "reason_required",
                    "cc_invalid",
                ],
            ),
        ];
        for (i, (inp, reason, want)) in cases.iter().enumerate() {
            assert_eq!(
                codes(&check_fields(inp, *reason)),
                *want,
                "case {i}: {inp:?} must break exactly these rules"
            );
        }
    }

    #[test]
    fn ready_draft_only_from_valid_input() {
        let ok = input("  Commission report wrong ", "details", "A@x.com a@x.com");
        let ready = ReadyDraft::from_input(&ok, KNOWN_NO_SUBS).unwrap();
        assert_eq!(ready.subject, "Commission report wrong");
        assert_eq!(ready.cc, vec!["A@x.com"]);
        assert!(ReadyDraft::from_input(&input("", "d", ""), KNOWN_NO_SUBS).is_err());
    }

    #[test]
    fn storable_refuses_hostile_sizes_but_not_rule_breaking_text() {
        let over_rule = input(&"s".repeat(1000), &"d".repeat(40_000), "");
        assert!(
            over_rule.check_storable().is_ok(),
            "text over a rule's limit is still saved"
        );
        let hostile = input("s", &"d".repeat(STORED_FIELD_MAX_BYTES + 1), "");
        let err = hostile.check_storable().unwrap_err();
        assert_eq!(err.code(), "too_large_to_store");
        assert!(input("a\0b", "", "").check_storable().is_err());
    }
}
