package payment

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/taxpayer"
)

// LedgerLine is one paid item in the bureau's ledger (缴款台账).
type LedgerLine struct {
	Item
	RequestNo    string
	TaxpayerCode string
	TaxpayerName string
	BureauName   string
}

// LedgerQuery filters the ledger: one day, optionally one tax and one
// taxpayer (by code); After is the keyset cursor (an item id).
type LedgerQuery struct {
	Day          calendar.Date
	TaxType      string
	TaxpayerCode string
	After        int64
	Limit        int
}

// LedgerPage is a page of the ledger with the day's totals by tax.
type LedgerPage struct {
	Lines []*LedgerLine
	Next  int64
}

// Ledger lists a day's paid items in the staff member's bureau subtree,
// in item order, keyset paged (index payment_items_ledger).
func (s *Service) Ledger(ctx context.Context, q LedgerQuery) (_ *LedgerPage, err error) {
	defer db.Wrap(&err, "payment.Ledger")
	a, err := auth.RequireStaff(ctx, ledgerRoles...)
	if err != nil {
		return nil, err
	}
	if q.Day.IsZero() {
		q.Day = s.today()
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	cond, arg := a.SubtreeSQL("o.path", 2)
	args := []any{q.Day.String(), arg, q.After}
	where := `i.voucher_no IS NOT NULL AND i.paid_on = $1 AND ` + cond + ` AND i.id > $3`
	if q.TaxType != "" {
		if _, ok := taxpayer.LookupTaxType(q.TaxType); !ok {
			return nil, apperr.InvalidField("tax_type", "没有这个税（费）种")
		}
		args = append(args, q.TaxType)
		where += ` AND i.tax_type = $4`
	}
	if code := strings.TrimSpace(q.TaxpayerCode); code != "" {
		f := apperr.Fields{}
		if !f.Text("taxpayer", code, 30) {
			return nil, f.Err()
		}
		args = append(args, code)
		where += ` AND t.code = $` + itoa(len(args))
	}
	args = append(args, q.Limit+1)
	list, err := db.Query(ctx, s.DB, func(sc db.Scanner) (*LedgerLine, error) {
		var l LedgerLine
		var ps, pe, dl, paid string
		err := sc.Scan(&l.ID, &l.PaymentID, &l.LiabilityID, &l.ReturnID, &l.TaxType, &ps, &pe, &dl, &l.Tax, &l.LateFee, &l.LateDays, &l.VoucherNo, &paid,
			&l.RequestNo, &l.TaxpayerCode, &l.TaxpayerName, &l.BureauName)
		if err != nil {
			return nil, err
		}
		l.Period = periodOf(ps, pe)
		l.Deadline = calendar.MustDate(dl)
		l.PaidOn, _ = calendar.ParseDate(paid)
		return &l, nil
	}, `SELECT i.id, i.payment_id, i.liability_id, i.return_id, i.tax_type, i.period_start, i.period_end, i.deadline, i.tax, i.late_fee, i.late_days,
		i.voucher_no, i.paid_on, p.request_no, t.code, t.name, o.name
		FROM payment_items i JOIN orgs o ON o.id = i.bureau_id JOIN taxpayers t ON t.id = i.taxpayer_id JOIN payments p ON p.id = i.payment_id
		WHERE `+where+` ORDER BY i.id LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	pg := &LedgerPage{Lines: list}
	if len(list) > q.Limit {
		pg.Lines, pg.Next = list[:q.Limit], list[q.Limit-1].ID
	}
	return pg, nil
}

// PendingPayments lists the subtree's pending payments, oldest first
// (index payments_pending), at most 200.
func (s *Service) PendingPayments(ctx context.Context) (_ []*Payment, err error) {
	defer db.Wrap(&err, "payment.PendingPayments")
	a, err := auth.RequireStaff(ctx, ledgerRoles...)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*Payment, error) {
		var code, name string
		p, err := scanPayment(scanTail{sc, []any{&code, &name}})
		if p != nil {
			p.TaxpayerCode, p.TaxpayerName = code, name
		}
		return p, err
	}, `SELECT `+paymentCols+`, t.code, t.name FROM payments p JOIN orgs o ON o.id = p.bureau_id JOIN taxpayers t ON t.id = p.taxpayer_id
		WHERE p.state = 'pending' AND `+cond+` ORDER BY p.created_at, p.id LIMIT 200`, arg)
}

// scanTail scans extra columns after the ones a scan function reads.
type scanTail struct {
	db.Scanner
	tail []any
}

func (s scanTail) Scan(dest ...any) error { return s.Scanner.Scan(append(dest, s.tail...)...) }

// Age is how long a payment has been pending.
func (p *Payment) Age(now time.Time) time.Duration { return now.Sub(p.CreatedAt).Round(time.Second) }

// Reconciliations lists the latest statement imports (staff who reconcile).
func (s *Service) Reconciliations(ctx context.Context) (_ []*Reconciliation, err error) {
	defer db.Wrap(&err, "payment.Reconciliations")
	if _, err := auth.RequireStaff(ctx, reconcileRoles...); err != nil {
		return nil, err
	}
	return db.Query(ctx, s.DB, scanRecon, `SELECT `+reconCols+` FROM reconciliations ORDER BY id DESC LIMIT 30`)
}

const reconCols = `id, day, matched, only_hall, only_bank, settled, created_by, created_at`

func scanRecon(sc db.Scanner) (*Reconciliation, error) {
	var r Reconciliation
	var day, created string
	err := sc.Scan(&r.ID, &day, &r.Matched, &r.OnlyHall, &r.OnlyBank, &r.Settled, &r.CreatedBy, &created)
	r.Day, _ = calendar.ParseDate(day)
	r.CreatedAt = db.ParseTS(created)
	return &r, err
}

// ReconciliationReport returns one import with its lines that need a look.
func (s *Service) ReconciliationReport(ctx context.Context, id int64) (_ *Reconciliation, err error) {
	defer db.Wrap(&err, "payment.ReconciliationReport(%d)", id)
	if _, err := auth.RequireStaff(ctx, reconcileRoles...); err != nil {
		return nil, err
	}
	r, err := scanRecon(s.DB.QueryRowContext(ctx, `SELECT `+reconCols+` FROM reconciliations WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "没有这次对账")
	}
	if err != nil {
		return nil, err
	}
	r.Lines, err = db.Query(ctx, s.DB, func(sc db.Scanner) (*ReconLine, error) {
		var l ReconLine
		return &l, sc.Scan(&l.RequestNo, &l.Kind, &l.HallState, &l.BankStatus, &l.Amount, &l.Note)
	}, `SELECT request_no, kind, hall_state, bank_status, amount, note FROM reconciliation_lines WHERE reconciliation_id = $1 ORDER BY id LIMIT 1000`, id)
	return r, err
}

