package returns

import (
	"context"
	"slices"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
)

// Clearance is what stands between a taxpayer and deregistration (清税):
// periods not filed whose deadline has passed, and tax declared and not
// paid.
type Clearance struct {
	Unfiled []*Due
	Unpaid  int64 // fen
}

// Clear reports whether nothing is outstanding.
func (c *Clearance) Clear() bool { return len(c.Unfiled) == 0 && c.Unpaid == 0 }

// ClearanceOf checks a taxpayer for deregistration, for staff who may see
// it (Taxpayers.Record scopes by the actor): every identified tax's periods
// from the start of the previous year, and the unsettled liabilities. q is
// the caller's transaction for the liabilities, so the check and the
// deregistration see the same rows.
func (s *Service) ClearanceOf(ctx context.Context, q db.Querier, taxpayerID int64) (_ *Clearance, err error) {
	defer db.Wrap(&err, "returns.ClearanceOf(%d)", taxpayerID)
	t, idents, err := s.Taxpayers.Record(ctx, taxpayerID)
	if err != nil {
		return nil, err
	}
	today := s.today()
	dues, err := s.periods(ctx, t, idents, calendar.MakeDate(today.Y-1, 1, 1), today)
	if err != nil {
		return nil, err
	}
	c := &Clearance{Unfiled: slices.DeleteFunc(dues, func(d *Due) bool { return d.Status != StatusOverdue })}
	err = q.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount - paid), 0) FROM tax_liabilities
		WHERE taxpayer_id = $1 AND settled = 0 AND amount > paid`, taxpayerID).Scan(&c.Unpaid)
	return c, err
}
