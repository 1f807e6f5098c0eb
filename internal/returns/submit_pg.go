package returns

import (
	"context"

	"taxhall/internal/db"
)

// An original return on PostgreSQL is accepted in one statement
// (acceptGroupPG, submit_group.go): the return, its liability, its event,
// the draft's deletion and the board's counts are data-modifying CTEs of
// one INSERT, which PostgreSQL runs atomically without BEGIN and COMMIT —
// one round trip where the transaction took seven. The unique constraints
// decide exactly as in the transaction: when the return's INSERT does
// nothing (the same idempotency key, an original already filed, a clashing
// acknowledgement number), every other part selects from its empty
// RETURNING and writes nothing. Corrections and forms with accept hooks use
// the transaction.

// oneStatement reports whether a submission may be accepted by
// acceptGroupPG.
func (s *Service) oneStatement(form string, correcting *Return) bool {
	return s.DB.Dialect == db.Postgres && correcting == nil && len(acceptHooks[form]) == 0
}

// acceptRow is what acceptGroupPG writes for one return.
type acceptRow struct {
	taxpayerID, bureauID                int64
	form, taxType, start, end, deadline string
	zero, late                          int
	taxDue                              int64
	doc, hash, rulesVersion, ack, key   string
	userID                              int64
	userName, at                        string
	carry                               any
}

// insert accepts the row alone (a group of one); ok is false when the
// return's INSERT did nothing (a unique constraint held).
func (a *acceptRow) insert(ctx context.Context, d *db.DB) (id int64, ok bool, err error) {
	ids, err := insertGroup(ctx, d, []*acceptRow{a})
	if err != nil {
		return 0, false, err
	}
	id, ok = ids[a.taxpayerID]
	return id, ok, nil
}
