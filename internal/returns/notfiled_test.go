package returns_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/jobs"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// The clerks' not-filed list (未申报户, issue 8 "Clerks"): who is expected to
// file a period (税收征收管理法第二十五条: taxpayers file within the period the
// law or the tax authority sets; 实施细则第三十二条: also with no tax due)
// and has not. A built period reads the maintained set; these tests hold
// it to the register walk and to the rules at every step, jobs or no jobs.

const q3 = "2026Q3"

// lazyIn registers an enterprise of the bureau of staffNo identified for
// quarterly small-scale VAT from 2025-01-01 (or not identified).
func (e *env) lazyIn(t *testing.T, code, staffNo string, identified bool) int64 {
	t.Helper()
	ctx := context.Background()
	var bureau, staff int64
	var division string
	if err := e.d.QueryRowContext(ctx, `SELECT o.id, s.id, o.division_code FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = $1`, staffNo).
		Scan(&bureau, &staff, &division); err != nil {
		t.Fatal(err)
	}
	tp := &taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: code, Name: "未申报测试" + code[len(code)-4:] + "有限公司", DivisionCode: division,
		Address: "测试路2号", BureauID: bureau, Status: taxpayer.StatusActive, RegisteredAt: now.AddDate(-2, 0, 0)}
	if err := taxpayer.InsertTaxpayer(ctx, e.d, *e.clock, tp); err != nil {
		t.Fatal(err)
	}
	if identified {
		e.identify(t, tp.ID, "2025-01-01")
	}
	return tp.ID
}

func (e *env) identify(t *testing.T, id int64, start string) {
	t.Helper()
	var staff int64
	if err := e.d.QueryRowContext(context.Background(), `SELECT id FROM staff WHERE staff_no = '35020301'`).Scan(&staff); err != nil {
		t.Fatal(err)
	}
	if _, err := taxpayer.InsertIdentification(context.Background(), e.d, *e.clock, id, "vat_small", taxpayer.Quarterly, start, staff); err != nil {
		t.Fatal(err)
	}
}

// notFiled lists a whole period for the staff member, page by page of
// limit, checking the keyset on the way.
func (e *env) notFiled(t *testing.T, staffNo, period string, limit int) []int64 {
	t.Helper()
	ctx := e.staff(t, staffNo)
	var out []int64
	var after int64
	for pages := 0; ; pages++ {
		list, next, err := e.rs.NotFiled(ctx, "vat_small", period, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) > limit || (next != 0 && len(list) != limit) {
			t.Fatalf("page of %d with next %d, limit %d", len(list), next, limit)
		}
		for _, f := range list {
			if len(out) > 0 && f.TaxpayerID <= out[len(out)-1] {
				t.Fatalf("taxpayer %d after %d: not in keyset order", f.TaxpayerID, out[len(out)-1])
			}
			out = append(out, f.TaxpayerID)
		}
		if next == 0 {
			return out
		}
		if next != list[len(list)-1].TaxpayerID || pages > 1000 {
			t.Fatalf("next %d is not the page's last taxpayer", next)
		}
		after = next
	}
}

// drain runs every due job of the not-filed kinds.
func drain(t *testing.T, r *jobs.Runner, worker string) {
	t.Helper()
	for range 10_000 {
		ran, err := r.RunOne(context.Background(), r.Kinds(), worker)
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			var failed string
			if err := r.DB.QueryRowContext(context.Background(), `SELECT COALESCE(MAX(kind || ': ' || last_error), '') FROM jobs WHERE last_error <> ''`).Scan(&failed); err != nil || failed != "" {
				t.Fatalf("a job failed: %s %v", failed, err)
			}
			return
		}
	}
	t.Fatal("jobs never ran out")
}

