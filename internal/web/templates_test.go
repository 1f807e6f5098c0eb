package web

import (
	"bytes"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"path"
	"reflect"
	"strings"
	"taxhall/internal/calc"
	"taxhall/internal/calendar"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/iitw"
	"taxhall/internal/org"
	"taxhall/internal/taxpayer"
	"taxhall/internal/taxsource"
)

// Actors the pages are rendered for.
var (
	anonymous    *auth.Actor
	enterprise   = &auth.Actor{Kind: auth.Taxpayer, UserID: 1, Name: "王五", TaxpayerID: 1, TaxpayerCode: "91350206MA2XXXXX0X", TaxpayerName: "厦门测试贸易有限公司", TaxpayerKind: taxpayer.Enterprise, Role: auth.TPLegalRep, Admin: true}
	clerkUser    = &auth.Actor{Kind: auth.Taxpayer, UserID: 2, Name: "李会计", TaxpayerID: 1, TaxpayerKind: taxpayer.Enterprise, Role: auth.TPClerk}
	person       = &auth.Actor{Kind: auth.Taxpayer, UserID: 3, Name: "林小美", TaxpayerID: 2, TaxpayerKind: taxpayer.Individual}
	staffAdmin   = &auth.Actor{Kind: auth.Staff, UserID: 4, Name: "陈管理", StaffNo: "35020001", OrgID: 2, OrgName: "国家税务总局厦门市税务局", OrgPath: "/1/2/", Roles: []string{auth.RoleAdmin}}
	staffClerk   = &auth.Actor{Kind: auth.Staff, UserID: 5, Name: "张窗口", StaffNo: "35020601", OrgID: 9, OrgName: "国家税务总局厦门市湖里区税务局", OrgPath: "/1/2/9/", Roles: []string{auth.RoleWindowClerk}}
	staffEditor  = &auth.Actor{Kind: auth.Staff, UserID: 6, Name: "内容编辑", StaffNo: "35020602", OrgID: 9, OrgPath: "/1/2/9/", Roles: []string{auth.RoleContentEditor}}
	everyone     = []*auth.Actor{anonymous, enterprise, clerkUser, person, staffAdmin, staffClerk, staffEditor}
	taxpayerSide = []*auth.Actor{enterprise, clerkUser, person}
	staffSide    = []*auth.Actor{staffAdmin, staffClerk, staffEditor}
)

var when = time.Date(2026, 11, 23, 10, 0, 0, 0, cst)

func exampleTaxpayer(kind string) *taxpayer.Taxpayer {
	t := &taxpayer.Taxpayer{ID: 7, Kind: kind, Code: "91350206MA2XXXXX0X", Name: "厦门测试贸易有限公司", LegalRepName: "王五",
		LegalRepID: "350206198005060011", DivisionCode: "350206", Address: "湖里大道88号", IndustryCode: "51",
		RegisteredCapitalFen: 100000050, AccountingStandard: "sbas", Phone: "0592-5551234", Email: "boss@example.com",
		BureauID: 9, BureauName: "国家税务总局厦门市湖里区税务局", Status: taxpayer.StatusPending, RegisteredAt: when}
	if kind == taxpayer.Individual {
		t.Code, t.Name = "350211198808080022", "林小美"
	}
	return t
}

var exampleIdents = []*taxpayer.Identification{
	{ID: 1, TaxType: "vat_small", Period: "quarter", StartDate: "2026-11-23", CreatedBy: "张窗口", CreatedAt: when},
	{ID: 2, TaxType: "cit", Period: "quarter", StartDate: "2025-01-01", EndDate: "2026-06-30", CreatedBy: "张窗口", CreatedAt: when},
}

func exampleHistory() []taxpayer.Event {
	e := taxpayer.Event{ActionName: "税（费）种认定"}
	e.At, e.ActorKind, e.ActorName, e.Detail = when, "staff", "张窗口", "增值税（小规模纳税人），按季"
	reg := taxpayer.Event{ActionName: "在线登记"}
	reg.At = when
	return []taxpayer.Event{e, reg}
}

