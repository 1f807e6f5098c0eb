package laws

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
	"taxhall/internal/search"
)

// Summary is a document as a list shows it.
type Summary struct {
	ID       int64
	Title    string
	Kind     string
	Category string
	Level    string
	Province string
	Version  string // the version's date
	Year     int
	Status   string
	Articles int
}

// Law is a document with its text.
type Law struct {
	Summary
	Adopted   string
	Effective string
	History   []string
	Body      string
	TaxTags   []string
}

// Blocks cuts the law's text into headings, articles and paragraphs.
func (l *Law) Blocks() []Block { return ParseBody(l.Body) }

const summaryCols = `id, title, kind, category, level, province, version_date, year, status, articles`

func scanSummary(r db.Scanner) (Summary, error) {
	var s Summary
	err := r.Scan(&s.ID, &s.Title, &s.Kind, &s.Category, &s.Level, &s.Province, &s.Version, &s.Year, &s.Status, &s.Articles)
	return s, err
}

// Get returns one document.
func (s *Service) Get(ctx context.Context, id int64) (l Law, err error) {
	defer db.Wrap(&err, "laws.Get(%d)", id)
	var history string
	row := s.DB.QueryRowContext(ctx, `SELECT `+summaryCols+`, adopted_on, effective_on, history, body FROM laws WHERE id = $1`, id)
	err = row.Scan(&l.ID, &l.Title, &l.Kind, &l.Category, &l.Level, &l.Province, &l.Version, &l.Year, &l.Status, &l.Articles,
		&l.Adopted, &l.Effective, &history, &l.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return l, apperr.New(apperr.NotFound, "没有找到该法规")
	}
	if err != nil {
		return l, err
	}
	if history != "" {
		l.History = strings.Split(history, "\n")
	}
	l.TaxTags, err = db.Query(ctx, s.DB, func(r db.Scanner) (string, error) {
		var t string
		return t, r.Scan(&t)
	}, `SELECT tag FROM law_tax_tags WHERE law_id = $1 ORDER BY tag`, id)
	return l, err
}

// Versions returns every version of a title, newest first.
func (s *Service) Versions(ctx context.Context, title string) ([]Summary, error) {
	return db.Query(ctx, s.DB, scanSummary, `SELECT `+summaryCols+` FROM laws WHERE title = $1 ORDER BY version_date DESC, id DESC`, title)
}

// Filter narrows the library.
type Filter struct {
	Kind, Level, Province, Tax, Status string
	Year                               int
}

// facets is the filter as search facets.
func (f Filter) facets() map[string]string {
	out := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	set("kind", f.Kind)
	set("level", f.Level)
	set("prov", f.Province)
	set("status", f.Status)
	if f.Year > 0 {
		out["year"] = strconv.Itoa(f.Year)
	}
	if f.Tax != "" {
		out["tax."+f.Tax] = "1"
	}
	return out
}

// Cursor is where a browse page starts: after the document with this date
// and id (keyset paging on laws_recent / laws_kind_recent).
type Cursor struct {
	Version string
	ID      int64
}

