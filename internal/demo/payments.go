package demo

import (
	"context"
	"fmt"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/db"
	"taxhall/internal/payment"
)

// Payments gives the demo enterprises a verified tripartite agreement and
// pays the two oldest unpaid items of every other one, so that my tax
// area shows both paid and unpaid tax and the staff ledger has lines. The
// debits go to bank, a simulator the caller then serves (or throws away:
// AccountsInForce lets a later simulator open the same accounts).
// Account numbers are derived from the taxpayer id: the same on every run.
func Payments(ctx context.Context, d *db.DB, now time.Time, bank *banksim.Bank) error {
	type payer struct {
		id, user                 int64
		name, role, code, tpName string
	}
	list, err := db.Query(ctx, d, func(sc db.Scanner) (*payer, error) {
		var p payer
		return &p, sc.Scan(&p.id, &p.user, &p.name, &p.role, &p.code, &p.tpName)
	}, `SELECT t.id, u.id, u.name, u.role, t.code, t.name FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.is_admin = 1
		WHERE t.kind = 'enterprise' AND t.status = 'active' AND u.role IN ('legal_rep', 'finance') ORDER BY t.id LIMIT $1`, FixedMax)
	if err != nil {
		return err
	}
	svc := &payment.Service{DB: d, Bank: Direct{bank}, Now: func() time.Time { return now }}
	for i, p := range list {
		a := &auth.Actor{Kind: auth.Taxpayer, UserID: p.user, Name: p.name, TaxpayerID: p.id, TaxpayerCode: p.code, TaxpayerName: p.tpName,
			TaxpayerKind: "enterprise", Role: p.role, Admin: true}
		actx := auth.WithActor(ctx, a)
		no := DemoAccountNo(p.id)
		bank.Open(banksim.Account{BankCode: "102", Number: no, Name: p.tpName, Balance: DemoBalance})
		if _, err := svc.Sign(actx, payment.SignInput{BankCode: "102", AccountName: p.tpName, AccountNo: no}); err != nil {
			return fmt.Errorf("demo agreement %s: %w", p.code, err)
		}
		if i%2 == 1 {
			continue
		}
		dues, err := svc.Dues(actx)
		if err != nil {
			return err
		}
		var ids []int64
		for _, due := range dues[:min(2, len(dues))] {
			ids = append(ids, due.LiabilityID)
		}
		if len(ids) == 0 {
			continue
		}
		if _, err := svc.Pay(actx, payment.PayInput{LiabilityIDs: ids, IdemKey: fmt.Sprintf("demo-%d", p.id)}); err != nil {
			return fmt.Errorf("demo payment %s: %w", p.code, err)
		}
	}
	// The reconciliation jobs of payments already settled have nothing to
	// do: mark them done so the first serve does not ask the bank again.
	_, err = d.ExecContext(ctx, `UPDATE jobs SET state = 'done' WHERE kind = $1 AND state = 'ready'`, payment.JobReconcile)
	return err
}

// DemoBalance is the balance of a demo account: ¥100 000 000.
const DemoBalance = 100_000_000_00

// DemoAccountNo is the demo account number of a taxpayer.
func DemoAccountNo(taxpayerID int64) string { return fmt.Sprintf("622202%010d", taxpayerID) }

// Direct is payment.Bank over a simulator in the same process, without
// HTTP: for seeding.
type Direct struct{ B *banksim.Bank }

func (d Direct) Verify(_ context.Context, a payment.Account) (payment.Verification, error) {
	v := d.B.Verify(a.BankCode, a.Number, a.Name)
	return payment.Verification{Matched: v.Matched, Reason: v.Reason}, nil
}

func (d Direct) Debit(_ context.Context, r payment.DebitRequest) (payment.DebitResult, error) {
	out, err := d.B.DoDebit(banksim.Debit{RequestNo: r.RequestNo, EntrustDate: r.EntrustDate, BankCode: r.Account.BankCode, AccountNo: r.Account.Number,
		AccountName: r.Account.Name, Amount: r.Amount, Payer: r.Payer, Memo: r.Memo})
	return payment.DebitResult{RequestNo: out.RequestNo, Status: out.Status, Reason: out.Reason, BankTxnNo: out.BankTxnNo}, err
}

func (d Direct) Query(_ context.Context, n string) (payment.DebitResult, error) {
	out, ok := d.B.Lookup(n)
	if !ok {
		return payment.DebitResult{RequestNo: n, Status: payment.Unknown}, nil
	}
	return payment.DebitResult{RequestNo: out.RequestNo, Status: out.Status, Reason: out.Reason, BankTxnNo: out.BankTxnNo}, nil
}

func (d Direct) Statement(_ context.Context, day string) ([]payment.StatementLine, error) {
	var out []payment.StatementLine
	for _, x := range d.B.Statement(day) {
		out = append(out, payment.StatementLine{RequestNo: x.RequestNo, EntrustDate: x.EntrustDate, BankCode: x.BankCode, AccountNo: x.AccountNo,
			Amount: x.Amount, Status: x.Status, Reason: x.Reason, BankTxnNo: x.BankTxnNo})
	}
	return out, nil
}

func (d Direct) Credit(_ context.Context, r payment.DebitRequest) (payment.DebitResult, error) {
	out, err := d.B.DoCredit(banksim.Debit{RequestNo: r.RequestNo, EntrustDate: r.EntrustDate, BankCode: r.Account.BankCode, AccountNo: r.Account.Number,
		AccountName: r.Account.Name, Amount: r.Amount, Payer: r.Payer, Memo: r.Memo})
	return payment.DebitResult{RequestNo: out.RequestNo, Status: out.Status, Reason: out.Reason, BankTxnNo: out.BankTxnNo}, err
}

func (d Direct) QueryCredit(_ context.Context, n string) (payment.DebitResult, error) {
	out, ok := d.B.LookupCredit(n)
	if !ok {
		return payment.DebitResult{RequestNo: n, Status: payment.Unknown}, nil
	}
	return payment.DebitResult{RequestNo: out.RequestNo, Status: out.Status, Reason: out.Reason, BankTxnNo: out.BankTxnNo}, nil
}
