-- In-site messages to staff (工作人员站内信): the overdue-column reminders of
-- the sites (cms) and, later, other notes for a tax official. One row per
-- recipient, so the read state is on the row. org_id is the recipient's
-- bureau at sending (the hot-table rule for staff-side tables). dedupe_key
-- makes a retried job or two nodes sending the same reminder one message:
-- UNIQUE (staff_id, dedupe_key), inserted ON CONFLICT DO NOTHING.
CREATE TABLE staff_messages (
    id {{id}},
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    kind TEXT NOT NULL CHECK (kind IN ('reminder', 'notice')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    dedupe_key TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT,
    UNIQUE (staff_id, dedupe_key)
);
-- The inbox: a staff member's messages, newest first, paged by id.
CREATE INDEX staff_messages_inbox ON staff_messages(staff_id, id DESC);
-- The unread badge on every staff page reads only unread rows.
CREATE INDEX staff_messages_unread ON staff_messages(staff_id, id DESC) WHERE read_at IS NULL;
