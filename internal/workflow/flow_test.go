package workflow_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/filingcal"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
	"taxhall/internal/workflow"
)

var now = time.Date(2026, 5, 11, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

var pdf = []byte("%PDF-1.4\n%%EOF\n")

type hall struct {
	d               *db.DB
	svc             *workflow.Service
	tpA, tpB        int64
	userA, userB    *auth.Actor
	clerk, reviewer *auth.Actor // 思明
	supervisor      *auth.Actor // 思明
	huliClerk       *auth.Actor
	clock           *time.Time
}

func staffActor(t testing.TB, d *db.DB, no string) *auth.Actor {
	t.Helper()
	a := &auth.Actor{Kind: auth.Staff, StaffNo: no}
	var roles string
	if err := d.QueryRowContext(context.Background(), `SELECT s.id, s.name, s.roles, o.id, o.path FROM staff s JOIN orgs o ON o.id = s.org_id WHERE s.staff_no = $1`, no).
		Scan(&a.UserID, &a.Name, &roles, &a.OrgID, &a.OrgPath); err != nil {
		t.Fatal(err)
	}
	a.Roles = strings.Split(roles, ",")
	return a
}

func taxpayerActor(t testing.TB, d *db.DB, tp int64) *auth.Actor {
	t.Helper()
	a := &auth.Actor{Kind: auth.Taxpayer, TaxpayerID: tp}
	if err := d.QueryRowContext(context.Background(), `SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND username = 'admin'`, tp).Scan(&a.UserID); err != nil {
		t.Fatal(err)
	}
	return a
}

func newHall(t testing.TB, d *db.DB) *hall {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 2, Now: now.AddDate(-1, 0, 0), PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	h := &hall{d: d}
	clock := now
	h.clock = &clock
	nowf := func() time.Time { return *h.clock }
	tps := &taxpayer.Service{DB: d, Now: nowf}
	cal := &filingcal.Service{DB: d, Now: nowf}
	rs := &returns.Service{DB: d, Now: nowf, Taxpayers: tps, Calendar: cal}
	h.svc = &workflow.Service{DB: d, Now: nowf, Calendar: cal, Returns: rs, Taxpayers: tps}
	for i, p := range []*int64{&h.tpA, &h.tpB} {
		if err := d.QueryRowContext(ctx, `SELECT id FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1 OFFSET $1`, i).Scan(p); err != nil {
			t.Fatal(err)
		}
	}
	h.userA, h.userB = taxpayerActor(t, d, h.tpA), taxpayerActor(t, d, h.tpB)
	h.clerk, h.reviewer, h.supervisor = staffActor(t, d, "35020301"), staffActor(t, d, "35020302"), staffActor(t, d, "35020303")
	h.huliClerk = staffActor(t, d, "35020601")
	return h
}

func as(a *auth.Actor) context.Context { return auth.WithActor(context.Background(), a) }

func (h *hall) submit(t testing.TB, item, token string, fields map[string]string, files ...workflow.File) *workflow.Application {
	t.Helper()
	ap, _, err := h.svc.Submit(as(h.userA), workflow.SubmitInput{Item: item, Fields: fields, Files: files, Token: token})
	if err != nil {
		t.Fatalf("submit %s: %v", item, err)
	}
	return ap
}

func live(ap *workflow.Application) *workflow.Task {
	for _, k := range ap.Tasks {
		if k.Live() {
			return k
		}
	}
	return nil
}

var vatFields = map[string]string{"sales": "6,200,000.00", "accounting": "sound", "effective": "next_period", "contact": "林小燕", "phone": "0592-5123456"}

// TestGeneralTaxpayerJourney: the journey on both databases.
func TestGeneralTaxpayerJourney(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		svc := h.svc
		// Submitted with one required material missing; a second submit
		// with the same token is the same application.
		ap := h.submit(t, "vat_general", "tok-1", vatFields, workflow.File{Material: "accountant", Name: "代理记账协议.pdf", Data: pdf})
		again, created, err := svc.Submit(as(h.userA), workflow.SubmitInput{Item: "vat_general", Fields: vatFields, Token: "tok-1"})
		if err != nil || created || again.ID != ap.ID {
			t.Fatalf("resubmitted token: %v %v %v", again, created, err)
		}
		if !strings.HasPrefix(ap.No, "SQ20260511") || ap.Status != workflow.StatusSubmitted || len(ap.Missing()) != 1 || ap.Form["sales"] != "620000000" {
			t.Fatalf("application %+v missing %v", ap, ap.Missing())
		}
		// Another taxpayer and another district's clerk do not see it.
		if _, err := svc.Get(as(h.userB), ap.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other taxpayer: %v", err)
		}
		// 同城通办: 湖里's clerk sees the citywide item in the pool.
		pool, err := svc.Pool(as(h.huliClerk), auth.RoleWindowClerk, 0, 20)
		if err != nil || len(pool.Items) != 1 {
			t.Fatalf("huli pool: %+v %v", pool, err)
		}
		pool, err = svc.Pool(as(h.clerk), auth.RoleWindowClerk, 0, 20)
		if err != nil || len(pool.Items) != 1 || pool.Items[0].ApplicationID != ap.ID {
			t.Fatalf("siming pool: %+v %v", pool, err)
		}
		task := pool.Items[0]
		// Deciding unclaimed is refused; the reviewer cannot claim a clerk's node.
		if _, err := svc.Decide(as(h.clerk), task.ID, workflow.DecideInput{Decision: workflow.DecisionPass}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("decide unclaimed: %v", err)
		}
		if _, err := svc.Claim(as(h.reviewer), task.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("reviewer claims acceptance: %v", err)
		}
		if _, err := svc.Claim(as(h.clerk), task.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Claim(as(h.huliClerk), task.ID); apperr.CodeOf(err) != apperr.Conflict || !strings.Contains(err.Error(), "35020301") {
			t.Errorf("second claim: %v", err)
		}
		// Return without reasons is refused; approving at acceptance is not a decision there.
		if _, err := svc.Decide(as(h.clerk), task.ID, workflow.DecideInput{Decision: workflow.DecisionReturn}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("return without reasons: %v", err)
		}
		if _, err := svc.Decide(as(h.clerk), task.ID, workflow.DecideInput{Decision: "approve"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("unknown decision: %v", err)
		}
		*h.clock = now.Add(2 * time.Hour)
		if _, err := svc.Decide(as(h.clerk), task.ID, workflow.DecideInput{Decision: workflow.DecisionReturn, Opinion: "缺少经营场所使用证明"}); err != nil {
			t.Fatal(err)
		}
		ap, _ = svc.Get(as(h.userA), ap.ID)
		if ap.Status != workflow.StatusReturned || live(ap) != nil || ap.Tasks[0].HandlerNo != "35020301" || ap.Tasks[0].Opinion != "缺少经营场所使用证明" {
			t.Fatalf("after return: %+v", ap)
		}
		var msgs int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM messages WHERE taxpayer_id = $1 AND kind = 'notice' AND subject LIKE '%需要补正'`, h.tpA).Scan(&msgs); err != nil || msgs != 1 {
			t.Errorf("return message: %d %v", msgs, err)
		}
		// Another taxpayer cannot resubmit or withdraw it.
		if _, err := svc.Resubmit(as(h.userB), ap.ID, workflow.ResubmitInput{Fields: vatFields}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other taxpayer resubmits: %v", err)
		}
		// Corrected: the same fields, the missing material added.
		*h.clock = now.Add(24 * time.Hour)
		ap, err = svc.Resubmit(as(h.userA), ap.ID, workflow.ResubmitInput{Fields: vatFields,
			Files: []workflow.File{{Material: "premises", Name: "租赁合同.pdf", Data: append([]byte(nil), append(pdf, 'x')...)}}})
		if err != nil || ap.Status != workflow.StatusSubmitted || len(ap.Missing()) != 0 || ap.Version != 2 {
			t.Fatalf("resubmit: %+v %v", ap, err)
		}
		if _, err := svc.Resubmit(as(h.userA), ap.ID, workflow.ResubmitInput{Fields: vatFields}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second resubmit: %v", err)
		}
		k := live(ap)
		if _, err := svc.Claim(as(h.clerk), k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Decide(as(h.clerk), k.ID, workflow.DecideInput{Decision: workflow.DecisionPass, Opinion: "材料齐全，予以受理"}); err != nil {
			t.Fatal(err)
		}
		// Accepted: no withdrawal any more; the approval task is in the reviewers' pool.
		if _, err := svc.Withdraw(as(h.userA), ap.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("withdraw after acceptance: %v", err)
		}
		rp, err := svc.Pool(as(h.reviewer), auth.RoleReviewer, 0, 20)
		if err != nil || len(rp.Items) != 1 || rp.Items[0].NodeCode != workflow.NodeApprove {
			t.Fatalf("reviewer pool: %+v %v", rp, err)
		}
		// The supervisor assigns it to the reviewer by staff number.
		if _, err := svc.Assign(as(h.supervisor), rp.Items[0].ID, "35020301"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("assign to a clerk without the role: %v", err)
		}
		if _, err := svc.Assign(as(h.reviewer), rp.Items[0].ID, "35020302"); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("non-supervisor assigns: %v", err)
		}
		if _, err := svc.Assign(as(h.supervisor), rp.Items[0].ID, "35020302"); err != nil {
			t.Fatal(err)
		}
		*h.clock = now.Add(4 * 24 * time.Hour) // Friday 15 May
		if _, err := svc.Decide(as(h.reviewer), rp.Items[0].ID, workflow.DecideInput{Decision: workflow.DecisionPass, Opinion: "同意"}); err != nil {
			t.Fatal(err)
		}
		ap, _ = svc.Get(as(h.userA), ap.ID)
		if ap.Status != workflow.StatusApproved || !strings.Contains(ap.Result, "一般纳税人") {
			t.Fatalf("approved: %+v", ap)
		}
		last := ap.Tasks[len(ap.Tasks)-1]
		if last.DaysUsed != 3 || !last.OnTime || last.HandlerName == "" {
			t.Errorf("approval node: used %d on time %v handler %q", last.DaysUsed, last.OnTime, last.HandlerName)
		}
		// The VAT identification switched from the next period.
		_, idents, err := h.svc.Taxpayers.Record(as(h.clerk), h.tpA)
		if err != nil {
			t.Fatal(err)
		}
		var open []string
		for _, i := range idents {
			if strings.HasPrefix(i.TaxType, "vat") {
				open = append(open, i.TaxType+" "+i.StartDate+"~"+i.EndDate)
			}
		}
		if len(open) != 2 || !strings.HasPrefix(open[1], "vat_general 2026-07-01~") && !strings.HasPrefix(open[1], "vat_general 2026-06-01~") {
			t.Errorf("identifications %v", open)
		}
		// Ratings: once per finished node, only the taxpayer's own.
		if err := svc.Rate(as(h.userA), ap.ID, last.ID, 5, "很快"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Rate(as(h.userA), ap.ID, last.ID, 4, ""); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second rating: %v", err)
		}
		if err := svc.Rate(as(h.userB), ap.ID, last.ID, 1, ""); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other taxpayer rates: %v", err)
		}
		if err := svc.Rate(as(h.userA), ap.ID, ap.Tasks[0].ID, 6, ""); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("rating 6: %v", err)
		}
	})
}

func TestWithdrawAndChange(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		svc := h.svc
		ap := h.submit(t, "suspension", "s-1", map[string]string{"from": "2026-06-01", "to": "2026-08-31", "reason": "装修"})
		ap, err := svc.Withdraw(as(h.userA), ap.ID)
		if err != nil || ap.Status != workflow.StatusWithdrawn || live(ap) != nil {
			t.Fatalf("withdraw: %+v %v", ap, err)
		}
		if _, err := svc.Withdraw(as(h.userA), ap.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("withdraw twice: %v", err)
		}
		// Field validation.
		_, _, err = svc.Submit(as(h.userA), workflow.SubmitInput{Item: "reg_change", Token: "c-0", Fields: map[string]string{"field": "name", "changed_on": "2026-13-01"}})
		if e := apperr.As(err); e.Code != apperr.Invalid || e.Fields["f_field"] == "" || e.Fields["f_new_value"] == "" || e.Fields["f_changed_on"] == "" {
			t.Errorf("invalid change: %v", err)
		}
		_, _, err = svc.Submit(as(h.userA), workflow.SubmitInput{Item: "reg_change", Token: "c-00", Fields: map[string]string{"field": "phone", "new_value": "x", "changed_on": "2026-05-01", "reason": "x"},
			Files: []workflow.File{{Material: "change_notice", Name: "通知书.pdf", Data: []byte("\x89PNG\r\n\x1a\nxxxx")}}})
		if e := apperr.As(err); e.Code != apperr.Invalid || !strings.Contains(e.Fields["m_change_notice"], "PNG") {
			t.Errorf("lying file: %v", err)
		}
		// A change registration changes the register when approved.
		ap = h.submit(t, "reg_change", "c-1", map[string]string{"field": "address", "new_value": "厦门市思明区鹭江道8号", "changed_on": "2026-05-01", "reason": "搬迁"})
		for _, who := range []*auth.Actor{h.clerk, h.reviewer} {
			k := live(ap)
			if _, err := svc.Claim(as(who), k.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Decide(as(who), k.ID, workflow.DecideInput{Decision: workflow.DecisionPass}); err != nil {
				t.Fatal(err)
			}
			ap, _ = svc.Get(as(h.userA), ap.ID)
		}
		var addr string
		if err := d.QueryRowContext(context.Background(), `SELECT address FROM taxpayers WHERE id = $1`, h.tpA).Scan(&addr); err != nil || addr != "厦门市思明区鹭江道8号" {
			t.Errorf("address %q %v (app %+v)", addr, err, ap)
		}
	})
}

// TestClaimRace: 50 goroutines claim the same 10 tasks at once; each task
// is claimed exactly once.
func TestClaimRace(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		var tasks []int64
		for i := range 10 {
			ap := h.submit(t, "invoice_types", fmt.Sprintf("race-%d", i), map[string]string{"kind": "special_e", "monthly": "25", "contact": "林", "phone": "13800000000"})
			tasks = append(tasks, live(ap).ID)
		}
		clerks := make([]*auth.Actor, 50)
		for i := range clerks {
			var id int64
			no := fmt.Sprintf("R%07d", i)
			if err := d.QueryRowContext(context.Background(), `INSERT INTO staff (org_id, staff_no, name, password_hash, roles, created_at, updated_at)
				VALUES ($1, $2, $3, 'x', 'window_clerk', '', '') RETURNING id`, h.clerk.OrgID, no, "办税员"+no).Scan(&id); err != nil {
				t.Fatal(err)
			}
			c := *h.clerk
			c.UserID, c.StaffNo = id, no
			clerks[i] = &c
		}
		var won [10]atomic.Int32
		var conflicts atomic.Int32
		var start, done sync.WaitGroup
		start.Add(1)
		for g := range 50 {
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				for j := range 10 {
					i := (g + j) % 10
					_, err := h.svc.Claim(as(clerks[g]), tasks[i])
					switch {
					case err == nil:
						won[i].Add(1)
					case apperr.CodeOf(err) == apperr.Conflict:
						conflicts.Add(1)
					default:
						t.Errorf("claim: %v", err)
					}
				}
			}()
		}
		start.Done()
		done.Wait()
		for i := range won {
			if n := won[i].Load(); n != 1 {
				t.Errorf("task %d claimed %d times", i, n)
			}
		}
		if c := conflicts.Load(); c != 490 {
			t.Errorf("%d conflicts, want 490", c)
		}
	})
}

func TestBoardAndPerformance(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		svc := h.svc
		var aps []*workflow.Application
		for i := range 3 {
			aps = append(aps, h.submit(t, "invoice_types", fmt.Sprintf("b-%d", i), map[string]string{"kind": "special_e", "monthly": "25", "contact": "林", "phone": "13800000000"}))
		}
		k := live(aps[0])
		if _, err := svc.Claim(as(h.clerk), k.ID); err != nil {
			t.Fatal(err)
		}
		*h.clock = now.AddDate(0, 0, 3) // Thursday: acceptance (1 working day) is overdue
		b, err := svc.Board(as(h.supervisor))
		if err != nil {
			t.Fatal(err)
		}
		if b.Open != 2 || b.Claimed != 1 || b.Late != 3 || len(b.Overdue) != 3 || len(b.Load) != 1 || b.Load[0].StaffNo != "35020301" {
			t.Fatalf("board %+v rows %+v", b, b.Rows)
		}
		if _, err := svc.Board(as(h.clerk)); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("clerk opens the board: %v", err)
		}
		if _, err := svc.Decide(as(h.clerk), k.ID, workflow.DecideInput{Decision: workflow.DecisionReturn, Opinion: "缺材料"}); err != nil {
			t.Fatal(err)
		}
		m, _ := workflow.Month("2026-05")
		perf, err := svc.PerformanceOf(as(h.supervisor), m)
		if err != nil || len(perf) != 1 || perf[0].Handled != 1 || perf[0].OnTime != 0 || perf[0].Returned != 1 || perf[0].WeightedText() != "1.2" {
			t.Fatalf("performance %+v %v", perf, err)
		}
		var csvOut, xlsx strings.Builder
		if err := workflow.WriteCSV(&csvOut, perf); err != nil || !strings.Contains(csvOut.String(), "35020301") {
			t.Errorf("csv %q %v", csvOut.String(), err)
		}
		if err := workflow.WriteXLSX(&xlsx, "2026-05", perf); err != nil || !strings.HasPrefix(xlsx.String(), "PK") {
			t.Errorf("xlsx %v", err)
		}
	})
}
