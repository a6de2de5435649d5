-- Cases (a draft that was sent, or a case number added by hand), their status history, and the outbox.

-- A submitted draft is kept read-only as the record of what was sent.
ALTER TABLE drafts ADD COLUMN submitted_at INTEGER;

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    provider         TEXT NOT NULL CHECK (provider IN ('cj-web', 'rt')),
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
    UNIQUE (provider, case_number)
);
CREATE INDEX cases_by_watch ON cases (provider, watch);

CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    old_status  TEXT,
    new_status  TEXT NOT NULL,
    at          INTEGER NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('poll', 'manual', 'added')),
    -- 1 once the change was notified (or needs no notification): never notified twice.
    notified    INTEGER NOT NULL DEFAULT 0 CHECK (notified IN (0, 1))
);
CREATE INDEX status_history_by_case ON status_history (case_id, at);
CREATE INDEX status_history_pending ON status_history (notified) WHERE notified = 0;

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    draft_id         INTEGER NOT NULL UNIQUE REFERENCES drafts(id) ON DELETE CASCADE,
    provider         TEXT NOT NULL,
    -- Recorded on the ticket, so a retry after a timeout finds the ticket instead of making a second.
    client_token     TEXT NOT NULL UNIQUE,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       INTEGER NOT NULL
);
