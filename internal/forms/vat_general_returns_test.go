package forms_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// These tests file the forms through the returns service on both
// databases: what earlier accepted returns carry into a later one (the
// credit on line 13, the prepaid income tax on line 14) is read back from
// the stored canonical documents.

var hash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

var cst = time.FixedZone("CST", 8*3600)

type filer struct {
	rs    *returns.Service
	clock *time.Time
	ctx   context.Context // the enterprise's legal representative
}

// newFiler seeds a small hall and registers an enterprise in Siming
// identified for taxType every period from 2025-01-01.
func newFiler(t *testing.T, d *db.DB, code, taxType, period string) *filer {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, cst)
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 2, Individuals: 1, Now: now, PasswordHash: hash()}); err != nil {
		t.Fatal(err)
	}
	var bureau, staff int64
	if err := d.QueryRowContext(ctx, `SELECT o.id, s.id FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = '35020301'`).Scan(&bureau, &staff); err != nil {
		t.Fatal(err)
	}
	tp := &taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: code, Name: "测试" + code[len(code)-4:] + "有限公司", DivisionCode: "350203",
		Address: "测试路1号", BureauID: bureau, Status: taxpayer.StatusActive, RegisteredAt: now.AddDate(-2, 0, 0)}
	if err := taxpayer.InsertTaxpayer(ctx, d, now, tp); err != nil {
		t.Fatal(err)
	}
	if _, err := taxpayer.InsertUser(ctx, d, now, tp.ID, "admin", "张三", "13800000000", auth.TPLegalRep, true, hash()); err != nil {
		t.Fatal(err)
	}
	if _, err := taxpayer.InsertIdentification(ctx, d, now, tp.ID, taxType, period, "2025-01-01", staff); err != nil {
		t.Fatal(err)
	}
	f := &filer{clock: &now}
	clock := func() time.Time { return *f.clock }
	tps := &taxpayer.Service{DB: d, Now: clock}
	f.rs = &returns.Service{DB: d, Now: clock, Taxpayers: tps, Calendar: returns.DefaultDeadlines()}
	s, err := auth.NewService(d, clock).LoginTaxpayer(ctx, code, "admin", demo.Password, auth.API, "")
	if err != nil {
		t.Fatal(err)
	}
	f.ctx = auth.WithActor(ctx, s.Actor)
	return f
}

// file submits a return on day (y, m, d) and returns its stored lines.
func (f *filer) file(t *testing.T, y int, m time.Month, d int, form, period string, cells map[string]string, zero bool) *returns.Return {
	t.Helper()
	*f.clock = time.Date(y, m, d, 10, 0, 0, 0, cst)
	sub, err := f.rs.Submit(f.ctx, form, period, cells, returns.NewKey(), 0, zero)
	if err != nil {
		t.Fatalf("%s %s: %v", form, period, err)
	}
	return sub.Return
}

