package taxpayer

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/input"
)

// CountCap bounds how far a list counts: a province's register is never
// counted per page view; past the cap the list says "超过 10,000 户".
const CountCap = 10_000

// Filter narrows the staff's taxpayer list. After and Before are cursors
// (Page.Next, Page.Prev): the page of taxpayers registered before After,
// or the page just after Before; neither gives the newest page.
type Filter struct {
	Query    string // a whole taxpayer code, or part of the name or code
	Status   string
	Kind     string
	After    string
	Before   string
	PageSize int
}

// Page is one page of the list, newest registration first.
type Page struct {
	Items []*Taxpayer `json:"items"`
	// Total counts the matching taxpayers up to CountCap; Over says there
	// are more. A text search is counted only when it fits on one page
	// (Counted false otherwise: it would read the whole register).
	Total    int    `json:"total"`
	Over     bool   `json:"over"`
	Counted  bool   `json:"counted"`
	Next     string `json:"next,omitempty"` // cursor of the older page
	Prev     string `json:"prev,omitempty"` // cursor of the newer page
	PageSize int    `json:"page_size"`
}

// TotalText says how many: "共 1,234 户", "超过 10,000 户", or "" when not
// counted.
func (p *Page) TotalText() string {
	switch {
	case p == nil || !p.Counted:
		return ""
	case p.Over:
		return "超过 " + thousands(CountCap) + " 户"
	}
	return "共 " + thousands(p.Total) + " 户"
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// cursor is a position in the list: (registered_at, id).
type cursor struct {
	at string
	id int64
}

func (c cursor) String() string { return c.at + "_" + strconv.FormatInt(c.id, 10) }

func parseCursor(field, s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := apperr.InvalidField(field, "翻页位置无效，请从第一页重新查询")
	at, id, ok := strings.Cut(s, "_")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || len(at) != len(db.TimeLayout) || db.TS(db.ParseTS(at)) != at {
		return nil, bad
	}
	return &cursor{at, n}, nil
}

// codeQuery reports whether q is a whole taxpayer code (15 to 20 letters
// and digits): it is looked up by the unique index, not searched.
func codeQuery(q string) (string, bool) {
	q = strings.ToUpper(q)
	if len(q) < 15 || len(q) > 20 {
		return "", false
	}
	for _, c := range q {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return "", false
		}
	}
	return q, true
}

