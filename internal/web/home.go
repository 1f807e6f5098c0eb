package web

import (
	"net/http"
	"strings"
)

// Service is one entry of the hall's function catalogue, used by the home
// page areas and the search box. Only functions that work are listed.
type Service struct {
	Area     string
	Title    string
	Desc     string
	URL      string
	Keywords string
	Login    string // "" public, "taxpayer" or "staff": who can use it
}

var catalogue = []Service{
	{"新办纳税人", "新办企业登记", "新设立的企业、单位在线登记税务信息，并创建第一个办税账户。", "/register/enterprise", "注册 登记 新办 开业 企业 公司 统一社会信用代码 税务登记", ""},
	{"新办纳税人", "自然人注册", "个人凭居民身份证号码注册，办理个人涉税事项。", "/register/individual", "注册 个人 自然人 身份证", ""},
	{"登录", "纳税人登录", "企业凭纳税人识别号、用户名和密码登录；自然人凭身份证号码和密码登录。", "/login", "登录 登陆 企业 个人 密码", ""},
	{"登录", "税务人员登录", "税务机关工作人员凭工号登录内部办公平台。", "/staff/login", "税务人员 工作人员 内部 工号", ""},
	{"我的办税", "我的税务信息", "查看本单位登记信息、主管税务机关与税（费）种认定。", "/hall", "税种认定 税费种认定 主管税务机关 登记信息 申报期限", "taxpayer"},
	{"我的办税", "办税人员管理", "单位管理员添加办税人员、设置身份、重置密码、停用账户。", "/hall/users", "用户 办税员 财务负责人 法定代表人 代理 重置密码 停用", "taxpayer"},
	{"税务人员", "纳税人管理", "查询本局管辖的纳税人，查看登记信息，办理税（费）种认定。", "/staff/taxpayers", "纳税人 查询 税种认定 税费种认定", "staff"},
	{"税务人员", "税务机关设置", "系统管理员维护税务机关层级。", "/staff/orgs", "机构 税务机关 组织", "staff"},
	{"税务人员", "人员与岗位", "系统管理员管理工作人员账号与岗位角色。", "/staff/staff", "人员 岗位 角色 账号 工号", "staff"},
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	// The bureau's name comes with every page (basePage.Bureau, cached): the
	// home page itself queries nothing.
	return homeView.ok(s, w, r, &homePage{basePage: basePage{Title: "首页"}, Catalogue: catalogue})
}

// search finds catalogue entries whose title, description or keywords
// contain every word of the query.
func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	var hits []Service
	if q != "" {
		words := strings.Fields(q)
		for _, c := range catalogue {
			text := c.Title + " " + c.Desc + " " + c.Keywords
			all := true
			for _, wd := range words {
				if !strings.Contains(strings.ToLower(text), strings.ToLower(wd)) {
					all = false
					break
				}
			}
			if all {
				hits = append(hits, c)
			}
		}
	}
	return searchView.ok(s, w, r, &searchPage{basePage: basePage{Title: "搜索"}, Q: q, Hits: hits})
}