// TreasuryRow is one tax's receipts of a day, divided by budget level.
type TreasuryRow struct {
	TaxType                           string
	Items                             int64
	Tax, LateFee, Total               int64
	Central, Province, City, District int64
	Fund                              int64
	Share                             Share
	// Refunds paid out (退库) that day: the amount and how many, and the
	// amount's division by budget level (each level's refund); Net* are
	// the receipts less the refunds.
	Refund, RefundItems                                            int64
	RefundCentral, RefundProvince, RefundCity, RefundDistrict      int64
	NetCentral, NetProvince, NetCity, NetDistrict, Net, RefundFund int64
}

func (r *TreasuryRow) TaxName() string { return refundTaxName(r.TaxType) }

// Treasury sums a day's receipts in the subtree by tax (from the
// maintained treasury_daily rows) and divides them by budget level. The
// last row is the total.
func (s *Service) Treasury(ctx context.Context, day calendar.Date) (_ []*TreasuryRow, err error) {
	defer db.Wrap(&err, "payment.Treasury(%s)", day)
	a, err := auth.RequireStaff(ctx, ledgerRoles...)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 2)
	rows, err := db.Query(ctx, s.DB, func(sc db.Scanner) (*TreasuryRow, error) {
		var r TreasuryRow
		return &r, sc.Scan(&r.TaxType, &r.Items, &r.Tax, &r.LateFee, &r.Refund, &r.RefundItems)
	}, `SELECT d.tax_type, SUM(d.items), SUM(d.tax), SUM(d.late_fee), SUM(d.refund), SUM(d.refund_items) FROM treasury_daily d JOIN orgs o ON o.id = d.bureau_id
		WHERE d.day = $1 AND `+cond+` GROUP BY d.tax_type`, day.String(), arg)
	if err != nil {
		return nil, err
	}
	sort.Slice(rows, func(i, j int) bool { return taxOrder(rows[i].TaxType) < taxOrder(rows[j].TaxType) })
	total := &TreasuryRow{}
	for _, r := range rows {
		r.Total = r.Tax + r.LateFee
		r.Share = ShareOf(r.TaxType)
		r.Central, r.Province, r.City, r.District, r.Fund = r.Share.Split(r.Total)
		r.RefundCentral, r.RefundProvince, r.RefundCity, r.RefundDistrict, r.RefundFund = r.Share.Split(r.Refund)
		r.NetCentral, r.NetProvince, r.NetCity, r.NetDistrict = r.Central-r.RefundCentral, r.Province-r.RefundProvince, r.City-r.RefundCity, r.District-r.RefundDistrict
		r.Net = r.Total - r.Refund
		total.Refund += r.Refund
		total.RefundItems += r.RefundItems
		total.RefundCentral += r.RefundCentral
		total.RefundProvince += r.RefundProvince
		total.RefundCity += r.RefundCity
		total.RefundDistrict += r.RefundDistrict
		total.RefundFund += r.RefundFund
		total.NetCentral += r.NetCentral
		total.NetProvince += r.NetProvince
		total.NetCity += r.NetCity
		total.NetDistrict += r.NetDistrict
		total.Net += r.Net
		total.Items += r.Items
		total.Tax += r.Tax
		total.LateFee += r.LateFee
		total.Total += r.Total
		total.Central += r.Central
		total.Province += r.Province
		total.City += r.City
		total.District += r.District
		total.Fund += r.Fund
	}
	if len(rows) > 0 {
		rows = append(rows, total)
	}
	return rows, nil
}

func taxOrder(code string) int {
	for i, t := range taxpayer.TaxTypes {
		if t.Code == code {
			return i
		}
	}
	return len(taxpayer.TaxTypes)
}
