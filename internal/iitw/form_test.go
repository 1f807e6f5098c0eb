package iitw_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/forms"
	"taxhall/internal/iitw"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

const yuan = 100

// employer is an enterprise identified for monthly withholding on wages
// from 2025, with its legal representative's context and a clock.
type employer struct {
	id     int64
	ctx    context.Context
	rs     *returns.Service
	roster *iitw.Roster
	clock  *time.Time
}

// seedBureaus fills d with the demo's bureaus and staff (one enterprise).
func seedBureaus(t testing.TB, d *db.DB) {
	t.Helper()
	if _, err := demo.Seed(context.Background(), d, demo.Options{Enterprises: 1, Now: now.Add(-time.Hour), PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
}

func newEmployer(t testing.TB, d *db.DB, n int) *employer {
	t.Helper()
	ctx := context.Background()
	var bureau, staff int64
	if err := d.QueryRowContext(ctx, `SELECT o.id, s.id FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = '35020301'`).Scan(&bureau, &staff); err != nil {
		t.Fatal(err)
	}
	code := fmt.Sprintf("91350203IIT%07d", n)
	tp := &taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: code, Name: fmt.Sprintf("扣缴测试%d有限公司", n), DivisionCode: "350203",
		Address: "测试路1号", BureauID: bureau, Status: taxpayer.StatusActive, RegisteredAt: now.AddDate(-3, 0, 0)}
	if err := taxpayer.InsertTaxpayer(ctx, d, now, tp); err != nil {
		t.Fatal(err)
	}
	user, err := taxpayer.InsertUser(ctx, d, now, tp.ID, "admin", "林会计", "13800000000", auth.TPLegalRep, true, "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := taxpayer.InsertIdentification(ctx, d, now, tp.ID, "iit_withholding", taxpayer.Monthly, "2025-01-01", staff); err != nil {
		t.Fatal(err)
	}
	e := &employer{id: tp.ID, clock: new(time.Time)}
	clock := func() time.Time { return *e.clock }
	tps := &taxpayer.Service{DB: d, Now: clock}
	e.rs = &returns.Service{DB: d, Now: clock, Taxpayers: tps, Calendar: returns.DefaultDeadlines()}
	e.roster = &iitw.Roster{DB: d, Now: clock}
	e.ctx = auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, UserID: user, Name: "林会计", TaxpayerID: tp.ID, TaxpayerCode: code,
		TaxpayerName: tp.Name, TaxpayerKind: taxpayer.Enterprise, Role: auth.TPLegalRep, Admin: true})
	return e
}

// file submits the month's lines on the 10th of the next month and syncs
// the roster, as the hall does after an accepted return.
func (e *employer) file(t testing.TB, month int, lines []iitw.Line) *returns.Return {
	t.Helper()
	*e.clock = time.Date(2026, time.Month(month+1), 10, 10, 0, 0, 0, now.Location())
	sub, err := e.rs.Submit(e.ctx, iitw.FormCode, fmt.Sprintf("2026-%02d", month), map[string]string{forms.DetailKey: iitw.EncodeLines(lines)},
		returns.NewKey(), 0, false)
	if err != nil {
		t.Fatalf("month %d: %v", month, err)
	}
	if _, err := e.roster.SyncReturn(e.ctx, sub.Return); err != nil {
		t.Fatalf("month %d: sync: %v", month, err)
	}
	return sub.Return
}

func detail(t testing.TB, r *returns.Return) map[string]iitw.Result {
	t.Helper()
	res, err := iitw.DetailOf(r.Doc.Detail)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]iitw.Result{}
	for _, x := range res {
		m[x.ResidentID] = x
	}
	return m
}

