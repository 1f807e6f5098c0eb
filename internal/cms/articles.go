package cms

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/search"
)

// Article is an article of a column.
type Article struct {
	ID, ColumnID, SiteOrgID int64
	ColumnName              string
	State                   string
	Title, Summary          string
	BodyHTML                string // sanitised when written
	AuthorID                int64
	AuthorName              string
	ReviewerID              int64
	Version                 int
	PublishAt, PublishedAt  time.Time
	CreatedAt, UpdatedAt    time.Time
	TaxTags                 []string // tax type codes a policy article concerns
}

// StateName is the state as pages show it.
func (a Article) StateName() string { return StateNames[a.State] }

// Text is what an editor writes.
type Text struct {
	ColumnID int64
	Title    string
	Summary  string
	Body     string // HTML; sanitised before it is stored
	// TaxTags are the tax types (taxpayer.TaxTypes codes) the article
	// concerns: published in a policy column, it notifies the taxpayers
	// identified for them (policy.go).
	TaxTags []string
}

// Limits of an article.
const (
	maxTitle   = 100
	maxSummary = 300
	maxBody    = 200_000
)

// check validates t and returns it with its body sanitised.
func (t Text) check() (Text, error) {
	f := apperr.Fields{}
	t.Title, t.Summary = strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary)
	if t.Title == "" {
		f.Add("title", "请填写标题")
	} else if f.Text("title", t.Title, maxTitle) && utf8.RuneCountInString(t.Title) < 4 {
		f.Add("title", "标题至少 4 个字")
	}
	f.Text("summary", t.Summary, maxSummary)
	if len(t.Body) > maxBody {
		f.Add("body", "正文过长，请控制在 20 万字节以内")
	} else {
		t.Body = Sanitize(t.Body)
		if strings.TrimSpace(plainText(t.Body)) == "" {
			f.Add("body", "请填写正文")
		}
	}
	if t.ColumnID <= 0 {
		f.Add("column", "请选择栏目")
	}
	if msg := checkTags(t.TaxTags); msg != "" {
		f.Add("tax_tags", msg)
	}
	return t, f.Err()
}

const articleCols = `a.id, a.column_id, a.site_org_id, c.name, a.state, a.title, a.summary, a.body_html, a.author_staff_id, s.name,
	COALESCE(a.reviewer_staff_id, 0), a.version, a.publish_at, a.published_at, a.created_at, a.updated_at, a.tax_tags`

const articleFrom = ` FROM cms_articles a JOIN cms_columns c ON c.id = a.column_id JOIN staff s ON s.id = a.author_staff_id`

func scanArticle(r db.Scanner) (Article, error) {
	var a Article
	var pa, pd, ca, ua, tags string
	err := r.Scan(&a.ID, &a.ColumnID, &a.SiteOrgID, &a.ColumnName, &a.State, &a.Title, &a.Summary, &a.BodyHTML, &a.AuthorID, &a.AuthorName,
		&a.ReviewerID, &a.Version, &pa, &pd, &ca, &ua, &tags)
	a.TaxTags = splitTags(tags)
	a.PublishAt, a.PublishedAt, a.CreatedAt, a.UpdatedAt = db.ParseTS(pa), db.ParseTS(pd), db.ParseTS(ca), db.ParseTS(ua)
	return a, err
}

// event logs one step of an article.
// A step of the system (a scheduled publication) has staff 0.
func event(ctx context.Context, tx *sql.Tx, now time.Time, id int64, action, from, to string, staff int64, comment string) error {
	var who any
	if staff > 0 {
		who = staff
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO cms_events (article_id, action, from_state, to_state, staff_id, comment, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		id, action, from, to, who, comment, db.TS(now))
	return err
}

// column checks that a may write in the column and returns its site.
func (s *Service) column(ctx context.Context, q db.Querier, a *auth.Actor, columnID int64) (int64, error) {
	var site int64
	err := q.QueryRowContext(ctx, `SELECT site_org_id FROM cms_columns WHERE id = $1`, columnID).Scan(&site)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.InvalidField("column", "请选择栏目")
	}
	if err != nil {
		return 0, err
	}
	if _, err := s.site(ctx, q, a, site); err != nil {
		return 0, apperr.InvalidField("column", "您不能在该栏目发布信息")
	}
	return site, nil
}