// exampleSuggestions is the usual set of the example enterprise, VAT
// small-scale already in force.
func exampleSuggestions() []taxpayer.Suggestion {
	list := taxpayer.SuggestedIdentifications(exampleTaxpayer(taxpayer.Enterprise))
	for i := range list {
		list[i].StartDate = "2026-11-23"
	}
	list[0].Identified, list[0].Checked = "增值税（小规模纳税人） 按季 自 2026-11-23", false
	return list
}

var exampleOrgs = []*org.Org{
	{ID: 1, Code: "13500000000", Name: "国家税务总局福建省税务局", Level: "province", DivisionCode: "350000", Active: true},
	{ID: 9, Code: "13502060000", Name: "国家税务总局厦门市湖里区税务局", Level: "district", ParentID: 2, DivisionCode: "350206", Active: false, Depth: 2},
}

var exampleStaff = &org.Staff{ID: 5, OrgID: 9, OrgName: "国家税务总局厦门市湖里区税务局", StaffNo: "35020601", Name: "张窗口", Roles: []string{auth.RoleWindowClerk, auth.RoleReviewer}, Active: true}

var exampleUser = &taxpayer.User{ID: 2, Username: "caiwu", Name: "李会计", Phone: "13900002222", Role: auth.TPFinance, Active: true, CreatedAt: when}

var roles = []Option{{"a", "甲"}, {"b", "乙"}}
var groups = []Group{{Label: "厦门市", Options: []Option{{"350206", "湖里区"}}}}

// example is a realistic value of a page type and the actors it is shown to.
type example struct {
	page   func() page
	actors []*auth.Actor
}

