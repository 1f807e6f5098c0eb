package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/iitw"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/sif"
	"taxhall/internal/taxpayer"
)

// History files a realistic history of returns for the demo taxpayers:
// every period their identifications created from 2025 to the last ended
// period, most on time, some late, some corrected, some not filed, so that
// my tax area and the clerks' boards look like a real bureau's on the
// first run. It goes through the returns service (the same validation,
// canonical documents and liabilities as a taxpayer's own filing), with the
// clock set to each submission's day. Deterministic for a given database.
func History(ctx context.Context, d *db.DB, now time.Time) (int, error) {
	type filer struct {
		id, user           int64
		name, role, kind   string
		code, taxpayerName string
		standard           string
	}
	list, err := db.Query(ctx, d, func(sc db.Scanner) (*filer, error) {
		var f filer
		return &f, sc.Scan(&f.id, &f.user, &f.name, &f.role, &f.kind, &f.code, &f.taxpayerName, &f.standard)
	}, `SELECT t.id, u.id, u.name, u.role, t.kind, t.code, t.name, t.accounting_standard FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.is_admin = 1
		WHERE t.status = 'active' ORDER BY t.id`)
	if err != nil {
		return 0, err
	}
	// #nosec G404 -- a fixed seed on purpose: the demo is the same on every run.
	r := rand.New(rand.NewPCG(2025, 12))
	tps := &taxpayer.Service{DB: d, Now: func() time.Time { return now }}
	deadlines := returns.DefaultDeadlines()
	ds, _ := deadlines.Deadlines(ctx)
	today := calendar.FromTime(now)
	filed := 0
	for i, f := range list {
		actor := &auth.Actor{Kind: auth.Taxpayer, UserID: f.user, Name: f.name, TaxpayerID: f.id, TaxpayerCode: f.code,
			TaxpayerName: f.taxpayerName, TaxpayerKind: f.kind, Role: f.role, Admin: true}
		actx := auth.WithActor(ctx, actor)
		_, idents, err := tps.MyRecord(actx)
		if err != nil {
			return filed, err
		}
		for _, ident := range idents {
			form, ok := forms.ForTaxType(ident.TaxType)
			if !ok || ident.EndDate != "" {
				continue
			}
			start, err := calendar.ParseDate(ident.StartDate)
			if err != nil {
				return filed, err
			}
			if form.Code == sif.FormCode {
				// Social insurance needs the month's parameters and a
				// roster: the demo files none (the hall lists the months).
				continue
			}
			if form.Code == iitw.FormCode {
				n, err := iitHistory(actx, d, tps, deadlines, i, f.id, start, today)
				filed += n
				if err != nil {
					return filed, fmt.Errorf("demo history %s: %w", f.code, err)
				}
				continue
			}
			if start.Before(calendar.MakeDate(2025, 1, 1)) {
				start = calendar.MakeDate(2025, 1, 1)
			}
			for p := periodOf(ident.Period, start); p.End.Before(today); p = periodOf(ident.Period, p.End.AddDays(1)) {
				dl := ds.ForPeriodEnd(p.End).Date
				roll := r.IntN(100)
				latest := !periodOf(ident.Period, p.End.AddDays(1)).End.Before(today)
				// The latest period is still open for a third of them;
				// one period in twenty is never filed.
				if (latest && i%3 == 0) || roll < 5 {
					continue
				}
				at := dl.AddDays(-r.IntN(12))
				if roll < 20 {
					at = dl.AddDays(5 + r.IntN(40)) // late
				}
				if !at.Before(today) {
					continue
				}
				cells := demoCells(r, form.Code, i, p)
				sub, err := submitAt(actx, d, tps, deadlines, at, form.Code, returns.PeriodKey(p), cells, 0)
				if err != nil {
					return filed, fmt.Errorf("demo history %s %s: %w", f.code, returns.PeriodKey(p), err)
				}
				filed++
				if form.Code == "eit" && f.standard == "sbas" {
					// The financial statements go with the prepayment.
					for code, fc := range statements(cells) {
						if _, err := submitAt(actx, d, tps, deadlines, at, code, returns.PeriodKey(p), fc, 0); err != nil {
							return filed, fmt.Errorf("demo statements %s %s %s: %w", f.code, code, returns.PeriodKey(p), err)
						}
						filed++
					}
				}
				if roll >= 90 && form.Code != "eit" { // corrected three weeks later
					if at2 := at.AddDays(21); at2.Before(today) {
						cells["1.goods"] = fmt.Sprint(r.IntN(400_000) + 100_000)
						delete(cells, "3.goods")
						if _, err := submitAt(actx, d, tps, deadlines, at2, form.Code, returns.PeriodKey(p), cells, sub.Return.ID); err != nil {
							return filed, fmt.Errorf("demo correction %s %s: %w", f.code, returns.PeriodKey(p), err)
						}
						filed++
					}
				}
			}
		}
	}
	return filed, nil
}

