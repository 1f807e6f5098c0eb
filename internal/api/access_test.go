package api

import (
	"strconv"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// Staff see only the taxpayers of their own bureau's subtree; taxpayer users
// see only their own enterprise.
func TestAccessIsolation(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var tpID int64
		var tpCode string
		e.query(`SELECT t.id, t.code FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id
			WHERE o.division_code = '350203' AND t.kind = 'enterprise' ORDER BY t.id LIMIT 1`, nil, &tpID, &tpCode)
		id := strconv.FormatInt(tpID, 10)
		var otherUser int64
		e.query(`SELECT id FROM taxpayer_users WHERE taxpayer_id <> $1 ORDER BY id LIMIT 1`, []any{tpID}, &otherUser)
		var ownUser int64
		e.query(`SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND username = 'caiwu'`, []any{tpID}, &ownUser)

		var clerkName string
		e.query(`SELECT name FROM staff WHERE staff_no = $1`, []any{simingClerk}, &clerkName)
		siming, huli := e.staff(simingClerk), e.staff(huliClerk)
		tpAdmin := e.taxpayer(tpCode, "admin")
		identify := map[string]string{"tax_type": "consumption", "period": "month", "start_date": "2026-12-01"}
		e.run([]scenario{
			{name: "siming clerk reads its taxpayer", method: "GET", url: "/api/v1/taxpayers/" + id, token: siming, status: 200,
				want: []expect{eq("taxpayer.code", tpCode), has("taxpayer.bureau_name", "思明区税务局"), present("identifications"), eq("taxpayer.kind_name", "单位纳税人")}},
			{name: "siming clerk identifies a tax", method: "POST", url: "/api/v1/taxpayers/" + id + "/identifications", token: siming, body: identify,
				status: 201, want: []expect{eq("tax_type", "consumption"), eq("tax_type_name", "消费税"), eq("period_name", "按月"), eq("start_date", "2026-12-01"), absent("end_date")}},
			{name: "siming clerk lists identifications", method: "GET", url: "/api/v1/taxpayers/" + id + "/identifications", token: siming,
				status: 200, want: []expect{has("items.*.tax_type", "consumption")}},
			{name: "siming search finds it", method: "GET", url: "/api/v1/taxpayers?q=" + tpCode, token: siming, status: 200,
				want: []expect{eq("total", 1), count("items", 1), eq("items.0.code", tpCode)}},
			{name: "huli clerk cannot read it", method: "GET", url: "/api/v1/taxpayers/" + id, token: huli, status: 404,
				want: []expect{eq("error.code", "not_found"), lacks("error.message", tpCode), absent("taxpayer")}},
			{name: "huli clerk cannot list its identifications", method: "GET", url: "/api/v1/taxpayers/" + id + "/identifications", token: huli, status: 404},
			{name: "huli clerk cannot identify", method: "POST", url: "/api/v1/taxpayers/" + id + "/identifications", token: huli,
				body: map[string]string{"tax_type": "property", "period": "year", "start_date": "2026-12-01"}, status: 404},
			{name: "huli clerk cannot see the suggestions", method: "GET", url: "/api/v1/taxpayers/" + id + "/identification-suggestions", token: huli, status: 404},
			{name: "huli clerk cannot identify a set", method: "POST", url: "/api/v1/taxpayers/" + id + "/identifications/batch", token: huli,
				body: map[string]any{"items": []map[string]string{{"tax_type": "property", "period": "year", "start_date": "2026-12-01"}}}, status: 404},
			{name: "huli clerk cannot complete", method: "POST", url: "/api/v1/taxpayers/" + id + "/identification-complete", token: huli, status: 404},
			{name: "taxpayer cannot complete", method: "POST", url: "/api/v1/taxpayers/" + id + "/identification-complete", token: tpAdmin, status: 403},
			{name: "huli clerk cannot end", method: "POST", url: "/api/v1/taxpayers/" + id + "/identifications/1/end", token: huli,
				body: map[string]string{"end_date": "2026-12-31"}, status: 404},
			{name: "huli search does not find it", method: "GET", url: "/api/v1/taxpayers?q=" + tpCode, token: huli, status: 200,
				want: []expect{eq("total", 0), eq("items", []any{})}},
			{name: "bad cursor", method: "GET", url: "/api/v1/taxpayers?after=x", token: huli, status: 422, want: []expect{eq("error.fields.after", "翻页位置无效，请从第一页重新查询")}},
			{name: "paging", method: "GET", url: "/api/v1/taxpayers?page_size=1", token: siming, status: 200,
				want: []expect{eq("page_size", 1), count("items", 1), present("next")}},
			{name: "taxpayer user is not staff", method: "GET", url: "/api/v1/taxpayers", token: tpAdmin, status: 403,
				want: []expect{eq("error.code", "forbidden")}},
			{name: "taxpayer user gets no staff view of its own record", method: "GET", url: "/api/v1/taxpayers/" + id, token: tpAdmin, status: 403,
				want: []expect{eq("error.code", "forbidden"), absent("taxpayer")}},
			{name: "nor of its identifications", method: "GET", url: "/api/v1/taxpayers/" + id + "/identifications", token: tpAdmin, status: 403,
				want: []expect{absent("items")}},
			{name: "staff get 403 on a taxpayer route with an id", method: "GET", url: "/api/v1/my/users/" + strconv.FormatInt(ownUser, 10), token: siming, status: 403,
				want: []expect{eq("error.code", "forbidden"), absent("username")}},
			{name: "taxpayer cannot identify", method: "POST", url: "/api/v1/taxpayers/" + id + "/identifications", token: tpAdmin, body: identify, status: 403},
			{name: "anonymous list", method: "GET", url: "/api/v1/taxpayers", status: 401},
			{name: "anonymous my", method: "GET", url: "/api/v1/my/taxpayer", status: 401},
			{name: "staff has no my/taxpayer", method: "GET", url: "/api/v1/my/taxpayer", token: siming, status: 403},
			{name: "clerk sees only own org", method: "GET", url: "/api/v1/orgs", token: siming, status: 200,
				want: []expect{eq("items.*.division_code", []string{"350203"}), eq("items.0.name", "国家税务总局厦门市思明区税务局")}},
			{name: "clerk is not admin", method: "GET", url: "/api/v1/staff", token: siming, status: 403},
			{name: "clerk cannot create staff", method: "POST", url: "/api/v1/staff", token: siming, status: 403,
				body: map[string]any{"org_id": 1, "staff_no": "x1234", "name": "王五", "roles": []string{"admin"}, "password": "Staff#Pass2026"}},
			{name: "my taxpayer", method: "GET", url: "/api/v1/my/taxpayer", token: tpAdmin, status: 200,
				want: []expect{eq("taxpayer.code", tpCode), has("identifications.*.tax_type", "consumption"), has("identifications.*.created_by", clerkName)}},
			{name: "my users", method: "GET", url: "/api/v1/my/users", token: tpAdmin, status: 200,
				want: []expect{has("items.*.username", "admin"), has("items.*.username", "caiwu"), has("items.*.role_name", "财务负责人")}},
			{name: "own user", method: "GET", url: "/api/v1/my/users/" + strconv.FormatInt(ownUser, 10), token: tpAdmin, status: 200,
				want: []expect{eq("username", "caiwu"), eq("id", ownUser)}},
			{name: "another taxpayer's user", method: "GET", url: "/api/v1/my/users/" + strconv.FormatInt(otherUser, 10), token: tpAdmin, status: 404},
			{name: "another taxpayer's user, patch", method: "PATCH", url: "/api/v1/my/users/" + strconv.FormatInt(otherUser, 10), token: tpAdmin,
				body: map[string]any{"active": false}, status: 404},
			{name: "another taxpayer's user, password", method: "POST", url: "/api/v1/my/users/" + strconv.FormatInt(otherUser, 10) + "/password",
				token: tpAdmin, body: map[string]string{"password": "Another#Pass2026", "password_confirm": "Another#Pass2026"}, status: 404},
		})
	})
}
