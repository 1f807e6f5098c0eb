package e2e

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/ids"
)

// TestRegistrationErrorsAreVisible (issue 7 finding 1), on a desktop and a
// phone: the enterprise form with many mistakes comes back with an error
// summary that is focused, titled "错误：…", whose links focus their
// fields; every field in error has a red border; the district is prefilled
// from the credit code; the corrected form registers.
func TestRegistrationErrorsAreVisible(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	for i, width := range []int64{1366, 390} {
		t.Run(fmt.Sprintf("%dpx", width), func(t *testing.T) {
			p := newPage(t, s, fmt.Sprintf("taxpayer%d", width))
			j := newJourney(t, p)
			r := rand.New(rand.NewPCG(20261123, uint64(i)))
			code := ids.GenerateUSCC(r, "350203")
			legalRepID := ids.GenerateResidentID(r, "350203", time.Date(1979, 6, 7, 0, 0, 0, 0, time.UTC), false)
			const password = "Zhongshan#2026"
			name := fmt.Sprintf("厦门中山路%d号商贸有限公司", width)

			j.step("form opens and the code prefills the district", func(t *testing.T) {
				p.Do(chromedp.EmulateViewport(width, 900))
				if st := p.Open("form", "/register/enterprise"); st != http.StatusOK {
					p.fatalf("status %d", st)
				}
				p.Do(typeInto("#f-code", code), chromedp.Focus(chromedp.CSS("#f-name")))
				if got := p.Value("#f-division_code"); got != "350203" {
					p.fatalf("district after the code %q, want 350203 (characters 3–8 of the code)", got)
				}
				// Left empty on purpose: the server prefills it too.
				p.Do(choose("#f-division_code", ""))
			})

			j.step("many mistakes come back with a focused error summary", func(t *testing.T) {
				p.Do(
					typeInto("#f-code", breakCheckChar(code)),
					typeInto("#f-name", "甲"),
					typeInto("#f-legal_rep_id", legalRepID[:17]),
					typeInto("#f-phone", "12345"),
					typeInto("#f-user_password", "abc123"),
					typeInto("#f-user_password_confirm", "abc12"),
				)
				if st := p.Click("invalid", `form[action="/register/enterprise"] button[type=submit]`); st != http.StatusUnprocessableEntity {
					p.fatalf("status %d, want 422", st)
				}
				if title := p.Title(); !strings.HasPrefix(title, "错误：") {
					p.fatalf("title %q, want it to start with 错误：", title)
				}
				p.ExpectText(".error-summary h2", "提交的信息有", "处需要修改")
				p.ExpectText(".error-summary", "除密码外，已填写的内容已为您保留", "纳税人名称至少 2 个字", "校验位")
				if cls := evalJSON[string](p, `document.activeElement.className`); cls != "error-summary" {
					p.fatalf("focus on %q, want the error summary", cls)
				}
				if first := evalJSON[string](p, `document.querySelector("main").firstElementChild.className`); first != "error-summary" {
					p.fatalf("first element of main: %q", first)
				}
				if got := p.Value("#f-division_code"); got != "350203" {
					p.fatalf("district not kept: %q", got)
				}
			})

			j.step("every field in error has a red border and its message", func(t *testing.T) {
				bad := evalJSON[[]string](p, `Array.from(document.querySelectorAll("[aria-invalid=true]"), e => e.id + " " + getComputedStyle(e).borderTopColor + " " + getComputedStyle(e).borderTopWidth)`)
				links := p.Count(".error-summary li a")
				if len(bad) < 8 || len(bad) != links {
					p.fatalf("%d fields in error, %d summary links: %v", len(bad), links, bad)
				}
				for _, b := range bad {
					if !strings.HasSuffix(b, " rgb(200, 22, 29) 2px") {
						p.fatalf("field without the red border: %s", b)
					}
					id := strings.Fields(b)[0]
					if p.Count("#"+id+"-error") != 1 {
						p.fatalf("field %s shows no message", id)
					}
				}
				if missing := evalJSON[[]string](p, `Array.from(document.querySelectorAll("[aria-describedby]")).flatMap(e => e.getAttribute("aria-describedby").split(" ")).filter(id => !document.getElementById(id))`); len(missing) > 0 {
					p.fatalf("aria-describedby names missing ids: %v", missing)
				}
				p.done()
			})

			j.step("a summary link focuses its field and shows its label", func(t *testing.T) {
				for _, id := range []string{"f-user_password", "f-name"} {
					p.Do(chromedp.Click(chromedp.CSS(`.error-summary a[href="#` + id + `"]`)))
					if got := evalJSON[string](p, `document.activeElement.id`); got != id {
						p.fatalf("after the %s link focus is on %q", id, got)
					}
					top := evalJSON[float64](p, `document.querySelector("label[for=`+id+`]").getBoundingClientRect().top`)
					if top < 0 || top > 900 {
						p.fatalf("label of %s at %v px, out of view", id, top)
					}
				}
				p.begin("summary-link")
				p.done()
			})

			j.step("the corrected form registers", func(t *testing.T) {
				p.Do(
					typeInto("#f-code", code),
					typeInto("#f-name", name),
					typeInto("#f-legal_rep_name", "吴美玲"),
					typeInto("#f-legal_rep_id", legalRepID),
					choose("#f-industry_code", "51"),
					typeInto("#f-registered_capital", "300000"),
					typeInto("#f-address", "中山路88号"),
					typeInto("#f-phone", "0592-2345678"),
					typeInto("#f-email", "wu@example.cn"),
					typeInto("#f-user_username", "wuml"),
					typeInto("#f-user_name", "吴美玲"),
					typeInto("#f-user_phone", "13906002222"),
					typeInto("#f-user_password", password),
					typeInto("#f-user_password_confirm", password),
				)
				if st := p.Click("registered", `form[action="/register/enterprise"] button[type=submit]`); st != http.StatusOK {
					p.fatalf("status %d", st)
				}
				p.ExpectText("main h1", "登记成功")
				p.ExpectText("main", code, simingBureau)
				if title := p.Title(); strings.HasPrefix(title, "错误") {
					p.fatalf("title %q after success", title)
				}
			})
		})
	}
}
