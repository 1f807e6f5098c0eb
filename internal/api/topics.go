package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/cms"
	"taxhall/internal/httpx"
)

// Special topics (专题) of the bureau sites: public, no login.

func (a *API) topicRoutes() []route {
	return []route{
		{Pattern: "GET /topics", Tag: tagPublic, Access: Public,
			Summary: "专题列表", Doc: "各网站有已发布文章的专题，省局网站在前，按排序号。",
			Handler: handle(a.topicsList)},
		{Pattern: "GET /topics/{id}", Tag: tagPublic, Access: Public, Object: "cms_topic", Errors: []apperr.Code{apperr.NotFound},
			Summary: "一个专题及其文章", Doc: "专题中已发布的文章，按编辑设定的顺序。",
			Handler: handle(a.topicGet)},
	}
}

type topicView struct {
	ID       int64  `json:"id"`
	Site     string `json:"site" doc:"网站所属税务机关"`
	Code     string `json:"code"`
	Title    string `json:"title"`
	Summary  string `json:"summary"`
	Articles int    `json:"articles" doc:"已发布文章数"`
	URL      string `json:"url" doc:"专题页地址"`
}

type topicArticleView struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Column    string    `json:"column" doc:"所在栏目"`
	Published time.Time `json:"published" doc:"发布时间"`
	Summary   string    `json:"summary"`
	URL       string    `json:"url"`
}

type topicsView struct {
	Items []topicView `json:"items"`
}

type topicDetailView struct {
	Topic    topicView          `json:"topic"`
	Articles []topicArticleView `json:"articles"`
}

func viewTopic(t cms.Topic) topicView {
	return topicView{ID: t.ID, Site: t.SiteName, Code: t.Code, Title: t.Title, Summary: t.Summary, Articles: t.Articles, URL: "/info/topics/" + strconv.FormatInt(t.ID, 10)}
}

func (a *API) topicsList(ctx context.Context, _ *http.Request, _ noBody) (topicsView, error) {
	v := topicsView{Items: []topicView{}}
	ts, err := a.Public.CMS.PublicTopics(ctx)
	if err != nil {
		return v, err
	}
	for _, t := range ts {
		v.Items = append(v.Items, viewTopic(t))
	}
	return v, nil
}

func (a *API) topicGet(ctx context.Context, r *http.Request, _ noBody) (topicDetailView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return topicDetailView{}, err
	}
	t, items, err := a.Public.CMS.PublicTopic(ctx, id)
	if err != nil {
		return topicDetailView{}, err
	}
	v := topicDetailView{Topic: viewTopic(t), Articles: []topicArticleView{}}
	for _, it := range items {
		v.Articles = append(v.Articles, topicArticleView{ID: it.ID, Title: it.Title, Column: it.ColumnName, Published: it.PublishedAt,
			Summary: it.Summary, URL: cms.ArticleURL(it.ID)})
	}
	return v, nil
}
