package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/cms"
	"taxhall/internal/guides"
	"taxhall/internal/httpx"
	"taxhall/internal/laws"
	"taxhall/internal/publists"
	"taxhall/internal/search"
)

// The public information in the API: the site search, the regulation
// library, the tax guides and the public lists, over the same services as
// the pages. No login.

const tagPublic = "信息公开"

// PublicServices are the services of the public information; the app sets
// them (api.go's API holds one).
type PublicServices struct {
	Laws   *laws.Service
	Guides *guides.Catalog
	Search *search.Index
	Lists  *publists.Service
	CMS    *cms.Service // special topics and downloads (topics.go, downloads.go)
}

var (
	guideSlugValue = pathValue{Name: "slug", Doc: "指南代码，见 GET /api/v1/guides", Pattern: `^[a-z0-9-]{1,64}$`, Example: "late-fee"}
	listValue      = pathValue{Name: "list", Doc: "名单：irregular 非正常户，quotas 定期定额户定额，deregistered 注销户，suspended 停业户", Pattern: `^[a-z]+$`, Example: "irregular"}
)

func (a *API) publicRoutes() []route {
	return []route{
		{Pattern: "GET /search", Tag: tagPublic, Access: Public, Errors: []apperr.Code{apperr.Invalid},
			Summary: "站内搜索", Doc: "在办税指南、信息公开文章和法规库中全文检索（中文按双字切分，引号内为完整词句），按类别分组，每组按相关度排序，各取前 5 条。",
			Handler: handle(a.siteSearch)},
		{Pattern: "GET /laws", Tag: tagPublic, Access: Public, Errors: []apperr.Code{apperr.Invalid},
			Summary: "法规库：浏览或检索", Doc: "不带 q 时按版本日期从新到旧列出（游标分页：以返回的 next 作为 after 查询下一页）；带 q 时全文检索，按相关度排序（page 从 0 起，至多 25 页），结果给出命中的条款（anchor，如 a22）和标出检索词的摘要。筛选条件可与检索组合。",
			Handler: handle(a.lawsList)},
		{Pattern: "GET /laws/{id}", Tag: tagPublic, Access: Public, Object: "law", Errors: []apperr.Code{apperr.NotFound},
			Summary: "法规全文", Doc: "按章节和条款分块的全文，以及同名法规的历次版本。",
			Handler: handle(a.lawGet)},
		{Pattern: "GET /guides", Tag: tagPublic, Access: Public,
			Summary: "办税指南分类和目录", Handler: handle(a.guidesList)},
		{Pattern: "GET /guides/{slug}", Tag: tagPublic, Access: Public, Values: []pathValue{guideSlugValue}, Errors: []apperr.Code{apperr.NotFound},
			Summary: "一项办税指南", Doc: "办理条件、所需资料、流程、时限、收费（免费）、法律依据（链接到法规库的条款）和本厅的网上办理入口。",
			Handler: handle(a.guideGet)},
		{Pattern: "GET /lists/{list}", Tag: tagPublic, Access: Public, Values: []pathValue{listValue}, Errors: []apperr.Code{apperr.NotFound, apperr.Invalid},
			Summary: "公开名单", Doc: "由纳税人登记状态和核定定额实时生成。游标分页：以返回的 next 作为 after 查询下一页。姓名已脱敏。",
			Handler: handle(a.listGet)},
	}
}

type siteSearchQuery struct {
	Q string `query:"q" doc:"检索词，多个词用空格分开"`
}

type hitView struct {
	Title   string `json:"title"`
	URL     string `json:"url" doc:"页面地址；法规命中条款时带 #条款锚点"`
	Snippet string `json:"snippet" doc:"摘要，检索词用【】标出"`
}

type siteSearchView struct {
	Q        string    `json:"q"`
	Guides   []hitView `json:"guides" doc:"办税指南"`
	Articles []hitView `json:"articles" doc:"信息公开文章"`
	Laws     []hitView `json:"laws" doc:"法规库"`
}