// Two employees over the first quarter of 2026, filed and accepted month by
// month through the store; each month's cumulative columns come from the
// earlier accepted returns (the loader), not from the test.
//
// 王芳 earns 30,000 a month, pays 4,500 of insurance and housing fund and
// deducts 2,000 for one child (国发〔2023〕13号): the shape of the second
// example of the official explanation of 国家税务总局公告2018年第61号,
// whose taxes are 555, 625 and 1,850 (预扣率表一: 3%, then 10% less 2,520).
// 陈刚, hired in February, earns 10,000, pays 1,500 and deducts 1,000 (half
// of one child's 2,000): 2,500 taxable a month, 75 each month (3%), with
// the basic deduction counting his months with this employer only.
func TestIITThreeMonthsThroughTheStore(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		seedBureaus(t, d)
		e := newEmployer(t, d, 1)
		who := validIDs(2, 61)
		wang := iitw.Line{ResidentID: who[0], Name: "王芳", Income: 30_000 * yuan, Pension: 2_400 * yuan, Medical: 600 * yuan,
			HousingFund: 1_500 * yuan, Child: 2_000 * yuan}
		chen := iitw.Line{ResidentID: who[1], Name: "陈刚", Income: 10_000 * yuan, Pension: 800 * yuan, Medical: 200 * yuan,
			HousingFund: 500 * yuan, Child: 1_000 * yuan}

		jan := e.file(t, 1, []iitw.Line{wang})
		feb := e.file(t, 2, []iitw.Line{wang, chen})

		// March's loader: January and February from the store, months from the roster.
		prior, err := iitw.LoadPrior(e.ctx, d, e.id, rules.Month(2026, time.March))
		if err != nil {
			t.Fatal(err)
		}
		pw, pc := prior.(map[string]iitw.Prior)[who[0]], prior.(map[string]iitw.Prior)[who[1]]
		if pw != (iitw.Prior{Months: 2, Income: 60_000 * yuan, Special: 9_000 * yuan, Additional: 4_000 * yuan, Withheld: 1_180 * yuan}) {
			t.Errorf("王芳's prior for March: %+v", pw)
		}
		if pc != (iitw.Prior{Months: 1, Income: 10_000 * yuan, Special: 1_500 * yuan, Additional: 1_000 * yuan, Withheld: 75 * yuan}) {
			t.Errorf("陈刚's prior for March: %+v", pc)
		}

		mar := e.file(t, 3, []iitw.Line{wang, chen})
		for _, c := range []struct {
			r        *returns.Return
			id       string
			tax      int64
			months   int
			withheld int64
		}{
			{jan, who[0], 555, 1, 0}, {feb, who[0], 625, 2, 555}, {mar, who[0], 1_850, 3, 1_180},
			{feb, who[1], 75, 1, 0}, {mar, who[1], 75, 2, 75},
		} {
			got := detail(t, c.r)[c.id]
			if got.Tax != c.tax*yuan || got.Months != c.months || got.CumWithheld != c.withheld*yuan || got.CumBasic != int64(c.months)*5_000*yuan {
				t.Errorf("%s %s: tax %d, months %d, withheld %d, basic %d; want %d, %d, %d (61号解读)", c.r.PeriodKey(), got.Name,
					got.Tax, got.Months, got.CumWithheld, got.CumBasic, c.tax*yuan, c.months, c.withheld*yuan)
			}
		}
		// The summary is the sum of the lines, never typed.
		var sum struct{ income, special, additional, cumTax, withheld, tax int64 }
		for _, r := range detail(t, mar) {
			sum.income += r.Income
			sum.special += r.Special()
			sum.additional += r.Additional()
			sum.cumTax += r.CumTax
			sum.withheld += r.CumWithheld
			sum.tax += r.Tax
		}
		v := mar.Values()
		if v[iitw.LineIncome] != sum.income || v[iitw.LineSpecial] != sum.special || v[iitw.LineAdditional] != sum.additional ||
			v[iitw.LineCumTax] != sum.cumTax || v[iitw.LineWithheld] != sum.withheld || v[iitw.LineTax] != sum.tax || mar.TaxDue != sum.tax {
			t.Errorf("March summary %v, due %d; lines sum to %+v", v, mar.TaxDue, sum)
		}
		if mar.TaxDue != 1_925*yuan || mar.Doc.Lines[iitw.LineTax] != "1925.00" {
			t.Errorf("March due %d, line 8 %q", mar.TaxDue, mar.Doc.Lines[iitw.LineTax])
		}
		// The roster learnt 陈刚 in February.
		hired, err := e.roster.Hired(e.ctx, who)
		if err != nil || hired[who[1]] != calendar.MustDate("2026-02-01") || hired[who[0]] != calendar.MustDate("2026-01-01") {
			t.Errorf("hired %v %v", hired, err)
		}
		// The canonical document holds the detail, whose bytes the hash covers.
		var doc map[string]json.RawMessage
		if err := json.Unmarshal([]byte(mar.Canonical), &doc); err != nil || !strings.Contains(string(doc["detail"]), `"cum_withheld":118000`) {
			t.Errorf("canonical detail: %.300s %v", doc["detail"], err)
		}
	})
}