// Search lists the taxpayers whose competent bureau lies in the staff
// member's org subtree, newest registration first, with keyset paging.
// Each bureau of the subtree reads at most a page from its index
// (taxpayers_bureau_*_list) and the pages are merged; the count reads at
// most CountCap index entries. A whole code is one unique-index lookup.
// Part of a name or code is matched while walking the bureaus' indexes:
// quick for common words, a scan of the subtree for rare ones.
func (s *Service) Search(ctx context.Context, f Filter) (_ *Page, err error) {
	defer db.Wrap(&err, "taxpayer.Search")
	a, err := auth.RequireStaff(ctx, staffViewRoles...)
	if err != nil {
		return nil, err
	}
	if f.PageSize <= 0 || f.PageSize > 100 {
		f.PageSize = 20
	}
	f.Query = strings.TrimSpace(f.Query)
	bad := apperr.Fields{}
	bad.Text("q", f.Query, input.MaxQuery)
	if f.Status != "" && auth.NameOf(Statuses, f.Status) == f.Status {
		bad.Add("status", "纳税人状态无效")
	}
	if f.Kind != "" && f.Kind != Enterprise && f.Kind != Individual {
		bad.Add("kind", "纳税人类型无效")
	}
	after, err1 := parseCursor("after", f.After)
	before, err2 := parseCursor("before", f.Before)
	for _, e := range []error{err1, err2} {
		if ae := apperr.As(e); ae != nil {
			for k, v := range ae.Fields {
				bad.Add(k, v)
			}
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	p := &Page{PageSize: f.PageSize}
	if code, ok := codeQuery(f.Query); ok {
		return s.searchCode(ctx, a, f, code, p)
	}
	cond, scope := a.SubtreeSQL("path", 1)
	bureaus, err := db.Query(ctx, s.DB, func(sc db.Scanner) (int64, error) { var id int64; return id, sc.Scan(&id) },
		`SELECT id FROM orgs WHERE `+cond+` ORDER BY id`, scope)
	if err != nil || len(bureaus) == 0 {
		p.Counted = true
		return p, err
	}

	// Conditions every bureau's part shares; $1 is the limit.
	args := []any{f.PageSize + 1}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var where string
	if f.Status != "" {
		where += ` AND status = ` + arg(f.Status)
	}
	if f.Kind != "" {
		where += ` AND kind = ` + arg(f.Kind)
	}
	if q := f.Query; q != "" {
		where += ` AND (name LIKE ` + arg(db.Like(q)) + ` ESCAPE '\' OR code LIKE ` + arg(db.Like(strings.ToUpper(q))) + ` ESCAPE '\')`
	}
	order, cmp := "DESC", "<"
	at := after
	if before != nil {
		order, cmp, at = "ASC", ">", before
	}
	if at != nil {
		r, id := arg(at.at), arg(at.id)
		where += ` AND registered_at ` + cmp + `= ` + r + ` AND (registered_at ` + cmp + ` ` + r + ` OR id ` + cmp + ` ` + id + `)`
	}
	parts := make([]string, len(bureaus))
	for i, b := range bureaus {
		parts[i] = fmt.Sprintf(`SELECT * FROM (SELECT id, registered_at FROM taxpayers WHERE bureau_id = %s%s ORDER BY registered_at %s, id %s LIMIT $1) b%d`,
			arg(b), where, order, order, i)
	}
	// #nosec G202 -- the text is built from constants and $N placeholders.
	q := `SELECT ` + taxpayerCols + ` FROM (SELECT * FROM (` + strings.Join(parts, ` UNION ALL `) + `) u ORDER BY registered_at ` + order +
		`, id ` + order + ` LIMIT $1) k JOIN taxpayers t ON t.id = k.id JOIN orgs o ON o.id = t.bureau_id ORDER BY t.registered_at ` + order + `, t.id ` + order
	list, err := db.Query(ctx, s.DB, scanTaxpayer, q, args...)
	if err != nil {
		return nil, err
	}
	more := len(list) > f.PageSize
	if more {
		list = list[:f.PageSize]
	}
	if before != nil {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	p.Items = list
	if len(list) > 0 {
		first, last := list[0], list[len(list)-1]
		if (before == nil && more) || before != nil {
			p.Next = cursor{db.TS(last.RegisteredAt), last.ID}.String()
		}
		if (before != nil && more) || after != nil {
			p.Prev = cursor{db.TS(first.RegisteredAt), first.ID}.String()
		}
	}
	if f.Query != "" {
		// Not counted: only a search that fits on its one page is.
		if after == nil && before == nil && !more {
			p.Total, p.Counted = len(list), true
		}
		return p, nil
	}
	// A capped count over the bureaus' index entries.
	var cargs []any
	carg := func(v any) string {
		cargs = append(cargs, v)
		return "$" + strconv.Itoa(len(cargs))
	}
	ph := make([]string, len(bureaus))
	for i, b := range bureaus {
		ph[i] = carg(b)
	}
	cwhere := ""
	if f.Status != "" {
		cwhere += ` AND status = ` + carg(f.Status)
	}
	if f.Kind != "" {
		cwhere += ` AND kind = ` + carg(f.Kind)
	}
	var n int
	// #nosec G202 -- constants and $N placeholders.
	err = s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM taxpayers WHERE bureau_id IN (`+strings.Join(ph, ", ")+`)`+cwhere+
		` LIMIT `+strconv.Itoa(CountCap+1)+`) c`, cargs...).Scan(&n)
	if err != nil {
		return nil, err
	}
	p.Total, p.Over, p.Counted = min(n, CountCap), n > CountCap, true
	return p, nil
}

// searchCode finds a whole code in the subtree: one row at most.
func (s *Service) searchCode(ctx context.Context, a *auth.Actor, f Filter, code string, p *Page) (*Page, error) {
	cond, scope := a.SubtreeSQL("o.path", 2)
	q := `SELECT ` + taxpayerCols + taxpayerFrom + ` WHERE t.code = $1 AND ` + cond
	args := []any{code, scope}
	if f.Status != "" {
		args = append(args, f.Status)
		q += ` AND t.status = $` + strconv.Itoa(len(args))
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		q += ` AND t.kind = $` + strconv.Itoa(len(args))
	}
	list, err := db.Query(ctx, s.DB, scanTaxpayer, q, args...)
	if err != nil {
		return nil, err
	}
	if f.After == "" && f.Before == "" {
		p.Items = list
	}
	p.Total, p.Counted = len(p.Items), true
	return p, nil
}
