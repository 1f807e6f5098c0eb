package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/cms"
	"taxhall/internal/httpx"
	"taxhall/internal/uploads"
)

// The public side of the bureau sites (信息公开): a site's home with its
// column tree and newest articles, a column's articles, an article.

var (
	infoHomeView    = newView[infoHomePage]("info.html")
	infoColumnView  = newView[infoColumnPage]("info_column.html")
	infoArticleView = newView[infoArticlePage]("info_article.html")
)

type infoHomePage struct {
	basePage
	Sites  []cms.Site
	Site   cms.Site
	Tree   []*cms.Column
	Latest []cms.Article
}

func (s *Server) infoHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sites, err := s.CMS.Sites(ctx)
	if err != nil {
		return err
	}
	p := &infoHomePage{basePage: basePage{Title: "信息公开"}, Sites: sites}
	if len(sites) == 0 {
		return infoHomeView.ok(s, w, r, p)
	}
	p.Site = sites[0]
	if v := r.URL.Query().Get("site"); v != "" {
		id, _ := strconv.ParseInt(v, 10, 64)
		found := false
		for _, st := range sites {
			if st.OrgID == id {
				p.Site, found = st, true
			}
		}
		if !found {
			return apperr.New(apperr.NotFound, "没有找到该网站")
		}
	}
	if p.Tree, err = s.CMS.Tree(ctx, p.Site.OrgID); err != nil {
		return err
	}
	if p.Latest, err = s.CMS.Latest(ctx, p.Site.OrgID, 12); err != nil {
		return err
	}
	return infoHomeView.ok(s, w, r, p)
}

type infoColumnPage struct {
	basePage
	Column   *cms.Column
	Parent   *cms.Column
	Children []*cms.Column
	SiteName string
	Articles []cms.Article
	NextURL  string
	First    bool
}

func (s *Server) infoColumn(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.CMS.GetColumn(ctx, id)
	if err != nil {
		return err
	}
	tree, err := s.CMS.Tree(ctx, c.SiteOrgID)
	if err != nil {
		return err
	}
	p := &infoColumnPage{basePage: basePage{Title: c.Name}, Column: c}
	for _, top := range tree {
		if top.ID == c.ID {
			p.Children = top.Children
		}
		for _, ch := range top.Children {
			if ch.ID == c.ID {
				p.Parent = top
			}
		}
	}
	sites, err := s.CMS.Sites(ctx)
	if err != nil {
		return err
	}
	for _, st := range sites {
		if st.OrgID == c.SiteOrgID {
			p.SiteName = st.Name
		}
	}
	after := cms.ParseCursor(r.URL.Query().Get("after"))
	p.First = after.ID == 0
	list, next, err := s.CMS.ColumnArticles(ctx, c.ID, after)
	if err != nil {
		return err
	}
	p.Articles = list
	if next.ID != 0 {
		p.NextURL = "/info/columns/" + strconv.FormatInt(c.ID, 10) + "?after=" + url.QueryEscape(next.String())
	}
	return infoColumnView.ok(s, w, r, p)
}

type infoArticlePage struct {
	basePage
	Article cms.Article
	Body    template.HTML // sanitised by cms.Sanitize when it was written
	// Attachments are the article's files listed under it.
	Attachments []*uploads.Upload
}

func (s *Server) infoArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.CMS.Public(r.Context(), id)
	if err != nil {
		return err
	}
	// The body was sanitised when it was stored; sanitising again on the way
	// out costs little and keeps a row written by other means safe too.
	body := template.HTML(cms.Sanitize(a.BodyHTML)) // #nosec G203 -- sanitised by bluemonday's UGC policy
	atts, err := s.CMS.PublicAttachments(r.Context(), id)
	if err != nil {
		return err
	}
	return infoArticleView.ok(s, w, r, &infoArticlePage{basePage: basePage{Title: a.Title}, Article: a, Body: body, Attachments: atts})
}

func init() {
	funcs["shortOrg"] = shortOrg
	// safeHTML writes an article body: it sanitises it (again) with the
	// site's policy, so nothing unsanitised reaches a page through it.
	funcs["safeHTML"] = func(s string) template.HTML { return template.HTML(cms.Sanitize(s)) } // #nosec G203 -- sanitised by bluemonday
}
