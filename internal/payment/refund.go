package payment

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
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

// Refund request sources: an overpayment a correction made
// (refund_requests) or an annual IIT reconciliation (iit_refund_requests).
const (
	SourceOverpaid = "overpaid"
	SourceIIT      = "iit"
)

// RefundRequest is a recorded request to refund tax, with where its
// refund application, the approved refund and its payout stand.
type RefundRequest struct {
	Source       string // SourceOverpaid or SourceIIT
	ID           int64
	TaxpayerID   int64
	TaxpayerCode string
	TaxpayerName string
	LiabilityID  int64 // overpaid only
	Year         int   // iit only
	TaxType      string
	Period       rules.Period
	Amount       int64
	State        string
	RequestedBy  string
	CreatedAt    time.Time
	// The latest application opened for the request (0 / "" for none),
	// and the refund its approval recorded ("" for none: approved or paid).
	ApplicationID int64
	AppNo         string
	AppStatus     string
	RefundStatus  string
	PaidAt        string
}

func (r *RefundRequest) TaxName() string    { return refundTaxName(r.TaxType) }
func (r *RefundRequest) PeriodName() string { return periodName(r.Period) }

// RefundRequestStates names the states of a refund request in Chinese.
var RefundRequestStates = []auth.Label{{Code: "requested", Name: "已申请，待审核"}, {Code: "approved", Name: "已核准，退库中"}, {Code: "rejected", Name: "不予退还"},
	{Code: "refunded", Name: "已退至账户"}, {Code: "superseded", Name: "已被更正申报替代"}}

func (r *RefundRequest) StateName() string { return auth.NameOf(RefundRequestStates, r.State) }

// SourceName is what the refund is of.
func (r *RefundRequest) SourceName() string {
	if r.Source == SourceIIT {
		return "综合所得年度汇算退税"
	}
	return "更正申报多缴退税"
}

// CanReapply reports whether the taxpayer may open a refund application
// for the request again: it is still only requested and its last
// application was withdrawn (or there is none).
func (r *RefundRequest) CanReapply() bool {
	return r.State == "requested" && (r.ApplicationID == 0 || r.AppStatus == "withdrawn")
}

// Key is the request's identifier across both sources ("overpaid-12").
func (r *RefundRequest) Key() string { return r.Source + "-" + strconv.FormatInt(r.ID, 10) }

