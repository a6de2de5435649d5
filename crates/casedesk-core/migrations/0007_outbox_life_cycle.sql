-- The outbox has a life cycle. A draft waits while its filer's server is away (retried with the
-- follow loop's backoff); one the server refused for good (a 4xx other than 408/429, a validation error)
-- needs the user's attention and is not retried until they say so. A queued draft is locked: it is sent
-- exactly as it was when the user pressed Submit.
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'attention'));
