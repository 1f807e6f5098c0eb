-- Payment through the tax–treasury–bank link (package payment).

-- Tripartite agreements (三方协议): taxpayer, tax bureau and bank. A new
-- agreement is 'verifying' until the bank answers; matched makes it
-- 'active' and the one before it 'replaced'; 'rejected' keeps the bank's
-- reason; 'ended' when the taxpayer ends it. Rows are never deleted: the
-- history is the table. At most one active agreement per taxpayer, by index.
CREATE TABLE bank_agreements (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    agreement_no TEXT NOT NULL UNIQUE,
    bank_code TEXT NOT NULL,
    account_name TEXT NOT NULL,
    account_no TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('verifying', 'rejected', 'active', 'replaced', 'ended')),
    reason TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    verified_at TEXT NOT NULL DEFAULT '',
    ended_at TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX bank_agreements_active ON bank_agreements(taxpayer_id) WHERE state = 'active';
CREATE INDEX bank_agreements_history ON bank_agreements(taxpayer_id, id);

-- One debit at the bank: request_no is what the bank deduplicates by;
-- (taxpayer_id, idem_key) makes a double click or a browser retry one
-- payment. state: pending until the bank's answer is known (never
-- guessed), then paid or failed. settled_by says which path learnt it:
-- debit (the answer), query (the reconciliation job), statement (the
-- daily file).
CREATE TABLE payments (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    request_no TEXT NOT NULL UNIQUE,
    idem_key TEXT NOT NULL,
    agreement_id BIGINT NOT NULL REFERENCES bank_agreements(id),
    bank_code TEXT NOT NULL,
    account_no TEXT NOT NULL,
    account_name TEXT NOT NULL,
    entrust_date TEXT NOT NULL,
    tax BIGINT NOT NULL,
    late_fee BIGINT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    state TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    bank_txn_no TEXT NOT NULL DEFAULT '',
    settled_by TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    settled_at TEXT NOT NULL DEFAULT '',
    UNIQUE (taxpayer_id, idem_key)
);
CREATE INDEX payments_taxpayer ON payments(taxpayer_id, id);
CREATE INDEX payments_pending ON payments(created_at, id) WHERE state = 'pending';
CREATE INDEX payments_day ON payments(entrust_date, request_no);

-- The liabilities a payment settles. live is 1 while the payment is
-- pending or paid and 0 once it failed: the partial unique index makes it
-- impossible for one liability to be in two live or settled payments,
-- whatever nodes race. voucher_no (电子缴款凭证号) and paid_on are set
-- when the payment is paid.
CREATE TABLE payment_items (
    id {{id}},
    payment_id BIGINT NOT NULL REFERENCES payments(id),
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    bureau_id BIGINT NOT NULL,
    liability_id BIGINT NOT NULL REFERENCES tax_liabilities(id),
    return_id BIGINT NOT NULL,
    tax_type TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    deadline TEXT NOT NULL,
    tax BIGINT NOT NULL,
    late_fee BIGINT NOT NULL,
    late_days INTEGER NOT NULL DEFAULT 0,
    live INTEGER NOT NULL DEFAULT 1,
    voucher_no TEXT UNIQUE,
    paid_on TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX payment_items_live ON payment_items(liability_id) WHERE live = 1;
CREATE INDEX payment_items_payment ON payment_items(payment_id);
CREATE INDEX payment_items_paid ON payment_items(taxpayer_id, paid_on, id) WHERE voucher_no IS NOT NULL;
-- The bureau's ledger: a day's paid items, paged by id.
CREATE INDEX payment_items_ledger ON payment_items(paid_on, bureau_id, id) WHERE voucher_no IS NOT NULL;

-- Treasury totals (入库), maintained when a payment is paid: one row per
-- bureau, day and tax, so the daily report sums a few rows per bureau.
CREATE TABLE treasury_daily (
    bureau_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    tax_type TEXT NOT NULL,
    tax BIGINT NOT NULL DEFAULT 0,
    late_fee BIGINT NOT NULL DEFAULT 0,
    items BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, bureau_id, tax_type)
);

-- Reconciliation of one day's bank statement against the hall's payments.
CREATE TABLE reconciliations (
    id {{id}},
    day TEXT NOT NULL,
    matched INTEGER NOT NULL,
    only_hall INTEGER NOT NULL,
    only_bank INTEGER NOT NULL,
    settled INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX reconciliations_day ON reconciliations(day, id);
CREATE TABLE reconciliation_lines (
    id {{id}},
    reconciliation_id BIGINT NOT NULL REFERENCES reconciliations(id),
    request_no TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('matched', 'only_hall', 'only_bank')),
    bureau_id BIGINT,
    hall_state TEXT NOT NULL DEFAULT '',
    bank_status TEXT NOT NULL DEFAULT '',
    amount BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reconciliation_lines_run ON reconciliation_lines(reconciliation_id, id);

-- Refunds of overpaid tax (a correction that lowered the tax due after it
-- was paid): recorded as requests; the workflow approves them.
CREATE TABLE refund_requests (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    bureau_id BIGINT NOT NULL,
    liability_id BIGINT NOT NULL UNIQUE REFERENCES tax_liabilities(id),
    return_id BIGINT NOT NULL,
    tax_type TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    state TEXT NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'approved', 'rejected', 'refunded')),
    requested_by BIGINT NOT NULL,
    requested_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    decided_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX refund_requests_taxpayer ON refund_requests(taxpayer_id, id);
CREATE INDEX refund_requests_bureau ON refund_requests(bureau_id, state, id);
