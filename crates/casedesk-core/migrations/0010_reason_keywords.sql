-- Keywords that suggest a Case Reason / Sub Reason from what the user writes (issue 11), editable in
-- Settings → Case reasons, and a description template per reason. Comma-separated phrases. The
-- starting catalogue's are seeded (only where a reason still has its starting name).
ALTER TABLE case_reasons ADD COLUMN keywords TEXT NOT NULL DEFAULT '' CHECK (length(keywords) <= 2000);
ALTER TABLE case_reasons ADD COLUMN template TEXT NOT NULL DEFAULT '' CHECK (length(template) <= 8000);
ALTER TABLE sub_reasons ADD COLUMN keywords TEXT NOT NULL DEFAULT '' CHECK (length(keywords) <= 2000);

UPDATE case_reasons SET keywords = 'tag, tracking, pixel, conversion, sale, sales, order, checkout, lead, cookie, tracked, attribution, click, site tag, page tag, event'
    WHERE name = 'Tracking & Conversion Tags';
UPDATE case_reasons SET keywords = 'commission, commissions, report, reports, reporting, earnings, epc, totals, dashboard, insights'
    WHERE name = 'Commissions & Reporting';
UPDATE case_reasons SET keywords = 'api, endpoint, developer, integration, graphql, rest, request, response, json, xml, http'
    WHERE name = 'API & Technical Integration';
UPDATE case_reasons SET keywords = 'payment, payments, paid, payout, pay, money, bank, wire, deposit, billing, funds, balance'
    WHERE name = 'Payments';
UPDATE case_reasons SET keywords = 'login, log in, sign in, account, access, locked, password, username, user, users, two-factor, 2fa'
    WHERE name = 'Account Access';
UPDATE case_reasons SET keywords = 'program, programs, partner, partners, advertiser, publisher, relationship, join, joined, terms, offer, brand'
    WHERE name = 'Programs & Partner Relationships';
UPDATE case_reasons SET keywords = 'data transfer, transfer, batch, import, export, download, delivery, scheduled, files'
    WHERE name = 'Data Transfer';
UPDATE case_reasons SET keywords = 'question, general, feedback, suggestion, feature request, idea'
    WHERE name = 'Other';

UPDATE sub_reasons SET keywords = CASE name
    WHEN 'Tag Not Firing' THEN 'not firing, fire, fires, firing, network request, console, tag manager, gtm, blocked, consent, loading, script, no request'
    WHEN 'Missing or Incorrect Conversions' THEN 'missing sale, missing sales, missing order, missing conversion, untracked, not tracked, duplicate, duplicated, order id, conversions, not recorded'
    WHEN 'Tag Implementation' THEN 'implement, implementation, install, integrate, setup, set up, data layer, datalayer, parameters, item level, enterprise id, action id, shopify, woocommerce, magento, developer'
    WHEN 'Incorrect Commission Amounts' THEN 'wrong commission, incorrect commission, commission rate, rate, percent, percentage, paid less, bonus, tier, override, lower'
    WHEN 'Report Data Discrepancy' THEN 'discrepancy, mismatch, differ, difference, match, matching, numbers, export, csv, analytics, impressions, clicks'
    WHEN 'Corrections & Extensions' THEN 'correction, corrections, extension, extend, lock date, locking, adjust, adjustment, reverse, reversal, void, returns, cancel, cancelled'
    WHEN 'API Authentication' THEN '401, 403, unauthorized, forbidden, authentication, token, access token, personal access token, expired, credentials, key, bearer'
    WHEN 'API Errors' THEN '500, 502, 503, error, errors, timeout, rate limit, 429, query, schema, bad request, 400, exception, failing'
    WHEN 'Product Feeds' THEN 'feed, feeds, product feed, catalog, catalogue, sku, skus, ftp, sftp, upload, products, google shopping'
    WHEN 'Missing Payment' THEN 'not received, missing payment, received, not paid, unpaid, late, payment status, where is'
    WHEN 'Payment Settings' THEN 'payment method, bank account, bank details, iban, swift, paypal, payoneer, tax, w-9, w-8ben, vat, threshold, minimum, currency, payee'
    WHEN 'Invoices' THEN 'invoice, invoices, bill, charged, charge, credit card, prepayment, statement, receipt, overdue'
    WHEN 'Login & Password' THEN 'password, reset, forgot, locked out, log in, sign in, login, two-factor, 2fa, mfa, verification code, authenticator'
    WHEN 'Users & Permissions' THEN 'user, users, permission, permissions, role, roles, admin, add user, remove user, invite, access level, colleague, team member, owner'
    WHEN 'Program Terms' THEN 'program terms, terms, contract, agreement, change terms, policy, restrictions, paid search, coupon, promotional'
    WHEN 'Partner Applications' THEN 'application, apply, applied, pending, approve, approved, declined, rejected, join program, joining, applications'
    WHEN 'Partner Relationship Issues' THEN 'deactivated, removed, terminated, dispute, violation, compliance, trademark, bidding, contact, unresponsive, communication'
    WHEN 'Data Transfer General' THEN 'data transfer, transfer file, scheduled export, batch file, delivery'
    ELSE keywords END;
