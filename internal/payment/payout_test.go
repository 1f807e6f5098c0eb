package payment_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/certs"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/filingcal"
	"taxhall/internal/jobs"
	"taxhall/internal/payment"
	"taxhall/internal/workflow"
)

// flow is the workflow of the test hall, wired as the app wires it: a
// refund request opens its application.
func (e *env) flow() *workflow.Service {
	e.svc.OnRefundRequest = workflow.OpenOverpaidRefund
	return &workflow.Service{DB: e.d, Now: e.clock.Now, Calendar: &filingcal.Service{DB: e.d, Now: e.clock.Now}}
}

// staffOf is a staff member of the taxpayer's bureau with role.
func (e *env) staffOf(t *testing.T, taxpayerID int64, role string) context.Context {
	t.Helper()
	var no string
	if err := e.d.QueryRowContext(context.Background(), `SELECT s.staff_no FROM staff s JOIN taxpayers t ON t.bureau_id = s.org_id
		WHERE t.id = $1 AND s.roles LIKE $2 ORDER BY s.id LIMIT 1`, taxpayerID, "%"+role+"%").Scan(&no); err != nil {
		t.Fatalf("no %s for taxpayer %d: %v", role, taxpayerID, err)
	}
	return e.staff(t, no)
}

// decide takes an application through its nodes with decision at the last
// one (pass at the others) and returns it as its taxpayer sees it.
func (e *env) decide(t *testing.T, wf *workflow.Service, tp context.Context, appID int64, last string, opinion string) *workflow.Application {
	t.Helper()
	for {
		ap, err := wf.Get(tp, appID)
		if err != nil {
			t.Fatal(err)
		}
		var k *workflow.Task
		for _, x := range ap.Tasks {
			if x.Live() {
				k = x
			}
		}
		if k == nil {
			return ap
		}
		who := e.staffOf(t, ap.TaxpayerID, k.Role)
		if _, err := wf.Claim(who, k.ID); err != nil {
			t.Fatal(err)
		}
		in := workflow.DecideInput{Decision: workflow.DecisionPass}
		if k.Node == len(ap.Item.Nodes)-1 {
			in = workflow.DecideInput{Decision: last, Opinion: opinion}
		}
		if _, err := wf.Decide(who, k.ID, in); err != nil {
			t.Fatalf("decide %s: %v", k.NodeCode, err)
		}
	}
}

// overpay makes ctx's taxpayer overpay one liability by amount: it pays
// the first unpaid one and writes what returns.Submit writes for a
// correction lowering it after payment (the netting of an unpaid
// liability is tested in returns). It returns the negative liability.
func (e *env) overpay(t *testing.T, ctx context.Context, key string, amount int64) int64 {
	t.Helper()
	due := e.dues(t, ctx)[0]
	if p, err := e.svc.Pay(ctx, payment.PayInput{LiabilityIDs: []int64{due.LiabilityID}, IdemKey: key}); err != nil || p.State != payment.Paid {
		t.Fatalf("pay: %+v %v", p, err)
	}
	bg := context.Background()
	var rid, neg int64
	if err := e.d.QueryRowContext(bg, `INSERT INTO returns (taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, previous_id, is_current,
		deadline, tax_due, difference, doc, sha256, rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at)
		SELECT taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version + 100, id, 0, deadline, tax_due - CAST($2 AS BIGINT), -CAST($2 AS BIGINT), doc, sha256,
			rules_version, $3, $3, submitted_by, submitted_by_name, submitted_at FROM returns WHERE id = $1 RETURNING id`, due.ReturnID, amount, "RF"+key).Scan(&rid); err != nil {
		t.Fatal(err)
	}
	if err := e.d.QueryRowContext(bg, `INSERT INTO tax_liabilities (taxpayer_id, return_id, tax_type, period_start, period_end, deadline, amount, settled, created_at)
		SELECT taxpayer_id, $2, tax_type, period_start, period_end, deadline, -CAST($3 AS BIGINT), 0, created_at FROM tax_liabilities WHERE id = $1 RETURNING id`,
		due.LiabilityID, rid, amount).Scan(&neg); err != nil {
		t.Fatal(err)
	}
	return neg
}

