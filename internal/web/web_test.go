package web

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"taxhall/internal/certs"
	"taxhall/internal/iitannual"
	"taxhall/internal/iitrecords"
	"taxhall/internal/uploads"
	"taxhall/internal/workflow"
	"testing"
	"time"

	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/complaints"
	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/filingcal"
	"taxhall/internal/ids"
	"taxhall/internal/iitw"
	"taxhall/internal/messages"
	"taxhall/internal/notify"
	"taxhall/internal/org"
	"taxhall/internal/payment"
	"taxhall/internal/returns"
	"taxhall/internal/survey"
	"taxhall/internal/taxpayer"
	"taxhall/internal/taxsource"
	"taxhall/internal/training"
)

var demoHash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// site starts the web routes over a seeded database.
func site(t *testing.T, d *db.DB) *httptest.Server {
	t.Helper()
	h, _ := siteHandler(t, d)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// siteHandler seeds d and returns the web routes as the app mounts them.
func siteHandler(t testing.TB, d *db.DB) (http.Handler, *Server) {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 12, Individuals: 6, Now: now.Add(-time.Hour), PasswordHash: demoHash()}); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	certificates := &certs.Service{DB: d, Now: clock, BaseURL: "http://127.0.0.1"}
	srv, err := New(Server{DB: d, Auth: auth.NewService(d, clock), Orgs: &org.Service{DB: d, Now: clock},
		Taxpayers: &taxpayer.Service{DB: d, Now: clock}, Employees: &iitw.Roster{DB: d, Now: clock}, Sources: &taxsource.Service{DB: d, Now: clock}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Messages: &messages.Service{DB: d, Now: clock}, Calendar: &filingcal.Service{DB: d, Now: clock},
		Payments:   &payment.Service{DB: d, Now: clock},
		Appoint:    &appoint.Service{DB: d, Now: clock, Cal: &filingcal.Service{DB: d, Now: clock}},
		Complaints: &complaints.Service{DB: d, Now: clock, Cal: &filingcal.Service{DB: d, Now: clock}},
		Consult:    &consult.Service{DB: d, Now: clock, Cal: &filingcal.Service{DB: d, Now: clock}},
		Survey:     &survey.Service{DB: d, Now: clock},
		Training:   &training.Service{DB: d, Now: clock},
		Returns:    &returns.Service{DB: d, Now: clock, Taxpayers: &taxpayer.Service{DB: d, Now: clock}, Calendar: returns.DefaultDeadlines()},
		Certs:      certificates, IITRecords: &iitrecords.Service{DB: d, Now: clock, Certs: certificates}, IITAnnual: &iitannual.Service{DB: d}})
	if err != nil {
		t.Fatal(err)
	}
	srv.Workflow = &workflow.Service{DB: d, Now: clock, Calendar: srv.Calendar, Returns: srv.Returns, Taxpayers: srv.Taxpayers}
	srv.Uploads = &uploads.Service{DB: d}
	srv.Notify = &notify.Service{DB: d, Now: clock}
	mux := http.NewServeMux()
	srv.Register(mux)
	mux.Handle("/", srv.NotFound())
	return http.NewCrossOriginProtection().Handler(mux), srv
}

type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, ts *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: ts.URL, c: &http.Client{Jar: jar}}
}

