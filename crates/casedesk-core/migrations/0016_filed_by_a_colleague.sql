-- A team (issue 21): a case found in a mailbox the user marked as the team's shared one, with no draft
-- of theirs waiting for its number, was filed by someone else. Kept on the case (which mailbox found it
-- is not otherwise stored); a case of an earlier release is not one.
ALTER TABLE cases ADD COLUMN by_colleague INTEGER NOT NULL DEFAULT 0 CHECK (by_colleague IN (0, 1));