// examples has one entry per view (TestEveryViewHasAnExample keeps it so).
var examples = map[string]example{
	"error.html":  {func() page { return &errorPage{Status: 404, Message: "您访问的页面不存在"} }, everyone},
	"care.html":   {func() page { return &basePage{Care: true} }, everyone},
	"design.html": {func() page { return &basePage{} }, staffSide},
	"home.html":   {func() page { return &homePage{Catalogue: catalogue} }, everyone},
	"search.html": {func() page {
		return &searchPage{Q: "申报", Hits: catalogue[:2], Topics: topics, Popular: catalogue[:1], Suggestions: suggestions}
	}, everyone},
	"calculators.html": {func() page { return &calculatorsPage{Calculators: calculators()} }, everyone},
	"calc_vat_small.html": {func() page {
		r, err := calc.VATSmall(calc.VATSmallInput{Year: "2026", Period: "q1", Sales3: "400000", Sales5: "10000", Location: "city", SixTaxesTwoFees: true})
		if err != nil {
			panic(err)
		}
		return &calcVATPage{Years: []Option{{"2026", "2026年"}}, Periods: groups, Locations: roles, Result: &r,
			basePage: basePage{Form: url.Values{"year": {"2026"}, "relief": {"1"}}, Errors: map[string]string{"sales5": "金额格式不正确"}}}
	}, everyone},
	"calc_iit_wages.html": {func() page {
		r, err := calc.IITWages(calc.IITWagesInput{Year: "2026", Month: "3", MonthsEmployed: "3", Income: "90000", Special: "13500", Additional: "6000", Withheld: "1180"})
		if err != nil {
			panic(err)
		}
		return &calcIITPage{Years: []Option{{"2026", "2026年"}}, Months: roles, AdditionalHint: "子女教育每个子女 2000 元", Result: &r,
			basePage: basePage{Form: url.Values{"year": {"2026"}}, Errors: map[string]string{"income": "请填写金额"}}}
	}, everyone},
	"calc_labour.html":      {calcMoreExample("calc_labour.html"), everyone},      // calc_more_web_test.go
	"calc_late_fee.html":    {calcMoreExample("calc_late_fee.html"), everyone},    // calc_more_web_test.go
	"calc_vat_general.html": {calcMoreExample("calc_vat_general.html"), everyone}, // calc_more_web_test.go
	"calc_eit.html":         {calcMoreExample("calc_eit.html"), everyone},         // calc_more_web_test.go
	"calc_property.html":    {calcMoreExample("calc_property.html"), everyone},    // calc_more_web_test.go
	"calc_land.html":        {calcMoreExample("calc_land.html"), everyone},        // calc_more_web_test.go
	"calc_stamp.html":       {calcMoreExample("calc_stamp.html"), everyone},       // calc_more_web_test.go
	"login.html": {func() page {
		return &basePage{Next: "/hall", Errors: map[string]string{"_": "账号或密码不正确", "code": "请填写"}, Form: url.Values{"code": {"x"}}}
	}, everyone},
	"staff_login.html": {func() page {
		return &basePage{Next: "/staff", Errors: map[string]string{"staff_no": "请填写工号"}}
	}, everyone},
	"account_password.html": {func() page { return &basePage{Errors: map[string]string{"current_password": "当前密码不正确"}} }, append(taxpayerSide, staffSide...)},
	"register.html":         {func() page { return &basePage{} }, everyone},
	"logout.html":           {func() page { return &basePage{} }, append(taxpayerSide, staffSide...)},
	"register_enterprise.html": {func() page {
		return &registerPage{Districts: groups, Industries: groups, Standards: roles, Roles: roles, basePage: basePage{Form: url.Values{"user_role": {"a"}, "division_code": {"350206"}}}}
	}, everyone},
	"register_business.html": {func() page {
		return &registerPage{Districts: groups, Industries: groups, basePage: basePage{Form: url.Values{"division_code": {"350206"}}}}
	}, everyone},
	"register_individual.html": {func() page {
		return &registerPage{Districts: groups, Industries: groups, Standards: roles, Roles: roles}
	}, everyone},
	"registered.html": {func() page {
		return &registeredPage{Taxpayer: exampleTaxpayer(taxpayer.Enterprise), Username: "wangwu"}
	}, everyone},
	"hall.html": {func() page {
		return &hallPage{Taxpayer: exampleTaxpayer(taxpayer.Enterprise), Idents: exampleIdents, Today: "2026年10月20日", Due: exampleDues()[:2],
			Drafts: exampleDues()[:1], Recent: []*returns.Return{exampleReturn(1)}, UnpaidTotal: 318000, FeeTotal: 1590,
			Unpaid: []*returns.Liability{{ReturnID: 41, TaxName: "增值税（小规模纳税人）", Period: rules.Quarter(2026, 2), Deadline: calendar.MustDate("2026-07-15"), Amount: 318000, Unpaid: 318000, LateFee: 1590, LateDays: 10}}}
	}, taxpayerSide},
	"hall_users.html":     {func() page { return &usersPage{Users: []*taxpayer.User{exampleUser, {ID: 3, Admin: true}}} }, taxpayerSide},
	"hall_user_new.html":  {func() page { return &userPage{Roles: roles} }, taxpayerSide},
	"hall_user_edit.html": {func() page { return &userPage{Roles: roles, User: exampleUser, Taxes: roles} }, taxpayerSide},
	"employees.html": {func() page {
		return &employeesPage{Employees: []*iitw.Employee{exampleEmployee(false), exampleEmployee(true)}, NextURL: "/hall/employees?after=2",
			FirstURL: "/hall/employees", Month: "2026年11月", Columns: []employeeColumn{{Header: "证件号码", Rule: "18位", Required: true}}}
	}, taxpayerSide},
	"employees_new.html": {func() page {
		return &basePage{Errors: map[string]string{"resident_id": "身份证号码校验位不正确，请核对"}, Form: url.Values{"resident_id": {"350203198805170451"}}}
	}, taxpayerSide},
	"employees_leave.html": {func() page {
		return &employeeLeavePage{Employee: exampleEmployee(false), basePage: basePage{Errors: map[string]string{"left_on": "离职日期不能早于入职日期（2025-01-01）"}}}
	}, taxpayerSide},
	"sources.html": {func() page {
		return &sourcesPage{Buildings: []*taxsource.Building{exampleBuilding(false), exampleBuilding(true)}, Parcels: []*taxsource.Parcel{exampleParcel()},
			BuildingsNext: "/hall/sources?b=2&p=0", FirstURL: "/hall/sources", PropertyForm: "财产和行为税（房产税、印花税）", LandForm: "财产和行为税（城镇土地使用税）"}
	}, taxpayerSide},
	"source_building.html": {func() page {
		return &buildingFormPage{Building: exampleBuilding(false), Districts: []Group{{"厦门市", []Option{{"350203", "思明区"}}}}, Usages: usageOptions(),
			Action: "/hall/sources/buildings/1", basePage: basePage{Errors: map[string]string{"original_value": "请填写房产原值"}}}
	}, taxpayerSide},
	"source_parcel.html": {func() page {
		return &parcelFormPage{Districts: []Group{{"厦门市", []Option{{"350203", "思明区"}}}}, Grades: []Group{{"厦门市", []Option{{"2", "二级土地"}}}},
			Action: "/hall/sources/parcels", basePage: basePage{Errors: map[string]string{"grade": "请选择土地等级"}}}
	}, taxpayerSide},
	"source_end.html": {func() page {
		p := buildingEndPage(exampleBuilding(false))
		p.Errors = map[string]string{"to_date": "终止日期不能早于取得日期（2019-05-20）"}
		return p
	}, taxpayerSide},
	"staff_home.html": {func() page {
		return &staffHomePage{Pending: &taxpayer.Page{Items: []*taxpayer.Taxpayer{exampleTaxpayer(taxpayer.Enterprise)}, Total: 1, Counted: true, PageSize: 5}}
	}, staffSide},
	"staff_taxpayers.html": {func() page {
		return &taxpayersPage{Results: &taxpayer.Page{Items: []*taxpayer.Taxpayer{exampleTaxpayer(taxpayer.Enterprise), exampleTaxpayer(taxpayer.Individual)}, Total: 45, Counted: true, PageSize: 20,
			Next: "2026-01-02T03:04:05.000000Z_7", Prev: "2026-03-02T03:04:05.000000Z_9"},
			Statuses: roles, PrevURL: "/staff/taxpayers?before=2026-03-02T03%3A04%3A05.000000Z_9", NextURL: "/staff/taxpayers?after=2026-01-02T03%3A04%3A05.000000Z_7",
			FirstURL: "/staff/taxpayers?"}
	}, staffSide},
	"staff_taxpayer.html": {func() page {
		return &taxpayerPage{Taxpayer: exampleTaxpayer(taxpayer.Enterprise), Idents: exampleIdents, History: exampleHistory(),
			TaxTypes: roles, Periods: roles, Suggestions: exampleSuggestions(), basePage: basePage{
				Form:   url.Values{"set": {"cit"}, "set_period_cit": {"quarter"}, "set_start_cit": {"2026-01-01"}, "tax_type": {"cit"}},
				Errors: map[string]string{"set_start_cit": "企业所得税：有效期起不能早于登记日期 2026-11-23", "set_vat_general": "增值税（一般纳税人）：不能同时认定", "set": "请至少勾选一个税（费）种", "start_date": "请填写有效期起"}}}
	}, staffSide},
	"staff_identification_end.html": {func() page {
		return &identEndPage{Taxpayer: exampleTaxpayer(taxpayer.Enterprise), Ident: exampleIdents[0],
			basePage: basePage{Form: url.Values{"end_date": {"2026-11-01"}}, Errors: map[string]string{"end_date": "有效期止不能早于有效期起 2026-11-23"}}}
	}, staffSide},
	"staff_orgs.html":     {func() page { return &orgsPage{Orgs: exampleOrgs} }, staffSide},
	"staff_org_edit.html": {func() page { return &orgPage{Org: exampleOrgs[1]} }, staffSide},
	"staff_staff.html":    {func() page { return &staffListPage{Orgs: exampleOrgs, Staff: []*org.Staff{exampleStaff}} }, staffSide},
	"staff_staff_new.html": {func() page {
		return &staffPage{Orgs: exampleOrgs, Roles: roles, basePage: basePage{Errors: map[string]string{"roles": "请至少选择一个岗位角色"}}}
	}, staffSide},
	"staff_staff_edit.html": {func() page { return &staffPage{Orgs: exampleOrgs, Roles: roles, Member: exampleStaff} }, staffSide},
}