// A refund from request to money: the taxpayer asks for an overpayment
// back → the refund application is opened in the same transaction,
// prefilled and linked → clerk, reviewer and supervisor approve → the
// refund is recorded, the request approved → the payout job credits the
// agreement's account at the bank once → refund paid, request refunded,
// treasury 退库, the taxpayer told; a rejected one marks its request
// rejected; a withdrawn one may be applied for again, never two live.
func TestRefundEndToEnd(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		wf := e.flow()
		ctx, tpID := e.enterprise(t, 3)
		e.sign(t, ctx, "62220888", 1_000_000_000_00)
		neg := e.overpay(t, ctx, "e2e-1", 12345)
		before := e.bank.Balance("102", "62220888")
		r, err := e.svc.RequestRefund(ctx, neg)
		if err != nil {
			t.Fatal(err)
		}
		var appID int64
		var form string
		if err := d.QueryRowContext(context.Background(), `SELECT id, form FROM applications WHERE refund_request_id = $1 AND status = 'submitted'`, r.ID).Scan(&appID, &form); err != nil {
			t.Fatalf("no application for the request: %v", err)
		}
		for _, want := range []string{`"account":"62220888"`, `"amount":"12345"`, `"bank":"中国工商银行"`} {
			if !strings.Contains(form, want) {
				t.Errorf("form %s lacks %s", form, want)
			}
		}
		// The request shows its application to the taxpayer.
		mine, err := e.svc.MyRefunds(ctx)
		if err != nil || len(mine) != 1 || mine[0].ApplicationID != appID || mine[0].AppStatus != workflow.StatusSubmitted {
			t.Fatalf("my refunds %+v %v", mine, err)
		}
		// One live application per request: a second open is refused.
		if _, err := wf.ReapplyRefund(ctx, workflow.RefundOverpaid, r.ID); err == nil {
			t.Error("a second live application opened")
		}
		ap := e.decide(t, wf, ctx, appID, workflow.DecisionPass, "")
		if ap.Status != workflow.StatusApproved || ap.Refund == nil || len(ap.Refund.Payouts) != 1 || ap.Refund.Payouts[0].State != payment.Pending {
			t.Fatalf("approved %+v refund %+v", ap, ap.Refund)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM refund_requests WHERE id = $1 AND state = 'approved'`, r.ID); got != 1 {
			t.Error("request not approved")
		}
		// The payout job, on two nodes at once.
		runJobs(t, e, e.svc, e.service(dbtest.SecondPool(t, d)))
		ap, _ = wf.Get(ctx, appID)
		if ap.Refund.Status != "paid" || ap.Refund.Payouts[0].State != payment.Paid {
			t.Fatalf("refund after payout %+v %+v", ap.Refund, ap.Refund.Payouts[0])
		}
		if got := e.bank.Balance("102", "62220888") - before; got != 12345 {
			t.Errorf("bank balance moved by %d", got)
		}
		if cs := e.bank.Credits(); len(cs) != 1 || cs[0].Amount != 12345 || cs[0].Status != "succeeded" {
			t.Errorf("bank credits %+v", cs)
		}
		mine, _ = e.svc.MyRefunds(ctx)
		if mine[0].State != "refunded" || mine[0].RefundStatus != "paid" {
			t.Errorf("request after payout %+v", mine[0])
		}
		if got := e.count(t, `SELECT COALESCE(SUM(refund), 0) FROM treasury_daily`); got != 12345 {
			t.Errorf("treasury refunds %d", got)
		}
		if got := e.count(t, `SELECT COUNT(*) FROM messages WHERE taxpayer_id = $1 AND subject LIKE '退税已入账%'`, tpID); got != 1 {
			t.Errorf("%d payout messages", got)
		}
		staff := e.staffOf(t, tpID, auth.RoleWindowClerk)
		led, err := e.svc.RefundLedger(staff, 0, 10)
		if err != nil || len(led.Items) != 1 || led.Items[0].State != payment.Paid || led.Items[0].AppNo != ap.No {
			t.Errorf("ledger %+v %v", led, err)
		}
		rows, err := e.svc.Treasury(staff, e.svc.Today())
		if err != nil || len(rows) == 0 || rows[len(rows)-1].Refund != 12345 {
			t.Errorf("treasury %+v %v", rows, err)
		}

		// A second overpayment: withdrawn, applied for again, rejected.
		neg2 := e.overpay(t, ctx, "e2e-2", 500)
		r2, err := e.svc.RequestRefund(ctx, neg2)
		if err != nil {
			t.Fatal(err)
		}
		mine, _ = e.svc.MyRefunds(ctx)
		first := mine[0].ApplicationID
		if _, err := wf.Withdraw(ctx, first); err != nil {
			t.Fatal(err)
		}
		again, err := wf.ReapplyRefund(ctx, workflow.RefundOverpaid, r2.ID)
		if err != nil || again.ID == first || again.RefundRequestID != r2.ID {
			t.Fatalf("reapply %+v %v", again, err)
		}
		e.decide(t, wf, ctx, again.ID, workflow.DecisionReject, "原缴款凭证与申请不符")
		if got := e.count(t, `SELECT COUNT(*) FROM refund_requests WHERE id = $1 AND state = 'rejected'`, r2.ID); got != 1 {
			t.Error("request not rejected")
		}
		if got := e.count(t, `SELECT COUNT(*) FROM refunds WHERE refund_request_id = $1`, r2.ID); got != 0 {
			t.Error("a rejected request was refunded")
		}
	})
}

// runJobs runs the jobs on every node until no payout is pending.
func runJobs(t *testing.T, e *env, nodes ...*payment.Service) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i, n := range nodes {
		n.Backoff = func(int) time.Duration { return 20 * time.Millisecond }
		r := &jobs.Runner{DB: n.DB, Name: fmt.Sprintf("node%d", i), Workers: 2, Poll: 10 * time.Millisecond, Lease: 10 * time.Second}
		n.Register(r)
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(ctx) }()
	}
	deadline := time.Now().Add(30 * time.Second)
	for e.count(t, `SELECT COUNT(*) FROM refund_payouts WHERE state = 'pending'`) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	wg.Wait()
	if n := e.count(t, `SELECT COUNT(*) FROM refund_payouts WHERE state = 'pending'`); n > 0 {
		t.Fatalf("%d payouts still pending", n)
	}
}

// The simulator goes through every failure while refunds are approved and
// two nodes (two pools) run the payout jobs and settle pending payouts by
// hand at once. At the end: bank credits = hall payouts paid = refunds
// paid, each refund credited once, none lost, nothing pending, the
// treasury's 退库 = the bank's credits.
func TestPayoutFaultInjection(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		wf := e.flow()
		ctx, _ := e.enterprise(t, 1)
		e.sign(t, ctx, "62220999", 1_000_000_000_00)
		user := auth.ActorFrom(ctx)
		nodes := []*payment.Service{e.svc, e.service(dbtest.SecondPool(t, d))}
		run, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for i, n := range nodes {
			n.Backoff = func(int) time.Duration { return 20 * time.Millisecond }
			r := &jobs.Runner{DB: n.DB, Name: fmt.Sprintf("node%d", i), Workers: 2, Poll: 10 * time.Millisecond, Lease: 10 * time.Second}
			n.Register(r)
			wg.Add(2)
			go func() { defer wg.Done(); r.Run(run) }()
			go func() { // and the staff's "ask the bank now" racing the jobs
				defer wg.Done()
				for run.Err() == nil {
					_, _ = n.SettlePendingPayouts(run, time.Now().Add(time.Hour), 50)
					time.Sleep(15 * time.Millisecond)
				}
			}()
		}
		modes := []banksim.Fault{
			{Mode: "slow", DelayMS: 100},
			{Mode: "timeout", DelayMS: 3000},
			{Mode: "error"},
			{Mode: "drop"},
			{Mode: "drop", Ops: "credit", Count: 2},
			{Mode: "timeout", Ops: "query", DelayMS: 3000},
		}
		want := 0
		for mi, f := range modes {
			e.bank.SetFault(f)
			for k := range 3 {
				ap, _, err := wf.Submit(auth.WithActor(context.Background(), user), workflow.SubmitInput{Item: "refund_overpaid", Token: fmt.Sprintf("f%d-%d", mi, k),
					Fields: map[string]string{"tax_type": "vat", "period": "2026Q1", "amount": fmt.Sprintf("%d.%02d", 10+mi, k), "bank": "中国工商银行",
						"account": "62220999", "reason": "多缴"}})
				if err != nil {
					t.Fatal(err)
				}
				e.decide(t, wf, ctx, ap.ID, workflow.DecisionPass, "")
				want++
			}
			time.Sleep(50 * time.Millisecond)
		}
		e.bank.SetFault(banksim.Fault{})
		deadline := time.Now().Add(30 * time.Second)
		for e.count(t, `SELECT COUNT(*) FROM refund_payouts WHERE state = 'pending'`) > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		wg.Wait()
		bank := map[string]int64{}
		var sum int64
		for _, c := range e.bank.Credits() {
			if c.Status == "succeeded" {
				bank[c.RequestNo] = c.Amount
				sum += c.Amount
			}
		}
		hall := map[string]int64{}
		rows, err := d.QueryContext(context.Background(), `SELECT p.request_no, p.amount FROM refund_payouts p WHERE p.state = 'paid'`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var r string
			var a int64
			if err := rows.Scan(&r, &a); err != nil {
				t.Fatal(err)
			}
			hall[r] = a
		}
		rows.Close()
		if len(bank) != want || len(hall) != want {
			t.Errorf("refunds %d, bank credits %d, hall payouts paid %d", want, len(bank), len(hall))
		}
		for r, a := range bank {
			if hall[r] != a {
				t.Errorf("request %s: bank %d, hall %d", r, a, hall[r])
			}
		}
		if n := e.count(t, `SELECT COUNT(*) FROM refund_payouts WHERE state = 'pending'`); n != 0 {
			t.Errorf("%d payouts pending", n)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM refunds WHERE status = 'paid'`); n != int64(want) {
			t.Errorf("%d refunds paid of %d", n, want)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM (SELECT refund_id FROM refund_payouts WHERE state = 'paid' GROUP BY refund_id HAVING COUNT(*) > 1) x`); n != 0 {
			t.Errorf("%d refunds paid twice", n)
		}
		if got := e.count(t, `SELECT COALESCE(SUM(refund), 0) FROM treasury_daily`); got != sum {
			t.Errorf("treasury refunds %d, bank credits %d", got, sum)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM refund_payouts WHERE settled_by = 'query'`); n == 0 {
			t.Error("no payout was settled by asking the bank")
		}
		t.Logf("payouts %d: by credit %d, by query %d; bank credit requests %d", e.count(t, `SELECT COUNT(*) FROM refund_payouts`),
			e.count(t, `SELECT COUNT(*) FROM refund_payouts WHERE settled_by = 'credit'`), e.count(t, `SELECT COUNT(*) FROM refund_payouts WHERE settled_by = 'query'`), len(e.bank.Credits()))
	})
}

