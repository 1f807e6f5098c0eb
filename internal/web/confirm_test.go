package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"taxhall/internal/db/dbtest"
	"testing"
)

// TestDestructiveSavesAskFirst (finding 5): disabling a taxpayer user, a
// staff member or a bureau comes back once with the consequence and a box
// to tick, every typed value kept; resetting someone's password needs its
// box ticked. Saves that disable nothing ask nothing.
func TestDestructiveSavesAskFirst(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	ctx := context.Background()
	active := func(table string, id int64) bool {
		var a int
		if err := d.QueryRowContext(ctx, `SELECT active FROM `+table+` WHERE id = $1`, id).Scan(&a); err != nil {
			t.Fatal(err)
		}
		return a == 1
	}

	t.Run("taxpayer user", func(t *testing.T) {
		admin, tpID := enterpriseAdmin(t, ts, d)
		var uid int64
		if err := d.QueryRowContext(ctx, `SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND username = 'caiwu'`, tpID).Scan(&uid); err != nil {
			t.Fatal(err)
		}
		user := "/hall/users/" + strconv.FormatInt(uid, 10)
		form := url.Values{"name": {"李新会计"}, "phone": {"13900003333"}, "role": {"finance"}}
		s, body := admin.post(user, form)
		admin.expect(s, body, 422, "确认停用该办税人员", "将立即退出登录", "停用前请勾选“确认停用”", `value="李新会计"`, `id="f-confirm_disable"`)
		if !active("taxpayer_users", uid) {
			t.Fatal("disabled without confirmation")
		}
		form.Set("confirm_disable", "1")
		s, body = admin.post(user, form)
		admin.expect(s, body, 200, "已保存 李新会计 的信息")
		if active("taxpayer_users", uid) {
			t.Error("not disabled after confirmation")
		}
		s, body = admin.post(user, url.Values{"name": {"李新会计"}, "phone": {"13900003333"}, "role": {"finance"}, "active": {"1"}})
		admin.expect(s, body, 200, "已保存")
		if !active("taxpayer_users", uid) {
			t.Error("enabling asked a question")
		}

		reset := url.Values{"password": {"Reset#Pass2026"}, "password_confirm": {"Reset#Pass2026"}}
		s, body = admin.get(user)
		admin.expect(s, body, 200, "确认重置密码", "当前的登录立即失效")
		s, body = admin.post(user+"/password", reset)
		admin.expect(s, body, 422, "请勾选“确认重置密码”")
		if strings.Contains(body, "Reset#Pass2026") {
			t.Error("password echoed back")
		}
		reset.Set("confirm_reset", "1")
		s, body = admin.post(user+"/password", reset)
		admin.expect(s, body, 200, "密码已重置")
	})

	t.Run("staff member and bureau", func(t *testing.T) {
		city := staffBrowser(t, ts, "35020001")
		var sid, orgID int64
		var roles string
		if err := d.QueryRowContext(ctx, `SELECT id, org_id, roles FROM staff WHERE staff_no = '35020302'`).Scan(&sid, &orgID, &roles); err != nil {
			t.Fatal(err)
		}
		member := "/staff/staff/" + strconv.FormatInt(sid, 10)
		form := url.Values{"org_id": {strconv.FormatInt(orgID, 10)}, "name": {"新名字"}, "phone": {"13800008888"}, "roles": strings.Split(roles, ",")}
		s, body := city.post(member, form)
		city.expect(s, body, 422, "确认停用该工作人员", "35020302", `value="新名字"`)
		if !active("staff", sid) {
			t.Fatal("staff disabled without confirmation")
		}
		form.Set("confirm_disable", "1")
		s, body = city.post(member, form)
		city.expect(s, body, 200, "已保存 新名字 的信息")
		if active("staff", sid) {
			t.Error("staff not disabled after confirmation")
		}
		s, body = city.post(member+"/password", url.Values{"password": {"Staff#Reset2026"}})
		city.expect(s, body, 422, "请勾选“确认重置密码”")
		s, body = city.post(member+"/password", url.Values{"password": {"Staff#Reset2026"}, "confirm_reset": {"1"}})
		city.expect(s, body, 200, "密码已重置")

		bureau := "/staff/orgs/" + strconv.FormatInt(orgID, 10)
		s, body = city.post(bureau, url.Values{"name": {"国家税务总局厦门市思明区税务局"}, "address": {"新地址1号"}})
		city.expect(s, body, 422, "确认停用该税务机关", "不再受理辖区内的新办登记", `value="新地址1号"`)
		if !active("orgs", orgID) {
			t.Fatal("bureau disabled without confirmation")
		}
		// A clerk is refused before any question.
		clerk := staffBrowser(t, ts, "35020301")
		s, body = clerk.post(bureau, url.Values{"name": {"x"}})
		clerk.expect(s, body, 403)
		s, body = city.post(bureau, url.Values{"name": {"国家税务总局厦门市思明区税务局"}, "address": {"新地址1号"}, "confirm_disable": {"1"}})
		city.expect(s, body, 200, "已保存")
		if active("orgs", orgID) {
			t.Error("bureau not disabled after confirmation")
		}
	})
}
