-- The word "provider" is gone from what is stored (as 0006 did for cases): an outbox row names the
-- filer it goes to, and a source's last error code is a "remote_*" one (what an RT server, a mailbox
-- or a sign-in server answered), as the codes are now called. Stored errors keep their meaning.
ALTER TABLE outbox RENAME COLUMN provider TO filer;
UPDATE source_state SET last_error_code = 'remote_' || substr(last_error_code, 10)
 WHERE last_error_code LIKE 'provider\_%' ESCAPE '\';
