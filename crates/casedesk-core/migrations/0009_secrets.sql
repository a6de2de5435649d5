-- Secrets caught in drafts (issue 11).
-- A `.txt` attachment whose secrets were redacted points at the redacted copy (`sha256`, what is
-- sent); the file as the user attached it stays in the data folder, never sent, until the draft goes.
ALTER TABLE attachments ADD COLUMN original_sha256 TEXT
    CHECK (original_sha256 IS NULL OR length(original_sha256) = 64);

-- Findings the user marked "not a secret", per draft, by fingerprint (never the value).
CREATE TABLE secret_dismissals (
    draft_id     INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL CHECK (length(fingerprint) = 16),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (draft_id, fingerprint)
) WITHOUT ROWID;
