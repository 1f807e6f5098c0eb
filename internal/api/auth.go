package api

import (
	"net/http"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
)

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

func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	var in tokenRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var s *auth.Session
	var err error
	switch auth.Kind(in.Kind) {
	case auth.Taxpayer:
		s, err = a.Auth.LoginTaxpayer(r.Context(), in.Code, in.Username, in.Password, auth.API, r.UserAgent())
	case auth.Staff:
		s, err = a.Auth.LoginStaff(r.Context(), in.StaffNo, in.Password, auth.API, r.UserAgent())
	default:
		return apperr.InvalidField("kind", "请指定登录身份：taxpayer（纳税人）或 staff（税务人员）")
	}
	if err != nil {
		return err
	}
	return reply(w, r, tokenResponse{Token: s.Token, TokenType: "Bearer", ExpiresAt: s.ExpiresAt, Actor: viewActor(s.Actor)})
}

func (a *API) deleteToken(w http.ResponseWriter, r *http.Request) error {
	if err := a.Auth.Logout(r.Context()); err != nil {
		return err
	}
	return reply(w, r, nil)
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	actor := auth.ActorFrom(r.Context())
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "请先登录")
	}
	return reply(w, r, viewActor(actor))
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password" doc:"当前密码"`
	Password        string `json:"password" doc:"新密码"`
	PasswordConfirm string `json:"password_confirm" doc:"再次输入新密码"`
}

func (a *API) changePassword(w http.ResponseWriter, r *http.Request) error {
	var in changePasswordRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.Auth.ChangePassword(r.Context(), in.CurrentPassword, in.Password, in.PasswordConfirm); err != nil {
		return err
	}
	return reply(w, r, nil)
}
