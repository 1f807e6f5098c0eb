package web

import (
	"net/http"
	"strconv"
	"strings"

	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/httpx"
)

// Special topics (专题): the public list and page (through the page cache,
// under /info), and the staff pages where content editors and
// administrators gather articles into a topic and order them.

var (
	infoTopicsView  = newView[infoTopicsPage]("info_topics.html")
	infoTopicView   = newView[infoTopicPage]("info_topic.html")
	staffTopicsView = newView[staffTopicsPage]("staff_cms_topics.html")
	staffTopicView  = newView[staffTopicPage]("staff_cms_topic.html")
)

type infoTopicsPage struct {
	basePage
	Topics []cms.Topic
}

type infoTopicPage struct {
	basePage
	Topic    cms.Topic
	Articles []cms.TopicItem
}

type staffTopicsPage struct {
	basePage
	Topics []cms.Topic
	Sites  []Option
}

type staffTopicPage struct {
	basePage
	Topic    cms.Topic
	Articles []cms.TopicItem
}

func (s *Server) infoTopics(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.CMS.PublicTopics(r.Context())
	if err != nil {
		return err
	}
	return infoTopicsView.ok(s, w, r, &infoTopicsPage{basePage: basePage{Title: "专题"}, Topics: ts})
}

func (s *Server) infoTopic(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, items, err := s.CMS.PublicTopic(r.Context(), id)
	if err != nil {
		return err
	}
	return infoTopicView.ok(s, w, r, &infoTopicPage{basePage: basePage{Title: t.Title}, Topic: t, Articles: items})
}

func (s *Server) staffTopicsPage(r *http.Request) (*staffTopicsPage, error) {
	a := auth.ActorFrom(r.Context())
	ts, err := s.CMS.Topics(r.Context(), a)
	if err != nil {
		return nil, err
	}
	sites, err := s.staffSites(r, a)
	if err != nil {
		return nil, err
	}
	p := &staffTopicsPage{basePage: basePage{Title: "专题管理"}, Topics: ts}
	for _, st := range sites {
		p.Sites = append(p.Sites, Option{strconv.FormatInt(st.OrgID, 10), shortOrg(st.Name)})
	}
	return p, nil
}

func (s *Server) staffTopics(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staffTopicsPage(r)
	if err != nil {
		return err
	}
	a := auth.ActorFrom(r.Context())
	p.Form = map[string][]string{"site": {strconv.FormatInt(a.OrgID, 10)}, "sort": {"0"}}
	return staffTopicsView.ok(s, w, r, p)
}

func topicInput(r *http.Request) cms.TopicInput {
	site, _ := strconv.ParseInt(r.PostForm.Get("site"), 10, 64)
	sort, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("sort")))
	if err != nil {
		sort = -1
	}
	return cms.TopicInput{SiteOrgID: site, Code: r.PostForm.Get("code"), Title: r.PostForm.Get("title"), Summary: r.PostForm.Get("summary"), Sort: sort}
}

func (s *Server) staffTopicCreate(w http.ResponseWriter, r *http.Request) error {
	id, err := s.CMS.SaveTopic(r.Context(), auth.ActorFrom(r.Context()), 0, topicInput(r))
	if err != nil {
		p, perr := s.staffTopicsPage(r)
		if perr != nil {
			return perr
		}
		return staffTopicsView.formError(s, w, r, err, p)
	}
	s.bumpContent()
	return s.redirect(w, r, "/staff/cms/topics/"+strconv.FormatInt(id, 10), "已创建专题。请添加文章，专题有已发布的文章后在网站上显示。")
}

func (s *Server) staffTopicPageOf(r *http.Request, id int64) (*staffTopicPage, error) {
	t, items, err := s.CMS.TopicForStaff(r.Context(), auth.ActorFrom(r.Context()), id)
	if err != nil {
		return nil, err
	}
	p := &staffTopicPage{basePage: basePage{Title: t.Title}, Topic: t, Articles: items}
	next := 10
	if len(items) > 0 {
		next = items[len(items)-1].Sort + 10
	}
	p.Form = map[string][]string{"code": {t.Code}, "title": {t.Title}, "summary": {t.Summary}, "sort": {strconv.Itoa(t.Sort)},
		"article": {""}, "place": {strconv.Itoa(min(next, 9999))}}
	return p, nil
}

func (s *Server) staffTopic(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.staffTopicPageOf(r, id)
	if err != nil {
		return err
	}
	return staffTopicView.ok(s, w, r, p)
}

// topicAction runs one change of a topic and shows it again, with the
// change's message or its form errors (the other forms keep their values).
func (s *Server) topicAction(w http.ResponseWriter, r *http.Request, step func(a *auth.Actor, id int64) (string, error)) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	msg, err := step(auth.ActorFrom(r.Context()), id)
	if err != nil {
		fields, ok := invalid(err)
		if !ok {
			return err
		}
		p, perr := s.staffTopicPageOf(r, id)
		if perr != nil {
			return perr
		}
		p.Errors = fields
		for k, v := range r.PostForm {
			p.Form[k] = v
		}
		s.render(w, r, http.StatusUnprocessableEntity, staffTopicView.name, p)
		return nil
	}
	s.bumpContent()
	return s.redirect(w, r, "/staff/cms/topics/"+strconv.FormatInt(id, 10), msg)
}

func (s *Server) staffTopicUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, func(a *auth.Actor, id int64) (string, error) {
		_, err := s.CMS.SaveTopic(r.Context(), a, id, topicInput(r))
		return "已保存专题。", err
	})
}

// articleRef reads an article number or its address (/info/articles/12).
func articleRef(v string) int64 {
	v = strings.TrimSpace(v)
	if i := strings.LastIndexByte(v, '/'); i >= 0 {
		v = v[i+1:]
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	return id
}

func (s *Server) staffTopicAdd(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, func(a *auth.Actor, id int64) (string, error) {
		place, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("place")))
		if err != nil {
			place = -1
		}
		return "已把文章加入专题（或调整了顺序）。", s.CMS.AddToTopic(r.Context(), a, id, articleRef(r.PostForm.Get("article")), place)
	})
}

func (s *Server) staffTopicRemove(w http.ResponseWriter, r *http.Request) error {
	return s.topicAction(w, r, func(a *auth.Actor, id int64) (string, error) {
		return "已从专题中移除该文章。", s.CMS.RemoveFromTopic(r.Context(), a, id, articleRef(r.PostForm.Get("article")))
	})
}
