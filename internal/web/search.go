package web

import (
	"net/http"
	"slices"
	"strings"
	"unicode"

	"taxhall/internal/auth"
)

// The search box finds functions of the catalogue (home.go) until the
// public-information work builds a full site search. People type what they
// call a thing ("新办登记", "开业", "领发票"), not the title of a page, so a
// query matches by words, by synonyms and by characters; and for what the
// hall cannot do yet (invoices, deregistration, filing) it says so and where
// to go, instead of finding nothing or the wrong thing.

// synonyms are groups of words that mean the same function to a searcher.
var synonyms = [][]string{
	{"新办", "登记", "开业", "设立", "注册", "开办", "新开", "新设", "办照", "开户"},
	{"登录", "登陆", "登入", "账号", "帐号", "进入"},
	{"自然人", "个人", "居民", "身份证"},
	{"企业", "公司", "单位", "个体", "个体户", "个体工商户"},
	{"认定", "税种", "税费种", "核定"},
	{"办税人员", "办税员", "财务", "会计", "用户", "授权", "员工"},
	{"密码", "改密", "忘记密码", "口令"},
	{"主管税务机关", "主管", "税务局", "管辖"},
	{"工作人员", "岗位", "角色", "工号"},
	{"算税", "计算器", "计算", "税款计算", "测算", "试算", "帮我算税"},
	{"个税", "个人所得税", "工资", "薪金", "工资薪金"},
	{"增值税", "小规模", "附加税", "附加税费", "城建税"},
	{"所得税", "企业所得税", "预缴", "小型微利", "小微企业"},
	{"房产税", "房产", "房屋", "出租", "租金"},
	{"土地使用税", "城镇土地使用税", "土地"},
	{"印花税", "合同", "账簿", "贴花"},
	{"滞纳金", "逾期", "欠税", "罚息", "晚交"},
	{"劳务报酬", "劳务费", "兼职", "稿酬"},
	{"税务机关", "机构", "组织", "下级"},
	{"征期", "征期日历", "申报期限", "申报期", "申报截止", "截止日期", "纳税期限", "报税日期", "报税时间"},
	{"节假日", "放假", "假期", "调休", "休息日"},
	{"消息", "站内信", "通知", "提醒"},
}

// A topic is something people look for that the hall does not offer yet:
// the answer says so honestly and where to go.
type topic struct {
	words []string
	Title string
	Text  string
	Links []Option // Value is the URL, Label the link text: functions that exist
}

var topics = []topic{
	{words: []string{"发票", "领票", "开票", "代开", "数电", "税控", "票种", "红字", "普票", "专票"},
		Title: "发票业务暂未在网上办理",
		Text:  "本服务厅暂未开通发票领用、开具和代开。请到主管税务机关的办税服务厅办理，或拨打 12366 纳税服务热线咨询。登录后可在“我的税务信息”查看您的主管税务机关。",
		Links: []Option{{"/hall", "我的税务信息（查看主管税务机关）"}}},
	{words: []string{"注销", "清税", "歇业", "停业", "迁出", "跨区迁移"},
		Title: "注销税务登记暂未在网上办理",
		Text:  "本服务厅暂未开通注销（清税）。请携带营业执照等资料到主管税务机关的办税服务厅办理，所需资料可拨打 12366 纳税服务热线咨询。",
		Links: []Option{{"/hall", "我的税务信息（查看主管税务机关）"}}},
	{words: []string{"缴税", "交税", "缴款", "税款", "扣款", "完税", "汇算", "完税证明"},
		Title: "网上缴税、年度汇算暂未开通",
		Text:  "本服务厅已开通网上申报，税款缴纳和个人所得税年度汇算暂未开通。登录后可在“我的办税区”查看应缴未缴税款和截至今日的滞纳金；缴款请到主管税务机关的办税服务厅或通过银行办理，或拨打 12366 纳税服务热线咨询。",
		Links: []Option{{"/hall", "我的办税区（查看应缴税款）"}}},
}

// suggestions are searches that find something, offered when one finds
// nothing.
var suggestions = []string{"新办登记", "税种认定", "办税人员", "修改密码"}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	a := auth.ActorFrom(r.Context())
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := &searchPage{basePage: basePage{Title: "搜索办税事项"}, Q: q, Suggestions: suggestions}
	if q == "" {
		for _, c := range homeTiles(a) {
			if c.Popular {
				p.Popular = append(p.Popular, c)
			}
		}
		return searchView.ok(s, w, r, p)
	}
	p.Title = "“" + q + "”的搜索结果"
	p.Hits = findServices(q, a)
	p.Topics = findTopics(q)
	public, err := s.searchPublic(r.Context(), q)
	if err != nil {
		return err
	}
	p.Public = public
	markSearch(w, "site", len(p.Hits)+len(p.Topics)+len(public.Guides)+len(public.Articles)+len(public.Laws)+len(public.KB))
	return searchView.ok(s, w, r, p)
}

// terms splits a query at spaces and punctuation.
func terms(q string) []string {
	return strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
}

// findServices returns the functions a can use that match every term of
// q, best first. A term matches a function whose text contains it (best in
// the title), or one of its synonyms, or all of its characters (so
// "新办登记" finds "新办企业登记").
func findServices(q string, a *auth.Actor) []Service {
	ts := terms(q)
	if len(ts) == 0 {
		return nil
	}
	type hit struct {
		s     Service
		score int
	}
	var hits []hit
	for _, c := range catalogue {
		if !c.usableBy(a) {
			continue
		}
		title := strings.ToLower(c.Title)
		text := strings.ToLower(c.Title + " " + c.Desc + " " + c.Keywords)
		names := strings.ToLower(c.Title + " " + c.Keywords)
		// The staff functions are found by the public only by their own
		// words: a taxpayer asking about "申报" is not after 纳税人管理.
		least := 1
		if c.Login == "staff" && (a == nil || a.Kind != auth.Staff) {
			least = 3
		}
		total := 0
		for _, t := range ts {
			score := 0
			switch {
			case strings.Contains(title, t):
				score = 4
			case strings.Contains(text, t):
				score = 3
			case slices.ContainsFunc(alternatives(t), func(w string) bool { return strings.Contains(text, w) }):
				score = 2
			case len([]rune(t)) > 1 && allRunesIn(t, names):
				score = 1
			}
			if score < least {
				total = 0
				break
			}
			total += score
		}
		if total > 0 {
			hits = append(hits, hit{c, total})
		}
	}
	slices.SortStableFunc(hits, func(x, y hit) int { return y.score - x.score })
	out := make([]Service, len(hits))
	for i, h := range hits {
		out[i] = h.s
	}
	return out
}

// alternatives are the synonyms of the groups that t names: a term that
// contains a word of a group (or is part of one) stands for the group.
func alternatives(t string) []string {
	var out []string
	for _, g := range synonyms {
		if slices.ContainsFunc(g, func(w string) bool {
			return strings.Contains(t, w) || (len([]rune(t)) > 1 && strings.Contains(w, t))
		}) {
			out = append(out, g...)
		}
	}
	return out
}

// allRunesIn reports whether every letter of t occurs in s.
func allRunesIn(t, s string) bool {
	for _, r := range t {
		if !strings.ContainsRune(s, r) {
			return false
		}
	}
	return true
}

// findTopics returns what the hall cannot do yet that q asks about.
func findTopics(q string) []topic {
	q = strings.ToLower(q)
	var out []topic
	for _, tp := range topics {
		if slices.ContainsFunc(tp.words, func(w string) bool { return strings.Contains(q, w) }) {
			out = append(out, tp)
		}
	}
	return out
}
