package web

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"taxhall/internal/cms"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/ids"
	"taxhall/internal/taxpayer"
)

var (
	idAttr        = regexp.MustCompile(`\sid="([^"]+)"`)
	describedBy   = regexp.MustCompile(`aria-describedby="([^"]*)"`)
	summaryLink   = regexp.MustCompile(`<li><a href="#([^"]+)">`)
	invalidID     = regexp.MustCompile(`<(?:input|select|textarea)[^>]*\sid="([^"]+)"[^>]*aria-invalid="true"`)
	controlOpen   = regexp.MustCompile(`<(?:input|select|textarea)\s[^>]*>`)
	summaryBlock  = regexp.MustCompile(`(?s)<div class="error-summary".*?</div>`)
	mainThenFirst = regexp.MustCompile(`<main id="main" class="wrap">\s*<([a-z0-9]+)[^>]*>`)
)

// checkFormMarkup checks the form contract of docs/design.md on a page:
// aria-describedby names only ids the page holds; with errors, the error
// summary is the first element of <main>, its links lead to controls of the
// page in their order, and every control in error says so.
func checkFormMarkup(t *testing.T, what, html string) {
	t.Helper()
	ids := map[string]int{}
	order := []string{}
	for _, m := range idAttr.FindAllStringSubmatch(html, -1) {
		ids[m[1]] = len(order)
		order = append(order, m[1])
	}
	for _, m := range describedBy.FindAllStringSubmatch(html, -1) {
		if m[1] == "" {
			t.Errorf("%s: empty aria-describedby", what)
		}
		for _, id := range strings.Fields(m[1]) {
			if _, ok := ids[id]; !ok {
				t.Errorf("%s: aria-describedby names %q, which is not on the page", what, id)
			}
		}
	}
	links := summaryLink.FindAllStringSubmatch(html, -1)
	last := -1
	for _, m := range links {
		pos, ok := ids[m[1]]
		if !ok {
			t.Errorf("%s: summary links to #%s, which is not on the page", what, m[1])
			continue
		}
		if pos < last {
			t.Errorf("%s: summary link #%s out of the fields' order", what, m[1])
		}
		last = pos
	}
	if strings.Contains(html, `aria-invalid="true"`) {
		if m := mainThenFirst.FindStringSubmatch(html); m == nil || !strings.Contains(m[0], `class="error-summary"`) {
			t.Errorf("%s: the error summary is not the first element of main", what)
		}
		if !strings.Contains(html, "<title>错误：") {
			t.Errorf("%s: title does not start with 错误：", what)
		}
		linked := map[string]bool{}
		for _, m := range links {
			linked[m[1]] = true
		}
		for _, m := range invalidID.FindAllStringSubmatch(html, -1) {
			if !linked[m[1]] && !strings.HasPrefix(m[1], "f-") {
				t.Errorf("%s: control %s in error has no summary link", what, m[1])
			}
		}
	}
	for _, c := range controlOpen.FindAllString(html, -1) {
		if strings.Contains(c, `type="password"`) && strings.Contains(c, "value=") {
			t.Errorf("%s: a password box has a value: %s", what, c)
		}
	}
}

