package api

import (
	"context"
	"net/http"

	"taxhall/internal/apperr"
	"taxhall/internal/taxpayer"
)

func (a *API) registrationRoutes() []route {
	return []route{
		{Pattern: "POST /registrations/enterprise", Tag: tagRegister, Access: Public, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.TooMany},
			Summary: "单位纳税人在线登记",
			Doc:     "登记成功后纳税人由地址所在区县的主管税务机关管辖，状态为新办待认定；user 为本单位首个用户（管理员）。校验失败时 fields 中管理员用户的字段名带 user_ 前缀（如 user_password）。同一地址登记尝试过多将被暂时限制（429）。返回的登记信息不脱敏（登记人本人提交的信息）。",
			Handler: handle(a.registerEnterprise)},
		{Pattern: "POST /registrations/business", Tag: tagRegister, Access: Public, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.TooMany},
			Summary: "个体工商户在线登记",
			Doc:     "统一社会信用代码以 92 开头的个体工商户：填写经营者（而非法定代表人），无注册资本，电子邮箱选填；经营者为首个用户（管理员），以信用代码、用户名和密码登录。以 92 开头的代码提交到 /registrations/enterprise 会被拒绝，反之亦然。登记后为 kind=enterprise、individual_business=true 的纳税人。",
			Handler: handle(a.registerBusiness)},
		{Pattern: "POST /registrations/individual", Tag: tagRegister, Access: Public, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.TooMany},
			Summary: "自然人在线登记", Doc: "登记后以身份证号码和密码登录，用户名留空。", Handler: handle(a.registerIndividual)},
	}
}

// enterpriseRequest mirrors taxpayer.EnterpriseInput.
type enterpriseRequest struct {
	Code               string      `json:"code" doc:"统一社会信用代码（18 位）"`
	Name               string      `json:"name" doc:"纳税人名称"`
	LegalRepName       string      `json:"legal_rep_name" doc:"法定代表人姓名"`
	LegalRepID         string      `json:"legal_rep_id" doc:"法定代表人居民身份证号码"`
	DivisionCode       string      `json:"division_code" doc:"生产经营地所在区县的 6 位行政区划代码，决定主管税务机关"`
	Address            string      `json:"address" doc:"生产经营地详细地址"`
	IndustryCode       string      `json:"industry_code" doc:"国民经济行业大类 2 位代码"`
	RegisteredCapital  string      `json:"registered_capital" doc:"注册资本（元），如 \"1000000\" 或 \"1,000,000.00\"；以字符串提交以免精度损失"`
	AccountingStandard string      `json:"accounting_standard" enum:"accounting_standards" doc:"适用的会计制度"`
	Phone              string      `json:"phone" doc:"联系电话：手机号或固定电话（如 0592-1234567）"`
	Email              string      `json:"email" doc:"电子邮箱"`
	User               userRequest `json:"user" doc:"本单位首个用户，自动成为管理员"`
}

// userRequest is a new taxpayer user; is_admin is ignored on registration.
type userRequest struct {
	Username        string `json:"username" doc:"用户名：3 至 32 位，以字母开头，可含字母、数字、下划线、点和连字符"`
	Name            string `json:"name" doc:"真实姓名"`
	Phone           string `json:"phone" doc:"手机号码"`
	Role            string `json:"role" enum:"taxpayer_roles" doc:"身份"`
	IsAdmin         bool   `json:"is_admin,omitempty" doc:"是否本单位管理员（添加用户时有效）"`
	Password        string `json:"password" doc:"密码：至少 10 位，含大写字母、小写字母、数字、符号中的至少三类，不得包含用户名、纳税人识别号或手机号"`
	PasswordConfirm string `json:"password_confirm" doc:"再次输入密码"`
}

func (u userRequest) input() taxpayer.UserInput {
	return taxpayer.UserInput{Username: u.Username, Name: u.Name, Phone: u.Phone, Role: u.Role, Admin: u.IsAdmin,
		Password: u.Password, PasswordConfirm: u.PasswordConfirm}
}

