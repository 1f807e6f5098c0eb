package iitannual

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
	"taxhall/internal/workflow"
)

// Refund request states; the approval workflow moves them on.
const (
	RefundRequested  = "requested"
	RefundSuperseded = "superseded"
)

var refundStateNames = map[string]string{
	RefundRequested: "已申请，待审核", RefundSuperseded: "已被更正申报替代", "approved": "审核通过", "rejected": "审核未通过", "refunded": "已退库",
}

// recordRefund is the accept hook: an accepted reconciliation with a tax
// to refund records a refund request; a correction first supersedes the
// request of the version it corrects if that is still only requested. It
// runs in the acceptance's transaction (one request per return: UNIQUE).
func recordRefund(ctx context.Context, tx *sql.Tx, r *returns.Return) error {
	at := db.TS(r.SubmittedAt)
	if r.PreviousID != 0 {
		gone, err := db.Query(ctx, tx, func(sc db.Scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		}, `UPDATE iit_refund_requests SET state = $1, updated_at = $2 WHERE return_id = $3 AND state = $4 RETURNING id`,
			RefundSuperseded, at, r.PreviousID, RefundRequested)
		if err != nil {
			return err
		}
		// The superseded request's application is withdrawn with it.
		for _, id := range gone {
			if err := workflow.CancelRefundApplications(ctx, tx, r.SubmittedAt, id); err != nil {
				return err
			}
		}
	}
	if r.TaxDue >= 0 {
		return nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO iit_refund_requests (taxpayer_id, return_id, year, amount, state, requested_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (return_id) DO NOTHING RETURNING id`,
		r.TaxpayerID, r.ID, r.Period.Start.Y, -r.TaxDue, RefundRequested, at).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	// The refund application (个人所得税综合所得汇算退税), prefilled, in the
	// acceptance's transaction.
	var user int64
	if a := auth.ActorFrom(ctx); a != nil && a.Kind == auth.Taxpayer && a.TaxpayerID == r.TaxpayerID {
		user = a.UserID
	}
	return workflow.OpenIITRefund(ctx, tx, r.SubmittedAt, id, user)
}

// Refund is a refund request as the person sees it.
type Refund struct {
	ID          int64
	ReturnID    int64
	Year        int
	Amount      int64
	State       string
	RequestedAt time.Time
}

// RefundStates are the refund request states, for the API document.
func RefundStates() []string { return slices.Sorted(maps.Keys(refundStateNames)) }

// Results of a reconciliation.
const (
	ResultPay    = "pay"    // 应补税
	ResultRefund = "refund" // 应退税
	ResultNone   = "none"   // 无需补退
)

// ResultOf classifies a tax due.
func ResultOf(due int64) string {
	switch {
	case due > 0:
		return ResultPay
	case due < 0:
		return ResultRefund
	}
	return ResultNone
}

// StateName is the state in Chinese.
func (r *Refund) StateName() string { return refundStateNames[r.State] }

// Service shows a person their reconciliations' refunds.
type Service struct {
	DB *db.DB
}

// Refunds lists the refund requests of the natural person in ctx for a
// year, newest first.
func (s *Service) Refunds(ctx context.Context, year int) (_ []*Refund, err error) {
	defer db.Wrap(&err, "iitannual.Refunds(%d)", year)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if a.TaxpayerKind != taxpayer.Individual {
		return nil, nil
	}
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*Refund, error) {
		var f Refund
		var at string
		err := sc.Scan(&f.ID, &f.ReturnID, &f.Year, &f.Amount, &f.State, &at)
		f.RequestedAt = db.ParseTS(at)
		return &f, err
	}, `SELECT id, return_id, year, amount, state, requested_at FROM iit_refund_requests WHERE taxpayer_id = $1 AND year = $2 ORDER BY id DESC`,
		a.TaxpayerID, year)
}

// Filed is the person's current reconciliation return of a year, if any.
type Filed struct {
	ReturnID int64
	AckNo    string
	TaxDue   int64
	Late     bool
}

// Current returns the current reconciliation of year filed by the person
// in ctx, or nil.
func (s *Service) Current(ctx context.Context, year int) (_ *Filed, err error) {
	defer db.Wrap(&err, "iitannual.Current(%d)", year)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	var f Filed
	var late int
	err = s.DB.QueryRowContext(ctx, `SELECT id, ack_no, tax_due, late FROM returns WHERE taxpayer_id = $1 AND form = $2 AND period_start = $3 AND is_current = 1`,
		a.TaxpayerID, FormCode, fmt.Sprintf("%04d-01-01", year)).Scan(&f.ReturnID, &f.AckNo, &f.TaxDue, &late)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	f.Late = late == 1
	return &f, err
}
