-- Several mailboxes (issue 21): each mail account keeps its own folder cursors. Rows from the
-- single-account release belong to its account, whose id is 'mail'. `mail_folders` has no dependants,
-- so it is rebuilt to widen its key.
CREATE TABLE mail_folders_v13 (
    account       TEXT NOT NULL DEFAULT 'mail',
    folder        TEXT NOT NULL,
    uid_validity  INTEGER NOT NULL,
    last_uid      INTEGER NOT NULL DEFAULT 0,
    synced_at     INTEGER,
    PRIMARY KEY (account, folder)
);
INSERT INTO mail_folders_v13 (account, folder, uid_validity, last_uid, synced_at)
    SELECT 'mail', folder, uid_validity, last_uid, synced_at FROM mail_folders;
DROP TABLE mail_folders;
ALTER TABLE mail_folders_v13 RENAME TO mail_folders;
