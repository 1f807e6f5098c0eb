package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/ids"
	"taxhall/internal/obs"
)

// Tests of the design system's page-wide rules (docs/design.md): list
// tables, masking, care mode, the reader's home, expired sessions, search.

var (
	tableRe = regexp.MustCompile(`(?s)<table[^>]*>.*?</table>`)
	rowRe   = regexp.MustCompile(`(?s)<tbody>.*?</tbody>`)
	trRe    = regexp.MustCompile(`(?s)<tr>.*?</tr>`)
	tdRe    = regexp.MustCompile(`<td[^>]*>`)
)

// checkListTables checks the table contract on a page: every table is
// responsive, every body row is named by a <th scope="row">, and every cell
// but a full-width one carries the label of its column.
func checkListTables(t *testing.T, page, body string) {
	t.Helper()
	tables := tableRe.FindAllString(body, -1)
	if len(tables) == 0 {
		t.Errorf("%s: no table", page)
	}
	for _, tbl := range tables {
		open := tbl[:strings.IndexByte(tbl, '>')]
		if !strings.Contains(open, "responsive") {
			t.Errorf("%s: table is not responsive: %s", page, open)
		}
		for _, tr := range trRe.FindAllString(rowRe.FindString(tbl), -1) {
			if strings.Contains(tr, "colspan") {
				continue
			}
			if !strings.Contains(tr, `<th scope="row" data-label="`) {
				t.Errorf("%s: row without a labelled row header: %.200s", page, tr)
			}
			for _, td := range tdRe.FindAllString(tr, -1) {
				if !strings.Contains(td, `data-label="`) {
					t.Errorf("%s: cell without data-label: %s", page, td)
				}
			}
		}
	}
}

func TestListsFollowTheTableContract(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	tp, _ := enterpriseAdmin(t, ts, d)
	clerk := staffBrowser(t, ts, "35020301")
	admin := staffBrowser(t, ts, "35020001")
	province := staffBrowser(t, ts, "35000001") // sees pending taxpayers on the workbench
	for _, c := range []struct {
		b    *browser
		path string
	}{
		{tp, "/hall"}, {tp, "/hall/users"},
		{province, "/staff"}, {clerk, "/staff/taxpayers"},
		{admin, "/staff/orgs"}, {admin, "/staff/staff"},
	} {
		s, body := c.b.get(c.path)
		c.b.expect(s, body, 200)
		checkListTables(t, c.path, body)
	}
	// Repeated row links say which row, for screen readers.
	_, body := admin.get("/staff/staff")
	if !regexp.MustCompile(`>修改<span class="sr">：[^<]+（\d+）</span></a>`).MatchString(body) {
		t.Errorf("staff list: 修改 does not name its row")
	}
	_, body = admin.get("/staff/orgs")
	if !strings.Contains(body, `修改<span class="sr">：国家税务总局厦门市思明区税务局</span>`) {
		t.Errorf("org list: 修改 does not name its row")
	}
	_, body = tp.get("/hall/users")
	if !regexp.MustCompile(`>管理<span class="sr">：[^<]+（caiwu）</span></a>`).MatchString(body) {
		t.Errorf("user list: 管理 does not name its row")
	}
}

// TestListsMaskPersonalData: lists and summaries show resident IDs and
// phone numbers masked (ids.Mask*), as the API does.
func TestListsMaskPersonalData(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ctx := context.Background()
	// Only natural persons wait for identification: the workbench's list of
	// the latest ones shows them.
	for _, q := range []string{`UPDATE taxpayers SET status = 'active' WHERE kind = 'enterprise'`, `UPDATE taxpayers SET status = 'pending' WHERE kind = 'individual'`} {
		if _, err := d.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	ts := site(t, d)
	province := staffBrowser(t, ts, "35000001")
	codes := column(t, d, `SELECT code FROM taxpayers WHERE kind = 'individual'`)
	masked := regexp.MustCompile(`<td data-label="纳税人识别号" class="code">\d{6}\*{8}[\dX]{4}</td>`)
	for _, path := range []string{"/staff", "/staff/taxpayers?kind=individual"} {
		s, body := province.get(path)
		province.expect(s, body, 200)
		if !masked.MatchString(body) {
			t.Errorf("%s shows no masked resident ID", path)
		}
		for _, c := range codes {
			if strings.Contains(body, c) {
				t.Errorf("%s shows the resident ID %s in full", path, c)
			}
		}
	}
	tp, id := enterpriseAdmin(t, ts, d)
	phones := column(t, d, `SELECT phone FROM taxpayer_users WHERE taxpayer_id = `+itoa(id))
	s, body := tp.get("/hall/users")
	tp.expect(s, body, 200, ids.MaskPhone(phones[0]))
	for _, p := range phones {
		if strings.Contains(body, p) {
			t.Errorf("user list shows the phone number %s in full", p)
		}
	}
}

func column(t *testing.T, d *db.DB, q string) []string {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		t.Fatalf("no rows: %s", q)
	}
	return out
}

