package web

import (
	"net/http"

	"taxhall/internal/auth"
)

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireLogin(r); err != nil {
		return err
	}
	return s.ok(w, r, "account_password.html", &Page{Title: "修改密码"})
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) error {
	a, err := requireLogin(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	f := r.PostForm
	if err := s.Auth.ChangePassword(r.Context(), f.Get("current_password"), f.Get("password"), f.Get("password_confirm")); err != nil {
		clearPasswords(r.PostForm)
		return s.formError(w, r, err, "account_password.html", &Page{Title: "修改密码"})
	}
	home := "/hall"
	if a.Kind == auth.Staff {
		home = "/staff"
	}
	return s.redirect(w, r, home, "密码已修改。您在其他设备上的登录已失效。")
}

func requireLogin(r *http.Request) (*auth.Actor, error) {
	a := auth.ActorFrom(r.Context())
	if a == nil {
		return nil, errLogin
	}
	return a, nil
}
