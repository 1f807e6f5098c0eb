package api

import (
	"net/http"

	"taxhall/internal/httpx"
	"taxhall/internal/taxpayer"
)

// userView is a taxpayer user with the role named.
type userView struct {
	*taxpayer.User
	RoleName string `json:"role_name"`
}

func viewUser(u *taxpayer.User) userView { return userView{u, u.RoleName()} }

func (a *API) myTaxpayer(w http.ResponseWriter, r *http.Request) error {
	t, ids, err := a.Taxpayers.MyRecord(r.Context())
	if err != nil {
		return err
	}
	return reply(w, r, detail(t, ids))
}

func (a *API) myUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := a.Taxpayers.Users(r.Context())
	if err != nil {
		return err
	}
	out := make([]userView, 0, len(users))
	for _, u := range users {
		out = append(out, viewUser(u))
	}
	return reply(w, r, listOf(out))
}

func (a *API) addMyUser(w http.ResponseWriter, r *http.Request) error {
	var in userRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := a.Taxpayers.AddUser(r.Context(), in.input())
	if err != nil {
		return err
	}
	return reply(w, r, viewUser(u))
}

func (a *API) myUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := a.Taxpayers.User(r.Context(), id)
	if err != nil {
		return err
	}
	return reply(w, r, viewUser(u))
}

// userPatch changes a user; omitted fields keep their values.
type userPatch struct {
	Name    *string `json:"name,omitempty" doc:"真实姓名"`
	Phone   *string `json:"phone,omitempty" doc:"手机号码"`
	Role    *string `json:"role,omitempty" enum:"taxpayer_roles" doc:"身份"`
	IsAdmin *bool   `json:"is_admin,omitempty" doc:"是否本单位管理员"`
	Active  *bool   `json:"active,omitempty" doc:"false 停用该用户，其令牌立即失效"`
}

func (a *API) updateMyUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in userPatch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	cur, err := a.Taxpayers.User(r.Context(), id)
	if err != nil {
		return err
	}
	u := taxpayer.UserInput{Username: cur.Username, Name: pick(in.Name, cur.Name), Phone: pick(in.Phone, cur.Phone),
		Role: pick(in.Role, cur.Role), Admin: pick(in.IsAdmin, cur.Admin)}
	updated, err := a.Taxpayers.UpdateUser(r.Context(), id, u, pick(in.Active, cur.Active))
	if err != nil {
		return err
	}
	return reply(w, r, viewUser(updated))
}

// pick returns *p when the client sent it, else the current value.
func pick[T any](p *T, cur T) T {
	if p != nil {
		return *p
	}
	return cur
}

type passwordRequest struct {
	Password        string `json:"password" doc:"新密码"`
	PasswordConfirm string `json:"password_confirm" doc:"再次输入新密码"`
}

func (a *API) resetMyUserPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in passwordRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.Taxpayers.ResetUserPassword(r.Context(), id, in.Password, in.PasswordConfirm); err != nil {
		return err
	}
	return reply(w, r, nil)
}
