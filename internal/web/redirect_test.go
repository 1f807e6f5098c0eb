package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"", "/hall"},
		{"/staff/taxpayers/1", "/staff/taxpayers/1"},
		{"/staff/taxpayers?q=%E6%B9%96&page=2", "/staff/taxpayers?q=%E6%B9%96&page=2"},
		{"/", "/"},
		{"//evil.example", "/hall"},
		{"/\\evil.example", "/hall"},
		{"/\t/evil.example", "/hall"},
		{"/\n/evil.example", "/hall"},
		{"/\r\n/evil.example", "/hall"},
		{"\t//evil.example", "/hall"},
		{" /evil", "/hall"},
		{"/x\\y", "/hall"},
		{"%2F%2Fevil.example", "/hall"},
		{"/%2F%2Fevil.example", "/hall"},
		{"/%5Cevil.example", "/hall"},
		{"/%0d%0aLocation:%20https://evil.example", "/hall"},
		{"/%00", "/hall"},
		{"javascript:alert(1)", "/hall"},
		{"https://evil.example", "/hall"},
		{"http:/evil.example", "/hall"},
		{"/\x7f/evil", "/hall"},
		{"/%zz", "/hall"},
		{"/" + strings.Repeat("a", 3000), "/hall"},
	} {
		if got := safeNext(tc.next, "/hall"); got != tc.want {
			t.Errorf("safeNext(%.60q) = %.60q, want %q", tc.next, got, tc.want)
		}
	}
}

// TestLoginIgnoresForeignNext logs in with next values that would leave the
// site in a browser; the redirect stays on the hall.
func TestLoginIgnoresForeignNext(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	noFollow := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, next := range []string{"/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example"} {
		b := newBrowser(t, ts)
		b.c.CheckRedirect = noFollow
		req, _ := http.NewRequest("POST", ts.URL+"/staff/login", strings.NewReader(url.Values{
			"staff_no": {"35020601"}, "password": {demo.Password}, "next": {next}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/staff" {
			t.Errorf("next %q: %d Location %q, want 303 /staff", next, res.StatusCode, loc)
		}
	}
}
