package banksim

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Credits (退库/退税入账): the treasury pays a refund into a taxpayer's
// account at the hall's request. The same guarantees as debits: the bank
// deduplicates by request number (the same number never credits twice and
// always answers the first outcome), refuses a credit whose entrust date
// is not its today, and the same faults apply (ops "credit" for the credit
// itself, "query" for the question).
//
//	POST /v1/credits          {request_no, entrust_date, bank_code, account_no, account_name, amount, payer, memo}
//	                          → {request_no, status: "succeeded"|"failed", reason, bank_txn_no, at}
//	GET  /v1/credits/{request_no}                                        → the same, or 404 {status: "unknown"}
//	GET  /v1/credit-statements/{date}                                    → text/csv, every credit of that day
//	GET  /admin/credits                                                  → every credit, for tests

// DoCredit credits once per request number and returns the outcome (the
// first one, for a repeated number). Payer is the payee's taxpayer code.
func (b *Bank) DoCredit(c Debit) (Debit, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok, err := b.credits.repeat(c); ok {
		return old, err
	}
	now := b.opts.Now().In(china)
	c.Day = now.Format("2006-01-02")
	c.At = now.Format(time.RFC3339)
	c.Received = 1
	a := b.accounts[key(c.BankCode, c.AccountNo)]
	switch {
	case c.RequestNo == "" || c.Amount <= 0:
		c.Status, c.Reason = "failed", "请求要素不全"
	case c.EntrustDate != c.Day:
		c.Status, c.Reason = "failed", "委托日期不是当日"
	case a == nil || a.Closed:
		c.Status, c.Reason = "failed", "账户不存在或已销户"
	case a.Name != c.AccountName:
		c.Status, c.Reason = "failed", "户名与账号不符"
	default:
		a.Balance += c.Amount
		b.txnSeq++
		c.Status = "succeeded"
		c.BankTxnNo = fmt.Sprintf("C%s%08d%s", now.Format("20060102"), b.txnSeq, randHex(2))
	}
	b.credits.add(c)
	return c, nil
}

// LookupCredit returns the recorded credit of a request number.
func (b *Bank) LookupCredit(requestNo string) (Debit, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.credits.get(requestNo)
}

// Credits lists every credit request the bank recorded, in order.
func (b *Bank) Credits() []Debit {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.credits.list()
}

// CreditStatement lists the credits of one day, by request number.
func (b *Bank) CreditStatement(day string) []Debit { return statement(b.Credits(), day) }

func (b *Bank) creditRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/credits", func(w http.ResponseWriter, r *http.Request) {
		var in Debit
		if !decode(w, r, &in) {
			return
		}
		in.Status, in.Reason, in.BankTxnNo, in.At, in.Day = "", "", "", "", ""
		b.serve(w, r, "credit", func() (int, any) {
			c, err := b.DoCredit(in)
			if errors.Is(err, ErrConflict) {
				return http.StatusConflict, map[string]string{"error": err.Error()}
			}
			return http.StatusOK, c
		})
	})
	mux.HandleFunc("GET /v1/credits/{request_no}", func(w http.ResponseWriter, r *http.Request) {
		reqNo := r.PathValue("request_no")
		b.serve(w, r, "query", func() (int, any) {
			c, ok := b.LookupCredit(reqNo)
			if !ok {
				return http.StatusNotFound, map[string]string{"request_no": reqNo, "status": "unknown"}
			}
			return http.StatusOK, c
		})
	})
	mux.HandleFunc("GET /v1/credit-statements/{day}", func(w http.ResponseWriter, r *http.Request) {
		day := r.PathValue("day")
		if _, err := time.Parse("2006-01-02", day); err != nil {
			http.Error(w, "bad date", http.StatusBadRequest)
			return
		}
		b.serve(w, r, "statement", func() (int, any) { return http.StatusOK, statementCSV(b.CreditStatement(day)) })
	})
	mux.HandleFunc("GET /admin/credits", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, b.Credits())
	})
}
