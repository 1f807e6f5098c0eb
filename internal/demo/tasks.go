package demo

import (
	"context"
	"fmt"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/workflow"
)

// Tasks adds a city's workload at a deadline (issue 10's scale): open live
// applications of the Xiamen district enterprises, each with its live task
// waiting at acceptance (window clerk) or at a reviewer's node — open, or
// claimed (one in ten) — due between the 10th and the 29th of now's month
// (some overdue), and done finished tasks in all, decided last month. One
// statement per table, the rows generated in the database (a recursive
// CTE runs on both), and the board's counts (task_counts) added from the
// live tasks as migration 0019 builds them, so that they agree with the
// tasks. prefix makes the applications' numbers and submit tokens unique
// ("X" for the seed; the workflow benchmark uses "B"; the services number
// applications "T…" and the demo's "SQ…").
func Tasks(ctx context.Context, d *db.DB, now time.Time, prefix string, open, done int) error {
	if open <= 0 {
		return nil
	}
	perApp := max(0, (done+open/2)/open) // finished tasks per live application
	exec := func(q string, args ...any) error {
		if _, err := d.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("%w\n%s", err, q)
		}
		return nil
	}
	var staff int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM staff WHERE staff_no = '35020302'`).Scan(&staff); err != nil {
		return fmt.Errorf("demo: the Siming reviewer: %w", err)
	}
	// Numbered enterprises of district bureaus, with a user, their
	// bureau and city.
	if err := exec(`CREATE TABLE seed_tp (k BIGINT PRIMARY KEY, tid BIGINT NOT NULL, uid BIGINT NOT NULL, bid BIGINT NOT NULL, path TEXT NOT NULL, city BIGINT NOT NULL DEFAULT 0)`); err != nil {
		return err
	}
	defer func() { _, _ = d.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS seed_tp`) }()
	if err := exec(`INSERT INTO seed_tp (k, tid, uid, bid, path)
		SELECT ROW_NUMBER() OVER (ORDER BY t.id) - 1, t.id, u.id, t.bureau_id, o.path
		FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin' JOIN orgs o ON o.id = t.bureau_id
		WHERE t.kind = 'enterprise' AND t.status = 'active' AND o.level = 'district' AND o.path LIKE (SELECT path FROM orgs WHERE division_code = '3502') || '%'`); err != nil {
		return err
	}
	// Each application row finds its enterprise by id (the province has
	// thousands of them in Xiamen).
	if err := exec(`CREATE INDEX seed_tp_tid ON seed_tp(tid)`); err != nil {
		return err
	}
	paths, err := db.Query(ctx, d, func(sc db.Scanner) (string, error) {
		var s string
		return s, sc.Scan(&s)
	}, `SELECT DISTINCT path FROM seed_tp`)
	if err != nil {
		return err
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM seed_tp`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("demo: no active Xiamen enterprises to file applications")
	}
	for _, p := range paths {
		if err := exec(`UPDATE seed_tp SET city = $1 WHERE path = $2`, workflow.CityOf(p), p); err != nil {
			return err
		}
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
	ts := db.TS(now.AddDate(0, 0, -20))
	token := "seed-" + prefix + "-" // marks the applications made here
	month := now.In(cst).Format("2006-01")
	last := now.In(cst).AddDate(0, 0, -now.In(cst).Day()).Format("2006-01") // the month before
	if err := exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < `+fmt.Sprint(open)+`)
		INSERT INTO applications (no, taxpayer_id, bureau_id, item_code, status, node, form, submit_token, created_by, submitted_at, updated_at)
		SELECT $3 || n.i, p.tid, p.bid, `+pick("n.i", 0)+`, CASE WHEN n.i % 5 IN (2, 4) THEN 'processing' ELSE 'submitted' END,
			CASE WHEN n.i % 5 IN (2, 4) THEN 1 ELSE 0 END, '{}', $4 || n.i, p.uid, $1, $1
		FROM n JOIN seed_tp p ON p.k = n.i % $2`, ts, n, prefix, token); err != nil {
		return err
	}
	apps := `(SELECT id, taxpayer_id, item_code, bureau_id, node, CAST(SUBSTR(no, ` + fmt.Sprint(len(prefix)+1) + `) AS BIGINT) AS i FROM applications WHERE submit_token LIKE '` + token + `%') a
		JOIN seed_tp p ON p.tid = a.taxpayer_id`
	if perApp > 0 {
		if err := exec(`WITH RECURSIVE r(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM r WHERE j < `+fmt.Sprint(perApp)+`)
		INSERT INTO tasks (application_id, taxpayer_id, item_code, node, node_code, role, bureau_id, bureau_path, city_id, citywide, state,
			claimed_by, claimed_at, limit_days, difficulty_pct, started_at, due_date, warn_date, decided_at, decision, days_used, on_time)
		SELECT a.id, a.taxpayer_id, a.item_code, 0, 'accept', 'window_clerk', a.bureau_id, p.path, p.city, 0, 'done',
			CAST($1 AS BIGINT), $2, 1, 150, $2, $3 || '-' || (10 + r.j % 20), $3 || '-' || (10 + r.j % 20), $2, 'pass', 1, 1
		FROM `+apps+` CROSS JOIN r`, staff, ts, last); err != nil {
			return err
		}
	}
	if err := exec(`INSERT INTO tasks (application_id, taxpayer_id, item_code, node, node_code, role, bureau_id, bureau_path, city_id, citywide, state,
			claimed_by, claimed_at, limit_days, difficulty_pct, started_at, due_date, warn_date)
		SELECT a.id, a.taxpayer_id, a.item_code, a.node, `+pick("a.i", 1)+`, `+pick("a.i", 2)+`, a.bureau_id, p.path, p.city,
			CASE WHEN a.i % 5 IN (0, 1, 3) THEN 1 ELSE 0 END, CASE WHEN a.i % 10 = 9 THEN 'claimed' ELSE 'open' END,
			CASE WHEN a.i % 10 = 9 THEN CAST($1 AS BIGINT) END, '', 5, 150, $2, $3 || '-' || (10 + a.i % 20), $3 || '-' || (5 + a.i % 20)
		FROM `+apps, staff, ts, month); err != nil {
		return err
	}
	// The board's counts, as migration 0019 builds them from the tasks
	// (added to the counts of the applications already there).
	if err := exec(`INSERT INTO task_counts (bureau_id, city_id, item_code, node_code, due_date, open_n, claimed_n)
		SELECT t.bureau_id, MIN(t.city_id), t.item_code, t.node_code, t.due_date,
			SUM(CASE WHEN t.state = 'open' THEN 1 ELSE 0 END), SUM(CASE WHEN t.state = 'claimed' THEN 1 ELSE 0 END)
		FROM tasks t JOIN applications a ON a.id = t.application_id
		WHERE t.state IN ('open', 'claimed') AND a.submit_token LIKE '` + token + `%'
		GROUP BY t.bureau_id, t.item_code, t.node_code, t.due_date
		ON CONFLICT (bureau_id, item_code, node_code, due_date) DO UPDATE
		SET open_n = task_counts.open_n + excluded.open_n, claimed_n = task_counts.claimed_n + excluded.claimed_n`); err != nil {
		return err
	}
	// The tables written here (a province's returns were analysed by
	// the bulk load; ANALYZE of everything would read them again).
	for _, t := range []string{"applications", "tasks", "task_counts"} {
		if err := exec(`ANALYZE ` + t); err != nil {
			return err
		}
	}
	return nil
}
