package web

import (
	"strings"

	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/complaints"
	"taxhall/internal/consult"
	"taxhall/internal/filingcal"
	"taxhall/internal/kb"
	"taxhall/internal/notify"
	"taxhall/internal/org"
	"taxhall/internal/payment"
	"taxhall/internal/publists"
	"taxhall/internal/returns"
	"taxhall/internal/survey"
	"taxhall/internal/taxpayer"
	"taxhall/internal/training"
	"taxhall/internal/workflow"
)

// Can is what the actor may do, as the capabilities' predicates say. The
// layout and the pages ask it instead of checking role strings, so a page
// never offers what the service would refuse.
type Can struct {
	ViewRegister bool // taxpayer.CanViewRegister
	Identify     bool // taxpayer.CanIdentify
	ManageUsers  bool // taxpayer.CanManageUsers
	Administer   bool // org.CanAdminister
	EditCalendar bool // filingcal.CanEdit
	MarkLists    bool // publists.CanMark: 非正常户 and quotas
}

func canOf(a *auth.Actor) Can {
	return Can{
		ViewRegister: taxpayer.CanViewRegister(a),
		Identify:     taxpayer.CanIdentify(a),
		ManageUsers:  taxpayer.CanManageUsers(a),
		Administer:   org.CanAdminister(a),
		EditCalendar: filingcal.CanEdit(a),
		MarkLists:    publists.CanMark(a),
	}
}

// MenuItem is one entry of the main menu. Current is "page" on the page
// itself, "true" below it (aria-current), "" elsewhere.
type MenuItem struct {
	Label, URL string
	Current    string
	Badge      string // a count after the label ("3", "99+"), "" for none
	More       bool   // under 更多, not in the bar
}

// Menu is the main menu of a page. Main entries show in the bar; the rest
// are under 更多 (a <details> that opens without JavaScript), so the bar
// stays one or two rows on a phone however many roles a clerk holds.
type Menu []MenuItem

// Main lists the entries shown in the bar.
func (m Menu) Main() []MenuItem { return m.pick(false) }

// More lists the entries under 更多.
func (m Menu) More() []MenuItem { return m.pick(true) }

func (m Menu) pick(more bool) []MenuItem {
	var out []MenuItem
	for _, e := range m {
		if e.More == more {
			out = append(out, e)
		}
	}
	return out
}

// menuMain names the entries kept in the bar when the menu is long: what a
// taxpayer or a clerk does every day. The others go under 更多.
var menuMain = map[string]bool{
	"/staff": true, "/staff/taxpayers": true, "/staff/filing": true, "/staff/tasks": true, "/staff/board": true,
	"/staff/questions": true, "/staff/cms": true, "/staff/appointments": true,
	"/hall": true, messagesURL: true, "/hall/returns": true, "/hall/pay": true, "/hall/items": true,
	"/hall/applications": true, "/hall/interact": true, "/hall/iit/records": true, "/hall/iit/annual": true,
}

// menuShort is the longest menu shown whole; menuMinMain the fewest
// entries a bar shows before the others go under 更多.
const menuShort, menuMinMain = 8, 5

// menuEntry is one row of the menu table: shown to the actors show accepts.
type menuEntry struct {
	Label, URL string
	show       func(*auth.Actor) bool
	// also are the paths of pages grouped under the entry (the interaction
	// pages under 互动服务): they mark the entry as their section.
	also []string
}

func isStaff(a *auth.Actor) bool    { return a != nil && a.Kind == auth.Staff }
func isTaxpayer(a *auth.Actor) bool { return a != nil && a.Kind == auth.Taxpayer }

// enterpriseUser may see the users of their enterprise (only admins change
// them); natural persons have none.
func enterpriseUser(a *auth.Actor) bool {
	return isTaxpayer(a) && a.TaxpayerKind == taxpayer.Enterprise
}

// naturalPerson is a natural person's own user (纳税记录, 年度汇算).
func naturalPerson(a *auth.Actor) bool {
	return isTaxpayer(a) && a.TaxpayerKind == taxpayer.Individual
}

