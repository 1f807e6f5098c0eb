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

// fill writes the applications and tasks with one statement per table,
// rows generated in the database (a recursive CTE runs on both): each
// application belongs to a demo enterprise and its bureau, its live task
// waits at acceptance (window clerk) or at a reviewer's node, open or
// claimed (one in ten), due between the 10th and the 29th of the month
// (some overdue on benchNow); its ten finished tasks were decided before.
func fill(b *testing.B, d *db.DB) {
	ctx := context.Background()
	exec := func(q string, args ...any) {
		if _, err := d.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
	var staff int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM staff WHERE staff_no = '35020302'`).Scan(&staff); err != nil {
		b.Fatal(err)
	}
	// Numbered enterprises of district bureaus, with a user, their
	// bureau and city.
	exec(`CREATE TABLE bench_tp (k BIGINT PRIMARY KEY, tid BIGINT NOT NULL, uid BIGINT NOT NULL, bid BIGINT NOT NULL, path TEXT NOT NULL, city BIGINT NOT NULL DEFAULT 0)`)
	exec(`INSERT INTO bench_tp (k, tid, uid, bid, path)
		SELECT ROW_NUMBER() OVER (ORDER BY t.id) - 1, t.id, u.id, t.bureau_id, o.path
		FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin' JOIN orgs o ON o.id = t.bureau_id
		WHERE t.kind = 'enterprise' AND o.level = 'district' AND o.path LIKE (SELECT path FROM orgs WHERE division_code = '3502') || '%'`)
	type tpRow struct {
		k    int64
		path string
	}
	rows, err := db.Query(ctx, d, func(sc db.Scanner) (tpRow, error) {
		var r tpRow
		return r, sc.Scan(&r.k, &r.path)
	}, `SELECT k, path FROM bench_tp`)
	if err != nil || len(rows) == 0 {
		b.Fatalf("%d enterprises: %v", len(rows), err)
	}
	for _, r := range rows {
		exec(`UPDATE bench_tp SET city = $1 WHERE k = $2`, workflow.CityOf(r.path), r.k)
	}
	items := []struct{ code, node, role string }{
		{"vat_general", "accept", "window_clerk"}, {"reg_change", "accept", "window_clerk"}, {"invoice_types", "approve", "reviewer"},
		{"suspension", "accept", "window_clerk"}, {"refund_overpaid", "review", "reviewer"},
	}
	pick := func(v string, field int) string {
		s := "CASE " + v + " % 5"
		for i, it := range items {
			s += fmt.Sprintf(" WHEN %d THEN '%s'", i, []string{it.code, it.node, it.role}[field])
		}
		return s + " END"
	}
	ts := db.TS(benchNow.AddDate(0, 0, -20))
	exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < `+fmt.Sprint(benchLive)+`)
		INSERT INTO applications (no, taxpayer_id, bureau_id, item_code, status, node, form, submit_token, created_by, submitted_at, updated_at)
		SELECT 'B' || n.i, p.tid, p.bid, `+pick("n.i", 0)+`, CASE WHEN n.i % 5 IN (2, 4) THEN 'processing' ELSE 'submitted' END,
			CASE WHEN n.i % 5 IN (2, 4) THEN 1 ELSE 0 END, '{}', 'bench-' || n.i, p.uid, $1, $1
		FROM n JOIN bench_tp p ON p.k = n.i % $2`, ts, len(rows))
	apps := `(SELECT id, taxpayer_id, item_code, bureau_id, node, CAST(SUBSTR(no, 2) AS BIGINT) AS i FROM applications WHERE no LIKE 'B%') a
		JOIN bench_tp p ON p.tid = a.taxpayer_id`
	exec(`WITH RECURSIVE r(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM r WHERE j < `+fmt.Sprint(benchFinished)+`)
		INSERT INTO tasks (application_id, taxpayer_id, item_code, node, node_code, role, bureau_id, bureau_path, city_id, citywide, state,
			claimed_by, claimed_at, limit_days, difficulty_pct, started_at, due_date, warn_date, decided_at, decision, days_used, on_time)
		SELECT a.id, a.taxpayer_id, a.item_code, 0, 'accept', 'window_clerk', a.bureau_id, p.path, p.city, 0, 'done',
			CAST($1 AS BIGINT), $2, 1, 150, $2, '2026-10-' || (10 + r.j), '2026-10-' || (10 + r.j), $2, 'pass', 1, 1
		FROM `+apps+` CROSS JOIN r`, staff, ts)
	exec(`INSERT INTO tasks (application_id, taxpayer_id, item_code, node, node_code, role, bureau_id, bureau_path, city_id, citywide, state,
			claimed_by, claimed_at, limit_days, difficulty_pct, started_at, due_date, warn_date)
		SELECT a.id, a.taxpayer_id, a.item_code, a.node, `+pick("a.i", 1)+`, `+pick("a.i", 2)+`, a.bureau_id, p.path, p.city,
			CASE WHEN a.i % 5 IN (0, 1, 3) THEN 1 ELSE 0 END, CASE WHEN a.i % 10 = 9 THEN 'claimed' ELSE 'open' END,
			CASE WHEN a.i % 10 = 9 THEN CAST($1 AS BIGINT) END, '', 5, 150, $2, '2026-11-' || (10 + a.i % 20), '2026-11-' || (5 + a.i % 20)
		FROM `+apps, staff, ts)
	exec(`DROP TABLE bench_tp`)
	// The board's counts, as migration 0019 builds them from the tasks.
	exec(`INSERT INTO task_counts (bureau_id, city_id, item_code, node_code, due_date, open_n, claimed_n)
		SELECT bureau_id, MIN(city_id), item_code, node_code, due_date,
			SUM(CASE WHEN state = 'open' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'claimed' THEN 1 ELSE 0 END)
		FROM tasks WHERE state IN ('open', 'claimed') GROUP BY bureau_id, item_code, node_code, due_date
		ON CONFLICT (bureau_id, item_code, node_code, due_date) DO UPDATE
		SET open_n = task_counts.open_n + excluded.open_n, claimed_n = task_counts.claimed_n + excluded.claimed_n`)
	exec(`ANALYZE`)
}
