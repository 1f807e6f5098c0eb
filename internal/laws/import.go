package laws

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/search"
)

// Service is the regulation library.
type Service struct {
	DB    *db.DB
	Index *search.Index
	Now   func() time.Time

	importing atomic.Bool
	done      atomic.Int64
	total     atomic.Int64

	facetMu sync.Mutex // guards the cached counts (FacetCounts)
	facets  Facets
	facetAt time.Time
}

// SearchKind is the kind of the library's rows in the search index.
const SearchKind = "law"

// ImportStats says what an import did.
type ImportStats struct {
	Files, Added, Updated, Unchanged int
	ByKind                           map[string]int // documents of each kind in the folder
}

// Progress reports an import under way: documents written of the total,
// and whether one is running (the library page says so until it is done).
func (s *Service) Progress() (done, total int, running bool) {
	return int(s.done.Load()), int(s.total.Load()), s.importing.Load()
}

// batch is how many documents one transaction writes.
const batch = 40

// Import loads the library folder dir: every Markdown file but README.md and
// the folders' _index.md. It is idempotent: a file already imported with
// the same content and validity is skipped; a changed one is rewritten in
// place (its path is its key). Validity is decided over the whole folder:
// of the versions of one title, the newest is 现行有效.
func (s *Service) Import(ctx context.Context, dir string) (st ImportStats, err error) {
	defer db.Wrap(&err, "laws.Import(%s)", dir)
	s.importing.Store(true)
	defer func() {
		s.importing.Store(false)
		s.facetMu.Lock()
		s.facetAt = time.Time{} // count again
		s.facetMu.Unlock()
	}()
	var metas []Meta
	var shas []string
	// The walk and the reads stay inside the folder (os.Root): a symbolic
	// link cannot lead the import elsewhere.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return st, err
	}
	defer root.Close()
	lib := root.FS()
	err = fs.WalkDir(lib, ".", func(rel string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".md") || name == "README.md" || name == "_index.md" {
			return nil
		}
		content, err := fs.ReadFile(lib, rel)
		if err != nil {
			return err
		}
		m, err := ParseFile(rel, content)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(content)
		metas = append(metas, m)
		shas = append(shas, hex.EncodeToString(sum[:]))
		return nil
	})
	if err != nil {
		return st, err
	}
	st.Files = len(metas)
	st.ByKind = map[string]int{}
	newest := map[string]string{}
	for _, m := range metas {
		st.ByKind[m.Kind]++
		if m.Version > newest[m.Title] {
			newest[m.Title] = m.Version
		}
	}
	// A title is repealed when a document of the library, in force by
	// today, abolishes it after the title's newest version.
	today := s.Now().Format(db.DateLayout)
	repealed := map[string]bool{}
	for _, m := range metas {
		for _, r := range m.Repeals {
			for _, t := range []string{r.Title, "中华人民共和国" + r.Title} {
				if v, ok := newest[t]; ok && r.From <= today && v < r.From && t != m.Title {
					repealed[t] = true
				}
			}
		}
	}
	status := func(m Meta) string {
		switch {
		case repealed[m.Title]:
			return StatusRepealed
		case m.Version < newest[m.Title]:
			return StatusAmended
		}
		return StatusCurrent
	}
	type known struct{ sha, status string }
	have := map[string]known{}
	rows, err := db.Query(ctx, s.DB, func(r db.Scanner) ([3]string, error) {
		var v [3]string
		return v, r.Scan(&v[0], &v[1], &v[2])
	}, `SELECT path, sha, status FROM laws`)
	if err != nil {
		return st, err
	}
	for _, r := range rows {
		have[r[0]] = known{r[1], r[2]}
	}
	var todo []int
	for i, m := range metas {
		k, ok := have[m.Path]
		switch {
		case !ok:
			st.Added++
			todo = append(todo, i)
		case k.sha != shas[i] || k.status != status(m):
			st.Updated++
			todo = append(todo, i)
		default:
			st.Unchanged++
		}
	}
	s.total.Store(int64(len(todo)))
	s.done.Store(0)
	for start := 0; start < len(todo); start += batch {
		end := min(start+batch, len(todo))
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			for _, i := range todo[start:end] {
				if err := s.write(ctx, tx, metas[i], shas[i], status(metas[i])); err != nil {
					return fmt.Errorf("%s: %w", metas[i].Path, err)
				}
			}
			return nil
		})
		if err != nil {
			return st, err
		}
		s.done.Store(int64(end))
	}
	if len(todo) > 0 && s.DB.Dialect == db.Postgres {
		// Fresh statistics after a bulk load, so that the planner knows the
		// GIN index's selectivity.
		if _, err := s.DB.ExecContext(ctx, `ANALYZE search_docs`); err != nil {
			return st, err
		}
		if _, err := s.DB.ExecContext(ctx, `ANALYZE laws`); err != nil {
			return st, err
		}
	}
	return st, nil
}

