package web

import (
	"strings"
	"testing"

	"taxhall/internal/auth"
	"taxhall/internal/taxpayer"
)

func labels(items []MenuItem) string {
	var l []string
	for _, e := range items {
		l = append(l, e.Label)
	}
	return strings.Join(l, " ")
}

// A long menu keeps the daily entries in the bar and the rest under 更多功能;
// the section the page belongs to is always in the bar; a short menu is
// shown whole.
func TestLongMenuPutsTheRestUnderMore(t *testing.T) {
	tp := &auth.Actor{Kind: auth.Taxpayer, TaxpayerKind: taxpayer.Enterprise, TaxpayerID: 1}
	m := menuWith(tp, "/hall", map[string]bool{"iit_withholding": true, "tax_sources": true})
	if len(m) <= menuShort {
		t.Fatalf("the enterprise menu has %d entries; the test needs a long one", len(m))
	}
	if got, want := labels(m.Main()), "我的办税 我的消息 申报记录 缴税 依申请办税 我的申请 互动服务"; got != want {
		t.Errorf("bar = %q, want %q", got, want)
	}
	if more := labels(m.More()); !strings.Contains(more, "完税证明") || !strings.Contains(more, "修改密码") || strings.Contains(more, "我的办税") {
		t.Errorf("更多 = %q", more)
	}
	if len(m.Main())+len(m.More()) != len(m) {
		t.Errorf("%d in the bar + %d under 更多 != %d entries", len(m.Main()), len(m.More()), len(m))
	}

	// On a page of a 更多 entry, that entry is in the bar, marked current.
	m = menuWith(tp, "/hall/certificates", nil)
	var found bool
	for _, e := range m.Main() {
		if e.URL == "/hall/certificates" {
			found = e.Current == "page"
		}
	}
	if !found {
		t.Errorf("on /hall/certificates the bar is %q: 完税证明 is not in it as the current page", labels(m.Main()))
	}

	// A clerk with one role sees a short menu, whole.
	clerk := &auth.Actor{Kind: auth.Staff, Roles: []string{auth.RoleWindowClerk}}
	if m := menuWith(clerk, "/staff", nil); len(m) > menuShort || len(m.More()) != 0 {
		t.Errorf("a window clerk's menu (%d entries: %q) should be short and whole; under 更多: %q", len(m), labels(m), labels(m.More()))
	}
}
