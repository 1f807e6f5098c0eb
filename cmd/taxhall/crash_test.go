package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

// TestCrashWhilePaying is the crash drill of the payment issue: the hall
// (the real binary, `taxhall serve`) pays through an external bank
// simulator that answers slowly; while payments are in flight the hall is
// killed with SIGKILL. It is started again on the same database, clients
// retry with their Idempotency-Keys, and the reconciliation jobs settle
// what was pending. Then: bank debits = hall payments paid (by request
// number and amount), nothing pending, no liability paid twice.
func TestCrashWhilePaying(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "taxhall")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 4, Individuals: 1, Now: time.Now().Add(-time.Hour), PasswordHash: auth.HashPassword(demo.Password)}); err != nil {
			t.Fatal(err)
		}
		bank := banksim.New(banksim.Options{AutoOpen: true})
		bs := httptest.NewServer(bank.Handler())
		defer bs.Close()

		// Every enterprise with unpaid tax gets an agreement (in force at
		// the bank) and one client per unpaid item.
		type client struct {
			taxpayer, liability int64
			key                 string
		}
		var clients []client
		rows, err := d.QueryContext(ctx, `SELECT t.id, t.name, l.id FROM taxpayers t JOIN tax_liabilities l ON l.taxpayer_id = t.id AND l.settled = 0 AND l.amount > 0
			WHERE t.kind = 'enterprise' ORDER BY t.id, l.id`)
		if err != nil {
			t.Fatal(err)
		}
		signed := map[int64]bool{}
		for rows.Next() {
			var tp, liab int64
			var name string
			if err := rows.Scan(&tp, &name, &liab); err != nil {
				t.Fatal(err)
			}
			if !signed[tp] {
				signed[tp] = true
				no := demo.DemoAccountNo(tp)
				bank.Open(banksim.Account{BankCode: "102", Number: no, Name: name, Balance: demo.DemoBalance})
				if _, err := d.ExecContext(ctx, `INSERT INTO bank_agreements (taxpayer_id, agreement_no, bank_code, account_name, account_no, state, created_by, created_by_name, created_at, verified_at)
					VALUES ($1, $2, '102', $3, $4, 'active', 0, '演练', $5, $5)`, tp, fmt.Sprintf("SFCRASH%06d", tp), name, no, db.TS(time.Now())); err != nil {
					t.Fatal(err)
				}
			}
			clients = append(clients, client{taxpayer: tp, liability: liab, key: fmt.Sprintf("crash-%d-%d", tp, liab)})
		}
		rows.Close()
		if len(clients) < 6 {
			t.Fatalf("only %d unpaid items in the demo", len(clients))
		}

		start := func() (*exec.Cmd, string, *bytes.Buffer) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			var logs bytes.Buffer
			cmd := exec.Command(bin, "serve", "--db", d.DSN(), "--addr", addr, "--bank-url", bs.URL, "--payment-retry", "300ms", "--log-level", "warn") // #nosec G204 -- the binary just built
			cmd.Stdout, cmd.Stderr = &logs, &logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			base := "http://" + addr
			for i := 0; ; i++ {
				resp, err := http.Get(base + "/healthz")
				if err == nil {
					resp.Body.Close()
					break
				}
				if i > 200 {
					t.Fatalf("hall did not start: %v\n%s", err, logs.String())
				}
				time.Sleep(50 * time.Millisecond)
			}
			return cmd, base, &logs
		}

		hall, base, logs := start()
		tokens := map[int64]string{}
		for tp := range signed {
			var code string
			if err := d.QueryRowContext(ctx, `SELECT code FROM taxpayers WHERE id = $1`, tp).Scan(&code); err != nil {
				t.Fatal(err)
			}
			tokens[tp] = login(t, base, code)
		}

		// The bank is slow: the hall is killed while debits wait for it,
		// some of which the bank completes after the hall is gone.
		bank.SetFault(banksim.Fault{Mode: "slow", DelayMS: 400, Ops: "debit"})
		var wg sync.WaitGroup
		for _, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _ = pay(base, tokens[c.taxpayer], c.key, c.liability)
			}()
		}
		time.Sleep(250 * time.Millisecond)
		if err := hall.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = hall.Wait()
		wg.Wait()
		t.Logf("killed the hall with debits in flight: bank had %d debits", len(bank.Debits()))
		time.Sleep(500 * time.Millisecond) // the slow debits complete at the bank
		bank.SetFault(banksim.Fault{})
		pendingAfterKill := count(t, d, `SELECT COUNT(*) FROM payments WHERE state = 'pending'`)

		hall, base, logs = start()
		defer func() {
			_ = hall.Process.Signal(syscall.SIGTERM)
			_ = hall.Wait()
			if t.Failed() {
				t.Logf("hall log:\n%s", logs.String())
			}
		}()
		// Half of the clients retry (a browser's retry after the error):
		// the same key is the same payment, never a second debit.
		for i, c := range clients {
			if i%2 == 0 {
				for tp := range tokens {
					if tp == c.taxpayer {
						status, err := pay(base, tokens[tp], c.key, c.liability)
						if err != nil || status >= 500 {
							t.Errorf("retry %s: %d %v", c.key, status, err)
						}
					}
				}
			}
		}
		deadline := time.Now().Add(60 * time.Second)
		for count(t, d, `SELECT COUNT(*) FROM payments WHERE state = 'pending'`) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%d payments still pending a minute after the restart", count(t, d, `SELECT COUNT(*) FROM payments WHERE state = 'pending'`))
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("pending after the kill %d; payments %d (paid %d, by the job %d); bank debits %d", pendingAfterKill,
			count(t, d, `SELECT COUNT(*) FROM payments`), count(t, d, `SELECT COUNT(*) FROM payments WHERE state = 'paid'`),
			count(t, d, `SELECT COUNT(*) FROM payments WHERE settled_by = 'query'`), len(bank.Debits()))

		// The equalities.
		hallPaid := map[string]int64{}
		prow, err := d.QueryContext(ctx, `SELECT request_no, amount FROM payments WHERE state = 'paid'`)
		if err != nil {
			t.Fatal(err)
		}
		for prow.Next() {
			var r string
			var a int64
			if err := prow.Scan(&r, &a); err != nil {
				t.Fatal(err)
			}
			hallPaid[r] = a
		}
		prow.Close()
		bankOK := map[string]int64{}
		for _, x := range bank.Debits() {
			if x.Status == "succeeded" {
				bankOK[x.RequestNo] = x.Amount
			}
		}
		if len(bankOK) != len(hallPaid) || len(bankOK) == 0 {
			t.Errorf("bank debits %d, hall paid %d", len(bankOK), len(hallPaid))
		}
		for r, a := range bankOK {
			if hallPaid[r] != a {
				t.Errorf("%s: bank %d, hall %d", r, a, hallPaid[r])
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM (SELECT i.liability_id FROM payment_items i JOIN payments p ON p.id = i.payment_id
			WHERE p.state = 'paid' GROUP BY i.liability_id HAVING COUNT(*) > 1) x`); n != 0 {
			t.Errorf("%d liabilities paid twice", n)
		}
		if a, b := count(t, d, `SELECT COUNT(*) FROM payment_items WHERE voucher_no IS NOT NULL`),
			count(t, d, `SELECT COUNT(*) FROM payment_items i JOIN payments p ON p.id = i.payment_id WHERE p.state = 'paid'`); a != b {
			t.Errorf("vouchers %d, items paid %d", a, b)
		}
		if a, b := count(t, d, `SELECT COUNT(*) FROM payments WHERE idem_key LIKE 'crash-%'`), int64(len(clients)); a > b {
			t.Errorf("%d payments for %d clients", a, b)
		}
	})
}

func count(t *testing.T, d *db.DB, q string) int64 {
	t.Helper()
	var n int64
	if err := d.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func login(t *testing.T, base, code string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"kind": "taxpayer", "code": code, "username": "admin", "password": demo.Password})
	resp, err := http.Post(base+"/api/v1/auth/token", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil || out.Token == "" {
		t.Fatalf("login %s: %d %s", code, resp.StatusCode, raw)
	}
	return out.Token
}

func pay(base, token, key string, liability int64) (int, error) {
	body, _ := json.Marshal(map[string]any{"liability_ids": []int64{liability}})
	req, _ := http.NewRequest("POST", base+"/api/v1/my/payments", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}
