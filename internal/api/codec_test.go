package api

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/input"
)

// Bad bytes and absurd numbers are refused at the edge with 400 and the
// field named: before this check, NUL or invalid UTF-8 reached PostgreSQL
// (SQLSTATE 22021, a 500), a huge page became a negative OFFSET and a long
// search text made SQLite's LIKE fail ("pattern too complex").
func TestBadInputAtTheEdge(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		clerk, admin := e.staff(simingClerk), e.staff(xiamenAdmin)
		var staffID int64
		e.query(`SELECT id FROM staff WHERE staff_no = $1`, []any{simingClerk}, &staffID)
		bad := func(field string) []expect {
			return []expect{eq("error.code", "bad_request"), present("error.fields." + field)}
		}
		long := strings.Repeat("税", input.MaxValue+1)
		e.run([]scenario{
			{name: "NUL in login", method: "POST", url: "/api/v1/auth/token", status: 400, want: bad("staff_no"),
				body: `{"kind":"staff","staff_no":"a\u0000b","password":"x"}`},
			{name: "invalid UTF-8 in login", method: "POST", url: "/api/v1/auth/token", status: 400, want: bad("code"),
				body: "{\"kind\":\"taxpayer\",\"code\":\"\xff\xfe\",\"password\":\"x\"}"},
			{name: "lone surrogate", method: "POST", url: "/api/v1/auth/token", status: 400, want: bad("password"),
				body: `{"kind":"staff","staff_no":"35020301","password":"\ud800"}`},
			{name: "escape character", method: "POST", url: "/api/v1/auth/token", status: 400, want: bad("password"),
				body: `{"kind":"staff","staff_no":"35020301","password":"a\u001bb"}`},
			{name: "text over the limit", method: "POST", url: "/api/v1/auth/token", status: 400, want: bad("password"),
				body: map[string]string{"kind": "staff", "staff_no": simingClerk, "password": long}},
			{name: "nested field named with its parent", method: "POST", url: "/api/v1/registrations/enterprise", status: 400,
				body: `{"name":"ok","user":{"name":"陈\u0000建国"}}`,
				want: []expect{eq("error.fields", map[string]string{"user_name": "含有不可见的控制字符，请删除后重新输入"})}},
			{name: "string in an array", method: "PATCH", url: "/api/v1/staff/" + itoa(staffID), token: admin, status: 400, want: bad("roles"),
				body: `{"roles":["window_clerk","\u0000"]}`},
			{name: "pointer field", method: "PATCH", url: "/api/v1/staff/" + itoa(staffID), token: admin, status: 400, want: bad("name"),
				body: "{\"name\":\"\xc0\xae\"}"},
			{name: "good Chinese text passes", method: "POST", url: "/api/v1/auth/token", status: 401,
				body: map[string]string{"kind": "staff", "staff_no": "厦门\t税务", "password": "密码\r\n"}},

			{name: "invalid UTF-8 in a search", method: "GET", url: "/api/v1/taxpayers?q=%FF%FE", token: clerk, status: 400, want: bad("q")},
			{name: "NUL in a search", method: "GET", url: "/api/v1/taxpayers?q=a%00b", token: clerk, status: 400, want: bad("q")},
			{name: "search over MaxQuery", method: "GET", url: "/api/v1/taxpayers?q=" + strings.Repeat("a", input.MaxQuery+1), token: clerk,
				status: 400, want: bad("q")},
			{name: "search text of 50,000 characters", method: "GET", url: "/api/v1/taxpayers?q=" + strings.Repeat("%25_", 25000), token: clerk,
				status: 400, want: bad("q")},
			{name: "staff search checked too", method: "GET", url: "/api/v1/staff?q=%00", token: admin, status: 400, want: bad("q")},
			{name: "bad bytes in an unknown parameter", method: "GET", url: "/api/v1/taxpayers?x=%FF", token: clerk, status: 400, want: bad("x")},
			{name: "bad bytes in a reference query", method: "GET", url: "/api/v1/reference/divisions?parent=%C0%AE", status: 400, want: bad("parent")},
			{name: "Chinese search passes", method: "GET", url: "/api/v1/taxpayers?q=" + url.QueryEscape("厦门"), token: clerk, status: 200},

			{name: "page size over 100", method: "GET", url: "/api/v1/taxpayers?page_size=101", token: clerk, status: 400,
				want: []expect{eq("error.fields.page_size", "不能大于 100")}},
			{name: "page size beyond int64", method: "GET", url: "/api/v1/taxpayers?page_size=99999999999999999999", token: clerk, status: 400,
				want: []expect{eq("error.fields.page_size", "应为整数")}},
			{name: "a cursor past the oldest is an empty page, not an error", method: "GET", url: "/api/v1/taxpayers?after=1970-01-01T00:00:00.000000Z_1", token: clerk,
				status: 200, want: []expect{eq("items", []any{})}},
		})
	})
}

