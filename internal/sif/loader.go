package sif

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
)

func init() { returns.RegisterLoader(FormCode, Load) }

// Load is the return's loader (returns.RegisterLoader): the taxpayer's
// employees on the roster in the period's month (hired by its last day,
// not left before its first), by id, and the entered detail of the
// previous month's accepted current return.
func Load(ctx context.Context, q db.Querier, taxpayerID int64, p rules.Period) (_ any, err error) {
	defer db.Wrap(&err, "sif.Load(%d)", taxpayerID)
	month := calendar.YearMonth{Y: p.Start.Y, M: p.Start.M}
	first, last := month.Day(1), month.Next().Day(1).AddDays(-1)
	list, err := db.Query(ctx, q, func(sc db.Scanner) (*Employee, error) {
		var e Employee
		return &e, sc.Scan(&e.ID, &e.ResidentID, &e.Name)
	}, `SELECT id, resident_id, name FROM employees
		WHERE taxpayer_id = $1 AND hired_on <= $2 AND (left_on IS NULL OR left_on >= $3)
		ORDER BY id LIMIT $4`, taxpayerID, last.String(), first.String(), MaxEmployees+1)
	if err != nil {
		return nil, err
	}
	x := &Extra{}
	for i, e := range list {
		if i == MaxEmployees {
			x.More = true
			break
		}
		x.Employees = append(x.Employees, *e)
	}
	prev := calendar.YearMonth{Y: month.Y, M: month.M - 1}
	if month.M == 1 {
		prev = calendar.YearMonth{Y: month.Y - 1, M: 12}
	}
	var doc string
	err = q.QueryRowContext(ctx, `SELECT doc FROM returns WHERE taxpayer_id = $1 AND form = $2 AND is_current = 1 AND period_start = $3`,
		taxpayerID, FormCode, prev.Day(1).String()).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return x, nil
	}
	if err != nil {
		return nil, err
	}
	var d returns.Doc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, err
	}
	if s := d.Entered[forms.DetailKey]; s != "" {
		if x.Previous, err = DecodeDetail([]byte(s)); err != nil {
			return nil, err
		}
	}
	return x, nil
}
