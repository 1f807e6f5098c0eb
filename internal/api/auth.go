package api

import (
	"context"
	"net/http"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
)

func (a *API) authRoutes() []route {
	return []route{
		{Pattern: "POST /auth/token", Tag: tagAuth, Access: Public, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Unauthenticated, apperr.TooMany},
			Summary: "登录，获取访问令牌",
			Doc:     "纳税人用户提交 kind=taxpayer、纳税人识别号、用户名（自然人可留空）和密码；税务人员提交 kind=staff、工号和密码。同一账户连续登录失败过多将被暂时锁定（429）。令牌有效期 24 小时，请在后续请求的 Authorization 头中以 Bearer 方式携带。",
			Handler: handle(a.createToken)},
		{Pattern: "DELETE /auth/token", Tag: tagAuth, Access: AnyUser,
			Summary: "退出登录，使当前令牌失效", Handler: handle(a.deleteToken)},
		{Pattern: "GET /me", Tag: tagAuth, Access: AnyUser,
			Summary: "查询当前登录身份", Handler: handle(a.me)},
		{Pattern: "POST /me/password", Tag: tagAuth, Access: AnyUser,
			Errors:  []apperr.Code{apperr.Invalid, apperr.TooMany},
			Summary: "修改本人密码",
			Doc:     "须提供当前密码；当前密码连续输错过多将被暂时锁定（429）。修改后本人其他令牌和网页登录均失效，当前令牌继续有效。",
			Handler: handle(a.changePassword)},
	}
}

type tokenRequest struct {
	Kind     string `json:"kind" enum:"actor_kinds" doc:"登录身份：taxpayer 纳税人用户，staff 税务人员"`
	Code     string `json:"code,omitempty" doc:"纳税人识别号（统一社会信用代码或身份证号码），kind=taxpayer 时必填"`
	Username string `json:"username,omitempty" doc:"用户名；自然人留空"`
	StaffNo  string `json:"staff_no,omitempty" doc:"工号，kind=staff 时必填"`
	Password string `json:"password" doc:"密码"`
}

type tokenResponse struct {
	Token     string    `json:"token" doc:"访问令牌，仅返回这一次；请求时放在 Authorization: Bearer <token>"`
	TokenType string    `json:"token_type" doc:"固定为 Bearer"`
	ExpiresAt time.Time `json:"expires_at" doc:"令牌到期时间"`
	Actor     actorView `json:"actor"`
}

// actorView is who is logged in: the taxpayer fields for taxpayer users,
// the staff fields for staff.
type actorView struct {
	Kind   string `json:"kind" enum:"actor_kinds" doc:"taxpayer 纳税人用户，staff 税务人员"`
	UserID int64  `json:"user_id"`
	Name   string `json:"name" doc:"姓名"`

	TaxpayerID   int64  `json:"taxpayer_id,omitempty"`
	TaxpayerCode string `json:"taxpayer_code,omitempty" doc:"纳税人识别号"`
	TaxpayerName string `json:"taxpayer_name,omitempty"`
	TaxpayerKind string `json:"taxpayer_kind,omitempty" enum:"taxpayer_kinds"`
	Role         string `json:"role,omitempty" enum:"taxpayer_roles" doc:"纳税人用户的身份"`
	RoleName     string `json:"role_name,omitempty"`
	IsAdmin      *bool  `json:"is_admin,omitempty" doc:"是否本单位管理员（仅纳税人用户）"`

	StaffNo   string   `json:"staff_no,omitempty" doc:"工号"`
	OrgID     int64    `json:"org_id,omitempty" doc:"所在税务机关"`
	OrgName   string   `json:"org_name,omitempty"`
	Roles     []string `json:"roles,omitempty" enum:"staff_roles" doc:"岗位角色"`
	RoleNames []string `json:"role_names,omitempty"`
}

func viewActor(a *auth.Actor) actorView {
	v := actorView{Kind: string(a.Kind), UserID: a.UserID, Name: a.Name}
	switch a.Kind {
	case auth.Taxpayer:
		admin := a.Admin
		v.TaxpayerID, v.TaxpayerCode, v.TaxpayerName, v.TaxpayerKind = a.TaxpayerID, a.TaxpayerCode, a.TaxpayerName, a.TaxpayerKind
		v.Role, v.RoleName, v.IsAdmin = a.Role, auth.NameOf(auth.TaxpayerRoles, a.Role), &admin
	case auth.Staff:
		v.StaffNo, v.OrgID, v.OrgName, v.Roles = a.StaffNo, a.OrgID, a.OrgName, a.Roles
		v.RoleNames = roleNames(a.Roles)
	}
	return v
}

func roleNames(roles []string) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, auth.NameOf(auth.StaffRoles, r))
	}
	return out
}

func (a *API) createToken(ctx context.Context, r *http.Request, in tokenRequest) (tokenResponse, error) {
	var s *auth.Session
	var err error
	switch auth.Kind(in.Kind) {
	case auth.Taxpayer:
		s, err = a.Auth.LoginTaxpayer(ctx, in.Code, in.Username, in.Password, auth.API, r.UserAgent())
	case auth.Staff:
		s, err = a.Auth.LoginStaff(ctx, in.StaffNo, in.Password, auth.API, r.UserAgent())
	default:
		return tokenResponse{}, apperr.InvalidField("kind", "请指定登录身份：taxpayer（纳税人）或 staff（税务人员）")
	}
	if err != nil {
		return tokenResponse{}, err
	}
	return tokenResponse{Token: s.Token, TokenType: "Bearer", ExpiresAt: s.ExpiresAt, Actor: viewActor(s.Actor)}, nil
}

func (a *API) deleteToken(ctx context.Context, _ *http.Request, _ noBody) (noContent, error) {
	return noContent{}, a.Auth.Logout(ctx)
}

func (a *API) me(ctx context.Context, _ *http.Request, _ noBody) (actorView, error) {
	actor := auth.ActorFrom(ctx)
	if actor == nil {
		return actorView{}, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	return viewActor(actor), nil
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password" doc:"当前密码"`
	Password        string `json:"password" doc:"新密码"`
	PasswordConfirm string `json:"password_confirm" doc:"再次输入新密码"`
}

func (a *API) changePassword(ctx context.Context, _ *http.Request, in changePasswordRequest) (noContent, error) {
	return noContent{}, a.Auth.ChangePassword(ctx, in.CurrentPassword, in.Password, in.PasswordConfirm)
}
