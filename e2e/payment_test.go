package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/app"
	"taxhall/internal/banksim"
	"taxhall/internal/demo"
	"taxhall/internal/money"
)

// newPaySite is newSite with the bank link: a simulator on its own
// loopback port, which the hall reaches through --bank-url.
func newPaySite(t *testing.T) (*site, *banksim.Bank) {
	t.Helper()
	requireBrowser(t)
	bank := banksim.New(banksim.Options{AutoOpen: true})
	bs := httptest.NewServer(bank.Handler())
	t.Cleanup(bs.Close)
	ctx := context.Background()
	cfg, err := app.ParseFlags("serve", []string{"--db", filepath.Join(t.TempDir(), "taxhall.db"), "--bank-url", bs.URL}, io.Discard)
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
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 4, Individuals: 1, Now: time.Now(), PasswordHash: demoHash()}); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(cfg, log, d)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log (tail):\n%s", logs.tail(6000))
		}
	})
	deadline := time.Now().Add(testTimeout)
	if dl, ok := t.Deadline(); ok && dl.Before(deadline) {
		deadline = dl.Add(-5 * time.Second)
	}
	return &site{URL: srv.URL, DB: d, deadline: deadline}, bank
}

// TestPaymentJourney: an enterprise signs its tripartite agreement (first
// with a name the bank does not know), pays the oldest unpaid item of its
// returns, sees it paid with a voucher number, and finds it in its history;
// the bank holds exactly that one debit.
func TestPaymentJourney(t *testing.T) {
	s, bank := newPaySite(t)
	var code, name string
	if err := s.DB.QueryRowContext(context.Background(), `SELECT t.code, t.name FROM taxpayers t
		JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin' AND u.active = 1 AND u.role IN ('legal_rep', 'finance')
		WHERE t.kind = 'enterprise' AND EXISTS (SELECT 1 FROM tax_liabilities l WHERE l.taxpayer_id = t.id AND l.settled = 0 AND l.amount > 0)
		ORDER BY t.id LIMIT 1`).Scan(&code, &name); err != nil {
		t.Fatal(err)
	}
	p := newPage(t, s, "taxpayer")
	j := newJourney(t, p)

	j.step("logs in", func(t *testing.T) { taxpayerLogin(p, code) })

	j.step("pay page asks for an agreement first", func(t *testing.T) {
		if st := p.Open("pay-no-agreement", "/hall/pay"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main", "还没有生效的三方协议")
		if n := p.Count(`button[type=submit]`); n != 0 && p.Count(`form[action="/hall/pay"] button[type=submit]`) != 0 {
			p.fatalf("a pay button without an agreement")
		}
	})

	j.step("bank refuses a wrong account name", func(t *testing.T) {
		p.Open("agreement", "/hall/agreement")
		p.Do(choose("#f-bank_code", "102"), typeInto("#f-account_name", name), typeInto("#f-account_no", "6222020000000000"))
		if st := p.Click("sign-unknown", `form[action="/hall/agreement"] button[type=submit]`); st != http.StatusUnprocessableEntity {
			p.fatalf("status %d, want 422", st)
		}
		p.ExpectText(".error-summary", "三方协议未生效", "账户不存在")
	})

	j.step("signs the agreement", func(t *testing.T) {
		p.Do(setValue("#f-account_no", "6222020012345678"))
		if st := p.Click("sign", `form[action="/hall/agreement"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/hall/agreement")
		p.ExpectText(".flash", "三方协议已通过银行验证并生效")
		p.ExpectText("main", "生效中的协议", "已生效")
	})

	j.step("pays the first unpaid item", func(t *testing.T) {
		p.Open("pay", "/hall/pay")
		p.ExpectText("main", "扣款账户：中国工商银行")
		p.Do(chromedp.Click(chromedp.CSS(`#f-items`)))
		if st := p.Click("pay-submit", `form[action="/hall/pay"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "缴款结果")
		p.ExpectText("main", "已缴款", "银行已从您的账户扣款")
		if n := p.Count(`td[data-label="电子缴款凭证号"].code`); n != 1 {
			p.fatalf("%d voucher cells", n)
		}
		if v := p.Text(`td[data-label="电子缴款凭证号"]`); len(v) != 18 {
			p.fatalf("voucher %q", v)
		}
	})

	j.step("history shows the payment paid", func(t *testing.T) {
		p.Open("payments", "/hall/payments")
		p.ExpectText("main table", "已缴款")
		if n := p.Count(`main tbody tr`); n != 1 {
			p.fatalf("%d payments in the history", n)
		}
		if got := len(bank.Debits()); got != 1 {
			p.fatalf("bank debits %d", got)
		}
	})

	j.step("a tax certificate of the payment downloads and verifies on the public page", func(t *testing.T) {
		p.Open("payments-again", "/hall/payments")
		if st := p.Click("payment", `main tbody a.code`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		if st := p.Click("issue", `#cert-issue`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/hall/certificates")
		p.ExpectText(".flash", "已开具", "税收完税证明")
		got := evalJSON[[]string](p, `(() => {
			const a = document.querySelector('main a[href$=".pdf"], main a[href*="/pdf"]');
			const x = new XMLHttpRequest();
			x.open('GET', a.href, false);
			x.overrideMimeType('text/plain; charset=x-user-defined');
			x.send();
			return [String(x.status), x.getResponseHeader('Content-Type') || '', x.responseText.slice(0, 5)];
		})()`)
		if got[0] != "200" || got[1] != "application/pdf" || got[2] != "%PDF-" {
			p.fatalf("download: %v", got)
		}
		var no, code string
		var total int64
		if err := s.DB.QueryRowContext(context.Background(), `SELECT cert_no, verify_code, total FROM certificates WHERE kind = 'tax_paid' ORDER BY id DESC LIMIT 1`).
			Scan(&no, &code, &total); err != nil {
			t.Fatal(err)
		}
		v := newPage(t, s, "verifier")
		v.Open("verify", "/verify?no="+no+"&code="+code)
		v.ExpectText("main", "真实有效", "税收完税证明", money.FormatYuan(total))
	})
}