// String is the cursor as a URL value: "2019-03-02.1234".
func (c Cursor) String() string {
	if c.ID == 0 {
		return ""
	}
	return c.Version + "." + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor from a URL value; the zero cursor for "" or
// anything malformed (the first page).
func ParseCursor(s string) Cursor {
	date, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || len(date) > 10 {
		return Cursor{}
	}
	return Cursor{Version: date, ID: n}
}

// PageSize is how many documents a library page lists.
const PageSize = 20

// Browse lists the documents that f admits, newest first, from after
// cursor; next is the cursor of the following page (zero at the end).
func (s *Service) Browse(ctx context.Context, f Filter, after Cursor) (list []Summary, next Cursor, err error) {
	defer db.Wrap(&err, "laws.Browse")
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Kind != "" {
		where = append(where, "kind = "+arg(f.Kind))
	}
	if f.Level != "" {
		where = append(where, "level = "+arg(f.Level))
	}
	if f.Province != "" {
		where = append(where, "province = "+arg(f.Province))
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(f.Status))
	}
	if f.Year > 0 {
		where = append(where, "year = "+arg(f.Year))
	}
	if f.Tax != "" {
		where = append(where, "id IN (SELECT law_id FROM law_tax_tags WHERE tag = "+arg(f.Tax)+")")
	}
	if after.ID > 0 {
		v, id := arg(after.Version), arg(after.ID)
		where = append(where, "(version_date < "+v+" OR (version_date = "+v+" AND id < "+id+"))")
	}
	q := `SELECT ` + summaryCols + ` FROM laws`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY version_date DESC, id DESC LIMIT ` + arg(PageSize+1)
	list, err = db.Query(ctx, s.DB, scanSummary, q, args...)
	if err != nil {
		return nil, Cursor{}, err
	}
	if len(list) > PageSize {
		list = list[:PageSize]
		last := list[PageSize-1]
		next = Cursor{Version: last.Version, ID: last.ID}
	}
	return list, next, nil
}

// Hit is a search result: a document and where in it the words are.
type Hit struct {
	Summary
	TitleMarks []search.Segment
	Snippet    []search.Segment
	Anchor     string // the article at the hit ("a22"), or "" for the top
	Article    string // its label, "第二十二条", or ""
}

// Results is a page of search results.
type Results struct {
	Hits    []Hit
	More    bool
	Relaxed bool
	Short   bool
	Terms   []string
}

// Search finds documents by full text within the filter, best first; page
// counts from 0.
func (s *Service) Search(ctx context.Context, q string, f Filter, page int) (res Results, err error) {
	defer db.Wrap(&err, "laws.Search")
	r, err := s.Index.Search(ctx, search.Query{Text: q, Kinds: []string{SearchKind}, Facets: f.facets(), Limit: PageSize, Offset: page * PageSize})
	if err != nil {
		return res, err
	}
	res = Results{More: r.More, Relaxed: r.Relaxed, Short: r.Short, Terms: r.Terms}
	if len(r.Hits) == 0 {
		return res, nil
	}
	ids := make([]string, len(r.Hits))
	args := make([]any, len(r.Hits))
	for i, h := range r.Hits {
		ids[i] = fmt.Sprintf("$%d", i+1)
		args[i], _ = strconv.ParseInt(h.Group, 10, 64) // the group is the law's id
	}
	list, err := db.Query(ctx, s.DB, scanSummary, `SELECT `+summaryCols+` FROM laws WHERE id IN (`+strings.Join(ids, ", ")+`)`, args...)
	if err != nil {
		return res, err
	}
	byID := map[string]Summary{}
	for _, l := range list {
		byID[strconv.FormatInt(l.ID, 10)] = l
	}
	for _, h := range r.Hits {
		l, ok := byID[h.Group]
		if !ok { // removed since it was indexed
			continue
		}
		_, fallback, _ := strings.Cut(h.URL, "#")
		anchor := ArticleAt(h.Body, h.At, fallback)
		res.Hits = append(res.Hits, Hit{Summary: l, TitleMarks: h.TitleMarks, Snippet: h.Snippet, Anchor: anchor, Article: articleLabel(h.Body, anchor)})
	}
	return res, nil
}

// articleLabel finds the label of the article with anchor in a piece's
// text ("第二十二条"), or "".
func articleLabel(text, anchor string) string {
	if !strings.HasPrefix(anchor, "a") {
		return ""
	}
	for _, line := range strings.Split(text, "\n") {
		if m := articleStart.FindStringSubmatch(line); m != nil && ArticleAt(line, 0, "") == anchor {
			return strings.TrimSpace(m[0])
		}
	}
	return ""
}

// Count is a value of a filter and how many documents have it.
type Count struct {
	Value string
	N     int
}

// Facets are the filter values of the whole library with their counts.
type Facets struct {
	Kinds, Levels, Provinces, Taxes []Count
	Years                           []int
	Total                           int
}

// facetTTL is how long the library's counts are reused: they change only
// with an import (which clears them on its node at once).
const facetTTL = time.Minute

// FacetCounts counts the library by kind, level, province, tax type and
// year. The GROUP BYs read the whole table (its rows hold the texts), so
// the counts are kept for facetTTL.
func (s *Service) FacetCounts(ctx context.Context) (Facets, error) {
	s.facetMu.Lock()
	defer s.facetMu.Unlock()
	if !s.facetAt.IsZero() && time.Since(s.facetAt) < facetTTL {
		return s.facets, nil
	}
	f, err := s.countFacets(ctx)
	if err != nil {
		return f, err
	}
	s.facets, s.facetAt = f, time.Now()
	return f, nil
}

func (s *Service) countFacets(ctx context.Context) (f Facets, err error) {
	defer db.Wrap(&err, "laws.FacetCounts")
	count := func(q string) ([]Count, error) {
		return db.Query(ctx, s.DB, func(r db.Scanner) (Count, error) {
			var c Count
			return c, r.Scan(&c.Value, &c.N)
		}, q)
	}
	kinds, err := count(`SELECT kind, count(*) FROM laws GROUP BY kind`)
	if err != nil {
		return f, err
	}
	m := map[string]int{}
	for _, k := range kinds {
		m[k.Value] = k.N
		f.Total += k.N
	}
	for _, k := range sortedKinds(m) {
		f.Kinds = append(f.Kinds, Count{k, m[k]})
	}
	levels, err := count(`SELECT level, count(*) FROM laws GROUP BY level`)
	if err != nil {
		return f, err
	}
	for _, l := range Levels {
		for _, c := range levels {
			if c.Value == l {
				f.Levels = append(f.Levels, c)
			}
		}
	}
	if f.Provinces, err = count(`SELECT province, count(*) FROM laws WHERE province <> '' GROUP BY province ORDER BY province`); err != nil {
		return f, err
	}
	taxes, err := count(`SELECT tag, count(*) FROM law_tax_tags GROUP BY tag`)
	if err != nil {
		return f, err
	}
	for _, t := range TaxTags {
		for _, c := range taxes {
			if c.Value == t.Tag {
				f.Taxes = append(f.Taxes, c)
			}
		}
	}
	f.Years, err = db.Query(ctx, s.DB, func(r db.Scanner) (int, error) {
		var y int
		return y, r.Scan(&y)
	}, `SELECT DISTINCT year FROM laws WHERE year > 0 ORDER BY year DESC`)
	return f, err
}
