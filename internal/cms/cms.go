// Package cms is the content management of the bureau sites (信息公开): a
// column tree per site (the province's central site and each city's
// sub-site), articles written by content editors and reviewed by a content
// reviewer who is not the author, published at once or at a scheduled
// time, archived; every version and step kept; columns that pass their
// update period remind their maintainers, then their supervisors.
package cms

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/search"
)

// Article states.
const (
	Draft     = "draft"
	Review    = "review"
	Returned  = "returned"
	Scheduled = "scheduled"
	Published = "published"
	Archived  = "archived"
)

// StateNames are the states as pages show them.
var StateNames = map[string]string{Draft: "草稿", Review: "待审核", Returned: "已退回", Scheduled: "定时发布", Published: "已发布", Archived: "已归档"}

// Service is the content management of every site.
type Service struct {
	DB    *db.DB
	Index *search.Index // published articles are searchable (kind "article")
	Now   func() time.Time
}

// SearchKind is the kind of published articles in the search index.
const SearchKind = "article"

// CanEdit reports whether a writes articles (content editors).
func CanEdit(a *auth.Actor) bool {
	return a != nil && a.Kind == auth.Staff && a.HasRole(auth.RoleContentEditor)
}

// CanReview reports whether a reviews articles (content reviewers).
func CanReview(a *auth.Actor) bool {
	return a != nil && a.Kind == auth.Staff && a.HasRole(auth.RoleContentReviewer)
}

// CanManage reports whether a works on sites at all: the content roles and
// the administrators (who see the freshness overview).
func CanManage(a *auth.Actor) bool {
	return CanEdit(a) || CanReview(a) || (a != nil && a.Kind == auth.Staff && a.HasRole(auth.RoleAdmin))
}

// Site is a bureau with a site: the province or a city.
type Site struct {
	OrgID int64
	Name  string
	Level string
	Path  string
}

// Sites returns the bureaus that have columns, province first.
func (s *Service) Sites(ctx context.Context) ([]Site, error) {
	return db.Query(ctx, s.DB, func(r db.Scanner) (Site, error) {
		var st Site
		return st, r.Scan(&st.OrgID, &st.Name, &st.Level, &st.Path)
	}, `SELECT o.id, o.name, o.level, o.path FROM orgs o WHERE o.id IN (SELECT DISTINCT site_org_id FROM cms_columns) ORDER BY o.path`)
}

// site returns one site's bureau, and whether a may manage it: the bureau
// is a's own or below it (staff see only their subtree).
func (s *Service) site(ctx context.Context, q db.Querier, a *auth.Actor, orgID int64) (Site, error) {
	var st Site
	err := q.QueryRowContext(ctx, `SELECT id, name, level, path FROM orgs WHERE id = $1`, orgID).Scan(&st.OrgID, &st.Name, &st.Level, &st.Path)
	if errors.Is(err, sql.ErrNoRows) {
		return st, apperr.New(apperr.NotFound, "没有找到该网站")
	}
	if err != nil {
		return st, err
	}
	if a != nil && !inSubtree(a, st.Path) {
		return st, apperr.New(apperr.NotFound, "没有找到该网站")
	}
	return st, nil
}

// inSubtree reports whether a bureau at path is a's own or below it.
func inSubtree(a *auth.Actor, path string) bool {
	return a.Kind == auth.Staff && a.OrgPath != "" && strings.HasPrefix(path, a.OrgPath)
}

// policy is the sanitiser of article bodies: bluemonday's policy for
// user-generated content (paragraphs, headings, lists, tables, links,
// images; no scripts, event handlers, styles or javascript: URLs), with
// links opened without the opener.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// Sanitize returns html with everything but safe markup removed, and
// without any image that is not one of the hall's own article files
// (FileURL): an article never loads a picture from another site (a
// tracking pixel, a hot-linked image that changes after review).
func Sanitize(s string) string { return strings.TrimSpace(ownImagesOnly(policy.Sanitize(s))) }

// ownImagesOnly drops the <img> elements of sanitised markup whose src is
// not a FileURL. bluemonday's policies only add permissions, so the UGC
// policy's images are narrowed here, on its output: every other token is
// copied as it was.
func ownImagesOnly(s string) string {
	if !strings.Contains(s, "<img") {
		return s
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		raw := z.Raw()
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			if t := z.Token(); t.DataAtom == atom.Img {
				ok := false
				for _, at := range t.Attr {
					if at.Key == "src" && fileSrc.MatchString(at.Val) {
						ok = true
					}
				}
				if !ok {
					continue
				}
			}
		}
		b.Write(raw)
	}
}

// plainText is html without markup, for search and summaries.
func plainText(html string) string {
	t := bluemonday.StrictPolicy().Sanitize(strings.NewReplacer("</p>", "\n", "<br>", "\n", "</li>", "\n", "</h2>", "\n", "</h3>", "\n").Replace(html))
	return strings.NewReplacer("&nbsp;", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(t)
}
