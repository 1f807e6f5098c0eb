package web

import (
	"net/http"
	"net/url"

	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/taxpayer"
)

func (s *Server) hallHome(w http.ResponseWriter, r *http.Request) error {
	t, idents, err := s.Taxpayers.MyRecord(r.Context())
	if err != nil {
		return err
	}
	return s.ok(w, r, "hall.html", &Page{Title: "我的办税", Data: map[string]any{"T": t, "Idents": idents}})
}

func (s *Server) hallUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.Taxpayers.Users(r.Context())
	if err != nil {
		return err
	}
	return s.ok(w, r, "hall_users.html", &Page{Title: "办税人员管理", Data: users})
}

func (s *Server) userFormData() map[string]any {
	return map[string]any{"Roles": labelOptions(auth.TaxpayerRoles)}
}

// userEditPage shows a user's current values; formError replaces them with
// what was typed when a save fails.
func (s *Server) userEditPage(u *taxpayer.User, errs map[string]string) *Page {
	form := url.Values{"name": {u.Name}, "phone": {u.Phone}, "role": {u.Role}}
	if u.Admin {
		form.Set("admin", "1")
	}
	if u.Active {
		form.Set("active", "1")
	}
	data := s.userFormData()
	data["User"] = u
	return &Page{Title: "办税人员：" + u.Name, Form: form, Errors: errs, Data: data}
}

func (s *Server) hallUserNew(w http.ResponseWriter, r *http.Request) error {
	if err := taxpayer.RequireUserAdmin(r.Context()); err != nil {
		return err
	}
	p := &Page{Title: "添加办税人员", Data: s.userFormData()}
	p.Form = map[string][]string{"role": {auth.TPClerk}}
	return s.ok(w, r, "hall_user_new.html", p)
}

func (s *Server) hallUserCreate(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	f := r.PostForm
	u, err := s.Taxpayers.AddUser(r.Context(), taxpayer.UserInput{Username: f.Get("username"), Name: f.Get("name"), Phone: f.Get("phone"),
		Role: f.Get("role"), Admin: f.Get("admin") == "1", Password: f.Get("password"), PasswordConfirm: f.Get("password_confirm")})
	if err != nil {
		clearPasswords(r.PostForm)
		return s.formError(w, r, err, "hall_user_new.html", &Page{Title: "添加办税人员", Data: s.userFormData()})
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
	return s.ok(w, r, "hall_user_edit.html", s.userEditPage(u, nil))
}

func (s *Server) hallUserUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	r.ParseForm()
	f := r.PostForm
	u, err := s.Taxpayers.UpdateUser(r.Context(), id, taxpayer.UserInput{Name: f.Get("name"), Phone: f.Get("phone"), Role: f.Get("role"),
		Admin: f.Get("admin") == "1"}, f.Get("active") == "1")
	if err != nil {
		old, gerr := s.Taxpayers.User(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		return s.formError(w, r, err, "hall_user_edit.html", s.userEditPage(old, nil))
	}
	return s.redirect(w, r, "/hall/users", "已保存 "+u.Name+" 的信息")
}

func (s *Server) hallUserPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	r.ParseForm()
	if err := s.Taxpayers.ResetUserPassword(r.Context(), id, r.PostForm.Get("password"), r.PostForm.Get("password_confirm")); err != nil {
		u, gerr := s.Taxpayers.User(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		fields, ok := invalid(err)
		if !ok {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, "hall_user_edit.html", s.userEditPage(u, fields))
		return nil
	}
	return s.redirect(w, r, "/hall/users", "密码已重置，该用户需使用新密码重新登录")
}
