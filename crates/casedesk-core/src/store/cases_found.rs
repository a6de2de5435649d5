//! A case found in mail: hidden when it is not the user's, tied to the draft it answers, or untied.

use rusqlite::{params, OptionalExtension};

use super::cases::{Case, Cases};
use super::{commit, exec, own_tx, row};
use crate::error::{Error, Result};

impl Cases<'_> {
    /// A case found in mail is not the user's: hide it. Its mails stay read (it is not found again).
    pub fn dismiss(&self, case_id: i64) -> Result<()> {
        self.update_one(
            "UPDATE cases SET dismissed_at = ?2 WHERE id = ?1 AND origin = 'mail'",
            case_id,
            &self.now,
        )
    }

    /// Ties a case found in mail to the draft it answers: the draft becomes the record of what was sent.
    pub fn link_draft(&self, case_id: i64, draft_id: i64) -> Result<Case> {
        let tx = own_tx(self.conn)?;
        let subject: Option<String> = row(self.conn,
                "SELECT subject FROM drafts WHERE id = ?1 AND deleted_at IS NULL AND submitted_at IS NULL",
                [draft_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(subject) = subject else {
            return Err(Error::field(
                "draft",
                crate::Code::DraftUnavailable,
                "That draft is gone or already has a case.",
            ));
        };
        let n = exec(
            self.conn,
            "UPDATE cases SET draft_id = ?2, subject = ?3 WHERE id = ?1 AND draft_id IS NULL",
            params![case_id, draft_id, subject],
        )?;
        if n == 0 {
            return Err(Error::field(
                "draft",
                crate::Code::CaseHasDraft,
                "This case already belongs to a draft.",
            ));
        }
        exec(
            self.conn,
            "UPDATE drafts SET submitted_at = ?2, awaiting_number_since = NULL WHERE id = ?1",
            params![draft_id, self.now],
        )?;
        commit(tx)?;
        self.get(case_id)
    }

    /// Undoes a tie between a case found in mail and a draft (made from the mail, or by hand): the
    /// draft is back among the drafts, waiting for its number, and the case is "found in your e-mail"
    /// again, to be tied to the right draft or dismissed. Only for cases found in mail.
    pub fn unlink_draft(&self, case_id: i64) -> Result<Case> {
        let tx = own_tx(self.conn)?;
        let draft: Option<Option<i64>> = row(
            self.conn,
            "SELECT draft_id FROM cases WHERE id = ?1 AND origin = 'mail'",
            [case_id],
            |r| r.get(0),
        )
        .optional()?;
        let Some(Some(draft_id)) = draft else {
            return Err(Error::field(
                "draft",
                crate::Code::DraftUnavailable,
                "This case was not tied to a draft from your e-mail.",
            ));
        };
        exec(
            self.conn,
            "UPDATE cases SET draft_id = NULL WHERE id = ?1",
            [case_id],
        )?;
        exec(
            self.conn,
            "UPDATE drafts SET submitted_at = NULL, awaiting_number_since = ?2 WHERE id = ?1",
            params![draft_id, self.now],
        )?;
        commit(tx)?;
        self.get(case_id)
    }
}
