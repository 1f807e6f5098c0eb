-- Returns (申报). An accepted return is an immutable row: its canonical
-- document and SHA-256 are never updated; a correction is a new version
-- linked to the one it corrects. Every table carries the taxpayer id it
-- belongs to, so one taxpayer's pages never join across taxpayers (and the
-- tables can be distributed by taxpayer_id).

CREATE TABLE returns (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    form TEXT NOT NULL,
    tax_type TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    previous_id BIGINT REFERENCES returns(id),
    -- 1 on the latest version of (taxpayer, form, period); a correction
    -- clears it on the version it replaces with one atomic UPDATE.
    is_current INTEGER NOT NULL DEFAULT 1,
    zero INTEGER NOT NULL DEFAULT 0,
    deadline TEXT NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    -- tax_due: what this version makes payable in total (negative:
    -- refundable); difference: tax_due less the previous version's.
    tax_due BIGINT NOT NULL,
    difference BIGINT NOT NULL,
    doc TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    ack_no TEXT NOT NULL UNIQUE,
    idem_key TEXT NOT NULL,
    submitted_by BIGINT NOT NULL,
    submitted_by_name TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    -- One original per tax and period, one of each version, and one
    -- return per idempotency key: a repeated or concurrent submission
    -- cannot make a second return, on any node.
    UNIQUE (taxpayer_id, form, period_start, version),
    UNIQUE (taxpayer_id, idem_key)
);
CREATE UNIQUE INDEX returns_current ON returns(taxpayer_id, form, period_start) WHERE is_current = 1;
CREATE INDEX returns_history ON returns(taxpayer_id, id);
CREATE INDEX returns_bureau ON returns(bureau_id, tax_type, period_start, late);

-- What each accepted version makes payable (or overpaid): the payment
-- issue settles these rows; the late fee accrues on amount − paid from the
-- day after the deadline.
CREATE TABLE tax_liabilities (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    return_id BIGINT NOT NULL UNIQUE REFERENCES returns(id),
    tax_type TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    deadline TEXT NOT NULL,
    amount BIGINT NOT NULL,
    paid BIGINT NOT NULL DEFAULT 0,
    settled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX tax_liabilities_open ON tax_liabilities(taxpayer_id, settled, deadline);

-- A draft per taxpayer, form and period, resumable by any user of the
-- taxpayer with the right role. token is the idempotency key its
-- submission carries.
CREATE TABLE return_drafts (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    form TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    correction_of BIGINT REFERENCES returns(id),
    cells TEXT NOT NULL,
    token TEXT NOT NULL,
    updated_by BIGINT NOT NULL,
    updated_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (taxpayer_id, form, period_start)
);

-- The append-only log of a taxpayer's tax period: drafted, submitted,
-- accepted, corrected, reminded.
CREATE TABLE return_events (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    form TEXT NOT NULL,
    period_start TEXT NOT NULL,
    return_id BIGINT REFERENCES returns(id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id BIGINT NOT NULL DEFAULT 0,
    actor_name TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX return_events_period ON return_events(taxpayer_id, form, period_start, id);

-- Maintained totals for the clerks' boards, one row per bureau, tax,
-- period and shard (taxpayer_id % 8, so that a busy bureau's submissions
-- do not all wait for one row); a board sums at most 8 rows per bureau.
CREATE TABLE filing_stats (
    bureau_id BIGINT NOT NULL,
    tax_type TEXT NOT NULL,
    period_start TEXT NOT NULL,
    shard INTEGER NOT NULL,
    filed BIGINT NOT NULL DEFAULT 0,
    late BIGINT NOT NULL DEFAULT 0,
    corrected BIGINT NOT NULL DEFAULT 0,
    tax_due BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bureau_id, tax_type, period_start, shard)
);

-- The clerks' not-filed list walks identifications of one tax in
-- taxpayer order.
CREATE INDEX tax_identifications_type ON tax_identifications(tax_type, taxpayer_id);
