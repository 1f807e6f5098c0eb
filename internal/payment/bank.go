package payment

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Bank is what the hall needs of the tax–treasury–bank link. HTTPBank
// speaks the simulator's protocol (package banksim); an adapter for a real
// bank or for TIPS would implement the same four methods.
//
// The contract on errors: Debit and Query return an error only when the
// outcome is UNKNOWN (no answer, a timeout, a 5xx, a dropped connection).
// A debit the bank refused is not an error: it is a DebitResult with
// Status Failed and the bank's reason.
type Bank interface {
	Verify(ctx context.Context, a Account) (Verification, error)
	Debit(ctx context.Context, d DebitRequest) (DebitResult, error)
	// Query returns the outcome the bank recorded for a request number,
	// or Status Unknown when the bank has no such request.
	Query(ctx context.Context, requestNo string) (DebitResult, error)
	// Statement is the bank's statement file of one day (China time).
	Statement(ctx context.Context, day string) ([]StatementLine, error)
}

// Account is a bank account as a tripartite agreement names it.
type Account struct {
	BankCode string
	Number   string
	Name     string
}

// Verification is the bank's answer to an account check.
type Verification struct {
	Matched bool
	Reason  string
}

// DebitRequest is one debit the hall asks for.
type DebitRequest struct {
	RequestNo   string
	EntrustDate string // the day the hall sends it; the bank refuses another day
	Account     Account
	Amount      int64
	Payer       string // the taxpayer's code
	Memo        string
}

// Debit outcomes.
const (
	Succeeded = "succeeded"
	Refused   = "failed"
	Unknown   = "unknown"
)

// DebitResult is the bank's answer about one request number.
type DebitResult struct {
	RequestNo string
	Status    string // Succeeded, Refused or Unknown
	Reason    string
	BankTxnNo string
	At        time.Time
}

// StatementLine is one row of a bank statement file.
type StatementLine struct {
	RequestNo   string
	EntrustDate string
	BankCode    string
	AccountNo   string
	Amount      int64
	Status      string
	Reason      string
	BankTxnNo   string
}

// HTTPBank is the adapter for the simulator's HTTP API.
type HTTPBank struct {
	BaseURL string
	Client  *http.Client // with a timeout; DefaultBankClient when nil
}

// DefaultBankClient waits 5 seconds for the bank.
var DefaultBankClient = &http.Client{Timeout: 5 * time.Second}

// ErrNoAnswer wraps every failure whose outcome is unknown.
var ErrNoAnswer = errors.New("payment: no definite answer from the bank")

func (b *HTTPBank) client() *http.Client {
	if b.Client != nil {
		return b.Client
	}
	return DefaultBankClient
}

func (b *HTTPBank) do(ctx context.Context, method, path string, in any) (int, []byte, error) {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return 0, nil, err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(b.BaseURL, "/")+path, body)
	if err != nil {
		return 0, nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.client().Do(req) // #nosec G704 -- the bank's address is configuration, not user input
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %v", ErrNoAnswer, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %v", ErrNoAnswer, err)
	}
	if resp.StatusCode >= 500 {
		return resp.StatusCode, raw, fmt.Errorf("%w: HTTP %d", ErrNoAnswer, resp.StatusCode)
	}
	return resp.StatusCode, raw, nil
}

type wireDebit struct {
	RequestNo   string `json:"request_no"`
	EntrustDate string `json:"entrust_date"`
	BankCode    string `json:"bank_code"`
	AccountNo   string `json:"account_no"`
	AccountName string `json:"account_name"`
	Amount      int64  `json:"amount"`
	Payer       string `json:"payer"`
	Memo        string `json:"memo"`
	Status      string `json:"status"`
	Reason      string `json:"reason"`
	BankTxnNo   string `json:"bank_txn_no"`
	At          string `json:"at"`
}

