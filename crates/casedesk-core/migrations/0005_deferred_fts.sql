-- The search index catches up with an edited draft later, not inside every autosave. Re-indexing a
-- 64 KB description (tokenising the old text out and the new text in) was most of an autosave's time
-- (see BENCHMARKS.md); a user typing saves every 0.6 s, so the index was rebuilt for every pause.
--
-- drafts_fts has external content, so removing a draft's old entry needs the exact text it was
-- indexed with. The first edit after the draft was last indexed keeps that text here (later edits
-- find the row already there and keep it); the store re-indexes the stale drafts before a search,
-- when another draft is opened, when duplicates are looked up for another draft, and at start.
CREATE TABLE drafts_fts_stale (
    draft_id    INTEGER PRIMARY KEY,
    subject     TEXT NOT NULL,
    description TEXT NOT NULL
);

DROP TRIGGER drafts_au;
CREATE TRIGGER drafts_au AFTER UPDATE OF subject, description ON drafts
WHEN old.subject IS NOT new.subject OR old.description IS NOT new.description
BEGIN
    INSERT OR IGNORE INTO drafts_fts_stale (draft_id, subject, description)
    VALUES (old.id, old.subject, old.description);
END;

DROP TRIGGER drafts_ad;
CREATE TRIGGER drafts_ad AFTER DELETE ON drafts BEGIN
    INSERT INTO drafts_fts (drafts_fts, rowid, subject, description)
    SELECT 'delete', old.id, coalesce(s.subject, old.subject), coalesce(s.description, old.description)
    FROM (SELECT 1) LEFT JOIN drafts_fts_stale s ON s.draft_id = old.id;
    DELETE FROM drafts_fts_stale WHERE draft_id = old.id;
END;
