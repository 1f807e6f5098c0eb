package search

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"taxhall/internal/db"
)

// Query asks the index for ranked rows.
type Query struct {
	Text   string
	Kinds  []string          // only rows of these kinds; none means all
	Facets map[string]string // only rows with all these facets
	Limit  int               // rows to return: 1…100, default 20
	Offset int               // rows to skip: ranked results page by offset, at most MaxOffset
}

// MaxOffset bounds how deep a ranked result list may be paged: nobody reads
// past the tenth page, and the database ranks every match for each page.
const MaxOffset = 500

// SnippetWidth is how many characters a snippet shows.
const SnippetWidth = 120

// Hit is one result: the best row of its group.
type Hit struct {
	Kind, Ref, Group, URL string
	Title                 string
	Body                  string
	Score                 float64
	TitleMarks            []Segment // the title with the searched words marked
	Snippet               []Segment // the best stretch of the body, marked
	// At is the byte offset in Body of the snippet's first marked word, -1
	// when the body holds none (the title matched): a law finds the article
	// at the hit from it.
	At int
}

// Result is a page of hits.
type Result struct {
	Hits []Hit
	More bool // another page follows
	// Relaxed is set when no row had every word and the hits have some.
	Relaxed bool
	// Short is set when the query has a single Chinese character, found
	// only at the start of an indexed word.
	Short bool
	Terms []string // the words marked
}

// Search returns the best rows for q, one per group, best first. A query
// with several words that no row holds together is run again for rows with
// any of them (Result.Relaxed), leaving out words too common to tell rows
// apart (relax.go). An empty query finds nothing.
func (ix *Index) Search(ctx context.Context, q Query) (res Result, err error) {
	defer db.Wrap(&err, "search.Search(%q)", q.Text)
	p := Parse(q.Text)
	res.Terms, res.Short = p.Terms, p.Short
	if p.Empty() {
		return res, nil
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	q.Offset = min(max(q.Offset, 0), MaxOffset)
	err = ix.read(ctx, func(r db.Querier) error {
		var err error
		res.Hits, res.More, err = ix.run(ctx, r, q, p, false)
		if err == nil && len(res.Hits) == 0 && q.Offset == 0 && len(p.Phrases) > 1 {
			var rp Parsed
			if rp, err = ix.selective(ctx, r, p); err == nil && !rp.Empty() { // relax.go
				res.Hits, res.More, err = ix.run(ctx, r, q, rp, true)
				res.Relaxed = len(res.Hits) > 0
			}
		}
		return err
	})
	if err != nil {
		return res, err
	}
	for i := range res.Hits {
		h := &res.Hits[i]
		h.TitleMarks = Highlight(h.Title, p.Terms)
		h.Snippet, h.At = Snippet(h.Body, p.Terms, SnippetWidth)
	}
	return res, nil
}

// run ranks the matching rows, keeps the best of each group and returns a
// page of them. Only the matching step differs between the databases; the
// grouping is the same window query on both. A document with several
// matching rows gains up to half again of its best row's rank, so that the
// law that deals with a subject throughout comes before one that mentions
// it once.
func (ix *Index) run(ctx context.Context, r db.Querier, q Query, p Parsed, anyOf bool) ([]Hit, bool, error) {
	args := []any{}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var match string
	if ix.DB.Dialect == db.Postgres {
		e := arg(p.tsquery(anyOf))
		match = `SELECT d.id, d.kind, d.grp, ts_rank_cd(d.tsv, to_tsquery('simple', ` + e + `)) * d.boost AS score
			FROM search_docs d WHERE d.tsv @@ to_tsquery('simple', ` + e + `)`
	} else {
		// bm25 is lower for better rows; weights: title 10, body 1.
		match = `SELECT d.id, d.kind, d.grp, -bm25(search_fts, 10.0, 1.0) * d.boost AS score
			FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid WHERE search_fts MATCH ` + arg(p.fts5(anyOf))
	}
	if len(q.Kinds) > 0 {
		ph := make([]string, len(q.Kinds))
		for i, k := range q.Kinds {
			ph[i] = arg(k)
		}
		match += ` AND d.kind IN (` + strings.Join(ph, ", ") + `)`
	}
	keys := make([]string, 0, len(q.Facets))
	for k := range q.Facets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		match += ` AND d.facets LIKE ` + arg("% "+likeEscape(k+"="+q.Facets[k])+" %") + ` ESCAPE '\'`
	}
	limit, offset := arg(q.Limit+1), arg(q.Offset)
	// The page is chosen from ids and scores alone (top); only its rows
	// are read whole (title, body), not every match's.
	query := `WITH m AS (` + match + `),
		r AS (SELECT id, score,
			row_number() OVER (PARTITION BY kind, grp ORDER BY score DESC, id) AS rn,
			count(*) OVER (PARTITION BY kind, grp) AS n
			FROM m),
		top AS (SELECT id, CAST(score * (1.0 + 0.05 * (CASE WHEN n > 11 THEN 10 ELSE n - 1 END)) AS DOUBLE PRECISION) AS g
			FROM r WHERE rn = 1
			ORDER BY g DESC, id
			LIMIT ` + limit + ` OFFSET ` + offset + `)
		SELECT d.id, d.kind, d.ref, d.grp, d.title, d.body, d.url, top.g
		FROM top JOIN search_docs d ON d.id = top.id
		ORDER BY top.g DESC, d.id`
	hits, err := db.Query(ctx, r, func(s db.Scanner) (Hit, error) {
		var h Hit
		var id int64
		err := s.Scan(&id, &h.Kind, &h.Ref, &h.Group, &h.Title, &h.Body, &h.URL, &h.Score)
		return h, err
	}, query, args...)
	if err != nil {
		return nil, false, err
	}
	more := len(hits) > q.Limit
	if more {
		hits = hits[:q.Limit]
	}
	return hits, more, nil
}

// read runs fn with the database to search. On PostgreSQL that is a
// read-only transaction in which the planner may not scan search_docs
// whole: it prices a sequential scan by the rows it reads, not by the
// tsvectors it must unpack to test each one, so for a common word (合同,
// in 2,998 of the library's 26,494 rows) it read every row's tsvector
// (450 ms) instead of using the GIN index (15 ms; EXPLAIN ANALYZE on the
// imported library). The search statements have an index for every way
// they read the table (GIN, primary key, kind+grp), so forbidding the
// whole scan costs nothing where the scan would have been right.
func (ix *Index) read(ctx context.Context, fn func(db.Querier) error) error {
	if ix.DB.Dialect != db.Postgres {
		return fn(ix.DB)
	}
	tx, err := ix.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to keep
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		return err
	}
	return fn(tx)
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
