package api

import "net/http"

// Tags group the endpoints in the OpenAPI document, in this order.
const (
	tagAuth      = "认证"
	tagReference = "基础代码"
	tagRegister  = "纳税人登记"
	tagMy        = "纳税人自助"
	tagTaxpayers = "纳税人管理（税务人员）"
	tagAdmin     = "系统管理（管理员）"
	tagMeta      = "接口文档"
)

var tags = []struct{ Name, Doc string }{
	{tagAuth, "获取和注销访问令牌，查询当前登录身份"},
	{tagReference, "行政区划、行业、税种等代码表，无需登录"},
	{tagRegister, "单位纳税人和自然人在线登记，无需登录"},
	{tagMy, "纳税人用户办理本单位（本人）事项"},
	{tagTaxpayers, "税务人员查询本局管辖的纳税人并办理税种认定"},
	{tagAdmin, "系统管理员维护税务机关和工作人员"},
	{tagMeta, "本接口的 OpenAPI 文档"},
}

var pageParams = []param{
	{Name: "page", Type: "integer", Doc: "页码，从 1 开始，默认 1"},
	{Name: "page_size", Type: "integer", Doc: "每页条数，1 至 100，默认 20"},
}

// routes is the API: Register serves it and openapi.go documents it.
func (a *API) routes() []route {
	const (
		GET, POST, PATCH, DELETE = http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete
		ok, created, none        = http.StatusOK, http.StatusCreated, http.StatusNoContent
	)
	return []route{
		// Authentication.
		{Method: POST, Path: Prefix + "/auth/token", Tag: tagAuth, Access: public, Body: tokenRequest{}, Status: created, Resp: tokenResponse{},
			Summary: "登录，获取访问令牌",
			Doc:     "纳税人用户提交 kind=taxpayer、纳税人识别号、用户名（自然人可留空）和密码；税务人员提交 kind=staff、工号和密码。同一账户连续登录失败过多将被暂时锁定（429）。令牌有效期 24 小时，请在后续请求的 Authorization 头中以 Bearer 方式携带。",
			handle:  a.createToken},
		{Method: DELETE, Path: Prefix + "/auth/token", Tag: tagAuth, Access: anyUser, Status: none,
			Summary: "退出登录，使当前令牌失效", handle: a.deleteToken},
		{Method: GET, Path: Prefix + "/me", Tag: tagAuth, Access: anyUser, Status: ok, Resp: actorView{},
			Summary: "查询当前登录身份", handle: a.me},
		{Method: POST, Path: Prefix + "/me/password", Tag: tagAuth, Access: anyUser, Body: changePasswordRequest{}, Status: none,
			Summary: "修改本人密码",
			Doc:     "须提供当前密码。修改后本人其他令牌和网页登录均失效，当前令牌继续有效。",
			handle:  a.changePassword},

		// Reference lists.
		{Method: GET, Path: Prefix + "/reference/divisions", Tag: tagReference, Access: public, Status: ok, Resp: list[divisionView]{},
			Summary: "行政区划",
			Query:   []param{{Name: "parent", Type: "string", Doc: "上级区划代码：不填返回省级，2 位省级代码返回其地市，4 位地市代码返回其区县"}},
			handle:  a.divisions},
		{Method: GET, Path: Prefix + "/reference/industries", Tag: tagReference, Access: public, Status: ok, Resp: list[sectionView]{},
			Summary: "国民经济行业分类（门类及大类）", handle: a.industries},
		{Method: GET, Path: Prefix + "/reference/tax-types", Tag: tagReference, Access: public, Status: ok, Resp: list[taxTypeView]{},
			Summary: "可认定的税（费）种及其申报期限", handle: a.taxTypes},
		{Method: GET, Path: Prefix + "/reference/codes", Tag: tagReference, Access: public, Status: ok, Resp: codesView{},
			Summary: "其他代码表：纳税人状态、会计制度、用户身份、岗位角色、申报期限", handle: a.codes},

		// Registration.
		{Method: POST, Path: Prefix + "/registrations/enterprise", Tag: tagRegister, Access: public, Body: enterpriseRequest{}, Status: created, Resp: registeredView{},
			Summary: "单位纳税人在线登记",
			Doc:     "登记成功后纳税人由地址所在区县的主管税务机关管辖，状态为新办待认定；user 为本单位首个用户（管理员）。校验失败时 fields 中管理员用户的字段名带 user_ 前缀（如 user_password）。",
			handle:  a.registerEnterprise},
		{Method: POST, Path: Prefix + "/registrations/individual", Tag: tagRegister, Access: public, Body: individualRequest{}, Status: created, Resp: registeredView{},
			Summary: "自然人在线登记", Doc: "登记后以身份证号码和密码登录，用户名留空。", handle: a.registerIndividual},

		// Taxpayer self-service.
		{Method: GET, Path: Prefix + "/my/taxpayer", Tag: tagMy, Access: taxpayerUser, Status: ok, Resp: taxpayerDetail{},
			Summary: "本单位（本人）登记信息及税种认定", handle: a.myTaxpayer},
		{Method: GET, Path: Prefix + "/my/users", Tag: tagMy, Access: taxpayerUser, Status: ok, Resp: list[userView]{},
			Summary: "本单位用户列表", handle: a.myUsers},
		{Method: POST, Path: Prefix + "/my/users", Tag: tagMy, Access: taxpayerUser, Body: userRequest{}, Status: created, Resp: userView{},
			Summary: "添加本单位用户（仅单位管理员）", handle: a.addMyUser},
		{Method: GET, Path: Prefix + "/my/users/{id}", Tag: tagMy, Access: taxpayerUser, Status: ok, Resp: userView{},
			Summary: "查询本单位用户", handle: a.myUser},
		{Method: PATCH, Path: Prefix + "/my/users/{id}", Tag: tagMy, Access: taxpayerUser, Body: userPatch{}, Status: ok, Resp: userView{},
			Summary: "修改本单位用户（仅单位管理员）",
			Doc:     "未提交的字段保持原值。停用用户、变更身份或管理员权限后，该用户的现有令牌立即失效。管理员不能停用自己或取消自己的管理员身份。",
			handle:  a.updateMyUser},
		{Method: POST, Path: Prefix + "/my/users/{id}/password", Tag: tagMy, Access: taxpayerUser, Body: passwordRequest{}, Status: none,
			Summary: "重置本单位用户密码（仅单位管理员）", Doc: "重置后该用户的现有令牌全部失效。", handle: a.resetMyUserPassword},

		// Staff: the taxpayer register of the staff member's bureaus.
		{Method: GET, Path: Prefix + "/taxpayers", Tag: tagTaxpayers, Access: staffUser, Status: ok, Resp: pageView{},
			Summary: "查询本局管辖的纳税人",
			Query: append([]param{
				{Name: "q", Type: "string", Doc: "纳税人识别号或名称的一部分"},
				{Name: "status", Type: "string", Doc: "纳税人状态", Enum: "statuses"},
				{Name: "kind", Type: "string", Doc: "纳税人类型", Enum: "taxpayer_kinds"},
			}, pageParams...),
			handle: a.searchTaxpayers},
		{Method: GET, Path: Prefix + "/taxpayers/{id}", Tag: tagTaxpayers, Access: staffUser, Status: ok, Resp: taxpayerDetail{},
			Summary: "查询纳税人登记信息及税种认定", Doc: "不在本局管辖范围内的纳税人返回 404。", handle: a.getTaxpayer},
		{Method: GET, Path: Prefix + "/taxpayers/{id}/identifications", Tag: tagTaxpayers, Access: staffUser, Status: ok, Resp: list[identificationView]{},
			Summary: "查询纳税人的税种认定", handle: a.identifications},
		{Method: POST, Path: Prefix + "/taxpayers/{id}/identifications", Tag: tagTaxpayers, Access: staffUser, Body: identifyRequest{}, Status: created, Resp: identificationView{},
			Summary: "税种认定（窗口受理、审核人员）",
			Doc:     "同一税种在有效期内不能重复认定，增值税小规模纳税人与一般纳税人认定不能重叠，须先终止原认定。新办待认定的纳税人首次认定后转为正常。",
			handle:  a.identify},
		{Method: POST, Path: Prefix + "/taxpayers/{id}/identifications/{iid}/end", Tag: tagTaxpayers, Access: staffUser, Body: endRequest{}, Status: none,
			Summary: "终止税种认定（窗口受理、审核人员）", handle: a.endIdentification},

		// Administration.
		{Method: GET, Path: Prefix + "/orgs", Tag: tagAdmin, Access: staffUser, Status: ok, Resp: list[orgView]{},
			Summary: "本级及下级税务机关", Doc: "任何税务人员均可查询本人所在税务机关及其下级，按树形顺序排列。", handle: a.listOrgs},
		{Method: POST, Path: Prefix + "/orgs", Tag: tagAdmin, Access: adminUser, Body: orgRequest{}, Status: created, Resp: orgView{},
			Summary: "新设下级税务机关", handle: a.createOrg},
		{Method: GET, Path: Prefix + "/orgs/{id}", Tag: tagAdmin, Access: staffUser, Status: ok, Resp: orgView{},
			Summary: "查询税务机关", Doc: "任何税务人员均可查询本人所在税务机关及其下级。", handle: a.getOrg},
		{Method: PATCH, Path: Prefix + "/orgs/{id}", Tag: tagAdmin, Access: adminUser, Body: orgPatch{}, Status: ok, Resp: orgView{},
			Summary: "修改税务机关", Doc: "未提交的字段保持原值。", handle: a.updateOrg},
		{Method: GET, Path: Prefix + "/staff", Tag: tagAdmin, Access: adminUser, Status: ok, Resp: list[staffView]{},
			Summary: "本级及下级税务机关的工作人员（最多 500 条）",
			Query: []param{
				{Name: "org_id", Type: "integer", Doc: "只看该税务机关的工作人员"},
				{Name: "q", Type: "string", Doc: "工号或姓名的一部分"},
			},
			handle: a.listStaff},
		{Method: POST, Path: Prefix + "/staff", Tag: tagAdmin, Access: adminUser, Body: staffRequest{}, Status: created, Resp: staffView{},
			Summary: "新增工作人员", handle: a.createStaff},
		{Method: GET, Path: Prefix + "/staff/{id}", Tag: tagAdmin, Access: adminUser, Status: ok, Resp: staffView{},
			Summary: "查询工作人员", handle: a.getStaff},
		{Method: PATCH, Path: Prefix + "/staff/{id}", Tag: tagAdmin, Access: adminUser, Body: staffPatch{}, Status: ok, Resp: staffView{},
			Summary: "修改工作人员", Doc: "未提交的字段保持原值。停用后该工作人员的令牌立即失效。", handle: a.updateStaff},
		{Method: POST, Path: Prefix + "/staff/{id}/password", Tag: tagAdmin, Access: adminUser, Body: staffPasswordRequest{}, Status: none,
			Summary: "重置工作人员密码", Doc: "重置后该工作人员的现有令牌全部失效。", handle: a.resetStaffPassword},

		{Method: GET, Path: Prefix + "/openapi.json", Tag: tagMeta, Access: public, Status: ok,
			Summary: "OpenAPI 3.1 接口文档", handle: a.openAPI},
	}
}

// list wraps every list response, so that fields can be added later.
type list[T any] struct {
	Items []T `json:"items"`
}

func listOf[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items}
}
