-- The clerks' not-filed list (未申报清册): for each form, period kind and
-- period that has ended, the taxpayers whose identification expects a
-- return and who had not filed it when the row was written. A page of a
-- bureau's list is one range of notfiled_bureau (a district) or of the
-- primary key (the province), in taxpayer order; each listed row is
-- re-checked against the returns' unique key, the suspensions, the
-- identifications and the taxpayer's status, so the page is exact even when
-- the maintenance jobs lag (package returns, notfiled*.go).
--
-- Maintenance, all by background jobs (the submission does not write here):
-- notfiled.sync follows the returns (deletes filed rows), the
-- identifications (adds rows for registered periods) and the suspensions
-- (deletes covered rows) by keyset cursors over their ids; notfiled.daily
-- registers the periods that have ended and builds them page by page.
CREATE TABLE notfiled (
    form TEXT NOT NULL,
    period_start TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- No foreign key: a derived set of rows that have theirs (taxpayers
    -- are never deleted); the check was a third of the seed's build time.
    taxpayer_id BIGINT NOT NULL,
    bureau_id BIGINT NOT NULL,
    PRIMARY KEY (form, period_start, kind, taxpayer_id)
);
CREATE INDEX notfiled_bureau ON notfiled(bureau_id, form, period_start, kind, taxpayer_id);

-- The periods the set holds: building (pages still running: the list walks
-- the register instead) or built (the list reads the set).
CREATE TABLE notfiled_periods (
    form TEXT NOT NULL,
    kind TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    tax_type TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('building', 'built')),
    created_at TEXT NOT NULL,
    built_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (form, kind, period_start)
);
CREATE INDEX notfiled_periods_type ON notfiled_periods(tax_type, kind, period_start);

-- The sync job's cursors: every row with an id up to last_id has been
-- applied to the set. They start at today's last ids: rows written before
-- this migration are read by the period builds themselves.
CREATE TABLE notfiled_cursors (
    name TEXT PRIMARY KEY CHECK (name IN ('returns', 'identifications', 'suspensions')),
    last_id BIGINT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT ''
);
INSERT INTO notfiled_cursors (name, last_id) SELECT 'returns', COALESCE(MAX(id), 0) FROM returns;
INSERT INTO notfiled_cursors (name, last_id) SELECT 'identifications', COALESCE(MAX(id), 0) FROM tax_identifications;
INSERT INTO notfiled_cursors (name, last_id) SELECT 'suspensions', COALESCE(MAX(id), 0) FROM taxpayer_suspensions;