func submitAt(ctx context.Context, d *db.DB, tps *taxpayer.Service, deadlines returns.DeadlineSource, day calendar.Date, form, period string, cells map[string]string, correctionOf int64) (*returns.Submission, error) {
	at := time.Date(day.Y, day.M, day.D, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))
	rs := &returns.Service{DB: d, Now: func() time.Time { return at }, Taxpayers: tps, Calendar: deadlines}
	return rs.Submit(ctx, form, period, cells, returns.NewKey(), correctionOf, false)
}

// demoCells are plausible figures of taxpayer i for period p: for a small
// shop, sales mostly below the exemption threshold; for a general taxpayer,
// sales at 13% (some at 6%) with input tax now below, now above the output
// tax, so that some months end with a credit carried forward; for income
// tax, the year's cumulative figures growing with the months elapsed.
func demoCells(r *rand.Rand, form string, i int, p rules.Period) map[string]string {
	switch form {
	case "vat_small":
		goods := r.IntN(250_000) + 20_000
		if i%4 == 1 {
			goods += 200_000 // above 300,000 a quarter: taxable at 1%
		}
		c := map[string]string{"1.goods": fmt.Sprint(goods)}
		if r.IntN(3) == 0 {
			c["1.services"] = fmt.Sprint(r.IntN(60_000))
		}
		if r.IntN(4) == 0 {
			c["3.goods"] = fmt.Sprint(goods / 2)
		}
		return c
	case "vat_general":
		months := int(p.End.M-p.Start.M) + 1
		s13 := (r.IntN(1_500_000) + 300_000) * months
		// 附列资料（一）: 13% goods on special invoices (row 1, column 1);
		// sometimes 6% services on other invoices (row 5, column 3).
		c := map[string]string{"a1.1.1": fmt.Sprint(s13), "2.period": fmt.Sprint(s13 * 7 / 10)}
		if r.IntN(3) == 0 {
			c["a1.5.3"] = fmt.Sprint((r.IntN(200_000) + 20_000) * months)
		}
		// Input tax at 55%–105% of the output tax at 13%.
		c["12.period"] = fmt.Sprint(s13 * 13 / 100 * (55 + r.IntN(51)) / 100)
		if r.IntN(5) == 0 {
			c["14.period"] = fmt.Sprint(r.IntN(3_000))
		}
		return c
	case "eit":
		months := int(p.End.M)
		revenue := (i%7 + 1) * 120_000 * months * (95 + r.IntN(11)) / 100
		margin := (i%4)*4 + 2 + r.IntN(3) // percent
		if i%6 == 5 && months <= 6 {
			margin = -3 // a loss in the first half year
		}
		profit := revenue * margin / 100
		c := map[string]string{"1": fmt.Sprint(revenue), "2": fmt.Sprint(revenue * 78 / 100), "3": fmt.Sprint(profit),
			"A1": fmt.Sprint(10 + (i*13)%200), "A2": fmt.Sprint(300 + (i*577)%4000)}
		if i%9 == 4 {
			c["A1"] = "320" // too many employees to be small low-profit
		}
		return c
	case "property_behaviour":
		// Stamp duty on the year's sales contracts (line 6, 买卖合同);
		// the property tax comes from the registered sources.
		return map[string]string{"6.declared": fmt.Sprint((r.IntN(90) + 10) * 10_000)}
	}
	return map[string]string{}
}

// statements are a balance sheet and an income statement that agree with
// the EIT cells (cumulative revenue on line 1, profit on line 3).
func statements(eit map[string]string) map[string]map[string]string {
	// The EIT cells are whole yuan written by demoCells.
	revenue, _ := strconv.ParseInt(eit["1"], 10, 64)
	profit, _ := strconv.ParseInt(eit["3"], 10, 64)
	cost := revenue * 78 / 100
	admin := revenue - cost - profit
	is := map[string]string{"1.ytd": fmt.Sprint(revenue), "2.ytd": fmt.Sprint(cost)}
	if admin >= 0 {
		is["14.ytd"] = fmt.Sprint(admin)
	} else {
		is["20.ytd"] = fmt.Sprint(-admin) // investment income
	}
	cash := 200_000 + revenue/5
	capital := int64(500_000)
	retained := cash + 300_000 - capital - 100_000
	bs := map[string]string{"1.end": fmt.Sprint(cash), "9.end": "300000", "12.end": "300000", "33.end": "100000", "48.end": fmt.Sprint(capital),
		"1.begin": "400000", "9.begin": "200000", "33.begin": "100000", "48.begin": fmt.Sprint(capital)}
	if retained >= 0 {
		bs["51.end"] = fmt.Sprint(retained)
	} else {
		bs["48.end"] = fmt.Sprint(capital + retained)
	}
	return map[string]map[string]string{"fs_bs": bs, "fs_is": is}
}

func periodOf(kind string, d calendar.Date) rules.Period {
	if kind == taxpayer.Annual {
		return rules.Year(d.Y)
	}
	if kind == taxpayer.Quarterly {
		return rules.Quarter(d.Y, (int(d.M)+2)/3)
	}
	return rules.Month(d.Y, d.M)
}