// businessRequest mirrors taxpayer.BusinessInput.
type businessRequest struct {
	Code            string `json:"code" doc:"统一社会信用代码（18 位，以 92 开头）"`
	Name            string `json:"name" doc:"个体工商户名称，与营业执照一致"`
	OperatorName    string `json:"operator_name" doc:"经营者姓名"`
	OperatorID      string `json:"operator_id" doc:"经营者居民身份证号码"`
	DivisionCode    string `json:"division_code" doc:"经营地所在区县的 6 位行政区划代码，决定主管税务机关"`
	Address         string `json:"address" doc:"经营地详细地址"`
	IndustryCode    string `json:"industry_code" doc:"国民经济行业大类 2 位代码"`
	Phone           string `json:"phone" doc:"经营者手机号码，也是其用户的手机号码"`
	Email           string `json:"email,omitempty" doc:"电子邮箱（选填）"`
	Username        string `json:"username" doc:"经营者的登录用户名：3 至 32 位，以字母开头，可含字母、数字、下划线、点和连字符；校验失败时字段名为 user_username"`
	Password        string `json:"password" doc:"密码，规则同单位用户；校验失败时字段名为 user_password"`
	PasswordConfirm string `json:"password_confirm" doc:"再次输入密码；校验失败时字段名为 user_password_confirm"`
}

// individualRequest mirrors taxpayer.IndividualInput.
type individualRequest struct {
	ResidentID      string `json:"resident_id" doc:"居民身份证号码，登录时作为纳税人识别号"`
	Name            string `json:"name" doc:"与身份证一致的姓名"`
	Phone           string `json:"phone" doc:"手机号码"`
	DivisionCode    string `json:"division_code" doc:"经常居住地所在区县的 6 位行政区划代码，决定主管税务机关"`
	Password        string `json:"password" doc:"密码，规则同单位用户"`
	PasswordConfirm string `json:"password_confirm" doc:"再次输入密码"`
}

type registeredView struct {
	Taxpayer taxpayerView `json:"taxpayer"`
	Username string       `json:"username" doc:"登录用户名；自然人为 self，登录时可留空"`
}

func (a *API) registerEnterprise(ctx context.Context, _ *http.Request, in enterpriseRequest) (registeredView, error) {
	res, err := a.Taxpayers.RegisterEnterprise(ctx, taxpayer.EnterpriseInput{
		Code: in.Code, Name: in.Name, LegalRepName: in.LegalRepName, LegalRepID: in.LegalRepID,
		DivisionCode: in.DivisionCode, Address: in.Address, IndustryCode: in.IndustryCode,
		RegisteredCapital: in.RegisteredCapital, AccountingStandard: in.AccountingStandard,
		Phone: in.Phone, Email: in.Email, User: in.User.input(),
	})
	if err != nil {
		return registeredView{}, err
	}
	return registeredView{Taxpayer: viewTaxpayer(res.Taxpayer), Username: res.Username}, nil
}

func (a *API) registerIndividual(ctx context.Context, _ *http.Request, in individualRequest) (registeredView, error) {
	res, err := a.Taxpayers.RegisterIndividual(ctx, taxpayer.IndividualInput{
		ResidentID: in.ResidentID, Name: in.Name, Phone: in.Phone, DivisionCode: in.DivisionCode,
		Password: in.Password, PasswordConfirm: in.PasswordConfirm,
	})
	if err != nil {
		return registeredView{}, err
	}
	return registeredView{Taxpayer: viewTaxpayer(res.Taxpayer), Username: res.Username}, nil
}

func (a *API) registerBusiness(ctx context.Context, _ *http.Request, in businessRequest) (registeredView, error) {
	res, err := a.Taxpayers.RegisterBusiness(ctx, taxpayer.BusinessInput{
		Code: in.Code, Name: in.Name, OperatorName: in.OperatorName, OperatorID: in.OperatorID,
		DivisionCode: in.DivisionCode, Address: in.Address, IndustryCode: in.IndustryCode, Phone: in.Phone, Email: in.Email,
		Username: in.Username, Password: in.Password, PasswordConfirm: in.PasswordConfirm,
	})
	if err != nil {
		return registeredView{}, err
	}
	return registeredView{Taxpayer: viewTaxpayer(res.Taxpayer), Username: res.Username}, nil
}
