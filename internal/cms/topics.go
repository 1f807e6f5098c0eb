package cms

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Special topics (专题): a site's content staff gather published
// articles from any of its columns under a title, in the order they set.
// The public sees a topic with its published articles; an article archived
// later drops out of the topic's page by itself.

// Topic is one special topic.
type Topic struct {
	ID, SiteOrgID int64
	SiteName      string
	Code, Title   string
	Summary       string
	Sort          int
	Articles      int // published articles in it (lists)
}

// TopicItem is an article of a topic with its place.
type TopicItem struct {
	Article
	Sort int
}

// TopicInput is what staff write for a topic.
type TopicInput struct {
	SiteOrgID int64
	Code      string
	Title     string
	Summary   string
	Sort      int
}

var topicCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

func (t *TopicInput) check() error {
	f := apperr.Fields{}
	t.Code, t.Title, t.Summary = strings.TrimSpace(strings.ToLower(t.Code)), strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary)
	if !topicCode.MatchString(t.Code) {
		f.Add("code", "代码为 2 至 40 位小写字母、数字或连字符，如 vat-law-2026")
	}
	if t.Title == "" {
		f.Add("title", "请填写专题名称")
	} else {
		f.Text("title", t.Title, 60)
	}
	f.Text("summary", t.Summary, 300)
	if t.Sort < 0 || t.Sort > 9999 {
		f.Add("sort", "排序号为 0 至 9999 的整数")
	}
	return f.Err()
}

// CanCurate reports whether a curates topics: content editors and the
// administrators of a site.
func CanCurate(a *auth.Actor) bool {
	return CanEdit(a) || (a != nil && a.Kind == auth.Staff && a.HasRole(auth.RoleAdmin))
}

func forbidCurate() error {
	return apperr.New(apperr.Forbidden, "仅限网站内容编辑和管理员维护专题")
}