// The credit carried forward (增值税法 第二十一条; 填写说明 第13栏: “本月数”
// 按上一税款所属期申报表第20栏“期末留抵税额”填写): January's line 20 is
// February's line 13, across a zero return, and a correction of February
// starts from the same credit.
func TestVATGeneralCreditIsCarried(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFiler(t, d, "91350203TESTG0001A", "vat_general", taxpayer.Monthly)
		// December 2025: tax payable, no credit.
		dec := f.file(t, 2026, 1, 12, "vat_general", "2025-12", map[string]string{"a1.1.5": "50000", "12.period": "1000"}, false)
		if v := dec.Values(); v["20.period"] != 0 || v["34.period"] != 550_000 {
			t.Fatalf("December = %v", v)
		}
		// January 2026: input beyond output, 7,000 carried.
		jan := f.file(t, 2026, 2, 10, "vat_general", "2026-01", map[string]string{"a1.1.5": "100000", "12.period": "20000"}, false)
		jv := jan.Values()
		if jv["13.period"] != 0 || jv["20.period"] != 700_000 || jan.TaxDue != 0 {
			t.Fatalf("January = %v due %d", jv, jan.TaxDue)
		}
		// February opens with January's line 20 on line 13.
		*f.clock = time.Date(2026, 3, 2, 9, 0, 0, 0, cst)
		sh, err := f.rs.Open(f.ctx, "vat_general", "2026-02")
		if err != nil {
			t.Fatal(err)
		}
		if sh.Prior["13.period"] != jv["20.period"] || sh.Output.Values["13.period"] != jv["20.period"] {
			t.Fatalf("February prior = %v, line 13 = %d", sh.Prior, sh.Output.Values["13.period"])
		}
		// Nothing sold in February: a zero return keeps the credit.
		feb := f.file(t, 2026, 3, 5, "vat_general", "2026-02", nil, true)
		if fv := feb.Values(); !feb.Zero || fv["13.period"] != 700_000 || fv["20.period"] != 700_000 || feb.TaxDue != 0 {
			t.Fatalf("February = %v", fv)
		}
		// March uses it: 13,000 output − 7,000 credit − 2,000 input = 4,000.
		mar := f.file(t, 2026, 4, 3, "vat_general", "2026-03", map[string]string{"a1.1.5": "100000", "12.period": "2000"}, false)
		mv := mar.Values()
		if mv["13.period"] != 700_000 || mv["17.period"] != 900_000 || mv["19.period"] != 400_000 || mv["20.period"] != 0 {
			t.Fatalf("March = %v", mv)
		}
		// Year to date: 2026 only (December 2025 is last year).
		if mv["1.ytd"] != 20_000_000 || mv["11.ytd"] != 2_600_000 || mv["18.ytd"] != 1_300_000+900_000 || mv["39.ytd"] != 28_000 {
			t.Errorf("March ytd = %v", mv)
		}
		// A correction of March starts from the same credit.
		*f.clock = time.Date(2026, 4, 20, 9, 0, 0, 0, cst)
		cor, err := f.rs.Submit(f.ctx, "vat_general", "2026-03", map[string]string{"a1.1.5": "120000", "12.period": "2000"}, returns.NewKey(), mar.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if cv := cor.Return.Values(); cv["13.period"] != 700_000 || cv["19.period"] != 660_000 || cor.Return.Version != 2 {
			t.Errorf("correction = %v", cv)
		}
	})
}

// A return filed before the annex (lines "1a"–"1c", "5a"–"5b", no lines
// 25–38) still shows in its own layout and still carries into the next
// period: its line 20 becomes line 13 (填写说明 第13栏), and since it had
// no line 32, line 25 (期初未缴税额, 填写说明 第25栏: the previous period's
// 32 = 24 + 25 + 26 − 27) is its 24 − 28 — with the carry column as it was
// stored then, and with no carry column at all (the document is read).
func TestVATGeneralCarriesFromTheEarlierLayout(t *testing.T) {
	for _, carry := range []string{"old carry column", "no carry column"} {
		t.Run(carry, func(t *testing.T) {
			dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
				f := newFiler(t, d, "91350203TESTG0002B", "vat_general", taxpayer.Monthly)
				jan := f.file(t, 2026, 2, 10, "vat_general", "2026-01", map[string]string{"a1.1.5": "100000", "12.period": "1000"}, false)
				// Rewrite it as the earlier layout stored it: 13% sales on
				// line 1a, 2,000 prepaid on line 28, credit 0, lines 25–38
				// absent. 24 = 13,000 − 1,000 = 12,000; 34 = 10,000.
				old := `{"form":"vat_general","lines":{"1.period":"100000.00","1a.period":"100000.00","1b.period":"0.00","1c.period":"0.00",` +
					`"11.period":"13000.00","12.period":"1000.00","13.period":"0.00","17.period":"1000.00","18.period":"1000.00",` +
					`"19.period":"12000.00","20.period":"0.00","24.period":"12000.00","28.period":"2000.00","34.period":"10000.00"},"tax_due":"10000.00"}`
				oldCarry := `{"1.period":10000000,"1a.period":10000000,"20.period":0,"24.period":1200000,"28.period":200000}`
				var c any = oldCarry
				if carry == "no carry column" {
					c = nil
				}
				if _, err := d.ExecContext(f.ctx, `UPDATE returns SET doc = $1, carry = $2 WHERE id = $3`, old, c, jan.ID); err != nil {
					t.Fatal(err)
				}
				*f.clock = time.Date(2026, 3, 2, 9, 0, 0, 0, cst)
				sh, err := f.rs.Open(f.ctx, "vat_general", "2026-02")
				if err != nil {
					t.Fatal(err)
				}
				v := sh.Output.Values
				if v["25.period"] != 1_000_000 || v["13.period"] != 0 || v["36.period"] != 0 {
					t.Fatalf("February opens with 25 = %d, 13 = %d, 36 = %d (prior %v)", v["25.period"], v["13.period"], v["36.period"], sh.Prior)
				}
				// February pays January's 10,000 (line 30) and owes its own.
				feb := f.file(t, 2026, 3, 5, "vat_general", "2026-02",
					map[string]string{"a1.1.5": "10000", "12.period": "300", "30.period": "10000"}, false)
				fv := feb.Values()
				// 24 = 1,300 − 300 = 1,000; 27 = 30 = 10,000; 32 = 1,000 + 10,000 − 10,000; 33 = max(10,000 − 10,000, 0).
				if fv["24.period"] != 100_000 || fv["27.period"] != 1_000_000 || fv["32.period"] != 100_000 || fv["33.period"] != 0 || fv["34.period"] != 100_000 {
					t.Errorf("February = %v", fv)
				}
				// Year to date from the old document's common lines.
				if fv["1.ytd"] != 11_000_000 || fv["30.ytd"] != 1_000_000 {
					t.Errorf("February ytd: 1 %d, 30 %d", fv["1.ytd"], fv["30.ytd"])
				}
				// The old return is shown in its own layout, with line 1a.
				r, err := f.rs.Get(f.ctx, jan.ID)
				if err != nil {
					t.Fatal(err)
				}
				lay := r.FormDef().Layout(r.Values())
				if _, ok := lay.Line("1a"); !ok || len(lay.Tables) != 0 || r.Values()["1a.period"] != 10_000_000 {
					t.Errorf("layout of the old return: %v tables %d", lay.Lines, len(lay.Tables))
				}
				// March opens with February's 32 (a new document: no fallback).
				*f.clock = time.Date(2026, 4, 2, 9, 0, 0, 0, cst)
				sh, err = f.rs.Open(f.ctx, "vat_general", "2026-03")
				if err != nil {
					t.Fatal(err)
				}
				if sh.Output.Values["25.period"] != 100_000 {
					t.Errorf("March 25 = %d", sh.Output.Values["25.period"])
				}
			})
		})
	}
}

