-- Reminders and subscriptions (定制服务, package notify). In-site messages
-- stay in messages; e-mail and SMS go out through jobs (kinds notify.email
-- and notify.sms) enqueued in the transaction of the event.

-- One row per taxpayer user who chose e-mail or SMS for some kinds of
-- notice: the address and, per channel, the chosen kinds as a
-- comma-separated list ("deadline,lastday"). No row: in-site only. The
-- fan-out reads the rows of one taxpayer (notify_prefs_taxpayer).
CREATE TABLE notify_prefs (
    user_id BIGINT PRIMARY KEY REFERENCES taxpayer_users(id),
    taxpayer_id BIGINT NOT NULL REFERENCES taxpayers(id),
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email_kinds TEXT NOT NULL DEFAULT '',
    sms_kinds TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE INDEX notify_prefs_taxpayer ON notify_prefs(taxpayer_id);

-- The development SMS gateway: each text a real gateway would have sent.
-- dedupe_key is the outbox job's key, so a job that runs again after its
-- worker died inserts nothing (ON CONFLICT DO NOTHING): one row per text.
CREATE TABLE sms_outbox (
    id {{id}},
    dedupe_key TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- What the e-mail channel has handed to the SMTP server, by job key: a job
-- that runs again (its worker died after sending, before the job was marked
-- done) finds its row and does not send again. The remaining window — the
-- server accepted the message and the node died before this row was
-- written — can still send twice (at-least-once; see README).
CREATE TABLE notify_sent (
    dedupe_key TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
