package e2e

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/app"
	"taxhall/internal/demo"
	"taxhall/internal/ids"
	"taxhall/internal/taxpayer"
)

// The bureau of the Siming district (division 350203) of Xiamen, and its
// window clerk; 35020601 is the window clerk of Huli (350206).
const (
	simingBureau = "国家税务总局厦门市思明区税务局"
	simingClerk  = "35020301"
	huliClerk    = "35020601"
)

// breakCheckChar returns the code with another valid character in place of
// its check character, so that only the check fails.
func breakCheckChar(code string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	i := strings.IndexByte(alphabet, code[17])
	return code[:17] + string(alphabet[(i+1)%len(alphabet)])
}

// cst is the service's time zone, for "today" on the forms.
var cst = time.FixedZone("CST", 8*3600)

// TestEnterpriseJourney: a new enterprise registers online (first with
// mistakes), its administrator logs in, adds a finance user and logs out,
// and the new user logs in.
func TestEnterpriseJourney(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	p := newPage(t, s, "taxpayer")
	j := newJourney(t, p)

	r := rand.New(rand.NewPCG(20260101, 1))
	code := ids.GenerateUSCC(r, "350203")
	legalRepID := ids.GenerateResidentID(r, "350203", time.Date(1985, 3, 4, 0, 0, 0, 0, time.UTC), true)
	const (
		name     = "厦门鹭岛云帆软件有限公司"
		admin    = "chenzy"
		password = "Gulangyu#2026"
	)

	j.step("registration form opens", func(t *testing.T) {
		if st := p.Open("register-form", "/register/enterprise"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "新办企业登记")
	})

	// The form, filled as a person would, with a wrong check character and
	// a weak password.
	j.step("form with mistakes is refused with field errors", func(t *testing.T) {
		p.Do(
			typeInto("#f-code", breakCheckChar(code)),
			typeInto("#f-name", name),
			typeInto("#f-legal_rep_name", "陈志远"),
			typeInto("#f-legal_rep_id", legalRepID),
			choose("#f-industry_code", "65"),
			typeInto("#f-registered_capital", "1000000"),
			choose("#f-accounting_standard", "sbas"),
			choose("#f-division_code", "350203"),
			typeInto("#f-address", "鹭江道100号国际银行大厦18楼"),
			typeInto("#f-phone", "0592-1234567"),
			typeInto("#f-email", "finance@yunfan.example.cn"),
			typeInto("#f-user_username", admin),
			typeInto("#f-user_name", "陈志远"),
			typeInto("#f-user_phone", "13906001234"),
			choose("#f-user_role", "legal_rep"),
			typeInto("#f-user_password", "abc123"),
			typeInto("#f-user_password_confirm", "abc123"),
		)
		if st := p.Click("register-invalid", `form[action="/register/enterprise"] button[type=submit]`); st != http.StatusUnprocessableEntity {
			p.fatalf("status %d, want 422", st)
		}
		p.ExpectText(".error-summary", "提交的信息有", "处需要修改", "除密码外，已填写的内容已为您保留")
		if v, _ := p.Attr("#f-code", "aria-invalid"); v != "true" {
			p.fatalf("#f-code aria-invalid=%q, want true", v)
		}
		p.ExpectText("#f-code-error", "校验位")
		p.ExpectText("#f-user_password-error", "密码")
	})

	j.step("refused form keeps what was typed but not the password", func(t *testing.T) {
		if got := p.Value("#f-name"); got != name {
			p.fatalf("name field holds %q, want what was typed (%q)", got, name)
		}
		if got := p.Value("#f-division_code"); got != "350203" {
			p.fatalf("division kept as %q, want 350203", got)
		}
		if got := p.Value("#f-user_password"); got != "" {
			p.fatalf("the password came back in the form: %q", got)
		}
	})

	j.step("focus moves to the error summary, whose first link leads to the first field in error", func(t *testing.T) {
		// The page's script does this.
		if cls := evalJSON[string](p, `document.activeElement ? document.activeElement.className : ""`); cls != "error-summary" {
			p.fatalf("focus on %q, want the error summary", cls)
		}
		p.Do(chromedp.Click(chromedp.CSS(`.error-summary a[href="#f-code"]`)))
		if id := evalJSON[string](p, `document.activeElement ? document.activeElement.id : ""`); id != "f-code" {
			p.fatalf("focus on %q, want f-code", id)
		}
	})

	j.step("corrected form registers the enterprise", func(t *testing.T) {
		p.Do(
			typeInto("#f-code", code),
			typeInto("#f-user_password", password),
			typeInto("#f-user_password_confirm", password),
		)
		if st := p.Click("register-ok", `form[action="/register/enterprise"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "登记成功")
		p.ExpectText("main", code, simingBureau, admin, "新办待认定")
	})

	j.step("login link of the success page fills in the code", func(t *testing.T) {
		if st := p.Click("login-form", `main a[href^="/login"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		if got := p.Value("#f-code"); got != code {
			p.fatalf("login code prefilled %q, want %q", got, code)
		}
	})

	j.step("administrator logs in to the hall of the new enterprise", func(t *testing.T) {
		p.Do(typeInto("#f-username", admin), typeInto("#f-password", password))
		if st := p.Click("login-admin", `form[action="/login"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/hall")
		p.ExpectText(".flash", "登录成功")
		p.ExpectText("main h1", name)
		p.ExpectText("main .status", "新办待认定")
		p.ExpectText("section[aria-labelledby=ident]", "税（费）种认定")
		p.ExpectText("header .who", name, "陈志远")
	})

	j.step("administrator adds a finance user", func(t *testing.T) {
		if st := p.Open("user-new", "/hall/users/new"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.Do(
			typeInto("#f-username", "lixm"),
			typeInto("#f-name", "李晓敏"),
			typeInto("#f-phone", "13806001235"),
			choose("#f-role", "finance"),
			typeInto("#f-password", "Xiamen#Ledger9"),
			typeInto("#f-password_confirm", "Xiamen#Ledger9"),
		)
		if st := p.Click("user-added", `form[action="/hall/users"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/hall/users")
		p.ExpectText(".flash", "已添加办税人员", "李晓敏", "lixm")
		expectRow(p, "main table tbody tr", "lixm", "财务负责人")
	})

	j.step("logout ends the session", func(t *testing.T) {
		if st := p.Click("logout", `form[action="/logout"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/")
		p.ExpectText(".flash", "已安全退出")
		if n := p.Count(`form[action="/logout"]`); n != 0 {
			p.fatalf("still logged in after logout (%d logout forms)", n)
		}
	})

	j.step("finance user logs in", func(t *testing.T) {
		if st := p.Open("login-form-2", "/login"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.Do(typeInto("#f-code", code), typeInto("#f-username", "lixm"), typeInto("#f-password", "Xiamen#Ledger9"))
		if st := p.Click("login-finance", `form[action="/login"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/hall")
		p.ExpectText("main h1", name)
		p.ExpectText("section[aria-labelledby=me]", "李晓敏", "财务负责人")
		p.ExpectText("header .who", "李晓敏")
	})
}

// TestClerkIdentifiesAndOtherDistrictCannotSee: the Siming window clerk
// finds a new enterprise and identifies its VAT; the taxpayer sees it in the
// hall; the Huli clerk can neither open nor find it.
func TestClerkIdentifiesAndOtherDistrictCannotSee(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)

	// The enterprise registers through the service (the form has its own test).
	r := rand.New(rand.NewPCG(20260102, 2))
	code := ids.GenerateUSCC(r, "350203")
	const name = "厦门筼筜湖贸易有限公司"
	svc := &taxpayer.Service{DB: s.DB, Now: app.Now}
	reg, err := svc.RegisterEnterprise(context.Background(), taxpayer.EnterpriseInput{
		Code: code, Name: name, LegalRepName: "林美华",
		LegalRepID:   ids.GenerateResidentID(r, "350203", time.Date(1985, 3, 4, 0, 0, 0, 0, time.UTC), false),
		DivisionCode: "350203", Address: "湖滨南路388号", IndustryCode: "51", RegisteredCapital: "500000",
		AccountingStandard: "sbas", Phone: "0592-5556666", Email: "office@yundang.example.cn",
		User: taxpayer.UserInput{Username: "linmh", Name: "林美华", Phone: "13906005678", Role: "legal_rep",
			Password: "Yundang#2026", PasswordConfirm: "Yundang#2026"},
	})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	if reg.Taxpayer.BureauName != simingBureau {
		t.Fatalf("bureau %q, want %q", reg.Taxpayer.BureauName, simingBureau)
	}
	today := app.Now().In(cst).Format("2006-01-02")

	// Three people, each in a browser context of their own.
	c := newPage(t, s, "clerk-siming")
	tp := newPage(t, s, "taxpayer")
	h := newPage(t, s, "clerk-huli")
	j := newJourney(t, c, tp, h)
	var record string // the address of the taxpayer's record

	j.step("Siming clerk logs in", func(t *testing.T) { staffLogin(c, simingClerk) })

	j.step("Siming clerk finds the enterprise by its code", func(t *testing.T) {
		if st := c.Click("taxpayers", `nav.menu a[href="/staff/taxpayers"]`); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		c.Do(typeInto("#f-q", code))
		if st := c.Click("search-code", `form[action="/staff/taxpayers"] button[type=submit]`); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		if q := c.URL().Query().Get("q"); q != code {
			c.fatalf("search q=%q, want %q", q, code)
		}
		c.ExpectText("main p.muted", "共 1 户")
		c.ExpectText("main table tbody", code, name, "新办待认定")
	})

	j.step("Siming clerk opens the record from the list", func(t *testing.T) {
		if st := c.Click("record", `main table tbody a[href^="/staff/taxpayers/"]`); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		record = c.URL().Path
		if !strings.HasPrefix(record, "/staff/taxpayers/") {
			c.fatalf("record path %q", record)
		}
		c.ExpectText("main h1", name, "新办待认定")
		c.ExpectText("main", simingBureau, "尚未认定任何税（费）种")
	})

	j.step("Siming clerk identifies small-scale VAT quarterly from today", func(t *testing.T) {
		c.Do(
			choose("#f-tax_type", "vat_small"),
			choose("#f-period", "quarter"),
			choose("#f-start_date", today),
		)
		if st := c.Click("identify", `form.add-ident button[type=submit]`); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		c.ExpectPath(record)
		c.ExpectText(".flash", "已认定：增值税（小规模纳税人）", "按季", today)
		c.ExpectText("main h1", "新办待认定")
		expectRow(c, `section[aria-labelledby=ident] table tbody tr`, "增值税（小规模纳税人）", "按季", today, "长期")
	})

	j.step("Siming clerk marks identification complete", func(t *testing.T) {
		if st := c.Click("complete", `form[action$="/identification-complete"] button[type=submit]`); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		c.ExpectText(".flash", "认定完成")
		c.ExpectText("main h1", "正常")
	})

	j.step("taxpayer logs in to the hall", func(t *testing.T) {
		if st := tp.Open("login-form", "/login?code="+url.QueryEscape(code)); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.Do(typeInto("#f-username", "linmh"), typeInto("#f-password", "Yundang#2026"))
		if st := tp.Click("hall", `form[action="/login"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectPath("/hall")
	})

	j.step("taxpayer sees the identification in the hall", func(t *testing.T) {
		tp.ExpectText("main .status", "正常")
		expectRow(tp, `section[aria-labelledby=ident] table tbody tr`, "增值税（小规模纳税人）", "按季", today)
	})

	j.step("Huli clerk logs in", func(t *testing.T) { staffLogin(h, huliClerk) })

	j.step("Huli clerk cannot open the record by its address", func(t *testing.T) {
		if st := h.Open("foreign-record", record); st != http.StatusNotFound {
			h.fatalf("status %d, want 404", st)
		}
		h.ExpectText("main h1", "页面不存在")
		if body := h.Text("main"); strings.Contains(body, name) || strings.Contains(body, code) {
			h.fatalf("the 404 page shows the taxpayer: %q", clip(body))
		}
	})

	j.step("Huli clerk cannot find the enterprise by its code", func(t *testing.T) {
		if st := h.Open("foreign-search", "/staff/taxpayers"); st != http.StatusOK {
			h.fatalf("status %d", st)
		}
		h.Do(typeInto("#f-q", code))
		if st := h.Click("foreign-search-code", `form[action="/staff/taxpayers"] button[type=submit]`); st != http.StatusOK {
			h.fatalf("status %d", st)
		}
		h.ExpectText("main p.muted", "共 0 户")
		h.ExpectText("main", "没有符合条件的纳税人")
	})
}

// TestHomePage: the home page and its search box.
func TestHomePage(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	p := newPage(t, s, "visitor")
	j := newJourney(t, p)

	j.step("home page offers the three ways in", func(t *testing.T) {
		if st := p.Open("home", "/"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		if title := p.Title(); !strings.Contains(title, "网上办税服务厅") {
			p.fatalf("title %q", title)
		}
		p.ExpectText("main h1", "网上办税服务厅")
		// No one is logged in.
		p.ExpectText("header nav.account", "纳税人登录", "新办登记", "税务人员")
	})

	j.step("search finds the registration services", func(t *testing.T) {
		p.Do(typeInto("#q", "登记"))
		if st := p.Click("search", `form.search button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/search")
		if q := p.URL().Query().Get("q"); q != "登记" {
			p.fatalf("q=%q", q)
		}
		p.ExpectText("main h1", "搜索办税事项")
		p.ExpectText("main p.muted", "登记")
		if got := p.Value("#q"); got != "登记" {
			p.fatalf("search box holds %q after the search", got)
		}
		if hits := p.Count("main .grid a.tile"); hits == 0 {
			p.fatalf("no results for 登记")
		}
		p.ExpectText("main .grid", "新办企业登记")
	})

	j.step("a result leads to its page", func(t *testing.T) {
		if st := p.Click("result", `main .grid a.tile[href="/register/enterprise"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/register/enterprise")
		p.ExpectText("main h1", "新办企业登记")
	})

	j.step("a search without results says so", func(t *testing.T) {
		if st := p.Open("search-none", "/search?q="+url.QueryEscape("火星移民")); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main", "没有找到")
		if n := p.Count("main .grid a.tile"); n != 0 {
			p.fatalf("%d results for a nonsense query", n)
		}
	})
}

// staffLogin logs a demo official in through the staff login form.
func staffLogin(p *page, staffNo string) {
	p.t.Helper()
	if st := p.Open("staff-login-form", "/staff/login"); st != http.StatusOK {
		p.fatalf("status %d", st)
	}
	p.Do(typeInto("#f-staff_no", staffNo), typeInto("#f-password", demo.Password))
	if st := p.Click("staff-login", `form[action="/staff/login"] button[type=submit]`); st != http.StatusOK {
		p.fatalf("status %d", st)
	}
	p.ExpectPath("/staff")
	p.ExpectText("main h1", "工作台")
	p.ExpectText("header .who", staffNo)
}

// expectRow checks that one row of sel holds every string.
func expectRow(p *page, sel string, wants ...string) {
	p.t.Helper()
	rows := p.RowTexts(sel)
	for _, row := range rows {
		ok := true
		for _, w := range wants {
			if !strings.Contains(row, w) {
				ok = false
				break
			}
		}
		if ok {
			return
		}
	}
	p.fatalf("no row of %s holds %q; rows: %q", sel, wants, rows)
}
