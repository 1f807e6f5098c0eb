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
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
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

// scenario is one request and what it must answer: a table row in the
// manner of pocketbase's tests.ApiScenario. The body is decoded and checked
// by path, never by substring.
type scenario struct {
	name   string
	method string
	url    string
	token  string
	body   any
	header map[string]string
	status int
	want   []expect
}

// expect is one check of a decoded JSON body. path is dotted: object keys,
// array indexes, and "*" for every element of an array (the values at the
// rest of the path, collected into an array).
type expect struct {
	path string
	op   string
	val  any
}

// eq: the value at path equals v (compared as JSON).
func eq(path string, v any) expect { return expect{path, "eq", v} }

// has: the string at path contains v, or the array at path holds v.
func has(path string, v any) expect { return expect{path, "has", v} }

// lacks is the opposite of has.
func lacks(path string, v any) expect { return expect{path, "lacks", v} }

// every: the array at path is not empty and each of its elements equals v.
func every(path string, v any) expect { return expect{path, "every", v} }

// count: the array at path has n elements.
func count(path string, n int) expect { return expect{path, "len", n} }

// present: path exists.
func present(path string) expect { return expect{path, "present", nil} }

// absent: path does not exist.
func absent(path string) expect { return expect{path, "absent", nil} }

// run plays scenarios in order, each as a subtest; later ones may rely on
// earlier ones.
func (e *env) run(scenarios []scenario) {
	e.t.Helper()
	for _, sc := range scenarios {
		e.t.Run(sc.name, func(t *testing.T) {
			t.Helper()
			res := e.with(t).do(sc.method, sc.url, sc.token, sc.body, sc.header)
			if res.status != sc.status {
				t.Fatalf("%s %s = %d, want %d: %s", sc.method, sc.url, res.status, sc.status, res.body)
			}
			if res.body != "" && !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
			}
			if len(sc.want) == 0 {
				return
			}
			doc := decodeJSON(t, res.body)
			for _, w := range sc.want {
				w.check(t, doc, res.body)
			}
		})
	}
}

func (w expect) check(t *testing.T, doc any, body string) {
	t.Helper()
	got, found := lookup(doc, w.path)
	want := w.val
	if w.op != "len" {
		want = normJSON(t, w.val)
	}
	switch w.op {
	case "present", "absent":
		if found != (w.op == "present") {
			t.Errorf("%s: found=%v, want %s: %s", w.path, found, w.op, body)
		}
	case "every":
		a, ok := got.([]any)
		if !ok || len(a) == 0 || slices.ContainsFunc(a, func(x any) bool { return !reflect.DeepEqual(x, want) }) {
			t.Errorf("%s = %#v, want every element %#v: %s", w.path, got, want, body)
		}
	case "len":
		a, ok := got.([]any)
		if !ok || len(a) != w.val.(int) {
			t.Errorf("%s = %#v, want an array of %d: %s", w.path, got, w.val, body)
		}
	case "eq":
		if !found || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v: %s", w.path, got, want, body)
		}
	case "has", "lacks":
		if !found {
			t.Errorf("%s missing: %s", w.path, body)
			return
		}
		var holds bool
		switch g := got.(type) {
		case string:
			sub, ok := want.(string)
			holds = ok && strings.Contains(g, sub)
		case []any:
			holds = slices.ContainsFunc(g, func(x any) bool { return reflect.DeepEqual(x, want) })
		default:
			t.Fatalf("%s: %s needs a string or an array, got %#v", w.path, w.op, got)
		}
		if holds != (w.op == "has") {
			t.Errorf("%s = %#v: %s %#v fails: %s", w.path, got, w.op, want, body)
		}
	}
}

// lookup follows a dotted path into decoded JSON.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	parts := strings.Split(path, ".")
	for i, k := range parts {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			if k == "*" {
				rest := strings.Join(parts[i+1:], ".")
				out := []any{}
				for _, el := range x {
					r, ok := lookup(el, rest)
					if inner, isArray := r.([]any); ok && isArray && strings.Contains(rest, "*") {
						out = append(out, inner...) // a.*.b.*: one flat array
					} else if ok {
						out = append(out, r)
					}
				}
				return out, true
			}
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(x) {
				return nil, false
			}
			v = x[n]
		default:
			return nil, false
		}
	}
	return v, true
}

// normJSON turns a Go value into what decoding its JSON gives, so that 1
// and float64(1), []string and []any compare equal.
func normJSON(t *testing.T, v any) any {
	t.Helper()
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON(t, string(b))
}

func decodeJSON(t *testing.T, body string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("bad JSON %q: %v", body, err)
	}
	return v
}

// with returns e reporting to t.
func (e *env) with(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
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
	v, ok := lookup(decodeJSON(t, body), path)
	if !ok {
		t.Fatalf("no %s in %s", path, body)
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
