package banksim

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
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
//	GET  /admin/credits                                                  → every credit, for tests

// DoCredit credits once per request number and returns the outcome (the
// first one, for a repeated number). Payer is the payee's taxpayer code.
func (b *Bank) DoCredit(c Debit) (Debit, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.credits == nil {
		b.credits = map[string]*Debit{}
	}
	if old := b.credits[c.RequestNo]; old != nil {
		old.Received++
		if old.AccountNo != c.AccountNo || old.Amount != c.Amount || old.BankCode != c.BankCode {
			return *old, ErrConflict
		}
		return *old, nil
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
	x := c
	b.credits[c.RequestNo] = &x
	b.creditOrder = append(b.creditOrder, c.RequestNo)
	return c, nil
}

// LookupCredit returns the recorded credit of a request number.
func (b *Bank) LookupCredit(requestNo string) (Debit, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.credits[requestNo]
	if c == nil {
		return Debit{}, false
	}
	return *c, true
}

// Credits lists every credit request the bank recorded, in order.
func (b *Bank) Credits() []Debit {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Debit, 0, len(b.creditOrder))
	for _, r := range b.creditOrder {
		out = append(out, *b.credits[r])
	}
	return out
}

// CreditStatement lists the credits of one day, by request number.
func (b *Bank) CreditStatement(day string) []Debit {
	var out []Debit
	for _, c := range b.Credits() {
		if c.Day == day {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RequestNo < out[j].RequestNo })
	return out
}

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
	mux.HandleFunc("GET /admin/credits", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, b.Credits())
	})
}
