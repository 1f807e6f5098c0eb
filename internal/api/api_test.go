package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/demo"
	"taxhall/internal/org"
	"taxhall/internal/taxpayer"
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
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
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

// scenario is one request and what it must answer.
type scenario struct {
	name    string
	method  string
	url     string
	token   string
	body    any
	header  map[string]string
	status  int
	want    []string // substrings of the body
	notWant []string
}

// run plays scenarios in order; later ones may rely on earlier ones.
func (e *env) run(scenarios []scenario) {
	e.t.Helper()
	for _, sc := range scenarios {
		res := e.do(sc.method, sc.url, sc.token, sc.body, sc.header)
		if res.status != sc.status {
			e.t.Errorf("%s: %s %s = %d, want %d: %s", sc.name, sc.method, sc.url, res.status, sc.status, res.body)
			continue
		}
		for _, w := range sc.want {
			if !strings.Contains(res.body, w) {
				e.t.Errorf("%s: body lacks %q: %s", sc.name, w, res.body)
			}
		}
		for _, w := range sc.notWant {
			if strings.Contains(res.body, w) {
				e.t.Errorf("%s: body has %q: %s", sc.name, w, res.body)
			}
		}
		if res.status >= 400 && !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
			e.t.Errorf("%s: error Content-Type %q", sc.name, res.header.Get("Content-Type"))
		}
	}
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

// jget follows a dotted path (object keys, array indexes) into a JSON body.
func jget(t *testing.T, body, path string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("bad JSON %q: %v", body, err)
	}
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(x) {
				t.Fatalf("no %s in %s", path, body)
			}
			v = x[i]
		default:
			t.Fatalf("no %s in %s", path, body)
		}
	}
	return v
}

func jstr(t *testing.T, body, path string) string {
	t.Helper()
	s, _ := jget(t, body, path).(string)
	return s
}

func jid(t *testing.T, body, path string) string {
	t.Helper()
	n, ok := jget(t, body, path).(float64)
	if !ok {
		t.Fatalf("no number at %s in %s", path, body)
	}
	return strconv.FormatInt(int64(n), 10)
}
