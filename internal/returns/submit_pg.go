package returns

import (
	"context"
	"database/sql"
	"errors"

	"taxhall/internal/db"
)

// acceptOriginalPG accepts an original return on PostgreSQL in one
// statement: the return, its liability, its event, the draft's deletion
// and the board's counts are data-modifying CTEs of one INSERT, which
// PostgreSQL runs atomically without BEGIN and COMMIT — one round trip
// where the transaction took seven. The unique constraints decide exactly
// as in the transaction: when the return's INSERT does nothing (the same
// idempotency key, an original already filed, a clashing acknowledgement
// number), every other part selects from its empty RETURNING and writes
// nothing. Corrections and forms with accept hooks use the transaction.
const acceptOriginalPG = `WITH r AS (
	INSERT INTO returns (taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, previous_id,
		is_current, zero, deadline, late, tax_due, difference, doc, sha256, rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at, carry)
	VALUES ($1, $2, $3, $4, $5, $6, 1, NULL, 1, $7, $8, $9, $10, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
	ON CONFLICT DO NOTHING RETURNING id
), l AS (
	INSERT INTO tax_liabilities (taxpayer_id, return_id, tax_type, period_start, period_end, deadline, amount, settled, created_at)
	SELECT $1, r.id, $4, $5, $6, $8, $10, $20::integer, $18 FROM r
), e AS (
	INSERT INTO return_events (taxpayer_id, form, period_start, return_id, kind, at, actor_kind, actor_id, actor_name, note)
	SELECT $1, $3, $5, r.id, $21::text, $18, $22::text, $16, $17, $23::text FROM r
), d AS (
	DELETE FROM return_drafts WHERE taxpayer_id = $1 AND form = $3 AND period_start = $5 AND EXISTS (SELECT 1 FROM r)
), s AS (
	INSERT INTO filing_stats (bureau_id, tax_type, period_start, shard, filed, late, corrected, tax_due)
	SELECT $2, $4, $5, $24::integer, 1, $9, 0, $10 FROM r
	ON CONFLICT (bureau_id, tax_type, period_start, shard) DO UPDATE SET filed = filing_stats.filed + excluded.filed,
		late = filing_stats.late + excluded.late, corrected = filing_stats.corrected + excluded.corrected, tax_due = filing_stats.tax_due + excluded.tax_due
)
SELECT id FROM r`

// oneStatement reports whether a submission may be accepted by
// acceptOriginalPG.
func (s *Service) oneStatement(form string, correcting *Return) bool {
	return s.DB.Dialect == db.Postgres && correcting == nil && len(acceptHooks[form]) == 0
}

// acceptRow is what acceptOriginalPG writes.
type acceptRow struct {
	taxpayerID, bureauID                int64
	form, taxType, start, end, deadline string
	zero, late                          int
	taxDue                              int64
	doc, hash, rulesVersion, ack, key   string
	userID                              int64
	userName, at                        string
	carry                               any
	eventKind, actorKind, note          string
}

// insert runs acceptOriginalPG; ok is false when the return's INSERT did
// nothing (a unique constraint held).
func (a *acceptRow) insert(ctx context.Context, q db.Querier) (id int64, ok bool, err error) {
	err = q.QueryRowContext(ctx, acceptOriginalPG, a.taxpayerID, a.bureauID, a.form, a.taxType, a.start, a.end,
		a.zero, a.deadline, a.late, a.taxDue, a.doc, a.hash, a.rulesVersion, a.ack, a.key, a.userID, a.userName, a.at, a.carry,
		b2i(a.taxDue == 0), a.eventKind, a.actorKind, a.note, a.taxpayerID%8).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}
