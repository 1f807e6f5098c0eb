package web

import (
	"net/url"

	"taxhall/internal/taxpayer"
)

// What the layout and the error page say about the reader.

// Who is the header's account line: the bureau, name and staff number of
// an official; the enterprise and the user of an enterprise; a natural
// person's name once ("自然人 林国平", not "林国平 · 林国平").
func (p *basePage) Who() string {
	a := p.Actor
	switch {
	case a == nil:
		return ""
	case p.IsStaff():
		return a.OrgName + " · " + a.Name + "（" + a.StaffNo + "）"
	case a.TaxpayerKind == taxpayer.Individual:
		return "自然人 " + a.Name
	}
	return a.TaxpayerName + " · " + a.Name
}

// HomeURL is the reader's home: the workbench for staff, the hall for
// taxpayers, the public home page for everyone else.
func (p *basePage) HomeURL() string {
	switch {
	case p.IsStaff():
		return "/staff"
	case p.IsTaxpayer():
		return "/hall"
	}
	return "/"
}

// HomeName names HomeURL on a button ("返回工作台").
func (p *basePage) HomeName() string {
	switch {
	case p.IsStaff():
		return "工作台"
	case p.IsTaxpayer():
		return "我的办税"
	}
	return "首页"
}

// sameSitePath is the path and query of a same-site address, "" for any
// other.
func sameSitePath(raw, host string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host != host {
		return ""
	}
	return safeNext(u.RequestURI(), "")
}
