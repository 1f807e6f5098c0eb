package returns

import (
	"cmp"
	"context"
	"slices"
	"sync/atomic"

	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Group acceptance on PostgreSQL. Submissions arriving together are
// accepted by one statement (acceptGroupPG) instead of one each (group.go):
// several rows share one round trip, one plan, one executor start-up and
// one WAL flush. A group of one is the single statement.
//
// Exactly once is unchanged: each row is inserted with ON CONFLICT DO
// NOTHING under the same unique keys, and a row whose return was not
// inserted writes nothing else — its submitter looks the key up as before.
// A group never holds two rows of the same taxpayer, so the answer's ids
// are matched to their rows by taxpayer without ambiguity; a deadlock
// between two groups (two nodes) aborts one statement as a whole, which is
// run again.

// maxGroup bounds the rows of one statement; maxLeaders the statements of
// one pool running at once.
const (
	maxGroup   = 64
	maxLeaders = 2
)

// acceptResult answers one row: the return's id, or ok false when the
// return's INSERT did nothing (a unique constraint held).
type acceptResult struct {
	id  int64
	ok  bool
	err error
}

// largestGroup is the most rows one statement has accepted (tests read it
// to know that groups formed).
var largestGroup atomic.Int64

// acceptGroup accepts a group and answers each of its rows.
func acceptGroup(ctx context.Context, d *db.DB, rows []*acceptRow) []acceptResult {
	if n := int64(len(rows)); n > largestGroup.Load() {
		largestGroup.Store(n)
	}
	out := make([]acceptResult, len(rows))
	if len(rows) == 1 {
		id, ok, err := rows[0].insert(ctx, d)
		out[0] = acceptResult{id, ok, err}
		return out
	}
	// The same order on every node: fewer deadlocks between groups.
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(x, y *acceptRow) int { return cmp.Compare(x.taxpayerID, y.taxpayerID) })
	var ids map[int64]int64
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if ids, err = insertGroup(ctx, d, sorted); err == nil || !db.IsRetryable(err) {
			break
		}
	}
	for i, a := range rows {
		if err != nil {
			// Whatever failed, each row gets its own statement and its
			// own answer, so one bad row cannot fail the others.
			id, ok, err := a.insert(ctx, d)
			out[i] = acceptResult{id, ok, err}
			continue
		}
		id, ok := ids[a.taxpayerID]
		out[i] = acceptResult{id: id, ok: ok}
	}
	return out
}

// insertGroup runs acceptGroupPG for the group: the ids of the returns it
// inserted, by taxpayer.
func insertGroup(ctx context.Context, d *db.DB, group []*acceptRow) (map[int64]int64, error) {
	n := len(group)
	var (
		taxpayer, bureau, due, user         = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		zero, late                          = make([]int32, n), make([]int32, n)
		form, taxType, start, end, deadline = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		doc, hash, rules, ack, key          = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		userName, at                        = make([]string, n), make([]string, n)
		carry                               = make([]*string, n)
	)
	for i, a := range group {
		taxpayer[i], bureau[i], due[i], user[i] = a.taxpayerID, a.bureauID, a.taxDue, a.userID
		zero[i], late[i] = int32(a.zero), int32(a.late) // #nosec G115 -- 0/1 flags
		form[i], taxType[i], start[i], end[i], deadline[i] = a.form, a.taxType, a.start, a.end, a.deadline
		doc[i], hash[i], rules[i], ack[i], key[i] = a.doc, a.hash, a.rulesVersion, a.ack, a.key
		userName[i], at[i] = a.userName, a.at
		if c, ok := a.carry.(string); ok {
			carry[i] = &c
		}
	}
	ids := make(map[int64]int64, n)
	rows, err := d.QueryContext(ctx, acceptGroupPG, taxpayer, bureau, form, taxType, start, end, zero, deadline, late, due,
		doc, hash, rules, ack, key, user, userName, at, carry, EventAccepted, string(auth.Taxpayer), ackNotePrefix)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var tp, id int64
		if err := rows.Scan(&tp, &id); err != nil {
			return nil, err
		}
		ids[tp] = id
	}
	return ids, rows.Err()
}

// ackNotePrefix begins an accepted return's event note: “回执号 ” and the
// acknowledgement number.
const ackNotePrefix = "回执号 "

// acceptGroupPG accepts the originals of a group (see submit_pg.go). Every
// other part reads what the return's INSERT returned, so a row that
// conflicted writes nothing else; the board's counts are summed per row of
// filing_stats (an upsert may not touch a row twice in one statement). The
// returns are inserted in the arrays' order, which runGroup sorted by
// taxpayer.
const acceptGroupPG = `WITH r AS (
	INSERT INTO returns (taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, previous_id,
		is_current, zero, deadline, late, tax_due, difference, doc, sha256, rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at, carry)
	SELECT taxpayer_id, bureau_id, form, tax_type, period_start, period_end, 1, NULL, 1, zero, deadline, late, tax_due, tax_due, doc, sha256,
		rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at, carry
	FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::integer[], $8::text[],
		$9::integer[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::bigint[], $17::text[],
		$18::text[], $19::text[])
		AS x(taxpayer_id, bureau_id, form, tax_type, period_start, period_end, zero, deadline, late, tax_due, doc, sha256,
		rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at, carry)
	ON CONFLICT DO NOTHING
	RETURNING id, taxpayer_id, bureau_id, form, tax_type, period_start, period_end, deadline, late, tax_due, ack_no,
		submitted_by, submitted_by_name, submitted_at
), l AS (
	INSERT INTO tax_liabilities (taxpayer_id, return_id, tax_type, period_start, period_end, deadline, amount, settled, created_at)
	SELECT taxpayer_id, id, tax_type, period_start, period_end, deadline, tax_due, CASE WHEN tax_due = 0 THEN 1 ELSE 0 END, submitted_at FROM r
), e AS (
	INSERT INTO return_events (taxpayer_id, form, period_start, return_id, kind, at, actor_kind, actor_id, actor_name, note)
	SELECT taxpayer_id, form, period_start, id, $20, submitted_at, $21, submitted_by, submitted_by_name, $22 || ack_no FROM r
), d AS (
	DELETE FROM return_drafts x USING r WHERE x.taxpayer_id = r.taxpayer_id AND x.form = r.form AND x.period_start = r.period_start
), s AS (
	INSERT INTO filing_stats (bureau_id, tax_type, period_start, shard, filed, late, corrected, tax_due)
	SELECT bureau_id, tax_type, period_start, (taxpayer_id % 8)::integer, COUNT(*), SUM(late), 0, SUM(tax_due) FROM r
	GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
	ON CONFLICT (bureau_id, tax_type, period_start, shard) DO UPDATE SET filed = filing_stats.filed + excluded.filed,
		late = filing_stats.late + excluded.late, corrected = filing_stats.corrected + excluded.corrected, tax_due = filing_stats.tax_due + excluded.tax_due
)
SELECT taxpayer_id, id FROM r`
