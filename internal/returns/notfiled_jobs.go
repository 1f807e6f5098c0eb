package returns

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/jobs"
	"taxhall/internal/rules"
)

// The jobs that keep the not-filed set (notfiled.go) up to date. None of
// them is needed for the list to be exact: they keep it short.
//
//   - notfiled.sync, one per minute (the minute is its key, so nodes that
//     all enqueue it make one job): applies the returns accepted since its
//     cursor (deletes their rows), the identifications (adds rows for every
//     registered period they cover, once they are Settle old) and the
//     suspensions (deletes the rows of the periods they cover). Each batch
//     moves its cursor with a conditional UPDATE in the batch's
//     transaction: two runners cannot both apply a batch, and what they
//     write is idempotent anyway (ON CONFLICT DO NOTHING, deletes).
//   - notfiled.daily, one per day: registers the periods that have ended
//     (the board's recent periods of each form) and starts their builds,
//     and a purge of every built period (rows whose return or suspension a
//     race let through).
//   - notfiled.page: one page of a build (PageSize identified taxpayers,
//     in taxpayer order; the last page marks the period built) or of a purge
//     (PageSize rows of the set), then the next page in the same
//     transaction.

// Job kinds.
const (
	KindNotFiledSync  = "notfiled.sync"
	KindNotFiledDaily = "notfiled.daily"
	KindNotFiledPage  = "notfiled.page"
)

// Period states in notfiled_periods.
const (
	nfBuilding = "building"
	nfBuilt    = "built"
)

// errCursorMoved: another runner moved the cursor first; the batch is dropped.
var errCursorMoved = errors.New("returns: another runner applied this batch")

// NotFiledJobs maintains the not-filed set.
type NotFiledJobs struct {
	DB       *db.DB
	Now      func() time.Time
	Log      *slog.Logger
	PageSize int // taxpayers per build or purge page; 5000 when 0
	Batch    int // rows per sync batch; 1000 when 0
	// Settle is how old an identification must be before the cursor
	// passes it: on PostgreSQL ids are drawn before commit, so a row with a
	// smaller id may still appear; until the cursor passes an
	// identification, every list reads it directly. 10 minutes when 0.
	Settle time.Duration
}

func (j *NotFiledJobs) pageSize() int {
	if j.PageSize <= 0 {
		return 5000
	}
	return j.PageSize
}

func (j *NotFiledJobs) batch() int {
	if j.Batch <= 0 {
		return 1000
	}
	return j.Batch
}

func (j *NotFiledJobs) settle() time.Duration {
	if j.Settle <= 0 {
		return 10 * time.Minute
	}
	return j.Settle
}

func (j *NotFiledJobs) log() *slog.Logger {
	if j.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return j.Log
}

// Register adds the handlers to r.
func (j *NotFiledJobs) Register(r *jobs.Runner) {
	r.Handle(KindNotFiledSync, func(ctx context.Context, _ *jobs.Claimed) error { return j.Sync(ctx) })
	r.Handle(KindNotFiledDaily, j.runDaily)
	r.Handle(KindNotFiledPage, j.runPage)
}

// Ensure enqueues the sync of now's minute and the run of now's day (China
// time), once whoever calls it.
func (j *NotFiledJobs) Ensure(ctx context.Context, now time.Time) error {
	if _, err := jobs.Enqueue(ctx, j.DB, jobs.Job{Kind: KindNotFiledSync, Key: now.UTC().Format("2006-01-02T15:04"), RunAt: now}); err != nil {
		return err
	}
	day := calendar.FromTime(now.In(china)).String()
	_, err := jobs.Enqueue(ctx, j.DB, jobs.Job{Kind: KindNotFiledDaily, Key: day, RunAt: now, Payload: nfDay{Day: day}})
	return err
}

