package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// TestNotFiledRoute: the not-filed list (未申报户) over the API, walked from
// the register and read from the built set: the bureau's clerk and the
// city see the taxpayer, another district's and another city's clerk do
// not, taxpayers are refused, and keyset pages add up to the list.
func TestNotFiledRoute(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		var bureau, staff int64
		e.query(`SELECT o.id, s.id FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = $1`, []any{simingClerk}, &bureau, &staff)
		var mine []int64
		for i := range 3 {
			tp := &taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: fmt.Sprintf("91350203APINF%04dX", i), Name: fmt.Sprintf("接口未申报测试%d有限公司", i),
				DivisionCode: "350203", Address: "测试路3号", BureauID: bureau, Status: taxpayer.StatusActive, RegisteredAt: testNow.AddDate(-2, 0, 0)}
			if err := taxpayer.InsertTaxpayer(ctx, d, testNow, tp); err != nil {
				t.Fatal(err)
			}
			if _, err := taxpayer.InsertIdentification(ctx, d, testNow, tp.ID, "vat_small", taxpayer.Quarterly, "2025-01-01", staff); err != nil {
				t.Fatal(err)
			}
			mine = append(mine, tp.ID)
		}
		const path = "/api/v1/filing/vat_small/2026Q3/not-filed"
		list := func(token, query string) []int64 {
			t.Helper()
			var out []int64
			after := ""
			for range 100 {
				res := e.do("GET", path+"?limit=2"+query+after, token, nil, nil)
				if res.status != http.StatusOK {
					t.Fatalf("%d %s", res.status, res.body)
				}
				var p struct {
					Items []struct {
						TaxpayerID int64 `json:"taxpayer_id"`
					} `json:"items"`
					Next int64 `json:"next"`
				}
				if err := json.Unmarshal([]byte(res.body), &p); err != nil {
					t.Fatal(err)
				}
				for _, it := range p.Items {
					out = append(out, it.TaxpayerID)
				}
				if p.Next == 0 {
					return out
				}
				after = fmt.Sprintf("&after=%d", p.Next)
			}
			t.Fatal("no end of pages")
			return nil
		}
		for _, built := range []bool{false, true} {
			if built {
				if _, err := returns.BuildNotFiled(ctx, d, testNow); err != nil {
					t.Fatal(err)
				}
			}
			siming := list(e.staff(simingClerk), "")
			city := list(e.staff(xiamenAdmin), "")
			for _, id := range mine {
				if !slices.Contains(siming, id) || !slices.Contains(city, id) {
					t.Fatalf("built %v: Siming %v, Xiamen %v lack %d", built, siming, city, id)
				}
			}
			if !slices.IsSorted(siming) || !slices.IsSorted(city) {
				t.Fatal("pages out of order")
			}
			for _, other := range []string{huliClerk, "35010201"} {
				for _, id := range list(e.staff(other), "") {
					if slices.Contains(mine, id) {
						t.Fatalf("built %v: %s sees Siming's taxpayer %d", built, other, id)
					}
				}
			}
		}
		if res := e.do("GET", path, e.taxpayer("91350203CHXXHJ8TKL", "admin"), nil, nil); res.status != http.StatusForbidden {
			t.Errorf("taxpayer user: %d", res.status)
		}
		if res := e.do("GET", "/api/v1/filing/vat_small/2026Q5/not-filed", e.staff(simingClerk), nil, nil); res.status < 400 || res.status >= 500 {
			t.Errorf("bad period: %d", res.status)
		}
	})
}
