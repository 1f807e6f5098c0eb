package payment_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/jobs"
	"taxhall/internal/payment"
)

type payer struct {
	ctx  context.Context
	dues []*payment.Due
}

// payers signs an agreement for every demo enterprise with unpaid tax.
func (e *env) payers(t *testing.T) []*payer {
	t.Helper()
	var out []*payer
	var skip []int64
	for i := 0; ; i++ {
		ctx, id := e.findEnterprise(t, 1, skip...)
		if ctx == nil {
			break
		}
		skip = append(skip, id)
		e.sign(t, ctx, fmt.Sprintf("6222%08d", i), 1_000_000_000_00)
		out = append(out, &payer{ctx: ctx, dues: e.dues(t, ctx)})
	}
	return out
}

// The simulator goes through every failure while two nodes (two
// connection pools) retry the same payments at once and both run the
// reconciliation jobs. At the end: bank debits = hall payments = items
// paid, none twice, none lost, nothing pending.
func TestFaultInjection(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		payers := e.payers(t)
		nodes := []*payment.Service{e.svc, e.service(dbtest.SecondPool(t, d))}
		for _, n := range nodes {
			n.Backoff = func(int) time.Duration { return 20 * time.Millisecond }
		}
		// Both nodes run the jobs all along.
		ctx, stop := context.WithCancel(context.Background())
		var runners sync.WaitGroup
		for i, n := range nodes {
			r := &jobs.Runner{DB: n.DB, Name: fmt.Sprintf("node%d", i), Workers: 2, Poll: 10 * time.Millisecond, Lease: 10 * time.Second}
			n.Register(r)
			runners.Add(1)
			go func() { defer runners.Done(); r.Run(ctx) }()
		}
		modes := []banksim.Fault{
			{Mode: "slow", DelayMS: 100},
			{Mode: "timeout", DelayMS: 3000},
			{Mode: "error"},
			{Mode: "drop"},
			{Mode: "drop", Ops: "debit", Count: 2},
			{Mode: "timeout", Ops: "query", DelayMS: 3000},
		}
		chosen := map[int64]bool{}
		next := 0 // the next payer to take a liability from (round robin)
		for mi, f := range modes {
			e.bank.SetFault(f)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for k := range 3 {
				// One or two liabilities of one payer.
				var p *payer
				for range payers {
					p = payers[next%len(payers)]
					next++
					if len(p.dues) > 0 {
						break
					}
				}
				if len(p.dues) == 0 {
					t.Fatal("demo liabilities used up")
				}
				take := min(len(p.dues), 1+k%2)
				var ids []int64
				for _, due := range p.dues[:take] {
					ids = append(ids, due.LiabilityID)
					chosen[due.LiabilityID] = true
				}
				p.dues = p.dues[take:]
				key := fmt.Sprintf("mode%d-%d", mi, k)
				for _, n := range nodes {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						// The same request from both nodes at once: a
						// browser retry routed to the other node.
						if _, err := n.Pay(p.ctx, payment.PayInput{LiabilityIDs: ids, IdemKey: key}); err != nil {
							t.Errorf("%s %s: %v", f.Mode, key, err)
						}
					}()
				}
			}
			close(start)
			wg.Wait()
		}
		e.bank.SetFault(banksim.Fault{})
		deadline := time.Now().Add(30 * time.Second)
		for e.count(t, `SELECT COUNT(*) FROM payments WHERE state = 'pending'`) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%d payments still pending", e.count(t, `SELECT COUNT(*) FROM payments WHERE state = 'pending'`))
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		runners.Wait()
		// The faults did leave payments pending that the jobs settled.
		if n := e.count(t, `SELECT COUNT(*) FROM payments WHERE settled_by = 'query'`); n == 0 {
			t.Error("no payment was settled by the reconciliation job")
		}
		t.Logf("payments %d: by debit %d, by the job %d; bank debits %d", e.count(t, `SELECT COUNT(*) FROM payments`),
			e.count(t, `SELECT COUNT(*) FROM payments WHERE settled_by = 'debit'`), e.count(t, `SELECT COUNT(*) FROM payments WHERE settled_by = 'query'`), len(e.bank.Debits()))
		e.checkLedgers(t, chosen, true)
	})
}

