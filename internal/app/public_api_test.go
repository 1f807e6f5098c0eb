package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

// TestPublicAPI: search, the library, guides and lists in /api/v1 over a
// small library of real files, on both databases.
func TestPublicAPI(t *testing.T) {
	src := "../../../shared/data/laws"
	if v := os.Getenv("TAXHALL_LAWS"); v != "" {
		src = v
	}
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		for _, f := range []string{"经济法/税收征收管理法(2015-04-24).md", "行政法规/发票管理办法(2019-03-02).md", "行政法规/发票管理办法(2023-07-20).md"} {
			b, err := os.ReadFile(filepath.Join(src, f))
			if err != nil {
				t.Skipf("library: %v", err)
			}
			_ = os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 4, Individuals: 1, Now: Now(), PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.SeedCMS(ctx, d, Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.SeedLists(ctx, d, Now()); err != nil {
			t.Fatal(err)
		}
		c, _ := ParseFlags("serve", nil, io.Discard)
		a, err := New(c, NewLogger(c, io.Discard), d)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Laws.Import(ctx, dir); err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(a.Handler)
		t.Cleanup(ts.Close)
		get := func(path string, into any) int {
			t.Helper()
			res, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if into != nil && res.StatusCode == 200 {
				if err := json.NewDecoder(res.Body).Decode(into); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			return res.StatusCode
		}
		var laws struct {
			Hits []struct {
				Law struct {
					ID      int64  `json:"id"`
					Title   string `json:"title"`
					Version string `json:"version"`
					Status  string `json:"status"`
				} `json:"law"`
				Anchor, Article, Snippet string
			} `json:"hits"`
		}
		if s := get("/api/v1/laws?q="+url.QueryEscape("发票管理办法 第二十二条"), &laws); s != 200 || len(laws.Hits) != 2 {
			t.Fatalf("laws search %d %+v", s, laws)
		}
		h := laws.Hits[0]
		if h.Law.Version != "2023-07-20" || h.Law.Status != "现行有效" || h.Anchor != "a22" || h.Article != "第二十二条" {
			t.Errorf("first hit %+v", h)
		}
		var doc struct {
			Law      struct{ Title string } `json:"law"`
			Blocks   []struct{ Type, Anchor, Label string }
			Versions []struct{ Version string }
		}
		if s := get("/api/v1/laws/"+strconv.FormatInt(h.Law.ID, 10), &doc); s != 200 || len(doc.Versions) != 2 || len(doc.Blocks) < 40 {
			t.Errorf("law %d: %d blocks, %d versions", s, len(doc.Blocks), len(doc.Versions))
		}
		if s := get("/api/v1/laws/999999", nil); s != 404 {
			t.Errorf("missing law %d", s)
		}
		var browse struct {
			Items []struct{ Title string }
			Next  string
		}
		if s := get("/api/v1/laws?kind="+url.QueryEscape("行政法规"), &browse); s != 200 || len(browse.Items) != 2 {
			t.Errorf("browse %d %+v", s, browse)
		}
		var guide struct {
			Title     string
			Fee       string
			OnlineURL string `json:"online_url"`
			Basis     []struct{ Title, Article, URL string }
		}
		if s := get("/api/v1/guides/late-fee", &guide); s != 200 || guide.Fee != "免费" || guide.OnlineURL != "/calculators/late-fee" || guide.Basis[0].URL == "" {
			t.Errorf("guide %d %+v", s, guide)
		}
		var cats struct{ Items []struct{ Code string } }
		if s := get("/api/v1/guides", &cats); s != 200 || len(cats.Items) < 16 {
			t.Errorf("guide categories %d %d", s, len(cats.Items))
		}
		var site struct {
			Guides, Articles, Laws []struct{ Title, URL, Snippet string }
		}
		if s := get("/api/v1/search?q="+url.QueryEscape("滞纳金"), &site); s != 200 || len(site.Guides) == 0 || len(site.Laws) == 0 {
			t.Errorf("site search %d %+v", s, site)
		}
		if s := get("/api/v1/search?q=", nil); s != 422 {
			t.Errorf("empty search %d", s)
		}
		var quotas struct {
			Items []struct{ Name, Period string }
		}
		if s := get("/api/v1/lists/quotas", &quotas); s != 200 || len(quotas.Items) == 0 {
			t.Errorf("quotas %d %+v", s, quotas)
		}
		if s := get("/api/v1/lists/nope", nil); s != 404 {
			t.Errorf("unknown list %d", s)
		}
		var openapi map[string]any
		if s := get("/api/v1/openapi.json", &openapi); s != 200 || openapi["paths"].(map[string]any)["/api/v1/laws/{id}"] == nil {
			t.Errorf("openapi: %d", s)
		}
	})
}
