package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/httpx"
	"taxhall/internal/uploads"
)

// The site content pages of the staff platform (网站内容管理): the overview
// with reminders, queues and every column's freshness; writing, reviewing,
// publishing and archiving articles.

var (
	cmsOverviewView = newView[cmsOverviewPage]("staff_cms.html")
	cmsNewView      = newView[cmsArticlePage]("staff_cms_new.html")
	cmsArticleView  = newView[cmsArticlePage]("staff_cms_article.html")
)

type cmsOverviewPage struct {
	basePage
	Sites     []cms.Site
	Site      cms.Site
	Reminders []cms.Reminder
	Review    []cms.Article // waiting for review
	Drafts    []cms.Article // drafts and returned articles
	Scheduled []cms.Article
	Fresh     []cms.Freshness
	Overdue   int
	CanEdit   bool
	CanReview bool
}

// staffSites are the sites in a's subtree.
func (s *Server) staffSites(r *http.Request, a *auth.Actor) ([]cms.Site, error) {
	all, err := s.CMS.Sites(r.Context())
	if err != nil {
		return nil, err
	}
	var out []cms.Site
	for _, st := range all {
		if strings.HasPrefix(st.Path, a.OrgPath) {
			out = append(out, st)
		}
	}
	return out, nil
}

func (s *Server) staffCMS(w http.ResponseWriter, r *http.Request) error {
	a := auth.ActorFrom(r.Context())
	if !cms.CanManage(a) {
		return apperr.New(apperr.Forbidden, "仅限网站内容编辑、审核人员和管理员使用")
	}
	ctx := r.Context()
	sites, err := s.staffSites(r, a)
	if err != nil {
		return err
	}
	p := &cmsOverviewPage{basePage: basePage{Title: "网站内容管理"}, Sites: sites, CanEdit: cms.CanEdit(a), CanReview: cms.CanReview(a)}
	if len(sites) == 0 {
		return cmsOverviewView.ok(s, w, r, p)
	}
	p.Site = sites[0]
	for _, st := range sites {
		if st.OrgID == a.OrgID {
			p.Site = st
		}
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("site"), 10, 64); err == nil {
		for _, st := range sites {
			if st.OrgID == id {
				p.Site = st
			}
		}
	}
	if p.Reminders, err = s.CMS.RemindersFor(ctx, a); err != nil {
		return err
	}
	if p.Review, err = s.CMS.InState(ctx, a, p.Site.OrgID, cms.Review); err != nil {
		return err
	}
	if p.Drafts, err = s.CMS.InState(ctx, a, p.Site.OrgID, cms.Draft, cms.Returned); err != nil {
		return err
	}
	if p.Scheduled, err = s.CMS.InState(ctx, a, p.Site.OrgID, cms.Scheduled); err != nil {
		return err
	}
	if p.Fresh, err = s.CMS.FreshnessOf(ctx, a, p.Site.OrgID); err != nil {
		return err
	}
	for _, f := range p.Fresh {
		if f.OverdueDays > 0 {
			p.Overdue++
		}
	}
	return cmsOverviewView.ok(s, w, r, p)
}

type cmsArticlePage struct {
	basePage
	Article   cms.Article
	Columns   []Group // the columns a may write in, by top-level column
	Events    []cms.Event
	Versions  []cms.Version
	Comment   string // the reviewer's latest return comment
	CanEdit   bool   // the text may be changed now by this actor
	CanSubmit bool
	CanReview bool
	CanArch   bool
	// The article's images and attachments (staff page), and the public
	// page's attachments.
	Images, Attachments []*uploads.Upload
}

// columnGroups are the columns of the sites in a's subtree, for the select.
func (s *Server) columnGroups(r *http.Request, a *auth.Actor) ([]Group, error) {
	sites, err := s.staffSites(r, a)
	if err != nil {
		return nil, err
	}
	var out []Group
	for _, st := range sites {
		tree, err := s.CMS.Tree(r.Context(), st.OrgID)
		if err != nil {
			return nil, err
		}
		for _, top := range tree {
			g := Group{Label: shortOrg(st.Name) + " · " + top.Name}
			g.Options = append(g.Options, Option{strconv.FormatInt(top.ID, 10), top.Name})
			for _, c := range top.Children {
				g.Options = append(g.Options, Option{strconv.FormatInt(c.ID, 10), top.Name + " › " + c.Name})
			}
			out = append(out, g)
		}
	}
	return out, nil
}

func shortOrg(n string) string { return strings.TrimPrefix(n, "国家税务总局") }

func (s *Server) staffCMSNew(w http.ResponseWriter, r *http.Request) error {
	a := auth.ActorFrom(r.Context())
	if !cms.CanEdit(a) {
		return apperr.New(apperr.Forbidden, "仅限网站内容编辑撰写文章")
	}
	groups, err := s.columnGroups(r, a)
	if err != nil {
		return err
	}
	p := &cmsArticlePage{basePage: basePage{Title: "撰写文章", Form: r.URL.Query()}, Columns: groups}
	return cmsNewView.ok(s, w, r, p)
}

func articleText(r *http.Request) cms.Text {
	col, _ := strconv.ParseInt(r.PostForm.Get("column"), 10, 64)
	return cms.Text{ColumnID: col, Title: r.PostForm.Get("title"), Summary: r.PostForm.Get("summary"), Body: r.PostForm.Get("body"), TaxTags: r.PostForm["tax_tags"]}
}

