package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/auth"
	"taxhall/internal/demo"
	"taxhall/internal/filingcal"
	"taxhall/internal/ids"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// The period of the journey: 2026Q3, due by 2026-10-26 (the 15th of
// October moved by the National Day holiday), so overdue on the test
// machine's clock (the site runs on time.Now()).
const (
	q3Form  = "vat_small"
	q3Key   = "2026Q3"
	q3Name  = "2026年第3季度"
	q3Start = "2026-07-01"
	q3URL   = "/hall/returns/file?form=vat_small&period=2026Q3"
	q3Board = "/staff/filing?form=vat_small&period=2026Q3"
)

// smallFiler is a Siming small-scale taxpayer with 2026Q3 not filed.
type smallFiler struct {
	ID         int64
	Code, Name string
}

// smallScaleNotFiled returns n Siming enterprises identified for quarterly
// small-scale VAT since before 2026Q3 that have not filed 2026Q3 and whose
// administrator "admin" can log in with the demo password: those of the
// seed first, then new ones registered like the returns package's tests do.
func smallScaleNotFiled(t *testing.T, s *site, n int) []smallFiler {
	t.Helper()
	ctx := context.Background()
	rows, err := s.DB.QueryContext(ctx, `SELECT t.id, t.code, t.name FROM taxpayers t
		JOIN orgs o ON o.id = t.bureau_id
		JOIN tax_identifications i ON i.taxpayer_id = t.id
		JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin' AND u.active = 1
		WHERE o.division_code = '350203' AND t.kind = 'enterprise' AND t.status = 'active'
		  AND i.tax_type = 'vat_small' AND i.period = $1 AND i.end_date = '' AND i.start_date <= $2
		  AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.taxpayer_id = t.id AND r.form = $3 AND r.period_start = $2)
		  AND NOT EXISTS (SELECT 1 FROM return_drafts d WHERE d.taxpayer_id = t.id AND d.form = $3 AND d.period_start = $2)
		ORDER BY t.id`, taxpayer.Quarterly, q3Start, q3Form)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []smallFiler
	for rows.Next() && len(out) < n {
		var f smallFiler
		if err := rows.Scan(&f.ID, &f.Code, &f.Name); err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(out) < n {
		t.Logf("the seed has %d Siming small-scale taxpayers with %s not filed; registering %d more", len(out), q3Key, n-len(out))
	}
	var bureau, staff int64
	if len(out) < n {
		if err := s.DB.QueryRowContext(ctx, `SELECT o.id, s.id FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = $1`, simingClerk).Scan(&bureau, &staff); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(20261206, 8))
	now := time.Now()
	for i := len(out); i < n; i++ {
		tp := &taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: ids.GenerateUSCC(r, "350203"),
			Name:         []string{"厦门沙坡尾文创商贸有限公司", "厦门中山路老字号食品有限公司", "厦门曾厝垵民宿管理有限公司"}[i%3],
			DivisionCode: "350203", Address: "思明南路100号", Phone: "0592-2020202", BureauID: bureau,
			Status: taxpayer.StatusActive, RegisteredAt: now.AddDate(-2, 0, 0)}
		if err := taxpayer.InsertTaxpayer(ctx, s.DB, now, tp); err != nil {
			t.Fatal(err)
		}
		if _, err := taxpayer.InsertUser(ctx, s.DB, now, tp.ID, "admin", "郑丽娟", "13906009999", auth.TPLegalRep, true, demoHash()); err != nil {
			t.Fatal(err)
		}
		if _, err := taxpayer.InsertIdentification(ctx, s.DB, now, tp.ID, "vat_small", taxpayer.Quarterly, "2025-01-01", staff); err != nil {
			t.Fatal(err)
		}
		out = append(out, smallFiler{ID: tp.ID, Code: tp.Code, Name: tp.Name})
	}
	return out
}

// taxpayerLogin logs the administrator of a taxpayer in through the form.
func taxpayerLogin(p *page, code string) {
	p.t.Helper()
	if st := p.Open("login-form", "/login"); st != http.StatusOK {
		p.fatalf("status %d", st)
	}
	p.Do(typeInto("#f-code", code), typeInto("#f-username", "admin"), typeInto("#f-password", demo.Password))
	if st := p.Click("login", `form[action="/login"] button[type=submit]`); st != http.StatusOK {
		p.fatalf("status %d", st)
	}
	p.ExpectPath("/hall")
}

