package payment_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/payment"
)

func TestAgreementLifecycle(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx, _ := e.enterprise(t, 1)
		name := auth.ActorFrom(ctx).TaxpayerName
		e.bank.Open(banksim.Account{BankCode: "102", Number: "62220001", Name: name, Balance: 1})
		e.bank.Open(banksim.Account{BankCode: "105", Number: "62270002", Name: name, Balance: 1})

		if _, err := e.svc.Sign(withRole(ctx, auth.TPClerk), payment.SignInput{BankCode: "102", AccountName: name, AccountNo: "62220001"}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("tax clerk signed: %v", err)
		}
		if _, err := e.svc.Sign(ctx, payment.SignInput{BankCode: "999", AccountName: "", AccountNo: "12ab"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("bad input: %v", err)
		}
		bad, err := e.svc.Sign(ctx, payment.SignInput{BankCode: "102", AccountName: "别人的公司", AccountNo: "62220001"})
		if err != nil || bad.State != payment.AgreementRejected || bad.Reason != "户名与账号不符" {
			t.Fatalf("wrong name: %+v %v", bad, err)
		}
		first, err := e.svc.Sign(ctx, payment.SignInput{BankCode: "102", AccountName: name, AccountNo: "62220001"})
		if err != nil || first.State != payment.AgreementActive {
			t.Fatalf("first: %+v %v", first, err)
		}
		second, err := e.svc.Sign(ctx, payment.SignInput{BankCode: "105", AccountName: name, AccountNo: "62270002"})
		if err != nil || second.State != payment.AgreementActive {
			t.Fatalf("second: %+v %v", second, err)
		}
		if err := e.svc.End(ctx); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.End(ctx); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second end: %v", err)
		}
		hist, err := e.svc.Agreements(ctx)
		if err != nil || len(hist) != 3 {
			t.Fatalf("history: %v %v", hist, err)
		}
		want := []string{payment.AgreementEnded, payment.AgreementReplaced, payment.AgreementRejected}
		for i, a := range hist {
			if a.State != want[i] {
				t.Errorf("history[%d] = %s, want %s", i, a.State, want[i])
			}
		}
		// The database allows one active agreement per taxpayer.
		_, err = d.ExecContext(context.Background(), `UPDATE bank_agreements SET state = 'active' WHERE taxpayer_id = $1`, auth.ActorFrom(ctx).TaxpayerID)
		if !db.IsUniqueViolation(err) {
			t.Errorf("two active agreements allowed: %v", err)
		}
	})
}

func TestPayAndSee(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx, tpID := e.enterprise(t, 3)
		dues := e.dues(t, ctx)
		ids := []int64{dues[0].LiabilityID, dues[1].LiabilityID}
		if _, err := e.svc.Pay(ctx, payment.PayInput{LiabilityIDs: ids, IdemKey: "k1"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("paid without an agreement: %v", err)
		}
		e.sign(t, ctx, "62220001", 1_000_000_000_00)
		p, err := e.svc.Pay(ctx, payment.PayInput{LiabilityIDs: ids, IdemKey: "k1"})
		if err != nil || p.State != payment.Paid || p.SettledBy != "debit" || len(p.Items) != 2 || p.BankTxnNo == "" {
			t.Fatalf("pay: %+v %v", p, err)
		}
		wantTax := dues[0].Unpaid + dues[1].Unpaid
		wantFee := dues[0].LateFee + dues[1].LateFee
		if p.Tax != wantTax || p.LateFee != wantFee || p.Amount != wantTax+wantFee {
			t.Errorf("amounts: tax %d fee %d amount %d, want %d %d", p.Tax, p.LateFee, p.Amount, wantTax, wantFee)
		}
		for _, it := range p.Items {
			if len(it.VoucherNo) != 18 || it.PaidOn != calendar.FromTime(e.clock.Now().In(time.FixedZone("CST", 8*3600))) {
				t.Errorf("item %+v", it)
			}
		}
		// The same key again: the same payment, no second debit.
		again, err := e.svc.Pay(ctx, payment.PayInput{LiabilityIDs: ids, IdemKey: "k1"})
		if err != nil || again.ID != p.ID {
			t.Fatalf("retry: %+v %v", again, err)
		}
		if n := len(e.bank.Debits()); n != 1 {
			t.Fatalf("bank debits %d", n)
		}
		// Paid liabilities are gone from the list and cannot be paid again.
		after := e.dues(t, ctx)
		if len(after) != len(dues)-2 {
			t.Errorf("dues after: %d, before %d", len(after), len(dues))
		}
		if _, err := e.svc.Pay(ctx, payment.PayInput{LiabilityIDs: ids[:1], IdemKey: "k2"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("paid twice: %v", err)
		}
		if n := e.count(t, `SELECT COUNT(*) FROM tax_liabilities WHERE id IN ($1, $2) AND settled = 1 AND paid = amount`, ids[0], ids[1]); n != 2 {
			t.Errorf("settled liabilities %d", n)
		}
		// History, PaidLines and the staff views.
		pg, err := e.svc.Payments(ctx, 0, 10)
		if err != nil || len(pg.Items) != 1 || pg.Items[0].ID != p.ID {
			t.Errorf("history %+v %v", pg, err)
		}
		today := p.EntrustDate
		lines, err := payment.PaidLines(context.Background(), d, tpID, today, today)
		if err != nil || len(lines) != 2 || lines[0].VoucherNo != p.Items[0].VoucherNo || lines[0].Amount+lines[1].Amount != p.Amount || lines[0].Item == "" {
			t.Errorf("paid lines %+v %v", lines, err)
		}
		// Another taxpayer sees none of it.
		other, _ := e.enterprise(t, 1, tpID)
		if _, err := e.svc.Payment(other, p.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another taxpayer read the payment: %v", err)
		}
		var bureauStaff string
		if err := d.QueryRowContext(context.Background(), `SELECT s.staff_no FROM staff s JOIN taxpayers t ON t.bureau_id = s.org_id WHERE t.id = $1 AND s.roles LIKE '%window_clerk%' ORDER BY s.id LIMIT 1`, tpID).Scan(&bureauStaff); err != nil {
			t.Fatal(err)
		}
		clerk := e.staff(t, bureauStaff)
		led, err := e.svc.Ledger(clerk, payment.LedgerQuery{Day: today})
		if err != nil || len(led.Lines) != 2 {
			t.Fatalf("ledger %+v %v", led, err)
		}
		tr, err := e.svc.Treasury(clerk, today)
		if err != nil || len(tr) < 2 || tr[len(tr)-1].Total != p.Amount {
			t.Fatalf("treasury %+v %v", tr, err)
		}
		total := tr[len(tr)-1]
		if total.Central+total.Province+total.City+total.District+total.Fund != total.Total {
			t.Errorf("shares do not sum: %+v", total)
		}
		var elsewhere string
		if err := d.QueryRowContext(context.Background(), `SELECT s.staff_no FROM staff s JOIN orgs o ON o.id = s.org_id WHERE o.level = 'district'
			AND s.org_id <> (SELECT bureau_id FROM taxpayers WHERE id = $1) AND s.roles LIKE '%window_clerk%' ORDER BY s.id LIMIT 1`, tpID).Scan(&elsewhere); err != nil {
			t.Fatal(err)
		}
		if led, err := e.svc.Ledger(e.staff(t, elsewhere), payment.LedgerQuery{Day: today}); err != nil || len(led.Lines) != 0 {
			t.Errorf("another bureau's ledger: %+v %v", led, err)
		}
	})
}

