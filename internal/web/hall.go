package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/taxpayer"
)

// The hall is for taxpayer users (Audience Taxpayers); the services scope
// every query to the user's own taxpayer.

// errNoUsers answers the user pages for a natural person: the account is
// theirs alone, and the menu does not offer user management.
var errNoUsers = apperr.New(apperr.Forbidden, "自然人账户仅供本人使用，没有办税人员管理功能。如需修改登录密码，请在菜单中选择“修改密码”。")

func (s *Server) hallUsers(w http.ResponseWriter, r *http.Request) error {
	if a := auth.ActorFrom(r.Context()); a.TaxpayerKind == taxpayer.Individual {
		return errNoUsers
	}
	users, err := s.Taxpayers.Users(r.Context())
	if err != nil {
		return err
	}
	return usersView.ok(s, w, r, &usersPage{basePage: basePage{Title: "办税人员管理"}, Users: users})
}

// userEditPage shows a user's current values; formError replaces them with
// what was typed when a save fails.
func userEditPage(u *taxpayer.User, errs map[string]string) *userPage {
	form := url.Values{"name": {u.Name}, "phone": {u.Phone}, "role": {u.Role}}
	if u.Admin {
		form.Set("admin", "1")
	}
	if u.Active {
		form.Set("active", "1")
	}
	return &userPage{basePage: basePage{Title: "办税人员：" + u.Name, Form: form, Errors: errs},
		Roles: labelOptions(auth.TaxpayerRoles), User: u}
}

func newUserPage() *userPage {
	return &userPage{basePage: basePage{Title: "添加办税人员"}, Roles: labelOptions(auth.TaxpayerRoles)}
}

func (s *Server) hallUserNew(w http.ResponseWriter, r *http.Request) error {
	if err := taxpayer.RequireUserAdmin(r.Context()); err != nil {
		return err
	}
	p := newUserPage()
	p.Form = url.Values{"role": {auth.TPClerk}}
	return userNewView.ok(s, w, r, p)
}

func (s *Server) hallUserCreate(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	u, err := s.Taxpayers.AddUser(r.Context(), taxpayer.UserInput{Username: f.Get("username"), Name: f.Get("name"), Phone: f.Get("phone"),
		Role: f.Get("role"), Admin: f.Get("admin") == "1", Password: f.Get("password"), PasswordConfirm: f.Get("password_confirm")})
	if err != nil {
		clearPasswords(r.PostForm)
		return userNewView.formError(s, w, r, err, newUserPage())
	}
	return s.redirect(w, r, "/hall/users", "已添加办税人员 "+u.Name+"（用户名 "+u.Username+"）")
}

func (s *Server) hallUserEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Taxpayers.User(r.Context(), id)
	if err != nil {
		return err
	}
	p := userEditPage(u, nil)
	if err := s.withDelegation(r, p); err != nil {
		return err
	}
	return userEditView.ok(s, w, r, p)
}

// withDelegation adds an agent user's delegated taxes to the edit page.
func (s *Server) withDelegation(r *http.Request, p *userPage) error {
	if p.User.Role != auth.TPAgent || s.Returns == nil {
		return nil
	}
	for _, t := range taxpayer.TaxTypes {
		if t.Enterprises {
			p.Taxes = append(p.Taxes, Option{t.Code, t.Name})
		}
	}
	taxes, err := s.Returns.Delegations(r.Context(), p.User.ID)
	if err != nil {
		return err
	}
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if _, typed := p.Form["tax_type"]; !typed {
		p.Form["tax_type"] = taxes
	}
	return nil
}

// hallUserDelegation sets the taxes delegated to an agent user.
func (s *Server) hallUserDelegation(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Taxpayers.User(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.Returns.SetDelegations(r.Context(), id, r.PostForm["tax_type"]); err != nil {
		p := userEditPage(u, nil)
		if werr := s.withDelegation(r, p); werr != nil {
			return werr
		}
		return userEditView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/hall/users/"+strconv.FormatInt(id, 10), "已保存 "+u.Name+" 代理的税种")
}

func (s *Server) hallUserUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	old, err := s.Taxpayers.User(r.Context(), id)
	if err != nil {
		return err
	}
	if err := confirmDisable(f, old.Active, "停用前请勾选“确认停用”"); err != nil {
		return userEditView.formError(s, w, r, err, userEditPage(old, nil))
	}
	u, err := s.Taxpayers.UpdateUser(r.Context(), id, taxpayer.UserInput{Name: f.Get("name"), Phone: f.Get("phone"), Role: f.Get("role"),
		Admin: f.Get("admin") == "1"}, f.Get("active") == "1")
	if err != nil {
		return userEditView.formError(s, w, r, err, userEditPage(old, nil))
	}
	return s.redirect(w, r, "/hall/users", "已保存 "+u.Name+" 的信息")
}

func (s *Server) hallUserPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	err = confirmReset(r.PostForm)
	if err == nil {
		err = s.Taxpayers.ResetUserPassword(r.Context(), id, r.PostForm.Get("password"), r.PostForm.Get("password_confirm"))
	}
	if err != nil {
		u, gerr := s.Taxpayers.User(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		fields, ok := invalid(err)
		if !ok {
			return err
		}
		userEditView.render(s, w, r, http.StatusUnprocessableEntity, userEditPage(u, fields))
		return nil
	}
	return s.redirect(w, r, "/hall/users", "密码已重置，该用户需使用新密码重新登录")
}