// cell is the CSS selector of a form cell's input: its id holds a dot
// (f-1.goods), which a #id selector would read as a class.
func cell(key string) string { return `[id="f-` + key + `"]` }

// yuanRe finds amounts as the pages write them: 3,392.00.
var yuanRe = regexp.MustCompile(`-?\d{1,3}(?:,\d{3})*\.\d{2}`)

// amountAfter returns the first amount written after label in text.
func amountAfter(p *page, text, label string) string {
	p.t.Helper()
	i := strings.Index(text, label)
	if i < 0 {
		p.fatalf("no %q in %q", label, clip(text))
	}
	m := yuanRe.FindString(text[i+len(label):])
	if m == "" {
		p.fatalf("no amount after %q in %q", label, clip(text[i:]))
	}
	return m
}

// atWidths saves a full-page screenshot of the page at desktop and phone
// width for review (with TAXHALL_SCREENSHOTS_ALL=1) and leaves the page at
// desktop width.
func atWidths(p *page, name string) {
	p.t.Helper()
	if os.Getenv("TAXHALL_SCREENSHOTS_ALL") != "1" {
		return
	}
	for _, w := range []int64{1280, phone} {
		p.Do(chromedp.EmulateViewport(w, 900))
		ctx, cancel := context.WithTimeout(p.ctx, artifactTimeout)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			p.fatalf("screenshot %s: %v", name, err)
		}
		if err := writeArtifact(fmt.Sprintf("returns-%s-%d.png", name, w), png); err != nil {
			p.fatalf("%v", err)
		}
	}
	p.Do(chromedp.EmulateViewport(1280, 900))
}

// onAPhone checks the page at 390 px: nothing wider than the screen (a
// wide table may scroll inside its .table-wrap, not the page), then goes
// back to desktop width.
func onAPhone(p *page) {
	p.t.Helper()
	p.Do(chromedp.EmulateViewport(phone, 844))
	expectNoSideways(p)
	if sw, iw := evalJSON[int](p, `document.documentElement.scrollWidth`), evalJSON[int](p, `window.innerWidth`); sw > iw {
		p.fatalf("page scrolls sideways at %dpx: %dpx wide", iw, sw)
	}
	p.Do(chromedp.EmulateViewport(1280, 900))
}

