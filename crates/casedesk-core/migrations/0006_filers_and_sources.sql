-- Filers and status sources. A case is *filed* by a filer (cj-web, rt) and *followed* by status sources
-- (rt polling, the user's mail, the user by hand). Existing cases and history rows are kept as they are.

-- `cases` is altered in place, not rebuilt: dropping it would delete every history row through
-- `ON DELETE CASCADE` (foreign keys are on while a migration runs).
ALTER TABLE cases RENAME COLUMN provider TO filer;
-- How the case came to the list: recorded by the user (typed, or sent through a filer) or found in mail.
ALTER TABLE cases ADD COLUMN origin TEXT NOT NULL DEFAULT 'user' CHECK (origin IN ('user', 'mail'));
-- A case found in mail that the user dismissed: not listed, not notified; its mails stay read.
ALTER TABLE cases ADD COLUMN dismissed_at INTEGER;
-- Mail names a case by its number alone (not by filer): without this, every mail read scanned the
-- cases (quadratic over a first sync; see BENCHMARKS.md).
CREATE INDEX cases_by_number ON cases (case_number);

-- A draft filed by hand in CJ's form ("I've submitted it") waits for its number from CJ's confirmation.
ALTER TABLE drafts ADD COLUMN awaiting_number_since INTEGER;
CREATE INDEX drafts_awaiting_number ON drafts (awaiting_number_since)
    WHERE awaiting_number_since IS NOT NULL AND submitted_at IS NULL;

-- The timeline: status changes, replies from support, and "found in your e-mail". `status_history` has
-- no dependants, so it is rebuilt to widen its checks.
CREATE TABLE status_history_v6 (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL DEFAULT 'status' CHECK (kind IN ('status', 'reply', 'found')),
    old_status  TEXT,
    new_status  TEXT,
    -- A reply's text (plain text, never HTML).
    body        TEXT,
    at          INTEGER NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('poll', 'manual', 'added', 'mail')),
    -- The mail this entry was read from: a mail's word lands on a case once, however often it is read.
    message_id  TEXT,
    -- 1 once the entry was notified (or needs no notification): never notified twice.
    notified    INTEGER NOT NULL DEFAULT 0 CHECK (notified IN (0, 1)),
    CHECK (kind <> 'status' OR new_status IS NOT NULL)
);
INSERT INTO status_history_v6 (id, case_id, kind, old_status, new_status, at, source, notified)
    SELECT id, case_id, 'status', old_status, new_status, at, source, notified FROM status_history;
DROP TABLE status_history;
ALTER TABLE status_history_v6 RENAME TO status_history;
CREATE INDEX status_history_by_case ON status_history (case_id, at);
CREATE INDEX status_history_pending ON status_history (notified) WHERE notified = 0;
CREATE UNIQUE INDEX status_history_by_message ON status_history (case_id, kind, message_id)
    WHERE message_id IS NOT NULL;

-- Mail, per folder: its UIDVALIDITY and the last UID read. A changed UIDVALIDITY voids the UIDs.
CREATE TABLE mail_folders (
    folder        TEXT PRIMARY KEY,
    uid_validity  INTEGER NOT NULL,
    last_uid      INTEGER NOT NULL DEFAULT 0,
    synced_at     INTEGER
);

-- Every mail read, counted or not, by its Message-ID (or a hash of date, sender and subject when it has
-- none): read once, whatever folder or re-sync shows it again.
CREATE TABLE mail_messages (
    key       TEXT PRIMARY KEY,
    outcome   TEXT NOT NULL CHECK (outcome IN ('counted', 'ignored', 'too_large', 'unreadable')),
    detail    TEXT,
    case_id   INTEGER REFERENCES cases(id) ON DELETE SET NULL,
    folder    TEXT,
    uid       INTEGER,
    at        INTEGER NOT NULL
);
CREATE INDEX mail_messages_by_outcome ON mail_messages (outcome, at);

-- Markers that tie later mails to a case without naming its number: a Salesforce ref id or thread::
-- token, a Zendesk id, a Message-ID that a reply's References / In-Reply-To names.
CREATE TABLE case_threads (
    marker   TEXT PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE
);
CREATE INDEX case_threads_by_case ON case_threads (case_id);

-- What each running status source last did: its sync state in the Cases view.
CREATE TABLE source_state (
    source        TEXT PRIMARY KEY,
    last_sync_at  INTEGER,
    last_error    TEXT,
    detail        TEXT
);
