package web

import (
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

// The administrator changes an item's limits and difficulty; disabling it
// comes back once for confirmation, then takes it off the taxpayers'
// catalogue; a clerk gets 403.
func TestItemsAdmin(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		clerk := newBrowser(t, ts)
		clerk.post("/staff/login", url.Values{"staff_no": {"35020301"}, "password": {demo.Password}})
		s, body := clerk.get("/staff/items")
		clerk.expect(s, body, 403)
		admin := newBrowser(t, ts)
		admin.post("/staff/login", url.Values{"staff_no": {"35020001"}, "password": {demo.Password}})
		s, body = admin.get("/staff/items")
		admin.expect(s, body, 200, "停业登记", "受理（窗口受理人员，1 个工作日）", `href="/staff/items/edit?code=suspension"`)
		s, body = admin.get("/staff/items/edit?code=suspension")
		admin.expect(s, body, 200, `name="limit_0" type="number" value="1"`, `name="limit_1"`, `value="1"`)

		save := url.Values{"code": {"suspension"}, "limit_0": {"2"}, "limit_1": {"61"}, "difficulty": {"1.25"}, "citywide": {"1"}, "active": {"1"}}
		s, body = admin.post("/staff/items/edit", save)
		admin.expect(s, body, 422, "审批时限应为 0 至 60 个工作日")
		save.Set("limit_1", "4")
		s, body = admin.post("/staff/items/edit", save)
		admin.expect(s, body, 200, "已保存“停业登记”", "受理（窗口受理人员，2 个工作日）", "审批（审核人员，4 个工作日）", "1.25")

		// Disabling asks once, keeping what was typed.
		save.Del("active")
		save.Set("difficulty", "1.5")
		s, body = admin.post("/staff/items/edit", save)
		admin.expect(s, body, 422, "确认暂停网上办理", `value="1.5"`)
		taxpayer := newBrowser(t, ts)
		taxpayer.post("/login", url.Values{"code": {"91350203CHXXHJ8TKL"}, "username": {"admin"}, "password": {demo.Password}})
		s, body = taxpayer.get("/hall/items")
		taxpayer.expect(s, body, 200, "停业登记")
		save.Set("confirm_disable", "1")
		s, body = admin.post("/staff/items/edit", save)
		admin.expect(s, body, 200, "已暂停网上办理")
		s, body = taxpayer.get("/hall/items")
		if s != 200 || strings.Contains(body, "停业登记") {
			t.Errorf("disabled item still offered: %d", s)
		}
		s, body = taxpayer.get("/hall/apply?item=suspension")
		taxpayer.expect(s, body, 404)
	})
}
