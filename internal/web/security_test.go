package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/org"
	"taxhall/internal/taxpayer"
)

// enterpriseAdmin logs in as the admin of the first demo enterprise and
// returns its browser and taxpayer id.
func enterpriseAdmin(t *testing.T, ts *httptest.Server, d *db.DB) (*browser, int64) {
	t.Helper()
	var id int64
	var code string
	if err := d.QueryRowContext(context.Background(), `SELECT id, code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1`).Scan(&id, &code); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts)
	s, body := b.post("/login", url.Values{"code": {code}, "username": {"admin"}, "password": {demo.Password}})
	b.expect(s, body, 200, "我的办税")
	return b, id
}

func staffBrowser(t *testing.T, ts *httptest.Server, no string) *browser {
	t.Helper()
	b := newBrowser(t, ts)
	s, body := b.post("/staff/login", url.Values{"staff_no": {no}, "password": {demo.Password}})
	b.expect(s, body, 200, "工作台")
	return b
}

// TestRouteTable keeps the table honest: every /staff page but the login is
// for staff, every /hall page for taxpayer users, and TakesID follows the
// pattern.
func TestRouteTable(t *testing.T) {
	seen := map[string]bool{}
	for _, rt := range Routes() {
		key := rt.Method + " " + rt.Pattern
		if seen[key] {
			t.Errorf("%s twice", key)
		}
		seen[key] = true
		switch {
		case rt.Pattern == "/staff/login":
			if rt.For != Public {
				t.Errorf("%s: %s, want public", key, rt.For)
			}
		case rt.Pattern == "/staff" || strings.HasPrefix(rt.Pattern, "/staff/"):
			if rt.For != Staff {
				t.Errorf("%s is for %s, want staff", key, rt.For)
			}
		case rt.Pattern == "/hall" || strings.HasPrefix(rt.Pattern, "/hall/"):
			if rt.For != Taxpayers {
				t.Errorf("%s is for %s, want taxpayer", key, rt.For)
			}
		}
		if rt.TakesID() != strings.Contains(rt.Pattern, "{id}") || rt.TakesID() != (rt.Object != "") {
			t.Errorf("%s: TakesID %v, Object %q", key, rt.TakesID(), rt.Object)
		}
	}
	if got := (Route{Pattern: "/staff/taxpayers/{id}/identifications/{iid}/end"}).Path(7, 9); got != "/staff/taxpayers/7/identifications/9/end" {
		t.Errorf("Path: %s", got)
	}
}

// TestStaffPagesRefuseTaxpayers (security 7): a taxpayer user opening any
// staff route, even about their own record, gets 403, never the page.
func TestStaffPagesRefuseTaxpayers(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, own := enterpriseAdmin(t, ts, d)
		s, body := b.get("/staff/taxpayers/" + strconv.FormatInt(own, 10))
		b.expect(s, body, 403, "仅限税务工作人员")
		if strings.Contains(body, "办理记录") {
			t.Error("taxpayer sees the staff record page with its history")
		}
		for _, rt := range Routes() {
			if rt.For != Staff {
				continue
			}
			path := rt.Path(own, 1)
			var s int
			if rt.Method == "GET" {
				s, _ = b.get(path)
			} else {
				s, _ = b.post(path, url.Values{"name": {"x"}, "tax_type": {"cit"}, "period": {"quarter"}, "start_date": {"2026-11-23"}})
			}
			if s != 403 && s != 404 {
				t.Errorf("taxpayer %s %s: %d, want 403 or 404", rt.Method, path, s)
			}
		}
		// And staff do not use the hall.
		clerk := staffBrowser(t, ts, "35020601")
		for _, path := range []string{"/hall", "/hall/users", "/hall/users/new"} {
			s, body := clerk.get(path)
			clerk.expect(s, body, 403, "仅限纳税人使用")
		}
	})
}

// TestFormsAreReadWithLimits (security 5, 6): a huge body is 413 and never
// echoed, a malformed one 400, bad bytes 400 with a message that does not
// repeat them, and no path of /static gives 500.
func TestFormsAreReadWithLimits(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	huge := strings.Repeat("界", 3<<20) // 9 MB
	for _, size := range []string{huge, strings.Repeat("a", 11<<20), strings.Repeat("a", maxFormBytes)} {
		s, body := b.post("/login", url.Values{"code": {size}, "password": {"x"}})
		b.expect(s, body, 413, "提交的内容过大")
		if len(body) > 100_000 {
			t.Errorf("413 page of %d bytes: the value is echoed", len(body))
		}
	}
	for _, raw := range []string{"code=%zz&password=x", "code=a;b"} {
		req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(raw))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		s, body := b.do(req)
		b.expect(s, body, 400, "格式不正确")
	}
	for _, bad := range []string{"\xff\xfe", "a\x00b", "\x1b[31m", strings.Repeat("长", 2001)} {
		s, body := b.post("/register/individual", url.Values{"name": {bad}, "resident_id": {"1"}})
		b.expect(s, body, 400, "提交的内容含有无法识别的字符")
		if strings.Contains(body, bad) {
			t.Errorf("bad value %.20q echoed", bad)
		}
		s, body = b.get("/search?q=" + url.QueryEscape(bad))
		b.expect(s, body, 400, "提交的内容含有无法识别的字符")
	}
	s, body := b.get("/search?q=" + strings.Repeat("税", 101))
	b.expect(s, body, 400)
	s, body = b.get("/search?q=" + strings.Repeat("税", 100))
	b.expect(s, body, 200)
	for _, path := range []string{"/static/%c0%ae", "/static/", "/static/..%2f..%2fgo.mod", "/static/nope.css", "/static/%00", "/static/style.00000000.css"} {
		s, body := b.get(path)
		b.expect(s, body, 404, "404 文件不存在")
		if strings.Contains(body, ".css") {
			t.Errorf("%s: the 404 names an asset (a listing or a page layout): %q", path, body)
		}
	}
}

