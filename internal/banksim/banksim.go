// Package banksim is a bank simulator for the tax–treasury–bank link
// (财税库银横向联网): an HTTP service that verifies accounts for tripartite
// agreements, debits taxpayers' accounts at the hall's request, answers
// "what happened to request N?" and serves each day's statement file. It is
// "the bank", not part of the hall: the hall talks to it only over HTTP
// through payment.HTTPBank, which an adapter for a real bank would replace.
//
// Run it alone with `taxhall banksim --addr 127.0.0.1:8090`; `taxhall serve
// --demo` starts one in-process when no --bank-url is given.
//
// State: in memory only. Accounts, balances and debits live as long as the
// process; a restarted simulator is a new, empty bank (the demo opens its
// accounts again). That is enough for demonstrations and tests, where the
// hall is what crashes, not the bank.
//
// Protocol (JSON unless said; amounts in fen; dates YYYY-MM-DD, China time):
//
//	POST /v1/accounts/verify  {bank_code, account_no, account_name}      → {matched, reason}
//	POST /v1/debits           {request_no, entrust_date, bank_code, account_no, account_name, amount, payer, memo}
//	                          → {request_no, status: "succeeded"|"failed", reason, bank_txn_no, at}
//	GET  /v1/debits/{request_no}                                         → the same, or 404 {status: "unknown"}
//	GET  /v1/statements/{date}                                           → text/csv, every debit of that day
//	POST /admin/accounts      {bank_code, account_no, account_name, balance}   opens or tops up an account
//	POST /admin/faults        {mode, delay_ms, ops, count}                     sets the fault (mode "" clears it)
//	GET  /admin/debits                                                   → every debit, for tests
//
// and the credits of refunds (退库), with the same guarantees: see credit.go.
//
// The bank deduplicates by request number: the same number never debits
// twice and always answers the first outcome. A debit whose entrust date is
// not the bank's today is refused, so a request of day D can only ever be
// debited on day D and the statement of D settles it for good.
//
// Faults (set at runtime by POST /admin/faults or Bank.SetFault):
//
//	slow     wait delay_ms, then answer normally
//	timeout  hang until the client gives up (or delay_ms, default 60 s), then
//	         process the request anyway: the bank got it, the answer is lost
//	error    answer 500 without doing anything
//	drop     process the request, then close the connection without answering
//
// ops limits the fault to "verify", "debit", "credit", "query" or "statement" (comma
// separated; empty means all) and count to the next N matching requests (0:
// until cleared).
package banksim

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// China time decides the day of a debit and of a statement.
var china = time.FixedZone("CST", 8*3600)

// Account is an account at the bank.
type Account struct {
	BankCode string `json:"bank_code"`
	Number   string `json:"account_no"`
	Name     string `json:"account_name"`
	Balance  int64  `json:"balance"`
	Closed   bool   `json:"closed,omitempty"`
}

// Debit is a debit request as the bank recorded it.
type Debit struct {
	RequestNo   string `json:"request_no"`
	EntrustDate string `json:"entrust_date"`
	BankCode    string `json:"bank_code"`
	AccountNo   string `json:"account_no"`
	AccountName string `json:"account_name"`
	Amount      int64  `json:"amount"`
	Payer       string `json:"payer"`
	Memo        string `json:"memo"`
	Status      string `json:"status"` // succeeded or failed
	Reason      string `json:"reason"`
	BankTxnNo   string `json:"bank_txn_no"`
	At          string `json:"at"`  // RFC 3339
	Day         string `json:"day"` // the statement day
	Received    int    `json:"-"`   // how many requests carried this number
}

// Fault is the failure the bank simulates.
type Fault struct {
	Mode    string `json:"mode"` // "", slow, timeout, error, drop
	DelayMS int    `json:"delay_ms"`
	Ops     string `json:"ops"`   // verify,debit,query,statement; "" all
	Count   int    `json:"count"` // next N matching requests; 0 until cleared
}

// Options configure a Bank.
type Options struct {
	// AutoOpen: verifying an unknown account opens it with the name given
	// and AutoBalance (the demo's convenience: any account a visitor types
	// exists). Numbers ending in "0000" are never opened, so the demo can
	// show 账户不存在.
	AutoOpen    bool
	AutoBalance int64
	Now         func() time.Time
}

// Bank is the simulated bank.
type Bank struct {
	opts     Options
	mu       sync.Mutex
	accounts map[string]*Account // bank code + "/" + number
	debits   book                // taxes taken from accounts
	credits  book                // refunds paid into accounts (credit.go)
	fault    Fault
	txnSeq   int64
}

// book is the bank's record of one kind of request, debits or credits: by
// request number, in the order received. The Bank's mutex guards it.
type book struct {
	by    map[string]*Debit
	order []string
}

// repeat answers a request number already recorded with its first outcome
// (ErrConflict if the repeat names another account or amount); ok is false
// for a new number.
func (k *book) repeat(d Debit) (_ Debit, ok bool, err error) {
	old := k.by[d.RequestNo]
	if old == nil {
		return Debit{}, false, nil
	}
	old.Received++
	if old.AccountNo != d.AccountNo || old.Amount != d.Amount || old.BankCode != d.BankCode {
		return *old, true, ErrConflict
	}
	return *old, true, nil
}

