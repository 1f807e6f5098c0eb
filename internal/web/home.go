package web

import (
	"net/http"

	"taxhall/internal/auth"
)

// Service is one entry of the hall's function catalogue, used by the home
// page areas and the search box. Only functions that work are listed.
type Service struct {
	Area     string
	Title    string
	Desc     string
	URL      string
	Keywords string // words people search for that the title does not say
	Login    string // "" public, "taxpayer", "staff", or "any" (any logged-in actor): who can use it
	Popular  bool   // offered on an empty search
}

var catalogue = []Service{
	{"新办纳税人", "新办企业登记", "新设立的企业、单位在线登记税务信息，并创建第一个办税账户。", "/register/enterprise", "新办登记 税务登记 新办 开业 设立 注册 企业 公司 单位 统一社会信用代码 营业执照", "", true},
	{"新办纳税人", "个体工商户登记", "个体工商户凭营业执照（代码以 92 开头）登记，填写经营者信息，无需注册资本。", "/register/business", "新办登记 税务登记 新办 开业 设立 注册 个体 个体户 个体工商户 经营者 营业执照 92", "", true},
	{"新办纳税人", "自然人注册", "个人凭居民身份证号码注册，办理个人涉税事项。", "/register/individual", "注册 登记 新办 个人 自然人 身份证 开户", "", true},
	{"帮我算税", "小规模纳税人增值税计算器", "按季度或月份计算小规模纳税人应纳增值税及城建税、教育费附加、地方教育附加，列出政策依据，无需登录。", "/calculators/vat-small", "算税 计算器 计算 增值税 小规模 附加税 城建税 教育费附加 六税两费 免税 1% 3%", "", true},
	{"帮我算税", "工资薪金个税计算器", "按累计预扣法计算某月工资薪金应预扣的个人所得税，逐步列出税率和速算扣除数，无需登录。", "/calculators/iit-wages", "算税 计算器 计算 个税 个人所得税 工资 薪金 累计预扣 专项附加扣除 扣缴", "", true},
	{"帮我算税", "劳务报酬个税计算器", "按次计算支付劳务报酬应预扣预缴的个人所得税，列出减除费用、预扣率和速算扣除数，无需登录。", "/calculators/labour", "算税 计算器 计算 个税 个人所得税 劳务报酬 劳务费 稿酬 兼职 预扣预缴 扣缴 800 20%", "", false},
	{"帮我算税", "一般纳税人增值税计算器", "计算销项税额、进项税额抵扣、留抵税额和应纳增值税，以及附加税费，无需登录。", "/calculators/vat-general", "算税 计算器 计算 增值税 一般纳税人 销项 进项 留抵 抵扣 进项转出 13% 9% 6% 附加税 城建税", "", false},
	{"帮我算税", "企业所得税预缴计算器", "按本年累计利润计算月（季）度应预缴的企业所得税，自动判断是否为小型微利企业，无需登录。", "/calculators/eit", "算税 计算器 计算 企业所得税 所得税 预缴 季度 小型微利企业 小微企业 25% 5% 利润总额", "", false},
	{"帮我算税", "房产税计算器", "按房产原值从价计征或按租金从租计征，按月份折算并计算“六税两费”减征，无需登录。", "/calculators/property", "算税 计算器 计算 房产税 房产 房屋 原值 余值 租金 出租 从价 从租 1.2% 12% 4% 六税两费", "", false},
	{"帮我算税", "城镇土地使用税计算器", "按占用土地面积和土地等级税额计算，按月份折算并计算“六税两费”减征，无需登录。", "/calculators/land", "算税 计算器 计算 土地使用税 城镇土地使用税 土地 面积 等级 六税两费", "", false},
	{"帮我算税", "印花税计算器", "按印花税税目税率表逐项计算合同、产权转移书据和营业账簿的印花税，计算“六税两费”减征，无需登录。", "/calculators/stamp", "算税 计算器 计算 印花税 合同 买卖合同 借款合同 租赁合同 营业账簿 产权转移书据 六税两费", "", false},
	{"帮我算税", "滞纳金计算器", "按日万分之五计算逾期缴纳税款的滞纳金，列出滞纳天数，无需登录。", "/calculators/late-fee", "算税 计算器 计算 滞纳金 逾期 欠税 罚息 万分之五 晚交 补缴", "", false},
	{"信息公开", "法规库", "法律、行政法规、部门规章、司法解释和地方性法规全文，按类别、地区、税种和效力筛选，逐条检索，无需登录。", "/laws", "法规 法律 法规库 政策 政策法规 条例 规章 司法解释 实施细则 办法 条文 依据 税法", "", true},
	{"信息公开", "12366知识库", "12366 整理并审核发布的常见税收问题答复，注明政策依据和有效期，按税种检索，无需登录。", "/kb", "知识库 12366 常见问题 问答 答疑 咨询 热点问题 政策答复 怎么 是否", "", false},
	{"信息公开", "办税指南", "18 类办税事项的办理条件、所需资料、流程、时限和法律依据，可直接进入网上办理，无需登录。", "/guides", "指南 办税指南 办事指南 流程 资料 材料 怎么办 如何办理 条件 时限", "", true},
	{"信息公开", "信息公开", "省局和各市局网站的通知公告、政策解读、税收宣传和公开信息，按栏目浏览，无需登录。", "/info", "信息公开 通知 公告 通告 新闻 动态 政策解读 解读 宣传 栏目", "", false},
	{"信息公开", "公开名单", "非正常户名单、定期定额户定额公示等，按名称、地区和年度查询，可导出 CSV 和 Excel，无需登录。", "/lists", "名单 公开名单 非正常户 走逃 失联 定额 定期定额 个体户定额 公示", "", false},
	{"登录", "纳税人登录", "企业凭纳税人识别号、用户名和密码登录；自然人凭身份证号码和密码登录。", "/login", "登录 登陆 企业 个人 密码 账号", "", true},
	{"登录", "税务人员登录", "税务机关工作人员凭工号登录内部办公平台。", "/staff/login", "税务人员 工作人员 内部 工号", "", false},
	{"我的办税", "我的办税区（网上申报）", "待申报和逾期的税（费）种、填写和提交申报、应缴税款和滞纳金，以及登记信息和税（费）种认定。", "/hall", "申报 报税 纳税申报 网上申报 增值税申报 零申报 待申报 逾期 滞纳金 税种认定 税费种认定 主管税务机关 登记信息 申报期限 我的信息", "taxpayer", true},
	{"我的办税", "申报记录", "查询本单位的申报、回执和更正申报记录，按税种、年度和状态筛选。", "/hall/returns", "申报记录 申报查询 回执 更正 更正申报 历史 已申报", "taxpayer", false},
	{"我的办税", "我的消息", "申报提醒、税务机关通知和申报结果。", "/hall/messages", "消息 站内信 通知 提醒 申报提醒 信息", "taxpayer", false},
	{"我的办税", "办税人员管理", "单位管理员添加办税人员、设置身份、重置密码、停用账户。", "/hall/users", "用户 办税员 财务负责人 法定代表人 代理 重置密码 停用 授权", "taxpayer", true},
	{"我的办税", "修改密码", "修改本人的登录密码；修改后其他设备上的登录将失效。", "/account/password", "密码 改密 修改密码 账户安全", "any", false},
	{"办税日历", "征期日历", "每月申报截止日（遇节假日顺延）、年度汇算期间和全年节假日安排，无需登录。", "/calendar", "征期 征期日历 申报期限 申报截止 截止日期 纳税期限 报税日期 顺延 节假日 放假 汇算清缴 年度汇算", "", true},
	{"税务人员", "纳税人管理", "查询本局管辖的纳税人，查看登记信息，办理税（费）种认定。", "/staff/taxpayers", "纳税人 查询 税种认定 税费种认定 新办待认定", "staff", false},
	{"税务人员", "申报监控", "按税种和所属期查看本局及下级管辖的已申报、逾期申报和未申报户，向未申报户发送催报站内信。", "/staff/filing", "申报监控 未申报 未申报户 催报 逾期申报 申报率", "staff", false},
	{"税务人员", "税务机关设置", "系统管理员维护税务机关层级。", "/staff/orgs", "机构 税务机关 组织", "staff", false},
	{"税务人员", "人员与岗位", "系统管理员管理工作人员账号与岗位角色。", "/staff/staff", "人员 岗位 角色 账号 工号", "staff", false},
	{"税务人员", "征期日历维护", "省税务局系统管理员录入下一年节假日安排和国家税务总局公布的期限。", "/staff/calendar", "征期 征期日历 节假日 调休 维护", "staff", false},
}

// usableBy reports whether a can use the function (perhaps after logging
// in): a visitor may be anyone, a logged-in actor is one side of the hall.
func (c Service) usableBy(a *auth.Actor) bool {
	switch c.Login {
	case "taxpayer":
		return a == nil || a.Kind == auth.Taxpayer
	case "staff":
		return a == nil || a.Kind == auth.Staff
	}
	return true
}

// homeTiles are the functions on the home page: the public's and
// taxpayers' for everyone but staff, the staff functions for staff only.
func homeTiles(a *auth.Actor) []Service {
	staff := a != nil && a.Kind == auth.Staff
	var out []Service
	for _, c := range catalogue {
		if !c.usableBy(a) || c.URL == "/staff/login" || (c.Login == "staff") != staff {
			continue
		}
		out = append(out, c)
	}
	return out
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	// The bureau's name comes with every page (basePage.Bureau, cached): the
	// home page itself queries nothing.
	return homeView.ok(s, w, r, &homePage{basePage: basePage{Title: "首页"}, Catalogue: homeTiles(auth.ActorFrom(r.Context()))})
}