// Loop calls Ensure now and every interval until ctx ends.
func (j *NotFiledJobs) Loop(ctx context.Context, interval time.Duration) {
	for {
		if err := j.Ensure(ctx, j.Now()); err != nil && ctx.Err() == nil {
			j.log().Warn("notfiled: could not schedule the jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// Sync applies the returns, identifications and suspensions written since
// the cursors, batch after batch, until it has caught up (or 40 seconds,
// inside a job's lease; the next minute's job goes on).
func (j *NotFiledJobs) Sync(ctx context.Context) error {
	stop := time.Now().Add(40 * time.Second)
	for _, step := range []func(context.Context) (int, error){j.syncReturns, j.syncIdentifications, j.syncSuspensions} {
		for time.Now().Before(stop) {
			n, err := step(ctx)
			if errors.Is(err, errCursorMoved) {
				break // another runner is on this cursor
			}
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
		}
	}
	return nil
}

// advance moves a cursor from old to to inside tx, or fails with errCursorMoved.
func advance(ctx context.Context, tx *sql.Tx, name string, old, to int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE notfiled_cursors SET last_id = $1, updated_at = $2 WHERE name = $3 AND last_id = $4`, to, db.TS(now), name, old)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return err
		}
		return errCursorMoved
	}
	return nil
}

func cursorOf(ctx context.Context, q db.Querier, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT last_id FROM notfiled_cursors WHERE name = $1`, name).Scan(&id)
	return id, err
}

// periodKind names the kind of a stored period: month, quarter or year.
func periodKind(start, end string) string {
	switch {
	case len(start) >= 7 && len(end) >= 7 && start[:7] == end[:7]:
		return "month"
	case strings.HasSuffix(start, "-01-01") && strings.HasSuffix(end, "-12-31"):
		return "year"
	}
	return "quarter"
}

// syncReturns deletes the rows of one batch of returns; it returns how many
// returns the batch read.
func (j *NotFiledJobs) syncReturns(ctx context.Context) (int, error) {
	n := 0
	err := j.DB.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := cursorOf(ctx, tx, "returns")
		if err != nil {
			return err
		}
		type ret struct {
			id, taxpayer, version int64
			form, start, end      string
		}
		list, err := db.Query(ctx, tx, func(sc db.Scanner) (ret, error) {
			var r ret
			return r, sc.Scan(&r.id, &r.taxpayer, &r.version, &r.form, &r.start, &r.end)
		}, `SELECT id, taxpayer_id, version, form, period_start, period_end FROM returns WHERE id > $1 ORDER BY id LIMIT $2`, cur, j.batch())
		if err != nil {
			return err
		}
		n = len(list)
		if n == 0 {
			return nil
		}
		// One DELETE per form and period of the batch (a batch is mostly
		// one or two periods).
		type key struct{ form, start, kind string }
		groups := map[key][]int64{}
		var order []key
		for _, r := range list {
			if r.version != 1 {
				continue
			}
			k := key{r.form, r.start, periodKind(r.start, r.end)}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], r.taxpayer)
		}
		for _, k := range order {
			args := []any{k.form, k.start, k.kind}
			marks := make([]string, len(groups[k]))
			for i, id := range groups[k] {
				args = append(args, id)
				marks[i] = "$" + strconv.Itoa(len(args))
			}
			// #nosec G202 -- marks holds only numbered placeholders
			if _, err := tx.ExecContext(ctx, `DELETE FROM notfiled WHERE form = $1 AND period_start = $2 AND kind = $3
				AND taxpayer_id IN (`+strings.Join(marks, ", ")+`)`, args...); err != nil {
				return err
			}
		}
		return advance(ctx, tx, "returns", cur, list[len(list)-1].id, j.Now())
	})
	return n, err
}

// nfInsertIdent adds the rows an identification makes in the registered
// periods it covers, for a taxpayer who has not filed and is not suspended.
const nfInsertIdent = `INSERT INTO notfiled (form, period_start, kind, taxpayer_id, bureau_id)
	SELECT p.form, p.period_start, p.kind, t.id, t.bureau_id FROM notfiled_periods p JOIN taxpayers t ON t.id = $1
	WHERE p.tax_type = $2 AND p.kind = $3 AND p.period_end >= $4 AND ($5 = '' OR p.period_start <= $5)
	  AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.taxpayer_id = t.id AND r.form = p.form AND r.period_start = p.period_start AND r.version = 1)
	  AND NOT EXISTS (SELECT 1 FROM taxpayer_suspensions s WHERE s.taxpayer_id = t.id AND s.from_date <= p.period_start AND s.to_date >= p.period_end)
	ON CONFLICT DO NOTHING`

