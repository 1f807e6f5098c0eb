package taxsource_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
	"taxhall/internal/taxsource"
)

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

var hash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

type env struct {
	d   *db.DB
	src *taxsource.Service
	rs  *returns.Service
	as  *auth.Service
}

func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	if _, err := demo.Seed(context.Background(), d, demo.Options{Enterprises: 4, Individuals: 2, Now: now.Add(-time.Hour), PasswordHash: hash()}); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	tp := &taxpayer.Service{DB: d, Now: clock}
	return &env{d: d, src: &taxsource.Service{DB: d, Now: clock}, as: auth.NewService(d, clock),
		rs: &returns.Service{DB: d, Now: clock, Taxpayers: tp, Calendar: returns.DefaultDeadlines()}}
}

// owner registers an enterprise in 思明 identified for property and land
// use tax by the year, and for quarterly small-scale VAT when small, from
// 2024-01-01, and returns its administrator's context.
func (e *env) owner(t *testing.T, code string, small bool) context.Context {
	t.Helper()
	ctx := context.Background()
	var bureau, staff int64
	if err := e.d.QueryRowContext(ctx, `SELECT o.id, s.id FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = '35020301'`).Scan(&bureau, &staff); err != nil {
		t.Fatal(err)
	}
	tp := &taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: code, Name: "税源测试" + code[len(code)-4:] + "有限公司", DivisionCode: "350203",
		Address: "测试路1号", BureauID: bureau, Status: taxpayer.StatusActive, RegisteredAt: now.AddDate(-3, 0, 0)}
	if err := taxpayer.InsertTaxpayer(ctx, e.d, now, tp); err != nil {
		t.Fatal(err)
	}
	if _, err := taxpayer.InsertUser(ctx, e.d, now, tp.ID, "admin", "张三", "13800000000", auth.TPLegalRep, true, hash()); err != nil {
		t.Fatal(err)
	}
	types := [][2]string{{"property", taxpayer.Annual}, {"land_use", taxpayer.Annual}}
	if small {
		types = append(types, [2]string{"vat_small", taxpayer.Quarterly})
	}
	for _, tt := range types {
		if _, err := taxpayer.InsertIdentification(ctx, e.d, now, tp.ID, tt[0], tt[1], "2024-01-01", staff); err != nil {
			t.Fatal(err)
		}
	}
	s, err := e.as.LoginTaxpayer(ctx, code, "admin", demo.Password, auth.API, "")
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithActor(ctx, s.Actor)
}

func fieldsOf(err error) apperr.Fields {
	if e := apperr.As(err); e != nil {
		return e.Fields
	}
	return nil
}

