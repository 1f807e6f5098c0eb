package app

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

func TestFlagsAndEnvironment(t *testing.T) {
	t.Setenv("TAXHALL_ADDR", "0.0.0.0:9000")
	t.Setenv("TAXHALL_DEMO", "true")
	c, err := ParseFlags("serve", []string{"--db", "postgres://x/y"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || !c.Demo || c.DSN != "postgres://x/y" {
		t.Fatalf("config %+v", c)
	}
	c, _ = ParseFlags("serve", []string{"--addr", "127.0.0.1:1"}, io.Discard)
	if c.Addr != "127.0.0.1:1" {
		t.Fatal("flag should override environment")
	}
	if _, err := ParseFlags("serve", []string{"--log-format", "xml"}, io.Discard); err == nil {
		t.Fatal("bad log format accepted")
	}
}

// TestServe runs the real server on a port, one behaviour a subtest: the
// health check, metrics by route, the request ID, and a graceful stop (as on
// SIGTERM) that waits for a request in flight.
func TestServe(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		c, _ := ParseFlags("serve", nil, io.Discard)
		c.ShutdownTimeout = 5 * time.Second
		log := NewLogger(c, io.Discard)
		if _, err := demo.Seed(context.Background(), d, demo.Options{Enterprises: 2, Individuals: 1, PasswordHash: auth.HashPassword(demo.Password)}); err != nil {
			t.Fatal(err)
		}
		a, err := New(c, log, d)
		if err != nil {
			t.Fatal(err)
		}
		// A request that stays in flight until the test releases it: the
		// handler says when it has been entered, then waits.
		entered, release := make(chan struct{}), make(chan struct{})
		var releaseOnce sync.Once
		unblock := func() { releaseOnce.Do(func() { close(release) }) }
		t.Cleanup(unblock) // never leave the handler (and Shutdown) hanging
		routes := http.NewServeMux()
		routes.HandleFunc("GET /test/slow", func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			<-release
			io.WriteString(w, "finished")
		})
		routes.Handle("/", a.Handler)
		a.Handler = routes

		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		base := "http://" + addr
		ctx, cancel := context.WithCancel(context.Background())
		var serveErr error // set before stopped closes
		stopped := make(chan struct{})
		go func() { serveErr = a.Serve(ctx, ln); close(stopped) }()
		t.Cleanup(func() {
			cancel()
			unblock()
			select {
			case <-stopped:
			case <-time.After(10 * time.Second):
				t.Error("server did not stop")
			}
		})
		// A client of its own, so that no connection is shared with another test.
		hc := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
		t.Cleanup(hc.CloseIdleConnections)
		get := func(t *testing.T, path string, header ...string) (*http.Response, []byte) {
			t.Helper()
			req, err := http.NewRequest("GET", base+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			res, err := hc.Do(req)
			if err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatalf("GET %s: body: %v", path, err)
			}
			return res, body
		}

		t.Run("health", func(t *testing.T) {
			res, body := get(t, "/healthz")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", res.StatusCode, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("content type %q", ct)
			}
			var h struct{ Status, Database string }
			if err := json.Unmarshal(body, &h); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			if h.Status != "ok" || h.Database != string(d.Dialect) {
				t.Errorf("health %+v, want ok on %s", h, d.Dialect)
			}
		})

		t.Run("request id", func(t *testing.T) {
			res, _ := get(t, "/healthz")
			if id := res.Header.Get("X-Request-ID"); id == "" {
				t.Error("no request id given to a request without one")
			}
			res, _ = get(t, "/api/v1/me", "X-Request-ID", "trace-123")
			if id := res.Header.Get("X-Request-ID"); id != "trace-123" {
				t.Errorf("request id not kept: %q", id)
			}
		})

		t.Run("metrics", func(t *testing.T) {
			if res, _ := get(t, "/login"); res.StatusCode != http.StatusOK {
				t.Fatalf("/login: %d", res.StatusCode)
			}
			if res, _ := get(t, "/api/v1/me"); res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("/api/v1/me: %d", res.StatusCode)
			}
			res, body := get(t, "/metrics")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			samples := map[string]float64{}
			for line := range strings.Lines(string(body)) {
				if strings.HasPrefix(line, "#") {
					continue
				}
				i := strings.LastIndexByte(line, ' ')
				if i < 0 {
					continue
				}
				v, err := strconv.ParseFloat(strings.TrimSpace(line[i+1:]), 64)
				if err != nil {
					t.Fatalf("metrics line %q: %v", line, err)
				}
				samples[line[:i]] = v
			}
			for _, want := range []string{
				`taxhall_http_requests_total{code="200",method="GET",route="GET /login"}`,
				`taxhall_http_requests_total{code="401",method="GET",route="GET /api/v1/me"}`,
			} {
				if samples[want] < 1 {
					t.Errorf("metrics: %s = %v, want ≥ 1", want, samples[want])
				}
			}
			if _, ok := samples[`go_sql_max_open_connections{db_name="taxhall"}`]; !ok {
				t.Error("metrics lack the database pool")
			}
		})

		// Last: it stops the server.
		t.Run("graceful stop", func(t *testing.T) {
			type result struct {
				code int
				body string
				err  error
			}
			inflight := make(chan result, 1)
			go func() {
				// A connection of its own, not one that the server sees idle.
				c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
				res, err := c.Get(base + "/test/slow")
				if err != nil {
					inflight <- result{err: err}
					return
				}
				defer res.Body.Close()
				b, err := io.ReadAll(res.Body)
				inflight <- result{code: res.StatusCode, body: string(b), err: err}
			}()
			select {
			case <-entered:
			case r := <-inflight:
				t.Fatalf("the slow request ended before it was held: status %d, error %v", r.code, r.err)
			case <-time.After(10 * time.Second):
				t.Fatal("the slow handler was never entered")
			}

			cancel() // as SIGTERM does

			// The listener closes first: new connections are refused while
			// the request is still held.
			deadline := time.Now().Add(5 * time.Second)
			for {
				conn, err := net.DialTimeout("tcp", addr, time.Second)
				if err != nil {
					break
				}
				conn.Close()
				if time.Now().After(deadline) {
					t.Fatal("still accepting connections 5s after the stop signal")
				}
				time.Sleep(10 * time.Millisecond)
			}
			select {
			case <-stopped:
				t.Fatalf("Serve returned (%v) while a request was in flight", serveErr)
			case r := <-inflight:
				t.Fatalf("the held request ended before it was released: status %d, error %v", r.code, r.err)
			case <-time.After(100 * time.Millisecond):
			}

			unblock()
			select {
			case r := <-inflight:
				if r.err != nil || r.code != http.StatusOK || r.body != "finished" {
					t.Errorf("in-flight request: status %d, body %q, error %v; want 200 finished", r.code, r.body, r.err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the in-flight request did not complete")
			}
			select {
			case <-stopped:
				if serveErr != nil {
					t.Errorf("Serve: %v", serveErr)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Serve did not return after the last request")
			}
		})
	})
}

