package returns

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"taxhall/internal/db"
)

// Correction netting (更正申报冲抵). A correction's liability is its
// difference from the version it corrects. Before it stands on its own it
// is set off against the same taxpayer, tax and period's OPEN liabilities
// of the other sign, oldest first:
//
//   - a correction lowering the tax (negative) reduces what is still due:
//     positive liabilities not settled and not held by a pending payment.
//     The unpaid list then shows the corrected amount, and the late fee is
//     computed on it (rules.LateFee on amount − paid).
//   - a correction raising the tax (positive) first uses up an overpayment
//     not yet asked back: negative liabilities without a refund request.
//
// What is left stays as the correction's own liability: due (positive),
// or refundable up to what was paid (negative; payment.Refundables). A
// liability a pending or paid payment holds, or whose refund has been
// requested, is never touched: money already in motion is settled by
// refund, not by netting. Each liability keeps in netted what netting
// moved out of it (amount + netted is its original difference).
//
// Races: netting locks the candidate rows first (an UPDATE), then reads
// which of them a payment or a refund request holds, in a later statement
// that sees whatever committed while it waited. payment.Pay and
// payment.RequestRefund touch the liability rows they use in their own
// transactions (Pay refuses when the amount changed), so a payment and a
// netting of one liability are serialised: the payment pays the old amount
// and the netting skips it, or the netting commits first and the payment
// is refused with 请刷新后重新缴纳.
func netLiability(ctx context.Context, tx *sql.Tx, id, taxpayerID int64, taxType, periodStart string, amount int64) error {
	if amount == 0 {
		return nil
	}
	sign := "l.amount > l.paid" // open positives: something still due
	if amount > 0 {
		sign = "l.amount < 0"
	}
	cands, err := db.Query(ctx, tx, func(sc db.Scanner) (int64, error) {
		var x int64
		return x, sc.Scan(&x)
	}, `UPDATE tax_liabilities SET netted = netted WHERE id IN (SELECT l.id FROM tax_liabilities l
		WHERE l.taxpayer_id = $1 AND l.tax_type = $2 AND l.period_start = $3 AND l.id <> $4 AND l.settled = 0 AND `+sign+`) RETURNING id`,
		taxpayerID, taxType, periodStart, id)
	if err != nil || len(cands) == 0 {
		return err
	}
	marks := make([]string, len(cands))
	args := []any{}
	for i, c := range cands {
		args = append(args, c)
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	held := `SELECT i.liability_id FROM payment_items i WHERE i.live = 1 AND i.liability_id IN (` + strings.Join(marks, ", ") + `)`
	if amount > 0 {
		// An overpayment asked back (refund_requests), or an annual
		// reconciliation's refund already approved or paid: not netted.
		held = `SELECT r.liability_id FROM refund_requests r WHERE r.liability_id IN (` + strings.Join(marks, ", ") + `)
			UNION SELECT l.id FROM tax_liabilities l JOIN iit_refund_requests q ON q.return_id = l.return_id
			WHERE q.state IN ('approved', 'refunded') AND l.id IN (` + strings.Join(marks, ", ") + `)`
	}
	busy := map[int64]bool{}
	list, err := db.Query(ctx, tx, func(sc db.Scanner) (int64, error) {
		var x int64
		return x, sc.Scan(&x)
	}, held, args...)
	if err != nil {
		return err
	}
	for _, x := range list {
		busy[x] = true
	}
	type open struct{ id, outstanding int64 }
	opens, err := db.Query(ctx, tx, func(sc db.Scanner) (open, error) {
		var o open
		return o, sc.Scan(&o.id, &o.outstanding)
	}, `SELECT id, amount - paid FROM tax_liabilities WHERE id IN (`+strings.Join(marks, ", ")+`) ORDER BY id`, args...)
	if err != nil {
		return err
	}
	left := amount // what of the correction is still to set off, signed
	for _, o := range opens {
		if busy[o.id] || left == 0 {
			continue
		}
		// o.outstanding has the other sign: take the smaller magnitude.
		take := min(abs(left), abs(o.outstanding))
		if take == 0 {
			continue
		}
		move := take // moved out of o, in o's sign
		if o.outstanding < 0 {
			move = -take
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tax_liabilities SET amount = amount - CAST($2 AS BIGINT), netted = netted + CAST($2 AS BIGINT),
			settled = CASE WHEN amount - CAST($2 AS BIGINT) = paid THEN 1 ELSE 0 END WHERE id = $1`, o.id, move); err != nil {
			return err
		}
		left += move
	}
	if left == amount {
		return nil
	}
	moved := amount - left
	_, err = tx.ExecContext(ctx, `UPDATE tax_liabilities SET amount = $2, netted = $3, settled = $4 WHERE id = $1`, id, left, moved, b2i(left == 0))
	return err
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