// TestEveryFormFollowsTheFieldContract renders every page example twice:
// as it is, and with an error on every control it shows. Both must keep the
// contract (finding 1: 24 dangling aria-describedby ids on the enterprise
// form; no summary; errors only on selects).
func TestEveryFormFollowsTheFieldContract(t *testing.T) {
	s := templateServer(t)
	for name, ex := range examples {
		if name == "design.html" {
			// The living example page shows the components side by side,
			// an error summary among them, on a page that is not a form;
			// TestDesignPageIsLiveAndInert covers it.
			continue
		}
		a := ex.actors[0]
		p := ex.page()
		html, err := renderFor(s, name, p, a)
		if err != nil {
			t.Fatal(err)
		}
		checkFormMarkup(t, name, html)
		controls := p.base().controls
		if len(controls) == 0 {
			continue
		}
		p = ex.page()
		p.base().Errors = map[string]string{}
		for _, c := range controls {
			p.base().Errors[c] = "“" + c + "”有误"
		}
		html, err = renderFor(s, name, p, a)
		if err != nil {
			t.Fatal(err)
		}
		checkFormMarkup(t, name+" with errors", html)
		links := summaryLink.FindAllStringSubmatch(html, -1)
		if len(links) != len(controls) {
			t.Errorf("%s: %d summary links for %d fields in error", name, len(links), len(controls))
		}
		for _, c := range controls {
			if n := strings.Count(html, `id="f-`+c+`-error"`); n != 1 {
				t.Errorf("%s: field %s shows its error %d times", name, c, n)
			}
			if !strings.Contains(html, `<a href="#f-`+c+`">“`+c+`”有误</a>`) {
				t.Errorf("%s: no summary link for %s with the field's words", name, c)
			}
		}
	}
}

// TestEnterpriseFormErrorsAreVisible posts the enterprise form with many
// mistakes: the summary leads to each field, and says that values were
// kept only when they were, and never that passwords were.
func TestEnterpriseFormErrorsAreVisible(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)

	s, body := b.post("/register/enterprise", url.Values{"name": {"甲"}, "user_password": {"short"}, "user_password_confirm": {"short"}})
	b.expect(s, body, 422, "<title>错误：新办企业登记", `<h2 id="error-summary-title">提交的信息有 `,
		"除密码外，已填写的内容已为您保留。", `<a href="#f-code">请填写统一社会信用代码</a>`)
	checkFormMarkup(t, "enterprise form", body)
	links := summaryLink.FindAllStringSubmatch(body, -1)
	var got []string
	for _, m := range links {
		got = append(got, m[1])
	}
	want := []string{"f-code", "f-name", "f-legal_rep_name", "f-legal_rep_id", "f-industry_code", "f-registered_capital"}
	if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("summary links %v, want them to start %v", got, want)
	}
	for _, id := range got {
		ctl := regexp.MustCompile(`<(?:input|select)[^>]*id="` + id + `"[^>]*>`).FindString(body)
		if !strings.Contains(ctl, `aria-invalid="true"`) || !strings.Contains(ctl, id+"-error") {
			t.Errorf("control %s: %s", id, ctl)
		}
	}
	if strings.Contains(body, "请填写纳税人名称（2至100个字）") {
		t.Error("a one-character name is told to fill in a name")
	}

	// Nothing typed: nothing kept, and the summary does not claim it.
	s, body = b.post("/register/enterprise", url.Values{"accounting_standard": {""}})
	b.expect(s, body, 422, "error-summary")
	if strings.Contains(summaryBlock.FindString(body), "保留") {
		t.Errorf("empty form claims kept values: %s", stripTags(summaryBlock.FindString(body)))
	}

	// A form of passwords only keeps nothing.
	b.post("/staff/login", url.Values{"staff_no": {"35020601"}, "password": {demo.Password}})
	s, body = b.post("/account/password", url.Values{"current_password": {"nope"}, "password": {"x"}, "password_confirm": {"y"}})
	b.expect(s, body, 422, "<title>错误：修改密码", `<a href="#f-current_password">当前密码不正确</a>`)
	if strings.Contains(body, "保留") {
		t.Error("the password form claims kept values")
	}
	checkFormMarkup(t, "password form", body)
}

// TestHintsAgreeWithRules: the username hint says the rule the service
// applies (finding 10: the hint allowed fewer characters than the rule).
func TestHintsAgreeWithRules(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	s, body := b.get("/register/enterprise")
	b.expect(s, body, 200, strings.TrimPrefix(taxpayer.UsernameRule, "用户名为"))
}

