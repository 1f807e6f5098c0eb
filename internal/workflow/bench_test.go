package workflow_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/filingcal"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
	"taxhall/internal/workflow"
)

// The scale of the issue: 100,000 open tasks and 1,000,000 finished ones
// (ten earlier node visits of each live application), spread over the
// Xiamen district bureaus of the demo enterprises; then the pool of a
// district clerk (first page and a page deep in it), the board of a
// district supervisor and of the city's, a taxpayer's application list,
// and claims by 20 clerks at once.
//
//	go test -run '^$' -bench Scale -benchtime 200x -count 5 -timeout 60m ./internal/workflow
//	TAXHALL_TEST_PG=postgres://… go test -run '^$' -bench Scale/postgres … ./internal/workflow
const (
	benchLive     = 100_000
	benchFinished = 10 // finished tasks per live application
	benchClerks   = 20
)

func BenchmarkScale(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchScale(b, dbtest.NewSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchScale(b, dbtest.NewPostgres(b)) })
}

// benchNow is the benchmark's day: part of the live tasks are past their
// last day.
var benchNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func benchScale(b *testing.B, d *db.DB) {
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 50, Individuals: 0, Now: benchNow.AddDate(0, -1, 0), PasswordHash: "x"}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	fill(b, d)
	b.Logf("%s: %d live and %d finished tasks written in %v", d.Dialect, benchLive, benchLive*benchFinished, time.Since(start).Round(time.Second))
	clock := func() time.Time { return benchNow }
	cal := &filingcal.Service{DB: d, Now: clock}
	tps := &taxpayer.Service{DB: d, Now: clock}
	svc := &workflow.Service{DB: d, Now: clock, Calendar: cal, Taxpayers: tps, Returns: &returns.Service{DB: d, Now: clock, Taxpayers: tps, Calendar: cal}}
	clerk, sup, city := staffActor(b, d, "35020301"), staffActor(b, d, "35020303"), staffActor(b, d, "35020002")
	var tp int64
	if err := d.QueryRowContext(ctx, `SELECT taxpayer_id FROM applications GROUP BY taxpayer_id ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&tp); err != nil {
		b.Fatal(err)
	}
	user := taxpayerActor(b, d, tp)
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM tasks WHERE state = 'open' AND role = 'window_clerk' AND bureau_id = $1`, clerk.OrgID).Scan(&n); err != nil {
		b.Fatal(err)
	}
	var mid int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM tasks WHERE state = 'open' AND role = 'window_clerk' AND bureau_id = $1 ORDER BY id LIMIT 1 OFFSET $2`, clerk.OrgID, n/2).Scan(&mid); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: the Siming window clerk's pool holds %d open tasks", d.Dialect, n)

	run := func(name string, f func() error) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("pool_first_page", func() error {
		p, err := svc.Pool(as(clerk), auth.RoleWindowClerk, 0, 20)
		if err == nil && len(p.Items) != 20 {
			err = fmt.Errorf("%d tasks", len(p.Items))
		}
		return err
	})
	run("pool_deep_page", func() error {
		p, err := svc.Pool(as(clerk), auth.RoleWindowClerk, mid, 20)
		if err == nil && len(p.Items) != 20 {
			err = fmt.Errorf("%d tasks", len(p.Items))
		}
		return err
	})
	run("board_district", func() error {
		bd, err := svc.Board(as(sup))
		if err == nil && (bd.Open == 0 || len(bd.Overdue) == 0) {
			err = fmt.Errorf("board %d open %d overdue", bd.Open, len(bd.Overdue))
		}
		return err
	})
	run("board_city", func() error {
		bd, err := svc.Board(as(city))
		if err == nil && bd.Open < benchLive/2 {
			err = fmt.Errorf("city board %d open", bd.Open)
		}
		return err
	})
	run("my_applications", func() error {
		p, err := svc.Mine(as(user), 0, 20)
		if err == nil && len(p.Items) != 20 {
			err = fmt.Errorf("%d applications", len(p.Items))
		}
		return err
	})

	// Claims: 20 clerks of the Siming bureau, each claiming the next
	// open task of the pool (distinct tasks: the throughput of the
	// conditional update with its checks, not of contention).
	clerks := benchClerkActors(b, d, clerk)
	ids, err := db.Query(ctx, d, func(sc db.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT id FROM tasks WHERE state = 'open' AND role = 'window_clerk' AND bureau_id = $1 ORDER BY id`, clerk.OrgID)
	if err != nil {
		b.Fatal(err)
	}
	d.SetMaxOpenConns(benchClerks)
	var used atomic.Int64
	b.Run("claim_20_clerks", func(b *testing.B) {
		var who atomic.Int64
		b.SetParallelism((benchClerks + 1) / 2) // × GOMAXPROCS (2 here) goroutines
		b.RunParallel(func(pb *testing.PB) {
			c := as(clerks[int(who.Add(1)-1)%len(clerks)])
			for pb.Next() {
				i := used.Add(1) - 1
				if int(i) >= len(ids) {
					b.Error("out of open tasks: lower -benchtime")
					return
				}
				if _, err := svc.Claim(c, ids[i]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// benchClerkActors makes benchClerks window clerks of the clerk's bureau.
func benchClerkActors(b *testing.B, d *db.DB, clerk *auth.Actor) []*auth.Actor {
	ctx := context.Background()
	out := []*auth.Actor{clerk}
	for i := len(out); i < benchClerks; i++ {
		no := fmt.Sprintf("B%07d", i)
		var id int64
		if err := d.QueryRowContext(ctx, `INSERT INTO staff (org_id, staff_no, name, password_hash, roles, created_at, updated_at)
			VALUES ($1, $2, $3, 'x', 'window_clerk', $4, $4) ON CONFLICT (staff_no) DO UPDATE SET name = excluded.name RETURNING id`,
			clerk.OrgID, no, "压测"+no, db.TS(benchNow)).Scan(&id); err != nil {
			b.Fatal(err)
		}
		out = append(out, &auth.Actor{Kind: auth.Staff, UserID: id, StaffNo: no, OrgID: clerk.OrgID, OrgPath: clerk.OrgPath, Roles: []string{auth.RoleWindowClerk}})
	}
	return out
}

// fill writes the applications and tasks as `taxhall seed --tasks-open
// --tasks-done` does (demo.Tasks): each application belongs to a demo
// enterprise and its bureau, its live task waits at acceptance (window
// clerk) or at a reviewer's node, open or claimed (one in ten), due between
// the 10th and the 29th of the month (some overdue on benchNow); its ten
// finished tasks were decided before.
func fill(b *testing.B, d *db.DB) {
	if err := demo.Tasks(context.Background(), d, benchNow, "B", benchLive, benchLive*benchFinished); err != nil {
		b.Fatal(err)
	}
}
