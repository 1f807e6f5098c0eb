-- Durable background jobs (package jobs): any node of the hall claims the
-- next due job with one UPDATE … RETURNING, so several nodes need no
-- second scheduler. (kind, dedupe_key) is unique: a caller enqueues inside
-- its own transaction with ON CONFLICT DO NOTHING, and a retried or
-- concurrent enqueue of the same work is one job.
--
-- state: ready (waiting for run_at), running (claimed; run_at is then the
-- lease's expiry, so a job whose worker died is due again when its lease
-- runs out), done, failed (gave up after max_attempts). attempts counts
-- claims and is the fencing token: a worker may finish a job only while
-- attempts is still the value its claim returned.
CREATE TABLE jobs (
    id {{id}},
    kind TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'running', 'done', 'failed')),
    run_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 20,
    locked_by TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (kind, dedupe_key)
);
-- The claim query: the due jobs of some kinds in run_at order; done and
-- failed jobs are outside the index.
CREATE INDEX jobs_due ON jobs(run_at, kind) WHERE state IN ('ready', 'running');
