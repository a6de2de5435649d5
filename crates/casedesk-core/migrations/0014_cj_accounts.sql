-- Several CJ accounts (issue 21): the account a draft is for (an id from the preferences' CJ accounts;
-- NULL when the user keeps none, as every draft of an earlier release).
ALTER TABLE drafts ADD COLUMN cj_account TEXT CHECK (cj_account IS NULL OR length(cj_account) <= 40);
