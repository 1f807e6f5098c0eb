package payment_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/payment"
)

// BenchmarkPay measures payments per second through the bank simulator
// over HTTP: each operation is one Pay of one liability (commit pending,
// debit, settle with voucher, liability, treasury and message), one
// taxpayer after another ("serial") and from 4 goroutines ("parallel").
//
//	go test -run ^$ -bench BenchmarkPay -benchtime 200x -count 5 ./internal/payment/
func BenchmarkPay(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			var d *db.DB
			if dialect == "sqlite" {
				d = dbtest.NewSQLite(b)
			} else {
				d = dbtest.NewPostgres(b)
			}
			benchPay(b, d)
		})
	}
}

func benchPay(b *testing.B, d *db.DB) {
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 4, Individuals: 1, Now: time.Now().Add(-time.Hour), PasswordHash: "x"}); err != nil {
		b.Fatal(err)
	}
	bank := banksim.New(banksim.Options{})
	srv := httptest.NewServer(bank.Handler())
	b.Cleanup(srv.Close)
	svc := &payment.Service{DB: d, Bank: &payment.HTTPBank{BaseURL: srv.URL, Client: &http.Client{Timeout: 5 * time.Second}}}
	rows, err := d.QueryContext(ctx, `SELECT t.id, t.code, t.name, t.bureau_id FROM taxpayers t WHERE t.kind = 'enterprise' ORDER BY t.id LIMIT 4`)
	if err != nil {
		b.Fatal(err)
	}
	type payer struct {
		ctx    context.Context
		id     int64
		bureau int64
	}
	var payers []*payer
	for rows.Next() {
		a := &auth.Actor{Kind: auth.Taxpayer, TaxpayerKind: "enterprise", Role: auth.TPLegalRep, Name: "基准"}
		var bureau int64
		if err := rows.Scan(&a.TaxpayerID, &a.TaxpayerCode, &a.TaxpayerName, &bureau); err != nil {
			b.Fatal(err)
		}
		payers = append(payers, &payer{ctx: auth.WithActor(ctx, a), id: a.TaxpayerID, bureau: bureau})
	}
	rows.Close()
	for i, p := range payers {
		no := fmt.Sprintf("62229999%08d", i)
		name := auth.ActorFrom(p.ctx).TaxpayerName
		bank.Open(banksim.Account{BankCode: "102", Number: no, Name: name, Balance: 1 << 60})
		if _, err := svc.Sign(p.ctx, payment.SignInput{BankCode: "102", AccountName: name, AccountNo: no}); err != nil {
			b.Fatal(err)
		}
	}
	seq := 0
	// liabilities makes n unpaid liabilities for p (on returns rows of a
	// fictitious form, one period each).
	liabilities := func(p *payer, n int) []int64 {
		var ids []int64
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			ids = ids[:0]
			for range n {
				seq++
				start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, seq).Format("2006-01-02")
				var rid, lid int64
				if err := tx.QueryRowContext(ctx, `INSERT INTO returns (taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, deadline, tax_due, difference,
					doc, sha256, rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at)
					VALUES ($1, $2, 'bench', 'vat_small', $3, $3, 1, $3, 10000, 10000, '{}', '', 'bench', $4, $4, 0, '基准', $5) RETURNING id`,
					p.id, p.bureau, start, fmt.Sprintf("BENCH%d-%d", p.id, seq), db.TS(time.Now())).Scan(&rid); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `INSERT INTO tax_liabilities (taxpayer_id, return_id, tax_type, period_start, period_end, deadline, amount, created_at)
					VALUES ($1, $2, 'vat_small', $3, $3, '2999-12-31', 10000, $4) RETURNING id`, p.id, rid, start, db.TS(time.Now())).Scan(&lid); err != nil {
					return err
				}
				ids = append(ids, lid)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		return ids
	}
	var keys atomic.Int64
	payOne := func(p *payer, id int64) {
		pm, err := svc.Pay(p.ctx, payment.PayInput{LiabilityIDs: []int64{id}, IdemKey: fmt.Sprintf("bench-%d", keys.Add(1))})
		if err != nil || pm.State != payment.Paid {
			b.Fatalf("pay: %+v %v", pm, err)
		}
	}
	b.Run("serial", func(b *testing.B) {
		ids := liabilities(payers[0], b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			payOne(payers[0], ids[i])
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "payments/s")
	})
	b.Run("parallel4", func(b *testing.B) {
		type job struct {
			p  *payer
			id int64
		}
		var work []job
		for i, p := range payers {
			for _, id := range liabilities(p, b.N/len(payers)+1) {
				work = append(work, job{payers[i], id})
			}
		}
		// Round robin over the taxpayers.
		var order []job
		for i := range b.N/len(payers) + 1 {
			for k := range payers {
				order = append(order, work[k*(b.N/len(payers)+1)+i])
			}
		}
		var next atomic.Int64
		b.SetParallelism(2) // 4 goroutines on this 2-CPU machine
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				j := order[next.Add(1)-1]
				payOne(j.p, j.id)
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "payments/s")
	})
	if bank.Balance("102", "6222999900000000") < 0 {
		b.Fatal("no account")
	}
}