func TestRefusedDebitReleasesItems(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx, _ := e.enterprise(t, 1)
		e.sign(t, ctx, "62220009", 1) // one fen
		due := e.dues(t, ctx)[0]
		p, err := e.svc.Pay(ctx, payment.PayInput{LiabilityIDs: []int64{due.LiabilityID}, IdemKey: "a"})
		if err != nil || p.State != payment.Failed || p.Reason != "余额不足" {
			t.Fatalf("pay: %+v %v", p, err)
		}
		e.bank.Open(banksim.Account{BankCode: "102", Number: "62220009", Name: auth.ActorFrom(ctx).TaxpayerName, Balance: 1_000_000_000_00})
		p2, err := e.svc.Pay(ctx, payment.PayInput{LiabilityIDs: []int64{due.LiabilityID}, IdemKey: "b"})
		if err != nil || p2.State != payment.Paid {
			t.Fatalf("second try: %+v %v", p2, err)
		}
	})
}

// Two nodes, two keys, one liability, at the same instant: one payment,
// one debit; the other is refused by the partial unique index.
func TestConcurrentPaymentsOfOneLiability(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx, _ := e.enterprise(t, 3)
		e.sign(t, ctx, "62220003", 1_000_000_000_00)
		dues := e.dues(t, ctx)
		nodes := []*payment.Service{e.svc, e.service(dbtest.SecondPool(t, d))}
		// Rounds 0-2 race for a new liability each; rounds 3-4 for the
		// first one again, paid already.
		for round := range 5 {
			due := dues[min(round, 2)%3]
			if round > 2 {
				due = dues[0]
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			results := make([]*payment.Payment, 4)
			errs := make([]error, 4)
			for i := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					// Keys: two distinct ones, each used twice (a double click).
					results[i], errs[i] = nodes[i%2].Pay(ctx, payment.PayInput{LiabilityIDs: []int64{due.LiabilityID}, IdemKey: string(rune('a'+round)) + string(rune('0'+i/2))})
				}()
			}
			close(start)
			wg.Wait()
			paidIDs := map[int64]bool{}
			for i := range 4 {
				if errs[i] == nil && results[i].State == payment.Paid {
					paidIDs[results[i].ID] = true
				} else if errs[i] != nil && apperr.CodeOf(errs[i]) != apperr.Conflict && apperr.CodeOf(errs[i]) != apperr.Invalid {
					t.Fatalf("round %d: %v", round, errs[i])
				}
			}
			if round <= 2 && len(paidIDs) != 1 {
				t.Fatalf("round %d: %d paid payments (%v)", round, len(paidIDs), errs)
			}
			if round > 2 && len(paidIDs) != 0 {
				t.Fatalf("round %d paid again", round)
			}
		}
		if n := len(e.bank.Debits()); n != 3 {
			t.Errorf("bank debits %d", n)
		}
		for _, due := range dues[:3] {
			if n := e.count(t, `SELECT COUNT(*) FROM payment_items WHERE liability_id = $1 AND live = 1`, due.LiabilityID); n != 1 {
				t.Errorf("live items %d", n)
			}
		}
	})
}