// SaveTopic creates a topic (id 0) or changes one of a site in a's subtree
// and returns its id.
func (s *Service) SaveTopic(ctx context.Context, a *auth.Actor, id int64, in TopicInput) (_ int64, err error) {
	defer db.Wrap(&err, "cms.SaveTopic(%d)", id)
	if !CanCurate(a) {
		return 0, forbidCurate()
	}
	if id != 0 {
		t, err := s.topic(ctx, a, id)
		if err != nil {
			return 0, err
		}
		in.SiteOrgID = t.SiteOrgID
	}
	if err := in.check(); err != nil {
		return 0, err
	}
	if _, err := s.site(ctx, s.DB, a, in.SiteOrgID); err != nil {
		return 0, apperr.InvalidField("site", "请选择您所在税务机关或下级机关的网站")
	}
	now := db.TS(s.Now())
	if id == 0 {
		err = s.DB.QueryRowContext(ctx, `INSERT INTO cms_topics (site_org_id, code, title, summary, sort, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, in.SiteOrgID, in.Code, in.Title, in.Summary, in.Sort, a.UserID, now).Scan(&id)
	} else {
		_, err = s.DB.ExecContext(ctx, `UPDATE cms_topics SET code = $1, title = $2, summary = $3, sort = $4, updated_at = $5 WHERE id = $6`,
			in.Code, in.Title, in.Summary, in.Sort, now, id)
	}
	if db.IsUniqueViolation(err) {
		return 0, apperr.InvalidField("code", "该网站已有代码为 "+in.Code+" 的专题")
	}
	return id, err
}

const topicCols = `t.id, t.site_org_id, o.name, t.code, t.title, t.summary, t.sort,
	(SELECT COUNT(*) FROM cms_topic_articles ta JOIN cms_articles a ON a.id = ta.article_id WHERE ta.topic_id = t.id AND a.state = 'published')`

func scanTopic(r db.Scanner) (Topic, error) {
	var t Topic
	return t, r.Scan(&t.ID, &t.SiteOrgID, &t.SiteName, &t.Code, &t.Title, &t.Summary, &t.Sort, &t.Articles)
}

// topic returns a topic a may curate; another bureau's is NotFound.
func (s *Service) topic(ctx context.Context, a *auth.Actor, id int64) (Topic, error) {
	t, err := scanTopic(s.DB.QueryRowContext(ctx, `SELECT `+topicCols+` FROM cms_topics t JOIN orgs o ON o.id = t.site_org_id WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, apperr.New(apperr.NotFound, "没有找到该专题")
	}
	if err != nil {
		return t, err
	}
	if a != nil {
		if _, err := s.site(ctx, s.DB, a, t.SiteOrgID); err != nil {
			return t, apperr.New(apperr.NotFound, "没有找到该专题")
		}
	}
	return t, nil
}

// TopicForStaff returns a topic of a's subtree with all its articles (any
// state), in order.
func (s *Service) TopicForStaff(ctx context.Context, a *auth.Actor, id int64) (Topic, []TopicItem, error) {
	if !CanCurate(a) {
		return Topic{}, nil, forbidCurate()
	}
	t, err := s.topic(ctx, a, id)
	if err != nil {
		return t, nil, err
	}
	items, err := s.topicItems(ctx, id, false)
	return t, items, err
}

func (s *Service) topicItems(ctx context.Context, id int64, published bool) ([]TopicItem, error) {
	cond := ""
	if published {
		cond = ` AND a.state = 'published'`
	}
	return db.Query(ctx, s.DB, func(r db.Scanner) (TopicItem, error) {
		var it TopicItem
		var sort int
		art, err := scanArticle(scannerFunc(func(dest ...any) error { return r.Scan(append(dest, &sort)...) }))
		it.Article, it.Sort = art, sort
		return it, err
	}, `SELECT `+articleCols+`, ta.sort`+articleFrom+` JOIN cms_topic_articles ta ON ta.article_id = a.id
		WHERE ta.topic_id = $1`+cond+` ORDER BY ta.sort, a.id`, id)
}

type scannerFunc func(dest ...any) error

func (f scannerFunc) Scan(dest ...any) error { return f(dest...) }

// Topics returns the topics of the sites in a's subtree (staff).
func (s *Service) Topics(ctx context.Context, a *auth.Actor) ([]Topic, error) {
	if !CanCurate(a) {
		return nil, forbidCurate()
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	return db.Query(ctx, s.DB, scanTopic, `SELECT `+topicCols+` FROM cms_topics t JOIN orgs o ON o.id = t.site_org_id WHERE `+cond+` ORDER BY o.path, t.sort, t.id`, arg)
}

// PublicTopics returns every site's topics that have a published article,
// province first, by sort.
func (s *Service) PublicTopics(ctx context.Context) ([]Topic, error) {
	all, err := db.Query(ctx, s.DB, scanTopic, `SELECT `+topicCols+` FROM cms_topics t JOIN orgs o ON o.id = t.site_org_id ORDER BY o.path, t.sort, t.id`)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, t := range all {
		if t.Articles > 0 {
			out = append(out, t)
		}
	}
	return out, nil
}

// PublicTopic returns a topic with its published articles in order; a
// topic with none is NotFound.
func (s *Service) PublicTopic(ctx context.Context, id int64) (Topic, []TopicItem, error) {
	t, err := s.topic(ctx, nil, id)
	if err != nil {
		return t, nil, err
	}
	items, err := s.topicItems(ctx, id, true)
	if err == nil && len(items) == 0 {
		err = apperr.New(apperr.NotFound, "没有找到该专题")
	}
	return t, items, err
}

// AddToTopic puts an article of the topic's site in the topic at sort
// (moving it there when it is in already).
func (s *Service) AddToTopic(ctx context.Context, a *auth.Actor, topicID, articleID int64, sort int) (err error) {
	defer db.Wrap(&err, "cms.AddToTopic(%d, %d)", topicID, articleID)
	if !CanCurate(a) {
		return forbidCurate()
	}
	t, err := s.topic(ctx, a, topicID)
	if err != nil {
		return err
	}
	if sort < 0 || sort > 9999 {
		return apperr.InvalidField("place", "排序号为 0 至 9999 的整数")
	}
	var site int64
	err = s.DB.QueryRowContext(ctx, `SELECT site_org_id FROM cms_articles WHERE id = $1`, articleID).Scan(&site)
	if errors.Is(err, sql.ErrNoRows) || err == nil && site != t.SiteOrgID {
		return apperr.InvalidField("article", "没有找到该网站的这篇文章，请填写文章编号（文章地址 /info/articles/ 后的数字）")
	}
	if err != nil {
		return err
	}
	now := db.TS(s.Now())
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cms_topic_articles (topic_id, article_id, sort, added_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (topic_id, article_id) DO UPDATE SET sort = excluded.sort`, topicID, articleID, sort, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE cms_topics SET updated_at = $1 WHERE id = $2`, now, topicID)
		return err
	})
}

// RemoveFromTopic takes an article out of a topic.
func (s *Service) RemoveFromTopic(ctx context.Context, a *auth.Actor, topicID, articleID int64) (err error) {
	defer db.Wrap(&err, "cms.RemoveFromTopic(%d, %d)", topicID, articleID)
	if !CanCurate(a) {
		return forbidCurate()
	}
	if _, err := s.topic(ctx, a, topicID); err != nil {
		return err
	}
	now := db.TS(s.Now())
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM cms_topic_articles WHERE topic_id = $1 AND article_id = $2`, topicID, articleID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE cms_topics SET updated_at = $1 WHERE id = $2`, now, topicID)
		return err
	})
}
