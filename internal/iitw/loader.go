package iitw

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
)

func init() { returns.RegisterLoader(FormCode, LoadPrior) }

// LoadPrior is the withholding return's loader (returns.RegisterLoader): each
// employee's Prior for the period, keyed by resident ID. The sums add up the
// lines of the taxpayer's accepted current returns of the earlier months of
// the year (a corrected month counts as corrected; the tax withheld is what
// each month's return made payable). The months employed before the period
// come from the roster's hiring and leaving dates (MonthsBefore), and are at
// least the number of earlier months the employee was filed for, so a
// roster that was not synced cannot shorten them.
func LoadPrior(ctx context.Context, q db.Querier, taxpayerID int64, p rules.Period) (_ any, err error) {
	defer db.Wrap(&err, "iitw.LoadPrior(%d)", taxpayerID)
	month := calendar.YearMonth{Y: p.Start.Y, M: p.Start.M}
	out := map[string]Prior{}
	filed := map[string]int{} // earlier months with a line
	docs, err := db.Query(ctx, q, func(sc db.Scanner) (*string, error) {
		var s string
		return &s, sc.Scan(&s)
	}, `SELECT doc FROM returns WHERE taxpayer_id = $1 AND form = $2 AND is_current = 1 AND period_start >= $3 AND period_start < $4
		ORDER BY period_start`, taxpayerID, FormCode, calendar.MakeDate(month.Y, 1, 1).String(), p.Start.String())
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		var doc struct {
			Detail json.RawMessage `json:"detail"`
		}
		if err := json.Unmarshal([]byte(*d), &doc); err != nil {
			return nil, err
		}
		res, err := DetailOf(doc.Detail)
		if err != nil {
			return nil, err
		}
		for i := range res {
			r := &res[i]
			a := out[r.ResidentID]
			a.Income += r.Income
			a.TaxFree += r.TaxFree
			a.Special += r.Special()
			a.Additional += r.Additional()
			a.Other += r.Other
			a.Withheld += r.Tax
			out[r.ResidentID] = a
			filed[r.ResidentID]++
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT resident_id, hired_on, left_on FROM employees WHERE taxpayer_id = $1`, taxpayerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, hired string
		var left sql.NullString
		if err := rows.Scan(&id, &hired, &left); err != nil {
			return nil, err
		}
		h, err := calendar.ParseDate(hired)
		if err != nil {
			return nil, fmt.Errorf("employee hired_on %q: %w", hired, err)
		}
		var l calendar.Date
		if left.Valid {
			if l, err = calendar.ParseDate(left.String); err != nil {
				return nil, fmt.Errorf("employee left_on %q: %w", left.String, err)
			}
		}
		a := out[id]
		a.Months = monthsEmployed(month, h, l)
		out[id] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id, n := range filed {
		if a := out[id]; a.Months < n {
			a.Months = n
			out[id] = a
		}
	}
	return out, nil
}

// monthsEmployed counts the months of the year before month in which an
// employee hired on hired (and, if left is not zero, who left on left) was
// employed: MonthsBefore, ending with the month of leaving when that came
// before month. Someone who left and comes back in month has worked the
// months up to the leaving (国家税务总局公告2018年第61号: 当年截至本月在本单位
// 的任职受雇月份数).
func monthsEmployed(month calendar.YearMonth, hired, left calendar.Date) int {
	n := MonthsBefore(month, hired)
	if left.IsZero() || !left.Before(month.Day(1)) {
		return n
	}
	if left.Y < month.Y {
		return 0
	}
	first := 1
	if !hired.IsZero() && hired.Y == month.Y {
		first = int(hired.M)
	}
	return min(n, max(0, int(left.M)-first+1))
}

// SyncReturn keeps the roster in step with an accepted withholding return
// (Sync over its lines), after a submission through the hall or the API.
// Other forms are ignored. Sync is idempotent, so a repeated submission or
// a retry after a failure changes nothing more.
func (s *Roster) SyncReturn(ctx context.Context, r *returns.Return) (int64, error) {
	if r == nil || r.Form != FormCode {
		return 0, nil
	}
	res, err := DetailOf(r.Doc.Detail)
	if err != nil {
		return 0, err
	}
	lines := make([]Line, len(res))
	for i := range res {
		lines[i] = res[i].Line
	}
	return s.Sync(ctx, calendar.YearMonth{Y: r.Period.Start.Y, M: r.Period.Start.M}, lines)
}
