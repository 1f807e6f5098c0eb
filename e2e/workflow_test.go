package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/filingcal"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

const (
	simingReviewer   = "35020302"
	simingSupervisor = "35020303"
)

// The journey of an on-application item: a Siming small-scale
// taxpayer applies for general-VAT-taxpayer registration with a required
// material missing; the window clerk claims it from the pool and returns it
// for correction; the taxpayer corrects it without retyping; the clerk
// accepts; the reviewer claims the approval and approves; the taxpayer's
// VAT identification becomes general from the next period, so the next VAT
// return is the general one; the taxpayer rates the steps; the supervisor's
// board counts the live task while it waits and the month's performance
// after.
func TestGeneralTaxpayerApplication(t *testing.T) {
	s := newSite(t)
	tp := newPage(t, s, "taxpayer")
	clerk := newPage(t, s, "clerk")
	reviewer := newPage(t, s, "reviewer")
	sup := newPage(t, s, "supervisor")
	j := newJourney(t, tp, clerk, reviewer, sup)
	filer := smallScaleNotFiled(t, s, 1)[0]

	dir := t.TempDir()
	file := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("%PDF-1.4\n1 0 obj<<>>endobj\n% "+name+"\n%%EOF\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var appPath, appNo string
	// openTask finds the application's open task in the page's pool for
	// role, claims it there and opens it.
	claim := func(p *page, role string) {
		p.t.Helper()
		if st := p.Open("pool-"+role, "/staff/tasks?role="+role); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		row := fmt.Sprintf(`//section[@aria-labelledby="pool"]//tr[.//a[normalize-space()=%q]]//button`, appNo)
		p.begin("claim")
		resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.Search(row)))
		if err != nil || resp == nil || resp.Status != http.StatusOK {
			p.fatalf("claim %s: %v %v", appNo, resp, err)
		}
		p.ExpectText("main", "办理决定")
	}
	decide := func(p *page, decision, opinion string) {
		p.t.Helper()
		p.Do(chromedp.Click(chromedp.CSS(`input[name=decision][value=` + decision + `]`)))
		if opinion != "" {
			p.Do(typeInto("#f-opinion", opinion))
		}
		if st := p.Click("decide-"+decision, `form[action$="/decide"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
	}

	j.step("taxpayer applies with a material missing", func(t *testing.T) {
		taxpayerLogin(tp, filer.Code)
		if st := tp.Open("items", "/hall/items"); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		if st := tp.Click("choose item", `a[href="/hall/apply?item=vat_general"]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.Do(typeInto("#f-f_sales", "6200000"), choose("#f-f_accounting", "sound"), choose("#f-f_effective", "next_period"),
			typeInto("#f-f_contact", "林小燕"), typeInto("#f-f_phone", "0592-5123456"),
			chromedp.SetUploadFiles(`#f-m_accountant`, []string{file("代理记账协议.pdf")}))
		if st := tp.Click("submit", `form[enctype="multipart/form-data"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", "申请已提交", "还缺少 1 项必要材料", "待受理", "代理记账协议.pdf")
		appPath = tp.URL().Path
		if !strings.HasPrefix(appPath, "/hall/applications/") {
			tp.fatalf("landed on %s", appPath)
		}
		text := tp.Text("main")
		i := strings.Index(text, "SQ")
		if i < 0 || len(text) < i+16 {
			tp.fatalf("no application number in %q", clip(text))
		}
		appNo = text[i : i+16]
	})

	j.step("clerk returns it for correction", func(t *testing.T) {
		staffLogin(clerk, simingClerk)
		claim(clerk, auth.RoleWindowClerk)
		clerk.ExpectText("main", "缺少必要材料：经营场所使用证明")
		decide(clerk, "return", "请上传经营场所使用证明（租赁合同）")
		clerk.ExpectText("main", appNo+" 受理：已退回补正。")
	})

	j.step("taxpayer corrects and resubmits", func(t *testing.T) {
		if st := tp.Open("application", appPath); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", "待补正", "请上传经营场所使用证明")
		if st := tp.Click("correct", `a[href$="/correct"]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		// What was typed is kept: nothing is retyped.
		if v := tp.Value("#f-f_contact"); v != "林小燕" {
			tp.fatalf("contact %q", v)
		}
		tp.Do(chromedp.SetUploadFiles(`#f-m_premises`, []string{file("租赁合同.pdf")}))
		if st := tp.Click("resubmit", `form[enctype="multipart/form-data"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", "补正后的申请已重新提交", "租赁合同.pdf", "待受理")
	})

	j.step("clerk accepts; the board counts the approval waiting", func(t *testing.T) {
		claim(clerk, auth.RoleWindowClerk)
		decide(clerk, "pass", "")
		clerk.ExpectText("main", appNo+" 受理：已受理。")
		staffLogin(sup, simingSupervisor)
		if st := sup.Open("board", "/staff/board"); st != http.StatusOK {
			sup.fatalf("status %d", st)
		}
		rows := sup.RowTexts(`section[aria-labelledby=counts] tbody tr`)
		found := false
		for _, r := range rows {
			if strings.Contains(r, "增值税一般纳税人登记") && strings.Contains(r, "审批") && strings.Contains(r, "\t1\t") {
				found = true
			}
		}
		if !found {
			sup.fatalf("board rows %q lack 增值税一般纳税人登记 · 审批 · 1 waiting", rows)
		}
	})

	j.step("reviewer approves", func(t *testing.T) {
		staffLogin(reviewer, simingReviewer)
		claim(reviewer, auth.RoleReviewer)
		decide(reviewer, "pass", "符合一般纳税人登记条件")
		reviewer.ExpectText("main", appNo+" 审批：已批准。")
	})

	j.step("the next VAT return is the general one", func(t *testing.T) {
		if st := tp.Open("application", appPath); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", "已办结", "起登记为增值税一般纳税人，按月申报")
		if st := tp.Open("my tax area", "/hall"); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		today := time.Now().In(time.FixedZone("CST", 8*3600))
		qEnd := time.Date(today.Year(), time.Month((int(today.Month())-1)/3*3+4), 0, 0, 0, 0, 0, today.Location())
		next := qEnd.AddDate(0, 0, 1)
		tp.ExpectText("main", "增值税（一般纳税人）", next.Format("2006-01-02"), qEnd.Format("2006-01-02"))
		// A month after the switch, the period due is the general return's,
		// and no small-scale quarter follows.
		later := next.AddDate(0, 1, 5)
		clock := func() time.Time { return later }
		rs := &returns.Service{DB: s.DB, Now: clock, Taxpayers: &taxpayer.Service{DB: s.DB, Now: clock}, Calendar: &filingcal.Service{DB: s.DB, Now: clock}}
		var user int64
		if err := s.DB.QueryRowContext(context.Background(), `SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND username = 'admin'`, filer.ID).Scan(&user); err != nil {
			t.Fatal(err)
		}
		ctx := auth.WithActor(context.Background(), &auth.Actor{Kind: auth.Taxpayer, UserID: user, TaxpayerID: filer.ID, Role: auth.TPLegalRep})
		dues, err := rs.MyPeriods(ctx)
		if err != nil {
			t.Fatal(err)
		}
		general, smallAfter := false, false
		for _, d := range dues {
			if d.Form == nil {
				continue
			}
			if d.Form.Code == "vat_general" && d.Period.Start.String() == next.Format("2006-01-02") && d.Status == returns.StatusDue {
				general = true
			}
			if d.Form.Code == "vat_small" && !d.Period.Start.Before(calendar.FromTime(next)) {
				smallAfter = true
			}
		}
		if !general || smallAfter {
			t.Errorf("after the switch: general return due %v, small-scale period after %v", general, smallAfter)
		}
	})

	j.step("taxpayer rates each step", func(t *testing.T) {
		if st := tp.Open("application", appPath); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		for i := range 3 {
			if n := tp.Count(`form[action$="/rate"]`); n != 3-i {
				tp.fatalf("%d rating forms, want %d", n, 3-i)
			}
			tp.Do(chromedp.Click(chromedp.CSS(`form[action$="/rate"] input[name=rating][value="` + strconv.Itoa(5-i) + `"]`)))
			if st := tp.Click("rate", `form[action$="/rate"] button[type=submit]`); st != http.StatusOK {
				tp.fatalf("status %d", st)
			}
			tp.ExpectText("main", "感谢您的评价")
		}
		if n := tp.Count(`form[action$="/rate"]`); n != 0 {
			tp.fatalf("%d rating forms left", n)
		}
	})

	j.step("the board shows the month's counts", func(t *testing.T) {
		if st := sup.Open("board", "/staff/board"); st != http.StatusOK {
			sup.fatalf("status %d", st)
		}
		rows := sup.RowTexts(`section[aria-labelledby=perf] tbody tr`)
		var clerkRow, reviewerRow string
		for _, r := range rows {
			switch {
			case strings.Contains(r, simingClerk):
				clerkRow = r
			case strings.Contains(r, simingReviewer):
				reviewerRow = r
			}
		}
		// The clerk decided twice (a return, an acceptance), rated 5 and 4;
		// the reviewer once, rated 3. Difficulty 1.5.
		if !strings.Contains(clerkRow, "\t2\t3\t") || !strings.Contains(clerkRow, "50.0%") || !strings.Contains(clerkRow, "4.50") {
			sup.fatalf("clerk row %q", clerkRow)
		}
		if !strings.Contains(reviewerRow, "\t1\t1.5\t") || !strings.Contains(reviewerRow, "3.00") {
			sup.fatalf("reviewer row %q", reviewerRow)
		}
		if n := sup.Count(`section[aria-labelledby=counts] tbody tr`); n != 0 {
			sup.fatalf("%d live rows after approval", n)
		}
	})
}