// syncIdentifications applies one batch of settled identifications.
func (j *NotFiledJobs) syncIdentifications(ctx context.Context) (int, error) {
	n := 0
	now := j.Now()
	settled := now.Add(-j.settle())
	err := j.DB.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := cursorOf(ctx, tx, "identifications")
		if err != nil {
			return err
		}
		type ident struct {
			id, taxpayer                     int64
			taxType, kind, start, end, added string
		}
		list, err := db.Query(ctx, tx, func(sc db.Scanner) (ident, error) {
			var i ident
			return i, sc.Scan(&i.id, &i.taxpayer, &i.taxType, &i.kind, &i.start, &i.end, &i.added)
		}, `SELECT id, taxpayer_id, tax_type, period, start_date, end_date, created_at FROM tax_identifications WHERE id > $1 ORDER BY id LIMIT $2`, cur, j.batch())
		if err != nil {
			return err
		}
		last := cur
		for _, i := range list {
			if db.ParseTS(i.added).After(settled) {
				break // too young: lists read it directly meanwhile
			}
			// start_date ≤ period_end is p.period_end ≥ start; an end date
			// before the period's start leaves it out.
			if _, err := tx.ExecContext(ctx, nfInsertIdent, i.taxpayer, i.taxType, i.kind, i.start, i.end); err != nil {
				return err
			}
			last = i.id
			n++
		}
		if last == cur {
			return nil
		}
		return advance(ctx, tx, "identifications", cur, last, now)
	})
	return n, err
}

// syncSuspensions deletes the rows of the registered periods that one batch
// of suspensions covers.
func (j *NotFiledJobs) syncSuspensions(ctx context.Context) (int, error) {
	n := 0
	err := j.DB.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := cursorOf(ctx, tx, "suspensions")
		if err != nil {
			return err
		}
		type susp struct {
			id, taxpayer int64
			from, to     string
		}
		list, err := db.Query(ctx, tx, func(sc db.Scanner) (susp, error) {
			var s susp
			return s, sc.Scan(&s.id, &s.taxpayer, &s.from, &s.to)
		}, `SELECT id, taxpayer_id, from_date, to_date FROM taxpayer_suspensions WHERE id > $1 ORDER BY id LIMIT $2`, cur, j.batch())
		if err != nil {
			return err
		}
		n = len(list)
		if n == 0 {
			return nil
		}
		for _, s := range list {
			periods, err := db.Query(ctx, tx, scanNFPeriod, `SELECT form, kind, period_start, period_end, tax_type, state FROM notfiled_periods
				WHERE period_start >= $1 AND period_end <= $2`, s.from, s.to)
			if err != nil {
				return err
			}
			for _, p := range periods {
				if _, err := tx.ExecContext(ctx, `DELETE FROM notfiled WHERE form = $1 AND period_start = $2 AND kind = $3 AND taxpayer_id = $4`,
					p.form, p.start, p.kind, s.taxpayer); err != nil {
					return err
				}
			}
		}
		return advance(ctx, tx, "suspensions", cur, list[len(list)-1].id, j.Now())
	})
	return n, err
}

// nfPeriod is a row of notfiled_periods.
type nfPeriod struct {
	form, kind, start, end, taxType, state string
}

func scanNFPeriod(sc db.Scanner) (nfPeriod, error) {
	var p nfPeriod
	return p, sc.Scan(&p.form, &p.kind, &p.start, &p.end, &p.taxType, &p.state)
}

// nfWanted are the periods the boards offer on day (RecentPeriods): the
// ones the set holds.
func nfWanted(day calendar.Date) []nfPeriod {
	var out []nfPeriod
	for _, f := range BoardForms() {
		for _, p := range recentPeriods(f, day) {
			out = append(out, nfPeriod{form: f.Code, kind: kindOf(p), start: p.Start.String(), end: p.End.String(), taxType: f.TaxType})
		}
	}
	return out
}

func kindOf(p rules.Period) string { return periodKind(p.Start.String(), p.End.String()) }

// register adds the wanted periods of day that are not registered yet.
func register(ctx context.Context, q db.Querier, day calendar.Date, now time.Time) error {
	for _, p := range nfWanted(day) {
		if _, err := q.ExecContext(ctx, `INSERT INTO notfiled_periods (form, kind, period_start, period_end, tax_type, state, created_at)
			VALUES ($1, $2, $3, $4, $5, 'building', $6) ON CONFLICT (form, kind, period_start) DO NOTHING`,
			p.form, p.kind, p.start, p.end, p.taxType, db.TS(now)); err != nil {
			return err
		}
	}
	return nil
}

type nfDay struct {
	Day string `json:"day"`
}

type nfPage struct {
	Mode  string `json:"mode"` // build or purge
	Day   string `json:"day"`
	Form  string `json:"form"`
	Kind  string `json:"kind"`
	Start string `json:"start"`
	After int64  `json:"after"`
}

