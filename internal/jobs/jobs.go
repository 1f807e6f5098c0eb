// Package jobs is the hall's durable background work: a table of jobs that
// any node claims with one atomic statement, so that several nodes share
// the work with no second scheduler and no job is lost when a node dies.
//
// Using it:
//
//   - Enqueue a job inside the transaction that makes it necessary
//     (Enqueue(ctx, tx, Job{...})): it exists if and only if that
//     transaction commits. Kind names the handler; Key is a dedupe key
//     unique per kind, so a retried or concurrent enqueue of the same work
//     is one job (ON CONFLICT DO NOTHING; Enqueue reports whether it made
//     a row). The payload is any JSON-encodable value.
//   - Register handlers by kind on a Runner and Run it (taxhall serve does,
//     until its context ends). Each of Workers goroutines claims the next
//     due job of a registered kind, runs its handler, and marks it done;
//     a handler's error makes the job ready again after a backoff
//     (Backoff, or the delay of a RetryAfter error), until MaxAttempts,
//     when it is failed and kept for people to look at.
//   - A claim takes a lease (Runner.Lease). The handler's context ends when
//     the lease does; a node that dies leaves the job "running" with an
//     expired lease, and the next claim anywhere takes it again. attempts,
//     raised by every claim, fences the finish: a worker whose lease ran
//     out cannot mark done a job that another worker holds.
//
// Delivery is therefore at least once: a job runs once in the normal case,
// and again only after its worker died or overran the lease. Handlers make
// their effect idempotent (the payment reconciliation asks the bank about a
// request number; the outbox sends with a message id the provider dedupes).
//
// Claiming: on PostgreSQL
//
//	UPDATE jobs SET … WHERE id = (SELECT id … ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING …
//
// so concurrent claimers skip each other's rows; on SQLite the same
// statement without the locking clause, in an IMMEDIATE transaction (the
// database's single writer makes it atomic).
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"taxhall/internal/db"
)

// Job is a job to enqueue.
type Job struct {
	Kind    string // the handler's name, e.g. "payment.reconcile", "outbox.email"
	Key     string // unique per kind: the same key is the same job
	Payload any    // encoded as JSON; nil is {}
	RunAt   time.Time
	// MaxAttempts bounds the claims before the job is failed; 0 means
	// DefaultMaxAttempts.
	MaxAttempts int
}

// DefaultMaxAttempts is the number of tries of a job that does not say.
const DefaultMaxAttempts = 20

// States of a job.
const (
	Ready   = "ready"
	Running = "running"
	Done    = "done"
	Failed  = "failed"
)

