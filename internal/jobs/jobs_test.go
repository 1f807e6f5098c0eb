package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/jobs"
)

// Workers on two connection pools (two nodes) drain M jobs: each runs
// exactly once, none is left.
func TestEachJobRunsOnce(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const m = 150
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			for i := range m {
				if _, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: "test.count", Key: fmt.Sprint(i), Payload: map[string]int{"n": i}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// The same key again is the same job.
		if added, err := jobs.Enqueue(ctx, d, jobs.Job{Kind: "test.count", Key: "7"}); err != nil || added {
			t.Fatalf("second enqueue of key 7: added %v, err %v", added, err)
		}
		var mu sync.Mutex
		runs := map[int]int{}
		h := func(_ context.Context, c *jobs.Claimed) error {
			var p struct{ N int }
			if err := c.Decode(&p); err != nil {
				return err
			}
			mu.Lock()
			runs[p.N]++
			mu.Unlock()
			return nil
		}
		pools := []*db.DB{d, dbtest.SecondPool(t, d)}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for node, p := range pools {
			r := &jobs.Runner{DB: p, Name: fmt.Sprintf("node%d", node)}
			r.Handle("test.count", h)
			for w := range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for {
						ran, err := r.RunOne(ctx, []string{"test.count"}, fmt.Sprintf("node%d/%d", node, w))
						if err != nil {
							t.Error(err)
							return
						}
						if !ran {
							return
						}
					}
				}()
			}
		}
		close(start)
		wg.Wait()
		if len(runs) != m {
			t.Fatalf("%d distinct jobs ran, want %d", len(runs), m)
		}
		for n, c := range runs {
			if c != 1 {
				t.Errorf("job %d ran %d times", n, c)
			}
		}
		var left int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE state <> 'done'`).Scan(&left); err != nil || left != 0 {
			t.Fatalf("%d jobs not done (err %v)", left, err)
		}
	})
}

// A worker that claimed a job and vanished: once the lease runs out another
// worker takes the job again, and the first one can no longer finish it.
func TestLeaseExpiryRerunsJob(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := jobs.Enqueue(ctx, d, jobs.Job{Kind: "test.lease", Key: "a"}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		gone, err := jobs.Claim(ctx, d, []string{"test.lease"}, "dead-node", now, time.Minute)
		if err != nil || gone == nil {
			t.Fatalf("claim: %v %v", gone, err)
		}
		// Within the lease nobody else gets it.
		if c, err := jobs.Claim(ctx, d, []string{"test.lease"}, "other", now.Add(30*time.Second), time.Minute); err != nil || c != nil {
			t.Fatalf("claimed during the lease: %+v %v", c, err)
		}
		var ran atomic.Int32
		clock := now.Add(61 * time.Second)
		r := &jobs.Runner{DB: dbtest.SecondPool(t, d), Now: func() time.Time { return clock }}
		r.Handle("test.lease", func(context.Context, *jobs.Claimed) error { ran.Add(1); return nil })
		if ok, err := r.RunOne(ctx, []string{"test.lease"}, "other"); err != nil || !ok {
			t.Fatalf("after the lease: ran %v err %v", ok, err)
		}
		if ran.Load() != 1 {
			t.Fatalf("handler ran %d times", ran.Load())
		}
		// The dead node comes back: its claim is stale.
		if err := jobs.Complete(ctx, d, gone, clock); !errors.Is(err, jobs.ErrLostLease) {
			t.Fatalf("stale complete: %v", err)
		}
		info, err := jobs.Get(ctx, d, "test.lease", "a")
		if err != nil || info.State != jobs.Done || info.Attempts != 2 || info.LockedBy != "other" {
			t.Fatalf("job after rerun: %+v %v", info, err)
		}
	})
}

// A failing handler is retried after the backoff, then failed for good.
func TestRetryThenFail(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := jobs.Enqueue(ctx, d, jobs.Job{Kind: "test.fail", Key: "x", MaxAttempts: 2}); err != nil {
			t.Fatal(err)
		}
		clock := time.Now()
		r := &jobs.Runner{DB: d, Now: func() time.Time { return clock }}
		r.Handle("test.fail", func(context.Context, *jobs.Claimed) error {
			return &jobs.RetryAfter{Delay: 10 * time.Second, Err: errors.New("bank busy")}
		})
		kinds := []string{"test.fail"}
		if ok, err := r.RunOne(ctx, kinds, "w"); !ok || err != nil {
			t.Fatal(ok, err)
		}
		info, _ := jobs.Get(ctx, d, "test.fail", "x")
		if info.State != jobs.Ready || info.LastError == "" || !info.RunAt.After(clock.Add(9*time.Second)) {
			t.Fatalf("after one failure: %+v", info)
		}
		if ok, _ := r.RunOne(ctx, kinds, "w"); ok {
			t.Fatal("ran before its backoff")
		}
		clock = clock.Add(11 * time.Second)
		if ok, err := r.RunOne(ctx, kinds, "w"); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if info, _ := jobs.Get(ctx, d, "test.fail", "x"); info.State != jobs.Failed || info.Attempts != 2 {
			t.Fatalf("after the last attempt: %+v", info)
		}
		clock = clock.Add(time.Hour)
		if ok, _ := r.RunOne(ctx, kinds, "w"); ok {
			t.Fatal("a failed job ran again")
		}
	})
}

// Run stops when its context ends, and a job enqueued meanwhile runs.
func TestRunnerRunsUntilCancelled(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string, 1)
	r := &jobs.Runner{DB: d, Poll: 20 * time.Millisecond}
	r.Handle("test.run", func(_ context.Context, c *jobs.Claimed) error { done <- c.Key; return nil })
	stopped := make(chan struct{})
	go func() { r.Run(ctx); close(stopped) }()
	if _, err := jobs.Enqueue(ctx, d, jobs.Job{Kind: "test.run", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	r.Wake()
	select {
	case k := <-done:
		if k != "k" {
			t.Fatal(k)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("job not run")
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}
