package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/ids"
	"taxhall/internal/iitw"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// iitMonths is how many of the last ended months the demo files the
// withholding return on wages for: enough for the cumulative columns to
// show, few enough to keep seeding fast (the web tests seed many times).
const iitMonths = 3

// iitHistory files the withholding return of the last iitMonths ended
// months for an employer with a handful of employees (3 to 5), on time,
// and keeps the roster in step as the hall does after each acceptance. As
// with the other taxes, a third of the employers leave the latest month to
// be filed. Its own random source (by taxpayer) keeps the rest of the demo
// as it was.
func iitHistory(ctx context.Context, d *db.DB, tps *taxpayer.Service, deadlines returns.DeadlineSource, i int, taxpayerID int64,
	from, today calendar.Date) (int, error) {
	// #nosec G404 G115 -- a fixed seed on purpose (the demo is the same on
	// every run); ids are positive, so the conversion keeps the value.
	r := rand.New(rand.NewPCG(uint64(taxpayerID), 61))
	last := prevMonth(calendar.MonthOf(today))
	staff := make([]iitw.Line, 3+i%3)
	for k := range staff {
		born := time.Date(1970+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		wage := int64(6_000+r.IntN(34)*1_000) * 100
		staff[k] = iitw.Line{ResidentID: ids.GenerateResidentID(r, "350203", born, r.IntN(2) == 0), Name: givenName(r), Income: wage,
			Pension: wage * 8 / 100, Medical: wage * 2 / 100, Unemployment: wage / 200, HousingFund: wage * 7 / 100}
	}
	filed := 0
	for n := iitMonths - 1; n >= 0; n-- {
		month := last
		for range n {
			month = prevMonth(month)
		}
		if month.Day(1).Before(calendar.MakeDate(from.Y, from.M, 1)) || (n == 0 && i%3 == 0) {
			continue
		}
		a, err := rules.AdditionalDeductions.At(month.Day(1))
		if err != nil {
			return filed, err
		}
		lines := make([]iitw.Line, len(staff))
		for k, l := range staff {
			// The same claims every month: one child, an only child's
			// parents, a rented home (the tier of a city like Xiamen).
			switch k % 3 {
			case 0:
				l.Child = a.V.Child
			case 1:
				l.Elderly = a.V.ElderlyOnlyChild
			case 2:
				l.Rent = a.V.RentTier2
			}
			l.Row = k + 2
			lines[k] = l
		}
		p := rules.Month(month.Y, month.M)
		ds, err := deadlines.Deadlines(ctx)
		if err != nil {
			return filed, err
		}
		at := ds.ForPeriodEnd(p.End).Date.AddDays(-3 - r.IntN(5))
		if !at.Before(today) {
			continue
		}
		sub, err := submitAt(ctx, d, tps, deadlines, at, iitw.FormCode, returns.PeriodKey(p),
			map[string]string{forms.DetailKey: iitw.EncodeLines(lines)}, 0)
		if err != nil {
			return filed, fmt.Errorf("demo withholding %s: %w", returns.PeriodKey(p), err)
		}
		filed++
		roster := &iitw.Roster{DB: d, Now: func() time.Time { return time.Date(at.Y, at.M, at.D, 10, 30, 0, 0, time.FixedZone("CST", 8*3600)) }}
		if _, err := roster.SyncReturn(ctx, sub.Return); err != nil {
			return filed, err
		}
	}
	return filed, nil
}

func prevMonth(m calendar.YearMonth) calendar.YearMonth {
	return calendar.MonthOf(m.Day(1).AddDays(-1))
}
