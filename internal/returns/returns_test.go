package returns_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/forms"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

var hash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

type env struct {
	d     *db.DB
	tp    *taxpayer.Service
	rs    *returns.Service
	auth  *auth.Service
	clock *time.Time
}

func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	if _, err := demo.Seed(context.Background(), d, demo.Options{Enterprises: 6, Individuals: 2, Now: now.Add(-time.Hour), PasswordHash: hash()}); err != nil {
		t.Fatal(err)
	}
	e := &env{d: d, clock: new(time.Time)}
	*e.clock = now
	clock := func() time.Time { return *e.clock }
	e.tp = &taxpayer.Service{DB: d, Now: clock}
	e.auth = auth.NewService(d, clock)
	e.rs = &returns.Service{DB: d, Now: clock, Taxpayers: e.tp, Calendar: returns.DefaultDeadlines()}
	return e
}

// smallScale registers an enterprise in Siming identified for quarterly
// small-scale VAT from 2025-01-01 and returns its users' contexts.
func (e *env) smallScale(t *testing.T, code string) (boss, clerk context.Context, id int64) {
	t.Helper()
	ctx := context.Background()
	var bureau, staff int64
	if err := e.d.QueryRowContext(ctx, `SELECT o.id, s.id FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = '35020301'`).Scan(&bureau, &staff); err != nil {
		t.Fatal(err)
	}
	tp := &taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: code, Name: "测试小规模" + code[len(code)-4:] + "有限公司", DivisionCode: "350203",
		Address: "测试路1号", BureauID: bureau, Status: taxpayer.StatusActive, RegisteredAt: now.AddDate(-2, 0, 0)}
	if err := taxpayer.InsertTaxpayer(ctx, e.d, now, tp); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ name, role string }{{"admin", auth.TPLegalRep}, {"banshui", auth.TPClerk}} {
		if _, err := taxpayer.InsertUser(ctx, e.d, now, tp.ID, u.name, "张三", "13800000000", u.role, u.role == auth.TPLegalRep, hash()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := taxpayer.InsertIdentification(ctx, e.d, now, tp.ID, "vat_small", taxpayer.Quarterly, "2025-01-01", staff); err != nil {
		t.Fatal(err)
	}
	return e.login(t, code, "admin"), e.login(t, code, "banshui"), tp.ID
}

func (e *env) login(t *testing.T, code, user string) context.Context {
	t.Helper()
	s, err := e.auth.LoginTaxpayer(context.Background(), code, user, demo.Password, auth.API, "")
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithActor(context.Background(), s.Actor)
}

func (e *env) staff(t *testing.T, no string) context.Context {
	t.Helper()
	s, err := e.auth.LoginStaff(context.Background(), no, demo.Password, auth.API, "")
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithActor(context.Background(), s.Actor)
}

func TestSubmitAcknowledgeCorrect(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		boss, clerk, _ := e.smallScale(t, "91350203TEST00001A")
		*e.clock = time.Date(2026, 10, 20, 10, 0, 0, 0, now.Location()) // 2026Q3 due by 2026-10-26

		// A mistake: the draft is kept, the message names the numbers.
		sh, err := e.rs.SaveDraft(clerk, "vat_small", "2026Q3", map[string]string{"1.goods": "100000", "2.goods": "200000"}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sh.Errors["2.goods"], "200,000.00") {
			t.Errorf("errors = %v", sh.Errors)
		}
		again, err := e.rs.Open(boss, "vat_small", "2026Q3")
		if err != nil || !again.Draft || again.Cells["2.goods"] != "200000" {
			t.Fatalf("draft not resumed by another user: %+v %v", again, err)
		}
		if _, err := e.rs.Submit(clerk, "vat_small", "2026Q3", again.Cells, again.Token, 0, false); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("invalid return accepted: %v", err)
		}
		// Fixed and submitted: 300,000 in 2026Q3 is taxable at 1%.
		cells := map[string]string{"1.goods": "300000", "2.goods": "0"}
		sub, err := e.rs.Submit(clerk, "vat_small", "2026Q3", cells, again.Token, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		r := sub.Return
		if !sub.Created || r.TaxDue != 318_000 || r.Late || r.Version != 1 || len(r.SHA256) != 64 || r.SHA256 != returns.Hash([]byte(r.Canonical)) {
			t.Fatalf("return = %+v", r)
		}
		if !strings.Contains(r.Canonical, `"1.goods":"300000.00"`) || !strings.Contains(r.Canonical, `"rules_version":"`) {
			t.Errorf("canonical = %s", r.Canonical)
		}
		// A retry with the same key: the same acknowledgement, no second return.
		retry, err := e.rs.Submit(clerk, "vat_small", "2026Q3", cells, again.Token, 0, false)
		if err != nil || retry.Created || retry.Return.ID != r.ID || retry.Return.AckNo != r.AckNo {
			t.Fatalf("retry = %+v %v", retry, err)
		}
		// A second original with another key is refused, naming the first.
		_, err = e.rs.Submit(boss, "vat_small", "2026Q3", cells, returns.NewKey(), 0, false)
		if apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(err.Error(), r.AckNo) {
			t.Fatalf("second original: %v", err)
		}
		// The tax clerk may not correct; the legal representative may.
		if _, err := e.rs.OpenCorrection(clerk, r.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("clerk correction: %v", err)
		}
		cor, err := e.rs.Submit(boss, "vat_small", "2026Q3", map[string]string{"1.goods": "400000"}, returns.NewKey(), r.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		c := cor.Return
		if c.Version != 2 || c.PreviousID != r.ID || c.TaxDue != 424_000 || c.Difference != 106_000 || c.Doc.Corrects != r.SHA256 {
			t.Fatalf("correction = %+v", c)
		}
		old, _ := e.rs.Get(boss, r.ID)
		if old.Current || old.SHA256 != r.SHA256 || old.Canonical != r.Canonical {
			t.Errorf("the corrected version changed: %+v", old)
		}
		// Correcting a stale version is refused.
		if _, err := e.rs.Submit(boss, "vat_small", "2026Q3", map[string]string{"1.goods": "1"}, returns.NewKey(), r.ID, false); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale correction: %v", err)
		}
		evs, err := e.rs.Events(boss, c)
		if err != nil || len(evs) != 3 || evs[0].Kind != returns.EventDrafted || evs[2].Kind != returns.EventCorrected {
			t.Errorf("events = %v %v", evs, err)
		}
		// Unpaid: two liabilities (original and the correction's difference).
		un, err := e.rs.Unpaid(boss)
		if err != nil || len(un) != 2 || un[0].Unpaid+un[1].Unpaid != 424_000 {
			t.Errorf("unpaid = %v %v", un, err)
		}
		// Periods: 2026Q3 filed; 2026Q2 and earlier overdue; 2026Q4 open.
		ps, err := e.rs.MyPeriods(clerk)
		if err != nil {
			t.Fatal(err)
		}
		status := map[string]string{}
		for _, p := range ps {
			status[p.Key()] = p.Status
		}
		if status["2026Q3"] != returns.StatusFiled || status["2026Q2"] != returns.StatusOverdue || status["2026Q4"] != returns.StatusOpen || status["2025Q1"] != returns.StatusOverdue {
			t.Errorf("statuses = %v", status)
		}
	})
}

