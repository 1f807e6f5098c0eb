package web

import (
	"net/http"
	"net/url"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if a := auth.ActorFrom(r.Context()); a != nil && a.Kind == auth.Taxpayer {
		return s.redirect(w, r, "/hall", "")
	}
	form := url.Values{"code": {r.URL.Query().Get("code")}}
	return loginView.ok(s, w, r, &basePage{Title: "纳税人登录", Form: form, Next: safeNext(r.URL.Query().Get("next"), ""), Alert: loginReason(r)})
}

// loginReason says why the login page is shown: after a session ended, the
// page that needed the login redirects here with reason=expired.
func loginReason(r *http.Request) string {
	if r.URL.Query().Get("reason") == "expired" {
		return expiredMessage + "。"
	}
	return ""
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.Auth.LoginTaxpayer(r.Context(), r.PostForm.Get("code"), r.PostForm.Get("username"), r.PostForm.Get("password"), auth.Web, r.UserAgent())
	if err != nil {
		return s.loginFailed(w, r, err, loginView, "纳税人登录")
	}
	s.setSession(w, r, sess.Token)
	return s.redirect(w, r, safeNext(r.PostForm.Get("next"), "/hall"), "登录成功，欢迎您，"+sess.Actor.Name)
}

func (s *Server) staffLoginForm(w http.ResponseWriter, r *http.Request) error {
	if a := auth.ActorFrom(r.Context()); a != nil && a.Kind == auth.Staff {
		return s.redirect(w, r, "/staff", "")
	}
	return staffLoginView.ok(s, w, r, &basePage{Title: "税务人员登录", Next: safeNext(r.URL.Query().Get("next"), ""), Alert: loginReason(r)})
}

func (s *Server) staffLoginSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.Auth.LoginStaff(r.Context(), r.PostForm.Get("staff_no"), r.PostForm.Get("password"), auth.Web, r.UserAgent())
	if err != nil {
		return s.loginFailed(w, r, err, staffLoginView, "税务人员登录")
	}
	s.setSession(w, r, sess.Token)
	return s.redirect(w, r, safeNext(r.PostForm.Get("next"), "/staff"), "登录成功，欢迎您，"+sess.Actor.Name)
}

// loginFailed shows the login form again with the reason; the password is
// never echoed back.
func (s *Server) loginFailed(w http.ResponseWriter, r *http.Request, err error, v view[basePage, *basePage], title string) error {
	form := url.Values{}
	for k, v := range r.PostForm {
		if k != "password" {
			form[k] = v
		}
	}
	p := &basePage{Title: title, Form: form, Next: safeNext(r.PostForm.Get("next"), ""), Outcome: "登录未成功"}
	status := http.StatusUnauthorized
	switch apperr.CodeOf(err) {
	case apperr.Invalid:
		p.Errors, _ = invalid(err)
		status = http.StatusUnprocessableEntity
	case apperr.Unauthenticated, apperr.TooMany:
		p.Errors = map[string]string{"_": apperr.As(err).Message}
		if apperr.CodeOf(err) == apperr.TooMany {
			status = http.StatusTooManyRequests
		}
	default:
		return err
	}
	v.render(s, w, r, status, p)
	return nil
}

// logoutPage is the address of the logout button opened as a page: the
// button again (logging out is a POST), or the home page for nobody.
func (s *Server) logoutPage(w http.ResponseWriter, r *http.Request) error {
	if auth.ActorFrom(r.Context()) == nil {
		return s.redirect(w, r, "/", "")
	}
	return logoutView.ok(s, w, r, &basePage{Title: "退出登录"})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	a := auth.ActorFrom(r.Context())
	if err := s.Auth.Logout(r.Context()); err != nil {
		return err
	}
	s.clearSession(w, r)
	to := "/"
	if a != nil && a.Kind == auth.Staff {
		to = "/staff/login"
	}
	return s.redirect(w, r, to, "您已安全退出")
}