// Create writes a new article as a draft (version 1).
func (s *Service) Create(ctx context.Context, a *auth.Actor, t Text) (id int64, err error) {
	defer db.Wrap(&err, "cms.Create")
	if !CanEdit(a) {
		return 0, apperr.New(apperr.Forbidden, "仅限网站内容编辑撰写文章")
	}
	if t, err = t.check(); err != nil {
		return 0, err
	}
	now := s.Now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		site, err := s.column(ctx, tx, a, t.ColumnID)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO cms_articles (column_id, site_org_id, state, title, summary, body_html, author_staff_id, version, created_at, updated_at, tax_tags)
			VALUES ($1, $2, 'draft', $3, $4, $5, $6, 1, $7, $7, $8) RETURNING id`, t.ColumnID, site, t.Title, t.Summary, t.Body, a.UserID, db.TS(now), strings.Join(t.TaxTags, ",")).Scan(&id)
		if err != nil {
			return err
		}
		if err := version(ctx, tx, now, id, 1, t, a.UserID); err != nil {
			return err
		}
		return event(ctx, tx, now, id, "create", "", Draft, a.UserID, "")
	})
	return id, err
}

func version(ctx context.Context, tx *sql.Tx, now time.Time, id int64, v int, t Text, staff int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO cms_versions (article_id, version, title, body_html, staff_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, v, t.Title, t.Body, staff, db.TS(now))
	return err
}

// Update saves a new version of a draft or a returned article; the state
// stays.
func (s *Service) Update(ctx context.Context, a *auth.Actor, id int64, t Text) (err error) {
	defer db.Wrap(&err, "cms.Update(%d)", id)
	if !CanEdit(a) {
		return apperr.New(apperr.Forbidden, "仅限网站内容编辑修改文章")
	}
	if _, err := s.Get(ctx, a, id); err != nil {
		return err
	}
	if t, err = t.check(); err != nil {
		return err
	}
	now := s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.column(ctx, tx, a, t.ColumnID); err != nil {
			return err
		}
		var v int
		var state string
		err := tx.QueryRowContext(ctx, `UPDATE cms_articles SET title = $1, summary = $2, body_html = $3, column_id = $4, version = version + 1, updated_at = $5, tax_tags = $7
			WHERE id = $6 AND state IN ('draft', 'returned') RETURNING version, state`, t.Title, t.Summary, t.Body, t.ColumnID, db.TS(now), id, strings.Join(t.TaxTags, ",")).Scan(&v, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "只有草稿和被退回的文章可以修改")
		}
		if err != nil {
			return err
		}
		if err := version(ctx, tx, now, id, v, t, a.UserID); err != nil {
			return err
		}
		return event(ctx, tx, now, id, "edit", state, state, a.UserID, "第 "+strconv.Itoa(v)+" 版")
	})
}

// move changes an article's state from one of from to to, with the extra
// SET clause and condition, in one UPDATE … RETURNING: the database decides
// whether the step is legal, so two clicks cannot both succeed.
func (s *Service) move(ctx context.Context, tx *sql.Tx, id int64, from []string, to, set, cond string, args ...any) (string, int64, error) {
	ph := make([]string, len(from))
	all := []any{to, db.TS(s.Now()), id}
	for i, f := range from {
		all = append(all, f)
		ph[i] = "$" + strconv.Itoa(len(all))
	}
	n := len(all)
	for i := range args {
		set = strings.ReplaceAll(set, "$x"+strconv.Itoa(i+1), "$"+strconv.Itoa(n+i+1))
		cond = strings.ReplaceAll(cond, "$x"+strconv.Itoa(i+1), "$"+strconv.Itoa(n+i+1))
	}
	all = append(all, args...)
	q := `UPDATE cms_articles SET state = $1, updated_at = $2` + set + ` WHERE id = $3 AND state IN (` + strings.Join(ph, ", ") + `)` + cond + ` RETURNING column_id, author_staff_id`
	var column, author int64
	err := tx.QueryRowContext(ctx, q, all...).Scan(&column, &author)
	return to, column, err
}

// refused explains why a step was refused, after the UPDATE found no row.
func (s *Service) refused(ctx context.Context, a *auth.Actor, id int64, what string) error {
	cur, err := s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if (what == "审核通过" || what == "退回") && cur.AuthorID == a.UserID && cur.State == Review {
		return apperr.New(apperr.Forbidden, "不能审核自己撰写的文章，请由其他审核人员审核")
	}
	return apperr.New(apperr.Conflict, "文章当前为“"+cur.StateName()+"”，不能"+what)
}

// Submit sends a draft or a returned article to review.
func (s *Service) Submit(ctx context.Context, a *auth.Actor, id int64) (err error) {
	defer db.Wrap(&err, "cms.Submit(%d)", id)
	if !CanEdit(a) {
		return apperr.New(apperr.Forbidden, "仅限网站内容编辑提交审核")
	}
	if _, err := s.Get(ctx, a, id); err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var from string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM cms_articles WHERE id = $1`, id).Scan(&from); err != nil {
			return err
		}
		if _, _, err := s.move(ctx, tx, id, []string{Draft, Returned}, Review, "", ""); err != nil {
			return err
		}
		return event(ctx, tx, s.Now(), id, "submit", from, Review, a.UserID, "")
	})
	if errors.Is(err, sql.ErrNoRows) {
		return s.refused(ctx, a, id, "提交审核")
	}
	return err
}