// TestDependenciesPointOneWay keeps the layers of ARCHITECTURE.md apart for
// every package under internal/, as `go list` finds them, so that a new
// capability is checked without editing this test:
//
//   - only app (and cmd/, outside internal/) imports app;
//   - only app imports web or api, so web and api never import each other;
//   - a capability (any package but app, web and api) imports none of them.
//
// A package's dependencies are its own, transitively, and those of the
// packages its tests import.
func TestDependenciesPointOneWay(t *testing.T) {
	const (
		root = "taxhall/internal/"
		app  = root + "app"
		web  = root + "web"
		api  = root + "api"
	)
	pkgs := listInternal(t, root+"...")
	for _, must := range []string{app, web, api, root + "db", root + "taxpayer"} {
		if _, ok := pkgs[must]; !ok {
			t.Fatalf("go list did not find %s among %d packages: the test would check nothing", must, len(pkgs))
		}
	}
	for _, path := range slices.Sorted(maps.Keys(pkgs)) {
		p := pkgs[path]
		deps := map[string]bool{}
		for _, d := range p.Deps {
			deps[d] = true
		}
		for _, ti := range append(p.TestImports, p.XTestImports...) {
			deps[ti] = true
			if q, ok := pkgs[ti]; ok {
				for _, d := range q.Deps {
					deps[d] = true
				}
			}
		}
		delete(deps, path) // an external test package imports its own package
		for _, dep := range slices.Sorted(maps.Keys(deps)) {
			var broken string
			switch {
			case path == app:
			case dep == app && (path == web || path == api):
				broken = "app wires web and api; they must not import it"
			case dep == app:
				broken = "only app and cmd import app"
			case (dep == web || dep == api) && (path == web || path == api):
				broken = "web and api are two faces of the same services and do not import each other"
			case dep == web || dep == api:
				broken = "a capability never imports web or api"
			}
			if broken != "" {
				t.Errorf("%s depends on %s: %s", path, dep, broken)
			}
		}
	}
}

// goPackage is what TestDependenciesPointOneWay reads of `go list -json`.
type goPackage struct {
	ImportPath                string
	Deps                      []string
	TestImports, XTestImports []string
	Error                     *struct{ Err string }
}

// listInternal runs `go list` on the pattern and returns the packages by
// import path.
func listInternal(t *testing.T, pattern string) map[string]goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Deps,TestImports,XTestImports,Error", pattern)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", pattern, err, stderr.String())
	}
	pkgs := map[string]goPackage{}
	for dec := json.NewDecoder(strings.NewReader(string(out))); dec.More(); {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("go list output: %v", err)
		}
		if p.Error != nil {
			t.Fatalf("go list %s: %s", p.ImportPath, p.Error.Err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}
