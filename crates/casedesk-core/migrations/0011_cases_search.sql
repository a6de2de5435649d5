-- Search over cases (issue 11): their numbers and subjects, and their timelines (statuses and reply
-- texts). Rows are appended in id order, so both indexes catch up by id before a search
-- (`search_cursor`), and filing a case or reading mail pays nothing for them. A changed number or
-- subject, and removed rows, are kept in step by triggers (both rare).
CREATE VIRTUAL TABLE cases_fts USING fts5(case_number, subject);
CREATE VIRTUAL TABLE history_fts USING fts5(text);
CREATE TABLE search_cursor (
    name     TEXT PRIMARY KEY CHECK (name IN ('cases', 'history')),
    last_id  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO search_cursor (name, last_id) VALUES ('cases', 0), ('history', 0);

CREATE TRIGGER cases_fts_au AFTER UPDATE OF case_number, subject ON cases
    WHEN new.id <= (SELECT last_id FROM search_cursor WHERE name = 'cases')
BEGIN
    DELETE FROM cases_fts WHERE rowid = old.id;
    INSERT INTO cases_fts (rowid, case_number, subject) VALUES (new.id, new.case_number, new.subject);
END;
CREATE TRIGGER cases_fts_ad AFTER DELETE ON cases BEGIN
    DELETE FROM cases_fts WHERE rowid = old.id;
END;
CREATE TRIGGER history_fts_ad AFTER DELETE ON status_history BEGIN
    DELETE FROM history_fts WHERE rowid = old.id;
END;
