package returns

import (
	"context"
	"strings"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// Relief is what approved applications (package workflow) changed in a
// taxpayer's filing duties:
//
//   - a suspension (停业登记, taxpayer_suspensions) from one day to another:
//     a period that lies wholly inside it is not due (StatusSuspended); a
//     period only partly inside stays due;
//   - an extension of filing (延期申报, filing_extensions) of one tax and one
//     period: that period's deadline is the approved day, so the late flag
//     of a return filed by then is not set and the late fee counts from it.
//
// The extension names the tax as the application form does ("vat", "cit",
// "iit", …): ExtensionTax maps an identification's tax type to it.
type Relief struct {
	suspensions [][2]calendar.Date
	extended    map[string]calendar.Date // ExtensionTax|PeriodKey → deadline
}

// ExtensionTax is the tax of an extension that covers identification tax
// type taxType: VAT of either kind is "vat", withholding IIT "iit", the
// others their own code.
func ExtensionTax(taxType string) string {
	if taxType == "iit_withholding" {
		return "iit"
	}
	return taxpayer.TaxGroup(taxType)
}

// ReliefOf reads the taxpayer's suspensions and extensions (two index
// probes on taxpayer_id, in one query).
func ReliefOf(ctx context.Context, q db.Querier, taxpayerID int64) (*Relief, error) {
	r := &Relief{extended: map[string]calendar.Date{}}
	rows, err := q.QueryContext(ctx, reliefQuery, taxpayerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		if err := r.scan(rows); err != nil {
			return nil, err
		}
	}
	return r, rows.Err()
}

// reliefReads queues ReliefOf's query into b; the Relief is filled in when
// b runs.
func reliefReads(b *db.Batch, taxpayerID int64) *Relief {
	r := &Relief{extended: map[string]calendar.Date{}}
	b.Query(r.scan, reliefQuery, taxpayerID)
	return r
}

// reliefQuery reads a taxpayer's suspensions and extensions, in no
// particular order (a Relief is a set).
const reliefQuery = `SELECT 's', from_date, to_date, '' FROM taxpayer_suspensions WHERE taxpayer_id = $1
		UNION ALL SELECT 'e', tax_type, period, deadline FROM filing_extensions WHERE taxpayer_id = $1`

// scan adds one row of reliefQuery.
func (r *Relief) scan(sc db.Scanner) error {
	var kind, a, b, c string
	if err := sc.Scan(&kind, &a, &b, &c); err != nil {
		return err
	}
	r.add(kind, a, b, c)
	return nil
}

// add adds one row of reliefQuery: a suspension ("s", from, to) or an
// extension ("e", tax, period, deadline).
func (r *Relief) add(kind, a, b, c string) {
	if kind == "s" {
		f, err1 := calendar.ParseDate(a)
		t, err2 := calendar.ParseDate(b)
		if err1 != nil || err2 != nil || f.IsZero() {
			return // an unreadable row suspends nothing
		}
		r.suspensions = append(r.suspensions, [2]calendar.Date{f, t})
		return
	}
	d, err := calendar.ParseDate(c)
	if err != nil {
		return
	}
	r.extended[a+"|"+strings.ToUpper(strings.TrimSpace(b))] = d
}

// Suspended reports whether period p lies wholly inside a suspension.
func (r *Relief) Suspended(p rules.Period) bool {
	if r == nil {
		return false
	}
	for _, s := range r.suspensions {
		if !p.Start.Before(s[0]) && !p.End.After(s[1]) {
			return true
		}
	}
	return false
}

// Deadline is the deadline of tax type taxType's period p: d, or the day an
// extension of that period approved (only ever later: an extension that
// would shorten the deadline is ignored). extended reports a move.
func (r *Relief) Deadline(taxType string, p rules.Period, d calendar.Deadline) (_ calendar.Deadline, extended bool) {
	if r == nil {
		return d, false
	}
	day, ok := r.extended[ExtensionTax(taxType)+"|"+PeriodKey(p)]
	if !ok || !day.After(d.Date) {
		return d, false
	}
	d.Date, d.Month = day, calendar.YearMonth{Y: day.Y, M: day.M}
	return d, true
}
