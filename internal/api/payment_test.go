package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/payment"
)

// payView is the part of a payment response the test reads.
type payView struct {
	ID       int64  `json:"id"`
	State    string `json:"state"`
	Replayed bool   `json:"replayed"`
	Amount   int64  `json:"amount"`
	Items    []struct {
		VoucherNo string `json:"voucher_no"`
	} `json:"items"`
}

func decodeInto[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

// The payment endpoints over a bank simulator: agreement, dues, payment
// with its Idempotency-Key (a replay is 200 and the same payment, also
// after the bank failed to answer the first time), another taxpayer's 404,
// the staff ledger.
func TestPaymentAPI(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 6, Individuals: 2, Now: testNow, PasswordHash: demoHash()}); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return testNow }
	bank := banksim.New(banksim.Options{AutoOpen: true, Now: now})
	bs := httptest.NewServer(bank.Handler())
	t.Cleanup(bs.Close)
	pay := &payment.Service{DB: d, Now: now, Bank: &payment.HTTPBank{BaseURL: bs.URL, Client: &http.Client{Timeout: 500 * time.Millisecond}}}
	a := &API{Auth: auth.NewService(d, now), Payments: pay, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e := &env{t: t, d: d, url: srv.URL}

	var code, name, other string
	e.query(`SELECT t.code, t.name FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin' AND u.role IN ('legal_rep', 'finance')
		WHERE t.kind = 'enterprise' AND EXISTS (SELECT 1 FROM tax_liabilities l WHERE l.taxpayer_id = t.id AND l.settled = 0 AND l.amount > 0) ORDER BY t.id LIMIT 1`, nil, &code, &name)
	e.query(`SELECT code FROM taxpayers WHERE kind = 'enterprise' AND code <> $1 ORDER BY id LIMIT 1`, []any{code}, &other)
	tok := e.taxpayer(code, "admin")

	res := e.do("POST", "/api/v1/my/agreements", tok, map[string]string{"bank_code": "102", "account_name": name, "account_no": "6222020012345678"}, nil)
	if res.status != http.StatusCreated || jstr(t, res.body, "state") != "active" {
		t.Fatalf("agreement: %d %s", res.status, res.body)
	}
	res = e.do("GET", "/api/v1/my/dues", tok, nil, nil)
	dues := decodeInto[struct {
		Items []struct {
			LiabilityID int64 `json:"liability_id"`
			Total       int64 `json:"total"`
		} `json:"items"`
	}](t, res.body)
	if res.status != http.StatusOK || len(dues.Items) < 2 {
		t.Fatalf("dues: %d %s", res.status, res.body)
	}
	body := map[string]any{"liability_ids": []int64{dues.Items[0].LiabilityID}}
	if res = e.do("POST", "/api/v1/my/payments", tok, body, nil); res.status != http.StatusBadRequest {
		t.Errorf("without a key: %d", res.status)
	}
	key := map[string]string{"Idempotency-Key": "api-pay-0001"}
	res = e.do("POST", "/api/v1/my/payments", tok, body, key)
	first := decodeInto[payView](t, res.body)
	if res.status != http.StatusCreated || first.State != "paid" || first.Replayed || first.Amount != dues.Items[0].Total || len(first.Items) != 1 || first.Items[0].VoucherNo == "" {
		t.Fatalf("pay: %d %s", res.status, res.body)
	}
	res = e.do("POST", "/api/v1/my/payments", tok, body, key)
	again := decodeInto[payView](t, res.body)
	if res.status != http.StatusOK || again.ID != first.ID || !again.Replayed {
		t.Fatalf("replay: %d %s", res.status, res.body)
	}
	// The bank does not answer: 201 pending; the retry with the same key
	// learns the outcome, and the bank debited once.
	bank.SetFault(banksim.Fault{Mode: "drop", Ops: "debit", Count: 1})
	body2 := map[string]any{"liability_ids": []int64{dues.Items[1].LiabilityID}}
	key2 := map[string]string{"Idempotency-Key": "api-pay-0002"}
	res = e.do("POST", "/api/v1/my/payments", tok, body2, key2)
	pending := decodeInto[payView](t, res.body)
	if res.status != http.StatusCreated || pending.State != "pending" {
		t.Fatalf("dropped: %d %s", res.status, res.body)
	}
	res = e.do("POST", "/api/v1/my/payments", tok, body2, key2)
	settled := decodeInto[payView](t, res.body)
	if res.status != http.StatusOK || settled.ID != pending.ID || settled.State != "paid" {
		t.Fatalf("retry after drop: %d %s", res.status, res.body)
	}
	if n := len(bank.Debits()); n != 2 {
		t.Errorf("bank debits %d", n)
	}
	path := "/api/v1/my/payments/" + strconv.FormatInt(first.ID, 10)
	if res = e.do("GET", path, tok, nil, nil); res.status != http.StatusOK {
		t.Errorf("own payment: %d", res.status)
	}
	if res = e.do("GET", path, e.taxpayer(other, "admin"), nil, nil); res.status != http.StatusNotFound {
		t.Errorf("another taxpayer's payment: %d", res.status)
	}
	res = e.do("GET", "/api/v1/payments/ledger?day=2026-11-23", e.staff(xiamenAdmin), nil, nil)
	ledger := decodeInto[struct {
		Items []struct {
			VoucherNo string `json:"voucher_no"`
		} `json:"items"`
	}](t, res.body)
	if res.status != http.StatusOK || len(ledger.Items) != 2 {
		t.Errorf("ledger: %d %s", res.status, res.body)
	}
}
