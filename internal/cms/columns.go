package cms

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Column is a column (栏目) of a site.
type Column struct {
	ID         int64
	SiteOrgID  int64
	ParentID   int64 // 0 for a top-level column
	Code       string
	Name       string
	Dept       string // the maintaining department
	PeriodDays int    // the update period
	Sort       int
	LastPub    time.Time // the last article published in it; zero if none
	Children   []*Column
}

// DueOn is when the column must next be updated: its period after the last
// publication, or after creation when it has none.
func (c *Column) DueOn(created time.Time) time.Time {
	from := c.LastPub
	if from.IsZero() {
		from = created
	}
	return from.AddDate(0, 0, c.PeriodDays)
}

// NewColumn is a column to create.
type NewColumn struct {
	SiteOrgID  int64
	ParentID   int64
	Code, Name string
	Dept       string
	PeriodDays int
	Sort       int
	Policy     bool // a policy column: its tagged articles notify taxpayers
}

// InsertColumn writes a column with q (the demo and the site setup use it);
// it returns the column's id.
func InsertColumn(ctx context.Context, q db.Querier, now time.Time, c NewColumn) (int64, error) {
	if c.Name == "" || c.Code == "" || c.PeriodDays <= 0 {
		return 0, apperr.InvalidField("name", "请填写栏目名称、代码和更新周期")
	}
	var parent any
	if c.ParentID > 0 {
		parent = c.ParentID
	}
	var id int64
	policy := 0
	if c.Policy {
		policy = 1
	}
	err := q.QueryRowContext(ctx, `INSERT INTO cms_columns (site_org_id, parent_id, code, name, dept, period_days, sort, created_at, policy)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		c.SiteOrgID, parent, c.Code, c.Name, c.Dept, c.PeriodDays, c.Sort, db.TS(now), policy).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, apperr.New(apperr.Conflict, "该网站已有代码为 "+c.Code+" 的栏目")
	}
	return id, err
}

const columnCols = `id, site_org_id, COALESCE(parent_id, 0), code, name, dept, period_days, sort, last_published_at, created_at`

func scanColumn(r db.Scanner) (*Column, error) {
	var c Column
	var last, created string
	err := r.Scan(&c.ID, &c.SiteOrgID, &c.ParentID, &c.Code, &c.Name, &c.Dept, &c.PeriodDays, &c.Sort, &last, &created)
	c.LastPub = db.ParseTS(last)
	return &c, err
}

// Tree returns a site's columns as a tree: the top-level columns with
// their children, in order.
func (s *Service) Tree(ctx context.Context, siteOrgID int64) ([]*Column, error) {
	all, err := db.Query(ctx, s.DB, scanColumn, `SELECT `+columnCols+` FROM cms_columns WHERE site_org_id = $1 ORDER BY sort, id`, siteOrgID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Column{}
	for _, c := range all {
		byID[c.ID] = c
	}
	var top []*Column
	for _, c := range all {
		if p := byID[c.ParentID]; p != nil {
			p.Children = append(p.Children, c)
		} else {
			top = append(top, c)
		}
	}
	return top, nil
}

// GetColumn returns one column.
func (s *Service) GetColumn(ctx context.Context, id int64) (*Column, error) {
	c, err := scanColumn(s.DB.QueryRowContext(ctx, `SELECT `+columnCols+` FROM cms_columns WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "没有找到该栏目")
	}
	return c, err
}

// Freshness is a column's update state.
type Freshness struct {
	Column      *Column
	Parent      string // the parent column's name, "" for a top-level one
	Due         time.Time
	OverdueDays int // > 0 when past due
	SoonDays    int // days left when due within a week, else 0
}

// FreshnessOf returns every column of the site with its due date, the most
// overdue first: the site administrator's overview.
func (s *Service) FreshnessOf(ctx context.Context, a *auth.Actor, siteOrgID int64) ([]Freshness, error) {
	if !CanManage(a) {
		return nil, apperr.New(apperr.Forbidden, "仅限网站内容编辑、审核人员和管理员使用")
	}
	if _, err := s.site(ctx, s.DB, a, siteOrgID); err != nil {
		return nil, err
	}
	now := s.Now()
	rows, err := db.Query(ctx, s.DB, func(r db.Scanner) (Freshness, error) {
		var f Freshness
		var last, created string
		c := &Column{}
		err := r.Scan(&c.ID, &c.SiteOrgID, &c.ParentID, &c.Code, &c.Name, &c.Dept, &c.PeriodDays, &c.Sort, &last, &created, &f.Parent)
		c.LastPub = db.ParseTS(last)
		f.Column, f.Due = c, c.DueOn(db.ParseTS(created))
		return f, err
	}, `SELECT c.id, c.site_org_id, COALESCE(c.parent_id, 0), c.code, c.name, c.dept, c.period_days, c.sort, c.last_published_at, c.created_at, COALESCE(p.name, '')
		FROM cms_columns c LEFT JOIN cms_columns p ON p.id = c.parent_id WHERE c.site_org_id = $1 ORDER BY c.sort, c.id`, siteOrgID)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		days := int(now.Sub(rows[i].Due).Hours() / 24)
		switch {
		case now.After(rows[i].Due):
			rows[i].OverdueDays = max(days, 1)
		case rows[i].Due.Sub(now) < 7*24*time.Hour:
			rows[i].SoonDays = int(rows[i].Due.Sub(now).Hours()/24) + 1
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].OverdueDays > rows[j].OverdueDays })
	return rows, nil
}