var noFollow = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// TestCacheAndTransportHeaders (security 6): pages are never stored by a
// cache, HSTS comes with secure cookies, hashed assets are immutable.
func TestCacheAndTransportHeaders(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := staffBrowser(t, ts, "35020601")
	anon := newBrowser(t, ts)
	for _, c := range []struct {
		b    *browser
		path string
	}{{b, "/staff"}, {b, "/staff/taxpayers"}, {b, "/account/password"}, {anon, "/login"}, {anon, "/register/enterprise"}, {anon, "/"}, {anon, "/nowhere"}} {
		res, err := c.b.c.Get(ts.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", c.path, got)
		}
		if res.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS without TLS or --secure-cookies", c.path)
		}
	}
	// A redirect after a login carries no-store too.
	b.c.CheckRedirect = noFollow
	s, _ := b.post("/staff/login", url.Values{"staff_no": {"35020601"}, "password": {demo.Password}})
	if s != 303 {
		t.Errorf("login: %d", s)
	}

	// Hashed asset URLs in the page, served for a year; plain names briefly.
	_, home := anon.get("/")
	css := regexp.MustCompile(`/static/style\.[0-9a-f]{8}\.css`).FindString(home)
	if css == "" {
		t.Fatalf("home page links no hashed stylesheet")
	}
	res, err := http.Get(ts.URL + css)
	if err != nil {
		t.Fatal(err)
	}
	hashed, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("%s: %d %q %q", css, res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
	}
	res, err = http.Get(ts.URL + "/static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "public, max-age=300" || string(plain) != string(hashed) {
		t.Errorf("/static/style.css: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
}

func TestHSTSWithSecureCookies(t *testing.T) {
	d := dbtest.NewSQLite(t)
	srv, err := New(Server{DB: d, Auth: auth.NewService(d, nil), Orgs: &org.Service{DB: d}, Taxpayers: &taxpayer.Service{DB: d},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv.Register(mux)
	for _, path := range []string{"/login", "/static/style.css"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if got := rec.Header().Get("Strict-Transport-Security"); got != "max-age=63072000; includeSubDomains" {
			t.Errorf("%s: HSTS %q", path, got)
		}
	}
}

// TestMenuFromPredicates: the menu follows the predicates and marks the
// current page (and the section of a page below an entry).
func TestMenuFromPredicates(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	admin := staffBrowser(t, ts, "35020001")
	_, body := admin.get("/staff/orgs")
	for _, want := range []string{`<a href="/staff/orgs" aria-current="page">税务机关设置</a>`, `<a href="/staff/staff">人员与岗位</a>`, `<a href="/staff">工作台</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("admin on /staff/orgs lacks %s", want)
		}
	}
	clerk := staffBrowser(t, ts, "35020601")
	_, body = clerk.get("/staff/taxpayers")
	if !strings.Contains(body, `<a href="/staff/taxpayers" aria-current="page">纳税人管理</a>`) || strings.Contains(body, `href="/staff/orgs"`) {
		t.Errorf("clerk menu: %s", between(body, `class="menu"`, `</nav>`))
	}
	id := between(body, `/staff/taxpayers/`, `"`)
	_, body = clerk.get("/staff/taxpayers/" + id)
	if !strings.Contains(body, `<a href="/staff/taxpayers" aria-current="true">纳税人管理</a>`) {
		t.Errorf("record page does not mark its section: %s", between(body, `class="menu"`, `</nav>`))
	}
	_, body = clerk.get("/account/password")
	if !strings.Contains(body, `<a href="/account/password" aria-current="page">修改密码</a>`) {
		t.Errorf("password page not marked: %s", between(body, `class="menu"`, `</nav>`))
	}
}

// TestBureauNameFromOrgTree: the provincial bureau's name is read from the
// org tree (not the layout) and cached: renaming the root in the database
// shows only after the cache is dropped, so a page view does not query it.
func TestBureauNameFromOrgTree(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	if _, err := d.ExecContext(context.Background(), `UPDATE orgs SET name = '国家税务总局测试省税务局' WHERE parent_id IS NULL`); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts)
	s, body := b.get("/")
	b.expect(s, body, 200, `<span class="nw">国家税务总局</span><span class="nw">测试省税务局</span><br><span class="nw">网上办税服务厅</span>`, "主办：国家税务总局测试省税务局")
	if strings.Contains(body, "福建省税务局") {
		t.Error("home page still names the Fujian bureau")
	}
	if _, err := d.ExecContext(context.Background(), `UPDATE orgs SET name = '国家税务总局另一省税务局' WHERE parent_id IS NULL`); err != nil {
		t.Fatal(err)
	}
	_, body = b.get("/login")
	if !strings.Contains(body, "国家税务总局测试省税务局") {
		t.Error("bureau name queried again within the cache lifetime")
	}
}
