package search

import (
	"context"
	"sort"
	"strings"
	"time"

	"taxhall/internal/db"
)

// Index is the full-text index of one database.
type Index struct {
	DB  *db.DB
	Now func() time.Time
}

// New returns the index of d.
func New(d *db.DB) *Index { return &Index{DB: d, Now: time.Now} }

// Doc is one searchable piece of text.
type Doc struct {
	Kind  string // what it is: "law", "guide", "article", "kb" …
	Ref   string // its name within Kind; putting the same Kind+Ref again replaces it
	Group string // rows of one Group are one result (the chunks of a law); "" means Ref
	Title string
	Body  string
	URL   string
	// Facets are key → value words a query may require (Query.Facets).
	// Keys and values must not hold spaces or "=".
	Facets map[string]string
	// Boost multiplies the rank; 0 means 1.
	Boost float64
}

// facetText is facets as stored: " k=v k=v " in key order, so that
// LIKE '% k=v %' finds one.
func facetText(f map[string]string) string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte(' ')
	for _, k := range keys {
		b.WriteString(k + "=" + f[k] + " ")
	}
	return b.String()
}

// Put indexes docs (inserting or replacing each by Kind+Ref) with q, which
// may be the caller's transaction so that a document and its index entry
// change together.
func (ix *Index) Put(ctx context.Context, q db.Querier, docs ...Doc) (err error) {
	defer db.Wrap(&err, "search.Put")
	now := db.TS(ix.Now())
	for _, d := range docs {
		if d.Group == "" {
			d.Group = d.Ref
		}
		if d.Boost == 0 {
			d.Boost = 1
		}
		titleTok, bodyTok := Tokens(d.Title), Tokens(d.Body)
		storedTitle, storedBody := titleTok, bodyTok
		if ix.DB.Dialect == db.SQLite {
			storedTitle, storedBody = "", "" // the FTS5 table holds the index
		}
		var id int64
		err := q.QueryRowContext(ctx, `
			INSERT INTO search_docs (kind, ref, grp, title, body, url, facets, boost, title_tokens, body_tokens, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (kind, ref) DO UPDATE SET grp = excluded.grp, title = excluded.title, body = excluded.body,
				url = excluded.url, facets = excluded.facets, boost = excluded.boost,
				title_tokens = excluded.title_tokens, body_tokens = excluded.body_tokens, updated_at = excluded.updated_at
			RETURNING id`,
			d.Kind, d.Ref, d.Group, d.Title, d.Body, d.URL, facetText(d.Facets), d.Boost, storedTitle, storedBody, now).Scan(&id)
		if err != nil {
			return err
		}
		if ix.DB.Dialect == db.SQLite {
			if _, err := q.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, id); err != nil {
				return err
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO search_fts (rowid, title, body) VALUES ($1, $2, $3)`, id, titleTok, bodyTok); err != nil {
				return err
			}
		}
	}
	return nil
}

// Delete removes the rows of kind whose Ref is one of refs.
func (ix *Index) Delete(ctx context.Context, q db.Querier, kind string, refs ...string) (err error) {
	defer db.Wrap(&err, "search.Delete(%s)", kind)
	for _, ref := range refs {
		if err := ix.deleteWhere(ctx, q, `kind = $1 AND ref = $2`, kind, ref); err != nil {
			return err
		}
	}
	return nil
}

// DeleteGroup removes every row of one group of kind (all chunks of a
// document), for a document that is re-indexed with fewer chunks.
func (ix *Index) DeleteGroup(ctx context.Context, q db.Querier, kind, group string) (err error) {
	defer db.Wrap(&err, "search.DeleteGroup(%s, %s)", kind, group)
	return ix.deleteWhere(ctx, q, `kind = $1 AND grp = $2`, kind, group)
}

func (ix *Index) deleteWhere(ctx context.Context, q db.Querier, where string, args ...any) error {
	if ix.DB.Dialect == db.SQLite {
		// #nosec G202 -- where is one of the constant conditions above
		if _, err := q.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE `+where+`)`, args...); err != nil {
			return err
		}
	}
	// #nosec G202 -- where is one of the constant conditions above
	_, err := q.ExecContext(ctx, `DELETE FROM search_docs WHERE `+where, args...)
	return err
}
