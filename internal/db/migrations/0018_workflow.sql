-- On-application items (依申请事项) and the staff platform (package
-- workflow). The catalogue is data: categories and items with what an
-- administrator may change (node time limits in working days, difficulty
-- coefficient, 即办, 同城通办, enabled). nodes lists the workflow as
-- "node:role:days" separated by ";" (node is accept 受理, review 审核 or
-- approve 审批). An item's form fields and required materials are code
-- (workflow/catalogue_defs.go): they come with their validation.
CREATE TABLE item_categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sort INTEGER NOT NULL
);

CREATE TABLE items (
    code TEXT PRIMARY KEY,
    category TEXT NOT NULL REFERENCES item_categories(code),
    name TEXT NOT NULL,
    nodes TEXT NOT NULL,
    difficulty_pct INTEGER NOT NULL DEFAULT 100,
    instant INTEGER NOT NULL DEFAULT 0,
    citywide INTEGER NOT NULL DEFAULT 0,
    enabled INTEGER NOT NULL DEFAULT 1,
    sort INTEGER NOT NULL,
    updated_at TEXT NOT NULL DEFAULT ''
);

-- An application: the taxpayer's (hot-table rule), handled by the bureau
-- competent for it when submitted. The submission token makes a retried
-- or double-clicked submission one application (UNIQUE, ON CONFLICT DO
-- NOTHING). status moves only by conditional updates (workflow/
-- transitions.go holds the table).
CREATE TABLE applications (
    id {{id}},
    no TEXT NOT NULL UNIQUE,
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    item_code TEXT NOT NULL REFERENCES items(code),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'processing', 'returned', 'approved', 'rejected', 'withdrawn')),
    node INTEGER NOT NULL DEFAULT 0,
    form TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    submit_token TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES taxpayer_users(id),
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    UNIQUE (taxpayer_id, submit_token)
);
-- The taxpayer's list, newest first, keyset-paged by id.
CREATE INDEX applications_taxpayer ON applications(taxpayer_id, id DESC);

-- A task is one visit of an application to one node: the pool shows open
-- ones; a claim is UPDATE … WHERE state = 'open' AND claimed_by IS NULL.
-- Each task keeps the node's limit and difficulty as they were when it
-- started (an administrator's later change does not rewrite history).
CREATE TABLE tasks (
    id {{id}},
    application_id BIGINT NOT NULL REFERENCES applications(id),
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    item_code TEXT NOT NULL,
    node INTEGER NOT NULL,
    node_code TEXT NOT NULL,
    role TEXT NOT NULL,
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    bureau_path TEXT NOT NULL,
    city_id BIGINT NOT NULL,
    citywide INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('open', 'claimed', 'done', 'cancelled')),
    claimed_by BIGINT REFERENCES staff(id),
    claimed_at TEXT NOT NULL DEFAULT '',
    assigned_by BIGINT REFERENCES staff(id),
    limit_days INTEGER NOT NULL,
    difficulty_pct INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    due_date TEXT NOT NULL,
    warn_date TEXT NOT NULL,
    decided_at TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    opinion TEXT NOT NULL DEFAULT '',
    days_used INTEGER NOT NULL DEFAULT 0,
    on_time INTEGER NOT NULL DEFAULT 0,
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT NOT NULL DEFAULT '',
    rated_at TEXT NOT NULL DEFAULT ''
);
-- At most one live task per application: two decisions cannot both create
-- the next node's task.
CREATE UNIQUE INDEX tasks_live ON tasks(application_id) WHERE state IN ('open', 'claimed');
CREATE INDEX tasks_application ON tasks(application_id, id);
-- The pool of a district (its own tasks) and of a city (its tasks, and
-- the 同城通办 tasks any district of it may take), keyset by id.
CREATE INDEX tasks_pool_bureau ON tasks(role, bureau_id, id) WHERE state = 'open';
CREATE INDEX tasks_pool_city ON tasks(role, city_id, id) WHERE state = 'open';
CREATE INDEX tasks_pool_citywide ON tasks(role, city_id, id) WHERE state = 'open' AND citywide = 1;
-- A clerk's own claimed tasks.
CREATE INDEX tasks_claimed ON tasks(claimed_by, id) WHERE state = 'claimed';
-- The supervisor's board: live tasks by bureau, item, node and state, and
-- overdue ones by due date.
CREATE INDEX tasks_board ON tasks(bureau_id, state, item_code, node_code, due_date) WHERE state IN ('open', 'claimed');
CREATE INDEX tasks_board_city ON tasks(city_id, state, item_code, node_code, due_date) WHERE state IN ('open', 'claimed');
-- Monthly performance: finished tasks by bureau and decision time.
CREATE INDEX tasks_done ON tasks(bureau_id, decided_at) WHERE state = 'done';