// Return sends an article under review back to its author with comments.
// The reviewer may not be the author.
func (s *Service) Return(ctx context.Context, a *auth.Actor, id int64, comment string) (err error) {
	defer db.Wrap(&err, "cms.Return(%d)", id)
	if !CanReview(a) {
		return apperr.New(apperr.Forbidden, "仅限网站内容审核人员审核")
	}
	if _, err := s.Get(ctx, a, id); err != nil {
		return err
	}
	comment = strings.TrimSpace(comment)
	f := apperr.Fields{}
	if comment == "" {
		f.Add("comment", "请填写退回意见，告诉作者需要修改什么")
	} else {
		f.Text("comment", comment, 1000)
	}
	if err := f.Err(); err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, err := s.move(ctx, tx, id, []string{Review}, Returned, `, reviewer_staff_id = $x1`, ` AND author_staff_id <> $x1`, a.UserID); err != nil {
			return err
		}
		return event(ctx, tx, s.Now(), id, "return", Review, Returned, a.UserID, comment)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return s.refused(ctx, a, id, "退回")
	}
	return err
}

// Approve passes an article under review: published at once when at is
// zero or not after now, else scheduled for at. The reviewer may not be
// the author.
func (s *Service) Approve(ctx context.Context, a *auth.Actor, id int64, at time.Time, comment string) (err error) {
	defer db.Wrap(&err, "cms.Approve(%d)", id)
	if !CanReview(a) {
		return apperr.New(apperr.Forbidden, "仅限网站内容审核人员审核")
	}
	if _, err := s.Get(ctx, a, id); err != nil {
		return err
	}
	f := apperr.Fields{}
	f.Text("comment", strings.TrimSpace(comment), 1000)
	if err := f.Err(); err != nil {
		return err
	}
	now := s.Now()
	to := Published
	if at.After(now) {
		to = Scheduled
	} else {
		at = now
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, err := s.move(ctx, tx, id, []string{Review}, to, `, reviewer_staff_id = $x1, publish_at = $x2`, ` AND author_staff_id <> $x1`, a.UserID, db.TS(at)); err != nil {
			return err
		}
		action := "approve"
		if to == Scheduled {
			action = "schedule"
		}
		if err := event(ctx, tx, now, id, action, Review, to, a.UserID, strings.TrimSpace(comment)); err != nil {
			return err
		}
		if to == Published {
			return s.published(ctx, tx, id, now)
		}
		return nil
	})
	if errors.Is(err, sql.ErrNoRows) {
		return s.refused(ctx, a, id, "审核通过")
	}
	return err
}

