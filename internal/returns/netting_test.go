package returns_test

import (
	"context"
	"testing"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
)

// A correction is set off against the period's open liabilities of the
// other sign (netting.go): lowering an unpaid tax lowers what is due and
// the late fee; raising it adds the difference; once part is paid, what
// netting cannot absorb stays refundable; a liability a pending payment
// holds is never touched.
func TestCorrectionNetting(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		boss, _, tpID := e.smallScale(t, "91350203TEST0NET1A")
		*e.clock = time.Date(2026, 10, 20, 10, 0, 0, 0, now.Location()) // 2026Q3 due by 2026-10-26
		ctx := context.Background()
		file := func(goods string, prev int64) *returns.Return {
			t.Helper()
			sub, err := e.rs.Submit(boss, "vat_small", "2026Q3", map[string]string{"1.goods": goods}, returns.NewKey(), prev, false)
			if err != nil {
				t.Fatal(err)
			}
			return sub.Return
		}
		type liab struct{ amount, paid, netted, settled int64 }
		liabs := func() map[int64]liab {
			t.Helper()
			rows, err := d.QueryContext(ctx, `SELECT return_id, amount, paid, netted, settled FROM tax_liabilities WHERE taxpayer_id = $1`, tpID)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[int64]liab{}
			for rows.Next() {
				var id int64
				var l liab
				if err := rows.Scan(&id, &l.amount, &l.paid, &l.netted, &l.settled); err != nil {
					t.Fatal(err)
				}
				out[id] = l
			}
			return out
		}
		due := func() (unpaid, fee int64) {
			t.Helper()
			un, err := e.rs.Unpaid(boss)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range un {
				unpaid += u.Unpaid
				fee += u.LateFee
			}
			return
		}
		// Invariant: the period's liabilities sum to the current tax due.
		sum := func(want int64) {
			t.Helper()
			var s int64
			for _, l := range liabs() {
				s += l.amount
			}
			if s != want {
				t.Errorf("liabilities sum to %d, current tax due %d", s, want)
			}
		}

		r1 := file("400000", 0)
		// 1. Lowered while unpaid: one liability of the corrected amount.
		r2 := file("300000", r1.ID)
		if r2.Difference >= 0 {
			t.Fatalf("difference %d", r2.Difference)
		}
		ls := liabs()
		if ls[r1.ID] != (liab{amount: r2.TaxDue, netted: r1.TaxDue - r2.TaxDue}) || ls[r2.ID] != (liab{amount: 0, netted: r2.Difference, settled: 1}) {
			t.Errorf("after lowering: %+v", ls)
		}
		if u, _ := due(); u != r2.TaxDue {
			t.Errorf("unpaid %d, want the corrected %d", u, r2.TaxDue)
		}
		sum(r2.TaxDue)
		// The late fee runs on the corrected amount.
		*e.clock = time.Date(2026, 11, 5, 10, 0, 0, 0, now.Location())
		fee, err := rules.LateFee(r2.TaxDue, calendar.MustDate("2026-10-26"), calendar.MustDate("2026-11-05"))
		if err != nil {
			t.Fatal(err)
		}
		if _, f := due(); f != fee.Fee || f == 0 {
			t.Errorf("late fee %d, want %d on the corrected amount", f, fee.Fee)
		}

		// 2. Raised while unpaid: the difference is due as well.
		r3 := file("500000", r2.ID)
		if ls := liabs(); ls[r3.ID].amount != r3.Difference || ls[r3.ID].settled != 0 {
			t.Errorf("after raising: %+v", ls)
		}
		if u, _ := due(); u != r3.TaxDue {
			t.Errorf("unpaid %d, want %d", u, r3.TaxDue)
		}
		sum(r3.TaxDue)

		// 3. Partly paid: the first liability is paid; lowering below what
		// was paid uses up the open difference, the rest is refundable.
		paid := liabs()[r1.ID].amount
		if _, err := d.ExecContext(ctx, `UPDATE tax_liabilities SET paid = amount, settled = 1 WHERE return_id = $1`, r1.ID); err != nil {
			t.Fatal(err)
		}
		r4 := file("200000", r3.ID)
		ls = liabs()
		if ls[r3.ID].amount != 0 || ls[r3.ID].settled != 1 || ls[r4.ID].amount != r4.TaxDue-paid || ls[r4.ID].settled != 0 || ls[r1.ID].amount != paid {
			t.Errorf("after lowering below the paid: %+v (paid %d, due %d)", ls, paid, r4.TaxDue)
		}
		if u, _ := due(); u != 0 {
			t.Errorf("unpaid %d after lowering below the paid", u)
		}
		sum(r4.TaxDue)

		// 4. Raised again: the overpayment not yet asked back absorbs it.
		r5 := file("250000", r4.ID)
		ls = liabs()
		if ls[r5.ID].amount != 0 || ls[r4.ID].amount != r5.TaxDue-paid {
			t.Errorf("after raising against the overpayment: %+v", ls)
		}
		sum(r5.TaxDue)

		// 5. Raised above the paid, then the open part held by a pending
		// payment: a lowering correction does not touch it.
		r6 := file("450000", r5.ID)
		open := liabs()[r6.ID].amount
		if open <= 0 {
			t.Fatalf("open after raising above the paid: %+v", liabs())
		}
		var agr, pay, liabID int64
		if err := d.QueryRowContext(ctx, `INSERT INTO bank_agreements (taxpayer_id, agreement_no, bank_code, account_name, account_no, state, created_by, created_by_name, created_at)
			VALUES ($1, 'NET1', '102', 'x', '1', 'active', 0, 'x', 'x') RETURNING id`, tpID).Scan(&agr); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRowContext(ctx, `INSERT INTO payments (taxpayer_id, bureau_id, request_no, idem_key, agreement_id, bank_code, account_no, account_name, entrust_date,
			tax, late_fee, amount, state, created_by, created_by_name, created_at)
			SELECT id, bureau_id, 'NETREQ', 'net', $2, '102', '1', 'x', '2026-11-05', 1, 0, 1, 'pending', 0, 'x', 'x' FROM taxpayers WHERE id = $1 RETURNING id`, tpID, agr).Scan(&pay); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRowContext(ctx, `SELECT id FROM tax_liabilities WHERE return_id = $1`, r6.ID).Scan(&liabID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO payment_items (payment_id, taxpayer_id, bureau_id, liability_id, return_id, tax_type, period_start, period_end, deadline, tax, late_fee)
			SELECT $1, taxpayer_id, 0, id, return_id, tax_type, period_start, period_end, deadline, amount, 0 FROM tax_liabilities WHERE id = $2`, pay, liabID); err != nil {
			t.Fatal(err)
		}
		r7 := file("400000", r6.ID)
		ls = liabs()
		if ls[r6.ID].amount != open || ls[r7.ID].amount != r7.Difference {
			t.Errorf("a liability in a pending payment was netted: %+v", ls)
		}
		sum(r7.TaxDue)
	})
}
