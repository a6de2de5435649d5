-- A source's last error keeps its stable code beside its words, so the Cases view can say what to do
-- (e.g. "Sign in again" for `mail_sign_in_needed`) without reading the message.
ALTER TABLE source_state ADD COLUMN last_error_code TEXT;
