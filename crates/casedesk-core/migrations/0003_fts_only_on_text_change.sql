-- Re-index a draft's text only when its subject or description really changed. An autosave that only
-- touched the CC list or the reason no longer re-tokenises a 32,000-character description.
DROP TRIGGER drafts_au;
CREATE TRIGGER drafts_au AFTER UPDATE OF subject, description ON drafts
WHEN old.subject IS NOT new.subject OR old.description IS NOT new.description
BEGIN
    INSERT INTO drafts_fts (drafts_fts, rowid, subject, description)
    VALUES ('delete', old.id, old.subject, old.description);
    INSERT INTO drafts_fts (rowid, subject, description) VALUES (new.id, new.subject, new.description);
END;