func (e *env) setRows(t *testing.T, id int64) int {
	t.Helper()
	var n int
	if err := e.d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notfiled WHERE taxpayer_id = $1 AND form = 'vat_small' AND period_start = '2026-07-01' AND kind = 'quarter'`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) periodState(t *testing.T) string {
	t.Helper()
	var s string
	if err := e.d.QueryRowContext(context.Background(), `SELECT state FROM notfiled_periods WHERE form = 'vat_small' AND kind = 'quarter' AND period_start = '2026-07-01'`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// suspend records an approved suspension (停业登记, 税收征收管理法实施细则
// 第二十三条) of the taxpayer from one day to another.
func (e *env) suspend(t *testing.T, id int64, from, to string) {
	t.Helper()
	ctx := context.Background()
	var user, bureau int64
	if err := e.d.QueryRowContext(ctx, `SELECT u.id, t.bureau_id FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id WHERE t.id = $1 ORDER BY u.id LIMIT 1`, id).
		Scan(&user, &bureau); err != nil {
		t.Fatal(err)
	}
	ts := db.TS(*e.clock)
	var app int64
	if err := e.d.QueryRowContext(ctx, `INSERT INTO applications (no, taxpayer_id, bureau_id, item_code, status, form, submit_token, created_by, submitted_at, updated_at)
		VALUES ($1, $2, $3, 'suspension', 'approved', '{}', $1, $4, $5, $5) RETURNING id`, fmt.Sprintf("NF%d", id), id, bureau, user, ts).Scan(&app); err != nil {
		t.Fatal(err)
	}
	if _, err := e.d.ExecContext(ctx, `INSERT INTO taxpayer_suspensions (taxpayer_id, application_id, from_date, to_date, created_at) VALUES ($1, $2, $3, $4, $5)`,
		id, app, from, to, ts); err != nil {
		t.Fatal(err)
	}
}

func (e *env) runner(t *testing.T, d *db.DB) (*returns.NotFiledJobs, *jobs.Runner) {
	t.Helper()
	j := &returns.NotFiledJobs{DB: d, Now: func() time.Time { return *e.clock }, PageSize: 3}
	// The runner keeps the real clock: a claim's lease is a real deadline
	// for the handler's context (the jobs run at once: their run_at is the
	// test's earlier clock).
	r := &jobs.Runner{DB: d}
	j.Register(r)
	return j, r
}

// TestNotFiledListExact: the set gives the register walk's list, and the
// list is right at once after each change, before any job has run.
func TestNotFiledListExact(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		boss, _, filer := e.smallScale(t, "91350203TESTN0001F")
		_, _, lazy := e.smallScale(t, "91350203TESTN0002G")
		_, _, resting := e.smallScale(t, "91350203TESTN0003H")
		late := e.lazyIn(t, "91350203TESTN0004J", "35020301", false)

		walk := e.notFiled(t, "35020301", q3, 200) // not built: the walk
		for _, id := range []int64{filer, lazy, resting} {
			if !slices.Contains(walk, id) {
				t.Fatalf("walk %v lacks %d", walk, id)
			}
		}
		if slices.Contains(walk, late) {
			t.Fatal("a taxpayer without identification is on the list")
		}
		j, r := e.runner(t, d)
		if err := j.Ensure(ctx, *e.clock); err != nil {
			t.Fatal(err)
		}
		drain(t, r, "w1")
		if s := e.periodState(t); s != "built" {
			t.Fatalf("period %s after the daily job", s)
		}
		if e.setRows(t, lazy) != 1 {
			t.Fatal("lazy has no row in the set")
		}
		if got := e.notFiled(t, "35020301", q3, 200); !slices.Equal(got, walk) {
			t.Fatalf("set %v, walk %v", got, walk)
		}
		if got := e.notFiled(t, "35020301", q3, 2); !slices.Equal(got, walk) {
			t.Fatalf("set by pages of 2 %v, walk %v", got, walk)
		}

		// Filed: off the list at once, while its row is still in the set.
		if _, err := e.rs.Submit(boss, "vat_small", q3, map[string]string{"1.goods": "320000"}, returns.NewKey(), 0, false); err != nil {
			t.Fatal(err)
		}
		if e.setRows(t, filer) != 1 {
			t.Fatal("fixture: the sync ran already")
		}
		if got := e.notFiled(t, "35020301", q3, 200); slices.Contains(got, filer) {
			t.Fatal("a taxpayer who just filed is listed")
		}
		// Suspended for the whole quarter: off at once too.
		e.suspend(t, resting, "2026-07-01", "2026-09-30")
		if got := e.notFiled(t, "35020301", q3, 200); slices.Contains(got, resting) {
			t.Fatal("a suspended taxpayer is listed")
		}
		// Identified later for a period that has ended: on at once.
		e.identify(t, late, "2025-01-01")
		if got := e.notFiled(t, "35020301", q3, 200); !slices.Contains(got, late) {
			t.Fatal("a taxpayer identified after the build is missing")
		}
		// The sync job catches up: the filed and suspended rows go; the
		// young identification waits until it is settled, listed meanwhile.
		*e.clock = e.clock.Add(time.Minute)
		if err := j.Ensure(ctx, *e.clock); err != nil {
			t.Fatal(err)
		}
		drain(t, r, "w1")
		if e.setRows(t, filer) != 0 || e.setRows(t, resting) != 0 {
			t.Fatal("the sync left a filed or suspended row")
		}
		if e.setRows(t, late) != 0 {
			t.Fatal("the sync applied an identification younger than Settle")
		}
		*e.clock = e.clock.Add(11 * time.Minute)
		if err := j.Ensure(ctx, *e.clock); err != nil {
			t.Fatal(err)
		}
		drain(t, r, "w1")
		if e.setRows(t, late) != 1 {
			t.Fatal("the settled identification has no row")
		}
		got := e.notFiled(t, "35020301", q3, 200)
		if n := len(slices.DeleteFunc(slices.Clone(got), func(id int64) bool { return id != late })); n != 1 {
			t.Fatalf("late listed %d times", n)
		}
		// Identification ended before the quarter; another taxpayer made
		// irregular (非正常户): both off; active again: back.
		if _, err := d.ExecContext(ctx, `UPDATE tax_identifications SET end_date = '2026-06-30' WHERE taxpayer_id = $1`, lazy); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE taxpayers SET status = 'irregular' WHERE id = $1`, late); err != nil {
			t.Fatal(err)
		}
		got = e.notFiled(t, "35020301", q3, 200)
		if slices.Contains(got, lazy) || slices.Contains(got, late) {
			t.Fatalf("ended identification or irregular taxpayer listed: %v", got)
		}
		if _, err := d.ExecContext(ctx, `UPDATE taxpayers SET status = 'active' WHERE id = $1`, late); err != nil {
			t.Fatal(err)
		}
		got = e.notFiled(t, "35020301", q3, 200)
		if !slices.Contains(got, late) {
			t.Fatal("a taxpayer active again is missing")
		}
		// And the walk agrees with the set at the end.
		if _, err := d.ExecContext(ctx, `UPDATE notfiled_periods SET state = 'building'`); err != nil {
			t.Fatal(err)
		}
		if walk := e.notFiled(t, "35020301", q3, 200); !slices.Equal(got, walk) {
			t.Fatalf("set %v, walk %v", got, walk)
		}
	})
}