// marked writes segments with the searched words in 【】.
func marked(segs []search.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Mark {
			b.WriteString("【" + s.Text + "】")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func (a *API) siteSearch(ctx context.Context, _ *http.Request, q siteSearchQuery) (siteSearchView, error) {
	v := siteSearchView{Q: q.Q, Guides: []hitView{}, Articles: []hitView{}, Laws: []hitView{}}
	if strings.TrimSpace(q.Q) == "" {
		return v, apperr.InvalidField("q", "请填写检索词")
	}
	for _, kind := range []string{guides.SearchKind, cms.SearchKind} {
		r, err := a.Public.Search.Search(ctx, search.Query{Text: q.Q, Kinds: []string{kind}, Limit: 5})
		if err != nil {
			return v, err
		}
		for _, h := range r.Hits {
			hv := hitView{Title: h.Title, URL: h.URL, Snippet: marked(h.Snippet)}
			if kind == guides.SearchKind {
				v.Guides = append(v.Guides, hv)
			} else {
				v.Articles = append(v.Articles, hv)
			}
		}
	}
	r, err := a.Public.Laws.Search(ctx, q.Q, laws.Filter{}, 0)
	if err != nil {
		return v, err
	}
	for _, h := range r.Hits[:min(5, len(r.Hits))] {
		v.Laws = append(v.Laws, hitView{Title: h.Title, URL: lawURL(h.ID, h.Anchor), Snippet: marked(h.Snippet)})
	}
	return v, nil
}

func lawURL(id int64, anchor string) string {
	u := "/laws/" + strconv.FormatInt(id, 10)
	if anchor != "" {
		u += "#" + anchor
	}
	return u
}

type lawsQuery struct {
	Q        string `query:"q" doc:"全文检索词；不填为浏览"`
	Kind     string `query:"kind" doc:"类别：宪法、法律、行政法规、部门规章、司法解释、地方性法规、案例、其他"`
	Level    string `query:"level" doc:"制定机关层级：中央、省级、设区的市"`
	Province string `query:"province" doc:"省份（地方性法规），如 河南省"`
	Tax      string `query:"tax" doc:"税种，如 增值税、个人所得税、征收管理、发票"`
	Status   string `query:"status" doc:"效力：现行有效、已修改、已废止"`
	Year     int    `query:"year" min:"0" max:"9999" doc:"版本年份"`
	After    string `query:"after" doc:"浏览时上一页返回的 next"`
	Page     int    `query:"page" min:"0" max:"25" doc:"检索时的页码，从 0 起"`
}

type lawSummaryView struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Kind     string `json:"kind"`
	Level    string `json:"level"`
	Province string `json:"province,omitempty"`
	Version  string `json:"version" doc:"版本日期 YYYY-MM-DD"`
	Status   string `json:"status" doc:"现行有效、已修改或已废止"`
	Articles int    `json:"articles" doc:"条数"`
}

type lawHitView struct {
	Law     lawSummaryView `json:"law"`
	Anchor  string         `json:"anchor,omitempty" doc:"命中的条款锚点，如 a22"`
	Article string         `json:"article,omitempty" doc:"命中的条款，如 第二十二条"`
	Snippet string         `json:"snippet" doc:"摘要，检索词用【】标出"`
}

type lawsView struct {
	Items   []lawSummaryView `json:"items" doc:"浏览结果（不带 q 时）"`
	Hits    []lawHitView     `json:"hits" doc:"检索结果（带 q 时）"`
	Next    string           `json:"next,omitempty" doc:"浏览的下一页游标"`
	More    bool             `json:"more" doc:"检索还有下一页"`
	Relaxed bool             `json:"relaxed" doc:"没有同时包含全部检索词的法规，结果包含其中部分词"`
}

func viewLawSummary(l laws.Summary) lawSummaryView {
	return lawSummaryView{ID: l.ID, Title: l.Title, Kind: l.Kind, Level: l.Level, Province: l.Province, Version: l.Version, Status: l.Status, Articles: l.Articles}
}

func (a *API) lawsList(ctx context.Context, _ *http.Request, q lawsQuery) (lawsView, error) {
	f := laws.Filter{Kind: q.Kind, Level: q.Level, Province: q.Province, Tax: q.Tax, Status: q.Status, Year: q.Year}
	v := lawsView{Items: []lawSummaryView{}, Hits: []lawHitView{}}
	if strings.TrimSpace(q.Q) != "" {
		r, err := a.Public.Laws.Search(ctx, q.Q, f, q.Page)
		if err != nil {
			return v, err
		}
		v.More, v.Relaxed = r.More, r.Relaxed
		for _, h := range r.Hits {
			v.Hits = append(v.Hits, lawHitView{Law: viewLawSummary(h.Summary), Anchor: h.Anchor, Article: h.Article, Snippet: marked(h.Snippet)})
		}
		return v, nil
	}
	list, next, err := a.Public.Laws.Browse(ctx, f, laws.ParseCursor(q.After))
	if err != nil {
		return v, err
	}
	for _, l := range list {
		v.Items = append(v.Items, viewLawSummary(l))
	}
	v.Next = next.String()
	return v, nil
}

type lawBlockView struct {
	Type   string   `json:"type" doc:"heading 章节标题，article 条款，para 其他段落"`
	Anchor string   `json:"anchor,omitempty" doc:"锚点：章节 c1…，条款 a1…"`
	Label  string   `json:"label,omitempty" doc:"条款序号，如 第二十二条"`
	Text   string   `json:"text,omitempty" doc:"标题或段落"`
	Paras  []string `json:"paras,omitempty" doc:"条款的各款"`
	Level  int      `json:"level,omitempty" doc:"标题层级：2 章（编），3 节"`
}

type lawView struct {
	Law       lawSummaryView   `json:"law"`
	Category  string           `json:"category"`
	Adopted   string           `json:"adopted,omitempty" doc:"首次通过日期"`
	Effective string           `json:"effective,omitempty" doc:"施行日期（如有）"`
	History   []string         `json:"history" doc:"制定和修改经过"`
	TaxTags   []string         `json:"tax_tags" doc:"税种"`
	Blocks    []lawBlockView   `json:"blocks"`
	Versions  []lawSummaryView `json:"versions" doc:"同名法规的历次版本，新版在前"`
}

func (a *API) lawGet(ctx context.Context, r *http.Request, _ noBody) (lawView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return lawView{}, err
	}
	l, err := a.Public.Laws.Get(ctx, id)
	if err != nil {
		return lawView{}, err
	}
	v := lawView{Law: viewLawSummary(l.Summary), Category: l.Category, Adopted: l.Adopted, Effective: l.Effective,
		History: append([]string{}, l.History...), TaxTags: append([]string{}, l.TaxTags...), Blocks: []lawBlockView{}, Versions: []lawSummaryView{}}
	for _, b := range l.Blocks() {
		bv := lawBlockView{Anchor: b.Anchor}
		switch b.Kind {
		case laws.Heading:
			bv.Type, bv.Text, bv.Level = "heading", b.Text, b.Level
		case laws.Article:
			bv.Type, bv.Label, bv.Paras = "article", b.Label, b.Paras
		default:
			bv.Type, bv.Text = "para", b.Text
		}
		v.Blocks = append(v.Blocks, bv)
	}
	vs, err := a.Public.Laws.Versions(ctx, l.Title)
	if err != nil {
		return v, err
	}
	for _, s := range vs {
		v.Versions = append(v.Versions, viewLawSummary(s))
	}
	return v, nil
}