func itoa(i int64) string { return funcs["itoa"].(func(int64) string)(i) }

// noRedirects is a browser that sees redirects instead of following them.
func noRedirects(t *testing.T, ts *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: ts.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// TestCareModeWithoutJavaScript: the switch is a plain form on every page;
// POST /care flips a year-long cookie and returns to the page; the layout
// then marks <html class="care">.
func TestCareModeWithoutJavaScript(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := noRedirects(t, ts)
	s, body := b.get("/search?q=" + url.QueryEscape("登记"))
	b.expect(s, body, 200, `<html lang="zh-CN">`, `<form method="post" action="/care" class="care-switch"><input type="hidden" name="next" value="/search?q=%E7%99%BB%E8%AE%B0"><button type="submit" aria-pressed="false">关怀模式</button></form>`)

	req, _ := http.NewRequest("POST", ts.URL+"/care", strings.NewReader("next="+url.QueryEscape("/search?q=登记")))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc, _ := url.Parse(res.Header.Get("Location")); res.StatusCode != http.StatusSeeOther || loc.Path != "/search" || loc.Query().Get("q") != "登记" || loc.Host != "" {
		t.Fatalf("POST /care: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	var care string
	for _, c := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "care=") {
			care = c
		}
	}
	for _, want := range []string{"care=1", "Path=/", "Max-Age=31536000", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(care, want) {
			t.Errorf("care cookie %q lacks %s", care, want)
		}
	}
	if strings.Contains(care, "Secure") {
		t.Errorf("care cookie %q is Secure on plain HTTP without --secure-cookies", care)
	}
	for _, path := range []string{"/", "/login", "/register/enterprise", "/nowhere"} {
		_, body = b.get(path)
		if !strings.Contains(body, `<html lang="zh-CN" class="care">`) || !strings.Contains(body, `aria-pressed="true"`) {
			t.Errorf("%s not in care mode after the switch", path)
		}
	}
	s, body = b.get("/care")
	b.expect(s, body, 200, "关怀模式当前<strong>已开启</strong>", `<button class="btn" type="submit">关闭关怀模式</button>`)

	// Again: off; a foreign next is not followed.
	s, _ = b.post("/care", url.Values{"next": {"//evil.example/"}})
	if s != http.StatusSeeOther {
		t.Fatalf("second POST /care: %d", s)
	}
	_, body = b.get("/")
	if strings.Contains(body, `class="care"`) {
		t.Error("care mode still on after the second switch")
	}
	req, _ = http.NewRequest("POST", ts.URL+"/care", strings.NewReader("next="+url.QueryEscape("//evil.example/")))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); loc != "/care" {
		t.Errorf("foreign next followed: %q", loc)
	}
}

func TestCareCookieSecureWithSecureCookies(t *testing.T) {
	_, srv := siteHandler(t, dbtest.NewSQLite(t))
	srv.SecureCookies = true
	mux := http.NewServeMux()
	srv.Register(mux)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/care", strings.NewReader("next=/"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	mux.ServeHTTP(rec, req)
	if c := rec.Header().Get("Set-Cookie"); !strings.HasPrefix(c, "care=1") || !strings.Contains(c, "Secure") {
		t.Errorf("care cookie with --secure-cookies: %q", c)
	}
}

