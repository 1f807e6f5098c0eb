package jobs_test

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/jobs"
)

// An outbox: the e-mail is enqueued in the transaction that decides it
// (committed together or not at all), and any node's runner sends it. The
// key makes a retried request one e-mail; the handler must tolerate a
// second run after a crash (send with the message id as the provider's
// idempotency key).
func Example_outbox() {
	var d *db.DB // the hall's database
	ctx := context.Background()
	type email struct{ To, Subject string }
	_ = d.Tx(ctx, func(tx *sql.Tx) error {
		// … the business writes of the transaction …
		_, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: "outbox.email", Key: "reminder:2026Q3:7",
			Payload: email{To: "finance@example.cn", Subject: "申报提醒"}})
		return err
	})
	r := &jobs.Runner{DB: d, Log: slog.Default(), Workers: 2, Lease: time.Minute}
	r.Handle("outbox.email", func(ctx context.Context, j *jobs.Claimed) error {
		var m email
		if err := j.Decode(&m); err != nil {
			return err // retried with backoff, failed after MaxAttempts
		}
		// send(ctx, m, j.Kind+"/"+j.Key) …
		return nil
	})
	go r.Run(ctx) // taxhall serve runs one Runner per node until shutdown
}
