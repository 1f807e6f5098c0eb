package taxpayer

import (
	"context"
	"fmt"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/input"
)

// MaxPage is the last page a search returns.
const MaxPage = 10000

// Filter narrows the staff's taxpayer list.
type Filter struct {
	Query    string // part of the code or name
	Status   string
	Kind     string
	Page     int // from 1
	PageSize int
}

// Page is one page of a search.
type Page struct {
	Items    []*Taxpayer `json:"items"`
	Total    int         `json:"total"`
	Page     int         `json:"page"`
	PageSize int         `json:"page_size"`
}

// Pages is the number of pages.
func (p *Page) Pages() int {
	if p.PageSize == 0 {
		return 0
	}
	return (p.Total + p.PageSize - 1) / p.PageSize
}

// Search lists the taxpayers whose competent bureau lies in the staff
// member's org subtree, newest first.
func (s *Service) Search(ctx context.Context, f Filter) (_ *Page, err error) {
	defer db.Wrap(&err, "taxpayer.Search")
	a, err := auth.RequireStaff(ctx, staffViewRoles...)
	if err != nil {
		return nil, err
	}
	if f.PageSize <= 0 || f.PageSize > 100 {
		f.PageSize = 20
	}
	// A page past MaxPage is clamped: nobody pages that far, and a huge
	// page number must not overflow into a negative OFFSET.
	f.Page = min(max(f.Page, 1), MaxPage)
	f.Query = strings.TrimSpace(f.Query)
	bad := apperr.Fields{}
	bad.Text("q", f.Query, input.MaxQuery)
	if f.Status != "" && auth.NameOf(Statuses, f.Status) == f.Status {
		bad.Add("status", "纳税人状态无效")
	}
	if f.Kind != "" && f.Kind != Enterprise && f.Kind != Individual {
		bad.Add("kind", "纳税人类型无效")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	cond, scope := a.SubtreeSQL("o.path", 1)
	where := ` WHERE ` + cond
	args := []any{scope}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q := f.Query; q != "" {
		n := arg(db.Like(q))
		m := arg(db.Like(strings.ToUpper(q)))
		where += ` AND (t.name LIKE ` + n + ` ESCAPE '\' OR t.code LIKE ` + m + ` ESCAPE '\')`
	}
	if f.Status != "" {
		where += ` AND t.status = ` + arg(f.Status)
	}
	if f.Kind != "" {
		where += ` AND t.kind = ` + arg(f.Kind)
	}
	p := &Page{Page: f.Page, PageSize: f.PageSize}
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*)`+taxpayerFrom+where, args...).Scan(&p.Total); err != nil {
		return nil, err
	}
	q := `SELECT ` + taxpayerCols + taxpayerFrom + where +
		fmt.Sprintf(` ORDER BY t.registered_at DESC, t.id DESC LIMIT %d OFFSET %d`, f.PageSize, int64(f.Page-1)*int64(f.PageSize))
	p.Items, err = db.Query(ctx, s.DB, scanTaxpayer, q, args...)
	return p, err
}