// TestNotFiledPagingAndScope: keyset pages add up to the list, with no
// repeat when a listed taxpayer files between pages; each staff member
// sees their subtree only (district, city, province root, other city).
func TestNotFiledPagingAndScope(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		var siming, huli []int64
		for i := range 7 {
			siming = append(siming, e.lazyIn(t, fmt.Sprintf("91350203TESTP%04d", i), "35020301", true))
		}
		for i := range 2 {
			huli = append(huli, e.lazyIn(t, fmt.Sprintf("91350206TESTP%04d", i), "35020601", true))
		}
		rows, err := returns.BuildNotFiled(ctx, d, *e.clock)
		if err != nil || rows < 9 {
			t.Fatalf("BuildNotFiled = %d rows, %v", rows, err)
		}
		if again, err := returns.BuildNotFiled(ctx, d, *e.clock); err != nil || again != 0 {
			t.Fatalf("a second BuildNotFiled added %d rows, %v", again, err)
		}
		if e.periodState(t) != "built" {
			t.Fatal("not built")
		}
		full := e.notFiled(t, "35020301", q3, 200)
		for _, id := range siming {
			if !slices.Contains(full, id) {
				t.Fatalf("Siming list %v lacks %d", full, id)
			}
		}
		for _, id := range huli {
			if slices.Contains(full, id) {
				t.Fatal("Siming's clerk sees a Huli taxpayer")
			}
		}
		for _, limit := range []int{1, 2, 3, 50} {
			if got := e.notFiled(t, "35020301", q3, limit); !slices.Equal(got, full) {
				t.Fatalf("pages of %d: %v, want %v", limit, got, full)
			}
		}
		// A taxpayer of a later page files between two pages.
		clerk := e.staff(t, "35020301")
		first, next, err := e.rs.NotFiled(clerk, "vat_small", q3, 0, 3)
		if err != nil || next == 0 {
			t.Fatalf("first page %d, next %d, %v", len(first), next, err)
		}
		later := full[len(full)-1]
		if _, err := d.ExecContext(ctx, `UPDATE taxpayers SET status = 'deregistered' WHERE id = $1`, later); err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, f := range first {
			seen[f.TaxpayerID] = true
		}
		for after := next; after != 0; {
			page, n, err := e.rs.NotFiled(clerk, "vat_small", q3, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range page {
				if seen[f.TaxpayerID] || f.TaxpayerID == later {
					t.Fatalf("taxpayer %d repeated or no longer due", f.TaxpayerID)
				}
				seen[f.TaxpayerID] = true
			}
			after = n
		}
		if len(seen) != len(full)-1 {
			t.Fatalf("%d listed over the pages, want %d", len(seen), len(full)-1)
		}

		// The reminder (催报) from the built list, and its mark on the page.
		if sent, _, err := e.rs.Remind(clerk, "vat_small", q3, []int64{siming[0]}); err != nil || sent != 1 {
			t.Fatalf("remind: %d sent, %v", sent, err)
		}
		marked, _, err := e.rs.NotFiled(clerk, "vat_small", q3, 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range marked {
			if f.Reminded != (f.TaxpayerID == siming[0]) {
				t.Errorf("taxpayer %d reminded = %v", f.TaxpayerID, f.Reminded)
			}
		}

		huliList := e.notFiled(t, "35020601", q3, 200)
		for _, id := range huli {
			if !slices.Contains(huliList, id) {
				t.Fatal("Huli's clerk misses a Huli taxpayer")
			}
		}
		for _, id := range siming {
			if slices.Contains(huliList, id) {
				t.Fatal("Huli's clerk sees a Siming taxpayer")
			}
		}
		// The city (several bureaus) and the province root (every bureau)
		// see both; their pages agree with their whole list.
		for _, no := range []string{"35020001", "35000001"} {
			all := e.notFiled(t, no, q3, 200)
			for _, id := range append(slices.Clone(siming[:6]), huli...) {
				if !slices.Contains(all, id) {
					t.Fatalf("%s misses %d", no, id)
				}
			}
			if got := e.notFiled(t, no, q3, 2); !slices.Equal(got, all) {
				t.Fatalf("%s by pages of 2: %v, want %v", no, got, all)
			}
		}
		// Another city's clerk: none of them.
		for _, id := range e.notFiled(t, "35010201", q3, 200) {
			if slices.Contains(siming, id) || slices.Contains(huli, id) {
				t.Fatal("Fuzhou's clerk sees a Xiamen taxpayer")
			}
		}
	})
}