// checkLedgers asserts the equalities between the bank and the hall.
func (e *env) checkLedgers(t *testing.T, chosen map[int64]bool, allPaid bool, except ...string) {
	t.Helper()
	ctx := context.Background()
	bank := map[string]int64{}
	for _, d := range e.bank.Debits() {
		if d.Status == "succeeded" && !slices.Contains(except, d.RequestNo) {
			bank[d.RequestNo] = d.Amount
		}
	}
	hall := map[string]int64{}
	rows, err := e.d.QueryContext(ctx, `SELECT request_no, amount FROM payments WHERE state = 'paid'`)
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
	if len(bank) != len(hall) || len(hall) == 0 {
		t.Errorf("bank debits %d, hall payments paid %d", len(bank), len(hall))
	}
	for r, a := range bank {
		if hall[r] != a {
			t.Errorf("request %s: bank %d, hall %d", r, a, hall[r])
		}
	}
	if n := e.count(t, `SELECT COUNT(*) FROM payments WHERE state = 'pending'`); n != 0 {
		t.Errorf("%d pending", n)
	}
	// Items paid = items of paid payments, each liability at most once.
	if a, b := e.count(t, `SELECT COUNT(*) FROM payment_items WHERE voucher_no IS NOT NULL`),
		e.count(t, `SELECT COUNT(*) FROM payment_items i JOIN payments p ON p.id = i.payment_id WHERE p.state = 'paid'`); a != b {
		t.Errorf("vouchers %d, items of paid payments %d", a, b)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM (SELECT liability_id FROM payment_items i JOIN payments p ON p.id = i.payment_id
		WHERE p.state = 'paid' GROUP BY liability_id HAVING COUNT(*) > 1) x`); n != 0 {
		t.Errorf("%d liabilities paid twice", n)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM payment_items i JOIN payments p ON p.id = i.payment_id WHERE p.state <> 'paid' AND i.live = 1`); n != 0 {
		t.Errorf("%d items held by unpaid payments", n)
	}
	// Liabilities settled exactly when a paid payment holds them.
	if a, b := e.count(t, `SELECT COUNT(*) FROM tax_liabilities WHERE settled = 1 AND paid > 0`),
		e.count(t, `SELECT COUNT(DISTINCT i.liability_id) FROM payment_items i JOIN payments p ON p.id = i.payment_id WHERE p.state = 'paid'`); a != b {
		t.Errorf("settled liabilities %d, paid items %d", a, b)
	}
	if allPaid {
		for id := range chosen {
			if e.count(t, `SELECT COUNT(*) FROM tax_liabilities WHERE id = $1 AND settled = 1`, id) != 1 {
				t.Errorf("liability %d chosen but not paid", id)
			}
		}
	}
	var sum int64
	for _, a := range bank {
		sum += a
	}
	if got := e.count(t, `SELECT COALESCE(SUM(tax + late_fee), 0) FROM treasury_daily`); got != sum {
		t.Errorf("treasury %d, bank %d", got, sum)
	}
}

// Payments the bank never answered for, and a debit the hall never asked
// for: the next day's statement import settles and reports them.
func TestStatementSettlesPending(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		payers := e.payers(t)
		p := payers[0]
		chosen := map[int64]bool{}
		pay := func(key string, due *payment.Due) *payment.Payment {
			chosen[due.LiabilityID] = true
			pm, err := e.svc.Pay(p.ctx, payment.PayInput{LiabilityIDs: []int64{due.LiabilityID}, IdemKey: key})
			if err != nil {
				t.Fatal(err)
			}
			return pm
		}
		e.bank.SetFault(banksim.Fault{Mode: "error", Ops: "debit"})
		lost := pay("lost", p.dues[0]) // never reached the bank
		e.bank.SetFault(banksim.Fault{Mode: "drop", Ops: "debit"})
		dropped := pay("dropped", p.dues[1]) // debited, answer lost
		e.bank.SetFault(banksim.Fault{})
		ok := pay("ok", p.dues[2])
		if lost.State != payment.Pending || dropped.State != payment.Pending || ok.State != payment.Paid {
			t.Fatalf("states %s %s %s", lost.State, dropped.State, ok.State)
		}
		today := calendar.FromTime(e.clock.Now().In(time.FixedZone("CST", 8*3600)))
		stranger, _ := e.bank.DoDebit(banksim.Debit{RequestNo: "OTHER1", EntrustDate: today.String(), BankCode: "102", AccountNo: "622200000000",
			AccountName: auth.ActorFrom(p.ctx).TaxpayerName, Amount: 500})
		if stranger.Status != "succeeded" {
			t.Fatalf("stranger debit %+v", stranger)
		}
		supervisor := e.supervisor(t)
		if _, err := e.svc.ImportStatement(supervisor, today); err == nil {
			t.Fatal("today's statement imported")
		}
		e.clock.Add(24 * time.Hour)
		rec, err := e.svc.ImportStatement(supervisor, today)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Settled != 2 || rec.Matched != 2 || rec.OnlyHall != 1 || rec.OnlyBank != 1 {
			t.Fatalf("reconciliation %+v", rec)
		}
		got, err := e.svc.ReconciliationReport(supervisor, rec.ID)
		if err != nil || len(got.Lines) != 2 {
			t.Fatalf("report %+v %v", got, err)
		}
		if s, _ := e.svc.Payment(p.ctx, lost.ID); s.State != payment.Failed {
			t.Errorf("lost: %s", s.State)
		}
		if s, _ := e.svc.Payment(p.ctx, dropped.ID); s.State != payment.Paid || s.SettledBy != "statement" {
			t.Errorf("dropped: %s by %s", s.State, s.SettledBy)
		}
		delete(chosen, p.dues[0].LiabilityID)
		// The stranger debit is the one difference, and the report names it.
		e.checkLedgers(t, chosen, true, "OTHER1")
	})
}

func (e *env) supervisor(t *testing.T) context.Context {
	t.Helper()
	var no string
	if err := e.d.QueryRowContext(context.Background(), `SELECT staff_no FROM staff WHERE roles LIKE '%hall_supervisor%' ORDER BY id LIMIT 1`).Scan(&no); err != nil {
		t.Fatal(err)
	}
	return e.staff(t, no)
}
