package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var entCode, indCode string
		e.query(`SELECT code FROM taxpayers WHERE kind = 'enterprise' AND status = 'active' ORDER BY id LIMIT 1`, nil, &entCode)
		e.query(`SELECT code FROM taxpayers WHERE kind = 'individual' ORDER BY id LIMIT 1`, nil, &indCode)
		staff := map[string]string{"kind": "staff", "staff_no": simingClerk, "password": demo.Password}
		wrong := map[string]string{"kind": "staff", "staff_no": simingReviewer, "password": "Wrong#Pass2026"}
		e.run([]scenario{
			{name: "staff login", method: "POST", url: "/api/v1/auth/token", body: staff, status: 201,
				want: []expect{present("token"), eq("token_type", "Bearer"), eq("expires_at", "2026-11-24T09:00:00Z"), eq("actor.staff_no", "35020301"),
					eq("actor.roles", []string{"window_clerk"}), has("actor.org_name", "思明区")}},
			{name: "enterprise login", method: "POST", url: "/api/v1/auth/token", status: 201,
				body: map[string]string{"kind": "taxpayer", "code": entCode, "username": "admin", "password": demo.Password},
				want: []expect{eq("actor.kind", "taxpayer"), eq("actor.taxpayer_code", entCode), eq("actor.is_admin", true), eq("actor.role", "legal_rep")}},
			{name: "individual login without username", method: "POST", url: "/api/v1/auth/token", status: 201,
				body: map[string]string{"kind": "taxpayer", "code": strings.ToLower(indCode), "password": demo.Password},
				want: []expect{eq("actor.taxpayer_kind", "individual"), eq("actor.taxpayer_code", indCode)}},
			{name: "wrong password", method: "POST", url: "/api/v1/auth/token", status: 401,
				body: map[string]string{"kind": "staff", "staff_no": simingClerk, "password": "nope"},
				want: []expect{eq("error.code", "unauthenticated"), has("error.message", "账号或密码不正确")}},
			{name: "missing fields", method: "POST", url: "/api/v1/auth/token", body: map[string]string{"kind": "staff"}, status: 422,
				want: []expect{eq("error.fields", map[string]string{"staff_no": "请填写工号", "password": "请填写密码"})}},
			{name: "unknown kind", method: "POST", url: "/api/v1/auth/token", body: map[string]string{"kind": "robot"}, status: 422,
				want: []expect{eq("error.code", "invalid"), present("error.fields.kind")}},
			{name: "malformed JSON", method: "POST", url: "/api/v1/auth/token", body: `{"kind":`, status: 400,
				want: []expect{eq("error.code", "bad_request"), has("error.message", "不是有效的 JSON")}},
			{name: "unknown field", method: "POST", url: "/api/v1/auth/token", body: `{"kind":"staff","staffno":"1"}`, status: 400,
				want: []expect{eq("error.code", "bad_request"), eq("error.fields", map[string]string{"staffno": "未知字段"})}},
			{name: "wrong type", method: "POST", url: "/api/v1/auth/token", body: `{"kind":1}`, status: 400,
				want: []expect{eq("error.fields.kind", "字段类型不正确，应为字符串")}},
			{name: "two values", method: "POST", url: "/api/v1/auth/token", body: `{"kind":"staff"} {}`, status: 400, want: []expect{eq("error.code", "bad_request")}},
			{name: "empty body", method: "POST", url: "/api/v1/auth/token", body: ``, status: 400, want: []expect{has("error.message", "不能为空")}},
			{name: "form body refused", method: "POST", url: "/api/v1/auth/token", body: `kind=staff`,
				header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 415,
				want: []expect{eq("error.code", "unsupported_media_type")}},
			{name: "huge body", method: "POST", url: "/api/v1/auth/token", body: `{"password":"` + strings.Repeat("x", 1<<20) + `"}`, status: 413, want: []expect{eq("error.code", "too_large")}},
			{name: "anonymous me", method: "GET", url: "/api/v1/me", status: 401, want: []expect{eq("error.code", "unauthenticated"), has("error.message", "请先登录")}},
			{name: "garbage token", method: "GET", url: "/api/v1/me", token: "garbage", status: 401, want: []expect{has("error.message", "登录已失效")}},
			{name: "basic auth refused", method: "GET", url: "/api/v1/me", header: map[string]string{"Authorization": "Basic eDp5"}, status: 401},
			// Throttling: the account locks after AccountLimit (5) failures.
			{name: "failure 1", method: "POST", url: "/api/v1/auth/token", body: wrong, status: 401},
			{name: "failure 2", method: "POST", url: "/api/v1/auth/token", body: wrong, status: 401},
			{name: "failure 3", method: "POST", url: "/api/v1/auth/token", body: wrong, status: 401},
			{name: "failure 4", method: "POST", url: "/api/v1/auth/token", body: wrong, status: 401},
			{name: "failure 5", method: "POST", url: "/api/v1/auth/token", body: wrong, status: 401},
			{name: "locked", method: "POST", url: "/api/v1/auth/token", body: wrong, status: 429, want: []expect{eq("error.code", "too_many"), has("error.message", "已暂时锁定，请于 17:15 后再试")}},
			{name: "locked even with the right password", method: "POST", url: "/api/v1/auth/token", status: 429,
				body: map[string]string{"kind": "staff", "staff_no": simingReviewer, "password": demo.Password}},
		})

		t.Run("401 names the Bearer scheme", func(t *testing.T) {
			res := e.with(t).do("GET", "/api/v1/me", "", nil, nil)
			if got := res.header.Get("WWW-Authenticate"); res.status != 401 || !strings.HasPrefix(got, "Bearer") {
				t.Errorf("%d WWW-Authenticate = %q", res.status, got)
			}
		})
		tok := e.staff(simingClerk)
		e.run([]scenario{
			{name: "change password, wrong current", method: "POST", url: "/api/v1/me/password", token: tok, status: 422,
				body: map[string]string{"current_password": "nope", "password": "Siming#Clerk2026", "password_confirm": "Siming#Clerk2026"},
				want: []expect{eq("error.fields.current_password", "当前密码不正确")}},
			{name: "change password", method: "POST", url: "/api/v1/me/password", token: tok, status: 204,
				body: map[string]string{"current_password": demo.Password, "password": "Siming#Clerk2026", "password_confirm": "Siming#Clerk2026"}},
			{name: "old password refused", method: "POST", url: "/api/v1/auth/token", status: 401,
				body: map[string]string{"kind": "staff", "staff_no": simingClerk, "password": demo.Password}},
			{name: "new password works", method: "POST", url: "/api/v1/auth/token", status: 201,
				body: map[string]string{"kind": "staff", "staff_no": simingClerk, "password": "Siming#Clerk2026"}},
			{name: "me", method: "GET", url: "/api/v1/me", token: tok, status: 200,
				want: []expect{eq("kind", "staff"), eq("staff_no", "35020301"), eq("role_names", []string{"窗口受理人员"}), absent("is_admin"), absent("taxpayer_id")}},
			// The API reads no cookie: a token in any cookie does not log in.
			{name: "cookie ignored", method: "GET", url: "/api/v1/me", status: 401,
				header: map[string]string{"Cookie": "session=" + tok + "; taxhall_session=" + tok + "; __Host-session=" + tok}},
			{name: "logout", method: "DELETE", url: "/api/v1/auth/token", token: tok, status: 204},
			{name: "token dead after logout", method: "GET", url: "/api/v1/me", token: tok, status: 401},
			{name: "logout again", method: "DELETE", url: "/api/v1/auth/token", token: tok, status: 401},
		})
	})
}