// A general VAT taxpayer's surcharges are halved while its latest EIT
// prepayment finds it small low-profit (“六税两费”, 财政部 税务总局公告2023年
// 第12号 第二条, 第三条: the status of the latest EIT return decides), and
// in full once a correction of that return says it is not. The VAT return
// reads the EIT return because its form declares SmallLowProfitFact.
func TestVATGeneralSurchargesFollowTheEITReturn(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFiler(t, d, "91350203TESTG0003C", "vat_general", taxpayer.Monthly)
		var tp, staff int64
		if err := d.QueryRowContext(f.ctx, `SELECT t.id, s.id FROM taxpayers t, staff s WHERE t.code = '91350203TESTG0003C' AND s.staff_no = '35020301'`).Scan(&tp, &staff); err != nil {
			t.Fatal(err)
		}
		if _, err := taxpayer.InsertIdentification(f.ctx, d, *f.clock, tp, "cit", taxpayer.Quarterly, "2025-01-01", staff); err != nil {
			t.Fatal(err)
		}
		eit := f.file(t, 2026, 10, 10, "eit", "2026Q3", map[string]string{"A1": "10", "A2": "100", "3": "100000"}, false)
		if eit.Values()["A4"] != 100 {
			t.Fatalf("EIT A4 = %d, want small low-profit", eit.Values()["A4"])
		}
		surcharges := func() [3]int64 {
			t.Helper()
			*f.clock = time.Date(2026, 11, 5, 9, 0, 0, 0, cst)
			// 13,000 output − 3,000 input = 10,000 VAT; Siming is a city: 7%, 3%, 2%.
			sh, err := f.rs.SaveDraft(f.ctx, "vat_general", "2026-10", map[string]string{"a1.1.5": "100000", "12.period": "3000"}, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			v := sh.Output.Values
			return [3]int64{v["39.period"], v["40.period"], v["41.period"]}
		}
		if got, want := surcharges(), [3]int64{35_000, 15_000, 10_000}; got != want {
			t.Errorf("small low-profit: surcharges %v, want halved %v", got, want)
		}
		*f.clock = time.Date(2026, 11, 1, 9, 0, 0, 0, cst)
		if _, err := f.rs.Submit(f.ctx, "eit", "2026Q3", map[string]string{"A1": "301", "A2": "100", "3": "100000"}, returns.NewKey(), eit.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, want := surcharges(), [3]int64{70_000, 30_000, 20_000}; got != want {
			t.Errorf("not small low-profit: surcharges %v, want in full %v", got, want)
		}
	})
}
