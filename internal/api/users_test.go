package api

import (
	"strconv"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

func TestEnterpriseUsers(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var code string
		e.query(`SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1`, nil, &code)
		admin := e.taxpayer(code, "admin")
		clerk := e.taxpayer(code, "banshui") // not an administrator
		const pw = "Zhang#San2026x"
		newUser := map[string]any{"username": "zhangsan", "name": "张三", "phone": "13700001111", "role": "tax_clerk",
			"password": pw, "password_confirm": pw}
		e.run([]scenario{
			{name: "non-admin cannot add", method: "POST", url: "/api/v1/my/users", token: clerk, body: newUser, status: 403,
				want: []expect{eq("error.code", "forbidden"), has("error.message", "只有本单位的管理员可以管理用户")}},
			{name: "staff cannot add", method: "POST", url: "/api/v1/my/users", token: e.staff(simingClerk), body: newUser, status: 403},
			{name: "bad user", method: "POST", url: "/api/v1/my/users", token: admin, status: 422,
				body: map[string]any{"username": "1x", "name": "张", "phone": "123", "role": "boss", "password": "a", "password_confirm": "b"},
				want: []expect{present("error.fields.username"), present("error.fields.name"), present("error.fields.phone"), present("error.fields.role"),
					present("error.fields.password"), present("error.fields.password_confirm")}},
			{name: "admin adds", method: "POST", url: "/api/v1/my/users", token: admin, body: newUser, status: 201,
				want: []expect{eq("username", "zhangsan"), eq("is_admin", false), eq("active", true), eq("role_name", "办税人员"), eq("phone", "13700001111"),
					absent("password"), absent("password_confirm")}},
			{name: "same username again", method: "POST", url: "/api/v1/my/users", token: admin, body: newUser, status: 422,
				want: []expect{present("error.fields.username")}},
		})
		login := map[string]string{"kind": "taxpayer", "code": code, "username": "zhangsan", "password": pw}
		zs := e.login(login)
		res := e.do("GET", "/api/v1/me", zs, nil, nil)
		id := jid(t, res.body, "user_id")
		user := "/api/v1/my/users/" + id
		e.run([]scenario{
			{name: "new user is not admin", method: "POST", url: "/api/v1/my/users", token: zs, body: newUser, status: 403},
			{name: "new user cannot patch", method: "PATCH", url: user, token: zs, body: map[string]any{"name": "张三丰"}, status: 403},
			{name: "patch keeps omitted fields", method: "PATCH", url: user, token: admin, body: map[string]any{"phone": "13700002222"}, status: 200,
				want: []expect{eq("name", "张三"), eq("phone", "13700002222"), eq("role", "tax_clerk"), eq("active", true)}},
			{name: "phone change keeps the session", method: "GET", url: "/api/v1/me", token: zs, status: 200},
			{name: "patch rejects unknown fields", method: "PATCH", url: user, token: admin, body: map[string]any{"username": "x"}, status: 400},
			{name: "patch validates", method: "PATCH", url: user, token: admin, body: map[string]any{"role": "boss"}, status: 422,
				want: []expect{present("error.fields.role")}},
			{name: "admin cannot disable self", method: "PATCH", url: "/api/v1/my/users/" + jid(t, e.do("GET", "/api/v1/me", admin, nil, nil).body, "user_id"),
				token: admin, body: map[string]any{"active": false}, status: 422},
			{name: "admin disables", method: "PATCH", url: user, token: admin, body: map[string]any{"active": false}, status: 200,
				want: []expect{eq("active", false)}},
			{name: "disabled token dead", method: "GET", url: "/api/v1/me", token: zs, status: 401},
			{name: "disabled cannot log in", method: "POST", url: "/api/v1/auth/token", body: login, status: 401},
			{name: "admin enables", method: "PATCH", url: user, token: admin, body: map[string]any{"active": true}, status: 200},
			{name: "weak reset", method: "POST", url: user + "/password", token: admin, body: map[string]string{"password": "abc", "password_confirm": "abc"},
				status: 422, want: []expect{present("error.fields.password")}},
			{name: "reset", method: "POST", url: user + "/password", token: admin, body: map[string]string{"password": "Fresh#Start2026", "password_confirm": "Fresh#Start2026"},
				status: 204},
			{name: "old password refused", method: "POST", url: "/api/v1/auth/token", body: login, status: 401},
			{name: "new password works", method: "POST", url: "/api/v1/auth/token", status: 201,
				body: map[string]string{"kind": "taxpayer", "code": code, "username": "zhangsan", "password": "Fresh#Start2026"}},
			{name: "demo password still works for admin", method: "POST", url: "/api/v1/auth/token", status: 201,
				body: map[string]string{"kind": "taxpayer", "code": code, "username": "admin", "password": demo.Password}},
		})
	})
}