// TestReturnsJourney: issue 8 in a browser, the taxpayer's side. A
// small-scale taxpayer files its overdue 2026Q3 return from my tax area
// (first with a mistake, which comes back on the field with what was
// typed), gets the acknowledgement, cannot file twice by going back and
// submitting again, corrects it; both pages fit a phone; the public
// calculator agrees with the return.
func TestReturnsJourney(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	ctx := context.Background()
	first := smallScaleNotFiled(t, s, 1)[0]

	tp := newPage(t, s, "taxpayer")
	j := newJourney(t, tp)

	var (
		ackPath string // the acknowledgement of version 1
		ackNo   string
		taxDue  string // version 1's tax due, as the page writes it
	)
	countReturns := func() int {
		t.Helper()
		var n int
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM returns WHERE taxpayer_id = $1 AND form = $2 AND period_start = $3`,
			first.ID, q3Form, q3Start).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	j.step("taxpayer sees the overdue quarter in my tax area", func(t *testing.T) {
		taxpayerLogin(tp, first.Code)
		tp.ExpectText("main h1", first.Name)
		expectRow(tp, `section[aria-labelledby=due] tbody tr`, "增值税", "小规模", q3Name, "逾期未申报", "已逾期", "填写申报")
		atWidths(tp, "hall")
	})

	j.step("a mistake comes back on the field, naming both numbers, with what was typed", func(t *testing.T) {
		if st := tp.Click("form", `section[aria-labelledby=due] a[href="`+q3URL+`"]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main h1", "增值税及附加税费申报表（小规模纳税人适用）")
		tp.ExpectText("main dl.facts", first.Name, "2026-07-01", "2026-09-30")
		tp.Do(typeInto(cell("1.goods"), "320000"), typeInto(cell("2.goods"), "400000"))
		if st := tp.Click("form-errors", `main form button[name=action][value=submit]`); st != http.StatusUnprocessableEntity {
			tp.fatalf("status %d, want 422", st)
		}
		if title := tp.Title(); !strings.HasPrefix(title, "错误：") {
			tp.fatalf("title %q", title)
		}
		tp.ExpectText(".error-summary", "处需要修改", "已填写的内容已为您保留")
		if href, _ := tp.Attr(".error-summary li:first-child a", "href"); href != "#f-2.goods" {
			tp.fatalf("the first error of the summary leads to %q, want #f-2.goods", href)
		}
		tp.ExpectText(".error-summary li:first-child", "第2栏", "400,000.00", "320,000.00")
		tp.ExpectText(cell("2.goods-error"), "400,000.00", "320,000.00", "不能大于")
		if v, _ := tp.Attr(cell("2.goods"), "aria-invalid"); v != "true" {
			tp.fatalf("f-2.goods aria-invalid=%q", v)
		}
		if v, _ := tp.Attr(cell("2.goods"), "aria-describedby"); v != "f-2.goods-error" {
			tp.fatalf("f-2.goods aria-describedby=%q", v)
		}
		if got := tp.Value(cell("1.goods")); got != "320000" {
			tp.fatalf("line 1 holds %q after the refusal, want 320000", got)
		}
		if got := tp.Value(cell("2.goods")); got != "400000" {
			tp.fatalf("line 2 holds %q after the refusal, want 400000", got)
		}
		if n := countReturns(); n != 0 {
			tp.fatalf("%d returns after a refused submission", n)
		}
		atWidths(tp, "form-errors")
	})

	j.step("on a phone the refused form fits the screen and starts with the error summary", func(t *testing.T) {
		tp.Do(chromedp.EmulateViewport(phone, 844))
		if first := evalJSON[string](tp, `document.querySelector("main").firstElementChild.className`); first != "error-summary" {
			tp.fatalf("first element in main is %q, want the error summary", first)
		}
		onAPhone(tp)
	})

	j.step("the corrected form is accepted with an acknowledgement", func(t *testing.T) {
		tp.Do(typeInto(cell("2.goods"), "0"))
		if st := tp.Click("ack", `main form button[name=action][value=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		ackPath = tp.URL().Path
		if !regexp.MustCompile(`^/hall/returns/\d+$`).MatchString(ackPath) {
			tp.fatalf("acknowledgement at %q", ackPath)
		}
		tp.ExpectText(".flash", "申报成功，回执号")
		tp.ExpectText("main h1", q3Name)
		facts := tp.Text("section.ack dl.facts")
		ackNo = strings.TrimSpace(fact(tp, "section.ack dl.facts", "回执号"))
		if ackNo == "" || !strings.Contains(tp.Text(".flash"), ackNo) {
			tp.fatalf("acknowledgement number %q, flash %q", ackNo, tp.Text(".flash"))
		}
		if h := strings.TrimSpace(tp.Text("section.ack .hash")); !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h) {
			tp.fatalf("SHA-256 %q", h)
		}
		taxDue = amountAfter(tp, facts, "应补（退）税费")
		// 320,000 in 2026Q3 is above 300,000 a quarter, so taxable at 1%
		// (财政部 税务总局公告2023年第19号): VAT 3,200.00; surcharges at
		// 7% + 3% + 2% of it, halved (六税两费, 财政部 税务总局公告2023年第12号):
		// 112.00 + 48.00 + 32.00.
		if taxDue != "3,392.00" {
			tp.fatalf("tax due %s, want 3,392.00", taxDue)
		}
		tp.ExpectText("section.ack", "逾期申报")
		if n := countReturns(); n != 1 {
			tp.fatalf("%d returns, want 1", n)
		}
		atWidths(tp, "acknowledgement")
	})

	j.step("on a phone the acknowledgement fits the screen", func(t *testing.T) { onAPhone(tp) })

	j.step("going back and submitting the same form again lands on the same acknowledgement", func(t *testing.T) {
		// Back is the refused form, a POST result: Chromium does not keep
		// it (no-store) and offers to submit it again (ERR_CACHE_MISS,
		// 确认重新提交表单); reloading then posts the same form, with the
		// same token, once more. A browser that restored the page from its
		// cache would show the form, submitted again by its button.
		tp.begin("back")
		back := chromedp.Do(tp.ctx, chromedp.NavigateBack())
		tp.begin("resubmit")
		if back != nil && strings.Contains(back.Error(), "ERR_CACHE_MISS") {
			if err := chromedp.Do(tp.ctx, chromedp.Reload()); err != nil {
				tp.fatalf("submit again by reloading: %v", err)
			}
		} else if back != nil {
			tp.fatalf("back: %v", back)
		} else if st := tp.Click("resubmit", `main form button[name=action][value=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectPath(ackPath)
		tp.ExpectText(".flash", "重复提交不会重复申报", ackNo)
		if n := countReturns(); n != 1 {
			tp.fatalf("%d returns after submitting again, want 1", n)
		}
	})

	j.step("going back to the form's address lands on the acknowledgement", func(t *testing.T) {
		// The refused form's entry became the acknowledgement when it was
		// posted again; one step back is the form as first opened,
		// fetched anew.
		tp.begin("back-to-form")
		if err := chromedp.Do(tp.ctx, chromedp.NavigateBack()); err != nil {
			tp.fatalf("back: %v", err)
		}
		tp.ExpectPath(ackPath)
		tp.ExpectText(".flash", "已经申报", ackNo)
		if n := countReturns(); n != 1 {
			tp.fatalf("%d returns, want 1", n)
		}
	})

	j.step("reloading the form's address lands on the acknowledgement", func(t *testing.T) {
		if st := tp.Open("reload-form", q3URL); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectPath(ackPath)
		tp.ExpectText(".flash", "已经申报", ackNo)
		if n := countReturns(); n != 1 {
			tp.fatalf("%d returns, want 1", n)
		}
	})

	j.step("a correction makes version 2 and shows what it adds", func(t *testing.T) {
		if st := tp.Click("correct-form", `section.ack a[href="`+ackPath+`/correct"]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main .inset", "更正", ackNo)
		if got := tp.Value(cell("1.goods")); got != "320000" && got != "320000.00" {
			tp.fatalf("the correction starts from %q, want the filed 320000", got)
		}
		tp.Do(typeInto(cell("1.goods"), "350000"))
		if st := tp.Click("corrected", `main form button[name=action][value=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		if tp.URL().Path == ackPath {
			tp.fatalf("the correction shows version 1")
		}
		facts := tp.Text("section.ack dl.facts")
		// 350,000: VAT 3,500.00; surcharges 122.50 + 52.50 + 35.00.
		if due := amountAfter(tp, facts, "应补（退）税费"); due != "3,710.00" {
			tp.fatalf("version 2 tax due %s, want 3,710.00", due)
		}
		if diff := amountAfter(tp, facts, "应补 "); diff != "318.00" {
			tp.fatalf("version 2 difference %s, want 应补 318.00", diff)
		}
		tp.ExpectText("section.ack", "更正申报")
		expectRow(tp, `section[aria-labelledby=versions] tbody tr`, ackNo, taxDue)
		if n := countReturns(); n != 2 {
			tp.fatalf("%d versions, want 2", n)
		}
		atWidths(tp, "correction")
	})

	j.step("the public calculator gives the same total as the return", func(t *testing.T) {
		if st := tp.Open("calculator", "/calculators/vat-small"); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.Do(
			choose("#f-year", "2026"),
			choose("#f-period", "q3"),
			typeInto("#f-sales3", "320000"),
			choose("#f-location", "city"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("f-individual").checked = false; document.getElementById("f-relief").checked = true`),
		)
		if st := tp.Click("calculated", `form[action="/calculators/vat-small"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		total := amountAfter(tp, tp.Text("main .calc-answer"), "合计")
		if total != taxDue {
			tp.fatalf("calculator total %s, return's tax due %s", total, taxDue)
		}
	})
}

// TestFilingBoardJourney: issue 8 in a browser, the clerks' side. One
// Siming small-scale taxpayer has filed 2026Q3 late, another has not; the
// Siming clerk's board counts the first and lists the second, the clerk
// reminds the second only, who finds the reminder in the inbox with a link
// to the form; the Huli clerk's board shows neither.
func TestFilingBoardJourney(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	ctx := context.Background()
	filers := smallScaleNotFiled(t, s, 2)
	first, second := filers[0], filers[1]

	// The first files through the service (the form has its own journey).
	as, err := auth.NewService(s.DB, time.Now).LoginTaxpayer(ctx, first.Code, "admin", demo.Password, auth.API, "")
	if err != nil {
		t.Fatal(err)
	}
	rs := &returns.Service{DB: s.DB, Now: time.Now, Taxpayers: &taxpayer.Service{DB: s.DB, Now: time.Now},
		Calendar: &filingcal.Service{DB: s.DB, Now: time.Now}}
	sub, err := rs.Submit(auth.WithActor(ctx, as.Actor), q3Form, q3Key, map[string]string{"1.goods": "320000"}, returns.NewKey(), 0, false)
	if err != nil {
		t.Fatalf("file %s for %s: %v", q3Key, first.Name, err)
	}
	if !sub.Return.Late {
		t.Fatalf("%s filed on %s is not late (deadline %s)", q3Key, time.Now().Format(time.DateOnly), sub.Return.Deadline)
	}

	c := newPage(t, s, "clerk-siming")
	tp2 := newPage(t, s, "taxpayer-reminded")
	h := newPage(t, s, "clerk-huli")
	j := newJourney(t, c, tp2, h)

	j.step("Siming clerk sees the totals, the late filer and who has not filed", func(t *testing.T) {
		staffLogin(c, simingClerk)
		if st := c.Open("board", q3Board); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		c.ExpectText("main h1", "申报监控")
		c.ExpectText("section[aria-labelledby=totals]", q3Name, "已申报", "其中逾期申报", "更正申报")
		expectRow(c, `section[aria-labelledby=late] tbody tr`, first.Name, sub.Return.AckNo)
		expectRow(c, `section[aria-labelledby=notfiled] tbody tr`, second.Name, "未催报")
		for _, row := range c.RowTexts(`section[aria-labelledby=notfiled] tbody tr`) {
			if strings.Contains(row, first.Name) {
				c.fatalf("the taxpayer that filed is listed as not filed: %q", row)
			}
		}
		atWidths(c, "board")
	})

	j.step("Siming clerk reminds the ticked taxpayer", func(t *testing.T) {
		box := fmt.Sprintf(`section[aria-labelledby=notfiled] input[name=taxpayer_id][value="%d"]`, second.ID)
		// Untick everyone, then tick the one taxpayer.
		c.Do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("section[aria-labelledby=notfiled] input[name=taxpayer_id]").forEach(b => b.checked = false)`))
		c.Do(chromedp.Click(chromedp.CSS(box)))
		if n := c.Count(`section[aria-labelledby=notfiled] input[name=taxpayer_id]:checked`); n != 1 {
			c.fatalf("%d boxes ticked, want 1", n)
		}
		if st := c.Click("reminded", `form[action="/staff/filing/remind"] button[type=submit]`); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		c.ExpectText(".flash", "已向 1 户发送催报站内信")
		expectRow(c, `section[aria-labelledby=notfiled] tbody tr`, second.Name, "已催报")
	})

	j.step("the reminded taxpayer finds the reminder with a link to the form", func(t *testing.T) {
		taxpayerLogin(tp2, second.Code)
		if st := tp2.Click("inbox", `nav.menu a[href="/hall/messages"]`); st != http.StatusOK {
			tp2.fatalf("status %d", st)
		}
		expectRow(tp2, "main table tbody tr", "催报通知", q3Name, "未读")
		if st := tp2.Click("reminder", `main table tbody a[href^="/hall/messages/"]`); st != http.StatusOK {
			tp2.fatalf("status %d", st)
		}
		tp2.ExpectText("main h1", "催报通知", q3Name)
		tp2.ExpectText("main .message-body", "尚未申报")
		if st := tp2.Click("reminder-form", `main a.btn[href="`+q3URL+`"]`); st != http.StatusOK {
			tp2.fatalf("status %d", st)
		}
		tp2.ExpectText("main h1", "增值税及附加税费申报表（小规模纳税人适用）")
		tp2.ExpectText("main dl.facts", second.Name)
	})

	j.step("Huli clerk's board does not show Siming taxpayers", func(t *testing.T) {
		staffLogin(h, huliClerk)
		if st := h.Open("board-huli", q3Board); st != http.StatusOK {
			h.fatalf("status %d", st)
		}
		h.ExpectText("section[aria-labelledby=totals]", "湖里")
		body := h.Text("main")
		for _, f := range filers {
			if strings.Contains(body, f.Name) {
				h.fatalf("the Huli board shows the Siming taxpayer %s", f.Name)
			}
		}
		for _, href := range []string{fmt.Sprintf(`a[href="/staff/taxpayers/%d"]`, first.ID), fmt.Sprintf(`input[value="%d"]`, second.ID)} {
			if n := h.Count("main " + href); n != 0 {
				h.fatalf("the Huli board links to a Siming taxpayer: %s", href)
			}
		}
	})
}

// fact returns the text of the dd after the dt that reads label in the
// summary list dl.
func fact(p *page, dl, label string) string {
	p.t.Helper()
	return evalJSON[string](p, fmt.Sprintf(`(() => {
		for (const dt of document.querySelectorAll(%s)) {
			if (dt.textContent.trim() === %s) { const dd = dt.nextElementSibling; return dd ? dd.textContent : ""; }
		}
		return "";
	})()`, jsString(dl+" > dt"), jsString(label)))
}

// TestIITImportJourney: the employer's withholding return on wages (个人所得税
// 扣缴申报表) from an imported file, in a browser. The employer opens last
// month from my tax area, uploads a CSV with one bad ID, which imports
// nothing and names the row and column; uploads the corrected file, checks
// the computed lines, whose taxes add up to the return's; files it and gets
// the acknowledgement; the new employee joins the roster.
func TestIITImportJourney(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	ctx := context.Background()

	// The employer: a Siming enterprise withholding IIT with a roster (the
	// demo files its earlier months), last month not filed.
	last := time.Now().In(cst).AddDate(0, 0, -time.Now().In(cst).Day()) // the last day of last month
	period := last.Format("2006-01")
	monthStart := period + "-01"
	var tp int64
	var code, name string
	err := s.DB.QueryRowContext(ctx, `SELECT t.id, t.code, t.name FROM taxpayers t
		JOIN orgs o ON o.id = t.bureau_id
		JOIN tax_identifications i ON i.taxpayer_id = t.id AND i.tax_type = 'iit_withholding' AND i.end_date = '' AND i.start_date < $1
		JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin' AND u.active = 1
		WHERE o.division_code = '350203' AND t.kind = 'enterprise' AND t.status = 'active'
		  AND EXISTS (SELECT 1 FROM employees e WHERE e.taxpayer_id = t.id AND e.left_on IS NULL)
		  AND NOT EXISTS (SELECT 1 FROM returns r WHERE r.taxpayer_id = t.id AND r.form = 'iit' AND r.period_start = $1)
		ORDER BY t.id LIMIT 1`, monthStart).Scan(&tp, &code, &name)
	if err != nil {
		t.Fatalf("no Siming employer with a roster and %s not filed in the demo: %v", period, err)
	}
	type employee struct{ id, name string }
	var staff []employee
	rows, err := s.DB.QueryContext(ctx, `SELECT resident_id, name FROM employees WHERE taxpayer_id = $1 AND left_on IS NULL ORDER BY id`, tp)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e employee
		if err := rows.Scan(&e.id, &e.name); err != nil {
			t.Fatal(err)
		}
		staff = append(staff, e)
	}
	rows.Close()
	// A new employee joins this month.
	r := rand.New(rand.NewPCG(20261115, 9))
	newcomer := employee{ids.GenerateResidentID(r, "350203", time.Date(1998, 5, 17, 0, 0, 0, 0, time.UTC), false), "黄晓薇"}
	staff = append(staff, newcomer)

	// The month's payroll as a CSV, as a payroll program writes it (BOM,
	// a column the return does not need); bad breaks the ID of file row 3.
	payroll := func(bad bool) string {
		var b strings.Builder
		b.WriteString("\ufeff序号,证件号码,姓名,本期收入,基本养老保险费,住房公积金,子女教育\n")
		for i, e := range staff {
			id := e.id
			if bad && i == 1 {
				id = breakResidentCheck(id)
			}
			fmt.Fprintf(&b, "%d,%s,%s,%d,%d,%d,%d\n", i+1, id, e.name, 18000+i*2500, 1440+i*200, 1800, []int{2000, 0}[i%2])
		}
		f := t.TempDir() + "/" + period + "工资.csv"
		if err := os.WriteFile(f, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	formURL := "/hall/returns/file?form=iit&period=" + period
	count := func(q string) int {
		t.Helper()
		var n int
		if err := s.DB.QueryRowContext(ctx, q, tp, monthStart).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const countReturns = `SELECT COUNT(*) FROM returns WHERE taxpayer_id = $1 AND form = 'iit' AND period_start = $2`
	const countDrafts = `SELECT COUNT(*) FROM return_drafts WHERE taxpayer_id = $1 AND form = 'iit' AND period_start = $2`

	p := newPage(t, s, "employer")
	j := newJourney(t, p)
	var total string

	j.step("the employer opens last month's withholding return from my tax area", func(t *testing.T) {
		taxpayerLogin(p, code)
		expectRow(p, `section[aria-labelledby=due] tbody tr`, "个人所得税", fmt.Sprintf("%d年%d月", last.Year(), int(last.Month())), "填写申报")
		if st := p.Click("iit-form", `section[aria-labelledby=due] a[href="`+formURL+`"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "个人所得税扣缴申报表")
		p.ExpectText("main dl.facts", name)
		p.ExpectText("main", "请先导入本月的扣缴明细")
	})

	j.step("a file with one bad row imports nothing and names the row and column", func(t *testing.T) {
		p.Do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{payroll(true)}))
		if st := p.Click("import-bad", `form[enctype="multipart/form-data"] button[type=submit]`); st != http.StatusUnprocessableEntity {
			p.fatalf("status %d, want 422", st)
		}
		if href, _ := p.Attr(".error-summary a", "href"); href != "#f-file" {
			p.fatalf("the summary leads to %q, want #f-file", href)
		}
		if first := evalJSON[string](p, `document.querySelector("main").firstElementChild.className`); first != "error-summary" {
			p.fatalf("first element in main is %q, want the error summary", first)
		}
		p.ExpectText("#problems-caption", "全部数据均未导入")
		expectRow(p, "main table tbody tr", "第3行", "证件号码")
		if n := count(countDrafts); n != 0 {
			p.fatalf("a refused file left %d drafts", n)
		}
		onAPhone(p)
		atWidths(p, "iit-errors")
	})

	j.step("the corrected file shows each employee's tax, which add up to the return's", func(t *testing.T) {
		p.Do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{payroll(false)}))
		if st := p.Click("import", `form[enctype="multipart/form-data"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText(".flash", fmt.Sprintf("已导入 %d 名员工的扣缴明细", len(staff)))
		expectRow(p, `table tbody tr`, newcomer.name, newcomer.id[:6]+"********"+newcomer.id[14:])
		if strings.Contains(p.Text("main"), newcomer.id) {
			p.fatalf("the page shows a full ID")
		}
		var sum int64
		for _, c := range evalJSON[[]string](p, `Array.from(document.querySelectorAll('td[data-label="本期应扣缴税额"]'), td => td.innerText)`) {
			sum += fen(p, c)
		}
		total = amountAfter(p, p.Text("section[aria-labelledby=submit-title]"), "合计")
		if fen(p, total) != sum || sum <= 0 {
			p.fatalf("the lines' taxes add up to %d fen, the return's total is %s", sum, total)
		}
		atWidths(p, "iit-lines")
	})

	j.step("filing the imported lines gives the acknowledgement", func(t *testing.T) {
		if st := p.Click("iit-ack", `section[aria-labelledby=submit-title] button[name=action][value=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText(".flash", "申报成功，回执号")
		if h := strings.TrimSpace(p.Text("section.ack .hash")); !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h) {
			p.fatalf("SHA-256 %q", h)
		}
		if due := amountAfter(p, p.Text("section.ack dl.facts"), "应补（退）税费"); due != total {
			p.fatalf("the acknowledgement says %s, the form said %s", due, total)
		}
		if n := count(countReturns); n != 1 {
			p.fatalf("%d returns, want 1", n)
		}
	})

	j.step("the new employee joins the roster", func(t *testing.T) {
		if st := p.Open("roster", "/hall/employees"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		expectRow(p, "main table tbody tr", newcomer.name)
	})
}

// breakResidentCheck returns the ID with another check character, so that
// only the check fails.
func breakResidentCheck(id string) string {
	if id[17] == '1' {
		return id[:17] + "2"
	}
	return id[:17] + "1"
}

// fen reads an amount as the pages write it (3,392.00) in fen.
func fen(p *page, s string) int64 {
	p.t.Helper()
	m := yuanRe.FindString(s)
	if m == "" {
		p.fatalf("no amount in %q", s)
	}
	neg := strings.HasPrefix(m, "-")
	digits := strings.NewReplacer("-", "", ",", "", ".", "").Replace(m)
	var v int64
	for _, c := range digits {
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v
}
