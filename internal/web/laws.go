package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/laws"
	"taxhall/internal/search"
)

// The regulation library (法规库): browse by kind, level, province, tax type,
// year and validity; search in full text with the same filters; read a
// document with its table of contents and its versions; compare two
// versions article by article.

var (
	lawsView       = newView[lawsPage]("laws.html")
	lawView        = newView[lawPage]("law.html")
	lawCompareView = newView[lawComparePage]("law_compare.html")
)

type lawsPage struct {
	basePage
	Q        string
	Filter   laws.Filter
	Facets   laws.Facets
	Searched bool
	Results  laws.Results
	List     []laws.Summary
	Page     int    // search results page, from 0
	PrevURL  string // "" when there is none
	NextURL  string
	FirstURL string // back to the first page of a browse list
	// Importing is set while the library is being imported: N of M done.
	Importing        bool
	Done, ImportSize int
	Examples         []string
}

// lawExamples are searches offered on the library page.
var lawExamples = []string{"增值税 起征点", "滞纳金", "发票管理办法 第二十二条", "个人所得税 专项附加扣除"}

func (s *Server) lawsIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	qv := r.URL.Query()
	p := &lawsPage{basePage: basePage{Title: "法规库"}, Q: strings.TrimSpace(qv.Get("q")), Examples: lawExamples}
	p.Filter = laws.Filter{Kind: qv.Get("kind"), Level: qv.Get("level"), Province: qv.Get("prov"), Tax: qv.Get("tax"), Status: qv.Get("status")}
	p.Filter.Year, _ = strconv.Atoi(qv.Get("year"))
	done, total, running := s.Laws.Progress()
	p.Importing, p.Done, p.ImportSize = running, done, total
	var err error
	if p.Facets, err = s.Laws.FacetCounts(ctx); err != nil {
		return err
	}
	base := lawsQuery(p.Q, p.Filter)
	if p.Q != "" {
		p.Searched = true
		p.Title = "“" + p.Q + "”的法规检索结果"
		p.Page, _ = strconv.Atoi(qv.Get("page"))
		p.Page = min(max(p.Page, 0), search.MaxOffset/laws.PageSize)
		if p.Results, err = s.Laws.Search(ctx, p.Q, p.Filter, p.Page); err != nil {
			return err
		}
		if p.Page > 0 {
			p.PrevURL = pageURL(base, "page", strconv.Itoa(p.Page-1))
		}
		if p.Results.More && p.Page < search.MaxOffset/laws.PageSize {
			p.NextURL = pageURL(base, "page", strconv.Itoa(p.Page+1))
		}
		if p.Page == 0 {
			markSearch(w, "laws", len(p.Results.Hits))
		}
		return lawsView.ok(s, w, r, p)
	}
	after := laws.ParseCursor(qv.Get("after"))
	list, next, err := s.Laws.Browse(ctx, p.Filter, after)
	if err != nil {
		return err
	}
	p.List = list
	if next.ID != 0 {
		p.NextURL = pageURL(base, "after", next.String())
	}
	if after.ID != 0 {
		p.FirstURL = "/laws?" + base.Encode()
	}
	return lawsView.ok(s, w, r, p)
}

// lawsQuery is the URL query of a search and its filters.
func lawsQuery(q string, f laws.Filter) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", q)
	set("kind", f.Kind)
	set("level", f.Level)
	set("prov", f.Province)
	set("tax", f.Tax)
	set("status", f.Status)
	if f.Year > 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	return v
}

func pageURL(base url.Values, k, val string) string {
	v := url.Values{}
	for key, vals := range base {
		v[key] = vals
	}
	v.Set(k, val)
	return "/laws?" + v.Encode()
}

