-- The individual's record of income tax withheld (纳税记录): one row per
-- person, employer and month, written in the transaction that accepts the
-- employer's withholding return (returns accept hook), so a person's year
-- is one index range instead of a scan of every employer's returns. A
-- correction replaces the employer's rows of that month. Keyed by the
-- person's resident ID; person_taxpayer_id is set when the person is
-- registered in the hall as a natural person at the time.
CREATE TABLE iit_person_lines (
    id {{id}},
    resident_id TEXT NOT NULL,
    person_name TEXT NOT NULL,
    person_taxpayer_id BIGINT REFERENCES taxpayers(id),
    employer_taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    employer_code TEXT NOT NULL,
    employer_name TEXT NOT NULL,
    return_id BIGINT NOT NULL REFERENCES returns(id),
    ack_no TEXT NOT NULL,
    year INTEGER NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    income BIGINT NOT NULL,
    tax_free BIGINT NOT NULL,
    special BIGINT NOT NULL,
    additional BIGINT NOT NULL,
    other BIGINT NOT NULL,
    tax BIGINT NOT NULL,
    UNIQUE (employer_taxpayer_id, period_start, resident_id)
);
CREATE INDEX iit_person_lines_person ON iit_person_lines(resident_id, year, period_start);

-- Refunds that an annual IIT reconciliation (综合所得年度汇算) asks for:
-- recorded as 'requested' for the approval workflow. One per accepted
-- reconciliation return; a correction supersedes the request of the
-- version it corrects while that one is still only requested.
CREATE TABLE iit_refund_requests (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    return_id BIGINT NOT NULL UNIQUE REFERENCES returns(id),
    year INTEGER NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    state TEXT NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'superseded', 'approved', 'rejected', 'refunded')),
    requested_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX iit_refund_requests_taxpayer ON iit_refund_requests(taxpayer_id, year, id);
