package returns

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/taxpayer"
)

// The not-filed list read from the maintained set (table notfiled,
// migration 0038). A page is:
//
//  1. the identifications cursor of the sync job, read first: every
//     identification up to it is in the set of every registered period;
//  2. candidates in taxpayer order after the page's key: one range of the
//     set (notfiled_bureau for one bureau, the primary key for the province
//     or a city), plus the identifications past the cursor (the sync job
//     has not applied them yet; a PK range, a few rows);
//  3. one query that keeps the candidates that are still not filed: active,
//     in the staff member's subtree, identified for the period, no original
//     return (one probe of the returns' unique key), no suspension covering
//     the period. A return accepted a moment ago, a suspension or an ended
//     identification takes a row off at once, whatever the jobs' lag;
//  4. when the check dropped candidates, the next range, until the page is
//     full or the set ends.
//
// A period that is not built yet (the daily job registers it after it ends,
// or a database seeded by an older binary) is listed by walking the
// register (notFiledWalk), which is exact and slower.

// nfScope is where a staff member's subtree reads the set.
type nfScope struct {
	all     bool    // the subtree is every bureau: no bureau filter
	bureaus []int64 // otherwise these
}

func (s *Service) notFiledScope(ctx context.Context, a *auth.Actor) (*nfScope, error) {
	cond, arg := a.SubtreeSQL("path", 1)
	type org struct {
		id int64
		in bool
	}
	orgs, err := db.Query(ctx, s.DB, func(sc db.Scanner) (org, error) {
		var o org
		var in any
		err := sc.Scan(&o.id, &in)
		switch v := in.(type) {
		case bool:
			o.in = v
		case int64:
			o.in = v != 0
		}
		return o, err
	}, `SELECT id, CASE WHEN `+cond+` THEN 1 ELSE 0 END FROM orgs ORDER BY id`, arg)
	if err != nil {
		return nil, err
	}
	sc := &nfScope{all: true}
	for _, o := range orgs {
		if o.in {
			sc.bureaus = append(sc.bureaus, o.id)
		} else {
			sc.all = false
		}
	}
	return sc, nil
}

// notFiledBuilt reports whether the board's period is built and returns the
// identifications cursor, read before the set.
func (s *Service) notFiledBuilt(ctx context.Context, b *Board) (bool, int64, error) {
	var state sql.NullString
	var cursor int64
	err := s.DB.QueryRowContext(ctx, `SELECT c.last_id, p.state FROM notfiled_cursors c
		LEFT JOIN notfiled_periods p ON p.form = $1 AND p.kind = $2 AND p.period_start = $3
		WHERE c.name = 'identifications'`, b.Form.Code, b.Kind, b.Period.Start.String()).Scan(&cursor, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return false, 0, nil
	}
	return state.String == nfBuilt, cursor, err
}

