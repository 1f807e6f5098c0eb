package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/ids"
	"taxhall/internal/iitrecords"
	"taxhall/internal/iitw"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// DemoPerson is the natural person whose last year of wages the demo
// employer withholds, so that 纳税记录 and 年度汇算 can be tried.
const DemoPerson = "350203196609248952"

// iitLastYear files, for the employer whose withholding identification
// began first, the withholding returns of last year's months (from its
// start, up to the first month the history already filed) with the demo
// person (DemoPerson, else the first active natural person) and two
// colleagues on the payroll. The acceptance writes each person's
// iitrecords lines. It makes no random draws from the seeder's source, so
// the rest of the demo stays as it was.
func iitLastYear(ctx context.Context, d *db.DB, now time.Time) (int, error) {
	today := calendar.FromTime(now.In(cst))
	year := today.Y - 1
	var emp, user, personTP int64
	var start, person, personName string
	err := d.QueryRowContext(ctx, `SELECT i.taxpayer_id, i.start_date, u.id FROM tax_identifications i
		JOIN taxpayers t ON t.id = i.taxpayer_id AND t.status = 'active'
		JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.is_admin = 1
		WHERE i.tax_type = 'iit_withholding' AND COALESCE(i.end_date, '') = '' ORDER BY i.start_date, i.taxpayer_id LIMIT 1`).Scan(&emp, &start, &user)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	err = d.QueryRowContext(ctx, `SELECT id, code, name FROM taxpayers WHERE kind = 'individual' AND status = 'active'
		ORDER BY CASE WHEN code = $1 THEN 0 ELSE 1 END, id LIMIT 1`, DemoPerson).Scan(&personTP, &person, &personName)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	from, err := calendar.ParseDate(start)
	if err != nil {
		return 0, err
	}
	first := calendar.YearMonth{Y: year, M: time.January}
	if m := calendar.MonthOf(from); m.Y == year {
		first = m
	} else if m.Y > year {
		return 0, nil
	}
	// Stop before the first month of the year already filed.
	last := calendar.YearMonth{Y: year, M: time.December}
	var filedFrom sql.NullString
	if err := d.QueryRowContext(ctx, `SELECT MIN(period_start) FROM returns WHERE taxpayer_id = $1 AND form = $2 AND period_start >= $3 AND period_start <= $4`,
		emp, iitw.FormCode, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-01", year)).Scan(&filedFrom); err != nil {
		return 0, err
	}
	if filedFrom.Valid {
		last = prevMonth(calendar.MonthOf(calendar.MustDate(filedFrom.String)))
	}
	tps := &taxpayer.Service{DB: d, Now: func() time.Time { return now }}
	var tp taxpayer.Taxpayer
	if err := d.QueryRowContext(ctx, `SELECT code, name FROM taxpayers WHERE id = $1`, emp).Scan(&tp.Code, &tp.Name); err != nil {
		return 0, err
	}
	actx := auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, UserID: user, Name: "办税员", TaxpayerID: emp, TaxpayerCode: tp.Code,
		TaxpayerName: tp.Name, TaxpayerKind: taxpayer.Enterprise, Role: auth.TPLegalRep, Admin: true})
	// #nosec G404 G115 -- a fixed seed on purpose (the demo is the same on
	// every run); a year is positive, so the conversion keeps the value.
	r := rand.New(rand.NewPCG(uint64(year), 9))
	colleagues := []iitw.Line{
		{ResidentID: ids.GenerateResidentID(r, "350203", time.Date(1988, 3, 12, 0, 0, 0, 0, time.UTC), false), Name: "陈雅琪", Income: 9_000_00},
		{ResidentID: ids.GenerateResidentID(r, "350206", time.Date(1979, 8, 2, 0, 0, 0, 0, time.UTC), true), Name: "黄志强", Income: 22_000_00},
	}
	deadlines := returns.DefaultDeadlines()
	ds, err := deadlines.Deadlines(ctx)
	if err != nil {
		return 0, err
	}
	filed := 0
	for m := first; m.Y == year && !last.Day(1).Before(m.Day(1)); m = m.Next() {
		a, err := rules.AdditionalDeductions.At(m.Day(1))
		if err != nil {
			return filed, err
		}
		lines := []iitw.Line{{ResidentID: person, Name: personName, Income: 15_000_00, Elderly: a.V.ElderlyOnlyChild}}
		lines = append(lines, colleagues...)
		for k := range lines {
			l := &lines[k]
			l.Row = k + 2
			l.Pension, l.Medical, l.Unemployment, l.HousingFund = l.Income*8/100, l.Income*2/100, l.Income/200, l.Income*7/100
		}
		p := rules.Month(m.Y, m.M)
		at := ds.ForPeriodEnd(p.End).Date.AddDays(-4)
		if !at.Before(today) {
			break
		}
		if _, err := submitAt(actx, d, tps, deadlines, at, iitw.FormCode, returns.PeriodKey(p),
			map[string]string{forms.DetailKey: iitw.EncodeLines(lines)}, 0); err != nil {
			return filed, fmt.Errorf("demo withholding %s for %s: %w", returns.PeriodKey(p), personName, err)
		}
		filed++
	}
	return filed, nil
}

// The demo files through returns.Submit, whose accept hook writes the
// person's lines: make sure that hook is registered wherever the demo runs.
var _ = iitrecords.Record