func TestFallbackAndReference(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.run([]scenario{
			{name: "unknown path", method: "GET", url: "/api/v1/nothing", status: 404, want: []expect{eq("error.code", "not_found")}},
			{name: "bad id", method: "GET", url: "/api/v1/taxpayers/abc", token: e.staff(simingClerk), status: 404},
			{name: "wrong method", method: "PUT", url: "/api/v1/me", status: 405, want: []expect{eq("error.code", "method_not_allowed")}},
			{name: "provinces", method: "GET", url: "/api/v1/reference/divisions", status: 200, want: []expect{has("items", map[string]string{"code": "35", "name": "福建省"})}},
			{name: "cities", method: "GET", url: "/api/v1/reference/divisions?parent=35", status: 200,
				want: []expect{has("items", map[string]string{"code": "3502", "name": "厦门市", "parent_code": "35"}), lacks("items.*.name", "思明区"),
					every("items.*.parent_code", "35")}},
			{name: "areas", method: "GET", url: "/api/v1/reference/divisions?parent=3502", status: 200, want: []expect{has("items", map[string]string{"code": "350203", "name": "思明区", "parent_code": "3502"})}},
			{name: "unknown parent", method: "GET", url: "/api/v1/reference/divisions?parent=99", status: 404},
			{name: "area has no children", method: "GET", url: "/api/v1/reference/divisions?parent=350203", status: 422,
				want: []expect{present("error.fields.parent")}},
			{name: "industries", method: "GET", url: "/api/v1/reference/industries", status: 200,
				want: []expect{has("items.*.name", "制造业"), has("items.*.divisions.*", map[string]string{"code": "65", "name": "软件和信息技术服务业"})}},
			{name: "tax types", method: "GET", url: "/api/v1/reference/tax-types", status: 200,
				want: []expect{eq("items.0.code", "vat_small"), eq("items.0.periods", []map[string]string{{"code": "month", "name": "按月"}, {"code": "quarter", "name": "按季"}}),
					eq("items.0.individuals", true)}},
			{name: "codes", method: "GET", url: "/api/v1/reference/codes", status: 200, want: []expect{has("statuses", map[string]string{"code": "pending", "name": "新办待认定"}), has("staff_roles.*.code", "window_clerk")}},
		})
		t.Run("405 lists the allowed methods", func(t *testing.T) {
			res := e.with(t).do("PATCH", "/api/v1/taxpayers/1/identifications", "", nil, nil)
			if res.status != 405 || res.header.Get("Allow") != "GET, POST" {
				t.Errorf("PATCH identifications: %d Allow=%q", res.status, res.header.Get("Allow"))
			}
		})
	})
}

func TestInternalErrorsAreNotLeaked(t *testing.T) {
	var logged bytes.Buffer
	a := &API{Log: slog.New(slog.NewTextHandler(&logged, nil))}
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/api/v1/me", nil)
	a.fail(w, r, errors.New("pq: password authentication failed for user secret"))
	body := w.Body.String()
	var got errorBody
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("%d %s: %v", w.Code, body, err)
	}
	want := errorDetail{Code: "internal", Message: internalMessage}
	if w.Code != http.StatusInternalServerError || !reflect.DeepEqual(got.Error, want) {
		t.Errorf("%d %s, want %+v", w.Code, body, want)
	}
	if !strings.Contains(logged.String(), "secret") {
		t.Errorf("500 not logged: %q", logged.String())
	}
}