// write stores one document and its search pieces.
func (s *Service) write(ctx context.Context, tx *sql.Tx, m Meta, sha, status string) error {
	blocks := ParseBody(m.Body)
	articles := 0
	for _, b := range blocks {
		if b.Kind == Article {
			articles++
		}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO laws (path, sha, title, kind, category, level, province, version_date, adopted_on, effective_on, year, status, history, body, articles, imported_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
		ON CONFLICT (path) DO UPDATE SET sha = excluded.sha, title = excluded.title, kind = excluded.kind,
			category = excluded.category, level = excluded.level, province = excluded.province,
			version_date = excluded.version_date, adopted_on = excluded.adopted_on, effective_on = excluded.effective_on,
			year = excluded.year, status = excluded.status, history = excluded.history, body = excluded.body,
			articles = excluded.articles, imported_at = excluded.imported_at
		RETURNING id`,
		m.Path, sha, m.Title, m.Kind, m.Category, m.Level, m.Province, m.Version, m.Adopted, m.Effective, m.Year,
		status, strings.Join(m.History, "\n"), m.Body, articles, db.TS(s.Now())).Scan(&id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM law_tax_tags WHERE law_id = $1`, id); err != nil {
		return err
	}
	for _, t := range m.TaxTags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO law_tax_tags (tag, law_id) VALUES ($1, $2)`, t, id); err != nil {
			return err
		}
	}
	group := strconv.FormatInt(id, 10)
	if err := s.Index.DeleteGroup(ctx, tx, SearchKind, group); err != nil {
		return err
	}
	facets := map[string]string{"kind": m.Kind, "level": m.Level, "status": status, "year": strconv.Itoa(m.Year)}
	if m.Province != "" {
		facets["prov"] = m.Province
	}
	for _, t := range m.TaxTags {
		facets["tax."+t] = "1"
	}
	boost := Boost(m.Kind, status, bureauTax(m.TaxTags))
	pieces := chunks(blocks)
	if len(pieces) == 0 { // a document of a title only is still found by it
		pieces = []chunk{{Text: ""}}
	}
	docs := make([]search.Doc, len(pieces))
	for i, p := range pieces {
		url := "/laws/" + group
		if p.Anchor != "" {
			url += "#" + p.Anchor
		}
		docs[i] = search.Doc{Kind: SearchKind, Ref: group + "#" + strconv.Itoa(i), Group: group,
			Title: m.Title, Body: p.Text, URL: url, Facets: facets, Boost: boost}
	}
	return s.Index.Put(ctx, tx, docs...)
}

// bureauTax reports whether tags name a tax the tax bureau administers:
// customs duties (关税, 船舶吨税) are the customs' and gain nothing here.
func bureauTax(tags []string) bool {
	for _, t := range tags {
		if t != "关税" && t != "船舶吨税" {
			return true
		}
	}
	return false
}

// Boost is how much a document's rank is raised: a version in force over
// one superseded or repealed; in a tax hall, the laws of the taxes the
// bureau administers over others; laws and regulations over cases.
func Boost(kind, status string, tax bool) float64 {
	b := 1.0
	switch status {
	case StatusAmended:
		b *= 0.5
	case StatusRepealed:
		b *= 0.4
	}
	if tax {
		b *= 1.5
	}
	// By legal effect (法律效力位阶): a law before the regulation that
	// implements it.
	switch kind {
	case KindConstitution, KindLaw:
		b *= 1.2
	case KindRegulation:
		b *= 1.1
	case KindCase:
		b *= 0.8
	}
	return b
}

// sortedKinds returns the kinds of counts in the library's order.
func sortedKinds(counts map[string]int) []string {
	var out []string
	for k := range counts {
		out = append(out, k)
	}
	order := map[string]int{}
	for i, k := range Kinds {
		order[k] = i
	}
	sort.Slice(out, func(i, j int) bool { return order[out[i]] < order[out[j]] })
	return out
}