// The 税收完税证明 item: approved, it issues the certificate of the items
// paid in its date range (of its tax) and links it to the application; a
// range with nothing paid is refused at approval.
func TestPaymentCertificateItem(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		wf := e.flow()
		ctx, _ := e.enterprise(t, 1)
		e.sign(t, ctx, "62220555", 1_000_000_000_00)
		due := e.dues(t, ctx)[0]
		p, err := e.svc.Pay(ctx, payment.PayInput{LiabilityIDs: []int64{due.LiabilityID}, IdemKey: "cert-1"})
		if err != nil || p.State != payment.Paid {
			t.Fatalf("pay %+v %v", p, err)
		}
		today := e.svc.Today().String()
		tax := strings.TrimSuffix(strings.TrimSuffix(due.TaxType, "_small"), "_general")
		if tax == "iit_withholding" {
			tax = "iit"
		}
		submit := func(token, from, to string) *workflow.Application {
			ap, _, err := wf.Submit(ctx, workflow.SubmitInput{Item: "payment_cert", Token: token, Fields: map[string]string{"tax_type": tax, "from": from, "to": to}})
			if err != nil {
				t.Fatal(err)
			}
			return ap
		}
		ap := e.decide(t, wf, ctx, submit("c1", today, today).ID, workflow.DecisionPass, "")
		if ap.Status != workflow.StatusApproved || ap.CertificateID == 0 {
			t.Fatalf("approved %+v", ap)
		}
		cs := &certs.Service{DB: d, Now: e.clock.Now}
		c, err := cs.Get(ctx, ap.CertificateID)
		if err != nil || c.Kind != certs.KindTaxPaid || c.Total != p.Amount || len(c.Lines) == 0 || c.Lines[0].VoucherNo != p.Items[0].VoucherNo {
			t.Fatalf("certificate %+v %v (payment %+v)", c, err, p)
		}
		// Nothing paid in 2020: the approval is refused with a reason.
		ap = submit("c2", "2020-01-01", "2020-12-31")
		var k *workflow.Task
		for _, x := range ap.Tasks {
			if x.Live() {
				k = x
			}
		}
		who := e.staffOf(t, ap.TaxpayerID, k.Role)
		if _, err := wf.Claim(who, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := wf.Decide(who, k.ID, workflow.DecideInput{Decision: workflow.DecisionPass}); err == nil || !strings.Contains(err.Error(), "没有已缴纳入库") {
			t.Errorf("a certificate of nothing: %v", err)
		}
	})
}