func (w wireDebit) result() (DebitResult, error) {
	r := DebitResult{RequestNo: w.RequestNo, Status: w.Status, Reason: w.Reason, BankTxnNo: w.BankTxnNo}
	if w.At != "" {
		r.At, _ = time.Parse(time.RFC3339, w.At)
	}
	if r.Status != Succeeded && r.Status != Refused {
		return r, fmt.Errorf("%w: status %q", ErrNoAnswer, w.Status)
	}
	return r, nil
}

// Verify asks the bank whether the account exists under that name.
func (b *HTTPBank) Verify(ctx context.Context, a Account) (Verification, error) {
	status, raw, err := b.do(ctx, "POST", "/v1/accounts/verify", map[string]string{"bank_code": a.BankCode, "account_no": a.Number, "account_name": a.Name})
	if err != nil {
		return Verification{}, err
	}
	if status != http.StatusOK {
		return Verification{}, fmt.Errorf("%w: verify HTTP %d", ErrNoAnswer, status)
	}
	var v struct {
		Matched bool   `json:"matched"`
		Reason  string `json:"reason"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return Verification{}, fmt.Errorf("%w: %v", ErrNoAnswer, err)
	}
	return Verification(v), nil
}

// Debit sends one debit request.
func (b *HTTPBank) Debit(ctx context.Context, d DebitRequest) (DebitResult, error) {
	status, raw, err := b.do(ctx, "POST", "/v1/debits", wireDebit{RequestNo: d.RequestNo, EntrustDate: d.EntrustDate, BankCode: d.Account.BankCode,
		AccountNo: d.Account.Number, AccountName: d.Account.Name, Amount: d.Amount, Payer: d.Payer, Memo: d.Memo})
	if err != nil {
		return DebitResult{}, err
	}
	if status != http.StatusOK {
		return DebitResult{}, fmt.Errorf("%w: debit HTTP %d: %s", ErrNoAnswer, status, bytes.TrimSpace(raw))
	}
	var w wireDebit
	if err := json.Unmarshal(raw, &w); err != nil {
		return DebitResult{}, fmt.Errorf("%w: %v", ErrNoAnswer, err)
	}
	return w.result()
}

// Query asks what happened to a request number.
func (b *HTTPBank) Query(ctx context.Context, requestNo string) (DebitResult, error) {
	status, raw, err := b.do(ctx, "GET", "/v1/debits/"+url.PathEscape(requestNo), nil)
	if err != nil {
		return DebitResult{}, err
	}
	if status == http.StatusNotFound {
		return DebitResult{RequestNo: requestNo, Status: Unknown}, nil
	}
	if status != http.StatusOK {
		return DebitResult{}, fmt.Errorf("%w: query HTTP %d", ErrNoAnswer, status)
	}
	var w wireDebit
	if err := json.Unmarshal(raw, &w); err != nil {
		return DebitResult{}, fmt.Errorf("%w: %v", ErrNoAnswer, err)
	}
	return w.result()
}

// Statement downloads and parses the statement file of day.
func (b *HTTPBank) Statement(ctx context.Context, day string) ([]StatementLine, error) {
	status, raw, err := b.do(ctx, "GET", "/v1/statements/"+url.PathEscape(day), nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("%w: statement HTTP %d", ErrNoAnswer, status)
	}
	return ParseStatement(bytes.NewReader(raw))
}

// ParseStatement reads a statement file (CSV with the header row of
// banksim.StatementHeader).
func ParseStatement(r io.Reader) ([]StatementLine, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("statement file: %w", err)
	}
	if len(rows) == 0 || len(rows[0]) < 8 || rows[0][0] != "request_no" {
		return nil, errors.New("statement file: missing header row")
	}
	out := make([]StatementLine, 0, len(rows)-1)
	for i, row := range rows[1:] {
		if len(row) < 8 {
			return nil, fmt.Errorf("statement file: row %d has %d fields", i+2, len(row))
		}
		amount, err := strconv.ParseInt(row[4], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("statement file: row %d amount: %w", i+2, err)
		}
		out = append(out, StatementLine{RequestNo: row[0], EntrustDate: row[1], BankCode: row[2], AccountNo: row[3], Amount: amount,
			Status: row[5], Reason: row[6], BankTxnNo: row[7]})
	}
	return out, nil
}
