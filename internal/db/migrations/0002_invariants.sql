-- Rules the database holds, whatever the application checked before:
-- they must hold on PostgreSQL, where two nodes (or two connections) can
-- both pass a check-then-insert at the same time.

-- Tax-type identification: at most one open (end_date = '') identification
-- per taxpayer and tax group. The group is the tax type itself except where
-- types exclude each other: VAT small-scale and general share 'vat'. The
-- application sets it from taxpayer.TaxGroup on every insert.
ALTER TABLE tax_identifications ADD COLUMN tax_group TEXT NOT NULL DEFAULT '';
UPDATE tax_identifications SET tax_group = CASE WHEN tax_type IN ('vat_small', 'vat_general') THEN 'vat' ELSE tax_type END;
CREATE UNIQUE INDEX tax_identifications_open ON tax_identifications(taxpayer_id, tax_group) WHERE end_date = '';

-- Throttling counters, one row per key and fixed window. A login or a
-- registration reserves its attempt with one atomic upsert before anything
-- is checked, so parallel requests cannot all read "4 failures so far".
CREATE TABLE throttle_counters (
    key TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    n INTEGER NOT NULL
);
DROP TABLE login_failures;

-- Staff numbers are compared in upper case at login and stored so; the
-- unique index on staff_no then also forbids "ab12" beside "AB12".
UPDATE staff SET staff_no = UPPER(staff_no);

-- Audit actions have one spelling scheme: object.noun_verb.
UPDATE audit_log SET action = 'taxpayer_user.password_reset' WHERE action = 'taxpayer_user.reset_password';
