package guides_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"taxhall/internal/db/dbtest"
	"taxhall/internal/guides"
	"taxhall/internal/laws"
	"taxhall/internal/search"
	"time"
)

func TestCatalog(t *testing.T) {
	c, err := guides.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Categories) < 16 {
		t.Errorf("%d categories, want at least 16", len(c.Categories))
	}
	if n := len(c.All()); n < 40 {
		t.Errorf("%d guides, want at least 40", n)
	}
	for _, cat := range c.Categories {
		if len(cat.Guides) == 0 {
			t.Errorf("category %s has no guide", cat.Name)
		}
	}
	for _, g := range c.All() {
		if g.Fee != "免费" {
			t.Errorf("%s: fee %q", g.Slug, g.Fee)
		}
	}
}

// TestBasisIsInTheLibrary imports the real library and checks that every
// guide's legal basis names a document and an article that exist there.
func TestBasisIsInTheLibrary(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the library")
	}
	dir := os.Getenv("TAXHALL_LAWS")
	if dir == "" {
		dir = "../../../shared/data/laws"
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("library: %v", err)
	}
	d := dbtest.NewSQLite(t)
	ctx := context.Background()
	lib := &laws.Service{DB: d, Index: search.New(d), Now: time.Now}
	if _, err := lib.Import(ctx, dir); err != nil {
		t.Fatal(err)
	}
	c := guides.MustLoad()
	for _, g := range c.All() {
		links, err := guides.Resolve(ctx, lib, g.Basis)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links {
			if l.URL == "" {
				t.Errorf("%s: %s is not in the library", g.Slug, l.Title)
				continue
			}
			vs, _ := lib.Versions(ctx, l.Title)
			law, err := lib.Get(ctx, vs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, b := range law.Blocks() {
				if b.Kind == laws.Article && b.Anchor == l.Anchor() {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: %s has no %s", g.Slug, l.Title, l.Article)
			}
			if !strings.HasSuffix(l.URL, "#"+l.Anchor()) {
				t.Errorf("%s: URL %s", g.Slug, l.URL)
			}
		}
	}
	// The guides are found by the search index.
	ix := search.New(d)
	if err := c.Index(ctx, ix); err != nil {
		t.Fatal(err)
	}
	r, err := ix.Search(ctx, search.Query{Text: "滞纳金", Kinds: []string{guides.SearchKind}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) == 0 || r.Hits[0].Ref != "late-fee" {
		t.Errorf("滞纳金 in guides: %+v", r.Hits)
	}
}