type guideRefView struct {
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	Online bool   `json:"online" doc:"本厅可网上办理"`
}

type guideCategoryView struct {
	Code   string         `json:"code"`
	Name   string         `json:"name"`
	Desc   string         `json:"desc"`
	Guides []guideRefView `json:"guides"`
}

func (a *API) guidesList(_ context.Context, _ *http.Request, _ noBody) (list[guideCategoryView], error) {
	var out []guideCategoryView
	for _, c := range a.Public.Guides.Categories {
		cv := guideCategoryView{Code: c.Code, Name: c.Name, Desc: c.Desc, Guides: []guideRefView{}}
		for _, g := range c.Guides {
			cv.Guides = append(cv.Guides, guideRefView{Slug: g.Slug, Title: g.Title, Online: g.Online != nil})
		}
		out = append(out, cv)
	}
	return listOf(out), nil
}

type basisView struct {
	Title   string `json:"title" doc:"法规名称"`
	Article string `json:"article" doc:"条款，如 第十五条"`
	URL     string `json:"url,omitempty" doc:"法规库中该条款的地址（法规库中没有时为空）"`
}

type guideView struct {
	Slug        string      `json:"slug"`
	Category    string      `json:"category"`
	Title       string      `json:"title"`
	Summary     string      `json:"summary"`
	Who         string      `json:"who" doc:"适用对象"`
	Conditions  []string    `json:"conditions" doc:"办理条件"`
	Materials   []string    `json:"materials" doc:"所需资料"`
	Steps       []string    `json:"steps" doc:"办理流程"`
	Deadline    string      `json:"deadline" doc:"办理期限"`
	TimeLimit   string      `json:"time_limit" doc:"办结时限"`
	Fee         string      `json:"fee" doc:"收费标准"`
	Basis       []basisView `json:"basis" doc:"法律依据"`
	OnlineURL   string      `json:"online_url,omitempty" doc:"本厅网上办理的页面"`
	OnlineLabel string      `json:"online_label,omitempty"`
}

