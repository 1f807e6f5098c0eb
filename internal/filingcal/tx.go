package filingcal

import (
	"context"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
)

// Load reads the effective working-day calendar through q (a transaction
// of the caller's), without a Service's cache: for hooks that run inside
// another capability's transaction and have no Service at hand.
func Load(ctx context.Context, q db.Querier) (*calendar.Calendar, error) {
	st, err := load(ctx, q, 0)
	if err != nil {
		return nil, err
	}
	return st.cal, nil
}