// The 2025 annual return computed from the registered sources, through the
// store on both databases. Sources: 房产税暂行条例 第三条、第四条 (Fujian's 30%
// deduction as entered in rules, 1.2% a year; 12% on rent); 城镇土地使用税
// 暂行条例 第四条 (Xiamen grade 2 = 18 yuan/m² a year, as entered);
// 印花税法 税目税率表 (买卖合同 万分之三); 国税发〔2003〕89号 第二条 (from the
// month after acquisition); 财政部 税务总局公告2023年第12号 (halved for a
// small-scale taxpayer).
func TestAnnualReturnFromSources(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		boss := e.owner(t, "91350203SRCE00001A", true)
		office, err := e.src.AddBuilding(boss, taxsource.BuildingInput{Name: "思明区湖滨南路100号鹭岛大厦12层", Division: "350203",
			OriginalValue: "1,500,000", Area: "820.5", Usage: "office", From: "2019-05-20"})
		if err != nil {
			t.Fatal(err)
		}
		// Acquired 2025-03-10: taxed April to December (9 months).
		if _, err := e.src.AddBuilding(boss, taxsource.BuildingInput{Name: "思明区软件园二期观日路8号厂房", Division: "350203",
			OriginalValue: "1000000", Area: "1200", Usage: "production", From: "2025-03-10"}); err != nil {
			t.Fatal(err)
		}
		shop, err := e.src.AddBuilding(boss, taxsource.BuildingInput{Name: "思明区中山路50号店面", Division: "350203",
			OriginalValue: "800000", Area: "95", Usage: "commercial", Rented: true, AnnualRent: "120000", From: "2018-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.src.AddParcel(boss, taxsource.ParcelInput{Name: "思明区湖滨南路100号地块", Division: "350203", Area: "1000", Grade: "2", From: "2019-05-20"}); err != nil {
			t.Fatal(err)
		}

		// My periods list the year, with the January deadline.
		dues, err := e.rs.MyPeriods(boss)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, d := range dues {
			if d.Key() == "2025" && (d.TaxType == "property" || d.TaxType == "land_use") {
				found++
				if d.Form == nil || d.Status != returns.StatusOverdue || d.Deadline.Date.Y != 2026 || d.Deadline.Date.M != time.January {
					t.Errorf("%s 2025: form %v status %s deadline %v", d.TaxType, d.Form, d.Status, d.Deadline.Date)
				}
			}
		}
		if found != 2 {
			t.Errorf("2025 annual periods listed: %d, want 2", found)
		}

		// A declared original value that disagrees is refused, naming both.
		_, err = e.rs.Submit(boss, "property_behaviour", "2025", map[string]string{"1.declared": "1500000"}, returns.NewKey(), 0, false)
		want := "第1栏 房产原值 1,500,000.00 与税源登记的房产原值 2,500,000.00 不一致，请先更正税源信息"
		if got := fieldsOf(err)["1.declared"]; got != want {
			t.Fatalf("disagreement: %q (%v), want %q", got, err, want)
		}

		sub, err := e.rs.Submit(boss, "property_behaviour", "2025", map[string]string{"1.declared": "2500000", "6.declared": "1000000"}, returns.NewKey(), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		v := sub.Return.Values()
		// 1,500,000 × 70% × 1.2% = 12,600; 1,000,000 × 70% × 1.2% × 9/12 = 6,300; halved.
		// 120,000 × 12% = 14,400; halved. 1,000,000 × 0.03% = 300; halved.
		checks := map[string]int64{"1.source": 2_500_000_00, "1.tax": 18_900_00, "1.relief": 9_450_00, "1.due": 9_450_00,
			"2.source": 120_000_00, "2.tax": 14_400_00, "2.due": 7_200_00, "6.tax": 300_00, "6.due": 150_00, "20.due": 16_800_00}
		for k, want := range checks {
			if v[k] != want {
				t.Errorf("%s = %d, want %d", k, v[k], want)
			}
		}
		if sub.Return.TaxDue != 16_800_00 || sub.Return.TaxType != "property" || !sub.Return.Late {
			t.Errorf("return: due %d, type %s, late %v", sub.Return.TaxDue, sub.Return.TaxType, sub.Return.Late)
		}
		if !strings.Contains(string(sub.Return.Doc.Detail), `"months":9`) || !strings.Contains(sub.Return.Canonical, "building:") {
			t.Errorf("detail: %s", sub.Return.Doc.Detail)
		}

		land, err := e.rs.Submit(boss, "property_behaviour_land", "2025", nil, returns.NewKey(), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if lv := land.Return.Values(); lv["1.source"] != 1_000_00 || lv["1.tax"] != 18_000_00 || land.Return.TaxDue != 9_000_00 || land.Return.TaxType != "land_use" {
			t.Errorf("land: %v due %d", lv, land.Return.TaxDue)
		}

		// The shop is sold on 2026-06-20: 2026 counts January to June.
		if _, err := e.src.EndBuilding(boss, shop.ID, "2026-06-20"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.src.EndBuilding(boss, shop.ID, "2026-06-21"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("ending twice: %v", err)
		}
		if _, err := e.src.UpdateBuilding(boss, shop.ID, taxsource.BuildingInput{Name: "x"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("editing an ended source: %v", err)
		}
		// Correcting the office's value: the next computation uses it.
		if _, err := e.src.UpdateBuilding(boss, office.ID, taxsource.BuildingInput{Name: office.Name, Division: "350203",
			OriginalValue: "1200000", Area: "820.5", Usage: "office", From: "2019-05-20"}); err != nil {
			t.Fatal(err)
		}
		sh, err := e.rs.OpenCorrection(boss, sub.Return.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sh.Output.Values["1.source"] != 2_200_000_00 || sh.Errors["1.declared"] == "" {
			t.Errorf("correction after the source changed: source %d, errors %v", sh.Output.Values["1.source"], sh.Errors)
		}
	})
}

func TestSourcesAreTheTaxpayersOwn(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		a := e.owner(t, "91350203SRCE00002B", false)
		b := e.owner(t, "91350203SRCE00003C", false)
		in := taxsource.BuildingInput{Name: "思明区厦禾路1号", Division: "350203", OriginalValue: "500000", Area: "100", Usage: "office", From: "2020-01-01"}
		bl, err := e.src.AddBuilding(a, in)
		if err != nil {
			t.Fatal(err)
		}
		// The same location twice is refused by the unique index.
		if _, err := e.src.AddBuilding(a, in); fieldsOf(err)["name"] == "" {
			t.Errorf("duplicate: %v", err)
		}
		// Another taxpayer may register the same address, and never sees A's.
		if _, err := e.src.AddBuilding(b, in); err != nil {
			t.Errorf("B: %v", err)
		}
		if _, err := e.src.Building(b, bl.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("B reads A's: %v", err)
		}
		if _, err := e.src.EndBuilding(b, bl.ID, "2026-01-01"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("B ends A's: %v", err)
		}
		if _, err := e.src.UpdateBuilding(b, bl.ID, in); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("B edits A's: %v", err)
		}
		if _, err := e.src.Buildings(context.Background(), 0, 0); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("nobody: %v", err)
		}
		// Keyset paging.
		for _, n := range []string{"思明区厦禾路2号", "思明区厦禾路3号"} {
			in.Name = n
			if _, err := e.src.AddBuilding(a, in); err != nil {
				t.Fatal(err)
			}
		}
		p1, err := e.src.Buildings(a, 0, 2)
		if err != nil || len(p1.Items) != 2 || p1.Next == 0 {
			t.Fatalf("page 1: %+v %v", p1, err)
		}
		p2, err := e.src.Buildings(a, p1.Next, 2)
		if err != nil || len(p2.Items) != 1 || p2.Next != 0 || p2.Items[0].Name != "思明区厦禾路3号" {
			t.Errorf("page 2: %+v %v", p2, err)
		}
	})
}