func exampleEmployee(left bool) *iitw.Employee {
	e := &iitw.Employee{ID: 1, ResidentID: "350203198805170450", Name: "陈晓燕", HiredOn: calendar.MustDate("2025-01-01")}
	if left {
		e.ID, e.LeftOn = 2, calendar.MustDate("2026-10-31")
	}
	return e
}

func exampleBuilding(rented bool) *taxsource.Building {
	b := &taxsource.Building{ID: 1, Name: "思明区湖滨南路100号鹭岛大厦12层", Division: "350203", OriginalValue: 1_500_000_00, Area: 820_50,
		Usage: "office", From: calendar.MustDate("2019-05-20")}
	if rented {
		b.ID, b.Rented, b.AnnualRent, b.To = 2, true, 120_000_00, calendar.MustDate("2026-06-20")
	}
	return b
}

func exampleParcel() *taxsource.Parcel {
	return &taxsource.Parcel{ID: 1, Name: "思明区湖滨南路100号地块", Division: "350203", Area: 1_000_00, City: "xiamen", Grade: "2", From: calendar.MustDate("2019-05-20")}
}

func templateServer(t *testing.T) *Server {
	t.Helper()
	s, err := New(Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// renderFor renders p as the actor would see it, with the base page filled
// as Server.fill does.
func renderFor(s *Server, name string, p page, a *auth.Actor) (string, error) {
	b := p.base()
	b.Title, b.Actor, b.Can, b.Menu, b.Bureau, b.Path = "标题", a, canOf(a), menuFor(a, "/staff"), "国家税务总局福建省税务局", "/staff"
	if b.Form == nil {
		b.Form = url.Values{}
	}
	var buf bytes.Buffer
	err := s.execute(&buf, name, p)
	return buf.String(), err
}

// TestEveryTemplateHasAView: each page template is rendered by exactly one
// page type, and each view names a template that exists.
func TestEveryTemplateHasAView(t *testing.T) {
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	typeOf := map[string]reflect.Type{}
	for _, v := range views {
		if old, ok := typeOf[v.name]; ok && old != v.typ {
			t.Errorf("%s is rendered by %v and %v", v.name, old, v.typ)
		}
		typeOf[v.name] = v.typ
	}
	for _, f := range files {
		name := path.Base(f)
		if strings.HasPrefix(name, "_") {
			continue
		}
		if _, ok := typeOf[name]; !ok {
			t.Errorf("template %s has no view (newView in pages.go)", name)
		}
		delete(typeOf, name)
	}
	for name := range typeOf {
		t.Errorf("view %s has no template", name)
	}
}

// TestEveryTemplateRendersItsPageType renders every template with its page
// type: the zero value (only nil pointers may stop it) and a realistic value
// for each actor who sees the page (nothing may fail). A template asking
// for a field its page lacks fails here, not in production.
func TestEveryTemplateRendersItsPageType(t *testing.T) {
	s := templateServer(t)
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			ex, ok := examples[v.name]
			if !ok {
				t.Fatalf("no example for %s in templates_test.go", v.name)
			}
			if got := reflect.TypeOf(ex.page()).Elem(); got != v.typ {
				t.Fatalf("example is %v, view renders %v", got, v.typ)
			}
			for _, a := range everyone {
				zero := reflect.New(v.typ).Interface().(page)
				if _, err := renderFor(s, v.name, zero, a); err != nil && !strings.Contains(err.Error(), "nil pointer evaluating") {
					t.Errorf("zero %v for %v: %v", v.typ, a, err)
				}
			}
			for _, a := range ex.actors {
				html, err := renderFor(s, v.name, ex.page(), a)
				if err != nil {
					t.Errorf("as %v: %v", a, err)
					continue
				}
				if !strings.Contains(html, "</html>") {
					t.Errorf("as %v: page incomplete", a)
				}
			}
		})
	}
}

// TestMissingFieldFailsTheTemplateTest shows the mechanism the test above
// relies on: a field the page type lacks is an execution error.
func TestMissingFieldFailsTheTemplateTest(t *testing.T) {
	tpl := template.Must(template.New("x").Parse(`{{.Catalogue}}{{.NoSuchField}}`))
	err := tpl.Execute(io.Discard, &homePage{})
	if err == nil || !strings.Contains(err.Error(), "can't evaluate field NoSuchField") {
		t.Fatalf("missing field: %v", err)
	}
}

func TestEveryViewHasAnExample(t *testing.T) {
	names := map[string]bool{}
	for _, v := range views {
		names[v.name] = true
	}
	for name := range examples {
		if !names[name] {
			t.Errorf("example %s names no view", name)
		}
	}
}