// FuzzDecode feeds arbitrary bodies to the JSON decoder and its text check:
// no panic, only client errors, and every string of an accepted body is
// acceptable text. `go test` runs the seeds; `go test -fuzz FuzzDecode`
// searches further.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"code":"91350203MA2Y00000X","name":"厦门鹭岛云帆科技有限公司","user":{"username":"boss","name":"陈建国"}}`,
		`{"name":"a\u0000b"}`,
		"{\"name\":\"\xff\xfe\"}",
		`{"user":{"password":"\ud800\udc00"}}`,
		`{"user":{"password":"\ud800"}}`,
		`{"roles":["reviewer","\u001f"]}`,
		`{"org_id":9223372036854775808}`,
		`{"name":"` + strings.Repeat("税", input.MaxValue+1) + `"}`,
		`{"name":"第一行\n第二行\t"}`,
		`{"registered_capital":1}`,
		`{"unknown":1}`,
		`{"form":"vat_small","period":"2026Q3","cells":{"1.goods":"300000","2.goods":"\u0000"}}`,
		"{\"cells\":{\"\xff\":\"1\"},\"detail\":{\"a\":[\"\xfe\"]}}",
		`{"cells":{"1.goods":300000},"zero":"yes","correction_of":-1}`,
		`[]`, `null`, ``, `{`, `{} {}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, v := range []any{new(enterpriseRequest), new(staffPatch), new(tokenRequest), new(submitRequest), new(draftRequest)} {
			r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			if err := decode(httptest.NewRecorder(), r, v); err != nil {
				if c := apperr.CodeOf(err); c != apperr.BadRequest && c != apperr.TooLarge {
					t.Fatalf("decode(%q) = %v: want a client error", body, err)
				}
				continue
			}
			// Collect the accepted strings independently of walkText.
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			for _, s := range jsonStrings(doc) {
				if msg := input.Check(s, input.MaxValue); msg != "" {
					t.Fatalf("decode(%q) accepted %q: %s", body, s, msg)
				}
			}
		}
	})
}

// FuzzDecodeQuery does the same for query strings.
func FuzzDecodeQuery(f *testing.F) {
	for _, s := range []string{"q=厦门&page=2", "q=%FF", "q=a%00b", "after=2026-01-01T00:00:00.000000Z_1", "before=x&page_size=0",
		"page_size=1e3", "status=pending&kind=individual", "q=" + strings.Repeat("%25", 200), "%zz", "q=%c0%ae&q=ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		var q taxpayerQuery
		r := httptest.NewRequest("GET", "/api/v1/taxpayers", nil)
		r.URL.RawQuery = query
		if err := decodeQuery(r, &q); err != nil {
			if apperr.CodeOf(err) != apperr.BadRequest {
				t.Fatalf("decodeQuery(%q) = %v", query, err)
			}
			return
		}
		for _, s := range []string{q.Q, q.Status, q.Kind, q.After, q.Before} {
			if msg := input.Check(s, input.MaxQuery); msg != "" {
				t.Fatalf("decodeQuery(%q) accepted %q: %s", query, s, msg)
			}
		}
		if q.PageSize < 0 || q.PageSize > 100 {
			t.Fatalf("decodeQuery(%q) accepted page size %d", query, q.PageSize)
		}
	})
}

// jsonStrings lists every string in decoded JSON, object keys included.
func jsonStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, el := range x {
			out = append(out, jsonStrings(el)...)
		}
		return out
	case map[string]any:
		var out []string
		for k, el := range x {
			out = append(out, k)
			out = append(out, jsonStrings(el)...)
		}
		return out
	}
	return nil
}
