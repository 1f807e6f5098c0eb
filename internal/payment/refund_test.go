package payment_test

import (
	"context"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/payment"
)

// A correction that lowers the tax after it was paid leaves an
// overpayment: the taxpayer requests its refund once; staff of the bureau
// see the request.
func TestRefundOfOverpayment(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx, tpID := e.enterprise(t, 1)
		e.sign(t, ctx, "62220777", 1_000_000_000_00)
		due := e.dues(t, ctx)[0]
		if _, err := e.svc.Pay(ctx, payment.PayInput{LiabilityIDs: []int64{due.LiabilityID}, IdemKey: "r1"}); err != nil {
			t.Fatal(err)
		}
		// What returns.Submit writes for a correction lowering the tax by
		// 100.00 yuan: a new version and a negative liability.
		bg := context.Background()
		var rid, neg int64
		if err := d.QueryRowContext(bg, `INSERT INTO returns (taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, previous_id, is_current,
			deadline, tax_due, difference, doc, sha256, rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at)
			SELECT taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version + 100, id, 0, deadline, tax_due - 10000, -10000, doc, sha256,
				rules_version, 'REFUNDTEST', 'refund-test', submitted_by, submitted_by_name, submitted_at FROM returns WHERE id = $1 RETURNING id`, due.ReturnID).Scan(&rid); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRowContext(bg, `INSERT INTO tax_liabilities (taxpayer_id, return_id, tax_type, period_start, period_end, deadline, amount, settled, created_at)
			SELECT taxpayer_id, $2, tax_type, period_start, period_end, deadline, -10000, 0, created_at FROM tax_liabilities WHERE id = $1 RETURNING id`,
			due.LiabilityID, rid).Scan(&neg); err != nil {
			t.Fatal(err)
		}
		list, err := e.svc.Refundables(ctx)
		if err != nil || len(list) != 1 || list[0].LiabilityID != neg || list[0].Amount != min(10000, due.Unpaid) {
			t.Fatalf("refundables %+v %v", list, err)
		}
		if _, err := e.svc.RequestRefund(withRole(ctx, auth.TPClerk), neg); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a tax clerk requested a refund: %v", err)
		}
		r1, err := e.svc.RequestRefund(ctx, neg)
		if err != nil || r1.State != "requested" || r1.Amount != list[0].Amount {
			t.Fatalf("request %+v %v", r1, err)
		}
		r2, err := e.svc.RequestRefund(ctx, neg)
		if err != nil || r2.ID != r1.ID {
			t.Fatalf("repeat %+v %v", r2, err)
		}
		if list, _ := e.svc.Refundables(ctx); len(list) != 0 {
			t.Errorf("still refundable: %+v", list)
		}
		var clerkNo string
		if err := d.QueryRowContext(bg, `SELECT s.staff_no FROM staff s JOIN taxpayers t ON t.bureau_id = s.org_id WHERE t.id = $1 AND s.roles LIKE '%window_clerk%' LIMIT 1`, tpID).Scan(&clerkNo); err != nil {
			t.Fatal(err)
		}
		reqs, err := e.svc.RefundRequests(e.staff(t, clerkNo))
		if err != nil || len(reqs) != 1 || reqs[0].ID != r1.ID {
			t.Errorf("staff list %+v %v", reqs, err)
		}
	})
}

// The demo seed gives enterprises a verified agreement and some paid and
// some unpaid items, with the bank holding the debits.
func TestDemoPayments(t *testing.T) {
	d := dbtest.NewSQLite(t)
	bank := banksim.New(banksim.Options{AutoOpen: true})
	if _, err := demo.Seed(context.Background(), d, demo.Options{Enterprises: 4, Individuals: 1, Now: time.Now(), PasswordHash: "x", Bank: bank}); err != nil {
		t.Fatal(err)
	}
	e := &env{d: d}
	if n := e.count(t, `SELECT COUNT(*) FROM bank_agreements WHERE state = 'active'`); n < 2 {
		t.Errorf("%d active agreements", n)
	}
	paid := e.count(t, `SELECT COUNT(*) FROM payments WHERE state = 'paid'`)
	if paid == 0 || int(paid) != len(bank.Debits()) {
		t.Errorf("paid %d, bank debits %d", paid, len(bank.Debits()))
	}
	if n := e.count(t, `SELECT COUNT(*) FROM tax_liabilities l JOIN bank_agreements a ON a.taxpayer_id = l.taxpayer_id AND a.state = 'active'
		WHERE l.settled = 0 AND l.amount > 0`); n == 0 {
		t.Error("no unpaid items left for the demo")
	}
}
