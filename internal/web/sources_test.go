package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/db/dbtest"
)

// The tax sources in the hall: the demo's building and parcel listed, a
// building added with field errors first, edited, ended through a
// confirmation page; the 2025 property return's page computes from the
// sources and refuses a declared value that disagrees, keeping what was typed.
func TestSourcePages(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	b, own := enterpriseAdmin(t, ts, d)
	ctx := context.Background()

	s, body := b.get("/hall/sources")
	b.expect(s, body, 200, `<a href="/hall/sources" aria-current="page">税源信息</a>`, "办公楼", "地块", "持有", "登记房产", "登记土地")

	s, body = b.post("/hall/sources/buildings", url.Values{"name": {"厦门"}, "division": {"350203"}, "original_value": {"abc"}, "area": {"100"},
		"usage": {"office"}, "annual_rent": {"5000"}, "from_date": {"2030-01-01"}})
	b.expect(s, body, 422, "提交的信息有 4 处需要修改", "房产坐落地址至少 4 个字", "房产原值：金额格式不正确", "未出租的房产不填年租金",
		"取得日期不能晚于今天", `value="厦门"`, `href="#f-original_value"`)

	s, body = b.post("/hall/sources/buildings", url.Values{"name": {"思明区中山路50号店面"}, "division": {"350203"}, "original_value": {"800,000"},
		"area": {"95.5"}, "usage": {"commercial"}, "rented": {"1"}, "annual_rent": {"120000"}, "from_date": {"2018-01-01"}})
	b.expect(s, body, 200, "已登记房产税源：思明区中山路50号店面", "从租，年租金 120,000.00 元", "800,000.00")

	var id int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM tax_buildings WHERE taxpayer_id = $1 AND name = '思明区中山路50号店面'`, own).Scan(&id); err != nil {
		t.Fatal(err)
	}
	edit := fmt.Sprintf("/hall/sources/buildings/%d", id)
	s, body = b.get(edit)
	b.expect(s, body, 200, "修改房产税源", `value="800000.00"`, `value="120000.00"`, `name="rented" value="1" checked`)
	s, body = b.post(edit, url.Values{"name": {"思明区中山路50号店面"}, "division": {"350203"}, "original_value": {"800000"},
		"area": {"95.5"}, "usage": {"commercial"}, "rented": {"1"}, "annual_rent": {"96000"}, "from_date": {"2018-01-01"}})
	b.expect(s, body, 200, "已保存房产税源", "从租，年租金 96,000.00 元")

	end := edit + "/end"
	s, body = b.get(end)
	b.expect(s, body, 200, "确认终止房产税源", "确认终止税源", "不早于取得日期 2018-01-01")
	s, body = b.post(end, url.Values{"to_date": {"2017-12-31"}})
	b.expect(s, body, 422, "终止日期不能早于取得日期（2018-01-01）", `value="2017-12-31"`)
	s, body = b.post(end, url.Values{"to_date": {"2026-06-20"}})
	b.expect(s, body, 200, "思明区中山路50号店面 已于 2026-06-20 终止", "2026-06-20 终止")
	s, body = b.post(end, url.Values{"to_date": {"2026-06-21"}})
	b.expect(s, body, 409, "已于 2026-06-20 终止", "无需再次终止")
	s, body = b.post(edit, url.Values{"name": {"思明区中山路50号店面"}})
	b.expect(s, body, 409, "不能再修改")

	// Another taxpayer's source is not found.
	other := newBrowser(t, ts)
	var code string
	if err := d.QueryRowContext(ctx, `SELECT code FROM taxpayers WHERE kind = 'enterprise' AND id <> $1 ORDER BY id LIMIT 1`, own).Scan(&code); err != nil {
		t.Fatal(err)
	}
	other.post("/login", url.Values{"code": {code}, "username": {"admin"}, "password": {"Xiamen@2026"}})
	if s, _ := other.get(edit); s != 404 {
		t.Errorf("another taxpayer's source: %d", s)
	}

	// The 2025 property return, filed from the sources. The demo filed it
	// already for some; start from a clean period.
	if _, err := d.ExecContext(ctx, `DELETE FROM tax_liabilities WHERE taxpayer_id = $1`, own); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DELETE FROM return_events WHERE taxpayer_id = $1`, `DELETE FROM return_drafts WHERE taxpayer_id = $1`,
		`UPDATE returns SET previous_id = NULL WHERE taxpayer_id = $1`, `DELETE FROM returns WHERE taxpayer_id = $1 AND form LIKE 'property_behaviour%'`} {
		if _, err := d.ExecContext(ctx, q, own); err != nil {
			t.Fatal(err)
		}
	}
	form := "/hall/returns/file?form=property_behaviour&period=2025"
	s, body = b.get(form)
	b.expect(s, body, 200, "财产和行为税纳税申报表", "2025年度", "税源信息", "房产税 从价计征", "印花税 买卖合同", "从租计征，2025年1月至12月租金 96,000.00 元")
	s, body = b.post(form, url.Values{"action": {"submit"}, "token": {"web-sources-0001"}, "1.declared": {"1"}})
	b.expect(s, body, 422, "第1栏 房产原值 1.00 与税源登记的房产原值", "不一致，请先更正税源信息", `value="1"`)
	s, body = b.post(form, url.Values{"action": {"submit"}, "token": {"web-sources-0001"}, "6.declared": {"100000"}})
	b.expect(s, body, 200, "申报成功")
	if !strings.Contains(body, "30.00") { // 100,000 × 0.03%
		t.Errorf("stamp duty missing from the acknowledgement: %.300s", stripTags(body))
	}
}
