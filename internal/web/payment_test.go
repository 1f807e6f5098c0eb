package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"taxhall/internal/banksim"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/payment"
)

var (
	payKeyRe  = regexp.MustCompile(`name="key" value="([^"]+)"`)
	payItemRe = regexp.MustCompile(`name="item" value="(\d+)" id="f-items"`)
)

// A double click on 确认缴款 (the same form posted twice) is one payment and
// one debit; the same item in a new form is refused with a field error.
func TestPayFormTwice(t *testing.T) {
	d := dbtest.NewSQLite(t)
	h, srv := siteHandler(t, d)
	bank := banksim.New(banksim.Options{AutoOpen: true, Now: func() time.Time { return now }})
	bs := httptest.NewServer(bank.Handler())
	t.Cleanup(bs.Close)
	srv.Payments.Bank = &payment.HTTPBank{BaseURL: bs.URL}
	ts := httptest.NewServer(http.NewCrossOriginProtection().Handler(h))
	t.Cleanup(ts.Close)

	var code, name string
	if err := d.QueryRowContext(context.Background(), `SELECT t.code, t.name FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin' AND u.role IN ('legal_rep', 'finance')
		WHERE t.kind = 'enterprise' AND EXISTS (SELECT 1 FROM tax_liabilities l WHERE l.taxpayer_id = t.id AND l.settled = 0 AND l.amount > 0) ORDER BY t.id LIMIT 1`).Scan(&code, &name); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts)
	s, body := b.post("/login", url.Values{"code": {code}, "username": {"admin"}, "password": {demo.Password}})
	b.expect(s, body, 200, "我的办税")
	s, body = b.get("/hall/pay")
	b.expect(s, body, 200, "还没有生效的三方协议")
	s, body = b.post("/hall/agreement", url.Values{"bank_code": {"102"}, "account_name": {name}, "account_no": {"6222020012345678"}})
	b.expect(s, body, 200, "三方协议已通过银行验证并生效")
	s, body = b.get("/hall/pay")
	b.expect(s, body, 200, "确认缴款")
	checkFormMarkup(t, "pay", body)
	key, item := payKeyRe.FindStringSubmatch(body), payItemRe.FindStringSubmatch(body)
	if key == nil || item == nil {
		t.Fatalf("no key or item in the form: %.500s", stripTags(body))
	}
	form := url.Values{"key": {key[1]}, "item": {item[1]}}
	s1, body1 := b.post("/hall/pay", form)
	b.expect(s1, body1, 200, "已缴款", "电子缴款凭证号")
	s2, body2 := b.post("/hall/pay", form)
	b.expect(s2, body2, 200, "已缴款")
	if n := len(bank.Debits()); n != 1 {
		t.Fatalf("bank debits %d after a double post", n)
	}
	s, body = b.post("/hall/pay", url.Values{"key": {"another-key-0001"}, "item": {item[1]}})
	b.expect(s, body, 422, "所选税款不存在或已缴纳", `href="#f-items"`)
	checkFormMarkup(t, "pay error", body)
	s, body = b.post("/hall/pay", url.Values{"key": {"another-key-0002"}})
	b.expect(s, body, 422, "请选择要缴纳的税款")
}