// A correction of February changes what March's loader carries: only the
// current version of a month counts.
func TestIITLoaderUsesCurrentVersions(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		seedBureaus(t, d)
		e := newEmployer(t, d, 2)
		id := validIDs(1, 62)[0]
		line := iitw.Line{ResidentID: id, Name: "黄丽", Income: 20_000 * yuan}
		e.file(t, 1, []iitw.Line{line})
		feb := e.file(t, 2, []iitw.Line{line})
		line.Income = 25_000 * yuan
		*e.clock = time.Date(2026, 3, 20, 10, 0, 0, 0, now.Location())
		if _, err := e.rs.Submit(e.ctx, iitw.FormCode, "2026-02", map[string]string{forms.DetailKey: iitw.EncodeLines([]iitw.Line{line})},
			returns.NewKey(), feb.ID, false); err != nil {
			t.Fatal(err)
		}
		prior, err := iitw.LoadPrior(e.ctx, d, e.id, rules.Month(2026, time.March))
		if err != nil {
			t.Fatal(err)
		}
		// January 20,000 × 3% less nothing = 450 on 15,000; February as
		// corrected: 45,000 − 10,000 = 35,000 × 3% = 1,050, less 450 = 600.
		if p := prior.(map[string]iitw.Prior)[id]; p.Income != 45_000*yuan || p.Months != 2 || p.Withheld != 1_050*yuan {
			t.Errorf("prior after the correction: %+v", p)
		}
	})
}

// A return without lines, or with lines that fail, is not accepted and
// says why; the draft keeps what was imported.
func TestIITRefusesBadDetail(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		seedBureaus(t, d)
		e := newEmployer(t, d, 3)
		*e.clock = time.Date(2026, 2, 10, 10, 0, 0, 0, now.Location())
		_, err := e.rs.Submit(e.ctx, iitw.FormCode, "2026-01", map[string]string{}, returns.NewKey(), 0, false)
		if got := fields(t, err)[forms.DetailKey]; !strings.Contains(got, "请先导入") {
			t.Errorf("no lines: %v", err)
		}
		id := validIDs(1, 63)[0]
		bad := []iitw.Line{{Row: 2, ResidentID: id, Name: "周敏", Income: 8_000 * yuan}, {Row: 3, ResidentID: id, Name: "周敏", Income: 8_000 * yuan}}
		_, err = e.rs.Submit(e.ctx, iitw.FormCode, "2026-01", map[string]string{forms.DetailKey: iitw.EncodeLines(bad)}, returns.NewKey(), 0, false)
		if got := fields(t, err)["row3.resident_id"]; !strings.Contains(got, "第3行") || !strings.Contains(got, "与第2行的证件号码重复") {
			t.Errorf("duplicate: %v", fields(t, err))
		}
		_, err = e.rs.Submit(e.ctx, iitw.FormCode, "2026-01", map[string]string{forms.DetailKey: `[{"row":2,"salary":1}]`}, returns.NewKey(), 0, false)
		if got := fields(t, err)[forms.DetailKey]; !strings.Contains(got, "格式不正确") {
			t.Errorf("unknown field: %v", err)
		}
		sh, err := e.rs.SaveDraft(e.ctx, iitw.FormCode, "2026-01", map[string]string{forms.DetailKey: iitw.EncodeLines(bad[:1])}, "", 0)
		// 8,000 − 5,000 = 3,000 × 3% = 90.
		if err != nil || len(sh.Errors) != 0 || sh.Output.TaxDue != 90*yuan || sh.Output.Values[iitw.LineIncome] != 8_000*yuan {
			t.Fatalf("draft: %+v %v", sh, err)
		}
	})
}

func TestMonthsEmployedFromTheRoster(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		seedBureaus(t, d)
		e := newEmployer(t, d, 4)
		who := validIDs(3, 64)
		*e.clock = now
		for i, hired := range []string{"2024-05-06", "2026-07-15", "2025-01-01"} {
			if _, err := e.roster.Add(e.ctx, iitw.EmployeeInput{ResidentID: who[i], Name: fmt.Sprintf("员工%d", i), HiredOn: hired}); err != nil {
				t.Fatal(err)
			}
		}
		// The third left at the end of April and comes back in October.
		emp, err := e.roster.List(e.ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.roster.MarkLeft(e.ctx, emp.Items[2].ID, "2026-04-30"); err != nil {
			t.Fatal(err)
		}
		prior, err := iitw.LoadPrior(e.ctx, d, e.id, rules.Month(2026, time.October))
		if err != nil {
			t.Fatal(err)
		}
		p := prior.(map[string]iitw.Prior)
		// 61号: 当年截至本月在本单位的任职受雇月份数 — January to September,
		// July to September, January to April.
		if p[who[0]].Months != 9 || p[who[1]].Months != 3 || p[who[2]].Months != 4 {
			t.Errorf("months before October: %d %d %d, want 9 3 4", p[who[0]].Months, p[who[1]].Months, p[who[2]].Months)
		}
	})
}