func (p nfPage) key() string {
	return fmt.Sprintf("%s:%s:%s:%s:%s:%d", p.Mode, p.Day, p.Form, p.Kind, p.Start, p.After)
}

func (j *NotFiledJobs) runDaily(ctx context.Context, c *jobs.Claimed) error {
	var p nfDay
	if err := c.Decode(&p); err != nil {
		return err
	}
	day, err := calendar.ParseDate(p.Day)
	if err != nil {
		return err
	}
	return j.RunDay(ctx, day)
}

// RunDay registers the periods ended by day and enqueues the first page of
// each build and purge; running it again for the same day adds nothing.
func (j *NotFiledJobs) RunDay(ctx context.Context, day calendar.Date) error {
	return j.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := register(ctx, tx, day, j.Now()); err != nil {
			return err
		}
		periods, err := db.Query(ctx, tx, scanNFPeriod, `SELECT form, kind, period_start, period_end, tax_type, state FROM notfiled_periods ORDER BY form, kind, period_start`)
		if err != nil {
			return err
		}
		for _, p := range periods {
			mode := "purge"
			if p.state == nfBuilding {
				mode = "build"
			}
			pg := nfPage{Mode: mode, Day: day.String(), Form: p.form, Kind: p.kind, Start: p.start}
			if _, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: KindNotFiledPage, Key: pg.key(), Payload: pg}); err != nil {
				return err
			}
		}
		return nil
	})
}

func (j *NotFiledJobs) runPage(ctx context.Context, c *jobs.Claimed) error {
	var p nfPage
	if err := c.Decode(&p); err != nil {
		return err
	}
	return j.DB.Tx(ctx, func(tx *sql.Tx) error {
		next, err := j.page(ctx, tx, p)
		if err != nil || next == 0 {
			return err
		}
		p.After = next
		_, err = jobs.Enqueue(ctx, tx, jobs.Job{Kind: KindNotFiledPage, Key: p.key(), Payload: p})
		return err
	})
}

// RunPages runs a build or purge chain synchronously (tests, a catch-up).
func (j *NotFiledJobs) RunPages(ctx context.Context, mode, form, kind, start string) error {
	p := nfPage{Mode: mode, Form: form, Kind: kind, Start: start}
	for {
		var next int64
		if err := j.DB.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			next, err = j.page(ctx, tx, p)
			return err
		}); err != nil || next == 0 {
			return err
		}
		p.After = next
	}
}

// nfInsertRange adds the rows of one period for the identified taxpayers
// of a taxpayer-id range.
const nfInsertRange = `INSERT INTO notfiled (form, period_start, kind, taxpayer_id, bureau_id)
	SELECT DISTINCT p.form, p.period_start, p.kind, t.id, t.bureau_id
	FROM notfiled_periods p JOIN tax_identifications i ON i.tax_type = p.tax_type AND i.period = p.kind
	    AND i.start_date <= p.period_end AND (i.end_date = '' OR i.end_date >= p.period_start)
	JOIN taxpayers t ON t.id = i.taxpayer_id
	WHERE p.form = $1 AND p.kind = $2 AND p.period_start = $3 AND i.taxpayer_id > $4 AND i.taxpayer_id <= $5
	  AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.taxpayer_id = t.id AND r.form = p.form AND r.period_start = p.period_start AND r.version = 1)
	  AND NOT EXISTS (SELECT 1 FROM taxpayer_suspensions s WHERE s.taxpayer_id = t.id AND s.from_date <= p.period_start AND s.to_date >= p.period_end)
	ORDER BY p.form, p.period_start, p.kind, t.id
	ON CONFLICT DO NOTHING`

