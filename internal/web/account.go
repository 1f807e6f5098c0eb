package web

import (
	"net/http"

	"taxhall/internal/auth"
)

// The password pages are for any logged-in actor (Audience LoggedIn).

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	return passwordView.ok(s, w, r, &basePage{Title: "修改密码"})
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) error {
	a := auth.ActorFrom(r.Context())
	f := r.PostForm
	if err := s.Auth.ChangePassword(r.Context(), f.Get("current_password"), f.Get("password"), f.Get("password_confirm")); err != nil {
		clearPasswords(r.PostForm)
		return passwordView.formError(s, w, r, err, &basePage{Title: "修改密码"})
	}
	home := "/hall"
	if a.Kind == auth.Staff {
		home = "/staff"
	}
	return s.redirect(w, r, home, "密码已修改。您在其他设备上的登录已失效。")
}
