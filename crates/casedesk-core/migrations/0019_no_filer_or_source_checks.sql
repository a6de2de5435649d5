-- The store keeps rows, not filers: `cases.filer` and `status_history.source` lose their
-- `CHECK (… IN (…))` lists, so a new filer or status source needs no table rebuild (issue 19). What
-- each column may hold is the code's word (`FilerKind`, `SourceKind`, read back by `parse`).
--
-- SQLite cannot drop a CHECK in place, so both tables are made again. The runner turns foreign keys
-- off around a migration and runs `PRAGMA foreign_key_check` before it commits (SQLite's own
-- procedure for changing a table): dropping `cases` with them on would delete every timeline entry,
-- thread marker and outbox link through their `ON DELETE` actions. The rows are copied aside and back
-- (no `ALTER TABLE … RENAME`, which re-reads every trigger and refuses one naming a missing table), and
-- the triggers are made again after the copy, so copying fires none of them. Ids are kept, so the
-- search index (keyed by them) still matches.

-- cases ----------------------------------------------------------------------------------------------
CREATE TEMP TABLE cases_v19 AS SELECT * FROM main.cases;
DROP TABLE main.cases;
CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    -- The filer's name (`FilerKind::as_str`), whichever filers the code knows.
    filer            TEXT NOT NULL CHECK (length(filer) BETWEEN 1 AND 40),
    case_number      TEXT NOT NULL CHECK (length(case_number) BETWEEN 1 AND 64),
    draft_id         INTEGER REFERENCES drafts(id) ON DELETE SET NULL,
    subject          TEXT NOT NULL DEFAULT '',
    status           TEXT,
    remote_updated   TEXT,
    last_checked_at  INTEGER,
    last_error       TEXT,
    muted            INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    -- active: polled; final: terminal status seen, one more check due; stopped: not polled.
    watch            TEXT NOT NULL DEFAULT 'active' CHECK (watch IN ('active', 'final', 'stopped')),
    created_at       INTEGER NOT NULL,
    origin           TEXT NOT NULL DEFAULT 'user' CHECK (origin IN ('user', 'mail')),
    dismissed_at     INTEGER,
    by_colleague     INTEGER NOT NULL DEFAULT 0 CHECK (by_colleague IN (0, 1)),
    cj_account       TEXT,
    UNIQUE (filer, case_number)
);
INSERT INTO cases (id, filer, case_number, draft_id, subject, status, remote_updated, last_checked_at,
                   last_error, muted, watch, created_at, origin, dismissed_at, by_colleague, cj_account)
    SELECT id, filer, case_number, draft_id, subject, status, remote_updated, last_checked_at,
           last_error, muted, watch, created_at, origin, dismissed_at, by_colleague, cj_account
      FROM temp.cases_v19;
DROP TABLE temp.cases_v19;
CREATE INDEX cases_by_watch ON cases (filer, watch);
CREATE INDEX cases_by_created ON cases (created_at DESC, id DESC);
CREATE INDEX cases_by_number ON cases (case_number);
CREATE INDEX cases_by_account ON cases (cj_account, created_at DESC, id DESC);
CREATE INDEX cases_by_draft ON cases (draft_id);
CREATE TRIGGER cases_fts_au AFTER UPDATE OF case_number, subject ON cases
    WHEN new.id <= (SELECT last_id FROM search_cursor WHERE name = 'cases')
BEGIN
    DELETE FROM cases_fts WHERE rowid = old.id;
    INSERT INTO cases_fts (rowid, case_number, subject) VALUES (new.id, new.case_number, new.subject);
END;
CREATE TRIGGER cases_fts_ad AFTER DELETE ON cases BEGIN
    DELETE FROM cases_fts WHERE rowid = old.id;
END;
CREATE TRIGGER cases_account_ai AFTER INSERT ON cases WHEN NEW.draft_id IS NOT NULL BEGIN
    UPDATE cases SET cj_account = (SELECT cj_account FROM drafts WHERE id = NEW.draft_id)
        WHERE id = NEW.id;
END;
CREATE TRIGGER cases_account_au AFTER UPDATE OF draft_id ON cases
    WHEN OLD.draft_id IS NOT NEW.draft_id BEGIN
    UPDATE cases SET cj_account = (SELECT cj_account FROM drafts WHERE id = NEW.draft_id)
        WHERE id = NEW.id;
END;

-- status_history -------------------------------------------------------------------------------------
CREATE TEMP TABLE status_history_v19 AS SELECT * FROM main.status_history;
DROP TABLE main.status_history;
CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL DEFAULT 'status' CHECK (kind IN ('status', 'reply', 'found')),
    old_status  TEXT,
    new_status  TEXT,
    -- A reply's text (plain text, never HTML).
    body        TEXT,
    at          INTEGER NOT NULL,
    -- Where the entry came from (`SourceKind::as_str`), whichever sources the code knows.
    source      TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 40),
    -- The mail this entry was read from: a mail's word lands on a case once, however often it is read.
    message_id  TEXT,
    -- 1 once the entry was notified (or needs no notification): never notified twice.
    notified    INTEGER NOT NULL DEFAULT 0 CHECK (notified IN (0, 1)),
    CHECK (kind <> 'status' OR new_status IS NOT NULL)
);
INSERT INTO status_history (id, case_id, kind, old_status, new_status, body, at, source, message_id,
                            notified)
    SELECT id, case_id, kind, old_status, new_status, body, at, source, message_id, notified
      FROM temp.status_history_v19;
DROP TABLE temp.status_history_v19;
CREATE INDEX status_history_by_case ON status_history (case_id, at);
CREATE INDEX status_history_pending ON status_history (notified) WHERE notified = 0;
CREATE UNIQUE INDEX status_history_by_message ON status_history (case_id, kind, message_id)
    WHERE message_id IS NOT NULL;
CREATE TRIGGER history_fts_ad AFTER DELETE ON status_history BEGIN
    DELETE FROM history_fts WHERE rowid = old.id;
END;