// page does one page and returns the next page's cursor, 0 after the last.
func (j *NotFiledJobs) page(ctx context.Context, tx *sql.Tx, p nfPage) (int64, error) {
	var per nfPeriod
	err := tx.QueryRowContext(ctx, `SELECT form, kind, period_start, period_end, tax_type, state FROM notfiled_periods
		WHERE form = $1 AND kind = $2 AND period_start = $3`, p.Form, p.Kind, p.Start).
		Scan(&per.form, &per.kind, &per.start, &per.end, &per.taxType, &per.state)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	size := j.pageSize()
	var upper int64
	switch p.Mode {
	case "build":
		if per.state == nfBuilt {
			return 0, nil // another chain finished it
		}
		err = tx.QueryRowContext(ctx, `SELECT taxpayer_id FROM tax_identifications WHERE tax_type = $1 AND taxpayer_id > $2
			ORDER BY taxpayer_id LIMIT 1 OFFSET $3`, per.taxType, p.After, size-1).Scan(&upper)
	case "purge":
		err = tx.QueryRowContext(ctx, `SELECT taxpayer_id FROM notfiled WHERE form = $1 AND period_start = $2 AND kind = $3 AND taxpayer_id > $4
			ORDER BY taxpayer_id LIMIT 1 OFFSET $5`, per.form, per.start, per.kind, p.After, size-1).Scan(&upper)
	default:
		return 0, fmt.Errorf("returns: unknown not-filed page mode %q", p.Mode)
	}
	last := errors.Is(err, sql.ErrNoRows)
	if err != nil && !last {
		return 0, err
	}
	hi := upper
	if last {
		hi = 1<<63 - 1
	}
	if p.Mode == "build" {
		if _, err := tx.ExecContext(ctx, nfInsertRange, per.form, per.kind, per.start, p.After, hi); err != nil {
			return 0, err
		}
		if last {
			_, err := tx.ExecContext(ctx, `UPDATE notfiled_periods SET state = 'built', built_at = $4 WHERE form = $1 AND kind = $2 AND period_start = $3 AND state = 'building'`,
				per.form, per.kind, per.start, db.TS(j.Now()))
			return 0, err
		}
		return upper, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM notfiled WHERE form = $1 AND period_start = $2 AND kind = $3 AND taxpayer_id > $4 AND taxpayer_id <= $5
		AND (EXISTS (SELECT 1 FROM returns r WHERE r.taxpayer_id = notfiled.taxpayer_id AND r.form = $1 AND r.period_start = $2 AND r.version = 1)
		  OR EXISTS (SELECT 1 FROM taxpayer_suspensions s WHERE s.taxpayer_id = notfiled.taxpayer_id AND s.from_date <= $2 AND s.to_date >= $6))`,
		per.form, per.start, per.kind, p.After, hi, per.end); err != nil {
		return 0, err
	}
	if last {
		return 0, nil
	}
	return upper, nil
}

// BuildNotFiled builds the not-filed set of every period the boards offer
// on now's day in one transaction, set-based (one INSERT … SELECT per
// form, in primary-key order: the index pages fill from the right, 40 %
// faster than in hash order on PostgreSQL), and moves the sync cursors to
// the last rows: for a database loaded in bulk (the seed's post-load step),
// where nothing else writes.
func BuildNotFiled(ctx context.Context, d *db.DB, now time.Time) (rows int64, err error) {
	defer db.Wrap(&err, "returns.BuildNotFiled")
	day := calendar.FromTime(now.In(china))
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		rows = 0
		if err := register(ctx, tx, day, now); err != nil {
			return err
		}
		for _, f := range BoardForms() {
			res, err := tx.ExecContext(ctx, `INSERT INTO notfiled (form, period_start, kind, taxpayer_id, bureau_id)
				SELECT DISTINCT p.form, p.period_start, p.kind, t.id, t.bureau_id
				FROM notfiled_periods p JOIN tax_identifications i ON i.tax_type = p.tax_type AND i.period = p.kind
				    AND i.start_date <= p.period_end AND (i.end_date = '' OR i.end_date >= p.period_start)
				JOIN taxpayers t ON t.id = i.taxpayer_id
				WHERE p.form = $1
				  AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.taxpayer_id = t.id AND r.form = p.form AND r.period_start = p.period_start AND r.version = 1)
				  AND NOT EXISTS (SELECT 1 FROM taxpayer_suspensions s WHERE s.taxpayer_id = t.id AND s.from_date <= p.period_start AND s.to_date >= p.period_end)
				ORDER BY p.form, p.period_start, p.kind, t.id
				ON CONFLICT DO NOTHING`, f.Code)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			rows += n
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notfiled_periods SET state = 'built', built_at = $1 WHERE state = 'building'`, db.TS(now)); err != nil {
			return err
		}
		for name, table := range map[string]string{"returns": "returns", "identifications": "tax_identifications", "suspensions": "taxpayer_suspensions"} {
			// #nosec G202 -- table names from the map above, not input.
			if _, err := tx.ExecContext(ctx, `UPDATE notfiled_cursors SET last_id = (SELECT COALESCE(MAX(id), 0) FROM `+table+`), updated_at = $1
				WHERE name = $2 AND last_id < (SELECT COALESCE(MAX(id), 0) FROM `+table+`)`, db.TS(now), name); err != nil {
				return err
			}
		}
		return nil
	})
	return rows, err
}
