package kb_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/kb"
	"taxhall/internal/search"
)

// TestRelaxedRowsRanked counts, for each benchmark question on 10,000
// entries, the rows the relaxed (any word) search ranks: before (every
// row with any word) and after leaving out the words found in more than
// search.RelaxCommon rows (the rule of search/relax.go, restated here to
// count). A measure of the work that does not depend on the machine's
// load. Skipped unless TAXHALL_KB_LATENCY=1.
func TestRelaxedRowsRanked(t *testing.T) {
	if os.Getenv("TAXHALL_KB_LATENCY") == "" {
		t.Skip("set TAXHALL_KB_LATENCY=1 to measure")
	}
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		svc := newService(d)
		loadEntries(t, d, w, 10000)
		ctx := context.Background()
		if err := svc.Refresh(ctx, "2026-11-02"); err != nil {
			t.Fatal(err)
		}
		match := func(phrases []string) int {
			var q string
			var arg string
			if d.Dialect == db.Postgres {
				arg = strings.Join(phrases, " | ")
				q = `SELECT count(*) FROM search_docs d WHERE d.tsv @@ to_tsquery('simple', $1) AND d.kind = 'kb'`
			} else {
				arg = strings.Join(phrases, " OR ")
				q = `SELECT count(*) FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid WHERE search_fts MATCH $1 AND d.kind = 'kb'`
			}
			var n int
			if err := d.QueryRowContext(ctx, q, arg).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var before, after int
		for _, ask := range benchAsks {
			text := kb.Keywords(ask)
			var all []string
			for _, ph := range search.Parse(text).Phrases {
				if d.Dialect == db.Postgres {
					s := "(" + strings.Join(ph.Tokens, " <-> ")
					if ph.Prefix {
						s += ":*"
					}
					all = append(all, s+")")
				} else {
					s := `"` + strings.Join(ph.Tokens, " ") + `"`
					if ph.Prefix {
						s += " *"
					}
					all = append(all, s)
				}
			}
			var kept []string
			least, leastN := "", 0
			for _, ph := range all {
				n := match([]string{ph}) // all kinds hold only kb rows here
				switch {
				case n == 0:
				case n <= search.RelaxCommon:
					kept = append(kept, ph)
				case least == "" || n < leastN:
					least, leastN = ph, n
				}
			}
			if len(kept) == 0 && least != "" {
				kept = []string{least}
			}
			b, a := match(all), 0
			if len(kept) > 0 {
				a = match(kept)
			}
			t.Logf("%s %q → %q: %d rows ranked before, %d after", d.Dialect, ask, text, b, a)
			before += b
			after += a
		}
		t.Logf("%s: %d questions, %d rows ranked before, %d after", d.Dialect, len(benchAsks), before, after)
	})
}
