package cms

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Get returns an article for staff who manage its site.
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (art Article, err error) {
	defer db.Wrap(&err, "cms.Get(%d)", id)
	if !CanManage(a) {
		return art, apperr.New(apperr.Forbidden, "仅限网站内容编辑、审核人员和管理员使用")
	}
	art, err = scanArticle(s.DB.QueryRowContext(ctx, `SELECT `+articleCols+articleFrom+` WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return art, apperr.New(apperr.NotFound, "没有找到该文章")
	}
	if err != nil {
		return art, err
	}
	if _, err := s.site(ctx, s.DB, a, art.SiteOrgID); err != nil {
		return art, apperr.New(apperr.NotFound, "没有找到该文章")
	}
	return art, nil
}

// Public returns a published article, for everyone.
func (s *Service) Public(ctx context.Context, id int64) (art Article, err error) {
	defer db.Wrap(&err, "cms.Public(%d)", id)
	art, err = scanArticle(s.DB.QueryRowContext(ctx, `SELECT `+articleCols+articleFrom+` WHERE a.id = $1 AND a.state = 'published'`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return art, apperr.New(apperr.NotFound, "没有找到该文章，它可能已归档")
	}
	return art, err
}

// Event is one logged step of an article.
type Event struct {
	Action, From, To string
	Staff            string // "" for the system
	Comment          string
	At               time.Time
}

// ActionNames are the steps as pages show them.
var ActionNames = map[string]string{"create": "新建", "edit": "修改", "submit": "提交审核", "return": "退回修改", "approve": "审核通过并发布", "schedule": "审核通过，定时发布", "publish": "定时发布", "archive": "归档"}

// ActionName is the step as pages show it.
func (e Event) ActionName() string { return ActionNames[e.Action] }

// Version is one saved version of an article's text.
type Version struct {
	Version int
	Title   string
	Body    string
	Staff   string
	At      time.Time
}

// History returns an article's steps (oldest first) and versions (newest
// first).
func (s *Service) History(ctx context.Context, a *auth.Actor, id int64) (evs []Event, vs []Version, err error) {
	defer db.Wrap(&err, "cms.History(%d)", id)
	if _, err := s.Get(ctx, a, id); err != nil {
		return nil, nil, err
	}
	evs, err = db.Query(ctx, s.DB, func(r db.Scanner) (Event, error) {
		var e Event
		var at string
		err := r.Scan(&e.Action, &e.From, &e.To, &e.Staff, &e.Comment, &at)
		e.At = db.ParseTS(at)
		return e, err
	}, `SELECT e.action, e.from_state, e.to_state, COALESCE(s.name, ''), e.comment, e.at FROM cms_events e LEFT JOIN staff s ON s.id = e.staff_id
		WHERE e.article_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return nil, nil, err
	}
	vs, err = db.Query(ctx, s.DB, func(r db.Scanner) (Version, error) {
		var v Version
		var at string
		err := r.Scan(&v.Version, &v.Title, &v.Body, &v.Staff, &at)
		v.At = db.ParseTS(at)
		return v, err
	}, `SELECT v.version, v.title, v.body_html, s.name, v.created_at FROM cms_versions v JOIN staff s ON s.id = v.staff_id
		WHERE v.article_id = $1 ORDER BY v.version DESC`, id)
	return evs, vs, err
}

// LastComment is the reviewer's latest return comment, for the author.
func LastComment(evs []Event) string {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == "return" {
			return evs[i].Comment
		}
	}
	return ""
}

// InState lists a site's articles in some states, newest change first (the
// review queue, drafts and returned articles); at most 50.
func (s *Service) InState(ctx context.Context, a *auth.Actor, siteOrgID int64, states ...string) ([]Article, error) {
	if !CanManage(a) {
		return nil, apperr.New(apperr.Forbidden, "仅限网站内容编辑、审核人员和管理员使用")
	}
	if _, err := s.site(ctx, s.DB, a, siteOrgID); err != nil {
		return nil, err
	}
	args := []any{siteOrgID}
	ph := make([]string, len(states))
	for i, st := range states {
		args = append(args, st)
		ph[i] = "$" + strconv.Itoa(len(args))
	}
	return db.Query(ctx, s.DB, scanArticle, `SELECT `+articleCols+articleFrom+` WHERE a.site_org_id = $1 AND a.state IN (`+strings.Join(ph, ", ")+`)
		ORDER BY a.updated_at DESC, a.id DESC LIMIT 50`, args...)
}

// PageSize is how many articles a column page lists.
const PageSize = 20

// Cursor is where a column page starts: after the article published at
// this time with this id.
type Cursor struct {
	At string
	ID int64
}

// String is the cursor as a URL value.
func (c Cursor) String() string {
	if c.ID == 0 {
		return ""
	}
	return c.At + "~" + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor; the zero cursor for anything malformed.
func ParseCursor(s string) Cursor {
	at, id, ok := strings.Cut(s, "~")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || len(at) != len(db.TimeLayout) {
		return Cursor{}
	}
	return Cursor{At: at, ID: n}
}

// ColumnArticles lists a column's published articles, newest first, from
// after the cursor (keyset paging on cms_articles_column); with children
// the column's sub-columns are included.
func (s *Service) ColumnArticles(ctx context.Context, columnID int64, after Cursor) (list []Article, next Cursor, err error) {
	defer db.Wrap(&err, "cms.ColumnArticles(%d)", columnID)
	q := `SELECT ` + articleCols + articleFrom + ` WHERE a.column_id = $1 AND a.state = 'published'`
	args := []any{columnID}
	if after.ID > 0 {
		q += ` AND (a.published_at < $2 OR (a.published_at = $2 AND a.id < $3))`
		args = append(args, after.At, after.ID)
	}
	q += ` ORDER BY a.published_at DESC, a.id DESC LIMIT ` + strconv.Itoa(PageSize+1)
	list, err = db.Query(ctx, s.DB, scanArticle, q, args...)
	if err != nil {
		return nil, Cursor{}, err
	}
	if len(list) > PageSize {
		list = list[:PageSize]
		last := list[PageSize-1]
		next = Cursor{At: db.TS(last.PublishedAt), ID: last.ID}
	}
	return list, next, nil
}

// Latest returns the newest published articles of a site.
func (s *Service) Latest(ctx context.Context, siteOrgID int64, n int) ([]Article, error) {
	return db.Query(ctx, s.DB, scanArticle, `SELECT `+articleCols+articleFrom+` WHERE a.site_org_id = $1 AND a.state = 'published'
		ORDER BY a.published_at DESC, a.id DESC LIMIT `+strconv.Itoa(max(1, min(n, 50))), siteOrgID)
}
