package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"taxhall/internal/db/dbtest"
	"taxhall/internal/guides"
)

func init() {
	c := guides.MustLoad()
	examples["guides.html"] = example{func() page { return &guidesPage{Categories: c.Categories, Current: c.Categories[0], Count: 46} }, everyone}
	examples["guide.html"] = example{func() page {
		g := c.Get("enterprise-registration")
		return &guidePage{Guide: g, Category: c.Category(g.Category), Basis: []guides.Link{{Basis: g.Basis[0], URL: "/laws/1#a15"}, {Basis: g.Basis[1]}}}
	}, everyone}
}

// TestGuideButtonsLeadToFunctions: every guide's online button is a GET
// route of this hall.
func TestGuideButtonsLeadToFunctions(t *testing.T) {
	mux := http.NewServeMux()
	for _, rt := range Routes() {
		if rt.Method == "GET" {
			mux.Handle("GET "+rt.Pattern, http.NotFoundHandler())
		}
	}
	online := 0
	for _, g := range guides.MustLoad().All() {
		if g.Online == nil {
			continue
		}
		online++
		req := httptest.NewRequest("GET", g.Online.URL, nil)
		if _, pattern := mux.Handler(req); pattern == "" || pattern == "GET /{$}" {
			t.Errorf("%s: %s is no page of the hall", g.Slug, g.Online.URL)
		}
	}
	if online < 20 {
		t.Errorf("only %d guides lead to a function", online)
	}
}

func TestGuidePages(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	s, body := b.get("/guides")
	b.expect(s, body, 200, "税务登记")
	b.expect(s, body, 200, "/guides/enterprise-registration")
	s, body = b.get("/guides?c=invoice")
	b.expect(s, body, 200, "发票领用")
	s, body = b.get("/guides/late-fee")
	b.expect(s, body, 200, "按日加收滞纳税款万分之五的滞纳金")
	b.expect(s, body, 200, `href="/calculators/late-fee"`)
	// The library is empty here: the basis is named without a link.
	if !strings.Contains(body, "《中华人民共和国税收征收管理法》第三十二条") {
		t.Error("basis not named")
	}
	for _, path := range []string{"/guides/nope", "/guides?c=nope"} {
		if s, _ := b.get(path); s != 404 {
			t.Errorf("%s: %d", path, s)
		}
	}
}