func (k *book) add(d Debit) {
	if k.by == nil {
		k.by = map[string]*Debit{}
	}
	k.by[d.RequestNo] = &d
	k.order = append(k.order, d.RequestNo)
}

func (k *book) get(requestNo string) (Debit, bool) {
	d := k.by[requestNo]
	if d == nil {
		return Debit{}, false
	}
	return *d, true
}

func (k *book) list() []Debit {
	out := make([]Debit, 0, len(k.order))
	for _, r := range k.order {
		out = append(out, *k.by[r])
	}
	return out
}

// statement lists the requests of one day, by request number.
func statement(all []Debit, day string) []Debit {
	var out []Debit
	for _, d := range all {
		if d.Day == day {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RequestNo < out[j].RequestNo })
	return out
}

// New returns an empty bank.
func New(o Options) *Bank {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.AutoBalance == 0 {
		o.AutoBalance = 1_000_000_000_00 // ¥1 000 000 000.00
	}
	return &Bank{opts: o, accounts: map[string]*Account{}}
}

func key(bank, number string) string { return bank + "/" + number }

// Open opens an account, or replaces its name and balance.
func (b *Bank) Open(a Account) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := a
	b.accounts[key(a.BankCode, a.Number)] = &c
}

// Balance returns an account's balance, or -1 when there is none.
func (b *Bank) Balance(bank, number string) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if a := b.accounts[key(bank, number)]; a != nil {
		return a.Balance
	}
	return -1
}

// SetFault sets the fault simulated from now on; Fault{} clears it.
func (b *Bank) SetFault(f Fault) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fault = f
}

// takeFault returns the fault that applies to one request of op, counting
// it down.
func (b *Bank) takeFault(op string) Fault {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.fault
	if f.Mode == "" {
		return Fault{}
	}
	if f.Ops != "" && !contains(strings.Split(f.Ops, ","), op) {
		return Fault{}
	}
	if f.Count > 0 {
		b.fault.Count--
		if b.fault.Count == 0 {
			b.fault = Fault{}
		}
	}
	return f
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.TrimSpace(v) == s {
			return true
		}
	}
	return false
}

// Verification is the answer to an account verification.
type Verification struct {
	Matched bool   `json:"matched"`
	Reason  string `json:"reason,omitempty"`
}

// Verify checks that the account exists, is open and carries the name.
func (b *Bank) Verify(bank, number, name string) Verification {
	b.mu.Lock()
	defer b.mu.Unlock()
	a := b.accounts[key(bank, number)]
	if a == nil && b.opts.AutoOpen && !strings.HasSuffix(number, "0000") && number != "" && name != "" {
		a = &Account{BankCode: bank, Number: number, Name: name, Balance: b.opts.AutoBalance}
		b.accounts[key(bank, number)] = a
	}
	switch {
	case a == nil:
		return Verification{Reason: "账户不存在"}
	case a.Closed:
		return Verification{Reason: "账户已销户"}
	case a.Name != name:
		return Verification{Reason: "户名与账号不符"}
	}
	return Verification{Matched: true}
}

// ErrConflict is a request number reused for a different debit.
var ErrConflict = errors.New("banksim: request number already used for a different debit")

// DoDebit debits once per request number and returns the outcome (the
// first one, for a repeated number).
func (b *Bank) DoDebit(d Debit) (Debit, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok, err := b.debits.repeat(d); ok {
		return old, err
	}
	now := b.opts.Now().In(china)
	d.Day = now.Format("2006-01-02")
	d.At = now.Format(time.RFC3339)
	d.Received = 1
	a := b.accounts[key(d.BankCode, d.AccountNo)]
	switch {
	case d.RequestNo == "" || d.Amount <= 0:
		d.Status, d.Reason = "failed", "请求要素不全"
	case d.EntrustDate != d.Day:
		d.Status, d.Reason = "failed", "委托日期不是当日"
	case a == nil || a.Closed:
		d.Status, d.Reason = "failed", "账户不存在或已销户"
	case a.Name != d.AccountName:
		d.Status, d.Reason = "failed", "户名与账号不符"
	case a.Balance < d.Amount:
		d.Status, d.Reason = "failed", "余额不足"
	default:
		a.Balance -= d.Amount
		b.txnSeq++
		d.Status = "succeeded"
		d.BankTxnNo = fmt.Sprintf("B%s%08d%s", now.Format("20060102"), b.txnSeq, randHex(2))
	}
	b.debits.add(d)
	return d, nil
}

// Lookup returns the recorded debit of a request number.
func (b *Bank) Lookup(requestNo string) (Debit, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.debits.get(requestNo)
}

// Debits lists every debit request the bank recorded, in order.
func (b *Bank) Debits() []Debit {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.debits.list()
}

// Statement lists the debits of one day, by request number.
func (b *Bank) Statement(day string) []Debit { return statement(b.Debits(), day) }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
