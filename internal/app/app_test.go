package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
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

// TestServeHealthMetricsAndGracefulStop runs the real server on a port,
// checks /healthz, /metrics by route and the request ID, then cancels the
// context (as SIGTERM does) while a request is in flight.
func TestServeHealthMetricsAndGracefulStop(t *testing.T) {
	db.ForEach(t, func(t *testing.T, d *db.DB) {
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
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Serve(ctx, ln) }()
		base := "http://" + ln.Addr().String()

		res, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) || res.Header.Get("X-Request-ID") == "" {
			t.Fatalf("healthz %d %s", res.StatusCode, body)
		}
		http.Get(base + "/login")
		req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
		req.Header.Set("X-Request-ID", "trace-123")
		res, _ = http.DefaultClient.Do(req)
		res.Body.Close()
		if res.Header.Get("X-Request-ID") != "trace-123" {
			t.Errorf("request id not kept: %q", res.Header.Get("X-Request-ID"))
		}
		res, _ = http.Get(base + "/metrics")
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		for _, want := range []string{
			`taxhall_http_requests_total{code="200",method="GET",route="GET /login"}`,
			`taxhall_http_requests_total{code="401",method="GET",route="GET /api/v1/me"}`,
			`go_sql_max_open_connections{db_name="taxhall"}`,
		} {
			if !strings.Contains(string(body), want) {
				t.Errorf("metrics lack %s", want)
			}
		}

		// A request in flight when the stop signal arrives still completes.
		slow := make(chan int, 1)
		go func() {
			res, err := http.Get(base + "/register/enterprise")
			if err != nil {
				slow <- 0
				return
			}
			io.ReadAll(res.Body)
			res.Body.Close()
			slow <- res.StatusCode
		}()
		time.Sleep(20 * time.Millisecond)
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve: %v", err)
		}
		if code := <-slow; code != 200 {
			t.Errorf("in-flight request: %d", code)
		}
		if _, err := http.Get(base + "/healthz"); err == nil {
			t.Error("server still accepting after shutdown")
		}
	})
}

// TestDependenciesPointOneWay keeps capabilities free of the web and API
// layers, as ARCHITECTURE.md asks.
func TestDependenciesPointOneWay(t *testing.T) {
	for _, pkg := range []string{"auth", "org", "taxpayer", "db", "demo", "ids", "divisions", "industry", "money", "audit", "apperr"} {
		out, err := exec.Command("go", "list", "-deps", filepath.Join("taxhall/internal", pkg)).Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == "taxhall/internal/web" || dep == "taxhall/internal/api" || dep == "taxhall/internal/app" {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