// published completes a publication inside its transaction: the time, the
// column's freshness and the search index.
func (s *Service) published(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	art, err := scanArticle(tx.QueryRowContext(ctx, `SELECT `+articleCols+articleFrom+` WHERE a.id = $1`, id))
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cms_articles SET published_at = $1 WHERE id = $2`, db.TS(now), id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cms_columns SET last_published_at = $1 WHERE id = $2 AND last_published_at < $1`, db.TS(now), art.ColumnID); err != nil {
		return err
	}
	if err := enqueuePolicy(ctx, tx, art); err != nil {
		return err
	}
	if s.Index == nil {
		return nil
	}
	return s.Index.Put(ctx, tx, search.Doc{Kind: SearchKind, Ref: strconv.FormatInt(id, 10), Title: art.Title,
		Body: art.Summary + "\n" + plainText(art.BodyHTML), URL: ArticleURL(id),
		Facets: map[string]string{"site": strconv.FormatInt(art.SiteOrgID, 10), "col": strconv.FormatInt(art.ColumnID, 10)}})
}

// ArticleURL is the public address of an article.
func ArticleURL(id int64) string { return "/info/articles/" + strconv.FormatInt(id, 10) }

// PublishDue publishes the scheduled articles whose time has come; each is
// claimed by its own UPDATE … WHERE state = 'scheduled', so two nodes never
// publish one twice. It returns how many it published.
func (s *Service) PublishDue(ctx context.Context) (n int, err error) {
	defer db.Wrap(&err, "cms.PublishDue")
	now := s.Now()
	ids, err := db.Query(ctx, s.DB, func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, `SELECT id FROM cms_articles WHERE state = 'scheduled' AND publish_at <= $1 ORDER BY publish_at LIMIT 100`, db.TS(now))
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			if _, _, err := s.move(ctx, tx, id, []string{Scheduled}, Published, "", ` AND publish_at <= $x1`, db.TS(now)); err != nil {
				return err
			}
			if err := event(ctx, tx, now, id, "publish", Scheduled, Published, 0, "定时发布"); err != nil {
				return err
			}
			return s.published(ctx, tx, id, now)
		})
		if errors.Is(err, sql.ErrNoRows) {
			continue // another node published it
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Archive takes a published article off the site; it stays in the system
// with its history.
func (s *Service) Archive(ctx context.Context, a *auth.Actor, id int64) (err error) {
	defer db.Wrap(&err, "cms.Archive(%d)", id)
	if !CanEdit(a) && !CanReview(a) {
		return apperr.New(apperr.Forbidden, "仅限网站内容编辑和审核人员归档")
	}
	if _, err := s.Get(ctx, a, id); err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, _, err := s.move(ctx, tx, id, []string{Published}, Archived, "", ""); err != nil {
			return err
		}
		if err := event(ctx, tx, s.Now(), id, "archive", Published, Archived, a.UserID, ""); err != nil {
			return err
		}
		if s.Index == nil {
			return nil
		}
		return s.Index.Delete(ctx, tx, SearchKind, strconv.FormatInt(id, 10))
	})
	if errors.Is(err, sql.ErrNoRows) {
		return s.refused(ctx, a, id, "归档")
	}
	return err
}