func TestLateReturnAndYearToDate(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		boss, _, _ := e.smallScale(t, "91350203TEST00003C")
		// 2026Q2 filed on 2026-11-23: late (deadline in July).
		q2, err := e.rs.Submit(boss, "vat_small", "2026Q2", map[string]string{"1.goods": "350000"}, returns.NewKey(), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if !q2.Return.Late || q2.Return.Deadline.String() != "2026-07-15" {
			t.Errorf("late=%v deadline=%v", q2.Return.Late, q2.Return.Deadline)
		}
		un, _ := e.rs.Unpaid(boss)
		if len(un) != 1 || un[0].LateFee == 0 || un[0].LateDays != 131 {
			t.Errorf("late fee = %+v", un)
		}
		q3, err := e.rs.Submit(boss, "vat_small", "2026Q3", map[string]string{"1.goods": "300000"}, returns.NewKey(), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		v := q3.Return.Values()
		if v["1.goods_ytd"] != 65_000_000 || v["1.goods"] != 30_000_000 {
			t.Errorf("ytd = %d", v["1.goods_ytd"])
		}
		// Zero return where there is nothing to declare.
		z, err := e.rs.Submit(boss, "vat_small", "2026Q1", nil, returns.NewKey(), 0, true)
		if err != nil || !z.Return.Zero || z.Return.TaxDue != 0 {
			t.Errorf("zero = %+v %v", z, err)
		}
		// A period the identification does not create, and one not ended.
		if _, err := e.rs.Submit(boss, "vat_small", "2024Q4", nil, returns.NewKey(), 0, true); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("2024Q4: %v", err)
		}
		if _, err := e.rs.Submit(boss, "vat_small", "2026Q4", nil, returns.NewKey(), 0, true); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("2026Q4: %v", err)
		}
		if _, err := e.rs.Submit(boss, "vat_small", "2026-10", nil, returns.NewKey(), 0, true); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("monthly: %v", err)
		}
		page, err := e.rs.History(boss, returns.HistoryFilter{Limit: 2})
		if err != nil || len(page.Returns) != 2 || page.Next == 0 || page.Returns[0].ID != z.Return.ID {
			t.Fatalf("history = %+v %v", page, err)
		}
		rest, err := e.rs.History(boss, returns.HistoryFilter{Limit: 2, Before: page.Next})
		if err != nil || len(rest.Returns) != 1 || rest.Next != 0 {
			t.Errorf("page 2 = %+v %v", rest, err)
		}
		late, _ := e.rs.History(boss, returns.HistoryFilter{Status: "late"})
		if len(late.Returns) != 3 { // 2026Q1–Q3 all filed on 2026-11-23
			t.Errorf("late filter = %d", len(late.Returns))
		}
	})
}

