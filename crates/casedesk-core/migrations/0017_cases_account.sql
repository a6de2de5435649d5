-- The account filter (issue 21): a case carries the CJ account of its draft, kept by triggers, so one
-- account's cases are read in list order from an index (BENCHMARKS.md, the cases list filtered by
-- account: reading them through their drafts took 150 ms for an account with most of 100,000 cases).
ALTER TABLE cases ADD COLUMN cj_account TEXT;
UPDATE cases SET cj_account = (SELECT d.cj_account FROM drafts d WHERE d.id = cases.draft_id)
    WHERE draft_id IS NOT NULL;
CREATE INDEX cases_by_account ON cases (cj_account, created_at DESC, id DESC);
CREATE INDEX cases_by_draft ON cases (draft_id);
CREATE INDEX drafts_by_account ON drafts (cj_account, updated_at DESC, id DESC);

CREATE TRIGGER cases_account_ai AFTER INSERT ON cases WHEN NEW.draft_id IS NOT NULL BEGIN
    UPDATE cases SET cj_account = (SELECT cj_account FROM drafts WHERE id = NEW.draft_id)
        WHERE id = NEW.id;
END;
CREATE TRIGGER cases_account_au AFTER UPDATE OF draft_id ON cases
    WHEN OLD.draft_id IS NOT NEW.draft_id BEGIN
    UPDATE cases SET cj_account = (SELECT cj_account FROM drafts WHERE id = NEW.draft_id)
        WHERE id = NEW.id;
END;
CREATE TRIGGER drafts_account_au AFTER UPDATE OF cj_account ON drafts
    WHEN OLD.cj_account IS NOT NEW.cj_account BEGIN
    UPDATE cases SET cj_account = NEW.cj_account WHERE draft_id = NEW.id;
END;