func TestSourceInputMessages(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		a := e.owner(t, "91350203SRCE00004D", false)
		_, err := e.src.AddBuilding(a, taxsource.BuildingInput{Name: "厦门", Division: "999999", OriginalValue: "-1", Area: "abc", Usage: "castle",
			AnnualRent: "5000", LetForLiving: true, From: "2030-01-01"})
		f := fieldsOf(err)
		for field, want := range map[string]string{
			"name": "至少 4 个字", "division": "请从列表中选择所在区县", "original_value": "房产原值", "area": "平方米数",
			"usage": "请从列表中选择房产用途", "annual_rent": "未出租的房产不填年租金", "let_for_living": "只有出租的住房", "from_date": "不能晚于今天",
		} {
			if !strings.Contains(f[field], want) {
				t.Errorf("%s: %q, want it to say %q", field, f[field], want)
			}
		}
		_, err = e.src.AddParcel(a, taxsource.ParcelInput{Name: "福州市鼓楼区五四路1号地块", Division: "350102", Area: "100", Grade: "1", From: "2020-01-01"})
		if !strings.Contains(fieldsOf(err)["division"], "土地等级税额尚未录入") {
			t.Errorf("Fuzhou parcel: %v", err)
		}
		_, err = e.src.AddParcel(a, taxsource.ParcelInput{Name: "思明区湖滨南路1号地块", Division: "350203", Area: "100", Grade: "9", From: "2020-01-01"})
		if fieldsOf(err)["grade"] == "" {
			t.Errorf("grade 9: %v", err)
		}
		p, err := e.src.AddParcel(a, taxsource.ParcelInput{Name: "思明区湖滨南路1号地块", Division: "350203", Area: "100", Grade: "1", From: "2020-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.src.EndParcel(a, p.ID, "2019-12-31"); fieldsOf(err)["to_date"] == "" {
			t.Errorf("ending before acquired: %v", err)
		}
	})
}

// The demo's enterprises identified for property and land use tax have
// their sources, and their 2025 returns were filed from them.
func TestDemoSourcesAndReturns(t *testing.T) {
	d := dbtest.NewSQLite(t)
	if _, err := demo.Seed(context.Background(), d, demo.Options{Enterprises: 12, Individuals: 4, Now: now, PasswordHash: hash()}); err != nil {
		t.Fatal(err)
	}
	var buildings, parcels, filed, due int64
	q := func(sql string, dest *int64) {
		if err := d.QueryRowContext(context.Background(), sql).Scan(dest); err != nil {
			t.Fatal(err)
		}
	}
	q(`SELECT COUNT(*) FROM tax_buildings`, &buildings)
	q(`SELECT COUNT(*) FROM tax_parcels`, &parcels)
	q(`SELECT COUNT(*) FROM returns WHERE form LIKE 'property_behaviour%' AND period_start = '2025-01-01' AND period_end = '2025-12-31'`, &filed)
	q(`SELECT COALESCE(SUM(tax_due), 0) FROM returns WHERE form LIKE 'property_behaviour%' AND is_current = 1`, &due)
	if buildings == 0 || parcels == 0 || filed == 0 || due <= 0 {
		t.Errorf("demo: %d buildings, %d parcels, %d annual returns, %d fen due", buildings, parcels, filed, due)
	}
}