// TestNotFiledJobsTwoRunners: two nodes (two pools) enqueue and run the
// same jobs at once; the set ends as one runner would leave it.
func TestNotFiledJobsTwoRunners(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		for i := range 8 {
			e.lazyIn(t, fmt.Sprintf("91350203TESTR%04d", i), "35020301", true)
		}
		d2 := dbtest.SecondPool(t, d)
		j1, r1 := e.runner(t, d)
		j2, r2 := e.runner(t, d2)
		both := func(f1, f2 func()) {
			var wg sync.WaitGroup
			start := make(chan struct{})
			for _, f := range []func(){f1, f2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					f()
				}()
			}
			close(start)
			wg.Wait()
		}
		var err1, err2 error
		both(func() { err1 = j1.Ensure(ctx, *e.clock) }, func() { err2 = j2.Ensure(ctx, *e.clock) })
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind IN ('notfiled.sync', 'notfiled.daily')`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("%d jobs for one minute and one day, %v", n, err)
		}
		both(func() { drainQuiet(r1, "a", &err1) }, func() { drainQuiet(r2, "b", &err2) })
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		// The day's run again: nothing new.
		day := calendar.FromTime(e.clock.In(time.FixedZone("CST", 8*3600)))
		both(func() { err1 = j1.RunDay(ctx, day) }, func() { err2 = j2.RunDay(ctx, day) })
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		both(func() { drainQuiet(r1, "a", &err1) }, func() { drainQuiet(r2, "b", &err2) })
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if e.periodState(t) != "built" {
			t.Fatal("not built")
		}
		var rows int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM notfiled WHERE form = 'vat_small' AND period_start = '2026-07-01' AND kind = 'quarter'`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		setList := e.notFiled(t, "35000001", q3, 200)
		// Filings and new identifications, then both nodes sync at once.
		_, _, filer := e.smallScale(t, "91350203TESTR9001F")
		boss := e.login(t, "91350203TESTR9001F", "admin")
		if _, err := e.rs.Submit(boss, "vat_small", q3, map[string]string{"1.goods": "320000"}, returns.NewKey(), 0, false); err != nil {
			t.Fatal(err)
		}
		fresh := e.lazyIn(t, "91350203TESTR9002G", "35020301", true)
		*e.clock = e.clock.Add(15 * time.Minute)
		both(func() { err1 = j1.Sync(ctx) }, func() { err2 = j2.Sync(ctx) })
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if e.setRows(t, filer) != 0 || e.setRows(t, fresh) != 1 {
			t.Fatalf("after two syncs: filer %d rows, fresh %d rows", e.setRows(t, filer), e.setRows(t, fresh))
		}
		var after int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM notfiled WHERE form = 'vat_small' AND period_start = '2026-07-01' AND kind = 'quarter'`).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if after != rows+1 {
			t.Fatalf("set rows %d → %d, want +1 (fresh in, the smallScale filer never built in)", rows, after)
		}
		for _, name := range []string{"returns", "identifications"} {
			var cur, max int64
			table := map[string]string{"returns": "returns", "identifications": "tax_identifications"}[name]
			if err := d.QueryRowContext(ctx, `SELECT last_id, (SELECT MAX(id) FROM `+table+`) FROM notfiled_cursors WHERE name = $1`, name).Scan(&cur, &max); err != nil {
				t.Fatal(err)
			}
			if cur != max {
				t.Errorf("cursor %s at %d, last id %d", name, cur, max)
			}
		}
		want := append(slices.Clone(setList), fresh)
		slices.Sort(want)
		if got := e.notFiled(t, "35000001", q3, 200); !slices.Equal(got, want) {
			t.Fatalf("province list %v, want %v", got, want)
		}
	})
}

func drainQuiet(r *jobs.Runner, worker string, err *error) {
	for range 10_000 {
		ran, e := r.RunOne(context.Background(), r.Kinds(), worker)
		if e != nil {
			*err = e
			return
		}
		if !ran {
			return
		}
	}
}
