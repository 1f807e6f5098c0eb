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
	"taxhall/internal/taxpayer"
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
}

// menuEntry is one row of the menu table: shown to the actors show accepts.
type menuEntry struct {
	Label, URL string
	show       func(*auth.Actor) bool
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
	{"工作台", "/staff", isStaff},
	{"纳税人管理", "/staff/taxpayers", taxpayer.CanViewRegister},
	{"申报监控", "/staff/filing", returns.CanWatch},
	{"任务池", "/staff/tasks", workflow.CanWork},
	{"事项看板", "/staff/board", workflow.CanSupervise},
	{"税务机关设置", "/staff/orgs", org.CanAdminister},
	{"人员与岗位", "/staff/staff", org.CanAdminister},
	{"征期日历", "/staff/calendar", filingcal.CanEdit},
	{"网站内容", "/staff/cms", cms.CanManage},
	{"访问统计", "/staff/stats", cms.CanManage},
	{"缴款台账", "/staff/payments", payment.CanViewLedger},
	{"对账报告", "/staff/reconciliations", payment.CanReconcile},
	{"国库日报", "/staff/treasury", payment.CanViewLedger},
	{"预约签到", "/staff/appointments", appoint.CanServe},
	{"投诉举报", "/staff/complaints", complaints.CanHandle},
	{"12366咨询", "/staff/questions", consult.CanAnswer},
	{"知识库", "/staff/kb", kb.CanWrite},
	{"短信发件箱", "/staff/sms-outbox", notify.CanReadTexts},
	{"修改密码", "/account/password", isStaff},

	{"我的办税", "/hall", isTaxpayer},
	{"我的消息", messagesURL, isTaxpayer},
	{"申报记录", "/hall/returns", isTaxpayer},
	{"缴税", "/hall/pay", isTaxpayer},
	{"缴款记录", "/hall/payments", isTaxpayer},
	{"依申请办税", "/hall/items", isTaxpayer},
	{"我的申请", "/hall/applications", isTaxpayer},
	{"预约办税", "/hall/appointments", isTaxpayer},
	{"投诉与建议", "/hall/complaints", isTaxpayer},
	{"我的咨询", "/hall/questions", isTaxpayer},
	{"办税人员管理", "/hall/users", enterpriseUser},
	{"员工花名册", "/hall/employees", isTaxpayer},
	{"税源信息", "/hall/sources", isTaxpayer},
	{"完税证明", "/hall/certificates", isTaxpayer},
	{"纳税记录", "/hall/iit/records", naturalPerson},
	{"年度汇算", "/hall/iit/annual", naturalPerson},
	{"定制服务", notificationsURL, isTaxpayer},
	{"修改密码", "/account/password", isTaxpayer},
	{"服务厅首页", "/", isTaxpayer},
}

// menuNeeds names the entries shown only to a taxpayer with an open
// identification of a tax type: the roster serves withholding on wages.
// 税源信息 serves property and land use tax ("tax_sources": either).
var menuNeeds = map[string]string{"/hall/employees": "iit_withholding", "/hall/sources": "tax_sources"}

// menuFor lists the entries for a, without those of menuNeeds.
func menuFor(a *auth.Actor, path string) []MenuItem { return menuWith(a, path, nil) }

// menuWith lists the entries for a whose tax types (menuNeeds) are among
// taxTypes, marking the one whose URL is the longest prefix of the current
// path.
func menuWith(a *auth.Actor, path string, taxTypes map[string]bool) []MenuItem {
	var out []MenuItem
	best, bestLen := -1, 0
	for _, e := range menu {
		if need, ok := menuNeeds[e.URL]; !e.show(a) || ok && !taxTypes[need] {
			continue
		}
		out = append(out, MenuItem{Label: e.Label, URL: e.URL})
		if (path == e.URL || (e.URL != "/" && strings.HasPrefix(path, e.URL+"/"))) && len(e.URL) > bestLen {
			best, bestLen = len(out)-1, len(e.URL)
		}
	}
	if best >= 0 {
		out[best].Current = "true"
		if out[best].URL == path {
			out[best].Current = "page"
		}
	}
	return out
}