func TestAdministration(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var simingOrg, fuzhouOrg, xiamenOrg int64
		e.query(`SELECT id FROM orgs WHERE division_code = '350203'`, nil, &simingOrg)
		e.query(`SELECT id FROM orgs WHERE division_code = '350102'`, nil, &fuzhouOrg)
		e.query(`SELECT id FROM orgs WHERE division_code = '3502'`, nil, &xiamenOrg)
		var xiamenOrgs int
		e.query(`SELECT count(*) FROM orgs WHERE division_code LIKE '3502%'`, nil, &xiamenOrgs)
		siming, fuzhou, xiamen := itoa(simingOrg), itoa(fuzhouOrg), itoa(xiamenOrg)
		admin := e.staff(xiamenAdmin)
		const pw = "Staff#Pass2026"
		e.run([]scenario{
			{name: "orgs of xiamen", method: "GET", url: "/api/v1/orgs", token: admin, status: 200,
				want: []expect{has("items.*.name", "国家税务总局厦门市思明区税务局"), has("items.*.level_name", "区县税务局"), eq("items.0.division_code", "3502"),
					count("items", xiamenOrgs), lacks("items.*.division_code", "350102")}},
			{name: "own district", method: "GET", url: "/api/v1/orgs/" + siming, token: admin, status: 200, want: []expect{eq("code", "13502030000"), eq("division_code", "350203")}},
			{name: "fuzhou hidden", method: "GET", url: "/api/v1/orgs/" + fuzhou, token: admin, status: 404},
			{name: "division taken", method: "POST", url: "/api/v1/orgs", token: admin, status: 422,
				body: map[string]any{"parent_id": xiamenOrg, "division_code": "350203", "name": "重复的税务局"}, want: []expect{present("error.fields.division_code")}},
			{name: "division outside", method: "POST", url: "/api/v1/orgs", token: admin, status: 422,
				body: map[string]any{"parent_id": xiamenOrg, "division_code": "350102", "name": "越界的税务局"}, want: []expect{present("error.fields.division_code")}},
			{name: "patch phone keeps name", method: "PATCH", url: "/api/v1/orgs/" + siming, token: admin, body: map[string]any{"phone": "0592-2123456"},
				status: 200, want: []expect{eq("phone", "0592-2123456"), eq("name", "国家税务总局厦门市思明区税务局"), eq("active", true)}},
			{name: "cannot deactivate own org", method: "PATCH", url: "/api/v1/orgs/" + xiamen, token: admin, body: map[string]any{"active": false},
				status: 422, want: []expect{present("error.fields.active")}},
			{name: "staff of siming", method: "GET", url: "/api/v1/staff?org_id=" + siming, token: admin, status: 200,
				want: []expect{has("items.*.staff_no", "35020301"), has("items.*.role_names", []string{"窗口受理人员"}), lacks("items.*.staff_no", "35020601"),
					every("items.*.org_id", simingOrg)}},
			{name: "staff search", method: "GET", url: "/api/v1/staff?q=3502060", token: admin, status: 200, want: []expect{has("items.*.staff_no", "35020601"), lacks("items.*.staff_no", "35020301")}},
			{name: "bad org_id", method: "GET", url: "/api/v1/staff?org_id=x", token: admin, status: 400, want: []expect{eq("error.fields.org_id", "应为整数")}},
			{name: "create staff", method: "POST", url: "/api/v1/staff", token: admin, status: 201,
				body: map[string]any{"org_id": simingOrg, "staff_no": "35020399", "name": "王新", "roles": []string{"window_clerk", "reviewer"}, "password": pw},
				want: []expect{eq("staff_no", "35020399"), eq("role_names", []string{"窗口受理人员", "审核人员"}), eq("org_id", simingOrg), absent("password")}},
			{name: "duplicate staff no", method: "POST", url: "/api/v1/staff", token: admin, status: 422,
				body: map[string]any{"org_id": simingOrg, "staff_no": "35020399", "name": "王新", "roles": []string{"window_clerk"}, "password": pw},
				want: []expect{eq("error.fields.staff_no", "该工号已被使用")}},
			{name: "staff outside", method: "POST", url: "/api/v1/staff", token: admin, status: 422,
				body: map[string]any{"org_id": fuzhouOrg, "staff_no": "35010299", "name": "李四", "roles": []string{"window_clerk"}, "password": pw},
				want: []expect{present("error.fields.org_id")}},
		})
		wang := e.login(map[string]string{"kind": "staff", "staff_no": "35020399", "password": pw})
		res := e.do("GET", "/api/v1/me", wang, nil, nil)
		staffURL := "/api/v1/staff/" + jid(t, res.body, "user_id")
		e.run([]scenario{
			{name: "get staff", method: "GET", url: staffURL, token: admin, status: 200, want: []expect{eq("name", "王新"), eq("staff_no", "35020399")}},
			{name: "clerk cannot", method: "GET", url: staffURL, token: wang, status: 403},
			{name: "patch roles keeps name", method: "PATCH", url: staffURL, token: admin, body: map[string]any{"roles": []string{"reviewer"}},
				status: 200, want: []expect{eq("name", "王新"), eq("roles", []string{"reviewer"})}},
			{name: "bad password reset", method: "POST", url: staffURL + "/password", token: admin, body: map[string]string{"password": "35020399Ab#x"},
				status: 422, want: []expect{present("error.fields.password")}},
			{name: "disable", method: "PATCH", url: staffURL, token: admin, body: map[string]any{"active": false}, status: 200,
				want: []expect{eq("active", false)}},
			{name: "disabled staff token dead", method: "GET", url: "/api/v1/me", token: wang, status: 401},
		})
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
