package banksim

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Handler serves the bank's HTTP API (see the package comment).
func (b *Bank) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/accounts/verify", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			BankCode    string `json:"bank_code"`
			AccountNo   string `json:"account_no"`
			AccountName string `json:"account_name"`
		}
		if !decode(w, r, &in) {
			return
		}
		b.serve(w, r, "verify", func() (int, any) {
			return http.StatusOK, b.Verify(in.BankCode, in.AccountNo, in.AccountName)
		})
	})
	mux.HandleFunc("POST /v1/debits", func(w http.ResponseWriter, r *http.Request) {
		var in Debit
		if !decode(w, r, &in) {
			return
		}
		in.Status, in.Reason, in.BankTxnNo, in.At, in.Day = "", "", "", "", ""
		b.serve(w, r, "debit", func() (int, any) {
			d, err := b.DoDebit(in)
			if errors.Is(err, ErrConflict) {
				return http.StatusConflict, map[string]string{"error": err.Error()}
			}
			return http.StatusOK, d
		})
	})
	mux.HandleFunc("GET /v1/debits/{request_no}", func(w http.ResponseWriter, r *http.Request) {
		reqNo := r.PathValue("request_no")
		b.serve(w, r, "query", func() (int, any) {
			d, ok := b.Lookup(reqNo)
			if !ok {
				return http.StatusNotFound, map[string]string{"request_no": reqNo, "status": "unknown"}
			}
			return http.StatusOK, d
		})
	})
	mux.HandleFunc("GET /v1/statements/{day}", func(w http.ResponseWriter, r *http.Request) {
		day := r.PathValue("day")
		if _, err := time.Parse("2006-01-02", day); err != nil {
			http.Error(w, "bad date", http.StatusBadRequest)
			return
		}
		b.serve(w, r, "statement", func() (int, any) { return http.StatusOK, statementCSV(b.Statement(day)) })
	})
	mux.HandleFunc("POST /admin/accounts", func(w http.ResponseWriter, r *http.Request) {
		var a Account
		if !decode(w, r, &a) {
			return
		}
		b.Open(a)
		writeJSON(w, http.StatusOK, a)
	})
	mux.HandleFunc("POST /admin/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		if !decode(w, r, &f) {
			return
		}
		switch f.Mode {
		case "", "slow", "timeout", "error", "drop":
		default:
			http.Error(w, "mode must be slow, timeout, error, drop or empty", http.StatusBadRequest)
			return
		}
		b.SetFault(f)
		writeJSON(w, http.StatusOK, f)
	})
	mux.HandleFunc("GET /admin/debits", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, b.Debits())
	})
	b.creditRoutes(mux)
	return mux
}

// csvBody is a statement file: written as text/csv, not JSON.
type csvBody [][]string

// StatementHeader is the first row of a statement file.
var StatementHeader = []string{"request_no", "entrust_date", "bank_code", "account_no", "amount", "status", "reason", "bank_txn_no", "at"}

func statementCSV(ds []Debit) csvBody {
	rows := csvBody{StatementHeader}
	for _, d := range ds {
		rows = append(rows, []string{d.RequestNo, d.EntrustDate, d.BankCode, d.AccountNo, strconv.FormatInt(d.Amount, 10), d.Status, d.Reason, d.BankTxnNo, d.At})
	}
	return rows
}

// serve applies the current fault of op around do.
func (b *Bank) serve(w http.ResponseWriter, r *http.Request, op string, do func() (int, any)) {
	f := b.takeFault(op)
	delay := time.Duration(f.DelayMS) * time.Millisecond
	switch f.Mode {
	case "slow":
		time.Sleep(delay)
	case "error":
		http.Error(w, "simulated bank error", http.StatusInternalServerError)
		return
	case "timeout":
		if delay == 0 {
			delay = time.Minute
		}
		select {
		case <-r.Context().Done():
		case <-time.After(delay):
		}
		// The bank got the request: it acts on it although nobody hears
		// the answer.
		do()
		return
	case "drop":
		do()
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	status, body := do()
	if rows, ok := body.(csvBody); ok {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.WriteHeader(status)
		_ = csv.NewWriter(w).WriteAll(rows)
		return
	}
	writeJSON(w, status, body)
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
