-- Drafts, their attachments, the editable case-reason catalogue, settings, and full-text search.
-- Times are Unix milliseconds. A draft in the trash has deleted_at set; it is purged later.

CREATE TABLE case_reasons (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 120),
    position  INTEGER NOT NULL
);

CREATE TABLE sub_reasons (
    id        INTEGER PRIMARY KEY,
    reason_id INTEGER NOT NULL REFERENCES case_reasons(id) ON DELETE CASCADE,
    name      TEXT NOT NULL COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 120),
    position  INTEGER NOT NULL,
    UNIQUE (reason_id, name)
);

CREATE TABLE drafts (
    id            INTEGER PRIMARY KEY,
    subject       TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    reason_id     INTEGER REFERENCES case_reasons(id) ON DELETE RESTRICT,
    sub_reason_id INTEGER REFERENCES sub_reasons(id) ON DELETE RESTRICT,
    cc            TEXT NOT NULL DEFAULT '',
    ready         INTEGER NOT NULL DEFAULT 0 CHECK (ready IN (0, 1)),
    revision      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER
);
CREATE INDEX drafts_live_by_update ON drafts (deleted_at, updated_at DESC);

CREATE TABLE attachments (
    id        INTEGER PRIMARY KEY,
    draft_id  INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    sha256    TEXT NOT NULL CHECK (length(sha256) = 64),
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('png', 'jpeg', 'pdf', 'txt')),
    size      INTEGER NOT NULL CHECK (size > 0),
    added_at  INTEGER NOT NULL,
    UNIQUE (draft_id, sha256)
);
CREATE INDEX attachments_by_sha ON attachments (sha256);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- External-content FTS5 index over subject + description, kept in step by triggers.
CREATE VIRTUAL TABLE drafts_fts USING fts5(
    subject, description,
    content = 'drafts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER drafts_ai AFTER INSERT ON drafts BEGIN
    INSERT INTO drafts_fts (rowid, subject, description) VALUES (new.id, new.subject, new.description);
END;
CREATE TRIGGER drafts_ad AFTER DELETE ON drafts BEGIN
    INSERT INTO drafts_fts (drafts_fts, rowid, subject, description)
    VALUES ('delete', old.id, old.subject, old.description);
END;
CREATE TRIGGER drafts_au AFTER UPDATE OF subject, description ON drafts BEGIN
    INSERT INTO drafts_fts (drafts_fts, rowid, subject, description)
    VALUES ('delete', old.id, old.subject, old.description);
    INSERT INTO drafts_fts (rowid, subject, description) VALUES (new.id, new.subject, new.description);
END;

-- The starting catalogue. CJ publishes only "Data Transfer" / "Data Transfer General"; the rest covers
-- the areas CJ's own examples name. Users edit it freely in Settings → Case reasons.
INSERT INTO case_reasons (id, name, position) VALUES
    (1, 'Tracking & Conversion Tags', 1),
    (2, 'Commissions & Reporting', 2),
    (3, 'API & Technical Integration', 3),
    (4, 'Payments', 4),
    (5, 'Account Access', 5),
    (6, 'Programs & Partner Relationships', 6),
    (7, 'Data Transfer', 7),
    (8, 'Other', 8);
INSERT INTO sub_reasons (reason_id, name, position) VALUES
    (1, 'Tag Not Firing', 1),
    (1, 'Missing or Incorrect Conversions', 2),
    (1, 'Tag Implementation', 3),
    (2, 'Incorrect Commission Amounts', 1),
    (2, 'Report Data Discrepancy', 2),
    (2, 'Corrections & Extensions', 3),
    (3, 'API Authentication', 1),
    (3, 'API Errors', 2),
    (3, 'Product Feeds', 3),
    (4, 'Missing Payment', 1),
    (4, 'Payment Settings', 2),
    (4, 'Invoices', 3),
    (5, 'Login & Password', 1),
    (5, 'Users & Permissions', 2),
    (6, 'Program Terms', 1),
    (6, 'Partner Applications', 2),
    (6, 'Partner Relationship Issues', 3),
    (7, 'Data Transfer General', 1);