func (b *browser) do(req *http.Request) (int, string) {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func (b *browser) get(path string) (int, string) {
	req, _ := http.NewRequest("GET", b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) expect(status int, body string, want int, contains ...string) {
	b.t.Helper()
	if status != want {
		b.t.Errorf("status %d, want %d; body: %.600s", status, want, stripTags(body))
	}
	for _, c := range contains {
		if !strings.Contains(body, c) {
			b.t.Errorf("body lacks %q: %.800s", c, stripTags(body))
		}
	}
}

func stripTags(s string) string {
	var out strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			out.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(out.String()), " ")
}

func TestPublicPages(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	s, body := b.get("/")
	b.expect(s, body, 200, "网上办税服务厅", "国家税务总局福建省税务局", "新办企业登记", `action="/search"`, `lang="zh-CN"`)
	s, body = b.get("/search?q=" + url.QueryEscape("税种认定"))
	b.expect(s, body, 200, "纳税人管理", "我的办税区")
	s, body = b.get("/nowhere")
	b.expect(s, body, 404, "页面不存在")
	// Every link on the home page leads somewhere that works (possibly a login).
	_, body = b.get("/")
	for _, part := range strings.Split(body, `href="`)[1:] {
		link := part[:strings.IndexByte(part, '"')]
		if !strings.HasPrefix(link, "/") {
			continue
		}
		if s, _ := b.get(link); s != 200 {
			t.Errorf("home page link %s: status %d", link, s)
		}
	}
	// Pages for logged-in users redirect to the right login.
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(ts.URL + "/staff/taxpayers")
	if err != nil || res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/staff/login?next=") {
		t.Errorf("anonymous staff page: %v %v", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestRegistrationKeepsInputAndLandsInCompetentBureau(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b := newBrowser(t, ts)
		r := rand.New(rand.NewPCG(7, 7))
		code := ids.GenerateUSCC(r, "350206")
		form := url.Values{
			"code": {code[:17] + wrongCheck(code)}, "name": {"厦门测试湖里贸易有限公司"}, "legal_rep_name": {"王五"},
			"legal_rep_id":  {ids.GenerateResidentID(r, "350206", time.Date(1980, 5, 6, 0, 0, 0, 0, time.UTC), true)},
			"division_code": {"350206"}, "address": {"湖里大道88号"}, "industry_code": {"51"}, "registered_capital": {"1,000,000.50"},
			"accounting_standard": {"sbas"}, "phone": {"0592-5551234"}, "email": {"boss@example.com"},
			"user_username": {"wangwu"}, "user_name": {"王五"}, "user_phone": {"13800001111"}, "user_role": {"legal_rep"},
			"user_password": {"short"}, "user_password_confirm": {"short"},
		}
		s, body := b.post("/register/enterprise", form)
		b.expect(s, body, 422, "统一社会信用代码校验位不正确", "密码至少需要10位", `value="厦门测试湖里贸易有限公司"`, `value="湖里大道88号"`)
		if strings.Contains(body, `value="short"`) {
			t.Error("password echoed back")
		}
		form.Set("code", code)
		form.Set("user_password", "Huli#Trade2026")
		form.Set("user_password_confirm", "Huli#Trade2026")
		s, body = b.post("/register/enterprise", form)
		b.expect(s, body, 200, "登记成功", code, "国家税务总局厦门市湖里区税务局")
		s, body = b.post("/register/enterprise", form)
		b.expect(s, body, 422, "已经登记")

		// The admin logs in and adds a finance officer who can then log in.
		s, body = b.post("/login", url.Values{"code": {strings.ToLower(code)}, "username": {"WangWu"}, "password": {"Huli#Trade2026"}})
		b.expect(s, body, 200, "厦门测试湖里贸易有限公司", "新办待认定", "尚未为您办理")
		s, body = b.post("/hall/users", url.Values{"username": {"caiwu"}, "name": {"李会计"}, "phone": {"13900002222"}, "role": {"finance"},
			"password": {"Ledger#Pass2026"}, "password_confirm": {"Ledger#Pass2026"}})
		b.expect(s, body, 200, "已添加办税人员 李会计", "财务负责人")
		s, body = b.post("/hall/users", url.Values{"username": {"caiwu"}, "name": {"李会计"}, "phone": {"13900002222"}, "role": {"finance"},
			"password": {"Ledger#Pass2026"}, "password_confirm": {"Ledger#Pass2026"}})
		b.expect(s, body, 422, "该用户名已被本单位其他用户使用")
		fin := newBrowser(t, ts)
		s, body = fin.post("/login", url.Values{"code": {code}, "username": {"caiwu"}, "password": {"Ledger#Pass2026"}})
		b.expect(s, body, 200, "李会计")
		s, body = fin.get("/hall/users/new")
		b.expect(s, body, 403, "管理员")

		// The Huli clerk finds it and identifies VAT; the Siming clerk cannot see it.
		clerk := newBrowser(t, ts)
		s, body = clerk.post("/staff/login", url.Values{"staff_no": {"35020601"}, "password": {demo.Password}})
		b.expect(s, body, 200, "工作台")
		s, body = clerk.get("/staff/taxpayers?q=" + url.QueryEscape("湖里贸易"))
		b.expect(s, body, 200, code, "共 1 户")
		id := between(body, `/staff/taxpayers/`, `"`)
		s, body = clerk.post("/staff/taxpayers/"+id+"/identifications", url.Values{"tax_type": {"vat_small"}, "period": {"year"}, "start_date": {"2026-11-23"}})
		b.expect(s, body, 422, "申报期限只能是按月或按季")
		s, body = clerk.post("/staff/taxpayers/"+id+"/identifications", url.Values{"tax_type": {"vat_small"}, "period": {"quarter"}, "start_date": {"2026-11-23"}})
		b.expect(s, body, 200, "已认定：增值税（小规模纳税人）", "按季", "办理记录", "在线登记", "（税务人员）")
		s, body = clerk.post("/staff/taxpayers/"+id+"/identifications", url.Values{"tax_type": {"vat_general"}, "period": {"month"}, "start_date": {"2026-12-01"}})
		b.expect(s, body, 422, "请先终止原认定")

		other := newBrowser(t, ts)
		other.post("/staff/login", url.Values{"staff_no": {"35020301"}, "password": {demo.Password}})
		s, body = other.get("/staff/taxpayers/" + id)
		b.expect(s, body, 404)
		s, body = other.get("/staff/taxpayers?q=" + code)
		b.expect(s, body, 200, "共 0 户")
		s, body = other.post("/staff/taxpayers/"+id+"/identifications", url.Values{"tax_type": {"cit"}, "period": {"quarter"}, "start_date": {"2026-11-23"}})
		b.expect(s, body, 404)

		// The taxpayer sees the identification, still awaiting the rest;
		// once the clerk marks identification complete, an active status.
		s, body = b.get("/hall")
		b.expect(s, body, 200, "增值税（小规模纳税人）", "新办待认定")
		s, body = clerk.post("/staff/taxpayers/"+id+"/identification-complete", nil)
		b.expect(s, body, 200, "认定完成")
		s, body = b.get("/hall")
		b.expect(s, body, 200, "增值税（小规模纳税人）", "正常")
	})
}

func TestLoginThrottleAndLogout(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	for i := range 5 {
		s, body := b.post("/staff/login", url.Values{"staff_no": {"35020301"}, "password": {"wrong"}})
		b.expect(s, body, 401, "账号或密码不正确", `value="35020301"`, "<title>错误：税务人员登录", "登录未成功")
		if i == 2 {
			b.expect(s, body, 401, "还可尝试 2 次")
		}
	}
	s, body := b.post("/staff/login", url.Values{"staff_no": {"35020301"}, "password": {demo.Password}})
	b.expect(s, body, 429, "已暂时锁定，请于 10:15 后再试")

	s, body = b.post("/staff/login", url.Values{"staff_no": {"35020601"}, "password": {demo.Password}})
	b.expect(s, body, 200, "工作台")
	s, body = b.post("/logout", nil)
	b.expect(s, body, 200, "您已安全退出")
	s, body = b.get("/staff")
	b.expect(s, body, 200, "税务人员登录")
}

func TestCrossOriginPostRejected(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	req, _ := http.NewRequest("POST", ts.URL+"/staff/login", strings.NewReader("staff_no=35020601&password="+url.QueryEscape(demo.Password)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", res.StatusCode)
	}
}

func TestAdminManagesOrgsAndStaff(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	city := newBrowser(t, ts)
	s, body := city.post("/staff/login", url.Values{"staff_no": {"35020001"}, "password": {demo.Password}})
	city.expect(s, body, 200, "税务机关设置")
	s, body = city.get("/staff/orgs")
	city.expect(s, body, 200, "国家税务总局厦门市思明区税务局")
	if strings.Contains(body, "福州") {
		t.Error("Xiamen admin sees Fuzhou bureaus")
	}
	s, body = city.get("/staff/staff")
	city.expect(s, body, 200, "35020301")
	id := between(body, `/staff/staff/`, `"`)
	s, body = city.get("/staff/staff/" + id)
	city.expect(s, body, 200, "窗口受理人员")
	s, body = city.post("/staff/staff", url.Values{"staff_no": {"35020399"}, "org_id": {"x"}, "name": {""}, "password": {"weak"}})
	city.expect(s, body, 422, "请填写姓名", "请至少选择一个岗位角色", "密码至少需要10位")
	clerk := newBrowser(t, ts)
	clerk.post("/staff/login", url.Values{"staff_no": {"35020301"}, "password": {demo.Password}})
	s, body = clerk.get("/staff/orgs")
	clerk.expect(s, body, 403, "没有此项权限")
}

func wrongCheck(code string) string {
	if code[17] == '0' {
		return "1"
	}
	return "0"
}

func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	return s[:strings.Index(s, end)]
}

func TestIndividualRegistersAndLogsInWithoutUsername(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	id := ids.GenerateResidentID(rand.New(rand.NewPCG(3, 4)), "350211", time.Date(1988, 8, 8, 0, 0, 0, 0, time.UTC), false)
	form := url.Values{"resident_id": {id[:17] + wrongCheck(id)}, "name": {"林小美"}, "phone": {"12345"}, "division_code": {"350211"},
		"password": {"Lin#Xiaomei88"}, "password_confirm": {"Lin#Xiaomei88"}}
	s, body := b.post("/register/individual", form)
	b.expect(s, body, 422, "校验位", "手机", `value="林小美"`)
	form.Set("resident_id", id)
	form.Set("phone", "13512345678")
	s, body = b.post("/register/individual", form)
	b.expect(s, body, 200, "注册成功", "国家税务总局厦门市集美区税务局", "无需填写")
	s, body = b.post("/login", url.Values{"code": {id}, "password": {"Lin#Xiaomei88"}})
	b.expect(s, body, 200, "林小美", "自然人")
	if strings.Contains(body, `href="/hall/users"`) {
		t.Error("individual offered user management")
	}
}

func TestChangeOwnPasswordPage(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	s, body := b.get("/account/password")
	b.expect(s, body, 200, "纳税人登录")
	s, body = b.post("/staff/login", url.Values{"staff_no": {"35020601"}, "password": {demo.Password}})
	b.expect(s, body, 200, `href="/account/password"`)
	s, body = b.post("/account/password", url.Values{"current_password": {"nope"}, "password": {"Huli#Clerk2026"}, "password_confirm": {"Huli#Clerk2026"}})
	b.expect(s, body, 422, "当前密码不正确", `id="f-current_password-error"`, `aria-describedby="f-current_password-error"`)
	if strings.Contains(body, "Huli#Clerk2026") {
		t.Error("password echoed back")
	}
	s, body = b.post("/account/password", url.Values{"current_password": {demo.Password}, "password": {"Huli#Clerk2026"}, "password_confirm": {"Huli#Clerk2026"}})
	b.expect(s, body, 200, "密码已修改", "工作台")
	b.post("/logout", nil)
	s, body = b.post("/staff/login", url.Values{"staff_no": {"35020601"}, "password": {"Huli#Clerk2026"}})
	b.expect(s, body, 200, "工作台")
}

func TestPostAfterSessionEndsShowsLogin(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	req, _ := http.NewRequest("POST", ts.URL+"/staff/taxpayers/1/identifications", strings.NewReader("tax_type=cit"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", ts.URL+"/staff/taxpayers/1")
	s, body := b.do(req)
	b.expect(s, body, 401, "登录已超时或尚未登录", `action="/staff/login"`, `name="next" value="/staff/taxpayers/1"`)
}