// TestEveryFormURLAnswersGET (finding 2): after a failed form the address
// bar shows the POST URL; reloading or bookmarking it must show the form
// (or the page that holds it), as the right person, never 页面不存在 or
// 请求方式有误. Generated from the route table: a new POST route is covered.
func TestEveryFormURLAnswersGET(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	ctx := context.Background()
	one := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := d.QueryRowContext(ctx, q, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	hall, own := enterpriseAdmin(t, ts, d)
	user := one(`SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND is_admin = 0 ORDER BY id LIMIT 1`, own)
	if user == 0 {
		t.Fatal("no user to manage")
	}
	siming := one(`SELECT t.id FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id WHERE o.division_code = '350203' ORDER BY t.id LIMIT 1`)
	clerk := staffBrowser(t, ts, "35020301")
	admin := staffBrowser(t, ts, "35020001")
	province := staffBrowser(t, ts, "35000001") // the filing calendar's editor
	if _, err := demo.SeedCMS(ctx, d, now); err != nil {
		t.Fatal(err)
	}
	editor := staffBrowser(t, ts, "35020004") // the Xiamen site's content editor
	appID := one(`INSERT INTO applications (no, taxpayer_id, bureau_id, item_code, status, node, form, submit_token, created_by, submitted_at, updated_at)
		SELECT 'SQ-FORMS', id, bureau_id, 'vat_general', 'returned', 0, '{}', 'forms', $2, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM taxpayers WHERE id = $1 RETURNING id`, own, one(`SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND is_admin = 1 LIMIT 1`, own))
	taskID := one(`INSERT INTO tasks (application_id, taxpayer_id, item_code, node, node_code, role, bureau_id, bureau_path, city_id, citywide, state, limit_days, difficulty_pct, started_at, due_date, warn_date)
		SELECT a.id, a.taxpayer_id, a.item_code, 0, 'accept', 'window_clerk', a.bureau_id, o.path, 0, 0, 'open', 1, 100, '2026-01-01T00:00:00Z', '2026-01-02', '2026-01-02'
		FROM applications a JOIN orgs o ON o.id = a.bureau_id WHERE a.id = $1 RETURNING id`, appID)
	ids := map[string][]int64{
		"application":   {appID},
		"task":          {taskID},
		"taxpayer_user": {user},
		"taxpayer":      {siming, 1},
		"staff":         {one(`SELECT id FROM staff WHERE staff_no = '35020301'`)},
		"org":           {one(`SELECT id FROM orgs WHERE division_code = '350203'`)},
		"return":        {one(`SELECT id FROM returns WHERE taxpayer_id = $1 AND is_current = 1 ORDER BY id LIMIT 1`, own)},
		"employee": {one(`INSERT INTO employees (taxpayer_id, resident_id, name, hired_on, created_at)
			VALUES ($1, '350203198805170450', '陈晓燕', '2025-01-01', '2025-01-01T00:00:00Z') RETURNING id`, own)},
		"tax_building": {one(`SELECT id FROM tax_buildings WHERE taxpayer_id = $1 ORDER BY id LIMIT 1`, own)},
		"tax_parcel":   {one(`SELECT id FROM tax_parcels WHERE taxpayer_id = $1 ORDER BY id LIMIT 1`, own)},
		"cms_article":  {one(`SELECT a.id FROM cms_articles a JOIN orgs o ON o.id = a.site_org_id WHERE o.division_code = '3502' ORDER BY a.id LIMIT 1`)},
		"appointment":  {one(`SELECT id FROM appointments WHERE taxpayer_id = $1 ORDER BY id LIMIT 1`, own)},
		"complaint":    {one(`SELECT id FROM complaints WHERE taxpayer_id = $1 ORDER BY id LIMIT 1`, own)},
		"question":     {one(`SELECT id FROM questions WHERE taxpayer_id = $1 ORDER BY id LIMIT 1`, own)},
		"survey":       {one(`SELECT id FROM surveys ORDER BY id LIMIT 1`)},
		"training":     {one(`SELECT id FROM training_sessions ORDER BY id LIMIT 1`)},
		"kb_entry":     {one(`SELECT id FROM kb_entries ORDER BY id LIMIT 1`)},
		// Refunds and the staff's 向银行查询 (a failed payment of own).
		"bureau_payment": {one(`INSERT INTO payments (taxpayer_id, bureau_id, request_no, idem_key, agreement_id, bank_code, account_no, account_name, entrust_date,
			tax, late_fee, amount, state, created_by, created_by_name, created_at) SELECT t.id, t.bureau_id, 'FORMSREQ', 'forms', $2, '102', '1', 'x', '2026-01-01', 1, 0, 1, 'failed', 0, 'x', '2026-01-01T00:00:00Z'
			FROM taxpayers t WHERE t.id = $1 RETURNING id`, own, one(`INSERT INTO bank_agreements (taxpayer_id, agreement_no, bank_code, account_name, account_no, state, created_by, created_by_name, created_at)
			VALUES ($1, 'FORMS1', '102', 'x', '1', 'ended', 0, 'x', '2026-01-01T00:00:00Z') RETURNING id`, own))},
		"refund_request": {one(`INSERT INTO refund_requests (taxpayer_id, bureau_id, liability_id, return_id, tax_type, period_start, period_end, amount,
			requested_by, requested_by_name, created_at) SELECT l.taxpayer_id, t.bureau_id, l.id, l.return_id, l.tax_type, l.period_start, l.period_end, 100, 0, '表单', '2026-01-01T00:00:00Z'
			FROM tax_liabilities l JOIN taxpayers t ON t.id = l.taxpayer_id WHERE l.taxpayer_id = $1 ORDER BY l.id LIMIT 1 RETURNING id`, own)},
		"intake_token": {one(`INSERT INTO intake_tokens (token_hash, org_id, channel, name, created_by, created_at)
			SELECT 'forms-test-hash', s.org_id, 'sms', '表单测试短信平台', s.id, '2026-11-01T00:00:00Z' FROM staff s WHERE s.staff_no = '35020001' RETURNING id`)},
	}
	xmSite := one(`SELECT id FROM orgs WHERE division_code = '3502' AND level = 'city'`)
	ids["cms_topic"] = []int64{one(`INSERT INTO cms_topics (site_org_id, code, title, created_at, updated_at) VALUES ($1, 'forms', '表单专题', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`, xmSite)}
	dl := one(`INSERT INTO downloads (site_org_id, kind, title, created_at, updated_at) VALUES ($1, 'form', '表单下载', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`, xmSite)
	if err := d.Tx(ctx, func(tx *sql.Tx) error {
		return cms.InsertVersion(ctx, tx, now, dl, xmSite, cms.VersionInput{Version: "v1", Filename: "a.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")})
	}); err != nil {
		t.Fatal(err)
	}
	ids["download"] = []int64{dl}
	posts := 0
	for _, rt := range Routes() {
		if rt.Method != "POST" {
			continue
		}
		posts++
		b := newBrowser(t, ts)
		switch {
		case rt.For == Taxpayers:
			b = hall
		case rt.For == Staff && rt.Object == "taxpayer":
			b = clerk
		case rt.For == Staff && strings.HasPrefix(rt.Pattern, "/staff/qa"):
			b = staffBrowser(t, ts, "35020005") // the Xiamen content reviewer
		case rt.For == Staff && strings.HasPrefix(rt.Pattern, "/staff/questions"):
			b = staffBrowser(t, ts, "35020003") // the Xiamen 12366 agent
		case rt.For == Staff && strings.HasPrefix(rt.Pattern, "/staff/complaints"), rt.For == Staff && strings.HasPrefix(rt.Pattern, "/staff/surveys"),
			rt.For == Staff && strings.HasPrefix(rt.Pattern, "/staff/training"):
			b = staffBrowser(t, ts, "35020001") // the Xiamen admin answers the named case
		case rt.For == Staff && strings.HasPrefix(rt.Pattern, "/staff/appointments"):
			b = staffBrowser(t, ts, "35020303") // the Siming hall's supervisor
		case rt.For == Staff && strings.HasPrefix(rt.Pattern, "/staff/calendar"):
			b = province
		case rt.For == Staff && strings.HasPrefix(rt.Pattern, "/staff/cms"):
			b = editor
		case rt.For == Staff:
			b = admin
		case rt.For == LoggedIn:
			b = clerk
		}
		path := rt.Path(ids[rt.Object]...)
		s, body := b.get(path)
		if s != http.StatusOK {
			t.Errorf("GET %s (the address of a %s form) as %s: %d %.200s", path, rt.Pattern, rt.For, s, stripTags(body))
		}
	}
	if posts < 10 {
		t.Fatalf("only %d POST routes", posts)
	}
	// The logout address shows a logout button to someone logged in.
	s, body := clerk.get("/logout")
	clerk.expect(s, body, 200, `<form method="post" action="/logout"`, "退出登录", "35020301")
}

