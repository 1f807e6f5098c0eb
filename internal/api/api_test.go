package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/certs"
	"taxhall/internal/db"
	"taxhall/internal/demo"
	"taxhall/internal/filingcal"
	"taxhall/internal/iitannual"
	"taxhall/internal/iitrecords"
	"taxhall/internal/iitw"
	"taxhall/internal/notify"
	"taxhall/internal/org"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
	"taxhall/internal/taxsource"
	"taxhall/internal/training"
	"taxhall/internal/workflow"
)

// testNow is the clock of every service in the tests.
var testNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// demoHash is the demo password's hash, computed once per test binary.
var demoHash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

// Demo staff numbers: district bureau code + sequence.
const (
	simingClerk    = "35020301" // window clerk, 思明区
	simingReviewer = "35020302"
	huliClerk      = "35020601" // window clerk, 湖里区
	xiamenAdmin    = "35020001" // admin of the Xiamen city bureau
)

// env is a seeded database behind an httptest server running the API.
type env struct {
	t   *testing.T
	d   *db.DB
	url string
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 12, Individuals: 6, Now: testNow, PasswordHash: demoHash()}); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return testNow }
	a := &API{Auth: auth.NewService(d, now), Orgs: &org.Service{DB: d, Now: now}, Taxpayers: &taxpayer.Service{DB: d, Now: now},
		Employees: &iitw.Roster{DB: d, Now: now}, Sources: &taxsource.Service{DB: d, Now: now}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Returns: &returns.Service{DB: d, Now: now, Taxpayers: &taxpayer.Service{DB: d, Now: now}, Calendar: returns.DefaultDeadlines()},
		Certs:   &certs.Service{DB: d, Now: now, BaseURL: "https://etax.example.cn"}, IITAnnual: &iitannual.Service{DB: d}}
	a.Workflow = &workflow.Service{DB: d, Now: now, Calendar: &filingcal.Service{DB: d, Now: now}, Returns: a.Returns, Taxpayers: a.Taxpayers}
	a.IITRecords = &iitrecords.Service{DB: d, Now: now, Certs: a.Certs}
	a.Notify = &notify.Service{DB: d, Now: now}
	a.Training = &training.Service{DB: d, Now: now}
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, d: d, url: srv.URL}
}

// response is what a request returned.
type response struct {
	status int
	body   string
	header http.Header
}

// do sends a request; body is sent as is when it is a string, else as JSON.
func (e *env) do(method, path, token string, body any, header map[string]string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, err := json.Marshal(body)
			if err != nil {
				e.t.Fatal(err)
			}
			rd = bytes.NewReader(b)
		}
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, string(b), res.Header}
}

// login returns a token, failing the test when login fails.
func (e *env) login(body map[string]string) string {
	e.t.Helper()
	res := e.do("POST", "/api/v1/auth/token", "", body, nil)
	if res.status != http.StatusCreated {
		e.t.Fatalf("login %v: %d %s", body, res.status, res.body)
	}
	return jstr(e.t, res.body, "token")
}

func (e *env) staff(no string) string {
	return e.login(map[string]string{"kind": "staff", "staff_no": no, "password": demo.Password})
}

func (e *env) taxpayer(code, username string) string {
	return e.login(map[string]string{"kind": "taxpayer", "code": code, "username": username, "password": demo.Password})
}

// query runs a one-row query for test fixtures.
func (e *env) query(q string, args []any, dest ...any) {
	e.t.Helper()
	if err := e.d.QueryRowContext(context.Background(), q, args...).Scan(dest...); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
}

// TestMain fails the run when a route answered an error whose status its
// OpenAPI operation does not list: the routes' Errors stay honest.
func TestMain(m *testing.M) {
	var mu sync.Mutex
	undeclared := map[string]bool{}
	observeError = func(rt *route, code apperr.Code) {
		if !slices.Contains(rt.possibleErrors(), code) {
			mu.Lock()
			undeclared[rt.Method+" "+rt.Path+": "+string(code)] = true
			mu.Unlock()
		}
	}
	code := m.Run()
	for k := range undeclared {
		fmt.Fprintln(os.Stderr, "undeclared error of a route (add it to the route's Errors):", k)
		code = 1
	}
	os.Exit(code)
}