-- What approvals left behind that other capabilities may read: a
-- suspension's dates, a filing deadline moved for one tax and period.
CREATE TABLE taxpayer_suspensions (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications(id),
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX taxpayer_suspensions_taxpayer ON taxpayer_suspensions(taxpayer_id, from_date);

CREATE TABLE filing_extensions (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications(id),
    tax_type TEXT NOT NULL,
    period TEXT NOT NULL,
    deadline TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (taxpayer_id, tax_type, period)
);

INSERT INTO item_categories (code, name, sort) VALUES
 ('registration', '税务登记', 1),
 ('qualification', '资格认定', 2),
 ('filing', '申报事项', 3),
 ('authentication', '网上认证', 4),
 ('invoice_purchase', '发票购领', 5),
 ('invoice_issue', '发票代开', 6),
 ('refund', '网上退税', 7),
 ('complaint', '投诉举报', 8),
 ('remedy', '税收救济', 9),
 ('reduction', '减免税', 10),
 ('certificate', '涉税证明', 11);

INSERT INTO items (code, category, name, nodes, difficulty_pct, instant, citywide, sort) VALUES
 ('reg_change', 'registration', '变更税务登记', 'accept:window_clerk:1;approve:reviewer:3', 120, 0, 1, 1),
 ('deregistration', 'registration', '注销税务登记', 'accept:window_clerk:1;review:reviewer:10;approve:hall_supervisor:5', 200, 0, 0, 2),
 ('suspension', 'registration', '停业登记', 'accept:window_clerk:1;approve:reviewer:3', 100, 0, 1, 3),
 ('resumption', 'registration', '复业登记', 'accept:window_clerk:0', 60, 1, 1, 4),
 ('cross_region', 'registration', '跨区域涉税事项报告', 'accept:window_clerk:0', 50, 1, 1, 5),
 ('vat_general', 'qualification', '增值税一般纳税人登记', 'accept:window_clerk:1;approve:reviewer:5', 150, 0, 1, 6),
 ('export_refund_filing', 'qualification', '出口退（免）税备案', 'accept:window_clerk:1;approve:reviewer:5', 150, 0, 0, 7),
 ('nonprofit_exemption', 'qualification', '非营利组织免税资格认定', 'accept:window_clerk:1;review:reviewer:10;approve:hall_supervisor:5', 200, 0, 0, 8),
 ('filing_extension', 'filing', '延期申报申请', 'accept:window_clerk:1;approve:reviewer:5', 120, 0, 0, 9),
 ('payment_extension', 'filing', '延期缴纳税款申请', 'accept:window_clerk:1;review:reviewer:10;approve:hall_supervisor:5', 200, 0, 0, 10),
 ('accounting_filing', 'filing', '财务会计制度及核算软件备案', 'accept:window_clerk:0', 50, 1, 1, 11),
 ('period_change', 'filing', '申报纳税期限变更', 'accept:window_clerk:1;approve:reviewer:3', 100, 0, 0, 12),
 ('deduction_exception', 'authentication', '增值税扣税凭证用途确认异常处理', 'accept:window_clerk:1;approve:reviewer:3', 100, 0, 1, 13),
 ('abnormal_voucher', 'authentication', '异常增值税扣税凭证核实', 'accept:window_clerk:1;review:reviewer:10', 150, 0, 0, 14),
 ('invoice_types', 'invoice_purchase', '发票票种核定', 'accept:window_clerk:1;approve:reviewer:3', 120, 0, 1, 15),
 ('invoice_limit', 'invoice_purchase', '增值税专用发票最高开票限额审批', 'accept:window_clerk:1;review:reviewer:5;approve:hall_supervisor:5', 150, 0, 0, 16),
 ('invoice_quota_add', 'invoice_purchase', '增加发票领用数量', 'accept:window_clerk:1;approve:reviewer:2', 80, 0, 1, 17),
 ('invoice_cancel', 'invoice_purchase', '发票缴销', 'accept:window_clerk:0', 50, 1, 1, 18),
 ('issue_special', 'invoice_issue', '代开增值税专用发票', 'accept:window_clerk:0', 80, 1, 1, 19),
 ('issue_ordinary', 'invoice_issue', '代开增值税普通发票', 'accept:window_clerk:0', 60, 1, 1, 20),
 ('refund_overpaid', 'refund', '误收多缴退抵税', 'accept:window_clerk:1;review:reviewer:10;approve:hall_supervisor:5', 200, 0, 0, 21),
 ('refund_credit', 'refund', '增值税期末留抵税额退税', 'accept:window_clerk:1;review:reviewer:10;approve:hall_supervisor:5', 250, 0, 0, 22),
 ('refund_iit', 'refund', '个人所得税综合所得汇算退税', 'accept:window_clerk:1;approve:reviewer:5', 100, 0, 1, 23),
 ('service_complaint', 'complaint', '纳税服务投诉', 'accept:hall_supervisor:1;approve:hall_supervisor:10', 100, 0, 0, 24),
 ('violation_report', 'complaint', '检举税收违法行为', 'accept:window_clerk:1;review:risk_analyst:15', 150, 0, 0, 25),
 ('admin_review', 'remedy', '税务行政复议申请', 'accept:window_clerk:1;review:reviewer:10;approve:hall_supervisor:10', 300, 0, 0, 26),
 ('penalty_statement', 'remedy', '陈述申辩', 'accept:window_clerk:1;approve:reviewer:3', 150, 0, 0, 27),
 ('reduction_filing', 'reduction', '减免税备案', 'accept:window_clerk:0', 60, 1, 1, 28),
 ('reduction_approval', 'reduction', '减免税核准', 'accept:window_clerk:1;review:reviewer:10;approve:hall_supervisor:5', 200, 0, 0, 29),
 ('residency_cert', 'certificate', '中国税收居民身份证明', 'accept:window_clerk:1;approve:reviewer:10', 150, 0, 0, 30),
 ('no_arrears_cert', 'certificate', '无欠税证明', 'accept:window_clerk:0', 50, 1, 1, 31),
 ('payment_cert', 'certificate', '税收完税证明', 'accept:window_clerk:0', 50, 1, 1, 32);
