-- In-site messages (站内信): reminders, notices and news of a return, sent
-- to one taxpayer (every user of it, or one user) by the hall or by staff.
-- Every message carries taxpayer_id (hot-table rule: the inbox query and
-- every access check start from it). dedupe_key makes a retried or
-- concurrent send of the same reminder one message: the UNIQUE constraint
-- decides, not a read-then-insert (messages.Send inserts ON CONFLICT DO
-- NOTHING). Messages without a key are all kept (NULLs are distinct).
CREATE TABLE messages (
    id {{id}},
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    user_id BIGINT REFERENCES taxpayer_users(id),
    kind TEXT NOT NULL CHECK (kind IN ('reminder', 'notice', 'return')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    sender_staff_id BIGINT REFERENCES staff(id),
    dedupe_key TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (taxpayer_id, dedupe_key)
);
-- The inbox: a taxpayer's messages, newest first, paged by id.
CREATE INDEX messages_inbox ON messages(taxpayer_id, id DESC);

-- Read state per user: a message to every user of a taxpayer is read by
-- each of them separately.
CREATE TABLE message_reads (
    message_id BIGINT NOT NULL REFERENCES messages(id),
    user_id BIGINT NOT NULL REFERENCES taxpayer_users(id),
    read_at TEXT NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