// notFiledSet lists a page from the set; ok is false when the period is
// not built (the caller walks the register).
func (s *Service) notFiledSet(ctx context.Context, a *auth.Actor, b *Board, after int64, limit int) (_ []*Filer, next int64, ok bool, err error) {
	built, cursor, err := s.notFiledBuilt(ctx, b)
	if err != nil || !built {
		return nil, 0, false, err
	}
	scope, err := s.notFiledScope(ctx, a)
	if err != nil {
		return nil, 0, false, err
	}
	if len(scope.bureaus) == 0 {
		return nil, 0, true, nil
	}
	// Identifications the sync job has not applied: candidates too.
	// Only the id range may drive the scan: SQLite chose the
	// (tax_type, taxpayer_id) index for tax_type = $2 AND taxpayer_id > $6
	// and read every identification of the tax (124 ms at a million
	// taxpayers) where a few rows past the cursor are wanted; COALESCE
	// keeps the two columns out of index selection on both databases.
	delta, err := db.Query(ctx, s.DB, scanID, `SELECT taxpayer_id FROM tax_identifications
		WHERE id > $1 AND COALESCE(tax_type, '') = $2 AND period = $3 AND start_date <= $4 AND (end_date = '' OR end_date >= $5)
		  AND COALESCE(taxpayer_id, 0) > $6`,
		cursor, b.Form.TaxType, b.Kind, b.Period.End.String(), b.Period.Start.String(), after)
	if err != nil {
		return nil, 0, false, err
	}
	slices.Sort(delta)
	delta = slices.Compact(delta)

	want := limit + 1
	var list []*Filer
	from := after
	for len(list) < want {
		batch, err := s.notFiledRange(ctx, scope, b, from, want)
		if err != nil {
			return nil, 0, false, err
		}
		end := len(batch) < want // the set has no more rows after these
		var hi int64 = 1<<63 - 1
		if !end {
			hi = batch[len(batch)-1]
		}
		cands := batch
		for len(delta) > 0 && delta[0] <= hi {
			if delta[0] > from {
				cands = append(cands, delta[0])
			}
			delta = delta[1:]
		}
		slices.Sort(cands)
		cands = slices.Compact(cands)
		got, err := s.notFiledCheck(ctx, a, b, cands)
		if err != nil {
			return nil, 0, false, err
		}
		list = append(list, got...)
		if end {
			break
		}
		from = hi
	}
	if len(list) > limit {
		list = list[:limit]
		next = list[limit-1].TaxpayerID
	}
	return list, next, true, nil
}

func scanID(sc db.Scanner) (int64, error) {
	var id int64
	return id, sc.Scan(&id)
}

// notFiledRange reads up to n taxpayer ids of the set after from, in order.
func (s *Service) notFiledRange(ctx context.Context, sc *nfScope, b *Board, from int64, n int) ([]int64, error) {
	args := []any{b.Form.Code, b.Period.Start.String(), b.Kind, from, n}
	where := `form = $1 AND period_start = $2 AND kind = $3 AND taxpayer_id > $4`
	switch {
	case sc.all:
	case len(sc.bureaus) == 1:
		where = `bureau_id = $6 AND ` + where
		args = append(args, sc.bureaus[0])
	default:
		marks := make([]string, len(sc.bureaus))
		for i, id := range sc.bureaus {
			args = append(args, id)
			marks[i] = "$" + strconv.Itoa(len(args))
		}
		where += ` AND bureau_id IN (` + strings.Join(marks, ", ") + `)`
	}
	return db.Query(ctx, s.DB, scanID, `SELECT taxpayer_id FROM notfiled WHERE `+where+` ORDER BY taxpayer_id LIMIT $5`, args...)
}

// notFiledCheck keeps the candidates that are on the list now, in taxpayer
// order, with what the page shows.
func (s *Service) notFiledCheck(ctx context.Context, a *auth.Actor, b *Board, ids []int64) ([]*Filer, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cond, arg := a.SubtreeSQL("o.path", 7)
	args := []any{b.Form.TaxType, b.Kind, b.Period.Start.String(), b.Period.End.String(), b.Form.Code, taxpayer.StatusActive, arg}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(len(args))
	}
	list, err := db.Query(ctx, s.DB, scanFiler, `SELECT t.id, t.code, t.name, t.kind, o.name, t.phone, 0, '', 0
		FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id
		WHERE t.id IN (`+strings.Join(marks, ", ")+`) AND t.status = $6 AND `+cond+`
		  AND EXISTS (SELECT 1 FROM tax_identifications i WHERE i.taxpayer_id = t.id AND i.tax_type = $1 AND i.period = $2
		      AND i.start_date <= $4 AND (i.end_date = '' OR i.end_date >= $3))
		  AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.taxpayer_id = t.id AND r.form = $5 AND r.period_start = $3 AND r.version = 1)
		  AND NOT EXISTS (SELECT 1 FROM taxpayer_suspensions s WHERE s.taxpayer_id = t.id AND s.from_date <= $3 AND s.to_date >= $4)
		ORDER BY t.id`, args...)
	return list, err
}