// menu is the main menu: staff entries, then taxpayer entries. A new
// capability adds its rows here with its predicate.
var menu = []menuEntry{
	{"工作台", "/staff", isStaff, nil},
	{"我的消息", staffMessagesURL, isStaff, nil},
	{"纳税人管理", "/staff/taxpayers", taxpayer.CanViewRegister, nil},
	{"申报监控", "/staff/filing", returns.CanWatch, nil},
	{"任务池", "/staff/tasks", workflow.CanWork, nil},
	{"事项看板", "/staff/board", workflow.CanSupervise, nil},
	{"税务机关设置", "/staff/orgs", org.CanAdminister, nil},
	{"人员与岗位", "/staff/staff", org.CanAdminister, nil},
	{"办税事项目录", "/staff/items", workflow.CanEditCatalogue, nil},
	{"征期日历", "/staff/calendar", filingcal.CanEdit, nil},
	{"网站内容", "/staff/cms", cms.CanManage, nil},
	{"访问统计", "/staff/stats", cms.CanManage, nil},
	{"缴款台账", "/staff/payments", payment.CanViewLedger, nil},
	{"对账报告", "/staff/reconciliations", payment.CanReconcile, nil},
	{"国库日报", "/staff/treasury", payment.CanViewLedger, nil},
	{"退税台账", "/staff/refunds", payment.CanViewLedger, nil},
	{"短信发件箱", "/staff/sms-outbox", notify.CanReadTexts, nil},
	{"预约签到", "/staff/appointments", appoint.CanServe, nil},
	{"投诉举报", "/staff/complaints", complaints.CanHandle, nil},
	{"12366咨询", "/staff/questions", consult.CanAnswer, nil},
	{"12366接入", "/staff/intake-tokens", org.CanAdminister, nil},
	{"知识库", "/staff/kb", kb.CanWrite, nil},
	{"问答审核", "/staff/qa", consult.CanReview, nil},
	{"网上调查", "/staff/surveys", survey.CanManage, nil},
	{"纳税人学堂", "/staff/training", training.CanManage, nil},
	{"修改密码", "/account/password", isStaff, nil},

	{"我的办税", "/hall", isTaxpayer, nil},
	{"我的消息", messagesURL, isTaxpayer, nil},
	{"申报记录", "/hall/returns", isTaxpayer, nil},
	{"缴税", "/hall/pay", isTaxpayer, nil},
	{"缴款记录", "/hall/payments", isTaxpayer, nil},
	{"依申请办税", "/hall/items", isTaxpayer, nil},
	{"我的申请", "/hall/applications", isTaxpayer, nil},
	// 互动服务 groups the interaction pages on one page, so the taxpayer's
	// menu stays usable on a phone.
	{"互动服务", "/hall/interact", isTaxpayer, interactPaths},
	{"办税人员管理", "/hall/users", enterpriseUser, nil},
	{"员工花名册", "/hall/employees", isTaxpayer, nil},
	{"税源信息", "/hall/sources", isTaxpayer, nil},
	{"完税证明", "/hall/certificates", isTaxpayer, nil},
	{"纳税记录", "/hall/iit/records", naturalPerson, nil},
	{"年度汇算", "/hall/iit/annual", naturalPerson, nil},
	{"定制服务", notificationsURL, isTaxpayer, nil},
	{"修改密码", "/account/password", isTaxpayer, nil},
	{"服务厅首页", "/", isTaxpayer, nil},
}

// interactPaths are the pages reached from 互动服务 (/hall/interact).
var interactPaths = []string{"/hall/appointments", "/hall/complaints", "/hall/questions", "/hall/surveys", "/training", "/consult", "/qa", "/complaints"}

// menuNeeds names the entries shown only to a taxpayer with an open
// identification of a tax type: the roster serves withholding on wages.
// 税源信息 serves property and land use tax ("tax_sources": either).
var menuNeeds = map[string]string{"/hall/employees": "iit_withholding", "/hall/sources": "tax_sources"}

// menuFor lists the entries for a, without those of menuNeeds.
func menuFor(a *auth.Actor, path string) Menu { return menuWith(a, path, nil) }

// menuWith lists the entries for a whose tax types (menuNeeds) are among
// taxTypes, marking the one whose URL is the longest prefix of the current
// path.
func menuWith(a *auth.Actor, path string, taxTypes map[string]bool) Menu {
	var out Menu
	best, bestLen := -1, 0
	for _, e := range menu {
		if need, ok := menuNeeds[e.URL]; !e.show(a) || ok && !taxTypes[need] {
			continue
		}
		out = append(out, MenuItem{Label: e.Label, URL: e.URL})
		if under(path, e.URL) && len(e.URL) > bestLen {
			best, bestLen = len(out)-1, len(e.URL)
		}
		for _, p := range e.also {
			if under(path, p) && len(p) > bestLen {
				best, bestLen = len(out)-1, len(p)
			}
		}
	}
	if best >= 0 {
		out[best].Current = "true"
		// The grouped pages are below the entry: "true", never "page".
		if out[best].URL == path {
			out[best].Current = "page"
		}
	}
	splitMenu(out)
	return out
}

// splitMenu puts a long menu's less used entries under 更多: all but
// those of menuMain and the current section, topped up in menu order to
// menuMinMain entries.
func splitMenu(m Menu) {
	if len(m) <= menuShort {
		return
	}
	main := 0
	for i := range m {
		m[i].More = !menuMain[m[i].URL] && m[i].Current == ""
		if !m[i].More {
			main++
		}
	}
	for i := range m {
		if main >= menuMinMain {
			break
		}
		if m[i].More {
			m[i].More = false
			main++
		}
	}
}

// under reports whether path is url or a page below it.
func under(path, url string) bool {
	return path == url || url != "/" && strings.HasPrefix(path, url+"/")
}
