package payment_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/banksim"
	"taxhall/internal/db"
	"taxhall/internal/demo"
	"taxhall/internal/payment"
)

var hash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

// clock is a movable clock shared by the hall and the bank.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	d     *db.DB
	svc   *payment.Service
	bank  *banksim.Bank
	http  *payment.HTTPBank
	clock *clock
	auth  *auth.Service
}

// seedOnce is the demo hall every test starts from, seeded once per
// database by the test that needs it.
func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	now := time.Now()
	if _, err := demo.Seed(context.Background(), d, demo.Options{Enterprises: 4, Individuals: 1, Now: now.Add(-time.Hour), PasswordHash: hash()}); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: now}
	b := banksim.New(banksim.Options{Now: c.Now})
	srv := httptest.NewServer(b.Handler())
	t.Cleanup(srv.Close)
	hb := &payment.HTTPBank{BaseURL: srv.URL, Client: &http.Client{Timeout: 400 * time.Millisecond}}
	e := &env{d: d, bank: b, http: hb, clock: c, auth: auth.NewService(d, c.Now)}
	e.svc = e.service(d)
	return e
}

// service is another node of the hall on pool d.
func (e *env) service(d *db.DB) *payment.Service {
	return &payment.Service{DB: d, Bank: e.http, Now: e.clock.Now, RetryDelay: time.Millisecond}
}

// enterprise is a demo enterprise with at least n unpaid liabilities: its
// legal representative's context, its id and its name.
func (e *env) enterprise(t *testing.T, n int, skip ...int64) (context.Context, int64) {
	t.Helper()
	ctx, id := e.findEnterprise(t, n, skip...)
	if ctx == nil {
		t.Fatalf("no demo enterprise with %d unpaid liabilities", n)
	}
	return ctx, id
}

// findEnterprise is enterprise, or nil when there is none left.
func (e *env) findEnterprise(t *testing.T, n int, skip ...int64) (context.Context, int64) {
	t.Helper()
	rows, err := e.d.QueryContext(context.Background(), `SELECT t.id, t.code, t.name, t.kind, u.id, u.name, u.role FROM taxpayers t
		JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.role = 'legal_rep'
		WHERE t.kind = 'enterprise' AND (SELECT COUNT(*) FROM tax_liabilities l WHERE l.taxpayer_id = t.id AND l.settled = 0 AND l.amount > 0) >= $1
		ORDER BY t.id`, n)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		a := &auth.Actor{Kind: auth.Taxpayer}
		if err := rows.Scan(&a.TaxpayerID, &a.TaxpayerCode, &a.TaxpayerName, &a.TaxpayerKind, &a.UserID, &a.Name, &a.Role); err != nil {
			t.Fatal(err)
		}
		taken := false
		for _, s := range skip {
			taken = taken || s == a.TaxpayerID
		}
		if !taken {
			return auth.WithActor(context.Background(), a), a.TaxpayerID
		}
	}
	return nil, 0
}

// withRole is ctx's taxpayer user with another role.
func withRole(ctx context.Context, role string) context.Context {
	a := *auth.ActorFrom(ctx)
	a.Role = role
	return auth.WithActor(context.Background(), &a)
}

func (e *env) staff(t *testing.T, no string) context.Context {
	t.Helper()
	s, err := e.auth.LoginStaff(context.Background(), no, demo.Password, auth.API, "")
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithActor(context.Background(), s.Actor)
}

// sign puts an agreement in force for ctx's taxpayer with an account
// holding balance.
func (e *env) sign(t *testing.T, ctx context.Context, number string, balance int64) {
	t.Helper()
	a := auth.ActorFrom(ctx)
	e.bank.Open(banksim.Account{BankCode: "102", Number: number, Name: a.TaxpayerName, Balance: balance})
	agr, err := e.svc.Sign(ctx, payment.SignInput{BankCode: "102", AccountName: a.TaxpayerName, AccountNo: number})
	if err != nil || agr.State != payment.AgreementActive {
		t.Fatalf("sign: %+v %v", agr, err)
	}
}

func (e *env) dues(t *testing.T, ctx context.Context) []*payment.Due {
	t.Helper()
	d, err := e.svc.Dues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *env) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := e.d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
