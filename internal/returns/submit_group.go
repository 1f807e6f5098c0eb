package returns

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Group acceptance on PostgreSQL. Submissions arriving together are
// accepted by one statement (acceptGroupPG) instead of one each, as
// PostgreSQL's own group commit writes several transactions' WAL with one
// flush: the first submitter that finds a free slot runs the statement for
// every row waiting at that moment, and keeps running until nobody waits;
// the others only wait for their answer. Under load, several rows share
// one round trip, one plan and one executor start-up, and the backends
// stop competing with each other for the two cores. With one submitter at
// a time nothing waits: a group of one is the single statement.
//
// Exactly once is unchanged: each row is inserted with ON CONFLICT DO
// NOTHING under the same unique keys, and a row whose return was not
// inserted writes nothing else — its submitter looks the key up as before.
// A group never holds two rows of the same taxpayer, so the answer's ids
// are matched to their rows by taxpayer without ambiguity; a deadlock between two groups (two nodes) aborts one statement as a whole,
// which is run again.

// maxGroup bounds the rows of one statement; maxLeaders the statements of
// one pool running at once.
const (
	maxGroup   = 64
	maxLeaders = 2
)

type grouper struct {
	mu      sync.Mutex
	waiting []*groupRow
	leaders int
}

type groupRow struct {
	row  *acceptRow
	done chan groupResult // room for a promotion and the answer: senders never block
	// Under grouper.mu: taken into a group; told to lead.
	taken, promoted bool
}

type groupResult struct {
	id   int64
	ok   bool
	err  error
	lead bool // not an answer: this row's submitter now leads
}

// accept inserts a as acceptRow.insert would, grouped with whatever other
// rows wait at the same time. The wait is one statement or two, so it does
// not give up when ctx ends: a row once queued is answered.
func (g *grouper) accept(ctx context.Context, d *db.DB, a *acceptRow) (int64, bool, error) {
	me := &groupRow{row: a, done: make(chan groupResult, 2)}
	g.mu.Lock()
	g.waiting = append(g.waiting, me)
	if g.leaders < maxLeaders {
		g.leaders++
		g.mu.Unlock()
		return g.lead(ctx, d, me)
	}
	g.mu.Unlock()
	if r := <-me.done; !r.lead {
		return r.id, r.ok, r.err
	}
	return g.lead(ctx, d, me)
}

// lead runs groups until its own row has been taken into one, then hands
// the lead to a waiting submitter (so no submitter serves others for
// long), or steps down when nobody waits.
func (g *grouper) lead(ctx context.Context, d *db.DB, me *groupRow) (int64, bool, error) {
	for {
		g.mu.Lock()
		if me.taken {
			g.handOff()
			g.mu.Unlock()
			break
		}
		group := g.take()
		g.mu.Unlock()
		// Other submitters' rows must not fail because this one's caller
		// went away.
		runGroup(context.WithoutCancel(ctx), d, group)
	}
	for {
		if r := <-me.done; !r.lead {
			return r.id, r.ok, r.err
		}
	}
}

// handOff (under g.mu) passes a leader's place to the first waiting row
// not yet told to lead, or frees it.
func (g *grouper) handOff() {
	for _, w := range g.waiting {
		if !w.promoted {
			w.promoted = true
			w.done <- groupResult{lead: true}
			return
		}
	}
	g.leaders--
}

// take removes from the waiting list (under g.mu) up to maxGroup rows, at
// most one per taxpayer; the others stay for the next group.
func (g *grouper) take() []*groupRow {
	if len(g.waiting) == 0 {
		return nil
	}
	seen := make(map[int64]bool, len(g.waiting))
	var group, rest []*groupRow
	for _, w := range g.waiting {
		if len(group) < maxGroup && !seen[w.row.taxpayerID] {
			seen[w.row.taxpayerID] = true
			w.taken = true
			group = append(group, w)
		} else {
			rest = append(rest, w)
		}
	}
	g.waiting = rest
	return group
}

// largestGroup is the most rows one statement has accepted (tests read it
// to know that groups formed).
var largestGroup atomic.Int64

// runGroup accepts a group and answers each of its rows.
func runGroup(ctx context.Context, d *db.DB, group []*groupRow) {
	if n := int64(len(group)); n > largestGroup.Load() {
		largestGroup.Store(n)
	}
	if len(group) == 1 {
		id, ok, err := group[0].row.insert(ctx, d)
		group[0].done <- groupResult{id: id, ok: ok, err: err}
		return
	}
	// The same order on every node: fewer deadlocks between groups.
	slices.SortFunc(group, func(x, y *groupRow) int { return cmp.Compare(x.row.taxpayerID, y.row.taxpayerID) })
	var ids map[int64]int64
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if ids, err = insertGroup(ctx, d, group); err == nil || !db.IsRetryable(err) {
			break
		}
	}
	if err != nil {
		// Whatever failed, each row gets its own statement and its own
		// answer, so one bad row cannot fail the others.
		for _, w := range group {
			id, ok, err := w.row.insert(ctx, d)
			w.done <- groupResult{id: id, ok: ok, err: err}
		}
		return
	}
	for _, w := range group {
		id, ok := ids[w.row.taxpayerID]
		w.done <- groupResult{id: id, ok: ok}
	}
}

// insertGroup runs acceptGroupPG for the group: the ids of the returns it
// inserted, by taxpayer.
func insertGroup(ctx context.Context, d *db.DB, group []*groupRow) (map[int64]int64, error) {
	n := len(group)
	var (
		taxpayer, bureau, due, user         = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		zero, late                          = make([]int32, n), make([]int32, n)
		form, taxType, start, end, deadline = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		doc, hash, rules, ack, key          = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		userName, at                        = make([]string, n), make([]string, n)
		carry                               = make([]*string, n)
	)
	for i, w := range group {
		a := w.row
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
