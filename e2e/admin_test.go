package e2e

import (
	"net/http"
	"testing"
)

// TestAdministratorAddsStaff: the Xiamen city administrator sees only the
// Xiamen bureaus, opens a district's staff, adds a window clerk through the
// form (first with mistakes), and the new clerk logs in to a workbench that
// offers the taxpayer register but no administration.
func TestAdministratorAddsStaff(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	a := newPage(t, s, "admin")
	c := newPage(t, s, "new-clerk")
	j := newJourney(t, a, c)

	j.step("city administrator logs in", func(t *testing.T) { staffLogin(a, "35020001") })

	j.step("administrator sees the city bureau and its districts only", func(t *testing.T) {
		if st := a.Click("orgs", `nav.menu a[href="/staff/orgs"]`); st != http.StatusOK {
			a.fatalf("status %d", st)
		}
		a.ExpectText("main table", "国家税务总局厦门市税务局", "国家税务总局厦门市思明区税务局", "国家税务总局厦门市翔安区税务局")
		if n := a.Count(`main table tbody tr`); n != 7 {
			a.fatalf("Xiamen admin sees %d bureaus, want the city and its 6 districts", n)
		}
	})

	j.step("staff form with mistakes is refused with reasons and keeps the name", func(t *testing.T) {
		if st := a.Open("staff-new", "/staff/staff/new"); st != http.StatusOK {
			a.fatalf("status %d", st)
		}
		a.Do(
			typeInto("#f-staff_no", "35020388"),
			typeInto("#f-name", "郑新员"),
			typeInto("#f-password", "weak"),
		)
		if st := a.Click("staff-invalid", `form[action="/staff/staff"] button[type=submit]`); st != http.StatusUnprocessableEntity {
			a.fatalf("status %d, want 422", st)
		}
		a.ExpectText("main", "请选择您管辖范围内的税务机关", "请至少选择一个岗位角色", "密码至少需要10位")
		if got := a.Value("#f-name"); got != "郑新员" {
			a.fatalf("name not kept: %q", got)
		}
	})

	j.step("administrator adds a window clerk to a district", func(t *testing.T) {
		orgID := evalJSON[string](a, `[...document.querySelectorAll("#f-org_id option")].find(o => o.textContent.includes("思明区")).value`)
		a.Do(
			choose("#f-org_id", orgID),
			typeInto("#f-password", "Zheng#Clerk2026"),
		)
		evalJSON[bool](a, `document.querySelector("input[name=roles][value=window_clerk]").checked = true`)
		if st := a.Click("staff-created", `form[action="/staff/staff"] button[type=submit]`); st != http.StatusOK {
			a.fatalf("status %d", st)
		}
		a.ExpectText(".flash", "已新增工作人员 郑新员", "35020388")
		a.ExpectText("main table", "郑新员", "窗口受理人员")
	})

	j.step("new clerk logs in to a workbench with the taxpayer register", func(t *testing.T) {
		if st := c.Open("login-form", "/staff/login"); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		c.Do(typeInto("#f-staff_no", "35020388"), typeInto("#f-password", "Zheng#Clerk2026"))
		if st := c.Click("login", `form[action="/staff/login"] button[type=submit]`); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		c.ExpectText("main", "工作台", "国家税务总局厦门市思明区税务局", "窗口受理人员", "纳税人管理")
	})

	j.step("new clerk is offered no administration and is refused it", func(t *testing.T) {
		if n := c.Count(`a[href="/staff/orgs"]`); n != 0 {
			c.fatalf("a window clerk is offered administration")
		}
		if st := c.Open("orgs-forbidden", "/staff/orgs"); st != http.StatusForbidden {
			c.fatalf("clerk opened org administration: %d", st)
		}
	})
}