func TestAccessToReturns(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		boss, _, _ := e.smallScale(t, "91350203TEST00004D")
		other, _, _ := e.smallScale(t, "91350203TEST00005E")
		sub, err := e.rs.Submit(boss, "vat_small", "2026Q3", map[string]string{"1.goods": "1000"}, returns.NewKey(), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		id := sub.Return.ID
		if _, err := e.rs.Get(other, id); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other taxpayer: %v", err)
		}
		if _, err := e.rs.OpenCorrection(other, id); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other taxpayer correction: %v", err)
		}
		if _, err := e.rs.Get(e.staff(t, "35020301"), id); err != nil {
			t.Errorf("Siming clerk: %v", err)
		}
		if _, err := e.rs.Get(e.staff(t, "35020601"), id); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Huli clerk: %v", err)
		}
		if _, err := e.rs.Get(e.staff(t, "35010201"), id); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Fuzhou clerk: %v", err)
		}
	})
}

// TestConcurrentSubmissionMakesOneReturn: the same submission from many
// goroutines through two connection pools (two nodes) → one return, every
// caller gets its acknowledgement.
func TestConcurrentSubmissionMakesOneReturn(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		d.SetMaxOpenConns(8)
		d2 := dbtest.SecondPool(t, d)
		d2.SetMaxOpenConns(8)
		rs2 := &returns.Service{DB: d2, Now: e.rs.Now, Taxpayers: &taxpayer.Service{DB: d2, Now: e.rs.Now}, Calendar: e.rs.Calendar}
		services := []*returns.Service{e.rs, rs2}
		for round := range 3 {
			boss, _, tpID := e.smallScale(t, "91350203TESTC000"+string(rune('A'+round))+"X")
			key := returns.NewKey()
			var mu sync.Mutex
			acks := map[string]int{}
			created := 0
			var errs []error
			parallel(12, func(i int) {
				sub, err := services[i%2].Submit(boss, "vat_small", "2026Q3", map[string]string{"1.goods": "300000"}, key, 0, false)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				acks[sub.Return.AckNo]++
				if sub.Created {
					created++
				}
			})
			var n int
			d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM returns WHERE taxpayer_id = $1`, tpID).Scan(&n)
			var filed int
			d.QueryRowContext(context.Background(), `SELECT COALESCE(SUM(filed), 0) FROM filing_stats WHERE period_start = '2026-07-01' AND shard = $1`, tpID%8).Scan(&filed)
			if n != 1 || created != 1 || len(acks) != 1 || len(errs) > 0 {
				t.Errorf("round %d: %d returns, %d created, acks %v, errors %v", round, n, created, acks, errs)
			}
			// Different keys at once: one original, the rest refused.
			ok := 0
			var conflicts int
			parallel(8, func(i int) {
				_, err := services[i%2].Submit(boss, "vat_small", "2026Q2", map[string]string{"1.goods": "1000"}, returns.NewKey(), 0, false)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else if apperr.CodeOf(err) == apperr.Conflict {
					conflicts++
				} else {
					t.Errorf("unexpected: %v", err)
				}
			})
			if ok != 1 || conflicts != 7 {
				t.Errorf("round %d: %d originals, %d conflicts", round, ok, conflicts)
			}
		}
	})
}

func parallel(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// TestClerkBoardAndReminders: a Siming clerk sees who has not filed and
// reminds them once (a repeat sends nothing); the taxpayer gets one
// message; a Huli clerk sees none of Siming's taxpayers.
func TestClerkBoardAndReminders(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		boss, _, filer := e.smallScale(t, "91350203TESTB0001F")
		_, _, lazy := e.smallScale(t, "91350203TESTB0002G")
		if _, err := e.rs.Submit(boss, "vat_small", "2026Q3", map[string]string{"1.goods": "320000"}, returns.NewKey(), 0, false); err != nil {
			t.Fatal(err)
		}
		clerk := e.staff(t, "35020301")
		b, err := e.rs.Totals(clerk, "vat_small", "2026Q3")
		if err != nil || b.Filed < 1 || b.Late < 1 || b.TaxDue < 339_200 {
			t.Fatalf("totals = %+v %v", b, err)
		}
		list, _, err := e.rs.NotFiled(clerk, "vat_small", "2026Q3", 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		found := map[int64]bool{}
		for _, f := range list {
			found[f.TaxpayerID] = true
		}
		if !found[lazy] || found[filer] {
			t.Errorf("not filed: lazy %v, filer %v", found[lazy], found[filer])
		}
		sent, skipped, err := e.rs.Remind(clerk, "vat_small", "2026Q3", []int64{lazy, filer})
		if err != nil || sent != 1 || skipped != 1 {
			t.Fatalf("remind = %d sent, %d skipped, %v", sent, skipped, err)
		}
		if sent, _, _ := e.rs.Remind(clerk, "vat_small", "2026Q3", []int64{lazy}); sent != 0 {
			t.Errorf("second reminder sent %d", sent)
		}
		// The list marks who was reminded, and only them.
		after, _, err := e.rs.NotFiled(clerk, "vat_small", "2026Q3", 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range after {
			if f.Reminded != (f.TaxpayerID == lazy) {
				t.Errorf("taxpayer %d reminded = %v", f.TaxpayerID, f.Reminded)
			}
		}
		var n int
		d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM messages WHERE taxpayer_id = $1 AND kind = 'reminder'`, lazy).Scan(&n)
		if n != 1 {
			t.Errorf("%d reminder messages", n)
		}
		// Another bureau: none of Siming's taxpayers, and no reminder.
		huli := e.staff(t, "35020601")
		other, _, _ := e.rs.NotFiled(huli, "vat_small", "2026Q3", 0, 200)
		for _, f := range other {
			if f.TaxpayerID == lazy {
				t.Error("Huli sees a Siming taxpayer")
			}
		}
		if sent, skipped, _ := e.rs.Remind(huli, "vat_small", "2026Q3", []int64{lazy}); sent != 0 || skipped != 1 {
			t.Errorf("Huli reminded: %d", sent)
		}
		late, _, _ := e.rs.LateFiled(clerk, "vat_small", "2026Q3", 0, 50)
		if len(late) == 0 {
			t.Error("no late filer")
		}
	})
}

