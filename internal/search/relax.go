package search

import (
	"context"
	"fmt"
	"strings"

	"taxhall/internal/db"
)

// The relaxed search (any word) ranks every row that holds any word of the
// query. With a question cut into pairs of characters ("小规 模纳 税人 …")
// one common pair (税人) matches most of the index, and ranking thousands
// of rows took 135/189 ms (SQLite/PostgreSQL, p95, 10,000 entries) per
// "search before you ask" suggestion. So the relaxed search first counts,
// capped, how many rows hold each word (one statement, each count stops
// at RelaxCommon+1 rows), leaves out the words found in more than
// RelaxCommon rows — they tell rows apart least, like stop words — and
// the words found nowhere, and ranks the rows with any remaining word.
// When every word is common it keeps one of them (the least common as far
// as the capped counts tell; on a tie, the first). The rows still
// come best first by the same ranking; a row that shares only common words
// with the query is no longer offered, which is the point.

// RelaxCommon is how many rows a word may be found in and still count in
// a relaxed search.
const RelaxCommon = 300

// selective returns p with only the phrases that tell rows apart.
func (ix *Index) selective(ctx context.Context, r db.Querier, p Parsed) (Parsed, error) {
	args := []any{}
	parts := make([]string, len(p.Phrases))
	for i, ph := range p.Phrases {
		one := Parsed{Phrases: []phrase{ph}}
		if ix.DB.Dialect == db.Postgres {
			args = append(args, one.tsquery(false))
			parts[i] = fmt.Sprintf(`(SELECT count(*) FROM (SELECT 1 FROM search_docs WHERE tsv @@ to_tsquery('simple', $%d) LIMIT %d) x%d)`, len(args), RelaxCommon+1, i)
		} else {
			args = append(args, one.fts5(false))
			parts[i] = fmt.Sprintf(`(SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH $%d LIMIT %d) x%d)`, len(args), RelaxCommon+1, i)
		}
	}
	counts := make([]int, len(parts))
	dest := make([]any, len(parts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	// #nosec G202 -- parts hold numbered placeholders and constants only
	if err := r.QueryRowContext(ctx, `SELECT `+strings.Join(parts, ", "), args...).Scan(dest...); err != nil {
		return p, err
	}
	out := Parsed{Terms: p.Terms, Short: p.Short}
	least := -1
	for i, n := range counts {
		switch {
		case n == 0:
		case n <= RelaxCommon:
			out.Phrases = append(out.Phrases, p.Phrases[i])
		case least < 0 || n < counts[least]:
			least = i
		}
	}
	if len(out.Phrases) == 0 && least >= 0 {
		out.Phrases = append(out.Phrases, p.Phrases[least])
	}
	return out, nil
}
