package web

import (
	"context"
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/publists"
)

func init() {
	t := exampleTaxpayer("enterprise")
	examples["lists.html"] = example{func() page {
		return &listsPage{List: publists.Quotas, ListName: "定期定额户定额公示", ListDesc: "说明。", Lists: []Option{{"irregular", "非正常户名单"}, {"quotas", "定额"}},
			Districts: []Option{{"350206", "湖里区"}}, Filter: publists.Filter{Q: "x", District: "350206", Year: 2026}, NextURL: "/lists?after=x", FirstURL: "/lists",
			Rows: []publists.Row{{ID: 1, Code: "92350206MA2XXXXX0X", Name: "湖里区某某便利店", Operator: "王*", Period: "2026-01 至 2026-12", SalesFen: 8000000}}}
	}, everyone}
	examples["staff_irregular.html"] = example{func() page {
		return &irregularPage{Taxpayer: t, basePage: basePage{Errors: map[string]string{"reason": "请填写原因"}}}
	}, staffSide}
	examples["staff_quota.html"] = example{func() page { return &quotaPage{Taxpayer: t} }, staffSide}
}

// TestListsPages: a clerk marks a taxpayer 非正常户 from its record page; the
// public list shows it and exports it; the clerk lifts it.
func TestListsPages(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		var id int64
		var name string
		if err := d.QueryRowContext(context.Background(), `SELECT t.id, t.name FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id
			WHERE o.division_code = '350203' AND t.status = 'active' ORDER BY t.id LIMIT 1`).Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		clerk := staffBrowser(t, ts, "35020301")
		path := "/staff/taxpayers/" + strconv.FormatInt(id, 10)
		s, body := clerk.get(path)
		clerk.expect(s, body, 200, "认定为非正常户")
		s, body = clerk.post(path+"/irregular", url.Values{"action": {"set"}, "reason": {""}})
		clerk.expect(s, body, 422, "请填写原因")
		s, body = clerk.post(path+"/irregular", url.Values{"action": {"set"}, "reason": {"逾期未申报，责令限期改正后仍未改正"}})
		clerk.expect(s, body, 200, "已认定为非正常户")

		visitor := newBrowser(t, ts)
		s, body = visitor.get("/lists?list=irregular")
		visitor.expect(s, body, 200, name, "逾期未申报，责令限期改正后仍未改正")
		s, body = visitor.get("/lists/export?list=irregular&format=csv")
		if s != 200 {
			t.Fatalf("csv: %d", s)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
		if err != nil || len(recs) != 2 || recs[1][0] != name {
			t.Errorf("csv rows %v %v", recs, err)
		}
		if s, body = visitor.get("/lists/export?list=irregular&format=xlsx"); s != 200 || !strings.HasPrefix(body, "PK") {
			t.Errorf("xlsx: %d", s)
		}
		if s, _ = visitor.get("/lists?list=nope"); s != 404 {
			t.Errorf("unknown list: %d", s)
		}
		// Another city's clerk cannot touch it.
		other := staffBrowser(t, ts, "35010201")
		if s, _ := other.post(path+"/irregular", url.Values{"action": {"lift"}, "reason": {"无关人员解除"}}); s != 404 {
			t.Errorf("another city's clerk: %d", s)
		}
		s, body = clerk.post(path+"/irregular", url.Values{"action": {"lift"}, "reason": {"已补办申报并缴清税款"}})
		clerk.expect(s, body, 200, "已解除非正常户")
		s, body = visitor.get("/lists?list=irregular")
		visitor.expect(s, body, 200, "没有符合条件的纳税人")
	})
}