// TestAgentFilesOnlyDelegatedTaxes: an appointed agent may file only the
// taxes the enterprise delegated; the tax clerk may not correct.
func TestAgentFilesOnlyDelegatedTaxes(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		boss, _, tpID := e.smallScale(t, "91350203TESTD0001H")
		agentID, err := taxpayer.InsertUser(context.Background(), d, now, tpID, "daili", "代理人", "13900000000", auth.TPAgent, false, hash())
		if err != nil {
			t.Fatal(err)
		}
		agent := e.login(t, "91350203TESTD0001H", "daili")
		if _, err := e.rs.Open(agent, "vat_small", "2026Q3"); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("undelegated agent: %v", err)
		}
		ps, _ := e.rs.MyPeriods(agent)
		if len(ps) != 0 {
			t.Errorf("agent sees %d periods", len(ps))
		}
		if err := e.rs.SetDelegations(agent, agentID, []string{"vat_small"}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("agent delegated to self: %v", err)
		}
		if err := e.rs.SetDelegations(boss, agentID, []string{"vat_small", "nope"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("bad tax accepted: %v", err)
		}
		if err := e.rs.SetDelegations(boss, agentID, []string{"vat_small"}); err != nil {
			t.Fatal(err)
		}
		sub, err := e.rs.Submit(agent, "vat_small", "2026Q3", map[string]string{"1.goods": "1000"}, returns.NewKey(), 0, false)
		if err != nil {
			t.Fatalf("delegated agent: %v", err)
		}
		if _, err := e.rs.Get(agent, sub.Return.ID); err != nil {
			t.Errorf("agent reads own filing: %v", err)
		}
		if err := e.rs.SetDelegations(boss, agentID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.rs.Get(agent, sub.Return.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("revoked agent reads: %v", err)
		}
		h, _ := e.rs.History(agent, returns.HistoryFilter{})
		if len(h.Returns) != 0 {
			t.Errorf("revoked agent history: %d", len(h.Returns))
		}
	})
}

