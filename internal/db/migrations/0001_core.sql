-- Core schema: the tax authority tree, staff, taxpayers and their users,
-- tax-type identification, sessions, login throttling and the audit log.
-- Timestamps are TEXT in db.TimeLayout (UTC), dates TEXT YYYY-MM-DD, money
-- BIGINT fen.

CREATE TABLE orgs (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('province', 'city', 'district')),
    parent_id BIGINT REFERENCES orgs(id),
    division_code TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);
CREATE INDEX orgs_division ON orgs(division_code);

CREATE TABLE staff (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    staff_no TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX staff_org ON staff(org_id);

CREATE TABLE taxpayers (
    id {{id}},
    kind TEXT NOT NULL CHECK (kind IN ('enterprise', 'individual')),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    legal_rep_name TEXT NOT NULL DEFAULT '',
    legal_rep_id TEXT NOT NULL DEFAULT '',
    division_code TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    industry_code TEXT NOT NULL DEFAULT '',
    registered_capital_fen BIGINT NOT NULL DEFAULT 0,
    accounting_standard TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    bureau_id BIGINT NOT NULL REFERENCES orgs(id),
    status TEXT NOT NULL DEFAULT 'active',
    registered_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX taxpayers_bureau ON taxpayers(bureau_id, status);
CREATE INDEX taxpayers_name ON taxpayers(name);

CREATE TABLE taxpayer_users (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    username TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (taxpayer_id, username)
);

CREATE TABLE tax_identifications (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    tax_type TEXT NOT NULL,
    period TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES staff(id),
    created_at TEXT NOT NULL,
    ended_by BIGINT REFERENCES staff(id),
    ended_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tax_identifications_taxpayer ON tax_identifications(taxpayer_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('taxpayer', 'staff')),
    user_id BIGINT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('web', 'api')),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(kind, user_id);

CREATE TABLE login_failures (
    id {{id}},
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE audit_log (
    id {{id}},
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id BIGINT NOT NULL DEFAULT 0,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id BIGINT NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
