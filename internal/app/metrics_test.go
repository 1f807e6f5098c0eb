package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"taxhall/internal/db/dbtest"
	"testing"
	"time"
)

// metricsApp builds the app over a fresh SQLite database with flags.
func metricsApp(t *testing.T, args ...string) *App {
	t.Helper()
	c, err := ParseFlags("serve", args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(c, NewLogger(c, io.Discard), dbtest.NewSQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func getMetrics(h http.Handler, remote string, header ...string) (int, string) {
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// TestMetricsAreNotPublic (security 6): /metrics on the main listener
// answers loopback peers only, or holders of the token; with a separate
// metrics address it is gone from the main listener.
func TestMetricsAreNotPublic(t *testing.T) {
	const series = "go_sql_max_open_connections"
	a := metricsApp(t)
	for _, c := range []struct {
		name   string
		remote string
		header []string
		want   int
	}{
		{"loopback", "127.0.0.1:5000", nil, 200},
		{"loopback v6", "[::1]:5000", nil, 200},
		{"internet", "203.0.113.7:5000", nil, 404},
		{"private network", "10.1.2.3:5000", nil, 404},
		{"through a local proxy", "127.0.0.1:5000", []string{"X-Forwarded-For", "203.0.113.7"}, 404},
		{"through a local proxy (Forwarded)", "127.0.0.1:5000", []string{"Forwarded", "for=203.0.113.7"}, 404},
	} {
		code, body := getMetrics(a.Handler, c.remote, c.header...)
		if code != c.want || (c.want == 200) != strings.Contains(body, series) {
			t.Errorf("%s: %d", c.name, code)
		}
	}

	a = metricsApp(t, "--metrics-token", "s3cret-token")
	for _, c := range []struct {
		name   string
		remote string
		header []string
		want   int
	}{
		{"no token, even from loopback", "127.0.0.1:5000", nil, 404},
		{"wrong token", "203.0.113.7:5000", []string{"Authorization", "Bearer nope"}, 404},
		{"token as basic", "203.0.113.7:5000", []string{"Authorization", "Basic s3cret-token"}, 404},
		{"token", "203.0.113.7:5000", []string{"Authorization", "Bearer s3cret-token"}, 200},
	} {
		code, body := getMetrics(a.Handler, c.remote, c.header...)
		if code != c.want || (c.want == 200) != strings.Contains(body, series) {
			t.Errorf("token %s: %d", c.name, code)
		}
	}
}

func TestMetricsOnSeparateAddress(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	maddr := free.Addr().String()
	free.Close()
	a := metricsApp(t, "--metrics-addr", maddr)
	if code, _ := getMetrics(a.Handler, "127.0.0.1:5000"); code != 404 {
		t.Errorf("main listener still serves /metrics: %d", code)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var res *http.Response
	for range 50 { // the metrics listener starts with Serve
		if res, err = http.Get("http://" + maddr + "/metrics"); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "go_sql_max_open_connections") {
		t.Errorf("metrics address: %d", res.StatusCode)
	}
}