// TestErrorPagesSendReadersHome: 403 and 404 offer the reader's own home;
// a 500 shows the request id of the server log.
func TestErrorPagesSendReadersHome(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	tp, _ := enterpriseAdmin(t, ts, d)
	clerk := staffBrowser(t, ts, "35020301")
	for _, c := range []struct {
		b          *browser
		path, home string
		status     int
	}{
		{newBrowser(t, ts), "/nowhere", `<a class="btn" href="/">返回首页</a>`, 404},
		{clerk, "/staff/nowhere", `<a class="btn" href="/staff">返回工作台</a>`, 404},
		{clerk, "/staff/orgs", `<a class="btn" href="/staff">返回工作台</a>`, 403},
		{tp, "/hall/nowhere", `<a class="btn" href="/hall">返回我的办税</a>`, 404},
		{tp, "/staff/taxpayers", `<a class="btn" href="/hall">返回我的办税</a>`, 403},
	} {
		s, body := c.b.get(c.path)
		c.b.expect(s, body, c.status, c.home)
		if strings.Contains(body, "request-id") {
			t.Errorf("%s: request id on a %d page", c.path, c.status)
		}
	}

	_, srv := siteHandler(t, d)
	h := obs.Middleware(srv.h(Public, func(w http.ResponseWriter, r *http.Request) error { return errors.New("disk on fire") }),
		slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/boom", nil)
	req.Header.Set("X-Request-ID", "req-7f3a9c2e41d0")
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != 500 || !strings.Contains(body, `<code class="request-id">req-7f3a9c2e41d0</code>`) || !strings.Contains(body, "12366") {
		t.Errorf("500 page: %d %s", rec.Code, stripTags(body))
	}
	if strings.Contains(body, "disk on fire") {
		t.Error("500 page shows the internal error")
	}
}

// TestExpiredSessionSaysWhy: a page view with a session cookie whose session
// has ended goes to the login page, which says the login timed out; a
// visitor who never logged in is not told so.
func TestExpiredSessionSaysWhy(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := noRedirects(t, ts)
	s, _ := b.get("/staff/taxpayers")
	if s != http.StatusSeeOther {
		t.Fatalf("anonymous: %d", s)
	}
	u, _ := url.Parse(ts.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: cookieName(false), Value: "ended-session-token", Path: "/"}})
	req, _ := http.NewRequest("GET", ts.URL+"/staff/taxpayers?q=x", nil)
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || loc != "/staff/login?next=%2Fstaff%2Ftaxpayers%3Fq%3Dx&reason=expired" {
		t.Fatalf("expired session: %d to %q", res.StatusCode, loc)
	}
	s, body := b.get(loc)
	b.expect(s, body, 200, `<div class="alert" role="alert">登录已超时，请重新登录。</div>`, `name="next" value="/staff/taxpayers?q=x"`)
	s, body = b.get("/login?reason=expired")
	b.expect(s, body, 200, "登录已超时，请重新登录")
	s, body = b.get("/staff/login")
	b.expect(s, body, 200)
	if strings.Contains(body, "超时") {
		t.Error("login page without a reason speaks of a timeout")
	}
}

// TestIndividualHallSpeaksToAPerson: a natural person's hall, header and
// menu have no enterprise words and no user management.
func TestIndividualHallSpeaksToAPerson(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	var code, name string
	if err := d.QueryRowContext(context.Background(), `SELECT code, name FROM taxpayers WHERE kind = 'individual' ORDER BY id LIMIT 1`).Scan(&code, &name); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts)
	s, body := b.post("/login", url.Values{"code": {code}, "password": {demo.Password}})
	b.expect(s, body, 200, `<span class="who">自然人 `+name+`</span>`, "我的信息", "账户与安全", `href="/account/password"`)
	for _, bad := range []string{"法定代表人", "管理员", name + " · " + name, `href="/hall/users"`, "当前用户"} {
		if strings.Contains(body, bad) {
			t.Errorf("individual's hall shows %q", bad)
		}
	}
	s, body = b.get("/hall/users")
	b.expect(s, body, 403, "自然人账户仅供本人使用，没有办税人员管理功能", `<a class="btn" href="/hall">返回我的办税</a>`)
	if strings.Contains(body, "/hall/users/new") {
		t.Error("individual offered to add users")
	}
}

