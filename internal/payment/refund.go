package payment

import (
	"context"
	"database/sql"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/rules"
)

// Refundable is an overpayment a correction return made: a negative
// liability whose tax period has paid tax to cover it.
type Refundable struct {
	LiabilityID int64
	ReturnID    int64
	TaxType     string
	Period      rules.Period
	Amount      int64 // positive: what may be refunded
	Requested   string
}

func (r *Refundable) TaxName() string    { return TaxName(r.TaxType) }
func (r *Refundable) PeriodName() string { return periodName(r.Period) }

// Refundables lists the current taxpayer's overpayments not yet requested.
// The refundable amount is the overpayment, at most what was paid for the
// same tax and period (a correction of a return never paid leaves nothing
// to refund).
func (s *Service) Refundables(ctx context.Context) (_ []*Refundable, err error) {
	defer db.Wrap(&err, "payment.Refundables")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return refundables(ctx, s.DB, a.TaxpayerID, 0)
}

func refundables(ctx context.Context, q db.Querier, taxpayerID, liabilityID int64) ([]*Refundable, error) {
	query := `SELECT l.id, l.return_id, l.tax_type, l.period_start, l.period_end, -l.amount,
			(SELECT COALESCE(SUM(o.paid), 0) FROM tax_liabilities o WHERE o.taxpayer_id = l.taxpayer_id AND o.tax_type = l.tax_type
				AND o.period_start = l.period_start AND o.amount > 0)
		FROM tax_liabilities l LEFT JOIN refund_requests r ON r.liability_id = l.id
		WHERE l.taxpayer_id = $1 AND l.amount < 0 AND r.id IS NULL`
	args := []any{taxpayerID}
	if liabilityID > 0 {
		query += ` AND l.id = $2`
		args = append(args, liabilityID)
	}
	list, err := db.Query(ctx, q, func(sc db.Scanner) (*Refundable, error) {
		var r Refundable
		var ps, pe string
		var paid int64
		if err := sc.Scan(&r.LiabilityID, &r.ReturnID, &r.TaxType, &ps, &pe, &r.Amount, &paid); err != nil {
			return nil, err
		}
		r.Period = periodOf(ps, pe)
		r.Amount = min(r.Amount, paid)
		return &r, nil
	}, query+` ORDER BY l.id LIMIT 100`, args...)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, r := range list {
		if r.Amount > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// RefundRequest is a recorded request to refund an overpayment; the
// workflow issue approves it.
type RefundRequest struct {
	ID           int64
	TaxpayerID   int64
	TaxpayerCode string
	TaxpayerName string
	LiabilityID  int64
	TaxType      string
	Period       rules.Period
	Amount       int64
	State        string
	RequestedBy  string
	CreatedAt    time.Time
}

func (r *RefundRequest) TaxName() string    { return TaxName(r.TaxType) }
func (r *RefundRequest) PeriodName() string { return periodName(r.Period) }
func (r *RefundRequest) StateName() string {
	return auth.NameOf([]auth.Label{{Code: "requested", Name: "已申请"}, {Code: "approved", Name: "已批准"}, {Code: "rejected", Name: "不予退还"}, {Code: "refunded", Name: "已退还"}}, r.State)
}

// RequestRefund records a refund request for an overpayment, once per
// liability (UNIQUE liability_id; a repeat returns the first request).
func (s *Service) RequestRefund(ctx context.Context, liabilityID int64) (_ *RefundRequest, err error) {
	defer db.Wrap(&err, "payment.RequestRefund(%d)", liabilityID)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if !CanSign(a) {
		return nil, apperr.New(apperr.Forbidden, "退税申请须由法定代表人或财务负责人办理")
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		list, err := refundables(ctx, tx, a.TaxpayerID, liabilityID)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return nil // already requested, or nothing to refund: read below
		}
		r := list[0]
		_, err = tx.ExecContext(ctx, `INSERT INTO refund_requests (taxpayer_id, bureau_id, liability_id, return_id, tax_type, period_start, period_end, amount,
			requested_by, requested_by_name, created_at)
			SELECT $1, t.bureau_id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM taxpayers t WHERE t.id = $1
			ON CONFLICT (liability_id) DO NOTHING`, a.TaxpayerID, r.LiabilityID, r.ReturnID, r.TaxType, r.Period.Start.String(), r.Period.End.String(),
			r.Amount, a.UserID, a.Name, db.TS(s.now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	list, err := s.refunds(ctx, `r.taxpayer_id = $1 AND r.liability_id = $2`, a.TaxpayerID, liabilityID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.New(apperr.Conflict, "这笔税款没有可申请退还的多缴税款")
	}
	return list[0], nil
}

// MyRefunds lists the current taxpayer's refund requests.
func (s *Service) MyRefunds(ctx context.Context) (_ []*RefundRequest, err error) {
	defer db.Wrap(&err, "payment.MyRefunds")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return s.refunds(ctx, `r.taxpayer_id = $1`, a.TaxpayerID)
}

// RefundRequests lists the subtree's refund requests, newest first.
func (s *Service) RefundRequests(ctx context.Context) (_ []*RefundRequest, err error) {
	defer db.Wrap(&err, "payment.RefundRequests")
	a, err := auth.RequireStaff(ctx, ledgerRoles...)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	return s.refunds(ctx, cond, arg)
}

func (s *Service) refunds(ctx context.Context, where string, args ...any) ([]*RefundRequest, error) {
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*RefundRequest, error) {
		var r RefundRequest
		var ps, pe, created string
		if err := sc.Scan(&r.ID, &r.TaxpayerID, &r.TaxpayerCode, &r.TaxpayerName, &r.LiabilityID, &r.TaxType, &ps, &pe, &r.Amount, &r.State, &r.RequestedBy, &created); err != nil {
			return nil, err
		}
		r.Period = periodOf(ps, pe)
		r.CreatedAt = db.ParseTS(created)
		return &r, nil
	}, `SELECT r.id, r.taxpayer_id, t.code, t.name, r.liability_id, r.tax_type, r.period_start, r.period_end, r.amount, r.state, r.requested_by_name, r.created_at
		FROM refund_requests r JOIN taxpayers t ON t.id = r.taxpayer_id JOIN orgs o ON o.id = r.bureau_id
		WHERE `+where+` ORDER BY r.id DESC LIMIT 200`, args...)
}
