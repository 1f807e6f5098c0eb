package api

import (
	"context"
	"net/http"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/ids"
	"taxhall/internal/taxpayer"
)

func (a *API) myRoutes() []route {
	return []route{
		{Pattern: "GET /my/taxpayer", Tag: tagMy, Access: TaxpayerUser,
			Summary: "本单位（本人）登记信息及税种认定", Doc: "返回完整登记信息（不脱敏）。", Handler: handle(a.myTaxpayer)},
		{Pattern: "GET /my/users", Tag: tagMy, Access: TaxpayerUser,
			Summary: "本单位用户列表", Doc: "列表中的手机号码已脱敏（隐藏中间 4 位）；完整号码请查询单个用户。", Handler: handle(a.myUsers)},
		{Pattern: "POST /my/users", Tag: tagMy, Access: TaxpayerUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "添加本单位用户（仅单位管理员）", Handler: handle(a.addMyUser)},
		{Pattern: "GET /my/users/{id}", Tag: tagMy, Access: TaxpayerUser, Object: "taxpayer_user",
			Summary: "查询本单位用户", Handler: handle(a.myUser)},
		{Pattern: "PATCH /my/users/{id}", Tag: tagMy, Access: TaxpayerUser, Object: "taxpayer_user",
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "修改本单位用户（仅单位管理员）",
			Doc:     "未提交的字段保持原值。停用用户、变更身份或管理员权限后，该用户的现有令牌立即失效。管理员不能停用自己或取消自己的管理员身份。",
			Handler: handle(a.updateMyUser)},
		{Pattern: "POST /my/users/{id}/password", Tag: tagMy, Access: TaxpayerUser, Object: "taxpayer_user",
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "重置本单位用户密码（仅单位管理员）", Doc: "重置后该用户的现有令牌全部失效。", Handler: handle(a.resetMyUserPassword)},
	}
}

// userView is a taxpayer user in full, for the enterprise's administrator.
type userView struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Name      string    `json:"name" doc:"真实姓名"`
	Phone     string    `json:"phone" doc:"手机号码（完整）"`
	Role      string    `json:"role" enum:"taxpayer_roles"`
	RoleName  string    `json:"role_name"`
	IsAdmin   bool      `json:"is_admin" doc:"是否本单位管理员"`
	Active    bool      `json:"active" doc:"false 为已停用"`
	CreatedAt time.Time `json:"created_at"`
}

func viewUser(u *taxpayer.User) userView {
	return userView{ID: u.ID, Username: u.Username, Name: u.Name, Phone: u.Phone, Role: u.Role, RoleName: u.RoleName(),
		IsAdmin: u.Admin, Active: u.Active, CreatedAt: u.CreatedAt}
}

// userItem is a taxpayer user in a list, the phone masked.
type userItem struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	Phone     string    `json:"phone" doc:"手机号码，已脱敏：隐藏中间 4 位"`
	Role      string    `json:"role" enum:"taxpayer_roles"`
	RoleName  string    `json:"role_name"`
	IsAdmin   bool      `json:"is_admin"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

func viewUserItem(u *taxpayer.User) userItem {
	return userItem{ID: u.ID, Username: u.Username, Name: u.Name, Phone: ids.MaskPhone(u.Phone), Role: u.Role, RoleName: u.RoleName(),
		IsAdmin: u.Admin, Active: u.Active, CreatedAt: u.CreatedAt}
}

func (a *API) myTaxpayer(ctx context.Context, _ *http.Request, _ noBody) (taxpayerDetail, error) {
	t, idents, err := a.Taxpayers.MyRecord(ctx)
	if err != nil {
		return taxpayerDetail{}, err
	}
	return detail(t, idents), nil
}

func (a *API) myUsers(ctx context.Context, _ *http.Request, _ noBody) (list[userItem], error) {
	users, err := a.Taxpayers.Users(ctx)
	if err != nil {
		return list[userItem]{}, err
	}
	return mapList(users, viewUserItem), nil
}

func (a *API) addMyUser(ctx context.Context, _ *http.Request, in userRequest) (userView, error) {
	u, err := a.Taxpayers.AddUser(ctx, in.input())
	if err != nil {
		return userView{}, err
	}
	return viewUser(u), nil
}

func (a *API) myUser(ctx context.Context, r *http.Request, _ noBody) (userView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return userView{}, err
	}
	u, err := a.Taxpayers.User(ctx, id)
	if err != nil {
		return userView{}, err
	}
	return viewUser(u), nil
}

// userPatch changes a user; omitted fields keep their values.
type userPatch struct {
	Name    *string `json:"name,omitempty" doc:"真实姓名"`
	Phone   *string `json:"phone,omitempty" doc:"手机号码"`
	Role    *string `json:"role,omitempty" enum:"taxpayer_roles" doc:"身份"`
	IsAdmin *bool   `json:"is_admin,omitempty" doc:"是否本单位管理员"`
	Active  *bool   `json:"active,omitempty" doc:"false 停用该用户，其令牌立即失效"`
}

func (a *API) updateMyUser(ctx context.Context, r *http.Request, in userPatch) (userView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return userView{}, err
	}
	updated, err := a.Taxpayers.PatchUser(ctx, id, taxpayer.UserPatch{Name: in.Name, Phone: in.Phone, Role: in.Role, Admin: in.IsAdmin, Active: in.Active})
	if err != nil {
		return userView{}, err
	}
	return viewUser(updated), nil
}

type passwordRequest struct {
	Password        string `json:"password" doc:"新密码"`
	PasswordConfirm string `json:"password_confirm" doc:"再次输入新密码"`
}

func (a *API) resetMyUserPassword(ctx context.Context, r *http.Request, in passwordRequest) (noContent, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return noContent{}, err
	}
	return noContent{}, a.Taxpayers.ResetUserPassword(ctx, id, in.Password, in.PasswordConfirm)
}