// TestAddressNamesTheDistrictOnce: the demo stores addresses that begin
// with the district; pages name it once.
func TestAddressNamesTheDistrictOnce(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	tp, id := enterpriseAdmin(t, ts, d)
	if _, err := d.ExecContext(context.Background(), `UPDATE taxpayers SET division_code = '350203', address = '思明区湖滨南路388号' WHERE id = `+itoa(id)); err != nil {
		t.Fatal(err)
	}
	s, body := tp.get("/hall")
	tp.expect(s, body, 200, "福建省厦门市思明区湖滨南路388号")
	if strings.Contains(body, "思明区思明区") {
		t.Error("hall repeats the district")
	}
}

// TestMenuMarksTheSectionOnEveryPage: each page of a menu section marks
// exactly one menu entry, its own.
func TestMenuMarksTheSectionOnEveryPage(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	tp, _ := enterpriseAdmin(t, ts, d)
	admin := staffBrowser(t, ts, "35020001")
	clerk := staffBrowser(t, ts, "35020301")
	_, body := clerk.get("/staff/taxpayers")
	record := "/staff/taxpayers/" + between(body, `/staff/taxpayers/`, `"`)
	_, body = tp.get("/hall/users")
	user := "/hall/users/" + between(body, `/hall/users/`+"", `"`)
	_, body = admin.get("/staff/staff")
	member := "/staff/staff/" + between(body, `/staff/staff/`, `"`)
	_, body = admin.get("/staff/orgs")
	bureau := "/staff/orgs/" + between(body, `/staff/orgs/`, `"`)
	current := regexp.MustCompile(`<a href="([^"]+)" aria-current="(page|true)">`)
	for _, c := range []struct {
		b          *browser
		path, want string
	}{
		{tp, "/hall", "/hall"}, {tp, "/hall/users", "/hall/users"}, {tp, "/hall/users/new", "/hall/users"}, {tp, user, "/hall/users"},
		{tp, "/account/password", "/account/password"},
		{tp, "/hall/interact", "/hall/interact"}, {tp, "/hall/appointments", "/hall/interact"}, {tp, "/hall/surveys", "/hall/interact"},
		{tp, "/training", "/hall/interact"}, {tp, "/consult", "/hall/interact"},
		{clerk, "/staff", "/staff"}, {clerk, "/staff/taxpayers", "/staff/taxpayers"}, {clerk, record, "/staff/taxpayers"},
		{clerk, "/account/password", "/account/password"},
		{admin, "/staff/orgs", "/staff/orgs"}, {admin, bureau, "/staff/orgs"}, {admin, "/staff/staff", "/staff/staff"},
		{admin, "/staff/staff/new", "/staff/staff"}, {admin, member, "/staff/staff"}, {admin, "/staff/design", "/staff"},
	} {
		s, body := c.b.get(c.path)
		c.b.expect(s, body, 200)
		menu := between(body, `<nav class="menu"`, `</nav>`)
		m := current.FindAllStringSubmatch(menu, -1)
		if len(m) != 1 || m[0][1] != c.want {
			t.Errorf("%s marks %v, want %s only", c.path, m, c.want)
		}
	}
}

// TestHomePromisesOnlyWhatExists: the public home offers no staff
// functions and no progress tracking the hall does not have.
func TestHomePromisesOnlyWhatExists(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	s, body := b.get("/")
	b.expect(s, body, 200, `placeholder="如：新办登记"`, `aria-describedby="q-hint"`)
	for _, bad := range []string{"办理进度", `class="tile" href="/staff`} {
		if strings.Contains(body, bad) {
			t.Errorf("public home shows %q", bad)
		}
	}
	admin := staffBrowser(t, ts, "35020001")
	_, body = admin.get("/")
	if !strings.Contains(body, `class="tile" href="/staff/orgs"`) || strings.Contains(body, `class="tile" href="/hall`) {
		t.Errorf("staff home tiles: %s", stripTags(between(body, `id="areas"`, `</section>`)))
	}
}