func (a *API) guideGet(ctx context.Context, r *http.Request, _ noBody) (guideView, error) {
	g := a.Public.Guides.Get(r.PathValue("slug"))
	if g == nil {
		return guideView{}, apperr.New(apperr.NotFound, "没有找到该办税指南")
	}
	links, err := guides.Resolve(ctx, a.Public.Laws, g.Basis)
	if err != nil {
		return guideView{}, err
	}
	v := guideView{Slug: g.Slug, Category: g.Category, Title: g.Title, Summary: g.Summary, Who: g.Who,
		Conditions: append([]string{}, g.Conditions...), Materials: append([]string{}, g.Materials...), Steps: append([]string{}, g.Steps...),
		Deadline: g.Deadline, TimeLimit: g.TimeLimit, Fee: g.Fee, Basis: []basisView{}}
	for _, l := range links {
		v.Basis = append(v.Basis, basisView{Title: l.Title, Article: l.Article, URL: l.URL})
	}
	if g.Online != nil {
		v.OnlineURL, v.OnlineLabel = g.Online.URL, g.Online.Label
	}
	return v, nil
}

type listQueryView struct {
	Q        string `query:"q" doc:"名称的一部分或纳税人识别号的开头"`
	District string `query:"district" doc:"行政区划代码（含下级），如 350203"`
	Year     int    `query:"year" min:"0" max:"9999" doc:"认定年度（定额为起始年度）"`
	After    string `query:"after" doc:"上一页返回的 next"`
}

type listRowView struct {
	Code     string `json:"code" doc:"纳税人识别号"`
	Name     string `json:"name"`
	Operator string `json:"operator" doc:"法定代表人或经营者（脱敏）"`
	District string `json:"district" doc:"行政区划代码"`
	Since    string `json:"since" doc:"认定日期；定额为起始月份"`
	Reason   string `json:"reason,omitempty" doc:"认定原因"`
	Period   string `json:"period,omitempty" doc:"定额期间"`
	SalesFen int64  `json:"sales_fen,omitempty" doc:"月定额销售额（分）"`
	TaxFen   int64  `json:"tax_fen,omitempty" doc:"月定额税款（分）"`
}

type listView struct {
	List  string        `json:"list"`
	Name  string        `json:"name"`
	Items []listRowView `json:"items"`
	Next  string        `json:"next,omitempty" doc:"下一页游标"`
}

func (a *API) listGet(ctx context.Context, r *http.Request, q listQueryView) (listView, error) {
	name := r.PathValue("list")
	rows, next, err := a.Public.Lists.Page(ctx, name, publists.Filter{Q: q.Q, District: q.District, Year: q.Year}, publists.ParseCursor(q.After))
	if err != nil {
		return listView{}, err
	}
	v := listView{List: name, Name: publists.NameOf(name), Items: []listRowView{}, Next: next.String()}
	for _, w := range rows {
		v.Items = append(v.Items, listRowView{Code: w.Code, Name: w.Name, Operator: w.Operator, District: w.District, Since: w.Since,
			Reason: w.Reason, Period: w.Period, SalesFen: w.SalesFen, TaxFen: w.TaxFen})
	}
	return v, nil
}
