-- What approved applications (package workflow) produce beyond the
-- records they change.
--
-- Certificates issued on approval: 无欠税证明 (no_arrears) and 中国税收居民
-- 身份证明 (residency) join the register of 0015. SQLite cannot widen a
-- CHECK in place, so the table is rebuilt with its rows and ids; on
-- PostgreSQL the identity then continues after the highest id ({{postgres}}
-- lines run only there).
CREATE TABLE certificates_0019 (
    id {{id}},
    cert_no TEXT NOT NULL UNIQUE,
    verify_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('tax_paid', 'iit_record', 'no_arrears', 'residency')),
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    taxpayer_code TEXT NOT NULL,
    taxpayer_name TEXT NOT NULL,
    taxpayer_kind TEXT NOT NULL,
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    bureau_name TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    lines TEXT NOT NULL,
    total BIGINT NOT NULL,
    idem_key TEXT NOT NULL,
    issued_by BIGINT NOT NULL,
    issued_at TEXT NOT NULL,
    UNIQUE (taxpayer_id, idem_key)
);
INSERT INTO certificates_0019 (id, cert_no, verify_code, kind, taxpayer_id, taxpayer_code, taxpayer_name, taxpayer_kind,
    bureau_id, bureau_name, scope, lines, total, idem_key, issued_by, issued_at)
SELECT id, cert_no, verify_code, kind, taxpayer_id, taxpayer_code, taxpayer_name, taxpayer_kind,
    bureau_id, bureau_name, scope, lines, total, idem_key, issued_by, issued_at FROM certificates;
DROP TABLE certificates;
ALTER TABLE certificates_0019 RENAME TO certificates;
CREATE INDEX certificates_taxpayer ON certificates(taxpayer_id, id);
{{postgres}}SELECT setval(pg_get_serial_sequence('certificates', 'id'), COALESCE((SELECT MAX(id) FROM certificates), 0) + 1, false);

-- The certificate an approved certificate item produced: the taxpayer
-- downloads it from the application's page.
ALTER TABLE applications ADD COLUMN certificate_id BIGINT REFERENCES certificates(id);

-- Refunds approved through the workflow (退税: overpaid tax, VAT credit,
-- the annual IIT reconciliation): one per application. The record is what
-- the approval decided; paying it out (and linking it to the payment
-- capability's refund requests) is not done here.
CREATE TABLE refunds (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications(id),
    item_code TEXT NOT NULL,
    tax_type TEXT NOT NULL DEFAULT '',
    period TEXT NOT NULL DEFAULT '',
    amount BIGINT NOT NULL CHECK (amount > 0),
    account TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'approved' CHECK (status IN ('approved', 'paid', 'cancelled')),
    approved_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL
);
CREATE INDEX refunds_taxpayer ON refunds(taxpayer_id, id);

-- The supervisor's board reads maintained counts, not the live tasks: one
-- row per bureau, item, node and last day with how many tasks are open
-- and claimed, changed in the transaction of every task's change
-- (workflow/counts.go). A board sums a few hundred rows however many
-- tasks wait; overdue is the sum of the rows whose last day has passed.
CREATE TABLE task_counts (
    bureau_id BIGINT NOT NULL,
    city_id BIGINT NOT NULL,
    item_code TEXT NOT NULL,
    node_code TEXT NOT NULL,
    due_date TEXT NOT NULL,
    open_n INTEGER NOT NULL DEFAULT 0,
    claimed_n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bureau_id, item_code, node_code, due_date)
);
CREATE INDEX task_counts_city ON task_counts(city_id);
INSERT INTO task_counts (bureau_id, city_id, item_code, node_code, due_date, open_n, claimed_n)
SELECT bureau_id, MIN(city_id), item_code, node_code, due_date,
    SUM(CASE WHEN state = 'open' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'claimed' THEN 1 ELSE 0 END)
FROM tasks WHERE state IN ('open', 'claimed') GROUP BY bureau_id, item_code, node_code, due_date;
-- The board's overdue list (the 50 most overdue, in due-date order) and
-- each handler's load, read by index ranges of the bureau or the city.
DROP INDEX tasks_board;
DROP INDEX tasks_board_city;
CREATE INDEX tasks_overdue ON tasks(bureau_id, due_date, id) WHERE state IN ('open', 'claimed');
CREATE INDEX tasks_overdue_city ON tasks(city_id, due_date, id) WHERE state IN ('open', 'claimed');
CREATE INDEX tasks_load ON tasks(bureau_id, claimed_by, due_date) WHERE state = 'claimed';
CREATE INDEX tasks_load_city ON tasks(city_id, claimed_by, due_date) WHERE state = 'claimed';