// TestSearchAnswersWhatPeopleType: the catalogue search matches by words,
// synonyms and characters, says honestly what is not online yet, offers
// popular functions for an empty query, and links only to pages that work.
func TestSearchAnswersWhatPeopleType(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	tp, _ := enterpriseAdmin(t, ts, d)
	tile := regexp.MustCompile(`<a class="tile" href="([^"]+)">`)
	for _, c := range []struct {
		q     string
		first string   // the first result, "" for none
		says  []string // in the page
		not   []string
	}{
		{"新办登记", "/register/enterprise", []string{"<h2 id=\"results\">“新办登记”的搜索结果</h2>", "自然人注册"}, nil},
		{"开业", "/register/enterprise", nil, nil},
		{"设立 公司", "/register/enterprise", nil, nil},
		{"个体户", "/register/business", nil, nil},
		{"发票", "", []string{"发票业务暂未在网上办理", `href="tel:12366"`}, []string{"没有找到"}},
		{"领发票", "", []string{"发票业务暂未在网上办理"}, nil},
		{"注销", "", []string{"注销税务登记暂未在网上办理"}, nil},
		{"申报", "/hall", []string{"我的办税区（网上申报）", "申报记录"}, []string{`href="/staff/taxpayers"`, "暂未开通"}},
		{"缴税", "/hall", []string{"网上缴税、年度汇算暂未开通", "应缴未缴税款"}, nil},
		{"纳税人登录", "/login", nil, []string{"暂未开通"}},
		{"改密码", "/account/password", nil, nil},
		{"税种认定", "/hall", []string{"纳税人管理"}, nil},
		{"火星移民", "", []string{"没有找到与“火星移民”相关的事项", `href="/search?q=%e6%96%b0%e5%8a%9e%e7%99%bb%e8%ae%b0"`, "12366"}, nil},
		{"", "/register/enterprise", []string{"<h2 id=\"popular\">常用事项</h2>"}, []string{"搜索结果"}},
	} {
		b := newBrowser(t, ts)
		s, body := b.get("/search?q=" + url.QueryEscape(c.q))
		b.expect(s, body, 200, c.says...)
		for _, n := range c.not {
			if strings.Contains(body, n) {
				t.Errorf("%q: page shows %q", c.q, n)
			}
		}
		hits := tile.FindAllStringSubmatch(between(body, `<main`, `</main>`), -1)
		switch {
		case c.first == "" && len(hits) > 0:
			t.Errorf("%q: results %v, want none", c.q, hits)
		case c.first != "" && (len(hits) == 0 || hits[0][1] != c.first):
			t.Errorf("%q: results %v, want %s first", c.q, hits, c.first)
		}
		if c.q != "" && !strings.Contains(body, "<title>“"+c.q+"”的搜索结果 - 网上办税服务厅</title>") {
			t.Errorf("%q: title does not name the query", c.q)
		}
		// Every link of the answer works, for a visitor and for a taxpayer
		// (who is offered only what taxpayers can use).
		_, mine := tp.get("/search?q=" + url.QueryEscape(c.q))
		for _, r := range []struct {
			b    *browser
			body string
		}{{b, body}, {tp, mine}} {
			for _, part := range strings.Split(between(r.body, `<main`, `</main>`), `href="`)[1:] {
				link := strings.ReplaceAll(part[:strings.IndexByte(part, '"')], "&amp;", "&")
				if !strings.HasPrefix(link, "/") {
					continue
				}
				if s, _ := r.b.get(link); s != 200 {
					t.Errorf("%q: link %s answers %d", c.q, link, s)
				}
			}
		}
	}
}

// TestDesignPageIsLiveAndInert: the living example renders through the
// layout for staff, and none of its example forms posts anything.
func TestDesignPageIsLiveAndInert(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	clerk := staffBrowser(t, ts, "35020301")
	s, body := clerk.get("/staff/design")
	clerk.expect(s, body, 200, "<title>组件示例 - 网上办税服务厅</title>", `<table class="card responsive">`, `class="error-summary"`, `class="card confirm"`,
		`<form method="post" action="/care" class="care-switch">`)
	main := between(body, `<main`, `</main>`)
	if strings.Contains(main, `method="post"`) || strings.Contains(main, `type="submit" class="btn warning"`) {
		t.Error("an example form of the design page would act")
	}
	s, _ = noRedirects(t, ts).get("/staff/design")
	if s != http.StatusSeeOther {
		t.Errorf("anonymous design page: %d", s)
	}
}