// TestBoardOffersEveryKindOfPeriod: the board offers a form's years too
// (annual property returns), newest first within each kind.
func TestBoardOffersEveryKindOfPeriod(t *testing.T) {
	rs := &returns.Service{Now: func() time.Time { return now }}
	prop, _ := forms.Lookup("property_behaviour")
	var keys []string
	for _, p := range rs.RecentPeriods(prop) {
		keys = append(keys, returns.PeriodKey(p))
	}
	want := map[string]bool{"2026Q3": true, "2026-10": true, "2025": true, "2023": true}
	for _, k := range keys {
		delete(want, k)
	}
	if len(want) > 0 || keys[0] != "2026Q3" {
		t.Errorf("periods %v lack %v", keys, want)
	}
	small, _ := forms.Lookup("vat_small")
	for _, p := range rs.RecentPeriods(small) {
		if returns.PeriodKey(p) == "2025" {
			t.Error("small-scale VAT offered a year")
		}
	}
}

// TestManySubmittersAtOnce: many taxpayers submitting at the same moment,
// some of them the same submission twice (a double click on two nodes), on
// PostgreSQL accepted in groups: every submitter gets its own return back,
// each period has one return with its liability and its event, the
// board's counts add up, nothing is accepted twice.
func TestManySubmittersAtOnce(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		d.SetMaxOpenConns(8)
		d2 := dbtest.SecondPool(t, d)
		d2.SetMaxOpenConns(8)
		rs2 := &returns.Service{DB: d2, Now: e.rs.Now, Taxpayers: &taxpayer.Service{DB: d2, Now: e.rs.Now}, Calendar: e.rs.Calendar}
		services := []*returns.Service{e.rs, rs2}
		const taxpayers = 24
		type job struct {
			ctx     context.Context
			tp      int64
			quarter string
			key     string
		}
		var jobs []job
		for i := range taxpayers {
			boss, _, tp := e.smallScale(t, fmt.Sprintf("91350203MANY%04dX", i))
			for _, q := range []string{"2026Q2", "2026Q3"} {
				k := returns.NewKey()
				jobs = append(jobs, job{boss, tp, q, k})
				if i%3 == 0 { // the same submission again
					jobs = append(jobs, job{boss, tp, q, k})
				}
			}
		}
		ctx := context.Background()
		boardFiled := func() (n int) {
			d.QueryRowContext(ctx, `SELECT COALESCE(SUM(filed), 0) FROM filing_stats WHERE tax_type = 'vat_small' AND period_start IN ('2026-04-01', '2026-07-01')`).Scan(&n)
			return n
		}
		filedBefore := boardFiled()
		var mu sync.Mutex
		created := 0
		byKey := map[string]int64{}
		parallel(len(jobs), func(i int) {
			j := jobs[i]
			sub, err := services[i%2].Submit(j.ctx, "vat_small", j.quarter, map[string]string{"1.goods": fmt.Sprint(1000 * (i + 1))}, j.key, 0, false)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("job %d: %v", i, err)
				return
			}
			if sub.Return.TaxpayerID != j.tp || sub.Return.PeriodKey() != j.quarter {
				t.Errorf("job %d (taxpayer %d, %s) got the return of taxpayer %d, %s", i, j.tp, j.quarter, sub.Return.TaxpayerID, sub.Return.PeriodKey())
			}
			if prev, ok := byKey[j.key]; ok && prev != sub.Return.ID {
				t.Errorf("key %s answered with returns %d and %d", j.key, prev, sub.Return.ID)
			}
			byKey[j.key] = sub.Return.ID
			if sub.Created {
				created++
			}
			stored, err := services[0].Get(j.ctx, sub.Return.ID)
			if err != nil || stored.SHA256 != sub.Return.SHA256 || stored.AckNo != sub.Return.AckNo {
				t.Errorf("job %d: stored %+v, %v", i, stored, err)
			}
		})
		var returnsN, liabilities, events int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM returns r WHERE taxpayer_id IN (SELECT id FROM taxpayers WHERE code LIKE '91350203MANY%')`).Scan(&returnsN)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM tax_liabilities WHERE taxpayer_id IN (SELECT id FROM taxpayers WHERE code LIKE '91350203MANY%')`).Scan(&liabilities)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM return_events WHERE kind = 'accepted' AND taxpayer_id IN (SELECT id FROM taxpayers WHERE code LIKE '91350203MANY%')`).Scan(&events)
		if want := 2 * taxpayers; returnsN != want || created != want || liabilities != want || events != want || len(byKey) != want {
			t.Errorf("%d returns, %d created, %d liabilities, %d events, %d keys; want %d each", returnsN, created, liabilities, events, len(byKey), want)
		}
		if got := boardFiled() - filedBefore; got != 2*taxpayers {
			t.Errorf("the board counts %d more filed, want %d", got, 2*taxpayers)
		}
		if d.Dialect == db.Postgres && returns.LargestGroup() < 2 {
			t.Errorf("no group of more than one submission formed (largest %d)", returns.LargestGroup())
		}
	})
}
