package banksim_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"taxhall/internal/banksim"
	"taxhall/internal/payment"
)

func setup(t *testing.T) (*banksim.Bank, *payment.HTTPBank, string) {
	t.Helper()
	b := banksim.New(banksim.Options{})
	srv := httptest.NewServer(b.Handler())
	t.Cleanup(srv.Close)
	b.Open(banksim.Account{BankCode: "102", Number: "6222001", Name: "甲公司", Balance: 10000})
	return b, &payment.HTTPBank{BaseURL: srv.URL, Client: &http.Client{Timeout: 300 * time.Millisecond}}, time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
}

func TestVerifyAndDebit(t *testing.T) {
	b, c, today := setup(t)
	ctx := context.Background()
	for _, tc := range []struct {
		acct    payment.Account
		matched bool
		reason  string
	}{
		{payment.Account{BankCode: "102", Number: "6222001", Name: "甲公司"}, true, ""},
		{payment.Account{BankCode: "102", Number: "6222001", Name: "乙公司"}, false, "户名与账号不符"},
		{payment.Account{BankCode: "105", Number: "6222001", Name: "甲公司"}, false, "账户不存在"},
	} {
		v, err := c.Verify(ctx, tc.acct)
		if err != nil || v.Matched != tc.matched || v.Reason != tc.reason {
			t.Errorf("verify %+v: %+v %v", tc.acct, v, err)
		}
	}
	acct := payment.Account{BankCode: "102", Number: "6222001", Name: "甲公司"}
	r, err := c.Debit(ctx, payment.DebitRequest{RequestNo: "R1", EntrustDate: today, Account: acct, Amount: 6000})
	if err != nil || r.Status != payment.Succeeded || r.BankTxnNo == "" {
		t.Fatalf("debit: %+v %v", r, err)
	}
	// The same number again: the first outcome, no second debit.
	r2, err := c.Debit(ctx, payment.DebitRequest{RequestNo: "R1", EntrustDate: today, Account: acct, Amount: 6000})
	if err != nil || r2 != r {
		t.Fatalf("repeat: %+v %v", r2, err)
	}
	if bal := b.Balance("102", "6222001"); bal != 4000 {
		t.Fatalf("balance %d", bal)
	}
	r3, err := c.Debit(ctx, payment.DebitRequest{RequestNo: "R2", EntrustDate: today, Account: acct, Amount: 6000})
	if err != nil || r3.Status != payment.Refused || r3.Reason != "余额不足" {
		t.Fatalf("insufficient: %+v %v", r3, err)
	}
	r4, err := c.Debit(ctx, payment.DebitRequest{RequestNo: "R3", EntrustDate: "2020-01-01", Account: acct, Amount: 1})
	if err != nil || r4.Status != payment.Refused {
		t.Fatalf("stale entrust date: %+v %v", r4, err)
	}
	q, err := c.Query(ctx, "R1")
	if err != nil || q.Status != payment.Succeeded || q.BankTxnNo != r.BankTxnNo {
		t.Fatalf("query: %+v %v", q, err)
	}
	if q, err := c.Query(ctx, "nope"); err != nil || q.Status != payment.Unknown {
		t.Fatalf("query unknown: %+v %v", q, err)
	}
	lines, err := c.Statement(ctx, today)
	if err != nil || len(lines) != 3 || lines[0].RequestNo != "R1" || lines[0].Amount != 6000 || lines[0].Status != payment.Succeeded {
		t.Fatalf("statement: %+v %v", lines, err)
	}
}

func TestFaults(t *testing.T) {
	b, c, today := setup(t)
	ctx := context.Background()
	acct := payment.Account{BankCode: "102", Number: "6222001", Name: "甲公司"}
	debit := func(n string) (payment.DebitResult, error) {
		return c.Debit(ctx, payment.DebitRequest{RequestNo: n, EntrustDate: today, Account: acct, Amount: 100})
	}
	// error: 500, nothing debited.
	b.SetFault(banksim.Fault{Mode: "error", Ops: "debit", Count: 1})
	if _, err := debit("E"); !errors.Is(err, payment.ErrNoAnswer) {
		t.Fatalf("error fault: %v", err)
	}
	if _, ok := b.Lookup("E"); ok {
		t.Fatal("error fault debited")
	}
	// drop: debited, no answer.
	b.SetFault(banksim.Fault{Mode: "drop", Ops: "debit", Count: 1})
	if _, err := debit("D"); !errors.Is(err, payment.ErrNoAnswer) {
		t.Fatalf("drop fault: %v", err)
	}
	if d, ok := b.Lookup("D"); !ok || d.Status != "succeeded" {
		t.Fatalf("drop fault did not debit: %+v", d)
	}
	// timeout: the client gives up, the bank debits anyway.
	b.SetFault(banksim.Fault{Mode: "timeout", Ops: "debit", Count: 1})
	if _, err := debit("T"); !errors.Is(err, payment.ErrNoAnswer) {
		t.Fatalf("timeout fault: %v", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		if _, ok := b.Lookup("T"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("timeout fault never debited")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// slow: answered within the client's patience.
	b.SetFault(banksim.Fault{Mode: "slow", DelayMS: 50})
	if r, err := debit("S"); err != nil || r.Status != payment.Succeeded {
		t.Fatalf("slow: %+v %v", r, err)
	}
	b.SetFault(banksim.Fault{})
	// Concurrent repeats of one number: one debit.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = debit("C") }()
	}
	wg.Wait()
	if bal := b.Balance("102", "6222001"); bal != 10000-4*100 {
		t.Fatalf("balance %d after D, T, S, C", bal)
	}
}
