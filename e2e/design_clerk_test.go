package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/app"
	"taxhall/internal/ids"
	"taxhall/internal/taxpayer"
)

// TestClerkIdentifiesNewTaxpayer (issue 7, findings 5 and 12), on a desktop
// and on a phone: a Siming clerk opens a new enterprise from the to-do
// list, finds the usual set of identifications ticked, records it with one
// submit, and the enterprise stays in the to-do list until the clerk marks
// identification complete. Then the clerk ends one identification through
// its confirmation page, first with an end date that is refused (and kept).
func TestClerkIdentifiesNewTaxpayer(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	for i, width := range []int64{1366, 390} {
		t.Run(fmt.Sprintf("%dpx", width), func(t *testing.T) {
			// A software company (industry 65: no consumption tax), registered now.
			r := rand.New(rand.NewPCG(20261123, uint64(i)))
			code := ids.GenerateUSCC(r, "350203")
			name := []string{"厦门白鹭洲软件有限公司", "厦门沙坡尾信息技术有限公司"}[i]
			svc := &taxpayer.Service{DB: s.DB, Now: app.Now}
			if _, err := svc.RegisterEnterprise(context.Background(), taxpayer.EnterpriseInput{
				Code: code, Name: name, LegalRepName: "黄晓东",
				LegalRepID:   ids.GenerateResidentID(r, "350203", time.Date(1986, 7, 8, 0, 0, 0, 0, time.UTC), true),
				DivisionCode: "350203", Address: "湖滨北路10号", IndustryCode: "65", RegisteredCapital: "300000",
				AccountingStandard: "sbas", Phone: "0592-5550001", Email: "office@bailu.example.cn",
				User: taxpayer.UserInput{Username: "huangxd", Name: "黄晓东", Phone: "13800005555", Role: "legal_rep",
					Password: "Bailu#Zhou2026", PasswordConfirm: "Bailu#Zhou2026"},
			}); err != nil {
				t.Fatalf("register: %v", err)
			}
			today := app.Now().In(cst).Format("2006-01-02")

			c := newPage(t, s, fmt.Sprintf("clerk-%d", width))
			j := newJourney(t, c)
			var record string

			j.step("clerk logs in", func(t *testing.T) {
				c.Do(chromedp.EmulateViewport(width, 900))
				staffLogin(c, simingClerk)
			})

			j.step("the new enterprise is in the to-do list and opens from it", func(t *testing.T) {
				c.ExpectText("main", "新办待认定", name)
				if st := c.Click("record", `#pending ~ table tbody tr:first-child a[href^="/staff/taxpayers/"]`); st != http.StatusOK {
					c.fatalf("status %d", st)
				}
				record = c.URL().Path
				c.ExpectText("main h1", name, "新办待认定")
			})

			j.step("the usual set is offered, ticked for an enterprise", func(t *testing.T) {
				c.ExpectText("form.ident-set", "按常用组合认定", "增值税（小规模纳税人）", "企业所得税", "社会保险费", "房产税")
				ticked := evalJSON[[]string](c, `[...document.querySelectorAll("form.ident-set input[name=set]:checked")].map(b => b.value)`)
				if got := strings.Join(ticked, " "); got != "vat_small surcharges cit iit_withholding social_insurance" {
					c.fatalf("ticked %q", got)
				}
				if v := c.Value("#f-set_start_cit"); v != today {
					c.fatalf("CIT starts %q, want the registration day %s", v, today)
				}
			})

			j.step("one submit records the set; the enterprise stays pending", func(t *testing.T) {
				if st := c.Click("set", `form.ident-set button[type=submit]`); st != http.StatusOK {
					c.fatalf("status %d", st)
				}
				c.ExpectPath(record)
				c.ExpectText(".flash", "已认定 5 项", "企业所得税")
				c.ExpectText("main h1", "新办待认定")
				expectRow(c, `section[aria-labelledby=ident] table tbody tr`, "企业所得税", "按季", today, "长期")
				expectRow(c, `section[aria-labelledby=ident] table tbody tr`, "个人所得税（代扣代缴）", "按月")
			})

			j.step("the enterprise is still in the to-do list", func(t *testing.T) {
				if st := c.Open("home", "/staff"); st != http.StatusOK {
					c.fatalf("status %d", st)
				}
				c.ExpectText("main", name)
			})

			j.step("认定完成 makes it active and it leaves the list", func(t *testing.T) {
				if st := c.Open("record-again", record); st != http.StatusOK {
					c.fatalf("status %d", st)
				}
				if st := c.Click("complete", `form[action$="/identification-complete"] button[type=submit]`); st != http.StatusOK {
					c.fatalf("status %d", st)
				}
				c.ExpectText(".flash", "认定完成", name)
				c.ExpectText("main h1", "正常")
				if n := c.Count("form.ident-set"); n != 0 {
					c.fatalf("an active taxpayer is offered the new-taxpayer set")
				}
				if st := c.Open("pending-list", "/staff/taxpayers?status=pending&q="+code); st != http.StatusOK {
					c.fatalf("status %d", st)
				}
				c.ExpectText("main", "共 0 户")
			})

			j.step("终止认定 opens a confirmation page that says what happens", func(t *testing.T) {
				if st := c.Open("record-end", record); st != http.StatusOK {
					c.fatalf("status %d", st)
				}
				if n := c.Count(`form[action$="/end"]`); n != 0 {
					c.fatalf("the record page ends identifications in one click (%d forms)", n)
				}
				if st := c.Click("confirm-page", `section[aria-labelledby=ident] a[href$="/end"]`); st != http.StatusOK {
					c.fatalf("status %d", st)
				}
				c.ExpectText("main h1", "确认终止税（费）种认定")
				c.ExpectText(".confirm .facts", name, code, "增值税（小规模纳税人）", "按季申报", today)
				c.ExpectText(".confirm .warning-text", "此操作不能撤销")
				c.ExpectText(".confirm .actions", "确认终止认定", "取消，返回纳税人详情")
			})

			j.step("a refused end date comes back on the page, kept", func(t *testing.T) {
				c.Do(choose("#f-end_date", "2020-01-01"))
				if st := c.Click("end-invalid", `.confirm button[type=submit]`); st != http.StatusUnprocessableEntity {
					c.fatalf("status %d, want 422", st)
				}
				c.ExpectText("main h1", "确认终止税（费）种认定")
				c.ExpectText(".confirm", "有效期止不能早于有效期起 "+today)
				if v := c.Value("#f-end_date"); v != "2020-01-01" {
					c.fatalf("end date came back as %q", v)
				}
			})

			j.step("a valid end date ends the identification", func(t *testing.T) {
				c.Do(choose("#f-end_date", today))
				if st := c.Click("end", `.confirm button[type=submit]`); st != http.StatusOK {
					c.fatalf("status %d", st)
				}
				c.ExpectPath(record)
				c.ExpectText(".flash", "已终止认定", "增值税（小规模纳税人）", today)
				expectRow(c, `section[aria-labelledby=ident] table tbody tr`, "增值税（小规模纳税人）", today, "已终止")
			})
		})
	}
}