// RequestRefund records a refund request for an overpayment, once per
// liability (UNIQUE liability_id; a repeat returns the first request),
// and — through OnRefundRequest — its refund application.
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
		// Lock the liability first: a correction netting it (package
		// returns) waits for this request, or this reads its result.
		if _, err := tx.ExecContext(ctx, `UPDATE tax_liabilities SET settled = settled WHERE id = $1 AND taxpayer_id = $2`, liabilityID, a.TaxpayerID); err != nil {
			return err
		}
		list, err := refundables(ctx, tx, a.TaxpayerID, liabilityID)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return nil // already requested, or nothing to refund: read below
		}
		r := list[0]
		now := s.now()
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO refund_requests (taxpayer_id, bureau_id, liability_id, return_id, tax_type, period_start, period_end, amount,
			requested_by, requested_by_name, created_at)
			SELECT $1, t.bureau_id, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM taxpayers t WHERE t.id = $1
			ON CONFLICT (liability_id) DO NOTHING RETURNING id`, a.TaxpayerID, r.LiabilityID, r.ReturnID, r.TaxType, r.Period.Start.String(), r.Period.End.String(),
			r.Amount, a.UserID, a.Name, db.TS(now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // a concurrent request recorded it first
		}
		if err != nil || s.OnRefundRequest == nil {
			return err
		}
		// The refund application, in the same transaction.
		return s.OnRefundRequest(ctx, tx, now, id, a.UserID)
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

// MyRefunds lists the current taxpayer's refund requests of both
// sources, newest first.
func (s *Service) MyRefunds(ctx context.Context) (_ []*RefundRequest, err error) {
	defer db.Wrap(&err, "payment.MyRefunds")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.refunds(ctx, `r.taxpayer_id = $1`, a.TaxpayerID)
	if err != nil {
		return nil, err
	}
	iit, err := s.iitRefunds(ctx, `r.taxpayer_id = $1`, a.TaxpayerID)
	if err != nil {
		return nil, err
	}
	list = append(list, iit...)
	sort.SliceStable(list, func(i, j int) bool { return list[i].CreatedAt.After(list[j].CreatedAt) })
	return list, nil
}

// MyRefund is one of the current taxpayer's refund requests; another
// taxpayer's is NotFound.
func (s *Service) MyRefund(ctx context.Context, source string, id int64) (_ *RefundRequest, err error) {
	defer db.Wrap(&err, "payment.MyRefund(%s, %d)", source, id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	var list []*RefundRequest
	switch source {
	case SourceOverpaid:
		list, err = s.refunds(ctx, `r.taxpayer_id = $1 AND r.id = $2`, a.TaxpayerID, id)
	case SourceIIT:
		list, err = s.iitRefunds(ctx, `r.taxpayer_id = $1 AND r.id = $2`, a.TaxpayerID, id)
	}
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.New(apperr.NotFound, "没有这项退税申请")
	}
	return list[0], nil
}

// RefundRequests lists the subtree's overpayment refund requests, newest
// first (reconciliation refunds are in the task pool and the ledger).
func (s *Service) RefundRequests(ctx context.Context) (_ []*RefundRequest, err error) {
	defer db.Wrap(&err, "payment.RefundRequests")
	a, err := auth.RequireStaff(ctx, ledgerRoles...)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	return s.refunds(ctx, cond, arg)
}

const refundLinkCols = `, COALESCE(a.id, 0), COALESCE(a.no, ''), COALESCE(a.status, ''), COALESCE(f.status, ''), COALESCE(f.paid_at, '')`

func (s *Service) refunds(ctx context.Context, where string, args ...any) ([]*RefundRequest, error) {
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*RefundRequest, error) {
		r := RefundRequest{Source: SourceOverpaid}
		var ps, pe, created string
		if err := sc.Scan(&r.ID, &r.TaxpayerID, &r.TaxpayerCode, &r.TaxpayerName, &r.LiabilityID, &r.TaxType, &ps, &pe, &r.Amount, &r.State, &r.RequestedBy, &created,
			&r.ApplicationID, &r.AppNo, &r.AppStatus, &r.RefundStatus, &r.PaidAt); err != nil {
			return nil, err
		}
		r.Period = periodOf(ps, pe)
		r.CreatedAt = db.ParseTS(created)
		return &r, nil
	}, `SELECT r.id, r.taxpayer_id, t.code, t.name, r.liability_id, r.tax_type, r.period_start, r.period_end, r.amount, r.state, r.requested_by_name, r.created_at`+refundLinkCols+`
		FROM refund_requests r JOIN taxpayers t ON t.id = r.taxpayer_id JOIN orgs o ON o.id = r.bureau_id
		LEFT JOIN applications a ON a.id = (SELECT MAX(x.id) FROM applications x WHERE x.refund_request_id = r.id)
		LEFT JOIN refunds f ON f.refund_request_id = r.id
		WHERE `+where+` ORDER BY r.id DESC LIMIT 200`, args...)
}

func (s *Service) iitRefunds(ctx context.Context, where string, args ...any) ([]*RefundRequest, error) {
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*RefundRequest, error) {
		r := RefundRequest{Source: SourceIIT, TaxType: "iit_annual"}
		var created string
		if err := sc.Scan(&r.ID, &r.TaxpayerID, &r.TaxpayerCode, &r.TaxpayerName, &r.Year, &r.Amount, &r.State, &created,
			&r.ApplicationID, &r.AppNo, &r.AppStatus, &r.RefundStatus, &r.PaidAt); err != nil {
			return nil, err
		}
		r.Period = rules.Period{Start: calendar.MakeDate(r.Year, 1, 1), End: calendar.MakeDate(r.Year, 12, 31)}
		r.RequestedBy = r.TaxpayerName
		r.CreatedAt = db.ParseTS(created)
		return &r, nil
	}, `SELECT r.id, r.taxpayer_id, t.code, t.name, r.year, r.amount, r.state, r.requested_at`+refundLinkCols+`
		FROM iit_refund_requests r JOIN taxpayers t ON t.id = r.taxpayer_id
		LEFT JOIN applications a ON a.id = (SELECT MAX(x.id) FROM applications x WHERE x.iit_refund_request_id = r.id)
		LEFT JOIN refunds f ON f.iit_refund_request_id = r.id
		WHERE `+where+` ORDER BY r.id DESC LIMIT 200`, args...)
}

// AppStatusName is the status of the request's latest application in
// Chinese (the workflow's names; payment does not import it).
func (r *RefundRequest) AppStatusName() string {
	return auth.NameOf([]auth.Label{{Code: "submitted", Name: "待受理"}, {Code: "processing", Name: "办理中"}, {Code: "returned", Name: "待补正"},
		{Code: "approved", Name: "已办结"}, {Code: "rejected", Name: "不予办理"}, {Code: "withdrawn", Name: "已撤回"}}, r.AppStatus)
}
