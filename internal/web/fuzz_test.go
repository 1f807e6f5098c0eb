package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

// FuzzEdge sends arbitrary paths, queries and form bodies, anonymous and as
// a logged-in clerk, through the whole web stack: whatever arrives, the
// answer is never a 500 and nothing panics (security 5). `go test` runs the
// seeds below; `go test -fuzz FuzzEdge ./internal/web` explores further.
func FuzzEdge(f *testing.F) {
	for _, s := range []struct {
		method      string
		path, query string
		body        string
		asStaff     bool
	}{
		{"POST", "/login", "", "code=%zz&password=x", false},
		{"POST", "/login", "", "code=a;b", false},
		{"POST", "/login", "", "code=%ff%fe&username=%00&password=x", false},
		{"POST", "/staff/login", "next=/%09/evil.example", "staff_no=35020601&password=x&next=%2F%5Cevil", false},
		{"POST", "/register/individual", "", "name=%ff&resident_id=%00&division_code=" + strings.Repeat("9", 3000), false},
		{"POST", "/register/enterprise", "", "code=" + strings.Repeat("%E7%95%8C", 2001), false},
		{"GET", "/search", "q=%ff%00", "", false},
		{"GET", "/search", "q=" + strings.Repeat("%25", 200), "", false},
		{"GET", "/static/\xc0\xae", "", "", false},
		{"GET", "/static/", "", "", false},
		{"GET", "/static/../../go.mod", "", "", false},
		{"GET", "/login", "next=javascript:alert(1)&code=%00", "", false},
		{"GET", "/staff/taxpayers", "page=99999999999999999999&q=%25_%25", "", true},
		{"GET", "/staff/taxpayers", "page=-9223372036854775808&status=%ff", "", true},
		{"GET", "/staff/taxpayers", "page=9223372036854775807&kind=x", "", true},
		{"GET", "/staff/taxpayers/99999999999999999999", "", "", true},
		{"GET", "/staff/staff", "org_id=-1&q=%00", "", true},
		{"POST", "/staff/taxpayers/1/identifications", "", "tax_type=%ff&start_date=9999-99-99", true},
		{"POST", "/staff/taxpayers/1/identifications/1/end", "", "end_date=%00", true},
		{"POST", "/account/password", "", "current_password=%ff&password=" + strings.Repeat("a", 1<<20), true},
	} {
		f.Add(s.method, s.path, s.query, []byte(s.body), s.asStaff)
	}
	// Every input goes to SQLite and, when TAXHALL_TEST_PG is set, to
	// PostgreSQL, which refuses NUL and invalid UTF-8 with SQLSTATE 22021.
	type target struct {
		h     http.Handler
		token string
	}
	dbs := []*db.DB{dbtest.NewSQLite(f)}
	if os.Getenv(dbtest.PGEnv) != "" {
		dbs = append(dbs, dbtest.NewPostgres(f))
	}
	var targets []target
	for _, d := range dbs {
		h, srv := siteHandler(f, d)
		sess, err := srv.Auth.LoginStaff(context.Background(), "35020601", demo.Password, auth.Web, "fuzz")
		if err != nil {
			f.Fatal(err)
		}
		targets = append(targets, target{h, sess.Token})
	}
	f.Fuzz(func(t *testing.T, method, path, query string, body []byte, asStaff bool) {
		for _, tg := range targets {
			fuzzOne(t, tg.h, tg.token, method, path, query, body, asStaff)
		}
	})
}

func fuzzOne(t *testing.T, h http.Handler, token, method, path, query string, body []byte, asStaff bool) {
	if method != "POST" {
		method = "GET"
	}
	req := httptest.NewRequest(method, "/", bytes.NewReader(body))
	req.URL = &url.URL{Path: "/" + strings.TrimPrefix(path, "/"), RawQuery: query}
	req.RequestURI = req.URL.RequestURI()
	if method == "POST" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if asStaff {
		req.AddCookie(&http.Cookie{Name: cookieName(false), Value: token})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		b, _ := io.ReadAll(rec.Body)
		t.Fatalf("%s %s?%.200s: %d %.300s", method, req.URL.Path, query, rec.Code, b)
	}
}