func (s *Server) staffCMSCreate(w http.ResponseWriter, r *http.Request) error {
	a := auth.ActorFrom(r.Context())
	id, err := s.CMS.Create(r.Context(), a, articleText(r))
	if err != nil {
		groups, gerr := s.columnGroups(r, a)
		if gerr != nil {
			return gerr
		}
		return cmsNewView.formError(s, w, r, err, &cmsArticlePage{basePage: basePage{Title: "撰写文章"}, Columns: groups})
	}
	return s.redirect(w, r, "/staff/cms/articles/"+strconv.FormatInt(id, 10), "已保存为草稿。请检查后提交审核。")
}

// articlePage loads the staff page of an article.
func (s *Server) articlePage(r *http.Request, id int64) (*cmsArticlePage, error) {
	a := auth.ActorFrom(r.Context())
	art, err := s.CMS.Get(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	evs, vs, err := s.CMS.History(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	groups, err := s.columnGroups(r, a)
	if err != nil {
		return nil, err
	}
	editable := art.State == cms.Draft || art.State == cms.Returned
	p := &cmsArticlePage{basePage: basePage{Title: art.Title}, Article: art, Columns: groups, Events: evs, Versions: vs, Comment: cms.LastComment(evs),
		CanEdit: editable && cms.CanEdit(a), CanSubmit: editable && cms.CanEdit(a),
		CanReview: art.State == cms.Review && cms.CanReview(a) && art.AuthorID != a.UserID,
		CanArch:   art.State == cms.Published && (cms.CanEdit(a) || cms.CanReview(a))}
	p.Form = map[string][]string{"column": {strconv.FormatInt(art.ColumnID, 10)}, "title": {art.Title}, "summary": {art.Summary}, "body": {art.BodyHTML}, "kind": {cms.SlotImage}, "tax_tags": art.TaxTags}
	if p.Images, err = s.CMS.Files(r.Context(), a, id, cms.SlotImage); err != nil {
		return nil, err
	}
	if p.Attachments, err = s.CMS.Files(r.Context(), a, id, cms.SlotAttachment); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) staffCMSArticle(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.articlePage(r, id)
	if err != nil {
		return err
	}
	return cmsArticleView.ok(s, w, r, p)
}

// cmsAction runs one step on an article and shows the article again, with
// the step's message or its form errors.
func (s *Server) cmsAction(step func(r *http.Request, a *auth.Actor, id int64) (string, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		msg, err := step(r, auth.ActorFrom(r.Context()), id)
		if err != nil {
			if _, ok := invalid(err); !ok {
				if apperr.CodeOf(err) == apperr.Conflict || apperr.CodeOf(err) == apperr.Forbidden {
					p, perr := s.articlePage(r, id)
					if perr != nil {
						return perr
					}
					p.Alert = apperr.As(err).Message
					s.render(w, r, http.StatusConflict, cmsArticleView.name, p)
					return nil
				}
				return err
			}
			p, perr := s.articlePage(r, id)
			if perr != nil {
				return perr
			}
			return cmsArticleView.formError(s, w, r, err, p)
		}
		s.bumpContent()
		return s.redirect(w, r, "/staff/cms/articles/"+strconv.FormatInt(id, 10), msg)
	}
}

func (s *Server) staffCMSUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.cmsAction(func(r *http.Request, a *auth.Actor, id int64) (string, error) {
		return "已保存新版本。", s.CMS.Update(r.Context(), a, id, articleText(r))
	})(w, r)
}

func (s *Server) staffCMSSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.cmsAction(func(r *http.Request, a *auth.Actor, id int64) (string, error) {
		return "已提交审核。", s.CMS.Submit(r.Context(), a, id)
	})(w, r)
}

func (s *Server) staffCMSReview(w http.ResponseWriter, r *http.Request) error {
	return s.cmsAction(func(r *http.Request, a *auth.Actor, id int64) (string, error) {
		comment := r.PostForm.Get("comment")
		if r.PostForm.Get("decision") == "return" {
			return "已退回作者修改。", s.CMS.Return(r.Context(), a, id, comment)
		}
		var at time.Time
		if v := strings.TrimSpace(r.PostForm.Get("publish_at")); v != "" {
			t, err := time.ParseInLocation("2006-01-02T15:04", v, cst)
			if err != nil {
				return "", apperr.InvalidField("publish_at", "请按“年-月-日 时:分”填写发布时间")
			}
			at = t
		}
		if err := s.CMS.Approve(r.Context(), a, id, at, comment); err != nil {
			return "", err
		}
		if !at.IsZero() && at.After(s.CMS.Now()) {
			return "审核通过，将于 " + at.Format("2006-01-02 15:04") + " 发布。", nil
		}
		return "审核通过，已发布。", nil
	})(w, r)
}

func (s *Server) staffCMSArchive(w http.ResponseWriter, r *http.Request) error {
	return s.cmsAction(func(r *http.Request, a *auth.Actor, id int64) (string, error) {
		return "已归档，网站上不再显示。", s.CMS.Archive(r.Context(), a, id)
	})(w, r)
}
