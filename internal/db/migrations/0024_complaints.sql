-- Complaints, reports and the director's mailbox (投诉举报 · 局长信箱 ·
-- 违纪举报). Named (a taxpayer user) or anonymous; an anonymous filer
-- follows up with the tracking number and a secret query code, of which
-- only a hash is kept. Each case is routed to a bureau with a due date in
-- working days. attachment_id is the seam for the uploads store (files by
-- hash); target_kind/target_id for a complaint about a workflow step or a
-- clerk (the workflow links them and counts them in the clerk's figures).
CREATE TABLE complaints (
    id {{id}},
    tracking_no TEXT NOT NULL UNIQUE,
    code_hash TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'report', 'mailbox', 'misconduct')),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    anonymous INTEGER NOT NULL,
    taxpayer_id BIGINT REFERENCES taxpayers(id),
    user_id BIGINT REFERENCES taxpayer_users(id),
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    attachment_id BIGINT,
    target_kind TEXT,
    target_id BIGINT,
    state TEXT NOT NULL CHECK (state IN ('open', 'replied', 'closed')),
    due_on TEXT NOT NULL,
    public_reply INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    replied_at TEXT
);
-- The staff's list of a bureau, open first, newest first.
CREATE INDEX complaints_org ON complaints(org_id, state, id);
-- The public list of the latest replies.
CREATE INDEX complaints_public ON complaints(public_reply, replied_at);
-- A named filer's own cases.
CREATE INDEX complaints_user ON complaints(user_id, id);

-- The thread: the filer's additions and the staff's replies.
CREATE TABLE complaint_entries (
    id {{id}},
    complaint_id BIGINT NOT NULL REFERENCES complaints(id),
    author TEXT NOT NULL CHECK (author IN ('filer', 'staff')),
    staff_id BIGINT REFERENCES staff(id),
    body TEXT NOT NULL,
    attachment_id BIGINT,
    created_at TEXT NOT NULL
);
CREATE INDEX complaint_entries_case ON complaint_entries(complaint_id, id);
