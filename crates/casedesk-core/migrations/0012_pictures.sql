-- Screenshots ready to send (issue 20).
-- Every PNG and JPEG is written again from its pixels before it is stored: `metadata_removed` says
-- what the original carried (comma-separated keys of `picture::Removed`), `scale_percent` how much of
-- its size was kept to fit CJ's 10 MB. Rows from before this migration are `cleaned = 0` until the
-- start-up pass writes them again; new rows are 1.
ALTER TABLE attachments ADD COLUMN metadata_removed TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN scale_percent INTEGER NOT NULL DEFAULT 100
    CHECK (scale_percent BETWEEN 1 AND 100);
ALTER TABLE attachments ADD COLUMN cleaned INTEGER NOT NULL DEFAULT 0 CHECK (cleaned IN (0, 1));
-- An annotated version: how many marks and redacted areas it has, and whether the user looked at it
-- in the editor and saved (with or without marks). `original_sha256` keeps the file as attached.
ALTER TABLE attachments ADD COLUMN annotations INTEGER NOT NULL DEFAULT 0 CHECK (annotations >= 0);
ALTER TABLE attachments ADD COLUMN redactions INTEGER NOT NULL DEFAULT 0 CHECK (redactions >= 0);
ALTER TABLE attachments ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0 CHECK (reviewed IN (0, 1));
UPDATE attachments SET cleaned = 1 WHERE kind NOT IN ('png', 'jpeg');