// LawURL is the address of a document at an anchor, with the searched
// words to mark.
func LawURL(id int64, q, anchor string) string {
	u := "/laws/" + strconv.FormatInt(id, 10)
	if q != "" {
		u += "?q=" + url.QueryEscape(q)
	}
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

type lawPage struct {
	basePage
	Law      laws.Law
	Q        string
	Blocks   []lawBlock
	TOC      []lawBlock // the headings
	Versions []laws.Summary
	Marks    int // how many places the searched words are marked
}

// lawBlock is a block of a document with the searched words marked.
type lawBlock struct {
	laws.Block
	Heading []search.Segment
	Paras   [][]search.Segment
}

func (s *Server) lawShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.Laws.Get(r.Context(), id)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var terms []string
	if q != "" {
		terms = search.Parse(q).Terms
	}
	p := &lawPage{basePage: basePage{Title: l.Title}, Law: l, Q: q}
	mark := func(text string) []search.Segment {
		segs := search.Highlight(text, terms)
		for _, sg := range segs {
			if sg.Mark {
				p.Marks++
			}
		}
		return segs
	}
	for _, b := range l.Blocks() {
		lb := lawBlock{Block: b}
		switch b.Kind {
		case laws.Heading:
			lb.Heading = mark(b.Text)
			p.TOC = append(p.TOC, lb)
		case laws.Article:
			for _, para := range b.Paras {
				lb.Paras = append(lb.Paras, mark(para))
			}
		default:
			lb.Paras = [][]search.Segment{mark(b.Text)}
		}
		p.Blocks = append(p.Blocks, lb)
	}
	if p.Versions, err = s.Laws.Versions(r.Context(), l.Title); err != nil {
		return err
	}
	return lawView.ok(s, w, r, p)
}

type lawComparePage struct {
	basePage
	Old, New laws.Law
	Rows     []compareRow
	Changed  int
}

// compareRow is one article in two versions ("" where a version lacks it).
type compareRow struct {
	Label    string
	Old, New string
	Changed  bool
}

func (s *Server) lawCompare(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	other, err := strconv.ParseInt(r.URL.Query().Get("with"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "请选择要对照的版本")
	}
	a, err := s.Laws.Get(r.Context(), id)
	if err != nil {
		return err
	}
	b, err := s.Laws.Get(r.Context(), other)
	if err != nil {
		return err
	}
	if a.Title != b.Title || a.ID == b.ID {
		return apperr.New(apperr.NotFound, "只能对照同一法规的不同版本")
	}
	if a.Version > b.Version {
		a, b = b, a
	}
	p := &lawComparePage{basePage: basePage{Title: a.Title + " 版本对照"}, Old: a, New: b}
	p.Rows = compareArticles(a.Blocks(), b.Blocks())
	for _, row := range p.Rows {
		if row.Changed {
			p.Changed++
		}
	}
	return lawCompareView.ok(s, w, r, p)
}

// compareArticles lines up the articles of two versions by number.
func compareArticles(old, new []laws.Block) []compareRow {
	type art struct {
		num, sub    int
		label, text string
	}
	collect := func(bs []laws.Block) map[string]art {
		m := map[string]art{}
		for _, b := range bs {
			if b.Kind == laws.Article {
				m[b.Anchor] = art{b.Num, b.Sub, b.Label, strings.Join(b.Paras, "\n")}
			}
		}
		return m
	}
	o, n := collect(old), collect(new)
	var keys []string
	all := map[string]art{}
	for k, v := range o {
		all[k] = v
	}
	for k, v := range n {
		all[k] = v
	}
	for k := range all {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := all[keys[i]], all[keys[j]]
		if a.num != b.num {
			return a.num < b.num
		}
		return a.sub < b.sub
	})
	rows := make([]compareRow, len(keys))
	for i, k := range keys {
		rows[i] = compareRow{Label: all[k].label, Old: o[k].text, New: n[k].text, Changed: o[k].text != n[k].text}
	}
	return rows
}

func init() {
	funcs["lawURL"] = LawURL
	funcs["statuses"] = func() []string { return laws.Statuses }
	funcs["mul"] = func(a, b int) int { return a * b }
}
