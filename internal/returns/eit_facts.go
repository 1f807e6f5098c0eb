package returns

import (
	"context"
	"database/sql"
	"errors"

	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/rules"
)

// The EIT prepayment tells the other returns two things: whether the
// enterprise is a small low-profit enterprise (for the 六税两费 half relief
// of its surcharges, property and land use taxes and stamp duty), and the
// cumulative revenue and profit the income statement must agree with.

func init() { RegisterLoader(forms.IncomeStatement.Code, loadEITFigures) }

// latestEIT returns the current EIT return whose period starts on or
// before start (the latest one), or nil.
func latestEIT(ctx context.Context, q db.Querier, taxpayerID int64, start string, exact bool) (forms.Values, string, error) {
	cond := "period_start <= $2 ORDER BY period_start DESC LIMIT 1"
	if exact {
		cond = "period_start = $2"
	}
	var doc, ack string
	err := q.QueryRowContext(ctx, `SELECT doc, ack_no FROM returns WHERE taxpayer_id = $1 AND form = 'eit' AND is_current = 1 AND `+cond,
		taxpayerID, start).Scan(&doc, &ack)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	v, err := (&docRow{doc: doc}).values()
	return v, ack, err
}

// smallLowProfit reports whether the latest EIT prepayment up to the period
// found the enterprise small low-profit (its line A4).
func smallLowProfit(ctx context.Context, q db.Querier, taxpayerID int64, p rules.Period) (bool, error) {
	v, _, err := latestEIT(ctx, q, taxpayerID, p.Start.String(), false)
	if err != nil || v == nil {
		return false, err
	}
	return forms.EITSmallLowProfit(v), nil
}

func loadEITFigures(ctx context.Context, q db.Querier, taxpayerID int64, p rules.Period) (any, error) {
	v, ack, err := latestEIT(ctx, q, taxpayerID, p.Start.String(), true)
	if err != nil || v == nil {
		return nil, err
	}
	return &forms.EITFigures{AckNo: ack, Revenue: v["1"], Profit: v["3"]}, nil
}
