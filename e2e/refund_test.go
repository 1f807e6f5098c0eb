package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/app"
	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/demo"
)

// TestRefundJourney: refunds end to end in the browser. A natural person
// signs a tripartite agreement, files the annual reconciliation with a
// serious-illness deduction (a refund) → the refund application is opened
// automatically and 我的退税 shows it → the window clerk accepts it and the
// reviewer approves it in the task pool → the payout job credits the
// agreement's account at the bank once → 我的退税 shows 已退至账户, the
// person has the in-site message, the clerk's 退税台账 lists the credit.
func TestRefundJourney(t *testing.T) {
	requireBrowser(t)
	bank := banksim.New(banksim.Options{AutoOpen: true})
	bs := httptest.NewServer(bank.Handler())
	t.Cleanup(bs.Close)
	ctx := context.Background()
	cfg, err := app.ParseFlags("serve", []string{"--db", filepath.Join(t.TempDir(), "taxhall.db"), "--bank-url", bs.URL, "--secure-cookies=false"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := app.NewLogger(cfg, logs)
	d, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 10, Individuals: 5, Now: time.Now(), PasswordHash: demoHash()}); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(cfg, log, d)
	if err != nil {
		t.Fatal(err)
	}
	a.Runner.Poll = 50 * time.Millisecond
	run, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); a.Runner.Run(run) }()
	t.Cleanup(func() { stop(); <-done })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log (tail):\n%s", logs.tail(6000))
		}
	})
	s := &site{URL: srv.URL, DB: d, deadline: time.Now().Add(testTimeout)}
	if dl, ok := t.Deadline(); ok && dl.Add(-5*time.Second).Before(s.deadline) {
		s.deadline = dl.Add(-5 * time.Second)
	}

	year := time.Now().Year() - 1
	var person, name, clerkNo, reviewerNo string
	if err := d.QueryRowContext(ctx, `SELECT l.resident_id, t.name FROM iit_person_lines l JOIN taxpayers t ON t.id = l.person_taxpayer_id
		WHERE l.year = $1 ORDER BY l.resident_id LIMIT 1`, year).Scan(&person, &name); err != nil {
		t.Fatalf("the demo withholds no wages of %d for a registered person: %v", year, err)
	}
	staffOf := func(role string) string {
		var no string
		if err := d.QueryRowContext(ctx, `SELECT s.staff_no FROM staff s JOIN taxpayers t ON t.bureau_id = s.org_id
			WHERE t.code = $1 AND s.roles LIKE $2 ORDER BY s.id LIMIT 1`, person, "%"+role+"%").Scan(&no); err != nil {
			t.Fatalf("no %s: %v", role, err)
		}
		return no
	}
	clerkNo, reviewerNo = staffOf(auth.RoleWindowClerk), staffOf(auth.RoleReviewer)

	p := newPage(t, s, "person")
	clerk := newPage(t, s, "clerk")
	reviewer := newPage(t, s, "reviewer")
	j := newJourney(t, p, clerk, reviewer)
	var appNo string

	j.step("the person signs a tripartite agreement", func(t *testing.T) {
		p.Open("login-form", "/login")
		p.Do(typeInto("#f-code", person), typeInto("#f-password", demo.Password))
		if st := p.Click("login", `form[action="/login"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.Open("agreement", "/hall/agreement")
		p.Do(choose("#f-bank_code", "102"), setValue("#f-account_name", name), typeInto("#f-account_no", "6222020087654321"))
		if st := p.Click("sign", `form[action="/hall/agreement"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText(".flash", "三方协议已通过银行验证并生效")
	})

	j.step("files the reconciliation with a refund: the refund application opens itself", func(t *testing.T) {
		p.Open("annual", fmt.Sprintf("/hall/iit/annual?year=%d", year))
		if st := p.Click("start", `main a.btn[href^="/hall/returns/file"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.Do(typeInto(`input[name="7"]`, "60000"))
		if st := p.Click("submit", `button[name=action][value=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main", "申报回执")
		if st := p.Open("refunds", "/hall/refunds"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "我的退税")
		p.ExpectText("main", "综合所得年度汇算退税", "已申请，待审核", "待受理")
		appNo = p.Text(`main a[href^="/hall/applications/"]`)
		if appNo == "" {
			p.fatalf("no application on 我的退税")
		}
		if st := p.Click("application", `main a[href^="/hall/applications/"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main", "个人所得税综合所得汇算退税", "6222020087654321")
		expectNoSideways(p)
	})

	claim := func(pg *page, role string) {
		pg.t.Helper()
		if st := pg.Open("pool-"+role, "/staff/tasks?role="+role); st != http.StatusOK {
			pg.fatalf("status %d", st)
		}
		row := fmt.Sprintf(`//section[@aria-labelledby="pool"]//tr[.//a[normalize-space()=%q]]//button`, appNo)
		pg.begin("claim")
		resp, err := chromedp.RunResponse(pg.ctx, chromedp.Click(chromedp.Search(row)))
		if err != nil || resp == nil || resp.Status != http.StatusOK {
			pg.fatalf("claim %s: %v %v", appNo, resp, err)
		}
		pg.ExpectText("main", "办理决定")
		pg.Do(chromedp.Click(chromedp.CSS(`input[name=decision][value=pass]`)))
		if st := pg.Click("decide-pass", `form[action$="/decide"] button[type=submit]`); st != http.StatusOK {
			pg.fatalf("status %d", st)
		}
	}

	j.step("the clerk accepts and the reviewer approves", func(t *testing.T) {
		staffLogin(clerk, clerkNo)
		claim(clerk, auth.RoleWindowClerk)
		staffLogin(reviewer, reviewerNo)
		claim(reviewer, auth.RoleReviewer)
		reviewer.ExpectText("main", "已批准")
	})

	j.step("the bank credits the account once; the person sees it paid", func(t *testing.T) {
		deadline := time.Now().Add(20 * time.Second)
		for {
			var n int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM refund_payouts WHERE state = 'paid'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 1 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the payout was not paid")
			}
			time.Sleep(100 * time.Millisecond)
		}
		if cs := bank.Credits(); len(cs) != 1 || cs[0].Status != "succeeded" || cs[0].AccountNo != "6222020087654321" {
			t.Fatalf("bank credits %+v", cs)
		}
		p.Open("refunds-paid", "/hall/refunds")
		p.ExpectText("main", "已退至账户")
		p.Open("inbox", "/hall/messages")
		p.ExpectText("main", "退税已入账")
		clerk.Open("ledger", "/staff/refunds")
		clerk.ExpectText("main h1", "退税台账")
		clerk.ExpectText("main", "已退至账户", appNo)
		expectNoSideways(clerk)
	})

	j.step("the new pages at 1280 and 390 px: no sideways scroll", func(t *testing.T) {
		for _, width := range []int64{1280, phone} {
			p.Do(chromedp.EmulateViewport(width, 900))
			clerk.Do(chromedp.EmulateViewport(width, 900))
			for _, path := range []string{"/hall/refunds", "/hall/applications/1"} {
				p.Open(fmt.Sprintf("%d%s", width, path), path)
				expectNoSideways(p)
				p.done()
			}
			for _, path := range []string{"/staff/refunds", "/staff/treasury"} {
				clerk.Open(fmt.Sprintf("%d%s", width, path), path)
				expectNoSideways(clerk)
				clerk.done()
			}
		}
		clerk.ExpectText("main", "退库")
	})
}
