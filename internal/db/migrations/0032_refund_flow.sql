-- Refunds end to end (退税): one path from the request to the money.
--
-- A refund request — an overpayment a correction made (refund_requests,
-- 0014) or an annual IIT reconciliation that ends in a refund
-- (iit_refund_requests, 0016) — opens a refund application in the
-- workflow in the transaction that records it. The application names its
-- request; at most one live (not rejected, not withdrawn) application per
-- request, by index.
ALTER TABLE applications ADD COLUMN refund_request_id BIGINT REFERENCES refund_requests(id);
ALTER TABLE applications ADD COLUMN iit_refund_request_id BIGINT REFERENCES iit_refund_requests(id);
CREATE UNIQUE INDEX applications_refund_live ON applications(refund_request_id)
    WHERE refund_request_id IS NOT NULL AND status NOT IN ('rejected', 'withdrawn');
CREATE UNIQUE INDEX applications_iit_refund_live ON applications(iit_refund_request_id)
    WHERE iit_refund_request_id IS NOT NULL AND status NOT IN ('rejected', 'withdrawn');
-- The request's latest application, whatever its status (the taxpayer's view).
CREATE INDEX applications_refund ON applications(refund_request_id, id) WHERE refund_request_id IS NOT NULL;
CREATE INDEX applications_iit_refund ON applications(iit_refund_request_id, id) WHERE iit_refund_request_id IS NOT NULL;

-- The approved refund (refunds, 0019) names the request it settles: one
-- refund per request.
ALTER TABLE refunds ADD COLUMN refund_request_id BIGINT REFERENCES refund_requests(id);
ALTER TABLE refunds ADD COLUMN iit_refund_request_id BIGINT REFERENCES iit_refund_requests(id);
ALTER TABLE refunds ADD COLUMN paid_at TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX refunds_request ON refunds(refund_request_id) WHERE refund_request_id IS NOT NULL;
CREATE UNIQUE INDEX refunds_iit_request ON refunds(iit_refund_request_id) WHERE iit_refund_request_id IS NOT NULL;

-- Paying an approved refund out (退库): one credit at the bank, exactly
-- once, like a debit (payments): request_no is what the bank deduplicates
-- by; pending until the bank's answer is known, then paid or failed. At
-- most one live (pending or paid) payout per refund, by index; a failed
-- one may be followed by another under a new request number.
CREATE TABLE refund_payouts (
    id {{id}},
    refund_id BIGINT NOT NULL REFERENCES refunds(id),
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    request_no TEXT NOT NULL UNIQUE,
    bank_code TEXT NOT NULL,
    account_no TEXT NOT NULL,
    account_name TEXT NOT NULL,
    tax_type TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    entrust_date TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    bank_txn_no TEXT NOT NULL DEFAULT '',
    settled_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    settled_at TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX refund_payouts_live ON refund_payouts(refund_id) WHERE state <> 'failed';
CREATE INDEX refund_payouts_refund ON refund_payouts(refund_id, id);
CREATE INDEX refund_payouts_taxpayer ON refund_payouts(taxpayer_id, id);
-- The bureau's refund ledger, newest first, keyset on id.
CREATE INDEX refund_payouts_ledger ON refund_payouts(bureau_id, id);
CREATE INDEX refund_payouts_pending ON refund_payouts(created_at, id) WHERE state = 'pending';
CREATE INDEX refund_payouts_day ON refund_payouts(entrust_date, request_no);

-- Treasury totals: refunds paid out (退库) of the day, by bureau and tax,
-- kept apart from the receipts (入库).
ALTER TABLE treasury_daily ADD COLUMN refund BIGINT NOT NULL DEFAULT 0;
ALTER TABLE treasury_daily ADD COLUMN refund_items BIGINT NOT NULL DEFAULT 0;

-- Correction netting (更正申报冲抵): a correction's difference is set off
-- against the same tax and period's liabilities of the other sign that are
-- still open (not paid, not in a pending payment, not asked back). amount
-- is what is due (or due back) now; netted is what netting moved out of
-- it, so amount + netted is what the return's difference was.
ALTER TABLE tax_liabilities ADD COLUMN netted BIGINT NOT NULL DEFAULT 0;