// TestLoginSaysTheUsernameIsMissing (finding 6): an enterprise code with
// no username is a field error on the username, never a failure counted.
func TestLoginSaysTheUsernameIsMissing(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	var code string
	if err := d.QueryRowContext(context.Background(), `SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts)
	for range 7 {
		s, body := b.post("/login", url.Values{"code": {code}, "password": {demo.Password}})
		b.expect(s, body, 422, `<a href="#f-username">企业用户请填写用户名；自然人请留空</a>`, `id="f-username-error"`, "除密码外，已填写的内容已为您保留。")
		checkFormMarkup(t, "login", body)
	}
	s, body := b.post("/login", url.Values{"code": {code}, "username": {"admin"}, "password": {demo.Password}})
	b.expect(s, body, 200, "我的办税")
}

// TestIndividualBusinessPath (finding 11): /register offers the 个体工商户
// path; a form left without a district gets it from the credit code; the
// registration needs no capital nor e-mail and shows the kind.
func TestIndividualBusinessPath(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	s, body := b.get("/register")
	b.expect(s, body, 200, `href="/register/business"`, "个体工商户登记")
	s, body = b.get("/register/business")
	b.expect(s, body, 200, `name="operator_name"`, `name="operator_id"`)
	for _, absent := range []string{`name="registered_capital"`, `name="legal_rep_name"`} {
		if strings.Contains(body, absent) {
			t.Errorf("business form asks %s", absent)
		}
	}
	r := rand.New(rand.NewPCG(11, 11))
	code := ids.GenerateBusinessUSCC(r, "350203")
	form := url.Values{"code": {code}, "name": {"思明区老林小吃店"}, "operator_name": {"林国平"},
		"operator_id": {ids.GenerateResidentID(r, "350203", time.Date(1966, 4, 5, 0, 0, 0, 0, time.UTC), true)},
		"address":     {"中山路12号"}, "industry_code": {"62"}, "phone": {"13906001111"},
		"user_username": {"lingp"}, "user_password": {"Xiaochi#2026"}, "user_password_confirm": {"Xiaochi#2026"}}
	s, body = b.post("/register/business", form)
	b.expect(s, body, 422, `<option value="350203" selected>`, `<a href="#f-division_code">`+DivisionPrefilled+`</a>`)
	checkFormMarkup(t, "business form", body)
	form.Set("division_code", "350203")
	s, body = b.post("/register/business", form)
	b.expect(s, body, 200, "登记成功", "个体工商户", code, "国家税务总局厦门市思明区税务局", "lingp")

	// The enterprise form sends a 92 code to the business path, and
	// prefills its district too.
	s, body = b.post("/register/enterprise", url.Values{"code": {ids.GenerateBusinessUSCC(r, "350206")}})
	b.expect(s, body, 422, taxpayer.BusinessCodeOnEnterpriseForm, `<option value="350206" selected>`)
}
