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
	query := latestEITQuery
	if exact {
		query = eitOfPeriodQuery
	}
	var doc, ack string
	err := q.QueryRowContext(ctx, query, taxpayerID, start).Scan(&doc, &ack)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	v, err := (&docRow{doc: doc}).values()
	return v, ack, err
}

// The current EIT return of a taxpayer whose period starts on or before $2
// (the latest), or on $2.
const (
	latestEITQuery = `SELECT doc, ack_no FROM returns WHERE taxpayer_id = $1 AND form = 'eit' AND is_current = 1 AND period_start <= $2
		ORDER BY period_start DESC LIMIT 1`
	eitOfPeriodQuery = `SELECT doc, ack_no FROM returns WHERE taxpayer_id = $1 AND form = 'eit' AND is_current = 1 AND period_start = $2`
)

// smallLowProfitReads queues the read of the latest EIT prepayment up to
// the period into b; the function it returns answers, after b has run,
// whether that return found the enterprise small low-profit (its line A4).
func smallLowProfitReads(b *db.Batch, taxpayerID int64, p rules.Period) func() (bool, error) {
	var doc string
	b.Query(func(sc db.Scanner) error {
		var ack string
		return sc.Scan(&doc, &ack)
	}, latestEITQuery, taxpayerID, p.Start.String())
	return func() (bool, error) {
		if doc == "" {
			return false, nil
		}
		v, err := (&docRow{doc: doc}).values()
		if err != nil {
			return false, err
		}
		return forms.EITSmallLowProfit(v), nil
	}
}

func loadEITFigures(ctx context.Context, q db.Querier, taxpayerID int64, p rules.Period) (any, error) {
	v, ack, err := latestEIT(ctx, q, taxpayerID, p.Start.String(), true)
	if err != nil || v == nil {
		return nil, err
	}
	return &forms.EITFigures{AckNo: ack, Revenue: v["1"], Profit: v["3"]}, nil
}