// Enqueue adds j inside q (normally the caller's transaction) unless a job
// of the same kind and key exists already, in any state; it reports whether
// it added one.
func Enqueue(ctx context.Context, q db.Querier, j Job) (bool, error) {
	if j.Kind == "" || j.Key == "" {
		return false, errors.New("jobs: a job needs a kind and a key")
	}
	payload := []byte("{}")
	if j.Payload != nil {
		var err error
		if payload, err = json.Marshal(j.Payload); err != nil {
			return false, fmt.Errorf("jobs: payload of %s/%s: %w", j.Kind, j.Key, err)
		}
	}
	maxAttempts := j.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	now := db.TS(time.Now())
	runAt := now
	if !j.RunAt.IsZero() {
		runAt = db.TS(j.RunAt)
	}
	res, err := q.ExecContext(ctx, `INSERT INTO jobs (kind, dedupe_key, payload, state, run_at, max_attempts, created_at, updated_at)
		VALUES ($1, $2, $3, 'ready', $4, $5, $6, $6) ON CONFLICT (kind, dedupe_key) DO NOTHING`,
		j.Kind, j.Key, string(payload), runAt, maxAttempts, now)
	if err != nil {
		return false, fmt.Errorf("jobs: enqueue %s/%s: %w", j.Kind, j.Key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Claimed is a job a worker holds.
type Claimed struct {
	ID       int64
	Kind     string
	Key      string
	Payload  json.RawMessage
	Attempts int // this claim's number, 1 for the first; the fencing token
	Max      int
	LeaseEnd time.Time
}

// Decode unmarshals the payload into v.
func (c *Claimed) Decode(v any) error { return json.Unmarshal(c.Payload, v) }

// Claim takes the next due job of one of kinds (ready and due, or running
// with an expired lease) for worker until now+lease, or returns nil when
// none is due.
func Claim(ctx context.Context, d *db.DB, kinds []string, worker string, now time.Time, lease time.Duration) (*Claimed, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	lock := ""
	if d.Dialect == db.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	args := []any{db.TS(now), db.TS(now.Add(lease)), worker}
	marks := make([]string, len(kinds))
	for i, k := range kinds {
		args = append(args, k)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	query := `UPDATE jobs SET state = 'running', attempts = attempts + 1, run_at = $2, locked_by = $3, updated_at = $1
		WHERE id = (SELECT id FROM jobs WHERE state IN ('ready', 'running') AND run_at <= $1 AND kind IN (` + strings.Join(marks, ", ") + `)
			ORDER BY run_at LIMIT 1` + lock + `)
		RETURNING id, kind, dedupe_key, payload, attempts, max_attempts, run_at`
	var c *Claimed
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		c = nil
		var j Claimed
		var payload, leaseEnd string
		err := tx.QueryRowContext(ctx, query, args...).Scan(&j.ID, &j.Kind, &j.Key, &payload, &j.Attempts, &j.Max, &leaseEnd)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		j.Payload, j.LeaseEnd = json.RawMessage(payload), db.ParseTS(leaseEnd)
		c = &j
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	return c, nil
}

// ErrLostLease is what Complete and Fail return when the claim is no longer
// the job's latest (its lease ran out and another worker took it).
var ErrLostLease = errors.New("jobs: the lease of this job was lost")

// Complete marks a claimed job done.
func Complete(ctx context.Context, q db.Querier, c *Claimed, now time.Time) error {
	res, err := q.ExecContext(ctx, `UPDATE jobs SET state = 'done', last_error = '', updated_at = $3
		WHERE id = $1 AND attempts = $2 AND state = 'running'`, c.ID, c.Attempts, db.TS(now))
	return fenced(res, err)
}

// Fail records a failed try of a claimed job: ready again at retryAt, or
// failed for good when it has used its attempts.
func Fail(ctx context.Context, q db.Querier, c *Claimed, now, retryAt time.Time, cause error) error {
	msg := cause.Error()
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	res, err := q.ExecContext(ctx, `UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'ready' END,
		run_at = $3, last_error = $4, updated_at = $5
		WHERE id = $1 AND attempts = $2 AND state = 'running'`, c.ID, c.Attempts, db.TS(retryAt), msg, db.TS(now))
	return fenced(res, err)
}

func fenced(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return err
		}
		return ErrLostLease
	}
	return nil
}

// Info is a job as stored, for tests and staff pages.
type Info struct {
	ID         int64
	Kind, Key  string
	State      string
	Attempts   int
	RunAt      time.Time
	LastError  string
	LockedBy   string
	UpdatedAt  time.Time
	PayloadRaw string
}

// Get reads the job of kind and key; nil when there is none.
func Get(ctx context.Context, q db.Querier, kind, key string) (*Info, error) {
	var i Info
	var runAt, updated string
	err := q.QueryRowContext(ctx, `SELECT id, kind, dedupe_key, state, attempts, run_at, last_error, locked_by, updated_at, payload
		FROM jobs WHERE kind = $1 AND dedupe_key = $2`, kind, key).
		Scan(&i.ID, &i.Kind, &i.Key, &i.State, &i.Attempts, &runAt, &i.LastError, &i.LockedBy, &updated, &i.PayloadRaw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	i.RunAt, i.UpdatedAt = db.ParseTS(runAt), db.ParseTS(updated)
	return &i, nil
}

// Prune deletes done jobs last updated before before, in batches, and
// returns how many it deleted. A pruned job's key may be enqueued again.
func Prune(ctx context.Context, q db.Querier, before time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state = 'done' AND updated_at < $1 LIMIT 1000)`, db.TS(before))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
