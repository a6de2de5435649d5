-- A reason catalogue per kind of CJ account (issue 21): CJ's publishers and advertisers choose from
-- different Case Reasons. One catalogue, each reason and sub reason saying whom it is for: 'both',
-- 'publisher' or 'advertiser'. Settings → Case reasons shows the publishers' list and the
-- advertisers' list; a draft for an account offers that account's list (a draft for no account, all).
-- Every reason a user made or renamed stays 'both': nothing of theirs leaves a list.
ALTER TABLE case_reasons ADD COLUMN audience TEXT NOT NULL DEFAULT 'both'
    CHECK (audience IN ('both', 'publisher', 'advertiser'));
ALTER TABLE sub_reasons ADD COLUMN audience TEXT NOT NULL DEFAULT 'both'
    CHECK (audience IN ('both', 'publisher', 'advertiser'));

-- The starting set, where it still has its starting names (docs/reasons.md says where each came from):
-- tags are placed and corrections made by advertisers; payments are received by publishers, who set
-- how they are paid; invoices go to advertisers.
UPDATE sub_reasons SET audience = 'advertiser'
    WHERE (name IN ('Tag Not Firing', 'Tag Implementation')
           AND reason_id IN (SELECT id FROM case_reasons WHERE name = 'Tracking & Conversion Tags'))
       OR (name = 'Corrections & Extensions'
           AND reason_id IN (SELECT id FROM case_reasons WHERE name = 'Commissions & Reporting'))
       OR (name = 'Invoices'
           AND reason_id IN (SELECT id FROM case_reasons WHERE name = 'Payments'));
UPDATE sub_reasons SET audience = 'publisher'
    WHERE name IN ('Missing Payment', 'Payment Settings')
      AND reason_id IN (SELECT id FROM case_reasons WHERE name = 'Payments');

-- One sub reason of each kind's own: a publisher's links, an advertiser's recruiting of publishers.
INSERT OR IGNORE INTO sub_reasons (reason_id, name, position, keywords, audience)
    SELECT id, 'Links & Deep Links',
           (SELECT coalesce(max(position), 0) + 1 FROM sub_reasons WHERE reason_id = case_reasons.id),
           'link, links, deep link, deeplink, deep linking, tracking link, redirect, broken link, url, landing page, 404',
           'publisher'
    FROM case_reasons WHERE name = 'Tracking & Conversion Tags';
INSERT OR IGNORE INTO sub_reasons (reason_id, name, position, keywords, audience)
    SELECT id, 'Publisher Recruitment',
           (SELECT coalesce(max(position), 0) + 1 FROM sub_reasons WHERE reason_id = case_reasons.id),
           'recruit, recruiting, recruitment, find publishers, new publishers, outreach, invite publishers, publisher search',
           'advertiser'
    FROM case_reasons WHERE name = 'Programs & Partner Relationships';
